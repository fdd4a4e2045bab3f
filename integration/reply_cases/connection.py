"""Connection commands."""

from reply_cases import Case

CASES = [
    Case(["PING", "PING hello", "PING a b", "ECHO hi", "ECHO", "SELECT 1", "SELECT 0",
          "SELECT 100", "SELECT x", "SELECT -1"]),
    Case(["HELLO", "HELLO 2", "HELLO 3", "HELLO 4", "HELLO x", "HELLO 3 SETNAME conn",
          "HELLO 3 AUTH default wrong", "HELLO 3 AUTH default", "HELLO 3 x"],
         compare="shape", note="the reply carries the client id"),
    Case(["HELLO 3 SETNAME", "HELLO 3 SETNAME a\nb", ["HELLO", "3", "SETNAME", "a b"],
          "HELLO 3 AUTH", "HELLO 3 AUTH default", "HELLO 3 AUTH nouser x", "HELLO 3 x y", "HELLO -1", "CLIENT GETNAME"],
         note="the error replies (a success carries the client id)"),
    Case(["RESET", "RESET x"]),
    Case(["MULTI", "SET a 1", "QUIT"], note="QUIT runs at once inside MULTI"),
    Case(["HELLO 3", "RESET", "CLIENT INFO"], compare="shape",
         note="RESET goes back to RESP2; HELLO's reply carries the client id"),
    Case(["MULTI", "SET a 1", "RESET", "CLIENT GETNAME", "GET a", "EXEC"],
         setup=["CLIENT SETNAME conn", "SELECT 1"]),
    Case(["RESET", "PING"], setup=["SUBSCRIBE a", "PSUBSCRIBE b*"]),
    # One channel of each kind before an UNSUBSCRIBE of all: Redis goes through
    # them in its dict's (randomly seeded) order.
    Case(["SUBSCRIBE a", "PSUBSCRIBE p*", "SSUBSCRIBE s", "UNSUBSCRIBE", "PUNSUBSCRIBE",
          "SUNSUBSCRIBE", "UNSUBSCRIBE", "SUBSCRIBE a a b", "UNSUBSCRIBE c a", "PUNSUBSCRIBE x",
          "SUNSUBSCRIBE x", "SSUBSCRIBE s t", "SUNSUBSCRIBE s", "SUNSUBSCRIBE u t",
          "UNSUBSCRIBE b", "PSUBSCRIBE x y", "PUNSUBSCRIBE y x"]),
    Case(["QUIT"], note="the server answers +OK and closes"),
    Case(["PING", "QUIT x"], note="QUIT closes even with an extra argument"),
]
