"""FUNCTION and FCALL, FCALL_RO: library listings (maps, sets of flags, null
descriptions), statistics and the replies functions return."""

from reply_cases import Case

LIBRARY = ("#!lua name=lib\n"
           "redis.register_function('hello', function(keys, args) return {keys[1], args[1]} end)\n"
           "redis.register_function{function_name='reader', description='reads',\n"
           "  callback=function(keys) return redis.call('hgetall', keys[1]) end,\n"
           "  flags={'no-writes', 'allow-stale'}}\n"
           "redis.register_function('resp3', function() redis.setresp(3)\n"
           "  return redis.call('zscore', 'z', 'a') end)\n")
FLUSHED = [["FUNCTION", "FLUSH"]]
LOADED = FLUSHED + [["FUNCTION", "LOAD", LIBRARY], "HSET h f v", "ZADD z 1.5 a"]
# One function per library: the order of a library's functions is Redis's hash order.
LISTED = FLUSHED + [["FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function{"
                     "function_name='reader', description='reads', callback=function() end, "
                     "flags={'no-writes', 'allow-stale'}}"],
                    ["FUNCTION", "LOAD", "#!lua name=other\n"
                     "redis.register_function('plain', function() end)"]]

CASES = [
    Case([["FUNCTION", "LOAD", LIBRARY], ["FUNCTION", "LOAD", LIBRARY],
          ["FUNCTION", "LOAD", "REPLACE", LIBRARY], ["FUNCTION", "LOAD", "return 1"],
          ["FUNCTION", "LOAD", "#!lua name=x\nreturn 1"]], setup=FLUSHED),
    Case([["FCALL", "hello", "1", "k", "a"], ["FCALL_RO", "reader", "1", "h"],
          ["FCALL", "resp3", "0"], ["FCALL_RO", "hello", "0"], ["FCALL", "nope", "0"],
          ["FCALL", "hello", "x"]], setup=LOADED),
    Case([["FUNCTION", "LIST", "LIBRARYNAME", "l*"],
          ["FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "OTH*"],
          ["FUNCTION", "LIST", "LIBRARYNAME", "nomatch"], ["FUNCTION", "LIST", "bad"],
          ["FUNCTION", "STATS"]], setup=LISTED),
    Case([["FUNCTION", "DUMP"]], setup=LOADED),
    Case([["FUNCTION", "DELETE", "lib"], ["FUNCTION", "DELETE", "lib"], ["FUNCTION", "KILL"],
          ["FUNCTION", "RESTORE", "bad"], ["FUNCTION", "FLUSH", "ASYNC"],
          ["FUNCTION", "FLUSH", "bad"], ["FUNCTION", "HELP"]], setup=LOADED),
]
