"""CLIENT subcommands and AUTH."""

from reply_cases import Case

CASES = [
    Case(["CLIENT GETNAME", "CLIENT SETNAME conn", "CLIENT GETNAME", "CLIENT SETNAME",
          ["CLIENT", "SETNAME", "a b"], ["CLIENT", "SETNAME", ""],
          "CLIENT KILL 1.2.3.4:5", "CLIENT KILL x", "CLIENT NO-EVICT on", "CLIENT NO-EVICT off",
          "CLIENT NO-EVICT x", "CLIENT REPLY ON", "CLIENT REPLY x", "CLIENT UNBLOCK 999999",
          "CLIENT UNBLOCK x", "CLIENT UNBLOCK 999999 ERROR", "CLIENT UNBLOCK 999999 x",
          "CLIENT HELP", "CLIENT nosuchsub"]),
    Case(["CLIENT ID", "CLIENT INFO", "CLIENT LIST", "CLIENT LIST TYPE normal",
          "CLIENT LIST ID 1 2"], compare="shape", note="ids, addresses and ages"),
    Case(["CLIENT LIST TYPE x", "CLIENT LIST ID x", "CLIENT LIST x", "CLIENT LIST TYPE",
          "CLIENT LIST ID", "CLIENT LIST TYPE normal ID 1", "CLIENT LIST TYPE normal TYPE pubsub",
          "CLIENT LIST ID 1 TYPE normal", "CLIENT LIST TYPE pubsub", "CLIENT LIST TYPE master",
          "CLIENT LIST ID 123456789"]),
    Case(["CLIENT REPLY OFF", "PING", "CLIENT REPLY ON"]),
    Case(["CLIENT REPLY SKIP", "PING", "PING"]),
    Case(["AUTH x", "AUTH default x", "AUTH a b c", "AUTH nouser x"]),
    Case(["AUTH wrong", "AUTH x", ["CONFIG", "SET", "requirepass", ""]],
         setup=["CONFIG SET requirepass x"]),
]
