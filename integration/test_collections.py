"""What every collection type shares with the keyspace: TYPE, OBJECT
ENCODING, SCAN TYPE, RENAME, COPY, MOVE, DEL, expiry, and a key that goes
away when its collection is emptied. The per-type commands have their own
files (test_list.py, test_hash.py, test_set.py, test_zset.py)."""

import time

import pytest

from transcript import check_transcript
from replies import OK

FILL = [
    ("RPUSH l a b c", b":3\r\n"),
    ("HSET h f1 v1 f2 v2", b":2\r\n"),
    ("SADD s 1 2 3", b":3\r\n"),
    ("SADD t x y", b":2\r\n"),
    ("ZADD z 1 a 2 b", b":2\r\n"),
    ("SET str v", OK),
]


def test_type_and_encoding_of_each_kind(assert_same):
    check_transcript(assert_same, FILL + [
        ("TYPE l", b"+list\r\n"),
        ("TYPE h", b"+hash\r\n"),
        ("TYPE s", b"+set\r\n"),
        ("TYPE z", b"+zset\r\n"),
        ("OBJECT ENCODING l", b"$9\r\nquicklist\r\n"),
        ("OBJECT ENCODING h", b"$8\r\nlistpack\r\n"),
        ("OBJECT ENCODING s", b"$6\r\nintset\r\n"),
        ("OBJECT ENCODING t", b"$9\r\nhashtable\r\n"),
        ("OBJECT ENCODING z", b"$8\r\nlistpack\r\n"),
        ("DEL l h s t z", b":5\r\n"),
        ("EXISTS l h s t z", b":0\r\n"),
    ])


def test_scan_type_filters_each_kind(server):
    client = server.client()
    client.rpush("l", "a")
    client.hset("h", "f", "v")
    client.sadd("s", "m")
    client.zadd("z", {"m": 1})
    client.set("str", "v")
    for kind, key in (("list", b"l"), ("hash", b"h"), ("set", b"s"), ("zset", b"z"),
                      ("string", b"str")):
        assert list(client.scan_iter(_type=kind)) == [key]


def test_rename_move_and_copy_carry_collections_and_ttls(assert_same):
    check_transcript(assert_same, FILL + [
        ("PEXPIRE h 100000", b":1\r\n"),
        ("RENAME h h2", OK),
        ("HGET h2 f1", b"$2\r\nv1\r\n"),
        ("TTL h2", b":100\r\n"),
        ("COPY z z2", b":1\r\n"),
        ("ZADD z2 3 c", b":1\r\n"),
        ("ZCARD z", b":2\r\n"),
        ("ZCARD z2", b":3\r\n"),
        ("COPY l l2", b":1\r\n"),
        ("RPUSH l2 d", b":4\r\n"),
        ("LLEN l", b":3\r\n"),
        ("COPY s t", b":0\r\n"),
        ("COPY s t REPLACE", b":1\r\n"),
        ("SISMEMBER t 1", b":1\r\n"),
        ("OBJECT ENCODING t", b"$6\r\nintset\r\n"),
        ("MOVE l 1", b":1\r\n"),
        ("EXISTS l", b":0\r\n"),
        ("SELECT 1", OK),
        ("LRANGE l 0 -1", b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        ("FLUSHDB", OK),
    ])


def test_an_emptied_collection_deletes_its_key(assert_same):
    check_transcript(assert_same, FILL + [
        ("LPOP l 3", b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        ("HDEL h f1 f2", b":2\r\n"),
        ("SREM s 1 2 3", b":3\r\n"),
        ("ZREM z a b", b":2\r\n"),
        ("EXISTS l h s z", b":0\r\n"),
        ("TYPE l", b"+none\r\n"),
        ("DBSIZE", b":2\r\n"),
    ])


def test_collections_expire_like_strings(server):
    client = server.client()
    client.rpush("l", "a")
    client.hset("h", "f", "v")
    client.sadd("s", "a")
    client.zadd("z", {"a": 1})
    for key in ("l", "h", "s", "z"):
        assert client.pexpire(key, 50)
    time.sleep(0.1)
    assert client.exists("l", "h", "s", "z") == 0
    assert client.llen("l") == 0


def test_set_replaces_any_collection(server):
    client = server.client()
    client.rpush("l", *range(10000))
    client.zadd("z", {str(n): n for n in range(1000)})
    for key in ("l", "z"):
        assert client.set(key, "v")
        assert client.type(key) == b"string"
        assert client.get(key) == b"v"


@pytest.mark.fkvs_only  # redis-server writes such a reply until memory runs out
@pytest.mark.parametrize("command", [
    ("HRANDFIELD", "h", "-4611686018427387903", "WITHVALUES"),
    ("SRANDMEMBER", "s", "-9223372036854775807"),
    ("ZRANDMEMBER", "z", "-4611686018427387903", "WITHSCORES"),
])
def test_a_reply_of_billions_of_random_picks_closes_only_that_client(start_server, command):
    handle = start_server("--client-output-buffer-limit", "normal", "1mb", "0", "0")
    client = handle.client()
    client.hset("h", mapping={"f%d" % n: "v" * 100 for n in range(10)})
    client.sadd("s", *("m%d" % n for n in range(10)))
    client.zadd("z", {"m%d" % n: n for n in range(10)})
    asker = handle.connect_raw(timeout=30)
    asker.send_command(*command)
    received = asker.read_until_close(timeout=30)
    # Closed at the limit, its unsent reply dropped, long before the reply
    # the count asks for.
    assert asker.eof
    assert len(received) < 64 << 20
    assert client.ping()
    assert handle.info("stats")["client_output_buffer_limit_disconnections"] == "1"
    assert client.scard("s") == 10
