"""Who may use DEBUG and CONFIG SET the protected options: enable-debug-command,
enable-protected-configs and enable-module-command (no, yes, local), and who
counts as local (the unix socket, 127.0.0.1 and ::1; protected mode agrees).
Each runs on fkvs and on redis-server, whose replies must match."""

import subprocess

import pytest

from raw_connection import RawConnection

NOT_ALLOWED = (b"-ERR DEBUG command not allowed. If the enable-debug-command option is set to"
               b" \"local\", you can run it from a local connection, otherwise you need to set"
               b" this option in the configuration file, and then restart the server.\r\n")
# Another loopback address: on the loopback interface, but not local to Redis.
OTHER_LOOPBACK = "127.0.0.2"
BOTH_LOOPBACKS = ["--bind", "127.0.0.1 " + OTHER_LOOPBACK]


def replies_from(handle, script, replies, source=None):
    with RawConnection(source or handle.host, handle.port, source=source) as conn:
        conn.send(script)
        return conn.read_replies(replies)


def on_both(start_server, run, *args):
    """run(handle) on redis-server and fkvs-server started with args; both must agree."""
    results = {target: run(start_server(*args, target=target)) for target in ("redis", "fkvs")}
    assert results["fkvs"] == results["redis"]
    return results["fkvs"]


def test_debug_is_refused_by_default_before_auth_and_inside_multi(start_server):
    script = (b"DEBUG HELP\r\nDEBUG SLEEP 0\r\nDEBUG\r\nMULTI\r\nDEBUG SLEEP 0\r\nEXEC\r\n"
              b"CONFIG GET enable-debug-command\r\n")
    got = on_both(start_server, lambda h: replies_from(h, script, 7),
                  "--enable-debug-command", "no", "--requirepass", "pw")
    # DEBUG is refused before AUTH is asked for; EXEC says why it aborts.
    assert got == (NOT_ALLOWED * 2 + b"-ERR wrong number of arguments for 'debug' command\r\n"
                   b"-NOAUTH Authentication required.\r\n" + NOT_ALLOWED +
                   b"-EXECABORT Transaction discarded because of: NOAUTH Authentication"
                   b" required.\r\n-NOAUTH Authentication required.\r\n")


def test_debug_yes_allows_everyone(start_server):
    script = b"DEBUG SLEEP 0\r\n"
    assert on_both(start_server, lambda h: replies_from(h, script, 1, source=OTHER_LOOPBACK),
                   "--enable-debug-command", "yes", "--protected-mode", "no",
                   *BOTH_LOOPBACKS) == b"+OK\r\n"


def test_debug_local_allows_127_0_0_1_and_the_unix_socket_only(start_server, tmp_path):
    def run(handle):
        socket_path = str(handle.workdir / "server.sock")
        with RawConnection(None, None, unix_path=socket_path) as unix:
            unix.send(b"DEBUG SLEEP 0\r\n")
            from_unix = unix.read_replies(1)
        return (replies_from(handle, b"DEBUG SLEEP 0\r\n", 1),
                replies_from(handle, b"DEBUG SLEEP 0\r\n", 1, source=OTHER_LOOPBACK),
                from_unix)

    local, other, unix = on_both(start_server, run, "--enable-debug-command", "local",
                                 "--protected-mode", "no", "--unixsocket", "server.sock",
                                 *BOTH_LOOPBACKS)
    assert (local, other, unix) == (b"+OK\r\n", NOT_ALLOWED, b"+OK\r\n")


@pytest.mark.parametrize("setting, allowed_from", [
    ("no", ()), ("yes", ("127.0.0.1", OTHER_LOOPBACK)), ("local", ("127.0.0.1",))])
def test_protected_configs_take_config_set_only_where_enabled(start_server, tmp_path, setting,
                                                              allowed_from):
    new_dir = tmp_path / "elsewhere"
    new_dir.mkdir()

    def run(handle):
        results = {}
        for source in ("127.0.0.1", OTHER_LOOPBACK):
            reply = replies_from(handle, b"CONFIG SET dbfilename other.rdb\r\n", 1, source=source)
            results[source] = reply
        return results

    results = on_both(start_server, run, "--enable-protected-configs", setting,
                      "--protected-mode", "no", *BOTH_LOOPBACKS)
    for source, reply in results.items():
        if source in allowed_from:
            assert reply == b"+OK\r\n"
        else:
            assert reply == (b"-ERR CONFIG SET failed (possibly related to argument 'dbfilename')"
                             b" - can't set protected config\r\n")


def test_the_settings_are_shown_and_fixed_at_start_up(start_server):
    def run(handle):
        client = handle.client()
        shown = client.config_get("enable-*")
        refusals = [replies_from(handle, b"CONFIG SET %s no\r\n" % name, 1) for name in
                    (b"enable-debug-command", b"enable-protected-configs",
                     b"enable-module-command")]
        return shown, refusals

    shown, refusals = on_both(start_server, run, "--enable-debug-command", "local",
                              "--enable-module-command", "yes")
    assert shown == {"enable-debug-command": "local", "enable-protected-configs": "no",
                     "enable-module-command": "yes"}
    assert all(b"can't set immutable config" in refusal for refusal in refusals)


def test_bad_setting_is_refused_at_start_up(server_binary, tmp_path):
    result = subprocess.run([server_binary, "--port", "0", "--enable-debug-command", "maybe"],
                            cwd=tmp_path, capture_output=True, timeout=30)
    assert result.returncode != 0
    assert b"argument(s) must be one of the following: no, yes, local" in result.stdout + \
        result.stderr


def test_protected_mode_serves_only_127_0_0_1_as_redis_does(start_server):
    got = on_both(start_server,
                  lambda h: replies_from(h, b"PING\r\n", 1, source=OTHER_LOOPBACK)[:40],
                  "--protected-mode", "yes", *BOTH_LOOPBACKS)
    assert got.startswith(b"-DENIED")
