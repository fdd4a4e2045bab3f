"""Random picks are uniform: SRANDMEMBER, SPOP, HRANDFIELD, ZRANDMEMBER and
RANDOMKEY over hashtable-encoded values and the keyspace.

Each test scores many picks with Pearson's chi-square against a uniform pick.
A uniform pick scores about the degrees of freedom (df); each bound is one a
uniform pick passes with probability 1 - 1e-11 or better, so the tests do not
flake, while a pick biased by hash chain length (a random non-empty bucket,
then a random key of its chain) scores ten to a hundred times the bound,
because its score grows with the number of picks."""

import collections

import pytest

# Redis's "SRANDMEMBER histogram distribution - hashtable" set.
MEMBERS = [b"1", b"5", b"10", b"50", b"125",
           b"MARY", b"PATRICIA", b"LINDA", b"BARBARA", b"ELIZABETH"]
# Each small case is run over this many values (or databases), each with its
# own table and so its own layout: a biased pick fails unless every layout
# happens to have no chain longer than one.
LAYOUTS = 3
# df 27 (three tables of ten keys): P(chi-square > 110) is 6e-12.
BOUND_DF_27 = 110
# df 9: P(chi-square > 70) is 2e-11.
BOUND_DF_9 = 70
# df 999: P(chi-square > 1450) is 3e-19.
BOUND_DF_999 = 1450
# A hash field value longer than hash-max-listpack-value makes a hashtable.
LONG_VALUE = b"v" * 100


def chi_square(picks, universe):
    counts = collections.Counter(picks)
    assert set(counts) <= set(universe)
    expected = len(picks) / len(universe)
    return sum((counts[item] - expected) ** 2 / expected for item in universe)


def test_srandmember_negative_count_is_uniform(server):
    client = server.client()
    score = 0
    for n in range(LAYOUTS):
        key = "s%d" % n
        client.sadd(key, *MEMBERS)
        assert client.object("encoding", key) == b"hashtable"
        score += chi_square(client.srandmember(key, -20000), MEMBERS)
    assert score < BOUND_DF_27


def test_srandmember_positive_count_is_uniform(server):
    # Two of ten: distinct picks drawn one by one, as in Redis's histogram test.
    client = server.client()
    score = 0
    for n in range(LAYOUTS):
        key = "s%d" % n
        client.sadd(key, *MEMBERS)
        pipe = client.pipeline(transaction=False)
        for _ in range(5000):
            pipe.srandmember(key, 2)
        picks = [member for pair in pipe.execute() for member in pair]
        score += chi_square(picks, MEMBERS)
    assert score < BOUND_DF_27


def test_hrandfield_is_uniform(server):
    client = server.client()
    score = 0
    for n in range(LAYOUTS):
        key = "h%d" % n
        client.hset(key, mapping={field: LONG_VALUE for field in MEMBERS})
        assert client.object("encoding", key) == b"hashtable"
        score += chi_square(client.hrandfield(key, -20000), MEMBERS)
    assert score < BOUND_DF_27


def test_randomkey_is_uniform(server):
    score = 0
    for db in range(LAYOUTS):
        client = server.client(db=db)
        keys = [b"k%d" % n for n in range(10)]
        client.mset({key: 1 for key in keys})
        pipe = client.pipeline(transaction=False)
        for _ in range(20000):
            pipe.randomkey()
        score += chi_square(pipe.execute(), keys)
    assert score < BOUND_DF_27


def test_first_spop_of_a_fresh_set_is_uniform(server):
    # A fresh set of ten is often still resizing when SPOP picks (as in
    # Redis), with the members added last in the new, sparser table.
    client = server.client()
    pipe = client.pipeline(transaction=False)
    for n in range(20000):
        pipe.sadd("s%d" % n, *MEMBERS)
        pipe.spop("s%d" % n)
    picks = pipe.execute()[1::2]
    assert chi_square(picks, MEMBERS) < BOUND_DF_9


@pytest.mark.fkvs_only  # redis-server scores about 7,000 here: its pick is not uniform
def test_thousand_member_values_pick_uniformly(server):
    client = server.client()
    members = [b"member:%d" % n for n in range(1000)]
    client.sadd("set", *members)
    client.hset("hash", mapping={member: 1 for member in members})
    client.zadd("zset", {member: n for n, member in enumerate(members)})
    assert client.object("encoding", "set") == b"hashtable"
    assert client.object("encoding", "hash") == b"hashtable"
    assert chi_square(client.srandmember("set", -100000), members) < BOUND_DF_999
    assert chi_square(client.hrandfield("hash", -100000), members) < BOUND_DF_999
    assert chi_square(client.zrandmember("zset", -100000), members) < BOUND_DF_999
