"""Stream commands: entries are [id, [field, value ...]] arrays in both
protocols, XREAD/XREADGROUP replies maps of streams in RESP3, XINFO maps,
missing entries, counters and groups nulls ("_" in RESP3). Explicit IDs keep
the replies identical; times (idle, seen-time, delivery time) are compared
by shape."""

from reply_cases import Case

ENTRIES = ["XADD s 1-1 name alice age 30", "XADD s 2-1 name bob", "XADD s 3-1 x 1 y 2 z 3"]
GROUP = ENTRIES + ["XGROUP CREATE s g 0"]
STRING = ["SET str x"]

CASES = [
    Case(["XADD s 4-1 a 1", "XADD s 4-* a 2", "XADD s 3 a 1", "XADD s 0-0 a 1",
          "XADD s NOMKSTREAM MAXLEN 2 5-1 a 1", "XADD missing NOMKSTREAM 1-1 a 1",
          "XADD s MAXLEN ~ 1 LIMIT 5 6-1 a 1", "XADD s 7-1 a", "XADD str 1-1 a 1", "XLEN s",
          "XLEN missing", "XLEN str"],
         setup=ENTRIES + STRING),
    Case(["XRANGE s - +", "XRANGE s (1-1 + COUNT 1", "XRANGE s - + COUNT 0", "XRANGE missing - +",
          "XREVRANGE s + -", "XREVRANGE s + - COUNT 1", "XREVRANGE s (2 - COUNT 5",
          "XRANGE s x +", "XRANGE str - +"],
         setup=ENTRIES + STRING),
    Case(["XDEL s 2-1 9-9", "XDEL missing 1-1", "XDEL s x", "XTRIM s MAXLEN 1",
          "XTRIM s MINID ~ 0", "XTRIM missing MAXLEN 0", "XTRIM s LIMIT 1", "XTRIM str MAXLEN 1",
          "XSETID s 9-9", "XSETID s 1-1", "XSETID missing 1-1",
          "XSETID s 10-1 ENTRIESADDED 9 MAXDELETEDID 2-1"],
         setup=ENTRIES + STRING),
    Case(["XINFO STREAM s", "XINFO STREAM s FULL", "XINFO STREAM empty", "XINFO STREAM empty FULL",
          "XINFO GROUPS s", "XINFO GROUPS empty", "XINFO STREAM missing", "XINFO STREAM s x",
          "XINFO HELP", "XINFO STREAM str"],
         setup=ENTRIES + ["XGROUP CREATE s g 0", "XGROUP CREATE s lagless $",
                          "XGROUP CREATE empty g $ MKSTREAM", "XDEL s 2-1"] + STRING),
    Case(["XINFO CONSUMERS s g", "XINFO CONSUMERS s missing", "XINFO STREAM s FULL"],
         setup=GROUP + ["XREADGROUP GROUP g alice COUNT 1 STREAMS s >"],
         compare="shape", note="idle and seen times"),
    Case(["XREAD STREAMS s 0", "XREAD COUNT 1 STREAMS s missing 2 0", "XREAD STREAMS s $",
          "XREAD STREAMS missing 0", "XREAD BLOCK 10 STREAMS s $", "XREAD STREAMS s >",
          "XREAD STREAMS str 0"],
         setup=ENTRIES + STRING),
    Case(["XGROUP CREATE s g2 $", "XGROUP CREATE s g2 $", "XGROUP CREATE new g $ MKSTREAM",
          "XGROUP CREATE missing g $", "XGROUP CREATECONSUMER s g bob",
          "XGROUP CREATECONSUMER s g bob", "XGROUP SETID s g 1-1 ENTRIESREAD 1",
          "XGROUP SETID s nope $", "XGROUP DELCONSUMER s g bob", "XGROUP DESTROY s g2",
          "XGROUP DESTROY s g2", "XGROUP HELP", "XGROUP CREATE str g $"],
         setup=GROUP + STRING),
    Case(["XREADGROUP GROUP g alice COUNT 2 STREAMS s >", "XREADGROUP GROUP g alice STREAMS s 0",
          "XREADGROUP GROUP g bob STREAMS s >", "XREADGROUP GROUP g bob STREAMS s >",
          "XREADGROUP GROUP g bob BLOCK 10 STREAMS s >", "XDEL s 1-1",
          "XREADGROUP GROUP g alice STREAMS s 0", "XREADGROUP GROUP nope alice STREAMS s >",
          "XREADGROUP GROUP g alice STREAMS s $", "XACK s g 1-1 2-1 9-9", "XACK missing g 1-1",
          "XACK s g x", "XPENDING s g", "XPENDING s nope"],
         setup=GROUP),
    Case(["XPENDING s g", "XPENDING s g - + 10", "XPENDING s g IDLE 0 - + 10 alice",
          "XPENDING s g - + 10 nobody", "XCLAIM s g bob 0 1-1", "XCLAIM s g bob 0 2-1 JUSTID",
          "XCLAIM s g bob 0 9-9", "XCLAIM s g bob 0 1-1 foo", "XAUTOCLAIM s g carol 0 0 COUNT 1",
          "XAUTOCLAIM s g carol 0 0 JUSTID", "XAUTOCLAIM s nope carol 0 0"],
         setup=GROUP + ["XREADGROUP GROUP g alice STREAMS s >"],
         compare="shape", note="idle times"),
]
