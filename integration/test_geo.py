"""Geo commands: GEOADD, GEOPOS, GEOHASH, GEODIST, GEOSEARCH, GEOSEARCHSTORE and
the deprecated GEORADIUS family, compared byte for byte with redis-server 7.0.15:
their errors, the members, distances, coordinates, hashes and order of the
searches (randomised, near the poles' limits and the antimeridian, with radii
from zero to the whole earth), and what they notify and propagate."""

import random
import time

from transcript import check_transcript
from replies import SYNTAX, WRONGTYPE, arity, array, bulk, integer
from server_process import TARGET

NIL = b"$-1\r\n"
NIL_ARRAY = b"*-1\r\n"
EMPTY = b"*0\r\n"
NOT_FLOAT = b"-ERR value is not a valid float\r\n"
BAD_UNIT = b"-ERR unsupported unit provided. please use M, KM, FT, MI\r\n"
UNKNOWN_MEMBER = b"-ERR could not decode requested zset member\r\n"
SICILY = ("GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania",
          integer(2))


def error(text):
    return b"-ERR %s\r\n" % text.encode()


def test_geoadd_options_and_errors(assert_same):
    check_transcript(assert_same, [
        SICILY,
        ("ZSCORE Sicily Palermo", bulk("3479099956230698")),
        ("GEOADD Sicily NX 1 2 Palermo 3 4 Agrigento", integer(1)),
        ("GEOADD Sicily XX 13 38 Palermo 3 4 Trapani", integer(0)),
        ("GEOADD Sicily XX CH 13.5 38 Palermo 3 4 Trapani", integer(1)),
        ("GEOADD Sicily CH 13.5 38 Palermo", integer(0)),
        ("GEOADD Sicily ch nx ch 1 1 Palermo 1 1 Enna", integer(1)),
        ("GEOADD newkey XX 1 2 a", integer(0)),
        ("EXISTS newkey", integer(0)),
        ("GEOADD Sicily NX XX 1 2 a", SYNTAX),
        ("GEOADD Sicily 1 2 a b", SYNTAX),
        ("GEOADD Sicily CH 1 2", SYNTAX),
        ("GEOADD Sicily CH CH CH", SYNTAX),
        ("GEOADD Sicily GT 1 2 a", SYNTAX),
        ("GEOADD Sicily 1 x a", NOT_FLOAT),
        ("GEOADD Sicily nan 1 a", NOT_FLOAT),
        ("GEOADD Sicily 180.000001 1 a", error("invalid longitude,latitude pair 180.000001,1.000000")),
        ("GEOADD Sicily 1 85.06 a", error("invalid longitude,latitude pair 1.000000,85.060000")),
        ("GEOADD Sicily 1 -85.0511288 a", error("invalid longitude,latitude pair 1.000000,-85.051129")),
        ("GEOADD Sicily -inf 1 a", error("invalid longitude,latitude pair -inf,1.000000")),
        # Every triple is checked before any is added.
        ("GEOADD Sicily 1 1 first 500 1 second", error("invalid longitude,latitude pair 500.000000,1.000000")),
        ("ZSCORE Sicily first", NIL),
        ("GEOADD Sicily 180 85.05112878 ne -180 -85.05112878 sw", integer(2)),
        ("ZSCORE Sicily ne", bulk("13510798882111488")),
        ("ZSCORE Sicily sw", bulk("0")),
        ("SET str x", b"+OK\r\n"),
        ("GEOADD str 1 2 a", WRONGTYPE),
        ("GEOADD str 1 2 a b", SYNTAX),
        ("GEOADD Sicily 1 2", arity("geoadd")),
    ])


def test_geopos_geohash_geodist(assert_same):
    check_transcript(assert_same, [
        SICILY,
        ("GEOADD Sicily 180 85.05112878 ne -180 -85.05112878 sw 0 0 zero", integer(3)),
        ("GEOPOS Sicily Palermo nobody",
         array(array("13.36138933897018433", "38.11555639549629859"), NIL_ARRAY)),
        ("GEOPOS Sicily ne sw zero",
         array(array("180", "85.0511287799999991"),
               array("-179.99999731779098511", "-85.05112751263942528"),
               array("0.00000268220901489", "0.00000126736058093"))),
        ("GEOPOS nokey a b", array(NIL_ARRAY, NIL_ARRAY)),
        ("GEOPOS Sicily", EMPTY),
        ("GEOHASH Sicily Palermo Catania nobody", array("sqc8b49rny0", "sqdtr74hyu0", NIL)),
        ("GEOHASH Sicily ne sw zero", array("bp05b5048p0", "00bh0hbj200", "s0000000000")),
        ("GEOHASH nokey a", array(NIL)),
        ("GEODIST Sicily Palermo Catania", bulk("166274.1516")),
        ("GEODIST Sicily Palermo Catania km", bulk("166.2742")),
        ("GEODIST Sicily Palermo Catania MI", bulk("103.3182")),
        ("GEODIST Sicily Palermo Catania Ft", bulk("545518.8700")),
        ("GEODIST Sicily Palermo Palermo", bulk("0.0000")),
        ("GEODIST Sicily ne sw", bulk("18919844.5891")),
        ("GEODIST Sicily Palermo nobody", NIL),
        ("GEODIST nokey a b", NIL),
        ("GEODIST Sicily Palermo Catania yards", BAD_UNIT),
        ("GEODIST nokey a b yards", BAD_UNIT),
        ("GEODIST Sicily Palermo Catania km x", SYNTAX),
        ("SET str x", b"+OK\r\n"),
        ("GEODIST str a b", WRONGTYPE),
        ("GEOPOS str a", WRONGTYPE),
        ("GEOHASH str a", WRONGTYPE),
        ("GEODIST Sicily a", arity("geodist")),
    ])


def test_geosearch_options(assert_same):
    check_transcript(assert_same, [
        ("GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania "
         "12.758489 38.788135 edge1 17.241510 38.788135 edge2", integer(4)),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC", array("Catania", "Palermo")),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km DESC", array("Palermo", "Catania")),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST WITHHASH",
         array(array("Catania", "56.4413", integer(3479447370796909),
                     array("15.08726745843887329", "37.50266842333162032")),
               array("Palermo", "190.4424", integer(3479099956230698),
                     array("13.36138933897018433", "38.11555639549629859")),
               array("edge2", "279.7403", integer(3481342659049484),
                     array("17.24151045083999634", "38.78813451624225195")),
               array("edge1", "279.7405", integer(3479273021651468),
                     array("12.7584877610206604", "38.78813451624225195")))),
        ("GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km COUNT 2 WITHDIST",
         array(array("Palermo", "0.0000"), array("edge1", "91.4007"))),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1000 km COUNT 1 ANY", array("Palermo")),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 0 m", EMPTY),
        ("GEOSEARCH nokey FROMMEMBER nobody BYRADIUS 1 m", EMPTY),
        ("GEOSEARCH Sicily FROMMEMBER nobody BYRADIUS 1 km", UNKNOWN_MEMBER),
        ("GeoSearch Sicily BYRADIUS 1 km ASC ASC",
         error("exactly one of FROMMEMBER or FROMLONLAT can be specified for GeoSearch")),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 ASC ASC DESC",
         error("exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH")),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 FROMMEMBER Palermo BYRADIUS 1 km", SYNTAX),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km BYBOX 1 1 km", SYNTAX),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km ANY",
         error("the ANY argument requires COUNT argument")),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT 0", error("COUNT must be > 0")),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT x",
         error("value is not an integer or out of range")),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT", SYNTAX),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS -1 km", error("radius cannot be negative")),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS x km", error("need numeric radius")),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX x 1 km", error("need numeric width")),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 x km", error("need numeric height")),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 -1 km",
         error("height or width cannot be negative")),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 parsec", BAD_UNIT),
        ("GEOSEARCH Sicily FROMLONLAT 15 86 BYRADIUS 1 km",
         error("invalid longitude,latitude pair 15.000000,86.000000")),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km STOREDIST", SYNTAX),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km STORE dst", SYNTAX),
        ("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS", arity("geosearch")),
    ])


def test_georadius_family(assert_same):
    check_transcript(assert_same, [
        SICILY,
        ("GEORADIUS Sicily 15 37 200 km WITHDIST ASC",
         array(array("Catania", "56.4413"), array("Palermo", "190.4424"))),
        ("GEORADIUS Sicily 15 37 100 km", array("Catania")),
        ("GEORADIUS_RO Sicily 15 37 200 km COUNT 1 WITHHASH",
         array(array("Catania", integer(3479447370796909)))),
        ("GEORADIUSBYMEMBER Sicily Palermo 200 km DESC", array("Catania", "Palermo")),
        ("GEORADIUSBYMEMBER_RO Sicily Palermo 100 km", array("Palermo")),
        ("GEORADIUSBYMEMBER Sicily nobody 100 km", UNKNOWN_MEMBER),
        # Without a source the member and the radius are never read.
        ("GEORADIUSBYMEMBER nokey nobody x y", EMPTY),
        ("GEORADIUS Sicily 15 37 200 km STORE dst", integer(2)),
        ("ZRANGE dst 0 -1 WITHSCORES",
         array("Palermo", "3479099956230698", "Catania", "3479447370796909")),
        ("GEORADIUS Sicily 15 37 200 km STOREDIST dst", integer(2)),
        ("ZRANGE dst 0 -1 WITHSCORES",
         array("Catania", "56.441257870158204", "Palermo", "190.44242984775784")),
        ("GEORADIUSBYMEMBER Sicily Palermo 200 km STORE dst COUNT 1", integer(1)),
        ("ZRANGE dst 0 -1", array("Palermo")),
        ("GEORADIUS Sicily 15 37 1 km STORE dst", integer(0)),
        ("EXISTS dst", integer(0)),
        ("GEORADIUS nokey 15 37 1 km STORE Sicily", integer(0)),
        ("EXISTS Sicily", integer(0)),
        ("GEORADIUS nokey 15 37 1 km", EMPTY),
        ("GEORADIUS Sicily 15 37 1 km STORE dst WITHDIST",
         error("STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and "
               "WITHCOORD options")),
        ("GEORADIUS_RO Sicily 15 37 1 km STORE dst", SYNTAX),
        ("GEORADIUSBYMEMBER_RO Sicily a 1 km STOREDIST dst", SYNTAX),
        ("GEORADIUS Sicily 15 37 1 km STORE", SYNTAX),
        ("GEORADIUS Sicily 15 37 1 km FROMMEMBER a", SYNTAX),
        ("GEORADIUS Sicily 15 37 1 km BYRADIUS 1 km", SYNTAX),
        ("GEORADIUS Sicily 200 37 1 km", error("invalid longitude,latitude pair 200.000000,37.000000")),
        ("GEORADIUS Sicily 15 37 1", arity("georadius")),
        ("SET str x", b"+OK\r\n"),
        ("GEORADIUS str 15 37 1 km", WRONGTYPE),
        ("GEORADIUS str 200 37 1 km", WRONGTYPE),
    ])


def test_geosearchstore(assert_same):
    check_transcript(assert_same, [
        SICILY,
        ("SET dst old", b"+OK\r\n"),
        ("EXPIRE dst 1000", integer(1)),
        ("GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC COUNT 1", integer(1)),
        ("TTL dst", integer(-1)),
        ("ZRANGE dst 0 -1 WITHSCORES", array("Catania", "3479447370796909")),
        ("GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km STOREDIST", integer(2)),
        ("ZRANGE dst 0 -1 WITHSCORES",
         array("Catania", "56.441257870158204", "Palermo", "190.44242984775784")),
        ("OBJECT ENCODING dst", bulk("listpack")),
        ("GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 1 m", integer(0)),
        ("EXISTS dst", integer(0)),
        ("GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 1 m WITHDIST",
         error("GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options")),
        ("GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 1 m STORE x", SYNTAX),
        ("GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37", arity("geosearchstore")),
    ])


def test_geosearchstore_of_many_members_is_a_skiplist(server, reference):
    for handle in (server, reference):
        client = handle.client()
        client.flushall()
        args = []
        for i in range(200):
            args += [str(10 + i / 1000), "20", "m%d" % i]
        client.execute_command("GEOADD", "many", *args)
        assert client.execute_command(
            "GEOSEARCHSTORE", "dst", "many", "FROMLONLAT", "10", "20", "BYRADIUS", "500",
            "km") == 200
        assert client.object("encoding", "dst") == b"skiplist"
    assert server.reply("ZRANGE", "dst", "0", "-1", "WITHSCORES") == \
        reference.reply("ZRANGE", "dst", "0", "-1", "WITHSCORES")


def random_longitude(rng):
    if rng.random() < 0.15:
        return rng.choice([180, -180, 179.99999, -179.99999, 179.9, -179.9, 0])
    return rng.uniform(-180, 180)


def random_latitude(rng):
    if rng.random() < 0.15:
        return rng.choice([85.05112878, -85.05112878, 85.05, -85.05, 84.9, -84.9, 0])
    return rng.uniform(-85.05112878, 85.05112878)


def random_query(rng, members, center):
    """A GEOSEARCH (and, when it can be one, the same GEORADIUS) with random options."""
    unit = rng.choice(["m", "km", "mi", "ft"])
    size = rng.choice([0, 0.001, 1, 10, 100, 1000, 5000, 20000, 40000]) * rng.uniform(0.5, 1.5)
    if rng.random() < 0.6:
        origin = ["FROMLONLAT", repr(center[0]), repr(center[1])]
        if rng.random() < 0.3:
            origin = ["FROMLONLAT", repr(random_longitude(rng)), repr(random_latitude(rng))]
    else:
        origin = ["FROMMEMBER", rng.choice(members)]
    if rng.random() < 0.5:
        shape = ["BYRADIUS", repr(size), unit]
    else:
        shape = ["BYBOX", repr(size * rng.uniform(0.2, 2)), repr(size * rng.uniform(0.2, 2)), unit]
    options = []
    if rng.random() < 0.5:
        options.append(rng.choice(["ASC", "DESC"]))
    if rng.random() < 0.4:
        options += ["COUNT", str(rng.randint(1, 30))]
        if rng.random() < 0.3:
            options.append("ANY")
    options += rng.sample(["WITHDIST", "WITHCOORD", "WITHHASH"], rng.randint(0, 3))
    rng.shuffle(options)  # COUNT n stays a pair below
    options = fix_count_pairs(options)
    queries = [["GEOSEARCH", "points"] + origin + shape + options]
    if shape[0] == "BYRADIUS":
        if origin[0] == "FROMLONLAT":
            queries.append(["GEORADIUS_RO", "points", origin[1], origin[2]] + shape[1:] + options)
        else:
            queries.append(["GEORADIUSBYMEMBER", "points", origin[1]] + shape[1:] + options)
    return queries


def fix_count_pairs(options):
    """Puts each COUNT's number right after it again after a shuffle."""
    numbers = [o for o in options if o.isdigit()]
    rest = [o for o in options if not o.isdigit()]
    fixed = []
    for option in rest:
        fixed.append(option)
        if option == "COUNT":
            fixed.append(numbers.pop())
    return fixed


def test_random_searches_match_redis(server, reference):
    seed = 20240503
    print("geo random seed", seed)
    rng = random.Random(seed)
    for trial in range(40):
        server.flushall()
        reference.flushall()
        count = rng.choice([3, 40, 150, 400])
        center = (random_longitude(rng), random_latitude(rng))
        spread = rng.choice([0.001, 0.5, 5, 60])
        args = []
        for i in range(count):
            if rng.random() < 0.6:
                longitude = max(-180, min(180, center[0] + rng.uniform(-spread, spread)))
                latitude = max(-85.05112878,
                               min(85.05112878, center[1] + rng.uniform(-spread, spread)))
            else:
                longitude, latitude = random_longitude(rng), random_latitude(rng)
            # Some members share a point: ties in distance keep Redis's order.
            if i > 0 and rng.random() < 0.1:
                longitude, latitude = float(args[-3]), float(args[-2])
            args += [repr(longitude), repr(latitude), "m%d" % i]
        members = ["m%d" % i for i in range(count)]
        for handle in (server, reference):
            handle.reply("GEOADD", "points", *args)
        checks = [["GEOPOS", "points"] + members, ["GEOHASH", "points"] + members,
                  ["ZRANGE", "points", "0", "-1", "WITHSCORES"]]
        for _ in range(10):
            checks.append(["GEODIST", "points", rng.choice(members), rng.choice(members),
                           rng.choice(["m", "km", "mi", "ft"])])
        for _ in range(25):
            checks += random_query(rng, members, center)
        for command in checks:
            assert server.reply(*command) == reference.reply(*command), \
                "seed %d trial %d: %s" % (seed, trial, " ".join(command))


def test_searches_in_resp3_match_redis(server, reference):
    commands = [
        ("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669",
         "Catania"),
        ("GEOPOS", "Sicily", "Palermo", "nobody"),
        ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHCOORD",
         "WITHDIST", "WITHHASH"),
        ("GEODIST", "Sicily", "Palermo", "nobody"),
        ("GEOHASH", "Sicily", "nobody"),
    ]
    replies = []
    for handle in (server, reference):
        handle.flushall()
        conn = handle.connect_raw()
        conn.send_command("HELLO", "3")
        conn.read_reply()
        got = []
        for command in commands:
            conn.send_command(*command)
            got.append(conn.read_reply())
        replies.append(got)
    assert replies[0] == replies[1]


def notifications(handle, commands):
    """The keyspace events the commands send, as (channel, key) pairs."""
    client = handle.client()
    client.flushall()
    client.config_set("notify-keyspace-events", "KEA")
    pubsub = handle.client().pubsub()
    pubsub.psubscribe("__keyevent*__:*")
    pubsub.subscribe("done")
    confirmed = 0
    while confirmed < 2:  # events sent before the subscriptions hold would be lost
        message = pubsub.get_message(timeout=5)
        assert message is not None, "no subscription confirmation"
        confirmed += message["type"] in ("subscribe", "psubscribe")
    for command in commands:
        try:
            client.execute_command(*command)
        except Exception:  # errors notify nothing; they are part of the script
            pass
    client.publish("done", "")
    events = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=5)
        assert message is not None, "the done marker never arrived"
        if message["type"] == "message":
            break
        if message["type"] == "pmessage":
            events.append((message["channel"], message["data"]))
    client.config_set("notify-keyspace-events", "")
    pubsub.close()
    return events


GEO_WRITES = [
    ("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669",
     "Catania"),
    ("GEOADD", "Sicily", "CH", "XX", "13.361389", "38.115556", "Palermo"),
    ("GEOADD", "Sicily", "CH", "XX", "13.361389", "39.115556", "Palermo"),
    ("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst"),
    ("GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "dst2"),
    ("GEORADIUSBYMEMBER", "Sicily", "Palermo", "500", "km", "STORE", "dst5"),
    ("GEOSEARCHSTORE", "dst3", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"),
    ("GEOSEARCHSTORE", "dst4", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km",
     "STOREDIST"),
    ("GEOSEARCHSTORE", "dst4", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km"),
    ("GEORADIUS", "Sicily", "15", "37", "1", "km", "STORE", "dst"),
    ("GEORADIUS", "nokey", "15", "37", "1", "km", "STORE", "dst2"),
    ("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"),
]


def test_notifications_match_redis(server, reference):
    events = notifications(server, GEO_WRITES)
    assert events == notifications(reference, GEO_WRITES)
    assert (b"__keyevent@0__:zadd", b"Sicily") in events
    assert (b"__keyevent@0__:georadiusstore", b"dst") in events
    assert (b"__keyevent@0__:geosearchstore", b"dst3") in events


def test_aof_propagation_matches_redis(start_server):
    """GEOADD is written as the ZADD of its scores (only when it changed
    something), the searches that store as themselves."""
    written = []
    for target in (TARGET, "redis"):
        handle = start_server("--appendonly", "yes", target=target)
        client = handle.client()
        for command in GEO_WRITES:
            try:
                client.execute_command(*command)
            except Exception:  # not expected, but the comparison tells
                pass
        client.execute_command("PING")
        deadline = time.monotonic() + 30
        path = next((handle.workdir / "appendonlydir").glob("*.incr.aof"))
        content = path.read_bytes()
        while not content.endswith(b"STORE\r\n$4\r\ndst2\r\n") and time.monotonic() < deadline:
            time.sleep(0.05)
            content = path.read_bytes()
        written.append(content)
    assert written[0] == written[1]
    assert b"*6\r\n$4\r\nzadd\r\n$6\r\nSicily\r\n$16\r\n3479099956230698\r\n" in written[0]
