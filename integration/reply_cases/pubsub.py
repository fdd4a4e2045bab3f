"""PUBLISH, SPUBLISH and PUBSUB (subscription frames are in connection.py)."""

from reply_cases import Case

CASES = [
    Case(["PUBLISH ch hi", "SPUBLISH ch hi", "PUBSUB CHANNELS", "PUBSUB CHANNELS *",
          "PUBSUB NUMSUB", "PUBSUB NUMSUB a b", "PUBSUB NUMPAT", "PUBSUB SHARDCHANNELS",
          "PUBSUB SHARDCHANNELS *", "PUBSUB SHARDNUMSUB", "PUBSUB SHARDNUMSUB a b",
          "PUBSUB HELP", "PUBSUB nosuchsub"]),
    # RESP3 clients get their own messages as push frames; RESP2 subscribers
    # get errors for commands outside the Pub/Sub set.
    Case(["SUBSCRIBE a", "PUBLISH a hi", "PSUBSCRIBE a*", "PUBLISH a hi", "SSUBSCRIBE s",
          "SPUBLISH s hi", "PUBSUB CHANNELS", "PUBSUB NUMSUB a", "PUBSUB NUMPAT",
          "PUBSUB SHARDCHANNELS", "PUBSUB SHARDNUMSUB s", "PING", "PING x", "GET a",
          "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE", "PING"]),
]
