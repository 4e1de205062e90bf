"""`python -m breakglass` and the installed `breakglass` command: start the command line.

This module stays tiny. It first points any closed standard stream at /dev/null (system/streams.py: before
anything opens a descriptor that would take its number), then makes Ctrl-C, SIGTERM and SIGHUP raise
breakglass's own Interrupted (the signal module is built in, so this costs nothing), and only then imports the
CLI, so that an interrupt while modules load is one line and exit 130/143 like any other, never a traceback.
"""


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
