"""Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH, with redis-py's
pipelines and an optimistic-lock retry loop.

Replies are compared byte for byte with redis-server 7.0, and every WATCH
scenario runs on both servers; the tests also run against it with
FKVS_TEST_TARGET=redis."""

import threading
import time

import pytest
import redis

from replies import OK, WRONGTYPE, arity, array, bulk, integer
from server_process import TARGET, join_threads
from transcript import check_transcript

QUEUED = b"+QUEUED\r\n"
NULL_ARRAY = b"*-1\r\n"
NULL_BULK = b"$-1\r\n"
EXECABORT = b"-EXECABORT Transaction discarded because of previous errors.\r\n"


def test_queuing_and_exec_replies(assert_same):
    check_transcript(assert_same, [
        ("EXEC", b"-ERR EXEC without MULTI\r\n"),
        ("DISCARD", b"-ERR DISCARD without MULTI\r\n"),
        ("MULTI", OK),
        ("MULTI", b"-ERR MULTI calls can not be nested\r\n"),
        ("WATCH x", b"-ERR WATCH inside MULTI is not allowed\r\n"),
        ("SET a 1", QUEUED),
        ("INCR a", QUEUED),
        ("LPUSH a x", QUEUED),
        ("GET a", QUEUED),
        ("UNWATCH", QUEUED),
        # Runtime errors stay with their command; the nested MULTI and the
        # WATCH above did not doom the transaction.
        ("EXEC", array(OK, integer(2), WRONGTYPE, bulk("2"), OK)),
        ("MULTI", OK),
        ("EXEC", b"*0\r\n"),
        ("MULTI", OK),
        ("SET a 2", QUEUED),
        ("DISCARD", OK),
        ("GET a", bulk("2")),
        ("DISCARD", b"-ERR DISCARD without MULTI\r\n"),
    ])


def test_rejected_while_queuing_aborts_exec(assert_same):
    check_transcript(assert_same, [
        ("MULTI", OK),
        ("SET a", arity("set")),
        ("SET b 1", QUEUED),
        ("EXEC", EXECABORT),
        ("EXISTS b", integer(0)),
        ("MULTI", OK),
        ("NOSUCH x", b"-ERR unknown command 'NOSUCH', with args beginning with: 'x' \r\n"),
        ("EXEC", EXECABORT),
        ("MULTI", OK),
        ("CONFIG NOSUCH", b"-ERR unknown subcommand 'NOSUCH'. Try CONFIG HELP.\r\n"),
        ("EXEC", EXECABORT),
        ("MULTI", OK),
        ("SHUTDOWN", b"-ERR Command not allowed inside a transaction\r\n"),
        ("EXEC", EXECABORT),
        # The aborted transaction is over: a new one starts clean.
        ("MULTI", OK),
        ("SET b 2", QUEUED),
        ("EXEC", array(OK)),
    ])


def test_a_refused_exec_discards_the_transaction_and_says_why(assert_same):
    check_transcript(assert_same, [
        ("EXEC x", b"-EXECABORT Transaction discarded because of: wrong number of arguments for"
                   b" 'exec' command\r\n"),
        ("MULTI", OK),
        ("SET a 1", QUEUED),
        ("EXEC x", b"-EXECABORT Transaction discarded because of: wrong number of arguments for"
                   b" 'exec' command\r\n"),
        ("EXEC", b"-ERR EXEC without MULTI\r\n"),
        ("EXISTS a", integer(0)),
    ])


NOREPLICAS = b"-NOREPLICAS Not enough good replicas to write.\r\n"


def noreplicas_replies(handle):
    """min-replicas-to-write on a master without replicas, from two connections."""
    conn, admin = handle.connect_raw(), handle.connect_raw()
    replies = [conn.command("SET", "xx", "1"), conn.command("MULTI"), conn.command("INCR", "xx"),
               admin.command("CONFIG", "SET", "min-replicas-to-write", "2"),
               conn.command("EXEC"), conn.command("GET", "xx"), conn.command("SET", "xx", "2"),
               conn.command("PING"),
               conn.command("MULTI"), conn.command("SET", "xx", "3"), conn.command("GET", "xx"),
               conn.command("EXEC"),
               conn.command("EVAL", "return redis.call('set', 'xx', '4')", "0"),
               conn.command("EVAL", "#!lua\nreturn redis.call('set', 'xx', '4')", "0"),
               conn.command("EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'xx')", "0"),
               admin.command("CONFIG", "SET", "min-replicas-max-lag", "0"),
               conn.command("SET", "xx", "5"),
               admin.command("CONFIG", "SET", "min-replicas-max-lag", "10"),
               admin.command("CONFIG", "SET", "min-slaves-to-write", "0"),
               conn.command("SET", "xx", "6")]
    return replies


def test_min_replicas_to_write_refuses_writes_without_replicas(server, reference):
    """As a Redis master with no replicas: writes, EXEC of a queue holding a
    write (also one queued before the option was set) and writing scripts get
    NOREPLICAS; reads go on; min-replicas-max-lag 0 turns the check off."""
    for handle in (server, reference):
        handle.client().flushall()
    replies = noreplicas_replies(server)
    assert replies == noreplicas_replies(reference)
    assert replies[4] == (b"-EXECABORT Transaction discarded because of: NOREPLICAS Not enough "
                          b"good replicas to write.\r\n")
    assert replies[5] == bulk("1")  # the queued INCR never ran
    assert replies[6] == NOREPLICAS and replies[9] == NOREPLICAS
    assert replies[11] == EXECABORT
    assert replies[13] == NOREPLICAS and replies[14] == bulk("1")
    assert replies[16] == OK and replies[19] == OK


def test_blocking_commands_inside_exec_answer_at_once(assert_same):
    check_transcript(assert_same, [
        ("ZADD z 1 m", integer(1)),
        ("MULTI", OK),
        ("BLPOP nolist 0", QUEUED),
        ("BRPOP nolist 0", QUEUED),
        ("BLMOVE nolist dst LEFT LEFT 0", QUEUED),
        ("BRPOPLPUSH nolist dst 0", QUEUED),
        ("BZPOPMIN nozset 0", QUEUED),
        ("BLMPOP 0 1 nolist LEFT", QUEUED),
        ("BZMPOP 0 1 nozset MIN", QUEUED),
        ("RPUSH l a", QUEUED),
        ("BLPOP l 0", QUEUED),
        ("BZPOPMAX z 0", QUEUED),
        ("EXEC", array(NULL_ARRAY, NULL_ARRAY, NULL_BULK, NULL_BULK, NULL_ARRAY, NULL_ARRAY,
                       NULL_ARRAY, integer(1), array("l", "a"), array("z", "m", "1"))),
    ])


def test_subscribe_inside_exec_and_reset(assert_same):
    check_transcript(assert_same, [
        ("MULTI", OK),
        ("SUBSCRIBE c", QUEUED),
        ("SSUBSCRIBE s", QUEUED),
        ("EXEC", array(array("subscribe", "c", integer(1)),
                       b"-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n")),
        ("UNSUBSCRIBE", array("unsubscribe", "c", integer(0))),
        ("MULTI", OK),
        ("SET k v", QUEUED),
        ("RESET", b"+RESET\r\n"),
        ("EXEC", b"-ERR EXEC without MULTI\r\n"),
        ("EXISTS k", integer(0)),
        ("MULTI", OK),
    ])


def transaction_outcome(handle, setup, interfere, watch=("k",), between=None):
    """Runs setup on a fresh db, WATCHes keys on one client, lets another
    client interfere, then runs MULTI / SET k done / EXEC; returns EXEC's reply."""
    handle.flushall()
    helper = handle.client()
    for command in setup:
        helper.execute_command(*command)
    watcher = handle.client()
    watcher.execute_command("WATCH", *watch)
    for command in interfere:
        if command[0] == "sleep":
            time.sleep(command[1])
        else:
            helper.execute_command(*command)
    if between:
        between(watcher)
    watcher.execute_command("MULTI")
    watcher.execute_command("SET", "k", "done")
    return watcher.execute_command("EXEC")


BROKEN = None
RAN = [b"OK"]

WATCH_SCENARIOS = {
    "set": ([], [("SET", "k", "v")], BROKEN),
    "set_other_key": ([], [("SET", "other", "v")], RAN),
    "same_key_in_other_db": ([], [("SELECT", 1), ("SET", "k", "v"), ("SELECT", 0)], RAN),
    "read": ([("SET", "k", "v")], [("GET", "k"), ("EXISTS", "k"), ("TTL", "k")], RAN),
    "del": ([("SET", "k", "v")], [("DEL", "k")], BROKEN),
    "del_missing": ([], [("DEL", "k")], RAN),
    "incr": ([], [("INCR", "k")], BROKEN),
    "append": ([("SET", "k", "v")], [("APPEND", "k", "w")], BROKEN),
    "lpush": ([], [("LPUSH", "k", "a")], BROKEN),
    "lpop_emptying": ([("LPUSH", "k", "a")], [("LPOP", "k")], BROKEN),
    "hset": ([], [("HSET", "k", "f", "v")], BROKEN),
    "sadd": ([], [("SADD", "k", "m")], BROKEN),
    "sadd_existing_member": ([("SADD", "k", "m")], [("SADD", "k", "m")], RAN),
    "zadd": ([], [("ZADD", "k", "1", "m")], BROKEN),
    "expire": ([("SET", "k", "v")], [("EXPIRE", "k", "100")], BROKEN),
    "persist": ([("SET", "k", "v", "EX", "100")], [("PERSIST", "k")], BROKEN),
    "rename_from": ([("SET", "k", "v")], [("RENAME", "k", "other")], BROKEN),
    "rename_to": ([("SET", "other", "v")], [("RENAME", "other", "k")], BROKEN),
    "move": ([("SET", "k", "v")], [("MOVE", "k", "1")], BROKEN),
    "copy_to": ([("SET", "other", "v")], [("COPY", "other", "k")], BROKEN),
    "flushdb": ([("SET", "k", "v")], [("FLUSHDB",)], BROKEN),
    "flushdb_without_the_key": ([("SET", "other", "v")], [("FLUSHDB",)], RAN),
    "flushall": ([("SET", "k", "v")], [("FLUSHALL",)], BROKEN),
    "swapdb_key_here": ([("SET", "k", "v")], [("SWAPDB", "0", "1")], BROKEN),
    "swapdb_key_there": ([("SELECT", 1), ("SET", "k", "v"), ("SELECT", 0)],
                         [("SWAPDB", "0", "1")], BROKEN),
    "swapdb_key_nowhere": ([("SET", "other", "v")], [("SWAPDB", "0", "1")], RAN),
    "lazy_expiry": ([("SET", "k", "v", "PX", "50")], [("sleep", 0.1), ("GET", "k")], BROKEN),
    # Expired but not yet reclaimed at EXEC counts as changed.
    "expires_unreclaimed": ([("SET", "k", "v", "PX", "50")], [("sleep", 0.1)], BROKEN),
    "blmove_destination": ([("LPUSH", "src", "a")], [("LMOVE", "src", "k", "LEFT", "LEFT")],
                           BROKEN),
}


@pytest.mark.parametrize("name", sorted(WATCH_SCENARIOS))
def test_watch_is_broken_by_every_change(server, reference, name):
    setup, interfere, expected = WATCH_SCENARIOS[name]
    for handle in (reference, server):
        handle.client().execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
        try:
            assert transaction_outcome(handle, setup, interfere) == expected, handle.target
        finally:
            handle.client().execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def test_active_expiry_breaks_a_watch(server, reference):
    def reclaimed_by_the_cycle(watcher):
        # DBSIZE counts expired keys not yet reclaimed.
        assert watcher.dbsize() == 0

    for handle in (reference, server):
        assert transaction_outcome(handle, [("SET", "k", "v", "PX", "50")], [("sleep", 0.5)],
                                   between=reclaimed_by_the_cycle) is BROKEN


def test_key_already_expired_when_watched_is_no_change_once_reclaimed(server, reference):
    for handle in (reference, server):
        admin = handle.client()
        admin.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
        try:
            handle.flushall()
            admin.set("k", "v", px=1)
            time.sleep(0.05)
            watcher = handle.client()
            watcher.execute_command("WATCH", "k")
            assert admin.get("k") is None  # lazily reclaimed now
            watcher.execute_command("MULTI")
            watcher.execute_command("SET", "k", "done")
            assert watcher.execute_command("EXEC") == RAN, handle.target
        finally:
            admin.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def test_own_write_after_watch_breaks_it_and_unwatch_clears_it(server, reference):
    def own_write(watcher):
        watcher.set("k", "mine")

    def own_write_then_unwatch(watcher):
        watcher.set("k", "mine")
        watcher.execute_command("UNWATCH")

    for handle in (reference, server):
        assert transaction_outcome(handle, [], [], between=own_write) is BROKEN
        assert transaction_outcome(handle, [], [], between=own_write_then_unwatch) == RAN
        # A transaction's own writes never count against it, and EXEC unwatches.
        watcher = handle.client()
        watcher.execute_command("WATCH", "k")
        pipe = watcher.pipeline()
        pipe.set("k", "1").incr("k")
        assert pipe.execute() == [True, 2]
        watcher.set("k", "3")


def test_client_list_shows_multi_and_dirty_watch(server):
    client = server.connect_raw()
    other = server.client()

    def entry():
        return next(e for e in other.client_list() if e["name"] == "txn")

    assert client.command("CLIENT", "SETNAME", "txn") == OK
    assert client.command("WATCH", "k") == OK
    other.set("k", "v")
    assert (entry()["flags"], entry()["multi"]) == ("d", "-1")
    assert client.command("MULTI") == OK
    assert client.command("SET", "a", "1") == QUEUED
    assert client.command("SET", "b", "2") == QUEUED
    # A doomed transaction answers QUEUED but keeps nothing, as in Redis.
    assert (entry()["flags"], entry()["multi"], entry()["multi-mem"]) == ("xd", "0", "0")
    assert client.command("EXEC") == NULL_ARRAY
    assert (entry()["flags"], entry()["multi"]) == ("N", "-1")
    assert client.command("MULTI") == OK
    assert client.command("SET", "a", "1") == QUEUED
    assert (entry()["flags"], entry()["multi"]) == ("x", "1")
    assert int(entry()["multi-mem"]) > 0


def test_redis_py_pipelines_with_and_without_transaction(server):
    client = server.client()
    with client.pipeline() as pipe:
        pipe.set("a", 1).incr("a").lpush("a", "x").get("a")
        results = pipe.execute(raise_on_error=False)
    assert results[:2] == [True, 2]
    assert isinstance(results[2], redis.ResponseError) and "WRONGTYPE" in str(results[2])
    assert results[3] == b"2"
    with client.pipeline(transaction=False) as pipe:
        pipe.incr("n").incr("n").get("n")
        assert pipe.execute() == [1, 2, b"2"]
    with client.pipeline() as pipe:
        pipe.set("x", "1")
        pipe.execute_command("NOSUCH")
        with pytest.raises(redis.ResponseError, match="unknown command"):
            pipe.execute()
    assert client.exists("x") == 0


def test_optimistic_lock_retry_loop_loses_no_increment(server):
    writers, increments = 4, 150
    retries = []
    stop = threading.Event()

    def writer():
        client = server.client()
        for _ in range(increments):
            while not stop.is_set():
                with client.pipeline() as pipe:
                    try:
                        pipe.watch("counter")
                        value = int(pipe.get("counter") or 0)
                        pipe.multi()
                        pipe.set("counter", value + 1)
                        pipe.execute()
                        break
                    except redis.WatchError:
                        retries.append(1)

    threads = [threading.Thread(target=writer, daemon=True) for _ in range(writers)]
    for thread in threads:
        thread.start()
    try:
        join_threads(threads, 120, "optimistic-lock writers")
    finally:
        stop.set()  # a writer whose WATCH never stops failing would retry forever
    assert int(server.client().get("counter")) == writers * increments
    # The writers did contend: some transactions failed and were retried.
    assert len(retries) > 0


def test_ten_thousand_queued_commands(server):
    raw = server.connect_raw(timeout=60)
    count = 10_000
    raw.send(b"MULTI\r\n" + b"INCR n\r\n" * count + b"EXEC\r\n")
    assert raw.read_replies(1 + count) == OK + QUEUED * count
    assert raw.read_reply() == b"*%d\r\n" % count + b"".join(
        integer(i) for i in range(1, count + 1))
    assert server.client().get("n") == b"%d" % count


def test_pipeline_of_a_thousand_transactions(server):
    raw = server.connect_raw(timeout=60)
    count = 1000
    raw.send(b"MULTI\r\nINCR n\r\nINCR m\r\nEXEC\r\n" * count)
    replies = raw.read_replies(4 * count)
    expected = b"".join(OK + QUEUED + QUEUED + array(integer(i), integer(i))
                        for i in range(1, count + 1))
    assert replies == expected


def test_pushes_inside_exec_wake_blocked_clients_after_it(server, reference):
    """The waiter is served once the transaction has run: it sees both pushes."""
    for handle in (reference, server):
        handle.flushall()
        waiter = handle.connect_raw()
        waiter.send_command("BLPOP", "q", "5")
        pusher = handle.client()
        deadline = time.monotonic() + 5
        while int(handle.info("clients")["blocked_clients"]) != 1:
            assert time.monotonic() < deadline, "the waiter never blocked"
            time.sleep(0.01)
        pipe = pusher.pipeline()
        pipe.lpush("q", "a").lpush("q", "b")
        assert pipe.execute() == [1, 2]
        assert waiter.read_reply() == array("q", "b"), handle.target
        assert pusher.lrange("q", 0, -1) == [b"a"]


def test_transaction_is_atomic_for_other_clients(server):
    """A reader never sees half of a transaction's writes."""
    writer = server.client()
    reader = server.client()
    stop = threading.Event()
    seen = []

    def read():
        while not stop.is_set():
            a, b = reader.mget("a", "b")
            seen.append((a, b))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    try:
        for i in range(300):
            pipe = writer.pipeline()
            pipe.set("a", i).set("b", i)
            pipe.execute()
    finally:
        stop.set()
        join_threads([thread], 10, "MGET reader")
    assert seen and all(a == b for a, b in seen)


@pytest.mark.skipif(TARGET == "redis", reason="Redis lets a MULTI queue grow without bound")
def test_a_multi_queue_is_held_to_the_query_buffer_limit(start_server):
    """Queued commands are kept until EXEC, so they count against
    client-query-buffer-limit like unparsed input does: past it, the client
    is closed instead of growing the queue without bound."""
    handle = start_server("--client-query-buffer-limit", "1mb")
    raw = handle.connect_raw(timeout=20)
    value = b"v" * 1000
    command = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000\r\n" + value + b"\r\n"
    raw.send(b"MULTI\r\n")
    assert raw.read_reply() == OK
    raw.send(command * 2000)
    received = raw.read_until_close()
    queued = received.count(QUEUED)
    assert received == QUEUED * queued
    assert 500 < queued < 1100  # about 1 MB of queued SETs, then the limit
    other = handle.client()
    assert other.exists("k") == 0  # nothing of it ran
    assert other.info("stats")["client_query_buffer_limit_disconnections"] == 1
    # Below the limit a big transaction is fine.
    pipe = other.pipeline()
    for _ in range(500):
        pipe.set("k", value)
    assert pipe.execute() == [True] * 500
