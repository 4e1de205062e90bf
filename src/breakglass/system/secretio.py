"""Where the credential enters and leaves: a file, stdin or a no-echo prompt in; stdout or a new 0600 file out.

The credential never appears in argv, in a log, or in a temporary file. Python cannot wipe memory reliably;
the threat model in docs/DESIGN.md says what that means.
"""

from __future__ import annotations

import sys

import click

from ..errors import BreakglassError
from .inputs import MAX_SECRET, read_input


def read_secret(source: str | None, *, what: str = "credential") -> bytes:
    """Read exact bytes from a file or '-' (stdin); with no source, prompt twice without echo."""
    if source:  # a regular file, or '-' / a /dev/fd pipe (e.g. --secret-file <(pass show x)); nothing else
        data = read_input(source, "secret file", MAX_SECRET, streams=True)
    else:
        data = _prompt_twice(what)
    if not data:
        raise BreakglassError(f"the {what} is empty")
    if source and data.endswith(b"\n"):
        click.echo(
            f"note: the {what} ends with a newline, which is kept as part of it "
            "(write the file with printf, not echo, if that is not intended)",
            err=True,
        )
    return data


def _prompt_twice(what: str) -> bytes:
    if not sys.stdin.isatty():
        raise BreakglassError(f"no terminal to type the {what} on: use --secret-file PATH, or --secret-file - for stdin")
    first = click.prompt(f"Type the {what} (not shown)", hide_input=True, default="", show_default=False)
    second = click.prompt("Type it again", hide_input=True, default="", show_default=False)
    if first != second:
        raise BreakglassError(f"the two entries of the {what} differ; nothing was done")
    return first.encode("utf-8")


def write_stdout(data: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
