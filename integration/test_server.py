"""Server commands and limits: INFO, TIME, CONFIG, SHUTDOWN, DEBUG, error texts,
maxclients, idle timeout, query and output buffer limits."""

import socket
import time

import pytest

from resp import encode_command, parse_reply
from server_process import wait_until
from transcript import check_transcript
from replies import OK


INFO_SECTIONS = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                 "Keyspace"]

INFO_FIELDS = {
    "server": ["redis_version", "redis_mode", "process_id", "tcp_port", "uptime_in_seconds", "hz",
               "executable", "config_file", "multiplexing_api"],
    "clients": ["connected_clients", "maxclients", "blocked_clients"],
    "memory": ["used_memory", "used_memory_human", "used_memory_rss", "maxmemory",
               "mem_allocator"],
    "persistence": ["loading", "rdb_changes_since_last_save", "rdb_last_save_time"],
    "stats": ["total_connections_received", "total_commands_processed",
              "instantaneous_ops_per_sec", "keyspace_hits", "keyspace_misses", "expired_keys",
              "rejected_connections"],
    "replication": ["role", "connected_slaves"],
    "cpu": ["used_cpu_sys", "used_cpu_user"],
}


def info_text(server, *sections):
    return parse_reply(server.reply("INFO", *sections))[0].decode()


def section_headers(text):
    return [line[2:] for line in text.splitlines() if line.startswith("# ")]


def test_info_has_every_default_section_in_order(server):
    text = info_text(server)
    assert "\r\n" in text
    headers = section_headers(text)
    assert [name for name in headers if name in INFO_SECTIONS] == INFO_SECTIONS


@pytest.mark.parametrize("section", sorted(INFO_FIELDS))
def test_info_section_fields(server, section):
    fields = server.info(section)
    missing = [name for name in INFO_FIELDS[section] if name not in fields]
    assert missing == []
    assert section_headers(info_text(server, section)) == [section.capitalize()
                                                           if section != "cpu" else "CPU"]


def test_info_field_values(server):
    server.client().set("k", "v")
    fields = server.info()
    assert fields["redis_version"].count(".") == 2
    assert fields["redis_mode"] == "standalone"
    assert int(fields["process_id"]) == server.process.pid
    assert int(fields["tcp_port"]) == server.port
    assert int(fields["uptime_in_seconds"]) >= 0
    assert int(fields["hz"]) > 0
    assert fields["multiplexing_api"]
    assert int(fields["connected_clients"]) >= 1
    assert int(fields["maxclients"]) > 0
    assert fields["blocked_clients"] == "0"
    assert int(fields["used_memory"]) > 0
    assert fields["used_memory_human"][-1] in "BKMG"
    assert int(fields["used_memory_rss"]) > 0
    assert fields["maxmemory"] == "0"
    assert fields["loading"] == "0"
    assert int(fields["rdb_changes_since_last_save"]) >= 1
    assert abs(int(fields["rdb_last_save_time"]) - time.time()) < 3600
    assert int(fields["total_connections_received"]) >= 1
    assert int(fields["total_commands_processed"]) >= 1
    assert int(fields["instantaneous_ops_per_sec"]) >= 0
    assert fields["role"] == "master"
    assert fields["connected_slaves"] == "0"
    assert float(fields["used_cpu_sys"]) >= 0
    assert float(fields["used_cpu_user"]) >= 0
    assert fields["db0"].startswith("keys=1,expires=0,avg_ttl=")


def test_info_executable_and_config_file(start_server, tmp_path):
    config = tmp_path / "plain.conf"
    config.write_text("databases 16\n")
    started = start_server(config_file=config)
    fields = started.info("server")
    assert fields["executable"].endswith(started.binary.rsplit("/", 1)[-1])
    assert fields["config_file"] == str(config)
    assert start_server().info("server")["config_file"] == ""


def test_info_keyspace_hits_and_misses(server):
    client = server.client()
    before = server.info("stats")
    client.set("k", "v")
    client.get("k")
    client.get("k")
    client.get("missing")
    after = server.info("stats")
    assert int(after["keyspace_hits"]) - int(before["keyspace_hits"]) == 2
    assert int(after["keyspace_misses"]) - int(before["keyspace_misses"]) == 1


def test_info_section_selection(server):
    assert section_headers(info_text(server, "server")) == ["Server"]
    assert section_headers(info_text(server, "SERVER")) == ["Server"]
    assert section_headers(info_text(server, "clients", "memory")) == ["Clients", "Memory"]
    assert section_headers(info_text(server, "default")) == section_headers(info_text(server))
    everything = section_headers(info_text(server, "everything"))
    all_sections = section_headers(info_text(server, "all"))
    for name in INFO_SECTIONS:
        assert name in all_sections and name in everything
    assert set(section_headers(info_text(server))) <= set(all_sections) <= set(everything)
    assert server.reply("INFO", "no-such-section") == b"$0\r\n\r\n"


def test_info_counts_connections_and_commands(server):
    # Connections from earlier tests may still be closing; wait until only ours is left.
    wait_until(lambda: server.info("clients")["connected_clients"] == "1", timeout=5,
               message="earlier connections closed")
    before = server.info("stats", "clients")
    extra = [server.connect_raw() for _ in range(3)]
    for conn in extra:
        assert conn.command("PING") == b"+PONG\r\n"
    after = server.info("stats", "clients")
    assert int(after["total_connections_received"]) - int(before["total_connections_received"]) == 3
    assert after["connected_clients"] == "4"
    assert int(after["total_commands_processed"]) - int(before["total_commands_processed"]) >= 4


def test_time(server):
    seconds, micros = parse_reply(server.reply("TIME"))[0]
    assert abs(int(seconds) - time.time()) < 5
    assert 0 <= int(micros) < 1_000_000


def test_lastsave_and_dbsize(server):
    lastsave = parse_reply(server.reply("LASTSAVE"))[0]
    uptime = int(server.info("server")["uptime_in_seconds"])
    assert time.time() - uptime - 5 <= lastsave <= time.time() + 1
    assert server.reply("DBSIZE") == b":0\r\n"
    server.client().mset({"a": 1, "b": 2})
    assert server.reply("DBSIZE") == b":2\r\n"


def test_debug_sleep_zero(server):
    assert server.reply("DEBUG", "SLEEP", "0") == OK


def test_config_get(server):
    assert server.reply("CONFIG", "GET", "port") == (
        b"*2\r\n$4\r\nport\r\n$%d\r\n%d\r\n" % (len(str(server.port)), server.port))
    assert server.reply("CONFIG", "GET", "maxclient*") == (
        b"*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n")
    # Several parameters come back as one flat map, in no particular order.
    pairs = parse_reply(server.reply("CONFIG", "GET", "databases", "maxmemory"))[0]
    assert dict(zip(pairs[0::2], pairs[1::2])) == {b"databases": b"16", b"maxmemory": b"0"}
    assert server.reply("CONFIG", "GET", "no-such-option") == b"*0\r\n"
    assert server.reply("CONFIG", "GET", "save") == b"*2\r\n$4\r\nsave\r\n$0\r\n\r\n"
    assert server.reply("CONFIG", "GET", "appendonly") == (
        b"*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n")
    everything = parse_reply(server.reply("CONFIG", "GET", "*"))[0]
    settings = dict(zip(everything[0::2], everything[1::2]))
    for name in [b"port", b"bind", b"timeout", b"maxclients", b"maxmemory", b"databases",
                 b"proto-max-bulk-len", b"client-query-buffer-limit", b"hz", b"requirepass"]:
        assert name in settings
    matches = parse_reply(server.reply("CONFIG", "GET", "max*"))[0][0::2]
    assert b"maxclients" in matches and b"maxmemory" in matches
    assert all(name.startswith(b"max") for name in matches)


def test_config_errors(assert_same):
    check_transcript(assert_same, [
        ("CONFIG FOO", b"-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n"),
        ("CONFIG GET", b"-ERR wrong number of arguments for 'config|get' command\r\n"),
        ("CONFIG SET port", b"-ERR wrong number of arguments for 'config|set' command\r\n"),
        ("CONFIG SET no-such-option 1",
         b"-ERR Unknown option or number of arguments for CONFIG SET - 'no-such-option'\r\n"),
        ("CONFIG SET maxmemory abc",
         b"-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be "
         b"a memory value\r\n"),
        ("CONFIG SET timeout abc",
         b"-ERR CONFIG SET failed (possibly related to argument 'timeout') - argument couldn't "
         b"be parsed into an integer\r\n"),
        ("CONFIG SET maxclients 0",
         b"-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be "
         b"between 1 and 4294967295 inclusive\r\n"),
        ("CONFIG RESETSTAT x",
         b"-ERR wrong number of arguments for 'config|resetstat' command\r\n"),
    ])


def test_config_set_and_resetstat(start_server):
    started = start_server()
    assert started.reply("CONFIG", "SET", "maxmemory", "100mb") == OK
    assert started.reply("CONFIG", "GET", "maxmemory") == (
        b"*2\r\n$9\r\nmaxmemory\r\n$9\r\n104857600\r\n")
    assert started.info("memory")["maxmemory"] == "104857600"
    assert started.reply("CONFIG", "SET", "timeout", "300", "hz", "20") == OK
    assert started.reply("CONFIG", "GET", "timeout") == b"*2\r\n$7\r\ntimeout\r\n$3\r\n300\r\n"
    assert started.info("server")["hz"] == "20"
    client = started.client()
    client.get("missing")
    client.set("k", "v")
    client.get("k")
    assert int(started.info("stats")["keyspace_hits"]) == 1
    assert started.reply("CONFIG", "RESETSTAT") == OK
    stats = started.info("stats")
    assert stats["keyspace_hits"] == "0"
    assert stats["keyspace_misses"] == "0"
    assert int(stats["total_commands_processed"]) <= 2


def test_unknown_command_error_text(assert_same):
    check_transcript(assert_same, [
        ("foo a b", b"-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n"),
        ("FOO", b"-ERR unknown command 'FOO', with args beginning with: \r\n"),
        ("foo \"a b\" c", b"-ERR unknown command 'foo', with args beginning with: 'a b' 'c' \r\n"),
        (("foo", "c\r\nd"), b"-ERR unknown command 'foo', with args beginning with: 'c  d' \r\n"),
        ("foo " + "x" * 200 + " b",
         b"-ERR unknown command 'foo', with args beginning with: '" + b"x" * 128 + b"' \r\n"),
        ("foo " + "x" * 100 + " " + "y" * 100 + " z",
         b"-ERR unknown command 'foo', with args beginning with: '" + b"x" * 100 + b"' '"
         + b"y" * 25 + b"' \r\n"),
        ("f" + "o" * 200 + " b",
         b"-ERR unknown command 'f" + b"o" * 127 + b"', with args beginning with: 'b' \r\n"),
        ("CONFIG FOO bar", b"-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n"),
        # Redis formats with %s: a NUL byte ends the argument.
        (("FOO\0x", "a\0b"), b"-ERR unknown command 'FOO', with args beginning with: 'a' \r\n"),
        (("CONFIG", "F\0OO"), b"-ERR unknown subcommand 'F'. Try CONFIG HELP.\r\n"),
    ])


def test_wrong_arity_error_text(assert_same):
    check_transcript(assert_same, [
        ("GET", b"-ERR wrong number of arguments for 'get' command\r\n"),
        ("get a b", b"-ERR wrong number of arguments for 'get' command\r\n"),
        ("Set k", b"-ERR wrong number of arguments for 'set' command\r\n"),
        ("TIME x", b"-ERR wrong number of arguments for 'time' command\r\n"),
        ("DEBUG", b"-ERR wrong number of arguments for 'debug' command\r\n"),
        ("CLIENT SETNAME", b"-ERR wrong number of arguments for 'client|setname' command\r\n"),
    ])


def test_shutdown_nosave_stops_the_server(start_server):
    started = start_server()
    bystander = started.connect_raw()
    assert bystander.command("PING") == b"+PONG\r\n"
    conn = started.connect_raw()
    conn.send_command("SHUTDOWN", "NOSAVE")
    assert conn.read_until_close() == b""
    assert started.wait_exit() == 0
    assert bystander.is_closed(timeout=5)
    with pytest.raises(OSError):
        socket.create_connection((started.host, started.port), timeout=2).close()


def test_nothing_runs_or_is_sent_after_shutdown_in_a_pipeline(start_server):
    started = start_server()
    conn = started.connect_raw()
    conn.send(b"SET x 1\r\nSHUTDOWN NOSAVE\r\nSET after shutdown\r\nGET after\r\n")
    assert conn.read_until_close() == b""
    assert started.wait_exit() == 0


def test_maxclients_rejects_extra_connections(start_server):
    started = start_server("--maxclients", "2")
    first = started.connect_raw()
    assert first.command("PING") == b"+PONG\r\n"

    def second_client_admitted():
        # The start-up PING probe may not be reaped yet; retry until its slot is free.
        conn = started.connect_raw()
        reply = conn.command("PING")
        if reply == b"+PONG\r\n":
            return conn
        conn.close()
        return None

    second = wait_until(second_client_admitted, timeout=5, message="second client admitted")
    third = started.connect_raw()
    assert third.read_until_close() == b"-ERR max number of clients reached\r\n"
    assert first.command("PING") == b"+PONG\r\n"
    assert second.command("PING") == b"+PONG\r\n"
    stats = parse_reply(first.command("INFO", "stats"))[0]
    assert b"\r\nrejected_connections:0\r\n" not in stats
    assert b"\r\nrejected_connections:" in stats


@pytest.mark.slow
def test_idle_clients_are_closed_after_timeout(start_server):
    started = start_server("--timeout", "1")
    idle = started.connect_raw()
    assert idle.command("PING") == b"+PONG\r\n"
    busy = started.connect_raw()
    begin = time.monotonic()
    while time.monotonic() - begin < 2.5:
        assert busy.command("PING") == b"+PONG\r\n"
        time.sleep(0.2)
    assert idle.is_closed(timeout=3)
    assert busy.command("PING") == b"+PONG\r\n"


def test_client_over_query_buffer_limit_is_closed(start_server):
    started = start_server("--client-query-buffer-limit", "1mb")
    bystander = started.connect_raw()
    assert bystander.command("PING") == b"+PONG\r\n"
    offender = started.connect_raw()
    # A 4 MB argument announced up front; the server buffers it until the limit trips.
    offender.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4194304\r\n")
    try:
        for _ in range(32):
            offender.send(b"x" * 65536)
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert offender.is_closed(timeout=5)
    assert bystander.command("EXISTS", "k") == b":0\r\n"


def test_client_over_output_buffer_limit_is_closed(start_server):
    started = start_server("--client-output-buffer-limit", "normal", "1mb", "1mb", "0")
    assert started.reply("SET", "big", "x" * (1 << 20)) == OK
    reader = started.connect_raw()
    reader.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    # Ask for 64 MB of replies without reading any of them.
    reader.send(encode_command("GET", "big") * 64)
    reader_addr = b"addr=%s:%d " % (reader.sock.getsockname()[0].encode(),
                                     reader.sock.getsockname()[1])

    def reader_gone():
        return reader_addr not in parse_reply(started.reply("CLIENT", "LIST"))[0]

    wait_until(reader_gone, timeout=10, message="client over the output limit closed")
    received = len(reader.read_until_close(timeout=10))
    assert received < 64 * (1 << 20)
