"""Paper rules shared by every printed document (sheets, logbook, checklist).

All ink stays inside the area common to A4 and US Letter (210 x 279.4 mm), centred on the page, with at least
10 mm margins inside that, so one layout prints whole on either paper whatever the printer crops. PDFs are
made reproducible and anonymous: no creation time, no producer string naming the machine.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm

from . import fonts
from .text import TextCanvas

PAPER_SIZES = {"a4": A4, "letter": LETTER}
COMMON_WIDTH = 210 * mm
COMMON_HEIGHT = 279.4 * mm
MARGIN = 12 * mm  # >= 10 mm required; 2 mm spare for printers that shift the page
PRODUCER = "breakglass"


@dataclass(frozen=True)
class SafeArea:
    """The rectangle (in PDF points, origin bottom-left) where ink may go on a page of the chosen paper."""

    left: float
    bottom: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def top(self) -> float:
        return self.bottom + self.height


def page_size(paper: str) -> tuple[float, float]:
    try:
        return PAPER_SIZES[paper.lower()]
    except KeyError:
        raise ValueError(f"unknown paper size {paper!r}: use a4 or letter") from None


def safe_area(paper: str) -> SafeArea:
    width, height = page_size(paper)
    left = (width - COMMON_WIDTH) / 2 + MARGIN
    bottom = (height - COMMON_HEIGHT) / 2 + MARGIN
    return SafeArea(left, bottom, COMMON_WIDTH - 2 * MARGIN, COMMON_HEIGHT - 2 * MARGIN)


def new_canvas(paper: str, title: str) -> tuple[TextCanvas, io.BytesIO]:
    """A canvas writing to memory, with fixed timestamps and document id (invariant) and a neutral producer.

    Its text goes through paper.text (embedded fonts, any script); it starts in the bundled sans font, so no
    unembedded standard font is ever named in the PDF."""
    fonts.register_bundled()
    buffer = io.BytesIO()
    c = TextCanvas(buffer, pagesize=page_size(paper), invariant=1, pageCompression=1, initialFontName=fonts.FONT)
    c.setTitle(title)
    c.setAuthor("")
    c.setSubject("")
    c.setCreator(PRODUCER)
    c.setProducer(PRODUCER)
    return c, buffer
