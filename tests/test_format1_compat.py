"""Sheets already in safes: format-1 sheets printed by release 0.1.0 (before format 2) still recombine, from their
PDFs, from 150 dpi scans of them, and from their typed lines. The PDFs are stored, not regenerated."""

from pathlib import Path

import pypdfium2
import pytest

from breakglass.format import combine
from breakglass.scan.collect import ShareCollector
from breakglass.scan.files import rasterize_pdf
from breakglass.scan.pages import scan_paths

FIXTURES = Path(__file__).parent / "fixtures" / "format1-release-0.1.0"
SHEETS = sorted(FIXTURES.glob("*.pdf"))
CREDENTIAL = b"old-format-1 sheet: AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
FINGERPRINT = "6GKZ-1H98-KSJ9-A44C"


def recombined(collector: ShareCollector):
    got = combine.recombine([f.share for f in collector.shares()])
    assert got.version == 1 and got.used == (1, 3)
    return got


def test_the_stored_sheets_are_there():
    assert len(SHEETS) == 2


def test_old_pdfs_recombine():
    collector = ShareCollector()
    for page in scan_paths(SHEETS):
        collector.add_qr_texts(page.texts, str(page.source))
    got = recombined(collector)
    assert got.credential == CREDENTIAL and got.fingerprint == FINGERPRINT


@pytest.mark.parametrize("dpi", [150])
def test_old_sheets_scanned_at_150_dpi_recombine(tmp_path, dpi):
    scans = []
    for number, sheet in enumerate(SHEETS):
        for page_number, image in enumerate(rasterize_pdf(sheet.read_bytes(), dpi=dpi)):
            path = tmp_path / f"scan-{number}-{page_number}.png"
            image.save(path)
            scans.append(path)
    collector = ShareCollector()
    for page in scan_paths(scans):
        collector.add_qr_texts(page.texts, str(page.source))
    assert recombined(collector).credential == CREDENTIAL


def test_old_typed_lines_recombine():
    collector = ShareCollector()
    for sheet in SHEETS:
        document = pypdfium2.PdfDocument(sheet.read_bytes())
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
        document.close()
        collector.add_typed_text(text, sheet.name)
    assert not collector.problems
    assert recombined(collector).credential == CREDENTIAL
