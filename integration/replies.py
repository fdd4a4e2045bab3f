"""Exact reply bytes several test files expect, written once."""

OK = b"+OK\r\n"
SYNTAX = b"-ERR syntax error\r\n"
NOT_INTEGER = b"-ERR value is not an integer or out of range\r\n"
WRONGTYPE = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"


def arity(command):
    return b"-ERR wrong number of arguments for '%s' command\r\n" % command.encode()


def invalid_expire(command):
    return b"-ERR invalid expire time in '%s' command\r\n" % command.encode()
