"""A script running past busy-reply-threshold: the event loop goes on serving
other clients (-BUSY, SCRIPT KILL, SHUTDOWN NOSAVE) from inside the script,
while the script's own connection waits. meson runs this file under every
backend: each serves from inside a command its own way."""

import time

import pytest

from resp import encode_command
from server_process import FKVS_IO_BACKEND, wait_until

BUSY = b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n"
OK = b"+OK\r\n"
PONG = b"+PONG\r\n"
ENDLESS = "local i = 0 while true do i = i + 1 end"
ENDLESS_KILLED = (b"-ERR Script killed by user with SCRIPT KILL... script: "
                  b"3fcf51a9b854b8f66cb8685600b0d7df968f4398, on @user_script:1.\r\n")
# redis-server validates the tests; its answers are the same in every pass.
ON_EACH_TARGET = pytest.mark.parametrize(
    "target", ["fkvs"] if FKVS_IO_BACKEND == "uring" else ["fkvs", "redis"])


def wait_for_busy(handle):
    def busy():
        with handle.connect_raw() as probe:
            return probe.command("PING") == BUSY

    wait_until(busy, 20, message="-BUSY from a second client")


def start_busy_script(handle, script, then=b""):
    """Sends a script that runs past the threshold (then the bytes `then` on
    the same connection), waits until other clients get -BUSY, and returns the
    connection waiting for its reply."""
    runner = handle.connect_raw(timeout=30)
    runner.send(encode_command("EVAL", script, "0") + then)
    wait_for_busy(handle)
    return runner


def kill_script(handle):
    with handle.connect_raw() as killer:
        assert killer.command("SCRIPT", "KILL") == OK


def connected_clients(handle):
    return int(handle.info("clients")["connected_clients"])


@ON_EACH_TARGET
def test_script_kill_ends_a_busy_read_only_script(start_server, target):
    handle = start_server("--busy-reply-threshold", "100", target=target)
    runner = start_busy_script(handle, ENDLESS)
    with handle.connect_raw() as other:
        assert other.command("GET", "x") == BUSY
        assert other.command("SHUTDOWN") == BUSY
        assert other.command("SCRIPT", "KILL") == OK
    assert runner.read_reply(timeout=20) == ENDLESS_KILLED
    assert runner.command("PING") == PONG
    runner.close()
    assert handle.reply("SCRIPT", "KILL") == b"-NOTBUSY No scripts in execution right now.\r\n"


@ON_EACH_TARGET
def test_pcall_cannot_catch_script_kill(start_server, target):
    handle = start_server("--lua-time-limit", "100", target=target)
    runner = start_busy_script(
        handle, "while true do pcall(function() while true do end end) end")
    kill_script(handle)
    assert b"Script killed by user with SCRIPT KILL" in runner.read_reply(timeout=20)
    runner.close()


@ON_EACH_TARGET
def test_a_script_that_wrote_is_unkillable_but_shutdown_nosave_works(start_server, target):
    handle = start_server("--busy-reply-threshold", "100", target=target)
    runner = start_busy_script(handle, "redis.call('set', 'x', 1) while true do end")
    with handle.connect_raw() as other:
        assert other.command("SCRIPT", "KILL") == (
            b"-UNKILLABLE Sorry the script already executed write commands against the dataset. "
            b"You can either wait the script termination or kill the server in a hard way using "
            b"the SHUTDOWN NOSAVE command.\r\n")
        other.send_command("SHUTDOWN", "NOSAVE")
        assert other.is_closed(timeout=20)
    handle.wait_exit()
    assert runner.is_closed(timeout=20)
    runner.close()


def test_a_script_under_the_threshold_holds_others_until_it_ends(server):
    client = server.client()
    assert client.eval("local i = 0 while i < 3000000 do i = i + 1 end return i", 0) == 3000000
    assert client.ping()


@ON_EACH_TARGET
def test_clients_that_connect_during_a_busy_script_are_served_and_may_leave(start_server,
                                                                          target):
    handle = start_server("--busy-reply-threshold", "100", target=target)
    runner = start_busy_script(handle, ENDLESS)
    clients = [handle.connect_raw(timeout=20) for _ in range(100)]
    for client in clients:
        client.send_command("PING")
    for client in clients:
        assert client.read_reply() == BUSY
    leaving, staying = clients[::2], clients[1::2]
    for client in leaving:
        client.close()
    for client in staying:
        assert client.command("GET", "x") == BUSY
    kill_script(handle)
    assert runner.read_reply(timeout=20) == ENDLESS_KILLED
    for client in staying:
        assert client.command("PING") == PONG
    # The runner, those staying and the handle's own connection.
    wait_until(lambda: connected_clients(handle) == 2 + len(staying), 20,
               message="the leaving clients closed")


@ON_EACH_TARGET
def test_a_big_pipeline_during_a_busy_script_gets_every_reply(start_server, target):
    handle = start_server("--busy-reply-threshold", "100", target=target)
    runner = start_busy_script(handle, ENDLESS)
    count = 50000  # about 1 MB of requests, 4 MB of replies: many receives and sends
    with handle.connect_raw(timeout=30) as other:
        other.send(encode_command("GET", "x") * count + encode_command("SCRIPT", "KILL"))
        assert other.read_replies(count + 1) == BUSY * count + OK
    assert runner.read_reply(timeout=20) == ENDLESS_KILLED


@ON_EACH_TARGET
def test_the_busy_clients_own_pipeline_is_answered_in_order_after_the_script(start_server,
                                                                            target):
    handle = start_server("--busy-reply-threshold", "100", target=target)
    runner = start_busy_script(handle, ENDLESS, then=(
        encode_command("PING") + encode_command("SET", "k", "v") + encode_command("GET", "k")))
    runner.send_command("ECHO", "sent while busy")
    assert runner.read_available(quiet=0.2) == b""
    kill_script(handle)
    assert runner.read_replies(5, timeout=20) == (
        ENDLESS_KILLED + PONG + OK + b"$1\r\nv\r\n" + b"$15\r\nsent while busy\r\n")


@ON_EACH_TARGET
def test_a_held_script_that_turns_busy_keeps_what_its_client_sends_meanwhile(start_server,
                                                                             target):
    """The script runs when CLIENT UNPAUSE releases it, not when its client's
    bytes arrive: the loop is still receiving from that client meanwhile."""
    handle = start_server("--busy-reply-threshold", "100", target=target)
    with handle.connect_raw() as admin, handle.connect_raw(timeout=30) as runner:
        assert admin.command("CLIENT", "PAUSE", "100000", "WRITE") == OK
        runner.send_command("EVAL", "#!lua\n" + ENDLESS, "0")
        assert runner.read_available(quiet=0.2) == b""
        assert admin.command("CLIENT", "UNPAUSE") == OK
        wait_for_busy(handle)
        runner.send(encode_command("PING") + encode_command("ECHO", "meanwhile"))
        kill_script(handle)
        replies = runner.read_replies(3, timeout=20)
        assert replies.startswith(b"-ERR Script killed by user with SCRIPT KILL")
        assert replies.endswith(b"\r\n" + PONG + b"$9\r\nmeanwhile\r\n")


@ON_EACH_TARGET
def test_a_reply_still_going_out_when_a_script_turns_busy_is_finished_after_it(start_server,
                                                                             target):
    handle = start_server("--busy-reply-threshold", "100", target=target)
    # More than the sockets take while the client does not read, less than
    # fkvs's 8 MB of pending output that holds a client's next request back.
    value = b"v" * (6 << 20)
    assert handle.reply("SET", "big", value) == OK
    with handle.connect_raw(timeout=30) as runner:
        runner.send_command("GET", "big")
        address = " addr=127.0.0.1:%d " % runner.sock.getsockname()[1]

        def get_ran():
            clients = handle.reply("CLIENT", "LIST").decode().splitlines()
            return any(address in line and " cmd=get " in line for line in clients)

        wait_until(get_ran, 20, message="GET run")
        runner.send_command("EVAL", ENDLESS, "0")
        wait_for_busy(handle)
        # Reading lets whatever send is under way finish while the script runs.
        received = runner.read_available(quiet=0.2)
        kill_script(handle)
        expected = b"$%d\r\n%s\r\n%s" % (len(value), value, ENDLESS_KILLED)
        received += runner.read_bytes(len(expected) - len(received), timeout=30)
        assert received == expected
        assert runner.command("PING") == PONG


@ON_EACH_TARGET
def test_clients_whose_requests_came_with_the_script_are_served_while_it_runs(start_server,
                                                                            target):
    """While DEBUG SLEEP holds the server, the script and the others' requests
    arrive together, so the loop picks them up in the same pass."""
    handle = start_server("--busy-reply-threshold", "100", target=target)
    with handle.connect_raw(timeout=30) as sleeper, handle.connect_raw(timeout=30) as runner:
        clients = [handle.connect_raw(timeout=20) for _ in range(10)]
        for client in clients + [runner]:
            assert client.command("PING") == PONG
        sleeper.send_command("DEBUG", "SLEEP", "0.3")
        time.sleep(0.1)
        runner.send_command("EVAL", ENDLESS, "0")
        for client in clients:
            client.send_command("PING")
        for client in clients:
            assert client.read_reply() == BUSY
            assert client.command("GET", "x") == BUSY
        assert sleeper.read_reply() == OK
        assert clients[0].command("SCRIPT", "KILL") == OK
        assert runner.read_reply(timeout=20) == ENDLESS_KILLED
        for client in clients:
            assert client.command("PING") == PONG
