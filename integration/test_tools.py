"""Redis's own tools against the server: redis-benchmark and redis-cli."""

import csv
import io
import os
import re
import shutil
import subprocess

import pytest

from terminal import PtySession, render_screen

REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"
REDIS_BENCHMARK = shutil.which("redis-benchmark") or "/usr/bin/redis-benchmark"


@pytest.fixture(autouse=True)
def _tools_installed():
    for tool in (REDIS_CLI, REDIS_BENCHMARK):
        if not os.access(tool, os.X_OK):
            pytest.skip("%s not installed" % tool)


@pytest.mark.slow
def test_redis_benchmark_runs_without_errors(server):
    result = subprocess.run(
        [REDIS_BENCHMARK, "-h", server.host, "-p", str(server.port), "-t", "ping,set,get,incr,mset",
         "-n", "100000", "-P", "16", "-q", "--csv"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["test"] for row in rows] == ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR",
                                             "MSET (10 keys)"]
    for row in rows:
        assert float(row["rps"]) > 0
    client = server.client()
    # Without -r every request hits the same key, so the results can be checked exactly.
    assert client.get("counter:__rand_int__") == b"100000"
    assert len(client.get("key:__rand_int__")) == 3


def run_cli(handle, *args):
    result = subprocess.run([REDIS_CLI, "-h", handle.host, "-p", str(handle.port), *args],
                            capture_output=True, timeout=30)
    return result.returncode, result.stdout, result.stderr


CLI_COMMANDS = [
    ["SET", "a", "b"],
    ["GET", "a"],
    ["GET", "missing"],
    ["--raw", "GET", "a"],
    ["--raw", "MGET", "a", "missing"],
    ["--no-raw", "MGET", "a", "missing"],
    ["--no-raw", "GET", "missing"],
    ["INCR", "counter"],
    ["--no-raw", "INCR", "counter"],
    ["INCR", "a"],
    ["--no-raw", "INCR", "a"],
    ["--no-raw", "SET", "a", "b", "EX", "0"],
    ["BADCMD", "x"],
    ["--no-raw", "EXISTS", "a", "counter", "missing"],
    ["--no-raw", "KEYS", "a*"],
    ["-n", "3", "SET", "in-three", "yes"],
    ["-n", "3", "GET", "in-three"],
    ["GET", "in-three"],
]


def test_redis_cli_one_shot_commands(server, reference):
    assert run_cli(server, "SET", "a", "b") == (0, b"OK\n", b"")
    assert run_cli(server, "GET", "a") == (0, b"b\n", b"")
    assert run_cli(server, "--raw", "GET", "missing") == (0, b"\n", b"")
    assert run_cli(server, "--no-raw", "GET", "missing") == (0, b"(nil)\n", b"")
    assert run_cli(server, "--no-raw", "MGET", "a", "missing") == (0, b'1) "b"\n2) (nil)\n', b"")
    server.flushall()
    reference.flushall()
    for command in CLI_COMMANDS:
        assert run_cli(server, *command) == run_cli(reference, *command), command


def test_redis_cli_reads_commands_from_stdin(server, reference):
    script = b"SET a 1\nINCR a\nGET a\nGET missing\nBADCMD\n"
    outputs = []
    for handle in (server, reference):
        handle.flushall()
        outputs.append(subprocess.run(
            [REDIS_CLI, "-h", handle.host, "-p", str(handle.port)], input=script,
            capture_output=True, timeout=30).stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(b"OK\n2\n2\n\n")


SESSION = ["SET foo bar", "GET foo", "INCR n", "INCR n", "GET missing", "MGET foo missing",
           "SET foo", "BADCMD", "EXISTS foo n missing", "SELECT 2", "GET foo", "SELECT 0"]


def interactive_screen(handle, tmp_path):
    env = dict(os.environ, TERM="xterm", REDISCLI_HISTFILE=str(tmp_path / "history"),
               REDISCLI_RCFILE=str(tmp_path / "no-rcfile"))
    session = PtySession([REDIS_CLI, "-h", handle.host, "-p", str(handle.port)], env)
    session.read_until(rb"> ")
    for line in SESSION:
        session.type_line(line)
    session.type_line("QUIT", until=None)
    assert session.wait() == 0
    prompt_port = re.compile(r"^127\.0\.0\.1:%d(\[\d+\])?> " % handle.port)
    return [prompt_port.sub(lambda match: "127.0.0.1:PORT%s> " % (match.group(1) or ""), line)
            for line in render_screen(bytes(session.output))]


def test_redis_cli_interactive_session_matches_redis(server, reference, tmp_path):
    screens = []
    for handle in (server, reference):
        handle.flushall()
        screens.append(interactive_screen(handle, tmp_path))
    assert screens[0] == screens[1]
    assert screens[0][:14] == [
        "127.0.0.1:PORT> SET foo bar",
        "OK",
        "127.0.0.1:PORT> GET foo",
        '"bar"',
        "127.0.0.1:PORT> INCR n",
        "(integer) 1",
        "127.0.0.1:PORT> INCR n",
        "(integer) 2",
        "127.0.0.1:PORT> GET missing",
        "(nil)",
        "127.0.0.1:PORT> MGET foo missing",
        '1) "bar"',
        "2) (nil)",
        "127.0.0.1:PORT> SET foo",
    ]
    assert "(error) ERR unknown command 'BADCMD', with args beginning with:" in screens[0]
    assert "127.0.0.1:PORT[2]> GET foo" in screens[0]
