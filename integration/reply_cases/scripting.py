"""EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT: the replies a script's
values become in each protocol, and the replies scripts get back."""

from reply_cases import Case

HELLO_SHA = "1b936e3fe509bcbc9cd0664897bbe8fd0cac101b"  # SHA1 of "return 'hello'"


def eval_case(*scripts, setup=()):
    return Case([["EVAL", script, "0"] for script in scripts], setup=list(setup))


CASES = [
    eval_case("return 1", "return 'x'", "return {1, 'a', {2}}", "return {1, nil, 3}",
              "return true", "return false", "return nil", "return 3.7"),
    eval_case("return {ok='fine'}", "return {err='ERR bad'}", "return {double=2.5}",
              "return {big_number='12345678901234567890'}",
              "return {verbatim_string={format='txt', string='text'}}",
              "return {map={k='v'}}", "return {set={m=true}}"),
    eval_case("redis.setresp(3); return true", "redis.setresp(3); return false",
              "redis.setresp(3); return redis.call('hgetall', 'h')",
              "redis.setresp(3); return redis.call('zscore', 'z', 'a')",
              "redis.setresp(3); return redis.call('get', 'nokey')",
              "return redis.call('hgetall', 'h')", "return redis.call('get', 'nokey')",
              setup=["HSET h f v", "ZADD z 1.5 a"]),
    eval_case("return a", "error('boom')", "return redis.call('nosuch')",
              "return redis.pcall('incr', 'h')", "return x(",
              setup=["HSET h f v"]),
    Case([["EVAL", "return {KEYS[1], ARGV[1]}", "1", "k", "a"], ["EVAL", "return 1", "-1"],
          ["EVAL", "return 1", "2", "k"]]),
    Case([["EVALSHA", HELLO_SHA, "0"], ["EVALSHA_RO", HELLO_SHA, "0"],
          ["EVALSHA", "0" * 40, "0"]],
         setup=[["SCRIPT", "LOAD", "return 'hello'"]]),
    Case([["EVAL_RO", "return redis.call('get', 'k')", "0"],
          ["EVAL_RO", "return redis.call('set', 'k', 'v')", "0"]]),
    Case([["SCRIPT", "LOAD", "return 'hello'"], ["SCRIPT", "EXISTS", HELLO_SHA, "0" * 40],
          ["SCRIPT", "FLUSH"], ["SCRIPT", "FLUSH", "ASYNC"], ["SCRIPT", "FLUSH", "bad"],
          ["SCRIPT", "KILL"], ["SCRIPT", "HELP"], ["SCRIPT", "LOAD", "return x("]]),
]
