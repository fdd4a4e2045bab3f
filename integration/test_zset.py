"""Sorted-set commands, compared byte for byte with redis-server: members,
scores and their formatting, every kind of range, pops, set algebra (plain
sets as inputs too), ZSCAN, the listpack -> skiplist conversions OBJECT
ENCODING reports, and RESP3's typed replies."""

import time

from raw_connection import RawConnection
from resp import encode_command, parse_reply
from transcript import check_transcript
from replies import SYNTAX, arity, array, bulk

NIL = b"$-1\r\n"
NOT_FLOAT = b"-ERR value is not a valid float\r\n"
RANGE_NOT_FLOAT = b"-ERR min or max is not a float\r\n"
RANGE_NOT_LEX = b"-ERR min or max not valid string range item\r\n"


def same(assert_same, *commands):
    """Sends the commands (tuples, or strings split on spaces) to both servers
    and asserts identical replies."""
    script = b""
    for command in commands:
        args = command if isinstance(command, tuple) else tuple(command.split(" "))
        script += encode_command(*args)
    return assert_same(script)


def with_limits(entries, value, *commands):
    """Commands run under other listpack limits, restored afterwards (the
    servers are shared by the module's tests)."""
    return (f"CONFIG SET zset-max-listpack-entries {entries}",
            f"CONFIG SET zset-max-listpack-value {value}", *commands,
            "CONFIG SET zset-max-listpack-entries 128", "CONFIG SET zset-max-listpack-value 64")


def test_zadd_basic(assert_same):
    check_transcript(assert_same, [
        ("ZADD z 1 a 2 b 3 c", b":3\r\n"),
        ("ZADD z 10 a 2 b 4 d", b":1\r\n"),
        ("ZCARD z", b":4\r\n"),
        ("ZSCORE z a", bulk("10")),
        ("ZSCORE z missing", NIL),
        ("ZSCORE nokey a", NIL),
        ("ZRANGE z 0 -1 WITHSCORES", array("b", "2", "c", "3", "d", "4", "a", "10")),
        ("ZADD z 1", arity("zadd")),
        ("ZADD z 1 a 2", SYNTAX),
        ("ZADD z nx", arity("zadd")),
        ("ZADD z nx 1", SYNTAX),
        ("ZADD z x a", NOT_FLOAT),
        ("ZADD z nan a", NOT_FLOAT),
        ("ZADD z", arity("zadd")),
        ("ZCARD nokey", b":0\r\n"),
    ])


def test_zadd_options(assert_same):
    same(assert_same,
         "ZADD z 1 a 2 b",
         "ZADD z NX 5 a 3 c", "ZRANGE z 0 -1 WITHSCORES",
         "ZADD z XX 5 a 3 d", "ZRANGE z 0 -1 WITHSCORES",
         "ZADD z XX CH 6 a 3 c 9 e", "ZADD z CH 6 a 3 c 9 e",
         "ZADD z GT 1 a 7 b", "ZRANGE z 0 -1 WITHSCORES",
         "ZADD z LT CH 100 a 0 b", "ZRANGE z 0 -1 WITHSCORES",
         "ZADD z GT CH 1 new",
         "ZADD z NX XX 1 a", "ZADD z NX GT 1 a", "ZADD z NX LT 1 a", "ZADD z GT LT 1 a",
         "ZADD z INCR 1 a 2 b", "ZADD z NX XX INCR 1 a 2 b",
         "ZADD z INCR 1.5 a", "ZADD z INCR -1.5 fresh",
         "ZADD z NX INCR 1 a", "ZADD z XX INCR 1 missing", "ZADD z GT INCR -1 a",
         "ZADD z LT INCR -1 a", "ZADD z INCR 0 a",
         "ZADD nokey XX 1 a", "ZADD nokey XX INCR 1 a", "EXISTS nokey",
         "ZADD z inf top", "ZADD z INCR -inf top", "ZADD z -inf bottom",
         "ZADD z INCR inf bottom", "ZSCORE z bottom",
         "ZADD z iNcR cH 1 a", "ZADD z Nx 1 a", "ZADD z +inf x -inf y",
         "ZRANGE z 0 -1 WITHSCORES")


def test_score_formatting(assert_same):
    same(assert_same,
         "ZADD z 1.1 a 0.1 b 1e17 c 3 d 1e-5 e 5e-324 f -0 g 1.7976931348623157e308 h",
         "ZADD z 123456789012345678 i -3.25 j 4503599627370496 k 0x10 l",
         "ZRANGE z 0 -1 WITHSCORES", "ZSCORE z g", "ZSCAN z 0",
         "ZINCRBY z 0.2 b", "ZINCRBY z 1e308 h", "ZINCRBY z -inf h", "ZINCRBY z inf h",
         "ZINCRBY z abc b", "ZINCRBY z 1 1 1", "ZINCRBY nokey 2.5 m", "ZSCORE nokey m")
    # -0 survives in a skiplist, not in a listpack.
    same(assert_same, *with_limits(
        0, 64, "ZADD z -0 a 1.5 b", "OBJECT ENCODING z", "ZSCORE z a",
        "ZRANGE z 0 -1 WITHSCORES", "ZSCAN z 0 MATCH a"))


def test_zincrby_nan(assert_same):
    same(assert_same,
         "ZADD z inf a", "ZINCRBY z -inf a", "ZADD z INCR -inf a", "ZSCORE z a",
         "ZINCRBY z nan a")


def test_zrem_zcard(assert_same):
    same(assert_same,
         "ZADD z 1 a 2 b 3 c", "ZREM z a x a", "ZCARD z", "ZREM z b c d", "EXISTS z",
         "ZREM nokey a", "ZREM z", "ZCARD", "ZCARD a b")


def test_zmscore_zrank(assert_same):
    same(assert_same,
         "ZADD z 1 a 2 b 3 c", "ZMSCORE z a x c", "ZMSCORE nokey a b", "ZMSCORE z",
         "ZRANK z a", "ZRANK z c", "ZRANK z x", "ZRANK nokey a",
         "ZREVRANK z a", "ZREVRANK z c", "ZREVRANK z x", "ZRANK z a withscore")


def test_zcount_and_score_bounds(assert_same):
    same(assert_same,
         "ZADD z -inf ninf 0 zero 1 one 2 two 2.5 twohalf 16 sixteen inf pinf",
         "ZCOUNT z -inf +inf", "ZCOUNT z (1 2", "ZCOUNT z 1 (2", "ZCOUNT z (1 (2",
         "ZCOUNT z 2 1", "ZCOUNT z (-inf (inf", "ZCOUNT z 1e400 1e400", "ZCOUNT z 0x10 0x10",
         "ZCOUNT z -infinity infinity", ("ZCOUNT", "z", "( 1", " 2"), ("ZCOUNT", "z", "(", ""),
         ("ZCOUNT", "z", "2\x00x", "3"),
         "ZCOUNT z nan 1", ("ZCOUNT", "z", "1 ", "2"), "ZCOUNT z 2.5abc 3", "ZCOUNT z ((1 2",
         "ZCOUNT z [1 2", "ZCOUNT nokey 0 1", "ZCOUNT nokey x 1")


def test_lex_bounds(assert_same):
    same(assert_same,
         "ZADD z 0 a 0 b 0 c 0 d 0 e 0 ee 0 f",
         "ZLEXCOUNT z - +", "ZLEXCOUNT z [b [d", "ZLEXCOUNT z (b (d", "ZLEXCOUNT z + -",
         "ZLEXCOUNT z [e +", "ZLEXCOUNT z ( [c", "ZLEXCOUNT z [ (", "ZLEXCOUNT z - [e",
         "ZLEXCOUNT z a b", ("ZLEXCOUNT", "z", "", "+"), "ZLEXCOUNT z -a +",
         "ZLEXCOUNT z - +a", "ZLEXCOUNT nokey - +", "ZLEXCOUNT nokey x y",
         "ZRANGEBYLEX z - +", "ZRANGEBYLEX z [b (e", "ZRANGEBYLEX z (b [ee LIMIT 1 2",
         "ZRANGEBYLEX z - + LIMIT 2 -1", "ZRANGEBYLEX z - + LIMIT -1 2",
         "ZREVRANGEBYLEX z + -", "ZREVRANGEBYLEX z [e [b", "ZREVRANGEBYLEX z (e (b LIMIT 1 1",
         "ZREVRANGEBYLEX z - +", "ZRANGEBYLEX z [d [b", "ZRANGEBYLEX z - + WITHSCORES",
         "ZRANGE z [b [d BYLEX", "ZRANGE z [d [b BYLEX REV", "ZRANGE z - + BYLEX LIMIT 0 3",
         "ZRANGE z - + BYLEX WITHSCORES", "ZRANGEBYLEX z a +", "ZRANGEBYLEX nokey - +")


def test_zrange_by_rank(assert_same):
    same(assert_same,
         "ZADD z 1 a 2 b 3 c 4 d 5 e",
         "ZRANGE z 0 -1", "ZRANGE z 1 3 WITHSCORES", "ZRANGE z -2 -1", "ZRANGE z -100 100",
         "ZRANGE z 3 1", "ZRANGE z 5 10", "ZRANGE z -1 -2", "ZRANGE z 0 0 withscores",
         "ZRANGE z 0 -1 REV", "ZRANGE z 0 1 REV WITHSCORES", "ZREVRANGE z 0 -1",
         "ZREVRANGE z 1 2 WITHSCORES", "ZREVRANGE z -1 -1", "ZREVRANGE z 0 -1 REV",
         "ZRANGE z a 1", "ZRANGE z 0 1.5", "ZRANGE z 0 1 LIMIT 0 1", "ZRANGE z 0 1 LIMIT 5 -1",
         "ZRANGE z 0 1 LIMIT 0", "ZRANGE z 0 1 BYSCORE BYLEX", "ZRANGE z 0 1 REV REV",
         "ZRANGE z 0 1 foo", "ZREVRANGE z 0 1 LIMIT 0 1", "ZRANGE nokey 0 -1",
         "ZRANGE z 0", "ZRANGE nokey a b", "ZRANGE z 0 -1 withscores withscores")


def test_zrange_by_score(assert_same):
    same(assert_same,
         "ZADD z 1 a 2 b 3 c 4 d 5 e -inf m inf p",
         "ZRANGEBYSCORE z -inf +inf", "ZRANGEBYSCORE z (1 3 WITHSCORES",
         "ZRANGEBYSCORE z 2 4 LIMIT 1 2", "ZRANGEBYSCORE z 2 4 LIMIT 1 -1",
         "ZRANGEBYSCORE z 2 4 LIMIT -1 2", "ZRANGEBYSCORE z 2 4 LIMIT 10 2",
         "ZRANGEBYSCORE z 2 4 LIMIT 0 0", "ZRANGEBYSCORE z 4 2", "ZRANGEBYSCORE z (2 (3",
         "ZREVRANGEBYSCORE z +inf -inf WITHSCORES", "ZREVRANGEBYSCORE z 4 (2",
         "ZREVRANGEBYSCORE z 2 4", "ZREVRANGEBYSCORE z 5 1 LIMIT 1 2 WITHSCORES",
         "ZRANGE z 2 4 BYSCORE", "ZRANGE z 4 2 BYSCORE REV", "ZRANGE z 4 2 REV BYSCORE LIMIT 1 1",
         "ZRANGE z (1 (5 BYSCORE WITHSCORES LIMIT 0 10", "ZRANGEBYSCORE z a b",
         "ZRANGEBYSCORE z 1 2 LIMIT a 1", "ZRANGEBYSCORE z 1 2 LIMIT 0 b",
         "ZRANGEBYSCORE z 1 2 LIMIT 0", "ZRANGEBYSCORE z 1 2 BYSCORE", "ZRANGEBYSCORE z 1 2 REV",
         "ZRANGEBYSCORE nokey 1 2", "ZRANGEBYSCORE nokey a 2")


def test_zrangestore(assert_same):
    same(assert_same,
         "ZADD z 1 a 2 b 3 c 4 d", "SET dst x", "EXPIRE dst 100",
         "ZRANGESTORE dst z 1 2", "TTL dst", "ZRANGE dst 0 -1 WITHSCORES", "OBJECT ENCODING dst",
         "ZRANGESTORE dst z 0 -1 REV", "ZRANGE dst 0 -1 WITHSCORES",
         "ZRANGESTORE dst z (1 3 BYSCORE", "ZRANGE dst 0 -1",
         "ZRANGESTORE dst z [b + BYLEX LIMIT 1 1", "ZRANGE dst 0 -1",
         "ZRANGESTORE dst z 5 10", "EXISTS dst", "ZRANGESTORE dst z 0 1", "ZRANGESTORE dst nokey 0 1",
         "EXISTS dst", "ZRANGESTORE dst z 0 1 WITHSCORES", "ZRANGESTORE dst z 0 1 LIMIT 0 1",
         "ZRANGESTORE z z 0 0", "ZRANGE z 0 -1", "SET s x", "ZRANGESTORE dst s 0 1",
         "ZRANGESTORE s z 0 -1", "TYPE s")


def test_zrangestore_encoding(assert_same):
    same(assert_same, *with_limits(
        2, 3, "ZADD z 1 a 2 b 3 c", "OBJECT ENCODING z", "ZRANGESTORE d z 0 1",
        "OBJECT ENCODING d", "ZRANGESTORE d z 0 2", "OBJECT ENCODING d",
        "ZRANGESTORE d z -inf 2 BYSCORE", "OBJECT ENCODING d", "ZADD w 1 long 2 abcd",
        "OBJECT ENCODING w", "ZRANGESTORE d w 0 0", "OBJECT ENCODING d"))


def test_zremrange(assert_same):
    same(assert_same,
         "ZADD z 1 a 2 b 3 c 4 d 5 e 6 f",
         "ZREMRANGEBYRANK z 0 0", "ZREMRANGEBYRANK z -2 -1", "ZRANGE z 0 -1",
         "ZREMRANGEBYRANK z 5 10", "ZREMRANGEBYRANK z 2 1", "ZREMRANGEBYRANK z a 1",
         "ZREMRANGEBYSCORE z (2 3", "ZRANGE z 0 -1", "ZREMRANGEBYSCORE z x 1",
         "ZREMRANGEBYSCORE z -inf +inf", "EXISTS z",
         "ZADD l 0 a 0 b 0 c 0 d", "ZREMRANGEBYLEX l [b (d", "ZRANGE l 0 -1",
         "ZREMRANGEBYLEX l x y", "ZREMRANGEBYLEX l - +", "EXISTS l",
         "ZREMRANGEBYRANK nokey 0 1", "ZREMRANGEBYSCORE nokey 0 1", "ZREMRANGEBYLEX nokey - +",
         "ZREMRANGEBYLEX nokey x +", "ZREMRANGEBYRANK z 0")


def test_pops(assert_same):
    same(assert_same,
         "ZADD z 1 a 2 b 3 c 4 d 5 e",
         "ZPOPMIN z", "ZPOPMAX z", "ZPOPMIN z 2", "ZPOPMAX z 0", "ZPOPMIN z -1", "ZPOPMIN z x",
         "ZPOPMIN z 1 2", "ZPOPMAX z 10", "EXISTS z", "ZPOPMIN nokey", "ZPOPMIN nokey 3",
         "ZPOPMAX nokey -1", "ZADD z 1 a 2 b", "ZMPOP 1 z MIN", "ZMPOP 2 nokey z max COUNT 5",
         "EXISTS z", "ZMPOP 1 z MIN", "ZMPOP 0 z MIN", "ZMPOP x z MIN", "ZMPOP -1 z MIN",
         "ZMPOP 2 z MIN", "ZMPOP 1 z MID", "ZMPOP 1 z MIN COUNT 0", "ZMPOP 1 z MIN COUNT x",
         "ZMPOP 1 z MIN COUNT 1 COUNT 2", "ZMPOP 1 z MIN COUNT", "ZMPOP 1 z MIN foo",
         "ZMPOP 1 z", "ZADD z 1 a", "ZMPOP 1 z max count 9")


def test_zrandmember(assert_same):
    # Random picks differ; compare what is deterministic.
    same(assert_same,
         "ZADD z 1 a 2 b 3 c", "ZRANDMEMBER nokey", "ZRANDMEMBER nokey 5", "ZRANDMEMBER z 0",
         "ZRANDMEMBER z 3 WITHSCORES", "ZRANDMEMBER z 10", "ZRANDMEMBER z x",
         "ZRANDMEMBER z 1 foo", "ZRANDMEMBER z 1 WITHSCORES x",
         "ZRANDMEMBER z -9223372036854775808", "ZRANDMEMBER z 9223372036854775807 WITHSCORES",
         "ZRANDMEMBER z -4611686018427387904 WITHSCORES", "ZRANDMEMBER nokey 1 WITHSCORES")


def test_zrandmember_shapes(server):
    server.client().zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4})
    client = server.client()
    assert client.zrandmember("z") in (b"a", b"b", b"c", b"d")
    picked = client.zrandmember("z", 3)
    assert len(picked) == 3 and len(set(picked)) == 3
    repeated = client.zrandmember("z", -20)
    assert len(repeated) == 20 and set(repeated) <= {b"a", b"b", b"c", b"d"}
    scored = client.execute_command("ZRANDMEMBER", "z", -5, "WITHSCORES")
    assert len(scored) == 10
    for member, score in zip(scored[::2], scored[1::2]):
        assert float(score) == ord(member) - ord("a") + 1


def test_set_operations(assert_same):
    same(assert_same,
         "ZADD a 1 x 2 y 3 z", "ZADD b 10 y 20 z 30 w", "ZADD c 5 z",
         "ZUNION 2 a b", "ZUNION 2 a b WITHSCORES", "ZUNION 3 a b c WEIGHTS 1 2 3 WITHSCORES",
         "ZUNION 2 a b AGGREGATE MIN WITHSCORES", "ZUNION 2 a b AGGREGATE max WITHSCORES",
         "ZINTER 2 a b WITHSCORES", "ZINTER 3 a b c WITHSCORES", "ZINTER 2 a nokey",
         "ZINTER 2 a b WEIGHTS 2 0.5 AGGREGATE MAX WITHSCORES", "ZDIFF 2 a b WITHSCORES",
         "ZDIFF 1 a", "ZDIFF 3 a c nokey WITHSCORES", "ZDIFF 2 nokey a",
         "ZUNIONSTORE d 2 a b", "ZRANGE d 0 -1 WITHSCORES", "OBJECT ENCODING d",
         "ZINTERSTORE d 2 a b AGGREGATE SUM", "ZRANGE d 0 -1 WITHSCORES",
         "ZDIFFSTORE d 2 a b", "ZRANGE d 0 -1 WITHSCORES", "ZINTERSTORE d 2 a nokey", "EXISTS d",
         "ZINTERCARD 2 a b", "ZINTERCARD 2 a b LIMIT 1", "ZINTERCARD 2 a b LIMIT 0",
         "ZINTERCARD 1 a LIMIT -1", "ZINTERCARD 0 a", "ZINTERCARD 3 a b", "ZINTERCARD 2 a b foo",
         "ZINTERCARD 2 a b WITHSCORES", "ZINTERCARD 2 a b LIMIT x",
         "ZUNION 0 a", "ZUNION -1 a", "ZUNION x a", "ZUNION 3 a b", "ZUNIONSTORE d 0 a",
         "ZINTERSTORE d 0 a", "ZDIFFSTORE d 0 a", "ZDIFF 0 a",
         "ZUNION 2 a b WEIGHTS 1", "ZUNION 2 a b WEIGHTS 1 x", "ZUNION 2 a b AGGREGATE",
         "ZUNION 2 a b AGGREGATE avg", "ZDIFF 2 a b WEIGHTS 1 2", "ZDIFF 2 a b AGGREGATE SUM",
         "ZUNIONSTORE d 2 a b WITHSCORES", "ZUNION 2 a b WITHSCORES WITHSCORES",
         "ZUNION 2 a b foo")


def test_set_operations_scores(assert_same):
    same(assert_same,
         "ZADD a inf x -inf y 1 z", "ZADD b -inf x -inf y 0 z",
         "ZUNION 2 a b WITHSCORES", "ZINTER 2 a b WITHSCORES", "ZUNION 2 a b WEIGHTS 0 1 WITHSCORES",
         "ZINTER 2 a b WEIGHTS -1 1 AGGREGATE MIN WITHSCORES",
         "ZUNION 2 a b WEIGHTS inf 1 WITHSCORES", "ZADD c 1 1 2 2 3 3", "ZADD e 1 3 4 4",
         "ZUNION 2 c e WITHSCORES", "ZINTER 2 c e WITHSCORES", "ZDIFF 2 c e WITHSCORES")
    # Inputs are summed smallest set first.
    same(assert_same,
         "ZADD a 0.3 x", "ZADD b 0.1 x 1 y 1 z", "ZADD c 0.2 x 1 w", "ZUNION 3 a b c WITHSCORES",
         "ZUNION 3 b a c WITHSCORES", "ZINTER 3 b c a WITHSCORES", "ZUNIONSTORE d 3 c b a",
         "ZSCORE d x")


def test_set_operations_encoding(assert_same):
    same(assert_same, *with_limits(
        2, 64, "ZADD a 1 x 2 y 3 z", "ZADD b 1 x", "OBJECT ENCODING a",
        "ZUNIONSTORE d 2 a b", "OBJECT ENCODING d", "ZINTERSTORE d 2 a b", "OBJECT ENCODING d",
        "ZDIFFSTORE d 2 a b", "OBJECT ENCODING d", "ZDIFFSTORE d 1 a", "OBJECT ENCODING d"))


def test_zscan(assert_same):
    same(assert_same,
         "ZADD z 1 a 2 b 3.5 c 4 ab", "ZSCAN z 0", "ZSCAN z 0 MATCH a*", "ZSCAN z 0 COUNT 1",
         "ZSCAN z 0 COUNT 0", "ZSCAN z 0 COUNT x", "ZSCAN z 0 TYPE zset", "ZSCAN z 0 MATCH",
         "ZSCAN z x", "ZSCAN nokey 0", "ZSCAN nokey x", "ZSCAN nokey 0 COUNT 0")


def test_zscan_skiplist_covers_all(server):
    client = server.client()
    members = {f"m{i}": i * 0.5 for i in range(500)}
    client.zadd("z", members)
    assert client.object("encoding", "z") == b"skiplist"
    seen = {}
    cursor = 0
    calls = 0
    while True:
        cursor, page = client.zscan("z", cursor, count=20)
        seen.update({k.decode(): v for k, v in page})
        calls += 1
        assert calls < 10000, "ZSCAN did not finish"
        if cursor == 0:
            break
    assert seen == members


def test_wrongtype(assert_same):
    same(assert_same,
         "SET s x", "ZADD s 1 a", "ZINCRBY s 1 a", "ZREM s a", "ZCARD s", "ZSCORE s a",
         "ZMSCORE s a", "ZRANK s a", "ZREVRANK s a", "ZCOUNT s 0 1", "ZLEXCOUNT s - +",
         "ZRANGE s 0 1", "ZRANGEBYSCORE s 0 1", "ZRANGEBYLEX s - +", "ZREVRANGE s 0 1",
         "ZREMRANGEBYRANK s 0 1", "ZREMRANGEBYSCORE s 0 1", "ZREMRANGEBYLEX s - +",
         "ZPOPMIN s", "ZPOPMAX s 2", "ZMPOP 1 s MIN", "ZRANDMEMBER s", "ZRANDMEMBER s 2",
         "ZSCAN s 0", "ZUNION 1 s", "ZINTERSTORE d 1 s", "ZDIFF 2 nokey s", "ZINTERCARD 1 s",
         "ZADD z 1 a", "GET z", "INCR z", "ZADD s x a", "ZCOUNT s x 1", "TYPE z")


def test_encoding_transitions(assert_same):
    same(assert_same, *with_limits(
        3, 4, "ZADD z 1 a 2 b 3 c", "OBJECT ENCODING z", "ZADD z 4 a", "OBJECT ENCODING z",
        "ZADD z 4 d", "OBJECT ENCODING z", "ZREM z a b c", "OBJECT ENCODING z",
        "ZADD y 1 abcd", "OBJECT ENCODING y", "ZADD y 1 abcde", "OBJECT ENCODING y",
        "ZADD x 1 abcde", "OBJECT ENCODING x", "ZADD w 1 a 1 a 1 a 1 a", "OBJECT ENCODING w",
        "ZADD v 1 a 2 b 3 c 4 d", "OBJECT ENCODING v", "ZINCRBY u 1 abcdef", "OBJECT ENCODING u",
        "ZRANGE z 0 -1 WITHSCORES", "COPY z zc", "OBJECT ENCODING zc", "ZRANGE zc 0 -1"))
    same(assert_same, *with_limits(
        0, 64, "ZADD z 1 a", "OBJECT ENCODING z", "ZRANGESTORE d z 0 -1", "OBJECT ENCODING d",
        "ZUNIONSTORE d 1 z", "OBJECT ENCODING d"))
    same(assert_same, "ZADD z 1 a", "OBJECT ENCODING z", "CONFIG SET zset-max-listpack-entries 1",
         "ZADD z 2 a", "OBJECT ENCODING z", "ZADD z 2 b", "OBJECT ENCODING z",
         "CONFIG SET zset-max-listpack-entries 128")


def test_large_sets_match(assert_same):
    members = [("ZADD", "big") + tuple(x for i in range(300) for x in (str(i % 17), f"m{i}"))]
    same(assert_same, *members, "OBJECT ENCODING big", "ZRANGE big 0 -1 WITHSCORES",
         "ZRANGE big 100 120", "ZREVRANGE big 5 9 WITHSCORES", "ZRANK big m250",
         "ZREVRANK big m250", "ZCOUNT big 3 (7", "ZRANGEBYSCORE big (15 +inf WITHSCORES",
         "ZREVRANGEBYSCORE big 2 1 LIMIT 3 5", "ZREMRANGEBYRANK big 10 20",
         "ZREMRANGEBYSCORE big 16 16", "ZRANGE big 0 -1", "ZPOPMIN big 3", "ZPOPMAX big 3",
         "ZADD big 100 m0 -1 m299 7.5 m100", "ZRANGE big 0 5 WITHSCORES", "ZCARD big",
         "ZINTERSTORE d 1 big", "OBJECT ENCODING d", "ZRANGE d 0 -1", "ZREM big m1 m2 m3",
         "ZMSCORE big m1 m4 m5", "ZRANGESTORE d big 0 9", "OBJECT ENCODING d")
    lex = ("ZADD", "lex") + tuple(x for i in range(200) for x in ("0", f"k{i:03d}"))
    same(assert_same, lex, "OBJECT ENCODING lex", "ZRANGEBYLEX lex [k100 (k110",
         "ZREVRANGEBYLEX lex (k150 - LIMIT 2 3", "ZLEXCOUNT lex (k010 +",
         "ZREMRANGEBYLEX lex - [k050", "ZCARD lex", "ZRANGE lex 0 2")


ZSET_COMMANDS = [
    "zadd", "zincrby", "zrem", "zcard", "zscore", "zmscore", "zrank", "zrevrank", "zcount",
    "zlexcount", "zpopmin", "zpopmax", "zmpop", "zrandmember", "zscan", "zrange",
    "zrangestore", "zrevrange", "zrangebyscore", "zrevrangebyscore", "zrangebylex",
    "zrevrangebylex", "zremrangebyrank", "zremrangebyscore", "zremrangebylex", "zunion",
    "zinter", "zdiff", "zunionstore", "zinterstore", "zdiffstore", "zintercard",
]


def test_command_table_matches(server, reference):
    ours, theirs = server.client(), reference.client()
    for client in (ours, theirs):
        client.response_callbacks.clear()  # raw replies, not redis-py's COMMAND dicts
    for name in ZSET_COMMANDS:
        mine = ours.execute_command("COMMAND", "INFO", name)[0]
        real = theirs.execute_command("COMMAND", "INFO", name)[0]
        assert mine[:2] == real[:2], name  # name, arity
        assert mine[3:6] == real[3:6], name  # first, last, step
        assert set(mine[2]) == set(real[2]), name  # flags, movablekeys included
        docs_mine = dict(zip(*[iter(ours.execute_command("COMMAND", "DOCS", name)[1])] * 2))
        docs_real = dict(zip(*[iter(theirs.execute_command("COMMAND", "DOCS", name)[1])] * 2))
        for field in (b"summary", b"since", b"group"):
            assert docs_mine[field] == docs_real[field], (name, field)


def test_keyspace_hits_and_misses(server, reference):
    commands = ["ZRANGESTORE d z 0 -1", "ZRANGESTORE d nokey 0 -1", "ZUNIONSTORE d 2 z nokey",
                "ZINTERSTORE d 2 z nokey", "ZDIFFSTORE d 2 z nokey", "ZCARD z", "ZCARD nokey",
                "ZSCORE z a", "ZREM z x", "ZPOPMIN nokey", "ZMPOP 2 nokey z MIN", "ZSCAN z 0",
                "ZRANDMEMBER z", "ZINTERCARD 2 z nokey", "ZCOUNT z 0 1", "ZADD z 2 b",
                "ZREMRANGEBYRANK z 5 6", "ZRANK z a", "ZRANGE z 0 -1"]
    for command in commands:
        stats = []
        for handle in (server, reference):
            client = handle.client()
            client.flushall()
            client.zadd("z", {"a": 1, "b": 2})
            client.config_resetstat()
            client.execute_command(*command.split())
            info = client.info("stats")
            stats.append((info["keyspace_hits"], info["keyspace_misses"]))
        assert stats[0] == stats[1], command


def test_binary_members_and_nul_in_options(assert_same):
    same(assert_same,
         ("ZADD", "z", "nx\x00junk", "1", "a\x00b", "2", "a", "3", ""), "ZRANGE z 0 -1",
         ("ZRANGEBYLEX", "z", "[a\x00", "+"), ("ZRANGEBYLEX", "z", "-\x00x", "+\x00"),
         ("ZRANGE", "z", "0", "-1", "withscores\x00x"), ("ZSCORE", "z", "a\x00b"),
         ("ZRANGEBYSCORE", "z", "1\x00junk", "(3\x00"), ("ZRANK", "z", ""),
         ("ZADD", "z", "\xff", "\xff"), ("ZADD", "z", "1", "\xff\xfe"), "ZRANGE z - + BYLEX")


def test_plain_sets_as_inputs(assert_same):
    # Each member of a plain set scores 1 (weights apply); an intset's members
    # and a hashtable's alike.
    same(assert_same,
         "SADD team alice bob zed", "SADD ids 1 2 3 10", "ZADD bonus 2.5 alice 7 carol 3 2",
         "ZUNION 2 team bonus WITHSCORES", "ZUNION 3 team ids bonus WEIGHTS 2 0.5 3 WITHSCORES",
         "ZUNION 2 team bonus AGGREGATE MIN WITHSCORES", "ZINTER 2 team bonus WITHSCORES",
         "ZINTER 2 bonus team WEIGHTS 2 -1 AGGREGATE MAX WITHSCORES",
         "ZINTER 2 ids bonus WITHSCORES", "ZINTER 2 team team WITHSCORES",
         "ZDIFF 2 team bonus WITHSCORES", "ZDIFF 2 bonus team WITHSCORES",
         "ZDIFF 3 ids bonus nokey WITHSCORES", "ZINTERCARD 2 team bonus",
         "ZINTERCARD 2 ids team", "ZINTERCARD 1 ids LIMIT 2",
         "ZUNIONSTORE out 2 team bonus WEIGHTS 2 3", "ZRANGE out 0 -1 WITHSCORES",
         "OBJECT ENCODING out", "ZINTERSTORE out 2 ids bonus", "ZRANGE out 0 -1 WITHSCORES",
         "ZDIFFSTORE out 2 team bonus", "ZRANGE out 0 -1 WITHSCORES", "TYPE out",
         "ZINTERSTORE out 2 team ids", "EXISTS out", "ZUNIONSTORE out 1 ids", "TYPE ids",
         "ZRANGE out 0 -1 WITHSCORES")


def test_plain_sets_as_inputs_large_and_mixed(assert_same):
    big = ("SADD", "big") + tuple(f"m{i}" for i in range(300))
    same(assert_same, big,
         "SADD one 100 101 102 103", "SADD two 100 200 201 202",
         "ZADD three 1 500 1 501 1 502 1 503 1 100",
         "ZINTERSTORE to_here 3 one two three WEIGHTS 0 0 1", "ZRANGE to_here 0 -1 WITHSCORES",
         "ZUNIONSTORE out 2 big one", "OBJECT ENCODING out", "ZCARD out",
         "ZRANGE out 0 4 WITHSCORES", "ZUNION 2 big one WITHSCORES",
         "ZINTERCARD 2 big big LIMIT 10", "ZDIFFSTORE out 2 big one", "ZCARD out")


def test_other_types_still_wrongtype(assert_same):
    same(assert_same,
         "SADD s a", "SET str x", "RPUSH list a", "HSET hash f v", "ZADD z 1 a",
         "ZUNION 2 s str", "ZINTER 2 list s", "ZDIFF 2 s hash", "ZUNIONSTORE d 2 z str",
         "ZINTERSTORE d 2 s list", "ZDIFFSTORE d 2 hash s", "ZINTERCARD 2 s str", "EXISTS d",
         "ZRANGE s 0 -1", "ZRANGESTORE d s 0 -1", "ZPOPMIN s", "ZMPOP 1 s MIN",
         "BZPOPMIN s 0", "BZMPOP 0 1 s MIN", "ZSCORE s a", "ZADD s 1 a")


def resp3_replies(handle, commands):
    """The raw replies of a RESP3 connection to the commands, after FLUSHALL."""
    handle.flushall()
    with RawConnection(handle.host, handle.port) as conn:
        conn.send_command("HELLO", "3")
        conn.read_reply()
        conn.send(b"".join(encode_command(*command.split(" ")) for command in commands))
        return conn.read_replies(len(commands))


def test_resp3_typed_replies_match_redis(server, reference):
    commands = [
        "ZADD z 1 a 2.5 b 0.1 c inf d -inf e", "ZSCORE z c", "ZSCORE z d", "ZMSCORE z a x e",
        "ZINCRBY z 1e20 a", "ZADD z INCR 0.5 b", "ZADD z XX INCR 1 nobody",
        "ZRANGE z 0 -1 WITHSCORES", "ZRANGEBYSCORE z 0 10 WITHSCORES LIMIT 0 2",
        "ZPOPMIN z", "ZPOPMIN z 1", "ZPOPMAX z 2", "ZPOPMIN nokey", "ZRANDMEMBER nokey",
        "ZRANK z nobody", "ZADD z 3 f", "ZMPOP 1 z MAX COUNT 1", "ZMPOP 1 nokey MIN",
        "ZADD z 4 g", "BZPOPMAX z 0", "BZMPOP 0 1 z MIN", "BZPOPMIN nokey 0.01",
        "BZMPOP 0.01 1 nokey MAX", "SADD s a g", "ZADD z 7 g", "ZUNION 2 s z WITHSCORES",
        "ZINTER 2 s z WITHSCORES", "ZDIFF 2 s z WITHSCORES", "ZSCAN z 0",
    ]
    assert resp3_replies(server, commands) == resp3_replies(reference, commands)


def blocked_pop_replies(handle, protocol, command):
    """What a client blocked in command (on key z) receives once another adds
    members, in the given protocol."""
    handle.flushall()
    with RawConnection(handle.host, handle.port) as blocked, \
            RawConnection(handle.host, handle.port) as other:
        blocked.send_command("HELLO", str(protocol))
        blocked.read_reply()
        blocked.send_command(*command.split(" "))
        deadline = time.monotonic() + 10
        while b"blocked_clients:1" not in other.command("INFO", "clients"):
            assert time.monotonic() < deadline, "the client never blocked"
            time.sleep(0.01)
        other.send_command("ZADD", "z", "0.1", "a", "2", "b", "inf", "c")
        other.read_reply()
        return blocked.read_reply()


def test_blocked_pops_served_in_each_protocol(server, reference):
    for protocol in (2, 3):
        for command in ("BZPOPMIN z 0", "BZPOPMAX nokey z 0", "BZMPOP 0 1 z MAX COUNT 2",
                        "BZMPOP 0 2 nokey z MIN"):
            ours = blocked_pop_replies(server, protocol, command)
            assert ours == blocked_pop_replies(reference, protocol, command), (protocol, command)


def test_zrandmember_resp3_pairs(server):
    members = {f"m{i}": i / 2 for i in range(200)}
    server.client().zadd("z", members)
    with RawConnection(server.host, server.port) as conn:
        conn.send_command("HELLO", "3")
        conn.read_reply()
        for count in (5, -5, 150, 1000):
            conn.send_command("ZRANDMEMBER", "z", str(count), "WITHSCORES")
            reply, _ = parse_reply(conn.read_reply())
            assert len(reply) == (min(count, 200) if count > 0 else -count)
            for member, score in reply:
                assert members[member.decode()] == score
