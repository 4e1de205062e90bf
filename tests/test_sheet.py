"""The custodian sheet, as printed: real PDFs, rasterized and read back by real QR decoders and text extractors."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import pypdfium2
import qrcode.constants
import pytest
import zxingcpp
from PIL import Image, ImageOps

from breakglass.paper import sizes as paper, sheet
from breakglass.format import qrtext, scheme, typed
from breakglass.format.share import set_id_text

sys.path.insert(0, str(Path(__file__).parent / "vectors"))
from make_vectors import seeded_split  # noqa: E402

try:
    from pyzbar import pyzbar
except ImportError:  # pyzbar itself, or the libzbar0 it loads, is missing
    pyzbar = None

DPI = 150
SHORT = b"CANARY-short-7f3e91c2-credential"  # 32 bytes, distinctive so a leak would be found
MIDDLE = (b"CANARY-middle-2KiB-credential-0c41; " * 60)[:2048]
LONG = (b"CANARY-long-8KiB-credential-5b2d0e; " * 300)[:8192]
INFO = sheet.SheetInfo(
    label="Test tenant root",
    fingerprint="",  # filled per split below
    created="2026-11-22",
    custodian=sheet.Custodian("Alice Able", "SRE lead", "Berlin"),
    contact="Security on-call +49 30 1234 5678",
)


def make(credential: bytes, paper_name: str = "a4", version: int = 1, **info_changes):
    """Share 2 of a 3-of-5 split and its sheet. Format 1 unless told: this file pins format 1's sheet, which
    `split --format 1` still prints unchanged; test_sheet2.py covers format 2's."""
    # Seeded: whether a decoder reads every code at 150 dpi can depend on the code's content (a random share
    # made one of 58 codes unreadable now and then), so every run prints the same sheets.
    result = seeded_split(credential, 3, 5, f"test_sheet {len(credential)}", version=version)
    share = result.shares[1]
    info = sheet.SheetInfo(**{**INFO.__dict__, "fingerprint": result.fingerprint, **info_changes})
    return share, info, sheet.render_sheet(share, info, paper_name)


@pytest.fixture(scope="module")
def short():
    return make(SHORT)


@pytest.fixture(scope="module")
def long():
    return make(LONG)


def pages(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(pdf)
    images = [page.render(scale=dpi / 72).to_pil().convert("L") for page in document]
    document.close()
    return images


@pytest.fixture(scope="module")
def short_pages(short):
    return pages(short[2])


@pytest.fixture(scope="module")
def long_pages(long):
    return pages(long[2])


def zxing_texts(images) -> list[str]:
    return [b.text for image in images for b in zxingcpp.read_barcodes(image)]


def zbar_texts(images) -> list[str]:
    # QR codes only, as breakglass asks zbar: with every symbology, zbar reads a 1-D barcode into some pages.
    return [s.data.decode("ascii") for image in images for s in pyzbar.decode(image, symbols=[pyzbar.ZBarSymbol.QRCODE])]


DECODERS = [pytest.param(zxing_texts, id="zxing-cpp"), pytest.param(zbar_texts, id="zbar")]


def needs(decoder):
    if decoder is zbar_texts and pyzbar is None:
        pytest.skip("pyzbar or libzbar0 is not installed")


def assembled(texts: list[str]):
    return qrtext.assemble([qrtext.parse_chunk(t) for t in texts])


@pytest.mark.parametrize("decoder", DECODERS)
def test_short_share_is_printed_twice_and_both_codes_scan(short, short_pages, decoder):
    needs(decoder)
    share, _, _ = short
    texts = decoder(short_pages)
    assert Counter(texts) == Counter({sheet.qr_texts(share)[0]: 2})
    assert assembled(texts) == share


@pytest.mark.parametrize("decoder", DECODERS)
def test_long_share_spills_over_pages_and_every_code_scans(long, long_pages, decoder):
    needs(decoder)
    share, _, _ = long
    expected = sheet.qr_texts(share)
    assert len(expected) > 1 and len(long_pages) > 2
    texts = decoder(long_pages)
    printed = 2 if len(expected) <= sheet.DUPLICATED_UP_TO else 1
    assert Counter(texts) == Counter({t: printed for t in expected})  # every code, twice up to 8 KiB, none missing
    assert assembled(texts) == share


def test_codes_use_the_documented_error_correction_and_size(long):
    share, _, _ = long
    texts = sheet.qr_texts(share, copy=999)  # the longest header a copy number can make
    assert all(len(qrtext.parse_chunk(t).data) <= sheet.QR_MAX_CHARS for t in texts)
    longest = max(texts, key=len)
    assert len(sheet.qr_matrix(longest)) <= 97  # version 20: two codes fit side by side at 0.8 mm a module
    assert sheet.QR_ERROR_CORRECTION in (qrcode.constants.ERROR_CORRECT_Q, qrcode.constants.ERROR_CORRECT_H)


def ink_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    """Bounding box of every pixel that is not pure white (anti-aliased edges included)."""
    return ImageOps.invert(image).getbbox()


def safe_box(paper_name: str, image: Image.Image) -> tuple[float, float, float, float]:
    """paper.safe_area in the image's pixels (origin top left)."""
    area = paper.safe_area(paper_name)
    page_width, page_height = paper.page_size(paper_name)
    sx, sy = image.width / page_width, image.height / page_height
    return (area.left * sx, (page_height - area.top) * sy, area.right * sx, (page_height - area.bottom) * sy)


@pytest.fixture(scope="module")
def letter_sheets():
    """A one-code and a several-code share on Letter (the layout is the A4 one, moved; 2 KiB keeps this quick)."""
    return [make(SHORT, "letter"), make(MIDDLE, "letter")]


@pytest.fixture(scope="module")
def letter_pages(letter_sheets):
    return [pages(pdf) for _, _, pdf in letter_sheets]


@pytest.mark.parametrize("paper_name", ["a4", "letter"])
def test_all_ink_is_inside_the_safe_area(paper_name, short_pages, long_pages, letter_pages):
    documents = [short_pages, long_pages] if paper_name == "a4" else letter_pages
    for images in documents:
        for number, image in enumerate(images, start=1):
            left, top, right, bottom = safe_box(paper_name, image)
            box = ink_box(image)
            assert box is not None, f"page {number} is blank"
            x0, y0, x1, y1 = box  # x1, y1 exclusive
            assert x0 >= left - 1 and y0 >= top - 1 and x1 <= right + 1 and y1 <= bottom + 1, (number, box)


def pdf_streams(pdf: bytes) -> list[bytes]:
    """Every stream in the file, decoded through its ASCII85 and Flate filters."""
    found = []
    for match in re.finditer(rb"<<((?:(?!endobj).)*?)>>\s*stream\r?\n(.*?)endstream", pdf, re.S):
        header, body = match.groups()
        if b"ASCII85Decode" in header:
            body = base64.a85decode(body.strip().removesuffix(b"~>"))
        else:
            body = body.removesuffix(b"\n").removesuffix(b"\r")
        if b"FlateDecode" in header:
            body = zlib.decompress(body)
        found.append(body)
    return found


def leak_forms(credential: bytes) -> list[bytes]:
    return [
        credential,
        credential[:16],
        credential.hex().encode(),
        credential.hex().upper().encode(),
        base64.b64encode(credential),
        base64.b32encode(credential).rstrip(b"="),
    ]


@pytest.mark.parametrize("which", ["short", "long"])
def test_the_credential_is_nowhere_in_the_pdf(which, request):
    credential = SHORT if which == "short" else LONG
    _, _, pdf = request.getfixturevalue(which)
    streams = pdf_streams(pdf)
    # Every page's content was inflated (the other streams are the embedded fonts and their ToUnicode maps).
    assert sum(b" Tj" in s for s in streams) >= len(pypdfium2.PdfDocument(pdf))
    for blob in [pdf, *streams]:
        for form in leak_forms(credential):
            assert form not in blob
    assert b"CANARY" not in pdf and not any(b"CANARY" in s for s in streams)


def test_pdf_says_nothing_about_the_machine_or_the_time(short):
    share, info, pdf = short
    document = pypdfium2.PdfDocument(pdf)
    metadata = document.get_metadata_dict()
    document.close()
    assert metadata["Producer"] == "breakglass" and metadata["Creator"] == "breakglass"
    assert metadata["Author"] == "" and metadata["Subject"] == ""
    assert metadata["CreationDate"].startswith("D:2000") and metadata["ModDate"].startswith("D:2000")
    assert sheet.render_sheet(share, info) == pdf  # nothing in it depends on when or where it was made


def text_pdfium(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    return text


def text_pdftotext(pdf: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed")
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


EXTRACTORS = [pytest.param(text_pdftotext, id="pdftotext"), pytest.param(text_pdfium, id="pdfium")]


@pytest.mark.parametrize("extract", EXTRACTORS)
@pytest.mark.parametrize("which", ["short", "long"])
def test_text_layer_names_the_share_and_holds_the_typed_lines(which, extract, request):
    share, info, pdf = request.getfixturevalue(which)
    text = extract(pdf)
    flat = " ".join(text.split())
    for expected in [set_id_text(share.set_id), info.fingerprint, info.label, info.custodian.name, "any 3 recover it"]:
        assert expected in flat
    assert " ".join(typed.header_line(share).split()) in flat
    for line in typed.encode_lines(share):
        assert " ".join(line.split()) in flat
    pages_total = len(pypdfium2.PdfDocument(pdf))
    for page in range(1, pages_total + 1):
        assert f"page {page} of {pages_total}" in flat


@pytest.mark.parametrize("extract", EXTRACTORS)
@pytest.mark.parametrize("which", ["short", "long"])
def test_typed_lines_from_the_text_layer_read_back_to_the_share(which, extract, request):
    share, _, pdf = request.getfixturevalue(which)
    reading = typed.read_text(extract(pdf))
    assert reading.problems == [] and reading.notes == []
    assert reading.shares == [share]


def test_recovery_commands_and_scale_bar_are_printed(short):
    flat = " ".join(text_pdfium(short[2]).split())
    assert "ceremony/release.md" in flat  # the Recovery box sends the reader to the release script
    assert "breakglass recombine --journal JOURNAL" in flat and "--typed FILE" in flat
    assert "this bar must measure 50 mm" in flat


def test_copies_are_named_on_the_sheet_and_in_the_codes():
    share, info, pdf = make(SHORT, copy=2, copies=3)
    flat = " ".join(text_pdfium(pdf).split())
    assert "copy 2 of 3" in flat
    assert " ".join(typed.header_line(share, 2).split()) in flat
    assert {qrtext.parse_chunk(t).copy for t in zxing_texts(pages(pdf))} == {2}


def test_letter_paper_reads_back_too(letter_sheets, letter_pages):
    for (share, _, _), images in zip(letter_sheets, letter_pages):
        assert assembled(zxing_texts(images)) == share


def test_blank_custodian_and_contact_leave_lines_to_write_on():
    share, _, pdf = make(SHORT, custodian=sheet.Custodian(), contact="")
    assert len(pypdfium2.PdfDocument(pdf)) == 1
    assert typed.read_text(text_pdfium(pdf)).shares == [share]


@pytest.mark.slow  # about 20 s: 162 codes, each with qrcode's mask search in pure Python
def test_the_largest_credential_renders():
    share = scheme.split(b"\x00" * scheme.MAX_CREDENTIAL, 2, 3, version=1).shares[0]
    pdf = sheet.render_sheet(share, INFO, "letter")
    assert pdf.startswith(b"%PDF") and len(pypdfium2.PdfDocument(pdf)) > 20


def test_filenames():
    share = scheme.split(SHORT, 3, 5).shares[1]
    assert sheet.sheet_filename("AWS org management root", share) == "aws-org-management-root-share-2-of-5.pdf"
    assert sheet.sheet_filename("AWS root", share, 2, 3) == "aws-root-share-2-of-5-copy-2.pdf"
    assert sheet.sheet_filename("AWS root", share, 1, 1) == "aws-root-share-2-of-5.pdf"
    assert sheet.sheet_filename("DEMO — Zoë's café / prod", share) == "demo-zoe-s-cafe-prod-share-2-of-5.pdf"
    assert sheet.sheet_filename("../../", share) == "credential-share-2-of-5.pdf"
