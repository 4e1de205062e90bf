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
import os
import signal
import sys
from collections.abc import Iterator

HANDLED = tuple(s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None)


class Interrupted(BaseException):
    """A signal asked breakglass to stop; raised at a moment where stopping leaves nothing half-made."""

    def __init__(self, signum: object = None):
        super().__init__(signum)
        # Some libraries re-create an exception passing through them with a new message (reportlab annotates
        # errors in paragraphs this way): the signal's number then comes from the signal that was received.
        self.signum = signum if isinstance(signum, int) else (_received or signal.SIGINT)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return str(self.signum)


_received: int | None = None  # the signal that made this run stop
_retrying = False  # an Interrupted was swallowed (see _unraisable) and is to be raised again
_depth = 0  # how many deferred() blocks are open
_pending: int | None = None  # a signal that arrived inside a deferred() block
_fired = False  # Interrupted was raised once: later signals must not cut the clean-up that follows
_kept: list[str] = []


def _handler(signum: int, frame) -> None:
    global _pending, _fired, _received
    if _fired:
        return
    if _depth:
        _pending = _pending or signum
        return
    _fired, _received = True, signum
    raise Interrupted(signum)


def _again(signum: int, frame) -> None:
    """SIGALRM, armed by _unraisable: raise the interrupt that was swallowed, now that we are out of there."""
    global _retrying
    if not _retrying:
        return
    if _depth:
        signal.setitimer(signal.ITIMER_REAL, 0.05)  # not inside a deferred block: try again a moment later
        return
    _retrying = False
    raise Interrupted(_received)


def _unraisable(info) -> None:
    """Python swallows exceptions raised where it cannot pass them on (a finalizer, an at-fork hook) and prints
    a traceback. An interrupt that landed there is raised again 10 ms later instead; other such exceptions
    are not the user's business (BREAKGLASS_DEBUG=1 shows them)."""
    global _retrying
    if isinstance(info.exc_value, Interrupted):
        _retrying = True
        signal.setitimer(signal.ITIMER_REAL, 0.01)
        return
    if os.environ.get("BREAKGLASS_DEBUG"):
        sys.__unraisablehook__(info)


def install() -> None:
    """Make SIGINT, SIGTERM and SIGHUP raise Interrupted (main thread only; idempotent)."""
    for signum in HANDLED:
        signal.signal(signum, _handler)
    signal.signal(signal.SIGALRM, _again)
    sys.unraisablehook = _unraisable


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
            _set_received(signum)
            raise Interrupted(signum)


def _set_received(signum: int) -> None:
    global _received
    _received = signum


def reset_in_child() -> None:
    """In a forked helper process: default signal actions, so the parent alone decides what an interrupt does."""
    global _pending, _fired, _retrying
    _pending, _fired, _retrying = None, True, False  # a signal the parent holds is the parent's to act on
    signal.setitimer(signal.ITIMER_REAL, 0)
    for signum in HANDLED:
        signal.signal(signum, signal.SIG_DFL)


def keep(what: str) -> None:
    _kept.append(what)


def kept() -> list[str]:
    return list(_kept)


def settle() -> None:
    """From here on a signal changes nothing: the work is done or its failure reported. The signals are
    ignored at the OS level too, because Python puts back the default actions while it shuts down, and a
    signal then would kill the process with no word and the wrong exit status."""
    global _fired, _retrying
    _fired, _retrying = True, False
    for signum in HANDLED:
        try:
            signal.signal(signum, signal.SIG_IGN)
        except (ValueError, OSError):  # not the main thread: nothing to ignore there
            pass


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
