"""CLIENT PAUSE and CLIENT UNPAUSE, as Redis 7.0 has them.

Each test runs on a server of its own: a pause left behind by a failing test
(ALL holds even CLIENT UNPAUSE) must not hang the next one. Pauses that are
meant to be ended by hand last a minute; those that must end by themselves
last a few seconds, and every wait has a deadline well past them.
"""

import pytest

from resp import parse_reply
from server_process import wait_until

LONG_PAUSE_MS = "60000"
# Long enough that a loaded machine still sees the held state before it ends.
SHORT_PAUSE_MS = "4000"
WAIT_S = 20


@pytest.fixture
def paused_server(start_server):
    return start_server()


def blocked_clients(handle):
    return int(handle.info("clients")["blocked_clients"])


def wait_blocked(handle, count):
    wait_until(lambda: blocked_clients(handle) == count, WAIT_S,
               message="blocked_clients == %d" % count)


def client_line(handle, client_id):
    listing = parse_reply(handle.reply("CLIENT", "LIST", "ID", str(client_id)))[0]
    return dict(field.split(b"=", 1) for field in listing.strip().split(b" "))


def assert_no_reply_yet(conn):
    assert conn.read_available(quiet=0.3) == b""


def test_pause_argument_errors(assert_same):
    assert assert_same(
        b"CLIENT PAUSE abc\r\nCLIENT PAUSE -1\r\nCLIENT PAUSE 100 foo\r\n"
        b"CLIENT PAUSE abc foo\r\nCLIENT PAUSE 100 write extra\r\nCLIENT PAUSE\r\n"
        b"CLIENT UNPAUSE x\r\nCLIENT PAUSE 1.5\r\nCLIENT PAUSE 99999999999999999999\r\n"
        b"CLIENT UNPAUSE\r\nCLIENT PAUSE 0 WRITE\r\nCLIENT PAUSE 0 all\r\nCLIENT UNPAUSE\r\n") == (
        b"-ERR timeout is not an integer or out of range\r\n"
        b"-ERR timeout is negative\r\n"
        b"-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n"
        b"-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n"
        b"-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n"
        b"-ERR wrong number of arguments for 'client|pause' command\r\n"
        b"-ERR wrong number of arguments for 'client|unpause' command\r\n"
        b"-ERR timeout is not an integer or out of range\r\n"
        b"-ERR timeout is not an integer or out of range\r\n"
        b"+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n")  # the last for QUIT


def test_write_pause_holds_writes_and_lets_reads_through(paused_server):
    control = paused_server.connect_raw()
    assert control.command("SET", "k", "before") == b"+OK\r\n"
    assert control.command("CLIENT", "PAUSE", LONG_PAUSE_MS, "WRITE") == b"+OK\r\n"
    writer = paused_server.connect_raw()
    writer_id = parse_reply(writer.command("CLIENT", "ID"))[0]
    writer.send_command("SET", "k", "after")
    wait_blocked(paused_server, 1)
    assert_no_reply_yet(writer)

    reader = paused_server.connect_raw()
    assert reader.command("GET", "k") == b"$6\r\nbefore\r\n"
    assert reader.command("PING") == b"+PONG\r\n"
    line = client_line(paused_server, writer_id)
    assert line[b"flags"] == b"b"
    assert line[b"cmd"] == b"set"
    assert paused_server.info("clients")["clients_in_timeout_table"] == "0"

    assert control.command("CLIENT", "UNPAUSE") == b"+OK\r\n"
    assert writer.read_reply(timeout=WAIT_S) == b"+OK\r\n"
    assert reader.command("GET", "k") == b"$5\r\nafter\r\n"
    assert blocked_clients(paused_server) == 0
    assert client_line(paused_server, writer_id)[b"flags"] == b"N"


def test_write_pause_holds_publish(paused_server):
    control = paused_server.connect_raw()
    assert control.command("CLIENT", "PAUSE", LONG_PAUSE_MS, "WRITE") == b"+OK\r\n"
    publisher = paused_server.connect_raw()
    publisher.send_command("PUBLISH", "channel", "message")
    wait_blocked(paused_server, 1)
    assert_no_reply_yet(publisher)
    assert control.command("CLIENT", "UNPAUSE") == b"+OK\r\n"
    assert publisher.read_reply(timeout=WAIT_S) == b":0\r\n"


def test_write_pause_and_transactions(paused_server):
    control = paused_server.connect_raw()
    # Queued before the pause: EXEC waits for it to end.
    before = paused_server.connect_raw()
    assert before.command("MULTI") == b"+OK\r\n"
    assert before.command("SET", "a", "1") == b"+QUEUED\r\n"
    assert control.command("CLIENT", "PAUSE", LONG_PAUSE_MS, "WRITE") == b"+OK\r\n"
    before.send_command("EXEC")
    wait_blocked(paused_server, 1)
    assert_no_reply_yet(before)

    # A transaction that only reads runs through.
    reader = paused_server.connect_raw()
    reader.send(b"MULTI\r\nPING\r\nGET a\r\nEXEC\r\n")
    assert reader.read_replies(4, timeout=WAIT_S) == (
        b"+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+PONG\r\n$-1\r\n")

    # A write waits already when it is queued, as in Redis.
    during = paused_server.connect_raw()
    assert during.command("MULTI") == b"+OK\r\n"
    during.send_command("SET", "b", "2")
    wait_blocked(paused_server, 2)
    assert_no_reply_yet(during)

    assert control.command("CLIENT", "UNPAUSE") == b"+OK\r\n"
    assert before.read_reply(timeout=WAIT_S) == b"*1\r\n+OK\r\n"
    assert during.read_reply(timeout=WAIT_S) == b"+QUEUED\r\n"
    assert during.command("EXEC") == b"*1\r\n+OK\r\n"


def test_pause_inside_a_transaction_starts_after_it(paused_server):
    conn = paused_server.connect_raw()
    conn.send(b"MULTI\r\nSET a 1\r\nCLIENT PAUSE 60000 WRITE\r\nSET b 2\r\nEXEC\r\n")
    assert conn.read_replies(5, timeout=WAIT_S) == (
        b"+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n+OK\r\n+OK\r\n")
    # The client that paused is held like any other.
    conn.send_command("SET", "c", "3")
    wait_blocked(paused_server, 1)
    other = paused_server.connect_raw()
    assert other.command("MGET", "a", "b", "c") == b"*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n"
    assert other.command("CLIENT", "UNPAUSE") == b"+OK\r\n"
    assert conn.read_reply(timeout=WAIT_S) == b"+OK\r\n"


def test_all_pause_holds_every_command_until_it_times_out(paused_server):
    pauser = paused_server.connect_raw()
    assert pauser.command("CLIENT", "PAUSE", SHORT_PAUSE_MS, "ALL") == b"+OK\r\n"
    other = paused_server.connect_raw()
    other.send_command("GET", "k")
    # Even the pausing client, and even CLIENT UNPAUSE, wait.
    pauser.send_command("CLIENT", "UNPAUSE")
    assert_no_reply_yet(other)
    assert_no_reply_yet(pauser)
    assert other.read_reply(timeout=WAIT_S) == b"$-1\r\n"
    assert pauser.read_reply(timeout=WAIT_S) == b"+OK\r\n"
    assert other.command("PING") == b"+PONG\r\n"


def test_commands_refused_at_once_are_not_held(paused_server):
    conn = paused_server.connect_raw()
    assert conn.command("CLIENT", "PAUSE", LONG_PAUSE_MS, "WRITE") == b"+OK\r\n"
    other = paused_server.connect_raw()
    assert other.command("SET", "k") == b"-ERR wrong number of arguments for 'set' command\r\n"
    assert other.command("NOSUCHCOMMAND").startswith(b"-ERR unknown command")
    assert blocked_clients(paused_server) == 0
    assert conn.command("CLIENT", "UNPAUSE") == b"+OK\r\n"


def test_held_clients_resume_in_the_order_they_came(paused_server):
    control = paused_server.connect_raw()
    assert control.command("CLIENT", "PAUSE", LONG_PAUSE_MS, "WRITE") == b"+OK\r\n"
    pushers = []
    for index in range(4):
        pusher = paused_server.connect_raw()
        pusher.send_command("RPUSH", "order", str(index))
        wait_blocked(paused_server, index + 1)
        pushers.append(pusher)
    assert control.command("CLIENT", "UNPAUSE") == b"+OK\r\n"
    for pusher in pushers:
        assert pusher.read_reply(timeout=WAIT_S).startswith(b":")
    assert parse_reply(control.command("LRANGE", "order", "0", "-1"))[0] == [
        b"0", b"1", b"2", b"3"]


def test_a_later_pause_only_lengthens_or_widens(paused_server):
    control = paused_server.connect_raw()
    assert control.command("CLIENT", "PAUSE", SHORT_PAUSE_MS, "WRITE") == b"+OK\r\n"
    # Shorter: the first deadline stands.
    assert control.command("CLIENT", "PAUSE", "10", "WRITE") == b"+OK\r\n"
    writer = paused_server.connect_raw()
    writer.send_command("SET", "k", "v")
    wait_blocked(paused_server, 1)
    # WRITE widened to ALL: reads wait too, until the later of the deadlines.
    assert control.command("CLIENT", "PAUSE", "10", "ALL") == b"+OK\r\n"
    reader = paused_server.connect_raw()
    reader.send_command("GET", "k")
    assert_no_reply_yet(reader)
    assert writer.read_reply(timeout=WAIT_S) == b"+OK\r\n"
    assert reader.read_reply(timeout=WAIT_S) == b"$1\r\nv\r\n"


def test_write_pause_ends_by_itself(paused_server):
    control = paused_server.connect_raw()
    assert control.command("CLIENT", "PAUSE", "1000", "WRITE") == b"+OK\r\n"
    writer = paused_server.connect_raw()
    writer.send_command("INCR", "n")
    assert writer.read_reply(timeout=WAIT_S) == b":1\r\n"
    assert blocked_clients(paused_server) == 0


def test_expired_keys_are_not_reclaimed_while_paused(paused_server):
    conn = paused_server.connect_raw()
    expired_before = int(paused_server.info("stats")["expired_keys"])
    conn.send(b"MULTI\r\nSET a 1 PX 50\r\nSET b 1 PX 50\r\nCLIENT PAUSE 60000 WRITE\r\nEXEC\r\n")
    conn.read_replies(5, timeout=WAIT_S)
    wait_until(lambda: conn.command("GET", "a") == b"$-1\r\n", WAIT_S, message="a expired")
    assert conn.command("EXISTS", "a", "b") == b":0\r\n"
    # Past their TTL, but still held: nothing was reclaimed.
    assert conn.command("DBSIZE") == b":2\r\n"
    assert int(paused_server.info("stats")["expired_keys"]) == expired_before
    assert conn.command("CLIENT", "UNPAUSE") == b"+OK\r\n"
    assert conn.command("GET", "a") == b"$-1\r\n"
    assert conn.command("GET", "b") == b"$-1\r\n"
    assert int(paused_server.info("stats")["expired_keys"]) == expired_before + 2
    assert conn.command("DBSIZE") == b":0\r\n"


def test_nothing_is_evicted_while_paused(paused_server):
    conn = paused_server.connect_raw()
    for index in range(20):
        assert conn.command("SET", "key:%d" % index, "x" * 100) == b"+OK\r\n"
    assert conn.command("CLIENT", "PAUSE", LONG_PAUSE_MS, "WRITE") == b"+OK\r\n"
    assert conn.command("CONFIG", "SET", "maxmemory-policy", "allkeys-random") == b"+OK\r\n"
    assert conn.command("CONFIG", "SET", "maxmemory", "1") == b"+OK\r\n"
    # Over the limit, but nothing is evicted and nothing refused: the write
    # waits for the pause, as any write does.
    other = paused_server.connect_raw()
    other.send_command("SET", "k", "v")
    wait_blocked(paused_server, 1)
    assert conn.command("GET", "key:0") == b"$100\r\n" + b"x" * 100 + b"\r\n"
    assert conn.command("DBSIZE") == b":20\r\n"
    assert conn.command("CLIENT", "UNPAUSE") == b"+OK\r\n"
    # Then eviction runs for it: every key goes, and 1 byte is still too few.
    assert other.read_reply(timeout=WAIT_S).startswith(b"-OOM ")
    assert int(parse_reply(conn.command("DBSIZE"))[0]) < 20
    assert conn.command("CONFIG", "SET", "maxmemory", "0") == b"+OK\r\n"


def test_a_held_client_can_be_killed(paused_server):
    control = paused_server.connect_raw()
    assert control.command("CLIENT", "PAUSE", LONG_PAUSE_MS, "WRITE") == b"+OK\r\n"
    writer = paused_server.connect_raw()
    writer_id = parse_reply(writer.command("CLIENT", "ID"))[0]
    writer.send_command("SET", "k", "v")
    wait_blocked(paused_server, 1)
    assert control.command("CLIENT", "KILL", "ID", str(writer_id)) == b":1\r\n"
    assert writer.is_closed(timeout=WAIT_S)
    wait_blocked(paused_server, 0)
    assert control.command("CLIENT", "UNPAUSE") == b"+OK\r\n"
    assert control.command("EXISTS", "k") == b":0\r\n"


# Redis 7.0.15 crashes on this; fkvs answers that the client is not blocked
# by a command CLIENT UNBLOCK can end, as later Redis versions do.
@pytest.mark.fkvs_only
def test_client_unblock_does_not_release_a_held_client(paused_server):
    control = paused_server.connect_raw()
    assert control.command("CLIENT", "PAUSE", LONG_PAUSE_MS, "WRITE") == b"+OK\r\n"
    writer = paused_server.connect_raw()
    writer_id = parse_reply(writer.command("CLIENT", "ID"))[0]
    writer.send_command("SET", "k", "v")
    wait_blocked(paused_server, 1)
    assert control.command("CLIENT", "UNBLOCK", str(writer_id)) == b":0\r\n"
    assert_no_reply_yet(writer)
    assert control.command("CLIENT", "UNPAUSE") == b"+OK\r\n"
    assert writer.read_reply(timeout=WAIT_S) == b"+OK\r\n"


def test_pipelined_requests_after_a_held_one_keep_their_order(paused_server):
    control = paused_server.connect_raw()
    assert control.command("CLIENT", "PAUSE", LONG_PAUSE_MS, "WRITE") == b"+OK\r\n"
    conn = paused_server.connect_raw()
    conn.send(b"GET k\r\nSET k 1\r\nGET k\r\nINCR k\r\n")
    assert conn.read_reply(timeout=WAIT_S) == b"$-1\r\n"
    wait_blocked(paused_server, 1)
    assert_no_reply_yet(conn)
    assert control.command("CLIENT", "UNPAUSE") == b"+OK\r\n"
    assert conn.read_replies(3, timeout=WAIT_S) == b"+OK\r\n$1\r\n1\r\n:2\r\n"
