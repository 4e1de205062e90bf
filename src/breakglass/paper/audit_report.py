"""The audit report as a PDF for the audit file (`breakglass audit --pdf FILE`).

Title; the credential (its label, what the sheets hold at which provider and principal, the set ids); the window
and the journal (entries, head code, the code from paper); the verdict (CLEAN, PENDING, N findings, or CANNOT
AUDIT); each part of the credential after each release, with the provider record that confirms it or why not;
what was read (each input's role, path, kind, size and SHA-256, so the report can be tied to
the exact files); every rule with pass, fail or not checked (and why not); the findings (where, rule, message,
wrapped); the notes; lines for the auditor to sign. Everything inside paper.safe_area, on A4 and Letter.
"""

from __future__ import annotations

from .. import __version__
from ..record.audit import CANNOT_AUDIT, PENDING, AuditReport, cited
from ..record.findings import FAIL, NOT_CHECKED
from . import pdfkit
from .pdfkit import BOLD, FONT, GREY, INK, MONO, MONO_BOLD

TITLE = "Break-glass audit report"
GREEN = (0.05, 0.45, 0.2)
RED = (0.7, 0.08, 0.08)
AMBER = (0.72, 0.42, 0.0)


def render_audit(report: AuditReport, paper: str = "a4") -> bytes:
    """The report as PDF bytes."""
    head = report.head_code or "-"
    furniture = pdfkit.Furniture(
        header_left=f"breakglass audit  ·  as of {report.as_of or '-'}",
        header_right=f"journal head {head}",
        footer_left=f"breakglass {__version__}. Each finding names the event code or logbook row to look up.",
        page_label=lambda page, pages: f"page {page} of {pages}",
    )

    def draw(p: pdfkit.Page) -> None:
        p.new_page()
        p.c.setFont(BOLD, 20)
        p.c.drawString(p.left, p.y - 20, TITLE)
        p.y -= 34
        p.key_values(
            [
                ("Credential", report.label or "(no label in the journal)", BOLD, 10),
                (
                    "Held at provider",
                    report.credential or "not named (no [credential] in the journal or --config)",
                    FONT,
                    9,
                ),
                ("Sets", ", ".join(report.sets) or "-", MONO, 9),
                ("Window", f"{report.window_start or '(no entries)'}  to  {report.as_of or '-'}", FONT, 10),
                ("Journal entries", f"{report.entries} ({report.audited} inside the window)", FONT, 10),
                ("Head code", head, MONO_BOLD, 12),
                ("Code on paper", report.head_given or "not given (--head)", MONO if report.head_given else FONT, 10),
            ],
            label_width=100,
        )
        p.y -= 14
        _verdict(p, report)
        _parts(p, report)
        _inputs(p, report)
        _rules(p, report)
        if report.findings:
            p.heading("Findings", size=13, space=60)
            rows = [[[(f.where, MONO_BOLD, 8.5)], f.rule, f.message] for f in report.findings]
            p.table(
                [("Where", 0.13), ("Rule", 0.15), ("Finding", 0.72)],
                rows,
                min_height=18,
                size=8.5,
                continued="Findings (continued)",
                shade_rows={i for i in range(len(rows)) if i % 2},
            )
            p.y -= 14
        if report.notes:
            p.heading("Notes", size=13, space=40)
            p.bullets(report.notes, size=8.5)
            p.y -= 10
        _signature(p)

    return pdfkit.render(
        paper, f"{TITLE} {report.as_of}", lambda canvas, area, total: pdfkit.Page(canvas, area, furniture, total), draw
    )


def _verdict(p: pdfkit.Page, report: AuditReport) -> None:
    c = p.c
    height = 38
    p.need(height)
    color = GREEN if report.clean else AMBER if report.verdict == PENDING else RED
    c.setStrokeColorRGB(*color)
    c.setLineWidth(1.5)
    c.rect(p.left, p.y - height, p.width, height, stroke=1, fill=0)
    c.setFillColorRGB(*color)
    c.setFont(BOLD, 16)
    count = len(report.findings)
    if report.verdict == CANNOT_AUDIT:
        verdict, explain = (
            "CANNOT AUDIT",
            "The journal's chain is broken: no rule after it was applied. Find out why first.",
        )
    elif report.verdict == PENDING:
        verdict = "PENDING"
        explain = (
            f"No finding, but {len(report.pending)} part(s) of the credential are not yet shown changed at the "
            "provider after a release still inside its rotation deadline. Not clean: audit again with the "
            "provider's records (exit 4 until then)."
        )
    elif report.clean:
        skipped = ", ".join(r.id for r in report.not_checked)
        verdict = "CLEAN"
        explain = "No rule that was applied found a lapse." + (f" Not checked: {skipped}." if skipped else "")
    else:
        verdict = f"{count} finding{'s' if count != 1 else ''}"
        explain = "Each finding below is one lapse to explain or fix; the audit exits 1 until none remain."
    c.drawString(p.left + 12, p.y - 25, verdict)
    c.setFillColorRGB(*GREY)
    c.setFont(FONT, 8.5)
    x = p.left + 24 + c.stringWidth(verdict, BOLD, 16)
    lines = p.wrap(explain, FONT, 8.5, p.right - x - 10)
    for i, line in enumerate(lines[:3]):
        c.drawString(x, p.y - 13 - i * 10 - (5 if len(lines) == 1 else 0), line)
    c.setFillColorRGB(*INK)
    c.setStrokeColorRGB(*INK)
    p.y -= height + 16


def _parts(p: pdfkit.Page, report: AuditReport) -> None:
    if not report.parts:
        return
    p.heading("At the provider, after each release", size=13, space=60)
    rows = []
    for part in report.parts:
        shown = [(cited(e), FONT, 7.5) for e in part["evidence"]] or [(part.get("why", ""), FONT, 7.5)]
        rows.append(
            [
                [(part["release"], MONO_BOLD, 8), (part["released"][:10], FONT, 7.5)],
                part["part"],
                [(part["status"].upper(), BOLD, 8)],
                shown,
            ]
        )
    p.table(
        [("Release", 0.13), ("Part", 0.12), ("Status", 0.13), ("Confirmed by (file, event, time), or why not", 0.62)],
        rows,
        min_height=18,
        size=8,
        continued="At the provider (continued)",
    )
    p.y -= 14


def _inputs(p: pdfkit.Page, report: AuditReport) -> None:
    p.heading("What was read", size=13, space=60)
    rows = [
        [
            [(i.role, BOLD, 8.5)],
            [(i.shown_path, MONO, 7.5), (i.kind, FONT, 7.5), (f"SHA-256 {i.sha256}", MONO, 7)],
            str(i.size),
        ]
        for i in report.inputs
    ]
    p.table(
        [("Input", 0.12), ("File, what it was read as, and its SHA-256", 0.74), ("Bytes", 0.14)],
        rows,
        min_height=18,
        size=8,
        continued="What was read (continued)",
    )
    p.y -= 14


def _rules(p: pdfkit.Page, report: AuditReport) -> None:
    p.heading("Rules applied", size=13, space=60)
    rows = []
    for r in report.rules:
        status = r.status.upper() + (f" ({r.findings})" if r.status == FAIL else "")
        detail = [(r.title, FONT, 7.8)] + (
            [(f"not checked: {r.why_not}", FONT, 7.3)] if r.status == NOT_CHECKED else []
        )
        rows.append([[(r.id, MONO_BOLD, 8)], detail, [(status, BOLD, 8)]])
    p.table(
        [("Rule", 0.18), ("What it checks", 0.64), ("Result", 0.18)],
        rows,
        min_height=16,
        size=8,
        continued="Rules applied (continued)",
    )
    p.y -= 14


def _signature(p: pdfkit.Page) -> None:
    p.need(110)
    p.heading("Auditor", size=13, space=90)
    p.paragraph(
        "I have reviewed this report, the journal and the paper logbook it refers to.", size=8.5, color=GREY, gap=10
    )
    p.field_row([("Auditor name", ""), ("Date", "")], height=30)
    p.field_row([("Signature", "")], height=44)
