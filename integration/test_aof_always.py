"""appendfsync always as group commit: a reply that depends on a write goes
out only once the background fsync covering that write has finished, while
the loop goes on serving everything else. DEBUG AOF-SYNC-DELAY makes each
sync slow (as a slow disk would), so the waits can be seen."""

import signal
import socket
import threading
import time

from server_process import join_threads, wait_until

AOF_ALWAYS = ("--appendonly", "yes", "--appendfsync", "always")
SYNC_DELAY_S = 1.0


def slow_syncs(handle):
    handle.client().execute_command("DEBUG", "AOF-SYNC-DELAY", int(SYNC_DELAY_S * 1e6))


def wait_written(handle, key):
    """Waits for key to exist without reading it as a client would: DEBUG
    DIGEST-VALUE is not held for unsynced writes, as GET or EXISTS are."""
    control = handle.client()
    wait_until(lambda: control.execute_command("DEBUG", "DIGEST-VALUE", key) != [b"0" * 40],
               10, message="the write of %r to run" % key)


def timed_in_thread(call):
    """Runs call in a thread; the result dict gets its value and when it returned."""
    result = {}

    def run():
        result["value"] = call()
        result["done"] = time.monotonic()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def test_a_write_is_acknowledged_after_its_sync_and_the_loop_serves_others_meanwhile(
        start_server):
    handle = start_server(*AOF_ALWAYS)
    handle.client().set("other", "old")
    slow_syncs(handle)
    started = time.monotonic()
    writer, written = timed_in_thread(lambda: handle.client().set("k", "v"))
    wait_written(handle, "k")
    # While the sync runs: reads of other keys, PING and INFO are answered.
    reader = handle.client()
    assert reader.get("other") == b"old"
    assert reader.ping() is True
    assert reader.info("persistence")["aof_enabled"] == 1
    assert "done" not in written, "the SET was acknowledged before its sync could finish"
    # A read of the written key waits for the same sync.
    assert reader.get("k") == b"v"
    assert time.monotonic() - started >= SYNC_DELAY_S * 0.9
    join_threads([writer], 10 + SYNC_DELAY_S, "the SET's reply")
    assert written["value"] is True
    assert written["done"] - started >= SYNC_DELAY_S * 0.9


def test_reads_of_the_whole_keyspace_wait_for_unsynced_writes(start_server):
    handle = start_server(*AOF_ALWAYS)
    slow_syncs(handle)
    started = time.monotonic()
    writer, _ = timed_in_thread(lambda: handle.client().set("k", "v"))
    reader = handle.client()
    wait_until(lambda: reader.execute_command("DEBUG", "DIGEST") != b"0" * 40,
               10, message="the SET to run")
    assert reader.dbsize() == 1
    assert time.monotonic() - started >= SYNC_DELAY_S * 0.9
    join_threads([writer], 10 + SYNC_DELAY_S, "the SET's reply")


def test_a_pipeline_keeps_its_order_and_a_transaction_waits_whole(start_server):
    handle = start_server(*AOF_ALWAYS)
    slow_syncs(handle)
    client = handle.client()
    started = time.monotonic()
    pipe = client.pipeline(transaction=False)
    pipe.ping()
    pipe.incr("n")
    pipe.ping()
    pipe.get("unwritten")
    assert pipe.execute() == [True, 1, True, None]
    assert time.monotonic() - started >= SYNC_DELAY_S * 0.9
    started = time.monotonic()
    tx = client.pipeline(transaction=True)
    tx.incr("n")
    tx.get("n")
    assert tx.execute() == [2, b"2"]
    assert time.monotonic() - started >= SYNC_DELAY_S * 0.9


def test_a_served_blocked_pop_waits_for_the_push_to_be_synced(start_server):
    handle = start_server(*AOF_ALWAYS)
    slow_syncs(handle)
    control = handle.client()
    waiter, popped = timed_in_thread(lambda: handle.client().blpop("queue", 30))
    wait_until(lambda: control.info("clients")["blocked_clients"] == 1, 10,
               message="BLPOP to block")
    started = time.monotonic()
    pusher, pushed = timed_in_thread(lambda: handle.client().rpush("queue", "job"))
    join_threads([waiter, pusher], 10 + SYNC_DELAY_S, "the push and the served pop")
    assert popped["value"] == (b"queue", b"job")
    assert pushed["value"] == 1
    assert popped["done"] - started >= SYNC_DELAY_S * 0.9


def test_a_client_gone_before_its_sync_loses_nothing(start_server):
    handle = start_server(*AOF_ALWAYS)
    slow_syncs(handle)
    with socket.create_connection(("127.0.0.1", handle.port), timeout=10) as sock:
        sock.sendall(b"*3\r\n$3\r\nSET\r\n$4\r\ngone\r\n$1\r\n1\r\n")
        wait_written(handle, "gone")
    client = handle.client()
    client.set("after", 1)
    assert handle.alive()
    handle.process.send_signal(signal.SIGKILL)
    handle.wait_exit()
    handle.start()
    assert handle.client().mget("gone", "after") == [b"1", b"1"]


def test_sigterm_sends_the_held_replies_before_exiting(start_server):
    handle = start_server(*AOF_ALWAYS)
    slow_syncs(handle)
    writer, written = timed_in_thread(lambda: handle.client().set("k", "v"))
    wait_written(handle, "k")
    assert "done" not in written
    handle.process.send_signal(signal.SIGTERM)
    join_threads([writer], 10 + SYNC_DELAY_S, "the SET's reply")
    assert written["value"] is True
    handle.wait_exit()
    assert handle.process.returncode == 0
    handle.start()
    assert handle.client().get("k") == b"v"


def test_held_replies_go_out_after_a_switch_to_appendfsync_no(start_server):
    handle = start_server(*AOF_ALWAYS)
    slow_syncs(handle)
    client = handle.client()
    # The write's batch reaches the file only after the switch: its reply
    # still gets a sync.
    tx = client.pipeline(transaction=True)
    tx.set("k", "v")
    tx.config_set("appendfsync", "no")
    assert tx.execute() == [True, True]
    started = time.monotonic()
    client.set("k2", "v")
    assert time.monotonic() - started < SYNC_DELAY_S, "appendfsync no waited for a sync"


def test_a_key_moved_to_another_db_is_read_there_only_after_the_sync(start_server):
    handle = start_server(*AOF_ALWAYS)
    handle.client().set("k", "v")
    slow_syncs(handle)
    started = time.monotonic()
    mover, moved = timed_in_thread(lambda: handle.client().move("k", 1))
    reader = handle.client(db=1)
    wait_until(lambda: reader.execute_command("DEBUG", "DIGEST-VALUE", "k") != [b"0" * 40],
               10, message="the MOVE to run")
    assert reader.get("k") == b"v"
    assert time.monotonic() - started >= SYNC_DELAY_S * 0.9
    join_threads([mover], 10 + SYNC_DELAY_S, "the MOVE's reply")
    assert moved["value"] is True


def test_a_keyspace_event_waits_for_the_sync_of_its_write(start_server):
    handle = start_server(*AOF_ALWAYS, "--notify-keyspace-events", "KA")
    subscriber = handle.client().pubsub()
    subscriber.psubscribe("__keyspace@0__:*")
    assert subscriber.get_message(timeout=10)["type"] == "psubscribe"
    slow_syncs(handle)
    started = time.monotonic()
    writer, _ = timed_in_thread(lambda: handle.client().set("k", "v"))
    message = None
    deadline = time.monotonic() + 10 + SYNC_DELAY_S
    while message is None and time.monotonic() < deadline:
        message = subscriber.get_message(timeout=0.1)
    assert message is not None, "no keyspace event within %ss" % (10 + SYNC_DELAY_S)
    assert message["data"] == b"set"
    assert time.monotonic() - started >= SYNC_DELAY_S * 0.9
    join_threads([writer], 10 + SYNC_DELAY_S, "the SET's reply")
    subscriber.close()
