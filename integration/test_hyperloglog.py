"""HyperLogLog commands against redis-server 7.0: replies, counts and the raw bytes of the
values (GET), so an HLL moves between the two servers as a string."""

import random

import pytest

from resp import encode_command, split_replies
from transcript import check_transcript
from replies import OK, WRONGTYPE, arity, array, bulk, integer

NOT_HLL = b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"
CORRUPT = b"-INVALIDOBJ Corrupted HLL object detected\r\n"
NO_KEY = b"-ERR The specified key does not exist\r\n"
NOT_SPARSE = b"-ERR HLL encoding is not sparse\r\n"
HEADER = b"HYLL\x01\x00\x00\x00" + b"\x00" * 8
EMPTY_SPARSE = HEADER + b"\x7f\xff"
STALE_EMPTY = EMPTY_SPARSE[:15] + b"\x80" + EMPTY_SPARSE[16:]
DENSE_SIZE = 16 + 16384 * 6 // 8


@pytest.fixture
def both(server, reference):
    """The server under test and redis-server, emptied, hll-sparse-max-bytes at its default
    (and put back after the test)."""
    handles = (server, reference)
    for handle in handles:
        handle.flushall()
    yield handles
    for handle in handles:
        handle.client().config_set("hll-sparse-max-bytes", 3000)


def run_pipelined(handle, commands):
    """Sends the commands in one write and returns their raw replies, one per command."""
    with handle.connect_raw(timeout=60) as conn:
        conn.send(b"".join(encode_command(*command) for command in commands))
        replies, leftover = split_replies(conn.read_replies(len(commands), timeout=60))
    assert leftover == b""
    return replies


def same_on_both(both, commands):
    """Runs the commands on both servers and asserts the same replies; returns them."""
    actual, expected = (run_pipelined(handle, commands) for handle in both)
    for command, got, wanted in zip(commands, actual, expected):
        assert got == wanted, "%r: %r, redis-server: %r" % (command[:3], got[:200], wanted[:200])
    return actual


def pfadd_batches(key, elements, per_call):
    return [("PFADD", key, *elements[i:i + per_call]) for i in range(0, len(elements), per_call)]


def test_commands_and_errors(assert_same):
    check_transcript(assert_same, [
        ("PFADD h", integer(1)),
        ("GET h", bulk(STALE_EMPTY)),
        ("PFCOUNT h", integer(0)),
        ("GET h", bulk(EMPTY_SPARSE)),
        ("PFADD h a b c", integer(1)),
        ("PFADD h a b c", integer(0)),
        ("PFADD h", integer(0)),
        (("PFADD", "h", ""), integer(1)),
        ("PFCOUNT h", integer(4)),
        ("PFCOUNT h missing", integer(4)),
        ("PFCOUNT missing", integer(0)),
        ("PFADD", arity("pfadd")),
        ("PFCOUNT", arity("pfcount")),
        ("PFMERGE", arity("pfmerge")),
        ("PFDEBUG GETREG", arity("pfdebug")),
        ("PFSELFTEST x", arity("pfselftest")),
        ("SET s abc", OK),
        ("PFADD s a", NOT_HLL),
        ("PFCOUNT s", NOT_HLL),
        ("PFCOUNT h s", NOT_HLL),
        ("PFMERGE d s", NOT_HLL),
        ("PFMERGE s h", NOT_HLL),
        ("EXISTS d", integer(0)),
        ("SET n 1234567890123456789012", OK),
        ("PFCOUNT n", NOT_HLL),
        ("SET i 12345", OK),
        ("PFADD i x", NOT_HLL),
        ("RPUSH l a", integer(1)),
        ("PFADD l a", WRONGTYPE),
        ("PFCOUNT l", WRONGTYPE),
        ("PFMERGE l h", WRONGTYPE),
        ("PFDEBUG GETREG l", WRONGTYPE),
        ("PFDEBUG GETREG s", NOT_HLL),
        ("PFDEBUG GETREG missing", NO_KEY),
        ("PFDEBUG NOSUCH missing", NO_KEY),
        ("PFDEBUG NOSUCH h", b"-ERR Unknown PFDEBUG subcommand 'NOSUCH'\r\n"),
        ("PFDEBUG ENCODING h", b"+sparse\r\n"),
        ("PFDEBUG DECODE h", bulk("Z:5938 v:2,1 Z:2497 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603")),
        ("PFDEBUG todense h", integer(1)),
        ("PFDEBUG TODENSE h", integer(0)),
        ("PFDEBUG encoding h", b"+dense\r\n"),
        ("PFDEBUG DECODE h", NOT_SPARSE),
        ("STRLEN h", integer(DENSE_SIZE)),
        ("PFCOUNT h", integer(4)),
        ("PFMERGE m h missing", OK),
        ("PFDEBUG ENCODING m", b"+dense\r\n"),
        ("PFMERGE e missing", OK),
        ("GET e", bulk(STALE_EMPTY)),
        ("PFSELFTEST", OK),
    ])


def test_getreg_lists_every_register(both):
    commands = [("PFADD", "h", "1", "2", "3"), ("PFDEBUG", "GETREG", "h"),
                ("PFDEBUG", "ENCODING", "h"), ("GET", "h")]
    replies = same_on_both(both, commands)
    assert replies[1].startswith(b"*16384\r\n")
    assert replies[2] == b"+dense\r\n"  # GETREG leaves it dense


@pytest.mark.parametrize("count", [1, 10, 100, 1000, 10_000, 100_000, 1_000_000])
def test_counts_and_bytes_match_redis(both, count):
    rng = random.Random(count)
    elements = ["%x:%d" % (rng.getrandbits(48), i) for i in range(count)]
    # One element per call while the value is sparse exercises every sparse update;
    # many per call keeps the big sizes quick.
    per_call = 1 if count <= 1000 else 1000
    commands = pfadd_batches("h", elements, per_call)
    commands += [("GET", "h"), ("PFCOUNT", "h"), ("GET", "h"), ("PFDEBUG", "ENCODING", "h")]
    replies = same_on_both(both, commands)
    estimate = int(replies[-3][1:-2])
    assert abs(estimate - count) <= max(2, 0.05 * count)
    assert replies[-1] == (b"+sparse\r\n" if count <= 100 else
                           b"+dense\r\n" if count >= 10_000 else replies[-1])


@pytest.mark.parametrize("max_bytes", [0, 20, 100, 500, 3000, 20000])
def test_sparse_limit_matches_redis(both, max_bytes):
    rng = random.Random(max_bytes)
    commands = [("CONFIG", "SET", "hll-sparse-max-bytes", str(max_bytes)),
                ("CONFIG", "GET", "hll-sparse-max-bytes")]
    for key in range(4):
        for _ in range(rng.choice([5, 50, 400, 3000])):
            commands.append(("PFADD", "h%d" % key, str(rng.random())))
        commands += [("GET", "h%d" % key), ("PFDEBUG", "ENCODING", "h%d" % key)]
    same_on_both(both, commands)


def test_merges_match_redis(both):
    rng = random.Random(7)
    sizes = {"a": 5, "b": 300, "c": 3000, "d": 20000, "e": 0}
    commands = []
    for key, size in sizes.items():
        commands += pfadd_batches(key, [str(rng.random()) for _ in range(size)], 7)
    commands += [("PFDEBUG", "ENCODING", key) for key in sizes]
    merges = [("s1", "a", "b"), ("s2", "a", "c", "missing"), ("d1", "a", "d"),
              ("a", "b"), ("b", "b", "c"), ("e", "d"), ("fresh",), ("c", "missing")]
    for merge in merges:
        commands += [("PFMERGE", *merge), ("GET", merge[0]), ("PFDEBUG", "ENCODING", merge[0]),
                     ("PFCOUNT", merge[0])]
    commands += [("PFCOUNT", "a", "b", "c"), ("PFCOUNT", "a", "d", "missing"),
                 ("PFCOUNT", "s1", "s2", "d1", "e")]
    same_on_both(both, commands)


def sparse_tail_is_whole(value):
    """Whether the last sparse opcode is complete: for an XZERO cut off by the end
    redis-server reads past the value, which no comparison can match."""
    pos = 16
    while pos < len(value):
        pos += 2 if value[pos] & 0xc0 == 0x40 else 1
    return pos == len(value)


def test_corrupted_values_give_redis_replies(both):
    rng = random.Random(23)
    fkvs_client = both[0].client()
    fkvs_client.pfadd("source", *[str(i) for i in range(120)])
    sparse = fkvs_client.get("source")
    fkvs_client.execute_command("PFDEBUG", "TODENSE", "source")
    dense = fkvs_client.get("source")
    commands = []
    tried = 0
    while tried < 300:
        base = sparse if tried % 3 else dense
        value = bytearray(base)
        for _ in range(rng.choice([1, 1, 2, 5])):
            value[rng.randrange(len(value))] = rng.randrange(256)
        if rng.random() < 0.2:
            del value[rng.randrange(16, len(value)):]
        if rng.random() < 0.1:
            value += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4)))
        value = bytes(value)
        if value[4:5] == b"\x01" and not sparse_tail_is_whole(value):
            continue
        tried += 1
        commands += [("SET", "v", value), ("PFCOUNT", "v"), ("GET", "v"),
                     ("PFADD", "v", str(rng.random()), str(rng.random())), ("GET", "v"),
                     ("SET", "v", value), ("PFMERGE", "m", "v"), ("PFCOUNT", "v", "m"),
                     ("PFDEBUG", "DECODE", "v"), ("PFDEBUG", "GETREG", "v"), ("GET", "v"),
                     ("DEL", "m")]
    replies = same_on_both(both, commands)
    counts = replies[1::12]
    assert CORRUPT in counts and NOT_HLL in counts and any(r[:1] == b":" for r in counts)


def test_random_bytes_after_a_header_never_crash(server):
    rng = random.Random(29)
    client = server.client()
    for _ in range(2000):
        value = HEADER + bytes(rng.randrange(256) for _ in range(rng.randrange(0, 24)))
        client.set("v", value)
        for command in (("PFCOUNT", "v"), ("PFADD", "v", "x", "y"), ("PFCOUNT", "v", "v"),
                        ("PFMERGE", "m", "v"), ("PFDEBUG", "DECODE", "v"),
                        ("PFDEBUG", "TODENSE", "v")):
            try:
                client.execute_command(*command)
            except Exception as error:  # replies of corrupt values are errors; fine
                assert "INVALIDOBJ" in str(error) or "not sparse" in str(error)
    assert client.ping()


def test_values_move_between_servers(both):
    fkvs, redis = (handle.client() for handle in both)
    fkvs.pfadd("small", *["s%d" % i for i in range(50)])
    fkvs.pfadd("big", *["b%d" % i for i in range(50_000)])
    redis.pfadd("theirs", *["t%d" % i for i in range(5000)])
    for key in ("small", "big"):
        redis.restore(key, 0, fkvs.dump(key))
        assert redis.pfcount(key) == fkvs.pfcount(key)
        assert redis.get(key) == fkvs.get(key)
    fkvs.restore("theirs", 0, redis.dump("theirs"))
    fkvs.set("copied", redis.get("theirs"))
    assert fkvs.pfcount("theirs") == fkvs.pfcount("copied") == redis.pfcount("theirs")
    redis.pfadd("theirs", "one more")
    fkvs.pfadd("theirs", "one more")
    assert fkvs.get("theirs") == redis.get("theirs")
    assert fkvs.pfcount("small", "big", "theirs") == redis.pfcount("small", "big", "theirs")


def test_keyspace_events(both):
    events = []
    for handle in both:
        client = handle.client()
        client.config_set("notify-keyspace-events", "KEA")
        pubsub = client.pubsub()
        pubsub.psubscribe("__keyevent@0__:*")
        pubsub.get_message(timeout=5)
        writer = handle.client()
        writer.pfadd("h", "a")
        writer.pfadd("h", "a")         # no change: no event
        writer.pfcount("h")            # caches the count: no event
        writer.pfmerge("m", "h")       # Redis calls a merge "pfadd"
        writer.execute_command("PFDEBUG", "TODENSE", "h")
        writer.set("done", "1")
        seen = []
        while True:
            message = pubsub.get_message(timeout=5)
            assert message is not None, "no 'set' event within 5s"
            if message["type"] != "pmessage":
                continue
            seen.append((message["channel"], message["data"]))
            if message["channel"].endswith(b":set"):
                break
        pubsub.close()
        client.config_set("notify-keyspace-events", "")
        events.append(seen)
    assert events[0] == events[1] == [(b"__keyevent@0__:pfadd", b"h"),
                                      (b"__keyevent@0__:pfadd", b"m"),
                                      (b"__keyevent@0__:set", b"done")]


def test_watch_sees_the_cached_count_change(both):
    for handle in both:
        client = handle.client()
        client.pfadd("h", "a", "b")
        # A stale cache: PFCOUNT rewrites the value, so the transaction fails.
        watcher = handle.connect_raw()
        watcher.send(encode_command("WATCH", "h"))
        assert watcher.read_reply() == OK
        assert client.pfcount("h") == 2
        watcher.send(encode_command("MULTI") + encode_command("PING") + encode_command("EXEC"))
        assert watcher.read_replies(3) == OK + b"+QUEUED\r\n" + b"*-1\r\n"
        # The cache is valid now: PFCOUNT leaves the value alone.
        watcher.send(encode_command("WATCH", "h"))
        assert watcher.read_reply() == OK
        assert client.pfcount("h") == 2
        watcher.send(encode_command("MULTI") + encode_command("PING") + encode_command("EXEC"))
        assert watcher.read_replies(3) == OK + b"+QUEUED\r\n" + array(b"+PONG\r\n")


def test_changes_counted_as_redis_counts_them(both):
    commands = [("CONFIG", "RESETSTAT"), ("PFADD", "h", "a", "b", "c", "a"), ("PFCOUNT", "h"),
                ("PFCOUNT", "h"), ("PFMERGE", "m", "h"), ("PFDEBUG", "TODENSE", "m"),
                ("PFDEBUG", "GETREG", "h"), ("PFADD", "n")]
    counts = []
    for handle in both:
        client = handle.client()
        before = client.info("persistence")["rdb_changes_since_last_save"]
        run_pipelined(handle, commands)
        counts.append(client.info("persistence")["rdb_changes_since_last_save"] - before)
    assert counts[0] == counts[1]


def test_the_aof_replays_every_change(start_server):
    """PFCOUNT's cached count and PFDEBUG's conversions reach the AOF as Redis sends them,
    so a reload rebuilds the same bytes."""
    handle = start_server("--appendonly", "yes", "--appendfsync", "always")
    client = handle.client()
    client.pfadd("h", *["e%d" % i for i in range(200)])
    client.pfcount("h")
    client.pfadd("d", *["d%d" % i for i in range(20)])
    client.execute_command("PFDEBUG", "TODENSE", "d")
    client.pfmerge("m", "h", "d")
    client.pfcount("m")
    before = {key: client.get(key) for key in ("h", "d", "m")}
    incremental = next((handle.workdir / "appendonlydir").glob("*.incr.aof")).read_bytes()
    assert b"PFCOUNT" in incremental.upper() and b"PFDEBUG" in incremental.upper()
    assert client.execute_command("DEBUG", "LOADAOF") == b"OK"
    assert {key: client.get(key) for key in ("h", "d", "m")} == before
