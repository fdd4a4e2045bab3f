"""MEMORY USAGE against redis-server 7.0: the same replies and errors, and
figures of the same size for the same values."""

import pytest
import redis


@pytest.fixture
def both(start_server):
    return {"fkvs": start_server(), "redis": start_server(target="redis")}


def fill(client):
    client.set("small", "hello")
    client.set("number", 12345)
    client.set("hundred", "a" * 100)
    client.set("big", "b" * 100000)
    client.hset("hash", mapping={"a": 1, "b": 2})
    client.hset("big-hash", mapping={"f%d" % i: "v" * 20 for i in range(1000)})
    client.rpush("list", *range(100))
    client.sadd("intset", *range(100))
    client.sadd("set", *("m%d" % i for i in range(1000)))
    client.zadd("zset", {"m%d" % i: i for i in range(1000)})


KEYS = ["small", "number", "hundred", "big", "hash", "big-hash", "list", "intset", "set", "zset"]


def test_usage_is_close_to_redis_and_errors_match(both):
    usage = {}
    errors = {}
    for name, handle in both.items():
        client = handle.client()
        fill(client)
        usage[name] = {key: client.memory_usage(key, samples=0) for key in KEYS}
        assert client.memory_usage("missing") is None
        # A sample count changes nothing in fkvs, whose collections count exactly.
        assert client.execute_command("MEMORY", "USAGE", "small", "SAMPLES", 5) > 0
        seen = []
        for args in (("small", "SAMPLES", "x"), ("small", "SAMPLES", -1), ("small", "FOO"),
                     ("small", "SAMPLES")):
            with pytest.raises(redis.ResponseError) as error:
                client.execute_command("MEMORY", "USAGE", *args)
            seen.append(str(error.value))
        errors[name] = seen
    assert errors["fkvs"] == errors["redis"]
    for key in KEYS:
        ours, theirs = usage["fkvs"][key], usage["redis"][key]
        # fkvs's layout is smaller; neither figure is off by more than half.
        assert theirs / 2 <= ours <= theirs * 1.5, (key, ours, theirs)
    assert usage["fkvs"]["big"] >= 100000
    assert usage["fkvs"]["big-hash"] > usage["fkvs"]["hash"] + 1000 * 20
