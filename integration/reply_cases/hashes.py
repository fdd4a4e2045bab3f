"""Hash commands."""

from reply_cases import Case

# Past hash-max-listpack-entries: a hashtable, whose order differs.
BIG_HASH = "HSET big " + " ".join("field%d value%d" % (i, i) for i in range(200))

CASES = [
    Case(["HSET h a 1 b 2", "HSET h a 3", "HSET h a", "HSET s a 1", "HSETNX h a 9",
          "HSETNX h c 9", "HSETNX s a 1", "HMSET h d 4 e 5", "HMSET h d", "HMSET s a 1"],
         setup=["SET s x"]),
    Case(["HGET h name", "HGET h missing", "HGET missing f", "HGET s f",
          "HMGET h name missing age", "HMGET missing a b", "HMGET s a"],
         setup=["HSET h name alice age 30", "SET s x"]),
    Case(["HDEL h a missing", "HDEL h a", "HDEL missing a", "HDEL s a", "HLEN h", "HLEN missing",
          "HLEN s", "HSTRLEN h b", "HSTRLEN h missing", "HSTRLEN missing f", "HSTRLEN s f",
          "HEXISTS h b", "HEXISTS h missing", "HEXISTS missing f", "HEXISTS s f"],
         setup=["HSET h a 1 b hello c 3", "SET s x"]),
    Case(["HKEYS h", "HVALS h", "HGETALL h", "HKEYS missing", "HVALS missing",
          "HGETALL missing", "HKEYS s", "HVALS s", "HGETALL s"],
         setup=["HSET h name alice age 30 city paris", "SET s x"]),
    Case(["HINCRBY h n 5", "HINCRBY h n -20", "HINCRBY h new 1", "HINCRBY h s 1",
          "HINCRBY h n x", "HINCRBY h max 1", "HINCRBY missing f 2", "HINCRBY str f 1",
          "HINCRBYFLOAT h f 0.25", "HINCRBYFLOAT h n 1.5", "HINCRBYFLOAT h nf 3e2",
          "HINCRBYFLOAT h s 1", "HINCRBYFLOAT h f x", "HINCRBYFLOAT h f inf",
          "HINCRBYFLOAT str f 1", "HGET h f"],
         setup=["HSET h n 10 s abc f 1.5 max 9223372036854775807", "SET str x"]),
    Case(["HRANDFIELD h", "HRANDFIELD h 1", "HRANDFIELD h 3", "HRANDFIELD h -3",
          "HRANDFIELD h 1 WITHVALUES", "HRANDFIELD h -2 WITHVALUES", "HRANDFIELD h 0",
          "HRANDFIELD h 0 WITHVALUES", "HRANDFIELD missing", "HRANDFIELD missing 2",
          "HRANDFIELD missing 2 WITHVALUES", "HRANDFIELD s", "HRANDFIELD h x",
          "HRANDFIELD h 1 FOO"],
         setup=["HSET h only one", "SET s x"]),
    Case(["HRANDFIELD h 10", "HRANDFIELD h 10 WITHVALUES", "HRANDFIELD h -5 WITHVALUES",
          "HRANDFIELD h"],
         setup=["HSET h a 1 b 2 c 3"], compare="shape", note="random choice and order"),
    Case(["HSCAN h 0", "HSCAN h 0 MATCH a*", "HSCAN h 0 COUNT 100", "HSCAN missing 0",
          "HSCAN s 0", "HSCAN h x", "HSCAN h 0 FOO 1"],
         setup=["HSET h a 1 b 2 c 3", "SET s x"]),
    Case(["HGETALL big", "HKEYS big", "HVALS big", "HRANDFIELD big 3 WITHVALUES",
          "HRANDFIELD big -3 WITHVALUES", "HRANDFIELD big 150 WITHVALUES", "HRANDFIELD big 300",
          "HSCAN big 0 COUNT 1000", "HLEN big"],
         setup=[BIG_HASH], compare="shape", note="hashtable order and random choice"),
]
