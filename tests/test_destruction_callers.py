"""ceremony/destruction.md fits every ceremony that sends the operator to it (issue 23): each caller's history
is made through the real CLI (sheets read as typed text from the PDFs' text layer), then destruction.md is
walked to the letter for it, every command run with the script's placeholders; and what the script says of the
credential is true for that caller (only a rotation changes it: after a reshare or an expansion, a sheet to be
destroyed still opens the account together with k-1 others)."""

from __future__ import annotations

import re
import shlex

import pytest

from breakglass.paper.scripts import SCRIPT_NAMES, load_script
from breakglass.record.journal import read_journal
from helpers import CODE_LINE, PEOPLE, invoke, invoke_split, typed_files

# The ceremonies that send people to destruction.md, and the journal event each records.
CALLERS = {"rotation": "rotate", "reshare": "reshare", "expand": "expand"}


def script_text(name: str) -> str:
    s = load_script(name)
    return " ".join([s.purpose, *s.roles, *s.before, *(step.text for step in s.steps), *s.after])


def sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.;])\s+", text) if part]


def test_every_caller_of_destruction_md_is_checked_here():
    callers = {name for name in SCRIPT_NAMES if name != "destruction" and "destruction.md" in script_text(name)}
    assert callers == set(CALLERS), callers


@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_what_destruction_md_says_is_true_for_each_caller(caller):
    text = script_text("destruction")
    assert f"{caller}.md" in text and CALLERS[caller] in text, f"destruction.md never names its caller {caller}"
    for sentence in sentences(text):
        if re.search(r"credential (was|has been|is) changed|no longer recover|changed the credential", sentence):
            assert "rotation" in sentence, f"true only after a rotation, said for every caller: {sentence!r}"
    if caller != "rotation":
        assert re.search(
            r"credential was NOT changed: every sheet to be destroyed still opens the account "
            r"together with k-1 other",
            text,
        )


def history(base, caller: str) -> tuple[str, list[tuple[str, str]]]:
    """The caller's ceremony done on a fresh 2-of-3 set: the set whose sheets are to be destroyed and those
    sheets (SHARE.COPY, bag serial)."""
    journal = invoke_split(base)
    old_set = read_journal(journal)[0].set
    scans = typed_files(base / "sheets", base, {1, 2})
    (base / "changed").write_bytes(b"the credential after the change at the provider")
    extra = {
        "rotation": ["--secret-file", base / "changed"],
        "reshare": [],
        "expand": ["--custodian", "Dee", "--replaces", "3"],
    }[caller]
    result = invoke(
        CALLERS[caller], "--journal", journal, *PEOPLE, "--out", base / "new", "--no-scan-check", *extra, *scans
    )
    assert result.exit_code == 0, result.output
    sheets = [("3.1", "B-3")] if caller == "expand" else [(f"{i}.1", f"B-{i}") for i in (1, 2, 3)]
    return old_set, sheets


@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_destruction_md_walked_to_the_letter_for_each_caller(tmp_path, caller):
    old_set, sheets = history(tmp_path, caller)
    journal = tmp_path / "journal.jsonl"
    code = read_journal(journal)[-1].code
    pairs = [a for sheet, bag in sheets for a in ("--sheet", sheet, "--bag", bag)]
    for step in load_script("destruction").steps:
        if not step.command:
            continue
        template = step.command.replace("--sheet SHARE.COPY --bag SERIAL ...", "SHEETS_AND_BAGS")
        fill = {
            "JOURNAL": [journal],
            "CODE": [code],
            "OLD_SET": [old_set],
            "SHEETS_AND_BAGS": pairs,
            "OPERATOR": [PEOPLE[1]],
            "WITNESS": [PEOPLE[3]],
        }
        argv = [value for token in shlex.split(template) for value in fill.get(token, [token])]
        assert argv[0] == "breakglass"
        before = len(read_journal(journal))
        result = invoke(*argv[1:])
        assert result.exit_code == 0, f"destruction step {step.number} after {caller}: {step.command}\n{result.output}"
        recorded = len(read_journal(journal)) > before
        assert recorded == bool(step.code)
        if recorded:
            code = CODE_LINE.search(result.output).group(1)
            assert "warning" not in result.output.lower(), result.output  # a retired set, or replaced sheets
        elif "journal verify" in step.command:
            assert f"head code {code}" in result.output
    destroyed = read_journal(journal)[-1]
    assert destroyed.event == "destroy" and destroyed.set == old_set
    assert sorted(f"{s['share']}.{s['copy']}" for s in destroyed.extra["sheets"]) == sorted(s for s, _ in sheets)
