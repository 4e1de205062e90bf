"""Scan-back verification refuses sheets that do not read back as generated, before anything is written."""

import pytest

from breakglass.ceremonies import scanback
from breakglass.format import scheme
from breakglass.paper import sheet
from breakglass.errors import BreakglassError

SECRET = b"scanback-credential"


def rendered(result, index, pdf_from=None):
    share = result.shares[index - 1]
    source = (pdf_from or result).shares[index - 1]
    info = sheet.SheetInfo(label="Scan-back", fingerprint=result.fingerprint, created="2026-11-22")
    return scanback.RenderedSheet(f"sheet-{index}.pdf", share, 1, sheet.render_sheet(source, info))


def test_good_sheets_verify_with_every_decoder_and_every_subset():
    result = scheme.split(SECRET, 2, 3)
    checks, subsets = scanback.verify([rendered(result, i) for i in (1, 2, 3)], result, SECRET)
    assert subsets == 3
    assert all(set(c.decoders) >= {"zxing-cpp"} and c.typed_ok for c in checks)


def test_a_sheet_carrying_another_share_is_refused_by_name():
    result, other = scheme.split(SECRET, 2, 3), scheme.split(SECRET, 2, 3)
    sheets = [rendered(result, 1), rendered(result, 2, pdf_from=other), rendered(result, 3)]
    with pytest.raises(BreakglassError, match=r"sheet-2\.pdf: .*nothing was saved"):
        scanback.verify(sheets, result, SECRET)


def test_a_blank_pdf_is_refused():
    from reportlab.pdfgen import canvas
    import io

    result = scheme.split(SECRET, 2, 2)
    buffer = io.BytesIO()
    blank = canvas.Canvas(buffer)
    blank.showPage()
    blank.save()
    sheets = [rendered(result, 1), scanback.RenderedSheet("blank.pdf", result.shares[1], 1, buffer.getvalue())]
    with pytest.raises(BreakglassError, match=r"blank\.pdf: zxing-cpp could not read 1 of 1 QR code"):
        scanback.verify(sheets, result, SECRET)


def test_a_wrong_credential_would_be_caught():
    result = scheme.split(SECRET, 2, 2)
    with pytest.raises(BreakglassError, match="do not recombine to the credential"):
        scanback.verify([rendered(result, 1), rendered(result, 2)], result, SECRET + b"!")
