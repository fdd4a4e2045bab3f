"""Node.js clients against the server: ioredis's defineCommand (EVALSHA,
with EVAL once the script is not loaded), pipelines of custom commands and
plain commands, as integration/node/ioredis_define_command.js runs them.

The node packages come from integration/node/package-lock.json, installed
by `npm ci` in integration/node (packaging/setup.sh test does it). Without
node or the packages the test fails, saying so, rather than skip."""

import shutil
import subprocess

from server_process import REPO_ROOT

NODE_DIR = REPO_ROOT / "integration" / "node"
NODE_TIMEOUT_S = 120


def require_node_packages():
    node = shutil.which("node")
    assert node, "node is not installed (apt-get install nodejs, or packaging/setup.sh test)"
    assert (NODE_DIR / "node_modules" / "ioredis" / "package.json").exists(), (
        "ioredis is not installed: run `npm ci` in %s (packaging/setup.sh test does; it needs "
        "the npm registry)" % NODE_DIR)
    return node


def run_node_script(node, name, port):
    result = subprocess.run([node, name, str(port)], cwd=NODE_DIR, capture_output=True,
                            text=True, timeout=NODE_TIMEOUT_S)
    assert result.returncode == 0, "%s failed (exit %s):\n%s%s" % (
        name, result.returncode, result.stdout, result.stderr)
    return result.stdout


def test_ioredis_define_command(server):
    node = require_node_packages()
    assert "ioredis defineCommand: ok" in run_node_script(
        node, "ioredis_define_command.js", server.port)
