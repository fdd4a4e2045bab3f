"""Key expiry: EXPIRE and friends, TTL queries, lazy and active reclamation."""

import time

import pytest

from resp import encode_command, parse_reply
from server_process import wait_until
from transcript import check_transcript
from replies import OK, NOT_INTEGER, invalid_expire

NX_CONFLICT = b"-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"
GT_LT_CONFLICT = b"-ERR GT and LT options at the same time are not compatible\r\n"


def test_expire_family_sets_ttl(assert_same):
    check_transcript(assert_same, [
        ("SET k v", OK),
        ("EXPIRE k 100", b":1\r\n"),
        ("TTL k", b":100\r\n"),
        ("PEXPIRE k 200000", b":1\r\n"),
        ("TTL k", b":200\r\n"),
        ("EXPIREAT k 99999999999", b":1\r\n"),
        ("EXPIRETIME k", b":99999999999\r\n"),
        ("PEXPIRETIME k", b":99999999999000\r\n"),
        ("PEXPIREAT k 99999999999123", b":1\r\n"),
        ("PEXPIRETIME k", b":99999999999123\r\n"),
        ("EXPIRETIME k", b":99999999999\r\n"),
        ("EXPIRE missing 10", b":0\r\n"),
        ("PEXPIREAT missing 99999999999123", b":0\r\n"),
        ("EXISTS missing", b":0\r\n"),
    ])


def test_ttl_of_persistent_and_missing_keys(assert_same):
    check_transcript(assert_same, [
        ("SET k v", OK),
        ("TTL k", b":-1\r\n"),
        ("PTTL k", b":-1\r\n"),
        ("EXPIRETIME k", b":-1\r\n"),
        ("PEXPIRETIME k", b":-1\r\n"),
        ("TTL missing", b":-2\r\n"),
        ("PTTL missing", b":-2\r\n"),
        ("EXPIRETIME missing", b":-2\r\n"),
        ("PEXPIRETIME missing", b":-2\r\n"),
    ])


def test_expire_conditions(assert_same):
    check_transcript(assert_same, [
        ("SET k v", OK),
        ("EXPIRE k 100 XX", b":0\r\n"),
        ("EXPIRE k 100 GT", b":0\r\n"),
        ("TTL k", b":-1\r\n"),
        ("EXPIRE k 100 NX", b":1\r\n"),
        ("EXPIRE k 200 NX", b":0\r\n"),
        ("EXPIRE k 50 GT", b":0\r\n"),
        ("EXPIRE k 200 GT", b":1\r\n"),
        ("TTL k", b":200\r\n"),
        ("EXPIRE k 300 LT", b":0\r\n"),
        ("EXPIRE k 50 LT", b":1\r\n"),
        ("TTL k", b":50\r\n"),
        ("EXPIRE k 60 XX", b":1\r\n"),
        ("TTL k", b":60\r\n"),
        ("EXPIRE k 10 XX GT", b":0\r\n"),
        ("EXPIRE k 10 XX LT", b":1\r\n"),
        ("PERSIST k", b":1\r\n"),
        # A key without a TTL counts as an infinite TTL for GT and LT.
        ("EXPIRE k 60 LT", b":1\r\n"),
        ("PEXPIRE k 100000 gt", b":1\r\n"),
        ("TTL k", b":100\r\n"),
    ])


def test_expire_option_errors(assert_same):
    check_transcript(assert_same, [
        ("SET k v", OK),
        ("EXPIRE k 10 NX XX", NX_CONFLICT),
        ("EXPIRE k 10 NX GT", NX_CONFLICT),
        ("EXPIRE k 10 NX LT", NX_CONFLICT),
        ("EXPIRE k 10 GT LT", GT_LT_CONFLICT),
        ("PEXPIRE k 10 GT LT", GT_LT_CONFLICT),
        ("EXPIREAT k 10 NX XX", NX_CONFLICT),
        ("PEXPIREAT k 10 LT GT", GT_LT_CONFLICT),
        ("EXPIRE k 10 FOO", b"-ERR Unsupported option FOO\r\n"),
        ("EXPIRE k abc", NOT_INTEGER),
        ("EXPIRE k 1.5", NOT_INTEGER),
        ("EXPIRE k 9223372036854775807", invalid_expire("expire")),
        ("EXPIRE k 9223372036854775", invalid_expire("expire")),
        ("EXPIRE k -9223372036854775808", invalid_expire("expire")),
        ("PEXPIRE k 9223372036854775807", invalid_expire("pexpire")),
        ("EXPIREAT k 9223372036854775807", invalid_expire("expireat")),
        ("TTL k", b":-1\r\n"),
        ("EXPIRE k", b"-ERR wrong number of arguments for 'expire' command\r\n"),
        ("TTL", b"-ERR wrong number of arguments for 'ttl' command\r\n"),
    ])


def test_persist(assert_same):
    check_transcript(assert_same, [
        ("SET k v EX 100", OK),
        ("PERSIST k", b":1\r\n"),
        ("TTL k", b":-1\r\n"),
        ("PERSIST k", b":0\r\n"),
        ("PERSIST missing", b":0\r\n"),
    ])


def test_touch_counts_existing_keys(assert_same):
    check_transcript(assert_same, [
        ("MSET a 1 b 2", OK),
        ("TOUCH a b missing a", b":3\r\n"),
        ("TOUCH missing", b":0\r\n"),
        ("TOUCH", b"-ERR wrong number of arguments for 'touch' command\r\n"),
    ])


def test_non_positive_ttl_or_past_time_deletes(assert_same):
    check_transcript(assert_same, [
        ("SET k v", OK),
        ("EXPIRE k -1", b":1\r\n"),
        ("EXISTS k", b":0\r\n"),
        ("SET k v", OK),
        ("PEXPIRE k 0", b":1\r\n"),
        ("EXISTS k", b":0\r\n"),
        ("SET k v", OK),
        ("EXPIREAT k 1", b":1\r\n"),
        ("GET k", b"$-1\r\n"),
        ("SET k v", OK),
        ("PEXPIREAT k 0 NX", b":1\r\n"),
        ("TTL k", b":-2\r\n"),
    ])


def test_expiretime_is_absolute_unix_time(server):
    client = server.client()
    client.set("k", "v", ex=100)
    assert abs(client.execute_command("EXPIRETIME", "k") - (time.time() + 100)) <= 2
    assert abs(client.execute_command("PEXPIRETIME", "k") - (time.time() + 100) * 1000) <= 2000


def test_ttl_counts_down(server):
    client = server.client()
    client.set("k", "v", px=1000)
    first = client.pttl("k")
    time.sleep(0.2)
    second = client.pttl("k")
    assert 0 < second < first <= 1000
    assert first - second >= 150


def test_lazy_expiry_on_access(server):
    client = server.client()
    client.set("short", "v", px=50)
    client.set("keeper", "v")
    time.sleep(0.12)
    assert client.get("short") is None
    assert client.exists("short") == 0
    assert client.ttl("short") == -2
    assert client.get("keeper") == b"v"


def test_active_expiry_reclaims_without_access(server):
    client = server.client()
    pipe = client.pipeline(transaction=False)
    for index in range(100):
        pipe.set("volatile:%d" % index, "v", px=100)
    pipe.set("keeper", "v")
    pipe.set("long", "v", ex=1000)
    pipe.execute()
    keyspace = server.info("keyspace")
    assert keyspace["db0"].startswith("keys=102,expires=101,")
    wait_until(lambda: client.dbsize() == 2, timeout=5, message="DBSIZE 2")
    assert server.info("keyspace")["db0"].startswith("keys=2,expires=1,")
    assert int(server.info("stats")["expired_keys"]) >= 100


def test_info_keyspace_lists_only_non_empty_databases(server):
    client = server.client()
    assert server.info("keyspace") == {}
    client.set("a", "1", ex=100)
    client.set("b", "1")
    conn = server.connect_raw()
    assert conn.command("SELECT", "3") == OK
    assert conn.command("SET", "c", "1") == OK
    keyspace = server.info("keyspace")
    assert set(keyspace) == {"db0", "db3"}
    assert keyspace["db0"].startswith("keys=2,expires=1,avg_ttl=")
    assert keyspace["db3"] == "keys=1,expires=0,avg_ttl=0"


@pytest.mark.slow
def test_hundred_thousand_keys_with_one_second_ttl_are_reclaimed(server):
    expired_before = int(server.info("stats")["expired_keys"])
    conn = server.connect_raw(timeout=60)
    count = 100_000
    conn.send(b"".join(encode_command("SET", "bulk:%d" % index, "v", "PX", "1000")
                       for index in range(count)))
    assert conn.read_replies(count, timeout=60) == OK * count
    # The keys die one second after being set; active expiry has a few more to reclaim them.
    wait_until(lambda: parse_reply(conn.command("DBSIZE"))[0] == 0, timeout=8, interval=0.2,
               message="all 100k keys reclaimed")
    assert int(server.info("stats")["expired_keys"]) - expired_before == count


def test_debug_set_active_expire_leaves_keys_to_lazy_expiry(server):
    conn = server.connect_raw()
    assert conn.command("DEBUG", "SET-ACTIVE-EXPIRE", "0") == OK
    try:
        assert conn.command("SET", "k", "v", "PX", "20") == OK
        time.sleep(0.3)
        # Still held (DBSIZE counts expired keys), reclaimed once touched.
        assert conn.command("DBSIZE") == b":1\r\n"
        assert conn.command("GET", "k") == b"$-1\r\n"
        assert conn.command("DBSIZE") == b":0\r\n"
    finally:
        assert conn.command("DEBUG", "SET-ACTIVE-EXPIRE", "1") == OK
    assert conn.command("SET", "k", "v", "PX", "20") == OK
    wait_until(lambda: conn.command("DBSIZE") == b":0\r\n", timeout=5, interval=0.05,
               message="the active cycle reclaims the key again")
    assert conn.command("DEBUG", "SET-ACTIVE-EXPIRE") == (
        b"-ERR unknown subcommand or wrong number of arguments for 'SET-ACTIVE-EXPIRE'. "
        b"Try DEBUG HELP.\r\n")
