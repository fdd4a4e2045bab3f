"""SLOWLOG and the command timing behind it (INFO commandstats), against
redis-server 7.0 where the outcome is deterministic."""

import re
import threading

import pytest
import redis

from server_process import wait_until

DEBUG = ("--enable-debug-command", "yes")


@pytest.fixture
def both(start_server):
    """fkvs and the reference redis-server, each with DEBUG enabled."""
    return {"fkvs": start_server(*DEBUG), "redis": start_server(*DEBUG, target="redis")}


def raw_slowlog(client):
    """Every entry as the server sends it (redis-py would parse SLOWLOG GET)."""
    return client.execute_command("SLOWLOG", "GET", -1, **{"NEVER_DECODE": True})


def run_logged_sequence(handle):
    client = handle.client()
    client.config_set("slowlog-log-slower-than", 0)
    client.client_setname("tester")
    client.execute_command("SLOWLOG", "RESET")
    client.set("k", "v")
    client.sadd("set", *range(3, 43))  # 42 arguments: 31 kept, then how many more
    client.sadd("set", "foo", "A" * 200)  # trimmed to 128 bytes
    pipe = client.pipeline(transaction=True)
    pipe.incr("n")
    pipe.get("k")
    pipe.execute()
    client.config_set("requirepass", "")  # the value is a secret
    with pytest.raises(redis.ResponseError):
        client.execute_command("AUTH", "nobody", "secret")
    client.config_set("slowlog-log-slower-than", -1)
    return client


def test_entries_are_what_redis_logs(both):
    logged = {}
    for name, handle in both.items():
        client = run_logged_sequence(handle)
        entries = raw_slowlog(client)
        logged[name] = [[bytes(arg) for arg in entry[3]] + [entry[5]] for entry in entries]
        ids = [entry[0] for entry in entries]
        assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
        for entry in entries:
            assert len(entry) == 6
            assert re.fullmatch(rb"127\.0\.0\.1:\d+", entry[4])
            assert entry[2] >= 0
    assert logged["fkvs"] == logged["redis"]
    args = [entry[:-1] for entry in logged["fkvs"]]
    assert [b"AUTH", b"(redacted)", b"(redacted)"] in args
    assert [b"CONFIG", b"SET", b"requirepass", b"(redacted)"] in args
    assert [b"EXEC"] not in args and [b"INCRBY", b"n", b"1"] in args
    trimmed = next(entry for entry in args if len(entry) == 32)
    assert trimmed[-1] == b"... (11 more arguments)"
    assert [b"SADD", b"set", b"foo", b"A" * 128 + b"... (72 more bytes)"] in args


def test_only_commands_past_the_threshold_are_logged(both):
    for name, handle in both.items():
        client = handle.client()
        client.execute_command("SLOWLOG", "RESET")
        client.config_set("slowlog-log-slower-than", 100000)
        client.ping()
        client.execute_command("DEBUG", "SLEEP", "0.2")
        # (Only PING's absence is asserted: on a loaded machine the CONFIG SET
        # before it may itself pass the 10 ms default.)
        entries = {tuple(map(bytes, e[3])): e[2] for e in raw_slowlog(client)}
        assert (b"PING",) not in entries, name
        assert 200000 <= entries[(b"DEBUG", b"SLEEP", b"0.2")] < 5000000, name
        # The time it took shows in INFO commandstats too.
        assert client.info("commandstats")["cmdstat_debug"]["usec"] >= 200000, name


def test_a_blocked_command_is_logged_once_when_served(both):
    logged = {}
    for name, handle in both.items():
        client = handle.client()
        client.config_set("slowlog-log-slower-than", 0)
        client.execute_command("SLOWLOG", "RESET")
        waiter = handle.client()
        result = {}
        thread = threading.Thread(target=lambda: result.update(v=waiter.blpop("list", 10)),
                                  daemon=True)
        thread.start()
        wait_until(lambda: client.info("clients")["blocked_clients"] == 1, 10,
                   message="the BLPOP to block")
        client.execute_command("SLOWLOG", "RESET")  # the polls above are not the point
        client.lpush("list", "x")
        thread.join(10)
        assert result.get("v") == (b"list", b"x")
        client.config_set("slowlog-log-slower-than", -1)
        logged[name] = [list(map(bytes, e[3])) for e in raw_slowlog(client)]
    assert logged["fkvs"] == logged["redis"]
    assert logged["fkvs"][:3] == [[b"BLPOP", b"list", b"10"], [b"LPUSH", b"list", b"x"],
                                  [b"SLOWLOG", b"RESET"]]


def test_length_limit_count_and_errors_match_redis(both):
    replies = {}
    for name, handle in both.items():
        client = handle.client()
        client.config_set("slowlog-log-slower-than", 0)
        client.config_set("slowlog-max-len", 3)
        client.execute_command("SLOWLOG", "RESET")
        for i in range(10):
            client.set("key:%d" % i, i)
        seen = [client.execute_command("SLOWLOG", "LEN"),
                len(raw_slowlog(client)),
                len(client.execute_command("SLOWLOG", "GET", 0)),
                len(client.execute_command("SLOWLOG", "GET", 2)),
                client.execute_command("SLOWLOG", "HELP")]
        for args in (("GET", -2), ("GET", "x"), ("GET", 1, 2), ("LEN", 1), ("NOPE",)):
            try:
                client.execute_command("SLOWLOG", *args)
                seen.append("no error")
            except redis.ResponseError as error:
                seen.append(str(error))
        client.config_set("slowlog-max-len", 0)
        client.ping()
        seen.append(client.execute_command("SLOWLOG", "LEN"))
        replies[name] = seen
    assert replies["fkvs"] == replies["redis"]
    assert replies["fkvs"][:4] == [3, 3, 0, 2]
