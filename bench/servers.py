"""The servers under test: start one on a free loopback port, wait for PING,
prefill it, read its CPU time and the I/O backend it runs, stop it. Shared by
all the scripts here."""

import contextlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_FKVS_BIN = os.path.join(REPO_ROOT, "build", "src", "fkvs-server")
DEFAULT_REDIS_BIN = "/usr/bin/redis-server"


def add_server_arguments(parser):
    """The options every script takes to choose the two servers."""
    parser.add_argument("--fkvs-bin", default=DEFAULT_FKVS_BIN)
    parser.add_argument("--redis-bin", default=DEFAULT_REDIS_BIN)
    parser.add_argument("--fkvs-args", default="", help="extra fkvs-server arguments (one string)")
    parser.add_argument("--redis-args", default="",
                        help="extra redis-server arguments (one string)")


def add_backends_argument(parser):
    """--backends: several fkvs-servers, one per I/O backend, against one redis."""
    parser.add_argument("--backends", default="",
                        help="comma list of fkvs-server --io-backend values (epoll,uring): one "
                        "fkvs server each, named fkvs-epoll, fkvs-uring, ..., all measured "
                        "against the same redis-server; default one fkvs with --fkvs-args alone")


def add_pinning_arguments(parser):
    """The options that put the servers on one core and the load generator on another."""
    parser.add_argument("--server-cpu", type=int, default=0, help="core all servers run on")
    parser.add_argument("--client-cpu", type=int, default=1, help="core the load generator runs on")
    parser.add_argument("--no-pin", action="store_true", help="do not use taskset at all")


def server_launcher(args):
    return [] if args.no_pin else ["taskset", "-c", str(args.server_cpu)]


def pinning_description(args, generator):
    if args.no_pin:
        return "nothing pinned"
    return "servers on core %d, %s on core %d" % (args.server_cpu, generator, args.client_cpu)


# fkvs-server accepts redis-server's command line, so both get the same flags:
# no persistence, so neither server spends time on snapshots mid-benchmark.
SERVER_FLAGS = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]

# redis-benchmark's -r N replaces __rand_int__ in "key:__rand_int__" with a
# random number in [0, N) printed as 12 zero-padded digits.
KEY_FORMAT = "key:%012d"

CLOCK_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")

# The server every ratio is taken against.
REFERENCE_NAME = "redis"

# What INFO's multiplexing_api reads when fkvs-server runs the --io-backend asked
# for; anything else means it fell back (to epoll, while io_uring is missing).
MULTIPLEXING_API = {"epoll": "epoll", "uring": "io_uring", "kqueue": "kqueue"}

# io_uring's kernel threads are named after the process they serve: iou-sqp-PID
# (the SQPOLL poller), iou-wrk-PID (io-wq workers).
THREAD_NAME_PID = re.compile(r"-\d+$")


class BenchError(Exception):
    """A failure that ends the run with a message rather than a traceback."""


def free_port():
    """A loopback port nobody listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def encode_command(*args):
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


class Connection:
    """Just enough of a RESP2 client to probe and prefill a server."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""

    def close(self):
        self.sock.close()

    def _line(self):
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise BenchError("server closed the connection")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def read_exactly(self, size):
        while len(self.buffer) < size:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise BenchError("server closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def read_reply(self):
        """One reply: str for +simple, int for :integer, bytes or None for bulk,
        list for arrays; an -error comes back as a BenchError instance."""
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return BenchError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            return None if size < 0 else self.read_exactly(size + 2)[:-2]
        if kind == b"*":
            count = int(rest)
            return None if count < 0 else [self.read_reply() for _ in range(count)]
        raise BenchError("unexpected reply line %r" % line)

    def call(self, *args):
        self.sock.sendall(encode_command(*args))
        return self.read_reply()

    def pipeline(self, commands):
        self.sock.sendall(b"".join(encode_command(*command) for command in commands))
        return [self.read_reply() for _ in commands]


def send_checked(port, commands, check, batch_bytes=1 << 20, timeout=120.0):
    """Sends pre-encoded RESP commands (an iterable of bytes, one command each)
    over one connection in batches of about batch_bytes, one batch in flight
    while the previous batch's replies are read; check(reply, index) is called
    on every reply in order and raises to stop. Returns the number of commands."""
    conn = Connection(port, timeout=timeout)
    sent = answered = 0
    try:
        in_flight = []
        batch, size = [], 0

        def flush():
            nonlocal sent, answered, batch, size
            conn.sock.sendall(b"".join(batch))
            in_flight.append(len(batch))
            sent += len(batch)
            batch, size = [], 0
            if len(in_flight) > 1:
                for _ in range(in_flight.pop(0)):
                    check(conn.read_reply(), answered)
                    answered += 1

        for command in commands:
            batch.append(command)
            size += len(command)
            if size >= batch_bytes:
                flush()
        if batch:
            flush()
        for count in in_flight:
            for _ in range(count):
                check(conn.read_reply(), answered)
                answered += 1
    finally:
        conn.close()
    return sent


def prefill(port, keyspace, value):
    """SET every key redis-benchmark -r keyspace can pick, so that GETs hit and
    SETs overwrite a full keyspace on both servers alike."""
    batch = 1000
    conn = Connection(port, timeout=120.0)
    try:
        for start in range(0, keyspace, batch):
            keys = range(start, min(start + batch, keyspace))
            replies = conn.pipeline([("SET", KEY_FORMAT % i, value) for i in keys])
            failed = [r for r in replies if r != "OK"]
            if failed:
                raise BenchError("prefill SET failed: %r" % failed[0])
        size = conn.call("DBSIZE")
        # GETs below still check the prefill on a server without DBSIZE.
        if isinstance(size, int) and size != keyspace:
            raise BenchError("after prefill DBSIZE is %r, expected %d" % (size, keyspace))
        for probe in (0, keyspace - 1):
            got = conn.call("GET", KEY_FORMAT % probe)
            if got != value:
                raise BenchError("prefill check: GET %s returned %r" % (KEY_FORMAT % probe, got))
    finally:
        conn.close()


class ServerProcess:
    """One server process, optionally behind a launcher such as taskset or valgrind.

    The launchers used here exec the server in place, so the process we start
    is the server itself: its /proc/PID/stat is the server's CPU time.
    """

    def __init__(self, name, binary, log_path, launcher=(), extra_args=()):
        self.name = name
        # Absolute, because the server runs in its log's folder.
        self.binary = os.path.abspath(binary)
        self.log_path = log_path
        self.launcher = list(launcher)
        self.extra_args = list(extra_args)
        self.port = None
        self.process = None
        self.server_info = {}  # INFO server, read once started
        self.thread_names = set()  # every thread seen by note_threads()

    @property
    def pid(self):
        return self.process.pid

    def start(self, ready_timeout=30.0):
        if not os.access(self.binary, os.X_OK):
            raise BenchError("%s binary %s is missing or not executable" % (self.name, self.binary))
        self.port = free_port()
        argv = (self.launcher + [self.binary, "--port", str(self.port)] + SERVER_FLAGS +
                self.extra_args)
        # The log's folder is the working directory, so nothing lands in the repo.
        workdir = os.path.dirname(self.log_path)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, cwd=workdir)
        self._wait_for_ping(ready_timeout)
        self.server_info = self.info("server")
        if self.fell_back():
            print("%s: asked for --io-backend %s, but INFO multiplexing_api is %s" %
                  (self.name, self.io_backend_asked(), self.multiplexing_api), file=sys.stderr)
        return self

    def info(self, section):
        """INFO section as {field: value}."""
        conn = Connection(self.port)
        try:
            reply = conn.call("INFO", section)
        finally:
            conn.close()
        if not isinstance(reply, bytes):
            raise BenchError("%s: INFO %s replied %r" % (self.name, section, reply))
        fields = (line.split(":", 1) for line in reply.decode().splitlines() if ":" in line)
        return {key: value for key, value in fields}

    def version(self):
        """fkvs-server's own version where INFO has one (its redis_version is the
        one it is compatible with), else redis_version."""
        if "fkvs_version" in self.server_info:
            return "fkvs " + self.server_info["fkvs_version"]
        return "redis " + self.server_info.get("redis_version", "unknown")

    @property
    def multiplexing_api(self):
        return self.server_info.get("multiplexing_api", "unknown")

    def io_backend_asked(self):
        """The last --io-backend value on the command line, if any."""
        asked = [value for flag, value in zip(self.extra_args, self.extra_args[1:])
                 if flag == "--io-backend"]
        return asked[-1] if asked else None

    def fell_back(self):
        expected = MULTIPLEXING_API.get(self.io_backend_asked())
        return expected is not None and self.multiplexing_api != expected

    def backend_label(self):
        """The multiplexing API the server runs, flagged when it is not the one asked for."""
        if not self.fell_back():
            return self.multiplexing_api
        return "%s (not %s!)" % (self.multiplexing_api, MULTIPLEXING_API[self.io_backend_asked()])

    def note_threads(self):
        """Records the names of the server's threads now; io_uring's workers come
        and go, so callers sample after each run."""
        task_dir = "/proc/%d/task" % self.pid
        for task in os.listdir(task_dir):
            try:
                with open(os.path.join(task_dir, task, "comm")) as comm:
                    self.thread_names.add(THREAD_NAME_PID.sub("", comm.read().strip()))
            except FileNotFoundError:  # the thread ended meanwhile
                pass

    def _wait_for_ping(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise BenchError("%s exited with status %s while starting; log: %s" %
                                 (self.name, self.process.returncode, self.log_path))
            try:
                conn = Connection(self.port, timeout=max(1.0, deadline - time.monotonic()))
                try:
                    if conn.call("PING") == "PONG":
                        return
                finally:
                    conn.close()
            except (OSError, BenchError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise BenchError("%s did not answer PING within %.0f s; log: %s" %
                                 (self.name, timeout, self.log_path))
            time.sleep(0.1)

    def check_alive(self):
        if self.process.poll() is not None:
            raise BenchError("%s died (status %s); log: %s" %
                             (self.name, self.process.returncode, self.log_path))

    def cpu_seconds(self):
        """User plus system CPU time of the whole process: all its threads, those
        that have ended included, and io_uring's iou-sqp/iou-wrk threads, which the
        kernel (5.12 on) creates inside the process."""
        with open("/proc/%d/stat" % self.pid) as stat:
            # The command name (field 2) may hold spaces; count fields after its ')'.
            fields = stat.read().rsplit(")", 1)[1].split()
        utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of stat
        return (utime + stime) / CLOCK_TICKS_PER_SECOND

    def rss_bytes(self):
        """Resident set size now: VmRSS of /proc/PID/status."""
        with open("/proc/%d/status" % self.pid) as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024  # kB
        raise BenchError("%s: no VmRSS in /proc/%d/status" % (self.name, self.pid))

    def stop(self, timeout=60.0):
        """SIGTERM, then SIGKILL if it lingers. Returns the exit status."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def servers_under_test(args, log_dir, launcher=()):
    """ServerProcesses, not started, in the order rounds interleave them: one fkvs
    per --backends entry (or one "fkvs"), then redis."""
    fkvs_args = shlex.split(args.fkvs_args)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    variants = [("fkvs-" + b, fkvs_args + ["--io-backend", b]) for b in backends]
    servers = [ServerProcess(name, args.fkvs_bin, os.path.join(log_dir, name + ".log"), launcher,
                             extra) for name, extra in variants or [("fkvs", fkvs_args)]]
    servers.append(ServerProcess(REFERENCE_NAME, args.redis_bin,
                                 os.path.join(log_dir, REFERENCE_NAME + ".log"), launcher))
    return servers


@contextlib.contextmanager
def servers_running(servers, args, workdir, script):
    """Starts and prefills every server, and stops them all on the way out. A
    BenchError ends the script with its message, keeping workdir for the server
    logs in it; otherwise workdir is removed."""
    try:
        for server in servers:
            server.start()
            prefill(server.port, args.keyspace, b"x" * args.data_size)
        yield
    except BenchError as error:
        sys.exit("%s: %s (logs in %s)" % (script, error, workdir))
    finally:
        for server in servers:
            server.stop()
    shutil.rmtree(workdir)
