"""Set commands. Sets of integers keep a sorted order in both servers, so
their members can be compared byte for byte."""

from reply_cases import Case

# Past set-max-intset-entries: hashtable sets, whose order differs.
BIG_A = "SADD a " + " ".join("m%d" % i for i in range(0, 600, 2))
BIG_B = "SADD b " + " ".join("m%d" % i for i in range(0, 600, 3))

CASES = [
    Case(["SADD s 1 2 3", "SADD s 3 4", "SADD str 1", "SADD s", "SREM s 1 9", "SREM s 9",
          "SREM missing 1", "SREM str 1", "SCARD s", "SCARD missing", "SCARD str"],
         setup=["SET str x"]),
    Case(["SISMEMBER s 2", "SISMEMBER s 9", "SISMEMBER missing 1", "SISMEMBER str 1",
          "SMISMEMBER s 1 9 3", "SMISMEMBER missing 1 2", "SMISMEMBER str 1"],
         setup=["SADD s 1 2 3", "SET str x"]),
    Case(["SMEMBERS s", "SMEMBERS one", "SMEMBERS missing", "SMEMBERS str"],
         setup=["SADD s 3 1 2", "SADD one apple", "SET str x"]),
    Case(["SMEMBERS s"], setup=["SADD s apple banana cherry"], compare="shape",
         note="hash-table order"),
    Case(["SPOP one", "SPOP one", "SPOP missing", "SPOP missing 2", "SPOP s 0", "SPOP s 10",
          "SPOP s", "SPOP str", "SPOP s -1", "SPOP s x"],
         setup=["SADD one apple", "SADD s 1 2 3", "SET str x"]),
    Case(["SPOP s", "SPOP s 2"], setup=["SADD s a b c d e"], compare="shape",
         note="random choice"),
    Case(["SRANDMEMBER one", "SRANDMEMBER one 1", "SRANDMEMBER one -3", "SRANDMEMBER one 0",
          "SRANDMEMBER s 10", "SRANDMEMBER missing", "SRANDMEMBER missing 3",
          "SRANDMEMBER str", "SRANDMEMBER s x"],
         setup=["SADD one apple", "SADD s 1 2 3", "SET str x"]),
    Case(["SRANDMEMBER s", "SRANDMEMBER s 2", "SRANDMEMBER s -4"],
         setup=["SADD s a b c d e"], compare="shape", note="random choice"),
    Case(["SMOVE a b 1", "SMOVE a b 1", "SMOVE a b 2", "SMOVE missing b 1", "SMOVE a str 3",
          "SMOVE str a 1", "SMEMBERS b"],
         setup=["SADD a 1 2 3", "SADD b 2", "SET str x"]),
    Case(["SINTER a b", "SINTER a missing", "SINTER missing", "SINTER a str",
          "SINTERCARD 2 a b", "SINTERCARD 2 a b LIMIT 1", "SINTERCARD 1 missing",
          "SINTERCARD 0 a", "SINTERCARD 3 a b", "SINTERCARD 2 a b LIMIT -1",
          "SINTERCARD 2 a str", "SINTERSTORE d a b", "SMEMBERS d", "SINTERSTORE d a missing",
          "EXISTS d", "SINTERSTORE d a str"],
         setup=["SADD a 1 2 3 4", "SADD b 2 3 5", "SET str x"]),
    Case(["SUNION a b", "SUNION missing", "SUNION a str", "SUNIONSTORE d a b", "SMEMBERS d",
          "SUNIONSTORE d missing", "SUNIONSTORE d a str", "SDIFF a b", "SDIFF b a",
          "SDIFF missing a", "SDIFF a a", "SDIFF a str", "SDIFFSTORE d a b", "SMEMBERS d",
          "SDIFFSTORE d a a", "EXISTS d"],
         setup=["SADD a 1 2 3 4", "SADD b 2 3 5", "SET str x"]),
    Case(["SSCAN s 0", "SSCAN s 0 MATCH 1*", "SSCAN s 0 COUNT 100", "SSCAN missing 0",
          "SSCAN str 0", "SSCAN s x", "SSCAN s 0 FOO 1", "SSCAN one 0"],
         setup=["SADD s 1 2 3 10", "SADD one apple", "SET str x"]),
    Case(["SMEMBERS a", "SINTER a b", "SUNION a b", "SDIFF a b", "SINTERCARD 2 a b",
          "SRANDMEMBER a 5", "SRANDMEMBER a 200", "SRANDMEMBER a 1000", "SRANDMEMBER a -5",
          "SSCAN a 0 COUNT 1000", "SPOP a 3", "SPOP a 250", "SPOP b 1000", "SCARD a"],
         setup=[BIG_A, BIG_B], compare="shape", note="hashtable order and random choice"),
]
