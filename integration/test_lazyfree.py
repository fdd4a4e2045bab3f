"""Lazy freeing: UNLINK, FLUSHALL/FLUSHDB ASYNC and the lazyfree-lazy-*
options free big values on a background thread, as Redis 7.0 does, and the
memory comes back."""

import pytest

from server_process import wait_until


def big_set(client, key="myset", members=100000):
    pipe = client.pipeline(transaction=False)
    for start in range(0, members, 10000):
        pipe.sadd(key, *range(start, start + 10000))
    pipe.execute()


def memory(client):
    return client.info("memory")


def lazy_done(client):
    return memory(client)["lazyfree_pending_objects"] == 0


# What each frees lazily: the set, or every key of the database (as Redis counts).
@pytest.mark.parametrize("delete,objects", [
    (lambda client: client.unlink("myset"), 1),
    (lambda client: client.flushdb(asynchronous=True), 2),
    (lambda client: client.flushall(asynchronous=True), 2),
])
def test_big_values_are_freed_in_the_background(start_server, delete, objects):
    # Redis's own unit/lazyfree test, plus FLUSHALL ASYNC and the counters.
    client = start_server().client()
    before = memory(client)["used_memory"]
    big_set(client)
    client.set("small", "value")
    peak = memory(client)["used_memory"]
    assert peak > before + 1000000
    delete(client)
    wait_until(lambda: lazy_done(client) and memory(client)["used_memory"] < before * 2,
               10, message="memory reclaimed")
    assert memory(client)["lazyfreed_objects"] == objects
    assert client.exists("myset") == 0
    client.config_resetstat()
    assert memory(client)["lazyfreed_objects"] == 0


def test_small_values_are_freed_at_once(start_server):
    client = start_server().client()
    client.sadd("small-set", *range(10))
    client.set("string", "x" * 100000)
    assert client.unlink("small-set", "string", "missing") == 2
    assert memory(client)["lazyfreed_objects"] == 0


@pytest.mark.parametrize("option,action", [
    ("lazyfree-lazy-user-del", lambda client: client.delete("myset")),
    ("lazyfree-lazy-user-flush", lambda client: client.flushall()),
    ("lazyfree-lazy-server-del", lambda client: client.rename("other", "myset")),
    ("lazyfree-lazy-expire", lambda client: client.pexpire("myset", 1)),
])
def test_lazyfree_options_move_frees_to_the_thread(start_server, option, action):
    client = start_server().client()
    for lazily in (False, True):
        client.config_set(option, "yes" if lazily else "no")
        client.flushall()
        client.config_resetstat()
        big_set(client)
        client.set("other", "value")
        action(client)
        # An expired key goes at its next access (or the active cycle).
        wait_until(lambda: client.exists("myset") == 0 or client.type("myset") == b"string",
                   10, message="the set replaced or gone")
        wait_until(lambda: lazy_done(client), 10, message="lazy frees done")
        # A flush counts each key; the others the set alone.
        expected = (2 if "flush" in option else 1) if lazily else 0
        assert memory(client)["lazyfreed_objects"] == expected, (option, lazily)


def test_lazy_eviction_keeps_the_limit(start_server):
    client = start_server().client()
    client.config_set("lazyfree-lazy-eviction", "yes")
    client.config_set("maxmemory-policy", "allkeys-random")
    for i in range(5):
        big_set(client, "set:%d" % i, 20000)
    limit = memory(client)["used_memory"] // 2
    client.config_set("maxmemory", limit)
    wait_until(lambda: lazy_done(client) and memory(client)["used_memory"] <= limit * 1.05, 10,
               message="memory under the limit")
    assert client.info()["evicted_keys"] >= 2
    assert memory(client)["lazyfreed_objects"] >= 1
    client.set("after", "value")  # no OOM: the limit holds
