"""Nothing lost, nothing half-made: every write point of the real commands fails in turn (a full disk, an I/O
error) or is hit by Ctrl-C or SIGTERM, and afterwards the folder and the journal must be either as before or
completely done, with one line saying which, and the journal still verifying.

The faults come from tests/faultshim.py, which wraps the os calls that breakglass's writers make.
"""

from __future__ import annotations

import os
import shutil

import pytest

from breakglass.record.journal import read_journal, verify_journal
from faultloops import EVERY_KIND, PEOPLE, SECRET, both_outcomes, every_point, leftovers, one_line_outcome, shim

# secret_file and set_of_two (a 2-of-2 split of SECRET, made once per run) are tests/conftest.py's.


@EVERY_KIND
def test_split_is_all_or_nothing_at_every_write_point(part, tmp_path, secret_file):
    seen = set()
    for point, kind in every_point(part=part):
        work = tmp_path / f"p{point}"
        work.mkdir()
        journal = work / "journal.jsonl"
        result, points = shim(
            point,
            kind,
            "split",
            "-k",
            "2",
            "-n",
            "2",
            "--label",
            "Faults",
            "--secret-file",
            secret_file,
            "--out",
            "sheets",
            "--journal",
            journal,
            *PEOPLE,
            "--no-scan-check",
            cwd=work,
        )
        last = one_line_outcome(result, kind)
        assert not leftovers(work), (point, kind, leftovers(work))
        sheets = sorted((work / "sheets").glob("*.pdf")) if (work / "sheets").exists() else []
        entries = read_journal(journal) if journal.exists() else []
        complete = len(sheets) == 2 and (work / "sheets" / "manifest.json").exists() and len(entries) == 1
        nothing = not (work / "sheets").exists() and not entries
        assert complete or nothing, (point, kind, sheets, entries, last)
        if journal.exists():
            assert verify_journal(journal).ok
        if complete:
            assert entries[0].code in (work / "sheets" / "manifest.json").read_text()
            for sheet in sheets:
                assert (sheet.stat().st_mode & 0o777) == 0o600
        if result.returncode and complete:
            assert "kept" in last, last  # interrupted after the work was saved: it says so
        if result.returncode and nothing:
            assert "nothing was" in last, last
        seen.add("complete" if complete else "nothing")
        if point > points:  # this run passed every write point: all of them have been failed in turn
            assert result.returncode == 0 and complete
            break
    else:
        pytest.fail("the split never got past its write points")
    assert both_outcomes(seen, part), seen


@EVERY_KIND
def test_recombine_out_and_its_journal_line_appear_together_or_not_at_all(part, tmp_path, set_of_two):
    sheets = sorted((set_of_two / "sheets").glob("*.pdf"))
    for point, kind in every_point(part=part):
        work = tmp_path / f"p{point}"
        work.mkdir()
        journal = work / "journal.jsonl"
        shutil.copy(set_of_two / "journal.jsonl", journal)
        result, points = shim(
            point,
            kind,
            "recombine",
            "--out",
            "credential.bin",
            "--journal",
            journal,
            *PEOPLE,
            "--incident",
            "INC-1",
            "--reason",
            "fault test",
            *sheets,
            cwd=work,
        )
        last = one_line_outcome(result, kind)
        assert not leftovers(work), (point, kind, leftovers(work))
        released = [e for e in read_journal(journal) if e.event == "release"]
        out = work / "credential.bin"
        assert verify_journal(journal).ok
        if out.exists():
            assert out.read_bytes() == SECRET and (out.stat().st_mode & 0o777) == 0o600
            assert len(released) == 1, (point, kind, last)
        else:
            assert released == [], (point, kind, last)  # no release recorded for a credential never written
        if point > points:
            assert result.returncode == 0 and out.exists()
            break


@EVERY_KIND
def test_logbook_is_whole_or_absent_at_every_write_point(part, tmp_path, set_of_two):
    for point, kind in every_point(part=part):
        work = tmp_path / f"p{point}"
        work.mkdir()
        result, points = shim(
            point,
            kind,
            "logbook",
            "--manifest",
            set_of_two / "sheets" / "manifest.json",
            "--out",
            "logbook.pdf",
            cwd=work,
        )
        one_line_outcome(result, kind)
        assert not leftovers(work)
        pdf = work / "logbook.pdf"
        if pdf.exists():
            data = pdf.read_bytes()
            assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
        if point > points:
            assert result.returncode == 0 and pdf.exists()
            break


@EVERY_KIND
def test_journal_repair_is_whole_or_not_done_at_every_write_point(part, tmp_path, set_of_two):
    original = (set_of_two / "journal.jsonl").read_bytes() + b'{"seq":2,"cut off'
    for point, kind in every_point(part=part):
        work = tmp_path / f"p{point}"
        work.mkdir()
        journal = work / "journal.jsonl"
        journal.write_bytes(original)
        result, points = shim(point, kind, "journal", "repair", journal, cwd=work)
        one_line_outcome(result, kind)
        assert not leftovers(work)
        sides = sorted(work.glob("journal.jsonl.broken-*"))
        if journal.read_bytes() == original:  # not done: the journal is exactly as it was
            assert all(side.read_bytes() == b'{"seq":2,"cut off' for side in sides)
        else:  # done: repaired, and the cut-off line kept as evidence
            assert verify_journal(journal).ok and read_journal(journal)[-1].event == "repair"
            assert [side.read_bytes() for side in sides] == [b'{"seq":2,"cut off']
        if point > points:
            assert result.returncode == 0
            break


def test_journal_write_failure_leaves_the_journal_as_it_was(tmp_path, set_of_two, monkeypatch):
    """A full disk in the middle of the line: the half line is cut off again, so the chain stays whole."""
    from breakglass.errors import BreakglassError
    from breakglass.record import journal as journal_module

    journal = tmp_path / "journal.jsonl"
    shutil.copy(set_of_two / "journal.jsonl", journal)
    before = journal.read_bytes()
    real_write = os.write

    def half_then_full(fd, data):
        real_write(fd, bytes(data)[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(journal_module.files.os, "write", half_then_full)
    entry = read_journal(journal)[0]
    with pytest.raises(BreakglassError, match="no space left on device; nothing was recorded"):
        journal_module.append_event(journal, "drill", set_id=entry.set, shares=[1, 2], fingerprint=entry.fingerprint)
    monkeypatch.undo()
    assert journal.read_bytes() == before and verify_journal(journal).ok
