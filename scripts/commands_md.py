"""Write docs/COMMANDS.md from the CLI's own --help texts, so the reference cannot drift from the code.

    python scripts/commands_md.py          # rewrite docs/COMMANDS.md
    python scripts/commands_md.py --check  # exit 1 if it is out of date (tests/test_help.py runs this)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from breakglass.cli import cli

TARGET = Path(__file__).resolve().parent.parent / "docs" / "COMMANDS.md"


def commands(group: click.Group, prefix: list[str]):
    """(path, command) for the group and every command under it, depth first, in name order."""
    yield prefix, group
    ctx = click.Context(group, info_name=" ".join(prefix))
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from commands(command, [*prefix, name])
        else:
            yield [*prefix, name], command


def help_text(path: list[str], command: click.Command) -> str:
    with click.Context(command, info_name=" ".join(path), terminal_width=100, max_content_width=100) as ctx:
        return command.get_help(ctx)


def render() -> str:
    parts = [
        "# Command reference\n",
        "Generated from `breakglass --help` by `scripts/commands_md.py`; a test fails when it is out of date.\n",
        "Exit codes: 0 success; 1 refused, failed or audit findings (one line says why); 2 usage error; "
        "130 interrupted.\n",
    ]
    for path, command in commands(cli, ["breakglass"]):
        parts.append(f"## `{' '.join(path)}`\n\n```text\n{help_text(path, command).rstrip()}\n```\n")
    return "\n".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        current = TARGET.read_text() if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run python scripts/commands_md.py")
            return 1
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
