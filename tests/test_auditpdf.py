"""The audit report PDF: inputs with their hashes, rules with their results, verdict, findings table with wrapped
messages, notes, inside the safe area."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from breakglass.paper.audit_report import render_audit
from breakglass.record.audit import AuditReport, Finding, RuleResult
from breakglass.record.inputs import InputFile
from breakglass.record.journal import append_event
from paperchecks import ink_problems, page_count, pdf_text

LONG = "release of set 1A2B-3C4D-5E6F-7081 on 2026-12-01 was not followed by a rotation within 7 days " * 3
JOURNAL = InputFile("journal", Path("/srv/records/journal.jsonl"), b"{}\n", "breakglass journal")
REPORT = AuditReport(
    findings=[
        Finding("rotation", "1WFS-4MPJ", LONG.strip()),
        Finding("people", "APHC-XAM0", "drill on 2026-11-22: the witness (Alice) is the operator"),
        Finding(
            "logbook-rows",
            "row 7",
            "logbook row 7 (release on 2027-01-02) has an event code that is not in the journal",
        ),
    ],
    notes=["K7Q2-9XMB: release of set 1A2B-3C4D-5E6F-7081 on 2027-05-30 awaits rotation (due by 2027-06-06)"],
    rules=[
        RuleResult("rotation", "Every release is rotated.", "fail", 1),
        RuleResult("bags", "Bags sealed once.", "not checked", why_not="no --logbook transcription given"),
    ],
    inputs=[JOURNAL],
    entries=12,
    audited=12,
    head_code="K7Q2-9XMB",
    as_of="2027-06-01 23:59 UTC",
)


def test_report_text():
    text = pdf_text(render_audit(REPORT))
    flat = " ".join(text.split())
    pages = page_count(render_audit(REPORT))
    for expected in [
        "/srv/records/journal.jsonl",
        JOURNAL.sha256,
        "2027-06-01",
        "12",
        "K7Q2-9XMB",
        "3 findings",
        "1WFS-4MPJ",
        "APHC-XAM0",
        "row 7",
        "rotation",
        "people",
        "the witness (Alice) is the operator",
        "awaits rotation (due by 2027-06-06)",
        "Auditor name",
        "Signature",
        f"page 1 of {pages}",
        "FAIL (1)",
        "NOT CHECKED",
        "no --logbook transcription given",
    ]:
        assert expected in flat, expected
    assert " ".join(LONG.split()) in flat  # wrapped, not cut
    assert "CLEAN" not in text


def test_clean_report():
    report = AuditReport(
        entries=3,
        head_code="K7Q2-9XMB",
        as_of="2027-06-01",
        inputs=[JOURNAL],
        rules=[RuleResult("head", "Ends at the paper's code.", "not checked", why_not="no --head")],
    )
    text = pdf_text(render_audit(report))
    assert "CLEAN" in text and "Findings" not in text and "Not checked: head" in " ".join(text.split())


@pytest.mark.parametrize("size", ["a4", "letter"])
def test_ink_inside_safe_area_and_many_findings_page_over(size):
    report = AuditReport(
        findings=[Finding("bags", f"row {i}", LONG) for i in range(40)], entries=1, as_of="2027-06-01", inputs=[JOURNAL]
    )
    pdf = render_audit(report, paper=size)
    pages = page_count(pdf)
    assert pages >= 2
    assert ink_problems(pdf, size) == []
    text = pdf_text(pdf)
    assert "row 39" in text and "40 findings" in text and f"page {pages} of {pages}" in text


def test_audit_command_writes_pdf(tmp_path):
    from breakglass.cli.main import cli

    journal = tmp_path / "journal.jsonl"
    append_event(
        journal,
        "split",
        set_id="1A2B-3C4D-5E6F-7081",
        shares=[1, 2, 3],
        fingerprint="GG7A-6H24-R1SZ-DES3",
        operator="Alice",
        witness="Alice",
        extra={"k": 2, "n": 3},
        now=datetime(2026, 11, 22, tzinfo=UTC),
    )
    out = tmp_path / "audit.pdf"
    result = CliRunner().invoke(cli, ["audit", "--journal", str(journal), "--as-of", "2026-11-23", "--pdf", str(out)])
    assert result.exit_code == 1, result.output  # the witness is the operator
    text = pdf_text(out.read_bytes())
    assert "1 finding" in text and "is the operator" in text
    assert str(journal) in "".join(text.split())  # a long path is wrapped, not cut
