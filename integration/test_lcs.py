"""LCS: the longest common subsequence of two strings, its length and its runs (IDX), byte for
byte with redis-server, and random strings against a Python LCS. (RESP3's map for IDX is
checked in reply_cases/sort.py.)"""

import random

from transcript import check_transcript
from replies import NOT_INTEGER, OK, SYNTAX, arity, array, bulk, integer

NOT_STRINGS = b"-ERR The specified keys must contain string values\r\n"
LEN_AND_IDX = b"-ERR If you want both the length and indexes, please just use IDX.\r\n"


def matches_reply(matches, length):
    return array("matches", array(*matches), "len", integer(length))


def test_documented_example_and_options(assert_same):
    check_transcript(assert_same, [
        ("MSET key1 ohmytext key2 mynewtext", OK),
        ("LCS key1 key2", bulk("mytext")),
        ("LCS key1 key2 LEN", integer(6)),
        ("lcs key1 key2 idx", matches_reply(
            [array(array(integer(4), integer(7)), array(integer(5), integer(8))),
             array(array(integer(2), integer(3)), array(integer(0), integer(1)))], 6)),
        ("LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN", matches_reply(
            [array(array(integer(4), integer(7)), array(integer(5), integer(8)), integer(4))], 6)),
        ("LCS key1 key2 IDX MINMATCHLEN -4 WITHMATCHLEN", matches_reply(
            [array(array(integer(4), integer(7)), array(integer(5), integer(8)), integer(4)),
             array(array(integer(2), integer(3)), array(integer(0), integer(1)), integer(2))], 6)),
        ("LCS key1 key2 IDX MINMATCHLEN 10", matches_reply([], 6)),
        # WITHMATCHLEN and MINMATCHLEN only shape IDX's reply.
        ("LCS key1 key2 WITHMATCHLEN", bulk("mytext")),
        ("LCS key1 key2 MINMATCHLEN 3 LEN", integer(6)),
        ("LCS key1 key2 IDX IDX MINMATCHLEN 1 MINMATCHLEN 3", matches_reply(
            [array(array(integer(4), integer(7)), array(integer(5), integer(8)))], 6)),
        # Ties in the trace skip the second string's byte first.
        ("MSET ab ab ba ba", OK),
        ("LCS ab ba", bulk("b")),
        ("LCS ba ab", bulk("a")),
    ])


def test_missing_keys_are_empty_and_errors(assert_same):
    check_transcript(assert_same, [
        ("SET a hello", OK),
        ("RPUSH l x", integer(1)),
        ("LCS a missing", bulk("")),
        ("LCS missing a LEN", integer(0)),
        ("LCS missing other IDX", matches_reply([], 0)),
        ("LCS a a", bulk("hello")),
        ("SET n 12345", OK),
        ("SET m 2468", OK),
        ("LCS n m", bulk("24")),
        ("LCS a b IDX LEN", LEN_AND_IDX),
        ("LCS a b LEN IDX", LEN_AND_IDX),
        ("LCS a b MINMATCHLEN", SYNTAX),
        ("LCS a b MINMATCHLEN x", NOT_INTEGER),
        ("LCS a b MINMATCHLEN 1.5", NOT_INTEGER),
        ("LCS a b FOO", SYNTAX),
        # The keys' types are checked before the options are read.
        ("LCS a l", NOT_STRINGS),
        ("LCS l a FOO", NOT_STRINGS),
        ("LCS missing l IDX LEN", NOT_STRINGS),
        ("LCS a", arity("lcs")),
    ])


def python_lcs_length(a, b):
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def is_subsequence(needle, text):
    it = iter(text)
    return all(c in it for c in needle)


def random_text(rng, length, alphabet):
    return bytes(rng.choice(alphabet) for _ in range(length))


def test_random_strings_against_a_python_lcs(server):
    seed = random.randrange(1 << 30)
    print("seed", seed)
    rng = random.Random(seed)
    client = server.client()
    for _ in range(200):
        alphabet = rng.choice([b"ab", b"acgt", b"abcdefghij", bytes(range(256))])
        a = random_text(rng, rng.randint(0, 60), alphabet)
        b = random_text(rng, rng.randint(0, 60), alphabet)
        client.mset({"a": a, "b": b})
        expected = python_lcs_length(a, b)
        sequence = client.execute_command("LCS", "a", "b")
        assert len(sequence) == expected, (seed, a, b)
        assert is_subsequence(sequence, a) and is_subsequence(sequence, b), (seed, a, b)
        assert client.execute_command("LCS", "a", "b", "LEN") == expected
        reply = client.execute_command("LCS", "a", "b", "IDX", "WITHMATCHLEN")
        assert reply[0] == b"matches" and reply[2] == b"len" and reply[3] == expected
        spelled = b""
        for (a_start, a_end), (b_start, b_end), length in reversed(reply[1]):
            assert a_end - a_start + 1 == length == b_end - b_start + 1
            assert a[a_start:a_end + 1] == b[b_start:b_end + 1]
            spelled += a[a_start:a_end + 1]
        assert spelled == sequence, (seed, a, b)


def test_random_idx_replies_against_redis(server, reference):
    seed = random.randrange(1 << 30)
    print("seed", seed)
    rng = random.Random(seed)
    clients = [server.client(), reference.client()]
    for _ in range(100):
        alphabet = rng.choice([b"ab", b"acgt", b"abcdefghij", bytes(range(256))])
        a = random_text(rng, rng.randint(0, 80), alphabet)
        b = random_text(rng, rng.randint(0, 80), alphabet)
        options = rng.choice([[], ["LEN"], ["IDX"], ["IDX", "WITHMATCHLEN"],
                              ["IDX", "MINMATCHLEN", str(rng.randint(-1, 4))],
                              ["IDX", "WITHMATCHLEN", "MINMATCHLEN", str(rng.randint(0, 3))]])
        replies = []
        for client in clients:
            client.mset({"a": a, "b": b})
            replies.append(client.execute_command("LCS", "a", "b", *options))
        assert replies[0] == replies[1], (seed, a, b, options)


def test_long_strings(assert_same):
    # The test suite's RNA strings are a few hundred bytes; these make a 4M-cell table.
    rng = random.Random(7)
    a = random_text(rng, 2000, b"acgt")
    b = random_text(rng, 2000, b"acgt")
    assert_same(b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$2000\r\n" + a + b"\r\n"
                b"*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$2000\r\n" + b + b"\r\n"
                b"LCS a b\r\nLCS a b LEN\r\nLCS a b IDX MINMATCHLEN 5 WITHMATCHLEN\r\n")
