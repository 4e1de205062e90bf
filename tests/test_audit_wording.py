"""Audit findings name what is wrong (issue 23): a row dated after the audit's date for an event inside it is
a date disagreement on that row, not "has no row"; a bag finding names the column the serial was written in."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from breakglass.ceremonies.demo import transcribe
from breakglass.record.audit import Rules, run_audit
from breakglass.record.journal import append_event, read_journal

SET, FP = "1A2B-3C4D-5E6F-7081", "GG7A-6H24-R1SZ-DES3"
SHEETS = [{"share": i, "copy": 1, "holder": h} for i, h in enumerate(("Ana", "Bo", "Cy"), 1)]


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=UTC)


def history(tmp_path):
    journal = tmp_path / "journal.jsonl"
    append_event(
        journal,
        "split",
        set_id=SET,
        shares=[1, 2, 3],
        fingerprint=FP,
        operator="Ola",
        witness="Wes",
        extra={"k": 2, "n": 3, "label": "Root", "sheets": SHEETS},
        now=at(1, 5),
    )
    append_event(
        journal, "drill", set_id=SET, shares=[1, 2], fingerprint=FP, operator="Ola", witness="Wes", now=at(2, 1)
    )
    append_event(
        journal,
        "destroy",
        set_id=SET,
        shares=[3],
        fingerprint=FP,
        operator="Ola",
        witness="Wes",
        extra={"sheets": [{"share": 3, "copy": 1, "bag": "B-03"}]},
        now=at(2, 10),
    )
    rows = list(csv.DictReader(io.StringIO(transcribe(read_journal(journal)))))
    rows[0]["bags_sealed"] = "B-01;B-02;B-03"
    rows[1].update(bags_opened="B-01;B-02", bags_sealed="B-04;B-05")
    rows[2]["bags_destroyed"] = "B-03"
    return journal, rows


def audit(tmp_path, journal, rows, as_of):
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (tmp_path / "logbook.csv").write_text(out.getvalue())
    report = run_audit(journal, rules=Rules(), as_of=as_of, logbook_csv=tmp_path / "logbook.csv")
    # The destruction of a live set's sheet is a finding of its own (destruction), true here and not in question.
    return [f.line() for f in report.findings if f.rule != "destruction"]


def test_the_honest_history_is_clean(tmp_path):
    journal, rows = history(tmp_path)
    assert audit(tmp_path, journal, rows, at(3, 1)) == []


def test_a_row_dated_after_the_audit_for_an_event_inside_it_is_a_date_disagreement(tmp_path):
    journal, rows = history(tmp_path)
    rows[1]["date"] = "2026-03-20"  # the drill of 2026-02-01, written with a wrong date after the audit's
    found = audit(tmp_path, journal, rows, at(3, 1))
    assert len(found) == 1, found
    assert "logbook row 3, date:" in found[0] and "'2026-03-20" in found[0] and "'2026-02-01" in found[0]
    assert "dated after the audit's date, 2026-03-01" in found[0]
    assert not any("has no row" in f or "[bags]" in f for f in found)


def test_a_bag_finding_names_the_column_the_serial_is_in(tmp_path):
    journal, rows = history(tmp_path)
    rows[2]["bags_destroyed"] = "B-09"  # never sealed
    found = [f for f in audit(tmp_path, journal, rows, at(3, 1)) if "[bags]" in f]
    assert found and all("bags_destroyed:" in f and "bags_opened" not in f for f in found), found
    assert "bag B-09 destroyed on 2026-02-10 was never recorded sealed" in found[0]


def test_an_expansion_read_back_row_transcribed_as_audit_md_says_is_clean(tmp_path):
    """docs/AUDIT.md: the read-back drill of an expansion lists every share read back, old and new, and the
    custodians of both; from the custody page alone (new sheets only) it gives the three findings the doc names."""
    from helpers import PEOPLE, invoke, invoke_split, typed_files

    journal = invoke_split(tmp_path)
    old = typed_files(tmp_path / "sheets", tmp_path, {1, 2})
    result = invoke(
        "expand",
        "--journal",
        journal,
        *PEOPLE,
        "--custodian",
        "Dee",
        "--out",
        tmp_path / "new",
        "--no-scan-check",
        *old,
    )
    assert result.exit_code == 0, result.output
    new = typed_files(tmp_path / "new", tmp_path, {4})
    result = invoke("recombine", "--journal", journal, *PEOPLE, "--verify-only", *old, *new)
    assert result.exit_code == 0, result.output
    entries = read_journal(journal)
    assert [e.event for e in entries] == ["split", "expand", "drill"] and entries[-1].shares == (1, 2, 4)
    rows = list(csv.DictReader(io.StringIO(transcribe(entries))))
    rows[2].update(shares="1;2;4", custodians="Ana;Bo;Dee")  # as docs/AUDIT.md says
    assert not [f for f in audit(tmp_path, journal, rows, at(12, 1)) if "row 4" in f]
    rows[2].update(shares="4", custodians="Dee")  # the custody page alone
    found = [f for f in audit(tmp_path, journal, rows, at(12, 1)) if "row 4" in f]
    assert any("shares:" in f and "[logbook-agree]" in f for f in found), found
    assert any("[custodians]" in f for f in found), found


def test_the_report_shows_input_paths_normalised(tmp_path):
    """'a/../b' is printed as 'b' in the text report and the PDF (the JSON keeps the path as given)."""
    from pathlib import Path

    from breakglass.record.inputs import InputFile

    given = InputFile("journal", Path("a/../b/./journal.jsonl"), b"")
    assert given.shown_path == "b/journal.jsonl"
