"""Keyspace notifications (notify-keyspace-events): which events each
command sends, on which channels, and when expiry reports "expired".

Each expected list was read off redis-server 7.0.15; the tests run against
it too with FKVS_TEST_TARGET=redis."""

import time

import pytest

INVALID_CLASS = ("CONFIG SET failed (possibly related to argument 'notify-keyspace-events')"
                 " - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")


class Listener:
    """A subscriber to every keyspace and keyevent channel of every db, and to
    a "done" channel that marks the end of what a test asked for."""

    def __init__(self, server):
        self.publisher = server.client()
        self.pubsub = server.client().pubsub()
        self.pubsub.psubscribe("__key*__:*")
        self.pubsub.subscribe("done")
        confirmed = 0
        while confirmed < 2:
            message = self.pubsub.get_message(timeout=5)
            assert message is not None, "no subscription confirmation"
            confirmed += message["type"] in ("subscribe", "psubscribe")

    def received(self):
        """Every notification sent before now, as (channel, payload) strings."""
        self.publisher.publish("done", "")
        events = []
        # A bounded wait for the marker even if notifications never stop coming.
        deadline = time.monotonic() + 30
        while True:
            message = self.pubsub.get_message(timeout=5)
            assert message is not None, "the done marker never arrived"
            if message["type"] == "message":
                return events
            assert time.monotonic() < deadline, "no done marker within 30s, after %d events: %r" % (
                len(events), events[-10:])
            if message["type"] == "pmessage":
                events.append((message["channel"].decode(), message["data"].decode()))


@pytest.fixture
def notify(server):
    """notify(classes, *commands): runs the commands (tuples) with
    notify-keyspace-events set to classes; returns the notifications."""
    client = server.client()
    listener = Listener(server)

    def run(classes, *commands):
        client.config_set("notify-keyspace-events", classes)
        for command in commands:
            if command[0] == "sleep":
                time.sleep(command[1])
                continue
            try:
                client.execute_command(*command)
            except Exception:  # noqa: BLE001 - failing commands are part of the scenarios
                pass
        return listener.received()

    yield run
    client.config_set("notify-keyspace-events", "")


def keyevents(*pairs, db=0):
    return [("__keyevent@%d__:%s" % (db, event), key) for event, key in pairs]


def test_config_letters_and_refusal(server):
    client = server.client()
    client.config_set("notify-keyspace-events", "KEA")
    assert client.config_get("notify-keyspace-events") == {"notify-keyspace-events": "AKE"}
    client.config_set("notify-keyspace-events", "Elx$")
    assert client.config_get("notify-keyspace-events") == {"notify-keyspace-events": "$lxE"}
    with pytest.raises(Exception) as refused:
        client.config_set("notify-keyspace-events", "Kq")
    assert str(refused.value) == INVALID_CLASS
    client.config_set("notify-keyspace-events", "")
    assert client.config_get("notify-keyspace-events") == {"notify-keyspace-events": ""}


def test_keyspace_and_keyevent_channels(notify):
    assert notify("KEA", ("SET", "k", "v"), ("DEL", "k")) == [
        ("__keyspace@0__:k", "set"), ("__keyevent@0__:set", "k"),
        ("__keyspace@0__:k", "del"), ("__keyevent@0__:del", "k")]


def test_only_the_classes_asked_for(notify):
    assert notify("K$", ("SET", "k", "v"), ("DEL", "k"), ("INCR", "k"), ("RPUSH", "l", "a")) == [
        ("__keyspace@0__:k", "set"), ("__keyspace@0__:k", "incrby")]
    # Classes without K or E send nothing.
    assert notify("A", ("SET", "k", "v"), ("DEL", "k")) == []


def test_the_db_is_in_the_channel(notify):
    assert notify("KEA", ("SELECT", "3"), ("SET", "k", "v"), ("SELECT", "0")) == [
        ("__keyspace@3__:k", "set"), ("__keyevent@3__:set", "k")]


def test_string_events(notify):
    assert notify(
        "EA",
        ("SET", "s", "1"), ("SET", "s", "2", "EX", "100"), ("SETNX", "s", "3"),
        ("SETNX", "n", "3"), ("GETSET", "s", "4"), ("APPEND", "s", "x"),
        ("SETRANGE", "s", "0", "y"), ("INCR", "i"), ("DECRBY", "i", "5"),
        ("INCRBYFLOAT", "i", "1.5"), ("MSET", "a", "1", "b", "2"), ("MSETNX", "c", "1"),
        ("GETDEL", "c"), ("GETEX", "a", "EX", "50"), ("GETEX", "a", "PERSIST"),
        ("SETEX", "e", "10", "v"), ("PSETEX", "e", "10000", "v"),
        ("SET", "a", "1", "KEEPTTL", "GET"), ("SET", "s", "v", "EX", "0"),
    ) == keyevents(
        ("set", "s"), ("set", "s"), ("expire", "s"), ("set", "n"), ("set", "s"),
        ("append", "s"), ("setrange", "s"), ("incrby", "i"), ("incrby", "i"),
        ("incrbyfloat", "i"), ("set", "a"), ("set", "b"), ("set", "c"), ("del", "c"),
        ("expire", "a"), ("persist", "a"), ("set", "e"), ("expire", "e"), ("set", "e"),
        ("expire", "e"), ("set", "a"))


def test_generic_events(notify):
    events = notify(
        "EA",
        ("SET", "k", "v"), ("EXPIRE", "k", "100"), ("PEXPIRE", "k", "100000"),
        ("PERSIST", "k"), ("RENAME", "k", "k2"), ("RENAMENX", "k2", "k3"),
        ("COPY", "k3", "k4"), ("MOVE", "k4", "1"), ("EXPIRE", "k3", "-1"),
        ("SET", "d", "v"), ("DEL", "d", "missing"), ("SET", "u", "v"), ("UNLINK", "u"),
        ("SET", "p", "v"), ("PEXPIREAT", "p", "1"), ("EXPIREAT", "missing", "1"),
        ("SET", "q", "v"), ("EXPIRE", "q", "100", "NX"), ("EXPIRE", "q", "100", "NX"),
    )
    assert events == keyevents(
        ("set", "k"), ("expire", "k"), ("expire", "k"), ("persist", "k"),
        ("rename_from", "k"), ("rename_to", "k2"), ("rename_from", "k2"),
        ("rename_to", "k3"), ("copy_to", "k4"), ("move_from", "k4")) + keyevents(
        ("move_to", "k4"), db=1) + keyevents(
        ("del", "k3"), ("set", "d"), ("del", "d"), ("set", "u"), ("del", "u"),
        ("set", "p"), ("del", "p"), ("set", "q"), ("expire", "q"))


def test_list_events(notify):
    assert notify(
        "EA",
        ("RPUSH", "l", "a", "b", "c"), ("LPUSH", "l", "z"), ("RPUSHX", "l", "y"),
        ("LPUSHX", "nol", "y"), ("LPOP", "l"), ("RPOP", "l", "2"),
        ("LINSERT", "l", "BEFORE", "a", "q"), ("LSET", "l", "0", "w"), ("LREM", "l", "0", "w"),
        ("LTRIM", "l", "0", "0"), ("RPUSH", "l", "x", "y"), ("LMOVE", "l", "m", "LEFT", "RIGHT"),
        ("RPOPLPUSH", "l", "m"), ("LMPOP", "1", "m", "LEFT", "COUNT", "5"),
        ("BLPOP", "l", "0.01"), ("RPUSH", "l", "a"), ("BLPOP", "l", "1"),
        ("RPUSH", "l", "a", "b"), ("LTRIM", "l", "5", "10"),
    ) == keyevents(
        ("rpush", "l"), ("lpush", "l"), ("rpush", "l"), ("lpop", "l"), ("rpop", "l"),
        ("linsert", "l"), ("lset", "l"), ("lrem", "l"), ("ltrim", "l"), ("rpush", "l"),
        ("rpush", "m"), ("lpop", "l"), ("lpush", "m"), ("rpop", "l"), ("lpop", "m"),
        ("del", "m"), ("lpop", "l"), ("del", "l"), ("rpush", "l"), ("lpop", "l"), ("del", "l"),
        ("rpush", "l"), ("ltrim", "l"), ("del", "l"))


def test_hash_events(notify):
    assert notify(
        "EA",
        ("HSET", "h", "f", "v", "g", "w"), ("HSET", "h", "f", "v2"), ("HSETNX", "h", "f", "x"),
        ("HSETNX", "h", "n", "x"), ("HMSET", "h", "a", "1"), ("HINCRBY", "h", "a", "2"),
        ("HINCRBYFLOAT", "h", "a", "0.5"), ("HDEL", "h", "f", "nope"), ("HDEL", "h", "nope"),
        ("HDEL", "h", "g", "n", "a"),
    ) == keyevents(
        ("hset", "h"), ("hset", "h"), ("hset", "h"), ("hset", "h"), ("hincrby", "h"),
        ("hincrbyfloat", "h"), ("hdel", "h"), ("hdel", "h"), ("del", "h"))


def test_set_events(notify):
    assert notify(
        "EA",
        ("SADD", "s", "a", "b", "c"), ("SADD", "s", "a"), ("SREM", "s", "a", "zz"),
        ("SREM", "s", "zz"), ("SPOP", "s"), ("SADD", "t", "1", "2"), ("SMOVE", "t", "s", "1"),
        ("SMOVE", "t", "s", "nope"), ("SINTERSTORE", "d", "s", "t"),
        ("SUNIONSTORE", "d", "s", "t"), ("SDIFFSTORE", "d", "s", "s"), ("SPOP", "s", "5"),
    ) == keyevents(
        ("sadd", "s"), ("srem", "s"), ("spop", "s"), ("sadd", "t"), ("srem", "t"),
        ("sadd", "s"), ("sunionstore", "d"), ("del", "d"), ("spop", "s"), ("del", "s"))


def test_sorted_set_events(notify):
    assert notify(
        "EA",
        ("ZADD", "z", "1", "a", "2", "b"), ("ZADD", "z", "1", "a"), ("ZADD", "z", "INCR", "5", "a"),
        ("ZINCRBY", "z", "1", "b"), ("ZREM", "z", "a", "nope"),
        ("ZADD", "z", "3", "c", "4", "d", "5", "e"), ("ZREMRANGEBYRANK", "z", "0", "0"),
        ("ZREMRANGEBYSCORE", "z", "4", "4"), ("ZREMRANGEBYLEX", "z", "-", "+"),
        ("ZADD", "z", "1", "a", "2", "b"), ("ZPOPMIN", "z"), ("ZPOPMAX", "z"),
        ("ZADD", "y", "1", "a"), ("ZUNIONSTORE", "u", "1", "y"),
        ("ZINTERSTORE", "u", "2", "y", "nope"), ("ZRANGESTORE", "r", "y", "0", "-1"),
        ("ZDIFFSTORE", "r", "1", "y"), ("ZMPOP", "1", "r", "MIN"), ("BZPOPMIN", "y", "0"),
    ) == keyevents(
        ("zadd", "z"), ("zincr", "z"), ("zincr", "z"), ("zrem", "z"), ("zadd", "z"),
        ("zremrangebyrank", "z"), ("zremrangebyscore", "z"), ("zremrangebylex", "z"),
        ("del", "z"), ("zadd", "z"), ("zpopmin", "z"), ("zpopmax", "z"), ("del", "z"),
        ("zadd", "y"), ("zunionstore", "u"), ("del", "u"), ("zrangestore", "r"),
        ("zdiffstore", "r"), ("zpopmin", "r"), ("del", "r"), ("zpopmin", "y"), ("del", "y"))


def test_new_key_events(notify):
    assert notify(
        "En", ("SET", "k", "v"), ("SET", "k", "w"), ("RPUSH", "l", "a"), ("HSET", "h", "f", "v"),
    ) == keyevents(("new", "k"), ("new", "l"), ("new", "h"))


def test_key_miss_events(notify):
    assert notify(
        "Em", ("GET", "nokey"), ("SET", "k", "v"), ("GET", "k"), ("LRANGE", "nol", "0", "1"),
        ("HGET", "noh", "f"), ("MGET", "x", "k"), ("DEL", "zz"),
    ) == keyevents(("keymiss", "nokey"), ("keymiss", "nol"), ("keymiss", "noh"),
                   ("keymiss", "x"))


def test_expired_by_the_active_cycle(notify):
    # Nobody touches the keys: the active cycle reclaims them.
    assert sorted(notify("Ex", ("SET", "k", "v", "PX", "50"), ("SET", "j", "v", "PX", "50"),
                         ("sleep", 0.5))) == keyevents(("expired", "j"), ("expired", "k"))


def test_expired_by_lazy_access(server, notify):
    client = server.client()
    client.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    try:
        assert notify("Exg", ("SET", "k", "v", "PX", "30"), ("sleep", 0.1), ("GET", "k"),
                      ("SET", "j", "v"), ("EXPIRE", "j", "0")) == keyevents(
            ("expire", "k"), ("expired", "k"), ("del", "j"))
    finally:
        client.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def test_flush_and_swap_send_nothing(notify):
    assert notify("KEA", ("SET", "k", "v"), ("SWAPDB", "0", "1"), ("FLUSHALL",),
                  ("SET", "j", "v"), ("FLUSHDB",)) == [
        ("__keyspace@0__:k", "set"), ("__keyevent@0__:set", "k"),
        ("__keyspace@0__:j", "set"), ("__keyevent@0__:set", "j")]


def test_config_file_sets_the_classes(start_server):
    handle = start_server(config_text="port {port}\nnotify-keyspace-events \"Eg\"\n",
                          port_arg=False)
    client = handle.client()
    assert client.config_get("notify-keyspace-events") == {"notify-keyspace-events": "gE"}
    pubsub = handle.client().pubsub()
    pubsub.subscribe("__keyevent@0__:del")
    assert pubsub.get_message(timeout=5)["type"] == "subscribe"
    client.set("k", "v")
    client.delete("k")
    message = pubsub.get_message(timeout=5)
    assert (message["channel"], message["data"]) == (b"__keyevent@0__:del", b"k")
