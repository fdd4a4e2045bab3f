"""fkvs-cli against redis-cli: the same arguments against the same server must
give the same stdout, stderr and exit status, byte for byte.

TTY-formatted output is compared under a pseudo-terminal as well as with
--no-raw. Lists, which fkvs does not have yet, come from the reference
redis-server; --latency and --stat are compared by layout, not numbers.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest

from server_process import FKVS_CLI_BIN
from terminal import PtySession

REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"
PASSWORD_WARNING = (b"Warning: Using a password with '-a' or '-u' option on the command line "
                    b"interface may not be safe.\n")
BINARY_VALUE = b'a\x00b\nc"d\\e\tf\r\x07\x08\x7f\xff\xc3\xa9 ~ caf\xc3\xa9'


@pytest.fixture(autouse=True)
def _tools_built():
    if not os.access(REDIS_CLI, os.X_OK):
        pytest.skip("redis-cli not installed")
    if not os.access(FKVS_CLI_BIN, os.X_OK):
        pytest.fail("fkvs-cli not found at %s; build it or set FKVS_CLI_BIN" % FKVS_CLI_BIN,
                    pytrace=False)


def clean_env(**extra):
    env = {key: value for key, value in os.environ.items() if key != "REDISCLI_AUTH"}
    env.update(extra)
    return env


def run(binary, args, input=b"", env=None):
    result = subprocess.run([binary, *args], input=input, capture_output=True, timeout=30,
                            env=env or clean_env())
    return result.returncode, result.stdout, result.stderr


def assert_same(args, input=b"", env=None, setup=None):
    """Runs redis-cli, then fkvs-cli, with args (setup() before each) and
    asserts identical results; returns redis-cli's (status, stdout, stderr)."""
    results = []
    for binary in (REDIS_CLI, FKVS_CLI_BIN):
        if setup:
            setup()
        results.append(run(binary, args, input, env))
    assert results[1] == results[0], args
    return results[0]


def address(handle):
    return ["-h", handle.host, "-p", str(handle.port)]


def pty_output(argv, duration=None, env=None):
    """Runs argv with stdin and stdout on a pseudo-terminal; after duration
    seconds it is interrupted. Returns (status, output)."""
    session = PtySession(argv, env or clean_env(TERM="dumb"))
    if duration is not None:
        deadline = time.monotonic() + duration
        while time.monotonic() < deadline:
            session._read_chunk(0.05)
        os.kill(session.pid, signal.SIGINT)
    status = session.wait()
    return status, bytes(session.output)


def unused_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill(handle):
    handle.flushall()
    client = handle.client()
    client.set("greeting", "hello")
    client.set("counter", 10)
    client.set("bin", BINARY_VALUE)
    client.set("empty", "")
    for i in range(5):
        client.set("user:%d" % i, i)
    client.execute_command("SELECT", 3)
    client.set("in-three", "yes")
    client.execute_command("SELECT", 0)


ONE_SHOT = [
    ["SET", "k", "v"],
    ["GET", "greeting"],
    ["GET", "missing"],
    ["GET", "bin"],
    ["GET", "empty"],
    ["INCR", "counter"],
    ["INCR", "greeting"],
    ["MGET", "greeting", "missing", "bin"],
    ["EXISTS", "greeting", "missing"],
    ["KEYS", "nothing*"],
    # One match: SCAN's order is the hash table's, which a refill or a rehash
    # in progress changes; COMMAND INFO below covers nested arrays of many elements.
    ["SCAN", "0", "MATCH", "user:1", "COUNT", "1000"],
    ["CONFIG", "GET", "maxmemory*"],
    ["COMMAND", "INFO", "get", "nosuchcommand"],
    ["BADCMD", "x"],
    ["SET", "k"],
    ["DBSIZE"],
    ["PING"],
]


@pytest.mark.parametrize("mode", [[], ["--no-raw"], ["--csv"], ["--raw"]],
                         ids=["pipe", "no-raw", "csv", "raw"])
def test_one_shot_commands_match_redis_cli(server, mode):
    for command in ONE_SHOT:
        assert_same(address(server) + mode + command, setup=lambda: fill(server))


def test_tty_output_matches_under_a_terminal(server):
    for command in ONE_SHOT:
        outputs = []
        for binary in (REDIS_CLI, FKVS_CLI_BIN):
            fill(server)
            outputs.append(pty_output([binary, *address(server), *command]))
        assert outputs[1] == outputs[0], command
    assert outputs[0][1] == b"PONG\r\n"


def test_nested_arrays_nils_and_errors_match(reference):
    reference.flushall()
    reference.client().rpush("list", "a", "", "b\x00c")
    script = ("local t = {} for i = 1, 11 do t[i] = {i, 'v'} end "
              "return {1, {2, {3, 'x'}, {}}, 'a', false, {err = 'bad'}, {ok = 'fine'}, t}")
    for mode in ([], ["--no-raw"], ["--csv"]):
        assert_same(address(reference) + mode + ["EVAL", script, "0"])
        assert_same(address(reference) + mode + ["LRANGE", "list", "0", "-1"])
        assert_same(address(reference) + mode + ["LRANGE", "nolist", "0", "-1"])
    status, out, _ = assert_same(address(reference) + ["--no-raw", "EVAL", script, "0"])
    assert b" 1) 1) (integer) 1\n" in out and b"5) (error) bad\n" in out


def test_binary_values_round_trip_through_x(server):
    for binary in (REDIS_CLI, FKVS_CLI_BIN):
        server.flushall()
        assert run(binary, address(server) + ["-x", "SET", "bin"], input=BINARY_VALUE) == (
            0, b"OK\n", b"")
        assert server.client().get("bin") == BINARY_VALUE
    for mode in ([], ["--no-raw"], ["--csv"]):
        status, out, _ = assert_same(address(server) + mode + ["GET", "bin"])
    assert out == b'"a\\x00b\\nc\\"d\\\\e\\tf\\r\\a\\b\\x7f\\xff\\xc3\\xa9 ~ caf\\xc3\\xa9"\n'


STDIN_SCRIPT = (b"SET a 1\n\nGET \"a b\nBADCMD\n  3 INCR c\nGET a\n\"x\\x41y\" 'q\\'r'\n"
                b"0 PING\n3\nSET sp \"two words\"\nGET sp\r\nMGET a nothing\n"
                b"SET nul ab\x00cd\nGET nul\nSET quoted \"a\\x00b\"\nGET quoted\nquit\nGET a\n")


@pytest.mark.parametrize("mode", [[], ["--no-raw"], ["-e"], ["--csv"]],
                         ids=["pipe", "no-raw", "e", "csv"])
def test_commands_from_stdin_match(server, mode):
    status, out, _ = assert_same(address(server) + mode, input=STDIN_SCRIPT,
                                 setup=server.flushall)
    assert status == 0
    assert b"Invalid argument(s)\n" in out


def test_connect_from_stdin_keeps_the_database(server, reference):
    def setup():
        server.flushall()
        reference.flushall()
        reference.client().execute_command("SELECT", 2)

    script = ("SET a 1\nconnect %s %d\nSET a 2\nconnect %s %d\nPING\nconnect x\n"
              "connect %s %d\nGET a\n" % (reference.host, reference.port, server.host,
                                           unused_port(), server.host, server.port)).encode()
    status, out, err = assert_same(address(server) + ["-n", "2"], input=script, setup=setup)
    assert out == b"OK\nOK\n1\n"
    assert err.count(b"Could not connect") == 3
    assert reference.client(db=2).get("a") == b"2"


def test_last_argument_from_stdin_and_repeat(server):
    assert_same(address(server) + ["-x", "-r", "2", "APPEND", "k"], input=b"v\n",
                setup=server.flushall)
    assert server.client().get("k") == b"v\nv\n"
    status, out, _ = assert_same(address(server) + ["-r", "3", "-i", "0.05", "INCR", "n"],
                                 setup=server.flushall)
    assert out == b"1\n2\n3\n"
    assert_same(address(server) + ["-r", "0", "PING"])


def test_database_selection(server):
    fill(server)
    assert assert_same(address(server) + ["-n", "3", "GET", "in-three"]) == (0, b"yes\n", b"")
    status, out, err = assert_same(address(server) + ["-n", "99", "GET", "in-three"])
    assert err.startswith(b"SELECT 99 failed: ")


def test_exit_status_on_error_replies(server):
    assert assert_same(address(server) + ["BADCMD"])[0] == 0
    status, out, err = assert_same(address(server) + ["-e", "BADCMD"])
    assert (status, out) == (1, b"")
    assert err.startswith(b"ERR unknown command 'BADCMD'")
    assert assert_same(address(server) + ["-e", "--no-raw", "INCR", "greeting"],
                       setup=lambda: fill(server))[0] == 1
    assert assert_same(address(server) + ["-e", "PING"]) == (0, b"PONG\n", b"")


def test_connection_failures(server):
    port = str(unused_port())
    status, out, err = assert_same(["-p", port, "PING"])
    assert status == 1
    assert err == b"Could not connect to Redis at 127.0.0.1:%s: Connection refused\n" % port.encode()
    assert_same(["-p", port], input=b"PING\nPING\n")
    assert_same(["-s", "/nonexistent/fkvs.sock", "PING"])
    assert_same(["--bogus"])
    assert_same(["-p"])


def test_authentication(start_server):
    handle = start_server("--requirepass", "pw")
    base = address(handle)
    assert assert_same(base + ["-a", "pw", "PING"]) == (0, b"PONG\n", PASSWORD_WARNING)
    status, out, err = assert_same(base + ["-a", "bad", "PING"])
    assert err == PASSWORD_WARNING + (
        b"AUTH failed: WRONGPASS invalid username-password pair or user is disabled.\n")
    assert_same(base + ["--no-auth-warning", "-a", "bad", "PING"])
    assert_same(base + ["-a", "bad", "-e", "PING"])
    assert_same(base + ["PING"])
    assert_same(base + ["--user", "default", "--pass", "pw", "PING"])
    assert_same(base + ["PING"], env=clean_env(REDISCLI_AUTH="pw"))
    assert_same(base + ["-a", "pw", "PING"], env=clean_env(REDISCLI_AUTH="bad"))
    uri = "redis://default:pw@%s:%d/2" % (handle.host, handle.port)
    assert_same(["-u", uri, "SET", "in-two", "x"])
    assert handle.client(password="pw", db=2).get("in-two") == b"x"


def test_unix_socket(start_server, tmp_path):
    path = str(tmp_path / "fkvs.sock")
    handle = start_server("--unixsocket", path)
    handle.flushall()
    assert assert_same(["-s", path, "SET", "k", "v"]) == (0, b"OK\n", b"")
    assert_same(["-s", path, "--no-raw", "GET", "k"])
    # -u also takes a socket path, as FKVS's did (redis-cli's -u is URIs only).
    assert run(FKVS_CLI_BIN, ["-u", path, "GET", "k"]) == run(REDIS_CLI, ["-s", path, "GET", "k"])


def test_client_config_file(start_server, tmp_path):
    handle = start_server("--requirepass", "pw")
    client = handle.client(password="pw", db=4)
    client.set("k", "from db 4")
    config = tmp_path / "client.conf"
    config.write_text("# fkvs-cli client settings\nhost %s\nport %d\n\npassword \"pw\"\ndb 4\n" %
                      (handle.host, handle.port))
    assert run(FKVS_CLI_BIN, ["-d", str(config), "GET", "k"]) == (0, b"from db 4\n", b"")
    # Flags win over the file wherever they come on the command line.
    assert run(FKVS_CLI_BIN, ["-n", "0", "-d", str(config), "--no-raw", "GET", "k"]) == (
        0, b"(nil)\n", b"")
    assert run(FKVS_CLI_BIN, ["-d", str(config), "-a", "bad", "--no-auth-warning", "PING"]) == (
        0, b"NOAUTH Authentication required.\n\n",
        b"AUTH failed: WRONGPASS invalid username-password pair or user is disabled.\n")

    config.write_text("host %s\nprot %d\n" % (handle.host, handle.port))
    status, out, err = run(FKVS_CLI_BIN, ["-d", str(config), "PING"])
    assert (status, out) == (1, b"")
    assert err == b"Bad client config file '%s', line 2: unknown key 'prot'\n" % bytes(config)
    status, _, err = run(FKVS_CLI_BIN, ["-d", str(tmp_path / "missing.conf"), "PING"])
    assert status == 1 and b"No such file or directory" in err


def assert_same_keys(args):
    """As assert_same, but the keys may come in another order: SCAN promises
    every key, not an order, and the table may rehash between the two runs."""
    results = []
    for binary in (REDIS_CLI, FKVS_CLI_BIN):
        status, out, err = run(binary, args)
        results.append((status, sorted(out.splitlines()), err))
    assert results[1] == results[0], args
    return results[0]


def test_scan_mode(server):
    fill(server)
    for mode in ([], ["--no-raw"]):
        status, keys, _ = assert_same_keys(address(server) + mode + ["--scan", "--pattern", "user:*"])
        assert keys == ([b"user:%d" % i for i in range(5)] if not mode else
                        [b'"user:%d"' % i for i in range(5)])
    status, keys, _ = assert_same_keys(address(server) + ["--scan"])
    assert len(keys) == 9
    # --count (redis-cli 7.2's flag) sizes the pages without changing the keys.
    status, out, _ = run(FKVS_CLI_BIN, address(server) + ["--scan", "--count", "2"])
    assert len(out.splitlines()) == 9


LATENCY_LINE = {"raw": rb"\d+ \d+ \d+\.\d\d \d+\n", "csv": rb"\d+,\d+,\d+\.\d\d,\d+\n"}


def test_latency_modes(server):
    for binary in (REDIS_CLI, FKVS_CLI_BIN):
        status, out, err = run(binary, address(server) + ["--latency", "-i", "0.3"])
        assert status == 0 and err == b"" and re.fullmatch(LATENCY_LINE["raw"], out), binary
        status, out, err = run(binary, address(server) + ["--csv", "--latency", "-i", "0.3"])
        assert status == 0 and re.fullmatch(LATENCY_LINE["csv"], out), binary

        process = subprocess.Popen([binary, *address(server), "--latency-history", "-i", "0.2"],
                                   stdout=subprocess.PIPE)
        time.sleep(0.7)
        process.send_signal(signal.SIGINT)
        out = process.communicate(timeout=10)[0]
        if binary == FKVS_CLI_BIN:
            # redis-cli leaves its piped output in the stdio buffer when interrupted.
            lines = out.splitlines(keepends=True)
            ranges = [line for line in lines if line.startswith(b" -- ")]
            assert ranges and all(re.fullmatch(rb" -- 0\.2\d seconds range\n", r) for r in ranges)
            assert all(re.fullmatch(LATENCY_LINE["raw"], line) for line in lines
                       if line not in ranges)

        status, out = pty_output([binary, *address(server), "--latency"], duration=0.5)
        frames = out.split(b"\x1b[0G\x1b[2K")
        assert frames[0] == b"" and len(frames) > 5, binary
        assert all(re.fullmatch(rb"min: \d+, max: \d+, avg: \d+\.\d\d \(\d+ samples\)", frame)
                   for frame in frames[1:-1]), binary


def stat_table(output):
    """The --stat rows, each checked against redis-cli's column layout."""
    lines = output.decode().split("\r\n")
    assert lines[0] == ("------- data ------ --------------------- load -------------------- "
                        "- child -")
    assert lines[1] == ("keys       mem      clients blocked requests            connections"
                        "          ")
    rows = [line for line in lines[2:] if line.strip()]
    for row in rows:
        assert re.fullmatch(r"\d+ *", row[0:11]) and len(row) >= 68, row
        assert re.fullmatch(r"\d+(\.\d\d[KMG]|B) *", row[11:19]), row
        assert re.fullmatch(r" \d+ *", row[19:28]) and re.fullmatch(r"\d+ *", row[28:36]), row
        assert re.fullmatch(r"\d+ \(\+\d+\) *", row[36:55]), row
        assert re.fullmatch(r" \d+ *", row[55:68]), row
    return rows


def test_stat_mode(server):
    fill(server)
    for binary in (REDIS_CLI, FKVS_CLI_BIN):
        status, out = pty_output([binary, *address(server), "--stat", "-i", "0.2"], duration=0.9)
        rows = stat_table(out)
        assert len(rows) >= 3, binary
        assert rows[0].startswith("10         "), binary
        assert " (+0) " in rows[0], binary


def test_non_interactive_reads_a_terminal_stdin(server):
    session = PtySession([FKVS_CLI_BIN, *address(server), "--non-interactive"], clean_env())
    os.write(session.fd, b"SET k v\rGET k\r\x04")
    assert session.wait() == 0
    assert session.output.endswith(b"OK\r\n\"v\"\r\n")


def test_version_and_help():
    status, out, _ = run(FKVS_CLI_BIN, ["-v"])
    assert status == 0 and re.fullmatch(rb"fkvs-cli \d+\.\d+\.\d+\n", out)
    status, out, _ = run(FKVS_CLI_BIN, ["--help"])
    assert status == 0 and out.startswith(b"fkvs-cli ") and b"-d <file>" in out
