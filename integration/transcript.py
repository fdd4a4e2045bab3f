"""Table-driven command checks: each step is a command and the exact reply expected."""

from resp import encode_command, split_replies


def encode_step(command):
    """A str is sent inline (as typed in telnet); a tuple as a multibulk request."""
    if isinstance(command, tuple):
        return encode_command(*command)
    return command.encode() + b"\r\n"


def check_transcript(assert_same, steps):
    """Runs the (command, expected reply) steps on one connection, on the server
    under test and on the reference redis-server, and checks both against the
    table reply by reply."""
    commands = [command for command, _ in steps]
    replies = assert_same(b"".join(encode_step(command) for command in commands))
    pieces, leftover = split_replies(replies)
    assert pieces[-1] == b"+OK\r\n" and leftover == b""  # The QUIT assert_same appends.
    assert list(zip(commands, pieces[:-1])) == steps
    assert len(pieces) == len(steps) + 1
