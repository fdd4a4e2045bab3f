"""WRONGTYPE errors: string commands on lists and hashes, and the reverse."""

from transcript import check_transcript
from replies import OK, WRONGTYPE


def test_string_reads_and_writes_on_a_list(assert_same):
    check_transcript(assert_same, [
        ("LPUSH l a", b":1\r\n"),
        ("GET l", WRONGTYPE),
        ("GETRANGE l 0 1", WRONGTYPE),
        ("STRLEN l", WRONGTYPE),
        ("APPEND l x", WRONGTYPE),
        ("SETRANGE l 0 x", WRONGTYPE),
        ("GETSET l x", WRONGTYPE),
        ("GETDEL l", WRONGTYPE),
        ("GETEX l PERSIST", WRONGTYPE),
        ("SET l x GET", WRONGTYPE),
        ("TYPE l", b"+list\r\n"),
        ("LLEN l", b":1\r\n"),
    ])


def test_counters_on_a_hash(assert_same):
    check_transcript(assert_same, [
        ("HSET h f v", b":1\r\n"),
        ("INCR h", WRONGTYPE),
        ("DECRBY h 2", WRONGTYPE),
        ("INCRBYFLOAT h 1.5", WRONGTYPE),
        ("TYPE h", b"+hash\r\n"),
    ])


def test_mget_and_conditional_sets_skip_other_types(assert_same):
    check_transcript(assert_same, [
        ("LPUSH l a", b":1\r\n"),
        ("HSET h f v", b":1\r\n"),
        ("SET s v", OK),
        ("MGET l h s missing", b"*4\r\n$-1\r\n$-1\r\n$1\r\nv\r\n$-1\r\n"),
        ("SETNX l x", b":0\r\n"),
        ("MSETNX l x q y", b":0\r\n"),
        ("TYPE l", b"+list\r\n"),
    ])


def test_plain_set_replaces_any_type(assert_same):
    check_transcript(assert_same, [
        ("HSET h f v", b":1\r\n"),
        ("SET h x", OK),
        ("TYPE h", b"+string\r\n"),
        ("GET h", b"$1\r\nx\r\n"),
        ("LPUSH l a", b":1\r\n"),
        ("SET l v KEEPTTL", OK),
        ("TYPE l", b"+string\r\n"),
    ])


def test_collection_commands_on_a_string(assert_same):
    check_transcript(assert_same, [
        ("SET s v", OK),
        ("LPUSH s a", WRONGTYPE),
        ("HGET s f", WRONGTYPE),
        ("SADD s m", WRONGTYPE),
        ("ZADD s 1 m", WRONGTYPE),
        ("GET s", b"$1\r\nv\r\n"),
    ])
