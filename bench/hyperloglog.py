#!/usr/bin/python3
"""HyperLogLog in fkvs-server and redis-server: PFADD and PFCOUNT requests per
server CPU-second.

Both servers run at once, pinned to one core, the load generator (fkvs-benchmark
by default) to another. Each server first gets the same dense HLLs (--prefill
elements each, in PFADDs of 1,000), and a check that both hold the same bytes
(GET) and answer the same counts; then for every case and pipeline depth the
rounds interleave the servers as in compare.py. A run is

    fkvs-benchmark -P DEPTH -c CLIENTS -n REQUESTS -r KEYSPACE <command>

  pfadd:    PFADD hll:w<round % 4> __rand_int__ __rand_int__ __rand_int__
            (three random elements into one of four dense HLLs, a new one each round)
  pfcount:  PFCOUNT hll:0            (one key: its cached cardinality)
  pfcount3: PFCOUNT hll:0 hll:1 hll:2 (the union of three: registers merged and
            estimated on every call)

and the figures, medians over rounds, are req/s, requests per server CPU-second
(utime+stime of /proc/PID/stat), server and client CPU %, p50 and p99, with
fkvs's ratio to redis.

    bench/hyperloglog.py                                # -P 16, 3 rounds
    bench/hyperloglog.py --pipelines 1,16 --rounds 5 --markdown
    bench/hyperloglog.py --fkvs-bin /usr/bin/redis-server  # redis against itself
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
                     pinning_description, REFERENCE_NAME, REPO_ROOT, server_launcher,
                     servers_under_test)

DEFAULT_FKVS_BENCHMARK = os.path.join(REPO_ROOT, "build", "src", "tools", "benchmark",
                                      "fkvs-benchmark")

READ_KEYS = ("hll:0", "hll:1", "hll:2")
WRITE_KEYS = ("hll:w0", "hll:w1", "hll:w2", "hll:w3")
# name -> (command; a {round} in it is the round's number, default requests per run)
CASES = {
    "pfadd": (["PFADD", "hll:w{round}", "__rand_int__", "__rand_int__", "__rand_int__"],
              1_000_000),
    "pfcount": (["PFCOUNT", READ_KEYS[0]], 1_000_000),
    "pfcount3": (["PFCOUNT", *READ_KEYS], 50_000),
}
METRICS = (
    ("rps", "req/s", "higher"),
    ("req_per_cpu_s", "req/CPU-s", "higher"),
    ("server_cpu_pct", "server CPU %", ""),
    ("client_cpu_pct", "client CPU %", ""),
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
    parser.add_argument("--cases", default=",".join(CASES),
                        help="comma list of %s (default all)" % ", ".join(CASES))
    parser.add_argument("--pipelines", default="16", help="comma list of -P depths")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=float, default=1.0,
                        help="scale of every case's requests per run (default 1: %s)" % ", ".join(
                            "%s %d" % (name, case[1]) for name, case in CASES.items()))
    parser.add_argument("--keyspace", type=int, default=100_000_000,
                        help="-r: the distinct elements PFADD draws from (default 100000000)")
    parser.add_argument("--prefill", type=int, default=100_000,
                        help="elements in each HLL before the runs (default 100000: dense)")
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
    if args.rounds < 1 or not args.depths or min(args.depths) < 1 or args.requests <= 0:
        parser.error("need at least one round, one pipeline depth and some requests")
    return args


def prefill(server, count):
    """The same elements into every HLL of both servers; returns {key: GET bytes}."""
    conn = Connection(server.port, timeout=120)
    values = {}
    try:
        for key in READ_KEYS + WRITE_KEYS:
            conn.call("DEL", key)
            rng = random.Random(key)
            elements = ["%x" % rng.getrandbits(64) for _ in range(count)]
            replies = conn.pipeline([("PFADD", key, *elements[i:i + 1000])
                                     for i in range(0, count, 1000)])
            if any(not isinstance(reply, int) for reply in replies):
                raise BenchError("%s: PFADD replied %r" % (server.name, replies))
            estimate = conn.call("PFCOUNT", key)
            if not isinstance(estimate, int) or abs(estimate - count) > 0.05 * count + 2:
                raise BenchError("%s: PFCOUNT %s is %r after %d elements" %
                                 (server.name, key, estimate, count))
            values[key] = conn.call("GET", key)
        values["union"] = conn.call("PFCOUNT", *READ_KEYS)
    finally:
        conn.close()
    return values


def measure_once(server, args, command, depth, requests):
    cpu_before = server.cpu_seconds()
    figures = run_benchmark(server.port, None, depth, args.clients, requests, args.keyspace, 3,
                            cpu=None if args.no_pin else args.client_cpu,
                            benchmark_bin=args.benchmark_bin, command=command)
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


def run_cells(args, servers):
    cells = []
    total = len(args.case_names) * len(args.depths) * args.rounds * len(servers)
    done = 0
    for name in args.case_names:
        template, default_requests = CASES[name]
        for depth in args.depths:
            requests = -(-int(default_requests * args.requests) // depth) * depth
            runs = {server.name: [] for server in servers}
            for round_index in range(args.rounds):
                command = [arg.format(round=round_index % len(WRITE_KEYS)) for arg in template]
                for server in servers:
                    figures = measure_once(server, args, command, depth, requests)
                    runs[server.name].append(figures)
                    done += 1
                    print("[%d/%d] %s -P %d %-6s round %d: %s req/s, %s req/CPU-s" % (
                        done, total, name, depth, server.name, round_index + 1,
                        fmt(figures["rps"]), fmt(figures["req_per_cpu_s"])),
                        file=sys.stderr, flush=True)
            medians = {server.name: {key: median_of(runs[server.name], key)
                                     for key, _, _ in METRICS} for server in servers}
            cells.append({"case": name, "pipeline": depth, "clients": args.clients,
                          "requests": requests, "median": medians})
    return cells


def fmt(value, digits=0):
    return "n/a" if value is None else "{:,.{}f}".format(value, digits)


def ratio(value, reference):
    return value / reference if value is not None and reference else None


def fmt_ratio(value):
    return "n/a" if value is None else "%.2fx" % value


def fmt_metric(key, value):
    return fmt(value, 3 if key.endswith("_ms") else 0)


def cell_name(cell):
    return "%s -P %d -c %d" % (cell["case"], cell["pipeline"], cell["clients"])


def print_tables(cells, names):
    headers = names + ["%s/%s" % (name, REFERENCE_NAME) for name in names[:-1]]
    width = max(12, *(len(h) for h in headers))
    first = max(len(cell_name(cell)) for cell in cells)

    def row(label, metric, values, better=""):
        print("%-*s  %-14s %s  %s" % (first, label, metric,
                                      " ".join("%*s" % (width, v) for v in values), better))

    row("cell", "metric", headers, "better")
    print("-" * (first + 18 + (width + 1) * len(headers) + 6))
    for cell in cells:
        reference = cell["median"][REFERENCE_NAME]
        for index, (key, label, better) in enumerate(METRICS):
            values = [fmt_metric(key, cell["median"][n][key]) for n in names]
            ratios = [fmt_ratio(ratio(cell["median"][n][key], reference[key])) if better else ""
                      for n in names[:-1]]
            row(cell_name(cell) if index == 0 else "", label, values + ratios, better)


def print_markdown(cells, names):
    print("| case | -P | -c | req/s fkvs / redis | ratio | req/CPU-s fkvs / redis | ratio | "
          "p99 ms fkvs / redis | ratio |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for cell in cells:
        reference = cell["median"][REFERENCE_NAME]
        for name in names[:-1]:
            medians = cell["median"][name]
            values = [cell["case"], str(cell["pipeline"]), str(cell["clients"])]
            for key in ("rps", "req_per_cpu_s", "p99_ms"):
                values += ["%s / %s" % (fmt_metric(key, medians[key]),
                                        fmt_metric(key, reference[key])),
                           "**%s**" % fmt_ratio(ratio(medians[key], reference[key]))]
            print("| %s |" % " | ".join(values))


def print_verdicts(cells, names):
    for cell in cells:
        reference = cell["median"][REFERENCE_NAME]["req_per_cpu_s"]
        for name in names[:-1]:
            value = ratio(cell["median"][name]["req_per_cpu_s"], reference)
            verdict = "n/a" if value is None else (
                "meets" if value >= TARGET_RATIO else "below")
            print("%s %s: %s redis's requests per server CPU-second, %s the %.1fx aim" % (
                cell_name(cell), name, fmt_ratio(value), verdict, TARGET_RATIO))


def load_average():
    with open("/proc/loadavg") as loadavg:
        return float(loadavg.read().split()[0])


def main():
    args = parse_args()
    began = time.monotonic()
    load_before = load_average()
    workdir = tempfile.mkdtemp(prefix="fkvs-bench-hyperloglog-")
    try:
        servers = servers_under_test(args, workdir, server_launcher(args))
        try:
            for server in servers:
                server.start()
            prefilled = [prefill(server, args.prefill) for server in servers]
            if any(values != prefilled[-1] for values in prefilled):
                raise BenchError("the servers hold different HLL bytes or union counts "
                                 "after the same PFADDs")
            cells = run_cells(args, servers)
        finally:
            for server in servers:
                server.stop()
    except BenchError as error:
        sys.exit("hyperloglog.py: %s (logs in %s)" % (error, workdir))
    shutil.rmtree(workdir)
    names = [server.name for server in servers]
    lines = ["%s: %s (%s)" % (server.name, " ".join([server.binary] + server.extra_args),
                              server.version()) for server in servers]
    lines.append("load generator %s; %d round(s) per server; %d elements in each HLL before; "
                 "-r %d; %s; load average before/after %.2f/%.2f; %d CPUs" % (
                     args.benchmark_bin, args.rounds, args.prefill, args.keyspace,
                     pinning_description(args, os.path.basename(args.benchmark_bin)),
                     load_before, load_average(), os.cpu_count()))
    lines.append("Medians over rounds. Ratios are fkvs/redis from the same run: above 1 is "
                 "better for req/s and req/CPU-s, below 1 for latency.")
    if args.markdown:
        print("\n".join("- %s" % line for line in lines) + "\n")
        print_markdown(cells, names)
    else:
        print("\n".join(lines) + "\n")
        print_tables(cells, names)
    print()
    print_verdicts(cells, names)
    print("\ntotal time %.0f s" % (time.monotonic() - began))


if __name__ == "__main__":
    main()
