"""RDB files: fkvs loads what redis-server 3.0 to 7.0 wrote (fixtures/rdb), refuses
damaged files with a message, and trades files and DUMP payloads with
redis-server 7.0.15 both ways, compared by DEBUG DIGEST and key by key.

The loading tests also hold for redis-server; the error-message tests are
fkvs_only. The interchange tests need the reference redis-server (and
redis-check-rdb) and are skipped without it.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from server_process import (COMMON_ARGS, REDIS_SERVER_BIN, SANITIZER_MARKERS, TARGET, TARGET_ARGS,
                            free_port, target_binary, wait_until)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rdb"
VERSIONS = ["3.0.7", "4.0.14", "5.0.14", "6.2.14", "7.0.15"]
REDIS_CHECK_RDB_BIN = os.environ.get(
    "REDIS_CHECK_RDB_BIN", str(Path(REDIS_SERVER_BIN).with_name("redis-check-rdb")))
DATABASES = 16
# 2100-01-01T00:00:00Z, like the fixtures' TTLs: nothing expires during a test.
YEAR_2100_MS = 4102444800000
EXIT_TIMEOUT_S = 10
SAVE_TIMEOUT_S = 10

needs_redis = pytest.mark.skipif(not shutil.which(REDIS_SERVER_BIN),
                                 reason="reference redis-server not installed")
needs_check_rdb = pytest.mark.skipif(not shutil.which(REDIS_CHECK_RDB_BIN),
                                     reason="redis-check-rdb not installed")


def expected_contents(version):
    return json.loads((FIXTURES / version / "expected.json").read_text())


def keyspace_from_json(databases):
    """expected.json's databases as {db: {key: (type, value, expire)}}, in the form
    read_keyspace gives."""
    keyspace = {}
    for db, keys in databases.items():
        keyspace[int(db)] = {}
        for key_hex, entry in keys.items():
            kind, value = entry["type"], entry["value"]
            if kind == "string":
                value = bytes.fromhex(value)
            elif kind == "list":
                value = [bytes.fromhex(item) for item in value]
            elif kind == "hash":
                value = {bytes.fromhex(field): bytes.fromhex(item) for field, item in value.items()}
            elif kind == "set":
                value = sorted(bytes.fromhex(item) for item in value)
            elif kind == "zset":
                value = [(bytes.fromhex(member), score.encode()) for member, score in value]
            expire = entry["expire_ms"] if entry["expire_ms"] is not None else -1
            keyspace[int(db)][bytes.fromhex(key_hex)] = (kind, value, expire)
    return keyspace


def read_key(client, key):
    """(TYPE, value, PEXPIRETIME) of one key; zset scores as the text the server replies."""
    kind = client.type(key).decode()
    if kind == "string":
        value = client.get(key)
    elif kind == "list":
        value = client.lrange(key, 0, -1)
    elif kind == "hash":
        value = client.hgetall(key)
    elif kind == "set":
        value = sorted(client.smembers(key))
    elif kind == "zset":
        flat = client.execute_command("ZRANGE", key, 0, -1, "WITHSCORES")
        value = list(zip(flat[::2], flat[1::2]))
    else:
        value = None
    return kind, value, client.execute_command("PEXPIRETIME", key)


def read_keyspace(handle):
    """Every key of every database: {db: {key: (type, value, expire)}}, empty dbs left out."""
    keyspace = {}
    for db in range(DATABASES):
        client = handle.client(db=db)
        keys = client.keys("*")
        if keys:
            keyspace[db] = {key: read_key(client, key) for key in keys}
    return keyspace


def short(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "... (%d chars)" % len(text)


def assert_same_keyspace(actual, expected, what):
    """Fails naming the keys that differ (a few of them, values cut short)."""
    problems = []
    for db in sorted(set(actual) | set(expected)):
        got, want = actual.get(db, {}), expected.get(db, {})
        for key in sorted(set(got) | set(want)):
            if key not in got:
                problems.append("db %d key %r missing" % (db, key))
            elif key not in want:
                problems.append("db %d key %r unexpected: %s" % (db, key, short(got[key])))
            elif got[key] != want[key]:
                problems.append("db %d key %r\n  expected %s\n  got      %s" % (
                    db, key, short(want[key]), short(got[key])))
    assert not problems, "%s: %d keys differ:\n%s" % (what, len(problems), "\n".join(problems[:10]))


def dbsizes(handle):
    return [handle.client(db=db).dbsize() for db in range(DATABASES)]


def digest(handle):
    return handle.client().execute_command("DEBUG", "DIGEST")


def data_dir(tmp_path, name, rdb_file=None):
    """A directory for a server's --dir, holding rdb_file as dump.rdb if given."""
    directory = tmp_path / name
    directory.mkdir()
    if rdb_file is not None:
        shutil.copyfile(rdb_file, directory / "dump.rdb")
    return directory


def start_in(start_server, directory, target=TARGET):
    return start_server("--dir", str(directory), target=target)


# --- Loading the fixtures --------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_loads_every_key_of_a_file_written_by_redis(start_server, tmp_path, version):
    expected = expected_contents(version)
    started = start_in(start_server, data_dir(tmp_path, "data", FIXTURES / version / "dump.rdb"))
    want = keyspace_from_json(expected["databases"])
    assert_same_keyspace(read_keyspace(started), want, "loaded from %s/dump.rdb" % version)
    assert dbsizes(started) == [len(want.get(db, {})) for db in range(DATABASES)]
    assert digest(started).decode() == expected["debug_digest_after_load_by_7_0_15"]


def test_collections_keep_their_encoding_from_a_7_0_file(start_server, tmp_path):
    expected = expected_contents("7.0.15")
    started = start_in(start_server,
                       data_dir(tmp_path, "data", FIXTURES / "7.0.15" / "dump.rdb"))
    for db, keys in expected["databases"].items():
        client = started.client(db=int(db))
        for key_hex, entry in keys.items():
            # String encodings are left out: the embstr threshold is Redis's allocator's.
            if entry["type"] == "string":
                continue
            key = bytes.fromhex(key_hex)
            got = client.object("encoding", key).decode()
            assert got == entry["encoding"], "db %s key %r" % (db, key)


STREAM_VERSIONS = ["5.0.14", "6.2.14", "7.0.15"]


def dumps_of_every_key(handle):
    """{(db, key): DUMP payload} of every key."""
    dumps = {}
    for db in range(DATABASES):
        client = handle.client(db=db)
        for key in client.keys("*"):
            dumps[(db, key)] = client.dump(key)
    return dumps


@pytest.mark.parametrize("version", STREAM_VERSIONS)
def test_streams_load_with_the_digest_redis_gives_them(start_server, tmp_path, version):
    expected = json.loads((FIXTURES / version / "streams-expected.json").read_text())
    started = start_in(start_server,
                       data_dir(tmp_path, "data", FIXTURES / version / "streams.rdb"))
    for db, keys in expected["databases"].items():
        client = started.client(db=int(db))
        assert sorted(client.keys("*")) == sorted(bytes.fromhex(key) for key in keys)
        for key_hex, entry in keys.items():
            key = bytes.fromhex(key_hex)
            assert client.type(key) == b"stream"
            assert client.object("encoding", key) == b"stream"
            want_ttl = entry["expire_ms"] if entry["expire_ms"] is not None else -1
            assert client.execute_command("PEXPIRETIME", key) == want_ttl
    assert digest(started).decode() == expected["debug_digest_after_load_by_7_0_15"]


@needs_redis
@pytest.mark.parametrize("version", STREAM_VERSIONS)
def test_streams_dump_as_redis_dumps_them(start_server, tmp_path, version):
    """Both servers load the same streams.rdb: every DUMP payload is the same bytes (groups,
    consumers, PELs and the 7.0 counters included), and each restores in the other."""
    started = start_in(start_server,
                       data_dir(tmp_path, "data", FIXTURES / version / "streams.rdb"))
    redis_server = start_in(start_server,
                            data_dir(tmp_path, "redis-data", FIXTURES / version / "streams.rdb"),
                            target="redis")
    ours, theirs = dumps_of_every_key(started), dumps_of_every_key(redis_server)
    assert ours.keys() == theirs.keys()
    differ = [key for key in ours if ours[key] != theirs[key]]
    assert not differ, "DUMP payloads differ for %r" % differ
    restored = start_server()
    copy_by_dump(redis_server, restored)
    assert dumps_of_every_key(restored) == theirs


@needs_redis
def test_saved_streams_load_in_redis(start_server, tmp_path):
    directory = data_dir(tmp_path, "data", FIXTURES / "7.0.15" / "streams.rdb")
    started = start_in(start_server, directory)
    save(started)
    redis_server = start_in(start_server, data_dir(tmp_path, "redis-data", directory / "dump.rdb"),
                            target="redis")
    assert dumps_of_every_key(redis_server) == dumps_of_every_key(started)
    assert digest(redis_server) == digest(started)


# --- Damaged files ---------------------------------------------------------------------------

# (file, what the reason must say, the offsets that point at the defect: from where the
# damaged record starts to where the reader can first see the damage).
REFUSED = [
    pytest.param("broken/truncated.rdb", r"unexpected end", (20807, 22442), id="truncated"),
    pytest.param("broken/bad-checksum.rdb", r"checksum", (44876, 44884), id="bad-checksum"),
    pytest.param("broken/bad-version.rdb", r"version 99", (5, 9), id="bad-version"),
    pytest.param("broken/bad-type.rdb", r"unknown value type 99", (20345, 20346), id="bad-type"),
]


def refuse(tmp_path, name):
    """Starts the server on a copy of name as dump.rdb, which it must refuse: exit status 1
    (not a signal, no sanitizer report) within the deadline. Returns (dir, output)."""
    directory = data_dir(tmp_path, "data", FIXTURES / name)
    argv = ([target_binary(), "--port", str(free_port())] + COMMON_ARGS + TARGET_ARGS[TARGET] +
            ["--dir", str(directory)])
    process = subprocess.Popen(argv, cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        output, _ = process.communicate(timeout=EXIT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate(timeout=EXIT_TIMEOUT_S)
        raise AssertionError("server still running %ss after start on %s:\n%s" % (
            EXIT_TIMEOUT_S, name, output.decode(errors="replace")[-4000:])) from None
    output = output.decode(errors="replace")
    assert process.returncode == 1, "exit status %s (negative: a signal):\n%s" % (
        process.returncode, output[-4000:])
    for marker in SANITIZER_MARKERS:
        assert marker not in output, output[-4000:]
    return directory, output


@pytest.mark.parametrize("name", ["broken/truncated.rdb", "broken/bad-checksum.rdb",
                                  "broken/bad-version.rdb", "broken/bad-type.rdb"])
def test_damaged_file_stops_the_server_with_status_1(server_binary, tmp_path, name):
    refuse(tmp_path, name)


@pytest.mark.fkvs_only
@pytest.mark.parametrize("name, reason, offsets", REFUSED)
def test_refused_file_is_named_with_offset_and_reason(server_binary, tmp_path, name, reason,
                                                      offsets):
    directory, output = refuse(tmp_path, name)
    match = re.search(r"Can't load the RDB file (.+) at offset (\d+): (.*)", output)
    assert match, output[-4000:]
    path, offset, message = match.group(1), int(match.group(2)), match.group(3)
    assert (directory / path).resolve() == (directory / "dump.rdb").resolve(), match.group(0)
    assert offsets[0] <= offset <= offsets[1], match.group(0)
    assert re.search(reason, message), match.group(0)


# --- Interchange with redis-server 7.0.15 ----------------------------------------------------


def list_elements(count):
    """Text of varied length, every fifth element an integer (some negative)."""
    return [b"%d" % (i * 997 - 1500) if i % 5 == 0 else b"element-%05d-%s" % (i, b"x" * (i % 40))
            for i in range(count)]


def write_every_type(handle, prefix):
    """Keys of every type and encoding, under prefix, in databases 0, 3 and 15; some have
    TTLs in 2100. The sizes pass Redis's default encoding limits where the name says so."""
    client = handle.client()
    key = prefix.encode() + b"%s"
    client.rpush(key % b"list:nodes", *list_elements(4000))  # many 8 kB quicklist nodes
    client.rpush(key % b"list:small", b"", b"0", b"-1", b"32768", b"\x00\xff\r\n", b"3.14")
    client.rpush(key % b"list:bigelem", b"head", b"B" * 2000, b"tail")
    client.hset(key % b"hash:table",
                mapping={b"field:%04d" % i: b"value-%d" % (i * 7) for i in range(700)})
    client.hset(key % b"hash:small", mapping={b"a": b"1", b"": b"", b"bin\x00": b"\xff\xfe",
                                              b"n": b"-123456789012"})
    client.zadd(key % b"zset:skiplist", {b"member:%04d" % i: i / 7 - 20 for i in range(300)})
    client.zadd(key % b"zset:small", {b"inf": float("inf"), b"-inf": float("-inf"),
                                      b"third": 1 / 3, b"denormal": 5e-324, b"huge": 1.5e300,
                                      b"zero": 0, b"tie-a": 7, b"tie-b": 7})
    client.sadd(key % b"set:intset", 0, 1, -1, 32767, -70000, 2 ** 40, -2 ** 63, 2 ** 63 - 1)
    client.sadd(key % b"set:bigints", *range(-300, 300))
    client.sadd(key % b"set:strings", b"", b"\x00\xff", *[b"member-%d" % i for i in range(50)])
    client.set(key % b"str:big", b"fkvs compresses this " * 8000)
    client.set(key % b"str:random", bytes((i * 7919 + 13) % 251 for i in range(300)))
    client.set(key % b"str:not-an-integer", b"007")
    for number in (0, -1, 127, 128, 32767, -32769, 2 ** 31, 2 ** 40, 2 ** 63 - 1, -2 ** 63):
        client.set(key % (b"str:int:%d" % number), number)
    client.set(key % b"str:ttl", b"gone in 2100")
    client.pexpireat(key % b"str:ttl", YEAR_2100_MS + 1)
    client.pexpireat(key % b"hash:small", YEAR_2100_MS + 2)
    for db in (3, 15):
        client = handle.client(db=db)
        client.set(key % b"str", b"in db %d" % db)
        client.set(key % b"int", db * 1000)
        client.rpush(key % b"list", *list_elements(50))
        client.hset(key % b"hash", mapping={b"f1": b"v1", b"f2": b"%d" % db})
        client.sadd(key % b"set", 1, 2, db)
        client.zadd(key % b"zset", {b"a": db, b"b": -db})
        for index, name in enumerate((b"str", b"list", b"zset")):
            client.pexpireat(key % name, YEAR_2100_MS + db * 100 + index)


def use_small_limits(handle):
    """Small encoding limits: lists of many nodes; on redis-server compressed inner nodes
    and a PLAIN node for a big element."""
    client = handle.client()
    client.config_set("list-max-listpack-size", 4)
    if handle.target == "redis":
        client.config_set("list-compress-depth", 1)
        client.execute_command("DEBUG", "QUICKLIST-PACKED-THRESHOLD", 1000)


def save(handle):
    assert handle.client().save() is True


def assert_same_dataset(actual, expected, what):
    assert digest(actual) == digest(expected), what
    assert dbsizes(actual) == dbsizes(expected), what
    assert_same_keyspace(read_keyspace(actual), read_keyspace(expected), what)


def saved_by_server_under_test(start_server, tmp_path):
    """The 7.0.15 fixture loaded, more keys written, SAVE: (server, the file)."""
    directory = data_dir(tmp_path, "data", FIXTURES / "7.0.15" / "dump.rdb")
    started = start_in(start_server, directory)
    write_every_type(started, "new:")
    client = started.client()
    client.lpush(b"list:large", b"pushed after load")
    client.delete(b"str:short")
    save(started)
    return started, directory / "dump.rdb"


@needs_check_rdb
def test_saved_file_passes_redis_check_rdb(start_server, tmp_path):
    _, rdb_file = saved_by_server_under_test(start_server, tmp_path)
    result = subprocess.run([REDIS_CHECK_RDB_BIN, str(rdb_file)], capture_output=True,
                            timeout=30)
    output = (result.stdout + result.stderr).decode(errors="replace")
    assert result.returncode == 0, output
    assert "RDB looks OK" in output, output


@needs_redis
def test_saved_file_loads_in_redis_with_the_same_digest(start_server, tmp_path):
    started, rdb_file = saved_by_server_under_test(start_server, tmp_path)
    redis_server = start_in(start_server, data_dir(tmp_path, "redis-data", rdb_file),
                            target="redis")
    assert_same_dataset(redis_server, started, "file saved by %s, loaded by redis" % TARGET)


@needs_redis
def test_loads_a_file_redis_saved_with_small_limits(start_server, tmp_path):
    redis_dir = data_dir(tmp_path, "redis-data")
    redis_server = start_in(start_server, redis_dir, target="redis")
    use_small_limits(redis_server)
    write_every_type(redis_server, "redis:")
    save(redis_server)
    started = start_in(start_server, data_dir(tmp_path, "data", redis_dir / "dump.rdb"))
    assert_same_dataset(started, redis_server, "file saved by redis, loaded by %s" % TARGET)


@needs_redis
def test_bgsave_file_loads_in_redis_with_the_same_digest(start_server, tmp_path):
    directory = data_dir(tmp_path, "data", FIXTURES / "7.0.15" / "dump.rdb")
    started = start_in(start_server, directory)
    write_every_type(started, "bg:")
    (directory / "dump.rdb").unlink()
    saves_before = int(started.info("persistence")["rdb_saves"])
    assert started.client().bgsave() is True

    def finished():
        info = started.info("persistence")
        return (info["rdb_bgsave_in_progress"] == "0" and int(info["rdb_saves"]) > saves_before
                and (directory / "dump.rdb").exists())

    wait_until(finished, SAVE_TIMEOUT_S, message="BGSAVE finished (rdb_bgsave_in_progress:0)")
    assert started.info("persistence")["rdb_last_bgsave_status"] == "ok"
    redis_server = start_in(start_server,
                            data_dir(tmp_path, "redis-data", directory / "dump.rdb"),
                            target="redis")
    assert_same_dataset(redis_server, started, "BGSAVE by %s, loaded by redis" % TARGET)


def copy_by_dump(source, destination):
    """DUMP every key of source, RESTORE it (with its TTL) into destination."""
    for db in range(DATABASES):
        reader, writer = source.client(db=db), destination.client(db=db)
        for key in reader.keys("*"):
            expire = reader.execute_command("PEXPIRETIME", key)
            writer.restore(key, max(expire, 0), reader.dump(key), absttl=expire > 0)


def assert_same_values(actual, expected, what):
    for db in range(DATABASES):
        keys = sorted(expected.client(db=db).keys("*"))
        if not keys:
            continue
        want = expected.client(db=db).execute_command("DEBUG", "DIGEST-VALUE", *keys)
        got = actual.client(db=db).execute_command("DEBUG", "DIGEST-VALUE", *keys)
        assert len(got) == len(want) == len(keys), what
        differ = [key for key, a, b in zip(keys, got, want) if a != b]
        assert not differ, "%s: DEBUG DIGEST-VALUE differs in db %d for %r" % (what, db, differ)
    assert_same_dataset(actual, expected, what)


@needs_redis
def test_dump_from_redis_restores(start_server):
    redis_server = start_server(target="redis")
    use_small_limits(redis_server)
    write_every_type(redis_server, "redis:")
    started = start_server()
    copy_by_dump(redis_server, started)
    assert_same_values(started, redis_server, "DUMP by redis, RESTORE in %s" % TARGET)


@needs_redis
def test_dump_restores_in_redis(start_server):
    started = start_server()
    use_small_limits(started)
    write_every_type(started, "dumped:")
    redis_server = start_server(target="redis")
    copy_by_dump(started, redis_server)
    assert_same_values(redis_server, started, "DUMP by %s, RESTORE in redis" % TARGET)
