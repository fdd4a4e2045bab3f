"""Reply-type cases: commands whose replies must match redis-server's byte for
byte, in RESP2 and in RESP3 (test_reply_types.py runs them).

Each module here holds CASES, a list of Case. A Case is a little script run on
an emptied server after HELLO <protocol>: setup commands whose replies are not
compared, then the commands whose replies are. Every command (and container
subcommand) fkvs-server lists in COMMAND must appear in some case's checked
commands, so a command added without its RESP3 reply is caught.
"""

import importlib
import pkgutil
from dataclasses import dataclass, field


@dataclass
class Case:
    # The commands whose replies are compared, each a list of arguments or a
    # string split at spaces.
    commands: list
    # Run first, replies not compared (data to work on).
    setup: list = field(default_factory=list)
    # "bytes": byte-identical replies. "shape": the same RESP types and
    # aggregate sizes, values ignored (TIME, CLIENT ID, INFO...). "type": only
    # each reply's own RESP type (COMMAND, whose size is fkvs's command count).
    compare: str = "bytes"
    # Why the case needs more than the defaults (shape comparison).
    note: str = ""
    # Wait until no BGSAVE or BGREWRITEAOF child runs first: SAVE's, BGSAVE's
    # and BGREWRITEAOF's replies depend on one running.
    no_child: bool = False

    def argv(self, command):
        return command.split(" ") if isinstance(command, str) else list(command)

    def checked_argvs(self):
        return [self.argv(command) for command in self.commands]

    def setup_argvs(self):
        return [self.argv(command) for command in self.setup]


def all_cases():
    """(module name, index, Case) for every case in this package."""
    found = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(__name__ + "." + module_info.name)
        for index, case in enumerate(getattr(module, "CASES", [])):
            found.append((module_info.name, index, case))
    return found
