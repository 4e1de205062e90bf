"""The audit report PDF: verdict, findings table with wrapped messages, notes, inside the safe area."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from breakglass.record.audit import AuditReport, Finding
from breakglass.paper.audit_report import render_audit
from breakglass.record.journal import append_event
from paperchecks import ink_problems, page_count

LONG = "release of set 1A2B-3C4D-5E6F-7081 on 2026-12-01 was not followed by a rotation within 7 days " * 3
REPORT = AuditReport(
    findings=[
        Finding("1WFS-4MPJ", "rotation", LONG.strip()),
        Finding("APHC-XAM0", "witness", "drill on 2026-11-22: the witness (Alice) is the operator"),
        Finding("row 7", "logbook", "logbook row 7 (release on 2027-01-02) has an event code that is not in the journal"),
    ],
    notes=["K7Q2-9XMB: release of set 1A2B-3C4D-5E6F-7081 on 2027-05-30 awaits rotation (due by 2027-06-06)"],
    entries=12, head_code="K7Q2-9XMB", as_of="2027-06-01",
)


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def test_report_text():
    text = pdf_text(render_audit(REPORT, Path("/srv/records/journal.jsonl")))
    flat = " ".join(text.split())
    for expected in ["/srv/records/journal.jsonl", "2027-06-01", "12", "K7Q2-9XMB", "3 findings", "1WFS-4MPJ",
                     "APHC-XAM0", "row 7", "rotation", "witness", "the witness (Alice) is the operator",
                     "awaits rotation (due by 2027-06-06)", "Auditor name", "Signature", "page 1 of 1"]:
        assert expected in flat, expected
    assert " ".join(LONG.split()) in flat  # wrapped, not cut
    assert "CLEAN" not in text


def test_clean_report():
    text = pdf_text(render_audit(AuditReport(entries=3, head_code="K7Q2-9XMB", as_of="2027-06-01"), Path("j.jsonl")))
    assert "CLEAN" in text and "Findings" not in text


@pytest.mark.parametrize("size", ["a4", "letter"])
def test_ink_inside_safe_area_and_many_findings_page_over(size):
    report = AuditReport(findings=[Finding(f"row {i}", "bags", LONG) for i in range(40)], entries=1, as_of="2027-06-01")
    pdf = render_audit(report, Path("j.jsonl"), paper=size)
    pages = page_count(pdf)
    assert pages >= 2
    assert ink_problems(pdf, size) == []
    text = pdf_text(pdf)
    assert "row 39" in text and "40 findings" in text and f"page {pages} of {pages}" in text


def test_audit_command_writes_pdf(tmp_path):
    from breakglass.cli.main import cli

    journal = tmp_path / "journal.jsonl"
    append_event(journal, "split", set_id="1A2B-3C4D-5E6F-7081", shares=[1, 2, 3], fingerprint="GG7A-6H24-R1SZ-DES3",
                 operator="Alice", witness="Alice", extra={"k": 2, "n": 3},
                 now=datetime(2026, 11, 22, tzinfo=timezone.utc))
    out = tmp_path / "audit.pdf"
    result = CliRunner().invoke(cli, ["audit", "--journal", str(journal), "--as-of", "2026-11-23", "--pdf", str(out)])
    assert result.exit_code == 1  # the witness is the operator
    text = pdf_text(out.read_bytes())
    assert "1 finding" in text and "is the operator" in text
    assert str(journal) in "".join(text.split())  # a long path is wrapped, not cut
