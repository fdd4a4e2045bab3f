"""Blocking list commands seen by a RESP3 client that really blocks: the
reply when a push serves it and when its timeout runs out, byte for byte
against redis-server 7.0 (the reply cases only see the non-blocking paths)."""

import time

import pytest

from resp import encode_command

SERVED = [
    (("BLPOP", "missing", "l", "5"), ("RPUSH", "l", "a", "b")),
    (("BRPOP", "l", "5"), ("RPUSH", "l", "a", "b")),
    (("BLMPOP", "5", "2", "missing", "l", "RIGHT", "COUNT", "5"), ("RPUSH", "l", "a", "b")),
    (("BLMOVE", "l", "d", "LEFT", "RIGHT", "5"), ("RPUSH", "l", "a", "b")),
    (("BRPOPLPUSH", "l", "d", "5"), ("RPUSH", "l", "a", "b")),
]
TIMED_OUT = [
    ("BLPOP", "l", "0.05"),
    ("BRPOP", "l", "0.05"),
    ("BLMPOP", "0.05", "1", "l", "LEFT"),
    ("BLMOVE", "l", "d", "LEFT", "RIGHT", "0.05"),
    ("BRPOPLPUSH", "l", "d", "0.05"),
]


def wait_blocked(handle, count, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if int(handle.info("clients")["blocked_clients"]) == count:
            return
        time.sleep(0.005)
    raise AssertionError("blocked_clients never reached %d" % count)


def served_reply(handle, protocol, blocking, push):
    handle.flushall()
    conn = handle.connect_raw()
    conn.send(encode_command("HELLO", str(protocol)))
    conn.read_reply()
    conn.send_command(*blocking)
    wait_blocked(handle, 1)
    handle.reply(*push)
    reply = conn.read_reply()
    conn.close()
    return reply


def timed_out_reply(handle, protocol, blocking):
    handle.flushall()
    conn = handle.connect_raw()
    conn.send(encode_command("HELLO", str(protocol)))
    conn.read_reply()
    conn.send_command(*blocking)
    reply = conn.read_reply()
    conn.close()
    return reply


@pytest.mark.parametrize("protocol", [2, 3])
@pytest.mark.parametrize("blocking, push", SERVED, ids=[b[0][0] for b in SERVED])
def test_served_after_a_push(server, reference, protocol, blocking, push):
    assert served_reply(server, protocol, blocking, push) == served_reply(
        reference, protocol, blocking, push)


@pytest.mark.parametrize("protocol", [2, 3])
@pytest.mark.parametrize("blocking", TIMED_OUT, ids=[b[0] for b in TIMED_OUT])
def test_timed_out(server, reference, protocol, blocking):
    assert timed_out_reply(server, protocol, blocking) == timed_out_reply(
        reference, protocol, blocking)
