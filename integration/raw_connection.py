"""A plain TCP (or unix) socket to the server that deals in exact bytes."""

import socket
import time

from resp import Incomplete, encode_command, parse_reply


class RawConnection:
    """Sends arbitrary bytes and reads replies back without interpreting them.

    Keeps whatever it has read but not yet handed out, so partial reads never
    lose bytes between calls.
    """

    def __init__(self, host, port, timeout=10.0, unix_path=None, source=None):
        """source: the local address to connect from (e.g. 127.0.0.2)."""
        if unix_path:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(unix_path)
        else:
            self.sock = socket.create_connection((host, port), timeout=timeout,
                                                 source_address=(source, 0) if source else None)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.pending = bytearray()
        self.eof = False

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        # A read leaves the socket's timeout at what was left of its deadline;
        # a send gets the connection's whole timeout.
        self.sock.settimeout(self.timeout)
        try:
            self.sock.sendall(data)
        except socket.timeout:
            # Still a socket.timeout (an OSError) for callers that catch one.
            raise socket.timeout("could not send %d bytes within %ss: the server stopped"
                                 " reading" % (len(data), self.timeout)) from None

    def send_command(self, *args):
        self.send(encode_command(*args))

    def _fill(self, deadline):
        """Reads one chunk into pending; returns False on EOF or timeout."""
        if self.eof:
            return False
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(1 << 20)
        except socket.timeout:
            return False
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.pending += chunk
        return True

    def _take(self, count):
        data = bytes(self.pending[:count])
        del self.pending[:count]
        return data

    def read_replies(self, count, timeout=None):
        """Returns the raw bytes of the next count replies, concatenated.

        Fails if the connection closes or the timeout passes first.
        """
        deadline = time.monotonic() + (timeout or self.timeout)
        found = 0
        end = 0
        while found < count:
            try:
                _, end = parse_reply(self.pending, end)
                found += 1
            except Incomplete:
                if not self._fill(deadline):
                    raise AssertionError("expected %d replies, got %d before %s; bytes: %r" % (
                        count, found, "EOF" if self.eof else "timeout",
                        bytes(self.pending[:2000])))
        return self._take(end)

    def read_reply(self, timeout=None):
        """Returns the raw bytes of the next reply."""
        return self.read_replies(1, timeout)

    def read_value(self, timeout=None):
        """Returns the next reply decoded by resp.parse_reply."""
        return parse_reply(self.read_reply(timeout))[0]

    def command(self, *args):
        """Sends one command and returns its raw reply bytes."""
        self.send_command(*args)
        return self.read_reply()

    def read_bytes(self, count, timeout=None):
        """Returns exactly count bytes, failing on EOF or timeout."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while len(self.pending) < count:
            if not self._fill(deadline):
                raise AssertionError("expected %d bytes, got %d" % (count, len(self.pending)))
        return self._take(count)

    def read_until_close(self, timeout=None):
        """Returns everything the server sends until it closes the connection."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while self._fill(deadline):
            pass
        if not self.eof:
            raise AssertionError("server kept the connection open; read so far: %r"
                                 % bytes(self.pending[:500]))
        return self._take(len(self.pending))

    def read_available(self, quiet=0.2, timeout=None):
        """Returns what arrives until the line has been silent for `quiet` seconds,
        or (on a line that never falls silent) until the timeout has passed."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while self._fill(min(deadline, time.monotonic() + quiet)):
            pass
        return self._take(len(self.pending))

    def is_closed(self, timeout=None):
        """True when the server closes the connection within the timeout.

        Bytes that arrive meanwhile are kept and do not count as closing.
        """
        deadline = time.monotonic() + (timeout or self.timeout)
        while self._fill(deadline):
            pass
        return self.eof

    def decoded_replies(self, count, timeout=None):
        """Reads count replies and returns them decoded."""
        data = self.read_replies(count, timeout)
        values = []
        pos = 0
        while pos < len(data):
            value, pos = parse_reply(data, pos)
            values.append(value)
        return values


def one_shot(host, port, data, replies=None, nbytes=None, timeout=10.0):
    """Sends data on a new connection and returns the answer.

    Reads `replies` complete replies, or `nbytes` bytes, or (with neither)
    everything until the server closes the connection.
    """
    with RawConnection(host, port, timeout) as conn:
        conn.send(data)
        if replies is not None:
            return conn.read_replies(replies)
        if nbytes is not None:
            return conn.read_bytes(nbytes)
        return conn.read_until_close()

