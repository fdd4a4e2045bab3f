"""Running under a supervisor: sd_notify readiness and stopping, daemonize,
the pidfile, log reopening on SIGHUP, syslog, and shutting down on SIGTERM
with every queued reply delivered."""

import os
import signal
import socket
import subprocess
import threading
import time

import pytest

from raw_connection import RawConnection
from replies import OK
from server_process import FKVS_SERVER_BIN, TARGET, free_port, join_threads, wait_until

pytestmark = pytest.mark.skipif(TARGET != "fkvs", reason="fkvs-server's own process behaviour")

SERVER_ARGS = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]


class NotifySocket:
    """A fake systemd: the datagram socket NOTIFY_SOCKET names."""

    def __init__(self, path):
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if self.path.startswith("@"):
            self.sock.bind("\0" + self.path[1:])
        else:
            self.sock.bind(self.path)
        self.sock.settimeout(10)

    def next_message(self):
        try:
            return self.sock.recv(4096).decode()
        except socket.timeout:
            # Still a socket.timeout, which test_no_supervision_sends_nothing expects.
            raise socket.timeout("no message on NOTIFY_SOCKET %s within %ss" % (
                self.path, self.sock.gettimeout())) from None

    def close(self):
        self.sock.close()


def answers_ping(port):
    try:
        with RawConnection("127.0.0.1", port, timeout=2) as conn:
            return conn.command("PING") == b"+PONG\r\n"
    except OSError:
        return False


def start(tmp_path, *args, env=None):
    port = free_port()
    log = open(tmp_path / "server.log", "wb")
    process = subprocess.Popen([FKVS_SERVER_BIN, "--port", str(port), *SERVER_ARGS, *args],
                               cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, env=dict(os.environ, **(env or {})))
    return process, port


@pytest.mark.parametrize("mode, address", [("systemd", "notify.sock"), ("auto", "notify.sock"),
                                           ("systemd", "@fkvs-test-notify")])
def test_systemd_hears_ready_once_listening_and_stopping_on_sigterm(tmp_path, mode, address):
    name = address if address.startswith("@") else str(tmp_path / address)
    if name.startswith("@"):
        name += "-%d" % os.getpid()
    notify = NotifySocket(name)
    process, port = start(tmp_path, "--supervised", mode, env={"NOTIFY_SOCKET": name})
    try:
        ready = notify.next_message()
        assert "READY=1" in ready.split("\n")
        assert "STATUS=Ready to accept connections" in ready.split("\n")
        # Ready means the listener already accepts.
        assert answers_ping(port)
        with RawConnection("127.0.0.1", port) as conn:
            info = conn.command("INFO", "server")
        assert b"process_supervised:systemd\r\n" in info
        process.send_signal(signal.SIGTERM)
        assert notify.next_message() == "STOPPING=1"
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        notify.close()


def test_no_supervision_sends_nothing(tmp_path):
    notify = NotifySocket(tmp_path / "notify.sock")
    notify.sock.settimeout(0.5)
    process, port = start(tmp_path, env={"NOTIFY_SOCKET": notify.path})
    try:
        wait_until(lambda: answers_ping(port), timeout=10, message="server up")
        with pytest.raises(socket.timeout):
            notify.next_message()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
        notify.close()


def test_daemonize_writes_and_removes_the_pidfile(tmp_path):
    pidfile = tmp_path / "fkvs.pid"
    logfile = tmp_path / "fkvs.log"
    socket_path = tmp_path / "fkvs.sock"
    port = free_port()
    # The command returns once the daemon is on its own.
    done = subprocess.run([FKVS_SERVER_BIN, "--port", str(port), *SERVER_ARGS, "--daemonize",
                           "yes", "--pidfile", str(pidfile), "--logfile", str(logfile),
                           "--unixsocket", str(socket_path)],
                          cwd=tmp_path, capture_output=True, timeout=10)
    assert done.returncode == 0
    assert done.stdout == b"" and done.stderr == b""
    wait_until(lambda: answers_ping(port), timeout=10, message="daemon up")
    wait_until(pidfile.exists, timeout=5, message="pidfile written")
    pid = int(pidfile.read_text())
    assert pid != os.getpid()
    # In a session of its own: not a child of the shell that started it.
    assert os.getsid(pid) == pid
    assert "Ready to accept connections" in logfile.read_text()
    os.kill(pid, signal.SIGTERM)
    wait_until(lambda: not pidfile.exists(), timeout=10, message="pidfile removed")
    assert not socket_path.exists()
    wait_until(lambda: not os.path.exists("/proc/%d" % pid), timeout=10, message="daemon gone")


def test_pidfile_without_daemonize(tmp_path):
    pidfile = tmp_path / "server.pid"
    process, port = start(tmp_path, "--pidfile", str(pidfile))
    wait_until(lambda: answers_ping(port), timeout=10, message="server up")
    assert int(pidfile.read_text()) == process.pid
    process.send_signal(signal.SIGINT)
    assert process.wait(10) == 0
    assert not pidfile.exists()


def test_sighup_reopens_the_log_file(tmp_path):
    logfile = tmp_path / "fkvs.log"
    process, port = start(tmp_path, "--logfile", str(logfile))
    try:
        wait_until(lambda: answers_ping(port), timeout=10, message="server up")
        rotated = tmp_path / "fkvs.log.1"
        os.rename(logfile, rotated)  # what logrotate does
        process.send_signal(signal.SIGHUP)
        wait_until(logfile.exists, timeout=5, message="log file reopened")
        wait_until(lambda: "log file reopened" in logfile.read_text(), timeout=5,
                   message="a line in the new file")
        assert "Ready to accept connections" in rotated.read_text()
        with RawConnection("127.0.0.1", port) as conn:
            assert conn.command("CONFIG", "SET", "loglevel", "verbose") == OK
            conn.command("CLIENT", "KILL", "ID", "999999")
        assert answers_ping(port)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
    assert "ready to exit" in logfile.read_text()


def test_syslog_enabled_starts_and_logs_to_its_file_too(tmp_path):
    logfile = tmp_path / "fkvs.log"
    process, port = start(tmp_path, "--logfile", str(logfile), "--syslog-enabled", "yes",
                          "--syslog-ident", "fkvs-test", "--syslog-facility", "local3")
    try:
        wait_until(lambda: answers_ping(port), timeout=10, message="server up")
        with RawConnection("127.0.0.1", port) as conn:
            assert conn.command("CONFIG", "GET", "syslog-*") == (
                b"*6\r\n$14\r\nsyslog-enabled\r\n$3\r\nyes\r\n$12\r\nsyslog-ident\r\n"
                b"$9\r\nfkvs-test\r\n$15\r\nsyslog-facility\r\n$6\r\nlocal3\r\n")
        assert "Ready to accept connections" in logfile.read_text()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0


def test_sigterm_delivers_every_queued_reply_then_exits(tmp_path):
    """Pipelines in flight when SIGTERM arrives, with megabytes of replies
    queued for clients that have not read yet: what was answered arrives
    whole, and the server exits cleanly, removing its unix socket."""
    socket_path = tmp_path / "fkvs.sock"
    # Past shutdown-timeout the server cuts clients off mid-reply, as it should; on two busy
    # cores the readers below may take longer than the default 10 s to drain 80 MB.
    process, port = start(tmp_path, "--unixsocket", str(socket_path), "--shutdown-timeout", "60")
    wait_until(lambda: answers_ping(port), timeout=10, message="server up")
    value = b"v" * 1000
    reply = b"$1000\r\n" + value + b"\r\n"
    clients = []
    for _ in range(4):
        conn = RawConnection("127.0.0.1", port, timeout=20)
        assert conn.command("SET", "k", value) == OK
        clients.append(conn)
    # A reader that does not read yet: its replies wait in the server.
    request = b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n" * 20000
    for conn in clients:
        conn.send(request)
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    received = []

    def read_all(conn):
        data = conn.read_until_close(timeout=20)
        received.append(data)

    threads = [threading.Thread(target=read_all, args=(conn,), daemon=True) for conn in clients]
    for thread in threads:
        thread.start()
    join_threads(threads, 70, "clients reading until the server closed them")
    assert process.wait(20) == 0
    log = (tmp_path / "server.log").read_text()
    assert "shutdown-timeout" not in log, log
    assert len(received) == len(clients)
    for data in received:
        # Requests not yet run when the signal came are dropped, but every
        # reply the server produced arrives, and whole.
        assert len(data) >= len(reply)
        assert data == reply * (len(data) // len(reply))
    assert not socket_path.exists()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
