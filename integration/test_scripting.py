"""Lua scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT, the redis.*
API, the conversions between replies and Lua values in RESP2 and RESP3,
shebang flags, the sandbox and the effects a script leaves in the AOF.
Scripts past busy-reply-threshold (SCRIPT KILL, -BUSY) are in
test_busy_scripts.py, which runs under every io-backend.

Where the result is deterministic each script runs on fkvs and on
redis-server 7.0 and the replies are compared byte for byte."""

import pytest

from resp import encode_command, split_replies
from server_process import wait_until


def run_commands(handle, commands, protocol=2):
    """Runs commands (lists of arguments) on a fresh connection after HELLO
    <protocol>, returning each reply's bytes."""
    with handle.connect_raw() as conn:
        if protocol == 3:
            conn.send_command("HELLO", "3")
            conn.read_replies(1)
        conn.send(b"".join(encode_command(*command) for command in commands))
        replies, leftover = split_replies(conn.read_replies(len(commands)))
        assert leftover == b""
        return replies


def replies_compared(server, reference, reset):
    """compare(commands, protocol=2): the replies of fkvs and redis-server to
    commands, each run on an emptied server after the reset commands, must be
    byte-identical; returns them."""

    def compare(commands, protocol=2):
        results = []
        for handle in (reference, server):
            handle.flushall()
            run_commands(handle, reset)
            results.append(run_commands(handle, commands, protocol))
        expected, actual = results
        for command, want, got in zip(commands, expected, actual):
            assert got == want, "command %r" % (command,)
        return actual

    return compare


@pytest.fixture
def same(server, reference):
    """Replies compared with the script cache flushed first."""
    return replies_compared(server, reference, [["SCRIPT", "FLUSH"]])


def evals(*scripts):
    return [["EVAL", script, "0"] for script in scripts]


# ---- EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT ----

def test_eval_keys_and_argv(same):
    same([["EVAL", "return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}", "2", "a", "b",
           "x", "y"]])


def test_numkeys_errors(same):
    same([["EVAL", "return 1", "-1"], ["EVAL", "return 1", "3", "a"],
          ["EVAL", "return 1", "abc"], ["EVAL", "return 1", "1.5"], ["EVAL", "return 1"]])


def test_evalsha_and_script_cache(same):
    body = "return 'hello'"
    sha = "1b936e3fe509bcbc9cd0664897bbe8fd0cac101b"
    replies = same([
        ["EVALSHA", sha, "0"],
        ["SCRIPT", "LOAD", body],
        ["SCRIPT", "EXISTS", sha, sha.upper(), "0" * 40, "nope"],
        ["EVALSHA", sha, "0"],
        ["EVALSHA", sha.upper(), "0"],
        ["EVALSHA_RO", sha, "0"],
        ["EVALSHA", "abc", "0"],
        ["SCRIPT", "FLUSH"],
        ["SCRIPT", "EXISTS", sha],
        ["EVAL", body, "0"],
        ["SCRIPT", "EXISTS", sha],
        ["SCRIPT", "FLUSH", "ASYNC"],
        ["SCRIPT", "FLUSH", "SYNC"],
        ["SCRIPT", "FLUSH", "sometimes"],
        ["SCRIPT", "FLUSH", "SYNC", "ASYNC"],
    ])
    assert replies[0] == b"-NOSCRIPT No matching script. Please use EVAL.\r\n"
    assert replies[1] == b"$40\r\n" + sha.encode() + b"\r\n"


def test_script_load_compile_error_and_help(same):
    same([["SCRIPT", "LOAD", "return x("], ["EVAL", "return x(", "0"], ["SCRIPT", "HELP"],
          ["SCRIPT", "KILL"], ["SCRIPT", "NOSUCH"], ["SCRIPT"], ["SCRIPT", "LOAD"]])


def test_eval_ro_refuses_writes(same):
    same([
        ["SET", "k", "1"],
        ["EVAL_RO", "return redis.call('get', KEYS[1])", "1", "k"],
        ["EVAL_RO", "return redis.call('set', KEYS[1], 'x')", "1", "k"],
        ["EVAL_RO", "return redis.pcall('incr', KEYS[1])", "1", "k"],
        ["EVAL_RO", "return redis.call('publish', 'c', 'm')", "0"],
        ["GET", "k"],
    ])


# ---- errors ----

def test_error_replies_name_the_script_and_line(same):
    same(evals(
        "return a",
        "a = 1",
        "local x = 1\nreturn redis.call('nosuch')",
        "return redis.call('get')",
        "return redis.call('multi')",
        "return redis.call('config', 'nosuch')",
        "return redis.call('config')",
        "error('boom')",
        "error({err='MY boom'})",
        "error()",
        "error(true)",
        "return redis.call()",
        "return redis.call({})",
        "return redis.call('get', {})",
        "return redis.pcall()",
        "return redis.pcall('nosuch')",
        "return redis.call('eval', 'return 1', 0)",
        "return redis.call('subscribe', 'x')",
        "local t = nil; return t.x",
    ))


def test_command_errors_raise_from_call_and_return_from_pcall(same):
    same([["SET", "s", "foo"]] + evals(
        "return redis.call('incr', 's')",
        "return redis.pcall('incr', 's')",
        "return redis.call('lpush', 's', 'x')",
        "local r = redis.pcall('lpush', 's', 'x'); return r.err",
        "local ok, e = pcall(redis.call, 'incr', 's'); return {tostring(ok), e.err}",
    ))


# ---- the redis.* API ----

def test_reply_helpers(same):
    same(evals(
        "return redis.error_reply('My Error')",
        "return redis.error_reply('-My Error')",
        "return redis.error_reply('boom')",
        "return redis.error_reply()",
        "return redis.error_reply(1)",
        "return redis.status_reply('fine')",
        "return redis.status_reply('x\\r\\ny')",
        "return redis.status_reply()",
        "return {err='boom'}",
        "return {ok='fine'}",
    ))


def test_sha1hex(same):
    same(evals("return redis.sha1hex('')", "return redis.sha1hex('Pizza & Mandolino')",
               "return redis.sha1hex(1)", "return redis.sha1hex()"))


def test_log_and_its_argument_checks(same, server):
    same(evals(
        "return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}",
        "redis.log()",
        "redis.log('x', 'y')",
        "redis.log(9, 'y')",
        "redis.log(redis.LOG_WARNING, 'from', 'a script', 1)",
    ))
    wait_until(lambda: "from a script 1" in server.log(), 5, message="the script's log line")


def test_version_repl_and_debugger_stubs(same):
    same(evals(
        "return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM}",
        "return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, "
        "redis.REPL_ALL}",
        "redis.set_repl(7)",
        "redis.set_repl()",
        "redis.set_repl(redis.REPL_ALL); return 1",
        "return redis.replicate_commands()",
        "return redis.breakpoint()",
        "return redis.debug('x')",
        "redis.setresp(4)",
        "redis.setresp()",
    ))


# ---- conversions ----

LUA_TO_REPLY = [
    "return 1",
    "return 3.99",
    "return -3.99",
    "return 1e20",
    "return 'str'",
    "return true",
    "return false",
    "return nil",
    "return {}",
    "return {1, 2, 3, 'ciao', {1, 2}}",
    "return {1, 2, nil, 4}",
    "return {1, {2, {3, 'x'}}, {err='inner'}}",
    "return {ok='fine', err='wins'}",
    "return {double=1.5}",
    "return {double=3}",
    "return {big_number='123456789012345678901234567890'}",
    "return {verbatim_string={format='txt', string='hello'}}",
    "return {map={a=1}}",
    "return {set={a=true}}",
    "return {1, {map={b='x'}}, {set={y=true}}}",
    "redis.setresp(3); return true",
    "redis.setresp(3); return false",
    "redis.setresp(3); return {true, false, 1}",
]

REPLY_TO_LUA = [
    # Each converted reply comes back through the same Lua -> reply rules.
    "return redis.call('get', 'nokey')",
    "return redis.call('get', 'str')",
    "return redis.call('incr', 'n')",
    "return redis.call('lrange', 'list', 0, -1)",
    "return redis.call('ping')",
    "return redis.call('hgetall', 'hash')",
    "return type(redis.call('get', 'nokey'))",
    "return redis.call('blpop', 'nolist', 0)",
    "return type(redis.call('blpop', 'nolist', 0))",
    "return redis.call('zrange', 'z', 0, -1, 'withscores')",
    "return redis.call('zscore', 'z', 'a')",
    "return redis.call('smembers', 'set')",
    "redis.setresp(3); return redis.call('hgetall', 'hash')",
    "redis.setresp(3); return redis.call('smembers', 'set')",
    "redis.setresp(3); return redis.call('zscore', 'z', 'a')",
    "redis.setresp(3); return redis.call('get', 'nokey')",
    "redis.setresp(3); return type(redis.call('get', 'nokey'))",
    "redis.setresp(3); local m = redis.call('hgetall', 'hash'); return m.map.f",
    "redis.setresp(3); local d = redis.call('zscore', 'z', 'a'); return tostring(d.double)",
    "redis.setresp(3); local s = redis.call('smembers', 'set'); return tostring(s.set.m)",
    "redis.setresp(3); return redis.call('zrange', 'z', 0, -1, 'withscores')",
    "redis.setresp(3); return redis.call('ping')",
    "return redis.call('echo', 1e20)",
    "return redis.call('echo', 3.0)",
    "return redis.call('echo', -0.5)",
    "return redis.call('echo', 0.1)",
]

DATA = [
    ["SET", "str", "value"],
    ["RPUSH", "list", "a", "b"],
    ["HSET", "hash", "f", "v"],
    ["ZADD", "z", "1.5", "a"],
    ["SADD", "set", "m"],
]


@pytest.mark.parametrize("protocol", [2, 3])
def test_lua_values_to_replies(same, protocol):
    same(evals(*LUA_TO_REPLY), protocol)


@pytest.mark.parametrize("protocol", [2, 3])
def test_replies_to_lua_values(same, protocol):
    same(DATA + evals(*REPLY_TO_LUA), protocol)


def test_self_referencing_table_is_an_error_not_a_crash(server):
    reply = server.raw(encode_command("EVAL", "local t = {}; t[1] = t; return t", "0"),
                       nbytes=1)
    assert reply.startswith(b"*")
    assert server.reply("PING") == b"+PONG\r\n"


# ---- the sandbox ----

def test_sandbox_globals(same):
    same([["EVAL", "local r = {} for _, n in ipairs(ARGV) do "
                   "table.insert(r, n .. '=' .. type(rawget(_G, n))) end return r", "0",
           "debug", "os", "io", "print", "loadstring", "setfenv", "getfenv", "newproxy",
           "gcinfo", "coroutine", "require", "module", "unpack", "loadfile", "dofile",
           "collectgarbage", "xpcall", "pcall", "string", "table", "math", "redis", "package",
           "__redis__err__handler", "_G", "rawset", "rawget", "next", "pairs", "ipairs",
           "getmetatable", "setmetatable"]])


def test_no_script_changes_what_the_next_one_runs(same):
    # Through the strings' metatable, the libraries, or _G's metatable.
    same(evals(
        "getmetatable('').__index.upper = function() return 'changed' end",
        "getmetatable('').__index = {}",
        "getmetatable('').__call = 1",
        "return ('a'):upper()",
        "return string.upper('a')",
        "return {tostring(getmetatable(cjson)), tostring(getmetatable(string)), "
        "type(getmetatable(_G)), type(getmetatable(_G).__index)}",
        "getmetatable(_G).__index = {}",
        "return getmetatable(_G).__index.x",
        "return getmetatable({}) == nil",
        "local t = setmetatable({}, {__index = {x = 1}}) return getmetatable(t).__index.x",
    ))


def test_globals_and_libraries_are_read_only(same):
    same(evals(
        "setmetatable(_G, {})",
        "local g = getmetatable(_G); g.__index = {}",
        "redis = function() return 1 end",
        "_G = {}",
        "redis.call = function() return 1 end",
        "string.rep = nil",
        "rawset(_G, 'x', 1)",
        "rawset(redis, 'call', 1)",
        "function f() end",
        "loadfile('x')",
        "dofile('x')",
        "print('x')",
        "return loadstring(string.dump(function() return 1 end))()",
        "return loadstring('return 5')()",
        "local t = {}; t.x = 1; setmetatable(t, {}); return t.x",
        "return redis.call('ping') and #string.rep('a', 3)",
        "local n = 0 for k in pairs(math) do n = n + 1 end return n > 10",
    ))


def test_random_numbers(same):
    same(evals("math.randomseed(7); return {tostring(math.random()), math.random(10), "
               "math.random(5, 8)}",
               "math.randomseed(7); return tostring(math.random())",
               "return math.random(0)",
               "return math.random(3, 1)"))


def test_random_numbers_differ_between_scripts(server):
    client = server.client()
    first = client.eval("return tostring(math.random())", 0)
    assert first != client.eval("return tostring(math.random())", 0)


# ---- shebang flags ----

def test_shebang_parsing(same):
    same(evals(
        "#!lua flags=foo\nreturn 1",
        "#!lua",
        "#!lua bar=1\nreturn 1",
        "#!luax\nreturn 1",
        "#!lua flags=no-writes,,allow-oom\nreturn 1",
        "#!lua flags=\nreturn 1",
        "#!lua\nreturn 1",
        "#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\n"
        "return 2",
        "#!lua\nreturn a",
    ))


def test_no_writes_flag(same):
    same([
        ["EVAL", "#!lua flags=no-writes\nreturn redis.call('set', 'k', 'v')", "0"],
        ["EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'k')", "0"],
        ["EVAL_RO", "#!lua\nreturn 1", "0"],
        ["EVAL_RO", "#!lua flags=no-writes\nreturn 1", "0"],
        ["EVAL", "#!lua\nreturn redis.call('set', 'k', 'v')", "0"],
        ["GET", "k"],
    ])


def test_out_of_memory_checks(start_server):
    commands = [
        ["EVAL", "return redis.call('set', 'k', 'v')", "0"],
        ["EVAL", "return redis.call('get', 'k')", "0"],
        ["EVAL", "#!lua\nreturn 1", "0"],
        ["EVAL", "#!lua flags=no-writes\nreturn 1", "0"],
        ["EVAL", "#!lua flags=allow-oom\nreturn redis.call('set', 'k', 'v')", "0"],
        # Once a script wrote, it is let finish.
        ["EVAL", "redis.call('del', 'x'); return redis.call('set', 'k', 'v')", "0"],
        ["EVAL", "#!lua flags=no-writes,allow-oom\nreturn redis.call('get', 'k')", "0"],
    ]
    replies = {}
    for target in ("fkvs", "redis"):
        handle = start_server("--maxmemory", "1", target=target)
        replies[target] = run_commands(handle, commands)
    assert replies["fkvs"] == replies["redis"]
    assert replies["fkvs"][0].startswith(b"-OOM command not allowed")
    assert replies["fkvs"][4] == b"+OK\r\n"


# ---- running through the server's dispatch ----

def test_select_inside_a_script_leaves_the_caller_alone(same):
    same([
        ["SELECT", "3"],
        ["EVAL", "redis.call('select', 5); return redis.call('set', 'k', 'v')", "0"],
        ["DBSIZE"],
        ["SELECT", "5"],
        ["GET", "k"],
        ["SELECT", "0"],
    ])


def test_eval_inside_multi(same):
    same([
        ["MULTI"],
        ["EVAL", "return redis.call('incr', 'n')", "0"],
        ["EVAL", "return redis.call('incrby', 'n', 10)", "0"],
        ["EXEC"],
    ])


def test_script_write_breaks_watch(server):
    watcher = server.client()
    watcher.set("k", "1")
    pipe = watcher.pipeline()
    pipe.watch("k")
    server.client().eval("return redis.call('set', KEYS[1], '2')", 1, "k")
    pipe.multi()
    pipe.get("k")
    import redis as redis_py
    with pytest.raises(redis_py.WatchError):
        pipe.execute()


def test_keyspace_notifications_from_scripts(server):
    client = server.client()
    client.config_set("notify-keyspace-events", "KEA")
    with server.connect_raw() as subscriber:
        subscriber.send_command("SUBSCRIBE", "__keyevent@0__:set")
        subscriber.read_replies(1)
        client.eval("return redis.call('set', 'k', 'v')", 0)
        message = subscriber.read_replies(1)
        assert b"__keyevent@0__:set" in message and message.endswith(b"$1\r\nk\r\n")
    client.config_set("notify-keyspace-events", "")


def test_effects_reach_the_aof(start_server):
    handle = start_server("--appendonly", "yes", "--appendfsync", "always")
    client = handle.client()
    client.eval("redis.call('set', 'a', '1'); redis.call('incr', 'a'); "
                "redis.call('get', 'a'); return 1", 0)
    client.eval("return redis.call('set', 'b', 'x')", 0)
    client.eval("return redis.call('get', 'b')", 0)
    client.eval("redis.set_repl(redis.REPL_NONE); redis.call('set', 'hidden', '1'); "
                "redis.set_repl(redis.REPL_ALL); return redis.call('set', 'shown', '1')", 0)
    aof_dir = handle.workdir / "appendonlydir"
    incr = [path for path in aof_dir.iterdir() if path.name.endswith(".incr.aof")]
    text = b"".join(path.read_bytes() for path in incr)
    assert b"EVAL" not in text.upper()
    # Two writes: one transaction; one write: the command alone; reads: nothing.
    assert (encode_command("MULTI") + encode_command("set", "a", "1") +
            encode_command("incr", "a") + encode_command("EXEC")) in text
    assert encode_command("set", "b", "x") in text
    assert b"hidden" not in text
    assert encode_command("set", "shown", "1") in text


def test_blocking_commands_answer_at_once(same):
    same(evals(
        "return redis.call('blpop', 'nolist', 0)",
        "return redis.call('brpoplpush', 'nolist', 'other', 0)",
        "return redis.call('bzpopmin', 'noz', 0)",
    ))


@pytest.mark.parametrize("target", ["fkvs", "redis"])
def test_client_pause_write_holds_only_scripts_that_may_write(start_server, target):
    handle = start_server(target=target)
    with handle.connect_raw() as admin, handle.connect_raw() as reader, \
            handle.connect_raw() as writer:
        admin.command("SET", "x", "y")
        sha = admin.command("SCRIPT", "LOAD", "#!lua flags=no-writes\nreturn 2").split(b"\r\n")[1]
        assert admin.command("CLIENT", "PAUSE", "100000", "WRITE") == b"+OK\r\n"
        assert reader.command("EVAL", "#!lua flags=no-writes\nreturn 'ro'", "0") == b"$2\r\nro\r\n"
        assert reader.command("EVAL_RO", "return redis.call('get', 'x')", "0") == b"$1\r\ny\r\n"
        assert reader.command("EVALSHA", sha.decode(), "0") == b":2\r\n"
        writer.send_command("EVAL", "#!lua\nreturn redis.call('set', 'x', 'z')", "0")
        assert writer.read_available(quiet=0.3) == b""
        assert admin.command("CLIENT", "UNPAUSE") == b"+OK\r\n"
        assert writer.read_reply() == b"+OK\r\n"


HOSTILE_SCRIPTS = [
    "local function f() return f() + 1 end return f()",
    "error(setmetatable({}, {__index = function() error('deep') end}))",
    "return setmetatable({}, {__index = function() error('deep') end})",
    "return {err = setmetatable({}, {__tostring = function() error('x') end})}",
    "local t = {} t[1] = t return t",
    "local a = {} local b = {a} a[1] = b return a",
    "local ok = pcall(error, setmetatable({}, {__tostring = function() error('x') end})) "
    "return tostring(ok)",
    "local co = coroutine.create(function() redis.call('set', 'a', '1') coroutine.yield(1) end) "
    "coroutine.resume(co) return redis.call('get', 'a')",
    "return redis.call('srandmember', 's', -100000)",
]


@pytest.mark.parametrize("script", HOSTILE_SCRIPTS)
def test_hostile_scripts_leave_the_server_up(server, script):
    server.raw(encode_command("SADD", "s", "m"), replies=1)
    reply = server.raw(encode_command("EVAL", script, "0"), nbytes=1)
    assert reply
    assert server.reply("PING") == b"+PONG\r\n"


def test_scripts_have_redis_libraries(same):
    same(evals(
        "return cjson.encode({1, 2, {a = 1}, 'x'})",
        "return cjson.decode('[1,2,{\"a\":[true,null]}]')[3].a[1]",
        "return cjson.encode(cjson.decode('{\"n\":1.5e300}'))",
        "return cmsgpack.pack({1, 2, 'three', {a = 1}})",
        "return cmsgpack.unpack(cmsgpack.pack({1, 'two', 3.5}))",
        "return {bit.band(0xff, 0x0f), bit.bor(1, 2), bit.bxor(3, 1), bit.tohex(255)}",
        "return struct.pack('>I2i4', 258, -1)",
        "return {struct.unpack('<I2', struct.pack('<I2', 513))}",
        "cjson.x = 1",
        "return {type(cjson), type(cmsgpack), type(bit), type(struct)}",
    ))


def test_redis_py_lock_and_register_script(server):
    """redis-py's Lock runs on Lua scripts (register_script: EVALSHA, then EVAL
    on NOSCRIPT)."""
    client = server.client()
    client.script_flush()
    lock = client.lock("resource", timeout=5)
    assert lock.acquire(blocking=False)
    other = server.client().lock("resource", timeout=5)
    assert not other.acquire(blocking=False)
    assert lock.extend(10)
    assert 5000 < client.pttl("resource") <= 15000
    lock.release()
    assert other.acquire(blocking=False)
    other.release()
    assert client.exists("resource") == 0

    incr_by = client.register_script(
        "return redis.call('INCRBY', KEYS[1], ARGV[1])")
    assert incr_by(keys=["counter"], args=[5]) == 5
    client.script_flush()  # the next call gets NOSCRIPT and falls back to EVAL
    assert incr_by(keys=["counter"], args=[2]) == 7
