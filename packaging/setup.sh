#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine:
#   packaging/setup.sh build    install what is missing, build the release binaries in build/
#                               (the Dockerfile's build step)
#   packaging/setup.sh server   install what is missing, build, run fkvs-server on 127.0.0.1:6379
#   packaging/setup.sh test     install what is missing, build, run every test: once on the
#                               release build, once on an ASan+UBSan build, then each fuzz
#                               target for 10 s under ASan+UBSan
#   packaging/setup.sh stress [N]
#                               run "test" N times in a row (default 10) while stress-ng keeps
#                               every core busy; count the runs that passed, failed and hung
# Extra arguments after "server" go to fkvs-server (e.g. --port 7000).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential meson ninja-build pkg-config
  libhiredis-dev libedit-dev liburing-dev liblzf-dev libmimalloc-dev doctest-dev libspdlog-dev
  liblua5.1-0-dev lua-cjson-dev lua-bitop-dev
)
test_packages=(redis-server redis-tools python3-redis python3-pytest tmux clang libfuzzer-14-dev nodejs)

install_missing() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The Node.js clients integration/test_node_clients.py runs (ioredis), as
# integration/node/package-lock.json pins them. npm comes with some nodejs
# builds (NodeSource's) and is a package of its own in Debian's. A failed
# install (no registry) leaves that test failing with a message, not skipped.
install_node_clients() {
  command -v npm >/dev/null || install_missing npm
  local dir=integration/node
  [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ] && return
  timeout 300 npm ci --prefix "$dir" --no-audit --no-fund ||
    echo "npm ci failed: integration/test_node_clients.py will fail" >&2
}

build() {  # build <dir> [meson options...] [ninja target]
  local dir=$1
  shift
  local options=() target=()
  for arg in "$@"; do
    case "$arg" in
      -*) options+=("$arg") ;;
      *) target=("$arg") ;;
    esac
  done
  if [ ! -f "$dir/build.ninja" ]; then
    # Unity builds compile ten sources at a time: half the build time, as the
    # headers are parsed once per ten files rather than once per file.
    meson setup "$dir" --unity on -Dunity_size=10 "${options[@]}"
  fi
  ninja -C "$dir" "${target[@]}"
}

mode=${1:-}
[ $# -gt 0 ] && shift
case "$mode" in
  build)
    install_missing "${packages[@]}"
    build build --buildtype=release
    ;;
  server)
    install_missing "${packages[@]}"
    build build --buildtype=release
    exec build/src/fkvs-server packaging/fkvs.conf --dir "$PWD" "$@"
    ;;
  test)
    install_missing "${packages[@]}" "${test_packages[@]}"
    install_node_clients
    status=0
    # A build that fails still ends with the summary line CI reads.
    build build --buildtype=release || { echo "0 passed, 1 failed"; exit 1; }
    # Two at a time: the epoll and io_uring integration runs mostly wait on sockets.
    meson test -C build --print-errorlogs --num-processes 2 || status=$?
    build build-asan --buildtype=debug -Dsanitizers=address,undefined ||
      { echo "0 passed, 1 failed"; exit 1; }
    meson test -C build-asan --print-errorlogs --num-processes 2 || status=$?
    # The fuzz targets alone (not the server): libFuzzer needs clang.
    CXX=clang++ build build-fuzz --buildtype=debugoptimized -Dfuzzing=true -Dtests=false \
      -Dsanitizers=address,undefined -Dallocator=system fuzzers ||
      { echo "0 passed, 1 failed"; exit 1; }
    meson test -C build-fuzz --no-rebuild --print-errorlogs --suite fuzz --num-processes 2 ||
      status=$?
    /usr/bin/python3 packaging/test_summary.py build/meson-logs/testlog.json \
      build-asan/meson-logs/testlog.json build-fuzz/meson-logs/testlog.json
    exit $status
    ;;
  stress)
    runs=${1:-10}
    install_missing "${packages[@]}" "${test_packages[@]}" stress-ng
    mkdir -p build-stress
    stress-ng --cpu "$(nproc)" --timeout 0 --quiet &
    stress_pid=$!
    trap 'kill $stress_pid 2>/dev/null' EXIT
    passed=0 failed=0 hung=0
    for run in $(seq "$runs"); do
      log=build-stress/run-$run.log
      started=$SECONDS
      rc=0
      # Hours, not minutes: only a run stuck past meson's own timeouts ends here.
      timeout 7200 "$0" test >"$log" 2>&1 || rc=$?
      # meson marks a test it had to kill at its timeout TIMEOUT.
      if [ "$rc" -eq 124 ] || grep -q "TIMEOUT" "$log"; then
        hung=$((hung + 1))
      elif [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
      else
        failed=$((failed + 1))
      fi
      echo "run $run: exit $rc in $((SECONDS - started)) s: $(tail -n 1 "$log") ($log)"
    done
    echo "$runs runs under stress-ng --cpu $(nproc): $passed passed, $failed failed, $hung hung"
    [ "$passed" -eq "$runs" ]
    ;;
  *)
    echo "usage: $0 build|server|test|stress [options]" >&2
    exit 2
    ;;
esac
