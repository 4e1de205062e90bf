"""Fault injection for the real command line: the N-th write-side system call that breakglass's writers make
fails (ENOSPC, EIO) or is hit by a signal just before it runs (SIGINT, SIGTERM).

    python -c "import faultshim; faultshim.main()" N KIND COUNT_FILE breakglass-args...

Counted calls, made from breakglass.system.files or breakglass.record.journal(_repair) only (the zbar child's
pipe, Python's own files and the libraries are left alone): os.open for writing, os.write, os.fsync, os.link,
os.rename, os.mkdir, os.ftruncate. COUNT_FILE receives how many such calls the run made, so a test can go on
until a run passes every point. This is SQLite's way of testing "nothing lost": fail each write in turn.
"""

from __future__ import annotations

import errno
import os
import signal
import sys

WRITERS = {"breakglass.system.files", "breakglass.record.journal", "breakglass.record.journal_repair"}
KINDS = {"ENOSPC": errno.ENOSPC, "EIO": errno.EIO, "SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT


def _wrap(name: str, target: int, kind: str, counter: list[int]):
    real = getattr(os, name)

    def call(*args, **kwargs):
        caller = sys._getframe(1).f_globals.get("__name__")
        counted = caller in WRITERS and (name != "open" or (len(args) > 1 and args[1] & _WRITE_FLAGS))
        if counted:
            counter[0] += 1
            if counter[0] == target:
                if kind.startswith("SIG"):
                    os.kill(os.getpid(), KINDS[kind])  # arrives now; breakglass must hold it or stop cleanly
                else:
                    raise OSError(KINDS[kind], os.strerror(KINDS[kind]))
        return real(*args, **kwargs)

    setattr(os, name, call)


def main() -> None:
    target, kind, count_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    sys.argv = ["breakglass", *sys.argv[4:]]
    counter = [0]
    for name in ("open", "write", "fsync", "link", "rename", "mkdir", "ftruncate"):
        _wrap(name, target, kind, counter)
    import atexit

    atexit.register(lambda: open(count_file, "w").write(str(counter[0])))  # noqa: SIM115 - not through os.open
    from breakglass.__main__ import main as run

    run()
