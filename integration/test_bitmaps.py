"""Bitmap and bitfield commands on strings: SETBIT, GETBIT, BITCOUNT, BITPOS,
BITOP, BITFIELD and BITFIELD_RO. Replies are compared byte for byte with
redis-server 7.0 and, for random command streams, with a bytearray model."""

import random
import signal

import pytest

from resp import ErrorReply, encode_command, parse_reply

KEYS = [b"b0", b"b1", b"b2", b"b3"]


def run_pipeline(handle, commands, protocol=2):
    """Sends commands in one write on a fresh connection; returns each raw reply."""
    with handle.connect_raw(timeout=30) as conn:
        if protocol == 3:
            conn.command("HELLO", "3")
        conn.send(b"".join(encode_command(*command) for command in commands))
        data = conn.read_replies(len(commands))
    replies = []
    pos = 0
    while pos < len(data):
        _, end = parse_reply(data, pos)
        replies.append(data[pos:end])
        pos = end
    return replies


def assert_same_replies(server, reference, commands, protocol=2):
    """Runs commands on both servers (each flushed first); asserts equal replies."""
    server.flushall()
    reference.flushall()
    actual = run_pipeline(server, commands, protocol)
    expected = run_pipeline(reference, commands, protocol)
    for command, got, want in zip(commands, actual, expected):
        assert got == want, "command %r" % (command,)
    return actual


def split(text):
    return [part.encode() for part in text.split(" ")]


# ---- The model ----

class BitmapModel:
    """Strings as bytearrays; each method returns what the command replies."""

    def __init__(self, max_bytes=512 * 1024 * 1024):
        self.strings = {}
        self.max_bytes = max_bytes

    def value(self, key):
        return self.strings.get(key, bytearray())

    def setbit(self, key, offset, bit):
        data = self.strings.setdefault(key, bytearray())
        if len(data) <= offset // 8:
            data.extend(bytes(offset // 8 + 1 - len(data)))
        mask = 0x80 >> (offset % 8)
        old = 1 if data[offset // 8] & mask else 0
        data[offset // 8] = (data[offset // 8] | mask) if bit else (data[offset // 8] & ~mask)
        return old

    def getbit(self, key, offset):
        data = self.value(key)
        return 1 if offset // 8 < len(data) and data[offset // 8] & (0x80 >> (offset % 8)) else 0

    @staticmethod
    def bits(data):
        return [(byte >> (7 - i)) & 1 for byte in data for i in range(8)]

    @staticmethod
    def resolve(start, end, units):
        start = start + units if start < 0 else start
        end = end + units if end < 0 else end
        start = max(start, 0)
        end = min(max(end, 0), units - 1)
        return None if start > end else (start, end)

    def bit_span(self, data, start, end, in_bits):
        span = self.resolve(start, end, len(data) * 8 if in_bits else len(data))
        if span is None or in_bits:
            return span
        return span[0] * 8, span[1] * 8 + 7

    def bitcount(self, key, start=None, end=None, in_bits=False):
        data = self.value(key)
        if start is None:
            return sum(self.bits(data))
        if start < 0 and end < 0 and start > end:
            return 0
        span = self.bit_span(data, start, end, in_bits)
        return 0 if span is None else sum(self.bits(data)[span[0]:span[1] + 1])

    def bitpos(self, key, bit, start=None, end=None, in_bits=False):
        if key not in self.strings:
            return -1 if bit else 0
        data = self.strings[key]
        span = self.bit_span(data, 0 if start is None else start, -1 if end is None else end,
                             in_bits)
        if span is None:
            return -1
        bits = self.bits(data)
        for position in range(span[0], span[1] + 1):
            if bits[position] == bit:
                return position
        return -1 if bit or end is not None else span[1] + 1

    def bitop(self, op, destination, keys):
        sources = [self.value(key) for key in keys]
        length = max(len(source) for source in sources)
        padded = [source + bytes(length - len(source)) for source in sources]
        out = bytearray(padded[0])
        for source in padded[1:]:
            for i in range(length):
                if op == "AND":
                    out[i] &= source[i]
                elif op == "OR":
                    out[i] |= source[i]
                else:
                    out[i] ^= source[i]
        if op == "NOT":
            out = bytearray(~byte & 0xFF for byte in out)
        if length == 0:
            self.strings.pop(destination, None)
        else:
            self.strings[destination] = out
        return length

    # BITFIELD: fields are Python ints, so overflow is plain arithmetic.
    def read_field(self, data, signed, bits, offset):
        value = 0
        for i in range(bits):
            at = offset + i
            bit = (data[at // 8] >> (7 - at % 8)) & 1 if at // 8 < len(data) else 0
            value = (value << 1) | bit
        if signed and value >> (bits - 1):
            value -= 1 << bits
        return value

    def write_field(self, data, bits, offset, value):
        value &= (1 << bits) - 1
        for i in range(bits):
            at = offset + i
            mask = 0x80 >> (at % 8)
            if (value >> (bits - 1 - i)) & 1:
                data[at // 8] |= mask
            else:
                data[at // 8] &= ~mask

    @staticmethod
    def store(signed, bits, start, increment, overflow, is_set):
        low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        if not signed:
            start &= (1 << 64) - 1  # an unsigned SET reads its argument as a uint64
        exact = start + increment
        if low <= exact <= high:
            return exact
        if overflow == "FAIL":
            return None
        if overflow == "WRAP":
            return (exact - low) % (1 << bits) + low
        # Redis's quirk: a signed SET within max of INT64_MIN saturates high.
        quirk = signed and bits < 64 and is_set and exact <= -(1 << 63) + high
        return high if exact > high or quirk else low

    def bitfield(self, key, ops):
        writes = any(op[0] != "GET" for op in ops)
        if writes:
            data = self.strings.setdefault(key, bytearray())
            needed = max((op[3] + op[2] - 1) // 8 + 1 for op in ops if op[0] != "GET")
            data.extend(bytes(max(0, needed - len(data))))
        else:
            data = self.value(key)
        replies = []
        for kind, signed, bits, offset, argument, overflow in ops:
            old = self.read_field(data, signed, bits, offset)
            if kind == "GET":
                replies.append(old)
                continue
            stored = self.store(signed, bits, argument if kind == "SET" else old,
                                0 if kind == "SET" else argument, overflow, kind == "SET")
            if stored is None:
                replies.append(None)
                continue
            self.write_field(data, bits, offset, stored)
            replies.append(old if kind == "SET" else stored)
        return replies


def random_range(rng, length, in_bits):
    units = (length * 8 if in_bits else length) + 3
    return rng.randint(-units, units), rng.randint(-units, units)


def random_bitfield_ops(rng, allow_writes=True):
    ops = []
    overflow = "WRAP"
    args = []
    for _ in range(rng.randint(1, 5)):
        if rng.random() < 0.2:
            overflow = rng.choice(["WRAP", "SAT", "FAIL"])
            args += [b"OVERFLOW", overflow.encode()]
        signed = rng.random() < 0.5
        bits = rng.randint(1, 64 if signed else 63)
        type_name = ("i%d" if signed else "u%d") % bits
        if rng.random() < 0.3:
            index = rng.randint(0, 20)
            offset, offset_arg = index * bits, "#%d" % index
        else:
            offset = rng.randint(0, 200)
            offset_arg = str(offset)
        kind = rng.choice(["GET", "SET", "INCRBY"] if allow_writes else ["GET"])
        limit = 1 << rng.choice([2, 8, 32, 63])
        argument = rng.randint(-limit, limit - 1)
        ops.append((kind, signed, bits, offset, argument, overflow))
        args += [kind.encode(), type_name.encode(), offset_arg.encode()]
        if kind != "GET":
            args.append(str(argument).encode())
    return ops, args


def random_step(rng, model):
    """One random command and the reply the model expects (None: not checked)."""
    key = rng.choice(KEYS)
    length = len(model.value(key))
    roll = rng.random()
    if roll < 0.2:
        offset = rng.randint(0, max(64, length * 8 + 40))
        bit = rng.randint(0, 1)
        return [b"SETBIT", key, str(offset).encode(), str(bit).encode()], model.setbit(
            key, offset, bit)
    if roll < 0.25:
        offset = rng.randint(0, length * 8 + 20)
        return [b"GETBIT", key, str(offset).encode()], model.getbit(key, offset)
    if roll < 0.4:
        if rng.random() < 0.2:
            return [b"BITCOUNT", key], model.bitcount(key)
        in_bits = rng.random() < 0.5
        start, end = random_range(rng, length, in_bits)
        command = [b"BITCOUNT", key, str(start).encode(), str(end).encode()]
        if in_bits or rng.random() < 0.3:
            command.append(b"BIT" if in_bits else b"BYTE")
        return command, model.bitcount(key, start, end, in_bits)
    if roll < 0.55:
        bit = rng.randint(0, 1)
        shape = rng.randint(0, 3)
        in_bits = shape == 3 and rng.random() < 0.7
        start, end = random_range(rng, length, in_bits)
        command = [b"BITPOS", key, str(bit).encode()]
        if shape == 0:
            return command, model.bitpos(key, bit)
        if shape == 1:
            return command + [str(start).encode()], model.bitpos(key, bit, start)
        command += [str(start).encode(), str(end).encode()]
        if shape == 3:
            command.append(b"BIT" if in_bits else b"BYTE")
        return command, model.bitpos(key, bit, start, end, in_bits)
    if roll < 0.7:
        op = rng.choice(["AND", "OR", "XOR", "NOT"])
        sources = [rng.choice(KEYS + [b"missing"])]
        if op != "NOT":
            sources += [rng.choice(KEYS + [b"missing"]) for _ in range(rng.randint(0, 3))]
        return [b"BITOP", op.encode(), key] + sources, model.bitop(op, key, sources)
    if roll < 0.85:
        ops, args = random_bitfield_ops(rng)
        return [b"BITFIELD", key] + args, model.bitfield(key, ops)
    if roll < 0.9:
        ops, args = random_bitfield_ops(rng, allow_writes=False)
        return [b"BITFIELD_RO", key] + args, model.bitfield(key, ops)
    # Edits through the string commands, and integer-encoded strings.
    if roll < 0.94:
        number = str(rng.randint(-10**6, 10**18)).encode()
        model.strings[key] = bytearray(number)
        return [b"SET", key, number], None
    if roll < 0.97:
        suffix = bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 9)))
        model.strings.setdefault(key, bytearray()).extend(suffix)
        return [b"APPEND", key, suffix], len(model.strings[key])
    offset = rng.randint(0, length + 5)
    patch = bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 5)))
    data = model.strings.setdefault(key, bytearray())
    data.extend(bytes(max(0, offset + len(patch) - len(data))))
    data[offset:offset + len(patch)] = patch
    return [b"SETRANGE", key, str(offset).encode(), patch], len(data)


def decoded(raw):
    value, _ = parse_reply(raw)
    assert not isinstance(value, ErrorReply), raw
    return value


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_commands_match_model_and_redis(server, reference, seed):
    rng = random.Random(seed)
    print("seed", seed)
    model = BitmapModel()
    steps = [random_step(rng, model) for _ in range(1500)]
    commands = [command for command, _ in steps]
    commands += [[b"GET", key] for key in KEYS]
    replies = assert_same_replies(server, reference, commands)
    for (command, expected), raw in zip(steps, replies):
        if expected is not None:
            assert decoded(raw) == expected, "command %r" % (command,)
    for key, raw in zip(KEYS, replies[len(steps):]):
        stored = decoded(raw)
        assert stored == (bytes(model.strings[key]) if key in model.strings else None)


def test_random_commands_resp3(server, reference):
    rng = random.Random(7)
    model = BitmapModel()
    commands = [random_step(rng, model)[0] for _ in range(400)]
    assert_same_replies(server, reference, commands, protocol=3)


# ---- Errors and edge cases, as redis-server answers them ----

EDGE_CASES = [
    "SET s foobar", "LPUSH l a", "SET n 1234", "SET ff \xff\xff",
    # BITCOUNT: a missing key counts 0 before its arguments are read.
    "BITCOUNT s", "BITCOUNT s 1 1", "BITCOUNT s 1 2 BIT", "BITCOUNT s 1 2 byte",
    "BITCOUNT s -10 -20", "BITCOUNT s -20 -10", "BITCOUNT nokey x y", "BITCOUNT nokey 1",
    "BITCOUNT s 1", "BITCOUNT s 1 2 3 4", "BITCOUNT l 1", "BITCOUNT l", "BITCOUNT s x 1",
    "BITCOUNT s 1 x", "BITCOUNT s 1 2 bits", "BITCOUNT n", "BITCOUNT s 0 -1 bit",
    "BITCOUNT s -9223372036854775808 9223372036854775807 bit",
    "BITCOUNT s 9223372036854775807 -9223372036854775808", "BITCOUNT s 01 2",
    # BITPOS
    "BITPOS s 1", "BITPOS s 0", "BITPOS s 1 -10 -20", "BITPOS s 1 2 1", "BITPOS s 1 0 -1 bit",
    "BITPOS s 0 0 -1 BIT", "BITPOS s 1 9223372036854775807 -9223372036854775808 bit",
    "BITPOS s 1 1 2 3 4", "BITPOS nokey 0 1 2 3 4", "BITPOS nokey 1", "BITPOS nokey 0",
    "BITPOS l 3", "BITPOS l 1", "BITPOS s 2", "BITPOS s x", "BITPOS s -1", "BITPOS s 1 x",
    "BITPOS s 1 1 x", "BITPOS s 1 1 2 bad", "BITPOS nokey 1 x", "BITPOS ff 0", "BITPOS ff 0 0",
    "BITPOS ff 0 0 -1", "BITPOS ff 0 5", "BITPOS ff 0 -100", "BITPOS ff 1 1", "BITPOS ff 0 0 15 bit",
    "BITPOS ff 0 3 7 bit", "BITPOS n 1", "BITPOS n 0 1",
    # BITOP
    "SET a abc", "SET b \xff", "BITOP AND d a b", "GET d", "BITOP or d a nokey", "GET d",
    "BITOP XOR d a b", "GET d", "BITOP NOT d a", "GET d", "BITOP NOT d a b", "BITOP NOT d nokey",
    "BITOP foo d a", "BITOP AND d nokey", "EXISTS d", "BITOP AND d a l", "BITOP NOT d l",
    "BITOP AND d", "BITOP OR d n", "GET d", "OBJECT ENCODING d", "BITOP AND a a b", "GET a",
    ["SET", "e", ""], "BITCOUNT e", "BITCOUNT e 0 -1", "BITPOS e 0", "BITPOS e 1", "BITPOS e 0 0",
    "BITOP OR d e", "EXISTS d", "BITOP OR d2 nokey", "SET d2 x", "BITOP OR d2 nokey", "EXISTS d2",
    # BITFIELD
    "BITFIELD x GET u8 0 GET u8 #1 GET i64 3", "BITFIELD x SET u8 0 -1 GET u8 0",
    "BITFIELD x GET u64 0", "BITFIELD x GET i65 0", "BITFIELD x GET u0 0", "BITFIELD x GET U8 0",
    "BITFIELD x GET u08 0", "BITFIELD x GET u8 -1", "BITFIELD x GET u8 #-1", "BITFIELD x GET u8 +5",
    "BITFIELD x GET u8 #", "BITFIELD x GET u8 4294967295", "BITFIELD x GET u8 4294967296",
    "BITFIELD x GET u8 #2305843009213693952", "BITFIELD x GET u8 #2305843009213693951",
    "BITFIELD x GET u8 #1152921504606846976", "BITFIELD x OVERFLOW foo", "BITFIELD x OVERFLOW",
    "BITFIELD x GET u8", "BITFIELD x foo", "BITFIELD x GET u8 0 SET u8 1",
    "BITFIELD x SET u8 0 x", "BITFIELD x INCRBY u8 0 1.5", "BITFIELD x", "BITFIELD nk OVERFLOW WRAP",
    "EXISTS nk", "BITFIELD nk GET u8 0", "EXISTS nk",
    "BITFIELD nb OVERFLOW FAIL INCRBY u2 0 10", "EXISTS nb", "GET nb", "STRLEN nb",
    "BITFIELD nb2 OVERFLOW FAIL SET u2 100 10", "STRLEN nb2",
    "BITFIELD x GET u8 0 OverFlow Sat Set u8 0 1 INCRBY u8 0 1000 overflow fail incrby u8 0 1",
    "BITFIELD x OVERFLOW FAIL OVERFLOW SAT INCRBY u8 0 1000",
    "BITFIELD x OVERFLOW SAT SET i8 0 -9223372036854775808 GET i8 0",
    "BITFIELD x OVERFLOW SAT SET i8 0 -9223372036854775681 GET i8 0",
    "BITFIELD x OVERFLOW SAT SET i8 0 -9223372036854775680 GET i8 0",
    "BITFIELD x OVERFLOW SAT SET i64 0 -9223372036854775808 INCRBY i64 0 -1 GET i64 0",
    "BITFIELD x OVERFLOW WRAP INCRBY i64 0 -1 GET i64 0",
    "BITFIELD x OVERFLOW SAT SET u63 0 0 INCRBY u63 0 -9223372036854775808 GET u63 0",
    "BITFIELD x SET i1 0 1 GET i1 0 INCRBY i1 0 -1 GET u1 0",
    "BITFIELD n GET u8 0", "OBJECT ENCODING n", "BITFIELD n SET u8 0 49", "OBJECT ENCODING n",
    "GET n", "BITFIELD l GET u8 0", "BITFIELD l SET u8 0 1", "BITFIELD l SET u8 0 x",
    # BITFIELD_RO: OVERFLOW is allowed, writes are refused after every argument is read.
    "BITFIELD_RO x SET u99 0 1", "BITFIELD_RO x SET u8 x 1", "BITFIELD_RO x SET u8 0 x",
    "BITFIELD_RO x SET u8 0 1", "BITFIELD_RO x INCRBY u8 0 1 GET u99 0",
    "BITFIELD_RO x SET u8 0 1 foo", "BITFIELD_RO x GET u8 0 GET u8", "BITFIELD_RO x foo",
    "BITFIELD_RO x OVERFLOW foo", "BITFIELD_RO x GET u8 0 OVERFLOW WRAP", "BITFIELD_RO x",
    "BITFIELD_RO l GET u8 0", "BITFIELD_RO nokey GET i8 0", "BITFIELD_RO",
    # SETBIT and GETBIT
    "SETBIT s 4294967295 1", "SETBIT s 4294967296 1", "SETBIT s -1 1", "SETBIT s 1 2",
    "GETBIT s 4294967296", "SETBIT n 0 1", "OBJECT ENCODING n", "GET n",
    # COMMAND's view of the keys
    "COMMAND GETKEYSANDFLAGS bitfield k GET u8 0", "COMMAND GETKEYSANDFLAGS bitfield k SET u8 0 1",
    "COMMAND GETKEYSANDFLAGS bitfield k OVERFLOW GET u8 0",
    "COMMAND GETKEYSANDFLAGS bitfield k GET u8 incrby", "COMMAND GETKEYSANDFLAGS bitfield k foo",
    "COMMAND GETKEYSANDFLAGS bitop AND d a b", "COMMAND GETKEYSANDFLAGS bitfield_ro k GET u8 0",
    "COMMAND INFO bitcount bitpos bitop bitfield bitfield_ro setbit getbit",
]


@pytest.mark.parametrize("protocol", [2, 3])
def test_errors_and_edge_cases_match_redis(server, reference, protocol):
    commands = [[part.encode("latin-1") for part in
                 (line if isinstance(line, list) else line.split(" "))] for line in EDGE_CASES]
    assert_same_replies(server, reference, commands, protocol)


def test_offsets_follow_proto_max_bulk_len(server, reference):
    commands = [split(line) for line in [
        "CONFIG SET proto-max-bulk-len 1mb",
        "SETBIT k 8388607 1", "SETBIT k 8388608 1", "GETBIT k 8388608", "STRLEN k",
        "BITFIELD k GET u8 8388607", "BITFIELD k GET u8 8388608", "BITFIELD k GET u8 #1048575",
        "BITFIELD k GET u8 #1048576", "BITFIELD k SET i64 8388607 1", "STRLEN k",
        "BITFIELD k GET i64 8388607", "BITCOUNT k", "BITPOS k 1 -1", "BITCOUNT k -1 -1 BIT",
        "CONFIG SET proto-max-bulk-len 512mb",
    ]]
    try:
        assert_same_replies(server, reference, commands)
    finally:
        reference.reply("CONFIG", "SET", "proto-max-bulk-len", "512mb")


def test_large_strings_count_and_combine(server):
    rng = random.Random(11)
    first = bytes(rng.getrandbits(8) for _ in range(300001))
    second = bytes(rng.getrandbits(8) for _ in range(200003))
    assert server.reply("SET", "a", first) == b"+OK\r\n"
    assert server.reply("SET", "b", second) == b"+OK\r\n"
    ones = sum(bin(byte).count("1") for byte in first)
    assert server.reply("BITCOUNT", "a") == b":%d\r\n" % ones
    assert server.reply("BITCOUNT", "a", "7", "-9") == b":%d\r\n" % sum(
        bin(byte).count("1") for byte in first[7:-8])
    assert server.reply("BITCOUNT", "a", "13", "2000001", "BIT") == b":%d\r\n" % sum(
        BitmapModel.bits(first)[13:2000002])
    padded = second + bytes(len(first) - len(second))
    for op, combine in [("AND", lambda x, y: x & y), ("OR", lambda x, y: x | y),
                        ("XOR", lambda x, y: x ^ y)]:
        assert server.reply("BITOP", op, "d", "a", "b") == b":%d\r\n" % len(first)
        assert parse_reply(server.reply("GET", "d"))[0] == bytes(
            combine(x, y) for x, y in zip(first, padded))
    server.reply("SET", "z", bytes(250000) + b"\x01")
    assert server.reply("BITPOS", "z", "1") == b":%d\r\n" % (250000 * 8 + 7)
    server.reply("SET", "o", b"\xff" * 250000)
    assert server.reply("BITPOS", "o", "0") == b":%d\r\n" % (250000 * 8)
    assert server.reply("BITPOS", "o", "0", "0", "-1") == b":-1\r\n"


# ---- Notifications, WATCH, persistence ----

def collect_events(handle, commands):
    """The keyspace events the commands send, as (channel, payload) byte pairs."""
    handle.reply("CONFIG", "SET", "notify-keyspace-events", "KEA")
    try:
        with handle.connect_raw() as listener:
            listener.command("PSUBSCRIBE", "__keyevent@0__:*")
            for command in commands:
                handle.reply(*command)
            handle.reply("PUBLISH", "__keyevent@0__:done", "")
            events = []
            while True:
                message = parse_reply(listener.read_reply())[0]
                if message[2] == b"__keyevent@0__:done":
                    return events
                events.append((message[2], message[3]))
    finally:
        handle.reply("CONFIG", "SET", "notify-keyspace-events", "")


def test_keyspace_events_match_redis(server, reference):
    commands = [split(line) for line in [
        "SETBIT k 3 1", "SETBIT k 3 1", "BITFIELD k SET u8 0 1 INCRBY u8 8 1",
        "BITFIELD k SET u8 0 1 INCRBY u8 8 0",
        "BITFIELD k GET u8 0", "BITFIELD k OVERFLOW FAIL INCRBY u2 0 10",
        "BITFIELD f OVERFLOW FAIL INCRBY u2 0 10", "BITFIELD_RO k GET u8 0", "BITCOUNT k",
        "BITOP OR d k", "BITOP AND d k missing", "BITOP OR d missing", "BITOP OR d missing",
        "BITOP NOT d2 k",
    ]]
    server.flushall()
    reference.flushall()
    events = collect_events(server, commands)
    assert events == collect_events(reference, commands)
    assert events == [(b"__keyevent@0__:setbit", b"k"), (b"__keyevent@0__:setbit", b"k"),
                      (b"__keyevent@0__:set", b"d"), (b"__keyevent@0__:set", b"d"),
                      (b"__keyevent@0__:del", b"d"), (b"__keyevent@0__:set", b"d2")]


@pytest.mark.parametrize("write, aborts", [
    ("SETBIT w 0 1", True),
    ("BITFIELD w SET u8 0 1", True),
    ("BITFIELD w GET u8 0", False),
    ("BITFIELD w SET u8 0 97", False),
    ("BITFIELD w SET u8 24 0", True),
    ("BITFIELD w OVERFLOW FAIL INCRBY u8 0 1000", False),
    ("BITOP NOT w other", True),
    ("BITOP AND w missing", True),
    ("BITCOUNT w", False),
])
def test_watch_sees_bit_writes(server, write, aborts):
    """A write that changes nothing (BITFIELD SET of the value there) is not seen."""
    server.reply("SET", "w", "abc")
    server.reply("SET", "other", "xyz")
    with server.connect_raw() as watcher:
        assert watcher.command("WATCH", "w") == b"+OK\r\n"
        server.reply(*split(write))
        watcher.command("MULTI")
        watcher.command("PING")
        assert watcher.command("EXEC") == (b"*-1\r\n" if aborts else b"*1\r\n+PONG\r\n")


def test_bitmap_round_trips_through_dump_and_restore(server, reference):
    server.reply("SETBIT", "bits", "100000", "1")
    server.reply("BITFIELD", "bits", "SET", "i64", "#3", "-12345", "INCRBY", "u5", "77", "9")
    reference.reply("FLUSHALL")
    original = parse_reply(server.reply("GET", "bits"))[0]
    payload = parse_reply(server.reply("DUMP", "bits"))[0]
    assert reference.reply("RESTORE", "copy", "0", payload) == b"+OK\r\n"
    assert parse_reply(reference.reply("GET", "copy"))[0] == original
    for command in (["BITCOUNT", "copy"], ["BITPOS", "copy", "1", "100"],
                    ["BITFIELD", "copy", "GET", "i64", "#3", "GET", "u5", "77"]):
        assert reference.reply(*command) == server.reply(*(command[:1] + ["bits"] + command[2:]))
    # And back: redis-server's payload of a bitmap it built.
    reference.reply("SETBIT", "theirs", "77777", "1")
    reference.reply("BITOP", "NOT", "theirs", "theirs")
    payload = parse_reply(reference.reply("DUMP", "theirs"))[0]
    assert server.reply("RESTORE", "theirs", "0", payload) == b"+OK\r\n"
    assert server.reply("GET", "theirs") == reference.reply("GET", "theirs")
    assert server.reply("BITCOUNT", "theirs") == reference.reply("BITCOUNT", "theirs")


@pytest.mark.parametrize("script", [
    ["BITFIELD k SET u8 0 0", "BITFIELD k SET u8 0 0", "BITFIELD k SET u8 8 0",
     "BITFIELD k SET u8 8 0 SET u8 0 0", "BITFIELD k SET u8 0 1 SET u8 0 1",
     "BITFIELD k INCRBY u8 0 0", "BITFIELD k OVERFLOW FAIL INCRBY u8 0 1000",
     "BITFIELD k OVERFLOW FAIL INCRBY u8 100 1000",
     "BITFIELD k OVERFLOW SAT INCRBY u8 0 1000 INCRBY u8 0 1000",
     "BITFIELD k2 OVERFLOW FAIL SET u8 0 1000", "BITFIELD k3 SET u8 0 0 SET u8 0 0",
     "BITFIELD k3 OVERFLOW FAIL SET u8 100 1000 SET u8 0 0", "SET n 1234",
     "BITFIELD n SET u8 0 49", "SETBIT n 2 1", "SETBIT n 2 1", "SETBIT n 200 0",
     "BITOP OR d missing", "BITOP OR d n"],
])
def test_changes_counted_as_redis_counts_them(server, reference, script):
    """rdb_changes_since_last_save after each command: a write counts when it
    alters a value or grows the string."""
    def changes(handle):
        return int(handle.info("persistence")["rdb_changes_since_last_save"])

    for handle in (server, reference):
        handle.flushall()
    for line in script:
        deltas = []
        for handle in (server, reference):
            before = changes(handle)
            handle.reply(*split(line))
            deltas.append(changes(handle) - before)
        assert deltas[0] == deltas[1], line


def test_bit_writes_survive_a_restart_from_the_aof(start_server):
    """Every bit write reaches the append-only file, and replaying it rebuilds
    the same strings."""
    handle = start_server("--appendonly", "yes", "--appendfsync", "always")
    for line in ["SETBIT a 100 1", "BITFIELD b SET i16 #3 -300 INCRBY u7 1 99 OVERFLOW SAT "
                 "INCRBY u7 1 1000", "BITFIELD b OVERFLOW FAIL INCRBY u7 1 1000",
                 "SET n 12345", "SETBIT n 3 1", "BITOP XOR x a b n", "BITOP NOT y a",
                 "SET z v", "BITOP AND z missing", "BITFIELD_RO b GET i16 #3"]:
        assert not handle.reply(*split(line)).startswith(b"-"), line
    expected = {key: handle.reply("GET", key) for key in ("a", "b", "n", "x", "y", "z")}
    handle.process.send_signal(signal.SIGKILL)
    handle.wait_exit()
    handle.start()
    with handle.connect_raw() as conn:
        assert {key: conn.command("GET", key) for key in expected} == expected
