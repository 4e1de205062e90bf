"""The audit report as a PDF for the audit file (`breakglass audit --pdf FILE`).

Title, the journal audited, as-of date, entry count and head code, the verdict (CLEAN or N findings), a table
of findings (event code, check, message; long messages wrap), the notes, and lines for the auditor to sign.
Paper rules as for the logbook: everything inside paper.safe_area, so it prints whole on A4 and Letter.
"""

from __future__ import annotations

from pathlib import Path

from .. import __version__
from ..record.audit import AuditReport
from . import pdfkit
from .pdfkit import BOLD, FONT, GREY, INK, MONO, MONO_BOLD

TITLE = "Break-glass audit report"
GREEN = (0.05, 0.45, 0.2)
RED = (0.7, 0.08, 0.08)


def render_audit(report: AuditReport, journal_path: Path, paper: str = "a4") -> bytes:
    """The report as PDF bytes."""
    head = report.head_code or "-"
    furniture = pdfkit.Furniture(
        header_left=f"breakglass audit  ·  as of {report.as_of or '-'}",
        header_right=f"journal head {head}",
        footer_left=f"breakglass {__version__}. Each finding names the event code to look up in the journal and the paper logbook.",
        page_label=lambda page, pages: f"page {page} of {pages}",
    )

    def draw(p: pdfkit.Page) -> None:
        p.new_page()
        c = p.c
        c.setFont(BOLD, 20)
        c.drawString(p.left, p.y - 20, TITLE)
        p.y -= 34
        p.key_values([
            ("Journal", str(journal_path), MONO, 9.5),
            ("As of", report.as_of or "-", FONT, 10),
            ("Entries", str(report.entries), FONT, 10),
            ("Head code", head, MONO_BOLD, 12),
        ], label_width=100)
        p.y -= 14
        _verdict(p, report)
        if report.findings:
            p.heading("Findings", size=13, space=60)
            rows = [[[(f.code, MONO_BOLD, 8.5)], f.check, f.message] for f in report.findings]
            p.table([("Code", 0.16), ("Check", 0.13), ("Finding", 0.71)], rows, min_height=18, size=8.5,
                    continued="Findings (continued)", shade_rows={i for i in range(len(rows)) if i % 2})
            p.y -= 14
        if report.notes:
            p.heading("Notes", size=13, space=40)
            p.bullets(report.notes, size=8.5)
            p.y -= 10
        _signature(p)

    return pdfkit.render(paper, f"{TITLE} {report.as_of}",
                         lambda canvas, area, total: pdfkit.Page(canvas, area, furniture, total), draw)


def _verdict(p: pdfkit.Page, report: AuditReport) -> None:
    c = p.c
    height = 38
    p.need(height)
    color = GREEN if report.clean else RED
    c.setStrokeColorRGB(*color)
    c.setLineWidth(1.5)
    c.rect(p.left, p.y - height, p.width, height, stroke=1, fill=0)
    c.setFillColorRGB(*color)
    c.setFont(BOLD, 16)
    count = len(report.findings)
    verdict = "CLEAN" if report.clean else f"{count} finding{'s' if count != 1 else ''}"
    c.drawString(p.left + 12, p.y - 25, verdict)
    c.setFillColorRGB(*GREY)
    c.setFont(FONT, 8.5)
    explain = ("No rule was broken: the journal chain is intact and every check passed."
               if report.clean else "Each finding below is one lapse to explain or fix; the audit exits 1 until none remain.")
    x = p.left + 24 + c.stringWidth(verdict, BOLD, 16)
    lines = p.wrap(explain, FONT, 8.5, p.right - x - 10)
    for i, line in enumerate(lines[:2]):
        c.drawString(x, p.y - 17 - i * 10.5 - (5 if len(lines) == 1 else 0), line)
    c.setFillColorRGB(*INK)
    c.setStrokeColorRGB(*INK)
    p.y -= height + 16


def _signature(p: pdfkit.Page) -> None:
    p.need(110)
    p.heading("Auditor", size=13, space=90)
    p.paragraph("I have reviewed this report, the journal and the paper logbook it refers to.", size=8.5, color=GREY, gap=10)
    p.field_row([("Auditor name", ""), ("Date", "")], height=30)
    p.field_row([("Signature", "")], height=44)
