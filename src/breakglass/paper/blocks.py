"""The layout vocabulary of the custodian sheet: blocks that know their size and draw themselves.

A block has a width and a height and draws with its top-left corner at (left, top). Blocks nest (Stack, Row),
and `paginate` places a list of them on pages, letting a Flow (such as the typed lines) fill what is left of
each page. Nothing here knows what a share is: sheet.py decides what goes on the page, this module how.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from . import text
from .fonts import BOLD, FONT, MONO, MONO_BOLD
from .markup import Paragraph

__all__ = ["BOLD", "FONT", "MONO", "MONO_BOLD"]  # re-exported for sheet.py with the rest of the vocabulary
INK = (0, 0, 0)
MUTED = (0.35, 0.35, 0.35)  # labels and captions: present, but quieter than what they label
RULE = (0.55, 0.55, 0.55)
FRAME = (0.7, 0.7, 0.7)
ZEBRA = (0.93, 0.93, 0.93)  # every other typed line, so the eye does not slip a line while typing

INSET = 1.0  # points; more than half the widest line (1 pt), so strokes on the edge stay in the safe area
GUTTER = 8 * mm  # between side-by-side blocks
SECTION_GAP = 5 * mm  # between stacked blocks
MAX_EXTRA_GAP = 6 * mm  # what a page with room to spare adds to each gap
BODY_SIZE = 7.2  # DejaVu Sans is wider and taller than Helvetica: 7.2 pt reads like 7.6 did
BODY_LEADING = 9.4
HEADING_SIZE = 8.6
QUIET_MODULES = 4  # the quiet zone the QR standard asks for; kept free of ink


# --- blocks: things with a size that draw themselves with their top-left corner at (left, top) -------------


class Block(Protocol):
    width: float
    height: float

    def draw(self, c: Canvas, left: float, top: float) -> None: ...


class Flow(Protocol):
    """Content that is cut into pieces to fill pages (the typed lines): piece() returns the next piece that fits
    a given height, or None if not even the smallest piece fits."""

    @property
    def done(self) -> bool: ...

    def piece(self, available: float) -> Block | None: ...


class Para:
    """Wrapped text with simple markup (<b>, <i>, <font>), e.g. a paragraph of instructions."""

    def __init__(self, width: float, markup: str, size: float = BODY_SIZE, leading: float = BODY_LEADING):
        self.paragraph = Paragraph(markup, width, size, leading)
        self.width = width
        self.height = self.paragraph.height

    def draw(self, c: Canvas, left: float, top: float) -> None:
        c.setFillColorRGB(*INK)
        self.paragraph.draw(c, left, top)


class Heading:
    """A section title over a hairline, the only decoration a section gets."""

    height = 5.4 * mm

    def __init__(self, width: float, text: str):
        self.width, self.text = width, text

    def draw(self, c: Canvas, left: float, top: float) -> None:
        c.setFillColorRGB(*INK)
        c.setFont(BOLD, HEADING_SIZE)
        c.drawString(left, top - HEADING_SIZE, self.text)
        c.setStrokeColorRGB(*RULE)
        c.setLineWidth(0.4)
        c.line(left, top - HEADING_SIZE - 1.6 * mm, left + self.width, top - HEADING_SIZE - 1.6 * mm)


class Mono:
    """One line of selectable monospace text (a command to type), shrunk if it would not fit its width."""

    def __init__(self, width: float, text: str, size: float = 8.2, font: str = MONO_BOLD):
        self.width, self.text, self.font = width, text, font
        self.size = fitting_size(text, font, size, width - 3 * mm)
        self.height = self.size * 1.9

    def draw(self, c: Canvas, left: float, top: float) -> None:
        c.setFillColorRGB(*ZEBRA)
        c.rect(left, top - self.height + 0.6 * mm, self.width, self.height - 1.2 * mm, stroke=0, fill=1)
        c.setFillColorRGB(*INK)
        c.setFont(self.font, self.size)
        c.drawString(left + 1.5 * mm, top - self.height / 2 - self.size * 0.3, self.text)


class Spacer:
    def __init__(self, height: float, width: float = 0):
        self.width, self.height = width, height

    def draw(self, c: Canvas, left: float, top: float) -> None:
        pass


class Stack:
    """Blocks one under the other."""

    def __init__(self, width: float, parts: list[Block], gap: float = 1.6 * mm):
        self.width, self.parts, self.gap = width, parts, gap
        self.height = sum(p.height for p in parts) + gap * max(0, len(parts) - 1)

    def draw(self, c: Canvas, left: float, top: float) -> None:
        for part in self.parts:
            part.draw(c, left, top)
            top -= part.height + self.gap


class Row:
    """Blocks side by side, spread over the width: the first flush left, the last flush right."""

    def __init__(self, width: float, cells: Sequence[Block]):
        self.width, self.cells = width, cells
        self.height = max(cell.height for cell in cells)

    def draw(self, c: Canvas, left: float, top: float) -> None:
        spare = self.width - sum(cell.width for cell in self.cells)
        step = spare / (len(self.cells) - 1) if len(self.cells) > 1 else 0
        x = left
        for cell in self.cells:
            cell.draw(c, x, top)
            x += cell.width + step


class QrCode:
    """One QR code as vector rectangles, its quiet zone inside the block, a caption underneath."""

    CAPTION = 5 * mm

    def __init__(self, matrix: list[list[bool]], module: float, caption: str):
        self.matrix = matrix
        self.module, self.caption = module, caption
        self.side = (len(self.matrix) + 2 * QUIET_MODULES) * module
        self.width, self.height = self.side, self.side + self.CAPTION

    def draw(self, c: Canvas, left: float, top: float) -> None:
        self.draw_frame(c, left, top)
        quiet = QUIET_MODULES * self.module
        draw_modules(c, self.matrix, left + quiet, top - quiet, self.module)
        c.setFillColorRGB(*MUTED)
        c.setFont(FONT, 7.0)  # the body minimum (pdfkit.MIN_TEXT): the caption says which code this is
        c.drawCentredString(left + self.side / 2, top - self.side - 3.4 * mm, self.caption)

    def draw_frame(self, c: Canvas, left: float, top: float) -> None:
        # Thin corner marks on the quiet zone's outer edge show where the code's clear margin ends (nothing
        # may be written there) without putting a line around the code that a decoder could mistake for it.
        arm = 4 * mm
        c.setStrokeColorRGB(*FRAME)
        c.setLineWidth(0.5)
        right, bottom = left + self.side, top - self.side
        for x, y, dx, dy in ((left, top, 1, -1), (right, top, -1, -1), (left, bottom, 1, 1), (right, bottom, -1, 1)):
            c.line(x, y, x + dx * arm, y)
            c.line(x, y, x, y + dy * arm)


class Fields:
    """Labelled boxes to fill in by hand (bag serial, signature, date)."""

    BOX = 9 * mm
    LABEL = 3.2 * mm

    def __init__(self, width: float, labels: list[tuple[str, float]]):
        self.width, self.labels = width, labels  # (label, share of the width)
        self.height = self.LABEL + self.BOX

    def draw(self, c: Canvas, left: float, top: float) -> None:
        gap = 3 * mm
        usable = self.width - gap * (len(self.labels) - 1)
        x = left
        for label, share in self.labels:
            w = usable * share
            c.setFillColorRGB(*MUTED)
            c.setFont(FONT, 6.2)
            c.drawString(x, top - 2.3 * mm, label)
            c.setStrokeColorRGB(*INK)
            c.setLineWidth(0.6)
            c.rect(x, top - self.height, w, self.BOX, stroke=1, fill=0)
            x += w + gap


class ScaleBar:
    """50 mm in five alternating segments: a sheet printed scaled shows it, and scaled codes may not scan."""

    LENGTH = 50 * mm
    height = 9 * mm
    CAPTION = 7.0  # the body minimum (pdfkit.MIN_TEXT): the instruction is read, not decoration

    def __init__(self, label: str):
        self.label = label
        self.width = max(self.LENGTH, text.width(label, FONT, self.CAPTION))

    def draw(self, c: Canvas, left: float, top: float) -> None:
        bar_h = 2.2 * mm
        y = top - 1 * mm - bar_h
        c.setLineWidth(0.5)
        c.setStrokeColorRGB(*INK)
        for i in range(5):
            c.setFillColorRGB(*(INK if i % 2 == 0 else (1, 1, 1)))
            c.rect(left + i * 10 * mm, y, 10 * mm, bar_h, stroke=1, fill=1)
        c.setFillColorRGB(*MUTED)
        c.setFont(FONT, self.CAPTION)
        c.drawString(left, y - 3.4 * mm, self.label)


class WriteInLine:
    """A line to write on, for what was not known when the sheet was printed."""

    height = 5 * mm

    def __init__(self, width: float):
        self.width = width

    def draw(self, c: Canvas, left: float, top: float) -> None:
        c.setStrokeColorRGB(*INK)
        c.setLineWidth(0.5)
        c.line(left, top - self.height + 0.5 * mm, left + self.width, top - self.height + 0.5 * mm)


# --- pagination --------------------------------------------------------------------------------------------


def paginate(items: list, first_height: float, next_height: float, filler: Flow | None = None) -> list[list[Block]]:
    """Place blocks top to bottom, starting a page when the next does not fit; a Flow fills what is left.

    `filler`, a Flow that is also one of the items, is poured into the space a block leaves at the bottom of a
    page when it moves to the next one (the typed lines fill the gap under a row of codes that did not fit)."""
    pages: list[list[Block]] = [[]]
    available = first_height
    for item in items:
        if hasattr(item, "piece"):  # a Flow
            while not item.done:
                piece = item.piece(available)
                if piece is None:
                    if not pages[-1]:
                        raise RuntimeError(
                            "a page cannot hold the smallest piece of a flow"
                        )  # unreachable with sane sizes
                    pages.append([])
                    available = next_height
                    continue
                pages[-1].append(piece)
                available -= piece.height + SECTION_GAP
            continue
        if item.height > available and pages[-1]:
            piece = filler.piece(available) if filler is not None and not filler.done else None
            if piece is not None:
                pages[-1].append(piece)
            pages.append([])
            available = next_height
        pages[-1].append(item)
        available -= item.height + SECTION_GAP
    return pages


def stack_blocks(c: Canvas, blocks: list[Block], left: float, top: float, height: float) -> None:
    """Draw blocks top to bottom; space left over on the page widens the gaps a little, up to a limit."""
    spare = height - sum(b.height for b in blocks) - SECTION_GAP * (len(blocks) - 1)
    gap = SECTION_GAP + (min(MAX_EXTRA_GAP, spare / (len(blocks) - 1)) if len(blocks) > 1 and spare > 0 else 0)
    for block in blocks:
        block.draw(c, left, top)
        top -= block.height + gap


def dark_runs(row: list[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules in a row: one rectangle per run keeps the PDF small."""
    runs, start = [], None
    for x, dark in enumerate([*row, False]):
        if dark and start is None:
            start = x
        elif not dark and start is not None:
            runs.append((start, x - start))
            start = None
    return runs


def draw_modules(c: Canvas, matrix: list[list[bool]], left: float, top: float, module: float) -> None:
    # One fill of rectangles in module units: integer coordinates are short to write and compress well, and a
    # single fill leaves no hairline seams between rows when the page is rasterized.
    rects = "\n".join(f"{x} {y} {length} 1 re" for y, row in enumerate(matrix) for x, length in dark_runs(row))
    c.saveState()
    c.translate(left, top)
    c.scale(module, -module)
    c.setFillColorRGB(*INK)
    c.addLiteral(rects + "\nf")
    c.restoreState()


# --- text helpers ------------------------------------------------------------------------------------------


def wrap(value: str, font: str, size: float, width: float) -> list[str]:
    return text.wrap(value, font, size, width)


def fitting_size(value: str, font: str, size: float, width: float, smallest: float = 5.5) -> float:
    """`size`, or smaller so that `value` fits `width` (never below `smallest`)."""
    return text.fitting_size(value, font, size, width, smallest)
