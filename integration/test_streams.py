"""Streams: XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XSETID, XINFO and
XREAD (with BLOCK), their errors, events and propagation.

Where the result is deterministic (explicit IDs) the commands run on fkvs
and on redis-server 7.0 and the replies are compared byte for byte, in
RESP2 and RESP3; where times or generated IDs differ, the shapes are."""

import random
import threading
import time

import pytest

from resp import encode_command, parse_reply, split_replies
from server_process import join_threads, wait_until
from test_scripting import run_commands


def argvs(commands):
    return [command.split(" ") if isinstance(command, str) else list(command)
            for command in commands]


@pytest.fixture
def same(server, reference):
    """same(commands, protocol=2): the replies of fkvs and redis-server to
    commands (lists of arguments or strings split at spaces), each run on an
    emptied server, must be byte-identical; returns them."""

    def compare(commands, protocol=2):
        commands = argvs(commands)
        results = []
        for handle in (reference, server):
            handle.flushall()
            results.append(run_commands(handle, commands, protocol))
        expected, actual = results
        for command, want, got in zip(commands, expected, actual):
            assert got == want, "command %r" % (command,)
        return actual

    return compare


def shape(value):
    """A parsed reply with its numbers and strings blanked: what stays is the
    structure, the RESP types and the errors."""
    if isinstance(value, list):
        return [shape(item) for item in value]
    if isinstance(value, int):
        return 0
    if isinstance(value, bytes) and type(value) is bytes:
        return b""
    return value


@pytest.fixture
def same_shape(server, reference):
    """same_shape(commands, protocol=2): as same, comparing shapes only."""

    def compare(commands, protocol=2):
        commands = argvs(commands)
        results = []
        for handle in (reference, server):
            handle.flushall()
            results.append([parse_reply(reply)[0] for reply in
                            run_commands(handle, commands, protocol)])
        expected, actual = results
        for command, want, got in zip(commands, expected, actual):
            assert shape(got) == shape(want), "command %r: %r vs %r" % (command, got, want)
        return actual

    return compare


PROTOCOLS = pytest.mark.parametrize("protocol", [2, 3])

THREE = ["XADD s 1-1 name alice age 30", "XADD s 2-1 name bob", "XADD s 3-1 x 1 y 2 z 3"]


@PROTOCOLS
def test_xadd_ids_and_errors(same, protocol):
    same(["XADD s 0-0 a 1", "XADD s 0 a 1", "XADD s 0-* a 1", "XADD s 0-* a 1", "XADD s 5 a 1",
          "XADD s 5-* a 1", "XADD s 4-* a 1", "XADD s 5-1 a 1", "XADD s 7-3 a 1 b 2",
          "XADD s 7-* a 1", "XADD s 6-9 a 1", "XADD s 1 a", "XADD s maxlen",
          "XADD s abc a 1", "XADD s 8- a 1", "XADD s -9 a 1", "XADD s 10-1-1 a 1",
          "XADD s +6 a 1", ["XADD", "s", " 9", "a", "1"], "XADD s -* a 1", "XADD s 11-+1 a 1",
          "XADD s 18446744073709551615-18446744073709551615 a 1", "XADD s * a 1",
          "XADD s 18446744073709551616 a 1", "XADD s2 18446744073709551615-* a 1",
          "XADD s2 18446744073709551615-* a 1", "XADD s3 5-18446744073709551615 a 1",
          "XADD s3 5-* a 1", "XADD s3 6-* a 1", ["XADD", "s4", "1" * 130, "a", "1"],
          "XADD s NOMKSTREAM 20-1 f v", "XADD nokey NOMKSTREAM 1-1 f v", "EXISTS nokey",
          "XADD s4 1-1 f", "SET str x", "XADD str 1-1 a 1", "XADD str NOMKSTREAM 1-1 a 1",
          "XRANGE s - +", "XRANGE s2 - +", "XLEN s", "XLEN nokey", "XLEN str",
          "TYPE s", "OBJECT ENCODING s"], protocol)


@PROTOCOLS
def test_xadd_trimming_options_and_errors(same, protocol):
    entries = ["XADD s %d-1 n %d" % (i, i) for i in range(1, 21)]
    same(entries + [
        "XADD s MAXLEN 15 21-1 n 21", "XLEN s", "XADD s MAXLEN = 10 22-1 n 22", "XLEN s",
        "XADD s MAXLEN ~ 5 23-1 n 23", "XADD s MINID 20 24-1 n 24", "XRANGE s - +",
        "XADD s MINID = 22-1 LIMIT 0 25-1 n 25", "XADD s MAXLEN a 26-1 n 1",
        "XADD s MAXLEN -1 26-1 n 1", "XADD s LIMIT 10 26-1 n 1",
        "XADD s MAXLEN 10 LIMIT 10 26-1 n 1", "XADD s MAXLEN 10 MINID 5 26-1 n 1",
        "XADD s MINID - 26-1 n 1", "XADD s MINID + 26-1 n 1",
        "XADD s MINID ~ 1 LIMIT -1 26-1 n 1", "XADD s MINID ~ 1 LIMIT x 26-1 n 1",
        "XADD s LIMIT 0 26-1 n 1", "XADD s maxlen ~ 1 limit 1 27-1 n 1", "XLEN s",
        "XADD s NOMKSTREAM MAXLEN 1 28-1 n 1", "XRANGE s - +", "XADD s MAXLEN 0 29-1 n 1",
        "XLEN s", "XADD s MAXLEN ~ 0 30-1 n 1", "XLEN s", "XADD s maxlen = 1 30-2 n 1",
        "XADD s MAXLEN", "XADD s MAXLEN 1 n", "XADD s MAXLEN ~", "XADD s MAXLEN ~ 1",
    ], protocol)


def test_approximate_trims_keep_whole_nodes(server, reference):
    for handle in (server, reference):
        handle.flushall()
        handle.client().config_set("stream-node-max-entries", 10)
    try:
        commands = ["XADD s %d-1 n %d" % (i, i) for i in range(1, 101)] + [
            "XTRIM s MAXLEN ~ 55", "XLEN s", "XTRIM s MAXLEN ~ 55", "XTRIM s MINID ~ 57",
            "XLEN s", "XTRIM s MAXLEN ~ 0 LIMIT 20", "XLEN s", "XRANGE s - + COUNT 1",
            "XADD s MAXLEN ~ 1 LIMIT 10 101-1 n 1", "XLEN s", "XTRIM s MINID ~ 95 LIMIT 5",
            "XLEN s", "XTRIM s MAXLEN 5", "XRANGE s - +", "XINFO STREAM s"]
        expected = run_commands(reference, argvs(commands))
        assert run_commands(server, argvs(commands)) == expected
    finally:
        for handle in (server, reference):
            handle.client().config_set("stream-node-max-entries", 100)


def test_radix_tree_nodes_as_redis_counts_them(server, reference):
    """XINFO's radix-tree-nodes for streams of one or two entries per node,
    with IDs near and far apart, after trims and deletions."""
    rng = random.Random(20261207)
    for handle in (server, reference):
        handle.flushall()
        handle.client().config_set("stream-node-max-entries", 2)
    try:
        for trial in range(25):
            base = rng.choice([0, 1000, 1796621870020, 1 << 40])
            ids = set()
            size = rng.randint(1, 40)
            while len(ids) < size:
                ms = base + rng.choice([rng.randint(0, 5), rng.randint(0, 300),
                                        rng.randint(0, 1 << 20)])
                ids.add((ms, rng.choice([0, 1, rng.randint(0, 1000)])))
            ids.discard((0, 0))
            commands = [["XADD", "s", "%d-%d" % id_, "f", "v"] for id_ in sorted(ids)]
            commands += [["XINFO", "STREAM", "s"], ["XTRIM", "s", "MAXLEN", str(len(ids) // 2)],
                         ["XINFO", "STREAM", "s"]]
            commands += [["XDEL", "s", "%d-%d" % id_] for id_ in rng.sample(sorted(ids), min(3, len(ids)))
                         if rng.random() < 0.5] + [["XINFO", "STREAM", "s"], ["DEL", "s"]]
            assert run_commands(server, commands) == run_commands(reference, commands), trial
    finally:
        for handle in (server, reference):
            handle.client().config_set("stream-node-max-entries", 100)


@PROTOCOLS
def test_xtrim(same, protocol):
    same(THREE + ["XADD s 4-1 a 1", "XADD s 5-1 a 1",
                  "XTRIM s MAXLEN 4", "XTRIM s MAXLEN 4", "XTRIM s MINID 3-1", "XRANGE s - +",
                  "XTRIM s MINID = 4", "XTRIM s MAXLEN ~ 0", "XTRIM s MINID ~ 9", "XLEN s",
                  "XTRIM s", "XTRIM s foo", "XTRIM s foo bar", "XTRIM s limit 1",
                  "XTRIM s maxlen 1 limit 1", "XTRIM s maxlen 1 maxlen 2",
                  "XTRIM s minid 1 maxlen 2", "XTRIM s maxlen ~", "XTRIM s nomkstream 1",
                  "XTRIM nokey maxlen 0", "XTRIM nokey minid abc", "SET str x",
                  "XTRIM str maxlen 0", "XTRIM s MAXLEN 0", "XLEN s", "EXISTS s",
                  "XINFO STREAM s"], protocol)


@PROTOCOLS
def test_xrange_and_xrevrange(same, protocol):
    same(THREE + ["XADD s 3-2 a 1", "XADD s 18446744073709551615-0 big 1",
                  "XRANGE s - +", "XREVRANGE s + -", "XRANGE s 2 3", "XRANGE s 2-1 3-1",
                  "XRANGE s (1-1 (3-2", "XREVRANGE s (3-2 (1-1", "XRANGE s (2 +",
                  "XRANGE s - + COUNT 2", "XREVRANGE s + - COUNT 1", "XRANGE s - + count 0",
                  "XRANGE s - + COUNT -1", "XRANGE nokey - + COUNT 0", "XRANGE s - + COUNT",
                  "XRANGE s - + COUNT x", "XRANGE s - + foo 1", "XRANGE s - + COUNT 1 COUNT 2",
                  "XRANGE s (- +", "XRANGE s ( +", "XRANGE s - (",
                  "XRANGE s (18446744073709551615-18446744073709551615 +",
                  "XRANGE s - (0-0", "XRANGE s - (0", "XREVRANGE s (0 -",
                  "XRANGE s 3 2", "XRANGE s abc +", "XRANGE s - abc", "XRANGE s 18446744073709551615 +",
                  "XRANGE nokey - +", "SET str x", "XRANGE str - +", "XREVRANGE str + -"],
         protocol)


@PROTOCOLS
def test_xdel(same, protocol):
    same(THREE + ["XDEL s 2-1", "XDEL s 2-1", "XDEL s 1-1 3-1 9-9", "XLEN s", "XRANGE s - +",
                  "EXISTS s", "XDEL s abc", "XDEL nokey abc", "XDEL s -", "SET str x",
                  "XDEL str 1", "XADD s 2-1 a 1", "XADD s 4-1 a 1", "XINFO STREAM s"], protocol)


@PROTOCOLS
def test_xsetid(same, protocol):
    same(THREE + [
        "XSETID s", "XSETID s abc", "XSETID s 1-1", "XSETID nokey 5-5", "XSETID s 5-5 foo 1",
        "XSETID s 5-5 entriesadded", "XSETID s 5-5 entriesadded 1",
        "XSETID s 5-5 maxdeletedid 1-1", "XSETID s 5-5 entriesadded -1 maxdeletedid 1-1",
        "XSETID s 5-5 entriesadded 5 maxdeletedid 6-1",
        "XSETID s 5-5 entriesadded 5 maxdeletedid 1-1",
        "XSETID s 5-5 entriesadded 5 maxdeletedid 1-1 foo",
        "XSETID s 5-5 entriesadded x maxdeletedid 1-1",
        "XSETID s 5-5 entriesadded 5 maxdeletedid -", "XSETID s 1-1 0", "XSETID s 1-1 0-0",
        "XINFO STREAM s", "XSETID s 3-1", "XSETID s 4-1 MAXDELETEDID 4-0", "XSETID s 3-9",
        "XADD s 4-1 a 1", "XADD s 4-2 a 1", "XDEL s 4-2 3-1 2-1 1-1",
        "XSETID s 4-1", "XINFO STREAM s", "SET str x", "XSETID str 1-1",
        "XSETID s 18446744073709551615-18446744073709551615", "XADD s * a 1"], protocol)


@PROTOCOLS
def test_xinfo_stream(same, protocol):
    groups = ["XGROUP CREATE s g1 0", "XGROUP CREATE s g2 $", "XGROUP CREATE s g0 2-1"]
    same(THREE + groups + [
        "XINFO STREAM s", "XINFO STREAM s FULL COUNT 0", "XINFO STREAM s FULL COUNT -1",
        "XINFO STREAM s FULL COUNT 2", "XINFO STREAM s full count 1", "XINFO GROUPS s",
        "XINFO STREAM s FULL COUNT", "XINFO STREAM s COUNT 1", "XINFO STREAM s FULL foo 1",
        "XINFO STREAM s foo", "XINFO STREAM s FULL COUNT x", "XINFO STREAM nokey",
        "XINFO STREAM nokey foo", "XINFO GROUPS nokey", "XINFO CONSUMERS nokey g",
        "XINFO CONSUMERS s nog", "XINFO foo", "XINFO STREAM", "XINFO CONSUMERS s",
        "XINFO HELP", "XINFO help x", "SET str x", "XINFO STREAM str", "XINFO GROUPS str",
        "XINFO CONSUMERS str g", "XDEL s 1-1 2-1 3-1", "XINFO STREAM s",
        "XGROUP CREATE empty g $ MKSTREAM", "XINFO STREAM empty", "XINFO STREAM empty FULL",
    ], protocol)


def test_xinfo_with_times(same_shape):
    for protocol in (2, 3):
        same_shape(THREE + ["XGROUP CREATE s g 0", "XREADGROUP GROUP g alice COUNT 2 STREAMS s >",
                            "XREADGROUP GROUP g bob STREAMS s >", "XINFO STREAM s FULL",
                            "XINFO CONSUMERS s g", "XADD s * a 1", "XADD s * a 2",
                            "XINFO STREAM s"], protocol)


@PROTOCOLS
def test_xread_without_blocking(same, protocol):
    same(THREE + ["XADD t 5-1 k v", "SET str x",
                  "XREAD STREAMS s 0", "XREAD COUNT 2 STREAMS s 0", "XREAD STREAMS s 1-1",
                  "XREAD STREAMS s 3-1", "XREAD STREAMS s t 0 0", "XREAD STREAMS s t 2 $",
                  "XREAD STREAMS nokey s 0 0", "XREAD STREAMS nokey 0", "XREAD STREAMS s $",
                  "XREAD COUNT 1 STREAMS s t s 0 0 1", "XREAD COUNT -1 STREAMS s 2",
                  "XREAD COUNT 0 STREAMS s 2", "XREAD BLOCK 10 STREAMS s 0",
                  "XREAD STREAMS s str 0 0", "XREAD STREAMS str 0", "XREAD STREAMS s abc",
                  "XREAD STREAMS s -", "XREAD STREAMS s +", "XREAD STREAMS s >",
                  "XREAD STREAMS s 0 t", "XREAD COUNT x STREAMS s 0", "XREAD BLOCK -1 STREAMS s 0",
                  "XREAD BLOCK x STREAMS s 0", "XREAD BLOCK 1.5 STREAMS s 0",
                  "XREAD foo STREAMS s 0", "XREAD GROUP g c STREAMS s 0",
                  "XREAD NOACK STREAMS s 0", "XREAD COUNT 1 s 0", "XREAD STREAMS",
                  "XREAD STREAMS s 18446744073709551615-18446744073709551615",
                  "XREAD streams s 1-18446744073709551615"], protocol)


@PROTOCOLS
def test_xread_block_inside_multi_and_scripts(same, protocol):
    same(THREE + ["MULTI", "XREAD BLOCK 0 STREAMS s $", "XREAD BLOCK 0 STREAMS s 0", "EXEC",
                  "EVAL \"return redis.call('xread','block','0','streams','s','$')\" 0",
                  "EVAL \"return redis.call('XREAD','STREAMS','s','2')\" 0"], protocol)


def sorted_subcommands(info):
    """COMMAND INFO of a container with its subcommands sorted: Redis lists
    them in its dict's (random) order."""
    return [sorted(item) if isinstance(item, list) and item and isinstance(item[0], list)
            else item for item in info]


def doc_fields(docs):
    """COMMAND DOCS as {name: (summary, since, group)}, subcommands included
    (fkvs's table holds only these fields of Redis's docs)."""
    found = {}
    for name, doc in zip(docs[::2], docs[1::2]):
        fields = dict(zip(doc[::2], doc[1::2]))
        found[name] = (fields[b"summary"], fields[b"since"], fields[b"group"])
        found.update(doc_fields(fields.get(b"subcommands", [])))
    return found


def test_stream_commands_in_command_info_and_docs(same, server, reference):
    names = ["xadd", "xlen", "xrange", "xrevrange", "xdel", "xtrim", "xsetid", "xread",
             "xreadgroup", "xack", "xpending", "xclaim", "xautoclaim"]
    for protocol in (2, 3):
        same([["COMMAND", "INFO"] + names,
              "COMMAND GETKEYS XREAD COUNT 2 STREAMS a b c 0 0 0",
              "COMMAND GETKEYSANDFLAGS XREADGROUP GROUP g c STREAMS a b > >",
              "COMMAND GETKEYS XREAD STREAMS", "COMMAND GETKEYS XADD s * a 1",
              "COMMAND GETKEYSANDFLAGS XGROUP CREATE s g $"], protocol)
    configs = [handle.client().config_get("stream-node-*") for handle in (reference, server)]
    assert configs[1] == configs[0]
    for container in ("xinfo", "xgroup"):
        infos = [sorted_subcommands(parse_reply(run_commands(handle, [
                     ["COMMAND", "INFO", container]])[0])[0][0]) for handle in (reference, server)]
        assert infos[1] == infos[0]
    docs = [doc_fields(parse_reply(run_commands(handle, [
                ["COMMAND", "DOCS"] + names + ["xinfo", "xgroup"]])[0])[0])
            for handle in (reference, server)]
    assert docs[1] == docs[0]


def test_copy_rename_and_dump_of_a_stream(same):
    same(THREE + ["XGROUP CREATE s g 0", "COPY s c", "XINFO STREAM c FULL", "XADD c 9-9 a 1",
                  "XLEN s", "COPY s c", "COPY s c REPLACE", "XLEN c", "RENAME c d",
                  "XINFO GROUPS d", "TYPE d", "OBJECT ENCODING d", "DEL d", "EXISTS d",
                  "EXPIRE s 100", "TTL s", "PERSIST s"])


def test_keyspace_events(server, reference):
    commands = argvs([
        "XADD s 1-1 a 1", "XADD s 2-1 a 1", "XADD s MAXLEN 1 3-1 a 1", "XADD s NOMKSTREAM 4-1 a 1",
        "XADD nokey NOMKSTREAM 5-1 a 1", "XTRIM s MAXLEN 0", "XTRIM s MAXLEN 0", "XADD s 6-1 a 1",
        "XADD s 7-1 a 1", "XDEL s 6-1", "XDEL s 6-1", "XSETID s 9-9", "XGROUP CREATE s g 0",
        "XGROUP CREATE s2 g 0 MKSTREAM", "XGROUP SETID s g 0", "XGROUP CREATECONSUMER s g c",
        "XGROUP CREATECONSUMER s g c", "XGROUP DELCONSUMER s g c", "XGROUP DELCONSUMER s g c",
        "XREADGROUP GROUP g alice STREAMS s >", "XREADGROUP GROUP g alice STREAMS s >",
        "XREADGROUP GROUP g bob STREAMS s 0", "XREADGROUP GROUP g carol NOACK STREAMS s >",
        "XACK s g 7-1", "XCLAIM s g eve 0 7-1 FORCE", "XCLAIM s g eve 0 7-1",
        "XAUTOCLAIM s g frank 0 0", "XDEL s 7-1", "XAUTOCLAIM s g frank 0 0",
        "XGROUP DESTROY s g", "XGROUP DESTROY s g", "DEL s"])
    events = []
    for handle in (reference, server):
        handle.flushall()
        handle.client().config_set("notify-keyspace-events", "KEA")
        try:
            with handle.connect_raw() as subscriber:
                subscriber.send_command("PSUBSCRIBE", "__keyevent@0__:*")
                subscriber.send_command("SUBSCRIBE", "end")
                subscriber.read_replies(2)
                run_commands(handle, commands + [["PUBLISH", "end", "x"]])
                received = []
                while True:
                    message = parse_reply(subscriber.read_replies(1))[0]
                    if message[0] == b"message":
                        break
                    received.append((message[2], message[3]))
                events.append(received)
        finally:
            handle.client().config_set("notify-keyspace-events", "")
    assert events[1] == events[0]


def test_xadd_uses_the_clock_and_survives_a_clock_behind_its_ids(server):
    client = server.client()
    first = client.xadd("s", {"a": 1})
    ms, seq = map(int, first.split(b"-"))
    assert abs(ms - time.time() * 1000) < 60000 and seq == 0
    client.xadd("s", {"a": 1}, id="%d-5" % (ms + 3600000))
    assert client.xadd("s", {"a": 1}) == b"%d-6" % (ms + 3600000)


# ---- Blocking XREAD ----

def wait_blocked(server, count):
    wait_until(lambda: int(server.info("clients")["blocked_clients"]) == count, 10,
               message="%d blocked clients" % count)


def blocked(server, *command, count=1, protocol=2):
    conn = server.connect_raw()
    if protocol == 3:
        conn.send_command("HELLO", "3")
        conn.read_replies(1)
    conn.send_command(*command)
    wait_blocked(server, count)
    return conn


def entry(id_, *fields):
    items = b"".join(b"$%d\r\n%s\r\n" % (len(f), f) for f in fields)
    return b"*2\r\n$%d\r\n%s\r\n*%d\r\n%s" % (len(id_), id_, len(fields), items)


def one_stream(key, *entries):
    return b"*1\r\n*2\r\n$%d\r\n%s\r\n*%d\r\n%s" % (len(key), key, len(entries),
                                                    b"".join(entries))


@pytest.mark.parametrize("target", ["fkvs", "redis"])
def test_blocking_xread_is_woken_by_xadd(server, reference, target):
    handle = server if target == "fkvs" else reference
    handle.flushall()
    client = handle.client()
    client.xadd("s", {"old": "1"}, id="1-1")
    readers = [blocked(handle, "XREAD", "BLOCK", "0", "STREAMS", "s", "$", count=1),
               blocked(handle, "XREAD", "BLOCK", "0", "STREAMS", "other", "s", "$", "$",
                       count=2),
               blocked(handle, "XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", "1-1",
                       count=3)]
    # A write that is no XADD, and an XADD to an unwatched key, wake nobody.
    client.set("unrelated", "x")
    client.xadd("elsewhere", {"a": "1"}, id="1-1")
    client.xadd("s", {"f": "v"}, id="2-1")
    client.xadd("s", {"f": "w"}, id="3-1")
    expected = one_stream(b"s", entry(b"2-1", b"f", b"v"))
    for reader in readers:
        assert reader.read_replies(1) == expected
    wait_blocked(handle, 0)


@pytest.mark.parametrize("target", ["fkvs", "redis"])
def test_blocking_xread_resolves_dollar_when_it_blocks(server, reference, target):
    handle = server if target == "fkvs" else reference
    handle.flushall()
    client = handle.client()
    client.xadd("s", {"a": "1"}, id="5-1")
    reader = blocked(handle, "XREAD", "BLOCK", "0", "STREAMS", "s", "$", protocol=3)
    # Deleted and re-created below the old last ID: not news to the reader.
    client.delete("s")
    client.xadd("s", {"low": "1"}, id="3-1")
    client.set("s", "now a string")
    client.delete("s")
    client.xadd("s", {"new": "1"}, id="6-1")
    assert reader.read_replies(1) == (b"%1\r\n$1\r\ns\r\n*1\r\n" +
                                      entry(b"6-1", b"new", b"1"))


@pytest.mark.parametrize("target", ["fkvs", "redis"])
def test_blocking_xread_times_out_and_multi_xadds_wake_it_once(server, reference, target):
    handle = server if target == "fkvs" else reference
    handle.flushall()
    client = handle.client()
    conn = handle.connect_raw()
    conn.send_command("XREAD", "BLOCK", "50", "STREAMS", "s", "$")
    assert conn.read_replies(1) == b"*-1\r\n"
    reader = blocked(handle, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    pipe = client.pipeline(transaction=True)
    pipe.xadd("s", {"one": "1"}, id="1-1")
    pipe.xadd("s", {"two": "2"}, id="2-1")
    pipe.execute()
    assert reader.read_replies(1) == one_stream(b"s", entry(b"1-1", b"one", b"1"),
                                                entry(b"2-1", b"two", b"2"))
    # XADD then XDEL in one transaction: the reader is served nothing, as
    # Redis 7.0 serves it.
    reader = blocked(handle, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    pipe = client.pipeline(transaction=True)
    pipe.xadd("s", {"gone": "1"}, id="3-1")
    pipe.xdel("s", "3-1")
    pipe.execute()
    assert reader.read_replies(1) == b"*1\r\n*2\r\n$1\r\ns\r\n*0\r\n"
    # XADD then DEL in one transaction: the reader waits on.
    reader = blocked(handle, "XREAD", "BLOCK", "0", "STREAMS", "t", "$")
    pipe = client.pipeline(transaction=True)
    pipe.xadd("t", {"gone": "1"}, id="1-1")
    pipe.delete("t")
    pipe.execute()
    client.xadd("t", {"kept": "1"}, id="2-1")
    assert reader.read_replies(1) == one_stream(b"t", entry(b"2-1", b"kept", b"1"))


def test_blocking_xread_from_many_clients_in_order(server):
    client = server.client()
    readers = [blocked(server, "XREAD", "BLOCK", "10000", "STREAMS", "s", "0", count=i + 1)
               for i in range(8)]
    results = []
    threads = [threading.Thread(target=lambda r=r: results.append(r.read_replies(1)))
               for r in readers]
    for thread in threads:
        thread.start()
    client.xadd("s", {"f": "v"}, id="1-1")
    join_threads(threads, 10, "the readers")
    assert results == [one_stream(b"s", entry(b"1-1", b"f", b"v"))] * 8


def test_client_unblock_ends_a_blocked_xread(server):
    reader = server.connect_raw()
    reader.send_command("CLIENT", "ID")
    reader_id = int(reader.read_replies(1)[1:-2])
    reader.send_command("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
    wait_blocked(server, 1)
    assert server.client().client_unblock(reader_id, error=True)
    assert reader.read_replies(1) == b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"


# ---- Propagation ----

AOF = ("--appendonly", "yes", "--appendfsync", "always", "--aof-use-rdb-preamble", "no")


def aof_commands(handle):
    """The commands of the incremental AOF, as lists of bytes."""
    data = next((handle.workdir / "appendonlydir").glob("*.incr.aof")).read_bytes()
    commands = []
    while data:
        value, end = parse_reply(data)
        commands.append(value)
        data = data[end:]
    return commands


def same_propagation(start_server, commands, *, times_at=()):
    """Runs commands on fkvs and redis-server with the AOF on; their
    incremental AOFs must hold the same commands (values after TIME and
    generated IDs at argument positions times_at aside)."""
    logs = []
    for target in ("redis", "fkvs"):
        handle = start_server(*AOF, target=target)
        run_commands(handle, argvs(commands))
        logs.append(aof_commands(handle))
    for log in logs:
        for command in log:
            for i, arg in enumerate(command):
                if i > 0 and command[i - 1] == b"TIME":
                    command[i] = b"<time>"
    assert logs[1] == logs[0]
    return logs[1]


def test_xadd_and_xtrim_propagate_exact_results(start_server):
    adds = ["XADD s %d-1 n %d" % (i, i) for i in range(1, 301)]
    log = same_propagation(start_server, adds + [
        "XADD s 300-* a 1", "XADD s MAXLEN ~ 120 301-1 a 1", "XADD s MINID ~ 200 LIMIT 100 302-1 a 1",
        "XTRIM s MAXLEN ~ 50", "XTRIM s MAXLEN ~ 50", "XTRIM s MINID ~ 290", "XTRIM s MINID 295",
        "XADD s NOMKSTREAM MAXLEN 1 303-* a 1", "XDEL s 303-0 1-1", "XSETID s 400-1",
        "XADD e MAXLEN ~ 0 1-1 a 1", "XTRIM e MINID ~ 5", "XADD e MINID ~ 5 2-1 a 1"])
    assert [b"XADD", b"s", b"300-2", b"a", b"1"] == [a.upper() if i == 0 else a
                                                     for i, a in enumerate(log[301])]


def test_xadd_with_an_automatic_id_propagates_the_id(start_server):
    handle = start_server(*AOF)
    client = handle.client()
    ids = [client.xadd("s", {"n": i}) for i in range(3)]
    ids.append(client.xadd("s", {"n": 9}, id="%s-*" % ids[-1].split(b"-")[0].decode()))
    logged = [command[2] for command in aof_commands(handle) if command[0].lower() == b"xadd"]
    assert logged == ids
