#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine:
#   packaging/setup.sh build    install what is missing, build the release binaries in build/
#                               (the Dockerfile's build step)
#   packaging/setup.sh server   install what is missing, build, run fkvs-server on 127.0.0.1:6379
#   packaging/setup.sh test     install what is missing, build, run every test: once on the
#                               release build, once on an ASan+UBSan build
# Extra arguments after "server" go to fkvs-server (e.g. --port 7000).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential meson ninja-build pkg-config
  libhiredis-dev libedit-dev liburing-dev libmimalloc-dev doctest-dev libspdlog-dev
)
test_packages=(redis-server redis-tools python3-redis python3-pytest tmux)

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

build() {  # build <dir> [meson options...]
  local dir=$1
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@"
  fi
  ninja -C "$dir"
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
    status=0
    # A build that fails still ends with the summary line CI reads.
    build build --buildtype=release || { echo "0 passed, 1 failed"; exit 1; }
    meson test -C build --print-errorlogs --num-processes 1 || status=$?
    build build-asan --buildtype=debug -Dsanitizers=address,undefined ||
      { echo "0 passed, 1 failed"; exit 1; }
    meson test -C build-asan --print-errorlogs --num-processes 1 || status=$?
    /usr/bin/python3 packaging/test_summary.py build/meson-logs/testlog.json \
      build-asan/meson-logs/testlog.json
    exit $status
    ;;
  *)
    echo "usage: $0 build|server|test [fkvs-server options]" >&2
    exit 2
    ;;
esac
