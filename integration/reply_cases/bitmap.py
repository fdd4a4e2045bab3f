"""Bitmap commands: SETBIT and GETBIT."""

from reply_cases import Case

CASES = [
    Case(["SETBIT k x 1", "SETBIT k -1 1", "SETBIT k 4294967296 1", "SETBIT k 1 2",
          "SETBIT k 1 x", "SETBIT k 7 1", "SETBIT k 7 1", "GETBIT k 7", "GETBIT k 100",
          "GETBIT k x", "GETBIT nokey 1", "GET k", "SETBIT k 20 1", "GET k", "SETBIT k 20 0",
          "GET k", "GETBIT n 2", "SETBIT n 2 1", "SETBIT n 0 1", "GET n", "SETBIT l 1 1",
          "GETBIT l 1"],
         setup=["SET n 12", "LPUSH l a"]),
]
