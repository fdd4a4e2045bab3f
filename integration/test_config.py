"""Start-up configuration: config files, command-line overrides, bad configs,
unix sockets and signal handling.

Tests that only make sense for fkvs-server (its -c flag, its error format) are
marked fkvs_only; the rest also hold for redis-server and are validated there.
"""

import os
import re
import signal
import socket
import stat
import subprocess

import pytest
import redis

from server_process import COMMON_ARGS, free_port
from replies import OK


def run_until_exit(argv, cwd, timeout=10):
    """Runs a server expected to refuse to start; returns (exit status, output)."""
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate(timeout=timeout)  # bounded: a child could hold the pipe
        raise AssertionError("server kept running with a bad config:\n%s" % output.decode())
    return process.returncode, output.decode(errors="replace")


def mentions_line(output, number):
    """Accepts 'line 3', 'line: 3' or 'file.conf:3'."""
    return re.search(r"(line:?\s*%d\b|\.conf:%d\b)" % (number, number), output) is not None


def test_config_file_settings_apply(start_server):
    started = start_server(config_text=(
        "# a comment line\n"
        "\n"
        "port {port}\n"
        "maxclients 123\n"
        "   databases 4\n"
        "requirepass \"two words\"\n"), port_arg=False)
    client = started.client(password="two words")
    assert client.config_get("maxclients") == {"maxclients": "123"}
    assert client.config_get("databases") == {"databases": "4"}
    assert client.config_get("port") == {"port": "%d" % started.port}
    with pytest.raises(redis.ResponseError, match="DB index is out of range"):
        client.execute_command("SELECT", "4")


def test_command_line_overrides_config_file(start_server):
    # Held while the server starts, so the port it picks cannot be this one.
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        unused_port = placeholder.getsockname()[1]
        started = start_server("--maxclients", "77", config_text=(
            "port %d\n"
            "maxclients 5\n"
            "timeout 30\n" % unused_port))
    client = started.client()
    assert started.port != unused_port
    assert client.config_get("port") == {"port": "%d" % started.port}
    assert client.config_get("maxclients") == {"maxclients": "77"}
    assert client.config_get("timeout") == {"timeout": "30"}


@pytest.mark.fkvs_only
def test_config_file_given_with_dash_c(start_server):
    started = start_server(config_text="port {port}\nmaxclients 42\n", config_flag="-c",
                           port_arg=False)
    assert started.client().config_get("maxclients") == {"maxclients": "42"}


BAD_CONFIGS = [
    pytest.param("port {port}\nno-such-directive yes\n", 2, "no-such-directive",
                 r"(?i)unknown|bad directive", id="unknown-directive"),
    pytest.param("# comment\n\nport not-a-number\n", 3, "not-a-number",
                 r"(?i)integer|number|invalid", id="port-not-a-number"),
    pytest.param("port {port}\nmaxclients 0\n", 2, "maxclients",
                 r"(?i)between|range|invalid", id="maxclients-out-of-range"),
    pytest.param("port {port}\nappendonly maybe\n", 2, "appendonly",
                 r"(?i)yes|no|bool|invalid", id="bad-boolean"),
    pytest.param("port {port}\ntimeout 1 2\n", 2, "timeout",
                 r"(?i)argument|invalid|wrong", id="too-many-arguments"),
]

# Redis options for what fkvs lacks: a value that asks for the missing feature
# stops the start rather than being ignored.
MISSING_FEATURE_CONFIGS = [
    pytest.param("port {port}\nreplicaof 10.0.0.1 6379\n", 2, "replicaof",
                 "fkvs does not replicate yet", id="replicaof"),
    pytest.param("port {port}\n\ncluster-enabled yes\n", 3, "cluster-enabled",
                 "fkvs has no cluster mode yet", id="cluster-enabled"),
    pytest.param("port {port}\ntls-port 6380\n", 2, "tls-port", "fkvs has no TLS yet",
                 id="tls-port"),
]


@pytest.mark.fkvs_only
@pytest.mark.parametrize("text, line, token, reason", MISSING_FEATURE_CONFIGS)
def test_config_asking_for_a_missing_feature_is_refused(server_binary, tmp_path, text, line,
                                                        token, reason):
    config = tmp_path / "missing.conf"
    config.write_text(text.replace("{port}", str(free_port())))
    status, output = run_until_exit([server_binary, str(config)] + COMMON_ARGS, tmp_path)
    assert status != 0
    assert mentions_line(output, line), output
    assert token in output and reason in output, output


DEBIAN_REDIS_CONF = "/etc/redis/redis.conf"


def test_debian_redis_conf_loads_unchanged(start_server, tmp_path):
    """The redis.conf Debian's redis-server package installs: every directive
    in it is accepted, options for what fkvs lacks (replication, TLS,
    defragmentation) are kept and shown as Redis shows them."""
    if not os.path.exists(DEBIAN_REDIS_CONF):
        pytest.skip("%s is missing: the redis-server package is not installed" %
                    DEBIAN_REDIS_CONF)
    with open(DEBIAN_REDIS_CONF) as conf:
        text = re.sub(r"(?m)^port 6379$", "port {port}", conf.read())
    assert "port {port}" in text
    started = start_server("--daemonize", "no", "--logfile", "", "--pidfile", "",
                           "--dir", str(tmp_path), config_text=text)
    client = started.client()
    assert client.ping()
    assert client.config_get("repl-diskless-sync") == {"repl-diskless-sync": "yes"}
    assert client.config_get("hll-sparse-max-bytes") == {"hll-sparse-max-bytes": "3000"}
    assert client.config_get("replica-priority") == {"replica-priority": "100"}
    assert client.config_get("slave-priority") == {"slave-priority": "100"}


@pytest.mark.parametrize("text, line, token, reason", BAD_CONFIGS)
def test_bad_config_exits_with_a_clear_message(server_binary, tmp_path, text, line, token,
                                                reason):
    config = tmp_path / "bad.conf"
    config.write_text(text.replace("{port}", str(free_port())))
    status, output = run_until_exit([server_binary, str(config)] + COMMON_ARGS, tmp_path)
    assert status != 0
    assert mentions_line(output, line), output
    assert token in output, output
    assert re.search(reason, output), output


@pytest.mark.fkvs_only
@pytest.mark.parametrize("text, line, token, reason", BAD_CONFIGS)
def test_bad_config_message_names_the_file(server_binary, tmp_path, text, line, token, reason):
    config = tmp_path / "bad.conf"
    config.write_text(text.replace("{port}", str(free_port())))
    status, output = run_until_exit([server_binary, str(config)], tmp_path)
    assert status != 0
    assert str(config) in output, output


def test_bad_command_line_option_exits(server_binary, tmp_path):
    status, output = run_until_exit(
        [server_binary, "--port", str(free_port()), "--no-such-option", "1"], tmp_path)
    assert status != 0
    assert "no-such-option" in output, output


def test_missing_config_file_exits(server_binary, tmp_path):
    status, output = run_until_exit(
        [server_binary, str(tmp_path / "absent.conf"), "--port", str(free_port())], tmp_path)
    assert status != 0
    assert "absent.conf" in output, output


def test_unix_socket_with_permissions(start_server, tmp_path):
    socket_path = tmp_path / "fkvs.sock"
    started = start_server("--unixsocket", str(socket_path), "--unixsocketperm", "700")
    assert stat.S_ISSOCK(os.stat(socket_path).st_mode)
    assert stat.S_IMODE(os.stat(socket_path).st_mode) == 0o700
    client = redis.Redis(unix_socket_path=str(socket_path), socket_timeout=30)
    try:
        assert client.set("over-unix", "yes") is True
        assert client.get("over-unix") == b"yes"
        assert started.client().get("over-unix") == b"yes"
        assert client.client_info()["laddr"].startswith(str(socket_path))
        # CLIENT LIST marks unix-socket clients, as Redis does.
        assert client.client_info()["flags"] == "U"
        assert started.client().client_info()["flags"] == "N"
    finally:
        client.close()
    assert started.stop() == 0
    assert not socket_path.exists()


def test_sigterm_shuts_down_cleanly(start_server):
    started = start_server()
    conn = started.connect_raw()
    assert conn.command("SET", "k", "v") == OK
    started.process.send_signal(signal.SIGTERM)
    assert started.wait_exit() == 0
    assert conn.is_closed(timeout=5)


def test_sigint_shuts_down_cleanly(start_server):
    started = start_server()
    started.process.send_signal(signal.SIGINT)
    assert started.wait_exit() == 0


def test_binary_reports_version(server_binary, tmp_path):
    result = subprocess.run([server_binary, "--version"], capture_output=True, text=True,
                            timeout=10, cwd=tmp_path)
    assert result.returncode == 0
    assert re.search(r"\d+\.\d+\.\d+", result.stdout + result.stderr)


ENCODING_COMMANDS = [
    ["config", "get", "*ziplist*"],
    ["config", "get", "*listpack*"],
    ["config", "get", "set-max-intset-entries"],
    ["config", "get", "hash-max-listpack-entries", "HASH-MAX-ZIPLIST-ENTRIES"],
    ["config", "set", "hash-max-ziplist-entries", "100"],
    ["config", "get", "hash-max-listpack-entries"],
    ["config", "set", "hash-max-listpack-entries", "300", "hash-max-ziplist-entries", "200"],
    ["config", "get", "hash-max-*"],
    ["config", "set", "hash-max-listpack-entries", "1", "HASH-MAX-LISTPACK-ENTRIES", "2"],
    ["config", "set", "hash-max-listpack-value", "10kb"],
    ["config", "set", "zset-max-listpack-value", "1e3"],
    ["config", "set", "zset-max-ziplist-value", "-1"],
    ["config", "set", "set-max-intset-entries", "-1"],
    ["config", "set", "list-max-listpack-size", "abc"],
    ["config", "set", "list-max-listpack-size", "-2147483649"],
    ["config", "set", "list-max-ziplist-size", "-5"],
    ["config", "get", "list-max-*"],
    ["config", "get", "zset-max-*", "hash-max-listpack-value"],
]
ENCODING_DEFAULTS = {"list-max-listpack-size": "-2", "hash-max-listpack-entries": "512",
                     "hash-max-listpack-value": "64", "set-max-intset-entries": "512",
                     "zset-max-listpack-entries": "128", "zset-max-listpack-value": "64"}


def test_encoding_thresholds_and_their_ziplist_aliases_match_redis(start_server, reference):
    """The compact-encoding limits, their pre-7.0 names, ranges and errors, as redis-server 7.0
    answers them (CONFIG GET compared as a map: Redis's order is its hash table's)."""
    server = start_server()
    expected_client = redis.Redis(host=reference.host, port=reference.port, decode_responses=True,
                                  socket_timeout=30)
    actual_client = redis.Redis(host=server.host, port=server.port, decode_responses=True,
                                socket_timeout=30)

    def answer(client, command):
        try:
            reply = client.execute_command(*command)
        except redis.ResponseError as error:
            return "error: %s" % error
        return dict(zip(reply[::2], reply[1::2])) if isinstance(reply, list) else reply

    try:
        for command in ENCODING_COMMANDS:
            assert answer(actual_client, command) == answer(expected_client, command), command
    finally:
        for name, value in ENCODING_DEFAULTS.items():
            expected_client.config_set(name, value)
