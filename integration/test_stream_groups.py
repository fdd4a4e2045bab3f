"""Consumer groups: XGROUP, XREADGROUP (with BLOCK), XACK, XPENDING, XCLAIM,
XAUTOCLAIM and XINFO GROUPS/CONSUMERS, their errors, the 7.0 entries-read
and lag counters, propagation to the AOF, and a work queue whose consumers
crash that loses and duplicates nothing.

Deterministic cases run on fkvs and on redis-server 7.0 and compare the
replies byte for byte, in RESP2 and RESP3."""

import random
import threading
import time

import pytest

from resp import parse_reply
from server_process import join_threads, wait_until
from test_scripting import run_commands
from test_streams import (AOF, argvs, blocked, entry, one_stream, same, same_propagation,  # noqa: F401
                          same_shape, wait_blocked)

PROTOCOLS = pytest.mark.parametrize("protocol", [2, 3])
ENTRIES = ["XADD s 1-1 a 1", "XADD s 2-1 b 2", "XADD s 3-1 c 3", "XADD s 4-1 d 4"]


@PROTOCOLS
def test_xgroup_subcommands_and_errors(same, protocol):
    same(ENTRIES + [
        "XGROUP CREATE nokey g $", "XGROUP CREATE nokey g $ MKSTREAM foo",
        "XGROUP CREATE nokey g $ ENTRIESREAD -5 MKSTREAM", "XGROUP CREATE nokey g $ ENTRIESREAD",
        "XGROUP CREATE nokey g - MKSTREAM", "XGROUP CREATE nokey g + MKSTREAM",
        "XGROUP CREATE nokey g abc MKSTREAM", "XGROUP CREATE nokey g3 $ MKSTREAM ENTRIESREAD 5",
        "XGROUP CREATE nokey g3 $ MKSTREAM", "XINFO GROUPS nokey", "XLEN nokey",
        "XGROUP CREATE s g 5 ENTRIESREAD 1", "XGROUP CREATE s g0 0 entriesread 1",
        "XGROUP CREATE s G 0", "XGROUP CREATE s g1 0 ENTRIESREAD -1",
        "XGROUP CREATE s g 0 MKSTREAM MKSTREAM MKSTREAM MKSTREAM",
        "XGROUP CREATE s gx 0 ENTRIESREAD x", "XINFO GROUPS s",
        "XGROUP SETID s g", "XGROUP SETID s nog 0", "XGROUP SETID s g 0 ENTRIESREAD",
        "XGROUP SETID s g 0 ENTRIESREAD x", "XGROUP SETID s g 0 foo 3",
        "XGROUP SETID s g 0 ENTRIESREAD -3", "XGROUP SETID s g -", "XGROUP SETID s g +",
        "XGROUP SETID s g abc", "XGROUP SETID s g 1 ENTRIESREAD 3", "XINFO GROUPS s",
        "XGROUP SETID s g $", "XINFO GROUPS s", "XGROUP SETID nokey2 g 0",
        "XGROUP CREATECONSUMER s g c1", "XGROUP CREATECONSUMER s g c1",
        "XGROUP CREATECONSUMER s nog c1", "XGROUP CREATECONSUMER nokey2 g c1",
        "XGROUP CREATECONSUMER s g", "XGROUP DELCONSUMER s g c9", "XGROUP DELCONSUMER s g c1",
        "XGROUP DELCONSUMER s nog c1", "XGROUP DESTROY s g9", "XGROUP DESTROY s G",
        "XGROUP DESTROY nokey2 g", "XGROUP DESTROY s", "XGROUP foo s g", "XGROUP create s",
        "XGROUP HELP", "XGROUP help x", "XGROUP", "SET str 1", "XGROUP CREATE str g $",
        "XGROUP DESTROY str g", "XGROUP SETID str g 0", "XINFO GROUPS s"], protocol)


@PROTOCOLS
def test_xreadgroup_new_and_history(same, protocol):
    same(ENTRIES + ["XGROUP CREATE s g 0", "XGROUP CREATE s late $", "SET str x",
                    "XREADGROUP GROUP g alice COUNT 1 STREAMS s >",
                    "XREADGROUP GROUP g bob COUNT 2 STREAMS s >",
                    "XREADGROUP GROUP g alice STREAMS s 0", "XREADGROUP GROUP g bob STREAMS s 2-1",
                    "XREADGROUP GROUP g nobody STREAMS s 0", "XREADGROUP GROUP late x STREAMS s >",
                    "XDEL s 2-1", "XREADGROUP GROUP g bob STREAMS s 0",
                    "XREADGROUP GROUP g carol NOACK STREAMS s >",
                    "XREADGROUP GROUP g carol NOACK STREAMS s >", "XADD s 5-1 e 5",
                    "XREADGROUP GROUP g alice COUNT 1 STREAMS s s > 0",
                    "XREADGROUP GROUP g alice STREAMS s 18446744073709551615-18446744073709551615",
                    "XREADGROUP GROUP g alice BLOCK 10 STREAMS s 0", "XINFO GROUPS s",
                    "XREADGROUP GROUP g c STREAMS s", "XREADGROUP GROUP g0 c STREAMS s $",
                    "XREADGROUP GROUP g c STREAMS s 0 s2", "XREADGROUP STREAMS s >",
                    "XREADGROUP COUNT 1 BLOCK 1 STREAMS s >", "XREADGROUP GROUP g STREAMS s >",
                    "XREADGROUP GROUP nog c STREAMS s >", "XREADGROUP GROUP g c STREAMS s nokey > >",
                    "XREADGROUP GROUP g c STREAMS s str > >",
                    "XREADGROUP GROUP g c STREAMS str s > >", "XREADGROUP GROUP g c STREAMS s abc",
                    "XREADGROUP GROUP g c NOACK COUNT x STREAMS s >",
                    "XREADGROUP GROUP g c BLOCK -1 STREAMS s >",
                    "MULTI", "XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "EXEC",
                    "EVAL \"return redis.call('xreadgroup','group','g','c','block','0','streams','s','>')\" 0",
                    ], protocol)


@PROTOCOLS
def test_xack_and_xpending(same, protocol):
    same(ENTRIES + ["XGROUP CREATE s g 0", "XGROUP CREATE s empty $", "SET str x",
                    "XPENDING s g", "XREADGROUP GROUP g alice COUNT 3 STREAMS s >",
                    "XREADGROUP GROUP g bob STREAMS s >", "XPENDING s g", "XPENDING s empty",
                    "XPENDING s g - + 10 nobody", "XPENDING s g - +", "XPENDING s g - + x",
                    "XPENDING s g - + -5", "XPENDING s g (- + 5", "XPENDING s g - (0-0 5",
                    "XPENDING s g (18446744073709551615-18446744073709551615 + 5",
                    "XPENDING s g IDLE 0 - +", "XPENDING s g IDLE x - + 10",
                    "XPENDING s g - + 10 alice x y z", "XPENDING s nog", "XPENDING nokey g",
                    "XPENDING str g", "XPENDING nokey g - + 10",
                    "XACK s g 1-1 abc", "XACK s g 1-1 1-1 9", "XACK s g 1-1", "XACK s nog 1",
                    "XACK nokey g 1", "XACK str g 1", "XPENDING s g", "XACK s g 2 3 4",
                    "XPENDING s g", "XGROUP DELCONSUMER s g alice", "XINFO GROUPS s"], protocol)


def test_xpending_extended_with_idle(same_shape, server):
    for protocol in (2, 3):
        same_shape(ENTRIES + ["XGROUP CREATE s g 0", "XREADGROUP GROUP g alice COUNT 2 STREAMS s >",
                              "XREADGROUP GROUP g bob STREAMS s >", "XPENDING s g - + 10",
                              "XPENDING s g (1-1 (4-1 1", "XPENDING s g IDLE 0 - + 10 bob",
                              "XPENDING s g IDLE 3600000 - + 10", "XINFO CONSUMERS s g"],
                   protocol)
    time.sleep(0.02)
    idle, none = [parse_reply(reply)[0] for reply in run_commands(server, [
        ["XPENDING", "s", "g", "IDLE", "10", "-", "+", "10"],
        ["XPENDING", "s", "g", "IDLE", "3600000", "-", "+", "10"]])]
    assert [item[0] for item in idle] == [b"1-1", b"2-1", b"3-1", b"4-1"]
    assert all(item[2] >= 10 for item in idle)
    assert none == []


@PROTOCOLS
def test_xclaim(same, protocol):
    same(ENTRIES + ["XGROUP CREATE s g 0", "SET str x",
                    "XREADGROUP GROUP g alice STREAMS s >",
                    "XCLAIM s g bob x 1-1", "XCLAIM s g bob -5 1-1", "XCLAIM s g bob 0 abc",
                    "XCLAIM s g bob 0 1-1 abc", "XCLAIM s g bob 0 1-1 IDLE x",
                    "XCLAIM s g bob 0 1-1 TIME x", "XCLAIM s g bob 0 1-1 RETRYCOUNT x",
                    "XCLAIM s g bob 0 1-1 LASTID x", "XCLAIM s g bob 0 1-1 IDLE",
                    "XCLAIM s nog bob 0 1-1", "XCLAIM nokey g bob 0 1-1", "XCLAIM str g bob 0 1-1",
                    "XCLAIM s g bob 0 1-1 RETRYCOUNT 5 JUSTID", "XPENDING s g",
                    "XCLAIM s g bob 0 1-1 9-9 FORCE JUSTID", "XCLAIM s g carol 0 2-1 3-1",
                    "XCLAIM s g bob 0 1-1 RETRYCOUNT 7 JUSTID LASTID 10-1", "XINFO GROUPS s",
                    "XCLAIM s g bob 3600000 1-1 2-1", "XCLAIM s g bob 0 2-1 IDLE 3600000 JUSTID",
                    "XCLAIM s g carol 3600000 2-1", "XDEL s 3-1", "XCLAIM s g bob 0 3-1 4-1",
                    "XPENDING s g", "XACK s g 4-1", "XCLAIM s g dave 0 4-1 JUSTID",
                    "XCLAIM s g dave 0 4-1 FORCE", "XCLAIM s g dave 0 4-1 FORCE",
                    "XCLAIM s g eve 0 3-1 FORCE", "XCLAIM s g dave 0 1-1 LASTID 20-1",
                    "XINFO GROUPS s", "XPENDING s g"], protocol)


@PROTOCOLS
def test_xautoclaim(same, protocol):
    same(ENTRIES + ["XADD s 5-1 e 5", "XGROUP CREATE s g 0", "SET str x",
                    "XREADGROUP GROUP g alice STREAMS s >",
                    "XAUTOCLAIM s g bob x 0", "XAUTOCLAIM s g bob 0 abc",
                    "XAUTOCLAIM s g bob 0 (18446744073709551615-18446744073709551615",
                    "XAUTOCLAIM s g bob 0 0 COUNT 0", "XAUTOCLAIM s g bob 0 0 COUNT -1",
                    "XAUTOCLAIM s g bob 0 0 COUNT x", "XAUTOCLAIM s g bob 0 0 COUNT 922337203685477580",
                    "XAUTOCLAIM s g bob 0 0 COUNT", "XAUTOCLAIM s g bob 0 0 foo",
                    "XAUTOCLAIM s nog bob 0 0", "XAUTOCLAIM nokey g bob 0 0", "XAUTOCLAIM str g bob 0 0",
                    "XAUTOCLAIM s g bob 3600000 0", "XAUTOCLAIM s g carol 0 0 COUNT 2",
                    "XAUTOCLAIM s g carol 0 3-1 COUNT 2 JUSTID", "XAUTOCLAIM s g carol 0 (4-1 justid",
                    "XDEL s 2-1 4-1", "XAUTOCLAIM s g dave 0 0 COUNT 1",
                    "XAUTOCLAIM s g dave 0 0 COUNT 1", "XAUTOCLAIM s g dave 0 (1-1",
                    "XAUTOCLAIM s g dave 0 - COUNT 100", "XPENDING s g", "XDEL s 1-1 3-1 5-1",
                    "XAUTOCLAIM s g eve 0 0 COUNT 1 JUSTID", "XAUTOCLAIM s g eve 0 0",
                    "XPENDING s g", "XINFO GROUPS s"], protocol)


@PROTOCOLS
def test_entries_read_and_lag(same, protocol):
    same(["XGROUP CREATE x g1 0 MKSTREAM", "XINFO GROUPS x", "XADD x 1-0 data a",
          "XINFO GROUPS x", "XREADGROUP GROUP g1 alice STREAMS x >", "XINFO GROUPS x",
          "XADD x 2-0 data b", "XADD x 3-0 data c", "XADD x 4-0 data d", "XADD x 5-0 data e",
          "XINFO GROUPS x", "XREADGROUP GROUP g1 alice COUNT 1 STREAMS x >", "XINFO GROUPS x",
          "XDEL x 3-0", "XINFO GROUPS x", "XREADGROUP GROUP g1 alice COUNT 1 STREAMS x >",
          "XINFO GROUPS x", "XREADGROUP GROUP g1 alice STREAMS x >", "XINFO GROUPS x",
          "XGROUP CREATE x g2 0", "XINFO GROUPS x", "XGROUP SETID x g2 2-0", "XINFO GROUPS x",
          "XREADGROUP GROUP g2 bob STREAMS x >", "XINFO GROUPS x", "XADD x 6-0 data f",
          "XGROUP CREATE x g3 1-0 ENTRIESREAD 1", "XINFO GROUPS x", "XTRIM x MAXLEN 1",
          "XINFO GROUPS x", "XGROUP SETID x g3 $ ENTRIESREAD 6", "XINFO GROUPS x",
          "XSETID x 6-0 ENTRIESADDED 10 MAXDELETEDID 5-0", "XINFO GROUPS x"], protocol)


# ---- Blocking XREADGROUP ----

def reader(handle, consumer, *options, key="s", protocol=2, count=1):
    return blocked(handle, "XREADGROUP", "GROUP", "g", consumer, *options, "BLOCK", "0",
                   "STREAMS", key, ">", count=count, protocol=protocol)


@pytest.mark.parametrize("target", ["fkvs", "redis"])
def test_blocked_consumers_share_new_entries(server, reference, target):
    handle = server if target == "fkvs" else reference
    handle.flushall()
    client = handle.client()
    client.xgroup_create("s", "g", "$", mkstream=True)
    alice = reader(handle, "alice", count=1)
    bob = reader(handle, "bob", "COUNT", "1", count=2)
    client.xadd("s", {"one": "1"}, id="1-1")
    client.xadd("s", {"two": "2"}, id="2-1")
    assert alice.read_replies(1) == one_stream(b"s", entry(b"1-1", b"one", b"1"))
    assert bob.read_replies(1) == one_stream(b"s", entry(b"2-1", b"two", b"2"))
    pending = client.xpending("s", "g")
    assert pending["pending"] == 2
    assert sorted(c["name"] for c in pending["consumers"]) == [b"alice", b"bob"]


@pytest.mark.parametrize("target", ["fkvs", "redis"])
def test_blocked_group_reader_errors_when_its_stream_or_group_goes(server, reference, target):
    handle = server if target == "fkvs" else reference
    handle.flushall()
    client = handle.client()
    gone = b"-UNBLOCKED the stream key no longer exists\r\n"
    steps = [
        (lambda: client.delete("s"), gone),
        (lambda: client.set("s", "x"), gone),
        (lambda: client.flushall(), gone),
        (lambda: client.xgroup_destroy("s", "g"),
         b"-NOGROUP the consumer group this client was blocked on no longer exists\r\n"),
        (lambda: (client.xadd("t", {"a": "1"}, id="1-1"), client.rename("t", "s")),
         b"-NOGROUP the consumer group this client was blocked on no longer exists\r\n"),
    ]
    for change, error in steps:
        client.delete("s")
        client.xgroup_create("s", "g", "$", mkstream=True)
        conn = reader(handle, "alice", protocol=3)
        change()
        assert conn.read_replies(1) == error
        wait_blocked(handle, 0)
    # A transaction that deletes and re-creates the key as another type.
    client.delete("s")
    client.xgroup_create("s", "g", "$", mkstream=True)
    conn = reader(handle, "alice")
    pipe = client.pipeline(transaction=True)
    pipe.delete("s")
    pipe.sadd("s", "member")
    pipe.execute()
    assert conn.read_replies(1) == gone
    # Renamed onto with a group of the name: served from the new stream.
    client.delete("s")
    client.xgroup_create("s", "g", "$", mkstream=True)
    conn = reader(handle, "alice")
    client.xgroup_create("t", "g", "$", mkstream=True)
    client.xadd("t", {"f": "v"}, id="5-1")
    client.rename("t", "s")
    assert conn.read_replies(1) == one_stream(b"s", entry(b"5-1", b"f", b"v"))
    stats = client.info("commandstats")["cmdstat_xreadgroup"]
    assert stats["failed_calls"] >= 6


def test_blocked_group_reader_in_swapped_db(server):
    client = server.client()
    client.execute_command("SELECT", 9)
    client.xgroup_create("s", "g", "$", mkstream=True)
    conn = server.connect_raw()
    conn.send_command("SELECT", "9")
    conn.read_replies(1)
    conn.send_command("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
    wait_blocked(server, 1)
    client.execute_command("SWAPDB", 4, 9)
    assert conn.read_replies(1) == b"-UNBLOCKED the stream key no longer exists\r\n"
    client.execute_command("FLUSHALL")


def test_blocked_noack_reader_and_timeout(server):
    client = server.client()
    client.xgroup_create("s", "g", "$", mkstream=True)
    conn = server.connect_raw()
    conn.send_command("XREADGROUP", "GROUP", "g", "bob", "BLOCK", "30", "NOACK", "STREAMS", "s", ">")
    assert conn.read_replies(1) == b"*-1\r\n"
    conn = reader(server, "bob", "NOACK")
    client.xadd("s", {"f": "v"}, id="1-1")
    assert conn.read_replies(1) == one_stream(b"s", entry(b"1-1", b"f", b"v"))
    assert client.xpending("s", "g")["pending"] == 0
    group = client.xinfo_groups("s")[0]
    assert (group["last-delivered-id"], group["entries-read"], group["consumers"]) == (
        b"1-1", 1, 1)


# ---- Propagation ----

def test_group_commands_propagate_as_redis_does(start_server):
    same_propagation(start_server, ENTRIES + [
        "XGROUP CREATE s g 0", "XGROUP CREATE s g2 $", "XGROUP CREATE m g $ MKSTREAM",
        "XREADGROUP GROUP g2 nobody STREAMS s >", "XREADGROUP GROUP g alice COUNT 1 STREAMS s >",
        "XREADGROUP GROUP g bob STREAMS s >", "XREADGROUP GROUP g carol STREAMS s >",
        "XADD s 20-1 e 5", "XREADGROUP GROUP g dave NOACK STREAMS s >",
        "XREADGROUP GROUP g alice STREAMS s 0", "XREADGROUP GROUP g newbie STREAMS s 0",
        "XREADGROUP GROUP g newbie2 NOACK STREAMS s 0",
        "XCLAIM s g eve 0 2-1", "XCLAIM s g eve 0 3-1 4-1 JUSTID", "XCLAIM s g eve 3600000 1-1",
        "XCLAIM s g eve 0 1-1 LASTID 30-1 JUSTID", "XCLAIM s g eve 3600000 1-1 LASTID 40-1",
        "XDEL s 4-1", "XAUTOCLAIM s g frank 0 0", "XAUTOCLAIM s g frank 0 0 JUSTID",
        "XAUTOCLAIM s g frank 3600000 0", "XCLAIM s g zed 0 9-9 FORCE",
        "XGROUP CREATECONSUMER s g zed", "XGROUP CREATECONSUMER s g zed",
        "XGROUP DELCONSUMER s g zed", "XGROUP DELCONSUMER s g zed", "XGROUP SETID s g 0",
        "XACK s g 1-1", "XACK s g 1-1", "XGROUP DESTROY s g2", "XGROUP DESTROY s g2"])


def test_a_blocked_readers_delivery_propagates(start_server):
    same_propagation_blocked = []
    for target in ("redis", "fkvs"):
        handle = start_server(*AOF, target=target)
        client = handle.client()
        client.xgroup_create("s", "g", "$", mkstream=True)
        acking = reader(handle, "alice")
        noack = reader(handle, "bob", "NOACK", count=2)
        client.xadd("s", {"f": "v"}, id="1-1")
        client.xadd("s", {"f": "w"}, id="2-1")
        acking.read_replies(1)
        noack.read_replies(1)
        log = []
        data = next((handle.workdir / "appendonlydir").glob("*.incr.aof")).read_bytes()
        while data:
            value, end = parse_reply(data)
            log.append([b"<time>" if i > 0 and value[i - 1] == b"TIME" else arg
                        for i, arg in enumerate(value)])
            data = data[end:]
        same_propagation_blocked.append(log)
    assert same_propagation_blocked[1] == same_propagation_blocked[0]


def blank_times(info):
    """A reply with its unix-ms times (delivery and seen times) blanked."""
    if isinstance(info, list):
        return [blank_times(item) for item in info]
    return 0 if isinstance(info, int) and info > 10**12 else info


def test_groups_after_an_aof_reload_are_as_redis_leaves_them(start_server):
    """DEBUG LOADAOF replays the XCLAIMs and XGROUP SETIDs the group
    commands propagated. (Like Redis, the replay loses a group's entries-read
    when the XCLAIMs' LASTID moved it.)"""
    states = []
    for target in ("redis", "fkvs"):
        handle = start_server(*AOF, target=target)
        client = handle.client()
        for i in range(1, 30):
            client.xadd("s", {"n": i}, id="%d-1" % i)
        client.xgroup_create("s", "g", "0")
        client.xreadgroup("g", "alice", {"s": ">"}, count=10)
        client.xreadgroup("g", "bob", {"s": ">"}, count=5, noack=True)
        client.xreadgroup("g", "carol", {"s": ">"}, count=5)
        client.xack("s", "g", "3-1", "12-1")
        client.xclaim("s", "g", "dave", 0, ["5-1", "21-1"], retrycount=4)
        client.xdel("s", "7-1")
        client.xautoclaim("s", "g", "erin", 0, "6-1", count=3)
        client.xgroup_create("s", "g2", "$")
        client.xreadgroup("g2", "zed", {"s": "0"})
        full = ["XINFO", "STREAM", "s", "FULL", "COUNT", "0"]
        before = client.execute_command(*full)
        client.execute_command("DEBUG", "LOADAOF")
        after = client.execute_command(*full)
        # Delivery times come back exactly (XCLAIM ... TIME).
        assert [group[11] for group in after[17]] == [group[11] for group in before[17]]
        states.append((blank_times(before), blank_times(after)))
    assert states[1] == states[0]


# ---- A work queue with crashing consumers ----

def test_a_work_queue_with_crashing_consumers_loses_and_duplicates_nothing(server):
    """Producers add jobs; consumers read them in a group, some crash after
    reading (their jobs stay pending), the others XAUTOCLAIM what has been
    idle and go on. Every job is acknowledged exactly once."""
    jobs = 600
    client = server.client()
    client.xgroup_create("jobs", "workers", "$", mkstream=True)
    acked = []
    acked_lock = threading.Lock()
    rng = random.Random(20261207)
    seeds = [rng.randrange(1 << 30) for _ in range(6)]

    def produce():
        producer = server.client()
        for i in range(jobs):
            producer.xadd("jobs", {"job": i})

    def consume(name, seed, crash_after):
        worker_rng = random.Random(seed)
        worker = server.client()
        handled = 0
        idle_rounds = 0
        while True:
            claimed = worker.xautoclaim("jobs", "workers", name, 50, "0", count=5)[1]
            read = worker.xreadgroup("workers", name, {"jobs": ">"}, count=5, block=20)
            entries = claimed + (read[0][1] if read else [])
            if not entries:
                idle_rounds += 1
                with acked_lock:
                    if len(acked) == jobs or idle_rounds > 400:
                        return
                continue
            idle_rounds = 0
            for entry_id, fields in entries:
                if crash_after is not None and handled >= crash_after:
                    worker.close()  # crashes holding its unacknowledged entries
                    return
                if worker_rng.random() < 0.1:
                    continue  # "loses" this one for a while: a later XAUTOCLAIM finds it
                if worker.xack("jobs", "workers", entry_id) == 1:
                    with acked_lock:
                        acked.append(int(fields[b"job"]))
                handled += 1

    threads = [threading.Thread(target=produce)]
    for index, seed in enumerate(seeds):
        crash_after = [7, 23, None, None, 41, None][index]
        threads.append(threading.Thread(target=consume, args=("w%d" % index, seed, crash_after)))
    for thread in threads:
        thread.start()
    join_threads(threads, 120, "producer and consumers")
    assert sorted(acked) == list(range(jobs))
    summary = client.xpending("jobs", "workers")
    assert summary["pending"] == 0
    assert client.xinfo_groups("jobs")[0]["lag"] == 0


def test_watch_sees_the_changes_redis_signals(server, reference):
    """WATCH fails after XADD, XDEL, XTRIM and a stream made by MKSTREAM;
    consumer-group bookkeeping and XSETID leave it alone, as in Redis."""
    changes = [["XGROUP", "CREATE", "s", "g2", "0"], ["XGROUP", "CREATECONSUMER", "s", "g", "z"],
               ["XGROUP", "DELCONSUMER", "s", "g", "c"], ["XGROUP", "SETID", "s", "g", "0"],
               ["XGROUP", "DESTROY", "s", "g"], ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"],
               ["XREADGROUP", "GROUP", "g", "new", "STREAMS", "s", "0"], ["XACK", "s", "g", "1-1"],
               ["XCLAIM", "s", "g", "d", "0", "1-1"], ["XAUTOCLAIM", "s", "g", "d", "0", "0"],
               ["XADD", "s", "9-1", "a", "1"], ["XDEL", "s", "1-1"], ["XDEL", "s", "7-7"],
               ["XTRIM", "s", "MAXLEN", "0"], ["XSETID", "s", "9-9"],
               ["XGROUP", "CREATE", "new", "g", "$", "MKSTREAM"]]
    outcomes = []
    for handle in (reference, server):
        handle.flushall()
        results = []
        for change in changes:
            setup = argvs(["DEL s new", "XADD s 1-1 a 1", "XADD s 2-1 a 1", "XGROUP CREATE s g 0",
                           "XREADGROUP GROUP g c COUNT 1 STREAMS s >"])
            with handle.connect_raw() as watcher, handle.connect_raw() as other:
                run_commands(handle, setup)
                watched = change[2] if change[-1] == "MKSTREAM" else "s"
                watcher.send_command("WATCH", watched)
                watcher.read_replies(1)
                other.send_command(*change)
                other.read_replies(1)
                for command in (["MULTI"], ["PING"], ["EXEC"]):
                    watcher.send_command(*command)
                results.append(watcher.read_replies(3))
        outcomes.append(results)
    assert outcomes[1] == outcomes[0]
