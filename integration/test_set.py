"""Set commands: membership, SPOP/SRANDMEMBER, SMOVE, the SINTER/SUNION/SDIFF
algebra and its STORE forms, SINTERCARD, SSCAN, and the intset/hashtable
encodings Redis 7.0 picks."""

import redis

from transcript import check_transcript
from replies import NOT_INTEGER, OK, SYNTAX, WRONGTYPE, arity, array, bulk, integer

NIL = b"$-1\r\n"
EMPTY = b"*0\r\n"
NOT_POSITIVE = b"-ERR value is out of range, must be positive\r\n"


def fill(client, key, members):
    for start in range(0, len(members), 500):
        client.sadd(key, *members[start:start + 500])


def test_sadd_srem_scard_sismember(assert_same):
    check_transcript(assert_same, [
        ("SADD s 3 1 2", integer(3)),
        ("SADD s 2 4 4", integer(1)),
        ("SCARD s", integer(4)),
        ("SMEMBERS s", array(1, 2, 3, 4)),
        ("OBJECT ENCODING s", bulk("intset")),
        ("SISMEMBER s 2", integer(1)),
        ("SISMEMBER s 9", integer(0)),
        ("SISMEMBER s x", integer(0)),
        ("SISMEMBER missing x", integer(0)),
        ("SMISMEMBER s 1 9 x 4", array(integer(1), integer(0), integer(0), integer(1))),
        ("SMISMEMBER missing a b", array(integer(0), integer(0))),
        ("SREM s 1 9 x", integer(1)),
        ("SREM missing a", integer(0)),
        ("SCARD missing", integer(0)),
        ("SMEMBERS missing", EMPTY),
        ("SREM s 2 3 4", integer(3)),
        ("EXISTS s", integer(0)),
        ("SADD s", arity("sadd")),
        ("SREM s", arity("srem")),
        ("SCARD", arity("scard")),
        ("SISMEMBER s", arity("sismember")),
        ("SMISMEMBER s", arity("smismember")),
        ("SMEMBERS", arity("smembers")),
    ])


def test_wrongtype_everywhere(assert_same):
    steps = [("SET str v", OK), ("SADD s 1", integer(1))]
    for command in ["SADD str a", "SREM str a", "SISMEMBER str a", "SMISMEMBER str a",
                    "SCARD str", "SMEMBERS str", "SPOP str", "SPOP str 2", "SRANDMEMBER str",
                    "SRANDMEMBER str 2", "SMOVE str s a", "SMOVE s str 1", "SINTER s str",
                    "SINTER missing str", "SINTER str missing", "SINTERSTORE d missing str",
                    "SINTERCARD 2 missing str", "SUNION missing str", "SUNIONSTORE d s str",
                    "SDIFF missing str", "SDIFF s str", "SDIFFSTORE d s str", "SSCAN str 0",
                    "SPOP str 0"]:
        steps.append((command, WRONGTYPE))
    steps += [
        ("SMOVE missing str a", integer(0)),  # a missing source answers before the type check
        ("SINTERSTORE str s", integer(1)),  # the destination's type does not matter
        ("TYPE str", b"+set\r\n"),
        ("EXISTS d", integer(0)),
    ]
    check_transcript(assert_same, steps)


def test_encoding_transitions(assert_same):
    check_transcript(assert_same, [
        ("SADD s 1 2", integer(2)),
        ("OBJECT ENCODING s", bulk("intset")),
        ("SADD s 01", integer(1)),
        ("OBJECT ENCODING s", bulk("hashtable")),
        ("SREM s 01", integer(1)),
        ("OBJECT ENCODING s", bulk("hashtable")),  # one way
        ("SADD a -9223372036854775808 9223372036854775807", integer(2)),
        ("OBJECT ENCODING a", bulk("intset")),
        ("SMEMBERS a", array("-9223372036854775808", "9223372036854775807")),
        ("SADD b 9223372036854775808", integer(1)),
        ("OBJECT ENCODING b", bulk("hashtable")),
        ("SADD c x", integer(1)),
        ("OBJECT ENCODING c", bulk("hashtable")),
        ("SADD e -0", integer(1)),
        ("OBJECT ENCODING e", bulk("hashtable")),
        ("CONFIG SET set-max-intset-entries 3", OK),
        ("SADD t 1 2 3", integer(3)),
        ("OBJECT ENCODING t", bulk("intset")),
        ("SADD t 3", integer(0)),
        ("OBJECT ENCODING t", bulk("intset")),
        ("SADD t 4", integer(1)),
        ("OBJECT ENCODING t", bulk("hashtable")),
        ("SADD u 1 2 3 4", integer(4)),
        ("OBJECT ENCODING u", bulk("hashtable")),
        ("CONFIG SET set-max-intset-entries 0", OK),
        ("SADD z 1", integer(1)),
        ("OBJECT ENCODING z", bulk("hashtable")),
        ("CONFIG SET set-max-intset-entries 512", OK),
    ])


def test_encoding_at_default_threshold(server):
    client = server.client()
    fill(client, "s", [str(i) for i in range(512)])
    assert client.object("encoding", "s") == b"intset"
    client.sadd("s", "512")
    assert client.object("encoding", "s") == b"hashtable"
    assert client.scard("s") == 513


def test_spop(assert_same):
    check_transcript(assert_same, [
        ("SPOP missing", NIL),
        ("SPOP missing 3", EMPTY),
        ("SPOP missing 0", EMPTY),
        ("SPOP missing -1", NOT_POSITIVE),
        ("SADD s 1", integer(1)),
        ("SPOP s", bulk("1")),
        ("EXISTS s", integer(0)),
        ("SADD s 1 2 3", integer(3)),
        ("SPOP s 0", EMPTY),
        ("SPOP s -1", NOT_POSITIVE),
        ("SPOP s abc", NOT_POSITIVE),
        ("SPOP s 1 2", SYNTAX),
        ("SPOP s 3", array(1, 2, 3)),  # all of an intset, in order
        ("EXISTS s", integer(0)),
        ("SADD s 1 2 3", integer(3)),
        ("SPOP s 9223372036854775807", array(1, 2, 3)),
        ("EXISTS s", integer(0)),
        ("SPOP", arity("spop")),
    ])


def test_spop_count_random(server):
    client = server.client()
    for members in [[str(i) for i in range(1, 11)], ["a%d" % i for i in range(10)]]:
        client.delete("s")
        client.sadd("s", *members)
        client.expire("s", 100)
        for count in [2, 7]:
            popped = client.spop("s", count)
            assert len(popped) == count and len(set(popped)) == count
            remaining = client.smembers("s")
            assert not remaining & set(popped)
            members = [m for m in members if m.encode() not in popped]
            assert remaining == {m.encode() for m in members}
        assert client.ttl("s") > 0  # popping most of a set keeps its TTL
        client.spop("s")
        assert client.exists("s") == 0


def test_spop_most_of_hashtable_rebuilds_as_intset(server, reference):
    # Redis keeps the few survivors of a large pop in a new set, which picks
    # its own encoding: integers left in a hashtable set are an intset again.
    for handle in (server, reference):
        client = handle.client()
        client.flushall()
        fill(client, "big", [str(i) for i in range(600)])
        assert client.object("encoding", "big") == b"hashtable"
        popped = client.spop("big", 500)
        assert len(set(popped)) == 500
        assert client.scard("big") == 100
        assert client.object("encoding", "big") == b"intset"
        fill(client, "few", [str(i) for i in range(600)])
        client.spop("few", 50)  # pops one by one: the set stays a hashtable
        assert client.object("encoding", "few") == b"hashtable"


def test_srandmember(assert_same):
    check_transcript(assert_same, [
        ("SRANDMEMBER missing", NIL),
        ("SRANDMEMBER missing 5", EMPTY),
        ("SRANDMEMBER missing -5", EMPTY),
        ("SADD s 1 2 3", integer(3)),
        ("SRANDMEMBER s 0", EMPTY),
        ("SRANDMEMBER s 3", array(1, 2, 3)),
        ("SRANDMEMBER s 10", array(1, 2, 3)),
        ("SRANDMEMBER s 9223372036854775807", array(1, 2, 3)),
        ("SRANDMEMBER s abc", NOT_INTEGER),
        ("SRANDMEMBER s -9223372036854775808",
         b"-ERR value is out of range, value must between -9223372036854775807 and "
         b"9223372036854775807\r\n"),
        ("SRANDMEMBER s 1 2", SYNTAX),
        ("SADD one x", integer(1)),
        ("SRANDMEMBER one", bulk("x")),
        ("SRANDMEMBER one -3", array("x", "x", "x")),
        ("SRANDMEMBER one 1", array("x")),
        ("SRANDMEMBER", arity("srandmember")),
    ])


def test_srandmember_counts(server):
    client = server.client()
    for members in [[str(i) for i in range(100)], ["m%d" % i for i in range(100)]]:
        client.delete("s")
        client.sadd("s", *members)
        expected = {m.encode() for m in members}
        for count in [1, 5, 40, 80, 99, 100, 150]:
            picked = client.srandmember("s", count)
            assert len(picked) == min(count, 100)
            assert len(set(picked)) == len(picked)
            assert set(picked) <= expected
        assert len(client.srandmember("s", -300000)) == 300000
        repeated = client.srandmember("s", -5000)
        assert len(repeated) == 5000 and set(repeated) <= expected
        assert len(set(repeated)) > 50
        assert client.srandmember("s").decode() in members
        assert client.scard("s") == 100


def test_smove(assert_same):
    check_transcript(assert_same, [
        ("SADD src 1 2 a", integer(3)),
        ("SMOVE src dst 1", integer(1)),
        ("SMEMBERS dst", array(1)),
        ("OBJECT ENCODING dst", bulk("intset")),
        ("SMOVE src dst 9", integer(0)),
        ("SMOVE src dst a", integer(1)),
        ("OBJECT ENCODING dst", bulk("hashtable")),
        ("SADD dst 2", integer(1)),
        ("SMOVE src dst 2", integer(1)),  # already in dst: still 1
        ("EXISTS src", integer(0)),
        ("SCARD dst", integer(3)),
        ("SMOVE dst dst a", integer(1)),
        ("SMOVE dst dst zz", integer(0)),
        ("SCARD dst", integer(3)),
        ("SMOVE missing dst a", integer(0)),
        ("SADD x y", integer(1)),
        ("SMOVE x newkey y", integer(1)),
        ("OBJECT ENCODING newkey", bulk("hashtable")),
        ("SMOVE x", arity("smove")),
    ])


def test_sinter_family(assert_same):
    check_transcript(assert_same, [
        ("SADD a 1 2 3 4", integer(4)),
        ("SADD b 2 3 4 5 x", integer(5)),
        ("SADD c 3 4 6", integer(3)),
        ("SINTER a c", array(3, 4)),
        ("SINTER a b c", array(3, 4)),
        ("SINTER a", array(1, 2, 3, 4)),
        ("SINTER a missing", EMPTY),
        ("SINTER missing a", EMPTY),
        ("SINTERCARD 2 a b", integer(3)),
        ("SINTERCARD 3 a b c", integer(2)),
        ("SINTERCARD 2 a b LIMIT 2", integer(2)),
        ("SINTERCARD 2 a b LIMIT 0", integer(3)),
        ("SINTERCARD 2 a b limit 10", integer(3)),
        ("SINTERCARD 2 a missing", integer(0)),
        ("SINTERCARD 1 a", integer(4)),
        ("SINTERCARD 0 a", b"-ERR numkeys should be greater than 0\r\n"),
        ("SINTERCARD -1 a", b"-ERR numkeys should be greater than 0\r\n"),
        ("SINTERCARD x a", b"-ERR numkeys should be greater than 0\r\n"),
        ("SINTERCARD 3 a b", b"-ERR Number of keys can't be greater than number of args\r\n"),
        ("SINTERCARD 1 a LIMIT -1", b"-ERR LIMIT can't be negative\r\n"),
        ("SINTERCARD 1 a LIMIT x", b"-ERR LIMIT can't be negative\r\n"),
        ("SINTERCARD 1 a LIMIT", SYNTAX),
        ("SINTERCARD 1 a foo 1", SYNTAX),
        ("SINTERCARD 1", arity("sintercard")),
        ("SINTERSTORE d a b", integer(3)),
        ("SMEMBERS d", array(2, 3, 4)),
        ("OBJECT ENCODING d", bulk("intset")),
        ("EXPIRE d 100", integer(1)),
        ("SINTERSTORE d a c", integer(2)),
        ("TTL d", integer(-1)),  # replaced, TTL and all
        ("SINTERSTORE d a missing", integer(0)),
        ("EXISTS d", integer(0)),
        ("SADD d 1", integer(1)),
        ("SINTERSTORE d a c x", integer(0)),
        ("EXISTS d", integer(0)),
        ("SINTERSTORE a a c", integer(2)),  # the destination may be a source
        ("SMEMBERS a", array(3, 4)),
        ("SINTERSTORE d", arity("sinterstore")),
        ("SINTER", arity("sinter")),
    ])


def test_sunion_sdiff(assert_same):
    check_transcript(assert_same, [
        ("SADD a 5 1 3", integer(3)),
        ("SADD b 3 4", integer(2)),
        ("SUNION a b", array(1, 3, 4, 5)),
        ("SUNION a missing b", array(1, 3, 4, 5)),
        ("SUNION missing", EMPTY),
        ("SDIFF a b", array(1, 5)),
        ("SDIFF a missing", array(1, 3, 5)),
        ("SDIFF missing a", EMPTY),
        ("SDIFF a a", EMPTY),
        ("SDIFF a b a", EMPTY),
        ("SUNIONSTORE d a b", integer(4)),
        ("SMEMBERS d", array(1, 3, 4, 5)),
        ("OBJECT ENCODING d", bulk("intset")),
        ("SDIFFSTORE d a b", integer(2)),
        ("SMEMBERS d", array(1, 5)),
        ("SDIFFSTORE d a a", integer(0)),
        ("EXISTS d", integer(0)),
        ("SUNIONSTORE d missing", integer(0)),
        ("SET str v", OK),
        ("SUNIONSTORE str a", integer(3)),
        ("TYPE str", b"+set\r\n"),
        ("SADD h x 1", integer(2)),
        ("SREM h x", integer(1)),
        ("OBJECT ENCODING h", bulk("hashtable")),
        ("SUNIONSTORE d h", integer(1)),
        ("OBJECT ENCODING d", bulk("intset")),  # the result picks its own encoding
        ("SADD h y", integer(1)),
        ("SINTERSTORE d h", integer(2)),
        ("OBJECT ENCODING d", bulk("hashtable")),
        ("SDIFFSTORE d h b", integer(2)),
        ("OBJECT ENCODING d", bulk("hashtable")),
        ("SUNION", arity("sunion")),
        ("SDIFF", arity("sdiff")),
        ("SUNIONSTORE d", arity("sunionstore")),
        ("SDIFFSTORE d", arity("sdiffstore")),
    ])


def test_algebra_on_hashtables(server, reference):
    results = []
    for handle in (server, reference):
        client = handle.client()
        client.flushall()
        fill(client, "a", ["m%d" % i for i in range(0, 900)])
        fill(client, "b", ["m%d" % i for i in range(300, 1200)])
        fill(client, "c", [str(i) for i in range(0, 700)] + ["m500"])
        results.append((
            sorted(client.sinter("a", "b")), sorted(client.sinter("a", "b", "c")),
            sorted(client.sunion("a", "b", "c")), sorted(client.sdiff("a", "b", "c")),
            client.sintercard(2, ["a", "b"]), client.sintercard(2, ["a", "b"], limit=10),
            client.sunionstore("u", "a", "c"), client.object("encoding", "u"),
            client.sdiffstore("dd", "c", "a"), client.object("encoding", "dd"),
            client.sinterstore("i", "c", "c"), client.object("encoding", "i"),
            sorted(client.smembers("dd"))))
    assert results[0] == results[1]


def test_sscan(assert_same):
    check_transcript(assert_same, [
        ("SSCAN missing 0", array("0", EMPTY)),
        ("SSCAN missing 0 COUNT 0", array("0", EMPTY)),
        ("SADD s 1 2 3 10", integer(4)),
        ("SSCAN s 0", array("0", array(1, 2, 3, 10))),
        ("SSCAN s 0 COUNT 1", array("0", array(1, 2, 3, 10))),  # an intset comes whole
        ("SSCAN s 0 MATCH 1*", array("0", array(1, 10))),
        ("SSCAN s 0 match * count 100", array("0", array(1, 2, 3, 10))),
        ("SSCAN s abc", b"-ERR invalid cursor\r\n"),
        ("SSCAN s -1", array("0", array(1, 2, 3, 10))),  # strtoul wraps negatives
        ("SSCAN s 1x", b"-ERR invalid cursor\r\n"),
        ("SSCAN s 0 COUNT 0", SYNTAX),
        ("SSCAN s 0 COUNT abc", NOT_INTEGER),
        ("SSCAN s 0 MATCH", SYNTAX),
        ("SSCAN s 0 TYPE set", SYNTAX),
        ("SSCAN s 0 foo bar", SYNTAX),
        ("SSCAN s", arity("sscan")),
    ])


def test_sscan_large_set_returns_every_member(server):
    client = server.client()
    members = {("member:%d" % i).encode() for i in range(5000)}
    fill(client, "s", sorted(m.decode() for m in members))
    seen = set()
    cursor = 0
    calls = 0
    while True:
        cursor, page = client.sscan("s", cursor, count=50)
        seen.update(page)
        calls += 1
        assert calls < 10000, "SSCAN did not finish"
        if cursor == 0:
            break
    assert seen == members
    assert calls > 10
    cursor, page = client.sscan("s", 0, count=9223372036854775807)
    assert cursor == 0 and set(page) == members
    matched = set(client.sscan_iter("s", match="member:1*", count=100))
    assert matched == {m for m in members if m.startswith(b"member:1")}


def test_sscan_survives_changes(server):
    client = server.client()
    fill(client, "s", ["k%d" % i for i in range(2000)])
    seen = set()
    cursor = 0
    step = 0
    while True:
        cursor, page = client.sscan("s", cursor, count=20)
        seen.update(page)
        step += 1
        assert step < 10000, "SSCAN did not finish"
        client.sadd("s", "extra%d" % step)  # grows the table mid-scan
        if cursor == 0:
            break
    assert {("k%d" % i).encode() for i in range(2000)} <= seen


def test_copy(server):
    client = server.client()
    client.sadd("h", *["m%d" % i for i in range(100)])
    assert client.copy("h", "h2")
    assert client.smembers("h2") == client.smembers("h")
    assert client.object("encoding", "h2") == b"hashtable"
    client.srem("h", "m1")
    assert client.scard("h2") == 100
    assert client.type("h2") == b"set"


def test_redis_py_roundtrip(server):
    client = server.client()
    assert client.sadd("s", "a", "b", "c") == 3
    assert client.smembers("s") == {b"a", b"b", b"c"}
    assert client.smismember("s", ["a", "z"]) == [1, 0]
    try:
        client.sintercard(0, ["s"])
    except redis.ResponseError as error:
        assert str(error) == "numkeys should be greater than 0"
    else:
        raise AssertionError("SINTERCARD 0 did not fail")


def test_spop_all_of_hashtable_of_integers_comes_sorted(server, reference):
    # SPOP count >= size replies from a fresh union of the set: integers left
    # in a hashtable set come back as an intset would give them, in order.
    replies = []
    for handle in (server, reference):
        client = handle.client()
        client.flushall()
        fill(client, "s", [str(i) for i in range(600)])
        client.srem("s", *[str(i) for i in range(0, 600, 2)])
        assert client.object("encoding", "s") == b"hashtable"
        replies.append(client.execute_command("SPOP", "s", "1000"))
        assert client.exists("s") == 0
    assert replies[0] == replies[1] == [b"%d" % i for i in range(1, 600, 2)]


def test_keyspace_hits_and_misses(server, reference):
    stats = []
    for handle in (server, reference):
        client = handle.client()
        client.flushall()
        client.sadd("a", 1, 2)
        client.config_resetstat()
        seen = []
        for command in [("SINTERSTORE", "d", "a", "missing"), ("SUNIONSTORE", "d", "a", "missing"),
                        ("SINTER", "missing", "a"), ("SDIFF", "a", "missing"),
                        ("SINTERCARD", "2", "a", "missing"), ("SMOVE", "a", "b", "1"),
                        ("SPOP", "a"), ("SRANDMEMBER", "missing"), ("SSCAN", "a", "0"),
                        ("SISMEMBER", "a", "1"), ("SADD", "a", "1")]:
            client.execute_command(*command)
            info = client.info("stats")
            seen.append((command[0], info["keyspace_hits"], info["keyspace_misses"]))
        stats.append(seen)
    assert stats[0] == stats[1]
