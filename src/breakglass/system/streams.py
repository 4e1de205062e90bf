"""The standard streams breakglass was started with, made safe when some were closed.

A program started with stdin, stdout or stderr closed (`<&-`, `>&-`, some service managers) finds Python's
sys.stdin, sys.stdout or sys.stderr set to None, and the next descriptor it opens takes the free number 0, 1 or
2: the signal wake-up pipe opened as descriptor 0 made `--typed -` wait forever, and a journal opened as
descriptor 1 would receive what is printed. So, before anything else opens a file, `guard()` points every
closed descriptor at /dev/null and gives Python a stream on it; a command that needs the stream (`--out -`,
`--typed -`, `--secret-file -`) asks `require()` and refuses at once, naming it, before any work is done.
"""

from __future__ import annotations

import os
import sys

from ..errors import BreakglassError

_NAMES = {0: "stdin", 1: "stdout", 2: "stderr"}
CLOSED: set[str] = set()


def guard() -> None:
    """Point each closed standard descriptor at /dev/null, and remember which were closed."""
    for fd, name in _NAMES.items():
        try:
            os.fstat(fd)
        except OSError:
            CLOSED.add(name)
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
        if getattr(sys, name) is None:
            CLOSED.add(name)
            setattr(sys, name, open(fd, "r" if fd == 0 else "w", closefd=False))  # noqa: SIM115 - lives as long as the process


def require(name: str, why: str) -> None:
    """Refuse at once when the stream `name` ('stdin' or 'stdout') was closed when breakglass started."""
    if name in CLOSED:
        raise BreakglassError(f"{name} is closed: {why}")


def silence_stdout() -> None:
    """Point stdout at /dev/null after a write to it failed (a full disk behind `>`, a reader gone), so that
    what is left in Python's buffer does not fail again, with a traceback, when Python flushes it at exit."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sys.stdout.fileno())
    os.close(null)
