"""The RESP2 wire protocol: framing, pipelining, concurrency, and how malformed
input is answered (one error, then only that connection closes). The 100 MB
value is in test_io_backend.py."""

import socket
import threading
import time

import pytest

from resp import encode_command, parse_reply
from server_process import join_threads


def test_inline_commands_with_quotes_as_telnet_sends_them(assert_same):
    replies = assert_same(b'SET "a b" \'c d\'\r\nGET "a b"\r\nECHO "tab\\there"\r\n'
                          b'ECHO \'it\\\'s\'\r\nECHO "\\x41\\x42"\r\nPING\n\r\n   \r\n'
                          b'EXISTS "a b" missing\r\nECHO one two\r\n')
    assert replies == (b"+OK\r\n$3\r\nc d\r\n$8\r\ntab\there\r\n$4\r\nit's\r\n"
                       b"$2\r\nAB\r\n+PONG\r\n:1\r\n"
                       b"-ERR wrong number of arguments for 'echo' command\r\n+OK\r\n")


def test_multibulk_commands_carry_binary_arguments(assert_same):
    value = bytes(range(256))
    replies = assert_same(encode_command("SET", "bin", value) + encode_command("GET", "bin")
                          + encode_command("STRLEN", "bin"))
    assert replies == b"+OK\r\n$256\r\n" + value + b"\r\n:256\r\n+OK\r\n"


def test_empty_multibulk_and_blank_lines_are_ignored(assert_same):
    assert assert_same(b"*0\r\n*-1\r\n\r\n\n*1\r\n$4\r\nPING\r\n") == b"+PONG\r\n+OK\r\n"


def test_request_split_byte_by_byte(server):
    script = (encode_command("SET", "split", "a value") + b"GET split\r\n"
              + encode_command("APPEND", "split", "!") + encode_command("GET", "split"))
    conn = server.connect_raw()
    for index in range(len(script)):
        conn.send(script[index:index + 1])
        if index % 8 == 0:
            time.sleep(0.001)
    assert conn.read_replies(4) == b"+OK\r\n$7\r\na value\r\n:8\r\n$8\r\na value!\r\n"


def test_ten_thousand_pipelined_commands_in_one_write(server):
    commands = []
    expected = []
    for index in range(10000):
        kind = index % 3
        if kind == 0:
            commands.append(encode_command("SET", "key:%d" % index, "value:%d" % index))
            expected.append(b"+OK\r\n")
        elif kind == 1:
            value = b"value:%d" % (index - 1)
            commands.append(encode_command("GET", "key:%d" % (index - 1)))
            expected.append(b"$%d\r\n%s\r\n" % (len(value), value))
        else:
            commands.append(encode_command("INCR", "counter"))
            expected.append(b":%d\r\n" % (index // 3 + 1))
    conn = server.connect_raw()
    conn.send(b"".join(commands))
    assert conn.read_replies(10000, timeout=30) == b"".join(expected)


def test_two_hundred_concurrent_clients(server):
    clients = 200
    rounds = 10
    barrier = threading.Barrier(clients)
    failures = []

    def work(worker):
        try:
            conn = server.connect_raw(timeout=30)
            barrier.wait(timeout=30)
            for round_index in range(rounds):
                key = "client:%d:%d" % (worker, round_index)
                value = "v%d-%d" % (worker, round_index)
                conn.send(encode_command("SET", key, value) + encode_command("GET", key)
                          + encode_command("INCR", "shared"))
                set_reply, get_reply, _ = conn.decoded_replies(3)
                if set_reply != b"OK" or get_reply != value.encode():
                    failures.append((worker, round_index, set_reply, get_reply))
        except Exception as error:  # Reported below; a thread cannot fail the test itself.
            failures.append((worker, repr(error)))

    threads = [threading.Thread(target=work, args=(worker,), daemon=True)
               for worker in range(clients)]
    for thread in threads:
        thread.start()
    join_threads(threads, 60, "clients")
    assert failures == []
    assert server.reply("GET", "shared") == b"$4\r\n%d\r\n" % (clients * rounds)
    assert server.reply("DBSIZE") == b":%d\r\n" % (clients * rounds + 1)


MALFORMED_REQUESTS = [
    pytest.param(b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n",
                 id="non-numeric-multibulk-length"),
    pytest.param(b"*2147483648\r\n", b"-ERR Protocol error: invalid multibulk length\r\n",
                 id="multibulk-length-over-int-max"),
    pytest.param(b"*1\r\n$-5\r\n", b"-ERR Protocol error: invalid bulk length\r\n",
                 id="negative-bulk-length"),
    pytest.param(b"*1\r\n$abc\r\n", b"-ERR Protocol error: invalid bulk length\r\n",
                 id="non-numeric-bulk-length"),
    pytest.param(b"*1\r\n$536870913\r\n", b"-ERR Protocol error: invalid bulk length\r\n",
                 id="bulk-over-default-proto-max-bulk-len"),
    pytest.param(b"*1\r\n+foo\r\n", b"-ERR Protocol error: expected '$', got '+'\r\n",
                 id="simple-string-instead-of-bulk"),
    pytest.param(b"*3\r\n$3\r\nSET\r\nx\r\n", b"-ERR Protocol error: expected '$', got 'x'\r\n",
                 id="bare-word-instead-of-bulk"),
    pytest.param(b'SET "a b\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n",
                 id="unbalanced-double-quote"),
    pytest.param(b"SET 'a b\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n",
                 id="unbalanced-single-quote"),
    pytest.param(b'SET "a"b c\r\n', b"-ERR Protocol error: unbalanced quotes in request\r\n",
                 id="closing-quote-not-followed-by-space"),
    pytest.param(b"SET k " + b"a" * 70000,
                 b"-ERR Protocol error: too big inline request\r\n", id="inline-over-64k"),
    pytest.param(b"*" + b"1" * 70000, b"-ERR Protocol error: too big mbulk count string\r\n",
                 id="multibulk-count-over-64k"),
    pytest.param(b"*1\r\n$" + b"1" * 70000, b"-ERR Protocol error: too big bulk count string\r\n",
                 id="bulk-count-over-64k"),
]


@pytest.mark.parametrize("bad, error", MALFORMED_REQUESTS)
def test_malformed_request_gets_error_and_only_that_connection_closes(server, bad, error):
    bystander = server.connect_raw()
    assert bystander.command("SET", "before", "1") == b"+OK\r\n"
    offender = server.connect_raw()
    # Commands ahead of the bad one in the same write are still answered.
    offender.send(b"PING\r\n" + encode_command("INCR", "before") + bad)
    assert offender.read_until_close() == b"+PONG\r\n:2\r\n" + error
    assert bystander.command("GET", "before") == b"$1\r\n2\r\n"
    assert server.raw(b"PING\r\n", replies=1) == b"+PONG\r\n"


@pytest.mark.parametrize("bad, error", MALFORMED_REQUESTS)
def test_malformed_request_reply_matches_redis(assert_same, bad, error):
    assert assert_same(b"PING\r\n" + bad, quit=False) == b"+PONG\r\n" + error


def test_incomplete_request_waits_for_the_rest(server):
    conn = server.connect_raw()
    conn.send(b"*3\r\n$3\r\nSET\r\nx")
    assert conn.read_available(quiet=0.3) == b""
    assert not conn.eof
    assert server.reply("PING") == b"+PONG\r\n"
    conn.send(b"\r\n")
    assert conn.read_until_close() == b"-ERR Protocol error: expected '$', got 'x'\r\n"


def test_inline_line_just_under_64k_is_accepted(server):
    conn = server.connect_raw()
    line = b"ECHO " + b"x" * (64 * 1024 - 16)
    conn.send(line + b"\r\n")
    assert conn.read_value() == b"x" * (64 * 1024 - 16)


def test_bulk_over_configured_proto_max_bulk_len(start_server):
    limited = start_server("--proto-max-bulk-len", "1mb")
    conn = limited.connect_raw()
    conn.send(b"*2\r\n$4\r\nECHO\r\n$1048576\r\n")
    assert conn.read_available(quiet=0.2) == b""
    conn.send(b"y" * 1048576 + b"\r\n")
    assert parse_reply(conn.read_reply())[0] == b"y" * 1048576
    conn.send(b"*2\r\n$4\r\nECHO\r\n$1048577\r\n")
    assert conn.read_until_close() == b"-ERR Protocol error: invalid bulk length\r\n"


def test_proto_max_bulk_len_set_at_runtime(start_server):
    limited = start_server()
    assert limited.reply("CONFIG", "SET", "proto-max-bulk-len", "1048576") == b"+OK\r\n"
    assert limited.raw(b"*1\r\n$1048577\r\n") == b"-ERR Protocol error: invalid bulk length\r\n"
    assert limited.reply("CONFIG", "GET", "proto-max-bulk-len") == (
        b"*2\r\n$18\r\nproto-max-bulk-len\r\n$7\r\n1048576\r\n")


def test_reply_order_is_kept_across_many_small_writes(server):
    conn = server.connect_raw()
    for index in range(200):
        conn.send(encode_command("ECHO", str(index)))
    expected = b"".join(b"$%d\r\n%d\r\n" % (len(str(i)), i) for i in range(200))
    assert conn.read_replies(200) == expected


@pytest.mark.fkvs_only
def test_client_that_does_not_read_holds_bounded_reply_memory(server):
    # Redis lets a normal client's output grow without bound; fkvs stops
    # running a client's requests while 8 MB of its replies wait unsent.
    value = b"v" * (1024 * 1024)
    server.client().set("big", value)
    reader = server.connect_raw()
    reader.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    gets = 300
    reader.send(encode_command("GET", "big") * gets)  # 300 MB of replies
    time.sleep(0.5)
    observer = server.client()
    clients = {c["id"]: c for c in observer.client_list()}
    omem = max(int(c["omem"]) for c in clients.values())
    assert omem <= 10 * 1024 * 1024
    assert observer.ping()  # other clients are served meanwhile
    expected = b"$1048576\r\n" + value + b"\r\n"
    for _ in range(gets):
        assert reader.read_replies(1, timeout=30) == expected


def server_cpu_ticks(server):
    with open("/proc/%d/stat" % server.process.pid) as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


@pytest.mark.parametrize("ending", ["half-close", "quit-then-more", "bad-then-more"])
def test_closing_connection_with_unsent_replies_does_not_spin(server, ending):
    # The client takes none of a 5 MB reply and leaves its socket readable;
    # the server must wait for it quietly, not poll it in a loop.
    server.client().set("big", b"v" * (5 * 1024 * 1024))
    conn = server.connect_raw()
    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    conn.send(encode_command("GET", "big"))
    time.sleep(0.2)
    if ending == "half-close":
        conn.sock.shutdown(socket.SHUT_WR)
    elif ending == "quit-then-more":
        conn.send(b"QUIT\r\nPING\r\n")
    else:
        conn.send(b"*1\r\n$x\r\nPING\r\n")
    time.sleep(0.2)
    before = server_cpu_ticks(server)
    time.sleep(1.0)
    assert server_cpu_ticks(server) - before < 30  # under 30% of a core
    assert server.client().ping()
    conn.close()


@pytest.mark.parametrize("empty", [b"\r\n", b"*0\r\n", b"*-1\r\n"])
def test_a_flood_of_empty_requests_does_not_fill_the_query_buffer(start_server, empty):
    limited = start_server("--client-query-buffer-limit", "1mb")
    conn = limited.connect_raw()
    chunk = empty * (100 * 1024 // len(empty))
    for _ in range(30):  # 3 MB of empty requests, three times the limit
        conn.send(chunk)
    assert conn.command("PING") == b"+PONG\r\n"


@pytest.mark.fkvs_only
def test_query_buffer_of_a_big_request_is_freed_once_idle(server):
    conn = server.connect_raw()
    conn.send_command("SET", "big", b"v" * (8 * 1024 * 1024))
    assert conn.read_reply() == b"+OK\r\n"
    time.sleep(0.4)  # a few cron ticks
    line = parse_reply(conn.command("CLIENT", "INFO"))[0]
    fields = dict(field.split(b"=", 1) for field in line.split())
    assert int(fields[b"rbs"]) <= 64 * 1024
