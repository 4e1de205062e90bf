"""expand and reshare are all-or-nothing like split: every write point fails in turn (full disk, I/O error) or
is hit by Ctrl-C or SIGTERM, and afterwards the new sheets, their manifest and the journal event are all there
or none is, with one line saying which, and the journal still verifying (tests/faultloops.py's harness)."""

from __future__ import annotations

import shutil

import pytest

from breakglass.record.journal import read_journal, verify_journal
from faultloops import EVERY_KIND, PEOPLE, both_outcomes, every_point, leftovers, one_line_outcome, shim


@EVERY_KIND
@pytest.mark.parametrize("command", ["expand", "reshare"])
def test_a_custodian_change_is_all_or_nothing_at_every_write_point(part, command, tmp_path, set_of_two):
    sheets = sorted((set_of_two / "sheets").glob("*.pdf"))
    extra = ("--custodian", "Cleo New") if command == "expand" else ()
    printed = 1 if command == "expand" else 2
    seen = set()
    for point, kind in every_point(part=part):
        work = tmp_path / f"p{point}"
        work.mkdir()
        journal = work / "journal.jsonl"
        shutil.copy(set_of_two / "journal.jsonl", journal)
        result, points = shim(
            point,
            kind,
            command,
            "--journal",
            journal,
            *PEOPLE,
            *extra,
            "--no-scan-check",
            "--out",
            "new",
            *sheets,
            cwd=work,
        )
        last = one_line_outcome(result, kind)
        assert not leftovers(work), (point, kind, leftovers(work))
        assert verify_journal(journal).ok
        made = sorted((work / "new").glob("*.pdf")) if (work / "new").exists() else []
        events = [e for e in read_journal(journal) if e.event == command]
        complete = len(made) == printed and (work / "new" / "manifest.json").exists() and len(events) == 1
        nothing = not (work / "new").exists() and not events
        assert complete or nothing, (point, kind, made, events, last)
        if complete:
            assert events[0].code in (work / "new" / "manifest.json").read_text()
        seen.add("complete" if complete else "nothing")
        if point > points:  # this run passed every write point
            assert result.returncode == 0 and complete
            break
    else:
        pytest.fail(f"{command} never got past its write points")
    assert both_outcomes(seen, part), seen
