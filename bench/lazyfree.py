#!/usr/bin/python3
"""How long deleting a big set stalls the server, with and without lazy
freeing: fkvs-server and redis-server side by side.

For each server and each way of deleting (DEL, which frees in the serving
thread, and UNLINK, which hands big values to a background thread), a fresh
server is filled with one set of --members members (default 10,000,000).
Then a second connection sends PING every millisecond while the first
deletes the set; the longest PING round trip in that window is the stall
clients see, next to the delete's own reply time.

    bench/lazyfree.py                     # a 10M-member set
    bench/lazyfree.py --members 1000000 --rounds 3
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time

from servers import (BenchError, Connection, ServerProcess, add_pinning_arguments,
                     add_server_arguments, encode_command, server_launcher)

FILL_BATCH = 10000


def fill(port, members):
    conn = Connection(port, timeout=300)
    try:
        pending = 0
        for start in range(0, members, FILL_BATCH):
            conn.sock.sendall(encode_command(b"SADD", b"big",
                                             *range(start, min(start + FILL_BATCH, members))))
            pending += 1
            if pending == 16:
                for _ in range(pending):
                    conn.read_reply()
                pending = 0
        for _ in range(pending):
            conn.read_reply()
        if conn.call("SCARD", "big") != members:
            raise BenchError("the set did not fill")
    finally:
        conn.close()


class Pinger(threading.Thread):
    """PING every millisecond, remembering each round trip."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.conn = Connection(port, timeout=60)
        self.round_trips = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            sent = time.perf_counter()
            self.conn.call("PING")
            self.round_trips.append(time.perf_counter() - sent)
            time.sleep(0.001)


def measure(server, members, command):
    fill(server.port, members)
    pinger = Pinger(server.port)
    pinger.start()
    time.sleep(0.2)
    pinger.round_trips.clear()
    conn = Connection(server.port, timeout=300)
    sent = time.perf_counter()
    reply = conn.call(command, "big")
    delete_ms = (time.perf_counter() - sent) * 1000
    conn.close()
    if reply != 1:
        raise BenchError("%s big answered %r" % (command, reply))
    time.sleep(0.5)
    pinger.stop.set()
    pinger.join(60)
    return delete_ms, max(pinger.round_trips) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_server_arguments(parser)
    add_pinning_arguments(parser)
    parser.add_argument("--members", type=int, default=10000000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="fkvs-lazyfree-")
    results = {}
    try:
        for round_index in range(args.rounds):
            for name, binary in (("fkvs", args.fkvs_bin), ("redis", args.redis_bin)):
                for command in ("DEL", "UNLINK"):
                    server = ServerProcess(name, binary, os.path.join(workdir, name + ".log"),
                                           server_launcher(args))
                    server.start()
                    try:
                        delete_ms, stall_ms = measure(server, args.members, command)
                    finally:
                        server.stop()
                    results.setdefault((name, command), []).append((delete_ms, stall_ms))
                    print("%-5s %-6s round %d: reply after %.1f ms, longest PING %.1f ms" %
                          (name, command, round_index + 1, delete_ms, stall_ms), file=sys.stderr)
    except BenchError as error:
        sys.exit("lazyfree.py: %s (logs in %s)" % (error, workdir))

    print("Deleting a set of %d members; median of %d round(s)" % (args.members, args.rounds))
    print()
    print("| server | command | reply ms | longest PING ms |")
    print("| --- | --- | ---: | ---: |")
    medians = {}
    for (name, command), rounds in results.items():
        reply = statistics.median(r[0] for r in rounds)
        stall = statistics.median(r[1] for r in rounds)
        medians[(name, command)] = (reply, stall)
        print("| %s | %s | %.1f | %.1f |" % (name, command, reply, stall))
    print()
    for command in ("DEL", "UNLINK"):
        print("%s longest PING, fkvs/redis: %.2fx" %
              (command, medians[("fkvs", command)][1] / medians[("redis", command)][1]))


if __name__ == "__main__":
    main()
