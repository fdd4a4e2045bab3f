"""RDB snapshots through the commands and options that drive them: SAVE,
BGSAVE, save points, SHUTDOWN and SIGTERM saves, load at start-up, LASTSAVE,
FLUSHALL, DEBUG RELOAD and DEBUG DIGEST, DUMP/RESTORE, MISCONF."""

import os
import re
import signal
import time

import pytest
import redis

from server_process import ServerHandle, ServerStartError, wait_until

DIGEST_OF_NOTHING = b"0" * 40


def fill_every_type(client):
    """One key of each type and encoding, a TTL, and keys in three databases."""
    pipe = client.pipeline(transaction=False)
    pipe.set("str:int", 12345)
    pipe.set("str:text", "hello, fkvs")
    pipe.set("str:long", "x" * 5000)
    pipe.set("str:binary", b"\x00\xff\r\n")
    pipe.rpush("list:small", "a", "b", 1, 2)
    pipe.rpush("list:large", *["element-%d" % i for i in range(2000)])
    pipe.hset("hash:small", mapping={"f1": "v1", "f2": 2})
    pipe.hset("hash:large", mapping={"field-%d" % i: i for i in range(600)})
    pipe.sadd("set:ints", 1, 2, -70000, 2 ** 40)
    pipe.sadd("set:strings", "a", "b", "")
    pipe.zadd("zset:small", {"a": 1.5, "b": float("-inf"), "c": 0.1})
    pipe.zadd("zset:large", {"member-%d" % i: i / 3 for i in range(300)})
    pipe.set("ttl:str", "expires in 2100")
    pipe.pexpireat("ttl:str", 4102444800123)
    pipe.execute()
    client.execute_command("SELECT", 3)
    client.set("db3:key", "three")
    client.execute_command("SELECT", 15)
    client.rpush("db15:list", "fifteen")
    client.execute_command("SELECT", 0)


def digest(client):
    return client.execute_command("DEBUG", "DIGEST")


def restart(handle):
    assert handle.stop() == 0, handle.log()
    handle.start()
    return handle.client()


def wait_for_bgsave(handle, timeout=30):
    def done():
        info = handle.client().info("persistence")
        return info["rdb_bgsave_in_progress"] == 0
    wait_until(done, timeout, message="the background save to finish")
    return handle.client().info("persistence")


def test_save_then_restart_restores_every_type_ttl_and_database(start_server):
    handle = start_server()
    client = handle.client()
    fill_every_type(client)
    before = digest(client)
    assert before != DIGEST_OF_NOTHING
    assert client.save() is True
    assert (handle.workdir / "dump.rdb").exists()
    client = restart(handle)
    assert digest(client) == before
    assert client.pexpiretime("ttl:str") == 4102444800123
    assert client.object("encoding", "hash:large") == b"hashtable"
    assert client.object("encoding", "set:ints") == b"intset"
    assert client.object("encoding", "zset:large") == b"skiplist"
    info = client.info("persistence")
    assert info["rdb_last_load_keys_loaded"] == 15
    assert info["rdb_changes_since_last_save"] == 0


def test_save_resets_the_change_count_and_lastsave(start_server):
    handle = start_server()
    client = handle.client()
    client.set("a", 1)
    client.incr("a")
    assert client.info("persistence")["rdb_changes_since_last_save"] == 2
    before = client.lastsave()
    time.sleep(1.1)
    client.save()
    assert client.lastsave() > before
    info = client.info("persistence")
    assert info["rdb_changes_since_last_save"] == 0
    assert info["rdb_saves"] == 1
    assert info["rdb_last_bgsave_status"] == "ok"


def test_bgsave_writes_the_file_in_a_child(start_server):
    handle = start_server()
    client = handle.client()
    fill_every_type(client)
    expected = digest(client)
    assert handle.reply("BGSAVE") == b"+Background saving started\r\n"
    info = wait_for_bgsave(handle)
    assert info["rdb_last_bgsave_status"] == "ok"
    assert info["rdb_saves"] == 1
    assert info["rdb_changes_since_last_save"] == 0
    assert "Background saving terminated with success" in handle.log()
    stats = client.info("stats")
    assert stats["total_forks"] == 1
    assert stats["latest_fork_usec"] > 0
    client = restart(handle)
    assert digest(client) == expected


@pytest.mark.parametrize("target", ["fkvs", "redis"])
def test_reads_during_a_bgsave_leave_access_times_alone(start_server, reference, target):
    """A lookup during a save would write the key's access time and so copy
    its page: as in Redis, access times stand still while a child runs."""
    handle = start_server() if target == "fkvs" else reference
    client = handle.client()
    client.flushall()
    client.set("k", "v")
    client.set("filler", "x")
    time.sleep(2.1)
    client.config_set("rdb-key-save-delay", 1000000)
    client.bgsave()
    try:
        wait_until(lambda: client.info("persistence")["rdb_bgsave_in_progress"] == 1, 10,
                   message="the BGSAVE to start")
        assert client.get("k") == b"v"
        assert client.object("idletime", "k") >= 2
    finally:
        client.config_set("rdb-key-save-delay", 0)  # the child has its own: 2 keys, 2 s
    wait_for_bgsave(handle, 60)
    assert client.get("k") == b"v"
    assert client.object("idletime", "k") == 0


def test_bgsave_refuses_a_second_save_while_one_runs(start_server):
    handle = start_server("--rdb-key-save-delay", "100000")
    client = handle.client()
    for i in range(20):
        client.set("key:%d" % i, i)
    assert handle.reply("BGSAVE") == b"+Background saving started\r\n"
    assert client.info("persistence")["rdb_bgsave_in_progress"] == 1
    with pytest.raises(redis.ResponseError, match="^Background save already in progress$"):
        client.execute_command("BGSAVE")
    with pytest.raises(redis.ResponseError, match="^Background save already in progress$"):
        client.save()
    # Writes go on while the child saves.
    client.set("written", "meanwhile")
    assert client.get("written") == b"meanwhile"
    client.config_set("rdb-key-save-delay", 0)
    info = wait_for_bgsave(handle)
    assert info["rdb_last_bgsave_status"] == "ok"
    # The write made during the save is still unsaved.
    assert info["rdb_changes_since_last_save"] == 1


def test_bgsave_options(start_server):
    handle = start_server()
    assert handle.reply("BGSAVE", "NOW") == b"-ERR syntax error\r\n"
    assert handle.reply("BGSAVE", "SCHEDULE", "extra") == b"-ERR syntax error\r\n"
    replies = handle.raw(b"MULTI\r\nBGSAVE\r\nEXEC\r\n", replies=3)
    assert replies.endswith(b"*1\r\n+Background saving scheduled\r\n"), replies
    wait_until(lambda: handle.client().info("persistence")["rdb_saves"] == 1, 10,
               message="the scheduled save to run")


def test_save_points_start_a_background_save(start_server):
    handle = start_server("--save", "1 2")
    client = handle.client()
    client.set("a", 1)
    client.set("b", 2)
    wait_until(lambda: client.info("persistence")["rdb_saves"] >= 1, 15,
               message="the save point (1 second, 2 changes) to start a save")
    wait_for_bgsave(handle)
    assert "2 changes in 1 seconds. Saving..." in handle.log()
    assert (handle.workdir / "dump.rdb").exists()


def test_config_set_save_replaces_the_points(start_server):
    client = start_server().client()
    assert client.config_get("save") == {"save": ""}
    client.config_set("save", "3600 1 300 100")
    assert client.config_get("save") == {"save": "3600 1 300 100"}
    with pytest.raises(redis.ResponseError, match="Invalid save parameters"):
        client.config_set("save", "100")
    client.config_set("save", "")
    assert client.config_get("save") == {"save": ""}


def test_shutdown_saves_when_save_points_are_set(start_server):
    handle = start_server("--save", "3600 1")
    client = handle.client()
    client.set("kept", "yes")
    with pytest.raises(redis.ConnectionError):
        client.execute_command("SHUTDOWN")
    assert handle.wait_exit() == 0
    assert "Saving the final RDB snapshot before exiting." in handle.log()
    handle.start()
    assert handle.client().get("kept") == b"yes"


def test_shutdown_nosave_and_save_override_the_save_points(start_server):
    handle = start_server("--save", "3600 1")
    client = handle.client()
    client.set("lost", "yes")
    with pytest.raises(redis.ConnectionError):
        client.execute_command("SHUTDOWN", "NOSAVE")
    handle.wait_exit()
    assert not (handle.workdir / "dump.rdb").exists()

    handle.extra_args = []  # back to COMMON_ARGS' save ""
    handle.start()
    client = handle.client()
    client.set("saved", "yes")
    with pytest.raises(redis.ConnectionError):
        client.execute_command("SHUTDOWN", "SAVE")
    handle.wait_exit()
    handle.start()
    assert handle.client().get("saved") == b"yes"


def test_sigterm_saves_when_save_points_are_set(start_server):
    handle = start_server("--save", "3600 1")
    handle.client().set("kept", "through SIGTERM")
    assert handle.stop() == 0
    handle.start()
    assert handle.client().get("kept") == b"through SIGTERM"


def test_shutdown_refuses_when_the_save_fails_unless_forced(start_server, tmp_path):
    doomed = tmp_path / "doomed"
    doomed.mkdir()
    handle = start_server("--save", "3600 1", "--enable-protected-configs", "yes")
    client = handle.client()
    client.config_set("dir", str(doomed))
    doomed.rmdir()
    client.set("k", "v")
    with pytest.raises(redis.ResponseError, match="^Errors trying to SHUTDOWN. Check logs.$"):
        client.shutdown()
    assert client.ping()
    with pytest.raises(redis.ConnectionError):
        client.execute_command("SHUTDOWN", "FORCE")
    assert handle.wait_exit() == 0


def test_a_failed_bgsave_refuses_writes_until_it_succeeds(start_server, tmp_path):
    doomed = tmp_path / "doomed"
    doomed.mkdir()
    handle = start_server("--save", "3600 1", "--enable-protected-configs", "yes")
    client = handle.client()
    client.set("before", 1)
    client.config_set("dir", str(doomed))
    doomed.rmdir()
    assert handle.reply("BGSAVE") == b"+Background saving started\r\n"
    info = wait_for_bgsave(handle)
    assert info["rdb_last_bgsave_status"] == "err"
    assert "Failed saving the DB" in handle.log()
    with pytest.raises(redis.ResponseError, match="^MISCONF Redis is configured to save RDB"):
        client.set("after", 1)
    with pytest.raises(redis.ResponseError, match="^MISCONF"):
        client.ping()
    assert client.get("before") == b"1"
    client.config_set("stop-writes-on-bgsave-error", "no")
    assert client.set("after", 1)
    client.config_set("stop-writes-on-bgsave-error", "yes")
    doomed.mkdir()
    assert client.save()
    assert client.set("after", 2)


def test_a_killed_bgsave_leaves_the_previous_dump_whole(start_server):
    handle = start_server("--rdb-key-save-delay", "100000")
    client = handle.client()
    client.set("old", "dump")
    client.config_set("rdb-key-save-delay", 0)
    client.save()
    previous = (handle.workdir / "dump.rdb").read_bytes()
    for i in range(50):
        client.set("new:%d" % i, i)
    client.config_set("rdb-key-save-delay", 100000)
    assert handle.reply("BGSAVE") == b"+Background saving started\r\n"
    pid = int(re.search(r"Background saving started by pid (\d+)", handle.log()).group(1))
    os.kill(pid, signal.SIGKILL)
    info = wait_for_bgsave(handle)
    assert info["rdb_last_bgsave_status"] == "err"
    assert (handle.workdir / "dump.rdb").read_bytes() == previous
    assert not list(handle.workdir.glob("temp-*")), "the killed child's temp file was left"
    assert "Background saving terminated by signal 9" in handle.log()


def test_flushall_saves_the_empty_dataset_when_save_points_are_set(start_server):
    handle = start_server("--save", "3600 1")
    client = handle.client()
    client.set("k", "v")
    client.save()
    client.flushall()
    assert client.info("persistence")["rdb_changes_since_last_save"] == 1
    assert handle.stop() == 0
    handle.extra_args = []
    handle.start()
    assert handle.client().dbsize() == 0


def test_debug_reload_keeps_the_dataset(start_server):
    handle = start_server()
    client = handle.client()
    fill_every_type(client)
    before = digest(client)
    assert client.execute_command("DEBUG", "RELOAD") == b"OK"
    assert digest(client) == before
    assert client.pexpiretime("ttl:str") == 4102444800123
    # NOSAVE loads the file as it is: the key written since is gone.
    client.set("unsaved", 1)
    assert client.execute_command("DEBUG", "RELOAD", "NOSAVE") == b"OK"
    assert client.get("unsaved") is None
    # NOFLUSH MERGE adds the file's keys to those held.
    client.set("unsaved", 1)
    assert client.execute_command("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE") == b"OK"
    assert client.get("unsaved") == b"1"
    assert digest(client) != before
    with pytest.raises(redis.ResponseError,
                       match="^DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.$"):
        client.execute_command("DEBUG", "RELOAD", "FAST")


# What the type units of Redis's own suite check after DEBUG RELOAD (their
# RESP3 loops stop them before they get there until fkvs speaks RESP3):
# each encoding comes back as the same encoding with the same contents.
RELOAD_CASES = {
    "list quicklist": lambda c: c.rpush("k", *range(1000)),
    "list of 4-entry nodes": lambda c: (c.config_set("list-max-listpack-size", 4),
                                        c.rpush("k", "x" * 70000, *range(9))),
    "set intset": lambda c: c.sadd("k", 1, 2, 3),
    "set hashtable": lambda c: c.sadd("k", 1, "a", "b"),
    "zset listpack": lambda c: c.zadd("k", {"a": 10, "b": 20, "c": 30}),
    "zset skiplist": lambda c: c.zadd("k", {"m%d" % i: i * 1.5 for i in range(200)}),
    "hash listpack": lambda c: c.hset("k", mapping={"f": "v", "n": 1}),
    "hash hashtable": lambda c: c.hset("k", mapping={"f%d" % i: i for i in range(600)}),
}


def contents(client):
    kind = client.type("k")
    if kind == b"list":
        return client.lrange("k", 0, -1)
    if kind == b"set":
        return sorted(client.smembers("k"))
    if kind == b"zset":
        return client.zrange("k", 0, -1, withscores=True)
    return sorted(client.hgetall("k").items())


@pytest.mark.parametrize("case", RELOAD_CASES)
def test_debug_reload_keeps_each_encoding_as_redis_does(server, reference, case):
    seen = []
    for handle in (server, reference):
        client = handle.client()
        client.flushall()
        client.config_set("list-max-listpack-size", -2)
        RELOAD_CASES[case](client)
        before = (client.object("encoding", "k"), contents(client))
        assert client.execute_command("DEBUG", "RELOAD") == b"OK"
        after = (client.object("encoding", "k"), contents(client))
        assert after == before
        client.config_set("list-max-listpack-size", -2)
        seen.append(after)
    assert seen[0] == seen[1]


def test_debug_digest_matches_redis(server, reference):
    for handle in (server, reference):
        client = handle.client()
        client.flushall()
        fill_every_type(client)
    ours, theirs = server.client(), reference.client()
    assert digest(ours) == digest(theirs)
    keys = ["str:int", "list:large", "hash:large", "set:ints", "zset:small", "ttl:str", "nokey"]
    assert (ours.execute_command("DEBUG", "DIGEST-VALUE", *keys) ==
            theirs.execute_command("DEBUG", "DIGEST-VALUE", *keys))
    assert ours.execute_command("DEBUG", "DIGEST-VALUE", "nokey") == [DIGEST_OF_NOTHING]
    ours.flushall()
    assert digest(ours) == DIGEST_OF_NOTHING
    reference.client().flushall()


def test_dump_and_restore_round_trip_every_type(server):
    client = server.client()
    fill_every_type(client)
    for key in [b"str:int", b"str:long", b"list:large", b"hash:small", b"hash:large",
                b"set:ints", b"set:strings", b"zset:small", b"zset:large"]:
        payload = client.dump(key)
        value_digest = client.execute_command("DEBUG", "DIGEST-VALUE", key)
        client.restore(key + b":copy", 0, payload)
        assert client.execute_command("DEBUG", "DIGEST-VALUE", key + b":copy") == value_digest
        assert client.object("encoding", key + b":copy") == client.object("encoding", key)
    assert client.dump("missing") is None


def test_restore_options_and_errors(server):
    client = server.client()
    client.set("src", "value")
    payload = client.dump("src")
    with pytest.raises(redis.ResponseError, match="^BUSYKEY Target key name already exists.$"):
        client.restore("src", 0, payload)
    assert client.restore("src", 0, payload, replace=True)
    with pytest.raises(redis.ResponseError, match="^Invalid TTL value, must be >= 0$"):
        client.restore("k", -1, payload)
    with pytest.raises(redis.ResponseError, match="^value is not an integer or out of range$"):
        client.restore("k", "x", payload)
    with pytest.raises(redis.ResponseError, match="^DUMP payload version or checksum are wrong$"):
        client.restore("k", 0, payload[:-1] + bytes([payload[-1] ^ 1]))
    with pytest.raises(redis.ResponseError, match="^DUMP payload version or checksum are wrong$"):
        client.restore("k", 0, b"short")
    with pytest.raises(redis.ResponseError, match="^syntax error$"):
        client.execute_command("RESTORE", "k", 0, payload, "BOGUS")
    with pytest.raises(redis.ResponseError, match="^Invalid IDLETIME value, must be >= 0$"):
        client.execute_command("RESTORE", "k", 0, payload, "IDLETIME", -1)
    with pytest.raises(redis.ResponseError, match=r"^Invalid FREQ value, must be >= 0 and <= 255$"):
        client.execute_command("RESTORE", "k", 0, payload, "FREQ", 256)
    with pytest.raises(redis.ResponseError, match="^syntax error$"):
        client.execute_command("RESTORE", "k", 0, payload, "IDLETIME", 1, "FREQ", 1)

    assert client.restore("ttl", 5000, payload)
    assert 4000 < client.pttl("ttl") <= 5000
    assert client.restore("abs", 4102444800000, payload, absttl=True)
    assert client.pexpiretime("abs") == 4102444800000
    # An absolute TTL in the past: nothing is created.
    assert client.restore("past", 1000, payload, absttl=True)
    assert client.exists("past") == 0
    assert client.restore("idle", 0, payload, idletime=1000)
    assert client.object("idletime", "idle") >= 1000


def test_restore_of_a_damaged_payload_is_bad_data_format(server):
    client = server.client()
    client.rpush("list", *range(100))
    payload = client.dump("list")
    # The listpack's byte count no longer matches; the CRC is recomputed so
    # only the value itself is wrong.
    body = bytearray(payload[:-8])
    body[3] ^= 0xFF
    damaged = bytes(body) + _crc64(bytes(body)).to_bytes(8, "little")
    with pytest.raises(redis.ResponseError, match="^Bad data format$"):
        client.restore("copy", 0, damaged)
    assert client.exists("copy") == 0
    assert client.restore("copy", 0, payload)
    assert client.lrange("copy", 0, -1) == client.lrange("list", 0, -1)


def _crc64(data):
    """Redis's CRC-64 (Jones, reflected), bit by bit: slow but plainly right."""
    poly = 0x95AC9329AC4BC9B5  # 0xad93d23594c935a9 reflected
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (poly if crc & 1 else 0)
    return crc


def test_start_up_refuses_a_damaged_file(tmp_path, server_binary):
    handle = ServerHandle(server_binary, tmp_path / "server")
    handle.start()
    client = handle.client()
    client.set("k", "v" * 100)
    client.save()
    assert handle.stop() == 0
    dump = handle.workdir / "dump.rdb"
    dump.write_bytes(dump.read_bytes()[:-20])
    with pytest.raises(ServerStartError, match="Can't load the RDB file"):
        handle.start(attempts=1)
    assert handle.process.returncode == 1
    assert re.search(re.escape(str(dump)) + r" at offset \d+: unexpected end of the data",
                     handle.log())


def copied_on_write(handle, save, rewrite):
    """The copy-on-write size INFO reports for one save (BGSAVE or
    BGREWRITEAOF) during which rewrite(pipeline, key) ran over 5000 keys of
    1000 bytes each."""
    client = handle.client()
    field = "rdb_last_cow_size" if save == "BGSAVE" else "aof_last_cow_size"
    pipe = client.pipeline(transaction=False)
    for i in range(5000):
        pipe.set("key:%d" % i, "a" * 1000)
    pipe.execute()
    client.config_set("rdb-key-save-delay", 200)  # 5000 keys: a second or more
    client.execute_command(save)
    client.config_set("rdb-key-save-delay", 0)
    pipe = client.pipeline(transaction=False)
    for i in range(5000):
        rewrite(pipe, "key:%d" % i)
    pipe.execute()
    wait_until(lambda: client.info("persistence")["rdb_bgsave_in_progress"] == 0 and
               client.info("persistence")["aof_rewrite_in_progress"] == 0, 60,
               message="the %s child to finish" % save)
    assert client.info("persistence")["rdb_bgsave_in_progress"] == 0
    return client.info("persistence")[field]


@pytest.mark.parametrize("save", ["BGSAVE", "BGREWRITEAOF"])
def test_info_reports_what_the_child_copied_on_write(start_server, save):
    handle = start_server("--appendonly", "yes") if save == "BGREWRITEAOF" else start_server()
    field = "rdb_last_cow_size" if save == "BGSAVE" else "aof_last_cow_size"
    assert handle.client().info("persistence")[field] == 0
    # SETRANGE writes each value where it is: every page of the 5 MB copied.
    copied = copied_on_write(handle, save, lambda pipe, key: pipe.setrange(key, 0, "b"))
    assert copied >= 4 * 1024 * 1024


def test_strings_rewritten_during_a_save_copy_few_pages(start_server):
    # A short value over each 1000-byte one: the key's entry moves to a page
    # the child never shared, and the old value's block is set aside rather
    # than freed (the allocator would write into it). What is copied is the
    # table's buckets and the child's own writes, not the 5 MB of values;
    # SETRANGE above, writing one byte in place, copies them all. (ASan's
    # allocator writes its own bookkeeping on every malloc and free.)
    handle = start_server()
    if handle.client().info("memory")["mem_allocator"] != "mimalloc":
        pytest.skip("the pages a write copies are mimalloc's")
    copied = copied_on_write(handle, "BGSAVE", lambda pipe, key: pipe.set(key, "b"))
    assert copied < 1536 * 1024
