#!/usr/bin/python3
"""redis-benchmark's whole default test list against fkvs-server and redis-server.

Both servers run at once, pinned to one core and prefilled as in compare.py; the
load generator runs on another core. Every test of redis-benchmark's default
list (what it runs without -t) is run with the same -n, -P and -c against each
server, interleaved: round 1 redis then fkvs, round 2 fkvs then redis, and so
on, test by test. Per test it reports the median over rounds of req/s and of
requests per server CPU-second (utime+stime from /proc/PID/stat, sampled as
each test's CSV row arrives) for each server, and the ratios fkvs/redis.

A test fails when any run of it got an error reply (redis-benchmark prints
"Error from server: ..." and stops), when its row is missing, or when the
server's INFO counts fewer calls of the test's command than requests sent, or
any error replies: the script then prints the table, names every failing test
and server, and exits with status 1, so a missing command cannot pass silently.

    bench/suite.py                                # -n 100000 -P 16 -c 50, 3 rounds
    bench/suite.py -n 200000 -P 1 --rounds 5 --markdown
    bench/suite.py --fkvs-bin /usr/bin/redis-server   # redis against itself
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

from load import BENCHMARK_BIN, rounded_requests, run_benchmark_rows
from servers import (add_backends_argument, add_pinning_arguments, add_server_arguments,
                     Connection, pinning_description, REFERENCE_NAME,
                     server_launcher, servers_running, servers_under_test)

# redis-benchmark 7.0's default list, in its order, as runs of the generator:
# each run is (-t names, [(row title in --csv, command counted in INFO commandstats)]).
# The LRANGE tests share one run, as without -t, so their LPUSH prelude runs once.
# Each other test gets a run of its own: redis-benchmark stops at the first error
# reply, which would otherwise hide every later test.
RUNS = [
    (["ping_inline"], [("PING_INLINE", "ping")]),
    (["ping_mbulk"], [("PING_MBULK", "ping")]),
    (["set"], [("SET", "set")]),
    (["get"], [("GET", "get")]),
    (["incr"], [("INCR", "incr")]),
    (["lpush"], [("LPUSH", "lpush")]),
    (["rpush"], [("RPUSH", "rpush")]),
    (["lpop"], [("LPOP", "lpop")]),
    (["rpop"], [("RPOP", "rpop")]),
    (["sadd"], [("SADD", "sadd")]),
    (["hset"], [("HSET", "hset")]),
    (["spop"], [("SPOP", "spop")]),
    (["zadd"], [("ZADD", "zadd")]),
    (["zpopmin"], [("ZPOPMIN", "zpopmin")]),
    (["lrange_100", "lrange_300", "lrange_500", "lrange_600"],
     [("LPUSH (needed to benchmark LRANGE)", "lpush"),
      ("LRANGE_100 (first 100 elements)", "lrange"),
      ("LRANGE_300 (first 300 elements)", "lrange"),
      ("LRANGE_500 (first 500 elements)", "lrange"),
      ("LRANGE_600 (first 600 elements)", "lrange")]),
    (["mset"], [("MSET (10 keys)", "mset")]),
]
TITLES = [title for _, rows in RUNS for title, _ in rows]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    add_backends_argument(parser)
    add_pinning_arguments(parser)
    parser.add_argument("--benchmark-bin", default=BENCHMARK_BIN,
                        help="load generator: redis-benchmark (default) or fkvs-benchmark")
    parser.add_argument("-n", "--requests", type=int, default=100_000,
                        help="requests per test (default 100000, rounded up to a multiple of -P)")
    parser.add_argument("-P", "--pipeline", type=int, default=16, help="pipeline depth (16)")
    parser.add_argument("-c", "--clients", type=int, default=50, help="connections (50)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per server per test (3)")
    parser.add_argument("--keyspace", type=int, default=100_000,
                        help="-r, and the number of keys prefilled (default 100000)")
    parser.add_argument("--data-size", type=int, default=3, help="-d value size in bytes (3)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--json", metavar="PATH", help="also write all results here")
    args = parser.parse_args()
    if min(args.requests, args.pipeline, args.clients, args.rounds) < 1:
        parser.error("-n, -P, -c and --rounds must be at least 1")
    args.requests = rounded_requests(args.requests, args.pipeline)
    return args


def counters(server):
    """CPU seconds, and INFO's error reply count and calls per command (None where
    the server's INFO has no such field)."""
    conn = Connection(server.port)
    try:
        stats = conn.call("INFO", "stats")
        commandstats = conn.call("INFO", "commandstats")
    finally:
        conn.close()
    errors = None
    if isinstance(stats, bytes):
        for line in stats.decode().splitlines():
            if line.startswith("total_error_replies:"):
                errors = int(line.split(":", 1)[1])
    calls = None
    if isinstance(commandstats, bytes) and b"cmdstat_" in commandstats:
        calls = {}
        for line in commandstats.decode().splitlines():
            if line.startswith("cmdstat_") and ":" in line:
                name, fields = line[len("cmdstat_"):].split(":", 1)
                for field in fields.split(","):
                    if field.startswith("calls="):
                        calls[name] = int(field[len("calls="):])
    return server.cpu_seconds(), errors, calls


def run_one(server, args, tests, expected_rows):
    """One generator run of one or more tests against one server. Returns
    {title: figures} for the rows it printed, and a list of (title, why) failures."""
    before = counters(server)
    done = run_benchmark_rows(server.port, tests, args.pipeline, args.clients, args.requests,
                              args.keyspace, args.data_size, sample=server.cpu_seconds,
                              cpu=None if args.no_pin else args.client_cpu,
                              benchmark_bin=args.benchmark_bin)
    server.check_alive()
    after = counters(server)
    figures, failures = {}, []
    for row in done["rows"]:
        cpu = row["sample_delta"]
        row["server_cpu_s"] = cpu
        row["req_per_cpu_s"] = args.requests / cpu if cpu else None
        figures[row["title"]] = row
    titles = [title for title, _ in expected_rows]
    failed = {}  # title -> why, in the order found

    def fail(title, why):
        failed.setdefault(title, why)

    # Error lines that name a test (fkvs-benchmark: "TITLE: N of M replies were
    # errors, ..."); the longest title first, as "LPUSH" is inside "LPUSH (needed ...".
    unattributed = []
    for line in done["errors"]:
        named = [t for t in sorted(titles, key=len, reverse=True) if t + ": " in line]
        if named:
            fail(named[0], "error: %s" % line.strip())
        else:
            unattributed.append(line.strip())
    why = None
    if unattributed:
        why = "error: %s" % unattributed[0]
    elif done["returncode"] != 0:
        why = "%s exited with status %s" % (os.path.basename(args.benchmark_bin),
                                           done["returncode"])
    # redis-benchmark stops at the first error: the first missing row is the test
    # that failed, the later ones did not run.
    missing = [title for title in titles if title not in figures]
    if missing:
        fail(missing[0], why or "no CSV row in the generator's output")
        for title in missing[1:]:
            fail(title, "not run: the generator stopped at %s" % missing[0])
    # The server's own count: error replies, and calls of each command.
    if before[2] is not None and after[2] is not None:
        wanted = {}
        for _, command in expected_rows:
            wanted[command] = wanted.get(command, 0) + args.requests
        for command, count in wanted.items():
            got = after[2].get(command, 0) - before[2].get(command, 0)
            if got < count:
                for title in (t for t, c in expected_rows if c == command):
                    fail(title, "INFO commandstats counts %d %s calls, expected at least %d" %
                         (got, command.upper(), count))
    errors = None if before[1] is None or after[1] is None else after[1] - before[1]
    if errors and not failed:
        why = "INFO total_error_replies grew by %d during the run" % errors
    if why and not failed:
        # The run failed, but nothing says which of its tests: all of them.
        for title in titles:
            fail(title, why if len(titles) == 1 else "%s (one of %s)" % (why, ", ".join(tests)))
    failures = [(title, failed[title]) for title in titles if title in failed]
    return figures, failures


def round_order(servers, round_index):
    """Round 1 redis first, round 2 redis last, and so on."""
    return list(reversed(servers)) if round_index % 2 == 0 else list(servers)


def run(args, servers):
    runs = {title: {server.name: [] for server in servers} for title in TITLES}
    failures = {}  # (title, server name) -> reasons
    for round_index in range(args.rounds):
        for tests, expected_rows in RUNS:
            for server in round_order(servers, round_index):
                figures, failed = run_one(server, args, tests, expected_rows)
                bad = {title for title, _ in failed}
                for title, row in figures.items():
                    if title in runs and title not in bad:  # a failed test's figures are void
                        runs[title][server.name].append(row)
                for title, why in failed:
                    failures.setdefault((title, server.name), []).append(why)
                done = ["%s %s req/s" % (title.split()[0], fmt(row.get("rps")))
                        for title, row in figures.items()]
                done += ["FAILED %s: %s" % failure for failure in failed]
                print("round %d %-12s %-6s %s" % (round_index + 1, ",".join(tests), server.name,
                                                   "; ".join(done)), file=sys.stderr, flush=True)
    return runs, failures


def median_of(rows, key):
    values = [row[key] for row in rows if row.get(key) is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=0):
    return "n/a" if value is None else "{:,.{}f}".format(value, digits)


def fmt_ratio(fkvs, redis):
    return "n/a" if fkvs is None or not redis else "%.2fx" % (fkvs / redis)


def table_rows(runs, failures, names):
    """Per test and fkvs server: the printed values."""
    rows = []
    for title in TITLES:
        reference = runs[title][REFERENCE_NAME]
        redis_rps, redis_cpu = median_of(reference, "rps"), median_of(reference, "req_per_cpu_s")
        for name in names[:-1]:
            rps, per_cpu = median_of(runs[title][name], "rps"), median_of(runs[title][name],
                                                                          "req_per_cpu_s")
            failed = [server for server in (name, REFERENCE_NAME) if (title, server) in failures]
            status = "ok" if not failed else "FAILED on %s" % " and ".join(failed)
            rows.append([title, name, fmt(rps), fmt(redis_rps), fmt_ratio(rps, redis_rps),
                         fmt(per_cpu), fmt(redis_cpu), fmt_ratio(per_cpu, redis_cpu), status])
    return rows


COLUMNS = ["test", "server", "req/s", "redis req/s", "ratio", "req/CPU-s", "redis req/CPU-s",
           "ratio", "status"]


def print_results(args, servers, runs, failures):
    names = [server.name for server in servers]
    lines = ["%s: %s (%s), io backend %s" % (server.name, " ".join([server.binary] +
                                                                   server.extra_args),
                                             server.version(), server.backend_label())
             for server in servers]
    lines.append("%s -P %d -c %d -n %d -r %d -d %d, each test of the default list; %d "
                 "round(s), round 1 redis first, round 2 redis last, ...; %s" % (
                     args.benchmark_bin, args.pipeline, args.clients, args.requests,
                     args.keyspace, args.data_size, args.rounds,
                     pinning_description(args, os.path.basename(args.benchmark_bin))))
    lines.append("Medians over rounds; req/CPU-s is requests per second of the server's CPU "
                 "time (utime+stime, 10 ms ticks). Ratios fkvs/redis: above 1 is better.")
    rows = table_rows(runs, failures, names)
    if args.markdown:
        print("\n".join("- %s" % line for line in lines) + "\n")
        print("| %s |" % " | ".join(COLUMNS))
        print("|%s|" % "|".join("---" if i in (0, 1, 8) else "---:" for i in range(len(COLUMNS))))
        for values in rows:
            values = values[:4] + ["**%s**" % values[4]] + values[5:7] + ["**%s**" % values[7],
                                                                          values[8]]
            print("| %s |" % " | ".join(values))
    else:
        print("\n".join(lines) + "\n")
        widths = [max(len(column), *(len(values[i]) for values in rows))
                  for i, column in enumerate(COLUMNS)]
        for values in [COLUMNS] + rows:
            print("  ".join(("%-*s" if i in (0, 1, 8) else "%*s") % (w, v)
                            for i, (w, v) in enumerate(zip(widths, values))).rstrip())


def main():
    args = parse_args()
    began = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="fkvs-suite-")
    servers = servers_under_test(args, workdir, server_launcher(args))
    with servers_running(servers, args, workdir, "suite.py"):
        runs, failures = run(args, servers)
    print_results(args, servers, runs, failures)
    elapsed = time.monotonic() - began
    print("\ntotal time %.0f s" % elapsed)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"config": {k: v for k, v in vars(args).items() if k != "json"},
                       "elapsed_s": elapsed, "runs": runs,
                       "failures": [{"test": t, "server": s, "why": w}
                                    for (t, s), w in failures.items()]}, out, indent=2)
            out.write("\n")
    if failures:
        print("\nsuite.py: %d test(s) FAILED:" % len({t for t, _ in failures}), file=sys.stderr)
        for (title, name), reasons in failures.items():
            print("  %s on %s: %s" % (title, name, reasons[0]), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
