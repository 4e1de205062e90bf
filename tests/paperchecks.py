"""Checks shared by the tests of every printed document: the paper rules of paper.py, measured on the render."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from breakglass.paper import sizes as paper


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
