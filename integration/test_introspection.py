"""COMMAND GETKEYS / GETKEYSANDFLAGS and movablekeys against redis-server 7.0."""

import pytest

from resp import parse_reply


def raw(handle, *args):
    return handle.reply(*args)


def parsed(handle, *args):
    return parse_reply(handle.reply(*args))[0]


GETKEYS_CALLS = [
    ("GET", "k"),
    ("get", "k"),
    ("SET", "k", "v"),
    ("SET", "k", "v", "XX", "get"),
    ("MSET", "a", "1", "b", "2", "c", "3"),
    ("DEL", "a", "b"),
    ("EXISTS", "a"),
    ("BLPOP", "a", "b", "0"),
    ("LMOVE", "s", "d", "LEFT", "RIGHT"),
    ("RENAME", "a", "b"),
    ("SINTERSTORE", "d", "a", "b"),
    ("ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"),
    ("ZINTER", "2", "a", "b"),
    ("ZDIFFSTORE", "d", "1", "a", "b", "c"),
    ("ZUNIONSTORE", "d", "3", "a", "b"),
    ("ZUNIONSTORE", "d", "0", "a"),
    ("ZUNIONSTORE", "d", "x", "a"),
    ("LMPOP", "2", "a", "b", "LEFT"),
    ("LMPOP", "2x", "a", "b", "LEFT"),
    ("ZUNIONSTORE", "d", "2x", "a", "b"),
    ("ZUNIONSTORE", "d", "+1", "a"),
    ("LMPOP", "3", "a", "b"),
    ("BLMPOP", "0", "1", "a", "LEFT"),
    ("BZMPOP", "0", "1", "a", "MIN"),
    ("SINTERCARD", "2", "a", "b", "LIMIT", "1"),
    ("ZINTERCARD", "1", "a"),
    ("MEMORY", "USAGE", "k"),
    ("OBJECT", "ENCODING", "k"),
    ("WATCH", "a", "b"),
    # Errors: no such command or subcommand, no keys, wrong arity.
    ("NOSUCH", "a"),
    ("MEMORY", "NOSUB", "k"),
    ("OBJECT", "NOSUB"),
    ("PING", "x"),
    ("KEYS", "*"),
    ("SPUBLISH", "channel", "message"),
    ("CONFIG", "GET", "x"),
    ("GET", "a", "b"),
    ("LMOVE", "s", "d"),
]


@pytest.mark.parametrize("call", GETKEYS_CALLS, ids=lambda call: " ".join(call))
def test_getkeys_and_flags_match_redis(server, reference, call):
    for subcommand in ("GETKEYS", "GETKEYSANDFLAGS"):
        assert raw(server, "COMMAND", subcommand, *call) == \
            raw(reference, "COMMAND", subcommand, *call), subcommand


def test_getkeys_arity_errors_match_redis(server, reference):
    for args in (("COMMAND", "GETKEYS"), ("COMMAND", "GETKEYS", "GET"),
                 ("COMMAND", "GETKEYSANDFLAGS", "PING")):
        assert raw(server, *args) == raw(reference, *args)


def test_getkeys_finds_many_keys(server):
    keys = ["key%d" % i for i in range(300)]
    assert parsed(server, "COMMAND", "GETKEYS", "ZUNIONSTORE", "target", str(len(keys)),
                  *keys) == [b"target"] + [key.encode() for key in keys]


def test_movablekeys_as_redis_marks_it(server, reference):
    names = [name.decode() for name in parsed(server, "COMMAND", "LIST")]
    ours = parsed(server, "COMMAND", "INFO", *names)
    theirs = parsed(reference, "COMMAND", "INFO", *names)
    movable = [info[0] for info in ours if b"movablekeys" in info[2]]
    assert movable == [info[0] for info in theirs if info and b"movablekeys" in info[2]]
    assert b"zunionstore" in movable and b"lmpop" in movable and b"mset" not in movable


def test_help_text_matches_redis(server, reference):
    assert raw(server, "COMMAND", "HELP") == raw(reference, "COMMAND", "HELP")
