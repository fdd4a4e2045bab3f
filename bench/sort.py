#!/usr/bin/python3
"""SORT in fkvs-server and redis-server: requests per server CPU-second for a
100-element list and set, sorted by the elements and through BY/GET patterns.

Both servers run at once, pinned to one core, the load generator (fkvs-benchmark
by default) to another. Each server gets the same data: a list and a set of 100
numbers, and for each number n a string weight sortbench:w_n and a hash
sortbench:h_n with field f. Every case is checked to reply the same on both
servers, then the rounds interleave the servers as in compare.py. A run is

    fkvs-benchmark -P DEPTH -c CLIENTS -n REQUESTS SORT sortbench:<key> <options>

  list        SORT sortbench:list                          (numbers, all 100 replied)
  list-alpha  SORT sortbench:list ALPHA LIMIT 0 10
  list-by-get SORT sortbench:list BY sortbench:w_* GET # GET sortbench:h_*->f LIMIT 0 10
  set         SORT sortbench:set
  set-by-get  SORT sortbench:set BY sortbench:h_*->f GET sortbench:w_*
  nosort      SORT sortbench:list BY nosort LIMIT 0 10
  lrange      LRANGE sortbench:list 0 9                     (no SORT: the floor)

and the figures, medians over rounds, are req/s and SORTs per server CPU-second
(utime+stime of /proc/PID/stat), with fkvs's ratio to redis.

    bench/sort.py                       # every case, -P 1, 3 rounds
    bench/sort.py --cases list,set-by-get --pipelines 1,16 --rounds 5 --markdown
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile

from load import run_benchmark
from servers import (add_pinning_arguments, add_server_arguments, BenchError, Connection,
                     pinning_description, REFERENCE_NAME, REPO_ROOT, server_launcher,
                     servers_under_test)

DEFAULT_FKVS_BENCHMARK = os.path.join(REPO_ROOT, "build", "src", "tools", "benchmark",
                                      "fkvs-benchmark")
ELEMENTS = 100
CASES = {
    "list": ["SORT", "sortbench:list"],
    "list-alpha": ["SORT", "sortbench:list", "ALPHA", "LIMIT", "0", "10"],
    "list-by-get": ["SORT", "sortbench:list", "BY", "sortbench:w_*", "GET", "#", "GET",
                    "sortbench:h_*->f", "LIMIT", "0", "10"],
    "set": ["SORT", "sortbench:set"],
    "set-by-get": ["SORT", "sortbench:set", "BY", "sortbench:h_*->f", "GET", "sortbench:w_*"],
    "nosort": ["SORT", "sortbench:list", "BY", "nosort", "LIMIT", "0", "10"],
    # No sort: what replying the same 10 elements costs, the floor of the cases above.
    "lrange": ["LRANGE", "sortbench:list", "0", "9"],
}
TARGET_RATIO = 1.5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    add_pinning_arguments(parser)
    parser.add_argument("--benchmark-bin", default=DEFAULT_FKVS_BENCHMARK)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--pipelines", default="1", help="comma list of -P depths")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=50_000, help="requests per run")
    parser.add_argument("--rounds", type=int, default=3, help="runs per server per cell")
    parser.add_argument("--markdown", action="store_true")
    parser.set_defaults(backends="")
    args = parser.parse_args()
    args.case_names = [c.strip() for c in args.cases.split(",") if c.strip()]
    args.depths = [int(p) for p in args.pipelines.split(",") if p.strip()]
    unknown = [c for c in args.case_names if c not in CASES]
    if unknown:
        parser.error("unknown case %s (have: %s)" % (unknown[0], ", ".join(CASES)))
    if args.rounds < 1 or not args.depths or min(args.depths) < 1:
        parser.error("need at least one round and one pipeline depth")
    return args


def fill(server):
    """The same data on every server (a fixed seed), and each case's reply."""
    rng = random.Random(1)
    numbers = rng.sample(range(1_000_000), ELEMENTS)
    commands = [("FLUSHALL",), ("RPUSH", "sortbench:list", *numbers),
                ("SADD", "sortbench:set", *numbers)]
    for n in numbers:
        commands.append(("SET", "sortbench:w_%d" % n, rng.randrange(1_000_000)))
        commands.append(("HSET", "sortbench:h_%d" % n, "f", rng.randrange(1_000_000)))
    conn = Connection(server.port)
    try:
        errors = [r for r in conn.pipeline(commands) if isinstance(r, BenchError)]
        if errors:
            raise BenchError("%s: filling replied %s" % (server.name, errors[0]))
        return conn.pipeline([CASES[name] for name in CASES])
    finally:
        conn.close()


def measure_once(server, args, command, depth):
    requests = -(-args.requests // depth) * depth
    cpu_before = server.cpu_seconds()
    figures = run_benchmark(server.port, None, depth, args.clients, requests, 1, 3,
                            cpu=None if args.no_pin else args.client_cpu,
                            benchmark_bin=args.benchmark_bin, command=command)
    cpu = server.cpu_seconds() - cpu_before
    server.check_alive()
    figures["req_per_cpu_s"] = requests / cpu if cpu > 0 else None
    return figures


def median_of(runs, key):
    values = [run[key] for run in runs if run[key] is not None]
    return statistics.median(values) if values else None


def fmt(value):
    return "n/a" if value is None else "{:,.0f}".format(value)


def fmt_ratio(value, reference):
    return "n/a" if value is None or not reference else "%.2fx" % (value / reference)


def main():
    args = parse_args()
    workdir = tempfile.mkdtemp(prefix="fkvs-bench-sort-")
    cells = []
    try:
        servers = servers_under_test(args, workdir, server_launcher(args))
        try:
            for server in servers:
                server.start()
            replies = {server.name: fill(server) for server in servers}
            for server in servers:
                if replies[server.name] != replies[REFERENCE_NAME]:
                    raise BenchError("%s replies differently from redis-server" % server.name)
            for name in args.case_names:
                for depth in args.depths:
                    runs = {server.name: [] for server in servers}
                    for round_index in range(args.rounds):
                        for server in servers:
                            figures = measure_once(server, args, CASES[name], depth)
                            runs[server.name].append(figures)
                            print("%s -P %d %-6s round %d: %s req/s, %s req/CPU-s" % (
                                name, depth, server.name, round_index + 1,
                                fmt(figures["rps"]), fmt(figures["req_per_cpu_s"])),
                                file=sys.stderr, flush=True)
                    cells.append((name, depth, {
                        server.name: {key: median_of(runs[server.name], key)
                                      for key in ("rps", "req_per_cpu_s")}
                        for server in servers}))
        finally:
            for server in servers:
                server.stop()
    except BenchError as error:
        sys.exit("sort.py: %s (logs in %s)" % (error, workdir))
    shutil.rmtree(workdir)
    names = [server.name for server in servers]
    print("%s; %d round(s); %s; %d CPUs" % (
        args.benchmark_bin, args.rounds,
        pinning_description(args, os.path.basename(args.benchmark_bin)), os.cpu_count()))
    if args.markdown:
        print("| case | -P | req/s fkvs / redis | req/CPU-s fkvs / redis | ratio |")
        print("|---|---|---:|---:|---:|")
    for name, depth, medians in cells:
        reference = medians[REFERENCE_NAME]
        for fkvs_name in names[:-1]:
            ours = medians[fkvs_name]
            ratio = fmt_ratio(ours["req_per_cpu_s"], reference["req_per_cpu_s"])
            if args.markdown:
                print("| %s | %d | %s / %s | %s / %s | **%s** |" % (
                    name, depth, fmt(ours["rps"]), fmt(reference["rps"]),
                    fmt(ours["req_per_cpu_s"]), fmt(reference["req_per_cpu_s"]), ratio))
            else:
                print("%-12s -P %-3d %-6s %12s req/s %12s req/CPU-s  redis %12s req/CPU-s  %s" % (
                    name, depth, fkvs_name, fmt(ours["rps"]), fmt(ours["req_per_cpu_s"]),
                    fmt(reference["req_per_cpu_s"]), ratio))


if __name__ == "__main__":
    main()
