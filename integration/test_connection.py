"""Connection commands: PING, ECHO, QUIT, SELECT, HELLO, AUTH, CLIENT, COMMAND, RESET."""

import socket

import pytest

from raw_connection import RawConnection
from resp import encode_command, parse_reply
from server_process import wait_until

PASSWORD = "s3cret pass"
WRONGPASS = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
NOAUTH = b"-NOAUTH Authentication required.\r\n"


def pairs(flat):
    """[k1, v1, k2, v2] -> {k1: v1, k2: v2}, keeping key order."""
    return dict(zip(flat[0::2], flat[1::2]))


def client_fields(line):
    """Parses one CLIENT LIST / CLIENT INFO line into an ordered dict."""
    return dict(field.split(b"=", 1) for field in line.strip().split(b" "))


def test_ping_and_echo(assert_same):
    assert assert_same(b"PING\r\nPING hello\r\nPING a b\r\nECHO\r\nECHO x y\r\n"
                       + encode_command("ECHO", "") + encode_command("ECHO", "multi\r\nline")) == (
        b"+PONG\r\n$5\r\nhello\r\n-ERR wrong number of arguments for 'ping' command\r\n"
        b"-ERR wrong number of arguments for 'echo' command\r\n"
        b"-ERR wrong number of arguments for 'echo' command\r\n$0\r\n\r\n"
        b"$11\r\nmulti\r\nline\r\n+OK\r\n")


def test_quit_replies_ok_then_closes_and_skips_the_rest(server):
    assert server.raw(b"SET a 1\r\nQUIT\r\nSET b 2\r\n") == b"+OK\r\n+OK\r\n"
    assert server.reply("EXISTS", "a", "b") == b":1\r\n"


def test_select_switches_database(server):
    conn = server.connect_raw()
    assert conn.command("SET", "k", "db0") == b"+OK\r\n"
    assert conn.command("SELECT", "15") == b"+OK\r\n"
    assert conn.command("GET", "k") == b"$-1\r\n"
    assert conn.command("SET", "k", "db15") == b"+OK\r\n"
    assert conn.command("SELECT", "0") == b"+OK\r\n"
    assert conn.command("GET", "k") == b"$3\r\ndb0\r\n"


def test_select_errors(assert_same):
    assert assert_same(b"SELECT 16\r\nSELECT -1\r\nSELECT x\r\nSELECT 1.5\r\nSELECT\r\n"
                       b"SELECT 0 1\r\nSELECT 9999999999999999999999\r\n") == (
        b"-ERR DB index is out of range\r\n-ERR DB index is out of range\r\n"
        b"-ERR value is not an integer or out of range\r\n"
        b"-ERR value is not an integer or out of range\r\n"
        b"-ERR wrong number of arguments for 'select' command\r\n"
        b"-ERR wrong number of arguments for 'select' command\r\n"
        b"-ERR value is not an integer or out of range\r\n+OK\r\n")


@pytest.mark.parametrize("hello", [("HELLO",), ("HELLO", "2")])
def test_hello_describes_the_server(server, hello):
    conn = server.connect_raw()
    client_id = parse_reply(conn.command("CLIENT", "ID"))[0]
    reply = parse_reply(conn.command(*hello))[0]
    assert len(reply) == 14
    fields = pairs(reply)
    assert list(fields) == [b"server", b"version", b"proto", b"id", b"mode", b"role", b"modules"]
    assert fields[b"proto"] == 2
    assert fields[b"id"] == client_id
    assert fields[b"mode"] == b"standalone"
    assert fields[b"role"] == b"master"
    assert fields[b"modules"] == []
    assert fields[b"server"] and fields[b"version"].count(b".") == 2


def test_hello_errors_match_redis(assert_same):
    assert assert_same(b"HELLO 4\r\nHELLO 1\r\nHELLO abc\r\nHELLO 2 AUTH default\r\n"
                       b"HELLO 2 FOO\r\n") == (
        b"-NOPROTO unsupported protocol version\r\n-NOPROTO unsupported protocol version\r\n"
        b"-ERR Protocol version is not an integer or out of range\r\n"
        b"-ERR Syntax error in HELLO option 'AUTH'\r\n"
        b"-ERR Syntax error in HELLO option 'FOO'\r\n+OK\r\n")


def test_hello_3_switches_to_resp3_until_hello_2_or_reset(server):
    conn = server.connect_raw()
    client_id = parse_reply(conn.command("CLIENT", "ID"))[0]
    reply = conn.command("HELLO", "3")
    assert reply.startswith(b"%7\r\n")
    fields = pairs(parse_reply(reply)[0])
    assert fields[b"proto"] == 3 and fields[b"id"] == client_id
    assert conn.command("GET", "missing") == b"_\r\n"
    assert b" resp=3 " in conn.command("CLIENT", "INFO")
    assert conn.command("HELLO").startswith(b"%7\r\n")
    assert conn.command("HELLO", "2").startswith(b"*14\r\n")
    assert conn.command("GET", "missing") == b"$-1\r\n"
    conn.command("HELLO", "3")
    assert conn.command("RESET") == b"+RESET\r\n"
    assert conn.command("GET", "missing") == b"$-1\r\n"


def test_hello_setname(server):
    conn = server.connect_raw()
    reply = parse_reply(conn.command("HELLO", "2", "SETNAME", "conn-name"))[0]
    assert pairs(reply)[b"proto"] == 2
    assert conn.command("CLIENT", "GETNAME") == b"$9\r\nconn-name\r\n"


def test_auth_without_requirepass(assert_same):
    assert assert_same(b"AUTH x\r\nAUTH\r\nAUTH a b c\r\nAUTH nosuchuser x\r\n") == (
        b"-ERR AUTH <password> called without any password configured for the default user. "
        b"Are you sure your configuration is correct?\r\n"
        b"-ERR wrong number of arguments for 'auth' command\r\n-ERR syntax error\r\n"
        + WRONGPASS + b"+OK\r\n")


@pytest.fixture
def protected(start_server):
    return start_server("--requirepass", PASSWORD)


def test_clearing_requirepass_lets_waiting_clients_in(protected):
    waiting = protected.connect_raw()
    assert waiting.command("PING") == NOAUTH
    admin = protected.connect_raw()
    assert admin.command("AUTH", PASSWORD) == b"+OK\r\n"
    assert admin.command("CONFIG", "SET", "requirepass", "") == b"+OK\r\n"
    assert waiting.command("PING") == b"+PONG\r\n"
    # The unauthenticated size limits are lifted too.
    assert waiting.command(*(["MSET"] + ["k", "v"] * 8)) == b"+OK\r\n"


def test_commands_need_auth_when_requirepass_is_set(protected):
    conn = protected.connect_raw()
    assert conn.command("GET", "k") == NOAUTH
    assert conn.command("PING") == NOAUTH
    assert conn.command("AUTH", "wrong") == WRONGPASS
    assert conn.command("SET", "k", "v") == NOAUTH
    assert conn.command("AUTH", PASSWORD) == b"+OK\r\n"
    assert conn.command("SET", "k", "v") == b"+OK\r\n"
    assert conn.command("GET", "k") == b"$1\r\nv\r\n"


def test_auth_with_the_default_user_form(protected):
    conn = protected.connect_raw()
    assert conn.command("AUTH", "default", "wrong") == WRONGPASS
    assert conn.command("AUTH", "someone", PASSWORD) == WRONGPASS
    assert conn.command("AUTH", "default", PASSWORD) == b"+OK\r\n"
    assert conn.command("PING") == b"+PONG\r\n"


def test_quit_and_unknown_commands_before_auth(protected):
    assert protected.raw(b"FOO\r\nQUIT\r\n") == (
        b"-ERR unknown command 'FOO', with args beginning with: \r\n+OK\r\n")


def test_hello_auth(protected):
    conn = protected.connect_raw()
    assert conn.command("HELLO", "2") == (
        b"-NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        b"HELLO AUTH <user> <pass> option can be used to authenticate the client and select "
        b"the RESP protocol version at the same time\r\n")
    assert conn.command("HELLO", "2", "AUTH", "default", "wrong") == WRONGPASS
    reply = parse_reply(conn.command("HELLO", "2", "AUTH", "default", PASSWORD))[0]
    assert pairs(reply)[b"proto"] == 2
    assert conn.command("PING") == b"+PONG\r\n"


def test_redis_py_authenticates_with_password(protected):
    client = protected.client(password=PASSWORD)
    assert client.set("k", "v") is True
    assert client.get("k") == b"v"


def test_reset_clears_connection_state_and_authentication(protected):
    conn = protected.connect_raw()
    assert conn.command("AUTH", PASSWORD) == b"+OK\r\n"
    assert conn.command("SELECT", "2") == b"+OK\r\n"
    assert conn.command("SET", "k", "in db 2") == b"+OK\r\n"
    assert conn.command("CLIENT", "SETNAME", "before-reset") == b"+OK\r\n"
    assert conn.command("RESET") == b"+RESET\r\n"
    assert conn.command("GET", "k") == NOAUTH
    assert conn.command("AUTH", PASSWORD) == b"+OK\r\n"
    assert conn.command("GET", "k") == b"$-1\r\n"
    assert conn.command("CLIENT", "GETNAME") == b"$-1\r\n"


def test_reset_arity(assert_same):
    assert assert_same(b"RESET x\r\nRESET\r\n") == (
        b"-ERR wrong number of arguments for 'reset' command\r\n+RESET\r\n+OK\r\n")


def test_client_id_is_unique_and_increasing(server):
    first = server.connect_raw()
    second = server.connect_raw()
    first_id = parse_reply(first.command("CLIENT", "ID"))[0]
    second_id = parse_reply(second.command("CLIENT", "ID"))[0]
    assert 0 < first_id < second_id
    assert parse_reply(first.command("CLIENT", "ID"))[0] == first_id


def test_client_setname_getname(assert_same):
    assert assert_same(b"CLIENT GETNAME\r\nCLIENT SETNAME worker-1\r\nCLIENT GETNAME\r\n"
                       b"CLIENT SETNAME \"a b\"\r\nCLIENT SETNAME \"a\\nb\"\r\n"
                       b"CLIENT SETNAME \"\"\r\nCLIENT GETNAME\r\nCLIENT SETNAME\r\n") == (
        b"$-1\r\n+OK\r\n$8\r\nworker-1\r\n"
        b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
        b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
        b"+OK\r\n$-1\r\n-ERR wrong number of arguments for 'client|setname' command\r\n+OK\r\n")


def test_client_subcommand_errors(assert_same):
    assert assert_same(b"CLIENT\r\nCLIENT FOO\r\nCLIENT KILL 1.2.3.4:5\r\n"
                       b"CLIENT KILL ID 99999\r\nCLIENT KILL ADDR 1.2.3.4:5\r\n"
                       b"CLIENT KILL ID abc\r\nCLIENT KILL FOO bar\r\n"
                       b"CLIENT KILL ID 1 SKIPME maybe\r\n") == (
        b"-ERR wrong number of arguments for 'client' command\r\n"
        b"-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n-ERR No such client\r\n:0\r\n:0\r\n"
        b"-ERR client-id should be greater than 0\r\n-ERR syntax error\r\n-ERR syntax error\r\n"
        b"+OK\r\n")


# Field names every Redis 7.0 CLIENT LIST line has, in this order.
CLIENT_LIST_FIELDS = [b"id", b"addr", b"laddr", b"fd", b"name", b"age", b"idle", b"flags", b"db",
                      b"sub", b"psub", b"multi", b"qbuf", b"qbuf-free", b"obl", b"oll", b"omem",
                      b"tot-mem", b"events", b"cmd", b"user", b"resp"]


def test_client_list_and_info_describe_connections(server):
    conn = server.connect_raw()
    other = server.connect_raw()
    assert other.command("PING") == b"+PONG\r\n"
    client_id = parse_reply(conn.command("CLIENT", "ID"))[0]
    assert conn.command("CLIENT", "SETNAME", "lister") == b"+OK\r\n"
    assert conn.command("SELECT", "3") == b"+OK\r\n"

    info = client_fields(parse_reply(conn.command("CLIENT", "INFO"))[0])
    local_host, local_port = conn.sock.getsockname()[:2]
    assert [name for name in info if name in CLIENT_LIST_FIELDS] == CLIENT_LIST_FIELDS
    assert info[b"id"] == b"%d" % client_id
    assert info[b"addr"] == b"%s:%d" % (local_host.encode(), local_port)
    assert info[b"laddr"] == b"127.0.0.1:%d" % server.port
    assert info[b"name"] == b"lister"
    assert info[b"db"] == b"3"
    assert info[b"flags"] == b"N"
    assert info[b"cmd"] == b"client|info"
    assert info[b"user"] == b"default"
    assert info[b"resp"] == b"2"

    listing = parse_reply(conn.command("CLIENT", "LIST"))[0]
    assert listing.endswith(b"\n")
    lines = [client_fields(line) for line in listing.splitlines()]
    by_id = {line[b"id"]: line for line in lines}
    assert by_id[b"%d" % client_id][b"cmd"] == b"client|list"
    assert by_id[b"%d" % client_id][b"name"] == b"lister"
    other_id = parse_reply(other.command("CLIENT", "ID"))[0]
    assert by_id[b"%d" % other_id][b"db"] == b"0"
    for line in lines:
        assert [name for name in line if name in CLIENT_LIST_FIELDS] == CLIENT_LIST_FIELDS


def test_client_list_by_id(server):
    conn = server.connect_raw()
    client_id = parse_reply(conn.command("CLIENT", "ID"))[0]
    listing = parse_reply(conn.command("CLIENT", "LIST", "ID", str(client_id), "999999"))[0]
    assert [client_fields(line)[b"id"] for line in listing.splitlines()] == [b"%d" % client_id]


def test_client_list_by_id_that_matches_nothing(assert_same):
    assert assert_same(b"CLIENT LIST ID 0\r\nCLIENT LIST ID -5\r\nCLIENT LIST ID x\r\n") == (
        b"$0\r\n\r\n$0\r\n\r\n-ERR Invalid client ID\r\n+OK\r\n")


def test_client_kill_by_id(server):
    victim = server.connect_raw()
    victim_id = parse_reply(victim.command("CLIENT", "ID"))[0]
    killer = server.connect_raw()
    assert killer.command("CLIENT", "KILL", "ID", str(victim_id)) == b":1\r\n"
    assert victim.is_closed(timeout=5)
    assert killer.command("CLIENT", "KILL", "ID", str(victim_id)) == b":0\r\n"


def test_client_kill_by_addr(server):
    victim = server.connect_raw()
    assert victim.command("PING") == b"+PONG\r\n"
    host, port = victim.sock.getsockname()[:2]
    killer = server.connect_raw()
    assert killer.command("CLIENT", "KILL", "ADDR", "%s:%d" % (host, port)) == b":1\r\n"
    assert victim.is_closed(timeout=5)


def test_client_kill_old_form_with_address(server):
    victim = server.connect_raw()
    assert victim.command("PING") == b"+PONG\r\n"
    host, port = victim.sock.getsockname()[:2]
    killer = server.connect_raw()
    assert killer.command("CLIENT", "KILL", "%s:%d" % (host, port)) == b"+OK\r\n"
    assert victim.is_closed(timeout=5)
    assert killer.command("CLIENT", "KILL", "%s:%d" % (host, port)) == b"-ERR No such client\r\n"


def test_client_kill_skips_the_caller_by_default(server):
    conn = server.connect_raw()
    own_id = parse_reply(conn.command("CLIENT", "ID"))[0]
    assert conn.command("CLIENT", "KILL", "ID", str(own_id)) == b":0\r\n"
    assert conn.command("CLIENT", "KILL", "ID", str(own_id), "SKIPME", "no") == b":1\r\n"
    assert conn.is_closed(timeout=5)


def test_client_kill_reads_its_filters_in_order(assert_same):
    # The first bad option is the error, even before a missing value.
    assert assert_same(
        b"CLIENT KILL ID 0 foo\r\nCLIENT KILL ID 1 foo\r\nCLIENT KILL TYPE foo ID 0\r\n"
        b"CLIENT KILL ID 1 TYPE foo\r\nCLIENT KILL USER nobody\r\n"
        b"CLIENT KILL USER default ID 99999\r\nCLIENT KILL TYPE master\r\n"
        b"CLIENT KILL TYPE replica\r\nCLIENT KILL TYPE slave\r\nCLIENT KILL TYPE PubSub\r\n"
        b"CLIENT KILL LADDR 1.2.3.4:5\r\nCLIENT KILL ID 99999999999999999999\r\n"
        b"CLIENT KILL ID -3\r\nCLIENT KILL SKIPME no ID 99999\r\nCLIENT KILL foo\r\n") == (
        b"-ERR client-id should be greater than 0\r\n-ERR syntax error\r\n"
        b"-ERR Unknown client type 'foo'\r\n-ERR Unknown client type 'foo'\r\n"
        b"-ERR No such user 'nobody'\r\n:0\r\n:0\r\n:0\r\n:0\r\n:0\r\n:0\r\n"
        b"-ERR client-id should be greater than 0\r\n"
        b"-ERR client-id should be greater than 0\r\n:0\r\n-ERR No such client\r\n+OK\r\n")


def test_client_list_takes_one_filter(assert_same):
    assert assert_same(
        b"CLIENT LIST TYPE normal ID 1\r\nCLIENT LIST ID 1 TYPE normal\r\nCLIENT LIST ID\r\n"
        b"CLIENT LIST TYPE\r\nCLIENT LIST TYPE foo\r\nCLIENT LIST foo bar\r\n"
        b"CLIENT LIST TYPE master\r\nCLIENT LIST TYPE replica\r\nCLIENT LIST TYPE pubsub\r\n") == (
        b"-ERR syntax error\r\n-ERR Invalid client ID\r\n-ERR syntax error\r\n"
        b"-ERR syntax error\r\n-ERR Unknown client type 'foo'\r\n-ERR syntax error\r\n"
        b"$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n+OK\r\n")


def listed_ids(conn, *filters):
    listing = parse_reply(conn.command("CLIENT", "LIST", *filters))[0]
    return [int(client_fields(line)[b"id"]) for line in listing.splitlines()]


def test_client_list_by_type_and_repeated_ids(server):
    conn = server.connect_raw()
    own_id = parse_reply(conn.command("CLIENT", "ID"))[0]
    subscriber = server.connect_raw()
    subscriber_id = parse_reply(subscriber.command("CLIENT", "ID"))[0]
    subscriber.command("SUBSCRIBE", "news")
    assert listed_ids(conn, "TYPE", "pubsub") == [subscriber_id]
    normal = listed_ids(conn, "TYPE", "NORMAL")
    assert own_id in normal and subscriber_id not in normal
    assert normal == sorted(normal)
    assert listed_ids(conn, "ID", str(subscriber_id), str(own_id), str(subscriber_id)) == [
        subscriber_id, own_id, subscriber_id]


def test_client_kill_by_type(server):
    killer = server.connect_raw()
    subscriber = server.connect_raw()
    subscriber.command("SUBSCRIBE", "news")
    bystander = server.connect_raw()
    assert bystander.command("PING") == b"+PONG\r\n"
    assert killer.command("CLIENT", "KILL", "TYPE", "pubsub") == b":1\r\n"
    assert subscriber.is_closed(timeout=5)
    assert bystander.command("PING") == b"+PONG\r\n"
    # Every normal client but the caller (SKIPME yes is the default).
    others = len(listed_ids(killer, "TYPE", "normal")) - 1
    assert killer.command("CLIENT", "KILL", "TYPE", "normal") == b":%d\r\n" % others
    assert bystander.is_closed(timeout=5)
    assert killer.command("PING") == b"+PONG\r\n"


def test_client_kill_filters_combine(server):
    killer = server.connect_raw()
    victim = server.connect_raw()
    victim_id = parse_reply(victim.command("CLIENT", "ID"))[0]
    host, port = victim.sock.getsockname()[:2]
    laddr = "127.0.0.1:%d" % server.port
    assert killer.command("CLIENT", "KILL", "ID", str(victim_id), "ADDR", "1.2.3.4:5") == b":0\r\n"
    assert killer.command("CLIENT", "KILL", "ID", str(victim_id), "TYPE", "pubsub") == b":0\r\n"
    assert killer.command("CLIENT", "KILL", "ID", str(victim_id), "LADDR", "1.2.3.4:5") == (
        b":0\r\n")
    assert killer.command("CLIENT", "KILL", "LADDR", laddr, "USER", "default", "ADDR",
                          "%s:%d" % (host, port), "ID", str(victim_id), "TYPE", "normal",
                          "SKIPME", "yes") == b":1\r\n"
    assert victim.is_closed(timeout=5)


def test_client_kill_old_form_may_kill_the_caller(server):
    conn = server.connect_raw()
    host, port = conn.sock.getsockname()[:2]
    assert conn.command("CLIENT", "KILL", "%s:%d" % (host, port)) == b"+OK\r\n"
    assert conn.is_closed(timeout=5)


@pytest.mark.fkvs_only
def test_client_setinfo_accepts_library_name_and_version(server):
    # CLIENT SETINFO arrived in Redis 7.2; newer client libraries send it on connect.
    conn = server.connect_raw()
    assert conn.command("CLIENT", "SETINFO", "lib-name", "redis-py") == b"+OK\r\n"
    assert conn.command("CLIENT", "SETINFO", "lib-ver", "4.3.4") == b"+OK\r\n"
    assert conn.command("CLIENT", "SETINFO", "no-such-attr", "x").startswith(b"-ERR ")


def test_command_count_matches_command_list(server):
    conn = server.connect_raw()
    count = parse_reply(conn.command("COMMAND", "COUNT"))[0]
    names = parse_reply(conn.command("COMMAND", "LIST"))[0]
    everything = parse_reply(conn.command("COMMAND"))[0]
    # COMMAND LIST also names subcommands ("config|get"); COUNT does not count them.
    top_level = [name for name in names if b"|" not in name]
    assert count == len(top_level) == len(everything)
    assert len(names) == len(set(names))
    for name in [b"get", b"set", b"ping", b"command", b"client", b"hello", b"expire",
                 b"client|id", b"command|count"]:
        assert name in names
    assert all(name == name.lower() for name in names)


def test_command_info_get(server, reference):
    mine = parse_reply(server.reply("COMMAND", "INFO", "get", "set", "no-such-command"))[0]
    theirs = parse_reply(reference.reply("COMMAND", "INFO", "get", "set", "no-such-command"))[0]
    assert len(mine) == 3 and mine[2] is None
    for entry, expected in zip(mine[:2], theirs[:2]):
        assert len(entry) == 10
        name, arity, flags, first_key, last_key, step, categories = entry[:7]
        assert (name, arity, first_key, last_key, step) == tuple(expected[0:2] + expected[3:6])
        assert set(flags) == set(expected[2])
        assert set(categories) == set(expected[6])


def test_command_docs_get(server):
    reply = parse_reply(server.reply("COMMAND", "DOCS", "get"))[0]
    assert reply[0] == b"get"
    docs = pairs(reply[1])
    assert {b"summary", b"since", b"group"} <= set(docs)
    assert docs[b"group"] == b"string"
    assert docs[b"summary"]


def test_command_docs_and_info_errors(assert_same):
    assert assert_same(b"COMMAND DOCS no-such-command\r\nCOMMAND FOO\r\n") == (
        b"*0\r\n-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n+OK\r\n")



def outside_address():
    """An address of this machine that is not loopback, or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


PROTECTED_PREFIX = (b"-DENIED Redis is running in protected mode because protected mode is"
                    b" enabled and no password is set for the default user.")


def test_protected_mode_denies_outside_clients_without_a_password(start_server):
    address = outside_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    denied = {}
    for target in ("redis", "fkvs"):
        handle = start_server("--bind", "0.0.0.0", "--protected-mode", "yes", target=target)
        with RawConnection(address, handle.port) as outside:
            outside.send(b"PING\r\n")
            denied[target] = outside.read_until_close()
        # Loopback clients are served, and may lift it.
        assert handle.reply("CONFIG", "SET", "protected-mode", "no") == b"+OK\r\n"
        with RawConnection(address, handle.port) as outside:
            assert outside.command("PING") == b"+PONG\r\n"
        # With a password, outside clients get in to authenticate.
        assert handle.reply("CONFIG", "SET", "protected-mode", "yes") == b"+OK\r\n"
        assert handle.reply("CONFIG", "SET", "requirepass", "pw") == b"+OK\r\n"
        with RawConnection(address, handle.port) as outside:
            assert outside.command("AUTH", "pw") == b"+OK\r\n"
    assert denied["fkvs"] == denied["redis"]
    assert denied["fkvs"].startswith(PROTECTED_PREFIX)


def test_client_reply_off_and_skip_silence_replies_as_in_redis(start_server):
    # Each step: what to send, and how many replies to read after it. The
    # PINGs with arguments show which replies came through.
    script = [
        (b"CLIENT REPLY SKIP\r\nPING one\r\nPING two\r\n", 1),
        (b"CLIENT REPLY OFF\r\nPING three\r\nSET k v\r\nNOSUCHCOMMAND\r\nCLIENT REPLY SKIP\r\n"
         b"PING four\r\nCLIENT REPLY ON\r\nPING five\r\n", 2),
        (b"CLIENT REPLY SKIP\r\nCLIENT REPLY ON\r\nPING six\r\n", 1),
        (b"CLIENT REPLY MAYBE\r\n", 1),
        # Subscription confirmations go out even with replies off.
        (b"CLIENT REPLY OFF\r\nSUBSCRIBE ch\r\nUNSUBSCRIBE ch\r\nPING seven\r\n", 2),
        (b"CLIENT REPLY ON\r\nGET k\r\n", 2),
    ]
    seen = {}
    for handle in (start_server(), start_server(target="redis")):
        with handle.connect_raw() as raw:
            got = []
            for data, replies in script:
                raw.send(data)
                got.append(raw.read_replies(replies))
            seen[handle.target] = got
    assert seen["fkvs"] == seen["redis"]
    assert b"two" in seen["fkvs"][0] and b"five" in seen["fkvs"][1]


def test_client_reply_silences_a_blocked_commands_later_reply(start_server):
    # The silenced BLPOP's reply would come when LPUSH serves it, and the
    # silenced BRPOP's when it times out: neither arrives, as in Redis.
    seen = {}
    for handle in (start_server(), start_server(target="redis")):
        with handle.connect_raw() as waiter, handle.connect_raw() as pusher:
            waiter.send(b"CLIENT REPLY SKIP\r\nBLPOP list 10\r\n")
            wait_until(lambda: b"blocked_clients:1" in pusher.command("INFO", "clients"),
                       timeout=10, message="BLPOP blocked")
            assert pusher.command("LPUSH", "list", "x") == b":1\r\n"
            waiter.send(b"CLIENT REPLY OFF\r\nBRPOP other 0.05\r\nCLIENT REPLY ON\r\n")
            waiter.send(b"PING after\r\n")
            seen[handle.target] = waiter.read_replies(2)
    assert seen["fkvs"] == seen["redis"] == b"+OK\r\n$5\r\nafter\r\n"


def requirepass_transcript(handle, protocol):
    """CONFIG SET requirepass on a live server: what a connection open before it
    and connections opened after it get, a failed AUTH included."""
    before = handle.connect_raw()
    if protocol == 3:
        before.command("HELLO", "3")
    replies = [before.command("CONFIG", "SET", "requirepass", PASSWORD)]
    try:
        # Already authenticated (as the default user without a password), the
        # connection stays so, whatever a later AUTH says.
        for argv in (["AUTH", "wrong"], ["SET", "k", "v"], ["PING"]):
            replies.append(before.command(*argv))
        after = handle.connect_raw()
        for argv in (["AUTH", "wrong"], ["SET", "k", "v"], ["PING"], ["HELLO", str(protocol)],
                     ["HELLO", str(protocol), "AUTH", "default", "wrong"], ["CLIENT", "ID"],
                     ["AUTH", PASSWORD], ["AUTH", "wrong"], ["GET", "k"]):
            replies.append(after.command(*argv))
    finally:
        before.command("AUTH", PASSWORD)
        before.command("CONFIG", "SET", "requirepass", "")
    return replies


@pytest.mark.parametrize("protocol", [2, 3])
def test_requirepass_set_at_runtime_matches_redis(start_server, protocol):
    expected = requirepass_transcript(start_server(target="redis"), protocol)
    actual = requirepass_transcript(start_server(), protocol)
    assert actual == expected
    assert expected[5] == NOAUTH and expected[2] == b"+OK\r\n"
