"""The text layer of a rendered PDF, measured: pieces of text (the PDF's text objects) with their boxes, and
every character with its box and size. What tests/test_paper_text.py checks every document against."""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


@dataclass(frozen=True)
class Char:
    page: int
    index: int
    text: str
    size: float
    box: tuple[float, float, float, float]  # left, bottom, right, top in points


@dataclass(frozen=True)
class Piece:
    page: int
    text: str
    box: tuple[float, float, float, float]


def chars(pdf) -> list[Char]:
    out = []
    document = pdfium.PdfDocument(pdf)
    for number, page in enumerate(document, start=1):
        textpage = page.get_textpage()
        for i in range(textpage.count_chars()):
            ch = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i))
            if ch.isspace() or not ch.isprintable():
                continue
            out.append(
                Char(number, i, ch, round(pdfium_c.FPDFText_GetFontSize(textpage.raw, i), 2), textpage.get_charbox(i))
            )
    return out


def pieces(pdf) -> list[Piece]:
    """Each text object: its text and its box (as the viewer would draw it)."""
    out = []
    document = pdfium.PdfDocument(pdf)
    for number, page in enumerate(document, start=1):
        textpage = page.get_textpage()
        for obj in page.get_objects(max_depth=4):
            if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            left, bottom, right, top = obj.get_bounds()
            text = textpage.get_text_bounded(left, bottom, right, top).strip()
            out.append(Piece(number, text, (left, bottom, right, top)))
    return out


def overlaps(items: list[Piece], tolerance: float = 0.6) -> list[tuple[Piece, Piece]]:
    """Pairs of text pieces on one page whose boxes, each shrunk by `tolerance` points, still intersect."""
    found = []
    by_page: dict[int, list[Piece]] = {}
    for p in items:
        by_page.setdefault(p.page, []).append(p)
    for page_items in by_page.values():
        boxes = sorted(page_items, key=lambda p: p.box[0])
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                if b.box[0] + tolerance >= a.box[2] - tolerance:
                    break
                if (
                    min(a.box[3], b.box[3]) - tolerance > max(a.box[1], b.box[1]) + tolerance
                    and min(a.box[2], b.box[2]) - tolerance > max(a.box[0], b.box[0]) + tolerance
                ):
                    found.append((a, b))
    return found
