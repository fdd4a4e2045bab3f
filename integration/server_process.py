"""Starts and stops a server process (fkvs-server or redis-server) for the tests."""

import os
import random
import select
import signal
import socket
import subprocess
import time
from pathlib import Path

import redis

from raw_connection import RawConnection, one_shot
from resp import parse_reply

REPO_ROOT = Path(__file__).resolve().parent.parent

# FKVS_TEST_TARGET=redis runs the suite against redis-server to validate the tests.
TARGET = os.environ.get("FKVS_TEST_TARGET", "fkvs")
REDIS_SERVER_BIN = os.environ.get("REDIS_SERVER_BIN", "/usr/bin/redis-server")
FKVS_SERVER_BIN = os.environ.get("FKVS_SERVER_BIN",
                                 str(REPO_ROOT / "build" / "src" / "fkvs-server"))
# fkvs's own client tools, built next to the server.
FKVS_CLI_BIN = os.environ.get("FKVS_CLI_BIN",
                              str(REPO_ROOT / "build" / "src" / "tools" / "cli" / "fkvs-cli"))
FKVS_BENCHMARK_BIN = os.environ.get(
    "FKVS_BENCHMARK_BIN", str(REPO_ROOT / "build" / "src" / "tools" / "benchmark" / "fkvs-benchmark"))
# Runs a program with io_uring_setup failing (integration/support/deny_io_uring.c).
FKVS_DENY_IO_URING_BIN = os.environ.get(
    "FKVS_DENY_IO_URING_BIN", str(REPO_ROOT / "build" / "integration" / "support" / "deny-io-uring"))
# The event-loop backend every fkvs-server runs with (epoll, uring, ...);
# unset leaves the server's default. meson runs the suite once per backend.
FKVS_IO_BACKEND = os.environ.get("FKVS_IO_BACKEND")

# Both servers take these: they keep the tests free of disk writes, and both
# refuse DEBUG unless told otherwise.
COMMON_ARGS = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--enable-debug-command", "yes"]
# redis-server would daemonize if a config file said so; fkvs-server needs
# only the backend under test.
TARGET_ARGS = {
    "redis": ["--daemonize", "no"],
    "fkvs": ["--io-backend", FKVS_IO_BACKEND] if FKVS_IO_BACKEND else [],
}

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0


SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def target_binary(target=TARGET):
    return REDIS_SERVER_BIN if target == "redis" else FKVS_SERVER_BIN


# The test command runs the epoll and io_uring suites side by side. Each draws
# its ports from its own range, below the kernel's ephemeral ports, so one
# suite never starts a server on a port the other just picked (the PING that
# waits for start-up would then be answered by the other suite's server).
PORT_RANGES = {"uring": (26000, 32000)}
DEFAULT_PORT_RANGE = (20000, 26000)


def free_port():
    """A loopback port that was free a moment ago (the caller retries on a race)."""
    low, high = PORT_RANGES.get(FKVS_IO_BACKEND, DEFAULT_PORT_RANGE)
    for _ in range(1000):
        port = random.randrange(low, high)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free loopback port in %d-%d" % (low, high))


class ServerStartError(Exception):
    pass


class ServerHandle:
    """One running server plus helpers to talk to it.

    Clients and raw connections made through the handle are remembered so the
    fixtures can close them after each test.
    """

    def __init__(self, binary, workdir, args=(), config_file=None, target=TARGET,
                 config_text=None, config_flag=None, port_arg=True, launcher=(), env=None):
        """config_text, if given, is written to a file (with "{port}" replaced by
        the chosen port) and used as config_file; config_flag (e.g. "-c") goes
        before the config file's path; port_arg=False leaves --port out so the
        port must come from the config file; launcher is a command the server
        runs under (its argv goes first); env adds to the server's environment.

        The target's arguments come before args, so a test's own --io-backend
        wins over FKVS_IO_BACKEND; both win over a config file's io-backend."""
        self.launcher = list(launcher)
        self.env = dict(os.environ, **(env or {}))
        self.binary = binary
        self.workdir = Path(workdir)
        self.extra_args = list(args)
        self.config_file = config_file
        self.config_text = config_text
        self.config_flag = config_flag
        self.port_arg = port_arg
        self.target = target
        self.host = "127.0.0.1"
        self.port = None
        self.process = None
        self.argv = None
        self.log_path = None
        self._clients = []
        self._raw_connections = []
        self._control = None

    def command_line(self, port):
        argv = self.launcher + [self.binary]
        if self.config_text is not None:
            self.config_file = self.workdir / "server.conf"
            self.config_file.write_text(self.config_text.replace("{port}", str(port)))
        if self.config_file:
            argv += ([self.config_flag] if self.config_flag else []) + [str(self.config_file)]
        if self.port_arg:
            argv += ["--port", str(port)]
        return argv + COMMON_ARGS + TARGET_ARGS[self.target] + self.extra_args

    def start(self, attempts=5):
        last_error = None
        for _ in range(attempts):
            try:
                self._start_once(free_port())
                return self
            except ServerStartError as error:
                last_error = error
                if "in use" not in str(error).lower():
                    raise
        raise last_error

    def _start_once(self, port):
        self.port = port
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.workdir / ("server-%d.log" % port)
        self.argv = self.command_line(port)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.argv, cwd=self.workdir, stdout=log,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerStartError("server exited with %s during start-up:\n%s" % (
                    self.process.returncode, self.log()))
            if self._answers_ping():
                return
            time.sleep(0.02)
        self.kill()
        raise ServerStartError("server did not answer PING within %ss:\n%s" % (
            START_TIMEOUT_S, self.log()))

    def _answers_ping(self):
        try:
            reply = one_shot(self.host, self.port, b"PING\r\n", replies=1, timeout=1)
        except (OSError, AssertionError):
            return False
        # With requirepass the server is ready once it asks for authentication.
        return reply == b"+PONG\r\n" or reply.startswith(b"-NOAUTH")

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def client(self, **kwargs):
        """A redis-py client; replies stay bytes."""
        kwargs.setdefault("socket_timeout", 30)
        client = redis.Redis(host=self.host, port=self.port, decode_responses=False, **kwargs)
        self._clients.append(client)
        return client

    def connect_raw(self, timeout=10.0):
        conn = RawConnection(self.host, self.port, timeout)
        self._raw_connections.append(conn)
        return conn

    def raw(self, data, replies=None, nbytes=None, timeout=10.0):
        """Sends data on a new connection; reads `replies` replies, `nbytes`
        bytes, or (with neither) everything until the server closes it."""
        return one_shot(self.host, self.port, data, replies, nbytes, timeout)

    def reply(self, *args):
        """Runs one command on a long-lived raw connection; returns its raw reply."""
        if self._control is None or self._control.eof:
            self._control = self.connect_raw()
        return self._control.command(*args)

    def info(self, *sections):
        """INFO as {field: value} (str), section headers and blank lines dropped."""
        text = parse_reply(self.reply("INFO", *sections))[0].decode()
        return dict(line.split(":", 1) for line in text.splitlines()
                    if line and not line.startswith("#"))

    def flushall(self):
        assert self.reply("FLUSHALL") == b"+OK\r\n"

    def close_connections(self):
        for client in self._clients:
            client.close()
        for conn in self._raw_connections:
            conn.close()
        self._clients.clear()
        self._raw_connections.clear()
        self._control = None

    def stop(self, timeout=STOP_TIMEOUT_S):
        """SIGTERM, then SIGKILL if it lingers; returns the exit status."""
        self.close_connections()
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self.check_sanitizer_reports()
        return self.process.returncode

    def check_sanitizer_reports(self):
        # A sanitizer build aborts on a memory error, which fails the test at
        # hand, but a leak or UB report printed at exit would pass unseen.
        log = self.log()
        for marker in SANITIZER_MARKERS:
            if marker in log:
                raise AssertionError("%s reported by %s:\n%s" % (marker, self.binary, log[-4000:]))

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            # Bounded even so: a process stuck in the kernel ignores SIGKILL.
            wait_process(self.process, STOP_TIMEOUT_S, "%s, sent SIGKILL," % self.binary)

    def wait_exit(self, timeout=STOP_TIMEOUT_S):
        """Waits for the process to exit by itself; returns the exit status."""
        return wait_process(self.process, timeout, self.binary)


def wait_until(predicate, timeout, interval=0.05, message="condition"):
    """Polls predicate until it is truthy; fails the test after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("%s not reached within %ss" % (message, timeout))
        time.sleep(interval)


def wait_process(process, timeout, what):
    """process.wait(timeout), failing with a message that names the process (what)."""
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError("%s (pid %d) did not exit within %ss" % (
            what, process.pid, timeout)) from None


def join_threads(threads, timeout, what):
    """Joins threads against one deadline (not timeout each) and fails if any
    is still running; a test's threads should be daemons, so that one left
    running cannot keep pytest from exiting."""
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    running = sum(thread.is_alive() for thread in threads)
    assert running == 0, "%d of %d %s did not finish within %ss" % (
        running, len(threads), what, timeout)


def read_lines(pipe, count, timeout, what):
    """The first count lines a child prints on pipe (its stdout, opened in
    binary), as str with universal newlines; fails after timeout seconds
    rather than block on a child that prints nothing and never exits."""
    deadline = time.monotonic() + timeout
    data = b""
    while data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([pipe], [], [], remaining)[0]:
            raise AssertionError("%d lines from %s not printed within %ss; got %r" % (
                count, what, timeout, data[-2000:]))
        chunk = os.read(pipe.fileno(), 65536)
        if not chunk:
            raise AssertionError("%s closed its output after %r" % (what, data[-2000:]))
        data += chunk
    text = data.decode(errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    return text.splitlines(keepends=True)[:count]
