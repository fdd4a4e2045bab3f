#!/usr/bin/python3
"""Memory per item of fkvs-server and redis-server holding the same data.

For each shape (strings, hashes, zsets, lists, streams, stream-pel) a fresh
fkvs-server and a fresh redis-server are started, the same data is loaded into
both over pipelined RESP, and after a settle the growth of each server's RSS
(VmRSS of /proc/PID/status) and of INFO used_memory, divided by the items
loaded, is reported with the ratio fkvs/redis. A shape may first set up data it
does not measure (stream-pel: the stream whose entries go pending), loaded
before the first reading. A shape whose commands fkvs-server does not know yet (the
probe gets "unknown command") is skipped for fkvs and measured for redis only.
Every load is checked afterwards (DBSIZE, HLEN/ZCARD/LLEN/XLEN/XPENDING and a value of sample
keys), so a load that failed silently cannot produce a figure.

    bench/memory.py                               # all four shapes, full size
    bench/memory.py --shapes strings,hashes --scale 0.1
    bench/memory.py --markdown --json out.json
    bench/memory.py --fkvs-bin /usr/bin/redis-server   # redis against itself
    bench/memory.py --shapes streams,stream-pel --markdown
    bench/memory.py --shapes lists --scale 0.01 --list-items 100000 \
        --fkvs-args "--list-compress-depth 1" --redis-args "--list-compress-depth 1"
"""

import argparse
import json
import os
import shlex
import shutil
import sys
import tempfile
import time

from servers import (add_server_arguments, BenchError, Connection, encode_command, KEY_FORMAT,
                     REFERENCE_NAME, send_checked, ServerProcess)

SHAPE_NAMES = ("strings", "hashes", "zsets", "lists", "streams", "stream-pel")


class Shape:
    """What one shape loads: `keys` keys of `per_key` items each, as commands."""

    name = ""
    probe = ()          # a command that fails with "unknown command" where the type is missing
    per_key_default = 1
    keys_default = 0
    key_format = ""

    def __init__(self, scale, per_key=None):
        self.keys = max(1, int(round(self.keys_default * scale)))
        self.per_key = per_key or self.per_key_default

    @property
    def items(self):
        return self.keys * self.per_key

    def key(self, index):
        return self.key_format % index

    def sample_keys(self):
        return sorted({0, self.keys // 2, self.keys - 1})

    def setup_commands(self):
        """Commands loaded before the first reading: data the shape needs but does not measure."""
        return ()

    def check_reply(self, reply, index):
        if reply != self.expected_reply:
            raise BenchError("%s command %d replied %r, expected %r" %
                             (self.name, index, reply, self.expected_reply))


class Strings(Shape):
    name = "strings"
    probe = ("SET", "probe:strings", "v")
    keys_default = 1_000_000
    key_format = KEY_FORMAT
    batch = 100  # keys per MSET

    def describe(self):
        return "%d keys %s, 10-byte values %%010d (MSET %d keys per command)" % (
            self.keys, "key:%012d", self.batch)

    @staticmethod
    def value(index):
        return b"%010d" % index

    def commands(self):
        for start in range(0, self.keys, self.batch):
            args = ["MSET"]
            for index in range(start, min(start + self.batch, self.keys)):
                args += [self.key(index), self.value(index)]
            yield encode_command(*args)

    expected_reply = "OK"

    def verify(self, conn):
        for index in self.sample_keys():
            expect(conn, ("GET", self.key(index)), self.value(index))


class Hashes(Shape):
    name = "hashes"
    probe = ("HSET", "probe:hashes", "f", "v")
    keys_default = 10_000
    per_key_default = 100
    key_format = "hash:%08d"

    def describe(self):
        return "%d hashes %s of %d fields f%%d, values v%%d (one HSET per hash)" % (
            self.keys, self.key_format, self.per_key)

    def commands(self):
        tail = []
        for field in range(self.per_key):
            tail += ["f%d" % field, "v%d" % field]
        for index in range(self.keys):
            yield encode_command("HSET", self.key(index), *tail)

    @property
    def expected_reply(self):
        return self.per_key

    def verify(self, conn):
        for index in self.sample_keys():
            expect(conn, ("HLEN", self.key(index)), self.per_key)
            last = self.per_key - 1
            expect(conn, ("HGET", self.key(index), "f%d" % last), b"v%d" % last)


class Zsets(Shape):
    name = "zsets"
    probe = ("ZADD", "probe:zsets", "1", "m")
    keys_default = 10_000
    per_key_default = 100
    key_format = "zset:%08d"

    def describe(self):
        return ("%d sorted sets %s of %d members m%%d, scores N for even N and N.25 for odd "
                "(one ZADD per set)" % (self.keys, self.key_format, self.per_key))

    @staticmethod
    def score(member):
        return "%d" % member if member % 2 == 0 else "%d.25" % member

    def commands(self):
        tail = []
        for member in range(self.per_key):
            tail += [self.score(member), "m%d" % member]
        for index in range(self.keys):
            yield encode_command("ZADD", self.key(index), *tail)

    @property
    def expected_reply(self):
        return self.per_key

    def verify(self, conn):
        last = self.per_key - 1
        for index in self.sample_keys():
            expect(conn, ("ZCARD", self.key(index)), self.per_key)
            got = conn.call("ZSCORE", self.key(index), "m%d" % last)
            if not isinstance(got, bytes) or float(got) != float(self.score(last)):
                raise BenchError("ZSCORE %s m%d returned %r, expected %s" %
                                 (self.key(index), last, got, self.score(last)))


class Lists(Shape):
    name = "lists"
    probe = ("RPUSH", "probe:lists", "x")
    keys_default = 1_000
    per_key_default = 1_000
    key_format = "list:%08d"

    def describe(self):
        return "%d lists %s of %d items i%%d (one RPUSH per list)" % (
            self.keys, self.key_format, self.per_key)

    def commands(self):
        items = ["i%d" % item for item in range(self.per_key)]
        for index in range(self.keys):
            yield encode_command("RPUSH", self.key(index), *items)

    @property
    def expected_reply(self):
        return self.per_key

    def verify(self, conn):
        last = self.per_key - 1
        for index in self.sample_keys():
            expect(conn, ("LLEN", self.key(index)), self.per_key)
            expect(conn, ("LINDEX", self.key(index), str(last)), b"i%d" % last)
            expect(conn, ("LINDEX", self.key(index), "0"), b"i0")


class Streams(Shape):
    name = "streams"
    probe = ("XADD", "probe:streams", "1-1", "f", "v")
    keys_default = 10
    per_key_default = 100_000
    key_format = "stream:%04d"
    first_ms = 1_700_000_000_000

    def describe(self):
        return ("%d streams %s of %d entries with IDs <ms>-0, one ms apart, and 3 fields "
                "event=click|view, user=u<n>, amount=<n> (one XADD per entry)" % (
                    self.keys, self.key_format, self.per_key))

    def entry_id(self, entry):
        return b"%d-0" % (self.first_ms + entry)

    def commands(self):
        for entry in range(self.per_key):
            fields = ("event", "click" if entry % 3 else "view", "user", "u%d" % (entry % 5000),
                      "amount", "%d" % (entry % 997))
            for index in range(self.keys):
                yield encode_command("XADD", self.key(index), self.entry_id(entry), *fields)

    def check_reply(self, reply, index):
        expected = self.entry_id(index // self.keys)
        if reply != expected:
            raise BenchError("XADD %d replied %r, expected %r" % (index, reply, expected))

    def verify(self, conn):
        last = self.entry_id(self.per_key - 1)
        for index in self.sample_keys():
            expect(conn, ("XLEN", self.key(index)), self.per_key)
            got = conn.call("XREVRANGE", self.key(index), "+", "-", "COUNT", "1")
            if not isinstance(got, list) or len(got) != 1 or got[0][0] != last:
                raise BenchError("XREVRANGE %s + - COUNT 1 returned %r, expected entry %r" %
                                 (self.key(index), got, last))


class StreamPel(Shape):
    """Entries delivered to a consumer and not acknowledged: what each pending
    entry costs (the group's PEL plus the consumer's), apart from the stream."""
    name = "stream-pel"
    probe = ("XADD", "probe:stream-pel", "1-1", "f", "v")
    keys_default = 1
    per_key_default = 1_000_000
    key_format = "pel:%04d"
    batch = 1000  # entries per XREADGROUP

    def __init__(self, scale, per_key=None):
        super().__init__(1.0, per_key or max(self.batch, int(round(self.per_key_default * scale))))

    def describe(self):
        return ("%d pending entries: a stream %s of %d one-field entries (set up before the "
                "first reading), group g, consumer c, XREADGROUP COUNT %d until all are "
                "delivered" % (self.items, self.key(0), self.per_key, self.batch))

    def setup_commands(self):
        for entry in range(1, self.per_key + 1):
            yield encode_command("XADD", self.key(0), "%d-0" % entry, "n", "%d" % entry)
        yield encode_command("XGROUP", "CREATE", self.key(0), "g", "0")

    def commands(self):
        for _ in range(0, self.per_key, self.batch):
            yield encode_command("XREADGROUP", "GROUP", "g", "c", "COUNT", self.batch,
                                 "STREAMS", self.key(0), ">")

    def check_reply(self, reply, index):
        delivered = min(self.batch, self.per_key - index * self.batch)
        if (not isinstance(reply, list) or len(reply) != 1
                or len(reply[0][1]) != delivered):
            raise BenchError("XREADGROUP %d delivered %r, expected %d entries" %
                             (index, reply if not isinstance(reply, list) else len(reply),
                              delivered))

    def verify(self, conn):
        got = conn.call("XPENDING", self.key(0), "g")
        if not isinstance(got, list) or got[0] != self.per_key:
            raise BenchError("XPENDING %s g returned %r, expected %d pending" %
                             (self.key(0), got, self.per_key))


SHAPES = {shape.name: shape for shape in (Strings, Hashes, Zsets, Lists, Streams, StreamPel)}


def expect(conn, command, expected):
    got = conn.call(*command)
    if got != expected:
        raise BenchError("%s returned %r, expected %r" % (" ".join(command), got, expected))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    parser.add_argument("--shapes", default=",".join(SHAPE_NAMES),
                        help="comma list of %s (default all)" % ",".join(SHAPE_NAMES))
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the number of keys by this (0.1 for a quick run); "
                        "items per hash, zset and list stay as they are")
    parser.add_argument("--members", type=int, default=None,
                        help="fields per hash and members per sorted set (default %d; redis 7.0 "
                        "keeps hashes of up to 512 fields and sorted sets of up to 128 members "
                        "in a listpack)" % Hashes.per_key_default)
    parser.add_argument("--list-items", type=int, default=None,
                        help="items per list (default %d)" % Lists.per_key_default)
    parser.add_argument("--settle", type=float, default=1.0,
                        help="seconds to wait before each RSS reading (default 1)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--json", metavar="PATH", help="also write all results here")
    args = parser.parse_args()
    args.shapes = [name.strip().lower() for name in args.shapes.split(",") if name.strip()]
    unknown = [name for name in args.shapes if name not in SHAPES]
    if unknown or not args.shapes:
        parser.error("unknown shape(s) %s; choose from %s" % (",".join(unknown),
                                                               ",".join(SHAPE_NAMES)))
    if args.scale <= 0:
        parser.error("--scale must be positive")
    return args


def supports(server, shape):
    """False where the probe command gets "unknown command"; any other error ends the run."""
    conn = Connection(server.port)
    try:
        reply = conn.call(*shape.probe)
        if isinstance(reply, BenchError):
            if "unknown command" in str(reply).lower():
                return False
            raise BenchError("%s: probe %s replied -%s" % (server.name, " ".join(shape.probe),
                                                         reply))
        deleted = conn.call("DEL", shape.probe[1])
        if deleted != 1:
            raise BenchError("%s: DEL %s after the probe returned %r" %
                             (server.name, shape.probe[1], deleted))
    finally:
        conn.close()
    return True


def set_up(server, shape):
    def accept(reply, index):
        if isinstance(reply, BenchError):
            raise BenchError("%s: %s set-up command %d replied -%s" %
                             (server.name, shape.name, index, reply))

    send_checked(server.port, shape.setup_commands(), accept)


def used_memory(server):
    value = server.info("memory").get("used_memory")
    return int(value) if value is not None else None


def load_and_check(server, shape, commands):
    def check(reply, index):
        try:
            shape.check_reply(reply, index)
        except BenchError as error:
            raise BenchError("%s: %s" % (server.name, error)) from None

    began = time.monotonic()
    send_checked(server.port, commands, check)
    seconds = time.monotonic() - began
    conn = Connection(server.port, timeout=60.0)
    try:
        expect(conn, ("DBSIZE",), shape.keys)
        shape.verify(conn)
        encoding = conn.call("OBJECT", "ENCODING", shape.key(0))
    finally:
        conn.close()
    return seconds, encoding.decode() if isinstance(encoding, bytes) else "?"


def measure_shape(shape, args, workdir):
    """A fresh server pair for one shape; returns {server name: figures or None}."""
    servers = [ServerProcess("fkvs", args.fkvs_bin, os.path.join(workdir, shape.name + "-fkvs.log"),
                             extra_args=shlex.split(args.fkvs_args)),
               ServerProcess(REFERENCE_NAME, args.redis_bin,
                             os.path.join(workdir, shape.name + "-redis.log"),
                             extra_args=shlex.split(args.redis_args))]
    results = {}
    try:
        for server in servers:
            server.start()
        print("%s: encoding %s" % (shape.name, shape.describe()), file=sys.stderr, flush=True)
        commands = list(shape.commands())
        for server in servers:
            if not supports(server, shape):
                print("%s: %s skipped for %s: %s is an unknown command there" %
                      (shape.name, shape.name, server.name, shape.probe[0]), file=sys.stderr)
                results[server.name] = None
                continue
            set_up(server, shape)
            time.sleep(args.settle)
            rss_before, used_before = server.rss_bytes(), used_memory(server)
            try:
                seconds, encoding = load_and_check(server, shape, commands)
            except BenchError as error:
                server.check_alive()
                print("%s %-5s: FAILED: %s" % (shape.name, server.name, error), file=sys.stderr)
                results[server.name] = {"failed": str(error)}
                continue
            time.sleep(args.settle)
            server.check_alive()
            rss_after, used_after = server.rss_bytes(), used_memory(server)
            figures = {
                "items": shape.items, "keys": shape.keys, "load_s": seconds,
                "rss_before": rss_before, "rss_after": rss_after,
                "rss_per_item": (rss_after - rss_before) / shape.items, "encoding": encoding,
                "used_memory_before": used_before, "used_memory_after": used_after,
                "used_memory_per_item": (None if used_before is None or used_after is None
                                         else (used_after - used_before) / shape.items),
                "allocator": server.info("memory").get("mem_allocator", "unknown"),
                "version": server.version(),
            }
            results[server.name] = figures
            print("%s %-5s: loaded and checked in %.1f s, RSS %.1f -> %.1f MiB, %.1f B/item, "
                  "used_memory %s B/item" % (
                      shape.name, server.name, seconds, rss_before / 2**20, rss_after / 2**20,
                      figures["rss_per_item"], fmt(figures["used_memory_per_item"], 1)),
                  file=sys.stderr, flush=True)
    finally:
        for server in servers:
            server.stop()
    return results


def fmt(value, digits=1):
    return "n/a" if value is None else "{:,.{}f}".format(value, digits)


def ratio(fkvs, redis):
    return None if fkvs is None or not redis else fkvs / redis


def fmt_ratio(value):
    return "n/a" if value is None else "%.2fx" % value


def rows_of(rows):
    """Per shape: the figures printed, as strings."""
    table = []
    for row in rows:
        fkvs, redis = row["fkvs"], row["redis"]

        def get(figures, key):
            return None if figures is None or "failed" in figures else figures[key]

        def missing(figures):
            return "FAILED" if figures and "failed" in figures else "skipped"

        table.append([
            row["shape"], "{:,}".format(row["items"]),
            fmt(get(fkvs, "rss_per_item")) if get(fkvs, "items") else missing(fkvs),
            fmt(get(redis, "rss_per_item")) if get(redis, "items") else missing(redis),
            fmt_ratio(ratio(get(fkvs, "rss_per_item"), get(redis, "rss_per_item"))),
            fmt(get(fkvs, "used_memory_per_item")) if get(fkvs, "items") else missing(fkvs),
            fmt(get(redis, "used_memory_per_item")) if get(redis, "items") else missing(redis),
            fmt_ratio(ratio(get(fkvs, "used_memory_per_item"), get(redis, "used_memory_per_item"))),
            "%s / %s" % (get(fkvs, "encoding") or "-", get(redis, "encoding") or "-"),
        ])
    return table


COLUMNS = ["shape", "items", "fkvs RSS B/item", "redis RSS B/item", "RSS fkvs/redis",
           "fkvs used_memory B/item", "redis used_memory B/item", "used_memory fkvs/redis",
           "encoding fkvs / redis"]


def print_results(args, rows, versions):
    table = rows_of(rows)
    lines = ["%s: %s (%s, allocator %s)" % (name, binary, version, allocator)
             for name, binary, version, allocator in versions]
    lines.append("Growth of RSS (VmRSS) and of INFO used_memory from the empty server to the "
                 "loaded one, %.1f s after the load, divided by the items (strings: keys; "
                 "hashes: fields; zsets: members; lists and streams: elements; stream-pel: pending entries); each shape in its own "
                 "fresh pair of servers; ratios fkvs/redis, below 1 is better; encoding is OBJECT "
                 "ENCODING of the first key." % args.settle)
    for row in rows:
        lines.append("%s: %s" % (row["shape"], row["description"]))
    if args.markdown:
        print("\n".join("- %s" % line for line in lines) + "\n")
        print("| %s |" % " | ".join(COLUMNS))
        print("|%s|" % "|".join("---" if index in (0, len(COLUMNS) - 1) else "---:"
                                for index in range(len(COLUMNS))))
        for values in table:
            values = values[:4] + ["**%s**" % values[4]] + values[5:]
            print("| %s |" % " | ".join(values))
        return
    print("\n".join(lines) + "\n")
    widths = [max(len(column), *(len(values[i]) for values in table))
              for i, column in enumerate(COLUMNS)]
    for values in [COLUMNS] + table:
        print("  ".join(("%-*s" if i in (0, len(COLUMNS) - 1) else "%*s") % (w, v)
                        for i, (w, v) in enumerate(zip(widths, values))).rstrip())


def main():
    args = parse_args()
    began = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="fkvs-memory-")
    rows = []
    versions = {}
    try:
        for name in args.shapes:
            per_key = {"hashes": args.members, "zsets": args.members,
                       "lists": args.list_items}.get(name)
            shape = SHAPES[name](args.scale, per_key)
            results = measure_shape(shape, args, workdir)
            for server_name, binary in (("fkvs", args.fkvs_bin), (REFERENCE_NAME, args.redis_bin)):
                if results.get(server_name) and "version" in results[server_name]:
                    versions[server_name] = (server_name, os.path.abspath(binary),
                                             results[server_name]["version"],
                                             results[server_name]["allocator"])
            rows.append({"shape": name, "description": shape.describe(), "items": shape.items,
                         "fkvs": results.get("fkvs"), "redis": results.get(REFERENCE_NAME)})
    except BenchError as error:
        sys.exit("memory.py: %s (logs in %s)" % (error, workdir))
    shutil.rmtree(workdir)
    print_results(args, rows, [versions[name] for name in ("fkvs", REFERENCE_NAME)
                               if name in versions])
    elapsed = time.monotonic() - began
    print("\ntotal time %.0f s" % elapsed)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"config": {k: v for k, v in vars(args).items() if k != "json"},
                       "elapsed_s": elapsed, "rows": rows}, out, indent=2)
            out.write("\n")
    failed = ["%s on %s: %s" % (row["shape"], name, row[name]["failed"]) for row in rows
              for name in ("fkvs", REFERENCE_NAME) if row[name] and "failed" in row[name]]
    if failed:
        sys.exit("memory.py: load or check FAILED for\n  " + "\n  ".join(failed))


if __name__ == "__main__":
    main()
