"""A small RESP2/RESP3 codec for tests that talk to the server over raw sockets.

redis-py hides the exact bytes (it strips error prefixes and decodes types), so
tests that compare byte-for-byte with redis-server use these helpers instead.
"""


class Incomplete(Exception):
    """The buffer ends before the reply does; read more and try again."""


class ErrorReply(bytes):
    """An error reply ('-ERR ...'), kept apart from simple strings."""


def encode_command(*args):
    """Encodes args (bytes, str or int) as a RESP multibulk request."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, int):
            arg = str(arg)
        if isinstance(arg, str):
            arg = arg.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(parts)


def _read_line(buf, pos):
    end = buf.find(b"\r\n", pos)
    if end < 0:
        raise Incomplete()
    return bytes(buf[pos:end]), end + 2


# RESP3 aggregate types whose header counts elements (maps count pairs).
_AGGREGATE_WIDTH = {b"*": 1, b"~": 1, b">": 1, b"%": 2, b"|": 2}


def parse_reply(buf, pos=0):
    """Parses one reply starting at pos; returns (value, position after it).

    buf may be bytes or a bytearray. Raises Incomplete when buf holds only part
    of the reply. Bulk strings and
    simple strings come back as bytes, errors as ErrorReply, integers as int,
    nulls as None, aggregates as lists (maps as lists of alternating key/value).
    """
    if pos >= len(buf):
        raise Incomplete()
    kind = bytes(buf[pos:pos + 1])
    line, pos = _read_line(buf, pos + 1)
    if kind == b"+":
        return bytes(line), pos
    if kind == b"-":
        return ErrorReply(line), pos
    if kind == b":":
        return int(line), pos
    if kind in (b"$", b"=", b"!"):
        length = int(line)
        if length < 0:
            return None, pos
        if len(buf) < pos + length + 2:
            raise Incomplete()
        return bytes(buf[pos:pos + length]), pos + length + 2
    if kind in _AGGREGATE_WIDTH:
        count = int(line)
        if count < 0:
            return None, pos
        items = []
        for _ in range(count * _AGGREGATE_WIDTH[kind]):
            item, pos = parse_reply(buf, pos)
            items.append(item)
        if kind == b"|":
            # An attribute map precedes the reply it annotates.
            _, pos = parse_reply(buf, pos)
        return items, pos
    if kind == b"_":
        return None, pos
    if kind == b",":
        return float(line), pos
    if kind == b"#":
        return line == b"t", pos
    if kind == b"(":
        return int(line), pos
    raise ValueError("not a RESP reply type %r at offset %d" % (kind, pos))


def split_replies(buf):
    """Splits buf into the raw bytes of each complete reply plus the leftover."""
    pieces = []
    pos = 0
    while True:
        try:
            _, end = parse_reply(buf, pos)
        except Incomplete:
            return pieces, bytes(buf[pos:])
        pieces.append(bytes(buf[pos:end]))
        pos = end
