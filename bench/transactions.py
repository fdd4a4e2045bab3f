#!/usr/bin/python3
"""MULTI/EXEC cost of fkvs-server and redis-server: one transaction of many
queued commands, and a pipeline of many small transactions.

Both servers run at once, pinned to one core. Each shape is sent in one write
over one connection and every reply is read and checked:

  big:   MULTI, N x INCR counter, EXEC               (--queued, default 10,000)
  many:  T x (MULTI, INCR a, INCR b, EXEC)           (--transactions, default 1,000)

Each measurement repeats the send --repeat times and takes the mean, so the
server CPU time (utime+stime from /proc/PID/stat, in 10 ms ticks) adds up to
something readable. Rounds interleave the servers; the figures are medians
over rounds of wall time (send to last reply) and server CPU time per send,
and the ratios fkvs/redis (below 1 is faster).

    bench/transactions.py
    bench/transactions.py --queued 100000 --transactions 10000 --repeat 10
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time

from servers import (add_pinning_arguments, add_server_arguments, BenchError, Connection,
                     server_launcher, servers_under_test, pinning_description)


def big_transaction(queued):
    request = b"MULTI\r\n" + b"INCR counter\r\n" * queued + b"EXEC\r\n"
    expected = (b"+OK\r\n" + b"+QUEUED\r\n" * queued + b"*%d\r\n" % queued +
                b"".join(b":%d\r\n" % i for i in range(1, queued + 1)))
    return request, expected


def many_transactions(transactions):
    request = b"MULTI\r\nINCR a\r\nINCR b\r\nEXEC\r\n" * transactions
    expected = b"".join(b"+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:%d\r\n:%d\r\n" % (i, i)
                        for i in range(1, transactions + 1))
    return request, expected


def measure(server, shape, repeat):
    """Sends the request in one write and reads exactly the expected bytes,
    repeat times (after a FLUSHALL each); returns the mean wall and CPU time."""
    request, expected = shape
    conn = Connection(server.port, timeout=120)
    wall = cpu = 0.0
    try:
        for _ in range(repeat):
            conn.call("FLUSHALL")
            cpu_before = server.cpu_seconds()
            began = time.monotonic()
            conn.sock.sendall(request)
            received = conn.read_exactly(len(expected))
            wall += time.monotonic() - began
            cpu += server.cpu_seconds() - cpu_before
            if received != expected:
                raise BenchError("%s: unexpected replies" % server.name)
    finally:
        conn.close()
    return wall / repeat, cpu / repeat


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    add_pinning_arguments(parser)
    parser.add_argument("--queued", type=int, default=10_000)
    parser.add_argument("--transactions", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=50,
                        help="sends per measurement, so CPU time outgrows its 10 ms ticks")
    parser.set_defaults(backends="")  # one fkvs-server, with --fkvs-args
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="fkvs-bench-multi-")
    launcher = server_launcher(args)
    servers = servers_under_test(args, workdir, launcher)
    shapes = {"MULTI + %d INCR + EXEC" % args.queued: big_transaction(args.queued),
              "pipeline of %d x (MULTI, 2 INCR, EXEC)" % args.transactions:
                  many_transactions(args.transactions)}
    results = {}
    try:
        for server in servers:
            server.start()
        for round_index in range(args.rounds):
            order = servers if round_index % 2 else list(reversed(servers))
            for name, shape in shapes.items():
                for server in order:
                    results.setdefault((name, server.name), []).append(measure(server, shape, args.repeat))
                    server.check_alive()
    except BenchError as error:
        sys.exit("transactions.py: %s (logs in %s)" % (error, workdir))
    finally:
        for server in servers:
            server.stop()

    print("%d rounds; %s; the client is this script, so wall time includes its parsing" %
          (args.rounds, pinning_description(args, "the client")))
    for name in shapes:
        wall = {s.name: statistics.median(w for w, _ in results[(name, s.name)]) for s in servers}
        cpu = {s.name: statistics.median(c for _, c in results[(name, s.name)]) for s in servers}
        print("%s:\n  wall  fkvs %.1f ms  redis %.1f ms  ratio %.2fx\n"
              "  cpu   fkvs %.1f ms  redis %.1f ms  ratio %s" %
              (name, wall["fkvs"] * 1e3, wall["redis"] * 1e3, wall["fkvs"] / wall["redis"],
               cpu["fkvs"] * 1e3, cpu["redis"] * 1e3,
               "%.2fx" % (cpu["fkvs"] / cpu["redis"]) if cpu["redis"] > 0 else "n/a"))
    shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
