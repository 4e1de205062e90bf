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


def test_audit_md_lists_every_rule_with_an_example():
    from breakglass.record.audit import RULES

    audit_md = (ROOT / "docs" / "AUDIT.md").read_text()
    for rule in RULES:
        row = next((line for line in audit_md.splitlines() if line.startswith(f"| `{rule.id}` |")), None)
        assert row is not None, f"docs/AUDIT.md has no row for rule {rule.id}"
        assert f"[{rule.id}]`" in row, f"docs/AUDIT.md: rule {rule.id} has no example finding"
