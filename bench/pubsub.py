#!/usr/bin/python3
"""PUBLISH fan-out of fkvs-server and redis-server: messages delivered per
server CPU-second to 1, 10 and 100 subscribers.

Both servers run at once, pinned to one core. For each subscriber count the
script opens that many connections that SUBSCRIBE to one channel and read
everything that arrives (counting bytes: every frame has the same size), then
runs redis-benchmark (`PUBLISH bench <payload>`, pipelined) on the other core,
and waits until every subscriber has received every message. The server's
CPU time (utime+stime from /proc/PID/stat) over that span divides the
deliveries (publishes x subscribers). Rounds interleave the servers (redis
first in odd rounds); each figure is the median over rounds.

    bench/pubsub.py                          # 1,10,100 subscribers, 3 rounds
    bench/pubsub.py --subscribers 1,50 --deliveries 4000000 --markdown
    bench/pubsub.py --fkvs-bin /usr/bin/redis-server   # redis against itself
"""

import argparse
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from load import BENCHMARK_BIN, comma_list
from servers import (add_pinning_arguments, add_server_arguments, BenchError, Connection,
                     encode_command, REFERENCE_NAME, server_launcher, servers_under_test,
                     pinning_description)

CHANNEL = b"bench"


def frame_size(payload):
    """Bytes of one "message" frame for CHANNEL carrying payload."""
    def bulk(data):
        return len(b"$%d\r\n" % len(data)) + len(data) + 2
    return len(b"*3\r\n") + bulk(b"message") + bulk(CHANNEL) + bulk(payload)


class Subscribers:
    """count connections subscribed to CHANNEL, drained by one thread that
    counts the bytes each has received since the subscribe confirmations."""

    def __init__(self, port, count):
        self.sockets = []
        confirmation = len(b"*3\r\n$9\r\nsubscribe\r\n") + len(b"$%d\r\n" % len(CHANNEL)) + \
            len(CHANNEL) + 2 + len(b":1\r\n")
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(encode_command(b"SUBSCRIBE", CHANNEL))
            received = b""
            while len(received) < confirmation:
                received += sock.recv(confirmation - len(received))
            sock.setblocking(False)
            self.sockets.append(sock)
        self.received = [0] * count
        self.stopping = False
        self.lost = False  # the server closed a subscriber
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _drain(self):
        selector = selectors.DefaultSelector()
        for index, sock in enumerate(self.sockets):
            selector.register(sock, selectors.EVENT_READ, index)
        while not self.stopping:
            for key, _ in selector.select(timeout=0.1):
                try:
                    data = key.fileobj.recv(1 << 20)
                except BlockingIOError:
                    continue
                if not data:
                    self.lost = True
                    selector.unregister(key.fileobj)
                    continue
                self.received[key.data] += len(data)
        selector.close()

    def wait_for(self, expected_bytes, timeout):
        deadline = time.monotonic() + timeout
        while min(self.received) < expected_bytes:
            if self.lost:
                raise BenchError("the server disconnected a subscriber")
            if time.monotonic() > deadline:
                raise BenchError("subscribers got %d of %d bytes" %
                                 (min(self.received), expected_bytes))
            time.sleep(0.002)

    def close(self):
        self.stopping = True
        self.thread.join()
        for sock in self.sockets:
            sock.close()


def publish(port, publishes, payload, pipeline, clients, cpu, benchmark_bin):
    argv = [] if cpu is None else ["taskset", "-c", str(cpu)]
    argv += [benchmark_bin, "-h", "127.0.0.1", "-p", str(port), "-q", "--csv",
             "-n", str(publishes), "-P", str(pipeline), "-c", str(clients),
             "PUBLISH", CHANNEL.decode(), payload.decode()]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    if done.returncode != 0 or "rror" in done.stdout + done.stderr:
        raise BenchError("%s failed: %s%s" % (benchmark_bin, done.stdout, done.stderr))


def one_run(server, subscribers, args):
    payload = b"m" * args.data_size
    publishes = max(args.min_publishes, args.deliveries // subscribers)
    listening = Subscribers(server.port, subscribers)
    try:
        cpu_before = server.cpu_seconds()
        began = time.monotonic()
        publish(server.port, publishes, payload, args.pipeline, args.clients,
                None if args.no_pin else args.client_cpu, args.benchmark_bin)
        listening.wait_for(publishes * frame_size(payload), timeout=300)
        wall = time.monotonic() - began
        cpu = server.cpu_seconds() - cpu_before
    finally:
        listening.close()
    delivered = publishes * subscribers
    return {"per_cpu_s": delivered / cpu if cpu > 0 else float("inf"),
            "per_s": delivered / wall}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    add_pinning_arguments(parser)
    parser.add_argument("--subscribers", type=comma_list, default=["1", "10", "100"])
    parser.add_argument("--deliveries", type=int, default=2_000_000,
                        help="messages delivered per run, all subscribers together")
    parser.add_argument("--min-publishes", type=int, default=20_000)
    parser.add_argument("-d", "--data-size", type=int, default=16, help="payload bytes")
    parser.add_argument("-P", "--pipeline", type=int, default=16)
    parser.add_argument("-c", "--clients", type=int, default=4, help="publishing connections")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--benchmark-bin", default=BENCHMARK_BIN)
    parser.add_argument("--markdown", action="store_true")
    parser.set_defaults(backends="")  # one fkvs-server, with --fkvs-args
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="fkvs-bench-pubsub-")
    launcher = server_launcher(args)
    servers = servers_under_test(args, workdir, launcher)
    results = {}
    try:
        for server in servers:
            server.start()
            # The readers here are slower than either server: no cut-offs mid-run.
            conn = Connection(server.port)
            conn.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 0 0")
            conn.close()
        for count in (int(c) for c in args.subscribers):
            for round_index in range(args.rounds):
                order = servers if round_index % 2 else list(reversed(servers))
                for server in order:
                    figures = one_run(server, count, args)
                    results.setdefault((count, server.name), []).append(figures)
                    server.check_alive()
    except BenchError as error:
        sys.exit("pubsub.py: %s (logs in %s)" % (error, workdir))
    finally:
        for server in servers:
            server.stop()

    print("PUBLISH fan-out, %d-byte payload, -P %d -c %d, %d rounds; %s" %
          (args.data_size, args.pipeline, args.clients, args.rounds,
           pinning_description(args, "redis-benchmark and the subscribers")))
    header = ["subscribers", "fkvs deliveries/CPU-s", "redis deliveries/CPU-s", "ratio",
              "fkvs deliveries/s", "redis deliveries/s", "ratio"]
    rows = []
    for count in (int(c) for c in args.subscribers):
        median = {}
        for name in ("fkvs", REFERENCE_NAME):
            runs = results[(count, name)]
            median[name] = {field: statistics.median(run[field] for run in runs)
                            for field in ("per_cpu_s", "per_s")}
        rows.append([str(count),
                     "%.0f" % median["fkvs"]["per_cpu_s"], "%.0f" % median["redis"]["per_cpu_s"],
                     "%.2fx" % (median["fkvs"]["per_cpu_s"] / median["redis"]["per_cpu_s"]),
                     "%.0f" % median["fkvs"]["per_s"], "%.0f" % median["redis"]["per_s"],
                     "%.2fx" % (median["fkvs"]["per_s"] / median["redis"]["per_s"])])
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(len(header))]
        for row in [header] + rows:
            print("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))
    shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
