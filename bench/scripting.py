#!/usr/bin/python3
"""Lua scripting in fkvs-server and redis-server: EVALSHA requests per server
CPU-second for a small and a heavy script, and the memory a cached script takes.

All servers run at once, pinned to one core, the load generator (fkvs-benchmark
by default) to another. Each server gets both scripts with SCRIPT LOAD, and a
check that each answers as it should, then for every script and pipeline depth
the rounds interleave the servers as in compare.py. A run is

    fkvs-benchmark -P DEPTH -c CLIENTS -n REQUESTS -r KEYSPACE EVALSHA <sha> 1 script:__rand_int__

  small: GET, INCR and EXPIRE on the key         (3 redis.calls per EVALSHA)
  heavy: 100 x INCR on the key in a Lua loop     (101 redis.calls per EVALSHA)
  incr:  no script, `INCR script:__rand_int__`   (what any request costs)

and the figures, medians over rounds, are req/s, EVALSHA calls per server
CPU-second (utime+stime of /proc/PID/stat), server and client CPU %, p50 and
p99, with each fkvs server's ratio to redis. Before that, on the fresh
servers, SCRIPT LOAD of --scripts distinct scripts measures the memory per
cached script: the change in INFO memory's used_memory, used_memory_vm_eval
(the Lua heap), used_memory_scripts_eval (the script cache) and in RSS.

    bench/scripting.py                                   # -P 1 and -P 16, 3 rounds
    bench/scripting.py --cases heavy --requests heavy=50000 --rounds 5 --markdown
    bench/scripting.py --fkvs-builds lua5.1=build/src/fkvs-server,luajit=build-luajit/src/fkvs-server
    bench/scripting.py --fkvs-bin /usr/bin/redis-server  # redis against itself
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

from load import rounded_requests
from side_by_side import fmt, fmt_ratio, load_average, measure_command, median_of, ratio
from servers import (add_pinning_arguments, add_server_arguments, BenchError, Connection,
                     pinning_description, REFERENCE_NAME, REPO_ROOT, server_launcher,
                     ServerProcess, servers_under_test)

DEFAULT_FKVS_BENCHMARK = os.path.join(REPO_ROOT, "build", "src", "tools", "benchmark",
                                      "fkvs-benchmark")

# name -> (script body, what EVALSHA on a fresh key replies, default requests per
# run). "incr" is no script: a plain INCR on the same keys, the floor a request
# costs (network, parsing, dispatch) that every EVALSHA pays too.
CASES = {
    "small": ("local value = redis.call('GET', KEYS[1]) "
              "redis.call('INCR', KEYS[1]) "
              "redis.call('EXPIRE', KEYS[1], 3600) "
              "return value", None, 100_000),
    "heavy": ("for i = 1, 100 do redis.call('INCR', KEYS[1]) end "
              "return redis.call('GET', KEYS[1])", b"100", 50_000),
    "incr": (None, None, 100_000),
}
KEY_TEMPLATE = "script:__rand_int__"

# The --scripts distinct scripts of the memory test: one constant tells them apart,
# so each is its own compiled function of the same size.
CACHED_SCRIPT = ("local value = redis.call('GET', KEYS[1]) "
                 "if not value then return %d end return value")
MEMORY_FIELDS = ("used_memory", "used_memory_vm_eval", "used_memory_scripts_eval")

# (key in a run's figures, label, which way is better)
METRICS = (
    ("rps", "req/s", "higher"),
    ("req_per_cpu_s", "req/CPU-s", "higher"),
    ("server_cpu_pct", "server CPU %", ""),
    ("client_cpu_pct", "client CPU %", ""),
    ("p50_ms", "p50 ms", "lower"),
    ("p99_ms", "p99 ms", "lower"),
)
# The aim: fkvs at least this many times redis's EVALSHAs per CPU-second.
TARGET_RATIO = 1.5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    add_pinning_arguments(parser)
    parser.add_argument("--fkvs-builds", default="",
                        help="comma list of NAME=PATH: one fkvs-server per build, named "
                        "fkvs-NAME, all against the same redis (instead of --fkvs-bin)")
    parser.add_argument("--benchmark-bin", default=DEFAULT_FKVS_BENCHMARK,
                        help="load generator (default build/src/tools/benchmark/fkvs-benchmark)")
    parser.add_argument("--cases", default="small,heavy,incr",
                        help="comma list of what to run: small, heavy (EVALSHA of those "
                        "scripts), incr (a plain INCR, no script); default all three")
    parser.add_argument("--pipelines", default="1,16", help="comma list of -P depths")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", default="",
                        help="comma list of CASE=N: requests per run (default %s)" % ", ".join(
                            "%s=%d" % (name, case[2]) for name, case in CASES.items()))
    parser.add_argument("--keyspace", type=int, default=10_000,
                        help="-r: keys the scripts are spread over (default 10000)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per server per cell")
    parser.add_argument("--scripts", type=int, default=1_000,
                        help="distinct scripts SCRIPT LOADed for the memory figures")
    parser.add_argument("--markdown", action="store_true",
                        help="print the results as Markdown tables (for a README)")
    parser.add_argument("--json", metavar="PATH", help="also write all results here")
    parser.set_defaults(backends="")  # one fkvs-server per build, with --fkvs-args
    args = parser.parse_args()
    args.case_names = [c.strip() for c in args.cases.split(",") if c.strip()]
    args.depths = [int(p) for p in args.pipelines.split(",") if p.strip()]
    args.requests_per_case = {name: case[2] for name, case in CASES.items()}
    for entry in filter(None, (e.strip() for e in args.requests.split(","))):
        name, _, count = entry.partition("=")
        if name not in CASES or not count.isdigit() or int(count) < 1:
            parser.error("--requests takes CASE=N, not %r" % entry)
        args.requests_per_case[name] = int(count)
    unknown = [c for c in args.case_names if c not in CASES]
    if unknown:
        parser.error("unknown case %s (have: %s)" % (unknown[0], ", ".join(CASES)))
    if args.rounds < 1 or not args.depths or min(args.depths) < 1 or args.scripts < 1:
        parser.error("need at least one round, one pipeline depth and one script to load")
    return args


def servers_for(args, workdir, launcher):
    """One fkvs per --fkvs-builds entry (or the usual one), then redis."""
    if not args.fkvs_builds:
        return servers_under_test(args, workdir, launcher)
    servers = []
    for entry in args.fkvs_builds.split(","):
        name, _, path = entry.strip().partition("=")
        if not name or not path:
            raise BenchError("--fkvs-builds entries are NAME=PATH, not %r" % entry)
        servers.append(ServerProcess("fkvs-" + name, path,
                                     os.path.join(workdir, "fkvs-%s.log" % name), launcher,
                                     shlex.split(args.fkvs_args)))
    servers.append(ServerProcess(REFERENCE_NAME, args.redis_bin,
                                 os.path.join(workdir, REFERENCE_NAME + ".log"), launcher))
    return servers


def lua_runtime(binary):
    """Which Lua the binary is linked with, by its shared libraries."""
    try:
        libraries = subprocess.run(["ldd", binary], capture_output=True, text=True,
                                   timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    if "libluajit" in libraries:
        return "luajit"
    if "liblua5.1" in libraries:
        return "lua5.1"
    return "linked in"


def info_memory(server):
    fields = server.info("memory")
    missing = [f for f in MEMORY_FIELDS + ("number_of_cached_scripts",) if f not in fields]
    if missing:
        raise BenchError("%s: INFO memory has no %s" % (server.name, missing[0]))
    return fields


def measure_memory(server, count):
    """SCRIPT LOAD of count distinct scripts into an empty cache: bytes per
    script, by INFO memory field and by RSS."""
    conn = Connection(server.port, timeout=120)
    try:
        if conn.call("SCRIPT", "FLUSH") != "OK":
            raise BenchError("%s: SCRIPT FLUSH failed" % server.name)
        before, rss_before = info_memory(server), server.rss_bytes()
        replies = conn.pipeline([("SCRIPT", "LOAD", CACHED_SCRIPT % i) for i in range(count)])
        after, rss_after = info_memory(server), server.rss_bytes()
        bad = [r for r in replies if not (isinstance(r, bytes) and len(r) == 40)]
        if bad:
            raise BenchError("%s: SCRIPT LOAD replied %r" % (server.name, bad[0]))
        if conn.call("SCRIPT", "FLUSH") != "OK":
            raise BenchError("%s: SCRIPT FLUSH failed" % server.name)
    finally:
        conn.close()
    cached = int(after["number_of_cached_scripts"]) - int(before["number_of_cached_scripts"])
    if cached != count:
        raise BenchError("%s: %d scripts loaded, INFO counts %d" % (server.name, count, cached))
    per_script = {field: (int(after[field]) - int(before[field])) / count
                  for field in MEMORY_FIELDS}
    per_script["rss"] = (rss_after - rss_before) / count
    return per_script


def load_scripts(server, names):
    """SCRIPT LOAD of the benchmark's scripts, each checked once with EVALSHA;
    returns {name: sha}."""
    conn = Connection(server.port)
    shas = {}
    try:
        for name in names:
            body, expected, _ = CASES[name]
            if body is None:
                continue
            sha = conn.call("SCRIPT", "LOAD", body)
            if not isinstance(sha, bytes):
                raise BenchError("%s: SCRIPT LOAD of the %s script replied %r" %
                                 (server.name, name, sha))
            shas[name] = sha.decode()
            check_key = "check:" + name
            conn.call("DEL", check_key)
            got = conn.call("EVALSHA", sha, 1, check_key)
            if got != expected:
                raise BenchError("%s: EVALSHA of the %s script replied %r, expected %r" %
                                 (server.name, name, got, expected))
        if "small" in names and conn.call("TTL", "check:small") <= 0:
            raise BenchError("%s: the small script set no TTL" % server.name)
    finally:
        conn.close()
    return shas


def command_for(name, shas):
    if CASES[name][0] is None:
        return [name.upper(), KEY_TEMPLATE]
    return ["EVALSHA", shas[name], "1", KEY_TEMPLATE]


def requests_for(args, name, depth):
    return rounded_requests(args.requests_per_case[name], depth)


def run_cells(args, servers, shas):
    cells = []
    total = len(args.case_names) * len(args.depths) * args.rounds * len(servers)
    done = 0
    for name in args.case_names:
        for depth in args.depths:
            requests = requests_for(args, name, depth)
            runs = {server.name: [] for server in servers}
            for round_index in range(args.rounds):
                for server in servers:
                    figures = measure_command(server, args, command_for(name, shas[server.name]),
                                              depth, requests, args.keyspace)
                    runs[server.name].append(figures)
                    done += 1
                    print("[%d/%d] %s -P %d %-12s round %d: %s req/s, %s req/CPU-s" % (
                        done, total, name, depth, server.name, round_index + 1,
                        fmt(figures["rps"]), fmt(figures["req_per_cpu_s"])),
                        file=sys.stderr, flush=True)
            medians = {server.name: {key: median_of(runs[server.name], key)
                                     for key, _, _ in METRICS} for server in servers}
            cells.append({"case": name, "pipeline": depth, "clients": args.clients,
                          "requests": requests, "rounds": runs, "median": medians})
    return cells


def fmt_metric(key, value):
    return fmt(value, 3 if key.endswith("_ms") else 0)


def cell_name(cell):
    return "%s -P %d -c %d" % (cell["case"], cell["pipeline"], cell["clients"])


def print_tables(cells, memory, names):
    fkvs_names = names[:-1]
    headers = names + ["%s/%s" % (name, REFERENCE_NAME) for name in fkvs_names]
    width = max(12, *(len(h) for h in headers))
    first = max(len(cell_name(cell)) for cell in cells) if cells else 10

    def row(label, metric, values, better=""):
        print("%-*s  %-22s %s  %s" % (first, label, metric,
                                      " ".join("%*s" % (width, v) for v in values), better))

    row("cell", "metric", headers, "better")
    print("-" * (first + 26 + (width + 1) * len(headers) + 6))
    for cell in cells:
        reference = cell["median"][REFERENCE_NAME]
        for index, (key, label, better) in enumerate(METRICS):
            values = [fmt_metric(key, cell["median"][n][key]) for n in names]
            ratios = [fmt_ratio(ratio(cell["median"][n][key], reference[key])) if better else ""
                      for n in fkvs_names]
            row(cell_name(cell) if index == 0 else "", label, values + ratios, better)
    print()
    row("SCRIPT LOAD", "bytes per script", headers, "better")
    for index, field in enumerate(MEMORY_FIELDS + ("rss",)):
        values = [fmt(memory[n][field]) for n in names]
        ratios = [fmt_ratio(ratio(memory[n][field], memory[REFERENCE_NAME][field]))
                  for n in fkvs_names]
        row("%d scripts" % memory["count"] if index == 0 else "", field, values + ratios, "lower")


def print_markdown(cells, memory, names):
    fkvs_names = names[:-1]
    print("| case | -P | -c | fkvs server | req/s fkvs / redis | ratio | "
          "req/CPU-s fkvs / redis | ratio | p99 ms fkvs / redis | ratio |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|---:|")
    for cell in cells:
        reference = cell["median"][REFERENCE_NAME]
        for name in fkvs_names:
            medians = cell["median"][name]
            values = [cell["case"], str(cell["pipeline"]), str(cell["clients"]), name]
            for key in ("rps", "req_per_cpu_s", "p99_ms"):
                values += ["%s / %s" % (fmt_metric(key, medians[key]),
                                        fmt_metric(key, reference[key])),
                           "**%s**" % fmt_ratio(ratio(medians[key], reference[key]))]
            print("| %s |" % " | ".join(values))
    print()
    print("| bytes per cached script (%d scripts) | %s | %s |" % (
        memory["count"], " | ".join(names),
        " | ".join("%s/%s" % (n, REFERENCE_NAME) for n in fkvs_names)))
    print("|---|%s|" % "|".join("---:" for _ in names + fkvs_names))
    for field in MEMORY_FIELDS + ("rss",):
        print("| %s | %s | %s |" % (
            field, " | ".join(fmt(memory[n][field]) for n in names),
            " | ".join(fmt_ratio(ratio(memory[n][field], memory[REFERENCE_NAME][field]))
                       for n in fkvs_names)))


def print_verdicts(cells, names):
    for cell in cells:
        if CASES[cell["case"]][0] is None:
            continue
        reference = cell["median"][REFERENCE_NAME]["req_per_cpu_s"]
        for name in names[:-1]:
            value = ratio(cell["median"][name]["req_per_cpu_s"], reference)
            verdict = "n/a" if value is None else (
                "meets" if value >= TARGET_RATIO else "below")
            print("%s %s: %s redis's EVALSHAs per server CPU-second, %s the %.1fx aim" % (
                cell_name(cell), name, fmt_ratio(value), verdict, TARGET_RATIO))


def main():
    args = parse_args()
    began = time.monotonic()
    load_before = load_average()
    workdir = tempfile.mkdtemp(prefix="fkvs-bench-scripting-")
    try:
        servers = servers_for(args, workdir, server_launcher(args))
        memory = {"count": args.scripts}
        shas = {}
        try:
            for server in servers:
                server.start()
            for server in servers:
                memory[server.name] = measure_memory(server, args.scripts)
                shas[server.name] = load_scripts(server, args.case_names)
            cells = run_cells(args, servers, shas)
        finally:
            for server in servers:
                server.stop()
    except BenchError as error:
        sys.exit("scripting.py: %s (logs in %s)" % (error, workdir))
    shutil.rmtree(workdir)
    names = [server.name for server in servers]
    lines = ["%s: %s (%s), Lua %s" % (server.name, " ".join([server.binary] + server.extra_args),
                                      server.version(), lua_runtime(server.binary))
             for server in servers]
    lines.append("load generator %s; %d round(s) per server; keys %s over %d; %s; load average "
                 "before/after %.2f/%.2f; %d CPUs" % (
                     args.benchmark_bin, args.rounds, KEY_TEMPLATE, args.keyspace,
                     pinning_description(args, os.path.basename(args.benchmark_bin)),
                     load_before, load_average(), os.cpu_count()))
    lines.append("Medians over rounds; req is one EVALSHA (one INCR for incr). Ratios are fkvs/redis from the same "
                 "run: above 1 is better for req/s and req/CPU-s, below 1 for latency and "
                 "memory.")
    if args.markdown:
        print("\n".join("- %s" % line for line in lines) + "\n")
        print_markdown(cells, memory, names)
    else:
        print("\n".join(lines) + "\n")
        print_tables(cells, memory, names)
    print()
    print_verdicts(cells, names)
    elapsed = time.monotonic() - began
    print("\ntotal time %.0f s" % elapsed)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"config": {k: v for k, v in vars(args).items() if k != "json"},
                       "servers": {s.name: {"binary": s.binary, "lua": lua_runtime(s.binary),
                                            "version": s.version()} for s in servers},
                       "cases": {name: CASES[name][0] or name.upper() for name in args.case_names},
                       "elapsed_s": elapsed, "cells": cells, "memory": memory}, out, indent=2)
            out.write("\n")


if __name__ == "__main__":
    main()
