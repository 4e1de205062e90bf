"""Write docs/COMMANDS.md and the man page from the CLI's own --help texts, so neither can drift from the code.

    python scripts/commands_md.py          # rewrite docs/COMMANDS.md and share/man/man1/breakglass.1
    python scripts/commands_md.py --check  # exit 1 if either is out of date (tests/test_help.py runs this)

The man page is installed with the package (pyproject.toml, data-files) as share/man/man1/breakglass.1 under
the environment's prefix: `man -M .venv/share/man breakglass`, or `man breakglass` once that folder is on MANPATH.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from breakglass.cli.main import EXIT_CODES, cli

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "COMMANDS.md"
MAN_PAGE = ROOT / "share" / "man" / "man1" / "breakglass.1"


def commands(group: click.Group, prefix: list[str], parent: click.Context | None = None):
    """(path, command, context) for the group and every command under it, depth first, in name order.

    Each context has its real parent, as when the command is run, so inherited settings (such as -h for help)
    show as the user sees them; click caches the help option per command, so this must match real use."""
    ctx = click.Context(group, info_name=prefix[-1], parent=parent, terminal_width=100, **group.context_settings)
    yield prefix, group, ctx
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from commands(command, [*prefix, name], ctx)
        else:
            sub = click.Context(command, info_name=name, parent=ctx, terminal_width=100, **command.context_settings)
            yield [*prefix, name], command, sub


def render() -> str:
    parts = [
        "# Command reference\n",
        "Generated from `breakglass --help` by `scripts/commands_md.py`; a test fails when it is out of date.\n",
        "## Exit codes\n",
        "Every command ends with one of these; anything that goes wrong is one line on stderr, never a traceback.\n",
        "| code | meaning |\n|---|---|\n" + "".join(f"| {code} | {meaning} |\n" for code, meaning in EXIT_CODES),
    ]
    for path, command, ctx in commands(cli, ["breakglass"]):
        parts.append(f"## `{' '.join(path)}`\n\n```text\n{command.get_help(ctx).rstrip()}\n```\n")
    return "\n".join(parts)


def roff(text: str) -> str:
    """Plain text made safe for roff: backslashes escaped, a line starting with . or ' not read as a request."""
    lines = []
    for line in text.replace("\\", "\\e").splitlines():
        lines.append("\\&" + line if line.startswith((".", "'")) else line)
    return "\n".join(lines)


def render_man() -> str:
    """The man page: the main help, then each command's --help as a preformatted block (what the user sees)."""
    from breakglass import __version__

    summary = cli.get_short_help_str(limit=200).removeprefix("breakglass: ").rstrip(".")
    parts = [
        f'.TH BREAKGLASS 1 "" "breakglass {__version__}" "User Commands"',
        ".SH NAME",
        f"breakglass \\- {roff(summary)}",
        ".SH SYNOPSIS",
        ".B breakglass",
        "\\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]...",
        ".SH DESCRIPTION",
        "Every command below is shown with its own \\fB\\-\\-help\\fR text. The same texts are in docs/COMMANDS.md.",
    ]
    for path, command, ctx in commands(cli, ["breakglass"]):
        parts += [f'.SS "{" ".join(path)}"', ".nf", roff(command.get_help(ctx).rstrip()), ".fi"]
    parts += [
        ".SH EXIT STATUS",
        *[line for code, meaning in EXIT_CODES for line in (".TP", f".B {code}", roff(meaning))],
        ".SH SEE ALSO",
        "README.md, docs/DESIGN.md, docs/FORMAT.md, docs/JOURNAL.md, docs/AUDIT.md and the ceremony scripts in",
        "ceremony/ of the breakglass source.",
    ]
    return "\n".join(parts) + "\n"


def main() -> int:
    outputs = {TARGET: render(), MAN_PAGE: render_man()}
    if "--check" in sys.argv:
        stale = [path for path, text in outputs.items() if (path.read_text() if path.exists() else "") != text]
        for path in stale:
            print(f"{path} is out of date: run python scripts/commands_md.py")
        return 1 if stale else 0
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
