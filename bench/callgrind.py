#!/usr/bin/python3
"""Instructions per request of fkvs-server and redis-server under callgrind.

Each server runs under `valgrind --tool=callgrind` with instrumentation off
while it starts and is prefilled. Then, for each test, a warm-up run, and per
round: `callgrind_control --zero`, a fixed number of pipelined requests from
redis-benchmark, `callgrind_control --dump`. The dump's `summary:` line is the
instruction count (Ir) of exactly that window; divided by the requests it is
Ir/request. Unlike req/s, the figure does not depend on what else the machine
is doing, but it counts user-space instructions only: syscalls are not in it.

    bench/callgrind.py                          # SET and GET at -P 16
    bench/callgrind.py --annotate --top 25      # plus fkvs's costliest functions
    bench/callgrind.py --fkvs-bin /usr/bin/redis-server   # redis against itself
"""

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile

from load import BENCHMARK_BIN, rounded_requests, run_benchmark
from servers import DEFAULT_FKVS_BIN, DEFAULT_REDIS_BIN, BenchError, ServerProcess, prefill

SERVER_NAMES = ("fkvs", "redis")

# A server under callgrind may take several seconds just to start.
READY_TIMEOUT_S = 180

# "  1,234,567 (12.34%)  file:function [object]" in callgrind_annotate's output.
ANNOTATE_LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.*)$")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fkvs-bin", default=DEFAULT_FKVS_BIN)
    parser.add_argument("--redis-bin", default=DEFAULT_REDIS_BIN)
    parser.add_argument("--fkvs-args", default="", help="extra fkvs-server arguments (one string)")
    parser.add_argument("--benchmark-bin", default=BENCHMARK_BIN)
    parser.add_argument("--tests", default="set,get", help="comma list of redis-benchmark -t tests")
    parser.add_argument("--pipeline", type=int, default=16, help="-P (default 16)")
    parser.add_argument("--clients", type=int, default=50, help="-c (default 50)")
    parser.add_argument("--requests", type=int, default=50_000,
                        help="requests measured per round (default 50000)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measured runs per server and test; the median is reported")
    parser.add_argument("--warmup", type=int, default=10_000,
                        help="requests run before measuring each test, not counted")
    parser.add_argument("--keyspace", type=int, default=100_000, help="-r and keys prefilled")
    parser.add_argument("--data-size", type=int, default=3, help="-d value size in bytes")
    parser.add_argument("--annotate", action="store_true",
                        help="print fkvs's costliest functions (self cost) per test")
    parser.add_argument("--top", type=int, default=20, help="functions shown by --annotate")
    parser.add_argument("--out-dir", help="keep callgrind files and server logs here")
    parser.add_argument("--json", metavar="PATH", help="also write the results here")
    args = parser.parse_args()
    args.tests = [t.strip().lower() for t in args.tests.split(",") if t.strip()]
    if args.rounds < 1 or args.requests < 1 or not args.tests:
        parser.error("need at least one test, one round and one request")
    args.requests = rounded_requests(args.requests, args.pipeline)
    args.warmup = rounded_requests(args.warmup, args.pipeline)
    return args


def callgrind_control(command, pid):
    done = subprocess.run(["callgrind_control", command, str(pid)], capture_output=True,
                          text=True, timeout=120)
    if done.returncode != 0 or "OK." not in done.stdout:
        raise BenchError("callgrind_control %s %d failed:\n%s%s" %
                         (command, pid, done.stdout, done.stderr))


def dump_files(out_file):
    """Numbered dumps written by callgrind_control --dump: OUT.1, OUT.2, ..."""
    prefix = os.path.basename(out_file) + "."
    directory = os.path.dirname(out_file)
    return {os.path.join(directory, name) for name in os.listdir(directory)
            if name.startswith(prefix) and name[len(prefix):].isdigit()}


def total_instructions(dump_path):
    with open(dump_path) as dump:
        for line in dump:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise BenchError("no summary: or totals: line in %s" % dump_path)


def dump_window(server, out_file):
    """Dumps the counters since the last --zero; returns the new dump's path."""
    before = dump_files(out_file)
    callgrind_control("--dump", server.pid)
    created = dump_files(out_file) - before
    if len(created) != 1:
        raise BenchError("expected one new callgrind dump after --dump, found %d" % len(created))
    return created.pop()


def measure_server(name, binary, extra_args, args, workdir):
    """Returns {test: {"ir_per_request": [...per round], "dumps": [...]}}."""
    out_file = os.path.join(workdir, name + ".callgrind")
    launcher = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                "--callgrind-out-file=" + out_file]
    server = ServerProcess(name, binary, os.path.join(workdir, name + ".log"), launcher,
                           extra_args)
    results = {}
    try:
        server.start(ready_timeout=READY_TIMEOUT_S)
        prefill(server.port, args.keyspace, b"x" * args.data_size)
        callgrind_control("--instr=on", server.pid)
        for test in args.tests:
            run_benchmark(server.port, test, args.pipeline, args.clients, args.warmup,
                          args.keyspace, args.data_size, benchmark_bin=args.benchmark_bin)
            per_round, dumps = [], []
            for round_index in range(args.rounds):
                callgrind_control("--zero", server.pid)
                run_benchmark(server.port, test, args.pipeline, args.clients, args.requests,
                              args.keyspace, args.data_size, benchmark_bin=args.benchmark_bin)
                dump = dump_window(server, out_file)
                server.check_alive()
                per_round.append(total_instructions(dump) / args.requests)
                dumps.append(dump)
                print("%-5s %s -P %d round %d: %.0f Ir/request" % (
                    name, test.upper(), args.pipeline, round_index + 1, per_round[-1]),
                    file=sys.stderr, flush=True)
            results[test] = {"ir_per_request": per_round, "dumps": dumps}
    finally:
        server.stop()
    return results


def median_dump(result):
    """The dump of the round whose Ir/request is the median one."""
    ranked = sorted(zip(result["ir_per_request"], result["dumps"]))
    return ranked[len(ranked) // 2][1]


def readable_function(name, server_binary):
    """callgrind_annotate's 'file:function [object]' without the noise: an
    unknown file, the server's own object, spelled-out string_view."""
    name = name.replace("std::basic_string_view<char, std::char_traits<char> >",
                        "std::string_view")
    name = name.replace(" [%s]" % server_binary, "")
    return name[len("???:"):] if name.startswith("???:") else name


def top_functions(dump_path, requests, count, server_binary):
    """[(Ir per request, percent, function)] by self cost."""
    done = subprocess.run(["callgrind_annotate", "--auto=no", "--threshold=100", dump_path],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise BenchError("callgrind_annotate failed:\n%s" % done.stderr)
    rows = []
    for line in done.stdout.splitlines():
        match = ANNOTATE_LINE.match(line)
        if match and "PROGRAM TOTALS" not in match.group(3):
            rows.append((int(match.group(1).replace(",", "")) / requests,
                         float(match.group(2)), readable_function(match.group(3), server_binary)))
    return rows[:count]


def print_results(args, medians):
    print("Ir/request under callgrind (user-space instructions, syscalls excluded); "
          "-P %d, %d clients, %d requests per round, median of %d round(s)" % (
              args.pipeline, args.clients, args.requests, args.rounds))
    print("fkvs:  %s\nredis: %s\n" % (args.fkvs_bin, args.redis_bin))
    print("%-9s %12s %12s %11s" % ("test", "fkvs Ir/req", "redis Ir/req", "fkvs/redis"))
    for test in args.tests:
        fkvs, redis = medians["fkvs"][test], medians["redis"][test]
        print("%-9s %12.0f %12.0f %10.2fx" % ("%s -P %d" % (test.upper(), args.pipeline),
                                              fkvs, redis, fkvs / redis))
    print("\n(fkvs/redis below 1 means fkvs executes fewer instructions per request.)")


def print_annotation(args, results):
    for test in args.tests:
        print("\nfkvs %s -P %d: top %d functions by self cost (median round)" % (
            test.upper(), args.pipeline, args.top))
        print("%9s %7s  %s" % ("Ir/req", "share", "function"))
        for per_request, percent, function in top_functions(
                median_dump(results["fkvs"][test]), args.requests, args.top,
                os.path.abspath(args.fkvs_bin)):
            print("%9.1f %6.2f%%  %s" % (per_request, percent, function))


def main():
    args = parse_args()
    workdir = args.out_dir or tempfile.mkdtemp(prefix="fkvs-callgrind-")
    os.makedirs(workdir, exist_ok=True)
    binaries = {"fkvs": args.fkvs_bin, "redis": args.redis_bin}
    extra = {"fkvs": shlex.split(args.fkvs_args), "redis": []}
    try:
        results = {name: measure_server(name, binaries[name], extra[name], args, workdir)
                   for name in SERVER_NAMES}
        medians = {name: {test: statistics.median(results[name][test]["ir_per_request"])
                          for test in args.tests} for name in SERVER_NAMES}
        print_results(args, medians)
        if args.annotate:
            print_annotation(args, results)
    except BenchError as error:
        sys.exit("callgrind.py: %s (files kept in %s)" % (error, workdir))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"config": {key: value for key, value in vars(args).items()
                                  if key not in ("json", "annotate", "top", "out_dir")},
                       "ir_per_request_median": medians,
                       "ir_per_request_rounds": {
                           name: {test: results[name][test]["ir_per_request"]
                                  for test in args.tests} for name in SERVER_NAMES}},
                      out, indent=2)
            out.write("\n")
    if args.out_dir:
        print("\ncallgrind files and server logs kept in %s" % workdir)
    else:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
