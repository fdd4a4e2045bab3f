#!/usr/bin/python3
"""fkvs-benchmark and redis-benchmark side by side, as load generators.

One server (fkvs-server unless --against redis) is started once; the
generators take turns against it, interleaved round by round: redis-benchmark,
fkvs-benchmark --threads 1, fkvs-benchmark --threads 2, redis-benchmark, ...
For each it reports the median over rounds of req/s, the generator's own CPU
time per million requests (getrusage of the child) and the server's CPU %, and
the ratio of each to redis-benchmark's. --callgrind adds each generator's
user-space instructions per request.

    bench/loadgen.py                                # SET -P 16, 50 clients, 3 rounds
    bench/loadgen.py --test get --pipeline 1 --threads 1,2 --rounds 5
    bench/loadgen.py --callgrind                    # plus instructions per request
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

from load import BENCHMARK_BIN, rounded_requests, run_benchmark
from servers import REPO_ROOT, BenchError, ServerProcess, add_server_arguments, prefill

DEFAULT_FKVS_BENCHMARK = os.path.join(REPO_ROOT, "build", "src", "tools", "benchmark",
                                      "fkvs-benchmark")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    parser.add_argument("--against", choices=("fkvs", "redis"), default="fkvs",
                        help="which server to load (default fkvs)")
    parser.add_argument("--fkvs-benchmark-bin", default=DEFAULT_FKVS_BENCHMARK)
    parser.add_argument("--redis-benchmark-bin", default=BENCHMARK_BIN)
    parser.add_argument("--threads", default="1,2",
                        help="comma list of fkvs-benchmark --threads values (default 1,2)")
    parser.add_argument("--test", default="set", help="one -t test (default set)")
    parser.add_argument("--pipeline", type=int, default=16, help="-P (default 16)")
    parser.add_argument("--clients", type=int, default=50, help="-c (default 50)")
    parser.add_argument("--requests", type=int, default=1_000_000, help="-n per run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keyspace", type=int, default=100_000, help="-r, and keys prefilled")
    parser.add_argument("--data-size", type=int, default=3)
    parser.add_argument("--server-cpu", default=None,
                        help="taskset CPU list for the server (default: not pinned)")
    parser.add_argument("--client-cpus", default=None,
                        help="taskset CPU list for the generators (default: not pinned)")
    parser.add_argument("--callgrind", action="store_true",
                        help="also count each generator's instructions per request")
    parser.add_argument("--callgrind-requests", type=int, default=100_000,
                        help="requests of the smaller callgrind run (the larger is twice that)")
    parser.add_argument("--json", metavar="PATH", help="also write all results here")
    args = parser.parse_args()
    args.threads = [int(t) for t in args.threads.split(",") if t.strip()]
    if args.rounds < 1 or not args.threads:
        parser.error("need at least one round and one --threads value")
    return args


def generators(args):
    """(label, binary, extra arguments) of every generator, redis-benchmark first."""
    out = [("redis-benchmark", args.redis_benchmark_bin, [])]
    for threads in args.threads:
        out.append(("fkvs-benchmark --threads %d" % threads, args.fkvs_benchmark_bin,
                    ["--threads", str(threads)]))
    return out


def measure(server, args, binary, extra, requests):
    cpu_before = server.cpu_seconds()
    figures = run_benchmark(server.port, args.test, args.pipeline, args.clients, requests,
                            args.keyspace, args.data_size, cpu=args.client_cpus,
                            benchmark_bin=binary, extra_args=extra)
    server.check_alive()
    server_cpu = server.cpu_seconds() - cpu_before
    figures["client_cpu_s_per_m"] = 1e6 * figures["client_cpu_s"] / requests
    figures["client_cpu_pct"] = 100.0 * figures["client_cpu_s"] / figures["wall_s"]
    figures["server_cpu_pct"] = 100.0 * server_cpu / figures["wall_s"]
    return figures


def callgrind_instructions(server, args, binary, extra, requests, out_dir):
    """Total user-space instructions of one generator run under callgrind."""
    out_file = os.path.join(out_dir, "callgrind.%d.out" % requests)
    argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out_file, binary,
            "-h", "127.0.0.1", "-p", str(server.port), "-q", "--csv", "-t", args.test,
            "-P", str(args.pipeline), "-c", str(args.clients), "-n", str(requests),
            "-r", str(args.keyspace), "-d", str(args.data_size), *extra]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise BenchError("callgrind run failed: %s\n%s" % (" ".join(argv), done.stderr[-2000:]))
    with open(out_file) as dump:
        for line in dump:
            match = re.match(r"(?:summary|totals): (\d+)", line)
            if match:
                return int(match.group(1))
    raise BenchError("no totals in %s" % out_file)


def ir_per_request(server, args, binary, extra, workdir):
    """Instructions per request with start-up cost removed: the difference of a
    run of n and one of 2n requests, divided by n."""
    small = rounded_requests(args.callgrind_requests, args.pipeline)
    out_dir = tempfile.mkdtemp(dir=workdir)
    first = callgrind_instructions(server, args, binary, extra, small, out_dir)
    second = callgrind_instructions(server, args, binary, extra, 2 * small, out_dir)
    return (second - first) / small


def fmt(value, digits=0):
    return "n/a" if value is None else "{:,.{}f}".format(value, digits)


def main():
    args = parse_args()
    binary = args.fkvs_bin if args.against == "fkvs" else args.redis_bin
    launcher = ["taskset", "-c", args.server_cpu] if args.server_cpu else []
    workdir = tempfile.mkdtemp(prefix="fkvs-loadgen-")
    server = ServerProcess(args.against, binary, os.path.join(workdir, "server.log"), launcher,
                           args.fkvs_args.split() if args.against == "fkvs" else [])
    requests = rounded_requests(args.requests, args.pipeline)
    runs = {label: [] for label, _, _ in generators(args)}
    instructions = {}
    try:
        server.start()
        prefill(server.port, args.keyspace, b"x" * args.data_size)
        for round_index in range(args.rounds):
            for label, generator, extra in generators(args):
                figures = measure(server, args, generator, extra, requests)
                runs[label].append(figures)
                print("round %d %-28s %12s req/s  client %6.2f CPU-s/M req  client %3.0f%%  "
                      "server %3.0f%%" % (round_index + 1, label, fmt(figures["rps"]),
                                          figures["client_cpu_s_per_m"], figures["client_cpu_pct"],
                                          figures["server_cpu_pct"]),
                      file=sys.stderr, flush=True)
        if args.callgrind:
            for label, generator, extra in generators(args)[:2]:
                instructions[label] = ir_per_request(server, args, generator, extra, workdir)
                print("callgrind %s: %.0f Ir/request" % (label, instructions[label]),
                      file=sys.stderr, flush=True)
    except BenchError as error:
        sys.exit("loadgen.py: %s (logs in %s)" % (error, workdir))
    finally:
        server.stop()

    medians = {label: {key: statistics.median(run[key] for run in rounds)
                       for key in ("rps", "client_cpu_s_per_m", "client_cpu_pct",
                                   "server_cpu_pct")}
               for label, rounds in runs.items()}
    base = medians["redis-benchmark"]
    print("%s -P %d, %d clients, %d requests per run, %d round(s), against %s; server CPU %s, "
          "generators CPU %s" % (args.test.upper(), args.pipeline, args.clients, requests,
                                 args.rounds, args.against, args.server_cpu or "any",
                                 args.client_cpus or "any"))
    header = "%-28s %12s %8s %16s %8s %9s %9s" % ("generator", "req/s", "ratio", "CPU-s/M req",
                                                  "ratio", "client %", "server %")
    print(header)
    print("-" * len(header))
    for label, figures in medians.items():
        print("%-28s %12s %7.2fx %16.3f %7.2fx %9.0f %9.0f" % (
            label, fmt(figures["rps"]), figures["rps"] / base["rps"],
            figures["client_cpu_s_per_m"], figures["client_cpu_s_per_m"] /
            base["client_cpu_s_per_m"], figures["client_cpu_pct"], figures["server_cpu_pct"]))
    if instructions:
        base_ir = instructions["redis-benchmark"]
        print()
        for label, value in instructions.items():
            print("%-28s %10.0f Ir/request %7.2fx" % (label, value, value / base_ir))
    print("\nRatios are to redis-benchmark: above 1 is more load for req/s, below 1 is cheaper "
          "for CPU-s per million requests and Ir/request.")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"config": {k: v for k, v in vars(args).items() if k != "json"},
                       "rounds": runs, "medians": medians, "ir_per_request": instructions},
                      out, indent=2)
            out.write("\n")


if __name__ == "__main__":
    main()
