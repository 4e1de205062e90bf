"""Fault injection for the real command line: the N-th write-side system call that breakglass's writers make
fails (ENOSPC, EIO) or is hit by a signal just before it runs (SIGINT, SIGTERM).

    python -c "import faultshim; faultshim.main()" N KIND COUNT_FILE breakglass-args...

Counted calls, made from breakglass.system.files or breakglass.record.journal(_repair) only (the zbar child's
pipe, Python's own files and the libraries are left alone): os.open for writing, os.write, os.fsync, os.link,
os.rename, os.mkdir, os.ftruncate. COUNT_FILE receives how many such calls the run made, so a test can go on
until a run passes every point. This is SQLite's way of testing "nothing lost": fail each write in turn.

    python -c "import faultshim; faultshim.serve()"    (tests/faultloops.py's shim)

does the same for many runs: breakglass is imported once and each run is a child forked from that server, with
the request's folder, environment, umask and standard streams, so a loop does not pay the import per point.
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


def serve() -> None:
    """A fork server for tests/faultloops.py's shim: breakglass imported once, then one forked child per run.

    Each request (a JSON line on stdin) is one run as main() makes it: the child takes the request's folder,
    environment, umask and standard streams (files), wraps the write calls, runs the CLI and exits as the
    interpreter would (exit code, atexit, or killed by the signal). The reply is the child's return code, as
    subprocess gives it. The import (a third of a run) is paid once per test process instead of once per point.
    """
    import json
    import pkgutil

    import breakglass
    import breakglass.__main__  # noqa: F401 - its signal guards, as a fresh interpreter has them

    for module in pkgutil.walk_packages(breakglass.__path__, "breakglass."):
        try:
            __import__(module.name)
        except Exception:  # noqa: BLE001 - a module that does not import alone is imported by the run, if used
            pass
    for line in sys.stdin.buffer:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(json.loads(line))
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        os.write(1, (json.dumps(code) + "\n").encode())


def _child(request: dict) -> None:
    """One run in the forked child; never returns."""
    import atexit

    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.umask(request["umask"])
        for fd, (path, flags) in enumerate(
            [(request["stdin"], os.O_RDONLY), (request["stdout"], os.O_WRONLY), (request["stderr"], os.O_WRONLY)]
        ):
            opened = os.open(path, flags)
            os.dup2(opened, fd)
            os.close(opened)
        target, kind, count_file = request["point"], request["kind"], request["count"]
        sys.argv = ["breakglass", *request["args"]]
        counter = [0]
        for name in ("open", "write", "fsync", "link", "rename", "mkdir", "ftruncate"):
            _wrap(name, target, kind, counter)
        atexit.register(lambda: open(count_file, "w").write(str(counter[0])))  # noqa: SIM115 - not through os.open
        from breakglass.__main__ import main as run

        try:
            run()
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            if e.code is not None and not isinstance(e.code, int):
                print(e.code, file=sys.stderr)
        except KeyboardInterrupt:
            import traceback

            traceback.print_exc()
            code = -signal.SIGINT
        except BaseException:  # noqa: BLE001 - as the interpreter does: a traceback and exit 1
            import traceback

            traceback.print_exc()
            code = 1
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        if code < 0:  # an uncaught Ctrl-C: the interpreter ends by the signal itself
            signal.signal(-code, signal.SIG_DFL)
            os.kill(os.getpid(), -code)
        os._exit(code)
    except BaseException:  # noqa: BLE001 - never return into the server's loop
        os._exit(99)
