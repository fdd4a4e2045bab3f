"""Exact reply bytes several test files expect, written once."""

OK = b"+OK\r\n"
SYNTAX = b"-ERR syntax error\r\n"
NOT_INTEGER = b"-ERR value is not an integer or out of range\r\n"
WRONGTYPE = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"


def arity(command):
    return b"-ERR wrong number of arguments for '%s' command\r\n" % command.encode()


def invalid_expire(command):
    return b"-ERR invalid expire time in '%s' command\r\n" % command.encode()


def bulk(value):
    """A bulk string; str and int values are encoded first."""
    if isinstance(value, int):
        value = str(value)
    value = value.encode() if isinstance(value, str) else value
    return b"$%d\r\n%s\r\n" % (len(value), value)


def integer(value):
    return b":%d\r\n" % value


def array(*items):
    """An array: items already in RESP (bytes starting with a type byte) are
    kept as they are, anything else becomes a bulk string."""
    return b"*%d\r\n" % len(items) + b"".join(
        item if isinstance(item, bytes) and item[:1] in b"$*:+-" else bulk(item)
        for item in items)
