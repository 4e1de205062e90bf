"""The ceremony scripts, followed to the letter, end in a CLEAN audit.

A walker reads each script (templates/logbook.toml, the source of ceremony/*.md) step by step, as an operator
would: it runs every command the script shows with its placeholders filled (the credential is "typed" on
standard input, and "Yes" at the release's confirmation is --yes), writes each event code and time where the
step says, does what the paper steps say (bags sealed, opened, resealed, destroyed; the provider's password
changed and signed in to), and transcribes the logbook the way docs/AUDIT.md maps boxes to columns. The
scripts' own `journal verify --head CODE` and `audit` steps must succeed. Then one planted deviation at a time
gives its own finding.
"""

from __future__ import annotations

import pytest

from breakglass.paper.scripts import SCRIPT_NAMES, load_script
from breakglass.record.journal import read_journal
from helpers import findings, text
from walkers import Walker, copy_walk

# `walked` (the lifecycle walked once) and `walks` (its checkpoints) are tests/conftest.py's.
RECORDING = ("split", "recombine", "rotate", "reshare", "expand", "destroy")


# ---------------------------------------------------------------- the scripts as written


def test_every_journalled_command_says_where_its_code_goes():
    for name in SCRIPT_NAMES:
        for step in load_script(name).steps:
            records = any(f"breakglass {c}" in step.command for c in RECORDING) and (
                "--journal" in step.command and "--version" not in step.command
            )
            assert records == bool(step.code), f"{name} step {step.number}"


def test_the_scripts_followed_to_the_letter_audit_clean(walked):
    events = [e.event for e in read_journal(walked.journal)]
    assert events == ["split", "drill", "drill", "release", "rotate", "drill", "destroy", "drill"]
    result = walked.audit()
    assert result.returncode == 0, text(result)
    assert "CLEAN: no findings." in text(result) and "not checked" not in text(result)


def test_the_head_code_goes_on_paper_after_the_last_event(tmp_path):
    """The old script verified the split's code after the read-back drill had added an event: it failed."""
    w = Walker(tmp_path)
    with pytest.raises(AssertionError, match="split step 11"):
        w.split_ceremony(deviation="head before read-back")


# ---------------------------------------------------------------- one deviation each


def test_a_release_whose_witness_is_misrecorded(walked, tmp_path):
    w = copy_walk(walked, tmp_path)
    release = next(r for r in w.rows if r["event"] == "release")
    release["witness"] = "Someone Else"
    found = findings(w.audit())
    assert len(found) == 1 and "[logbook-agree]" in found[0] and "witness: release" in found[0], found


def test_the_rotation_row_naming_the_new_set(walked, tmp_path):
    w = copy_walk(walked, tmp_path)
    rotate = next(r for r in w.rows if r["event"] == "rotate")
    rotate["set_id"] = rotate["new_set_id"]
    found = findings(w.audit())
    assert any("set_id: rotate" in f and "a rotate row names the retired set" in f for f in found), found


def test_a_rotation_that_does_not_reseal_the_old_sheets(walks, tmp_path):
    w = walks.copy("released", tmp_path)  # split, then a release on 2026-02-10 (INC-7)
    w.rotation("2026-02-11T14:00:00", reseal=False)
    w.destruction("2026-02-12T10:00:00")
    found = findings(w.audit(as_of="2026-03-01"))
    assert found and all("[bags]" in f and "opened again" in f for f in found), found


def test_no_change_at_the_provider(walked, tmp_path):
    w = copy_walk(walked, tmp_path)
    w.trail = [e for e in w.trail if e["eventName"] != "PasswordUpdated"]
    found = findings(w.audit())
    assert len(found) == 1 and "[provider-rotation]" in found[0] and "rotation not confirmed" in found[0], found


def test_the_old_sheets_never_destroyed(walks, tmp_path):
    w = walks.copy("released", tmp_path)  # split, then a release on 2026-02-10 (INC-7)
    w.rotation("2026-02-11T14:00:00")
    found = findings(w.audit(as_of="2026-03-01"))
    assert len(found) == 1 and "[destruction]" in found[0] and "3 sheet(s) were never recorded destroyed" in found[0]
