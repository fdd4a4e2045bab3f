"""Geo commands: GEOPOS and WITHCOORD coordinates are RESP3 doubles ("%.17Lf"
without trailing zeros), distances stay bulk strings ("%.4f") in both
protocols, hashes are integers, a missing member is "_"."""

from reply_cases import Case

SICILY = ["GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania "
          "12.758489 38.788135 edge1 17.241510 38.788135 edge2"]
# The corners of the index and the antimeridian.
CORNERS = ["GEOADD corners 180 85.05112878 ne -180 -85.05112878 sw 0 0 zero "
           "179.9999 0.5 east -179.9999 0.5 west"]

CASES = [
    Case(["GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania",
          "GEOADD Sicily NX CH 13 38 Palermo 14 37 Siracusa",
          "GEOADD Sicily XX CH 13.5 38 Palermo 14 37 Ragusa",
          "GEOADD Sicily 181 10 x", "GEOADD Sicily 10 85.06 x", "GEOADD Sicily inf 0 x",
          "GEOADD Sicily abc 0 x", "GEOADD Sicily NX XX 1 2 x", "GEOADD Sicily 1 2 x y",
          "GEOADD Sicily GT 1 2 x", "GEOADD str 1 2 x"],
         setup=["SET str text"]),
    Case(["GEOPOS Sicily Palermo Catania nobody", "GEOPOS nokey a b", "GEOPOS corners ne sw zero east",
          "GEOPOS str a", "GEOHASH Sicily Palermo Catania nobody", "GEOHASH corners ne sw zero east",
          "GEOHASH nokey a", "GEOHASH str a", "GEOHASH Sicily", "GEOPOS Sicily"],
         setup=SICILY + CORNERS + ["SET str text"]),
    Case(["GEODIST Sicily Palermo Catania", "GEODIST Sicily Palermo Catania km",
          "GEODIST Sicily Palermo Catania MI", "GEODIST Sicily Palermo Catania ft",
          "GEODIST Sicily Palermo nobody", "GEODIST nokey a b", "GEODIST Sicily Palermo Catania yd",
          "GEODIST Sicily Palermo Catania km extra", "GEODIST corners ne sw", "GEODIST str a b"],
         setup=SICILY + CORNERS + ["SET str text"]),
    Case(["GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC",
          "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST WITHHASH",
          "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 300 km DESC WITHDIST COUNT 2",
          "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 500 km COUNT 1 ANY WITHCOORD",
          "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 m",
          "GEOSEARCH nokey FROMLONLAT 15 37 BYRADIUS 1 m",
          "GEOSEARCH corners FROMLONLAT 180 0 BYRADIUS 100 km WITHCOORD WITHDIST",
          "GEOSEARCH Sicily FROMMEMBER nobody BYRADIUS 1 km",
          "GEOSEARCH Sicily BYRADIUS 1 km ASC ASC", "GEOSEARCH Sicily FROMMEMBER Palermo ASC ASC DESC",
          "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km ANY",
          "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT 0",
          "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS -1 km",
          "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 -1 km",
          "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 parsec",
          "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km STOREDIST",
          "GEOSEARCH str FROMLONLAT 15 37 BYRADIUS 1 km"],
         setup=SICILY + CORNERS + ["SET str text"]),
    Case(["GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC COUNT 3",
          "ZRANGE dst 0 -1 WITHSCORES",
          "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC COUNT 3 STOREDIST",
          "ZRANGE dst 0 -1 WITHSCORES",
          "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 1 m", "EXISTS dst",
          "GEOSEARCHSTORE dst nokey FROMLONLAT 15 37 BYRADIUS 1 m",
          "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 1 km WITHDIST"],
         setup=SICILY),
    Case(["GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD ASC",
          "GEORADIUS Sicily 15 37 200 km STORE dst", "ZRANGE dst 0 -1 WITHSCORES",
          "GEORADIUS Sicily 15 37 200 km STOREDIST dst", "ZRANGE dst 0 -1 WITHSCORES",
          "GEORADIUS Sicily 15 37 200 km STORE dst WITHDIST",
          "GEORADIUS Sicily 200 37 200 km",
          "GEORADIUSBYMEMBER Sicily Palermo 200 km WITHDIST WITHHASH DESC",
          "GEORADIUSBYMEMBER Sicily nobody 200 km", "GEORADIUSBYMEMBER nokey nobody x y",
          "GEORADIUSBYMEMBER Sicily Palermo 200 km STORE dst COUNT 1",
          "GEORADIUS_RO Sicily 15 37 200 km WITHHASH", "GEORADIUS_RO Sicily 15 37 200 km STORE dst",
          "GEORADIUSBYMEMBER_RO Sicily Palermo 100 km WITHCOORD",
          "GEORADIUSBYMEMBER_RO Sicily Palermo 100 km STOREDIST dst"],
         setup=SICILY),
]
