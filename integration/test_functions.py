"""Functions: FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS/KILL,
FCALL and FCALL_RO, redis.register_function, the environment a library's
code loads in and the one its functions run in, and functions kept in RDB
snapshots and the AOF.

Where the result is deterministic the commands run on fkvs and on
redis-server 7.0 and the replies are compared byte for byte."""

import shutil

import pytest

from resp import encode_command
from server_process import wait_until
from test_scripting import replies_compared, run_commands


@pytest.fixture
def same(server, reference):
    """Replies compared with no functions loaded first."""
    return replies_compared(server, reference, [["FUNCTION", "FLUSH"]])


def library(name, body):
    return "#!lua name=%s\n%s" % (name, body)


def one_function(name, body, function=None):
    """A library of one function: function(keys, args) runs body."""
    return library(name, "redis.register_function('%s', function(keys, args)\n%s\nend)"
                   % (function or name, body))


def load(code, *options):
    return ["FUNCTION", "LOAD", *options, code]


def pairs(entry):
    """A RESP2 map (a flat list of names and values) as a dict, its nested
    lists of maps as lists of dicts."""
    result = {}
    for name, value in zip(entry[::2], entry[1::2]):
        if isinstance(value, list) and value and isinstance(value[0], list):
            value = [pairs(item) for item in value]
        result[name] = value
    return result


# ---- FUNCTION LOAD and FCALL ----

def test_load_call_replace_and_collisions(same):
    replies = same([
        load(one_function("test", "return 'hello'")),
        ["FCALL", "test", "0"],
        ["FCALL", "TEST", "0"],
        load(one_function("test", "return 'again'")),
        load(one_function("test", "return 'again'"), "REPLACE"),
        load(one_function("test", "return 'again'"), "replace", "REPLACE"),
        ["FCALL", "test", "0"],
        load(one_function("TEST", "return 'other case'", function="other")),
        ["FCALL", "other", "0"],
        load(one_function("third", "return 1", function="Test")),
        load(library("test", "bad script"), "REPLACE"),
        ["FCALL", "test", "0"],
        load(one_function("test", "return 1"), "FOO"),
        ["FUNCTION", "LOAD"],
    ])
    assert replies[0] == b"$4\r\ntest\r\n"
    assert replies[1] == b"$5\r\nhello\r\n"


def test_library_metadata_errors(same):
    body = "\nredis.register_function('f', function() return 1 end)"
    same([load("return 1"), load("#!lua name=x"), load("#!lua name=a\x00b" + body),
          load("#!bad name=x" + body), load("#! name=x" + body), load("#!lua" + body),
          load("#!lua name=x foo=bar" + body), load("#!lua name=x name=y" + body),
          load("#!lua name=" + body), load('#!lua name="q q"' + body),
          load('#!lua name="unbalanced' + body), load('#!LUA  name="quoted"  ' + body),
          load("#!lua name=bad-name" + body), load("#!lua name=x\n")])


REGISTRATION_ERRORS = [
    "redis.register_function()",
    "redis.register_function('f')",
    "redis.register_function('f', function() end, {}, 'description', 'extra')",
    "redis.register_function(nil, function() end)",
    "redis.register_function({}, function() end)",
    "redis.register_function('f', 'not a function')",
    "redis.register_function('f\\0f', function() end)",
    "redis.register_function('', function() end)",
    "redis.register_function('f', function() end) redis.register_function('f', function() end)",
    "redis.register_function{function_name=function() end, callback=function() end}",
    "redis.register_function{function_name='f', callback='bad'}",
    "redis.register_function{function_name='f', callback=function() end, description={}}",
    "redis.register_function{function_name='f', callback=function() end, other=1}",
    "redis.register_function{'f', function() end}",
    "redis.register_function{[{}]=1}",
    "redis.register_function{callback=function() end}",
    "redis.register_function{function_name='f'}",
    "redis.register_function{function_name='f', callback=function() end, flags='no-writes'}",
    "redis.register_function{function_name='f', callback=function() end, flags={'bad'}}",
    "redis.register_function{function_name='f', callback=function() end, flags={1}}",
    "return 1",
    "error('boom')",
    "error({err='MY own'})",
    "a = 1",
    "return math.random()",
    "return redis.call('ping')",
    "return redis.setresp(3)",
    "return redis.set_repl(redis.REPL_NONE)",
    "redis.math.random()",
    "redis.x = 1",
    "return getmetatable(_G)",
    "return KEYS",
    "local function nest() return nest() end return nest()",
]


def test_registration_and_load_environment_errors(same):
    same([load(library("lib", code)) for code in REGISTRATION_ERRORS])


def test_load_runs_at_most_half_a_second(same):
    same([load(library("lib", "local a = 1 while true do a = a + 1 end")),
          load(library("lib", "pcall(function() while true do end end) "
                              "redis.register_function('f', function() end)")),
          ["FUNCTION", "LIST"]])


def test_a_failed_load_keeps_the_library_it_would_replace(same):
    same([
        load(library("lib1", "local function add1(a) return a + 1 end\n"
                             "redis.register_function('f1', function() return add1(1) end)\n"
                             "redis.register_function('f2', function() return add1(2) end)")),
        load(library("lib1", "redis.register_function('f1', function() return 0 end)\n"
                             "redis.register_function('f2', 'not a function')"), "REPLACE"),
        ["FCALL", "f1", "0"], ["FCALL", "f2", "0"],
        load(one_function("lib2", "return 1", function="f1")),
        ["FCALL", "f1", "0"],
        ["FUNCTION", "STATS"],
    ])


def test_names_differing_in_case_only(server):
    # Redis 7.0 takes both and FCALL finds the later (its FUNCTION DELETE of
    # such a library then crashes the server); fkvs keeps serving.
    client = server.client()
    client.function_flush()
    client.function_load(library("lib", "redis.register_function('f', function() return 'lower' end)"
                                        "\nredis.register_function('F', function() return 'upper' end)"))
    assert client.fcall("f", 0) == b"upper"
    assert [f[b"name"] for f in pairs(client.function_list()[0])[b"functions"]] == [b"f", b"F"]
    client.function_delete("lib")
    assert client.function_list() == []
    assert client.ping()


def test_valid_registrations(same):
    same([
        load(library("lib", "redis.register_function(1, function() return 'one' end)\n"
                            "redis.register_function{function_name='named', description='d',\n"
                            "  callback=function(k, a) return {k[1], a[1], #k, #a} end,\n"
                            "  flags={'no-writes', 'allow-oom', 'allow-stale', 'no-cluster',\n"
                            "         'allow-cross-slot-keys'}}\n"
                            "redis.log(redis.LOG_NOTICE, 'loading', redis.REDIS_VERSION)\n"
                            "return redis.REDIS_VERSION_NUM")),
        ["FCALL", "1", "0"],
        ["FCALL", "named", "2", "k1", "k2", "a1"],
        ["FCALL_RO", "named", "0", "a1"],
    ])


# ---- the functions' environment ----

RUNTIME = library("env", "\n".join([
    "local lib = redis",
    "local function helper() return redis.call('ping') end",
    "redis.register_function('shared', function() return helper() end)",
    "redis.register_function('keys_global', function() return KEYS end)",
    "redis.register_function('register', function() "
    "return redis.register_function('x', function() end) end)",
    "redis.register_function('captured', function() "
    "lib.register_function('x', function() end) end)",
    "redis.register_function('modify_captured', function() lib.x = 1 end)",
    "redis.register_function('new_global', function() x = 1 end)",
    "redis.register_function('trick', function() local mt = getmetatable(_G) "
    "mt.__index.redis = 1 end)",
    "redis.register_function('args', function(keys, args) keys[1] = 'z' "
    "return {keys[1], args[1], #args} end)",
    "redis.register_function('resp3', function() redis.setresp(3) "
    "return {redis.call('hgetall', 'h'), true, false} end)",
    "redis.register_function('libs', function() return {type(cjson), type(bit), "
    "type(struct), type(cmsgpack), type(math), type(string), type(table), type(os), "
    "type(loadfile)} end)",
    "redis.register_function('fails', function() local t = nil return t.x end)",
    "redis.register_function('raises', function() return redis.call('nosuch') end)",
    "redis.register_function('pcalls', function() return redis.pcall('nosuch') end)",
    "redis.register_function('writes', function(keys) return redis.call('set', keys[1], 'v') end)",
]))


def test_functions_runtime_environment(same):
    same([["HSET", "h", "f", "v"], load(RUNTIME)] + [
        ["FCALL", name, "1", "k", "a"] for name in [
            "shared", "keys_global", "register", "captured", "modify_captured", "new_global",
            "trick", "args", "libs", "fails", "raises", "pcalls", "writes"]
    ] + [["GET", "k"]])
    same([["HSET", "h", "f", "v"], load(RUNTIME), ["FCALL", "resp3", "0"]], protocol=3)


def test_functions_and_scripts_share_one_random_sequence(start_server):
    # Fresh servers: the sequence is the process's, from its start.
    commands = [load(one_function("r", "return math.random(1000)")),
                ["EVAL", "return math.random(1000)", "0"], ["FCALL", "r", "0"],
                ["FCALL", "r", "0"], ["EVAL", "return math.random(1000)", "0"]]
    expected = run_commands(start_server(target="redis"), commands)
    assert run_commands(start_server(), commands) == expected


def test_fcall_errors_and_read_only_calls(same):
    no_writes = library("ro", "redis.register_function{function_name='ro_write', "
                              "callback=function() return redis.call('set', 'x', '1') end, "
                              "flags={'no-writes'}}\n"
                              "redis.register_function{function_name='ro_read', "
                              "callback=function() return redis.call('get', 'x') end, "
                              "flags={'no-writes'}}")
    same([
        ["FCALL", "nope", "0"], ["FCALL", "nope", "x"],
        load(one_function("rw", "return redis.call('set', 'x', 'y')")),
        load(no_writes),
        ["FCALL", "rw", "x"], ["FCALL", "rw", "-1"], ["FCALL", "rw", "2", "k"], ["FCALL", "rw"],
        ["FCALL_RO", "rw", "0"],
        ["FCALL", "ro_write", "0"], ["FCALL_RO", "ro_write", "0"],
        ["FCALL", "rw", "0"], ["FCALL_RO", "ro_read", "0"], ["FCALL", "ro_read", "0"],
        ["COMMAND", "GETKEYS", "FCALL", "rw", "2", "a", "b", "c"],
        ["COMMAND", "GETKEYS", "FCALL_RO", "ro_read", "1", "a"],
    ])


def test_fcall_in_multi_and_effects_in_the_aof(start_server):
    handle = start_server("--appendonly", "yes", "--appendfsync", "always")
    client = handle.client()
    client.function_load(library("lib", "redis.register_function('two', function(keys) "
                                        "redis.call('set', keys[1], '1') "
                                        "return redis.call('incr', keys[1]) end)\n"
                                        "redis.register_function{function_name='read', "
                                        "callback=function(keys) return redis.call('get', keys[1]) "
                                        "end, flags={'no-writes'}}"))
    pipe = client.pipeline(transaction=True)
    pipe.fcall("two", 1, "a")
    pipe.fcall_ro("read", 1, "a")
    assert pipe.execute() == [2, b"2"]
    client.fcall("read", 1, "a")
    text = b"".join(path.read_bytes() for path in (handle.workdir / "appendonlydir").iterdir()
                    if path.name.endswith(".incr.aof"))
    code = pairs(client.function_list(withcode=True)[0])[b"library_code"]
    assert encode_command("FUNCTION", "LOAD", code) in text
    # FCALL itself is never logged: the commands it ran are.
    assert b"FCALL" not in text.upper()
    assert (encode_command("MULTI") + encode_command("set", "a", "1") +
            encode_command("incr", "a") + encode_command("EXEC")) in text


# ---- FUNCTION LIST, STATS, DELETE, FLUSH ----

def test_list_stats_delete_and_flush(same):
    described = library("library1", "redis.register_function{function_name='f6', "
                                    "description='six', callback=function() return 7 end, "
                                    "flags={'allow-stale', 'no-writes'}}")
    same([
        load(described), load(one_function("lib2", "return 1", function="f7")),
        ["FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "library*"],
        ["FUNCTION", "LIST", "LIBRARYNAME", "LIB2"],
        ["FUNCTION", "LIST", "bad"], ["FUNCTION", "LIST", "LIBRARYNAME"],
        ["FUNCTION", "LIST", "WITHCODE", "WITHCODE"],
        ["FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "x", "LIBRARYNAME", "y"],
        ["FUNCTION", "STATS"], ["FUNCTION", "STATS", "x"],
        ["FUNCTION", "DELETE", "library1"], ["FUNCTION", "DELETE", "library1"],
        ["FUNCTION", "DELETE", "LIB2"], ["FUNCTION", "DELETE"],
        ["FCALL", "f6", "0"], ["FUNCTION", "STATS"],
        ["FUNCTION", "FLUSH", "bad"], ["FUNCTION", "FLUSH", "sync", "extra"],
        ["FUNCTION", "FLUSH", "ASYNC"], ["FUNCTION", "FLUSH", "SYNC"], ["FUNCTION", "LIST"],
        ["FUNCTION", "KILL"], ["FUNCTION", "KILL", "x"], ["FUNCTION", "HELP"],
        ["FUNCTION", "NOSUCH"], ["FUNCTION"],
    ])
    same([load(described), ["FUNCTION", "LIST"], ["FUNCTION", "STATS"]], protocol=3)


def test_several_libraries_are_listed(server):
    client = server.client()
    client.function_flush()
    for name in ("a", "b", "c"):
        client.function_load(one_function(name, "return 1", function="f_" + name))
    listed = {pairs(entry)[b"library_name"]: [f[b"name"] for f in pairs(entry)[b"functions"]]
              for entry in client.function_list()}
    assert listed == {b"a": [b"f_a"], b"b": [b"f_b"], b"c": [b"f_c"]}
    info = client.info("memory")
    assert info["number_of_libraries"] == 3 and info["number_of_functions"] == 3
    assert info["used_memory_vm_functions"] > 0 and info["used_memory_functions"] > 0
    client.function_flush()
    assert client.info("memory")["number_of_functions"] == 0


def test_flushall_keeps_functions_and_debug_reload_loads_them_back(start_server):
    handle = start_server("--enable-debug-command", "yes")
    client = handle.client()
    client.function_load(one_function("test", "return 'hello'"))
    client.flushall()
    assert client.fcall("test", 0) == b"hello"
    assert client.execute_command("DEBUG", "RELOAD") == b"OK"
    assert client.fcall("test", 0) == b"hello"
    # NOFLUSH keeps the library, which the snapshot then holds a second time.
    with pytest.raises(Exception, match="Error trying to load the RDB"):
        client.execute_command("DEBUG", "RELOAD", "NOFLUSH")
    assert client.execute_command("DEBUG", "RELOAD", "NOFLUSH", "MERGE") == b"OK"
    assert client.fcall("test", 0) == b"hello"


# ---- FUNCTION DUMP and RESTORE ----

def test_dump_and_restore_policies(same):
    lib1 = library("lib1", "redis.register_function('f1', function() return 1 end)\n"
                           "redis.register_function('f2', function() return 2 end)")
    replies = same([load(lib1), ["FUNCTION", "DUMP"]])
    payload = replies[1].split(b"\r\n", 1)[1][:-2]
    same([
        ["FUNCTION", "RESTORE", payload],
        load(lib1), ["FUNCTION", "RESTORE", payload],
        ["FUNCTION", "RESTORE", payload, "APPEND"],
        ["FUNCTION", "RESTORE", payload, "REPLACE"],
        ["FUNCTION", "RESTORE", payload, "BAD"],
        ["FUNCTION", "RESTORE", payload, "REPLACE", "extra"],
        ["FUNCTION", "RESTORE", "bad"], ["FUNCTION", "RESTORE", payload[:-1] + b"x"],
        ["FUNCTION", "FLUSH"],
        load(one_function("lib2", "return 22", function="f2")),
        ["FUNCTION", "RESTORE", payload], ["FUNCTION", "RESTORE", payload, "REPLACE"],
        ["FCALL", "f2", "0"],
        ["FUNCTION", "RESTORE", payload, "FLUSH"],
        ["FCALL", "f2", "0"], ["FCALL", "f1", "0"],
        ["FUNCTION", "LIST", "LIBRARYNAME", "lib2"],
    ])


def test_restore_of_an_empty_dump_and_of_a_foreign_payload(same):
    empty = same([["FUNCTION", "DUMP"]])[0].split(b"\r\n", 1)[1][:-2]
    # A key's DUMP is no function payload, and a function payload is no key.
    key_dump = same([["SET", "k", "v"], ["DUMP", "k"]])[1].split(b"\r\n", 1)[1][:-2]
    same([load(one_function("lib", "return 1")), ["FUNCTION", "RESTORE", empty],
          ["FCALL", "lib", "0"], ["FUNCTION", "RESTORE", empty, "FLUSH"],
          ["FUNCTION", "LIST"], ["FUNCTION", "RESTORE", key_dump],
          ["RESTORE", "k2", "0", empty]])


def test_dumps_cross_between_fkvs_and_redis(server, reference):
    code = library("cross", "redis.register_function('cross', function() return 'crossed' end)"
                   + "\n--" + "padding that compresses " * 20)
    for source, target in ((reference, server), (server, reference)):
        for handle in (source, target):
            handle.client().function_flush()
        source.client().function_load(code)
        payload = source.client().function_dump()
        assert target.client().function_restore(payload) is True
        assert target.client().fcall("cross", 0) == b"crossed"


# ---- persistence ----

def test_functions_survive_a_restart_through_the_rdb(start_server):
    handle = start_server()
    client = handle.client()
    client.function_load(one_function("saved", "return 'kept'"))
    client.set("k", "v")
    client.save()
    handle.stop()
    handle.start()
    assert handle.client().fcall("saved", 0) == b"kept"
    assert handle.client().get("k") == b"v"


def test_a_snapshot_with_functions_from_redis_loads(start_server):
    reference = start_server(target="redis")
    client = reference.client()
    client.function_load(one_function("fromredis", "return redis.call('get', keys[1])"))
    client.set("k", "from redis")
    client.save()
    handle = start_server()
    handle.stop()
    shutil.copy(reference.workdir / "dump.rdb", handle.workdir / "dump.rdb")
    handle.start()
    assert handle.client().fcall("fromredis", 1, "k") == b"from redis"


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_functions_survive_a_restart_through_the_aof(start_server, preamble):
    handle = start_server("--appendonly", "yes", "--aof-use-rdb-preamble", preamble)
    client = handle.client()
    client.function_load(one_function("gone", "return 1"))
    client.function_load(one_function("rewritten", "return 'base'"))
    client.function_delete("gone")
    client.bgrewriteaof()
    wait_until(lambda: client.info("persistence")["aof_rewrite_in_progress"] == 0, 20,
               message="the AOF rewrite to end")
    client.function_load(one_function("appended", "return 'incr'"))
    handle.stop()
    handle.start()
    restarted = handle.client()
    assert restarted.fcall("rewritten", 0) == b"base"
    assert restarted.fcall("appended", 0) == b"incr"
    assert sorted(pairs(entry)[b"library_name"] for entry in restarted.function_list()) == [
        b"appended", b"rewritten"]


def test_debug_loadaof_replays_load_delete_and_flush(start_server):
    handle = start_server("--appendonly", "yes", "--enable-debug-command", "yes")
    client = handle.client()
    client.function_load(one_function("test", "return 'hello'"))
    assert client.execute_command("DEBUG", "LOADAOF") == b"OK"
    assert client.fcall("test", 0) == b"hello"
    client.function_delete("test")
    assert client.execute_command("DEBUG", "LOADAOF") == b"OK"
    assert client.function_list() == []
    client.function_load(one_function("test", "return 'hello'"))
    client.function_flush()
    assert client.execute_command("DEBUG", "LOADAOF") == b"OK"
    assert client.function_list() == []


# ---- memory limit ----

@pytest.mark.parametrize("target", ["fkvs", "redis"])
def test_out_of_memory_refuses_loads_and_writing_functions(start_server, target):
    handle = start_server(target=target)
    client = handle.client()
    client.function_load(library("lib", "redis.register_function('w', function() "
                                        "return redis.call('set', 'x', '1') end)\n"
                                        "redis.register_function{function_name='oom_ok', "
                                        "callback=function() return redis.call('set', 'y', '1') "
                                        "end, flags={'allow-oom'}}\n"
                                        "redis.register_function{function_name='ro', "
                                        "callback=function() return 'read' end, "
                                        "flags={'no-writes'}}"))
    payload = client.function_dump()
    client.config_set("maxmemory", "1")
    with handle.connect_raw() as conn:
        oom = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"
        assert conn.command("FUNCTION", "LOAD", one_function("other", "return 1")) == oom
        assert conn.command("FUNCTION", "RESTORE", payload, "REPLACE") == oom
        assert conn.command("FCALL", "w", "0") == oom
        assert conn.command("FCALL", "oom_ok", "0") == b"+OK\r\n"
        assert conn.command("FCALL", "ro", "0") == b"$4\r\nread\r\n"
        assert conn.command("FCALL_RO", "ro", "0") == b"$4\r\nread\r\n"
    client.config_set("maxmemory", "0")


# ---- busy functions: FUNCTION KILL, FUNCTION STATS ----

BUSY_FUNCTION = (b"-BUSY Redis is busy running a script. You can only call FUNCTION KILL or "
                 b"SHUTDOWN NOSAVE.\r\n")
BUSY_SCRIPT = (b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL or "
               b"SHUTDOWN NOSAVE.\r\n")


def start_busy(handle, command, busy_reply):
    runner = handle.connect_raw(timeout=30)
    runner.send_command(*command)

    def busy():
        with handle.connect_raw() as probe:
            return probe.command("PING") == busy_reply

    wait_until(busy, 20, message="-BUSY from a second client")
    return runner


@pytest.mark.parametrize("target", ["fkvs", "redis"])
def test_function_kill_ends_a_busy_function_and_only_a_function(start_server, target):
    handle = start_server("--busy-reply-threshold", "100", target=target)
    handle.client().function_load(one_function("spin", "local a = 1 while true do a = a + 1 end"))
    runner = start_busy(handle, ["FCALL", "spin", "0"], BUSY_FUNCTION)
    with handle.connect_raw() as other:
        assert other.command("SCRIPT", "KILL") == BUSY_FUNCTION
        stats = other.command("FUNCTION", "STATS")
        assert stats.startswith(b"*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin"
                                b"\r\n$7\r\ncommand\r\n*3\r\n$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n0"
                                b"\r\n$11\r\nduration_ms\r\n:")
        assert other.command("FUNCTION", "KILL") == b"+OK\r\n"
    assert runner.read_reply(timeout=20) == (
        b"-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:3.\r\n")
    assert runner.command("PING") == b"+PONG\r\n"
    runner.close()

    runner = start_busy(handle, ["EVAL", "while true do end", "0"], BUSY_SCRIPT)
    with handle.connect_raw() as other:
        assert other.command("FUNCTION", "KILL") == BUSY_SCRIPT
        assert other.command("FUNCTION", "STATS") == BUSY_SCRIPT
        assert other.command("SCRIPT", "KILL") == b"+OK\r\n"
    assert b"Script killed by user" in runner.read_reply(timeout=20)
    runner.close()


@pytest.mark.parametrize("target", ["fkvs", "redis"])
def test_a_function_that_wrote_is_unkillable(start_server, target):
    handle = start_server("--busy-reply-threshold", "100", target=target)
    handle.client().function_load(one_function("stuck", "redis.call('set', 'x', 1) "
                                                        "while true do end"))
    runner = start_busy(handle, ["FCALL", "stuck", "0"], BUSY_FUNCTION)
    with handle.connect_raw() as other:
        assert other.command("FUNCTION", "KILL").startswith(b"-UNKILLABLE Sorry the script")
        other.send_command("SHUTDOWN", "NOSAVE")
        assert other.is_closed(timeout=20)
    handle.wait_exit()
    runner.close()
