"""Server commands: INFO, TIME, DBSIZE, persistence, FLUSH*, SWAPDB, CONFIG."""

from reply_cases import Case

CASES = [
    Case(["SWAPDB 0 -1", "SWAPDB 16 0", "SWAPDB 0 0", "DBSIZE x", "TIME x", "LASTSAVE x",
          "INFO a b c"]),
    Case(["DBSIZE", "SWAPDB 0 1", "DBSIZE", "SWAPDB 0 1", "DBSIZE", "SWAPDB 0 x",
          "SWAPDB 0 100", "SWAPDB 0"], setup=["SET a 1", "SET b 2"]),
    Case(["FLUSHDB", "DBSIZE", "FLUSHDB ASYNC", "FLUSHDB SYNC", "FLUSHDB x", "FLUSHALL",
          "FLUSHALL ASYNC", "FLUSHALL SYNC", "FLUSHALL x", "DBSIZE"], setup=["SET a 1"]),
    Case(["TIME", "LASTSAVE"], compare="shape", note="clock values"),
    Case(["INFO", "INFO server", "INFO keyspace", "INFO server clients", "INFO everything",
          "INFO nosuchsection"], compare="shape", note="INFO's contents differ"),
    Case(["SAVE", "SAVE x"], no_child=True),
    # The forms that leave the server running (the others stop it).
    Case(["SHUTDOWN x", "SHUTDOWN NOSAVE SAVE", "SHUTDOWN ABORT", "SHUTDOWN NOW x"]),
    Case(["DEBUG x", "DEBUG", "DEBUG HELP", "DEBUG SLEEP 0", "DEBUG SLEEP x",
          "DEBUG SET-ACTIVE-EXPIRE 1", "DEBUG OBJECT missing"],
         note="the forms that neither crash, reload nor change the server"),
    Case(["BGSAVE"], no_child=True),
    Case(["BGREWRITEAOF"], no_child=True),
    Case(["BGSAVE x", "BGSAVE SCHEDULE x", "BGREWRITEAOF x"]),
    Case(["CONFIG GET maxmemory", "CONFIG GET nosuchconfig", "CONFIG GET maxmemory maxmemory",
          "CONFIG GET", "CONFIG SET maxmemory 0", "CONFIG SET maxmemory x",
          "CONFIG SET nosuchconfig 1", "CONFIG SET maxmemory", "CONFIG RESETSTAT",
          "CONFIG RESETSTAT x", "CONFIG HELP", "CONFIG nosuchsub"]),
    Case(["CONFIG SET maxmemory 0 maxmemory 1", "CONFIG SET maxmemory 0 hz", "CONFIG SET hz 10 x 1",
          "CONFIG SET maxmemory 0 hz 10", "CONFIG SET daemonize yes", "CONFIG SET hz x",
          "CONFIG SET maxmemory-policy x", "CONFIG GET", "CONFIG SET", "CONFIG RESETSTAT x"]),
    Case(["CONFIG GET maxmemory*", "CONFIG GET maxmemory-policy maxmemory-samples"],
         compare="shape", note="the map's order is Redis's dict order"),
    Case(["CONFIG REWRITE"], note="neither server runs with a config file here"),
    Case(["MULTI", "CONFIG GET maxmemory", "INFO keyspace", "CLIENT GETNAME", "TIME", "EXEC"],
         setup=["SET a 1"], compare="shape", note="TIME's values"),
    Case(["MULTI", "CONFIG GET maxmemory", "INFO keyspace", "CLIENT GETNAME", "EXEC"],
         setup=["SET a 1"]),
]
