#!/usr/bin/python3
"""Active expiry of fkvs-server and redis-server: how fast each reclaims a mass of
expired keys, and how responsive it stays meanwhile.

Each server in turn (fkvs, then redis, each started fresh and pinned to one
core) is loaded over one pipelined connection with N keys that all fall due at
the same instant (`SET key:i v PXAT due`). Nothing touches those keys again:
from the due instant on, only the server's own active expiry can reclaim them.
DBSIZE (which counts expired keys not yet reclaimed) is polled every 100 ms
until it reaches 0, while another connection sends PING every millisecond on a
fixed schedule, whether or not the previous one was answered, so that a stall
shows up in every PING it delays.

    bench/expire.py                             # 1,000,000 keys
    bench/expire.py --keys 3000000 --ttl-ms 10000 --rounds 2 --json out.json
    bench/expire.py --fkvs-bin /usr/bin/redis-server   # redis against itself
"""

import argparse
import collections
import json
import os
import shlex
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time

from servers import (add_server_arguments, KEY_FORMAT, BenchError, Connection,
                     ServerProcess, encode_command)

SERVER_NAMES = ("fkvs", "redis")

# Commands per write while loading: big enough that the syscalls and round trips
# vanish next to the server's work, small enough to keep replies flowing.
LOAD_BATCH = 10_000

PING = encode_command("PING")
PONG = b"+PONG\r\n"
OK = b"+OK\r\n"

# Keys due this close after the load ends leave too little idle time to measure
# the PING latency of an idle server, the baseline for the figures under reclaim.
MIN_IDLE_S = 0.5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    parser.add_argument("--keys", type=int, default=1_000_000, help="keys loaded (default 1000000)")
    parser.add_argument("--data-size", type=int, default=3, help="value size in bytes (default 3)")
    parser.add_argument("--ttl-ms", type=int, default=5000,
                        help="time from the start of the load until every key is due "
                        "(default 5000; the load must end %.1f s before)" % MIN_IDLE_S)
    parser.add_argument("--poll-ms", type=float, default=100, help="DBSIZE poll period")
    parser.add_argument("--ping-ms", type=float, default=1, help="PING period")
    parser.add_argument("--timeout", type=float, default=300,
                        help="give up when keys remain this many seconds after they were due")
    parser.add_argument("--rounds", type=int, default=1,
                        help="runs per server, alternating fkvs and redis (default 1)")
    parser.add_argument("--server-cpu", type=int, default=0, help="core the servers run on")
    parser.add_argument("--client-cpu", type=int, default=1,
                        help="core this script (loader, PING and DBSIZE) runs on")
    parser.add_argument("--no-pin", action="store_true", help="do not pin anything to cores")
    parser.add_argument("--json", metavar="PATH", help="also write all results here")
    args = parser.parse_args()
    if args.keys < 1 or args.rounds < 1 or args.ttl_ms < 1:
        parser.error("--keys, --rounds and --ttl-ms must be positive")
    return args


def set_command_template(value, due_ms):
    """`SET key:%012d value PXAT due` as RESP with a %-slot for the key number.
    Formatting this template is ten times faster than encoding each command, which
    matters at a million keys; every key number has the same width, so the length
    prefixes stay right."""
    sample_key = (KEY_FORMAT % 0).encode()
    command = encode_command("SET", sample_key, value, "PXAT", due_ms)
    return command.replace(b"%", b"%%").replace(sample_key, KEY_FORMAT.encode(), 1)


def load_keys(port, keys, value, due_ms):
    """SETs every key, keeping one batch in flight while the previous batch's
    replies are read back and checked."""
    template = set_command_template(value, due_ms)
    conn = Connection(port, timeout=120.0)
    try:
        batches = [(start, min(start + LOAD_BATCH, keys)) for start in range(0, keys, LOAD_BATCH)]
        in_flight = collections.deque()
        for start, end in batches:
            conn.sock.sendall(b"".join([template % i for i in range(start, end)]))
            in_flight.append(end - start)
            if len(in_flight) > 1:
                expect_replies(conn, in_flight.popleft())
        while in_flight:
            expect_replies(conn, in_flight.popleft())
    finally:
        conn.close()


def expect_replies(conn, count):
    replies = conn.read_exactly(len(OK) * count)
    if replies != OK * count:
        raise BenchError("a SET while loading did not reply +OK: %r" %
                         replies[:200].decode(errors="replace"))


class PingProbe:
    """PINGs on a fixed schedule from one thread, PONGs timed in another.

    Sending on schedule rather than after each reply means a server that stalls
    for 20 ms delays some 20 PINGs, not one, so the percentiles describe what a
    client arriving at a random moment would see."""

    def __init__(self, port, period_s):
        self.period_s = period_s
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60.0)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sent = collections.deque()  # send times of the PINGs not yet answered
        self.samples = []  # (wall-clock send time, latency in seconds)
        self.stopping = threading.Event()
        self.error = None
        self.threads = [threading.Thread(target=self._guard, args=(body,), daemon=True)
                        for body in (self._send_loop, self._receive_loop)]

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stopping.set()
        self.threads[0].join()
        # Let the receiver collect the last replies before the socket closes.
        deadline = time.monotonic() + 5
        while self.sent and time.monotonic() < deadline and self.error is None:
            time.sleep(0.01)
        # shutdown, unlike close, wakes the receiver blocked in recv.
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.threads[1].join()
        if self.error is not None:
            raise BenchError("PING probe failed: %s" % self.error)

    def _guard(self, body):
        try:
            body()
        except (OSError, BenchError) as error:
            if not self.stopping.is_set():
                self.error = error
                self.stopping.set()

    def _send_loop(self):
        next_send = time.perf_counter()
        while not self.stopping.is_set():
            delay = next_send - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            # perf_counter times the latency; time.time places it in the run.
            self.sent.append((time.perf_counter(), time.time()))
            self.sock.sendall(PING)
            next_send += self.period_s

    def _receive_loop(self):
        pending = b""
        while not (self.stopping.is_set() and not self.sent):
            chunk = self.sock.recv(65536)
            if not chunk:
                raise BenchError("server closed the PING connection")
            received = time.perf_counter()
            pending += chunk
            answered, remainder = divmod(len(pending), len(PONG))
            if pending[:answered * len(PONG)] != PONG * answered:
                raise BenchError("unexpected PING reply %r" % pending[:100])
            pending = pending[answered * len(PONG):]
            for _ in range(answered):
                sent_perf, sent_wall = self.sent.popleft()
                self.samples.append((sent_wall, received - sent_perf))

    def latencies_between(self, begin_wall, end_wall):
        return [latency for sent, latency in self.samples if begin_wall <= sent < end_wall]


def info_fields(conn, section):
    text = conn.call("INFO", section)
    if isinstance(text, BenchError):
        raise text
    fields = {}
    for line in text.decode().splitlines():
        if ":" in line and not line.startswith("#"):
            name, value = line.split(":", 1)
            fields[name] = value.strip()
    return fields


def percentile(values, fraction):
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(fraction * len(ordered))) - 1))]


def latency_summary(latencies):
    as_ms = [latency * 1000 for latency in latencies]
    return {"count": len(as_ms), "p50_ms": percentile(as_ms, 0.50),
            "p99_ms": percentile(as_ms, 0.99), "max_ms": max(as_ms) if as_ms else None}


def poll_until_empty(conn, server, due_wall, args):
    """DBSIZE every poll period from the due instant on; returns the wall time
    of the first reply of 0 and the (seconds after due, DBSIZE) samples."""
    timeline = []
    next_poll = due_wall
    while True:
        delay = next_poll - time.time()
        if delay > 0:
            time.sleep(delay)
        size = conn.call("DBSIZE")
        replied = time.time()
        if not isinstance(size, int):
            raise BenchError("DBSIZE replied %r" % size)
        timeline.append((round(replied - due_wall, 3), size))
        if size == 0:
            return replied, timeline
        if replied - due_wall > args.timeout:
            raise BenchError("%s still holds %d keys %.0f s after they were due" %
                             (server.name, size, args.timeout))
        server.check_alive()
        next_poll += args.poll_ms / 1000


def measure_server(name, binary, extra_args, args, workdir):
    launcher = [] if args.no_pin else ["taskset", "-c", str(args.server_cpu)]
    server = ServerProcess(name, binary, os.path.join(workdir, name + ".log"), launcher,
                           extra_args)
    server.start()
    probe = None
    try:
        load_began = time.time()
        due_ms = int(load_began * 1000) + args.ttl_ms
        due_wall = due_ms / 1000
        load_keys(server.port, args.keys, b"v" * args.data_size, due_ms)
        load_ended = time.time()
        if due_wall - load_ended < MIN_IDLE_S:
            raise BenchError("loading %s took %.1f s, too close to the keys' due time; "
                             "raise --ttl-ms above %d" % (name, load_ended - load_began,
                                                          (load_ended - load_began + 1) * 1000))
        conn = Connection(server.port, timeout=60.0)
        try:
            loaded = conn.call("DBSIZE")
            if loaded != args.keys:
                raise BenchError("%s holds %r keys after the load, expected %d" %
                                 (name, loaded, args.keys))
            expired_before = int(info_fields(conn, "stats").get("expired_keys", 0))
            probe = PingProbe(server.port, args.ping_ms / 1000)
            probe.start()
            idle_began = time.time()
            # Sleep to just before the due instant to read the CPU time there.
            time.sleep(max(0.0, due_wall - 0.005 - time.time()))
            cpu_at_due = server.cpu_seconds()
            empty_wall, timeline = poll_until_empty(conn, server, due_wall, args)
            cpu_reclaim = server.cpu_seconds() - cpu_at_due
            probe.stop()
            stats = info_fields(conn, "stats")
        finally:
            conn.close()
        server.check_alive()
    finally:
        if probe is not None and not probe.stopping.is_set():
            probe.stopping.set()
        server.stop()
    expired = int(stats.get("expired_keys", 0)) - expired_before
    result = {
        "load_s": load_ended - load_began,
        "load_keys_per_s": args.keys / (load_ended - load_began),
        "reclaim_s": empty_wall - due_wall,
        "expired_keys": expired,
        "reclaim_cpu_s": cpu_reclaim,
        "ping_idle": latency_summary(probe.latencies_between(idle_began, due_wall)),
        "ping_reclaim": latency_summary(probe.latencies_between(due_wall, empty_wall)),
        "dbsize_timeline": timeline,
    }
    for field in ("expired_time_cap_reached_count", "expired_stale_perc"):
        if field in stats:
            result[field] = float(stats[field])
    print("%-5s loaded %d keys in %.2f s; all due at +%.2f s; DBSIZE 0 %.2f s after due; "
          "PING p99 %.3f ms, max %.3f ms during reclaim" % (
              name, args.keys, result["load_s"], args.ttl_ms / 1000, result["reclaim_s"],
              result["ping_reclaim"]["p99_ms"] or 0, result["ping_reclaim"]["max_ms"] or 0),
          file=sys.stderr, flush=True)
    return result


# (key path in a result, label, digits, which way is better)
METRICS = (
    (("reclaim_s",), "reclaim s (due -> DBSIZE 0)", 2, "lower"),
    (("expired_keys",), "expired_keys (INFO)", 0, ""),
    (("reclaim_cpu_s",), "server CPU-s in reclaim", 2, "lower"),
    (("ping_reclaim", "count"), "PINGs in reclaim", 0, ""),
    (("ping_reclaim", "p50_ms"), "PING p50 ms in reclaim", 3, "lower"),
    (("ping_reclaim", "p99_ms"), "PING p99 ms in reclaim", 3, "lower"),
    (("ping_reclaim", "max_ms"), "PING max ms in reclaim", 3, "lower"),
    (("ping_idle", "p99_ms"), "PING p99 ms idle", 3, "lower"),
    (("ping_idle", "max_ms"), "PING max ms idle", 3, "lower"),
    (("expired_time_cap_reached_count",), "time-capped cycles (INFO)", 0, ""),
    (("load_keys_per_s",), "load SETs/s", 0, "higher"),
)


def lookup(result, path):
    for key in path:
        result = result.get(key) if result is not None else None
    return result


def fmt(value, digits):
    return "n/a" if value is None else "{:,.{}f}".format(value, digits)


def print_table(args, results):
    print("fkvs:  %s\nredis: %s" % (args.fkvs_bin, args.redis_bin))
    print("%d keys with %d-byte values, all due %.1f s after the load began; PING every %g ms, "
          "DBSIZE every %g ms; servers on core %s, this script on core %s" % (
              args.keys, args.data_size, args.ttl_ms / 1000, args.ping_ms, args.poll_ms,
              "any" if args.no_pin else args.server_cpu,
              "any" if args.no_pin else args.client_cpu))
    print("Ratios are fkvs/redis; 'reclaim' is from the due instant until DBSIZE first read 0 "
          "(polled, so +-%g ms).\n" % args.poll_ms)
    header = "%-5s %-28s %12s %12s %11s  %s" % ("round", "metric", "fkvs", "redis", "fkvs/redis",
                                                "better")
    print(header)
    print("-" * len(header))
    for round_index in range(args.rounds):
        for index, (path, label, digits, better) in enumerate(METRICS):
            fkvs = lookup(results["fkvs"][round_index], path)
            redis = lookup(results["redis"][round_index], path)
            ratio = "%.2fx" % (fkvs / redis) if better and fkvs is not None and redis else ""
            print("%-5s %-28s %12s %12s %11s  %s" % (
                round_index + 1 if index == 0 else "", label, fmt(fkvs, digits),
                fmt(redis, digits), ratio, better))


def main():
    args = parse_args()
    if not args.no_pin:
        # Loader, PING probe and DBSIZE poller stay off the servers' core.
        os.sched_setaffinity(0, {args.client_cpu})
    binaries = {"fkvs": args.fkvs_bin, "redis": args.redis_bin}
    extra = {"fkvs": shlex.split(args.fkvs_args), "redis": []}
    workdir = tempfile.mkdtemp(prefix="fkvs-expire-")
    results = {name: [] for name in SERVER_NAMES}
    try:
        for _ in range(args.rounds):
            for name in SERVER_NAMES:
                results[name].append(measure_server(name, binaries[name], extra[name], args,
                                                    workdir))
    except BenchError as error:
        sys.exit("expire.py: %s (server logs in %s)" % (error, workdir))
    shutil.rmtree(workdir)
    print_table(args, results)
    if args.rounds > 1:
        print("\nmedian reclaim s: fkvs %.2f, redis %.2f" % tuple(
            statistics.median(r["reclaim_s"] for r in results[name]) for name in SERVER_NAMES))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"config": {key: value for key, value in vars(args).items()
                                  if key != "json"}, "results": results}, out, indent=2)
            out.write("\n")


if __name__ == "__main__":
    main()
