"""Ctrl-C, SIGTERM and SIGHUP: one line and a known exit code, never a traceback; moments that must not be cut
are finished first.

    install()        at start-up, before anything heavy is imported: the signals raise Interrupted
    deferred()       a block that a signal does not cut; a signal that arrives meanwhile acts right after it
    keep(what)       note something that is complete and stays (a file in place, a journal event), for the
                     "interrupted; kept ..." line
    settle()         at the very end: a late signal no longer changes the outcome

Why a Python-level deferral and not only pthread_sigmask: a signal may be delivered to any thread, and native
libraries start threads; the Python handler always runs in the main thread, so a flag there is what holds.
Why Interrupted is not a KeyboardInterrupt: click turns KeyboardInterrupt into Abort and libraries catch it; a
separate BaseException keeps the signal's number to the end, where the exit code is 128 + that number.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

HANDLED = tuple(s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None)


class Interrupted(BaseException):
    """A signal asked breakglass to stop; raised at a moment where stopping leaves nothing half-made."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return str(self.signum)


_depth = 0  # how many deferred() blocks are open
_pending: int | None = None  # a signal that arrived inside a deferred() block
_fired = False  # Interrupted was raised once: later signals must not cut the clean-up that follows
_kept: list[str] = []


def _handler(signum: int, frame) -> None:
    global _pending, _fired
    if _fired:
        return
    if _depth:
        _pending = _pending or signum
        return
    _fired = True
    raise Interrupted(signum)


def install() -> None:
    """Make SIGINT, SIGTERM and SIGHUP raise Interrupted (main thread only; idempotent)."""
    for signum in HANDLED:
        signal.signal(signum, _handler)


def installed() -> bool:
    return signal.getsignal(signal.SIGINT) is _handler


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Run the block whole: a signal arriving inside it is held, and raised as Interrupted when it ends."""
    global _depth, _pending, _fired
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _pending is not None and not _fired:
            signum, _pending = _pending, None
            _fired = True
            raise Interrupted(signum)


def reset_in_child() -> None:
    """In a forked helper process: default signal actions, so the parent alone decides what an interrupt does."""
    global _depth, _pending, _fired
    _depth, _pending, _fired = 0, None, True
    for signum in HANDLED:
        signal.signal(signum, signal.SIG_DFL)


def keep(what: str) -> None:
    _kept.append(what)


def kept() -> list[str]:
    return list(_kept)


def settle() -> None:
    """From here on a signal changes nothing: the work is done or its failure reported."""
    global _fired
    _fired = True


NATIVE_LIBRARIES = ("PIL.Image", "zxingcpp", "pypdfium2", "reportlab.pdfgen.canvas", "qrcode", "Crypto.Cipher.AES")


def import_whole(*names: str) -> None:
    """Import native libraries with signals deferred: an exception raised inside a native module's start-up
    (zxing-cpp's pybind11 code) can abort the whole process, and a signal there would raise one. A library
    that is missing is left for its user to report."""
    import importlib

    with deferred():
        for name in names or NATIVE_LIBRARIES:
            try:
                importlib.import_module(name)
            except ImportError:
                pass
