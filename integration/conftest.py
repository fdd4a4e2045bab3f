"""Fixtures: servers on free loopback ports and a reference redis-server.

FKVS_TEST_TARGET=redis runs every test against redis-server instead of
fkvs-server; that is how the tests themselves are validated.
"""

import os
import shutil

import pytest

# Helper modules assert too; rewriting gives their failures readable diffs.
pytest.register_assert_rewrite("transcript", "raw_connection", "server_process")

from raw_connection import RawConnection  # noqa: E402
from server_process import (FKVS_IO_BACKEND, REDIS_SERVER_BIN, TARGET, ServerHandle,  # noqa: E402
                            target_binary)


def pytest_configure(config):
    config.addinivalue_line("markers", "fkvs_only: fkvs-specific behaviour, skipped against redis")
    config.addinivalue_line("markers", "slow: takes seconds rather than milliseconds")


def pytest_report_header(config):
    backend = FKVS_IO_BACKEND if TARGET == "fkvs" and FKVS_IO_BACKEND else "default"
    return "fkvs integration target: %s (%s), io-backend: %s" % (TARGET, target_binary(), backend)


def pytest_collection_modifyitems(config, items):
    skip_fkvs_only = pytest.mark.skip(reason="fkvs-specific; target is redis-server")
    for item in items:
        if TARGET == "redis" and "fkvs_only" in item.keywords:
            item.add_marker(skip_fkvs_only)


def _log_tail(handle, lines=40):
    return "\n".join(handle.log().splitlines()[-lines:])


def _stop_cleanly(*handles):
    """Stops the servers and fails the test if one crashed or exited uncleanly
    (a sanitizer report at exit, for instance)."""
    problems = []
    for handle in handles:
        status = handle.stop()
        if status != 0:
            problems.append("server exited with status %s; log tail:\n%s" % (
                status, _log_tail(handle)))
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def _require_binary(path):
    if not os.access(path, os.X_OK):
        pytest.fail("server binary %s not found; build it or set FKVS_SERVER_BIN" % path,
                    pytrace=False)


@pytest.fixture
def server_binary():
    """Path of the server under test, for tests that run it by hand."""
    _require_binary(target_binary())
    return target_binary()


@pytest.fixture(scope="module")
def module_server(tmp_path_factory):
    _require_binary(target_binary())
    handle = ServerHandle(target_binary(), tmp_path_factory.mktemp("server")).start()
    yield handle
    _stop_cleanly(handle)


@pytest.fixture
def server(module_server):
    """The module's shared server, emptied (FLUSHALL) before the test."""
    if not module_server.alive():
        module_server.start()
    module_server.flushall()
    yield module_server
    module_server.close_connections()
    if not module_server.alive():
        pytest.fail("server died during the test (status %s); log tail:\n%s" % (
            module_server.process.returncode, _log_tail(module_server)), pytrace=False)


@pytest.fixture
def start_server(tmp_path):
    """Factory for a fresh server with extra command-line arguments or a config
    file: start_server("--maxclients", "2"), start_server(config_file=path) or
    start_server(config_text="port {port}\n", port_arg=False); see ServerHandle."""
    started = []

    def start(*args, target=TARGET, **options):
        binary = target_binary(target)
        _require_binary(binary)
        workdir = tmp_path / ("server%d" % len(started))
        handle = ServerHandle(binary, workdir, args, target=target, **options)
        started.append(handle)
        return handle.start()

    yield start
    _stop_cleanly(*started)


@pytest.fixture(scope="session")
def reference(tmp_path_factory):
    """A real redis-server, the behaviour fkvs is compared against."""
    if not shutil.which(REDIS_SERVER_BIN):
        pytest.skip("reference redis-server not installed")
    handle = ServerHandle(REDIS_SERVER_BIN, tmp_path_factory.mktemp("reference"),
                          target="redis").start()
    yield handle
    handle.stop()


def _run_script(handle, script, quit, replies):
    handle.flushall()
    with RawConnection(handle.host, handle.port) as conn:
        conn.send(script + (b"QUIT\r\n" if quit else b""))
        if replies is not None:
            return conn.read_replies(replies)
        return conn.read_until_close()


@pytest.fixture
def assert_same(server, reference):
    """assert_same(script) sends the same raw bytes to the server under test and
    to the reference redis-server (each after FLUSHALL) and asserts the replies
    are byte-identical; returns them.

    A QUIT is appended so that both sides end by closing the connection; pass
    quit=False with replies=N to stop after N replies instead.
    """

    def compare(script, quit=True, replies=None):
        expected = _run_script(reference, script, quit, replies)
        actual = _run_script(server, script, quit, replies)
        assert actual == expected, "script %r" % script
        return actual

    return compare
