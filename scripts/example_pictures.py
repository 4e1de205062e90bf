"""Render every docs/example-*.png from what the tool prints today (needs pdftoppm), and record beside them, in
docs/example-pictures.json, a digest of each pictured page's text layer and layout. tests/test_example_pictures.py
renders the same documents again and fails when a digest differs: the picture no longer shows what the tool
prints, so run this script again.

    python scripts/example_pictures.py

Everything is fixed (credential, randomness, dates, names), so the documents are the same on every run; the
package fingerprint printed on them (which changes with every source file) is left out of the digest.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DIGESTS = DOCS / "example-pictures.json"
NAMES = [
    ("Zażółć Gęślą", "Warszawa"),
    ("Nguyễn Văn Ánh", "Hà Nội"),
    ("Αλέξανδρος Παπαδόπουλος", "Αθήνα"),
    ("Дмитрий Иванов", "Москва"),
    ("王秀英", "北京"),
    ("山田 花子", "東京"),
    ("김민준", "서울"),
    ("محمد عبد الله", "الرياض"),
    ("דוד כהן", "תל אביב"),
    ("प्रिया शर्मा", "मुंबई"),
]
# picture -> (document, pages shown side by side, 1-based)
PICTURES = {
    "example-sheet": ("sheet", [1]),
    "example-logbook-1": ("logbook", [1]),
    "example-logbook-2": ("logbook", [3]),
    "example-logbook-3": ("logbook", [7]),
    "example-names": ("names", [5]),
    "example-checklist": ("checklist", [1, 2]),
}
PICTURED_PACKAGE = "0000-0000-0000-0000"  # a logbook prints its manifest's package fingerprint
PACKAGE = re.compile(r"[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}|\d+\.\d+\.\d+")


def _fixed_random(label: bytes):
    counter = itertools.count()

    def random_bytes(n: int) -> bytes:  # deterministic demo bytes, so the pictures are reproducible
        return b"".join(hashlib.sha256(label + b" %d" % next(counter)).digest() for _ in range(n // 32 + 1))[:n]

    return random_bytes


def documents() -> dict[str, bytes]:
    """Every pictured document, rendered in memory."""
    from breakglass.format import scheme
    from breakglass.format.share import set_id_text
    from breakglass.paper import checklist, logbook, sheet
    from breakglass.record import manifest
    from breakglass.record.config import load_config
    from breakglass.record.journal import append_event, read_journal

    split = scheme.split(b"demo-only: correct horse battery staple", 3, 5, random_bytes=_fixed_random(b"demo"))
    info = sheet.SheetInfo(
        label="DEMO — example credential, not real",
        fingerprint=split.fingerprint,
        created="2026-11-22",
        custodian=sheet.Custodian("Alice Example", "Platform security lead", "Berlin office safe"),
        contact="Security on-call, +49 30 1234 5678 (example)",
    )
    out = {"sheet": sheet.render_sheet(split.shares[1], info, "a4")}
    config = load_config(ROOT / "ceremony" / "example.toml")
    custodians = [
        {
            "share": s.share,
            "copy": s.copy,
            "name": s.custodian.name,
            "role": s.custodian.role,
            "location": s.custodian.location,
        }
        for s in config.sheets()
        if s.custodian
    ]
    with tempfile.TemporaryDirectory() as folder:
        journal = Path(folder) / "journal.jsonl"
        set_text = set_id_text(split.set_id)
        sheets = [{"share": c["share"], "copy": c["copy"], "holder": c["name"]} for c in custodians]
        when = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
        append_event(
            journal,
            "split",
            set_id=set_text,
            shares=[1, 2, 3, 4, 5],
            fingerprint=split.fingerprint,
            operator=config.administrator.name,
            witness=config.witness.name,
            now=when,
            extra={"k": 3, "n": 5, "label": config.label, "sheets": sheets},
        )
        append_event(
            journal,
            "release",
            set_id=set_text,
            shares=[1, 2, 4],
            fingerprint=split.fingerprint,
            operator=config.administrator.name,
            witness=config.witness.name,
            now=when.replace(day=30),
            extra={"incident": "INC-2041", "reason": config.permitted_uses[0], "used": [1, 2, 4]},
        )
        entries = read_journal(journal)
    document = manifest.build(
        set_id=set_text,
        fingerprint=split.fingerprint,
        k=3,
        n=5,
        label=config.label,
        created="2026-11-22T10:00:00Z",
        sheets=[],
        custodians=custodians,
        event_code=entries[0].code,
    )
    document["package"] = PICTURED_PACKAGE  # what the tool printed it with, fixed: see layout_digest
    out["logbook"] = logbook.render_logbook(logbook.gather(document, config, entries[:1]), "a4")
    names = scheme.split(b"demo-only credential", 3, len(NAMES), random_bytes=_fixed_random(b"names"))
    named = manifest.build(
        set_id=set_id_text(names.set_id),
        fingerprint=names.fingerprint,
        k=3,
        n=len(NAMES),
        label="DEMO — 根账户 · حساب",
        created="2026-12-02T10:00:00Z",
        sheets=[],
        custodians=[
            {"share": i, "copy": 1, "name": name, "role": "Custodian", "location": place}
            for i, (name, place) in enumerate(NAMES, start=1)
        ],
    )
    named["package"] = PICTURED_PACKAGE
    out["names"] = logbook.render_logbook(logbook.gather(named), "a4")
    out["checklist"] = checklist.render_checklist(
        entries[1], config=config, holders=sheets, label=config.label, paper="a4", k=3
    )
    return out


def layout_digest(pdf: bytes, page_number: int) -> str:
    """SHA-256 of one page's text layer: every character with its box (to 0.1 pt) and size, the package
    fingerprint and version masked (they change with every source file, and are drawn right-aligned)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    page = pdfium.PdfDocument(pdf)[page_number - 1]
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    masked = {i for m in PACKAGE.finditer(text) for i in range(m.start(), m.end())}
    line = text.split("\n", 1)[0]
    rows = []
    for i in range(textpage.count_chars()):
        ch = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i))
        if i in masked or ch.isspace() or (line and i < len(line) and PACKAGE.search(line)):
            continue  # the running header line that carries the package fingerprint moves with it
        box = textpage.get_charbox(i)
        rows.append(f"{ch} {' '.join(f'{v:.1f}' for v in box)} {pdfium_c.FPDFText_GetFontSize(textpage.raw, i):.1f}")
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def digests(docs: dict[str, bytes] | None = None) -> dict[str, list[str]]:
    docs = docs or documents()
    return {name: [layout_digest(docs[doc], page) for page in pages] for name, (doc, pages) in PICTURES.items()}


def main() -> int:
    from PIL import Image

    docs = documents()
    with tempfile.TemporaryDirectory() as folder:
        for name, (doc, pages) in PICTURES.items():
            pdf = Path(folder) / f"{doc}.pdf"
            pdf.write_bytes(docs[doc])
            images = []
            for page in pages:
                stem = Path(folder) / f"{name}-{page}"
                subprocess.run(
                    [
                        "pdftoppm",
                        "-r",
                        "75",
                        "-png",
                        "-singlefile",
                        "-f",
                        str(page),
                        "-l",
                        str(page),
                        str(pdf),
                        str(stem),
                    ],
                    check=True,
                )
                images.append(Image.open(f"{stem}.png"))
            picture = Image.new("RGB", (sum(i.width for i in images), max(i.height for i in images)), "white")
            x = 0
            for image in images:
                picture.paste(image, (x, 0))
                x += image.width
            picture.save(DOCS / f"{name}.png", optimize=True)
            print(DOCS / f"{name}.png")
    DIGESTS.write_text(json.dumps(digests(docs), indent=2, sort_keys=True) + "\n")
    print(DIGESTS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
