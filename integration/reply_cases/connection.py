"""Connection commands."""

from reply_cases import Case

CASES = [
    Case(["PING", "PING hello", "ECHO hi", "SELECT 1", "SELECT 0"]),
    Case(["HELLO", "HELLO 2", "HELLO 3", "HELLO 4", "HELLO x"], compare="shape",
         note="the reply carries the client id"),
    Case(["RESET"]),
    # Leaving everything goes in hash-table order: one name per kind keeps it deterministic.
    Case(["SUBSCRIBE a b", "PSUBSCRIBE p*", "SSUBSCRIBE s", "UNSUBSCRIBE b", "UNSUBSCRIBE",
          "PUNSUBSCRIBE", "SUNSUBSCRIBE", "UNSUBSCRIBE"]),
]
