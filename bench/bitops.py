#!/usr/bin/python3
"""BITCOUNT and BITOP over large strings in fkvs-server and redis-server:
requests per server CPU-second and the bytes scanned per second.

Both servers run at once, pinned to one core, the load generator
(fkvs-benchmark by default) to another. Each server gets the same random
strings (one of 64 KiB, three of 1 MiB), a check that it answers each case as
the other does, then rounds that interleave the servers as in compare.py.
A run is

    fkvs-benchmark -P DEPTH -c CLIENTS -n REQUESTS <case's command>

  bitcount-64k:  BITCOUNT bits:64k
  bitcount-1m:   BITCOUNT bits:1m:a
  and-1m, or-1m, xor-1m:  BITOP AND|OR|XOR bits:dest bits:1m:a bits:1m:b bits:1m:c

and the figures, medians over rounds, are req/s, requests per server
CPU-second (utime+stime of /proc/PID/stat), MB of source strings read per
second and per server CPU-second, and server CPU %, with fkvs's ratio to redis.

    bench/bitops.py                          # every case, 3 rounds
    bench/bitops.py --cases bitcount-1m --rounds 5 --markdown
"""

import argparse
import json
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

# key -> length; the strings every server gets, random bytes from a fixed seed.
STRINGS = {"bits:64k": 64 * 1024, "bits:1m:a": 1 << 20, "bits:1m:b": 1 << 20,
           "bits:1m:c": 1 << 20}
SEED = 0xb17
BITOP_SOURCES = ["bits:1m:a", "bits:1m:b", "bits:1m:c"]

# name -> (command, source bytes one request reads, default requests per run)
CASES = {
    "bitcount-64k": (["BITCOUNT", "bits:64k"], STRINGS["bits:64k"], 200_000),
    "bitcount-1m": (["BITCOUNT", "bits:1m:a"], STRINGS["bits:1m:a"], 20_000),
    "and-1m": (["BITOP", "AND", "bits:dest"] + BITOP_SOURCES, 3 << 20, 5_000),
    "or-1m": (["BITOP", "OR", "bits:dest"] + BITOP_SOURCES, 3 << 20, 5_000),
    "xor-1m": (["BITOP", "XOR", "bits:dest"] + BITOP_SOURCES, 3 << 20, 5_000),
}

# (key in a run's figures, label, which way is better)
METRICS = (
    ("rps", "req/s", "higher"),
    ("req_per_cpu_s", "req/CPU-s", "higher"),
    ("mb_per_s", "MB/s", "higher"),
    ("mb_per_cpu_s", "MB/CPU-s", "higher"),
    ("server_cpu_pct", "server CPU %", ""),
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
                        help="comma list of what to run (default all: %s)" % ", ".join(CASES))
    parser.add_argument("--pipeline", type=int, default=1, help="-P depth (default 1)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiplies every case's requests per run (default 1)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per server per case")
    parser.add_argument("--markdown", action="store_true",
                        help="print the results as a Markdown table (for a README)")
    parser.add_argument("--json", metavar="PATH", help="also write all results here")
    parser.set_defaults(backends="")
    args = parser.parse_args()
    args.case_names = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in args.case_names if c not in CASES]
    if unknown:
        parser.error("unknown case %s (have: %s)" % (unknown[0], ", ".join(CASES)))
    if args.rounds < 1 or args.pipeline < 1 or args.scale <= 0:
        parser.error("need at least one round, a pipeline depth of 1 or more, a positive scale")
    return args


def load_strings(server):
    rng = random.Random(SEED)
    conn = Connection(server.port, timeout=120)
    try:
        for key, length in STRINGS.items():
            if conn.call("SET", key, rng.randbytes(length)) != "OK":
                raise BenchError("%s: SET %s failed" % (server.name, key))
    finally:
        conn.close()


def case_replies(server, names):
    """Each case's reply once, to check that the servers agree."""
    conn = Connection(server.port, timeout=120)
    try:
        replies = {name: conn.call(*CASES[name][0]) for name in names}
        if "and-1m" in names:
            replies["dest"] = conn.call("BITCOUNT", "bits:dest")
    finally:
        conn.close()
    return replies


def measure_once(server, args, name):
    command, source_bytes, default_requests = CASES[name]
    requests = -(-max(1, int(default_requests * args.scale)) // args.pipeline) * args.pipeline
    cpu_before = server.cpu_seconds()
    figures = run_benchmark(server.port, None, args.pipeline, args.clients, requests, 1, 3,
                            cpu=None if args.no_pin else args.client_cpu,
                            benchmark_bin=args.benchmark_bin, command=command)
    cpu = server.cpu_seconds() - cpu_before
    server.check_alive()
    megabytes = requests * source_bytes / 1e6
    figures["requests"] = requests
    figures["server_cpu_s"] = cpu
    figures["req_per_cpu_s"] = requests / cpu if cpu > 0 else None
    figures["mb_per_s"] = megabytes / figures["wall_s"]
    figures["mb_per_cpu_s"] = megabytes / cpu if cpu > 0 else None
    figures["server_cpu_pct"] = 100.0 * cpu / figures["wall_s"]
    return figures


def median_of(runs, key):
    values = [run[key] for run in runs if run[key] is not None]
    return statistics.median(values) if values else None


def run_cells(args, servers):
    cells = []
    total = len(args.case_names) * args.rounds * len(servers)
    done = 0
    for name in args.case_names:
        runs = {server.name: [] for server in servers}
        for round_index in range(args.rounds):
            for server in servers:
                figures = measure_once(server, args, name)
                runs[server.name].append(figures)
                done += 1
                print("[%d/%d] %-13s %-6s round %d: %s req/s, %s req/CPU-s" % (
                    done, total, name, server.name, round_index + 1, fmt(figures["rps"]),
                    fmt(figures["req_per_cpu_s"])), file=sys.stderr, flush=True)
        medians = {server.name: {key: median_of(runs[server.name], key) for key, _, _ in METRICS}
                   for server in servers}
        cells.append({"case": name, "rounds": runs, "median": medians})
    return cells


def fmt(value, digits=0):
    return "n/a" if value is None else "{:,.{}f}".format(value, digits)


def ratio(value, reference):
    return value / reference if value is not None and reference else None


def fmt_ratio(value):
    return "n/a" if value is None else "%.2fx" % value


def print_table(cells, names):
    fkvs_names = names[:-1]
    headers = names + ["%s/%s" % (name, REFERENCE_NAME) for name in fkvs_names]
    width = max(12, *(len(h) for h in headers))
    print("%-13s  %-14s %s" % ("case", "metric", " ".join("%*s" % (width, h) for h in headers)))
    print("-" * (30 + (width + 1) * len(headers)))
    for cell in cells:
        reference = cell["median"][REFERENCE_NAME]
        for index, (key, label, better) in enumerate(METRICS):
            values = [fmt(cell["median"][n][key]) for n in names]
            values += [fmt_ratio(ratio(cell["median"][n][key], reference[key])) if better else ""
                       for n in fkvs_names]
            print("%-13s  %-14s %s" % (cell["case"] if index == 0 else "", label,
                                       " ".join("%*s" % (width, v) for v in values)))


def print_markdown(cells, names):
    print("| case | req/CPU-s fkvs / redis | ratio | MB/CPU-s fkvs / redis | ratio | "
          "req/s fkvs / redis | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for cell in cells:
        reference = cell["median"][REFERENCE_NAME]
        for name in names[:-1]:
            medians = cell["median"][name]
            values = [cell["case"]]
            for key in ("req_per_cpu_s", "mb_per_cpu_s", "rps"):
                values += ["%s / %s" % (fmt(medians[key]), fmt(reference[key])),
                           "**%s**" % fmt_ratio(ratio(medians[key], reference[key]))]
            print("| %s |" % " | ".join(values))


def print_verdicts(cells, names):
    for cell in cells:
        reference = cell["median"][REFERENCE_NAME]["req_per_cpu_s"]
        for name in names[:-1]:
            value = ratio(cell["median"][name]["req_per_cpu_s"], reference)
            verdict = "n/a" if value is None else ("meets" if value >= TARGET_RATIO else "below")
            print("%s %s: %s redis's requests per server CPU-second, %s the %.1fx aim" % (
                cell["case"], name, fmt_ratio(value), verdict, TARGET_RATIO))


def main():
    args = parse_args()
    began = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="fkvs-bench-bitops-")
    try:
        servers = servers_under_test(args, workdir, server_launcher(args))
        try:
            for server in servers:
                server.start()
                load_strings(server)
            answers = {server.name: case_replies(server, args.case_names) for server in servers}
            expected = answers[REFERENCE_NAME]
            for server in servers:
                if answers[server.name] != expected:
                    raise BenchError("%s answers %r, redis %r" % (server.name, answers[server.name],
                                                                 expected))
            cells = run_cells(args, servers)
        finally:
            for server in servers:
                server.stop()
    except BenchError as error:
        sys.exit("bitops.py: %s (logs in %s)" % (error, workdir))
    shutil.rmtree(workdir)
    names = [server.name for server in servers]
    lines = ["%s: %s (%s)" % (server.name, " ".join([server.binary] + server.extra_args),
                              server.version()) for server in servers]
    lines.append("load generator %s -P %d -c %d; %d round(s) per server; %s; %d CPUs" % (
        args.benchmark_bin, args.pipeline, args.clients, args.rounds,
        pinning_description(args, os.path.basename(args.benchmark_bin)), os.cpu_count()))
    lines.append("Medians over rounds. MB are the source strings' bytes each request reads "
                 "(BITOP: all three). Ratios are fkvs/redis from the same run.")
    if args.markdown:
        print("\n".join("- %s" % line for line in lines) + "\n")
        print_markdown(cells, names)
    else:
        print("\n".join(lines) + "\n")
        print_table(cells, names)
    print()
    print_verdicts(cells, names)
    elapsed = time.monotonic() - began
    print("\ntotal time %.0f s" % elapsed)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"config": {k: v for k, v in vars(args).items() if k != "json"},
                       "cases": {name: " ".join(CASES[name][0]) for name in args.case_names},
                       "elapsed_s": elapsed, "cells": cells}, out, indent=2)
            out.write("\n")


if __name__ == "__main__":
    main()
