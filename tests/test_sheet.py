"""The custodian sheet, as printed: real PDFs, rasterized and read back by real QR decoders and text extractors."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pypdfium2
import pytest
import qrcode.constants

from breakglass.format import qrtext, scheme, typed
from breakglass.format.share import set_id_text
from breakglass.paper import sheet

sys.path.insert(0, str(Path(__file__).parent / "vectors"))
from make_vectors import seeded_split  # noqa: E402

from paperchecks import (  # noqa: E402
    EXTRACTORS,
    INFO,
    ink_box,
    leak_forms,
    pages,
    pdf_streams,
    safe_box,
    text_pdfium,
    zbar_texts,
    zxing_texts,
)

try:
    from pyzbar import pyzbar
except ImportError:  # pyzbar itself, or the libzbar0 it loads, is missing
    pyzbar = None

SHORT = b"CANARY-short-7f3e91c2-credential"  # 32 bytes, distinctive so a leak would be found
MIDDLE = (b"CANARY-middle-2KiB-credential-0c41; " * 60)[:2048]
LONG = (b"CANARY-long-8KiB-credential-5b2d0e; " * 300)[:8192]


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


@pytest.fixture(scope="module")
def short_pages(short):
    return pages(short[2])


@pytest.fixture(scope="module")
def long_pages(long):
    return pages(long[2])


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
    for (share, _, _), images in zip(letter_sheets, letter_pages, strict=True):
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
