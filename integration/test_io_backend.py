"""The event-loop backend: INFO's multiplexing_api, the fallback to epoll, and
the I/O paths each backend implements for itself (connections that vanish
mid-request, a 100 MB value, a client that stops reading). meson runs the
suite once per backend (FKVS_IO_BACKEND), so these run under each of them."""

import hashlib
import os
import random
import re
import socket
import struct
import subprocess
import sys
import threading
import time

import pytest

from replies import OK
from resp import encode_command
from server_process import FKVS_DENY_IO_URING_BIN, FKVS_IO_BACKEND, join_threads, wait_until

ON_LINUX = sys.platform.startswith("linux")
# What INFO's multiplexing_api says for each io-backend value.
MULTIPLEXING_API = {"epoll": "epoll", "uring": "io_uring", "kqueue": "kqueue"}
PONG = b"+PONG\r\n"
# Generous on purpose: it tells a server that answers from one that is stuck
# behind another client, not a fast server from a slow machine.
PROMPT_S = 2.0


def fallback_lines(log, backend=r"\S+"):
    pattern = re.compile(r"io-backend %s is unavailable \(.+\); using epoll" % backend)
    return [line for line in log.splitlines() if pattern.search(line)]


def assert_answers_ping_promptly(conn):
    conn.send_command("PING")
    assert conn.read_reply(timeout=PROMPT_S) == PONG


def connected_clients(handle):
    return int(handle.info("clients")["connected_clients"])


def assert_serves_on_epoll_after_one_fallback_line(handle, backend):
    assert handle.reply("SET", "key", "value") == OK
    assert handle.reply("GET", "key") == b"$5\r\nvalue\r\n"
    assert handle.info("server")["multiplexing_api"] == "epoll"
    assert len(fallback_lines(handle.log(), backend)) == 1, handle.log()


@pytest.mark.fkvs_only
@pytest.mark.skipif(not FKVS_IO_BACKEND, reason="FKVS_IO_BACKEND unset: the server's default")
def test_multiplexing_api_is_the_backend_asked_for(server):
    assert server.info("server")["multiplexing_api"] == MULTIPLEXING_API[FKVS_IO_BACKEND], (
        fallback_lines(server.log()))


def deny_io_uring_launcher(error):
    if not os.access(FKVS_DENY_IO_URING_BIN, os.X_OK):
        pytest.fail("%s not found; build it or set FKVS_DENY_IO_URING_BIN"
                    % FKVS_DENY_IO_URING_BIN, pytrace=False)
    return [FKVS_DENY_IO_URING_BIN, error]


# io_uring_setup(2)'s number on x86-64 and arm64 (the unified syscall table).
IO_URING_SETUP = 425
PROBE_IO_URING_SETUP = """
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
params = ctypes.create_string_buffer(120)
result = libc.syscall(%d, 1, params)
print(result, errno.errorcode.get(ctypes.get_errno()) if result < 0 else "")
""" % IO_URING_SETUP


@pytest.mark.skipif(not ON_LINUX, reason="io_uring is Linux's")
@pytest.mark.parametrize("error", ["ENOSYS", "EPERM"])
def test_deny_io_uring_makes_io_uring_setup_fail(error):
    """Checks the tool itself, so the fallback tests below cannot pass because
    the filter silently did nothing."""
    probe = subprocess.run(deny_io_uring_launcher(error) + [sys.executable, "-c",
                                                            PROBE_IO_URING_SETUP],
                           capture_output=True, text=True, timeout=30)
    assert (probe.returncode, probe.stdout.split()) == (0, ["-1", error]), probe.stderr


@pytest.mark.fkvs_only
@pytest.mark.skipif(not ON_LINUX, reason="io_uring is Linux's")
@pytest.mark.parametrize("error", ["ENOSYS", "EPERM"])
def test_uring_falls_back_to_epoll_when_the_kernel_refuses_io_uring(start_server, error):
    handle = start_server("--io-backend", "uring", launcher=deny_io_uring_launcher(error))
    assert_serves_on_epoll_after_one_fallback_line(handle, "uring")


@pytest.mark.fkvs_only
@pytest.mark.skipif(not ON_LINUX, reason="kqueue is a real backend off Linux")
def test_kqueue_on_linux_falls_back_to_epoll(start_server):
    assert_serves_on_epoll_after_one_fallback_line(start_server("--io-backend", "kqueue"),
                                                   "kqueue")


def reset(sock):
    """Closes with an RST instead of a FIN (SO_LINGER with a zero timeout)."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


CHUNK = b"c" * 65536
HALF_COMMAND = b"*3\r\n$3\r\nSET\r\n$9\r\nhalf:line\r\n$5\r\nva"
# A 16 MB argument of which only the first megabyte ever arrives.
HALF_LARGE_BULK = b"*3\r\n$3\r\nSET\r\n$9\r\nhalf:bulk\r\n$16777216\r\n" + b"b" * (1 << 20)


def ping_then_close(sock):
    sock.sendall(b"PING\r\n")
    assert sock.recv(len(PONG), socket.MSG_WAITALL) == PONG


def close_at_once(sock):
    pass


def reset_after_a_command(sock):
    sock.sendall(b"PING\r\n")
    reset(sock)


def close_mid_command(sock):
    sock.sendall(HALF_COMMAND)


def reset_mid_command(sock):
    sock.sendall(HALF_COMMAND)
    reset(sock)


def reset_mid_large_bulk(sock):
    sock.sendall(HALF_LARGE_BULK)
    reset(sock)


def reset_with_replies_unread(sock):
    # 4 MB of replies, so some are still being sent when the RST comes.
    sock.sendall(encode_command("GET", "chunk") * 64)
    reset(sock)


CHURN = [ping_then_close, close_at_once, reset_after_a_command, close_mid_command,
         reset_mid_command, reset_mid_large_bulk, reset_with_replies_unread]


def pipeline_round(worker, round_index):
    """A batch of commands whose replies are known, as (request, replies)."""
    request = []
    replies = []
    for index in range(20):
        key = "pipe:%d:%d:%d" % (worker, round_index, index)
        value = b"v" * (index * 37 % 300)
        request += [encode_command("SET", key, value), encode_command("GET", key)]
        replies += [OK, b"$%d\r\n%s\r\n" % (len(value), value)]
    request += [encode_command("INCR", "pipe:%d:rounds" % worker), encode_command("GET", "chunk")]
    replies += [b":%d\r\n" % (round_index + 1), b"$65536\r\n" + CHUNK + b"\r\n"]
    return b"".join(request), b"".join(replies)


def test_connections_coming_and_going_mid_request_leave_pipelines_intact(start_server):
    handle = start_server()
    assert handle.reply("SET", "chunk", CHUNK) == OK
    pipeliners = 3
    churners = 3
    churn_per_kind = 30
    min_rounds = 20
    churn_done = threading.Event()
    failures = []

    def pipeline(worker):
        try:
            conn = handle.connect_raw(timeout=30)
            round_index = 0
            while round_index < min_rounds or not churn_done.is_set():
                request, replies = pipeline_round(worker, round_index)
                conn.send(request)
                received = conn.read_bytes(len(replies))
                if received != replies:
                    failures.append(("pipeline", worker, round_index, received[:200]))
                    return
                round_index += 1
        except Exception as error:  # Reported below; a thread cannot fail the test itself.
            failures.append(("pipeline", worker, repr(error)))

    def churn(worker):
        for index in range(churn_per_kind * len(CHURN)):
            kind = CHURN[(index + worker) % len(CHURN)]
            try:
                sock = socket.create_connection((handle.host, handle.port), timeout=30)
                with sock:
                    kind(sock)
            except Exception as error:  # Reported below, as in pipeline().
                failures.append((kind.__name__, worker, index, repr(error)))

    pipeline_threads = [threading.Thread(target=pipeline, args=(worker,), daemon=True)
                        for worker in range(pipeliners)]
    churn_threads = [threading.Thread(target=churn, args=(worker,), daemon=True)
                     for worker in range(churners)]
    for thread in pipeline_threads + churn_threads:
        thread.start()
    try:
        join_threads(churn_threads, 120, "churning threads")
    finally:
        churn_done.set()  # so the pipeliners stop even when a churner is stuck
    join_threads(pipeline_threads, 120, "pipelining threads")
    assert failures == []
    assert handle.raw(b"PING\r\n", replies=1) == PONG
    # Commands that never arrived whole never ran.
    assert handle.reply("EXISTS", "half:line", "half:bulk") == b":0\r\n"
    # The pipeliners and the connection asking.
    wait_until(lambda: connected_clients(handle) == pipeliners + 1, timeout=30,
               message="connected_clients back to %d" % (pipeliners + 1))


HUNDRED_MB = 100 * 1024 * 1024


@pytest.fixture(scope="module")
def hundred_megabytes():
    """100 MB that do not repeat, so a misplaced chunk changes the digest."""
    return random.Random(1 << 20).randbytes(HUNDRED_MB)


def digest(data):
    return hashlib.sha256(data).hexdigest()


def read_bulk(conn, length):
    """The payload of a bulk reply of a known length."""
    header = b"$%d\r\n" % length
    assert conn.read_bytes(len(header)) == header
    payload = conn.read_bytes(length)
    assert conn.read_bytes(2) == b"\r\n"
    return payload


@pytest.mark.slow
def test_hundred_megabyte_value_in_and_out(server, hundred_megabytes):
    conn = server.connect_raw(timeout=60)
    conn.send(encode_command("SET", "big", hundred_megabytes))
    assert conn.read_reply() == OK
    assert conn.command("STRLEN", "big") == b":%d\r\n" % HUNDRED_MB
    conn.send_command("GET", "big")
    assert digest(read_bulk(conn, HUNDRED_MB)) == digest(hundred_megabytes)


@pytest.mark.slow
def test_hundred_megabyte_value_pipelined_with_small_commands(server, hundred_megabytes):
    conn = server.connect_raw(timeout=60)
    conn.send(encode_command("SET", "small", "1") + encode_command("SET", "big", hundred_megabytes)
              + encode_command("INCR", "small") + encode_command("GET", "big")
              + encode_command("GET", "small") + encode_command("APPEND", "big", "!")
              + encode_command("PING"))
    assert conn.read_replies(3) == OK + OK + b":2\r\n"
    assert digest(read_bulk(conn, HUNDRED_MB)) == digest(hundred_megabytes)
    assert conn.read_replies(3) == b"$1\r\n2\r\n:%d\r\n" % (HUNDRED_MB + 1) + PONG
    conn.send_command("GETRANGE", "big", -2, -1)
    assert conn.read_reply() == b"$2\r\n" + hundred_megabytes[-1:] + b"!\r\n"


def stop_reading_after_asking(handle, requests):
    """A connection that sends `requests` GETs of "chunk" and reads nothing.

    A small receive buffer makes the kernel hold few of the replies, so the
    rest stays with the server."""
    conn = handle.connect_raw(timeout=60)
    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    conn.send(encode_command("GET", "chunk") * requests)
    return conn


@pytest.mark.fkvs_only  # redis-server 7.0 has no client_output_buffer_limit_disconnections
def test_client_past_the_hard_output_limit_is_disconnected(start_server):
    handle = start_server("--client-output-buffer-limit", "normal", "1mb", "0", "0")
    chunk = b"x" * (256 * 1024)
    assert handle.reply("SET", "chunk", chunk) == OK
    requests = 256  # 64 MB of replies
    reader = stop_reading_after_asking(handle, requests)
    bystander = handle.connect_raw()

    def disconnected():
        assert_answers_ping_promptly(bystander)
        return handle.info("stats")["client_output_buffer_limit_disconnections"] == "1"

    wait_until(disconnected, timeout=30, interval=0.2, message="the reader disconnected")
    assert len(reader.read_until_close(timeout=30)) < requests * len(chunk)
    assert_answers_ping_promptly(bystander)
    # The bystander and the connection asking.
    wait_until(lambda: connected_clients(handle) == 2, timeout=30,
               message="connected_clients back to 2")


@pytest.mark.fkvs_only  # redis-server buffers every reply; fkvs stops reading instead
def test_client_that_stops_reading_is_paused_and_memory_stays_bounded(start_server):
    handle = start_server()
    chunk = b"y" * (1 << 20)
    assert handle.reply("SET", "chunk", chunk) == OK
    used_before = int(handle.info("memory")["used_memory"])
    requests = 256  # 256 MB of replies, were they all made at once
    reader = stop_reading_after_asking(handle, requests)
    bystander = handle.connect_raw()
    hits = []

    def stalled():
        assert_answers_ping_promptly(bystander)
        hits.append(int(handle.info("stats")["keyspace_hits"]))
        return len(hits) >= 3 and hits[-1] == hits[-3] > 0

    wait_until(stalled, timeout=60, interval=0.5, message="the reader's GETs to stop running")
    assert hits[-1] < requests
    grown = int(handle.info("memory")["used_memory"]) - used_before
    assert grown < 64 * 1024 * 1024, "used_memory grew by %d bytes" % grown
    # Reading again lets the rest run, every reply whole and in order.
    reply = b"$%d\r\n%s\r\n" % (len(chunk), chunk)
    for index in range(requests):
        assert reader.read_bytes(len(reply)) == reply, "reply %d" % index
    assert_answers_ping_promptly(bystander)
    assert handle.info("stats")["keyspace_hits"] == str(requests)
