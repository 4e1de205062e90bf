"""The typed block on a sheet: the header line once, then numbered lines in columns, cut into pieces that fill
pages (a Flow for blocks.paginate). docs/FORMAT.md, "Printed layout", describes what a reader finds on paper.

Lines are drawn one text object each, column by column, so text extraction (pdftotext, pdfium) reads them in
order and a person can select and copy them.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .blocks import (
    GUTTER,
    INK,
    MONO,
    MONO_BOLD,
    MUTED,
    ZEBRA,
    Block,
    Heading,
    Mono,
    Para,
)

TYPED_SIZE = 8.5
TYPED_LEADING = 10.4
FORMAT1_LINE = 38  # characters: "001 " + 6 groups of 4 + " " + check; a format-1 sheet's stripes are this wide


class TypedPiece:
    """Some of the typed lines, in one or more columns, with the header line and instructions if it comes first."""

    def __init__(self, width: float, heading: str, intro: list[Block], lines: list[str], columns: int, first: int):
        self.width, self.heading, self.intro, self.lines = width, heading, intro, lines
        self.columns, self.first = columns, first
        self.rows = -(-len(lines) // columns)
        self.intro_height = Heading.height + sum(b.height + 1.4 * mm for b in intro)
        self.height = self.intro_height + self.rows * TYPED_LEADING

    def draw(self, c: Canvas, left: float, top: float) -> None:
        Heading(self.width, self.heading).draw(c, left, top)
        y = top - Heading.height
        for block in self.intro:
            block.draw(c, left, y)
            y -= block.height + 1.4 * mm
        column_width = (self.width - GUTTER * (self.columns - 1)) / self.columns
        # Column by column, so text extraction (pdftotext, pdfium) reads the lines in order.
        for col in range(self.columns):
            chunk = self.lines[col * self.rows : (col + 1) * self.rows]
            draw_typed_column(
                c, chunk, left + col * (column_width + GUTTER), y, column_width, self.first + col * self.rows
            )


def draw_typed_column(c: Canvas, lines: list[str], left: float, top: float, width: float, first: int) -> None:
    longest = max([FORMAT1_LINE, *(len(" ".join(line.split())) for line in lines)])
    band = min(width, c.stringWidth("0" * longest, MONO, TYPED_SIZE) + 3 * mm)
    for i, line in enumerate(lines):
        baseline = top - (i + 1) * TYPED_LEADING + 3
        if (first + i) % 2 == 0:
            c.setFillColorRGB(*ZEBRA)
            c.rect(left, baseline - 2.6, band, TYPED_LEADING, stroke=0, fill=1)
        draw_typed_line(c, line, left + 1.5 * mm, baseline)


def draw_typed_line(c: Canvas, line: str, x: float, baseline: float) -> None:
    """One typed line: number (grey), data, check (bold), one space apart.

    typed.encode_lines puts two spaces around the data; printed as such, the wide gaps line up down the page
    and pdftotext's default mode cuts the block into three columns (numbers, data, checks), which no longer
    reads back. One space keeps each line one line of text; colour and weight mark the parts instead.
    """
    number, *groups, check = line.split()
    data = " ".join(groups)
    text = c.beginText(x, baseline)
    text.setFont(MONO, TYPED_SIZE)
    text.setFillColorRGB(*MUTED)
    text.textOut(number + " ")
    text.setFillColorRGB(*INK)
    text.textOut(data + " ")
    text.setFont(MONO_BOLD, TYPED_SIZE)
    text.textOut(check)  # on a short last line too right after the data: a gap would split the line again
    c.drawText(text)


class TypedFlow:
    """The typed lines still to place; piece() cuts off as many as fit a given height. The first piece carries
    the heading, the hint and the header line; later ones a "continued" heading."""

    def __init__(
        self,
        width: float,
        header: str,
        lines: list[str],
        columns: int,
        heading: str,
        hint: str,
        continued: str,
        notes: Sequence[str] = (),
    ):
        self.width, self.header, self.lines, self.columns = width, header, lines, columns
        self.heading, self.hint, self.continued = heading, hint, continued
        self.notes = list(notes)  # paragraphs under the header line, on the first piece only
        self.placed = 0

    def piece(self, available: float) -> TypedPiece | None:
        """The next piece that fits `available` points of height, or None if not even one row fits."""
        if self.placed == 0:
            heading = self.heading
            intro: list[Block] = [
                Para(self.width, self.hint),
                Mono(self.width, self.header, TYPED_SIZE),
                *(Para(self.width, note) for note in self.notes),
            ]
        else:
            heading, intro = self.continued, []
        empty = TypedPiece(self.width, heading, intro, [], self.columns, 0)
        rows = int((available - empty.intro_height) // TYPED_LEADING)
        if rows < 1:
            return None
        remaining = self.lines[self.placed :]
        # One row holds one line: two lines side by side on a single row read as one line to text extractors.
        take = remaining[: rows * self.columns] if rows > 1 else remaining[:1]
        columns = self.columns if len(take) > rows else 1  # a short remainder reads better in one column
        piece = TypedPiece(self.width, heading, intro, take, columns, self.placed + 1)
        self.placed += len(take)
        return piece

    @property
    def done(self) -> bool:
        return self.placed >= len(self.lines)
