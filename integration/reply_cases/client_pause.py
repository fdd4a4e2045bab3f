"""CLIENT PAUSE and CLIENT UNPAUSE (a pause of 0 ms is over at once)."""

from reply_cases import Case

CASES = [
    Case(["CLIENT PAUSE 0", "CLIENT PAUSE 0 WRITE", "CLIENT PAUSE 0 ALL", "CLIENT UNPAUSE",
          "CLIENT PAUSE x", "CLIENT PAUSE -1", "CLIENT PAUSE 0 MAYBE"]),
]
