"""List commands: pushes and pops, indexes and ranges, edits in place, LPOS, moves, LMPOP."""

import random

import pytest
import redis

from raw_connection import RawConnection
from resp import encode_command
from transcript import check_transcript
from replies import NOT_INTEGER, OK, SYNTAX, WRONGTYPE, arity, array, bulk, integer

NIL = b"$-1\r\n"
NIL_ARRAY = b"*-1\r\n"
EMPTY = b"*0\r\n"
MUST_BE_POSITIVE = b"-ERR value is out of range, must be positive\r\n"
NO_SUCH_KEY = b"-ERR no such key\r\n"
INDEX_OUT_OF_RANGE = b"-ERR index out of range\r\n"
RANK_ZERO = (b"-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second"
             b" ... or use negative to start from the end of the list\r\n")
COUNT_NEGATIVE = b"-ERR COUNT can't be negative\r\n"
MAXLEN_NEGATIVE = b"-ERR MAXLEN can't be negative\r\n"
NUMKEYS = b"-ERR numkeys should be greater than 0\r\n"
COUNT_POSITIVE = b"-ERR count should be greater than 0\r\n"
LONG_MIN = "-9223372036854775808"
LONG_MAX = "9223372036854775807"


def ints(*values):
    return b"*%d\r\n" % len(values) + b"".join(integer(v) for v in values)


def test_push_and_llen(assert_same):
    check_transcript(assert_same, [
        ("LPUSH l a b", integer(2)),
        ("RPUSH l c d", integer(4)),
        ("LRANGE l 0 -1", array("b", "a", "c", "d")),
        ("LLEN l", integer(4)),
        ("LLEN missing", integer(0)),
        ("LPUSHX missing a", integer(0)),
        ("RPUSHX missing a", integer(0)),
        ("EXISTS missing", integer(0)),
        ("LPUSHX l x y", integer(6)),
        ("RPUSHX l z", integer(7)),
        ("LRANGE l 0 -1", array("y", "x", "b", "a", "c", "d", "z")),
        (("RPUSH", "bin", "", "a\x00b", "007", "-0", "12", LONG_MIN, "9223372036854775808"),
         integer(7)),
        ("LRANGE bin 0 -1", array("", "a\x00b", "007", "-0", "12", LONG_MIN,
                                  "9223372036854775808")),
        ("OBJECT ENCODING l", bulk("quicklist")),
        ("TYPE l", b"+list\r\n"),
        ("LPUSH l", arity("lpush")),
        ("RPUSH", arity("rpush")),
        ("LPUSHX l", arity("lpushx")),
        ("RPUSHX l", arity("rpushx")),
        ("LLEN", arity("llen")),
        ("LLEN a b", arity("llen")),
    ])


def test_pops_and_their_nil_replies(assert_same):
    check_transcript(assert_same, [
        ("LPOP missing", NIL),
        ("RPOP missing", NIL),
        ("LPOP missing 2", NIL_ARRAY),
        ("LPOP missing 0", NIL_ARRAY),
        ("RPOP missing 0", NIL_ARRAY),
        ("LPOP missing -1", MUST_BE_POSITIVE),
        ("LPOP missing abc", MUST_BE_POSITIVE),
        ("RPUSH k a b c d e", integer(5)),
        ("LPOP k 0", EMPTY),
        ("LPOP k -1", MUST_BE_POSITIVE),
        ("LPOP k", bulk("a")),
        ("RPOP k", bulk("e")),
        ("LPOP k 1", array("b")),
        ("RPOP k 10", array("d", "c")),
        ("EXISTS k", integer(0)),
        ("RPUSH k x", integer(1)),
        ("RPOP k " + LONG_MAX, array("x")),
        ("EXISTS k", integer(0)),
        ("LPOP k 1 2", arity("lpop")),
        ("RPOP k 1 2", arity("rpop")),
        ("LPOP", arity("lpop")),
    ])


def test_wrong_type(assert_same):
    check_transcript(assert_same, [
        ("SET s v", OK),
        ("LPUSH s a", WRONGTYPE),
        ("RPUSH s a", WRONGTYPE),
        ("LPUSHX s a", WRONGTYPE),
        ("RPUSHX s a", WRONGTYPE),
        ("LPOP s", WRONGTYPE),
        ("RPOP s 0", WRONGTYPE),
        ("LPOP s -1", MUST_BE_POSITIVE),  # the count is checked first
        ("LLEN s", WRONGTYPE),
        ("LRANGE s 0 -1", WRONGTYPE),
        ("LRANGE s a 0", NOT_INTEGER),
        ("LINDEX s 0", WRONGTYPE),
        ("LINDEX s abc", WRONGTYPE),  # the key is looked at first
        ("LSET s 0 x", WRONGTYPE),
        ("LINSERT s BEFORE a b", WRONGTYPE),
        ("LINSERT s MIDDLE a b", SYNTAX),
        ("LREM s 0 a", WRONGTYPE),
        ("LTRIM s 0 1", WRONGTYPE),
        ("LPOS s a", WRONGTYPE),
        ("LPOS s a RANK 0", RANK_ZERO),
        ("LMOVE s d LEFT LEFT", WRONGTYPE),
        ("RPOPLPUSH s d", WRONGTYPE),
        ("LMPOP 1 s LEFT", WRONGTYPE),
        ("GET s", bulk("v")),
        ("EXISTS d", integer(0)),
    ])


def test_lindex_and_lset(assert_same):
    check_transcript(assert_same, [
        ("RPUSH l a b c", integer(3)),
        ("LINDEX l 0", bulk("a")),
        ("LINDEX l 2", bulk("c")),
        ("LINDEX l 3", NIL),
        ("LINDEX l -1", bulk("c")),
        ("LINDEX l -3", bulk("a")),
        ("LINDEX l -4", NIL),
        ("LINDEX l " + LONG_MIN, NIL),
        ("LINDEX l " + LONG_MAX, NIL),
        ("LINDEX l abc", NOT_INTEGER),
        ("LINDEX missing abc", NIL),
        ("LSET l 1 B", OK),
        ("LSET l -1 C", OK),
        ("LSET l 3 x", INDEX_OUT_OF_RANGE),
        ("LSET l -4 x", INDEX_OUT_OF_RANGE),
        ("LSET l abc x", NOT_INTEGER),
        ("LSET missing 0 x", NO_SUCH_KEY),
        ("LSET missing abc x", NO_SUCH_KEY),
        ("LRANGE l 0 -1", array("a", "B", "C")),
        ("LSET l 0 " + "x" * 10000, OK),
        ("LINDEX l 0", bulk("x" * 10000)),
        ("LINDEX l", arity("lindex")),
        ("LSET l 0", arity("lset")),
    ])


def test_lrange_indexes(assert_same):
    check_transcript(assert_same, [
        ("RPUSH l 0 1 2 3 4 5", integer(6)),
        ("LRANGE l 0 -1", array("0", "1", "2", "3", "4", "5")),
        ("LRANGE l 1 2", array("1", "2")),
        ("LRANGE l -2 -1", array("4", "5")),
        ("LRANGE l -100 1", array("0", "1")),
        ("LRANGE l 4 100", array("4", "5")),
        ("LRANGE l 3 2", EMPTY),
        ("LRANGE l 6 10", EMPTY),
        ("LRANGE l -1 -2", EMPTY),
        ("LRANGE l -100 -50", EMPTY),
        ("LRANGE l %s %s" % (LONG_MIN, LONG_MAX), array("0", "1", "2", "3", "4", "5")),
        ("LRANGE l %s %s" % (LONG_MAX, LONG_MIN), EMPTY),
        ("LRANGE missing 0 -1", EMPTY),
        ("LRANGE missing a 1", NOT_INTEGER),
        ("LRANGE l 0 b", NOT_INTEGER),
        ("LRANGE l 0", arity("lrange")),
    ])


def test_linsert(assert_same):
    check_transcript(assert_same, [
        ("RPUSH l a b a", integer(3)),
        ("LINSERT l BEFORE a x", integer(4)),
        ("LINSERT l after a y", integer(5)),
        ("LRANGE l 0 -1", array("x", "a", "y", "b", "a")),
        ("LINSERT l AFTER zz q", integer(-1)),
        ("LINSERT missing BEFORE a q", integer(0)),
        ("EXISTS missing", integer(0)),
        ("LINSERT l MIDDLE a q", SYNTAX),
        ("LINSERT missing MIDDLE a q", SYNTAX),
        ("RPUSH n 1 2 3", integer(3)),
        ("LINSERT n AFTER 3 4", integer(4)),
        ("LINSERT n BEFORE 01 0", integer(-1)),
        ("LRANGE n 0 -1", array("1", "2", "3", "4")),
        ("LINSERT l BEFORE a", arity("linsert")),
    ])


def test_lrem(assert_same):
    check_transcript(assert_same, [
        ("RPUSH l a b a c a b", integer(6)),
        ("LREM l 1 a", integer(1)),
        ("LRANGE l 0 -1", array("b", "a", "c", "a", "b")),
        ("LREM l -1 b", integer(1)),
        ("LRANGE l 0 -1", array("b", "a", "c", "a")),
        ("LREM l 0 a", integer(2)),
        ("LREM l 5 zz", integer(0)),
        ("LRANGE l 0 -1", array("b", "c")),
        ("LREM l %s c" % LONG_MIN, integer(1)),
        ("LREM l 0 b", integer(1)),
        ("EXISTS l", integer(0)),
        ("LREM missing 1 a", integer(0)),
        ("LREM l abc a", NOT_INTEGER),
        ("LREM missing abc a", NOT_INTEGER),
        ("LREM l 1", arity("lrem")),
    ])


def test_ltrim(assert_same):
    check_transcript(assert_same, [
        ("RPUSH l 0 1 2 3 4 5", integer(6)),
        ("LTRIM l 1 -2", OK),
        ("LRANGE l 0 -1", array("1", "2", "3", "4")),
        ("LTRIM l -100 100", OK),
        ("LLEN l", integer(4)),
        ("LTRIM l 1 1", OK),
        ("LRANGE l 0 -1", array("2")),
        ("LTRIM l 2 1", OK),
        ("EXISTS l", integer(0)),
        ("RPUSH l a b", integer(2)),
        ("LTRIM l 5 10", OK),
        ("EXISTS l", integer(0)),
        ("RPUSH l a b", integer(2)),
        ("LTRIM l -1 -2", OK),
        ("EXISTS l", integer(0)),
        ("LTRIM missing 0 1", OK),
        ("LTRIM l a 1", NOT_INTEGER),
        ("LTRIM missing 0 b", NOT_INTEGER),
        ("LTRIM l 0", arity("ltrim")),
    ])


def test_lpos(assert_same):
    check_transcript(assert_same, [
        ("RPUSH l a b c a b c a", integer(7)),
        ("LPOS l a", integer(0)),
        ("LPOS l c", integer(2)),
        ("LPOS l zz", NIL),
        ("LPOS l a RANK 2", integer(3)),
        ("LPOS l a RANK 4", NIL),
        ("LPOS l a RANK -1", integer(6)),
        ("LPOS l a RANK -3", integer(0)),
        ("LPOS l a RANK " + LONG_MAX, NIL),
        ("LPOS l a RANK -" + LONG_MAX, NIL),
        # Redis 7.0 negates LONG_MIN into itself: RANK LONG_MIN acts as RANK -1.
        ("LPOS l a RANK " + LONG_MIN, integer(6)),
        ("LPOS l a RANK %s COUNT 0" % LONG_MIN, ints(6, 3, 0)),
        ("LPOS l a COUNT 0", ints(0, 3, 6)),
        ("LPOS l a COUNT 2", ints(0, 3)),
        ("LPOS l a COUNT 1 COUNT 5", ints(0, 3, 6)),
        ("LPOS l a RANK 2 COUNT 0", ints(3, 6)),
        ("LPOS l a RANK -2 COUNT 0", ints(3, 0)),
        ("LPOS l a RANK 4 COUNT 1", EMPTY),
        ("LPOS l a MAXLEN 3", integer(0)),
        ("LPOS l c MAXLEN 2", NIL),
        ("LPOS l c MAXLEN 2 COUNT 0", EMPTY),
        ("LPOS l a RANK -1 MAXLEN 4 COUNT 0", ints(6, 3)),
        ("LPOS l a maxlen 0 count 0 rank 1", ints(0, 3, 6)),
        ("LPOS missing a", NIL),
        ("LPOS missing a COUNT 0", EMPTY),
        ("LPOS missing a RANK 2", NIL),
        ("LPOS l a RANK 0", RANK_ZERO),
        ("LPOS l a RANK abc", NOT_INTEGER),
        ("LPOS l a COUNT -1", COUNT_NEGATIVE),
        ("LPOS l a COUNT abc", COUNT_NEGATIVE),
        ("LPOS l a MAXLEN -1", MAXLEN_NEGATIVE),
        ("LPOS l a MAXLEN abc", MAXLEN_NEGATIVE),
        ("LPOS l a RANK", SYNTAX),
        ("LPOS l a FOO 1", SYNTAX),
        ("LPOS missing a COUNT", SYNTAX),
        ("LPOS l", arity("lpos")),
    ])


def test_lmove_and_rpoplpush(assert_same):
    check_transcript(assert_same, [
        ("RPUSH l a b c", integer(3)),
        ("LMOVE l l LEFT RIGHT", bulk("a")),
        ("LRANGE l 0 -1", array("b", "c", "a")),
        ("LMOVE l l right left", bulk("a")),
        ("LMOVE l d LEFT RIGHT", bulk("a")),
        ("LMOVE l d RIGHT LEFT", bulk("c")),
        ("LRANGE d 0 -1", array("c", "a")),
        ("RPOPLPUSH l d", bulk("b")),
        ("EXISTS l", integer(0)),
        ("LRANGE d 0 -1", array("b", "c", "a")),
        ("RPOPLPUSH d d", bulk("a")),
        ("LRANGE d 0 -1", array("a", "b", "c")),
        ("LMOVE missing d LEFT LEFT", NIL),
        ("RPOPLPUSH missing d", NIL),
        ("SET s v", OK),
        ("LMOVE missing s LEFT LEFT", NIL),  # nil before the destination's type
        ("LMOVE d s LEFT LEFT", WRONGTYPE),
        ("RPOPLPUSH d s", WRONGTYPE),
        ("LRANGE d 0 -1", array("a", "b", "c")),  # nothing was popped
        ("LMOVE s d LEFT LEFT", WRONGTYPE),
        ("LMOVE d x MIDDLE LEFT", SYNTAX),
        ("LMOVE missing x LEFT UP", SYNTAX),
        ("RPUSH one x", integer(1)),
        ("LMOVE one one LEFT LEFT", bulk("x")),
        ("LRANGE one 0 -1", array("x")),
        ("LMOVE one other LEFT LEFT", bulk("x")),
        ("EXISTS one", integer(0)),
        ("LMOVE d x LEFT", arity("lmove")),
        ("RPOPLPUSH d", arity("rpoplpush")),
    ])


def test_lmpop(assert_same):
    check_transcript(assert_same, [
        ("LMPOP 1 missing LEFT", NIL_ARRAY),
        ("RPUSH b 1 2 3", integer(3)),
        ("LMPOP 2 a b LEFT", array("b", array("1"))),
        ("LMPOP 2 a b RIGHT COUNT 5", array("b", array("3", "2"))),
        ("EXISTS b", integer(0)),
        ("RPUSH a x", integer(1)),
        ("SET s v", OK),
        ("LMPOP 2 a s left count 1", array("a", array("x"))),
        ("LMPOP 2 a s LEFT", WRONGTYPE),
        ("RPUSH a y", integer(1)),
        ("LMPOP 2 s a LEFT", WRONGTYPE),
        ("LMPOP 1 a LEFT COUNT " + LONG_MAX, array("a", array("y"))),
        ("LMPOP 0 a LEFT", NUMKEYS),
        ("LMPOP -1 a LEFT", NUMKEYS),
        ("LMPOP abc a LEFT", NUMKEYS),
        ("LMPOP 2 a LEFT", SYNTAX),
        ("LMPOP 99999999999 a LEFT", SYNTAX),
        ("LMPOP 1 a MIDDLE", SYNTAX),
        ("LMPOP 1 a LEFT COUNT 0", COUNT_POSITIVE),
        ("LMPOP 1 a LEFT COUNT -1", COUNT_POSITIVE),
        ("LMPOP 1 a LEFT COUNT abc", COUNT_POSITIVE),
        ("LMPOP 1 a LEFT COUNT 99999999999999999999", COUNT_POSITIVE),
        ("LMPOP 1 a LEFT COUNT 1 COUNT 2", SYNTAX),
        ("LMPOP 1 a LEFT COUNT", SYNTAX),
        ("LMPOP 1 a LEFT extra", SYNTAX),
        ("LMPOP 1 a", arity("lmpop")),
    ])


def test_key_deleted_when_emptied(assert_same):
    check_transcript(assert_same, [
        ("RPUSH l a", integer(1)),
        ("LPOP l", bulk("a")),
        ("TYPE l", b"+none\r\n"),
        ("RPUSH l a b", integer(2)),
        ("RPOP l 2", array("b", "a")),
        ("EXISTS l", integer(0)),
        ("RPUSH l a", integer(1)),
        ("LREM l 0 a", integer(1)),
        ("EXISTS l", integer(0)),
        ("RPUSH l a", integer(1)),
        ("LMPOP 1 l LEFT", array("l", array("a"))),
        ("EXISTS l", integer(0)),
        ("RPUSH l a", integer(1)),
        ("RPOPLPUSH l m", bulk("a")),
        ("EXISTS l", integer(0)),
        ("RPUSH l a b", integer(2)),
        ("EXPIRE l 100", integer(1)),
        ("LPOP l", bulk("a")),
        ("TTL l", integer(100)),
        ("LPOP l", bulk("b")),
        ("TTL l", integer(-2)),
    ])


def test_copy_rename_and_memory(assert_same):
    check_transcript(assert_same, [
        ("RPUSH l a b c", integer(3)),
        ("COPY l c", integer(1)),
        ("LPOP l", bulk("a")),
        ("LRANGE c 0 -1", array("a", "b", "c")),
        ("RENAME c r", OK),
        ("LRANGE r 0 -1", array("a", "b", "c")),
        ("OBJECT ENCODING r", bulk("quicklist")),
    ])


def _run(handle, data, replies):
    with RawConnection(handle.host, handle.port) as conn:
        conn.send(data)
        return conn.read_replies(replies)


def test_small_node_limits(server, reference):
    """With one item per node or 4 KB nodes every edit crosses node bounds."""
    for handle in (server, reference):
        handle.flushall()
    script = []
    for fill in ("1", "2", "-1"):
        script.append(("CONFIG", "SET", "list-max-listpack-size", fill))
        key = "l" + fill
        script.append(("RPUSH", key) + tuple(str(i) for i in range(50)))
        script.append(("LINSERT", key, "BEFORE", "25", "x" * 3000))
        script.append(("LSET", key, "10", "y" * 5000))
        script.append(("LREM", key, "0", "7"))
        script.append(("LTRIM", key, "3", "-3"))
        script.append(("LRANGE", key, "0", "-1"))
        script.append(("LINDEX", key, "20"))
    script.append(("CONFIG", "SET", "list-max-listpack-size", "-2"))
    data = b"".join(encode_command(*command) for command in script)
    assert _run(server, data, len(script)) == _run(reference, data, len(script))


def test_random_edits_agree_with_redis(server, reference):
    seed = 6070
    print("seed", seed)
    rng = random.Random(seed)
    values = ["a", "b", "1", "-5", "x" * 100, "y" * 9000, ""]
    commands = []
    for _ in range(1500):
        op = rng.randrange(12)
        v = rng.choice(values)
        i = str(rng.randint(-30, 30))
        j = str(rng.randint(-30, 30))
        end = rng.choice(["LEFT", "RIGHT"])
        commands.append([
            ("RPUSH", "l", v, rng.choice(values)),
            ("LPUSH", "l", v),
            ("LPOP", "l", str(rng.randint(0, 3))),
            ("RPOP", "l"),
            ("LINSERT", "l", rng.choice(["BEFORE", "AFTER"]), rng.choice(values), v),
            ("LSET", "l", i, v),
            ("LREM", "l", str(rng.randint(-2, 2)), v),
            ("LTRIM", "l", i, str(rng.randint(20, 60))),
            ("LRANGE", "l", i, j),
            ("LPOS", "l", v, "RANK", rng.choice(["1", "-1", "2"]), "COUNT", "0"),
            ("LMOVE", "l", rng.choice(["l", "m"]), end, rng.choice(["LEFT", "RIGHT"])),
            ("LMPOP", "2", "m", "l", end, "COUNT", "2"),
        ][op])
        commands.append(("LINDEX", "l", i))
    commands.append(("LRANGE", "l", "0", "-1"))
    commands.append(("LRANGE", "m", "0", "-1"))
    data = b"".join(encode_command(*command) for command in commands)
    for handle in (server, reference):
        handle.flushall()
    assert _run(server, data, len(commands)) == _run(reference, data, len(commands))


def test_a_list_of_100k_items(server, reference):
    for handle in (server, reference):
        handle.flushall()
    items = [str(i) if i % 3 else "item-%d" % i for i in range(100000)]
    commands = []
    for start in range(0, len(items), 1000):
        commands.append(("RPUSH", "big") + tuple(items[start:start + 1000]))
    commands += [
        ("LLEN", "big"),
        ("LINDEX", "big", "50000"),
        ("LINDEX", "big", "-99999"),
        ("LRANGE", "big", "49990", "50010"),
        ("LPOS", "big", "item-99999"),
        ("LPOS", "big", "item-3", "RANK", "-1"),
        ("LINSERT", "big", "AFTER", "77777", "new"),
        ("LSET", "big", "-2", "set"),
        ("LREM", "big", "-2", "item-6"),
        ("LTRIM", "big", "100", "-100"),
        ("LPOP", "big", "5"),
        ("RPOP", "big", "5"),
        ("LRANGE", "big", "0", "-1"),
        ("OBJECT", "ENCODING", "big"),
    ]
    data = b"".join(encode_command(*command) for command in commands)
    expected = _run(reference, data, len(commands))
    assert _run(server, data, len(commands)) == expected


def _compressed_list_script(rng, depth, fill):
    """Edits all over one list, under list-compress-depth and list-max-listpack-size."""
    values = ["a", "7", "x" * 60, "y" * 700, "z" * 5000, "%d" % rng.randrange(10 ** 12)]
    script = [("CONFIG", "SET", "list-compress-depth", str(depth)),
              ("CONFIG", "SET", "list-max-listpack-size", str(fill)),
              ("RPUSH", "l") + tuple(rng.choice(values) + str(i % 5) for i in range(300))]
    for _ in range(400):
        v = rng.choice(values) + str(rng.randrange(5))
        i = str(rng.randint(-300, 300))
        script.append(rng.choice([
            ("RPUSH", "l", v),
            ("LPUSH", "l", v, v),
            ("LPOP", "l", str(rng.randint(0, 3))),
            ("RPOP", "l"),
            ("LINSERT", "l", rng.choice(["BEFORE", "AFTER"]), v, v + "!"),
            ("LSET", "l", i, v),
            ("LREM", "l", str(rng.randint(-2, 2)), v),
            ("LINDEX", "l", i),
            ("LRANGE", "l", i, str(rng.randint(-300, 300))),
            ("LPOS", "l", v, "RANK", rng.choice(["1", "-1", "3"]), "COUNT", "0"),
            ("LTRIM", "l", str(rng.randint(0, 3)), str(rng.randint(-4, -1))),
        ]))
    script += [("LRANGE", "l", "0", "-1"), ("OBJECT", "ENCODING", "l")]
    return script


@pytest.mark.parametrize("depth,fill", [(1, -2), (2, 4), (3, -1), (1, 16), (2, -5), (1, 0)])
def test_compressed_lists_agree_with_redis(server, reference, depth, fill):
    seed = 7100 + depth * 100 + fill
    print("seed", seed)
    script = _compressed_list_script(random.Random(seed), depth, fill)
    script += [("CONFIG", "SET", "list-compress-depth", "0"),
               ("CONFIG", "SET", "list-max-listpack-size", "-2")]
    data = b"".join(encode_command(*command) for command in script)
    for handle in (server, reference):
        handle.flushall()
    assert _run(server, data, len(script)) == _run(reference, data, len(script))


def test_compression_shrinks_memory_and_survives_dump_and_reload(server):
    client = server.client()
    client.flushall()
    items = ["item-%d-" % i + "abcdefgh" * 8 for i in range(20000)]
    try:
        client.config_set("list-compress-depth", 1)
        client.rpush("packed", *items)
        client.config_set("list-compress-depth", 0)
        client.rpush("plain", *items)
        # An existing list keeps the depth it was created with.
        client.rpush("packed", "last")
        client.rpop("packed")
        packed = client.memory_usage("packed", samples=0)
        plain = client.memory_usage("plain", samples=0)
        assert packed * 3 < plain, (packed, plain)
        assert client.lrange("packed", 0, -1) == [item.encode() for item in items]
        assert client.lindex("packed", 12345) == items[12345].encode()
        client.restore("copy", 0, client.dump("packed"))
        assert client.lrange("copy", 0, -1) == client.lrange("packed", 0, -1)
        client.config_set("list-compress-depth", 2)
        client.execute_command("DEBUG", "RELOAD")
        assert client.lrange("plain", 0, -1) == client.lrange("packed", 0, -1)
        assert client.memory_usage("plain", samples=0) * 3 < plain
    finally:
        client.config_set("list-compress-depth", 0)
        client.flushall()


def _quicklist_shape(client, key):
    line = client.execute_command("DEBUG", "OBJECT", key).decode()
    fields = dict(field.split(":", 1) for field in line.split() if ":" in field)
    return {name: fields[name] for name in
            ("ql_nodes", "ql_listpack_max", "ql_compressed", "ql_uncompressed_size")}


@pytest.mark.parametrize("fill", [-1, -2, -5, 1, 16, 128])
def test_pushes_split_nodes_where_redis_does(start_server, fill):
    """DEBUG OBJECT's ql_ fields agree: nodes fill up by Redis's size estimates."""
    rng = random.Random(7300 - fill)
    items = ["%d" % rng.randrange(10 ** rng.randint(1, 15)) if rng.random() < 0.3 else
             "v" * rng.choice([1, 20, 63, 64, 200, 253, 254, 900, 3000]) for _ in range(500)]
    shapes = []
    for handle in (start_server(), start_server(target="redis")):
        client = handle.client()
        client.config_set("list-max-listpack-size", fill)
        client.config_set("list-compress-depth", 1)
        for i, item in enumerate(items):
            (client.rpush if i % 3 else client.lpush)("l", item)
        client.lset("l", 100, "w" * 5000)  # in place, past the limit, as Redis 7.0
        shapes.append(_quicklist_shape(client, "l"))
    assert shapes[0] == shapes[1]


def test_plain_nodes_past_the_packed_threshold(start_server):
    """DEBUG QUICKLIST-PACKED-THRESHOLD gives big items nodes of their own, as in Redis."""
    script = [("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "5gb"),
              ("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "x"),
              ("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "10b"),
              ("RPUSH", "l", "a", "b", "x" * 10, "c", "y" * 30, "d"),
              ("LINSERT", "l", "BEFORE", "c", "z" * 12),
              ("LINSERT", "l", "AFTER", "c", "e"),
              ("LSET", "l", "0", "w" * 11),
              ("LREM", "l", "1", "b"),
              ("LRANGE", "l", "0", "-1"),
              ("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0")]
    results = []
    for handle in (start_server(), start_server(target="redis")):
        client = handle.client()
        replies = []
        for command in script:
            try:
                replies.append(client.execute_command(*command))
            except redis.ResponseError as error:
                replies.append(str(error))
        results.append((replies, _quicklist_shape(client, "l")["ql_nodes"]))
    assert results[0] == results[1]
