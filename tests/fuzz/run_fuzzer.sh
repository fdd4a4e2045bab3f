#!/bin/sh
# run_fuzzer.sh FUZZER SEEDS SECONDS WORKDIR
# Runs a libFuzzer target for SECONDS over the seed corpus SEEDS, which is
# only read: inputs that reach new code go to WORKDIR/corpus, and an input
# that fails (a crash, a broken property, a leak, one taking over 10 s) to
# WORKDIR/crash-*, timeout-*, ...; the exit status is then non-zero.
# Merge new inputs into the seeds with: FUZZER -merge=1 SEEDS WORKDIR/corpus
set -eu
fuzzer=$1 seeds=$2 seconds=$3 work=$4
mkdir -p "$work/corpus"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$seeds"
