"""Where the credential enters and leaves: a file, a pipe or hidden typing in; stdout or a new 0600 file out.

In (read_secret), decided in docs/DESIGN.md ("Secret entry"):
- A file (`--secret-file PATH`) or a pipe (`--secret-file -` with stdin not a terminal): the bytes exactly,
  a trailing newline included (a note says so); `strip_newline` drops one trailing newline.
- Typed at a terminal, never echoed, entered twice: the prompt (no --secret-file) takes one line, or several
  with `multi_line`; `--secret-file -` at a terminal takes lines until Ctrl-D on an empty line, as reading
  stdin to its end means. The Enter that ends the last line is not part of the credential; the line breaks
  between lines are (\\n). The bytes are kept as the terminal sends them (UTF-8 on any modern system).
- After reading: the length, the number of lines, and a check code that is an HMAC of the credential under
  a key drawn at random for this run: the two entries show the same code, and the code cannot be turned
  back into the credential (its key is gone when the process ends).

The credential never appears in argv, in a log, or in a temporary file. Python cannot wipe memory reliably;
the threat model in docs/DESIGN.md says what that means.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import sys
from collections.abc import Callable

from ..errors import BreakglassError
from .inputs import MAX_SECRET, read_input

# Linux delivers at most 4095 characters of one typed line (canonical mode) and drops the rest.
TERMINAL_LINE_LIMIT = 4095
_RUN_KEY = secrets.token_bytes(32)  # keys the check code; never stored, different every run


def read_secret(
    source: str | None,
    say: Callable[[str], None],
    *,
    what: str = "credential",
    multi_line: bool = False,
    strip_newline: bool = False,
) -> bytes:
    """The credential from `source` (a path, '-' for stdin, None for the prompt), as described above; `say`
    writes the notes and the check code to the person (stderr), as a ceremony's `say` does."""
    if source == "-" and sys.stdin.isatty():
        return _type_twice(what, say, multi_line=True)
    if not source:
        if not sys.stdin.isatty():
            raise BreakglassError(
                f"no terminal to type the {what} on: use --secret-file PATH, or --secret-file - for stdin"
            )
        return _type_twice(what, say, multi_line=multi_line)
    # A regular file, or '-' / a /dev/fd pipe (e.g. --secret-file <(pass show x)); never a device or FIFO; bounded.
    data = _strip(read_input(source, "secret file", MAX_SECRET, streams=True), strip_newline)
    if not data:
        raise BreakglassError(f"the {what} is empty")
    _note_newline(data, what, say)
    say(f"  {describe(data, what)}")
    return data


def describe(data: bytes, what: str = "credential") -> str:
    """'credential: 31 bytes, 3 lines, check 7KQ2-M9XA' (never any of its characters)."""
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return f"{what}: {len(data)} bytes, {lines} line{'s' if lines != 1 else ''}, check {check_code(data)}"


def check_code(data: bytes) -> str:
    """8 characters of HMAC-SHA256 under this run's random key: equal entries, equal codes; nothing more."""
    mac = hmac.new(_RUN_KEY, data, hashlib.sha256).digest()
    text = base64.b32encode(mac[:5]).decode("ascii")
    return f"{text[:4]}-{text[4:]}"


def _strip(data: bytes, strip_newline: bool) -> bytes:
    if strip_newline and data.endswith(b"\n"):
        return data[:-2] if data.endswith(b"\r\n") else data[:-1]
    return data


def _note_newline(data: bytes, what: str, say: Callable[[str], None]) -> None:
    if data.endswith(b"\n"):
        say(
            f"note: the {what} ends with a newline, which is kept as part of it "
            "(give --strip-newline to drop it, or write the file with printf, not echo)"
        )


def _type_twice(what: str, say: Callable[[str], None], *, multi_line: bool) -> bytes:
    how = "lines, then Ctrl-D on an empty line" if multi_line else "one line, then Enter; several lines: --multi-line"
    first = read_hidden(f"Type the {what} (not shown; {how}): ", multi_line)
    if not first:
        raise BreakglassError(f"the {what} is empty")
    say(f"  {describe(first, what)}")
    second = read_hidden(f"Type it again ({how}): ", multi_line)
    if not hmac.compare_digest(first, second):
        hint = "" if multi_line else SEVERAL_LINES_HINT
        if not multi_line:
            _discard_typed_ahead()
        raise BreakglassError(
            f"the two entries of the {what} differ ({check_code(first)} and {check_code(second)}); "
            f"nothing was done{hint}"
        )
    return first


# A key pasted at the one-line prompt arrives as its first line (entry 1) and its second (entry 2): they differ.
SEVERAL_LINES_HINT = (
    ". A credential of several lines (a pasted key) is entered with --multi-line (end it with "
    "Ctrl-D on an empty line), or read with --secret-file PATH"
)


def _discard_typed_ahead() -> None:
    """Drop input still waiting at the terminal (the rest of a pasted key), so the shell never runs it or keeps
    it in its history after the refusal."""
    import termios

    try:
        termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)
    except (OSError, termios.error, ValueError):  # not a terminal: nothing waits there
        pass


def read_hidden(prompt: str, multi_line: bool) -> bytes:
    """Read typed lines from the terminal on stdin with echo off (line editing still works).

    One line (the Enter ends it), or with `multi_line` every line until Ctrl-D on an empty line; the Enter
    ending the last line is dropped. Echo is restored whatever happens, Ctrl-C included."""
    import termios

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    quiet = list(saved)
    quiet[3] = (quiet[3] & ~termios.ECHO) | termios.ECHONL  # no characters shown; each Enter still moves down
    # Echo goes off before the prompt shows, so nothing typed after the prompt is ever echoed; TCSANOW keeps
    # what was already typed (a second entry typed ahead is not lost).
    termios.tcsetattr(fd, termios.TCSANOW, quiet)
    try:
        sys.stderr.write(prompt)
        sys.stderr.flush()
        data = _read_lines(fd, multi_line)
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
    if not multi_line:
        sys.stderr.write("\n" if not data.endswith(b"\n") else "")
    return data[:-1] if data.endswith(b"\n") else data


def _read_lines(fd: int, multi_line: bool) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 65536)  # in canonical mode: one line, or what was typed before a Ctrl-D
        if not chunk:
            break  # Ctrl-D on an empty line: the end of the entry
        if len(chunk) >= TERMINAL_LINE_LIMIT and not chunk.endswith(b"\n"):
            raise BreakglassError(
                f"a typed line of {TERMINAL_LINE_LIMIT} characters or more is cut by the terminal: use --secret-file PATH"
            )
        chunks.append(chunk)
        if not multi_line and chunk.endswith(b"\n"):
            break
    return b"".join(chunks)


def write_stdout(data: bytes) -> None:
    from .streams import require, silence_stdout

    require("stdout", "--out - has nowhere to write the credential: use --out PATH")
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except OSError as e:  # a full disk behind `> file`, a reader that went away: one line, not a bug
        silence_stdout()
        raise BreakglassError(f"cannot write the credential to stdout: {(e.strerror or str(e)).lower()}") from None
