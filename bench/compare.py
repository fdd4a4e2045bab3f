#!/usr/bin/python3
"""Side-by-side redis-benchmark of fkvs-server and redis-server in one run.

All servers run at once on free loopback ports, pinned to the same core; the
load generator is pinned to another. With --backends, one fkvs-server per I/O
backend (fkvs-epoll, fkvs-uring, ...) runs next to the one redis-server. Rounds
alternate fkvs-epoll, fkvs-uring, redis, fkvs-epoll, ... so that drift in
machine load hits all alike. For every test, pipeline depth and client count it
reports, per server, the median over rounds of: requests per second, requests
per second of server CPU time (utime+stime of all threads, from /proc/PID/stat),
and p50/p99/p99.9 latency; and the ratio of each fkvs to redis. Next to every
fkvs server stands the I/O backend its INFO reports, so a fallback shows.

    bench/compare.py                       # SET and GET at -P 1 and -P 16
    bench/compare.py --tests get --pipelines 1,4,16 --rounds 5 --json out.json
    bench/compare.py --backends epoll,uring --pipelines 1,16,128,16:200 --markdown
    bench/compare.py --fkvs-bin /usr/bin/redis-server   # redis against itself
"""

import json
import os
import platform
import shlex
import statistics
import sys
import tempfile
import time

from load import rounded_requests, run_benchmark, side_by_side_parser
from servers import (pinning_description, REFERENCE_NAME, server_launcher, servers_running,
                     servers_under_test)

# Per-run requests when --requests is not given: sized so that each run lasts
# a second or more on a 2-core machine, long against the 10 ms CPU-time tick.
DEFAULT_REQUESTS_UNPIPELINED = 100_000
DEFAULT_REQUESTS_PIPELINED = 500_000
DEFAULT_REQUESTS_DEEP = 4_000_000  # above -P 16
DEEP_PIPELINE = 16

# (key in a run's figures, label, which way is better)
METRICS = (
    ("rps", "req/s", "higher"),
    ("req_per_cpu_s", "req/CPU-s", "higher"),
    ("server_cpu_pct", "server CPU %", ""),
    ("client_cpu_pct", "client CPU %", ""),
    ("p50_ms", "p50 ms", "lower"),
    ("p99_ms", "p99 ms", "lower"),
    ("p999_ms", "p99.9 ms", "lower"),
)
LABELS = {key: label for key, label, _ in METRICS}


def parse_cells(text, default_clients):
    """--pipelines "1,16,16:200" -> [(1, 50), (16, 50), (16, 200)]."""
    cells = []
    for entry in text.split(","):
        if entry.strip():
            depth, _, clients = entry.partition(":")
            cells.append((int(depth), int(clients) if clients else default_clients))
    return cells


def parse_args():
    parser = side_by_side_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--benchmark-args", default="",
                        help="extra load generator arguments, one string (\"--threads 2\")")
    parser.add_argument("--pipelines", default="1,16",
                        help="comma list of -P depths; DEPTH:CLIENTS gives that cell its own -c "
                        "(\"1,16,128,16:200\")")
    parser.add_argument("--clients", type=int, default=50, help="-c where --pipelines has none "
                        "(default 50)")
    parser.add_argument("--requests", type=int, default=None,
                        help="-n per run (default %d at -P 1, %d up to -P %d, %d deeper)" %
                        (DEFAULT_REQUESTS_UNPIPELINED, DEFAULT_REQUESTS_PIPELINED, DEEP_PIPELINE,
                         DEFAULT_REQUESTS_DEEP))
    parser.add_argument("--rounds", type=int, default=3, help="runs per server per cell")
    parser.add_argument("--markdown", action="store_true",
                        help="print the results as a Markdown table (for a README)")
    parser.add_argument("--json", metavar="PATH", help="also write all results here")
    args = parser.parse_args()
    args.cells = parse_cells(args.pipelines, args.clients)
    if (args.rounds < 1 or not args.tests or not args.cells or
            min(p for p, _ in args.cells) < 1 or min(c for _, c in args.cells) < 1):
        parser.error("need at least one test, one pipeline depth, one round and one client")
    return args


def requests_for(args, pipeline):
    if args.requests:
        return rounded_requests(args.requests, pipeline)
    if pipeline == 1:
        return DEFAULT_REQUESTS_UNPIPELINED
    deep = pipeline > DEEP_PIPELINE
    return rounded_requests(DEFAULT_REQUESTS_DEEP if deep else DEFAULT_REQUESTS_PIPELINED, pipeline)


def measure_once(server, args, test, pipeline, clients, requests):
    """One benchmark run with the server's CPU time sampled around it."""
    cpu_before = server.cpu_seconds()
    figures = run_benchmark(server.port, test, pipeline, clients, requests, args.keyspace,
                            args.data_size, cpu=None if args.no_pin else args.client_cpu,
                            benchmark_bin=args.benchmark_bin,
                            extra_args=shlex.split(args.benchmark_args), full_report=True)
    cpu = server.cpu_seconds() - cpu_before
    server.check_alive()
    server.note_threads()
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


def summarise_cell(test, pipeline, clients, requests, servers, runs):
    """Medians per server, and each fkvs server's ratios to redis."""
    cell = {"test": test, "pipeline": pipeline, "clients": clients, "requests": requests,
            "servers": {}, "ratios": {}}
    for server in servers:
        medians = {key: median_of(runs[server.name], key) for key, _, _ in METRICS}
        cell["servers"][server.name] = {"io_backend": server.backend_label(),
                                        "rounds": runs[server.name], "median": medians,
                                        "rps_spread_pct": spread_pct(runs[server.name], "rps")}
    reference = cell["servers"][REFERENCE_NAME]["median"]
    for server in servers[:-1]:
        medians = cell["servers"][server.name]["median"]
        cell["ratios"][server.name] = {key: ratio(medians[key], reference[key])
                                       for key, _, _ in METRICS}
    return cell


def fmt(value, digits=0):
    if value is None:
        return "n/a"
    return "{:,.{}f}".format(value, digits)


def fmt_ratio(value):
    return "n/a" if value is None else "%.2fx" % value


def fmt_metric(key, value):
    return fmt(value, 3 if key.endswith("_ms") else 0)


def cell_name(cell):
    return "%s -P %d -c %d" % (cell["test"].upper(), cell["pipeline"], cell["clients"])


def print_table(cells, names):
    """One block per cell: a row per metric, a column per server, then a ratio
    column per fkvs server."""
    fkvs_names = names[:-1]
    headers = list(names) + ["%s/%s" % (name, REFERENCE_NAME) for name in fkvs_names]
    widths = [max(12, len(header), *(len(cell["servers"][header]["io_backend"]) for cell in cells))
              if header in names else len(header) for header in headers]
    first = max(len(cell_name(cell)) for cell in cells)

    def row(cell_label, metric, values, better=""):
        print("%-*s  %-13s %s  %s" % (first, cell_label, metric, " ".join(
            "%*s" % (width, value) for width, value in zip(widths, values)), better))

    row("cell", "metric", headers, "better")
    print("-" * (first + 17 + sum(widths) + len(widths) + 6))
    for cell in cells:
        row(cell_name(cell), "io backend", [cell["servers"][n]["io_backend"] for n in names])
        for key, label, better in METRICS:
            values = [fmt_metric(key, cell["servers"][n]["median"][key]) for n in names]
            ratios = [fmt_ratio(cell["ratios"][n][key]) if better else "" for n in fkvs_names]
            row("", label, values + ratios, better)
        row("", "req/s spread", ["+-%s%%" % fmt(cell["servers"][n]["rps_spread_pct"], 1)
                                 for n in names])
    print()
    for cell in cells:
        reference = cell["servers"][REFERENCE_NAME]["median"]
        for name in fkvs_names:
            ratios, medians = cell["ratios"][name], cell["servers"][name]["median"]
            print("%s %s [%s]: vs redis req/s %s, req/CPU-s %s, p50 %s, p99 %s, p99.9 %s "
                  "(%s vs %s req/s; %s vs %s req per server CPU-s)" % (
                      cell_name(cell), name, cell["servers"][name]["io_backend"],
                      fmt_ratio(ratios["rps"]), fmt_ratio(ratios["req_per_cpu_s"]),
                      fmt_ratio(ratios["p50_ms"]), fmt_ratio(ratios["p99_ms"]),
                      fmt_ratio(ratios["p999_ms"]), fmt(medians["rps"]), fmt(reference["rps"]),
                      fmt(medians["req_per_cpu_s"]), fmt(reference["req_per_cpu_s"])))


def print_markdown(cells, names):
    """The README table: a row per test, cell and fkvs server, each figure as
    fkvs / redis and their ratio."""
    keys = ("rps", "req_per_cpu_s", "p50_ms", "p99_ms", "p999_ms")
    columns = ["test", "-P", "-c", "fkvs server", "io backend"]
    for key in keys:
        columns += ["%s fkvs / redis" % LABELS[key], "ratio"]
    print("| %s |" % " | ".join(columns))
    print("|%s|" % "|".join("---:" if index > 4 else "---" for index in range(len(columns))))
    for cell in cells:
        reference = cell["servers"][REFERENCE_NAME]["median"]
        for name in names[:-1]:
            medians = cell["servers"][name]["median"]
            values = [cell["test"].upper(), str(cell["pipeline"]), str(cell["clients"]), name,
                      cell["servers"][name]["io_backend"]]
            for key in keys:
                values += ["%s / %s" % (fmt_metric(key, medians[key]),
                                        fmt_metric(key, reference[key])),
                           "**%s**" % fmt_ratio(cell["ratios"][name][key])]
            print("| %s |" % " | ".join(values))
    spread, where = max((cell["servers"][name]["rps_spread_pct"] or 0, "%s %s" % (
        cell_name(cell), name)) for cell in cells for name in names)
    print("\nLargest req/s spread over rounds: +-%.1f%% (%s)." % (spread, where))


def load_average():
    with open("/proc/loadavg") as loadavg:
        return [float(x) for x in loadavg.read().split()[:3]]


def cpu_model():
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def run(args, servers):
    cells = []
    total_runs = len(args.tests) * len(args.cells) * args.rounds * len(servers)
    done = 0
    for test in args.tests:
        for pipeline, clients in args.cells:
            requests = requests_for(args, pipeline)
            runs = {server.name: [] for server in servers}
            for round_index in range(args.rounds):
                for server in servers:
                    figures = measure_once(server, args, test, pipeline, clients, requests)
                    runs[server.name].append(figures)
                    done += 1
                    print("[%d/%d] %s -P %d -c %d %-10s round %d: %s req/s, %s req/CPU-s, "
                          "p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms" % (
                              done, total_runs, test.upper(), pipeline, clients, server.name,
                              round_index + 1, fmt(figures["rps"]),
                              fmt(figures["req_per_cpu_s"]), figures["p50_ms"],
                              figures["p99_ms"], figures["p999_ms"]), file=sys.stderr, flush=True)
            cells.append(summarise_cell(test, pipeline, clients, requests, servers, runs))
    return cells


def print_header(args, servers, load_before, load_after):
    """What ran where, the I/O backend and threads of each server, the load."""
    pins = pinning_description(args, os.path.basename(args.benchmark_bin))
    lines = ["%s: %s (%s), io backend %s, threads seen: %s" % (
        server.name, " ".join([server.binary] + server.extra_args), server.version(),
        server.backend_label(), ", ".join(sorted(server.thread_names))) for server in servers]
    lines.append("load generator %s; %d round(s) per server, keyspace %d, %d-byte values; %s; "
                 "load average before/after %.2f/%.2f; %s, %d CPUs" % (
                     " ".join([args.benchmark_bin] + shlex.split(args.benchmark_args)),
                     args.rounds, args.keyspace, args.data_size, pins, load_before[0],
                     load_after[0], cpu_model(), os.cpu_count()))
    lines.append("Medians over rounds. Ratios are fkvs/redis, from the same run: above 1 is "
                 "better for req/s and req/CPU-s, below 1 is better for latency.")
    if args.markdown:
        print("\n".join("- %s" % line for line in lines) + "\n")
    else:
        print("\n".join(lines) + "\n")


def main():
    args = parse_args()
    began = time.monotonic()
    load_before = load_average()
    workdir = tempfile.mkdtemp(prefix="fkvs-compare-")
    servers = servers_under_test(args, workdir, server_launcher(args))
    with servers_running(servers, args, workdir, "compare.py"):
        cells = run(args, servers)
    load_after = load_average()
    names = [server.name for server in servers]
    print_header(args, servers, load_before, load_after)
    if args.markdown:
        print_markdown(cells, names)
    else:
        print_table(cells, names)
    elapsed = time.monotonic() - began
    print("\ntotal time %.0f s" % elapsed)
    if args.json:
        result = {
            "config": {key: value for key, value in vars(args).items() if key != "json"},
            "machine": {"cpus": os.cpu_count(), "cpu_model": cpu_model(),
                        "kernel": platform.release(), "load_average_before": load_before,
                        "load_average_after": load_after},
            "servers": {server.name: {"argv_extra": server.extra_args,
                                      "io_backend": server.backend_label(),
                                      "threads": sorted(server.thread_names)}
                        for server in servers},
            "elapsed_s": elapsed,
            "cells": cells,
        }
        with open(args.json, "w") as out:
            json.dump(result, out, indent=2)
            out.write("\n")


if __name__ == "__main__":
    main()
