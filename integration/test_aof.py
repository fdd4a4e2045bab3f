"""The append-only file: what it logs (effects, not requests), surviving
kill -9 under appendfsync always, rewrites, turning it on at runtime,
truncated files, and files moving between fkvs and redis-server."""

import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import redis

from server_process import (REDIS_SERVER_BIN, ServerHandle, ServerStartError, join_threads,
                            wait_until)

FIXTURES = Path(__file__).parent / "fixtures" / "rdb"
AOF_ALWAYS = ("--appendonly", "yes", "--appendfsync", "always")


def kill_and_restart(handle):
    handle.process.send_signal(signal.SIGKILL)
    handle.wait_exit()
    handle.start()
    return handle.client()


def restarted_with_the_aof_on(handle):
    """After CONFIG SET appendonly yes: SIGKILL, and a restart with the AOF
    on in the arguments too; the new client."""
    handle.extra_args = list(AOF_ALWAYS)
    return kill_and_restart(handle)


def digest(client):
    return client.execute_command("DEBUG", "DIGEST")


def write_effects(handle):
    """Commands whose replay must log their effect, not their request."""
    client = handle.client()
    client.set("counter", 1)
    client.incrbyfloat("float", "1.1")
    client.hincrbyfloat("hash", "f", "2.5")
    client.set("ttl:rel", "x", ex=100)
    client.expire("counter", 1000)
    client.set("gone", "x")
    client.expire("gone", -1)
    client.sadd("set", *range(30))
    client.spop("set")
    client.spop("set", 5)
    client.sadd("small", 1, 2)
    client.spop("small", 10)
    client.rpush("list", *range(10))
    client.lmpop(1, "list", direction="LEFT", count=3)
    client.zadd("zset", {"a": 1, "b": 2, "c": 3})
    client.zmpop(1, ["zset"], min=True)
    client.rpush("src", "a", "b")
    client.blmove("src", "dst", 0, "LEFT", "RIGHT")
    pipe = client.pipeline(transaction=True)
    pipe.set("tx", 1)
    pipe.incr("tx")
    pipe.execute()
    client.execute_command("SELECT", 5)
    client.set("db5", "five")
    client.execute_command("SELECT", 0)
    # A BLPOP served by a later push replays as the pop it became.
    blocked = handle.client()
    result = {}
    waiter = threading.Thread(target=lambda: result.update(v=blocked.blpop("queue", 5)),
                              daemon=True)
    waiter.start()
    wait_until(lambda: client.info("clients")["blocked_clients"] == 1, 10,
               message="BLPOP to block")
    client.rpush("queue", "job")
    join_threads([waiter], 10, "the BLPOP to be served")
    assert result["v"] == (b"queue", b"job")


def test_kill_9_keeps_every_effect(start_server):
    handle = start_server(*AOF_ALWAYS)
    write_effects(handle)
    client = handle.client()
    expected = digest(client)
    ttl = client.pexpiretime("ttl:rel")
    client = kill_and_restart(handle)
    assert digest(client) == expected
    assert client.pexpiretime("ttl:rel") == ttl
    assert client.exists("gone", "small") == 0
    assert "DB loaded from append only file" in handle.log()


def test_the_log_holds_effects_not_requests(start_server):
    handle = start_server(*AOF_ALWAYS)
    write_effects(handle)
    incremental = next((handle.workdir / "appendonlydir").glob("*.incr.aof")).read_bytes()
    for effect in [b"PEXPIREAT", b"SREM", b"KEEPTTL", b"HSET", b"PXAT", b"LPOP", b"ZPOPMIN",
                   b"LMOVE", b"MULTI", b"DEL"]:
        assert effect in incremental, effect
    for request in [b"expire\r\n", b"spop", b"incrbyfloat", b"blpop", b"lmpop", b"blmove"]:
        assert request not in incremental.lower().replace(b"pexpireat", b""), request


def test_layout_and_info(start_server):
    handle = start_server(*AOF_ALWAYS)
    directory = handle.workdir / "appendonlydir"
    assert (directory / "appendonly.aof.manifest").read_text() == (
        "file appendonly.aof.1.base.rdb seq 1 type b\n"
        "file appendonly.aof.1.incr.aof seq 1 type i\n")
    assert (directory / "appendonly.aof.1.base.rdb").read_bytes().startswith(b"REDIS0010")
    client = handle.client()
    client.set("k", "v")
    info = client.info("persistence")
    assert info["aof_enabled"] == 1
    assert info["aof_last_write_status"] == "ok"
    assert info["aof_current_size"] > info["aof_base_size"]


def test_acknowledged_writes_survive_kill_9_at_random_moments(start_server):
    """appendfsync always: a write acknowledged is on disk. Twenty trials, each
    killed at a random moment of a pipelined write load."""
    handle = start_server(*AOF_ALWAYS)
    rng = random.Random(20261206)
    lost = []
    total = 0
    for trial in range(20):
        client = handle.client()
        acknowledged = []
        stop = threading.Event()

        def load(trial=trial, client=client, acknowledged=acknowledged):
            i = 0
            try:
                while not stop.is_set():
                    pipe = client.pipeline(transaction=False)
                    for j in range(i, i + 10):
                        pipe.set("t%d:%d" % (trial, j), j)
                    pipe.execute()
                    acknowledged.extend(range(i, i + 10))
                    i += 10
            except (redis.ConnectionError, redis.TimeoutError):
                pass

        writer = threading.Thread(target=load, daemon=True)
        writer.start()
        time.sleep(rng.uniform(0.02, 0.3))
        handle.process.send_signal(signal.SIGKILL)
        handle.wait_exit()
        stop.set()
        join_threads([writer], 10, "the writer to see the connection close")
        handle.start()
        check = handle.client()
        keys = ["t%d:%d" % (trial, j) for j in acknowledged]
        present = sum(check.exists(*keys[k:k + 500]) for k in range(0, len(keys), 500))
        total += len(keys)
        if present != len(keys):
            lost.append((trial, len(keys) - present))
    assert total > 0
    print("kill -9 under appendfsync always: %d trials, %d acknowledged writes, lost %s" % (
        20, total, lost or 0))
    assert lost == [], "acknowledged writes lost (trial, count): %s of %d" % (lost, total)


def test_bgrewriteaof_replaces_the_files_and_keeps_writes_made_meanwhile(start_server):
    handle = start_server(*AOF_ALWAYS)
    client = handle.client()
    for i in range(50):
        client.set("before:%d" % i, i)
    client.config_set("rdb-key-save-delay", 20000)
    assert handle.reply("BGREWRITEAOF") == b"+Background append only file rewriting started\r\n"
    assert client.info("persistence")["aof_rewrite_in_progress"] == 1
    assert handle.reply("BGREWRITEAOF") == (
        b"-ERR Background append only file rewriting already in progress\r\n")
    assert handle.reply("BGSAVE") == (
        b"-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
        b"SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n")
    client.set("during", "the rewrite")
    client.config_set("rdb-key-save-delay", 0)
    wait_until(lambda: client.info("persistence")["aof_rewrite_in_progress"] == 0, 30,
               message="the AOF rewrite to finish")
    info = client.info("persistence")
    assert info["aof_last_bgrewrite_status"] == "ok"
    assert info["aof_rewrites"] == 1
    directory = handle.workdir / "appendonlydir"
    assert sorted(p.name for p in directory.iterdir()) == [
        "appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"]
    client.set("after", "the rewrite")
    expected = digest(client)
    client = kill_and_restart(handle)
    assert digest(client) == expected
    assert client.get("during") == b"the rewrite"


def test_bgrewriteaof_is_scheduled_inside_multi(start_server):
    handle = start_server(*AOF_ALWAYS)
    replies = handle.raw(b"MULTI\r\nBGREWRITEAOF\r\nEXEC\r\n", replies=3)
    assert replies.endswith(b"*1\r\n+Background append only file rewriting scheduled\r\n")
    client = handle.client()
    wait_until(lambda: client.info("persistence")["aof_rewrites"] == 1, 15,
               message="the scheduled rewrite to run")


def test_config_set_appendonly_writes_a_base_of_the_data_held(start_server):
    handle = start_server()
    client = handle.client()
    client.set("before", "turning it on")
    client.rpush("list", *range(100))
    client.config_set("appendonly", "yes")
    wait_until(lambda: client.info("persistence")["aof_rewrites"] == 1, 15,
               message="the AOF's first base to be written")
    client.set("after", "turning it on")
    expected = digest(client)
    assert digest(restarted_with_the_aof_on(handle)) == expected


def test_config_set_appendonly_during_a_bgsave_waits_for_it(start_server):
    # As Redis: one child at a time. The base is forked once the save ends,
    # and writes made before then are in it.
    handle = start_server()
    client = handle.client()
    pipe = client.pipeline(transaction=False)
    for i in range(1000):
        pipe.set("key:%d" % i, i)
    pipe.execute()
    client.config_set("rdb-key-save-delay", 1000)  # 1000 keys: a second
    client.bgsave()
    client.config_set("appendonly", "yes")
    persistence = client.info("persistence")
    assert persistence["rdb_bgsave_in_progress"] == 1
    assert persistence["aof_rewrite_in_progress"] == 0
    assert persistence["aof_rewrite_scheduled"] == 1
    assert persistence["aof_enabled"] == 1
    client.set("during", "the save")
    client.config_set("rdb-key-save-delay", 0)
    wait_until(lambda: client.info("persistence")["aof_rewrites"] == 1, 30,
               message="the AOF's first base, once the save had ended")
    assert client.info("persistence")["rdb_last_bgsave_status"] == "ok"
    assert "AOF was enabled but there is already another background operation" in handle.log()
    client.set("after", "the base")
    expected = digest(client)
    assert digest(restarted_with_the_aof_on(handle)) == expected
    assert handle.client().dbsize() == 1002


def test_a_truncated_last_command_is_dropped_or_refused(start_server, tmp_path, server_binary):
    handle = start_server(*AOF_ALWAYS)
    client = handle.client()
    client.set("whole", "command")
    client.set("cut", "short")
    assert handle.stop() == 0
    incremental = next((handle.workdir / "appendonlydir").glob("*.incr.aof"))
    incremental.write_bytes(incremental.read_bytes()[:-7])
    size_cut = incremental.stat().st_size

    handle.extra_args = list(AOF_ALWAYS) + ["--aof-load-truncated", "no"]
    with pytest.raises(ServerStartError, match="unexpected end of file"):
        handle.start(attempts=1)
    assert handle.process.returncode == 1

    handle.extra_args = list(AOF_ALWAYS)
    handle.start()
    client = handle.client()
    assert client.get("whole") == b"command"
    assert client.get("cut") is None
    assert "Warning: short read while loading the AOF file" in handle.log()
    assert incremental.stat().st_size < size_cut


# DEBUG DIGEST of each AOF fixture as redis-server 7.0.15 loaded it (the rdb-fixtures set's
# aof-expected.json).
AOF_FIXTURE_DIGESTS = {"6.2.14": "2199c580d45e80b1e0d5479c27498f0249973523",
                       "7.0.15": "0dfd23f7ead6b84d4ff46fa3d11397853c7168f9"}


def test_a_7_0_aof_with_a_stream_loads(tmp_path, server_binary):
    handle = ServerHandle(server_binary, tmp_path / "server", args=AOF_ALWAYS)
    handle.workdir.mkdir(parents=True)
    shutil.copytree(FIXTURES / "7.0.15" / "appendonlydir", handle.workdir / "appendonlydir")
    handle.start(attempts=1)
    client = handle.client()
    # stream:aof sits in the RDB base; an XADD to it follows in the incr file.
    assert client.type("stream:aof") == b"stream"
    assert digest(client).decode() == AOF_FIXTURE_DIGESTS["7.0.15"]
    handle.stop()


def test_a_6_2_single_file_aof_is_migrated(tmp_path, server_binary):
    handle = ServerHandle(server_binary, tmp_path / "server", args=AOF_ALWAYS)
    handle.workdir.mkdir(parents=True)
    shutil.copy(FIXTURES / "6.2.14" / "appendonly.aof", handle.workdir / "appendonly.aof")
    handle.start(attempts=1)
    client = handle.client()
    assert client.type("stream:aof") == b"stream"
    assert digest(client).decode() == AOF_FIXTURE_DIGESTS["6.2.14"]
    handle.stop()
    # The file is where the migration put it, whole, as the manifest's base.
    moved = handle.workdir / "appendonlydir" / "appendonly.aof"
    assert moved.read_bytes() == (FIXTURES / "6.2.14" / "appendonly.aof").read_bytes()
    manifest = (handle.workdir / "appendonlydir" / "appendonly.aof.manifest").read_text()
    assert manifest.startswith("file appendonly.aof seq 1 type b\n")


def fill_for_interchange(client):
    client.set("str", "value")
    client.set("int", 42)
    client.rpush("list", *range(300))
    client.hset("hash", mapping={"f%d" % i: i for i in range(600)})
    client.sadd("set", 1, 2, 3)
    client.zadd("zset", {"m%d" % i: i / 7 for i in range(200)})
    client.set("ttl", "x", ex=100000)
    client.incrbyfloat("float", "3.3")
    client.spop("set")
    client.execute_command("SELECT", 9)
    client.set("db9", "nine")
    client.execute_command("SELECT", 0)


def base_file(directory):
    (base,) = [p for p in directory.iterdir() if ".base." in p.name]
    return base


@pytest.mark.fkvs_only
@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_aof_directories_move_between_fkvs_and_redis(start_server, tmp_path, preamble):
    """Both ways, with the base as an RDB image and (aof-use-rdb-preamble no)
    as commands."""
    if not shutil.which(REDIS_SERVER_BIN):
        pytest.skip("reference redis-server not installed")
    args = AOF_ALWAYS + ("--aof-use-rdb-preamble", preamble)
    suffix = ".rdb" if preamble == "yes" else ".aof"
    # redis-server writes an AOF (base, then commands), fkvs loads it.
    redis_dir = tmp_path / "from-redis"
    theirs = ServerHandle(REDIS_SERVER_BIN, redis_dir, args=args, target="redis").start()
    try:
        client = theirs.client()
        client.set("in-base", 1)
        client.execute_command("BGREWRITEAOF")
        wait_until(lambda: client.info("persistence")["aof_rewrite_in_progress"] == 0 and
                   client.info("persistence")["aof_rewrite_scheduled"] == 0, 30,
                   message="redis-server's rewrite")
        fill_for_interchange(client)
        expected = digest(client)
    finally:
        theirs.stop()
    assert base_file(redis_dir / "appendonlydir").suffix == suffix
    fkvs = start_server(*args)
    fkvs.stop()
    shutil.rmtree(fkvs.workdir / "appendonlydir")
    shutil.copytree(redis_dir / "appendonlydir", fkvs.workdir / "appendonlydir")
    fkvs.start()
    assert digest(fkvs.client()) == expected

    # fkvs writes one, redis-server loads it.
    client = fkvs.client()
    client.flushall()
    fill_for_interchange(client)
    client.execute_command("BGREWRITEAOF")
    wait_until(lambda: client.info("persistence")["aof_rewrite_in_progress"] == 0, 30,
               message="fkvs's rewrite")
    client.lpush("list", "after the rewrite")
    expected = digest(client)
    fkvs.stop()
    base = base_file(fkvs.workdir / "appendonlydir")
    assert base.suffix == suffix
    assert base.read_bytes().startswith(b"REDIS" if preamble == "yes" else b"*2\r\n$6\r\nSELECT")
    back = tmp_path / "back"
    back.mkdir()
    shutil.copytree(fkvs.workdir / "appendonlydir", back / "appendonlydir")
    theirs = ServerHandle(REDIS_SERVER_BIN, back, args=args, target="redis").start()
    try:
        assert digest(theirs.client()) == expected
    finally:
        theirs.stop()


def test_flushall_is_logged_even_when_it_saves_a_snapshot(start_server):
    # With save points set FLUSHALL also saves, which resets the change count.
    handle = start_server(*AOF_ALWAYS, "--save", "3600 1")
    client = handle.client()
    client.set("a", 1)
    client.flushall()
    client = kill_and_restart(handle)
    assert client.dbsize() == 0


def test_replay_expires_nothing(start_server):
    """A TTL that passed before the restart, then PERSIST: Redis's replay
    expires no key, so the key is there and permanent."""
    handle = start_server(*AOF_ALWAYS)
    client = handle.client()
    client.set("k", "v", px=300)
    client.persist("k")
    client.set("ttl", "v", px=300)
    time.sleep(0.4)
    client = kill_and_restart(handle)
    assert client.get("k") == b"v"
    assert client.ttl("k") == -1
    assert client.get("ttl") is None  # it expires as soon as the server runs


def test_a_rewrite_with_the_aof_off_keeps_nothing_twice(start_server):
    handle = start_server(*AOF_ALWAYS)
    client = handle.client()
    client.incr("counter")
    client.config_set("appendonly", "no")
    assert handle.reply("BGREWRITEAOF") == b"+Background append only file rewriting started\r\n"
    wait_until(lambda: client.info("persistence")["aof_rewrite_in_progress"] == 0, 30,
               message="the AOF rewrite to finish")
    assert handle.stop() == 0
    handle.start()
    assert handle.client().get("counter") == b"1"


def test_timestamp_annotations_are_written_and_skipped_on_load(start_server):
    handle = start_server(*AOF_ALWAYS, "--aof-timestamp-enabled", "yes",
                          "--aof-use-rdb-preamble", "no")
    client = handle.client()
    client.set("a", 1)
    client.execute_command("BGREWRITEAOF")
    wait_until(lambda: client.info("persistence")["aof_rewrites"] == 1, 30,
               message="the AOF rewrite")
    client.set("b", 2)
    directory = handle.workdir / "appendonlydir"
    assert base_file(directory).read_bytes().startswith(b"#TS:")
    (incremental,) = [p for p in directory.iterdir() if ".incr." in p.name]
    text = incremental.read_bytes()
    assert text.startswith(b"#TS:%d\r\n" % int(text[4:14])), text[:40]
    assert abs(int(text[4:14]) - time.time()) < 600
    client = kill_and_restart(handle)
    assert client.mget("a", "b") == [b"1", b"2"]
