"""String commands: SET and its options, GET*, counters, ranges, multi-key forms."""

import time

from transcript import check_transcript
from replies import NOT_INTEGER, OK, SYNTAX, arity, bulk, invalid_expire

NIL = b"$-1\r\n"
NOT_FLOAT = b"-ERR value is not a valid float\r\n"
OVERFLOW = b"-ERR increment or decrement would overflow\r\n"


def test_set_and_get(assert_same):
    check_transcript(assert_same, [
        ("GET k", NIL),
        ("SET k v", OK),
        ("GET k", bulk("v")),
        ("SET k other", OK),
        ("GET k", bulk("other")),
        (("SET", "empty", ""), OK),
        ("GET empty", bulk("")),
        ("SET k", arity("set")),
        ("GET", arity("get")),
        ("GET a b", arity("get")),
    ])


def test_set_expiry_options(assert_same):
    check_transcript(assert_same, [
        ("SET k v EX 100", OK),
        ("TTL k", b":100\r\n"),
        ("SET k v PX 200000", OK),
        ("TTL k", b":200\r\n"),
        ("SET k v EXAT 99999999999", OK),
        ("EXPIRETIME k", b":99999999999\r\n"),
        ("SET k v PXAT 99999999999123", OK),
        ("PEXPIRETIME k", b":99999999999123\r\n"),
        ("SET k v", OK),
        ("TTL k", b":-1\r\n"),
        ("SET k v ex 100", OK),
        ("SET k v2 KEEPTTL", OK),
        ("TTL k", b":100\r\n"),
        ("GET k", bulk("v2")),
        ("SET k v EX 10 EX 20", OK),
        ("TTL k", b":20\r\n"),
        ("SET k v EXAT 1", OK),
        ("EXISTS k", b":0\r\n"),
        ("SET k v PXAT 1", OK),
        ("EXISTS k", b":0\r\n"),
    ])


def test_set_nx_xx_get(assert_same):
    check_transcript(assert_same, [
        ("SET k v XX", NIL),
        ("EXISTS k", b":0\r\n"),
        ("SET k v NX", OK),
        ("SET k v2 NX", NIL),
        ("GET k", bulk("v")),
        ("SET k v3 XX", OK),
        ("GET k", bulk("v3")),
        ("SET k v4 GET", bulk("v3")),
        ("SET new v GET", NIL),
        ("GET new", bulk("v")),
        ("SET k v5 NX GET", bulk("v4")),
        ("GET k", bulk("v4")),
        ("SET missing v XX GET", NIL),
        ("EXISTS missing", b":0\r\n"),
        ("SET k v6 XX GET EX 100", bulk("v4")),
        ("TTL k", b":100\r\n"),
        ("SET nx-get v GET NX", NIL),
        ("GET nx-get", bulk("v")),
    ])


def test_set_invalid_combinations(assert_same):
    check_transcript(assert_same, [
        ("SET k v EX 10 PX 10", SYNTAX),
        ("SET k v EX 10 EXAT 10", SYNTAX),
        ("SET k v PX 10 PXAT 10", SYNTAX),
        ("SET k v EX 10 KEEPTTL", SYNTAX),
        ("SET k v KEEPTTL PXAT 10", SYNTAX),
        ("SET k v NX XX", SYNTAX),
        ("SET k v EX", SYNTAX),
        ("SET k v FOO", SYNTAX),
        ("SET k v NX NX XX", SYNTAX),
        ("SET k v EX abc", NOT_INTEGER),
        ("SET k v PX 1.5", NOT_INTEGER),
        ("SET k v EX 0", invalid_expire("set")),
        ("SET k v EX -1", invalid_expire("set")),
        ("SET k v PX 0", invalid_expire("set")),
        ("SET k v EXAT 0", invalid_expire("set")),
        ("SET k v PXAT -5", invalid_expire("set")),
        ("SET k v EX 9999999999999999", invalid_expire("set")),
        ("SET k v PX 9223372036854775807", invalid_expire("set")),
        ("SET k v EXAT 9223372036854775807", invalid_expire("set")),
        ("EXISTS k", b":0\r\n"),
    ])


def test_getset_getdel(assert_same):
    check_transcript(assert_same, [
        ("GETSET k v", NIL),
        ("GETSET k v2", bulk("v")),
        ("GET k", bulk("v2")),
        ("SET t v EX 100", OK),
        ("GETSET t v2", bulk("v")),
        ("TTL t", b":-1\r\n"),
        ("GETDEL k", bulk("v2")),
        ("GETDEL k", NIL),
        ("EXISTS k", b":0\r\n"),
        ("GETSET k", arity("getset")),
        ("GETDEL", arity("getdel")),
    ])


def test_getex(assert_same):
    check_transcript(assert_same, [
        ("GETEX missing", NIL),
        ("GETEX missing EX 10", NIL),
        ("SET k v", OK),
        ("GETEX k", bulk("v")),
        ("TTL k", b":-1\r\n"),
        ("GETEX k EX 100", bulk("v")),
        ("TTL k", b":100\r\n"),
        ("GETEX k PX 200000", bulk("v")),
        ("TTL k", b":200\r\n"),
        ("GETEX k PERSIST", bulk("v")),
        ("TTL k", b":-1\r\n"),
        ("GETEX k EXAT 99999999999", bulk("v")),
        ("EXPIRETIME k", b":99999999999\r\n"),
        ("GETEX k PXAT 99999999999000", bulk("v")),
        ("PEXPIRETIME k", b":99999999999000\r\n"),
        ("GETEX k EX 0", invalid_expire("getex")),
        ("GETEX k PX -5", invalid_expire("getex")),
        ("GETEX k EX abc", NOT_INTEGER),
        ("GETEX k EX 10 PX 10", SYNTAX),
        ("GETEX k PERSIST EX 10", SYNTAX),
        ("GETEX k FOO", SYNTAX),
        ("GETEX k EX", SYNTAX),
        ("PEXPIRETIME k", b":99999999999000\r\n"),
        ("GETEX k EXAT 1", bulk("v")),
        ("EXISTS k", b":0\r\n"),
        ("GETEX", arity("getex")),
    ])


def test_setnx_setex_psetex(assert_same):
    check_transcript(assert_same, [
        ("SETNX a 1", b":1\r\n"),
        ("SETNX a 2", b":0\r\n"),
        ("GET a", bulk("1")),
        ("SETEX s 100 v", OK),
        ("TTL s", b":100\r\n"),
        ("GET s", bulk("v")),
        ("SETEX s 0 v", invalid_expire("setex")),
        ("SETEX s -1 v", invalid_expire("setex")),
        ("SETEX s abc v", NOT_INTEGER),
        ("SETEX s 9999999999999999 v", invalid_expire("setex")),
        ("PSETEX p 100000 v", OK),
        ("TTL p", b":100\r\n"),
        ("PSETEX p 0 v", invalid_expire("psetex")),
        ("PSETEX p -3 v", invalid_expire("psetex")),
        ("PSETEX p 1.5 v", NOT_INTEGER),
        ("SETEX s 10", arity("setex")),
        ("SETNX a", arity("setnx")),
    ])


def test_mset_msetnx_mget(assert_same):
    check_transcript(assert_same, [
        ("MSET a 1 b 2 a 3", OK),
        ("MGET a b missing a", b"*4\r\n$1\r\n3\r\n$1\r\n2\r\n$-1\r\n$1\r\n3\r\n"),
        ("MSET a 1 b", arity("mset")),
        ("MSET", arity("mset")),
        ("MGET", arity("mget")),
        ("MSETNX a 1 c 3", b":0\r\n"),
        ("EXISTS c", b":0\r\n"),
        ("MSETNX c 3 d 4", b":1\r\n"),
        ("MGET c d", b"*2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
        ("MSETNX e 1 e 2", b":1\r\n"),
        ("GET e", bulk("2")),
        ("MSETNX c 3 d", arity("msetnx")),
        ("SET t v EX 100", OK),
        ("MSET t v2", OK),
        ("TTL t", b":-1\r\n"),
    ])


def test_append_and_strlen(assert_same):
    check_transcript(assert_same, [
        ("APPEND k Hello", b":5\r\n"),
        ("APPEND k \" World\"", b":11\r\n"),
        ("GET k", bulk("Hello World")),
        ("STRLEN k", b":11\r\n"),
        ("STRLEN missing", b":0\r\n"),
        ("SET n 12", OK),
        ("APPEND n 34", b":4\r\n"),
        ("INCR n", b":1235\r\n"),
        ("APPEND n \"\"", b":4\r\n"),
        ("SET t v EX 100", OK),
        ("APPEND t w", b":2\r\n"),
        ("TTL t", b":100\r\n"),
        ("STRLEN a b", arity("strlen")),
        ("APPEND k", arity("append")),
    ])


def test_incr_decr(assert_same):
    check_transcript(assert_same, [
        ("INCR n", b":1\r\n"),
        ("INCRBY n 10", b":11\r\n"),
        ("DECR n", b":10\r\n"),
        ("DECRBY n 5", b":5\r\n"),
        ("INCRBY n -3", b":2\r\n"),
        ("DECRBY n -3", b":5\r\n"),
        ("GET n", bulk("5")),
        ("DECR fresh", b":-1\r\n"),
        ("SET t 1 EX 100", OK),
        ("INCR t", b":2\r\n"),
        ("TTL t", b":100\r\n"),
        ("SET big 9223372036854775806", OK),
        ("INCRBY big 1", b":9223372036854775807\r\n"),
        ("INCR big", OVERFLOW),
        ("INCRBY big 1", OVERFLOW),
        ("SET small -9223372036854775807", OK),
        ("DECR small", b":-9223372036854775808\r\n"),
        ("DECR small", OVERFLOW),
        ("DECRBY small 1", OVERFLOW),
        ("SET neg -5", OK),
        ("INCRBY neg -9223372036854775804", OVERFLOW),
        ("DECRBY neg 9223372036854775807", OVERFLOW),
        ("DECRBY n -9223372036854775808", b"-ERR decrement would overflow\r\n"),
        ("GET big", bulk("9223372036854775807")),
    ])


def test_incr_rejects_non_integers(assert_same):
    check_transcript(assert_same, [
        ("INCRBY n abc", NOT_INTEGER),
        ("INCRBY n 1.5", NOT_INTEGER),
        ("INCRBY n 9223372036854775808", NOT_INTEGER),
        ("INCRBY n \" 1\"", NOT_INTEGER),
        ("SET s \" 1\"", OK),
        ("INCR s", NOT_INTEGER),
        ("SET s \"1 \"", OK),
        ("INCR s", NOT_INTEGER),
        ("SET s +1", OK),
        ("INCR s", NOT_INTEGER),
        ("SET s 01", OK),
        ("INCR s", NOT_INTEGER),
        ("SET s -0", OK),
        ("INCR s", NOT_INTEGER),
        ("SET s 1.5", OK),
        ("DECR s", NOT_INTEGER),
        ("SET s \"\"", OK),
        ("INCR s", NOT_INTEGER),
        ("SET s 99999999999999999999", OK),
        ("INCR s", NOT_INTEGER),
        ("GET s", bulk("99999999999999999999")),
        ("EXISTS n", b":0\r\n"),
        ("INCR", arity("incr")),
        ("INCRBY n", arity("incrby")),
    ])


def test_incrbyfloat(assert_same):
    check_transcript(assert_same, [
        ("INCRBYFLOAT x 1.5", bulk("1.5")),
        ("INCRBYFLOAT x 0.1", bulk("1.6")),
        ("INCRBYFLOAT x -1.6", bulk("0")),
        ("INCRBYFLOAT x 1e3", bulk("1000")),
        ("INCRBYFLOAT x 5.0e3", bulk("6000")),
        ("INCRBYFLOAT w 10.50", bulk("10.5")),
        ("INCRBYFLOAT w 1e-5", bulk("10.50001")),
        ("INCRBYFLOAT w -21", bulk("-10.49999")),
        ("INCRBYFLOAT z 3.0", bulk("3")),
        # The result is stored as text even when it looks like an integer.
        ("OBJECT ENCODING z", bulk("embstr")),
        ("INCRBYFLOAT z -3.5", bulk("-0.5")),
        ("INCRBYFLOAT zero -0.0", bulk("0")),
        # Redis adds in long double, so the classic double rounding error does not show.
        ("INCRBYFLOAT a 0.1", bulk("0.1")),
        ("INCRBYFLOAT a 0.2", bulk("0.3")),
        ("INCRBYFLOAT b 1.1", bulk("1.1")),
        ("INCRBYFLOAT b 2.2", bulk("3.3")),
        ("SET i 10", OK),
        ("INCRBYFLOAT i 0.25", bulk("10.25")),
        ("SET t 1 EX 100", OK),
        ("INCRBYFLOAT t 1", bulk("2")),
        ("TTL t", b":100\r\n"),
    ])


def test_incrbyfloat_errors(assert_same):
    check_transcript(assert_same, [
        ("INCRBYFLOAT x abc", NOT_FLOAT),
        ("INCRBYFLOAT x nan", NOT_FLOAT),
        ("INCRBYFLOAT x \" 1\"", NOT_FLOAT),
        ("INCRBYFLOAT x \"\"", NOT_FLOAT),
        ("INCRBYFLOAT x inf", b"-ERR increment would produce NaN or Infinity\r\n"),
        ("INCRBYFLOAT x -inf", b"-ERR increment would produce NaN or Infinity\r\n"),
        ("SET q abc", OK),
        ("INCRBYFLOAT q 1", NOT_FLOAT),
        ("SET q \"1.5 \"", OK),
        ("INCRBYFLOAT q 1", NOT_FLOAT),
        ("EXISTS x", b":0\r\n"),
        ("INCRBYFLOAT x", arity("incrbyfloat")),
    ])


def test_getrange(assert_same):
    check_transcript(assert_same, [
        ("SET s \"Hello World\"", OK),
        ("GETRANGE s 0 4", bulk("Hello")),
        ("GETRANGE s -5 -1", bulk("World")),
        ("GETRANGE s -100 2", bulk("Hel")),
        ("GETRANGE s 5 2", bulk("")),
        ("GETRANGE s 0 100", bulk("Hello World")),
        ("GETRANGE s -1 -5", bulk("")),
        ("GETRANGE s 11 20", bulk("")),
        ("GETRANGE s 10 10", bulk("d")),
        ("GETRANGE s 0 -100", bulk("H")),
        ("GETRANGE s -1 -100", bulk("")),
        ("GETRANGE s 0 -1", bulk("Hello World")),
        ("GETRANGE missing 0 -1", bulk("")),
        ("SET n 12345", OK),
        ("GETRANGE n 1 -2", bulk("234")),
        ("GETRANGE s a 1", NOT_INTEGER),
        ("GETRANGE s 0", arity("getrange")),
        ("SUBSTR s 0 3", bulk("Hell")),
    ])


def test_setrange(assert_same):
    check_transcript(assert_same, [
        ("SETRANGE r 5 abc", b":8\r\n"),
        ("GET r", bulk(b"\x00\x00\x00\x00\x00abc")),
        ("SET s \"Hello World\"", OK),
        ("SETRANGE s 6 Redis", b":11\r\n"),
        ("GET s", bulk("Hello Redis")),
        ("SETRANGE s 9 \"is great\"", b":17\r\n"),
        ("GET s", bulk("Hello Redis great")),
        ("SETRANGE s 0 \"\"", b":17\r\n"),
        ("SETRANGE missing 10 \"\"", b":0\r\n"),
        ("EXISTS missing", b":0\r\n"),
        ("SET n 12345", OK),
        ("SETRANGE n 1 x", b":5\r\n"),
        ("GET n", bulk("1x345")),
        ("SETRANGE s -1 x", b"-ERR offset is out of range\r\n"),
        ("SETRANGE s 536870912 x",
         b"-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"),
        ("SETRANGE new 536870912 x",
         b"-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"),
        ("SETRANGE s 536870912 \"\"", b":17\r\n"),
        ("SETRANGE s abc x", NOT_INTEGER),
        ("SETRANGE s 1", arity("setrange")),
        ("EXISTS new", b":0\r\n"),
    ])


def test_set_with_short_px_expires(server):
    client = server.client()
    assert client.set("short", "v", px=50)
    assert client.get("short") == b"v"
    time.sleep(0.15)
    assert client.get("short") is None


def test_binary_safe_values_and_keys(server):
    client = server.client()
    key = b"key\x00with\r\nodd\xffbytes"
    value = bytes(range(256)) * 4
    assert client.set(key, value)
    assert client.get(key) == value
    assert client.strlen(key) == 1024
    assert client.append(key, b"\x00") == 1025
    assert client.getrange(key, -2, -1) == b"\xff\x00"
