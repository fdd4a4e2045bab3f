"""Blocking list and sorted-set commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH,
BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP, and CLIENT UNBLOCK.

Each test runs against fkvs-server, and against redis-server with
FKVS_TEST_TARGET=redis; they check the exact bytes each client receives."""

import threading
import time

import pytest

from replies import WRONGTYPE, arity
from server_process import join_threads

NIL_ARRAY = b"*-1\r\n"
TIMEOUT_NOT_FLOAT = b"-ERR timeout is not a float or out of range\r\n"
TIMEOUT_NEGATIVE = b"-ERR timeout is negative\r\n"


def bulk_array(*items):
    return b"*%d\r\n" % len(items) + b"".join(b"$%d\r\n%s\r\n" % (len(i), i) for i in items)


def wait_blocked(server, count, timeout=5.0):
    """Waits until INFO reports count blocked clients (so a push cannot race the block)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if int(server.info("clients")["blocked_clients"]) == count:
            return
        time.sleep(0.005)
    raise AssertionError("blocked_clients never reached %d" % count)


def blocked_conn(server, *command, count=None):
    conn = server.connect_raw()
    conn.send_command(*command)
    if count is not None:
        wait_blocked(server, count)
    return conn


def test_data_already_there_is_served_at_once(server):
    assert server.reply("RPUSH", "b", "1", "2") == b":2\r\n"
    assert server.reply("BLPOP", "a", "b", "0") == bulk_array(b"b", b"1")
    assert server.reply("BRPOP", "a", "b", "0") == bulk_array(b"b", b"2")
    assert server.reply("EXISTS", "b") == b":0\r\n"
    assert server.reply("ZADD", "z", "1", "m1", "2", "m2") == b":2\r\n"
    assert server.reply("BZPOPMIN", "none", "z", "0") == bulk_array(b"z", b"m1", b"1")
    assert server.reply("BZPOPMAX", "z", "0") == bulk_array(b"z", b"m2", b"2")
    assert server.reply("RPUSH", "src", "x", "y") == b":2\r\n"
    assert server.reply("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0") == b"$1\r\nx\r\n"
    assert server.reply("BRPOPLPUSH", "src", "dst", "0") == b"$1\r\ny\r\n"
    assert server.reply("LRANGE", "dst", "0", "-1") == bulk_array(b"y", b"x")
    assert server.reply("BLMPOP", "0", "2", "none", "dst", "LEFT", "COUNT", "5") == (
        b"*2\r\n$3\r\ndst\r\n" + bulk_array(b"y", b"x"))
    assert server.reply("ZADD", "z", "1", "a", "2", "b", "3", "c") == b":3\r\n"
    assert server.reply("BZMPOP", "0", "1", "z", "MAX", "COUNT", "2") == (
        b"*2\r\n$1\r\nz\r\n*2\r\n" + bulk_array(b"c", b"3") + bulk_array(b"b", b"2"))


def test_timeouts_reply_a_null_array(server):
    for command in (("BLPOP", "k", "0.05"), ("BRPOP", "k", "0.05"),
                    ("BLMOVE", "k", "d", "LEFT", "LEFT", "0.05"), ("BRPOPLPUSH", "k", "d", "0.05"),
                    ("BLMPOP", "0.05", "1", "k", "LEFT"), ("BZPOPMIN", "k", "0.05"),
                    ("BZPOPMAX", "k", "0.05"), ("BZMPOP", "0.05", "1", "k", "MIN")):
        started = time.monotonic()
        assert server.reply(*command) == NIL_ARRAY, command
        assert 0.04 <= time.monotonic() - started < 2, command
    assert int(server.info("clients")["blocked_clients"]) == 0


@pytest.mark.parametrize("timeout, reply", [
    ("-1", TIMEOUT_NEGATIVE), ("inf", TIMEOUT_NEGATIVE), ("1e16", TIMEOUT_NEGATIVE),
    ("abc", TIMEOUT_NOT_FLOAT), ("", TIMEOUT_NOT_FLOAT), (" 1", TIMEOUT_NOT_FLOAT),
    ("1 ", TIMEOUT_NOT_FLOAT), ("nan", TIMEOUT_NOT_FLOAT), ("1\x00x", TIMEOUT_NOT_FLOAT),
    ("0.0001", NIL_ARRAY), ("1e-10", NIL_ARRAY),
])
def test_timeout_syntax(server, timeout, reply):
    assert server.reply("BLPOP", "k", timeout) == reply
    assert server.reply("BZPOPMIN", "k", timeout) == reply


def test_forms_of_timeout_that_block(server):
    """Hex, a sign, a leading point and -0.0001 (rounded to 0: forever) all block."""
    for timeout in ("0x10", "+1", ".5", "-0.0001", "9223372036854775"):
        conn = blocked_conn(server, "BLPOP", "k", timeout, count=1)
        assert server.reply("RPUSH", "k", "v") == b":1\r\n"
        assert conn.read_reply() == bulk_array(b"k", b"v"), timeout
        wait_blocked(server, 0)


def test_wrong_type_and_arity(server):
    server.reply("SET", "s", "v")
    assert server.reply("BLPOP", "s", "0") == WRONGTYPE
    assert server.reply("BLMOVE", "s", "d", "LEFT", "LEFT", "0") == WRONGTYPE
    assert server.reply("BZPOPMIN", "s", "0") == WRONGTYPE
    server.reply("RPUSH", "l", "x")
    assert server.reply("BLMOVE", "l", "s", "LEFT", "LEFT", "0") == WRONGTYPE
    assert server.reply("LLEN", "l") == b":1\r\n"
    assert server.reply("BLPOP", "k") == arity("blpop")
    assert server.reply("BLMOVE", "l", "d", "UP", "LEFT", "0") == b"-ERR syntax error\r\n"
    assert server.reply("BLMPOP", "0", "0", "k", "LEFT") == (
        b"-ERR numkeys should be greater than 0\r\n")


def test_a_push_from_another_client_wakes_the_waiter(server):
    conn = blocked_conn(server, "BLPOP", "a", "b", "0", count=1)
    assert server.reply("RPUSH", "b", "v1", "v2") == b":2\r\n"
    assert conn.read_reply() == bulk_array(b"b", b"v1")
    assert server.reply("LRANGE", "b", "0", "-1") == bulk_array(b"v2")
    assert int(server.info("clients")["blocked_clients"]) == 0


def test_one_multi_value_push_is_popped_after_the_push_completes(server):
    conn = blocked_conn(server, "BLPOP", "k", "0", count=1)
    server.reply("LPUSH", "k", "a", "b", "c")
    assert conn.read_reply() == bulk_array(b"k", b"c")


def test_waiters_are_served_in_the_order_they_blocked(server):
    conns = [blocked_conn(server, "BRPOP", "q", "0", count=n + 1) for n in range(3)]
    assert server.reply("LPUSH", "q", "1", "2") == b":2\r\n"
    assert conns[0].read_reply() == bulk_array(b"q", b"1")
    assert conns[1].read_reply() == bulk_array(b"q", b"2")
    assert conns[2].read_available(quiet=0.2) == b""
    assert server.reply("LPUSH", "q", "3") == b":1\r\n"
    assert conns[2].read_reply() == bulk_array(b"q", b"3")


def test_pipelined_commands_wait_behind_the_blocked_one(server):
    conn = server.connect_raw()
    conn.send(b"BLPOP k 0\r\nPING\r\nLLEN k\r\n")
    wait_blocked(server, 1)
    assert conn.read_available(quiet=0.2) == b""
    server.reply("RPUSH", "k", "a", "b")
    assert conn.read_replies(3) == bulk_array(b"k", b"a") + b"+PONG\r\n:1\r\n"


def test_blmove_chain_serves_the_next_waiter(server):
    mover = blocked_conn(server, "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0", count=1)
    popper = blocked_conn(server, "BLPOP", "dst", "0", count=2)
    server.reply("RPUSH", "src", "x")
    assert mover.read_reply() == b"$1\r\nx\r\n"
    assert popper.read_reply() == bulk_array(b"dst", b"x")
    assert server.reply("EXISTS", "src", "dst") == b":0\r\n"


def test_brpoplpush_onto_its_own_key_rotates(server):
    conn = blocked_conn(server, "BRPOPLPUSH", "r", "r", "0", count=1)
    server.reply("RPUSH", "r", "a", "b")
    assert conn.read_reply() == b"$1\r\nb\r\n"
    assert server.reply("LRANGE", "r", "0", "-1") == bulk_array(b"b", b"a")


def test_blmpop_and_bzmpop_wake_with_counts(server):
    lists = blocked_conn(server, "BLMPOP", "0", "2", "l1", "l2", "RIGHT", "COUNT", "2", count=1)
    zsets = blocked_conn(server, "BZMPOP", "0", "1", "z", "MIN", "COUNT", "10", count=2)
    server.reply("RPUSH", "l2", "a", "b", "c")
    assert lists.read_reply() == b"*2\r\n$2\r\nl2\r\n" + bulk_array(b"c", b"b")
    server.reply("ZADD", "z", "2", "two", "1", "one")
    assert zsets.read_reply() == (
        b"*2\r\n$1\r\nz\r\n*2\r\n" + bulk_array(b"one", b"1") + bulk_array(b"two", b"2"))


def test_bzpopmin_wakes_on_zadd_and_zincrby(server):
    conn = blocked_conn(server, "BZPOPMIN", "z1", "z2", "0", count=1)
    server.reply("ZINCRBY", "z2", "1.5", "m")
    assert conn.read_reply() == bulk_array(b"z2", b"m", b"1.5")
    conn = blocked_conn(server, "BZPOPMAX", "z1", "0", count=1)
    server.reply("ZADD", "z1", "3", "a", "-inf", "b")
    assert conn.read_reply() == bulk_array(b"z1", b"a", b"3")


def test_a_disconnected_waiter_takes_nothing(server):
    gone = blocked_conn(server, "BLPOP", "k", "0", count=1)
    gone.close()
    wait_blocked(server, 0)
    server.reply("RPUSH", "k", "kept")
    assert server.reply("LRANGE", "k", "0", "-1") == bulk_array(b"kept")


def test_deleting_or_retyping_the_key_keeps_the_client_waiting(server):
    conn = blocked_conn(server, "BLPOP", "k", "0", count=1)
    server.reply("RPUSH", "other", "x")
    server.reply("DEL", "k")
    server.reply("FLUSHDB")
    assert conn.read_available(quiet=0.2) == b""
    server.reply("RPUSH", "k", "now")
    assert conn.read_reply() == bulk_array(b"k", b"now")


def test_rename_and_swapdb_serve_waiters(server):
    conn = blocked_conn(server, "BLPOP", "target", "0", count=1)
    server.reply("RPUSH", "source", "r")
    assert server.reply("RENAME", "source", "target") == b"+OK\r\n"
    assert conn.read_reply() == bulk_array(b"target", b"r")

    waiter = server.connect_raw()
    assert waiter.command("SELECT", "1") == b"+OK\r\n"
    waiter.send_command("BLPOP", "swapped", "0")
    wait_blocked(server, 1)
    server.reply("RPUSH", "swapped", "from-db0")
    assert server.reply("SWAPDB", "0", "1") == b"+OK\r\n"
    assert waiter.read_reply() == bulk_array(b"swapped", b"from-db0")
    server.reply("SWAPDB", "0", "1")


def test_client_unblock_times_out_or_errors(server):
    conn = server.connect_raw()
    client_id = int(conn.command("CLIENT", "ID")[1:-2])
    conn.send_command("BLPOP", "k", "0")
    wait_blocked(server, 1)
    fields = dict(part.split("=", 1) for part in server.reply(
        "CLIENT", "LIST", "ID", str(client_id)).decode().split("\r\n")[1].split())
    assert fields["flags"] == "b" and fields["cmd"] == "blpop"
    assert server.reply("CLIENT", "UNBLOCK", str(client_id)) == b":1\r\n"
    assert conn.read_reply() == NIL_ARRAY
    assert server.reply("CLIENT", "UNBLOCK", str(client_id)) == b":0\r\n"
    conn.send_command("BZPOPMIN", "z", "0")
    wait_blocked(server, 1)
    assert server.reply("CLIENT", "UNBLOCK", str(client_id), "ERROR") == b":1\r\n"
    assert conn.read_reply() == b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
    assert server.reply("CLIENT", "UNBLOCK", str(client_id), "NOW") == (
        b"-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n")
    assert server.reply("CLIENT", "UNBLOCK", "x") == (
        b"-ERR value is not an integer or out of range\r\n")


@pytest.mark.slow
def test_a_concurrent_queue_loses_and_duplicates_nothing(server):
    producers, per_producer, consumers = 4, 2500, 4
    received = [[] for _ in range(consumers)]
    done = threading.Event()

    def consume(index):
        client = server.client()
        while True:
            item = client.brpop(["queue"], timeout=0.2)
            if item is None:
                if done.is_set():
                    return
                continue
            received[index].append(item[1])

    def produce(index):
        client = server.client()
        pipe = client.pipeline(transaction=False)
        for n in range(per_producer):
            pipe.lpush("queue", b"%d:%d" % (index, n))
            if n % 50 == 49:
                pipe.execute()
        pipe.execute()

    consumer_threads = [threading.Thread(target=consume, args=(i,), daemon=True)
                        for i in range(consumers)]
    for thread in consumer_threads:
        thread.start()
    producer_threads = [threading.Thread(target=produce, args=(i,), daemon=True)
                        for i in range(producers)]
    for thread in producer_threads:
        thread.start()
    try:
        join_threads(producer_threads, 120, "producers")
    finally:
        done.set()  # so the consumers stop even when a producer is stuck
    join_threads(consumer_threads, 60, "consumers")
    everything = [item for items in received for item in items]
    assert len(everything) == producers * per_producer
    assert set(everything) == {b"%d:%d" % (p, n) for p in range(producers)
                               for n in range(per_producer)}
    # Each producer's items reach the queue, and so each consumer, in order.
    for items in received:
        for producer in range(producers):
            mine = [int(i.split(b":")[1]) for i in items if i.startswith(b"%d:" % producer)]
            assert mine == sorted(mine)


def test_a_waiter_is_served_only_by_its_own_type(server):
    """Redis 7.0 leaves a BLPOP waiting when a sorted set appears at its key."""
    conn = blocked_conn(server, "BLPOP", "k", "0", count=1)
    assert server.reply("ZADD", "k", "1", "m") == b":1\r\n"
    assert conn.read_available(quiet=0.2) == b""
    assert server.reply("ZCARD", "k") == b":1\r\n"
    server.reply("DEL", "k")
    server.reply("RPUSH", "k", "v")
    assert conn.read_reply() == bulk_array(b"k", b"v")


def test_info_counts_blocked_clients_and_those_with_a_deadline(server):
    forever = blocked_conn(server, "BLPOP", "k", "0", count=1)
    timed = blocked_conn(server, "BZPOPMIN", "z", "100", count=2)
    clients = server.info("clients")
    assert (clients["blocked_clients"], clients["clients_in_timeout_table"]) == ("2", "1")
    forever.close()
    timed.close()
    wait_blocked(server, 0)
    assert server.info("clients")["clients_in_timeout_table"] == "0"
