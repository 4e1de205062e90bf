"""Documents that must not drift from the code."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    test_commands = [line for block in blocks for line in block.splitlines() if "pytest" in line]
    assert test_commands, "README has no test command"
    assert test_commands[0] in (ROOT / ".ci" / "run").read_text()
