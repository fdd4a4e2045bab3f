"""HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST."""

from reply_cases import Case

CASES = [
    Case(["PFADD h a b c", "PFADD h a", "PFADD h", "PFADD new", "PFCOUNT h", "PFCOUNT h",
          "PFCOUNT missing", "PFCOUNT h new missing", "PFADD s x", "PFCOUNT s", "PFCOUNT h s",
          "PFADD l x", "PFCOUNT l", "PFCOUNT n", "PFADD", "PFCOUNT", "GET h"],
         setup=["SET s notanhll", "RPUSH l a", "SET n 12345678901234567"]),
    Case(["PFMERGE dest h1 h2", "PFCOUNT dest", "GET dest", "PFMERGE dest", "PFMERGE fresh",
          "GET fresh", "PFMERGE dest s", "PFMERGE s h1", "PFMERGE dest l", "PFMERGE"],
         setup=["PFADD h1 a b c", "PFADD h2 c d e", "SET s x", "RPUSH l a"]),
    Case(["PFDEBUG ENCODING h", "PFDEBUG DECODE h", "PFDEBUG GETREG small",
          "PFDEBUG ENCODING small", "PFDEBUG DECODE small", "PFDEBUG TODENSE h",
          "PFDEBUG todense h", "PFDEBUG encoding h", "PFDEBUG DECODE h", "PFDEBUG NOSUCH h",
          "PFDEBUG GETREG missing", "PFDEBUG NOSUCH missing", "PFDEBUG GETREG s",
          "PFDEBUG GETREG l", "PFDEBUG GETREG", "PFDEBUG GETREG h extra", "GET h"],
         setup=["PFADD h a b c", "PFADD small 1", "SET s x", "RPUSH l a"]),
    Case(["PFCOUNT bad", "PFADD bad z", "PFMERGE d bad", "PFDEBUG GETREG bad",
          "PFDEBUG DECODE bad"],
         setup=[["SET", "bad", b"HYLL\x01\x00\x00\x00" + b"\x00" * 7 + b"\x80\x7f\xfe"]]),
    Case(["PFSELFTEST", "PFSELFTEST extra"]),
    # PFCOUNT may rewrite the cached count, so read-only scripts may not call it.
    Case([["EVAL_RO", "return redis.call('pfcount', KEYS[1])", "1", "h"],
          ["EVAL", "return redis.call('pfcount', KEYS[1])", "1", "h"], "OBJECT ENCODING h"],
         setup=["PFADD h a"]),
    Case(["COMMAND INFO pfadd pfcount pfmerge pfdebug pfselftest",
          "COMMAND DOCS pfadd pfcount pfmerge pfdebug pfselftest"], compare="type"),
    Case(["COMMAND INFO pfadd pfcount pfmerge pfdebug pfselftest"]),
]
