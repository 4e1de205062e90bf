"""The audit on odd inputs: a hand-made journal with malformed extra fields, and transcriptions of any content.
It reports findings or says it cannot audit; it never fails with an internal error, and never calls CLEAN a
transcription that disagrees with the journal."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from breakglass.record.audit import Rules, run_audit
from breakglass.record.inputs import CannotAudit
from breakglass.record.journal import append_event, read_journal
from breakglass.record.transcription import LOGBOOK_COLUMNS

SET, NEW = "1A2B-3C4D-5E6F-7081", "2B3C-4D5E-6F70-8192"
T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
AS_OF = datetime(2026, 3, 1, tzinfo=UTC)


def odd_journal(path: Path) -> None:
    people = {"operator": "Ada", "witness": "Will"}
    append_event(
        path,
        "split",
        set_id=SET,
        shares=[1, 2, 3],
        fingerprint="F",
        now=T0,
        **people,
        extra={"k": "two", "n": 3, "sheets": ["x", {"share": "1"}, {"share": 2, "copy": "a"}, {"share": 3}]},
    )
    append_event(
        path,
        "drill",
        set_id=SET,
        shares=[1, 2],
        fingerprint="F",
        now=T0 + timedelta(days=1),
        **people,
        extra={"used": 5, "copies": "bad"},
    )
    append_event(
        path,
        "release",
        set_id=SET,
        shares=[2, 3],
        fingerprint="F",
        now=T0 + timedelta(days=2),
        **people,
        extra={"incident": 42, "reason": ["x"], "copies": [[1], [2, "b"]]},
    )
    append_event(
        path,
        "rotate",
        set_id=SET,
        shares=[2, 3],
        fingerprint="F",
        now=T0 + timedelta(days=3),
        **people,
        extra={"new_set": NEW, "k": True, "sheets": {"share": 1}},
    )
    append_event(
        path,
        "destroy",
        set_id=SET,
        shares=[3],
        fingerprint="F",
        now=T0 + timedelta(days=4),
        **people,
        extra={"sheets": [{"share": 3, "copy": 1, "bag": 7}, None]},
    )


def test_a_hand_made_journal_with_odd_fields_is_audited(tmp_path):
    journal = tmp_path / "j.jsonl"
    odd_journal(journal)
    report = run_audit(journal, rules=Rules(), as_of=AS_OF)
    assert report.verdict == "FINDINGS"  # e.g. sheets 1 and 2 of the retired set never recorded destroyed
    assert any(f.rule == "provider-rotation" for f in report.findings)


cells = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=24)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries({c: cells for c in LOGBOOK_COLUMNS}), max_size=6), keep_codes=st.booleans())
def test_any_transcription_gives_findings_or_cannot_audit(tmp_path, rows, keep_codes):
    journal = tmp_path / "j.jsonl"
    if not journal.exists():
        odd_journal(journal)
    if keep_codes:  # rows that carry real codes, so the field-by-field comparison runs on nonsense
        for row, entry in zip(rows, read_journal(journal), strict=False):
            row["event_code"] = entry.code
    text = io.StringIO()
    writer = csv.DictWriter(text, LOGBOOK_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    logbook = tmp_path / "logbook.csv"
    logbook.write_text(text.getvalue(), encoding="utf-8")
    try:
        report = run_audit(journal, rules=Rules(), as_of=AS_OF, logbook_csv=logbook)
    except CannotAudit:
        return
    assert not report.clean  # the journal alone has findings, and random rows never match it
