#!/usr/bin/python3
"""RDB snapshots of fkvs-server and redis-server holding the same dataset: the
stall of the fork, latency and memory during a BGSAVE under writes, save time,
file size, and load time at start-up.

Both servers run at once, each in its own temporary directory (--dir, with
dump.rdb there), pinned to one core; everything the script drives (the loader,
a rate-limited write load, a latency probe, the sampler) runs on another. The
same mixed dataset goes into both over one pipelined loader (strings small,
~100-byte and integer, small hashes, lists, sets, sorted sets, a few large
collections, some keys with a TTL a day ahead), every reply checked. Then, for
each round, and each server in turn (the order alternating):

  under writes: with the write load running (SET on random existing string
      keys, rewriting each with the value it already holds and KEEPTTL, so the
      dataset stays the same) and the probe (PING or SET every 1 ms on its own
      connection), BGSAVE; the BGSAVE reply time, the probe's latencies around
      the fork and during the save, the save time (BGSAVE until INFO reads
      rdb_bgsave_in_progress:0) and the memory of the server and its save child
      (VmRSS, and Private_Dirty of /proc/CHILD/smaps_rollup: the copy-on-write
      cost) sampled every 10 ms;
  quiet: the same without the write load;

and finally each server is restarted on its own dump.rdb (--rounds times)
and timed from exec to its "DB loaded from disk" log line; DBSIZE and (after
the first restart, unless --no-digest) DEBUG DIGEST must then be what they
were after the load.

    bench/snapshot.py                                # 1,000,000 keys, 3 rounds
    bench/snapshot.py --keys 10000000 --no-digest    # ~2 GB of redis used_memory
    bench/snapshot.py --keys 500000 --rounds 1 --markdown --json out.json
    bench/snapshot.py --fkvs-bin /usr/bin/redis-server   # redis against itself
"""

import argparse
import collections
import json
import multiprocessing
import os
import random
import re
import shlex
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import threading
import time

from ratio_table import print_ratio_table
from servers import (add_pinning_arguments, add_server_arguments, BenchError, Connection,
                     REFERENCE_NAME, server_launcher, ServerProcess)

SERVER_NAMES = ("fkvs", REFERENCE_NAME)
DBFILENAME = "dump.rdb"

OK = b"+OK\r\n"
PONG = b"+PONG\r\n"

# Commands per loader write: large enough that round trips vanish next to the
# servers' work, small enough to keep both servers busy in turn.
LOAD_CHUNK = 20_000

# Items per command when building the large collections.
LARGE_BATCH = 1_000

# One block of the dataset: which type each of 20 consecutive keys has, so the
# types are interleaved in the keyspace (and in each server's memory) as in a
# real dataset, rather than in long runs of one type.
BLOCK = ("string", "hash", "string", "list", "string", "set", "string", "zset", "string", "hash",
         "string", "set", "string", "list", "string", "zset", "string", "hash", "string", "set")
KEY_PREFIX = {"string": "key", "hash": "hash", "list": "list", "set": "set", "zset": "zset"}

# Distinct item lists the small collections are drawn from (by key number).
TAILS = 256

LOADED_LINE = re.compile(rb"DB loaded from disk: ([0-9.]+) seconds")

# The probe's window around the BGSAVE call that counts as "during the fork".
FORK_WINDOW_S = 0.1

STARTED = time.monotonic()


def progress(text):
    print("[%4.0f s] %s" % (time.monotonic() - STARTED, text), file=sys.stderr, flush=True)


def bulk(data):
    return b"$%d\r\n%s\r\n" % (len(data), data)


def command(*args):
    return b"*%d\r\n%s" % (len(args), b"".join(bulk(arg) for arg in args))


def server_args(extra, data_dir):
    """Besides servers.py's flags: where the snapshot goes, and DEBUG DIGEST,
    which checks that a reload gives back the dataset saved."""
    return extra + ["--enable-debug-command", "yes", "--dir", data_dir,
                    "--dbfilename", DBFILENAME]


class Dataset:
    """The mixed dataset, deterministic from its parameters (the write load's
    process rebuilds the same values from them). Per block of 20 keys: 10
    strings (2 integers, 4 small values of 12 bytes, 4 of --value-size bytes,
    2 of them with a TTL), 3 hashes, 2 lists, 3 sets (intsets and sets of
    strings alternating), 2 sorted sets, each collection of --members items of
    12 bytes (1 hash in 10 with a TTL); then --large collections of each type
    of --large-items items."""

    def __init__(self, keys, value_size, members, large, large_items, expire_at_ms, seed):
        self.keys = keys
        self.value_size = value_size
        self.members = members
        self.large = large
        self.large_items = large_items
        self.expire_at_ms = expire_at_ms
        self.seed = seed
        self._pools = None
        full, rest = divmod(keys, len(BLOCK))
        self.counts = collections.Counter(BLOCK[:rest])
        for kind, count in collections.Counter(BLOCK).items():
            self.counts[kind] += count * full
        self.strings = self.counts["string"]
        # The probe's key is set once with the dataset, so that the probe, which
        # sets it to the same value, leaves DBSIZE and DEBUG DIGEST as they were.
        self.total_keys = keys + 4 * large + 1

    def describe(self):
        return ("%s keys: %s strings (1/5 integers, 2/5 of 12 bytes, 2/5 of %d bytes; 1/5 with a "
                "TTL), %s hashes (1/10 with a TTL), %s lists, %s sets (half intsets), %s sorted "
                "sets, of %d items of 12 bytes each; plus %d large hash, list, set and sorted set "
                "of %s items each, and the probe's key" % (
                    "{:,}".format(self.total_keys), "{:,}".format(self.strings),
                    self.value_size, "{:,}".format(self.counts["hash"]),
                    "{:,}".format(self.counts["list"]), "{:,}".format(self.counts["set"]),
                    "{:,}".format(self.counts["zset"]), self.members, self.large,
                    "{:,}".format(self.large_items)))

    @property
    def pools(self):
        if self._pools is None:
            rng = random.Random(self.seed)
            # Random letters, so that LZF in the RDB finds as little to compress
            # as in real values.
            letters = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            to_letters = bytes.maketrans(bytes(range(256)), (letters * 5)[:256])

            def text(size):
                return rng.randbytes(size).translate(to_letters)

            small = [text(12) for _ in range(4096)]
            big = [text(self.value_size) for _ in range(4096)]

            def distinct(make):
                items = set()
                while len(items) < self.members:
                    items.add(make())
                return sorted(items)

            tails = {"hash": [], "list": [], "intset": [], "set": [], "zset": []}
            for _ in range(TAILS):
                fields = [b"field:%02d" % f for f in range(self.members)]
                tails["hash"].append(b"".join(bulk(f) + bulk(text(12)) for f in fields))
                tails["list"].append(b"".join(bulk(text(12)) for _ in range(self.members)))
                tails["intset"].append(b"".join(
                    bulk(b"%d" % n) for n in distinct(lambda: rng.randrange(10**9))))
                tails["set"].append(b"".join(bulk(m) for m in distinct(lambda: text(12))))
                tails["zset"].append(b"".join(
                    bulk(b"%d" % rng.randrange(10**6) if rng.random() < 0.5 else
                         b"%.3f" % (rng.random() * 1000)) + bulk(m)
                    for m in distinct(lambda: text(12))))
            self._pools = {"small": small, "big": big, "tails": tails}
        return self._pools

    @staticmethod
    def key(kind, index):
        return b"%s:%012d" % (KEY_PREFIX[kind].encode(), index)

    def string_value(self, index):
        kind = index % 10
        if kind < 2:
            return b"%d" % ((index * 2654435761) % 10**9)
        if kind < 6:
            return self.pools["small"][index % 4096]
        return self.pools["big"][index % 4096]

    def string_has_ttl(self, index):
        return index % 10 in (3, 8)

    def commands(self):
        """(RESP commands, expected replies) chunk by chunk, LOAD_CHUNK keys each."""
        tails = self.pools["tails"]
        members = b":%d\r\n" % self.members
        expire_at = b"%d" % self.expire_at_ms
        header = {kind: b"*%d\r\n" % (2 + (2 if kind in ("hash", "zset") else 1) * self.members)
                  for kind in ("hash", "list", "set", "zset")}
        verb = {"hash": bulk(b"HSET"), "list": bulk(b"RPUSH"), "set": bulk(b"SADD"),
                "zset": bulk(b"ZADD")}
        seen = collections.Counter()
        for start in range(0, self.keys, LOAD_CHUNK):
            parts, replies = [], []
            for position in range(start, min(start + LOAD_CHUNK, self.keys)):
                kind = BLOCK[position % len(BLOCK)]
                index = seen[kind]
                seen[kind] += 1
                key = self.key(kind, index)
                if kind == "string":
                    value = self.string_value(index)
                    if self.string_has_ttl(index):
                        parts.append(command(b"SET", key, value, b"PXAT", expire_at))
                    else:
                        parts.append(command(b"SET", key, value))
                    replies.append(OK)
                    continue
                pool = "intset" if kind == "set" and index % 2 == 0 else kind
                parts.append(header[kind] + verb[kind] + bulk(key) + tails[pool][index % TAILS])
                replies.append(members)
                if kind == "hash" and index % 10 == 0:
                    parts.append(command(b"PEXPIREAT", key, expire_at))
                    replies.append(b":1\r\n")
            yield b"".join(parts), b"".join(replies)
        yield from self.large_commands()
        yield LatencyProbe.REQUESTS[1]

    def large_commands(self):
        rng = random.Random(self.seed + 1)
        for number in range(self.large):
            parts, replies = [], []
            for kind, verb in (("hash", b"HSET"), ("list", b"RPUSH"), ("set", b"SADD"),
                               ("zset", b"ZADD")):
                key = b"big:%s:%d" % (kind.encode(), number)
                for start in range(0, self.large_items, LARGE_BATCH):
                    items = range(start, min(start + LARGE_BATCH, self.large_items))
                    if kind == "hash":
                        args = [a for i in items for a in (b"field:%d" % i, b"value:%d" % i)]
                    elif kind == "zset":
                        args = [a for i in items
                                for a in (b"%.3f" % (rng.random() * 1e6), b"member:%d" % i)]
                    else:
                        args = [b"member:%d" % i for i in items]
                    parts.append(command(verb, key, *args))
                    added = items.stop if kind == "list" else len(items)
                    replies.append(b":%d\r\n" % added)
            yield b"".join(parts), b"".join(replies)

    def write_batches(self, per_batch, count, seed):
        """count batches of per_batch `SET key value KEEPTTL` on random existing
        string keys, each with the value it already holds."""
        rng = random.Random(seed)
        batches = []
        for _ in range(count):
            indexes = [rng.randrange(self.strings) for _ in range(per_batch)]
            batches.append(b"".join(command(b"SET", self.key("string", i), self.string_value(i),
                                            b"KEEPTTL") for i in indexes))
        return batches


def load_dataset(servers, dataset):
    """Sends every chunk to each server in turn, keeping one chunk in flight per
    server while the previous chunk's replies are read back and checked."""
    conns = [Connection(server.port, timeout=300.0) for server in servers]
    in_flight = [collections.deque() for _ in servers]
    try:
        for payload, expected in dataset.commands():
            for conn, pending in zip(conns, in_flight):
                conn.sock.sendall(payload)
                pending.append(expected)
            for server, conn, pending in zip(servers, conns, in_flight):
                if len(pending) > 1:
                    check_replies(server, conn, pending.popleft())
        for server, conn, pending in zip(servers, conns, in_flight):
            while pending:
                check_replies(server, conn, pending.popleft())
    finally:
        for conn in conns:
            conn.close()


def check_replies(server, conn, expected):
    got = conn.read_exactly(len(expected))
    if got != expected:
        offset = next(i for i, (a, b) in enumerate(zip(got, expected)) if a != b)
        raise BenchError("%s: a reply while loading was %r, expected %r" % (
            server.name, got[offset:offset + 120], expected[offset:offset + 40]))


def write_load_main(port, dataset, rate, period_s, pipe, stop, seed):
    """The write load, in its own process (so that it does not share the GIL with
    the probe): every period_s a batch of SETs, on a fixed schedule (a batch
    delayed by a stalled server is followed at once by those it held up), each
    batch's replies read before the next is sent. Sends back the (wall time,
    SETs) of every batch when stop is set."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    try:
        per_batch = max(1, int(round(rate * period_s)))
        batches = dataset.write_batches(per_batch, 200, seed)
        expected = OK * per_batch
        sock = socket.create_connection(("127.0.0.1", port), timeout=60.0)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pipe.send("ready")
        sent = []
        next_send = time.perf_counter()
        number = 0
        while not stop.is_set():
            delay = next_send - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            sent.append((time.time(), per_batch))
            sock.sendall(batches[number % len(batches)])
            number += 1
            received = b""
            while len(received) < len(expected):
                chunk = sock.recv(65536)
                if not chunk:
                    raise BenchError("server closed the write load's connection")
                received += chunk
            if received != expected:
                raise BenchError("write load: unexpected reply %r" % received[:200])
            next_send += period_s
        sock.close()
        pipe.send(("done", sent))
    except (OSError, BenchError) as error:
        pipe.send(("error", str(error)))


class WriteLoad:
    """write_load_main in a process of its own, started and stopped from here."""

    def __init__(self, port, dataset, rate, period_s, seed):
        context = multiprocessing.get_context("spawn")
        self.stop_event = context.Event()
        self.pipe, child_end = context.Pipe()
        self.process = context.Process(target=write_load_main, daemon=True,
                                       args=(port, dataset, rate, period_s, child_end,
                                             self.stop_event, seed))

    def start(self, timeout=60.0):
        self.process.start()
        if not self.pipe.poll(timeout):
            raise BenchError("the write load did not start within %.0f s" % timeout)
        message = self.pipe.recv()
        if message != "ready":
            raise BenchError("write load: %s" % (message[1],))

    def stop(self, timeout=60.0):
        """The (wall time, SETs) of every batch sent."""
        self.stop_event.set()
        try:
            if not self.pipe.poll(timeout):
                raise BenchError("the write load did not stop within %.0f s" % timeout)
            status, payload = self.pipe.recv()
            if status != "done":
                raise BenchError("write load: %s" % payload)
            return payload
        finally:
            self.kill()

    def kill(self):
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)


class LatencyProbe:
    """PING and SET probe:latency alternately, one every period on a fixed
    schedule from one thread (whether or not the previous one was answered),
    replies timed in another, on a connection of their own. Sending on schedule
    means a 30 ms stall delays some 30 requests, the first of them by the whole
    stall."""

    REQUESTS = ((b"*1\r\n$4\r\nPING\r\n", PONG),
                (command(b"SET", b"probe:latency", b"x"), OK))

    def __init__(self, port, period_s):
        self.period_s = period_s
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60.0)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sent = collections.deque()  # (perf time, wall time, expected reply)
        self.samples = []  # (wall-clock send time, latency in seconds)
        self.stopping = threading.Event()
        self.sender_done = threading.Event()  # nothing more will be sent
        self.error = None
        self.threads = [threading.Thread(target=self._guard, args=(body,), daemon=True)
                        for body in (self._send_loop, self._receive_loop)]

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stopping.set()
        self.threads[0].join(10)
        deadline = time.monotonic() + 10
        while self.sent and time.monotonic() < deadline and self.error is None:
            time.sleep(0.01)
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the receiver blocked in recv
        except OSError:
            pass
        self.sock.close()
        self.threads[1].join(10)
        if self.error is not None:
            raise BenchError("latency probe failed: %s" % self.error)
        if self.sent:
            raise BenchError("latency probe: %d requests unanswered 10 s after the last" %
                             len(self.sent))

    def _guard(self, body):
        try:
            body()
        except (OSError, BenchError) as error:
            if not self.stopping.is_set():
                self.error = error
                self.stopping.set()

    def _send_loop(self):
        next_send = time.perf_counter()
        number = 0
        try:
            while not self.stopping.is_set():
                delay = next_send - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                request, reply = self.REQUESTS[number % 2]
                number += 1
                self.sent.append((time.perf_counter(), time.time(), reply))
                self.sock.sendall(request)
                next_send += self.period_s
        finally:
            self.sender_done.set()

    def _receive_loop(self):
        pending = b""
        while not (self.sender_done.is_set() and not self.sent):
            chunk = self.sock.recv(65536)
            if not chunk:
                raise BenchError("server closed the probe's connection")
            received = time.perf_counter()
            pending += chunk
            while self.sent and len(pending) >= len(self.sent[0][2]):
                sent_perf, sent_wall, reply = self.sent[0]
                if not pending.startswith(reply):
                    raise BenchError("unexpected probe reply %r" % pending[:100])
                self.sent.popleft()
                pending = pending[len(reply):]
                self.samples.append((sent_wall, received - sent_perf))

    def latencies(self, begin_wall, end_wall):
        return [latency for sent, latency in self.samples if begin_wall <= sent <= end_wall]


def info(conn, section):
    text = conn.call("INFO", section)
    if not isinstance(text, bytes):
        raise BenchError("INFO %s replied %r" % (section, text))
    return dict(line.split(":", 1) for line in text.decode().splitlines() if ":" in line)


def proc_fields(path, names):
    """{name: kB} for the `Name:   N kB` lines of a /proc file; {} if it is gone."""
    fields = {}
    try:
        with open(path) as lines:
            for line in lines:
                name, _, rest = line.partition(":")
                if name in names:
                    fields[name] = int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return {}
    return fields


def children_of(pid):
    found = set()
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except FileNotFoundError:
        return found
    for task in tasks:
        try:
            with open("/proc/%d/task/%s/children" % (pid, task)) as children:
                found.update(int(child) for child in children.read().split())
        except FileNotFoundError:
            pass
    return found


def child_is_running(pid):
    """False once the child has exited (a zombie until reaped) or is gone."""
    try:
        with open("/proc/%d/stat" % pid) as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return False


def move_to_cpu(pid, cpu):
    try:
        os.sched_setaffinity(pid, {cpu})
    except ProcessLookupError:  # the save is over already
        pass


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(fraction * len(ordered))) - 1))]


class SaveSampler:
    """Samples the memory of a server and its save child until INFO says the
    save is over."""

    def __init__(self, server, child_cpu):
        self.server = server
        self.child_cpu = child_cpu
        self.child = None
        self.child_ended = None  # wall time the child was first seen exited
        self.samples = []  # (wall, server VmRSS, child VmRSS, Private_Dirty, Private_Clean) kB

    def run_until_saved(self, ctl, args):
        """Samples every --sample-ms; returns the wall time INFO first read
        rdb_bgsave_in_progress:0."""
        deadline = time.monotonic() + args.timeout
        while True:
            self.sample()
            if info(ctl, "persistence").get("rdb_bgsave_in_progress") == "0":
                return time.time()
            self.server.check_alive()
            if time.monotonic() > deadline:
                raise BenchError("%s: BGSAVE still in progress after %.0f s" %
                                 (self.server.name, args.timeout))
            time.sleep(args.sample_ms / 1000)

    def sample(self):
        now = time.time()
        if self.child is None:
            found = children_of(self.server.pid)
            self.child = min(found) if found else None
            if self.child is not None and self.child_cpu is not None:
                move_to_cpu(self.child, self.child_cpu)
        parent = proc_fields("/proc/%d/status" % self.server.pid, ("VmRSS",)).get("VmRSS", 0)
        child_rss = dirty = clean = 0
        if self.child is not None and self.child_ended is None:
            if child_is_running(self.child):
                child_rss = proc_fields("/proc/%d/status" % self.child,
                                        ("VmRSS",)).get("VmRSS", 0)
                rollup = proc_fields("/proc/%d/smaps_rollup" % self.child,
                                     ("Private_Dirty", "Private_Clean"))
                dirty = rollup.get("Private_Dirty", 0)
                clean = rollup.get("Private_Clean", 0)
            else:
                self.child_ended = now
        self.samples.append((now, parent, child_rss, dirty, clean))


def measure_bgsave(server, dataset, args, with_writes, seed):
    """One BGSAVE, with or without the write load; returns its figures."""
    ctl = Connection(server.port, timeout=args.timeout)
    probe = writer = None
    try:
        persistence = info(ctl, "persistence")
        if persistence.get("rdb_bgsave_in_progress") != "0":
            raise BenchError("%s: a save is already running before BGSAVE" % server.name)
        saves_before = int(persistence.get("rdb_saves", -1))
        probe = LatencyProbe(server.port, args.probe_ms / 1000)
        probe.start()
        if with_writes and args.write_rate > 0:
            writer = WriteLoad(server.port, dataset, args.write_rate, 0.01, seed)
            writer.start()
        baseline_from = time.time()
        time.sleep(args.baseline_s)
        rss_before = server.rss_bytes()
        began = time.time()
        reply = ctl.call("BGSAVE")
        replied = time.time()
        if reply != "Background saving started":
            raise BenchError("%s: BGSAVE replied %r" % (server.name, reply))
        sampler = SaveSampler(server, args.child_cpu)
        done = sampler.run_until_saved(ctl, args)
        time.sleep(args.tail_s)
        batches = writer.stop() if writer else []
        writer = None
        probe.stop()
        persistence = info(ctl, "persistence")
        stats = info(ctl, "stats")
    finally:
        ctl.close()
        if writer is not None:
            writer.stop_event.set()
            writer.kill()
        if probe is not None and not probe.stopping.is_set():
            probe.stopping.set()
    if persistence.get("rdb_last_bgsave_status") != "ok":
        raise BenchError("%s: the BGSAVE failed: rdb_last_bgsave_status:%s (log %s)" % (
            server.name, persistence.get("rdb_last_bgsave_status"), server.log_path))
    if saves_before >= 0 and int(persistence.get("rdb_saves", -1)) != saves_before + 1:
        raise BenchError("%s: rdb_saves went from %d to %s over one BGSAVE" % (
            server.name, saves_before, persistence.get("rdb_saves")))
    fork = probe.latencies(began - FORK_WINDOW_S, replied + FORK_WINDOW_S)
    during = probe.latencies(began, done)
    baseline = probe.latencies(baseline_from, began - FORK_WINDOW_S)
    samples = sampler.samples
    peak_total = max(parent + dirty + clean for _, parent, _, dirty, clean in samples)
    forks = int(stats.get("total_forks", 0))
    writes = sum(count for sent, count in batches if began <= sent <= done)
    result = {
        "bgsave_reply_ms": (replied - began) * 1000,
        "probe_fork_max_ms": max(fork) * 1000 if fork else None,
        "probe_save_max_ms": max(during) * 1000 if during else None,
        "probe_save_p99_ms": percentile(during, 0.99) * 1000 if during else None,
        "probe_baseline_max_ms": max(baseline) * 1000 if baseline else None,
        "probe_count": len(during),
        "save_s": done - began,
        "child_s": (sampler.child_ended - began) if sampler.child_ended else None,
        "child_seen": sampler.child is not None,
        "rss_before_mb": rss_before / 2**20,
        "child_private_dirty_max_mb": max(s[3] for s in samples) / 1024,
        "child_rss_max_mb": max(s[2] for s in samples) / 1024,
        "growth_mb": peak_total / 1024 - rss_before / 2**20,
        "writes_during_save": writes,
        "write_rate_during_save": writes / (done - began) if batches else None,
        "samples": len(samples),
        # What the server says of itself, where it counts forks at all.
        "info_fork_ms": int(stats["latest_fork_usec"]) / 1000 if forks else None,
        "info_cow_mb": (int(persistence.get("rdb_last_cow_size", 0)) / 2**20
                        if forks and "rdb_last_cow_size" in persistence else None),
    }
    progress("%-5s BGSAVE %s: reply %.1f ms, probe max %.1f ms at the fork, %.1f ms in the "
             "save (baseline %.1f); save %.2f s; child Private_Dirty max %.1f MB, growth %.1f "
             "MB; %d writes" % (
                 server.name, "under writes" if with_writes else "quiet",
                 result["bgsave_reply_ms"], result["probe_fork_max_ms"] or 0,
                 result["probe_save_max_ms"] or 0, result["probe_baseline_max_ms"] or 0,
                 result["save_s"], result["child_private_dirty_max_mb"], result["growth_mb"],
                 writes))
    return result


class LogWatcher:
    """Reads a log as it is written, noting when "DB loaded from disk" appears."""

    def __init__(self, path):
        self.path = path
        self.seen_at = None
        self.server_seconds = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()

    def _run(self):
        text = b""
        log = None
        while not self.stopping.is_set():
            if log is None:
                try:
                    log = open(self.path, "rb")
                except FileNotFoundError:
                    time.sleep(0.001)
                    continue
            chunk = log.read()
            if chunk:
                text += chunk
                match = LOADED_LINE.search(text)
                if match:
                    self.seen_at = time.monotonic()
                    self.server_seconds = float(match.group(1))
                    break
            else:
                time.sleep(0.001)
        if log is not None:
            log.close()

    def wait(self, timeout):
        self.thread.join(timeout)
        self.stopping.set()
        self.thread.join(1)


def dataset_state(port, args, digest=True):
    """(DBSIZE, DEBUG DIGEST or None): what must survive a save and a load
    unchanged. DEBUG DIGEST hashes every item, some 10 s per million keys on
    the development machine, so --no-digest leaves it out."""
    conn = Connection(port, timeout=args.timeout)
    try:
        size = conn.call("DBSIZE")
        if not isinstance(size, int):
            raise BenchError("DBSIZE replied %r" % size)
        if not (digest and args.digest):
            return size, None
        reply = conn.call("DEBUG", "DIGEST")
        if not isinstance(reply, str):
            raise BenchError("DEBUG DIGEST replied %r" % reply)
        return size, reply
    finally:
        conn.close()


def same_state(state, expected):
    """DBSIZE equal, and the digests too where both were taken."""
    return state[0] == expected[0] and None in (state[1], expected[1]) or state == expected


def measure_load(name, binary, extra_args, args, data_dir, number, expected):
    """Restarts a server on its dump.rdb; returns the load figures. The first
    restart checks DEBUG DIGEST; later ones load the same file, DBSIZE will do."""
    log_path = os.path.join(data_dir, "load%d.log" % number)
    server = ServerProcess(name, binary, log_path, server_launcher(args),
                           server_args(extra_args, data_dir))
    watcher = LogWatcher(log_path)
    watcher.start()
    began = time.monotonic()
    try:
        server.start(ready_timeout=args.timeout)
        ready = time.monotonic()
        watcher.wait(10)
        state = dataset_state(server.port, args, digest=number == 1)
        server.check_alive()
    finally:
        watcher.stopping.set()
        server.stop()
    if watcher.seen_at is None:
        raise BenchError("%s: no \"DB loaded from disk\" line in %s" % (name, log_path))
    if not same_state(state, expected):
        raise BenchError("%s: after loading its dump.rdb (DBSIZE, DEBUG DIGEST) is %r, "
                         "before the save it was %r (log %s)" % (name, state, expected,
                                                                 log_path))
    seconds = watcher.seen_at - began
    result = {"load_s": seconds, "server_load_s": watcher.server_seconds,
              "ready_s": ready - began, "keys_per_s": state[0] / seconds}
    progress("%-5s load: \"DB loaded from disk\" %.3f s after exec (it says %.3f s), %s keys/s; "
             "%s as before the save" % (
                 name, seconds, watcher.server_seconds, "{:,.0f}".format(result["keys_per_s"]),
                 "DBSIZE and DEBUG DIGEST" if state[1] else "DBSIZE"))
    return result


def kill_save_children(server):
    """A save child left behind (Ctrl-C mid-save) would write on into a removed folder."""
    if server.process is None or server.process.poll() is not None:
        return
    for child in children_of(server.pid):
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    add_pinning_arguments(parser)
    parser.add_argument("--keys", type=int, default=1_000_000,
                        help="keys of the mixed dataset, besides the large collections "
                        "(default 1000000; 10000000 gives about 2 GB of redis used_memory)")
    parser.add_argument("--value-size", type=int, default=100,
                        help="bytes of the larger string values (default 100)")
    parser.add_argument("--members", type=int, default=6,
                        help="items per small hash, list, set and sorted set (default 6)")
    parser.add_argument("--large", type=int, default=1,
                        help="large collections of each type (default 1)")
    parser.add_argument("--large-items", type=int, default=100_000,
                        help="items per large collection (default 100000)")
    parser.add_argument("--write-rate", type=int, default=20_000,
                        help="SETs per second of the write load during BGSAVE (default 20000, "
                        "in batches every 10 ms; 0: none)")
    parser.add_argument("--probe-ms", type=float, default=1.0,
                        help="period of the latency probe (default 1 ms)")
    parser.add_argument("--baseline-s", type=float, default=1.0,
                        help="seconds of write load and probe before BGSAVE (default 1)")
    parser.add_argument("--tail-s", type=float, default=0.2,
                        help="seconds the probe goes on after the save (default 0.2)")
    parser.add_argument("--sample-ms", type=float, default=10.0,
                        help="period of the memory and INFO sampling during a save (default 10)")
    parser.add_argument("--child-cpu", type=int, default=None,
                        help="move each save child to this core as soon as it is seen (default: "
                        "it stays where it was forked, on --server-cpu, where it competes with "
                        "its parent)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="BGSAVEs under writes, quiet BGSAVEs and restarts per server, "
                        "alternating the servers' order; medians reported (default 3)")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="deadline in seconds for each save and each start-up (default 600)")
    parser.add_argument("--no-digest", dest="digest", action="store_false",
                        help="check DBSIZE alone, not DEBUG DIGEST, after the write load and "
                        "after a reload (DEBUG DIGEST takes some 10 s per million keys)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--json", metavar="PATH", help="also write all results here")
    args = parser.parse_args()
    if min(args.keys, args.rounds, args.members, args.value_size, args.large_items) < 1:
        parser.error("--keys, --rounds, --members, --value-size and --large-items must be "
                     "positive")
    if args.large < 0:
        parser.error("--large must not be negative")
    if args.members > 99:
        parser.error("--members is at most 99")
    return args


# (key, label, digits, which way is better; "" for figures that are not compared)
CONTEXT_METRICS = (
    ("dbsize", "keys (DBSIZE)", 0, ""),
    ("used_memory_mb", "used_memory MB", 1, "lower"),
    ("rss_mb", "RSS MB, loaded", 1, "lower"),
    ("page_tables_kb", "page tables kB (VmPTE)", 0, "lower"),
)
SAVE_METRICS = (
    ("bgsave_reply_ms", "BGSAVE reply ms (the fork)", 2, "lower"),
    ("probe_fork_max_ms", "probe max ms, fork +-100 ms", 2, "lower"),
    ("info_fork_ms", "INFO latest_fork_usec, ms", 2, "lower"),
    ("probe_save_max_ms", "probe max ms, whole save", 2, "lower"),
    ("probe_save_p99_ms", "probe p99 ms, whole save", 2, "lower"),
    ("probe_baseline_max_ms", "probe max ms, before BGSAVE", 2, "lower"),
    ("save_s", "save s (BGSAVE -> in_progress 0)", 2, "lower"),
    ("child_private_dirty_max_mb", "child Private_Dirty max MB", 1, "lower"),
    ("growth_mb", "RSS growth MB, server + child", 1, "lower"),
    ("info_cow_mb", "INFO rdb_last_cow_size MB", 1, "lower"),
    ("write_rate_during_save", "SET/s done during the save", 0, ""),
)
QUIET_METRICS = (
    ("bgsave_reply_ms", "BGSAVE reply ms (the fork)", 2, "lower"),
    ("probe_save_max_ms", "probe max ms, whole save", 2, "lower"),
    ("save_s", "save s (BGSAVE -> in_progress 0)", 2, "lower"),
    ("child_private_dirty_max_mb", "child Private_Dirty max MB", 1, "lower"),
)
FILE_METRICS = (("file_mb", "dump.rdb MB", 1, "lower"),)
LOAD_METRICS = (
    ("load_s", "load s (exec -> \"DB loaded\" line)", 3, "lower"),
    # Not compared: a cross-check of the row above, and fkvs's own figure may be off.
    ("server_load_s", "load s the server logs", 3, ""),
    ("keys_per_s", "keys loaded per second", 0, "higher"),
)
SECTIONS = (("dataset", "dataset", CONTEXT_METRICS),
            ("writes", "BGSAVE under writes", SAVE_METRICS),
            ("quiet", "BGSAVE, no writes", QUIET_METRICS),
            ("file", "file", FILE_METRICS),
            ("load", "load at start-up", LOAD_METRICS))


def median_of(rounds, key):
    values = [r[key] for r in rounds if r.get(key) is not None]
    return statistics.median(values) if values else None


def fmt(value, digits):
    return "n/a" if value is None else "{:,.{}f}".format(value, digits)


def table_rows(results):
    rows = []
    for section, title, metrics in SECTIONS:
        for key, label, digits, better in metrics:
            fkvs = median_of(results["fkvs"][section], key)
            redis = median_of(results[REFERENCE_NAME][section], key)
            ratio = "%.2fx" % (fkvs / redis) if better and fkvs is not None and redis else ""
            rows.append([title, label, fmt(fkvs, digits), fmt(redis, digits), ratio,
                         "%s is better" % better if better else ""])
    return rows


def print_results(args, dataset, results, versions, elapsed):
    lines = ["%s: %s (%s)" % (name, path, version) for name, path, version in versions]
    lines += [
        "dataset: " + dataset.describe(),
        "%d round(s), medians; servers pinned %s, save children %s, the script and its write "
        "load %s" % (
            args.rounds, "nowhere" if args.no_pin else "to core %d" % args.server_cpu,
            "with them" if args.child_cpu is None else "moved to core %d" % args.child_cpu,
            "unpinned" if args.no_pin else "on core %d" % args.client_cpu),
        "under writes: %d SET/s (KEEPTTL, same values) on random string keys; probe: PING or SET "
        "every %g ms on its own connection; memory sampled every %g ms" % (
            args.write_rate, args.probe_ms, args.sample_ms),
        "ratios fkvs/redis; total time %.0f s" % elapsed,
    ]
    rows = table_rows(results)
    print_ratio_table(lines, rows, args.markdown)


def load_and_check(servers, dataset, args, results):
    """Loads the dataset into every server; returns each one's (DBSIZE, DEBUG
    DIGEST), the state every later check compares against."""
    progress("loading: %s" % dataset.describe())
    began = time.monotonic()
    load_dataset(servers, dataset)
    progress("loaded both servers in %.1f s" % (time.monotonic() - began))
    states = {}
    for server in servers:
        states[server.name] = dataset_state(server.port, args)
        if states[server.name][0] != dataset.total_keys:
            raise BenchError("%s holds %r keys after the load, expected %d" % (
                server.name, states[server.name][0], dataset.total_keys))
        conn = Connection(server.port, timeout=args.timeout)
        try:
            memory = info(conn, "memory")
        finally:
            conn.close()
        status = proc_fields("/proc/%d/status" % server.pid, ("VmPTE", "VmRSS"))
        results[server.name]["dataset"].append({
            "dbsize": states[server.name][0], "rss_mb": status["VmRSS"] / 1024,
            # What fork copies: the time it stalls the server grows with this.
            "page_tables_kb": status["VmPTE"],
            "used_memory_mb": int(memory["used_memory"]) / 2**20,
            "digest": states[server.name][1]})
    if args.digest:
        agree = states["fkvs"][1] == states[REFERENCE_NAME][1]
        progress("DEBUG DIGEST after the load: fkvs %s, redis %s (%s)" % (
            states["fkvs"][1], states[REFERENCE_NAME][1], "equal" if agree else "differ"))
        results["digests_agree"] = agree
    return states


def stop_and_keep_files(servers, states, args, results):
    """Checks that the write load left each dataset as it was, then stops the
    servers, checking that stopping did not rewrite the last save's file."""
    for server in servers:
        state = dataset_state(server.port, args)
        if not same_state(state, states[server.name]):
            raise BenchError("%s: (DBSIZE, DEBUG DIGEST) changed under the write load, which "
                             "rewrites values unchanged: %r, after the load %r" % (
                                 server.name, state, states[server.name]))
        path = os.path.join(server.data_dir, DBFILENAME)
        before = os.stat(path)
        results[server.name]["file"].append({"file_mb": before.st_size / 2**20})
        kill_save_children(server)
        server.stop()
        after = os.stat(path)
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            progress("%s rewrote %s when stopped, with --save ''" % (server.name, path))


def run(args, servers, results):
    dataset = Dataset(args.keys, args.value_size, args.members, args.large, args.large_items,
                      # A day ahead, and the same instant in both servers, so DEBUG DIGEST
                      # (which mixes in each TTL) compares.
                      (int(time.time()) + 86400) * 1000, args.seed)
    for server in servers:
        server.start()
    states = load_and_check(servers, dataset, args, results)
    for round_index in range(args.rounds):
        order = servers if round_index % 2 == 0 else servers[::-1]
        for server in order:
            results[server.name]["writes"].append(
                measure_bgsave(server, dataset, args, True, args.seed + round_index))
        for server in order:
            results[server.name]["quiet"].append(measure_bgsave(server, dataset, args, False, 0))
    stop_and_keep_files(servers, states, args, results)
    for round_index in range(args.rounds):
        order = servers if round_index % 2 == 0 else servers[::-1]
        for server in order:
            results[server.name]["load"].append(measure_load(
                server.name, server.binary, server.base_args, args, server.data_dir,
                round_index + 1, states[server.name]))
    return dataset


def main():
    args = parse_args()
    if not args.no_pin:
        # The loader, probe, sampler and (inherited) write load stay off the servers' core.
        os.sched_setaffinity(0, {args.client_cpu})
    # The probe's receiver must get the GIL back promptly when a reply lands.
    sys.setswitchinterval(0.0005)
    # SIGTERM ends the run as Ctrl-C does, through the clean-up below.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    began = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="fkvs-snapshot-")
    servers = []
    for name, binary, extra in (("fkvs", args.fkvs_bin, shlex.split(args.fkvs_args)),
                                (REFERENCE_NAME, args.redis_bin, [])):
        data_dir = os.path.join(workdir, name)
        os.mkdir(data_dir)
        server = ServerProcess(name, binary, os.path.join(data_dir, "server.log"),
                               server_launcher(args), server_args(extra, data_dir))
        server.data_dir, server.base_args = data_dir, extra
        servers.append(server)
    results = {name: {"dataset": [], "writes": [], "quiet": [], "file": [], "load": []}
               for name in SERVER_NAMES}
    interrupted = []
    failure = None
    try:
        try:
            dataset = run(args, servers, results)
        finally:
            # From here a Ctrl-C (or one already pending) is noted, so that it
            # cannot cut the clean-up short.
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda number, frame: interrupted.append(number))
            # Exit statuses first: stop() below would make every server look stopped.
            dead = ["%s exited with status %s" % (server.name, server.process.returncode)
                    for server in servers if server.process is not None and
                    server.process.poll() not in (None, 0)]
            for server in servers:
                kill_save_children(server)
                server.stop()
    except KeyboardInterrupt:
        interrupted.append(signal.SIGINT)
    except (BenchError, OSError) as error:
        failure = "%s%s" % (error, "".join("; " + line for line in dead
                                           if line not in str(error)))
    if interrupted:
        # Ctrl-C reaches the servers too, so a failure seen meanwhile is its echo.
        shutil.rmtree(workdir, ignore_errors=True)
        sys.exit("snapshot.py: interrupted")
    if failure:
        # The logs and dump files are the evidence: kept.
        sys.exit("snapshot.py: %s (logs and dump files kept in %s)" % (failure, workdir))
    shutil.rmtree(workdir)
    versions = [(s.name, s.binary, s.version()) for s in servers]
    elapsed = time.monotonic() - began
    print_results(args, dataset, results, versions, elapsed)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"config": {k: v for k, v in vars(args).items() if k != "json"},
                       "elapsed_s": elapsed, "results": results}, out, indent=2)
            out.write("\n")


if __name__ == "__main__":
    main()
