"""Hostile scripts: a Lua script cannot crash or hang the server beyond the
time limit. Each script goes by EVAL to a real fkvs-server, which must answer
it and keep serving: PING, SET and GET work on another connection and the
process is alive.

Where redis-server 7.0.15 survives the same script, fkvs's reply is compared
with its reply byte for byte (scripts that loop are ended by SCRIPT KILL from
a second client on both). Where redis-server crashes, takes gigabytes or
never ends, the case says what it does and fkvs's own error is asserted.

Replies nested thousands deep are compared as bytes, never parsed: each
EVAL is followed by QUIT and read until the server closes the connection."""

import hashlib
import shutil

import pytest

from raw_connection import RawConnection
from resp import encode_command
from server_process import REDIS_SERVER_BIN, TARGET, ServerHandle, target_binary, wait_until

# Low, so a looping script turns the server busy (and killable) at once.
BUSY_THRESHOLD_MS = "100"
# Every wait below has this deadline, generous for an ASan build on a busy machine.
DEADLINE_S = 120
BUSY = (b"-BUSY Redis is busy running a script. "
        b"You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n")
# What used_memory_lua may hold once a script that reached the memory limit
# (1 GiB) is over: the libraries and a few cached scripts, nothing of its data.
LUA_MEMORY_AT_REST = 16 * 1024 * 1024


def sha1_hex(script):
    return hashlib.sha1(script.encode()).hexdigest()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    handle = ServerHandle(target_binary(), tmp_path_factory.mktemp("hostile"),
                          ["--busy-reply-threshold", BUSY_THRESHOLD_MS]).start()
    yield handle
    assert handle.stop() == 0, "server exited uncleanly; log tail:\n%s" % handle.log()[-3000:]


@pytest.fixture(scope="module")
def redis_reference(tmp_path_factory):
    """redis-server with the same busy threshold, for the cases it survives."""
    if TARGET == "redis":
        pytest.skip("the target is redis-server itself")
    if not shutil.which(REDIS_SERVER_BIN):
        pytest.skip("reference redis-server not installed")
    handle = ServerHandle(REDIS_SERVER_BIN, tmp_path_factory.mktemp("hostile-redis"),
                          ["--busy-reply-threshold", BUSY_THRESHOLD_MS], target="redis").start()
    yield handle
    handle.stop()


@pytest.fixture
def fkvs(hostile_server):
    """The module's server, restarted if a case before killed it; after the
    case it must still be up and serving."""
    handle = hostile_server
    if not handle.alive():
        handle.start()
    yield handle
    handle.close_connections()
    assert_still_serving(handle)


def kill_when_busy(handle):
    """Waits until other clients get -BUSY, then sends SCRIPT KILL."""
    with handle.connect_raw(timeout=DEADLINE_S) as other:
        wait_until(lambda: other.command("PING") == BUSY, DEADLINE_S,
                   message="-BUSY while the script runs")
        assert other.command("SCRIPT", "KILL") == b"+OK\r\n"


def eval_reply(handle, script, protocol=2, kill=False):
    """EVAL script on a new connection and return the reply's bytes; with
    kill, end the script with SCRIPT KILL once it made the server busy."""
    with handle.connect_raw(timeout=DEADLINE_S) as conn:
        if protocol == 3:
            conn.send_command("HELLO", "3")
            conn.read_reply()
        conn.send(encode_command("EVAL", script, "0") + encode_command("QUIT"))
        if kill:
            kill_when_busy(handle)
        data = conn.read_until_close(timeout=DEADLINE_S)
    assert data.endswith(b"+OK\r\n"), "QUIT was not answered: %r" % data[-200:]
    return data[:-len(b"+OK\r\n")]


def assert_still_serving(handle):
    assert handle.alive(), "server died (status %s); log tail:\n%s" % (
        handle.process.returncode, handle.log()[-3000:])
    with RawConnection(handle.host, handle.port, timeout=DEADLINE_S) as conn:
        assert conn.command("PING") == b"+PONG\r\n"
        assert conn.command("SET", "after-hostile-script", "still here") == b"+OK\r\n"
        assert conn.command("GET", "after-hostile-script") == b"$10\r\nstill here\r\n"


def script_error(script, message):
    """The reply to an error raised at line 1 of script."""
    return b"-%s script: %s, on @user_script:1.\r\n" % (message, sha1_hex(script).encode())


# ---- scripts redis-server survives: the same reply from both ----

def deep_table(levels, leaf="c[1] = {} c = c[1]"):
    return "local t = {} local c = t for i = 1, %d do %s end return t" % (levels, leaf)


SAME_AS_REDIS = {
    # The Lua stack and the C stack: Lua's own limits end these.
    "infinite_recursion": "local function f() return f() + 1 end return f()",
    "deep_pcall_nesting":
        "local function f(n) if n == 0 then return 'bottom' end "
        "local ok, v = pcall(f, n - 1) return v end return f(1000000)",
    "coroutine_wrap_recursion": "local function f() return coroutine.wrap(f)() end return f()",
    "coroutine_resume_recursion":
        "local function f() local ok, e = coroutine.resume(coroutine.create(f)) error(e, 0) end "
        "f()",
    "tostring_metamethod_loop":
        "local t = setmetatable({}, {__tostring = function(s) return tostring(s) end}) "
        "return tostring(t)",
    "concat_metamethod_loop":
        "local t = setmetatable({}, {}) "
        "getmetatable(t).__concat = function(a, b) return a .. b end return t .. 'x'",
    "index_metamethod_loop":
        "local t = setmetatable({}, {}) getmetatable(t).__index = function(t, k) return t[k] end "
        "return t.x",
    "deeply_nested_source":
        "local f, e = loadstring('return ' .. string.rep('(', 100000) .. '1' .. "
        "string.rep(')', 100000)) return e",
    # Errors while handling errors.
    "xpcall_failing_handler":
        "return {xpcall(function() error('a') end, function() error('b') end)}",
    "xpcall_recursive_handler":
        "local h h = function(e) error(e) end return {xpcall(function() error('a') end, h)}",
    "error_nil": "error(nil)",
    "error_table_with_number_err": "error({err = 5})",
    "error_in_gsub_callback": "return string.gsub('abc', '(%w)', function() error('cb') end)",
    "error_in_sort_comparator":
        "local t = {} for i = 1, 100 do t[i] = i end table.sort(t, function() error('cmp') end)",
    "invalid_sort_order":
        "local t = {} for i = 1, 1000 do t[i] = i end table.sort(t, function() return true end)",
    # Sizes past what the libraries accept.
    "format_huge_width": "return string.format('%99999999d', 1)",
    "string_rep_2_31": "return #string.rep('x', 2^31)",
    "string_byte_of_a_megabyte": "return #{string.byte(string.rep('x', 1000000), 1, -1)}",
    "string_char_of_a_million": "return #string.char(unpack({}, 1, 1000000))",
    "table_concat_past_the_end": "return #table.concat({}, ',', 1, 100000000)",
    "unpack_a_million":
        "local t = {} for i = 1, 1000000 do t[i] = i end return select('#', unpack(t))",
    "unpack_range_1e8": "return select('#', unpack({}, 1, 100000000))",
    "redis_call_with_100000_args":
        "local t = {'del'} for i = 1, 100000 do t[i + 1] = 'k' .. i end "
        "return redis.call(unpack(t))",
    "redis_call_with_7990_args":
        "local t = {'del'} for i = 1, 7990 do t[i + 1] = 'k' .. i end return redis.call(unpack(t))",
    "struct_pack_huge_count": "return #struct.pack('c2000000000', 'x')",
    "struct_pack_size_overflow": "return #struct.pack('i' .. string.rep('9', 20), 1)",
    "struct_unpack_huge_count": "return struct.unpack('c2000000000', 'x')",
    "cjson_encode_deep": deep_table(10000).replace("return t", "return cjson.encode(t)"),
    "cjson_encode_self_reference": "local t = {} t[1] = t return cjson.encode(t)",
    "cjson_decode_deep": "return cjson.decode(string.rep('[', 100000))",
    "cmsgpack_pack_self_reference": "local t = {} t[1] = t return #cmsgpack.pack(t)",
    "cmsgpack_unpack_deep": "return cmsgpack.unpack(string.rep('\\145', 100000) .. '\\192')",
    # The sandbox: bytecode, the strings' shared metatable, the debug library.
    "loadstring_bytecode": "return {loadstring(string.dump(function() return 1 end))}",
    "loadstring_signature": "return {loadstring('\\27Lua')}",
    "load_bytecode_from_reader":
        "local parts = {string.dump(function() return 1 end)} "
        "return {load(function() return table.remove(parts, 1) end)}",
    "string_dump": "return string.dump(function() return 1 end)",
    "string_metatable_index": "getmetatable('').__index = function() return 1 end return ('x').y",
    "string_library_through_metatable":
        "getmetatable('').__index.upper = function() return 'pwned' end return ('x'):upper()",
    "string_metatable_rawset": "rawset(getmetatable(''), '__index', {})",
    "string_metatable_setmetatable": "setmetatable(getmetatable(''), {})",
    "string_methods_still_work": "return {('x'):upper(), ('abc'):sub(2), #getmetatable('')}",
    "debug_sethook": "debug.sethook(function() end, '', 0) while true do end",
    "newproxy": "return newproxy(true)",
    "setfenv": "setfenv(1, {})",
    # Replies: values with metatables, and nesting that never ends.
    "return_metatable_index":
        "return setmetatable({}, {__index = function(t, k) if k < 10 then return k end end})",
    "return_metatable_len":
        "return setmetatable({1, 2}, {__index = function() error('x') end, "
        "__len = function() error('y') end})",
    "return_err_with_metatable": "return {err = setmetatable({}, {__tostring = error})}",
    "return_math_huge": "return {math.huge, -math.huge, 0/0}",
}

# Redis converts a reply with lua_checkstack at every level, which ends
# nesting with "reached lua stack limit" some 8000 levels down.
NESTED_REPLIES = {
    "return_self_reference": "local t = {} t[1] = t return t",
    "return_self_reference_after_values": "local t = {} t[1] = 'x' t[2] = t t[3] = 'y' return t",
    "return_million_deep": deep_table(1000000),
    "return_map_cycle": "redis.setresp(3) local t = {} t.x = {map = t} return {map = t}",
    "return_set_cycle": "redis.setresp(3) local t = {} t[1] = {set = t} return {set = t}",
    "return_map_in_array_cycle": "redis.setresp(3) local t = {} t[1] = {map = t} return t",
    "return_million_deep_maps": "redis.setresp(3) " + deep_table(
        1000000, "c.x = {map = {}} c = c.x.map").replace("return t", "return {map = t}"),
}


@pytest.mark.parametrize("script", SAME_AS_REDIS.values(), ids=SAME_AS_REDIS.keys())
def test_same_reply_as_redis(fkvs, redis_reference, script):
    assert eval_reply(fkvs, script) == eval_reply(redis_reference, script)
    assert_still_serving(redis_reference)


@pytest.mark.parametrize("protocol", [2, 3])
@pytest.mark.parametrize("script", NESTED_REPLIES.values(), ids=NESTED_REPLIES.keys())
def test_nested_replies_end_where_redis_ends_them(fkvs, redis_reference, script, protocol):
    reply = eval_reply(fkvs, script, protocol)
    assert reply == eval_reply(redis_reference, script, protocol)
    assert len(reply) < 1024 * 1024


# ---- scripts that loop: SCRIPT KILL ends them on both servers ----

KILLED_ON_BOTH = {
    "infinite_loop": "while true do end",
    "loop_catching_its_errors": "while true do pcall(function() while true do end end) end",
    "looping_gsub_callback": "string.gsub('abc', '.', function() while true do end end)",
    "looping_sort_comparator": "table.sort({3, 2, 1}, function() while true do end end)",
    "looping_redis_pcall": "while true do redis.pcall('ping') end",
    "recursion_in_a_loop": "local function f() while true do pcall(f) end end f()",
}


@pytest.mark.parametrize("script", KILLED_ON_BOTH.values(), ids=KILLED_ON_BOTH.keys())
def test_script_kill_ends_the_loop_as_in_redis(fkvs, redis_reference, script):
    expected = script_error(script, b"ERR Script killed by user with SCRIPT KILL...")
    assert eval_reply(redis_reference, script, kill=True) == expected
    assert_still_serving(redis_reference)
    assert eval_reply(fkvs, script, kill=True) == expected


# ---- scripts redis-server does not survive ----

@pytest.mark.fkvs_only
@pytest.mark.parametrize("script", [
    "error({})",
    "error(setmetatable({}, {__tostring = function() error('x') end}))",
    "error(setmetatable({}, {__index = function() error('x') end}))",
    "error({err = setmetatable({}, {__tostring = function() error('x') end})})",
], ids=["empty", "failing_tostring", "failing_index", "table_err"])
def test_error_table_without_a_message(fkvs, script):
    # redis-server 7.0.15 crashes (SIGSEGV): it formats the error table's
    # missing err field as a C string.
    assert eval_reply(fkvs, script) == script_error(script, b"ERR unknown error")


DEEP_PATTERNS = {
    "find": "return string.find(string.rep('a', 200000), string.rep('a?', 200000))",
    "match": "return string.match(string.rep('a', 200000), string.rep('a-', 200000) .. '$')",
    "gmatch": "return string.gmatch(string.rep('a', 200000), string.rep('a*', 200000))()",
    "gsub": "return string.gsub(string.rep('a', 200000), string.rep('a+', 200000), '')",
    "method": "return (string.rep('a', 200000)):find(string.rep('[a]?', 200000))",
}


@pytest.mark.fkvs_only
@pytest.mark.parametrize("script", DEEP_PATTERNS.values(), ids=DEEP_PATTERNS.keys())
def test_patterns_past_the_c_stack_are_refused(fkvs, script):
    # Lua 5.1's matcher recurses once per quantified item: redis-server
    # crashes (SIGSEGV, its C stack overflows). Lua 5.2 and later refuse
    # such a pattern with this error; so does fkvs.
    assert eval_reply(fkvs, script) == script_error(
        script, b"ERR user_script:1: pattern too complex")


def test_patterns_within_the_limit_match_as_in_redis(fkvs, redis_reference):
    script = "return {string.find(string.rep('a', 3000), string.rep('a?', 3000))}"
    assert eval_reply(fkvs, script) == eval_reply(redis_reference, script) == (
        b"*2\r\n:1\r\n:3000\r\n")


# Each of these would take the host's memory: redis-server sets its Lua no
# limit, so it grows by gigabytes until malloc fails (then it answers as fkvs
# does here) or the kernel's OOM killer ends it. fkvs stops each at its
# interpreter's 1 GiB limit, and gives the memory back.
GIGABYTE_SCRIPTS = {
    "string_rep_of_10_gigabytes": "return #string.rep('x', 1e10)",
    "doubling_string": "local s = 'x' while true do s = s .. s end",
    "table_of_1e8_entries": "local t = {} for i = 1, 1e8 do t[i] = i end return #t",
    "table_concat_of_2_gigabytes":
        "local s = string.rep('x', 2^20) local t = {} for i = 1, 2^11 do t[i] = s end "
        "return #table.concat(t)",
    "garbage_with_the_collector_stopped":
        "collectgarbage('stop') for i = 1, 1e9 do local t = {i, i, i, i, i, i, i, i} end",
}


def lua_memory(handle):
    return int(handle.info("memory")["used_memory_lua"])


@pytest.mark.fkvs_only
@pytest.mark.slow
@pytest.mark.parametrize("script", GIGABYTE_SCRIPTS.values(), ids=GIGABYTE_SCRIPTS.keys())
def test_scripts_past_the_memory_limit_fail_and_give_it_back(fkvs, script):
    assert eval_reply(fkvs, script) == (
        b"-ERR Error running script %s, not enough memory\r\n" % sha1_hex(script).encode())
    assert lua_memory(fkvs) < LUA_MEMORY_AT_REST
    assert eval_reply(fkvs, "return #string.rep('x', 1e6)") == b":1000000\r\n"


@pytest.mark.fkvs_only
def test_a_script_can_catch_the_memory_error_and_go_on(fkvs):
    script = ("local ok, e = pcall(function() local s = 'x' while true do s = s .. s end end) "
              "return {tostring(ok), e, #string.rep('y', 1000)}")
    assert eval_reply(fkvs, script) == (
        b"*3\r\n$5\r\nfalse\r\n$17\r\nnot enough memory\r\n:1000\r\n")


# Each coroutine catches the kill raised in the coroutine it resumed, so
# redis-server answers SCRIPT KILL with +OK and runs on for ever (only
# SHUTDOWN NOSAVE ends it). fkvs passes the kill on to the resumer.
NESTED_COROUTINES = {
    "resume": "local function f() while true do coroutine.resume(coroutine.create(f)) end end f()",
    "wrap": "local function f() while true do pcall(coroutine.wrap(f)) end end f()",
    "resume_in_pcall":
        "local function f() while true do pcall(coroutine.resume, coroutine.create(f)) end end f()",
    # redis-server ends this one, after seconds: each coroutine's own hook
    # must come round before it sees the kill.
    "loop":
        "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
}


@pytest.mark.fkvs_only
@pytest.mark.parametrize("script", NESTED_COROUTINES.values(), ids=NESTED_COROUTINES.keys())
def test_script_kill_ends_coroutines_that_catch_it(fkvs, script):
    assert eval_reply(fkvs, script, kill=True) == script_error(
        script, b"ERR Script killed by user with SCRIPT KILL...")


@pytest.mark.fkvs_only
@pytest.mark.parametrize("script", [
    "while true do xpcall(function() error('x') end, function() while true do end end) end",
    "local function h() while true do end end "
    "while true do xpcall(function() while true do end end, h) end",
], ids=["looping_handler", "looping_function_and_handler"])
def test_script_kill_ends_a_looping_error_handler(fkvs, script):
    # redis-server stops answering anyone: its hook raises the kill error,
    # Lua runs the xpcall handler before unwinding, with hooks off, and the
    # handler loops for ever. fkvs leaves the handler out once killed.
    assert eval_reply(fkvs, script, kill=True) == script_error(
        script, b"ERR Script killed by user with SCRIPT KILL...")


@pytest.mark.fkvs_only
def test_shutdown_nosave_ends_a_script_whose_coroutines_catch_the_kill(start_server):
    handle = start_server("--busy-reply-threshold", BUSY_THRESHOLD_MS)
    runner = handle.connect_raw(timeout=DEADLINE_S)
    runner.send_command("EVAL", NESTED_COROUTINES["resume"], "0")
    with handle.connect_raw(timeout=DEADLINE_S) as other:
        wait_until(lambda: other.command("PING") == BUSY, DEADLINE_S,
                   message="-BUSY while the script runs")
        other.send_command("SHUTDOWN", "NOSAVE")
        assert other.is_closed(timeout=DEADLINE_S)
    assert handle.wait_exit(timeout=DEADLINE_S) == 0
    runner.close()
