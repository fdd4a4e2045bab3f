"""Pub/Sub: (P|S)SUBSCRIBE and their UN- forms, PUBLISH, SPUBLISH, PUBSUB,
the RESP2 subscribed mode, fan-out and the pubsub output buffer limit.

Frames are compared byte for byte with redis-server 7.0 where a script can
show them; the tests also run against it with FKVS_TEST_TARGET=redis."""

import re
import socket
import threading
import time

import pytest
import redis

from replies import array, bulk, integer, OK
from server_process import join_threads, wait_until
from resp import encode_command
from transcript import encode_step

SUBSCRIBED_MODE = (b"-ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING"
                   b" / QUIT / RESET are allowed in this context\r\n")
NULL = b"$-1\r\n"


def frame(kind, name, count):
    return array(kind, name if name is not None else NULL, integer(count))


def check_frames(assert_same, steps):
    """Like transcript.check_transcript, for commands that answer with several
    frames: the whole stream must be the expected frames in order."""
    replies = assert_same(b"".join(encode_step(command) for command, _ in steps))
    expected = b"".join(frames for _, frames in steps) + OK  # the QUIT assert_same appends
    assert replies == expected


def test_subscribe_frames_counts_and_subscribed_mode(assert_same):
    check_frames(assert_same, [
        ("SUBSCRIBE a b a", frame("subscribe", "a", 1) + frame("subscribe", "b", 2)
         + frame("subscribe", "a", 2)),
        ("GET x", SUBSCRIBED_MODE % b"get"),
        ("CLIENT LIST", SUBSCRIBED_MODE % b"client|list"),
        ("PING", array("pong", "")),
        ("PING hi", array("pong", "hi")),
        ("PING a b", b"-ERR wrong number of arguments for 'ping' command\r\n"),
        ("NOSUCH", b"-ERR unknown command 'NOSUCH', with args beginning with: \r\n"),
        ("PSUBSCRIBE h*", frame("psubscribe", "h*", 3)),
        ("UNSUBSCRIBE zz", frame("unsubscribe", "zz", 3)),
        ("PUNSUBSCRIBE", frame("punsubscribe", "h*", 2)),
        ("UNSUBSCRIBE b", frame("unsubscribe", "b", 1)),
        ("UNSUBSCRIBE", frame("unsubscribe", "a", 0)),
        ("UNSUBSCRIBE", frame("unsubscribe", None, 0)),
        ("PUNSUBSCRIBE", frame("punsubscribe", None, 0)),
        # Out of subscribed mode again.
        ("GET x", NULL),
        # Shard channels are counted apart from channels and patterns.
        ("SSUBSCRIBE s1 s2", frame("ssubscribe", "s1", 1) + frame("ssubscribe", "s2", 2)),
        ("GET x", SUBSCRIBED_MODE % b"get"),
        ("SUBSCRIBE q", frame("subscribe", "q", 1)),
        ("SUNSUBSCRIBE s2", frame("sunsubscribe", "s2", 1)),
        ("SUNSUBSCRIBE", frame("sunsubscribe", "s1", 0)),
        ("SUNSUBSCRIBE", frame("sunsubscribe", None, 0)),
        ("PING", array("pong", "")),
        ("UNSUBSCRIBE", frame("unsubscribe", "q", 0)),
        ("PING", b"+PONG\r\n"),
    ])


def test_subscribed_client_may_reset_and_quit(assert_same):
    check_frames(assert_same, [
        ("SUBSCRIBE c", frame("subscribe", "c", 1)),
        ("PSUBSCRIBE p*", frame("psubscribe", "p*", 2)),
        ("RESET", b"+RESET\r\n"),
        ("PUBSUB NUMSUB c", array("c", integer(0))),
        ("PUBSUB NUMPAT", integer(0)),
        ("SUBSCRIBE c", frame("subscribe", "c", 1)),
    ])


def test_pubsub_introspection_and_errors(assert_same):
    check_frames(assert_same, [
        ("PUBSUB", b"-ERR wrong number of arguments for 'pubsub' command\r\n"),
        ("PUBSUB foo", b"-ERR unknown subcommand 'foo'. Try PUBSUB HELP.\r\n"),
        ("PUBSUB CHANNELS a b", b"-ERR unknown subcommand or wrong number of arguments for"
         b" 'CHANNELS'. Try PUBSUB HELP.\r\n"),
        ("PUBSUB shardchannels a b", b"-ERR unknown subcommand or wrong number of arguments"
         b" for 'shardchannels'. Try PUBSUB HELP.\r\n"),
        ("PUBSUB NUMPAT x", b"-ERR wrong number of arguments for 'pubsub|numpat' command\r\n"),
        ("PUBSUB NUMSUB", b"*0\r\n"),
        ("PUBSUB SHARDNUMSUB", b"*0\r\n"),
        ("PUBSUB NUMSUB a b", array("a", integer(0), "b", integer(0))),
        ("PUBSUB CHANNELS", b"*0\r\n"),
        ("PUBSUB NUMPAT", integer(0)),
        ("PUBLISH c", b"-ERR wrong number of arguments for 'publish' command\r\n"),
        ("SPUBLISH c", b"-ERR wrong number of arguments for 'spublish' command\r\n"),
        ("SUBSCRIBE", b"-ERR wrong number of arguments for 'subscribe' command\r\n"),
        ("PSUBSCRIBE", b"-ERR wrong number of arguments for 'psubscribe' command\r\n"),
        ("SSUBSCRIBE", b"-ERR wrong number of arguments for 'ssubscribe' command\r\n"),
        ("PUBLISH nobody hears", integer(0)),
        ("SPUBLISH nobody hears", integer(0)),
    ])
    help_lines = assert_same(b"PUBSUB HELP\r\n").split(b"\r\n")
    assert help_lines[0] == b"*14"
    assert help_lines[1] == b"+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"


def drain_confirmations(pubsub, count):
    for _ in range(count):
        message = pubsub.get_message(timeout=5)
        assert message is not None and "subscribe" in message["type"], message


def next_message(pubsub):
    message = pubsub.get_message(timeout=5)
    assert message is not None, "no message arrived"
    return message


def test_message_and_pmessage_frames_and_receiver_counts(server):
    publisher = server.client()
    first = server.client().pubsub()
    first.subscribe("news.tech")
    second = server.client().pubsub()
    second.subscribe("news.tech")
    second.psubscribe("news.*")
    drain_confirmations(first, 1)
    drain_confirmations(second, 2)

    # A client matched by its channel and by a pattern counts, and receives, twice.
    assert publisher.publish("news.tech", "hello") == 3
    assert next_message(first) == {"type": "message", "pattern": None,
                                   "channel": b"news.tech", "data": b"hello"}
    assert next_message(second) == {"type": "message", "pattern": None,
                                    "channel": b"news.tech", "data": b"hello"}
    assert next_message(second) == {"type": "pmessage", "pattern": b"news.*",
                                    "channel": b"news.tech", "data": b"hello"}
    assert publisher.publish("news.sport", b"\x00binary\r\n") == 1
    assert next_message(second)["data"] == b"\x00binary\r\n"
    assert publisher.publish("weather", "rain") == 0
    assert first.get_message(timeout=0.2) is None
    assert second.get_message(timeout=0.2) is None


def test_raw_frames_match_redis(server, reference):
    """The exact bytes a subscriber receives, on both servers."""
    def frames(handle):
        handle.flushall()
        with handle.connect_raw() as subscriber:
            subscriber.send(b"SUBSCRIBE ch\r\nPSUBSCRIBE c?\r\n")
            subscriber.read_replies(2)
            publisher = handle.connect_raw()
            assert publisher.command("PUBLISH", "ch", "m" * 300) == integer(2)
            assert publisher.command("PUBLISH", "cx", "") == integer(1)
            publisher.close()
            return subscriber.read_replies(3)

    expected = frames(reference)
    assert frames(server) == expected
    assert expected == (array("message", "ch", "m" * 300) + array("pmessage", "c?", "ch", "m" * 300)
                        + array("pmessage", "c?", "cx", ""))


def test_glob_patterns(server):
    publisher = server.client()
    pubsub = server.client().pubsub()
    pubsub.psubscribe("h?llo", "h[ae]y", "x\\*", "all*")
    drain_confirmations(pubsub, 4)
    assert publisher.publish("hello", "1") == 1
    assert publisher.publish("hxllo", "2") == 1
    assert publisher.publish("hey", "3") == 1
    assert publisher.publish("hiy", "4") == 0
    assert publisher.publish("x*", "5") == 1
    assert publisher.publish("xy", "6") == 0
    assert publisher.publish("all", "7") == 1
    received = [(m["pattern"], m["channel"]) for m in (next_message(pubsub) for _ in range(5))]
    assert received == [(b"h?llo", b"hello"), (b"h?llo", b"hxllo"), (b"h[ae]y", b"hey"),
                        (b"x\\*", b"x*"), (b"all*", b"all")]


def test_shard_channels_are_a_separate_namespace(server):
    publisher = server.client()
    sharded = server.client()
    raw = server.connect_raw()
    raw.send_command("SSUBSCRIBE", "orders")
    assert raw.read_reply() == frame("ssubscribe", "orders", 1)
    patterns = server.client().pubsub()
    patterns.psubscribe("*")
    drain_confirmations(patterns, 1)

    assert sharded.execute_command("SPUBLISH", "orders", "o1") == 1
    assert raw.read_reply() == array("smessage", "orders", "o1")
    # PUBLISH does not reach shard subscribers, and patterns never see SPUBLISH.
    assert publisher.publish("orders", "o2") == 1
    assert next_message(patterns)["data"] == b"o2"
    assert patterns.get_message(timeout=0.2) is None
    assert raw.read_available(quiet=0.2) == b""
    assert publisher.execute_command("PUBSUB", "SHARDCHANNELS") == [b"orders"]
    assert publisher.execute_command("PUBSUB", "SHARDNUMSUB", "orders", "x") == [
        b"orders", 1, b"x", 0]
    assert publisher.execute_command("PUBSUB", "CHANNELS") == []
    assert publisher.info("stats")["pubsubshard_channels"] == 1


def test_introspection_counts_channels_patterns_and_clients(server):
    admin = server.client()
    a = server.client().pubsub()
    a.subscribe("alpha", "beta")
    a.psubscribe("al*", "b*")
    b = server.client().pubsub()
    b.subscribe("alpha")
    b.psubscribe("al*")
    drain_confirmations(a, 4)
    drain_confirmations(b, 2)

    assert sorted(admin.pubsub_channels()) == [b"alpha", b"beta"]
    assert admin.pubsub_channels("a*") == [b"alpha"]
    assert admin.pubsub_numsub("alpha", "beta", "gamma") == [
        (b"alpha", 2), (b"beta", 1), (b"gamma", 0)]
    # Patterns are counted once each, however many clients hold them.
    assert admin.pubsub_numpat() == 2
    stats = admin.info("stats")
    assert (stats["pubsub_channels"], stats["pubsub_patterns"]) == (2, 2)

    by_sub = {entry["sub"]: entry for entry in admin.client_list() if entry["sub"] != "0"}
    assert by_sub["2"]["psub"] == "2" and by_sub["2"]["flags"] == "P"
    assert by_sub["1"]["psub"] == "1" and by_sub["1"]["ssub"] == "0"
    assert {entry["flags"] for entry in admin.client_list() if entry["sub"] == "0"} == {"N"}

    b.unsubscribe("alpha")
    b.punsubscribe("al*")
    drain_confirmations(b, 2)
    assert admin.pubsub_numsub("alpha") == [(b"alpha", 1)]
    a.close()  # a disconnect leaves every channel and pattern
    deadline = time.monotonic() + 5
    while admin.pubsub_numpat() != 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert admin.pubsub_numpat() == 0
    assert admin.pubsub_channels() == []


def test_burst_of_publishes_arrives_complete_and_in_order(server):
    count = 100_000
    subscriber = server.connect_raw(timeout=60)
    subscriber.send_command("SUBSCRIBE", "burst")
    assert subscriber.read_reply() == frame("subscribe", "burst", 1)
    received = []

    def read_all():
        while len(received) < count:
            received.extend(value[2] for value in subscriber.decoded_replies(1000))

    reader = threading.Thread(target=read_all, daemon=True)
    reader.start()
    publisher = server.client()
    for start in range(0, count, 1000):
        pipe = publisher.pipeline(transaction=False)
        for i in range(start, start + 1000):
            pipe.publish("burst", str(i))
        assert pipe.execute() == [1] * 1000
    join_threads([reader], 60, "subscriber reading the burst")
    assert received == [str(i).encode() for i in range(count)]


def connect_without_reading(server):
    """A subscriber whose receive window is tiny and which never reads."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(10)  # it never reads, but connect and send are bounded too
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((server.host, server.port))
    sock.sendall(b"CLIENT SETNAME stalled\r\nSUBSCRIBE feed\r\n")
    return sock


def client_names(admin):
    return [entry["name"] for entry in admin.client_list()]


def test_subscriber_that_stops_reading_is_cut_off_at_the_hard_limit(server):
    admin = server.client()
    assert admin.config_set("client-output-buffer-limit", "pubsub 1mb 0 0")
    stalled = connect_without_reading(server)
    reader = server.client().pubsub()
    reader.subscribe("feed")
    drain_confirmations(reader, 1)
    wait_until(lambda: admin.pubsub_numsub("feed") == [(b"feed", 2)], timeout=10, interval=0.01,
               message="both subscribers of feed counted")

    payload = b"x" * 1024
    sent = 0
    received = 0
    # Kernel buffers soak up a few megabytes before the server's own output
    # for the stalled client grows; the reader keeps up all along.
    while "stalled" in client_names(admin):
        assert sent < 64 * 1024, "the stalled subscriber was never disconnected"
        pipe = admin.pipeline(transaction=False)
        for _ in range(256):
            pipe.publish("feed", payload)
        pipe.execute()
        sent += 256
        while received < sent:
            assert next_message(reader)["data"] == payload
            received += 1
    assert admin.publish("feed", "after") == 1
    assert next_message(reader)["data"] == b"after"
    assert admin.pubsub_numsub("feed") == [(b"feed", 1)]
    stalled.close()


def test_soft_limit_cuts_off_a_subscriber_that_stays_over_it(server):
    admin = server.client()
    assert admin.config_set("client-output-buffer-limit", "pubsub 0 256kb 1")
    stalled = connect_without_reading(server)
    wait_until(lambda: admin.pubsub_numsub("feed") == [(b"feed", 1)], timeout=10, interval=0.01,
               message="the stalled subscriber of feed counted")
    payload = b"y" * 1024
    # Well past the soft limit plus what the kernel buffers hold; no hard limit.
    pipe = admin.pipeline(transaction=False)
    for _ in range(16 * 1024):
        pipe.publish("feed", payload)
    pipe.execute()
    assert "stalled" in client_names(admin)
    time.sleep(1.2)
    # The limit is checked when output is added, as in Redis.
    admin.publish("feed", payload)
    deadline = time.monotonic() + 5
    while "stalled" in client_names(admin) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "stalled" not in client_names(admin)
    stalled.close()


def test_redis_py_pubsub_listen_and_handlers(server):
    publisher = server.client()
    seen = []
    pubsub = server.client().pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(**{"jobs": lambda message: seen.append(message["data"])})
    pubsub.psubscribe(**{"jobs.*": lambda message: seen.append(b"p:" + message["data"])})
    thread = pubsub.run_in_thread(sleep_time=0.01, daemon=True)
    try:
        wait_until(lambda: publisher.pubsub_numpat() == 1, timeout=10, interval=0.01,
                   message="the pattern subscription counted")
        assert publisher.publish("jobs", "one") == 1
        assert publisher.publish("jobs.low", "two") == 1
        deadline = time.monotonic() + 5
        while len(seen) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        thread.stop()
        join_threads([thread], 10, "pubsub.run_in_thread worker")
    assert seen == [b"one", b"p:two"]


def test_subscribe_inside_a_pipeline_and_plain_commands_after_unsubscribe(server):
    client = server.client()
    raw = server.connect_raw()
    raw.send(b"SUBSCRIBE a\r\nUNSUBSCRIBE a\r\nSET k v\r\nGET k\r\n")
    assert raw.read_replies(4) == (frame("subscribe", "a", 1) + frame("unsubscribe", "a", 0)
                                   + OK + bulk("v"))
    assert client.get("k") == b"v"
    try:
        client.execute_command("SUBSCRIBE")
    except redis.ResponseError as error:
        assert "wrong number of arguments" in str(error)
    else:
        raise AssertionError("SUBSCRIBE without channels was accepted")


# ---- The same scenarios in RESP2 and RESP3, byte for byte against redis-server ----


def _sync(conn, marker):
    """Everything conn received before the reply to a PING it sends now, or
    None once the server has closed it (what arrived before is kept)."""
    conn.send(encode_command("PING", marker))
    received = []
    while True:
        try:
            reply = conn.read_reply()
        except AssertionError:
            if not conn.eof:
                raise
            return None
        # A bulk string, or a RESP2 subscriber's [pong, marker].
        if marker.encode() in reply and reply.startswith((b"$", b"*2\r\n$4\r\npong")):
            return b"".join(received)
        received.append(reply)


def pubsub_transcript(handle, protocol, steps):
    """Runs steps, each (connection name, command), on connections that spoke
    HELLO <protocol>; after every step, what each connection received. A
    command may be a list of commands sent together (a transaction), or a
    function of the connections (for addresses)."""
    handle.flushall()
    conns = {}
    transcript = []

    def record(step, name, received):
        # HELLO's reply carries the connection's id, which differs.
        transcript.append((step, name, re.sub(rb"\$2\r\nid\r\n:\d+", b"$2\r\nid\r\n:?",
                                              received)))

    try:
        for step, (name, command) in enumerate(steps):
            if name not in conns:
                conns[name] = handle.connect_raw()
                conns[name].command("HELLO", str(protocol))
            if callable(command):
                argvs = [command(conns)]
            else:
                argvs = [each.split(" ") for each in
                         (command if isinstance(command, list) else [command])]
            conns[name].send(b"".join(encode_command(*argv) for argv in argvs))
            for each in sorted(conns):
                received = _sync(conns[each], "sync-%d" % step)
                if received is None:
                    record(step, each, b"<closed>")
                    del conns[each]
                elif received:
                    record(step, each, received)
    finally:
        for conn in conns.values():
            conn.close()
        handle.reply("CONFIG", "SET", "notify-keyspace-events", "")
        handle.reply("DEBUG", "SET-ACTIVE-EXPIRE", "1")
    return transcript


def address_of(name):
    return lambda conns: ["CLIENT", "KILL", "127.0.0.1:%d" % conns[name].sock.getsockname()[1]]


PUBSUB_SCENARIOS = {
    "messages": [
        ("sub", "SUBSCRIBE news sports"), ("psub", "PSUBSCRIBE n*"),
        ("pub", "PUBLISH news hello"), ("pub", "PUBLISH sports x"),
        ("pub", "PUBLISH nothing y"), ("sub", "UNSUBSCRIBE news"),
        ("pub", "PUBLISH news again"), ("psub", "PUNSUBSCRIBE n*"),
        ("pub", "PUBLISH news gone"), ("sub", "UNSUBSCRIBE"), ("pub", "PUBLISH sports z"),
    ],
    "shard-messages": [
        ("sub", "SSUBSCRIBE s1 s2"), ("csub", "SUBSCRIBE s1"), ("pub", "SPUBLISH s1 m"),
        ("pub", "PUBLISH s1 n"), ("sub", "SUNSUBSCRIBE s1"), ("pub", "SPUBLISH s1 m2"),
        ("pub", "SPUBLISH s2 m3"), ("pub", "PUBSUB SHARDNUMSUB s1 s2"),
    ],
    "commands-while-subscribed": [
        ("sub", "SUBSCRIBE a"), ("sub", "PING"), ("sub", "PING hi"), ("sub", "SET k v"),
        ("sub", "GET k"), ("sub", "CLIENT SETNAME listener"), ("sub", "CLIENT GETNAME"),
        ("sub", "PUBLISH a self"), ("sub", "PSUBSCRIBE b*"), ("pub", "PUBLISH b1 both"),
        ("sub", ["MULTI", "GET k", "PING", "EXEC"]), ("sub", "ECHO x"),
        ("sub", "PUBSUB NUMSUB a"), ("sub", "RESET"), ("pub", "PUBLISH a after-reset"),
        ("sub", "GET k"),
    ],
    "protocol-switch-while-subscribed": [
        ("sub", "SUBSCRIBE a"), ("sub", "HELLO 2"), ("pub", "PUBLISH a m"), ("sub", "GET k"),
        ("sub", "PING"), ("sub", "HELLO 3"), ("pub", "PUBLISH a n"), ("sub", "GET k"),
        ("sub", "PING"), ("sub", "UNSUBSCRIBE a"),
    ],
    # Sent together: a connection whose replies are off cannot be synced.
    "client-reply-while-subscribed": [
        ("sub", "SUBSCRIBE a"),
        ("sub", ["CLIENT REPLY OFF", "SUBSCRIBE b", "PUBLISH a m", "PING", "CLIENT REPLY ON"]),
        ("pub", "PUBLISH b n"),
        ("sub", ["CLIENT REPLY SKIP", "PUBLISH b o", "UNSUBSCRIBE b"]),
    ],
    "keyspace-notifications": [
        # Keys expire only when touched here, so the expired event's place is fixed.
        ("admin", "DEBUG SET-ACTIVE-EXPIRE 0"),
        ("admin", "CONFIG SET notify-keyspace-events KEA"), ("sub", "PSUBSCRIBE __key*__:*"),
        ("pub", "SET foo bar"), ("pub", "EXPIRE foo 100"), ("pub", "DEL foo"),
        ("pub", "LPUSH list a b"), ("pub", "RPOP list"), ("pub", "HSET h f v"),
        ("pub", "SADD s m"), ("pub", "ZADD z 1 m"), ("pub", "RENAME s s2"),
        ("pub", "SET gone v PX 1"), ("pub", "DEBUG SLEEP 0.01"), ("pub", "GET gone"),
        ("admin", "CONFIG SET notify-keyspace-events Ex"), ("pub", "SET foo bar"),
    ],
    "client-kill-subscriber": [
        ("sub", "SUBSCRIBE a"), ("psub", "PSUBSCRIBE a*"), ("pub", "PUBSUB NUMSUB a"),
        ("admin", address_of("sub")), ("pub", "PUBLISH a x"), ("pub", "PUBSUB NUMSUB a"),
        ("admin", address_of("psub")), ("pub", "PUBLISH a y"), ("pub", "PUBSUB NUMPAT"),
    ],
}


@pytest.mark.parametrize("scenario", sorted(PUBSUB_SCENARIOS))
@pytest.mark.parametrize("protocol", [2, 3])
def test_pubsub_frames_match_redis_in_both_protocols(server, reference, protocol, scenario):
    steps = PUBSUB_SCENARIOS[scenario]
    expected = pubsub_transcript(reference, protocol, steps)
    actual = pubsub_transcript(server, protocol, steps)
    assert actual == expected
