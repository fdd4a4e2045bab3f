#!/bin/sh
# coverage.sh TARGET CORPUS_DIR...
# Which source lines the corpora reach: builds the fuzz targets with clang's
# source-based coverage in build-fuzz-coverage/, replays every input once
# (no fuzzing), and prints llvm-cov's report for the server sources TARGET
# links. Paths are from the repository's root, e.g.
#   tests/fuzz/coverage.sh request_parser tests/fuzz/corpus/request_parser /tmp/work/corpus
set -eu
cd "$(dirname "$0")/../.."
target=$1
shift
build=build-fuzz-coverage
flags="-fprofile-instr-generate -fcoverage-mapping"
# meson's compiler checks run instrumented programs too: their profiles stay in the build.
export LLVM_PROFILE_FILE="$PWD/$build/setup-%p.profraw"
if [ ! -f "$build/build.ninja" ]; then
  CXX=clang++ meson setup "$build" --buildtype=debugoptimized -Dfuzzing=true -Dtests=false \
    -Dallocator=system -Dcpp_args="$flags" -Dcpp_link_args="$flags" >/dev/null
fi
ninja -C "$build" "tests/fuzz/fuzz_$target" >/dev/null
fuzzer=$build/tests/fuzz/fuzz_$target
profile=$build/fuzz_$target
LLVM_PROFILE_FILE="$profile.profraw" "$fuzzer" -runs=0 "$@" 2>/dev/null
llvm-profdata merge -sparse "$profile.profraw" -o "$profile.profdata"
# The server's own sources; the harness and system headers are left out.
llvm-cov report "$fuzzer" -instr-profile="$profile.profdata" \
  -ignore-filename-regex='(^/usr/|tests/fuzz/)'
