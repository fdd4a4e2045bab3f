"""COMMAND GETKEYS / GETKEYSANDFLAGS and movablekeys, MEMORY STATS / DOCTOR /
MALLOC-STATS / PURGE / HELP, and CONFIG REWRITE, against redis-server 7.0."""

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


def test_help_texts_match_redis(server, reference):
    for container in ("COMMAND", "MEMORY", "CONFIG", "CLIENT", "OBJECT", "LATENCY", "SLOWLOG",
                      "PUBSUB", "DEBUG"):
        assert raw(server, container, "HELP") == raw(reference, container, "HELP")


def test_memory_errors_match_redis(server, reference):
    for args in (("MEMORY", "NOSUCH"), ("MEMORY",), ("MEMORY", "STATS", "x"),
                 ("MEMORY", "DOCTOR", "x"), ("MEMORY", "PURGE", "x"),
                 ("MEMORY", "MALLOC-STATS", "x"), ("MEMORY", "HELP", "x"), ("MEMORY", "PURGE")):
        assert raw(server, *args) == raw(reference, *args), args


def stats_layout(handle):
    """MEMORY STATS as (name, kind of value) pairs, a database's fields included."""
    reply = parsed(handle, "MEMORY", "STATS")
    layout = []
    for name, value in zip(reply[::2], reply[1::2]):
        if isinstance(value, list):
            layout.append((name, [(inner, type(v)) for inner, v in zip(value[::2], value[1::2])]))
        else:
            layout.append((name, type(value)))
    return layout, dict(zip(reply[::2], reply[1::2]))


def test_memory_stats_has_redis_fields_in_redis_order(server, reference):
    for handle in (server, reference):
        client = handle.client()
        client.set("a", "1")
        client.set("b", "2", ex=100)
        client.execute_command("SELECT", "3")
        client.set("c", "3")
    ours, values = stats_layout(server)
    theirs, _ = stats_layout(reference)
    assert ours == theirs
    assert values[b"keys.count"] == 3
    assert 0 < values[b"startup.allocated"] <= values[b"total.allocated"] <= \
        values[b"peak.allocated"]
    assert values[b"db.0"][1] > 0 and values[b"db.0"][3] > 0  # main table and expires
    assert values[b"db.3"][3] == 0
    assert float(values[b"peak.percentage"]) <= 100


def test_memory_doctor_on_a_small_instance_matches_redis(server, reference):
    assert raw(server, "MEMORY", "DOCTOR") == raw(reference, "MEMORY", "DOCTOR")


def test_memory_malloc_stats_and_purge(server):
    assert len(parsed(server, "MEMORY", "MALLOC-STATS")) > 0
    assert raw(server, "MEMORY", "PURGE") == b"+OK\r\n"


def test_config_rewrite_without_a_config_file_matches_redis(server, reference):
    assert raw(server, "CONFIG", "REWRITE") == raw(reference, "CONFIG", "REWRITE")


CONFIG_TEXT = """# kept as it is
port {port}
   # indented comment
loglevel notice
hash-max-ziplist-entries 100
save 900 1
save 300 10
maxmemory 1mb
"""

# Lines redis-server always adds for features fkvs does not have, and fkvs's own options.
REDIS_ONLY = ("user ", "latency-tracking-info-percentiles ")
FKVS_ONLY = ("io-backend ",)


def rewritten(handle):
    client = handle.client()
    assert client.config_set("loglevel", "warning")
    assert client.config_set("timeout", "7")
    assert client.config_set("maxmemory", "0")
    assert client.config_set("client-output-buffer-limit", "pubsub 64mb 16mb 30")
    assert client.execute_command("CONFIG", "REWRITE") == b"OK"
    text = handle.config_file.read_text().replace(str(handle.port), "{port}")
    dir_line = 'dir "%s"' % handle.workdir.resolve()
    assert dir_line in text.splitlines()
    return text.replace(dir_line, 'dir "{dir}"')


def test_config_rewrite_matches_redis(start_server):
    fkvs = start_server(config_text=CONFIG_TEXT, port_arg=False)
    redis = start_server(config_text=CONFIG_TEXT, port_arg=False, target="redis")
    ours = rewritten(fkvs)
    theirs = rewritten(redis)
    our_head, _, our_added = ours.partition("# Generated by CONFIG REWRITE\n")
    their_head, _, their_added = theirs.partition("# Generated by CONFIG REWRITE\n")
    assert our_head == their_head
    # Redis adds the options in the order of its own hash table: compare them as sets.
    def added(text):
        return {line for line in text.splitlines() if not line.startswith(REDIS_ONLY + FKVS_ONLY)}
    assert added(our_added) == added(their_added)


def test_config_rewrite_is_read_back_on_restart(start_server):
    handle = start_server(config_text=CONFIG_TEXT, port_arg=False)
    rewritten(handle)
    assert handle.stop() == 0
    # Start from the rewritten file as it is, on a port of the test's choosing.
    handle.config_text = None
    handle.port_arg = True
    handle.start()
    client = handle.client()
    assert client.config_get("timeout") == {"timeout": "7"}
    assert client.config_get("loglevel") == {"loglevel": "warning"}
    assert client.config_get("client-output-buffer-limit")["client-output-buffer-limit"] == \
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 30"


def test_client_list_type_pubsub_and_normal_split_subscribers(server):
    subscriber = server.connect_raw()
    subscriber.send_command("SSUBSCRIBE", "shard")
    subscriber.read_reply()
    admin = server.connect_raw()
    pubsub = parse_reply(admin.command("CLIENT", "LIST", "TYPE", "pubsub"))[0].decode()
    normal = parse_reply(admin.command("CLIENT", "LIST", "TYPE", "normal"))[0].decode()
    assert pubsub.count("\n") == 1 and " ssub=1 " in pubsub
    assert pubsub not in normal and "cmd=client|list" in normal
