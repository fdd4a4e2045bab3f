#!/usr/bin/python3
"""Side-by-side redis-benchmark of fkvs-server and redis-server in one run.

Both servers run at once on free loopback ports, pinned to the same core; the
load generator is pinned to another. Rounds alternate fkvs, redis, fkvs, redis
so that drift in machine load hits both alike. For every test and pipeline
depth it reports, per server, the median over rounds of: requests per second,
requests per second of server CPU time (utime+stime from /proc/PID/stat), and
p50/p99 latency; and the ratio fkvs/redis of each.

    bench/compare.py                       # SET and GET at -P 1 and -P 16
    bench/compare.py --tests get --pipelines 1,4,16 --rounds 5 --json out.json
    bench/compare.py --fkvs-bin /usr/bin/redis-server   # redis against itself
"""

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import sys
import tempfile
import time

from load import BENCHMARK_BIN, rounded_requests, run_benchmark
from servers import add_server_arguments, BenchError, ServerProcess, prefill

SERVER_NAMES = ("fkvs", "redis")

# Per-run requests when --requests is not given: sized so that each run lasts
# two to four seconds on a 2-core machine and the default run one to two minutes.
DEFAULT_REQUESTS_UNPIPELINED = 100_000
DEFAULT_REQUESTS_PIPELINED = 500_000

# (key in a run's figures, label, which way is better)
METRICS = (
    ("rps", "req/s", "higher"),
    ("req_per_cpu_s", "req/CPU-s", "higher"),
    ("server_cpu_pct", "server CPU %", ""),
    ("client_cpu_pct", "client CPU %", ""),
    ("p50_ms", "p50 ms", "lower"),
    ("p99_ms", "p99 ms", "lower"),
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    parser.add_argument("--benchmark-bin", default=BENCHMARK_BIN,
                        help="load generator: redis-benchmark (default) or fkvs-benchmark")
    parser.add_argument("--benchmark-args", default="",
                        help="extra load generator arguments, one string (\"--threads 2\")")
    parser.add_argument("--tests", default="set,get", help="comma list of redis-benchmark -t tests")
    parser.add_argument("--pipelines", default="1,16", help="comma list of -P depths")
    parser.add_argument("--clients", type=int, default=50, help="-c (default 50)")
    parser.add_argument("--requests", type=int, default=None,
                        help="-n per run (default %d at -P 1, %d when pipelined)" %
                        (DEFAULT_REQUESTS_UNPIPELINED, DEFAULT_REQUESTS_PIPELINED))
    parser.add_argument("--rounds", type=int, default=3, help="runs per server per cell")
    parser.add_argument("--keyspace", type=int, default=100_000,
                        help="-r, and the number of keys prefilled (default 100000)")
    parser.add_argument("--data-size", type=int, default=3, help="-d value size in bytes")
    parser.add_argument("--server-cpu", type=int, default=0, help="core both servers run on")
    parser.add_argument("--client-cpu", type=int, default=1, help="core redis-benchmark runs on")
    parser.add_argument("--no-pin", action="store_true", help="do not use taskset at all")
    parser.add_argument("--json", metavar="PATH", help="also write all results here")
    args = parser.parse_args()
    args.tests = [t.strip().lower() for t in args.tests.split(",") if t.strip()]
    args.pipelines = [int(p) for p in args.pipelines.split(",") if p.strip()]
    if args.rounds < 1 or args.clients < 1 or not args.tests or not args.pipelines:
        parser.error("need at least one test, one pipeline depth, one round and one client")
    return args


def requests_for(args, pipeline):
    if args.requests:
        return rounded_requests(args.requests, pipeline)
    default = DEFAULT_REQUESTS_UNPIPELINED if pipeline == 1 else DEFAULT_REQUESTS_PIPELINED
    return rounded_requests(default, pipeline)


def measure_once(server, args, test, pipeline, requests):
    """One benchmark run with the server's CPU time sampled around it."""
    cpu_before = server.cpu_seconds()
    figures = run_benchmark(server.port, test, pipeline, args.clients, requests, args.keyspace,
                            args.data_size, cpu=None if args.no_pin else args.client_cpu,
                            benchmark_bin=args.benchmark_bin,
                            extra_args=shlex.split(args.benchmark_args))
    cpu = server.cpu_seconds() - cpu_before
    server.check_alive()
    figures["requests"] = requests
    figures["server_cpu_s"] = cpu
    figures["req_per_cpu_s"] = requests / cpu if cpu > 0 else None
    figures["server_cpu_pct"] = 100.0 * cpu / figures["wall_s"]
    figures["client_cpu_pct"] = 100.0 * figures["client_cpu_s"] / figures["wall_s"]
    return figures


def median_of(runs, key):
    values = [run[key] for run in runs if run[key] is not None]
    return statistics.median(values) if values else None


def spread_pct(runs, key):
    """Half the min-max range of the rounds, relative to their median."""
    values = [run[key] for run in runs if run[key] is not None]
    middle = statistics.median(values) if values else 0
    return 50.0 * (max(values) - min(values)) / middle if middle else None


def ratio(fkvs, redis):
    return fkvs / redis if fkvs is not None and redis else None


def summarise_cell(test, pipeline, requests, runs):
    cell = {"test": test, "pipeline": pipeline, "requests": requests, "servers": {},
            "ratios": {}}
    for name in SERVER_NAMES:
        medians = {key: median_of(runs[name], key) for key, _, _ in METRICS}
        cell["servers"][name] = {"rounds": runs[name], "median": medians,
                                 "rps_spread_pct": spread_pct(runs[name], "rps")}
    for key, _, _ in METRICS:
        cell["ratios"][key] = ratio(cell["servers"]["fkvs"]["median"][key],
                                    cell["servers"]["redis"]["median"][key])
    return cell


def fmt(value, digits=0):
    if value is None:
        return "n/a"
    return "{:,.{}f}".format(value, digits)


def fmt_ratio(value):
    return "n/a" if value is None else "%.2fx" % value


def cell_name(cell):
    return "%s -P %d" % (cell["test"].upper(), cell["pipeline"])


def print_table(cells):
    header = "%-11s %-13s %12s %12s %11s  %s" % ("cell", "metric", "fkvs", "redis", "fkvs/redis",
                                                 "better")
    print(header)
    print("-" * len(header))
    for cell in cells:
        for index, (key, label, better) in enumerate(METRICS):
            digits = 3 if key.endswith("_ms") else 0
            fkvs = cell["servers"]["fkvs"]["median"][key]
            redis = cell["servers"]["redis"]["median"][key]
            print("%-11s %-13s %12s %12s %11s  %s" % (
                cell_name(cell) if index == 0 else "", label, fmt(fkvs, digits),
                fmt(redis, digits), fmt_ratio(cell["ratios"][key]) if better else "", better))
        spreads = [cell["servers"][name]["rps_spread_pct"] for name in SERVER_NAMES]
        print("%-11s %-13s %12s %12s" % ("", "req/s spread", *("+-%s%%" % fmt(s, 1)
                                                               for s in spreads)))
    print()
    for cell in cells:
        fkvs, redis = cell["servers"]["fkvs"]["median"], cell["servers"]["redis"]["median"]
        ratios = cell["ratios"]
        print("%s: fkvs/redis req/s %s, req/CPU-s %s, p50 %s, p99 %s "
              "(fkvs %s vs redis %s req/s; %s vs %s req per server CPU-s)" % (
                  cell_name(cell), fmt_ratio(ratios["rps"]), fmt_ratio(ratios["req_per_cpu_s"]),
                  fmt_ratio(ratios["p50_ms"]), fmt_ratio(ratios["p99_ms"]), fmt(fkvs["rps"]),
                  fmt(redis["rps"]), fmt(fkvs["req_per_cpu_s"]), fmt(redis["req_per_cpu_s"])))


def load_average():
    with open("/proc/loadavg") as loadavg:
        return [float(x) for x in loadavg.read().split()[:3]]


def cpu_model():
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def run(args, workdir):
    launcher = [] if args.no_pin else ["taskset", "-c", str(args.server_cpu)]
    binaries = {"fkvs": args.fkvs_bin, "redis": args.redis_bin}
    extra = {"fkvs": shlex.split(args.fkvs_args), "redis": []}
    servers = {name: ServerProcess(name, binaries[name], os.path.join(workdir, name + ".log"),
                                   launcher, extra[name]) for name in SERVER_NAMES}
    try:
        for server in servers.values():
            server.start()
            prefill(server.port, args.keyspace, b"x" * args.data_size)
        cells = []
        total_runs = len(args.tests) * len(args.pipelines) * args.rounds * len(SERVER_NAMES)
        done = 0
        for test in args.tests:
            for pipeline in args.pipelines:
                requests = requests_for(args, pipeline)
                runs = {name: [] for name in SERVER_NAMES}
                for round_index in range(args.rounds):
                    for name in SERVER_NAMES:
                        figures = measure_once(servers[name], args, test, pipeline, requests)
                        runs[name].append(figures)
                        done += 1
                        print("[%d/%d] %s -P %d %-5s round %d: %s req/s, %s req/CPU-s, "
                              "p50 %.3f ms, p99 %.3f ms" % (
                                  done, total_runs, test.upper(), pipeline, name,
                                  round_index + 1, fmt(figures["rps"]),
                                  fmt(figures["req_per_cpu_s"]), figures["p50_ms"],
                                  figures["p99_ms"]), file=sys.stderr, flush=True)
                cells.append(summarise_cell(test, pipeline, requests, runs))
        return cells
    finally:
        for server in servers.values():
            server.stop()


def main():
    args = parse_args()
    began = time.monotonic()
    load_before = load_average()
    workdir = tempfile.mkdtemp(prefix="fkvs-compare-")
    try:
        cells = run(args, workdir)
    except BenchError as error:
        sys.exit("compare.py: %s" % error)
    # Logs are only worth keeping when something went wrong.
    shutil.rmtree(workdir)
    load_after = load_average()
    print("fkvs:  %s\nredis: %s" % (args.fkvs_bin, args.redis_bin))
    print("%d clients, %d round(s) per server, keyspace %d, %d-byte values; servers on core %s, "
          "redis-benchmark on core %s; load average before/after %.2f/%.2f" % (
              args.clients, args.rounds, args.keyspace, args.data_size,
              "any" if args.no_pin else args.server_cpu, "any" if args.no_pin else args.client_cpu,
              load_before[0], load_after[0]))
    print("Medians over rounds. Ratios are fkvs/redis: above 1 is better for req/s and "
          "req/CPU-s, below 1 is better for latency.\n")
    print_table(cells)
    elapsed = time.monotonic() - began
    print("\ntotal time %.0f s" % elapsed)
    if args.json:
        result = {
            "config": {key: value for key, value in vars(args).items() if key != "json"},
            "machine": {"cpus": os.cpu_count(), "cpu_model": cpu_model(),
                        "kernel": platform.release(), "load_average_before": load_before,
                        "load_average_after": load_after},
            "elapsed_s": elapsed,
            "cells": cells,
        }
        with open(args.json, "w") as out:
            json.dump(result, out, indent=2)
            out.write("\n")


if __name__ == "__main__":
    main()
