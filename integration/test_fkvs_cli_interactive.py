"""fkvs-cli's interactive shell, driven through tmux and compared with redis-cli.

tmux renders what the line editor draws (libedit moves the cursor and erases
in ways terminal.py's small renderer does not follow), so each test reads the
screen as a user would see it.
"""

import itertools
import os
import re
import shutil
import subprocess
import time

import pytest

from server_process import FKVS_CLI_BIN

REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"
WAIT_S = 10.0

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")

_sockets = itertools.count()


class TmuxShell:
    """One program in a private tmux server, 200x50, with its exit status kept."""

    def __init__(self, argv, tmp_path, env=None, term="xterm"):
        self.socket = "fkvs-cli-test-%d-%d" % (os.getpid(), next(_sockets))
        self.status_path = tmp_path / ("status-%s" % self.socket)
        variables = {"HOME": str(tmp_path), "TERM": term, "PATH": os.environ.get("PATH", "")}
        variables.update(env or {})
        command = "env -i %s %s; echo $? > %s" % (
            " ".join("%s=%s" % (k, _quote(v)) for k, v in variables.items()),
            " ".join(_quote(arg) for arg in argv), _quote(str(self.status_path)))
        self._tmux("new-session", "-d", "-x", "200", "-y", "50", "sh", "-c", command)

    def _tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args],
                              check=True, capture_output=True, text=True, timeout=30).stdout

    def screen(self):
        """The lines on screen and in the scrollback, trailing blanks dropped."""
        text = self._tmux("capture-pane", "-p", "-S", "-1000")
        lines = [line.rstrip() for line in text.split("\n")]
        while lines and not lines[-1]:
            lines.pop()
        return lines

    def wait_for(self, pattern, limit=WAIT_S):
        """Waits until the whole screen (lines joined by newlines) matches regex pattern."""
        regex = re.compile(pattern, re.M)
        deadline = time.monotonic() + limit
        while True:
            text = "\n".join(self.screen())
            if regex.search(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError("no %r on screen within %ss; screen:\n%s" % (
                    pattern, limit, text))
            time.sleep(0.05)

    def type(self, text):
        self._tmux("send-keys", "-l", text)

    def keys(self, *names):
        self._tmux("send-keys", *names)

    def run(self, line, prompt):
        """Types line and Enter, then waits for the next prompt on the last line."""
        before = len(self.screen())
        self.type(line)
        self.keys("Enter")
        deadline = time.monotonic() + WAIT_S
        while True:
            lines = self.screen()
            if len(lines) > before and lines[-1] == prompt.rstrip():
                return lines
            if time.monotonic() > deadline:
                raise AssertionError("no prompt %r after %r; screen:\n%s" % (
                    prompt, line, "\n".join(lines)))
            time.sleep(0.05)

    def exit_status(self, limit=WAIT_S):
        deadline = time.monotonic() + limit
        while not self.status_path.exists() or not self.status_path.read_text().strip():
            if time.monotonic() > deadline:
                raise AssertionError("program still running (no exit status) after %ss; screen:\n%s"
                                     % (limit, "\n".join(self.screen())))
            time.sleep(0.05)
        return int(self.status_path.read_text())

    def close(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


def _quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


@pytest.fixture
def shells(tmp_path):
    started = []

    def start(argv, **options):
        shell = TmuxShell(argv, tmp_path, **options)
        started.append(shell)
        return shell

    yield start
    for shell in started:
        shell.close()


def prompt_of(handle, db=0):
    return "%s:%d%s> " % (handle.host, handle.port, "[%d]" % db if db else "")


def fkvs_cli(shells, handle, tmp_path, **options):
    env = {"FKVSCLI_HISTFILE": str(tmp_path / "history")}
    env.update(options.pop("env", {}))
    shell = shells([FKVS_CLI_BIN, "-h", handle.host, "-p", str(handle.port)], env=env, **options)
    shell.wait_for(re.escape(prompt_of(handle).rstrip()) + r"\Z")
    return shell


def redis_cli(shells, handle):
    shell = shells([REDIS_CLI, "-h", handle.host, "-p", str(handle.port)],
                   env={"REDISCLI_HISTFILE": "/dev/null"})
    shell.wait_for(re.escape(prompt_of(handle).rstrip()) + r"\Z")
    return shell


def leave(shell, word="exit"):
    """Exits with word; a sanitizer report at exit would make the status non-zero."""
    shell.type(word)
    shell.keys("Enter")
    assert shell.exit_status() == 0


def transcript(shell, handle, lines):
    """Runs lines and returns the screen from the first one on."""
    prompt = prompt_of(handle)
    for line in lines:
        shell.run(line, prompt)
    screen = shell.screen()
    first = screen.index(prompt + lines[0])
    return screen[first:]


def test_prompt_follows_select(server, shells, tmp_path):
    shell = fkvs_cli(shells, server, tmp_path)
    shell.run("SELECT 2", prompt_of(server, 2))
    assert shell.screen()[-2:] == ["OK", prompt_of(server, 2).rstrip()]
    shell.run("SELECT 0", prompt_of(server))
    leave(shell)


def test_session_output_matches_redis_cli(server, shells, tmp_path):
    lines = ["SET a hello", "GET a", "INCR a", "GET missing", 'SET b "two words"',
             "MGET a missing b", "SET n 41", "INCR n", "DEL a b n", "GET a"]
    server.flushall()
    expected = transcript(redis_cli(shells, server), server, lines)
    server.flushall()
    shell = fkvs_cli(shells, server, tmp_path)
    actual = transcript(shell, server, lines)
    leave(shell)
    assert actual == expected
    assert '1) "hello"' in actual and "(nil)" in actual and "(integer) 42" in actual


def test_history_is_kept_across_runs_without_passwords(server, shells, tmp_path):
    shell = fkvs_cli(shells, server, tmp_path)
    shell.run("SET histkey 1", prompt_of(server))
    shell.run("AUTH secret-password", prompt_of(server))
    leave(shell, "quit")

    # libedit's history file: a header, then each line with spaces written as \040.
    saved = (tmp_path / "history").read_text().splitlines()
    assert saved[0] == "_HiStOrY_V2_"
    commands = [line.replace("\\040", " ") for line in saved[1:]]
    assert commands == ["SET histkey 1", "quit"]

    shell = fkvs_cli(shells, server, tmp_path)
    # The recalled line may carry its hint after it.
    shell.keys("Up")
    shell.wait_for(re.escape(prompt_of(server) + "quit") + r"( .*)?\Z")
    shell.keys("Up")
    shell.wait_for(re.escape(prompt_of(server) + "SET histkey 1") + r"( .*)?\Z")
    shell.keys("Enter")
    shell.wait_for(r"^OK\n" + re.escape(prompt_of(server).rstrip()) + r"\Z")


def test_help_matches_redis_cli_against_redis_server(reference, shells, tmp_path):
    lines = ["help set", "help config get", "help @string", "help nosuch"]
    expected = transcript(redis_cli(shells, reference), reference, lines)
    shell = fkvs_cli(shells, reference, tmp_path)
    actual = transcript(shell, reference, lines)
    leave(shell)
    assert actual == expected
    assert "  SET key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|" \
           "PXAT unix-time-milliseconds|KEEPTTL]" in actual


def test_help_against_fkvs_server(server, shells, tmp_path):
    shell = fkvs_cli(shells, server, tmp_path)
    prompt = prompt_of(server)
    shell.run("help", prompt)
    shell.run("help set", prompt)
    shell.run("help config get", prompt)
    screen = shell.screen()
    banner = screen.index(prompt + "help")
    assert screen[banner + 1].startswith("fkvs-cli ")
    assert screen[banner + 2] == "To get help about Redis commands type:"
    assert '      "help <command>" for help on <command>' in screen
    start = screen.index(prompt + "help set")
    assert screen[start + 1:start + 7] == [
        "",
        "  SET key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|"
        "PXAT unix-time-milliseconds|KEEPTTL]",
        "  summary: Set the string value of a key",
        "  since: 1.0.0",
        "  group: string",
        "",
    ]
    start = screen.index(prompt + "help config get")
    assert screen[start + 2] == "  CONFIG GET parameter [parameter ...]"
    leave(shell)


def test_hints_show_the_rest_of_the_syntax(server, shells, tmp_path):
    shell = fkvs_cli(shells, server, tmp_path)
    prompt = re.escape(prompt_of(server))
    bare_prompt = re.escape(prompt_of(server).rstrip())
    shell.type("SET ")
    shell.wait_for(prompt + r"SET +key value \[NX\|XX\] \[GET\] \[EX seconds")
    shell.type("k v")
    shell.wait_for(prompt + r"SET k v +\[NX\|XX\] \[GET\]")
    # Enter takes the hint off the line that stays on screen.
    shell.keys("Enter")
    text = shell.wait_for(r"^OK\n" + bare_prompt + r"\Z")
    assert text.splitlines()[-3] == prompt_of(server) + "SET k v"


def test_no_hints_on_a_dumb_terminal(server, shells, tmp_path):
    shell = fkvs_cli(shells, server, tmp_path, term="dumb")
    shell.type("SET ")
    shell.wait_for(re.escape(prompt_of(server) + "SET") + r"\Z")
    time.sleep(0.3)
    assert shell.screen()[-1] == prompt_of(server) + "SET"


def test_quotes_repeat_count_and_empty_lines(server, shells, tmp_path):
    shell = fkvs_cli(shells, server, tmp_path)
    prompt = prompt_of(server)
    shell.run('GET "unbalanced', prompt)
    assert shell.screen()[-2] == "Invalid argument(s)"
    shell.run("GET 'a'b", prompt)
    assert shell.screen()[-2] == "Invalid argument(s)"
    shell.run("3 INCR counter", prompt)
    assert shell.screen()[-4:-1] == ["(integer) 1", "(integer) 2", "(integer) 3"]
    shell.run("0 PING", prompt)
    assert shell.screen()[-2] == "Invalid redis-cli repeat command option value."
    shell.run("", prompt)
    assert shell.screen()[-2:] == [prompt.rstrip(), prompt.rstrip()]
    shell.run('SET "a key" "a\\nvalue"', prompt)
    shell.run('GET "a key"', prompt)
    assert shell.screen()[-2] == '"a\\nvalue"'
    leave(shell)


def test_reconnects_after_the_server_restarts(start_server, shells, tmp_path):
    handle = start_server()
    port = handle.port
    shell = fkvs_cli(shells, handle, tmp_path)
    shell.run("SELECT 3", prompt_of(handle, 3))
    handle.stop()
    shell.run("PING", "not connected> ")
    assert "Error: Server closed the connection" in shell.screen()[-2]
    shell.run("PING", "not connected> ")
    assert shell.screen()[-2] == (
        "Could not connect to Redis at 127.0.0.1:%d: Connection refused" % port)
    # The same port again, so the next command finds the server.
    handle._start_once(port)
    shell.run("PING", prompt_of(handle, 3))
    assert shell.screen()[-2] == "PONG"
    leave(shell)


def test_connect_to_another_server(server, reference, shells, tmp_path):
    shell = fkvs_cli(shells, server, tmp_path)
    shell.run("connect %s %d" % (reference.host, reference.port), prompt_of(reference))
    shell.run("INFO server", prompt_of(reference))
    assert any(line.startswith("redis_mode:") for line in shell.screen())


def test_tab_completes_command_names_and_help_topics(server, shells, tmp_path):
    shell = fkvs_cli(shells, server, tmp_path)
    prompt = prompt_of(server)
    shell.type("getd")
    shell.keys("Tab")
    shell.wait_for(re.escape(prompt + "getdel") + r"( .*)?\Z")
    shell.keys("C-u")
    # (@str would stop at the common prefix: @stream is a topic too.)
    shell.type("help @stri")
    shell.keys("Tab")
    shell.wait_for(re.escape(prompt + "help @string") + r"\Z")
    shell.keys("Enter")
    shell.wait_for(r"^  APPEND key value$")
    # Several matches with nothing more in common are listed below the line.
    shell.type("INCR")
    shell.keys("Tab")
    shell.wait_for(r"^INCR  INCRBY  INCRBYFLOAT$")
    shell.keys("C-u")
    leave(shell)


def test_ctrl_d_exits_cleanly(server, shells, tmp_path):
    shell = fkvs_cli(shells, server, tmp_path)
    shell.keys("C-d")
    assert shell.exit_status() == 0


def test_ctrl_c_at_the_prompt_exits_cleanly(server, shells, tmp_path):
    # As redis-cli: the half-typed line is dropped and the shell ends with status 0.
    shell = fkvs_cli(shells, server, tmp_path)
    shell.type("GET x")
    shell.keys("C-c")
    assert shell.exit_status() == 0
