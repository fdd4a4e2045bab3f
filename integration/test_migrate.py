"""MIGRATE: keys moved or copied to another server, compared with redis-server
doing the same to a redis-server target; and between fkvs and redis-server."""

import pathlib

import pytest

from server_process import free_port


def transcript(source, target):
    """The same MIGRATE calls from source to target; the replies, and what each
    side holds afterwards."""
    source.client().flushall()
    target.client().flushall()
    src, dst = source.client(), target.client()
    host, port = "127.0.0.1", str(target.port)
    replies = []

    def call(*args):
        try:
            replies.append(src.execute_command(*args))
        except Exception as error:  # the error text is what is compared
            replies.append("error: %s" % error)

    call("MIGRATE", host, port, "nokey", "0", "1000")
    src.set("a", "1", px=100_000)
    call("MIGRATE", host, port, "a", "0", "1000")
    replies.append((src.exists("a"), dst.get("a"), 90_000 < dst.pttl("a") <= 100_000))
    src.set("a", "2")
    call("MIGRATE", host, port, "a", "0", "1000")  # BUSYKEY on the target
    call("MIGRATE", host, port, "a", "0", "1000", "COPY", "REPLACE")
    replies.append((src.get("a"), dst.get("a"), dst.ttl("a")))
    src.mset({"a": "3", "b": "4"})
    dst.set("a", "target")
    # One key refused: it stays; the other moves; the reply is the error.
    call("MIGRATE", host, port, "", "0", "1000", "KEYS", "a", "b", "missing")
    replies.append((src.get("a"), src.exists("b"), dst.get("a"), dst.get("b")))
    src.rpush("list", "x", "y")
    src.hset("hash", mapping={"f": "v"})
    call("MIGRATE", host, port, "", "3", "1000", "REPLACE", "KEYS", "list", "hash")
    dst.execute_command("SELECT", "3")
    replies.append((src.exists("list", "hash"), dst.lrange("list", 0, -1),
                    dst.hgetall("hash")))
    dst.execute_command("SELECT", "0")
    src.set("c", "5")
    call("MIGRATE", host, port, "c", "0", "1000", "AUTH", "secret")
    replies.append(src.exists("c"))
    call("MIGRATE", host, port, "c", "0", "1000", "KEYS", "c")
    call("MIGRATE", host, port, "c", "x", "1000")
    call("MIGRATE", host, port, "c", "0", "soon")
    call("MIGRATE", host, port, "c", "0", "1000", "BOGUS")
    call("MIGRATE", host, port, "c", "0", "1000", "AUTH")
    call("MIGRATE", host, str(free_port()), "c", "0", "500")
    return replies


def test_migrate_replies_and_effects_match_redis(server, start_server, reference):
    target_of_fkvs = start_server(target="redis")
    redis_target = start_server(target="redis")
    got = transcript(server, target_of_fkvs)
    expected = transcript(reference, redis_target)
    assert got == expected
    assert expected[0] == b"NOKEY" and expected[1] == b"OK"
    assert "BUSYKEY" in expected[3]
    assert expected[-1] == "error: IOERR error or timeout writing to target instance"


def test_migrate_into_fkvs_and_back(server, reference):
    """redis-server's payloads restore in fkvs and fkvs's in redis-server."""
    for source, target in ((reference, server), (server, reference)):
        source.client().flushall()
        target.client().flushall()
        src = source.client()
        src.zadd("z", {"m%d" % i: i for i in range(200)})
        src.sadd("s", *range(50))
        src.xadd("stream", {"f": "v"}, id="1-1")
        assert src.execute_command("MIGRATE", "127.0.0.1", str(target.port), "", "0", "1000",
                                   "KEYS", "z", "s", "stream") == b"OK"
        dst = target.client()
        assert dst.zcard("z") == 200 and dst.scard("s") == 50 and dst.xlen("stream") == 1
        assert src.dbsize() == 0


def test_migrate_goes_to_the_aof_as_del(start_server, reference):
    source = start_server("--appendonly", "yes")
    client = source.client()
    client.set("moved", "1")
    client.set("kept", "2")
    assert client.execute_command("MIGRATE", "127.0.0.1", str(reference.port), "", "0", "1000",
                                  "REPLACE", "KEYS", "moved") == b"OK"
    assert client.execute_command("MIGRATE", "127.0.0.1", str(reference.port), "kept", "0",
                                  "1000", "REPLACE", "COPY") == b"OK"
    aof = b"".join(path.read_bytes()
                   for path in pathlib.Path(source.workdir).glob("appendonlydir/*.incr.aof"))
    assert b"*2\r\n$3\r\nDEL\r\n$5\r\nmoved\r\n" in aof
    assert b"MIGRATE" not in aof.upper()
    source.stop()
    source.start()
    assert source.client().exists("moved", "kept") == 1


@pytest.mark.parametrize("target_server", ["server", "reference"])
def test_monitor_redacts_migrate_passwords(target_server, request):
    handle = request.getfixturevalue(target_server)
    watcher = handle.connect_raw()
    assert watcher.command("MONITOR") == b"+OK\r\n"
    other = handle.connect_raw()
    other.command("MIGRATE", "127.0.0.1", "1", "key", "9", "5000", "AUTH2", "user", "password")
    other.command("MIGRATE", "127.0.0.1", "1", "", "9", "5000", "AUTH", "pw", "KEYS", "auth")
    lines = [watcher.read_reply(), watcher.read_reply()]
    assert lines[0].endswith(b'"key" "9" "5000" "AUTH2" "(redacted)" "(redacted)"\r\n')
    assert lines[1].endswith(b'"" "9" "5000" "AUTH" "(redacted)" "KEYS" "auth"\r\n')
