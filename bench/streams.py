#!/usr/bin/python3
"""Streams in fkvs-server and redis-server: XADD from a load generator, and a
consumer group worked by XREADGROUP + XACK, in requests per server CPU-second.

All servers run at once, pinned to one core; the load (fkvs-benchmark for
XADD, this script's own consumers for the group) runs on another. Rounds
interleave the servers as in compare.py. The cases:

  xadd:      fkvs-benchmark -P DEPTH -c CLIENTS -n N -r STREAMS
                 XADD stream:__rand_int__ * event click user u42 amount 99
  consumeK:  a stream of N entries and a group g, set up before the clock
             starts; then --consumers connections, each in a loop
                 XREADGROUP GROUP g cI COUNT K STREAMS jobs >
                 XACK jobs g <the K ids it got>
             until the stream is drained. Every reply is checked (all ids
             acknowledged, nothing delivered twice, nothing left pending). The
             consumers take turns in lockstep from one process, so the server
             sees --consumers requests at a time, as it would from that many
             workers.
  ping:      the same consumers sending PING in lockstep, as many requests
             as consume1 makes: the floor any unpipelined request costs
             (system calls, wake-ups), which consumeK pays too.

Figures, medians over rounds: requests per server CPU-second (utime+stime of
/proc/PID/stat; for consumeK, XREADGROUP and XACK each count as a request),
req/s and, for consumeK, entries consumed per server CPU-second; each with
fkvs's ratio to redis.

    bench/streams.py                               # xadd -P 16, consume1, consume10, ping
    bench/streams.py --cases xadd --pipelines 1,16 --rounds 5 --markdown
    bench/streams.py --fkvs-bin /usr/bin/redis-server   # redis against itself
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

from load import rounded_requests
from side_by_side import fmt, fmt_ratio, measure_command, median_of, ratio
from servers import (add_pinning_arguments, add_server_arguments, BenchError, Connection,
                     encode_command, pinning_description, REFERENCE_NAME, REPO_ROOT,
                     send_checked, server_launcher, servers_under_test)

DEFAULT_FKVS_BENCHMARK = os.path.join(REPO_ROOT, "build", "src", "tools", "benchmark",
                                      "fkvs-benchmark")
XADD_COMMAND = ["XADD", "stream:__rand_int__", "*", "event", "click", "user", "u42",
                "amount", "99"]
CONSUME_STREAM = "jobs"
# The aim: fkvs at least this many times redis's requests per CPU-second.
TARGET_RATIO = 1.5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    add_pinning_arguments(parser)
    parser.add_argument("--benchmark-bin", default=DEFAULT_FKVS_BENCHMARK,
                        help="load generator for XADD (default fkvs-benchmark)")
    parser.add_argument("--cases", default="xadd,consume1,consume10,ping",
                        help="comma list of xadd, consumeK (K entries per XREADGROUP) and ping")
    parser.add_argument("--pipelines", default="16", help="comma list of -P depths for xadd")
    parser.add_argument("--clients", type=int, default=50, help="-c for xadd")
    parser.add_argument("--streams", type=int, default=100,
                        help="-r for xadd: streams the entries are spread over")
    parser.add_argument("--xadd-requests", type=int, default=300_000)
    parser.add_argument("--consumers", type=int, default=8)
    parser.add_argument("--entries", type=int, default=60_000,
                        help="entries each consumeK run drains")
    parser.add_argument("--rounds", type=int, default=3, help="runs per server per case")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--json", metavar="PATH", help="also write all results here")
    parser.set_defaults(backends="")
    args = parser.parse_args()
    args.case_names = [c.strip() for c in args.cases.split(",") if c.strip()]
    args.depths = [int(p) for p in args.pipelines.split(",") if p.strip()]
    for name in args.case_names:
        if name not in ("xadd", "ping") and not (name.startswith("consume") and name[7:].isdigit()
                                   and int(name[7:]) > 0):
            parser.error("unknown case %r (xadd, ping or consumeK, K > 0)" % name)
    if args.rounds < 1 or not args.depths or min(args.depths) < 1 or args.consumers < 1:
        parser.error("need a round, a pipeline depth and a consumer")
    return args


def measure_xadd(server, args, depth):
    requests = rounded_requests(args.xadd_requests, depth)
    figures = measure_command(server, args, XADD_COMMAND, depth, requests, args.streams)
    figures["entries"] = requests
    return figures


def fill_jobs(server, entries):
    """A fresh stream of `entries` entries and a group g at its start."""
    conn = Connection(server.port, timeout=60)
    try:
        conn.call("DEL", CONSUME_STREAM)
    finally:
        conn.close()

    def check(reply, index):
        if isinstance(reply, BenchError):
            raise BenchError("%s: filling %s, command %d replied -%s" %
                             (server.name, CONSUME_STREAM, index, reply))

    commands = [encode_command("XADD", CONSUME_STREAM, "*", "job", "%d" % index,
                               "payload", "x" * 32) for index in range(entries)]
    commands.append(encode_command("XGROUP", "CREATE", CONSUME_STREAM, "g", "0"))
    send_checked(server.port, commands, check)


def drain(server, consumers, count, entries):
    """The consumers' loop until the stream is drained; returns requests sent."""
    connections = [Connection(server.port, timeout=60) for _ in range(consumers)]
    reads = [encode_command("XREADGROUP", "GROUP", "g", "c%d" % index, "COUNT", count,
                            "STREAMS", CONSUME_STREAM, ">") for index in range(consumers)]
    seen = set()
    requests = 0
    try:
        active = list(range(consumers))
        while active:
            for index in active:
                connections[index].sock.sendall(reads[index])
            batches = {}
            for index in active:
                reply = connections[index].read_reply()
                if isinstance(reply, BenchError):
                    raise BenchError("%s: XREADGROUP replied -%s" % (server.name, reply))
                batches[index] = [] if reply is None else [entry[0] for entry in reply[0][1]]
            requests += len(active)
            active = [index for index in active if batches[index]]
            for index in active:
                ids = batches[index]
                duplicates = seen.intersection(ids)
                if duplicates:
                    raise BenchError("%s: %s delivered twice" % (server.name, min(duplicates)))
                seen.update(ids)
                connections[index].sock.sendall(
                    encode_command("XACK", CONSUME_STREAM, "g", *ids))
            for index in active:
                acked = connections[index].read_reply()
                if acked != len(batches[index]):
                    raise BenchError("%s: XACK of %d ids replied %r" %
                                     (server.name, len(batches[index]), acked))
            requests += len(active)
        pending = connections[0].call("XPENDING", CONSUME_STREAM, "g")
    finally:
        for conn in connections:
            conn.close()
    if len(seen) != entries or pending[0] != 0:
        raise BenchError("%s: %d of %d entries consumed, %r left pending" %
                         (server.name, len(seen), entries, pending[0]))
    return requests


def measure_consume(server, args, count):
    fill_jobs(server, args.entries)
    cpu_before = server.cpu_seconds()
    began = time.monotonic()
    requests = drain(server, args.consumers, count, args.entries)
    wall = time.monotonic() - began
    cpu = server.cpu_seconds() - cpu_before
    server.check_alive()
    return {"requests": requests, "entries": args.entries, "server_cpu_s": cpu,
            "wall_s": wall, "rps": requests / wall}


def measure_ping(server, args):
    """Lockstep PINGs from the consumers' connections: 2 x --entries requests."""
    connections = [Connection(server.port, timeout=60) for _ in range(args.consumers)]
    ping = encode_command("PING")
    rounds = -(-2 * args.entries // args.consumers)
    cpu_before = server.cpu_seconds()
    began = time.monotonic()
    try:
        for _ in range(rounds):
            for conn in connections:
                conn.sock.sendall(ping)
            for conn in connections:
                reply = conn.read_reply()
                if reply != "PONG":
                    raise BenchError("%s: PING replied %r" % (server.name, reply))
    finally:
        for conn in connections:
            conn.close()
    wall = time.monotonic() - began
    cpu = server.cpu_seconds() - cpu_before
    server.check_alive()
    requests = rounds * args.consumers
    return {"requests": requests, "entries": None, "server_cpu_s": cpu, "wall_s": wall,
            "rps": requests / wall}


def cells_of(args):
    cells = []
    for name in args.case_names:
        if name == "xadd":
            cells += [("xadd -P %d -c %d" % (depth, args.clients),
                       lambda server, depth=depth: measure_xadd(server, args, depth))
                      for depth in args.depths]
        elif name == "ping":
            cells.append(("PING, %d connections in lockstep" % args.consumers,
                          lambda server: measure_ping(server, args)))
        else:
            count = int(name[7:])
            cells.append(("XREADGROUP COUNT %d + XACK, %d consumers" % (count, args.consumers),
                          lambda server, count=count: measure_consume(server, args, count)))
    return cells


def per_cpu_second(run, key):
    if run[key] is None or run["server_cpu_s"] <= 0:
        return None
    return run[key] / run["server_cpu_s"]


def run_cells(args, servers):
    results = []
    cells = cells_of(args)
    total, done = len(cells) * args.rounds * len(servers), 0
    for label, measure in cells:
        runs = {server.name: [] for server in servers}
        for round_index in range(args.rounds):
            for server in servers:
                run = measure(server)
                runs[server.name].append(run)
                done += 1
                print("[%d/%d] %s %-6s round %d: %.0f req/s, %s req/CPU-s" % (
                    done, total, label, server.name, round_index + 1, run["rps"],
                    fmt(per_cpu_second(run, "requests"))), file=sys.stderr, flush=True)
        for name_runs in runs.values():
            for run in name_runs:
                run["req_per_cpu_s"] = per_cpu_second(run, "requests")
                run["entries_per_cpu_s"] = per_cpu_second(run, "entries")
        medians = {name: {key: median_of(name_runs, key)
                          for key in ("rps", "req_per_cpu_s", "entries_per_cpu_s")}
                   for name, name_runs in runs.items()}
        results.append({"cell": label, "rounds": runs, "median": medians})
    return results


COLUMNS = (("req_per_cpu_s", "req/CPU-s"), ("entries_per_cpu_s", "entries/CPU-s"),
           ("rps", "req/s"))


def table_rows(results, names):
    rows = []
    for result in results:
        reference = result["median"][REFERENCE_NAME]
        for name in names[:-1]:
            values = [result["cell"], name]
            for key, _ in COLUMNS:
                values += ["%s / %s" % (fmt(result["median"][name][key]), fmt(reference[key])),
                           fmt_ratio(ratio(result["median"][name][key], reference[key]))]
            rows.append(values)
    return rows


def print_results(args, results, names, lines):
    headers = ["case", "server"]
    for _, label in COLUMNS:
        headers += ["%s fkvs / redis" % label, "ratio"]
    rows = table_rows(results, names)
    if args.markdown:
        print("\n".join("- %s" % line for line in lines) + "\n")
        print("| %s |" % " | ".join(headers))
        print("|---|---|%s|" % "|".join("---:" for _ in headers[2:]))
        for row in rows:
            print("| %s |" % " | ".join(
                "**%s**" % value if index in (3, 5, 7) else value
                for index, value in enumerate(row)))
    else:
        print("\n".join(lines) + "\n")
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
        for row in [headers] + rows:
            print("  ".join(("%-*s" if i < 2 else "%*s") % (w, v)
                            for i, (w, v) in enumerate(zip(widths, row))))
    print()
    for result in results:
        if result["cell"].startswith("PING"):
            continue  # the floor, not a stream command: no aim
        value = ratio(result["median"][names[0]]["req_per_cpu_s"],
                      result["median"][REFERENCE_NAME]["req_per_cpu_s"])
        print("%s: %s redis's requests per server CPU-second, %s the %.1fx aim" % (
            result["cell"], fmt_ratio(value),
            "n/a" if value is None else ("meets" if value >= TARGET_RATIO else "below"),
            TARGET_RATIO))


def main():
    args = parse_args()
    began = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="fkvs-bench-streams-")
    if not args.no_pin:
        os.sched_setaffinity(0, {args.client_cpu})  # the consumers, beside the generator
    servers = servers_under_test(args, workdir, server_launcher(args))
    try:
        try:
            for server in servers:
                server.start()
            results = run_cells(args, servers)
        finally:
            for server in servers:
                server.stop()
    except BenchError as error:
        sys.exit("streams.py: %s (logs in %s)" % (error, workdir))
    shutil.rmtree(workdir)
    names = [server.name for server in servers]
    lines = ["%s: %s (%s)" % (server.name, server.binary, server.version())
             for server in servers]
    lines.append("%d round(s) per server per case, interleaved; %s; %d CPUs. Medians over "
                 "rounds; ratios fkvs/redis from the same run, above 1 is better." % (
                     args.rounds, pinning_description(args, "the load"), os.cpu_count()))
    print_results(args, results, names, lines)
    elapsed = time.monotonic() - began
    print("\ntotal time %.0f s" % elapsed)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"config": {k: v for k, v in vars(args).items() if k != "json"},
                       "elapsed_s": elapsed, "results": results}, out, indent=2)
            out.write("\n")


if __name__ == "__main__":
    main()
