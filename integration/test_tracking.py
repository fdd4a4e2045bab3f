"""Client-side caching: CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO and
the invalidation messages (RESP3 pushes, or __redis__:invalidate messages to
a RESP2 redirect target).

Most scenarios run against fkvs and redis-server 7.0 and compare what every
connection received, byte for byte; ids are replaced by placeholders. The
last test keeps a real client-side cache under random writes."""

import random
import time

from raw_connection import RawConnection
from resp import parse_reply
from server_process import wait_until

PONG = b"+PONG\r\n"
# A RESP2 subscriber's PING reply.
SUBSCRIBER_PONG = b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"


def connect(handle, resp3=False):
    conn = RawConnection(handle.host, handle.port, timeout=10)
    if resp3:
        conn.send_command("HELLO", "3")
        conn.read_reply()
    return conn


def client_id(conn):
    return int(conn.command("CLIENT", "ID")[1:-2])


def drain(conn):
    """Everything sent to conn until now: a PING's reply marks the end."""
    conn.send_command("PING")
    data = b""
    while True:
        reply = conn.read_reply()
        if reply in (PONG, SUBSCRIBER_PONG):
            return data
        data += reply


def with_ids_hidden(data, ids):
    for name, value in ids.items():
        data = data.replace(b":%d\r\n" % value, b":<%s>\r\n" % name.encode())
        data = data.replace(b"redir=%d " % value, b"redir=<%s> " % name.encode())
    return data


def run_on_both(server, reference, scenario):
    """scenario(handle) returns (list of bytes, ids to hide); both servers must agree."""
    results = []
    for handle in (server, reference):
        handle.flushall()
        transcript, ids = scenario(handle)
        results.append([with_ids_hidden(part, ids) for part in transcript])
    assert results[0] == results[1]
    return results[0]


def test_subcommand_replies_and_errors_match_redis(server, reference):
    commands = [
        ("CLIENT", "TRACKING"),
        ("CLIENT", "TRACKING", "maybe"),
        ("CLIENT", "TRACKING", "on", "prefix", "a"),
        ("CLIENT", "TRACKING", "on", "optin", "optout"),
        ("CLIENT", "TRACKING", "on", "bcast", "optin"),
        ("CLIENT", "TRACKING", "on", "bcast", "optin", "optout"),
        ("CLIENT", "TRACKING", "on", "redirect", "999999"),
        ("CLIENT", "TRACKING", "on", "redirect", "0"),
        ("CLIENT", "TRACKING", "on", "redirect", "x"),
        ("CLIENT", "TRACKING", "on", "redirect"),
        ("CLIENT", "TRACKING", "on", "nosuchoption"),
        ("CLIENT", "TRACKING", "off", "noloop"),
        ("CLIENT", "CACHING", "yes"),
        ("CLIENT", "GETREDIR"),
        ("CLIENT", "TRACKINGINFO"),
        ("CLIENT", "TRACKING", "on", "optin"),
        ("CLIENT", "CACHING", "no"),
        ("CLIENT", "CACHING", "maybe"),
        ("CLIENT", "CACHING", "yes"),
        ("CLIENT", "TRACKINGINFO"),
        ("CLIENT", "TRACKING", "on", "optout"),
        ("CLIENT", "TRACKING", "on", "bcast"),
        ("CLIENT", "TRACKING", "on", "noloop"),
        ("CLIENT", "TRACKINGINFO"),
        ("CLIENT", "GETREDIR"),
        ("CLIENT", "TRACKING", "off"),
        ("CLIENT", "TRACKING", "on", "bcast", "prefix", "ab", "prefix", "a"),
        # Redis 7.0 answers an overlap past the first prefix with an error and
        # then +OK, having added the prefixes.
        ("CLIENT", "TRACKING", "on", "bcast", "prefix", "a", "prefix", "b", "prefix", "bc"),
        ("CLIENT", "TRACKINGINFO"),
        ("CLIENT", "TRACKING", "on", "bcast", "prefix", "bcd"),
        ("CLIENT", "TRACKING", "on", "bcast", "prefix", "c"),
        ("CLIENT", "TRACKING", "on", "bcast"),
        ("CLIENT", "TRACKINGINFO"),
        ("CLIENT", "TRACKING", "on"),
        ("CLIENT", "TRACKING", "off"),
        ("CLIENT", "TRACKINGINFO"),
    ]

    def scenario(handle):
        transcript = []
        for protocol in ("2", "3"):
            with connect(handle) as conn:
                conn.send_command("HELLO", protocol)
                conn.read_reply()
                for command in commands:
                    conn.send_command(*command)
                    transcript.append(drain(conn))
        return transcript, {}

    run_on_both(server, reference, scenario)


def test_resp2_redirect_frames_and_flush_nulls_match_redis(server, reference):
    def scenario(handle):
        with connect(handle) as target, connect(handle) as tracker, connect(handle) as writer:
            target_id = client_id(target)
            target.command("SUBSCRIBE", "__redis__:invalidate")
            out = [tracker.command("CLIENT", "TRACKING", "on", "redirect", str(target_id))]
            out.append(tracker.command("MGET", "a", "b", "c"))
            out.append(writer.command("MSET", "a", "1", "b", "2"))
            out.append(drain(target))
            tracker.command("GET", "a")
            out.append(writer.command("FLUSHALL"))
            out.append(drain(target))
            tracker.command("GET", "a")
            out.append(writer.command("FLUSHDB"))
            out.append(drain(target))
            # SWAPDB tells nobody, as in Redis.
            tracker.command("GET", "a")
            out.append(writer.command("SWAPDB", "0", "1"))
            out.append(drain(target))
            # A RESP3 tracker's flush null is RESP3's, whoever receives it.
            tracker.command("HELLO", "3")
            tracker.command("GET", "a")
            out.append(writer.command("FLUSHALL"))
            out.append(drain(target))
            out.append(tracker.command("CLIENT", "INFO").split(b" flags=")[1].split(b" ")[0])
            return out, {"target": target_id}

    run_on_both(server, reference, scenario)


def test_resp3_pushes_follow_the_reply_of_the_client_own_command(server, reference):
    def scenario(handle):
        with connect(handle, resp3=True) as tracker, connect(handle) as writer:
            out = [tracker.command("CLIENT", "TRACKING", "on")]
            tracker.command("MSET", "a", "1", "b", "2")
            tracker.command("GET", "a")
            tracker.command("HGET", "h", "f")
            # Its own write: the push comes after the reply.
            tracker.send_command("SET", "a", "2")
            out.append(tracker.read_replies(2))
            # Inside a transaction: after EXEC's whole reply.
            tracker.command("GET", "b")
            tracker.command("MULTI")
            tracker.command("INCR", "b")
            tracker.command("HSET", "h", "f", "v")
            tracker.send_command("EXEC")
            out.append(tracker.read_replies(3))
            tracker.command("GET", "a")
            tracker.command("MULTI")
            tracker.command("FLUSHDB")
            tracker.send_command("EXEC")
            out.append(tracker.read_replies(2))
            # Another client's write, and a key nobody read.
            tracker.command("GET", "a")
            writer.command("SET", "a", "x")
            writer.command("SET", "unread", "x")
            out.append(drain(tracker))
            return out, {}

    run_on_both(server, reference, scenario)


def test_bcast_prefixes_noloop_and_expiry_match_redis(server, reference):
    def scenario(handle):
        with connect(handle, resp3=True) as tracker, connect(handle) as writer:
            out = [tracker.command("CLIENT", "TRACKING", "on", "bcast", "prefix", "b",
                                   "prefix", "a", "noloop")]
            # One message per prefix, keys sorted, sent once per loop iteration.
            writer.command("MULTI")
            for key in ("b2", "a1", "b1", "c", "b2"):
                writer.command("INCR", key)
            writer.command("EXEC")
            out.append(drain(tracker))
            # NOLOOP: its own writes are left out.
            tracker.command("SET", "a3", "1")
            writer.command("SET", "a4", "1")
            out.append(drain(tracker))
            writer.command("SET", "a5", "1", "PX", "1")
            wait_until(lambda: writer.command("EXISTS", "a5") == b":0\r\n", 5, message="expiry")
            out.append(drain(tracker))
            out.append(tracker.command("CLIENT", "INFO").split(b" flags=")[1].split(b" ")[0])
            return out, {}

    run_on_both(server, reference, scenario)


def test_optin_optout_and_caching_match_redis(server, reference):
    def scenario(handle):
        with connect(handle, resp3=True) as tracker, connect(handle) as writer:
            tracker.command("CLIENT", "TRACKING", "on", "optin")
            tracker.command("GET", "k1")  # not remembered
            tracker.command("CLIENT", "CACHING", "yes")
            tracker.command("CLIENT", "ID")  # CACHING outlives CLIENT calls
            tracker.command("GET", "k2")
            tracker.command("GET", "k3")  # used up by k2's GET
            tracker.command("CLIENT", "CACHING", "yes")
            tracker.command("MULTI")
            tracker.command("GET", "k4")
            tracker.command("GET", "k5")
            tracker.command("EXEC")
            tracker.command("CLIENT", "CACHING", "yes")
            tracker.command("GET")  # a refused command uses it up too
            tracker.command("GET", "k6")
            writer.command("MSET", *[x for i in range(1, 7) for x in ("k%d" % i, "v")])
            out = [drain(tracker)]
            tracker.command("CLIENT", "TRACKING", "off")
            tracker.command("CLIENT", "TRACKING", "on", "optout")
            tracker.command("CLIENT", "CACHING", "no")
            tracker.command("GET", "k1")  # not remembered
            tracker.command("GET", "k2")
            writer.command("MSET", "k1", "w", "k2", "w")
            out.append(drain(tracker))
            return out, {}

    run_on_both(server, reference, scenario)


def test_broken_redirect_and_client_flags_match_redis(server, reference):
    def scenario(handle):
        with connect(handle, resp3=True) as tracker, connect(handle) as writer:
            target = connect(handle)
            target_id = client_id(target)
            tracker.command("CLIENT", "TRACKING", "on", "redirect", str(target_id))
            out = [tracker.command("CLIENT", "GETREDIR")]
            tracker.command("GET", "k")
            target.close()
            wait_until(lambda: b"id=%d " % target_id not in writer.command("CLIENT", "LIST"), 5,
                       message="target gone")
            writer.command("SET", "k", "1")
            out.append(drain(tracker))
            info = tracker.command("CLIENT", "INFO")
            out.append(info.split(b" flags=")[1].split(b" ")[0])
            out.append(b"redir=" + info.split(b" redir=")[1].split(b" ")[0] + b" ")
            out.append(tracker.command("CLIENT", "TRACKINGINFO"))
            out.append(tracker.command("RESET"))
            out.append(tracker.command("CLIENT", "TRACKINGINFO"))
            out.append(tracker.command("CLIENT", "INFO").split(b" flags=")[1].split(b" ")[0])
            return out, {"target": target_id}

    run_on_both(server, reference, scenario)


def test_reply_off_does_not_silence_invalidations(server, reference):
    def scenario(handle):
        with connect(handle, resp3=True) as tracker, connect(handle) as writer:
            tracker.command("CLIENT", "TRACKING", "on")
            tracker.command("GET", "a")
            tracker.command("GET", "b")
            tracker.send_command("CLIENT", "REPLY", "OFF")
            writer.command("SET", "a", "1")
            tracker.send_command("SET", "b", "1")  # its own write: the push still comes
            tracker.send_command("CLIENT", "REPLY", "ON")
            return [tracker.read_replies(3)], {}

    run_on_both(server, reference, scenario)


def test_info_fields_count_keys_items_prefixes_and_clients(server):
    with connect(server) as reader, connect(server) as other, connect(server) as bcast:
        reader.command("CLIENT", "TRACKING", "on")
        other.command("CLIENT", "TRACKING", "on")
        bcast.command("CLIENT", "TRACKING", "on", "bcast", "prefix", "p:", "prefix", "q:")
        reader.command("MGET", "k1", "k2")
        other.command("GET", "k1")
        info = server.client().info()
        assert info["tracking_clients"] == 3
        assert info["tracking_total_keys"] == 2
        assert info["tracking_total_items"] == 3
        assert info["tracking_total_prefixes"] == 2
        bcast.command("CLIENT", "TRACKING", "off")
        server.client().set("k1", "x")
        info = server.client().info()
        assert info["tracking_total_keys"] == 1
        assert info["tracking_total_items"] == 1
        assert info["tracking_total_prefixes"] == 0
        assert info["tracking_clients"] == 2


def test_table_limit_invalidates_keys_until_it_fits(server):
    with connect(server, resp3=True) as tracker:
        tracker.command("CLIENT", "TRACKING", "on")
        for i in range(250):
            tracker.command("GET", "key%d" % i)
        admin = server.client()
        try:
            assert admin.config_get("tracking-table-max-keys") == {
                "tracking-table-max-keys": "1000000"}
            admin.config_set("tracking-table-max-keys", 10)
            wait_until(lambda: admin.info()["tracking_total_keys"] == 10, 10,
                       message="table down to its limit")
            invalidated = set()
            deadline = time.monotonic() + 10
            while len(invalidated) < 240 and time.monotonic() < deadline:
                for piece in drain(tracker).split(b">2\r\n$10\r\ninvalidate\r\n*1\r\n")[1:]:
                    invalidated.add(piece.split(b"\r\n")[1])
            assert len(invalidated) == 240
        finally:
            admin.config_set("tracking-table-max-keys", 1000000)


class CachingClient:
    """A RESP3 connection with CLIENT TRACKING on that keeps the values it read."""

    def __init__(self, handle):
        self.conn = connect(handle, resp3=True)
        assert self.conn.command("CLIENT", "TRACKING", "on") == b"+OK\r\n"
        self.cache = {}
        self.hits = 0

    def _apply(self, push):
        value, _ = parse_reply(push)
        assert value[0] == b"invalidate", push
        if value[1] is None:
            self.cache.clear()
        else:
            for key in value[1]:
                self.cache.pop(key, None)

    def _reply(self, invalidated=None):
        """The next reply, applying the pushes before it."""
        while True:
            data = self.conn.read_reply(timeout=10)
            if not data.startswith(b">"):
                return data
            self._apply(data)
            if invalidated is not None:
                invalidated.append(data)

    def sync(self):
        """Applies every invalidation the server sent before now."""
        self.conn.send_command("PING")
        assert self._reply() == PONG

    def get(self, key):
        if key in self.cache:
            self.hits += 1
            return self.cache[key]
        self.conn.send_command("GET", key)
        pushes = []
        value = parse_reply(self._reply(pushes))[0]
        # A change that raced the read may or may not be in this value: keep it only when
        # nothing about the key arrived meanwhile.
        if not any(key in push for push in pushes):
            self.cache[key] = value
        return value


def test_client_side_cache_never_serves_a_stale_value(server):
    seed = random.randrange(1 << 30)
    print("seed", seed)
    rng = random.Random(seed)
    keys = [b"key:%d" % i for i in range(12)]
    cache = CachingClient(server)
    writers = [connect(server), connect(server, resp3=True)]
    truth = connect(server)
    for step in range(10000):
        writer = rng.choice(writers)
        key = rng.choice(keys)
        op = rng.random()
        if op < 0.35:
            writer.command("SET", key, str(rng.randrange(100)))
        elif op < 0.55:
            writer.command("DEL", key)
        elif op < 0.8:
            writer.command("INCR", key)
        elif op < 0.9:
            writer.command("PEXPIRE", key, str(rng.choice([1, 5, 100000])))
        elif op < 0.995:
            writer.command("EXPIRE", key, "1000")
        else:
            writer.command("FLUSHDB")
        for _ in range(2):
            read = rng.choice(keys)
            # The truth first: a read that reclaims an expired key sends its
            # invalidation before the cache syncs.
            expected = parse_reply(truth.command("GET", read))[0]
            cache.sync()
            cached = read in cache.cache
            served = cache.get(read)
            if cached:
                assert served == expected, "step %d key %r (seed %d)" % (step, read, seed)
    assert cache.hits > 1000
    for conn in writers + [truth, cache.conn]:
        conn.close()


def test_lazy_expiry_inside_a_read_follows_its_reply_like_redis(server, reference):
    def scenario(handle):
        with connect(handle, resp3=True) as tracker:
            tracker.command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
            try:
                tracker.command("CLIENT", "TRACKING", "on")
                tracker.command("MSET", "x", "1", "y", "2")
                tracker.command("PEXPIRE", "y", "1")
                tracker.command("GET", "y")
                time.sleep(0.05)
                # y is reclaimed by the read itself: its invalidation comes after the reply.
                tracker.send_command("MGET", "x", "y")
                return [tracker.read_replies(2)], {}
            finally:
                tracker.command("DEBUG", "SET-ACTIVE-EXPIRE", "1")

    run_on_both(server, reference, scenario)


def test_eviction_invalidates_before_the_command_that_made_room(start_server):
    handle = start_server()
    with connect(handle, resp3=True) as tracker:
        tracker.command("CLIENT", "TRACKING", "on")
        tracker.command("SETEX", "volatile", "10000", "x")
        tracker.command("GET", "volatile")
        used = int(tracker.command("MEMORY", "STATS").split(b"total.allocated\r\n:")[1]
                   .split(b"\r\n")[0])
        tracker.command("CONFIG", "SET", "maxmemory-policy", "volatile-random")
        tracker.command("CONFIG", "SET", "maxmemory", str(used + 100 * 1024))
        tracker.command("SETRANGE", "big", str(400 * 1024), "x")
        # Over the limit now: the next command evicts the key first.
        tracker.send_command("STRLEN", "big")
        assert tracker.read_replies(2) == (b">2\r\n$10\r\ninvalidate\r\n*1\r\n$8\r\nvolatile\r\n"
                                           + b":409601\r\n")


WRITES = [
    "APPEND s x", "SETRANGE s 0 y", "GETSET s z", "GETDEL s", "SET s v", "GETEX s EX 100",
    "GETEX s PERSIST", "SETNX s q", "MSETNX s q", "INCRBY n 2", "DECR n", "INCRBYFLOAT n 1.5",
    "SETBIT s 1 1", "LPUSH l c", "LPOP l", "RPOPLPUSH l l2", "LMOVE l l2 LEFT RIGHT",
    "LSET l2 0 q", "LINSERT l2 BEFORE q w", "LREM l2 0 w", "LTRIM l2 0 0", "RPOP l2", "HDEL h f",
    "HSET h f v", "HINCRBY h g 1", "HINCRBYFLOAT h g 1", "HSETNX h k v", "SREM st a", "SPOP st",
    "SMOVE st st2 b", "SADD st a", "SINTERSTORE d st st2", "SUNIONSTORE d st", "ZINCRBY z 1 a",
    "ZREM z a", "ZPOPMIN z", "ZADD z 3 c", "ZREMRANGEBYRANK z 0 0", "ZADD z 4 d",
    "ZUNIONSTORE d 1 z", "ZRANGESTORE d z 0 -1", "RENAME n n2", "RENAMENX n2 n", "COPY n n3",
    "MOVE n 1", "EXPIRE s 100", "PEXPIREAT s 99999999999999", "PERSIST s", "DEL s", "UNLINK l",
    "SWAPDB 0 1", "SWAPDB 0 1",
]


def test_every_kind_of_write_tells_the_readers_like_redis(server, reference):
    keys = ["s", "l", "l2", "h", "st", "st2", "z", "n", "n2", "n3", "d"]

    def scenario(handle):
        with connect(handle, resp3=True) as tracker, connect(handle) as writer:
            for setup in ["SET s v", "RPUSH l a b", "HSET h f v", "SADD st a b", "ZADD z 1 a 2 b",
                          "SET n 5"]:
                writer.command(*setup.split())
            tracker.command("CLIENT", "TRACKING", "on")
            out = []
            for write in WRITES:
                for key in keys:
                    tracker.command("EXISTS", key)
                drain(tracker)
                out.append(write.encode() + b" -> " + writer.command(*write.split()))
                out.append(drain(tracker))
            return out, {}

    transcript = run_on_both(server, reference, scenario)
    assert sum(1 for part in transcript if part.startswith(b">2")) > 30


def test_scripts_track_for_their_caller_like_redis(server, reference):
    """A script's commands act for the client that sent EVAL: NOLOOP spares it,
    and a read inside the script remembers the keys the script declared.
    EVAL_RO itself remembers nothing."""
    def scenario(handle):
        with connect(handle, resp3=True) as tracker, connect(handle) as writer:
            out = [tracker.command("CLIENT", "TRACKING", "on", "NOLOOP")]
            tracker.command("SET", "key1", "1")
            tracker.command("GET", "key1")
            out.append(tracker.command("EVAL", "return redis.call('set', KEYS[1], '2')", "1",
                                       "key1"))
            out.append(tracker.command("GET", "key1"))
            tracker.command("CLIENT", "TRACKING", "off")
            tracker.command("CLIENT", "TRACKING", "on")
            scripts = [
                ("EVAL", "redis.call('set', 'k3', 'bar')"),  # no read: nothing tracked
                ("EVAL", "redis.call('get', 'k3')"),  # a read: both keys tracked
                ("EVAL_RO", "redis.call('ping')"),
                ("EVAL_RO", "redis.call('get', 'k1')"),
            ]
            for command, script in scripts:
                out.append(tracker.command(command, script, "2", "k1", "k2"))
                writer.command("MSET", "k2", "x", "k1", "y")
                out.append(drain(tracker))
            return out, {}

    transcript = run_on_both(server, reference, scenario)
    assert transcript[-1].count(b"invalidate") == 2 and transcript[4] == b""
