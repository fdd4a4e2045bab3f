"""Generic key commands: DEL, EXISTS, RENAME, COPY, MOVE, KEYS, SCAN, databases, OBJECT."""

import time

import pytest

from resp import parse_reply
from transcript import check_transcript
from replies import OK, SYNTAX, NOT_INTEGER, arity

DB_RANGE = b"-ERR DB index is out of range\r\n"
SAME_OBJECT = b"-ERR source and destination objects are the same\r\n"


def test_del_unlink_exists_type(assert_same):
    check_transcript(assert_same, [
        ("MSET a 1 b 2 c 3", OK),
        ("EXISTS a a b missing", b":3\r\n"),
        ("DEL a b missing", b":2\r\n"),
        ("DEL a", b":0\r\n"),
        ("UNLINK c missing c", b":1\r\n"),
        ("EXISTS a b c", b":0\r\n"),
        ("SET s v", OK),
        ("TYPE s", b"+string\r\n"),
        ("TYPE missing", b"+none\r\n"),
        ("DEL", arity("del")),
        ("UNLINK", arity("unlink")),
        ("EXISTS", arity("exists")),
        ("TYPE", arity("type")),
    ])


def test_rename(assert_same):
    check_transcript(assert_same, [
        ("SET a 1", OK),
        ("RENAME a a", OK),
        ("GET a", b"$1\r\n1\r\n"),
        ("RENAME missing x", b"-ERR no such key\r\n"),
        ("RENAME missing missing", b"-ERR no such key\r\n"),
        ("RENAME a x", OK),
        ("EXISTS a", b":0\r\n"),
        ("SET b 2", OK),
        ("RENAME x b", OK),
        ("GET b", b"$1\r\n1\r\n"),
        ("SET t v EX 100", OK),
        ("RENAME t t2", OK),
        ("TTL t2", b":100\r\n"),
        ("SET plain v", OK),
        ("RENAME plain t2", OK),
        ("TTL t2", b":-1\r\n"),
        ("RENAME a", arity("rename")),
    ])


def test_renamenx(assert_same):
    check_transcript(assert_same, [
        ("MSET p 1 q 2", OK),
        ("RENAMENX p p", b":0\r\n"),
        ("RENAMENX missing z", b"-ERR no such key\r\n"),
        ("RENAMENX p q", b":0\r\n"),
        ("MGET p q", b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
        ("RENAMENX p r", b":1\r\n"),
        ("MGET p r", b"*2\r\n$-1\r\n$1\r\n1\r\n"),
    ])


def test_copy(assert_same):
    check_transcript(assert_same, [
        ("SET src v EX 100", OK),
        ("COPY src dst", b":1\r\n"),
        ("GET dst", b"$1\r\nv\r\n"),
        ("TTL dst", b":100\r\n"),
        ("SET src v2", OK),
        ("COPY src dst", b":0\r\n"),
        ("GET dst", b"$1\r\nv\r\n"),
        ("COPY src dst REPLACE", b":1\r\n"),
        ("GET dst", b"$2\r\nv2\r\n"),
        ("TTL dst", b":-1\r\n"),
        ("COPY missing other", b":0\r\n"),
        ("COPY src src", SAME_OBJECT),
        ("COPY src src DB 0", SAME_OBJECT),
        ("COPY src dst DB 16", DB_RANGE),
        ("COPY src dst DB -1", DB_RANGE),
        ("COPY src dst DB x", NOT_INTEGER),
        ("COPY src dst FOO", SYNTAX),
        ("COPY src dst DB", SYNTAX),
        ("COPY src src DB 1", b":1\r\n"),
        ("COPY src src DB 1", b":0\r\n"),
        ("SELECT 1", OK),
        ("GET src", b"$2\r\nv2\r\n"),
        ("COPY src src DB 0 REPLACE", b":1\r\n"),
        ("COPY src", arity("copy")),
    ])


def test_move(assert_same):
    check_transcript(assert_same, [
        ("SET k v EX 100", OK),
        ("MOVE k 1", b":1\r\n"),
        ("EXISTS k", b":0\r\n"),
        ("SET k other", OK),
        ("MOVE k 1", b":0\r\n"),
        ("GET k", b"$5\r\nother\r\n"),
        ("MOVE k 0", SAME_OBJECT),
        ("MOVE k 16", DB_RANGE),
        ("MOVE k x", NOT_INTEGER),
        ("MOVE missing 1", b":0\r\n"),
        ("SELECT 1", OK),
        ("GET k", b"$1\r\nv\r\n"),
        ("TTL k", b":100\r\n"),
        ("MOVE k", arity("move")),
    ])


GLOB_KEYS = [b"hello", b"hallo", b"hxllo", b"hllo", b"heeeello", b"h*llo", b"a[b", b"x\\y",
             b"Hello"]


@pytest.mark.parametrize("pattern, expected", [
    (b"*", GLOB_KEYS),
    (b"h?llo", [b"hello", b"hallo", b"hxllo", b"h*llo"]),
    (b"h*llo", [b"hello", b"hallo", b"hxllo", b"hllo", b"heeeello", b"h*llo"]),
    (b"h[ae]llo", [b"hello", b"hallo"]),
    (b"h[^e]llo", [b"hallo", b"hxllo", b"h*llo"]),
    (b"h[a-b]llo", [b"hallo"]),
    (b"h\\*llo", [b"h*llo"]),
    (b"a\\[b", [b"a[b"]),
    (b"x\\\\y", [b"x\\y"]),
    (b"*llo", [b"hello", b"hallo", b"hxllo", b"hllo", b"heeeello", b"h*llo", b"Hello"]),
    (b"H*", [b"Hello"]),
    (b"nothing*", []),
    (b"hello", [b"hello"]),
])
def test_keys_glob_patterns(server, pattern, expected):
    client = server.client()
    client.mset({key: b"1" for key in GLOB_KEYS})
    assert sorted(client.keys(pattern)) == sorted(expected)


def test_keys_errors(assert_same):
    check_transcript(assert_same, [
        ("KEYS", arity("keys")),
        ("KEYS a b", arity("keys")),
        ("KEYS *", b"*0\r\n"),
    ])


def scan_all(client, **kwargs):
    seen = []
    cursor = 0
    calls = 0
    while True:
        cursor, keys = client.scan(cursor, **kwargs)
        seen.extend(keys)
        calls += 1
        assert calls < 10000, "SCAN did not finish"
        if cursor == 0:
            return seen, calls


def test_scan_cursor_loop_returns_every_key(server):
    client = server.client()
    keys = {b"key:%d" % index for index in range(1000)}
    client.mset({key: b"v" for key in keys})
    seen, calls = scan_all(client, count=10)
    assert set(seen) == keys
    assert calls > 1


def test_scan_match_and_count(server):
    client = server.client()
    client.mset({b"user:%d" % index: b"v" for index in range(300)})
    client.mset({b"item:%d" % index: b"v" for index in range(300)})
    seen, _ = scan_all(client, match="user:1*", count=50)
    assert set(seen) == {b"user:%d" % index for index in range(300)
                         if str(index).startswith("1")}
    cursor, batch = client.scan(0, count=1000)
    assert cursor == 0 and len(batch) == 600


def test_scan_type_filter(server):
    client = server.client()
    client.mset({b"s:%d" % index: b"v" for index in range(50)})
    strings, _ = scan_all(client, _type="string", count=20)
    assert set(strings) == {b"s:%d" % index for index in range(50)}
    lists, _ = scan_all(client, _type="list", count=20)
    assert lists == []


def test_scan_errors(assert_same):
    check_transcript(assert_same, [
        ("SCAN abc", b"-ERR invalid cursor\r\n"),
        ("SCAN 18446744073709551616", b"-ERR invalid cursor\r\n"),
        ("SCAN 0 COUNT 0", SYNTAX),
        ("SCAN 0 COUNT -1", SYNTAX),
        ("SCAN 0 COUNT x", NOT_INTEGER),
        ("SCAN 0 MATCH", SYNTAX),
        ("SCAN 0 FOO bar", SYNTAX),
        ("SCAN 0", b"*2\r\n$1\r\n0\r\n*0\r\n"),
        ("SCAN", arity("scan")),
    ])


def test_randomkey_and_dbsize(assert_same, server):
    check_transcript(assert_same, [
        ("RANDOMKEY", b"$-1\r\n"),
        ("DBSIZE", b":0\r\n"),
        ("SET only v", OK),
        ("RANDOMKEY", b"$4\r\nonly\r\n"),
        ("DBSIZE", b":1\r\n"),
        ("DBSIZE x", arity("dbsize")),
    ])
    server.flushall()
    client = server.client()
    keys = {b"k%d" % index for index in range(20)}
    client.mset({key: b"v" for key in keys})
    seen = {client.randomkey() for _ in range(200)}
    assert seen <= keys and len(seen) > 1
    assert client.dbsize() == 20


def test_flushdb_and_flushall(assert_same):
    check_transcript(assert_same, [
        ("SET a 1", OK),
        ("SELECT 1", OK),
        ("SET b 1", OK),
        ("FLUSHDB", OK),
        ("DBSIZE", b":0\r\n"),
        ("SELECT 0", OK),
        ("DBSIZE", b":1\r\n"),
        ("FLUSHDB ASYNC", OK),
        ("FLUSHDB SYNC", OK),
        ("FLUSHDB FOO", SYNTAX),
        ("SET a 1", OK),
        ("SELECT 5", OK),
        ("SET b 1", OK),
        ("FLUSHALL ASYNC", OK),
        ("DBSIZE", b":0\r\n"),
        ("SELECT 0", OK),
        ("DBSIZE", b":0\r\n"),
        ("FLUSHALL SYNC", OK),
        ("FLUSHALL FOO", SYNTAX),
        ("FLUSHALL A B", SYNTAX),
    ])


def test_swapdb(assert_same, server):
    check_transcript(assert_same, [
        ("SET k in-zero", OK),
        ("SWAPDB 0 1", OK),
        ("EXISTS k", b":0\r\n"),
        ("SELECT 1", OK),
        ("GET k", b"$7\r\nin-zero\r\n"),
        ("SWAPDB 0 0", OK),
        ("SWAPDB 0 16", DB_RANGE),
        ("SWAPDB a 1", b"-ERR invalid first DB index\r\n"),
        ("SWAPDB 1 b", b"-ERR invalid second DB index\r\n"),
        ("SWAPDB 0", arity("swapdb")),
    ])
    # A client already sitting in a database sees the swapped contents at once.
    watcher = server.connect_raw()
    assert watcher.command("SELECT", "1") == OK
    assert server.reply("SET", "moved", "yes") == OK
    assert server.reply("SWAPDB", "0", "1") == OK
    assert watcher.command("GET", "moved") == b"$3\r\nyes\r\n"


@pytest.mark.parametrize("value, encoding", [
    (b"1", b"int"),
    (b"-9223372036854775808", b"int"),
    (b"9223372036854775807", b"int"),
    (b"-0", b"embstr"),
    (b"01", b"embstr"),
    (b"1.5", b"embstr"),
    (b"", b"embstr"),
    (b"abcdefghijklmn", b"embstr"),
    (b"x" * 45, b"raw"),
    (b"x" * 1000, b"raw"),
])
def test_object_encoding_of_strings(server, value, encoding):
    # fkvs inlines strings up to 14 bytes, Redis up to 44; both agree below and above.
    assert server.reply("SET", "k", value) == OK
    assert server.reply("OBJECT", "ENCODING", "k") == b"$%d\r\n%s\r\n" % (len(encoding), encoding)


def test_object_encoding_is_int_again_after_incr(server):
    assert server.reply("SET", "n", "5") == OK
    assert server.reply("APPEND", "n", "1") == b":2\r\n"
    assert server.reply("INCR", "n") == b":52\r\n"
    assert server.reply("OBJECT", "ENCODING", "n") == b"$3\r\nint\r\n"


def test_object_subcommands(assert_same):
    check_transcript(assert_same, [
        ("SET k 50000", OK),
        ("SET s \"a string value\"", OK),
        ("OBJECT ENCODING missing", b"$-1\r\n"),
        ("OBJECT REFCOUNT k", b":1\r\n"),
        ("OBJECT REFCOUNT s", b":1\r\n"),
        ("OBJECT REFCOUNT missing", b"$-1\r\n"),
        ("OBJECT IDLETIME missing", b"$-1\r\n"),
        ("OBJECT FREQ s",
         b"-ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
         b"Please note that when switching between policies at runtime LRU and LFU data "
         b"will take some time to adjust.\r\n"),
        ("OBJECT FOO k", b"-ERR unknown subcommand 'FOO'. Try OBJECT HELP.\r\n"),
        ("OBJECT", arity("object")),
        ("OBJECT ENCODING", arity("object|encoding")),
    ])


def test_object_idletime_of_a_fresh_key(server):
    assert server.reply("SET", "k", "v") == OK
    # Idle time has one-second resolution; a tick may fall between the two commands.
    assert parse_reply(server.reply("OBJECT", "IDLETIME", "k"))[0] in (0, 1)


def test_object_idletime_counts_since_last_access(server):
    client = server.client()
    client.set("k", "v")
    time.sleep(2.1)
    # OBJECT itself is not an access, so asking twice sees the same idle time.
    assert client.object("idletime", "k") >= 2
    assert client.object("idletime", "k") >= 2
    client.get("k")
    assert client.object("idletime", "k") == 0


def test_object_help_lists_subcommands(server):
    lines = parse_reply(server.reply("OBJECT", "HELP"))[0]
    assert lines[0].startswith(b"OBJECT <subcommand>")
    for name in [b"ENCODING", b"FREQ", b"IDLETIME", b"REFCOUNT", b"HELP"]:
        assert any(line.startswith(name) for line in lines)
