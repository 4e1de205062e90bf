"""Write docs/COMMANDS.md from the CLI's own --help texts, so the reference cannot drift from the code.

    python scripts/commands_md.py          # rewrite docs/COMMANDS.md
    python scripts/commands_md.py --check  # exit 1 if it is out of date (tests/test_help.py runs this)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from breakglass.cli.main import EXIT_CODES, cli

TARGET = Path(__file__).resolve().parent.parent / "docs" / "COMMANDS.md"


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
