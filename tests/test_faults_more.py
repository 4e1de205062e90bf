"""Every write point of the commands tests/test_faults.py and test_custodian_change_faults.py leave out fails in
turn (full disk, I/O error, Ctrl-C, SIGTERM): rotate, destroy, a drill, checklist and the audit's PDF. Afterwards
the outputs and the journal event are all there or none is, one line says which, and the journal verifies."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from breakglass.record.journal import read_journal, verify_journal
from faultloops import EVERY_KIND, PEOPLE, both_outcomes, every_point, leftovers, one_line_outcome, shim


def journal_in(work, set_of_two):
    journal = work / "journal.jsonl"
    shutil.copy(set_of_two / "journal.jsonl", journal)
    return journal


def run_every_point(part, tmp_path, set_of_two, args_for, judge, stdin=None):
    """Run the command with each write point of kind `part` failing in turn until a run passes them all; `judge(work,
    journal, result)` returns 'complete' or 'nothing' (and asserts there is no third state)."""
    seen = set()
    for point, kind in every_point(part=part):
        work = tmp_path / f"p{point}"
        work.mkdir()
        journal = journal_in(work, set_of_two)
        before = journal.read_bytes()
        result, points = shim(point, kind, *args_for(work, journal), cwd=work, stdin=stdin)
        last = one_line_outcome(result, kind)
        assert not leftovers(work), (point, kind, leftovers(work))
        assert verify_journal(journal).ok, (point, kind)
        state = judge(work, journal, before)
        assert state in ("complete", "nothing"), (point, kind, state, last)
        if result.returncode and state == "nothing" and not kind.startswith("SIG"):
            assert "nothing" in last or "not" in last, last
        seen.add(state)
        if point > points:
            assert result.returncode == 0 and state == "complete", (result.stderr.decode()[-500:], state)
            return seen
    pytest.fail("never got past its write points")


def new_events(journal, before: bytes, event: str) -> list:
    return [e for e in read_journal(journal) if e.event == event and e.line > before.count(b"\n")]


@EVERY_KIND
def test_a_drill_is_journalled_or_not_and_says_ok_only_when_it_is(part, tmp_path, set_of_two):
    sheets = sorted((set_of_two / "sheets").glob("*.pdf"))

    def judge(work, journal, before):
        drills = new_events(journal, before, "drill")
        return "complete" if len(drills) == 1 else "nothing" if not drills and journal.read_bytes() == before else "?"

    seen = run_every_point(
        part,
        tmp_path,
        set_of_two,
        lambda work, journal: ["recombine", "--verify-only", "--journal", journal, *PEOPLE, *sheets],
        judge,
    )
    assert both_outcomes(seen, part), seen


@EVERY_KIND
def test_destroy_is_journalled_or_not(part, tmp_path, set_of_two):
    def args(work, journal):
        entry = read_journal(journal)[0]
        return ["destroy", "--journal", journal, "--set", entry.set, "--sheet", "1", "--sheet", "2", *PEOPLE]

    def judge(work, journal, before):
        events = new_events(journal, before, "destroy")
        return "complete" if len(events) == 1 else "nothing" if journal.read_bytes() == before else "?"

    seen = run_every_point(part, tmp_path, set_of_two, args, judge)
    assert both_outcomes(seen, part), seen


@EVERY_KIND
def test_rotate_is_all_or_nothing(part, tmp_path, set_of_two):
    sheets = sorted((set_of_two / "sheets").glob("*.pdf"))

    def args(work, journal):
        return [
            "rotate",
            "--journal",
            journal,
            *PEOPLE,
            "--secret-file",
            "-",
            "--out",
            "new",
            "--no-scan-check",
            *sheets,
        ]

    def judge(work, journal, before):
        made = sorted((work / "new").glob("*.pdf")) if (work / "new").exists() else []
        events = new_events(journal, before, "rotate")
        if len(made) == 2 and (work / "new" / "manifest.json").exists() and len(events) == 1:
            assert events[0].code in (work / "new" / "manifest.json").read_text()
            return "complete"
        return "nothing" if not (work / "new").exists() and not events and journal.read_bytes() == before else "?"

    seen = run_every_point(part, tmp_path, set_of_two, args, judge, stdin=b"the new credential after rotation")
    assert both_outcomes(seen, part), seen


@pytest.fixture(scope="module")
def drilled(tmp_path_factory, set_of_two):
    """The set of two with a drill journalled: what a checklist is printed for."""
    base = tmp_path_factory.mktemp("drilled")
    shutil.copytree(set_of_two, base, dirs_exist_ok=True)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "breakglass",
            "recombine",
            "--verify-only",
            "--journal",
            base / "journal.jsonl",
            *PEOPLE,
            *sorted((base / "sheets").glob("*.pdf")),
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return base


@pytest.mark.parametrize("command", ["checklist", "audit"])
@EVERY_KIND
def test_documents_are_whole_or_absent(part, tmp_path, drilled, command):
    set_of_two = drilled

    def args(work, journal):
        if command == "checklist":
            return ["checklist", "--journal", journal, "--event", read_journal(journal)[-1].code, "--out", "doc.pdf"]
        return ["audit", "--journal", journal, "--pdf", "doc.pdf"]

    def judge(work, journal, before):
        pdf = work / "doc.pdf"
        if not pdf.exists():
            return "nothing"
        data = pdf.read_bytes()
        return "complete" if data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF") else "?"

    seen = set()
    for point, kind in every_point(part=part):
        work = tmp_path / f"p{point}"
        work.mkdir()
        journal = journal_in(work, set_of_two)
        result, points = shim(point, kind, *args(work, journal), cwd=work)
        err = result.stderr.decode(errors="replace")
        assert "Traceback" not in err, err
        # The audit's findings exit 1 even when the PDF was written; a failed write must not look like findings.
        assert result.returncode in (0, 1, 2, 130, 143), err
        assert not leftovers(work)
        state = judge(work, journal, b"")
        assert state in ("complete", "nothing"), (point, kind, err)
        if state == "nothing" and not kind.startswith("SIG"):
            assert result.returncode != 0 and "cannot write" in err, (point, kind, result.returncode, err[-400:])
        seen.add(state)
        if point > points:
            assert state == "complete"
            break
    assert both_outcomes(seen, part), seen
