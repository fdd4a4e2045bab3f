"""MONITOR: every command the server runs, as redis-server 7.0 shows it."""

import re

import pytest

LINE = re.compile(rb"^\+(\d+)\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)\r\n$")


def monitoring(handle):
    """A raw connection in MONITOR mode."""
    conn = handle.connect_raw()
    assert conn.command("MONITOR") == b"+OK\r\n"
    return conn


def read_line(conn):
    line = conn.read_reply()
    match = LINE.match(line)
    assert match, line
    return match


@pytest.mark.parametrize("target_server", ["server", "reference"])
def test_monitor_shows_commands_after_they_run(target_server, request):
    handle = request.getfixturevalue(target_server)
    watcher = monitoring(handle)
    other = handle.connect_raw()
    other.command("SET", "a b", 'x"y\n')
    other.command("SELECT", "3")
    other.command("GET", "k")
    other.command("AUTH", "secret")
    other.command("CONFIG", "GET", "port")  # admin: never shown
    other.command("HELLO", "2", "AUTH", "user", "pass")
    other.command("PING")
    seen = [read_line(watcher) for _ in range(6)]
    assert [m.group(5) for m in seen] == [
        b'"SET" "a b" "x\\"y\\n"',
        b'"SELECT" "3"',
        b'"GET" "k"',
        b'"AUTH" "(redacted)"',
        b'"HELLO" "2" "AUTH" "(redacted)" "(redacted)"',
        b'"PING"',
    ]
    # The database after the command ran, and the client's address.
    assert [int(m.group(3)) for m in seen] == [0, 3, 3, 3, 3, 3]
    assert seen[0].group(4).startswith(b"127.0.0.1:")


def test_monitor_flag_and_reset(server):
    watcher = monitoring(server)
    client = server.client()
    assert b"flags=O" in client.execute_command("CLIENT", "LIST")
    assert watcher.command("RESET") == b"+RESET\r\n"
    assert b"flags=O" not in client.execute_command("CLIENT", "LIST")
    client.set("after", "reset")
    assert watcher.command("PING") == b"+PONG\r\n"


@pytest.mark.parametrize("target_server", ["server", "reference"])
def test_monitor_shows_script_commands_before_what_their_script_calls(target_server, request):
    """EVAL and FCALL are shown as they start, failing ones too, then each
    redis.call from "lua"; inside MULTI the EVAL comes before EXEC."""
    handle = request.getfixturevalue(target_server)
    other = handle.connect_raw()
    other.command("FUNCTION", "LOAD", "REPLACE",
                  "#!lua name=mon\nredis.register_function('setfoo', "
                  "function() return redis.call('set', 'foo', 'bar') end)")
    watcher = monitoring(handle)
    other.command("EVAL", "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])",
                  "1", "k", "v")
    other.command("FCALL", "setfoo", "0")
    other.command("EVALSHA", "0" * 40, "0")
    other.command("EVAL", "return 1", "x")
    other.command("MULTI")
    other.command("EVAL", "return redis.call('incr', 'n')", "0")
    other.command("EXEC")
    seen = [read_line(watcher) for _ in range(11)]
    assert [(m.group(4) == b"lua", m.group(5)) for m in seen] == [
        (False, b'"EVAL" "redis.call(\'set\', KEYS[1], ARGV[1]) return redis.call(\'get\', '
                b'KEYS[1])" "1" "k" "v"'),
        (True, b'"set" "k" "v"'),
        (True, b'"get" "k"'),
        (False, b'"FCALL" "setfoo" "0"'),
        (True, b'"set" "foo" "bar"'),
        (False, b'"EVALSHA" "' + b"0" * 40 + b'" "0"'),
        (False, b'"EVAL" "return 1" "x"'),
        (False, b'"MULTI"'),
        (False, b'"EVAL" "return redis.call(\'incr\', \'n\')" "0"'),
        (True, b'"incr" "n"'),
        (False, b'"EXEC"'),
    ]
