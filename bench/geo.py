#!/usr/bin/python3
"""Geo commands in fkvs-server and redis-server: GEOSEARCH and GEOADD requests
per server CPU-second, side by side.

Both servers run at once, pinned to one core, the load generator (fkvs-benchmark
by default) to another. Each server first gets the same --points points (random
in a 10 x 10 degree square around 10 E, 45 N, members m:<12 digits> as -r
names them), checked with GEOPOS and one search whose replies must be equal;
then for every case and pipeline depth the rounds interleave the servers:

  search: GEOSEARCH geo:points FROMMEMBER m:__rand_int__ BYRADIUS 10 km ASC COUNT 10 WITHDIST
  box:    GEOSEARCH geo:points FROMMEMBER m:__rand_int__ BYBOX 20 20 km ASC COUNT 10 WITHDIST
  add:    GEOADD geo:add 13.361389 38.115556 m:__rand_int__

and the figures, medians over rounds, are req/s, requests per server
CPU-second (utime+stime of /proc/PID/stat), p50 and p99, with fkvs's ratio to
redis.

    bench/geo.py                                  # -P 1 and -P 16, 3 rounds
    bench/geo.py --cases search --points 1000000 --rounds 5 --markdown
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time

from load import run_benchmark
from servers import (add_pinning_arguments, add_server_arguments, BenchError, Connection,
                     encode_command, pinning_description, REFERENCE_NAME, REPO_ROOT,
                     send_checked, server_launcher, servers_under_test)

DEFAULT_FKVS_BENCHMARK = os.path.join(REPO_ROOT, "build", "src", "tools", "benchmark",
                                      "fkvs-benchmark")
POINTS_KEY = "geo:points"
MEMBER_FORMAT = "m:%012d"  # what -r makes of m:__rand_int__
CENTER = (10.0, 45.0)
SPREAD_DEGREES = 5.0

# name -> (command, default requests per run)
CASES = {
    "search": (["GEOSEARCH", POINTS_KEY, "FROMMEMBER", "m:__rand_int__", "BYRADIUS", "10", "km",
                "ASC", "COUNT", "10", "WITHDIST"], 100_000),
    "box": (["GEOSEARCH", POINTS_KEY, "FROMMEMBER", "m:__rand_int__", "BYBOX", "20", "20", "km",
             "ASC", "COUNT", "10", "WITHDIST"], 100_000),
    "add": (["GEOADD", "geo:add", "13.361389", "38.115556", "m:__rand_int__"], 200_000),
}

# (key in a run's figures, label, which way is better)
METRICS = (
    ("rps", "req/s", "higher"),
    ("req_per_cpu_s", "req/CPU-s", "higher"),
    ("p50_ms", "p50 ms", "lower"),
    ("p99_ms", "p99 ms", "lower"),
)
# The aim: fkvs at least this many times redis's requests per CPU-second.
TARGET_RATIO = 1.5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    add_pinning_arguments(parser)
    parser.add_argument("--benchmark-bin", default=DEFAULT_FKVS_BENCHMARK,
                        help="load generator (default build/src/tools/benchmark/fkvs-benchmark)")
    parser.add_argument("--cases", default="search,box,add",
                        help="comma list of: search, box, add (default all)")
    parser.add_argument("--pipelines", default="1,16", help="comma list of -P depths")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--points", type=int, default=100_000,
                        help="points in the searched set, also -r (default 100000)")
    parser.add_argument("--requests", type=int, default=0,
                        help="requests per run (default: per case, see CASES)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per server per cell")
    parser.add_argument("--markdown", action="store_true",
                        help="print the results as a Markdown table (for a README)")
    parser.set_defaults(backends="")
    args = parser.parse_args()
    args.case_names = [c.strip() for c in args.cases.split(",") if c.strip()]
    args.depths = [int(p) for p in args.pipelines.split(",") if p.strip()]
    unknown = [c for c in args.case_names if c not in CASES]
    if unknown:
        parser.error("unknown case %s (have: %s)" % (unknown[0], ", ".join(CASES)))
    if args.rounds < 1 or not args.depths or min(args.depths) < 1 or args.points < 1:
        parser.error("need at least one round, one pipeline depth and one point")
    return args


def load_points(server, count, seed):
    """GEOADDs the same count points into POINTS_KEY, 100 per command."""
    rng = random.Random(seed)
    commands = []
    for start in range(0, count, 100):
        triples = []
        for i in range(start, min(start + 100, count)):
            triples += ["%.6f" % (CENTER[0] + rng.uniform(-SPREAD_DEGREES, SPREAD_DEGREES)),
                        "%.6f" % (CENTER[1] + rng.uniform(-SPREAD_DEGREES, SPREAD_DEGREES)),
                        MEMBER_FORMAT % i]
        commands.append(encode_command("GEOADD", POINTS_KEY, *triples))

    def check(reply, index):
        if not isinstance(reply, int):
            raise BenchError("%s: GEOADD #%d replied %r" % (server.name, index, reply))

    send_checked(server.port, commands, check)
    conn = Connection(server.port)
    try:
        size = conn.call("ZCARD", POINTS_KEY)
        if size != count:
            raise BenchError("%s: %s holds %r points, expected %d" % (server.name, POINTS_KEY,
                                                                      size, count))
        probe = [MEMBER_FORMAT % 0, MEMBER_FORMAT % (count - 1)]
        search = [part.replace("__rand_int__", "%012d" % (count // 2))
                  for part in CASES["search"][0]]
        return conn.call("GEOPOS", POINTS_KEY, *probe), conn.call(*search)
    finally:
        conn.close()


def measure_once(server, args, command, depth, requests):
    cpu_before = server.cpu_seconds()
    figures = run_benchmark(server.port, None, depth, args.clients, requests, args.points, 3,
                            cpu=None if args.no_pin else args.client_cpu,
                            benchmark_bin=args.benchmark_bin, command=command)
    cpu = server.cpu_seconds() - cpu_before
    server.check_alive()
    figures["req_per_cpu_s"] = requests / cpu if cpu > 0 else None
    return figures


def run_cells(args, servers):
    cells = []
    total = len(args.case_names) * len(args.depths) * args.rounds * len(servers)
    done = 0
    for name in args.case_names:
        command, default_requests = CASES[name]
        for depth in args.depths:
            requests = -(-(args.requests or default_requests) // depth) * depth
            runs = {server.name: [] for server in servers}
            for round_index in range(args.rounds):
                for server in servers:
                    figures = measure_once(server, args, command, depth, requests)
                    runs[server.name].append(figures)
                    done += 1
                    print("[%d/%d] %s -P %d %-6s round %d: %s req/s, %s req/CPU-s" % (
                        done, total, name, depth, server.name, round_index + 1,
                        fmt(figures["rps"]), fmt(figures["req_per_cpu_s"])),
                        file=sys.stderr, flush=True)
            medians = {server.name: {key: statistics.median(
                [run[key] for run in runs[server.name] if run[key] is not None] or [0])
                for key, _, _ in METRICS} for server in servers}
            cells.append({"case": name, "pipeline": depth, "median": medians})
    return cells


def fmt(value, digits=0):
    return "n/a" if value is None else "{:,.{}f}".format(value, digits)


def ratio(value, reference):
    return value / reference if value and reference else None


def fmt_ratio(value):
    return "n/a" if value is None else "%.2fx" % value


def fmt_metric(key, value):
    return fmt(value, 3 if key.endswith("_ms") else 0)


def print_table(cells, args):
    if args.markdown:
        print("| case | -P | -c | req/s fkvs / redis | ratio | req/CPU-s fkvs / redis | ratio | "
              "p99 ms fkvs / redis | ratio |")
        print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    else:
        print("%-8s %3s  %-10s %14s %14s %8s" % ("case", "-P", "metric", "fkvs", REFERENCE_NAME,
                                                 "ratio"))
    for cell in cells:
        fkvs, redis = cell["median"]["fkvs"], cell["median"][REFERENCE_NAME]
        if args.markdown:
            values = [cell["case"], str(cell["pipeline"]), str(args.clients)]
            for key in ("rps", "req_per_cpu_s", "p99_ms"):
                values += ["%s / %s" % (fmt_metric(key, fkvs[key]), fmt_metric(key, redis[key])),
                           "**%s**" % fmt_ratio(ratio(fkvs[key], redis[key]))]
            print("| %s |" % " | ".join(values))
            continue
        for index, (key, label, _) in enumerate(METRICS):
            print("%-8s %3s  %-10s %14s %14s %8s" % (
                cell["case"] if index == 0 else "", cell["pipeline"] if index == 0 else "",
                label, fmt_metric(key, fkvs[key]), fmt_metric(key, redis[key]),
                fmt_ratio(ratio(fkvs[key], redis[key]))))
    print()
    for cell in cells:
        value = ratio(cell["median"]["fkvs"]["req_per_cpu_s"],
                      cell["median"][REFERENCE_NAME]["req_per_cpu_s"])
        verdict = "n/a" if value is None else ("meets" if value >= TARGET_RATIO else "below")
        print("%s -P %d: fkvs at %s redis's requests per server CPU-second, %s the %.1fx aim" % (
            cell["case"], cell["pipeline"], fmt_ratio(value), verdict, TARGET_RATIO))


def main():
    args = parse_args()
    began = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="fkvs-bench-geo-")
    try:
        servers = servers_under_test(args, workdir, server_launcher(args))
        try:
            for server in servers:
                server.start()
            checks = [load_points(server, args.points, seed=1) for server in servers]
            if any(check != checks[0] for check in checks):
                raise BenchError("the servers answer GEOPOS or GEOSEARCH differently: %r" % checks)
            cells = run_cells(args, servers)
        finally:
            for server in servers:
                server.stop()
    except BenchError as error:
        sys.exit("geo.py: %s (logs in %s)" % (error, workdir))
    shutil.rmtree(workdir)
    lines = ["%s: %s (%s)" % (server.name, " ".join([server.binary] + server.extra_args),
                              server.version()) for server in servers]
    lines.append("%d points in %s; load generator %s, -c %d, -r %d; %d round(s); %s; %d CPUs" % (
        args.points, POINTS_KEY, args.benchmark_bin, args.clients, args.points, args.rounds,
        pinning_description(args, os.path.basename(args.benchmark_bin)), os.cpu_count()))
    lines.append("Medians over rounds. Ratios are fkvs/redis from the same run: above 1 is "
                 "better for req/s and req/CPU-s, below 1 for latency.")
    prefix = "- " if args.markdown else ""
    print("\n".join(prefix + line for line in lines) + "\n")
    print_table(cells, args)
    print("\ntotal time %.0f s" % (time.monotonic() - began))


if __name__ == "__main__":
    main()
