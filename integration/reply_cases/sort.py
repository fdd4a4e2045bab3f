"""SORT, SORT_RO and LCS."""

from reply_cases import Case

CASES = [
    Case(["SORT l", "SORT l DESC LIMIT 0 2", "SORT l ALPHA", "SORT l GET k_* GET #",
          "SORT l BY w_* GET h_*->f", "SORT l BY nosort", "SORT missing", "SORT z BY nosort DESC",
          "SORT s ALPHA", "SORT s", "SORT str", "SORT l FOO", "SORT l LIMIT x 1",
          "SORT l STORE d", "SORT missing STORE d", "SORT bad"],
         setup=["RPUSH l 3 1 2", "SET k_1 x", "SET w_1 9", "HSET h_3 f y", "ZADD z 1 a 2 b",
                "SADD s b a c", "SET str v", "RPUSH bad 1 x"]),
    Case(["SORT_RO l", "SORT_RO l BY nosort GET # GET k_*", "SORT_RO l STORE d", "SORT_RO str"],
         setup=["RPUSH l 2 1", "SET k_2 x", "SET str v"]),
    Case(["LCS a b", "LCS a b LEN", "LCS a b IDX", "LCS a b IDX WITHMATCHLEN MINMATCHLEN 4",
          "LCS a b IDX LEN", "LCS a missing", "LCS missing missing2 IDX", "LCS a l",
          "LCS a b MINMATCHLEN x", "LCS a b FOO"],
         setup=["SET a ohmytext", "SET b mynewtext", "RPUSH l x"]),
    Case(["COMMAND INFO sort sort_ro lcs"]),
]
