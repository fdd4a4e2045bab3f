"""MULTI, EXEC, DISCARD, WATCH and UNWATCH."""

from reply_cases import Case

CASES = [
    Case(["MULTI", "SET a 1", "GET a", "PING", "EXEC"]),
    Case(["MULTI", "SET a 1", "DISCARD", "GET a"]),
    Case(["EXEC", "DISCARD", "MULTI", "MULTI", "WATCH a", "DISCARD"]),
    Case(["MULTI", "SET a", "GET a", "EXEC"]),
    Case(["MULTI", "NOSUCHCOMMAND", "EXEC"]),
    Case(["MULTI", "EXEC"]),
    Case(["WATCH a", "SET a 2", "MULTI", "GET a", "EXEC", "UNWATCH"]),
    Case(["WATCH a b", "UNWATCH", "SET a 2", "MULTI", "GET a", "EXEC"]),
    Case(["WATCH a", "MULTI", "INCR a", "EXEC"], setup=["SET a x"]),
]
