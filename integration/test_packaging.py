"""The Debian package (packaging/build-deb.sh), the systemd unit and the
Dockerfile.

The package test installs the package on this machine, runs the installed
server the way the unit does, then removes and purges it: it needs root and
dpkg, and it leaves alone a machine where a real fkvs package is installed.
No Docker daemon is assumed: the Dockerfile is checked against the tree it
builds from (hadolint lints it too where it is installed)."""

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from server_process import FKVS_SERVER_BIN, REPO_ROOT, TARGET, free_port, wait_until

pytestmark = pytest.mark.skipif(TARGET != "fkvs", reason="fkvs's own packaging")

BUILD_DIR = Path(FKVS_SERVER_BIN).parent.parent
INSTALLED = ["/usr/bin/fkvs-server", "/usr/bin/fkvs-cli", "/usr/bin/fkvs-benchmark",
             "/lib/systemd/system/fkvs.service", "/etc/fkvs/fkvs.conf", "/etc/logrotate.d/fkvs"]


def run(*argv, check=True, **kwargs):
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, **kwargs)
    if check:
        assert result.returncode == 0, "%s: %s%s" % (argv, result.stdout, result.stderr)
    return result


def package_installed():
    result = run("dpkg-query", "-W", "-f=${Status}", "fkvs", check=False)
    return "install ok installed" in result.stdout or "config-files" in result.stdout


def user_exists(name):
    return run("getent", "passwd", name, check=False).returncode == 0


@pytest.fixture
def debian_package(tmp_path):
    if os.geteuid() != 0 or not shutil.which("dpkg-deb"):
        pytest.skip("installing a package needs root and dpkg")
    if package_installed():
        pytest.skip("an fkvs package is installed here already; not touching it")
    built = run(str(REPO_ROOT / "packaging" / "build-deb.sh"), str(BUILD_DIR), str(tmp_path))
    path = Path(built.stdout.strip().splitlines()[-1])
    assert path.exists()
    yield path
    if package_installed():
        run("dpkg", "--purge", "fkvs", check=False)


def test_package_installs_runs_as_its_user_and_purges(debian_package, tmp_path):
    fields = run("dpkg-deb", "--field", str(debian_package), "Package", "Depends").stdout
    assert "Package: fkvs" in fields and "libhiredis" in fields and "passwd" in fields
    run("dpkg", "-i", str(debian_package))
    for path in INSTALLED:
        assert os.path.exists(path), path
    assert user_exists("fkvs")
    assert Path("/var/lib/fkvs").owner() == "fkvs"
    assert Path("/var/log/fkvs").is_dir()
    assert run("/usr/bin/fkvs-server", "--test-config", "/etc/fkvs/fkvs.conf").stdout.startswith(
        "fkvs-server: configuration /etc/fkvs/fkvs.conf is valid")
    for binary in ("fkvs-server", "fkvs-cli", "fkvs-benchmark"):
        assert "Usage: " in run("/usr/bin/" + binary, "--help").stdout
    if shutil.which("logrotate"):
        run("logrotate", "--debug", "/etc/logrotate.d/fkvs")
    if shutil.which("systemd-analyze"):
        verified = run("systemd-analyze", "verify", "/lib/systemd/system/fkvs.service",
                       check=False)
        assert "fkvs.service" not in verified.stderr, verified.stderr

    # The unit's way of running it, without systemd: its user, its config.
    os.makedirs("/run/fkvs", exist_ok=True)
    shutil.chown("/run/fkvs", "fkvs", "fkvs")
    port = free_port()
    server = subprocess.Popen(["/usr/bin/fkvs-server", "/etc/fkvs/fkvs.conf", "--port", str(port)],
                              user="fkvs", group="fkvs", extra_groups=[], cwd="/var/lib/fkvs",
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: run("/usr/bin/fkvs-cli", "-p", str(port), "ping",
                               check=False).stdout == "PONG\n", timeout=10, message="PONG")
        assert run("/usr/bin/fkvs-cli", "-p", str(port), "set", "k", "v").stdout == "OK\n"
        assert "Ready to accept connections" in Path("/var/log/fkvs/fkvs-server.log").read_text()
        assert Path("/run/fkvs/fkvs-server.pid").exists()
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(15) == 0
    assert not Path("/run/fkvs/fkvs-server.pid").exists()

    # Removing keeps the data, the logs, the config and the user; purging does not.
    run("dpkg", "-r", "fkvs")
    assert not os.path.exists("/usr/bin/fkvs-server")
    assert Path("/var/lib/fkvs").is_dir() and Path("/etc/fkvs/fkvs.conf").exists()
    assert user_exists("fkvs")
    run("dpkg", "--purge", "fkvs")
    for path in ("/etc/fkvs", "/var/lib/fkvs", "/var/log/fkvs"):
        assert not os.path.exists(path), path
    assert not user_exists("fkvs")


def dockerfile_stages():
    """[(FROM line, [instructions])] of the Dockerfile, continuation lines joined."""
    text = (REPO_ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n\s*", " ", text)
    stages = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("FROM "):
            stages.append((line, []))
        else:
            stages[-1][1].append(line)
    return stages


def test_dockerfile_builds_with_the_readme_steps_and_runs_unprivileged():
    if shutil.which("hadolint"):
        run("hadolint", str(REPO_ROOT / "Dockerfile"))
    (build_from, build_steps), (runtime_from, runtime_steps) = dockerfile_stages()
    assert build_from == "FROM debian:12 AS build"
    # The image builds with the very step the README's commands start with.
    assert "RUN packaging/setup.sh build" in build_steps
    setup = (REPO_ROOT / "packaging" / "setup.sh").read_text()
    for mode in ("build", "server", "test"):
        branch = re.search(r"\n  %s\)\n(.*?);;" % mode, setup, re.S).group(1)
        assert 'install_missing "${packages[@]}"' in branch
        assert "build build --buildtype=release" in branch
    readme = (REPO_ROOT / "README.md").read_text()
    assert "packaging/setup.sh server" in readme and "packaging/setup.sh test" in readme
    assert "docker build -t fkvs ." in readme

    assert runtime_from == "FROM debian:12-slim"
    instructions = {step.split()[0]: step for step in runtime_steps}
    assert instructions["USER"] == "USER fkvs"
    assert instructions["EXPOSE"] == "EXPOSE 6379"
    assert instructions["VOLUME"] == "VOLUME /data"
    assert "fkvs-cli" in instructions["HEALTHCHECK"] and "ping" in instructions["HEALTHCHECK"]
    assert '"--bind", "0.0.0.0"' in instructions["CMD"]
    # What the runtime stage copies is what the build produces.
    copied = instructions["COPY"].split()[2:-1]
    assert copied == ["/src/build/src/fkvs-server", "/src/build/src/tools/cli/fkvs-cli"]
    # It installs the packages of the libraries those binaries load, past
    # what the slim image has.
    binaries = [BUILD_DIR / "src" / "fkvs-server", BUILD_DIR / "src" / "tools" / "cli" / "fkvs-cli"]
    needed = set()
    for binary in binaries:
        for lib in re.findall(r"=> (/\S+)", run("ldd", str(binary)).stdout):
            owner = run("dpkg", "-S", os.path.realpath(lib), check=False)
            if owner.returncode != 0:
                owner = run("dpkg", "-S", lib, check=False)
            if owner.returncode == 0:
                needed.add(owner.stdout.split(":")[0])
    in_slim = {"libc6", "libgcc-s1", "libstdc++6", "libtinfo6", "libbsd0", "libmd0"}
    if "libasan8" in needed or "libubsan1" in needed:
        pytest.skip("a sanitizer build: its libraries are not the image's")
    installed = set(re.search(r"--no-install-recommends (.*?) &&",
                              instructions["RUN"]).group(1).split())
    assert installed == needed - in_slim
