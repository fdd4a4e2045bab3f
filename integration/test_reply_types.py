"""Every command's replies in RESP2 and RESP3, byte for byte against
redis-server 7.0 (the cases are in reply_cases/)."""

import time

import pytest

from raw_connection import RawConnection
from reply_cases import all_cases
from resp import Incomplete, encode_command, parse_reply

CASES = all_cases()

# Commands no case can run side by side, and why.
NOT_COMPARED = {
    "monitor": "streams every later command",
    "sync": "starts replication",
    "psync": "starts replication",
    "client|setinfo": "Redis 7.2's subcommand; redis-server 7.0.15 does not know it",
}


def _read_line(buf, pos):
    end = buf.index(b"\r\n", pos)
    return bytes(buf[pos:end]), end + 2


def shape(buf, pos=0):
    """The RESP types and aggregate sizes of the reply at pos, values left out:
    (shape, position after the reply)."""
    kind = bytes(buf[pos:pos + 1])
    line, pos = _read_line(buf, pos + 1)
    if kind in (b"$", b"=", b"!"):
        length = int(line)
        if length < 0:
            return kind.decode(), pos
        return kind.decode(), pos + length + 2
    if kind in (b"*", b"~", b">", b"%"):
        count = int(line) * (2 if kind == b"%" else 1)
        if count < 0:
            return kind.decode(), pos
        items = []
        for _ in range(count):
            item, pos = shape(buf, pos)
            items.append(item)
        return (kind.decode(), items), pos
    return kind.decode(), pos


def wait_for_no_child(handle, timeout=30.0):
    deadline = time.monotonic() + timeout
    with RawConnection(handle.host, handle.port) as conn:
        while True:
            info = parse_reply(conn.command("INFO", "persistence"))[0]
            if b"rdb_bgsave_in_progress:0" in info and b"aof_rewrite_in_progress:0" in info:
                return
            assert time.monotonic() < deadline, "a fork child still runs after %ss" % timeout
            time.sleep(0.05)


def run_script(handle, protocol, case):
    """The raw replies to the case's checked commands, run after HELLO and its
    setup on the emptied server."""
    handle.flushall()
    if case.no_child:
        wait_for_no_child(handle)
    with RawConnection(handle.host, handle.port) as conn:
        marker = b"end-of-script"
        conn.send(encode_command("HELLO", str(protocol)))
        conn.read_reply()

        def run(argvs):
            requests = b"".join(encode_command(*argv) for argv in argvs)
            if argvs and argvs[-1][0].upper() == "QUIT":
                # QUIT's +OK is the last thing the server sends.
                conn.send(requests)
                replies = [conn.read_reply() for _ in argvs]
                assert conn.is_closed(), "the server kept the connection open after QUIT"
                return replies
            conn.send(requests + encode_command("PING", marker))
            replies = []
            while True:
                reply = conn.read_reply()
                # PING's reply: a bulk string, or a RESP2 subscriber's [pong, marker].
                if marker in reply and reply.startswith((b"$", b"*2\r\n$4\r\npong")):
                    return replies
                replies.append(reply)

        run(case.setup_argvs())
        return run(case.checked_argvs())


def case_id(entry):
    module, index, case = entry
    first = case.checked_argvs()[0]
    return "%s-%d-%s" % (module, index, "_".join(first[:2]))


@pytest.mark.parametrize("protocol", [2, 3])
@pytest.mark.parametrize("entry", CASES, ids=[case_id(entry) for entry in CASES])
def test_replies_match_redis(server, reference, protocol, entry):
    _, _, case = entry
    expected = run_script(reference, protocol, case)
    actual = run_script(server, protocol, case)
    commands = [" ".join(arg if isinstance(arg, str) else repr(arg) for arg in argv)
                for argv in case.checked_argvs()]
    if case.compare == "shape":
        expected = [shape(reply)[0] for reply in expected]
        actual = [shape(reply)[0] for reply in actual]
    elif case.compare == "type":
        expected = [reply[:1] for reply in expected]
        actual = [reply[:1] for reply in actual]
    assert len(actual) == len(expected), "reply counts differ for %s: %r vs redis %r" % (
        commands, actual, expected)
    for reply, wanted in zip(actual, expected):
        assert reply == wanted, "replies differ for %s (RESP%d):\n fkvs:  %r\n redis: %r" % (
            commands, protocol, reply, wanted)


def _command_names(handle):
    """Every command and container subcommand fkvs-server lists, lower case."""
    with RawConnection(handle.host, handle.port) as conn:
        conn.send_command("COMMAND")
        table, _ = parse_reply(conn.read_reply())
    names = set()
    for row in table:
        names.add(row[0].decode().lower())
        for sub in row[9] if len(row) > 9 else []:
            names.add(sub[0].decode().lower())
    return names


def test_every_command_has_a_case(server):
    covered = set()
    for _, _, case in CASES:
        for argv in case.checked_argvs():
            covered.add(argv[0].lower())
            if len(argv) > 1:
                covered.add("%s|%s" % (argv[0].lower(), argv[1].lower()))
    missing = sorted(name for name in _command_names(server)
                     if name not in covered and name not in NOT_COMPARED and
                     name.split("|")[0] not in NOT_COMPARED)
    assert not missing, "commands with no reply case in integration/reply_cases: %s" % missing
