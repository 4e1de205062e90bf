"""Files breakglass reads: regular files of a sane size, refused at once with one line otherwise.

    read_input(path, what, limit)      the bytes of a regular file (or '-', stdin, where streams are allowed)
    open_regular(path, what, limit)    an open binary file object, for readers that take one (images, PDFs)

A folder, FIFO, socket or device given where a file is expected is refused before anything waits on it (the
file is opened with O_NONBLOCK, so a FIFO with no writer cannot hang the open). Every kind of input has a size
limit (the constants below, documented in docs/DESIGN.md, "Nothing lost"): an absurd input becomes one line,
not minutes of work or a full screen. '-' means stdin for the credential and typed text; so do /dev/stdin and
/dev/fd/N or /proc/self/fd/N (what `<(command)` in a shell gives), which may be pipes.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from ..errors import BreakglassError

KIB, MIB = 1024, 1024 * 1024
MAX_SECRET = 64 * KIB  # the largest credential split (format.scheme.MAX_CREDENTIAL)
MAX_TYPED = 8 * MIB  # typed text: a 64 KiB credential's share is ~190 kB of lines
MAX_CONFIG = 1 * MIB
MAX_MANIFEST = 8 * MIB
MAX_CSV = 64 * MIB
MAX_JOURNAL = 64 * MIB  # decades of events; one line is limited separately (record.journal)
MAX_SCAN = 1024 * MIB  # one image or PDF file
MAX_FONT = 64 * MIB  # a --font file: the bundled CJK font is 3.4 MB, the largest common TrueType fonts ~30 MB

STREAM_PATHS = ("/dev/stdin", "/dev/fd/", "/proc/self/fd/")


class Refused(BreakglassError):
    """An input refused; `why` is the message without the "what path" in front (for per-file problem lists)."""

    def __init__(self, what: str, path: str | Path, why: str):
        super().__init__(f"{what} {path} {why}")
        self.why = why


def size_text(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit >= MIB else f"{limit // KIB} KiB"


def kind_of(mode: int) -> str | None:
    """What a file that is not a regular file is, in words ('a folder', 'a pipe (FIFO)'...); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def is_stream_name(path: str | Path) -> bool:
    text = str(path)
    return text == "-" or text == "/dev/stdin" or text.startswith(STREAM_PATHS[1:])


def _open_fd(path: Path, what: str, *, streams: bool) -> tuple[int, bool]:
    """An fd for `path` and whether it is a stream; refuses folders and special files."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise Refused(what, path, "does not exist") from None
    except IsADirectoryError:
        raise Refused(what, path, "is a folder, not a file") from None
    except PermissionError:
        raise Refused(what, path, "cannot be read (permission denied)") from None
    except OSError as e:
        raise Refused(what, path, f"cannot be read ({(e.strerror or str(e)).lower()})") from None
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode):
        os.set_blocking(fd, True)
        return fd, False
    if streams and is_stream_name(path) and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)):
        os.set_blocking(fd, True)
        return fd, True
    os.close(fd)
    raise Refused(what, path, f"is {kind_of(mode)}, not a file; refusing to read it")


def _too_large(what: str, path: str | Path, limit: int) -> Refused:
    return Refused(what, path, f"is over {size_text(limit)}, the most breakglass reads as a {what}; refusing it")


def read_bounded(stream: BinaryIO, what: str, name: str | Path, limit: int) -> bytes:
    """Read at most `limit` bytes; more is refused, without reading the rest."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(what, name, limit)
    return data


def read_input(path: str | Path, what: str, limit: int, *, streams: bool = False) -> bytes:
    """The bytes of `path` (a regular file; with streams=True also '-' for stdin or a /dev/fd pipe)."""
    if streams and str(path) == "-":
        from .streams import require

        require("stdin", f"there is no {what} to read from '-'")
        return read_bounded(sys.stdin.buffer, what, "on stdin", limit)
    fd, _ = _open_fd(Path(path), what, streams=streams)
    with os.fdopen(fd, "rb") as f:
        try:
            return read_bounded(f, what, path, limit)
        except OSError as e:
            raise Refused(what, path, f"cannot be read ({(e.strerror or str(e)).lower()})") from None


def open_regular(path: str | Path, what: str, limit: int) -> BinaryIO:
    """An open binary file for a regular file of at most `limit` bytes; the caller closes it."""
    fd, _ = _open_fd(Path(path), what, streams=False)
    if os.fstat(fd).st_size > limit:
        os.close(fd)
        raise _too_large(what, path, limit)
    return os.fdopen(fd, "rb")
