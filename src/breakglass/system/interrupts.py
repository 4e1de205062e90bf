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
import threading
import time
from collections.abc import Iterator
from types import FrameType

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
_seen = 0  # how many times the Python handler ran (see _nudge)
_nudger: threading.Thread | None = None
_poke: list[int] = []  # the write end of the wakeup pipe
_settled = False
_depth = 0  # how many deferred() blocks are open
_pending: int | None = None  # a signal that arrived inside a deferred() block
_fired = False  # Interrupted was raised once: later signals must not cut the clean-up that follows
_kept: list[str] = []


def _handler(signum: int, frame: FrameType | None) -> None:
    global _pending, _fired, _received, _seen
    _seen += 1
    if _fired:
        return
    if _depth:
        _pending = _pending or signum
        return
    _fired, _received = True, signum
    raise Interrupted(signum)


def _again(signum: int, frame: FrameType | None) -> None:
    """SIGALRM, armed by _unraisable: raise the interrupt that was swallowed, now that we are out of there."""
    global _retrying
    if not _retrying:
        return
    if _depth:
        signal.setitimer(signal.ITIMER_REAL, 0.05)  # not inside a deferred block: try again a moment later
        return
    _retrying = False
    raise Interrupted(_received)


def _unraisable(info: sys.UnraisableHookArgs) -> None:
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


def _nudge(wakeup: int, main: int) -> None:
    """A signal that lands just before the main thread blocks (in read() at a prompt, in flock()) interrupts
    nothing: Python's C handler notes it, and the Python handler would only run once the call returns, which
    may be never. Python writes every signal to the wakeup pipe; if the Python handler has not run 50 ms
    later, the signal is sent again to the main thread, which is now blocked and is interrupted by it."""
    while True:
        try:
            received = os.read(wakeup, 64)
        except OSError:
            return
        if not received or _settled:  # the pipe was closed: the run is over
            os.close(wakeup)
            return
        for signum in received:
            if signum not in HANDLED:
                continue
            seen = _seen
            time.sleep(0.05)
            if _seen == seen:
                try:
                    signal.pthread_kill(main, signum)
                except (OSError, ValueError):
                    return


def install() -> None:
    """Make SIGINT, SIGTERM and SIGHUP raise Interrupted (main thread only; idempotent)."""
    global _nudger
    for signum in HANDLED:
        signal.signal(signum, _handler)
    signal.signal(signal.SIGALRM, _again)
    sys.unraisablehook = _unraisable
    if _nudger is None:
        wakeup, poke = os.pipe()
        os.set_blocking(poke, False)
        signal.set_wakeup_fd(poke, warn_on_full_buffer=False)
        _poke.append(poke)
        _nudger = threading.Thread(
            target=_nudge, args=(wakeup, threading.main_thread().ident), daemon=True, name="breakglass-signals"
        )
        _nudger.start()


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
    signal.set_wakeup_fd(-1)  # the nudging thread does not exist here
    for signum in HANDLED:
        signal.signal(signum, signal.SIG_DFL)


def keep(what: str) -> None:
    _kept.append(what)


def forget(prefix: str) -> None:
    """What was noted as kept under `prefix` was taken away again (a ceremony rolled back)."""
    _kept[:] = [k for k in _kept if not k.startswith(prefix)]


def kept() -> list[str]:
    return list(_kept)


def settle() -> None:
    """From here on a signal changes nothing: the work is done or its failure reported. The signals are
    ignored at the OS level too, because Python puts back the default actions while it shuts down, and a
    signal then would kill the process with no word and the wrong exit status."""
    global _fired, _retrying, _settled
    _fired, _retrying, _settled = True, False, True
    for signum in HANDLED:
        try:
            signal.signal(signum, signal.SIG_IGN)
        except (ValueError, OSError):  # not the main thread: nothing to ignore there
            pass
    if _poke:  # let the nudging thread end, so that nothing runs while Python shuts down
        try:
            signal.set_wakeup_fd(-1)
        except ValueError:
            pass
        os.close(_poke.pop())
        if _nudger is not None:
            _nudger.join(1)


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
