"""Scan-back verification refuses sheets that do not read back as generated, before anything is written."""

import io

import pytest
import zxingcpp
from PIL import ImageDraw

from breakglass.ceremonies import scanback
from breakglass.errors import BreakglassError
from breakglass.format import scheme
from breakglass.paper import codes, sheet
from breakglass.scan.files import rasterize_pdf

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
    import io

    from reportlab.pdfgen import canvas

    result = scheme.split(SECRET, 2, 2)
    buffer = io.BytesIO()
    blank = canvas.Canvas(buffer)
    blank.showPage()
    blank.save()
    sheets = [rendered(result, 1), scanback.RenderedSheet("blank.pdf", result.shares[1], 1, buffer.getvalue())]
    with pytest.raises(BreakglassError, match=r"blank\.pdf: zxing-cpp could not read (\d+) of \1 QR code"):
        scanback.verify(sheets, result, SECRET)


def test_a_wrong_credential_would_be_caught():
    result = scheme.split(SECRET, 2, 2)
    with pytest.raises(BreakglassError, match="do not recombine to the credential"):
        scanback.verify([rendered(result, 1), rendered(result, 2)], result, SECRET + b"!")


def test_format_2_every_code_must_read_even_when_the_parity_would_cover_it():
    """A fresh sheet that already leans on its parity codes has less margin than it promises: refused."""
    result = scheme.split(SECRET * 40, 2, 3, version=2)
    good = rendered(result, 1)
    plan = codes.code_plan(result.shares[0])
    assert plan.parity >= 1  # one code lost would still leave the share readable
    pages = list(rasterize_pdf(good.pdf, dpi=150))
    first = next(i for i, page in enumerate(pages) if zxingcpp.read_barcodes(page))
    box = zxingcpp.read_barcodes(pages[first])[0].position
    ImageDraw.Draw(pages[first]).rectangle(
        [box.top_left.x, box.top_left.y, box.bottom_right.x, box.bottom_right.y], fill=255
    )
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=150, save_all=True, append_images=pages[1:])
    damaged = scanback.RenderedSheet("sheet-1.pdf", result.shares[0], 1, buffer.getvalue())
    with pytest.raises(
        BreakglassError, match=rf"sheet-1\.pdf: zxing-cpp could not read 1 of {len(plan.texts)} QR code"
    ):
        scanback.verify([damaged, rendered(result, 2), rendered(result, 3)], result, SECRET * 40)


def test_format_2_parity_codes_that_do_not_rebuild_the_share_are_caught(monkeypatch):
    """Every code reads, the data codes alone rebuild the share, but a parity code carries wrong bytes."""
    result = scheme.split(SECRET * 40, 2, 3, version=2)
    real_plan = codes.code_plan

    def misprinted(share, copy=1, style=None):
        plan = real_plan(share, copy, style)
        last = plan.texts[-1]
        wrong = last[:-1] + ("A" if last[-1] != "A" else "B")
        return codes.CodePlan([*plan.texts[:-1], wrong], plan.data, plan.style)

    monkeypatch.setattr(codes, "code_plan", misprinted)
    with pytest.raises(BreakglassError, match=r"sheet-1\.pdf: the share read back differs"):
        scanback.verify([rendered(result, i) for i in (1, 2, 3)], result, SECRET * 40)


def test_a_decoder_that_misses_a_code_at_150_dpi_gets_a_second_look_at_200(monkeypatch):
    """zbar now and then misses one code of a whole page at one resolution and reads it at another: the code is
    sound. A code missed at both resolutions still stops the ceremony (the blank-PDF test above)."""
    result = scheme.split(SECRET * 40, 2, 3, version=2)
    sheets = [rendered(result, i) for i in (1, 2, 3)]
    dropped = codes.code_plan(result.shares[0]).texts[0]
    real = scanback.decode_image
    looks = []

    def quirky(image, decoders, retry):
        found = real(image, decoders, retry=retry)
        looks.append(image.width)
        if image.width < 1300:  # an A4 page at 150 dpi is 1240 pixels wide, at 200 dpi 1654
            found = {name: [t for t in texts if t != dropped] for name, texts in found.items()}
        return found

    monkeypatch.setattr(scanback, "decode_image", quirky)
    checks, _ = scanback.verify(sheets, result, SECRET * 40)
    assert len(checks) == 3 and max(looks) > 1300  # sheet 1 was looked at again, at 200 dpi
