"""Every kind of PDF breakglass prints, made through the real CLI (in this process) with long names and labels
in many scripts: sheets in both formats, logbooks of a split, a rotation, an expansion and a reshare,
checklists of a release, an expansion and a reshare, and the audit report. Used by tests/test_paper_text.py
and by scripts/paper_gallery.py (which renders them to PNG for a person to look at)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
from click.testing import CliRunner

from breakglass.cli.main import cli
from breakglass.errors import BreakglassError
from breakglass.record.journal import read_journal

LABEL = "AWS organisation management account root — 根账户 · حساب الجذر · मुख्य खाता · บัญชีหลัก"
CUSTODIANS = [
    "Maximiliane Wolfeschlegelsteinhausenbergerdorff",  # a Latin name longer than any cell
    "محمد عبد الله الهاشمي",
    "דוד כהן-לוי",
    "प्रिया शर्मा",
    "สมชาย ใจดี",
    "王秀英",
]
OPERATOR, WITNESS = "فاطمة الزهراء", "אברהם גולדברג"  # both right-to-left
PEOPLE = ["--operator", OPERATOR, "--witness", WITNESS]
NEW_CUSTODIAN = "Ngozi Chukwuemeka-Adebayo-Okonkwo"
KINDS = (
    "sheet-format2",
    "sheet-format1",
    "logbook-split",
    "logbook-rotation",
    "logbook-expansion",
    "logbook-reshare",
    "checklist-release",
    "checklist-expansion",
    "checklist-reshare",
    "audit",
)


def _run(*args, when: str) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"BREAKGLASS_FAKE_TIME": when})
    if isinstance(result.exception, BreakglassError):
        raise AssertionError(f"breakglass {args[0]}: {result.exception}\n{result.output}")
    assert result.exit_code == 0 and result.exception is None, f"{args}: {result.exception!r}\n{result.output}"
    return result.output


def _typed(folder: Path, shares, dest: Path) -> list:
    args = []
    for pdf in sorted(folder.glob("*-share-*.pdf")):
        if int(pdf.name.split("-share-")[1].split("-")[0]) in shares:
            path = dest / f"{folder.name}-{pdf.stem}.txt"
            path.write_text("\n".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(pdf)))
            args += ["--typed", path]
    return args


def make_gallery(base: Path) -> dict[str, Path]:
    """Make every kind in `base`; returns kind -> PDF path."""
    journal = base / "journal.jsonl"
    (base / "secret").write_bytes(b"gallery credential " * 40)
    (base / "changed").write_bytes(b"gallery credential after the change " * 30)
    names = [a for name in CUSTODIANS for a in ("--custodian", name)]
    _run(
        "split",
        "-k",
        "3",
        "-n",
        "6",
        "--label",
        LABEL,
        "--secret-file",
        base / "secret",
        "--out",
        base / "f1",
        "--format",
        "1",
        "--no-scan-check",
        *names,
        when="2026-01-04T09:00:00Z",
    )
    _run(
        "split",
        "-k",
        "3",
        "-n",
        "6",
        "--label",
        LABEL,
        "--secret-file",
        base / "secret",
        "--out",
        base / "split",
        "--journal",
        journal,
        "--no-scan-check",
        *PEOPLE,
        *names,
        when="2026-01-05T10:00:00Z",
    )
    out = {
        "sheet-format2": sorted((base / "split").glob("*-share-2-*.pdf"))[0],
        "sheet-format1": sorted((base / "f1").glob("*-share-2-*.pdf"))[0],
    }
    old = _typed(base / "split", {1, 2, 3}, base)
    _run(
        "recombine",
        "--journal",
        journal,
        *PEOPLE,
        "--incident",
        "INC-2041 خلل",
        "--reason",
        "Identity provider outage — انقطاع",
        "--out",
        base / "released.bin",
        *old,
        when="2026-02-01T02:00:00Z",
    )
    release = read_journal(journal)[-1].code
    _run(
        "expand",
        "--journal",
        journal,
        *PEOPLE,
        "--custodian",
        NEW_CUSTODIAN,
        "--replaces",
        "6",
        "--out",
        base / "expanded",
        "--no-scan-check",
        *old,
        when="2026-02-10T10:00:00Z",
    )
    expand = read_journal(journal)[-1].code
    _run(
        "reshare",
        "--journal",
        journal,
        *PEOPLE,
        "--out",
        base / "reshared",
        "--no-scan-check",
        *old,
        when="2026-03-01T10:00:00Z",
    )
    reshare = read_journal(journal)[-1].code
    new = _typed(base / "reshared", {1, 2, 3}, base)
    _run(
        "rotate",
        "--journal",
        journal,
        *PEOPLE,
        "--secret-file",
        base / "changed",
        "--out",
        base / "rotated",
        "--no-scan-check",
        *new,
        when="2026-04-01T10:00:00Z",
    )
    for kind, folder in (
        ("split", "split"),
        ("expansion", "expanded"),
        ("reshare", "reshared"),
        ("rotation", "rotated"),
    ):
        out[f"logbook-{kind}"] = base / f"logbook-{kind}.pdf"
        _run(
            "logbook",
            "--manifest",
            base / folder / "manifest.json",
            "--journal",
            journal,
            "--out",
            out[f"logbook-{kind}"],
            when="2026-04-02T10:00:00Z",
        )
    for kind, code in (("release", release), ("expansion", expand), ("reshare", reshare)):
        out[f"checklist-{kind}"] = base / f"checklist-{kind}.pdf"
        _run(
            "checklist",
            "--journal",
            journal,
            "--event",
            code,
            "--out",
            out[f"checklist-{kind}"],
            when="2026-04-02T10:00:00Z",
        )
    out["audit"] = base / "audit.pdf"
    result = CliRunner().invoke(
        cli,
        ["audit", "--journal", str(journal), "--as-of", "2026-04-02", "--pdf", str(out["audit"])],
        env={"BREAKGLASS_FAKE_TIME": "2026-04-02T10:00:00Z"},
    )
    assert out["audit"].exists(), result.output
    return out
