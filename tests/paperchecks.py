"""Checks shared by the tests of every printed document: the paper rules of paper.py, measured on the render;
and the custodian sheet's readers (pages, QR decoders, text extractors, leak checks) that test_sheet.py and
test_sheet2.py share; the format-2 sheets of every size (SIZES, make) and their drawn geometry (geometry) that
test_sheet2.py, test_folds.py and test_rugged.py share; pdf_text. Not a test module."""

from __future__ import annotations

import base64
import ctypes
import re
import shutil
import subprocess
import zlib

import pypdfium2
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp
from PIL import Image, ImageOps
from reportlab.lib.units import mm

from breakglass.paper import codes, sheet
from breakglass.paper import sizes as paper

try:
    from pyzbar import pyzbar
except ImportError:  # pyzbar itself, or the libzbar0 it loads, is missing
    pyzbar = None


def page_count(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def ink_problems(pdf: bytes, size: str, dpi: int = 50) -> list[str]:
    """Every page rendered at `dpi`: the page size must be the paper's, the page must carry ink, and all ink
    (any pixel darker than 250) must lie inside paper.safe_area, with 1 px of tolerance for anti-aliasing."""
    area = paper.safe_area(size)
    width, height = paper.page_size(size)
    scale = dpi / 72
    left, right = area.left * scale - 1, area.right * scale + 1
    top, bottom = (height - area.top) * scale - 1, (height - area.bottom) * scale + 1
    problems = []
    document = pdfium.PdfDocument(pdf)
    try:
        for number, page in enumerate(document, start=1):
            if (page.get_width(), page.get_height()) != pytest.approx((width, height)):
                problems.append(f"page {number} is not {size}")
            image = page.render(scale=scale, grayscale=True).to_pil()
            box = image.point(lambda v: 255 if v < 250 else 0).getbbox()  # bounding box of the ink
            if box is None:
                problems.append(f"page {number} is blank")
            elif not (box[0] >= left and box[1] >= top and box[2] - 1 <= right and box[3] - 1 <= bottom):
                problems.append(f"{size} page {number}: ink outside the safe area, ink box {box}")
    finally:
        document.close()
    return problems


DPI = 150


INFO = sheet.SheetInfo(
    label="Test tenant root",
    fingerprint="",  # filled per split below
    created="2026-11-22",
    custodian=sheet.Custodian("Alice Able", "SRE lead", "Berlin"),
    contact="Security on-call +49 30 1234 5678",
)


def pages(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(pdf)
    images = [page.render(scale=dpi / 72).to_pil().convert("L") for page in document]
    document.close()
    return images


def zxing_texts(images) -> list[str]:
    return [b.text for image in images for b in zxingcpp.read_barcodes(image)]


def zbar_texts(images) -> list[str]:
    # QR codes only, as breakglass asks zbar: with every symbology, zbar reads a 1-D barcode into some pages.
    return [
        s.data.decode("ascii") for image in images for s in pyzbar.decode(image, symbols=[pyzbar.ZBarSymbol.QRCODE])
    ]


def ink_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    """Bounding box of every pixel that is not pure white (anti-aliased edges included)."""
    return ImageOps.invert(image).getbbox()


def safe_box(paper_name: str, image: Image.Image) -> tuple[float, float, float, float]:
    """paper.safe_area in the image's pixels (origin top left)."""
    area = paper.safe_area(paper_name)
    page_width, page_height = paper.page_size(paper_name)
    sx, sy = image.width / page_width, image.height / page_height
    return (area.left * sx, (page_height - area.top) * sy, area.right * sx, (page_height - area.bottom) * sy)


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


# ---------------------------------------------------------------- format-2 sheets and their geometry

SIZES = {"32 B": 32, "300 B": 300, "2 KiB": 2048, "8 KiB": 8192}


def credential(size: int) -> bytes:
    return (b"CANARY-format2-%d-credential; " % size * (size // 20 + 1))[:size]


def make(size: int, paper_name: str = "a4", **info_changes):
    """(share 2, its SheetInfo, its format-2 sheet PDF) of a seeded 3-of-5 split of credential(size)."""
    from make_vectors import seeded_split  # tests/vectors, on sys.path from conftest.py

    result = seeded_split(credential(size), 3, 5, f"sheet2 {size}", version=2)
    share = result.shares[1]
    info = sheet.SheetInfo(**{**INFO.__dict__, "fingerprint": result.fingerprint, **info_changes})
    return share, info, sheet.render_sheet(share, info, paper_name)


def geometry(pdf: bytes) -> list[dict]:
    """Per page: the filled squares of QR modules (left, bottom, right, top in points, quiet zone added) and the
    stroked lines (x0, y0, x1, y1) longer than 20 mm and thinner than 0.5 mm."""
    found = []
    for page in pypdfium2.PdfDocument(pdf):
        squares, lines = [], []
        for obj in page.get_objects():
            if obj.type != pdfium_c.FPDF_PAGEOBJ_PATH:
                continue
            left, bottom, right, top = obj.get_bounds()
            fill, stroke = ctypes.c_int(), ctypes.c_int()
            pdfium_c.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke))
            w, h = right - left, top - bottom
            if fill.value and w > 30 * mm and abs(w - h) < 1:  # a code's modules
                quiet = w / (17 + 4 * codes.STYLE.version) * 4  # the quiet zone: 4 modules
                squares.append((left - quiet, bottom - quiet, right + quiet, top + quiet))
            elif stroke.value and max(w, h) > 20 * mm and min(w, h) < 0.5 * mm:
                lines.append((left, bottom, right, top))
        found.append({"codes": squares, "lines": lines})
    return found


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
