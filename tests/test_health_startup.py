"""`breakglass --help` imports only what it needs: the group (cli/main.py) lists the commands from COMMANDS
without importing their modules, and a command's module is imported when that command runs."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from breakglass.cli.main import COMMANDS, cli, short_help

# The breakglass modules `breakglass --help` may load: the entry point, the signal and stream guards it installs
# first, the group, and errors.py. Nothing of the record, the paper, the scans or the format.
HELP_MAY_LOAD = {
    "breakglass",
    "breakglass.__main__",
    "breakglass.errors",
    "breakglass.cli",
    "breakglass.cli.main",
    "breakglass.system",
    "breakglass.system.interrupts",
    "breakglass.system.streams",
}

LOADED = """
import contextlib, io, json, sys
before = set(sys.modules)
sys.argv = ["breakglass", *sys.argv[1:]]
with contextlib.redirect_stdout(io.StringIO()):
    try:
        {run}
    except SystemExit:
        pass
print(json.dumps(sorted(set(sys.modules) - before)))
"""
BREAKGLASS = "from breakglass.__main__ import main; main()"
# click's own work for a group's --help (the modules it imports to lay out help), with no breakglass at all.
BARE_CLICK = "import click; click.Group('x', commands=[click.Command('y', help='Y.')]).main(standalone_mode=False)"


def loaded(run: str, *args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", LOADED.format(run=run), *args], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    return set(json.loads(result.stdout))


def test_help_loads_only_the_group_and_what_click_needs():
    modules = loaded(BREAKGLASS, "--help")
    ours = {m for m in modules if m.split(".")[0] == "breakglass"}
    assert ours == HELP_MAY_LOAD
    others = modules - ours - loaded(BARE_CLICK, "--help") - {"signal"}  # built in: the interrupt handlers
    assert not others, f"--help loads more than click needs: {sorted(others)}"


@pytest.mark.parametrize("command, module", [("split", "ceremonies"), ("destroy", "records"), ("audit", "audit")])
def test_a_command_loads_its_own_module_only(command, module):
    modules = loaded(BREAKGLASS, command, "--help")
    commands = {m for m in modules if m.startswith("breakglass.cli.")} - {
        "breakglass.cli.main",
        "breakglass.cli.common",
    }
    assert commands == {f"breakglass.cli.{module}"}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_summary_is_the_commands_own(name):
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.name == name and not command.hidden and not command.short_help
    assert command.callback.__module__ == f"breakglass.cli.{COMMANDS[name][0]}"
    for limit in range(5, 130):
        assert short_help(COMMANDS[name][1], limit) == command.get_short_help_str(limit), (name, limit)


def test_an_unknown_command_is_a_usage_error():
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["splitt"])
    assert result.exit_code == 2 and "No such command 'splitt'" in result.output
