"""Generic key commands (OBJECT is with the server commands)."""

from reply_cases import Case

# DUMP of the string "v361", whose payload happens to be all ASCII (the
# case runner joins arguments as text).
PAYLOAD = "\x00\x04v361\n\x003%Hpy\x166i"

CASES = [
    Case(["DEL a b missing", "DEL a", "UNLINK c missing", "UNLINK c", "EXISTS d d missing",
          "EXISTS missing", "TOUCH d missing", "TOUCH missing"],
         setup=["SET a 1", "RPUSH b x", "SADD c m", "SET d 1"]),
    Case(["TYPE s", "TYPE l", "TYPE h", "TYPE st", "TYPE z", "TYPE missing"],
         setup=["SET s 1", "RPUSH l x", "HSET h f v", "SADD st m", "ZADD z 1 m"]),
    Case(["RENAME a b", "GET b", "RENAME missing x", "RENAME b b", "RENAMENX b c",
          "RENAMENX c d", "RENAMENX missing d", "EXISTS a b c d"],
         setup=["SET a 1", "SET c 3"]),
    Case(["COPY a b", "COPY a b", "COPY a b REPLACE", "COPY a b DB 1", "COPY missing x",
          "COPY a a", "COPY a b DB x", "COPY a b FOO", "MOVE a 1", "MOVE a 1", "MOVE b 1",
          "MOVE missing 1", "MOVE b 0", "MOVE b 99", "SELECT 1", "MGET a b"],
         setup=["SET a 1", "SET b 2"]),
    Case(["KEYS *", "KEYS user:*", "KEYS nothing*", "SCAN 0", "SCAN 0 MATCH user:*",
          "SCAN 0 COUNT 100 TYPE string", "SCAN 0 TYPE list", "SCAN 0 COUNT 0",
          "SCAN x", "SCAN 0 FOO bar"],
         setup=["SET user:1 a"]),
    Case(["KEYS *", "SCAN 0 COUNT 1000", "RANDOMKEY"], compare="shape",
         setup=["MSET a 1 b 2 c 3 d 4 e 5"],
         note="hash-table order and random choice"),
    Case(["RANDOMKEY", "SET only 1", "RANDOMKEY"]),
    Case(["DBSIZE", "FLUSHDB", "DBSIZE", "SET a 1", "FLUSHALL", "DBSIZE", "FLUSHDB ASYNC",
          "FLUSHALL SYNC", "FLUSHDB FOO"],
         setup=["MSET a 1 b 2"]),
    Case(["SWAPDB 0 1", "GET a", "SELECT 1", "GET a", "SWAPDB 0 x", "SWAPDB 0 99"],
         setup=["SET a 1"]),
    Case(["EXPIRE a 100", "TTL a", "EXPIRE a 200 NX", "EXPIRE a 200 XX", "EXPIRE a 50 GT",
          "EXPIRE a 50 LT", "EXPIRE missing 10", "EXPIRE a x", "EXPIRE a 10 NX XX",
          "EXPIRE a 10 FOO", "PEXPIRE b 100000", "TTL b", "EXPIREAT c 4102444800",
          "EXPIRETIME c", "PEXPIRETIME c", "PEXPIREAT d 4102444800123", "PEXPIRETIME d",
          "EXPIRETIME d", "EXPIRETIME e", "EXPIRETIME missing", "PEXPIRETIME e",
          "TTL e", "PTTL e", "TTL missing", "PTTL missing", "PERSIST a", "PERSIST a",
          "PERSIST missing", "TTL a", "EXPIRE e -1", "EXISTS e"],
         setup=["MSET a 1 b 2 c 3 d 4 e 5"]),
    Case(["PTTL a"], compare="shape", setup=["SET a 1 PX 100000"],
         note="milliseconds left depend on timing"),
    Case(["DUMP s", "DUMP n", "DUMP missing", "DEL s", "RESTORE s 0 payload",
          "RESTORE x 0 bad"],
         setup=["SET s hello", "SET n 12345"]),
    Case([["RESTORE", "s", "0", PAYLOAD],
          ["RESTORE", "s", "0", PAYLOAD],
          ["RESTORE", "s", "0", PAYLOAD,
           "REPLACE"], "GET s"]),
]
