"""`python -m breakglass` and the installed `breakglass` command: start the command line.

The first lines below, before anything else of breakglass is imported, make Ctrl-C, SIGTERM and SIGHUP end
the run with one line and exit 128 + the signal's number: nothing has been done yet, so nothing needs
finishing (os._exit, not an exception that an import could turn into a traceback). Only then does this module
point any closed standard stream at /dev/null (system/streams.py: before anything opens a descriptor that
would take its number), install breakglass's own handlers (system/interrupts.py: from there on a signal
raises Interrupted at a moment that leaves nothing half-made) and import the CLI. So from this file's first
line on, an interrupt is one line and exit 130/143/129, never a traceback.
"""

import os as _os
import signal as _signal


def _before_start(signum, _frame) -> None:
    """A signal before breakglass's own handlers are in place: nothing was done; say so and stop."""
    try:
        name = "" if signum == _signal.SIGINT else f" ({_signal.Signals(signum).name})"
        _os.write(2, f"interrupted{name}; nothing was written\n".encode())
    except OSError:  # stderr closed: the exit status says it
        pass
    _os._exit(128 + signum)


for _signum in (_signal.SIGINT, _signal.SIGTERM, getattr(_signal, "SIGHUP", None)):
    if _signum is not None:
        try:
            _signal.signal(_signum, _before_start)
        except ValueError:  # not the main thread (imported by a test runner's worker): nothing to guard
            pass


def main() -> None:
    try:
        from .system import interrupts, streams

        streams.guard()
        interrupts.install()
        from .cli.main import main as run
    except BaseException as e:  # an interrupt while the CLI itself loads: nothing was done yet
        code = getattr(e, "exit_code", None)
        if code is None:
            raise
        import sys

        sys.stderr.write("interrupted; nothing was written\n")
        raise SystemExit(code) from None
    run()


if __name__ == "__main__":
    main()
