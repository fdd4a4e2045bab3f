"""Drives an interactive program through a pseudo-terminal and renders its screen.

Just enough of a VT100 for redis-cli's line editor: carriage return, newline,
cursor-forward, erase-to-end-of-line and colour codes, plus an answer to the
cursor-position query it sends before each prompt.
"""

import fcntl
import os
import pty
import re
import select
import struct
import termios
import time

_CURSOR_POSITION_QUERY = b"\x1b[6n"
_ESCAPE = re.compile(rb"\x1b\[([0-9;]*)([A-Za-z])")


class PtySession:
    def __init__(self, argv, env=None, rows=50, columns=200):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execve(argv[0], argv, env or os.environ)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.output = bytearray()

    def _read_chunk(self, timeout):
        """Reads what is available within timeout; returns b"" on timeout or exit."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the program exited and the pty closed.
            return b""
        self.output += chunk
        if chunk.endswith(_CURSOR_POSITION_QUERY):
            os.write(self.fd, b"\x1b[1;1R")
        return chunk

    def read_until(self, pattern, since=0, limit=10.0):
        """Reads until the output after offset `since` ends with regex pattern."""
        regex = re.compile(pattern + rb"\Z")
        deadline = time.monotonic() + limit
        while not regex.search(self.output, since):
            if time.monotonic() > deadline:
                raise AssertionError("no %r in the output within %ss; screen so far:\n%s" % (
                    pattern, limit, "\n".join(render_screen(bytes(self.output)))))
            self._read_chunk(0.1)

    def type_line(self, line, until=rb"\n[^\n]*> "):
        """Types a line and Enter, then waits for the next prompt (after a newline)."""
        mark = len(self.output)
        os.write(self.fd, line.encode() + b"\r")
        if until is not None:
            self.read_until(until, since=mark)

    def wait(self, timeout=10.0):
        """Waits for the program to exit; returns its exit status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._read_chunk(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                # What it wrote just before exiting may still be in the pty:
                # read until EOF (EIO) before closing, or those lines are lost.
                while self._read_chunk(0.5) and time.monotonic() < deadline:
                    pass
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, 9)
        # Bounded even so: a process stuck in the kernel ignores SIGKILL.
        reap_deadline = time.monotonic() + 10
        while not os.waitpid(self.pid, os.WNOHANG)[0] and time.monotonic() < reap_deadline:
            time.sleep(0.05)
        os.close(self.fd)
        raise AssertionError("program still running after %ss; screen so far:\n%s" % (
            timeout, "\n".join(render_screen(bytes(self.output)))))


def render_screen(output):
    """The lines a terminal would show after receiving output."""
    lines = [[]]
    column = 0
    position = 0
    while position < len(output):
        match = _ESCAPE.match(output, position)
        if match:
            argument, command = match.group(1), match.group(2)
            row = lines[-1]
            if command == b"C":
                column += int(argument or b"1")
            elif command == b"K" and argument in (b"", b"0"):
                del row[column:]
            position = match.end()
            continue
        char = output[position:position + 1]
        position += 1
        if char == b"\r":
            column = 0
        elif char == b"\n":
            lines.append([])
            column = 0
        else:
            row = lines[-1]
            row.extend([b" "] * (column - len(row)))
            if column < len(row):
                row[column] = char
            else:
                row.append(char)
            column += 1
    return [b"".join(row).decode(errors="replace").rstrip() for row in lines]
