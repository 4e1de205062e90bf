"""Drawing helpers shared by the printed forms (logbook, checklist, audit report).

A `Page` draws on a reportlab canvas with a cursor `y` moving down the content area of the current page,
starts new pages when something does not fit, and puts the same furniture on every page: a header line
(left and right texts), a footer line (a note and "page p of P"). All ink stays inside the sizes.SafeArea it
is given. `render` draws a document twice, the first time only to count the pages.

Table cells are text, a list of (text, font, size) paragraphs, or the string "[ ]" for a centred checkbox.
A paragraph whose font is BOXES draws a row of labelled checkboxes (text is the list of labels); CODE draws
a label and eight empty boxes to write an event code in (text is the label; size is the box size); LINE
draws a label followed by a rule to write on (text is the label).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import TypeVar, cast

from . import sizes
from .fonts import BOLD, FONT, MONO, MONO_BOLD
from .text import fit as fit_text
from .text import fitting_size
from .text import wrap as wrap_text

__all__ = ["BOLD", "FONT", "MONO", "MONO_BOLD"]  # re-exported: the printed forms import the styles from here
INK = (0.0, 0.0, 0.0)
GREY = (0.35, 0.35, 0.35)
RULE = (0.55, 0.55, 0.55)
SHADE = (0.92, 0.92, 0.92)
PAD = 3.0
# The smallest text drawn outside the running header and footer: text that does not fit wraps, never shrinks
# below this (tests/test_paper_text.py measures it on every document).
MIN_TEXT = 7.0
HEADER_H = 22.0
FOOTER_H = 20.0

# Pseudo-fonts for table paragraphs (see the module docstring).
BOXES = "boxes"
CODE = "code"
LINE = "line"
CHECK = "[ ]"


@dataclass(frozen=True)
class Furniture:
    """What every page carries. `page_label(page, pages)` gives the footer's right text, e.g. "page 1 of 3"."""

    header_left: str
    header_right: str
    footer_left: str
    page_label: Callable[[int, int], str]


class Page:
    """Drawing on the canvas, with a cursor `y` moving down the content area of the current page."""

    def __init__(self, canvas, area: sizes.SafeArea, furniture: Furniture | None, total: int | None):
        self.c = canvas
        self.area = area
        self.furniture = furniture
        self.total = total
        self.page = 0
        inset = 1.0  # strokes are centred on their path: keep half a line width from the edge, and a little more
        self.left = area.left + inset
        self.width = area.width - 2 * inset
        self.right = area.right - inset
        self.top = area.top - HEADER_H
        self.bottom = area.bottom + FOOTER_H
        self.y = self.top

    # ---- pages

    def page_furniture(self) -> Furniture:
        if self.furniture is None:
            raise NotImplementedError("give a Furniture or override page_furniture")
        return self.furniture

    def new_page(self) -> None:
        if self.page:
            self.c.showPage()
        self.page += 1
        self._furniture()
        self.y = self.top

    def _furniture(self) -> None:
        c, a, f = self.c, self.area, self.page_furniture()
        c.setStrokeColorRGB(*RULE)
        c.setLineWidth(0.6)
        c.setFillColorRGB(*GREY)
        c.setFont(FONT, 7.5)
        c.drawString(a.left, a.top - 8, f.header_left)
        rule = self._header_right(f.header_right, a.width - c.stringWidth(f.header_left, FONT, 7.5) - 20)
        c.line(a.left, rule, a.right, rule)
        c.line(a.left, a.bottom + 12, a.right, a.bottom + 12)
        pages = self.total if self.total is not None else 0
        page_text = f.page_label(self.page, pages)
        c.drawRightString(a.right, a.bottom + 3, page_text)
        footer = self.fit(f.footer_left, FONT, 7, a.width - c.stringWidth(page_text, FONT, 7.5) - 20)
        c.setFont(FONT, 7)
        c.drawString(a.left, a.bottom + 3, footer)
        c.setFillColorRGB(*INK)
        c.setStrokeColorRGB(*INK)

    def _header_right(self, value: str, room: float) -> float:
        """The header's right text (a label, which may be long): one line, shrunk to MIN_TEXT at most, then cut
        with an ellipsis (the cover prints it whole; wrapped, a last word stood alone on a second line);
        returns the height of the rule under the header."""
        c, a = self.c, self.area
        size = fitting_size(value, FONT, 7.5, room, smallest=MIN_TEXT)
        c.setFont(FONT, size)
        c.drawRightString(a.right, a.top - 8, self.fit(value, FONT, size, room))
        c.setFont(FONT, 7.5)
        return a.top - 12

    def need(self, height: float) -> bool:
        """Start a new page if `height` does not fit; True if it did."""
        if self.y - height < self.bottom:
            self.new_page()
            return True
        return False

    def rows_left(self, row_height: float, header: float = 20) -> int:
        return max(0, int((self.y - self.bottom - header) // row_height))

    # ---- text

    def document_title(self, title: str, subtitle: str, size: float = 20, subtitle_size: float = 10.5) -> None:
        """A document's title in bold with a grey subtitle under it (the subtitle cut to the width)."""
        c = self.c
        c.setFont(BOLD, size)
        c.drawString(self.left, self.y - size, title)
        self.y -= size * 1.36
        c.setFillColorRGB(*GREY)
        c.setFont(FONT, subtitle_size)
        c.drawString(self.left, self.y - subtitle_size, self.fit(subtitle, FONT, subtitle_size, self.width))
        c.setFillColorRGB(*INK)
        self.y -= subtitle_size * 2.2

    def fit(self, text: str, font: str, size: float, width: float) -> str:
        return fit_text(text, font, size, width)

    def wrap(self, value: str, font: str, size: float, width: float) -> list[str]:
        """Lines no wider than `width`; a word too long for it (a path, a name in a script without spaces) is
        broken across lines rather than cut short. Line breaks are kept; an empty text is one empty line."""
        lines: list[str] = []
        for para in value.split("\n"):
            lines += wrap_text(para, font, size, width) or [""]
        return lines

    def title(self, text: str, size: float = 15) -> None:
        self.need(size + 30)
        self.c.setFont(BOLD, size)
        self.c.drawString(self.left, self.y - size, text)
        self.y -= size + 8

    def heading(self, text: str, size: float = 10, space: float = 40) -> None:
        """A section heading, kept with at least `space` points of what follows."""
        self.need(size + space)
        self.c.setFont(BOLD, size)
        self.c.drawString(self.left, self.y - size, text)
        self.y -= size + 6

    def paragraph(
        self, text: str, size: float = 9, font: str = FONT, gap: float = 6, color=INK, indent: float = 0
    ) -> None:
        lines = self.wrap(text, font, size, self.width - indent)
        lead = size * 1.3
        self.need(lead * min(len(lines), 3))
        self.c.setFillColorRGB(*color)
        self.c.setFont(font, size)
        for line in lines:
            self.need(lead)
            self.c.setFont(font, size)
            self.c.setFillColorRGB(*color)
            self.c.drawString(self.left + indent, self.y - size, line)
            self.y -= lead
        self.c.setFillColorRGB(*INK)
        self.y -= gap

    def bullets(self, items, size: float = 8.5) -> None:
        for item in items:
            lines = self.wrap(item, FONT, size, self.width - 12)
            lead = size * 1.3
            self.need(lead * len(lines))
            self.c.setFont(FONT, size)
            self.c.drawString(self.left + 2, self.y - size, "-")
            for line in lines:
                self.c.drawString(self.left + 12, self.y - size, line)
                self.y -= lead
            self.y -= 2

    # ---- form elements

    def checkbox(self, x: float, y: float, size: float = 8) -> None:
        self.c.setLineWidth(0.8)
        self.c.rect(x, y, size, size, stroke=1, fill=0)

    def code_boxes(self, x: float, y: float, box: float = 16, code: str | None = None) -> float:
        """Eight boxes for an event code (XXXX-XXXX), filled in if known; returns the width used."""
        chars = code.replace("-", "") if code else ""
        c = self.c
        c.setLineWidth(0.8)
        cx = x
        for i in range(8):
            if i == 4:
                c.setFont(BOLD, box * 0.7)
                c.drawCentredString(cx + 5, y + box * 0.3, "-")
                cx += 10
            c.rect(cx, y, box, box, stroke=1, fill=0)
            if chars:
                c.setFont(MONO_BOLD, box * 0.8)
                c.drawCentredString(cx + box / 2, y + box * 0.22, chars[i])
            cx += box
        return cx - x

    @staticmethod
    def code_boxes_width(box: float = 16) -> float:
        return 8 * box + 10

    def field(
        self,
        x: float,
        width: float,
        label: str,
        value: str = "",
        size: float = 8.5,
        height: float = 26,
        font: str = FONT,
    ) -> None:
        """A labelled box to write in (label small at the top), with `value` printed if known."""
        c = self.c
        c.setLineWidth(0.6)
        c.rect(x, self.y - height, width, height, stroke=1, fill=0)
        c.setFillColorRGB(*GREY)
        c.setFont(FONT, MIN_TEXT)
        c.drawString(x + PAD, self.y - 8, self.fit(label, FONT, MIN_TEXT, width - 2 * PAD))
        c.setFillColorRGB(*INK)
        if value:
            c.setFont(font, size)
            c.drawString(x + PAD, self.y - height + 5, self.fit(value, font, size, width - 2 * PAD))

    def field_row(self, items: list[tuple[str, str]], height: float = 26, gap: float = 0) -> None:
        self.need(height)
        width = self.width / len(items)
        for i, (label, value) in enumerate(items):
            self.field(self.left + i * width, width, label, value, height=height)
        self.y -= height + gap

    def rule(self, width: float = 0.6, color=INK) -> None:
        self.c.setStrokeColorRGB(*color)
        self.c.setLineWidth(width)
        self.c.line(self.left, self.y, self.right, self.y)
        self.c.setStrokeColorRGB(*INK)

    def key_values(self, rows: list[tuple[str, str, str, float]], label_width: float = 112) -> None:
        """Label / value lines between thin rules, as on a cover: (label, value, font, size) each."""
        c = self.c
        value_w = self.width - label_width
        self.rule(1.2)
        for i, (label, value, font, size) in enumerate(rows):
            lines = self.wrap(value or "-", font, size, value_w - 2 * PAD)
            # A label longer than its column wraps there: drawn on one line it ran under the value.
            labels = self.wrap(label, FONT, 8, label_width - 2 * PAD)
            height = max(18, len(lines) * size * 1.25 + 8, len(labels) * 10 + 8)
            self.need(height)
            ty = self.y - 4
            c.setFillColorRGB(*GREY)
            c.setFont(FONT, 8)
            for n, text in enumerate(labels):
                c.drawString(self.left + PAD, ty - min(size, 10) - 10 * n, text)
            c.setFillColorRGB(*INK)
            for line in lines:
                c.setFont(font, size)
                c.drawString(self.left + label_width, ty - size, line)
                ty -= size * 1.25
            self.y -= height
            self.rule(1.2 if i == len(rows) - 1 else 0.4, INK if i == len(rows) - 1 else RULE)

    # ---- tables

    def _layout_cell(self, cell, w: float, size: float) -> list[tuple]:
        """A cell as drawable lines: (text, font, size, height) for text, or (item, pseudo-font, size, height)."""
        if cell == CHECK:
            return []
        paras = [(cell, FONT, size)] if isinstance(cell, str) else cell
        inner = w - 2 * PAD
        out: list[tuple] = []
        for text, font, sz in paras:
            if font == BOXES:
                row: list[str] = []
                used = 0.0
                for label in text:
                    need = sz + 4 + self.c.stringWidth(label, FONT, sz) + 12
                    if row and used + need > inner:
                        out.append((row, BOXES, sz, sz * 1.6))
                        row, used = [], 0.0
                    row.append(label)
                    used += need
                if row:
                    out.append((row, BOXES, sz, sz * 1.6))
            elif font == CODE:
                out.append((text, CODE, sz, sz + 8))
            elif font == LINE:
                out.append((text, LINE, sz, sz * 2.0))
            elif text:
                out += [(line, font, size_, size_ * 1.25) for line, size_ in self._cell_lines(text, font, sz, inner)]
        return out

    def _cell_lines(self, value: str, font: str, size: float, width: float) -> list[tuple[str, float]]:
        """A cell's text as (line, size): a text that fits one line at up to a fifth smaller (a name) is
        shrunk to stay whole, so it reads and extracts as one line; anything longer wraps at `size`."""
        smallest = max(size * 0.8, MIN_TEXT)  # never below the body minimum: a command or name wraps instead
        if "\n" not in value and self.c.stringWidth(value, font, smallest) <= width:
            return [(value, fitting_size(value, font, size, width, smallest=smallest))]
        return [(line, size) for line in self.wrap(value, font, size, width)]

    def _draw_cell_line(self, x: float, top: float, w: float, item, font: str, sz: float) -> None:
        c = self.c
        if font == BOXES:
            cx = x + PAD
            for label in item:
                self.checkbox(cx, top - sz - 1, sz)
                c.setFont(FONT, sz)
                c.drawString(cx + sz + 4, top - sz, label)
                cx += sz + 4 + c.stringWidth(label, FONT, sz) + 12
        elif font == CODE:
            c.setFont(FONT, 8)
            c.drawString(x + PAD, top - sz * 0.5 - 7, item)
            start = x + PAD + (c.stringWidth(item, FONT, 8) + 8 if item else 0)
            self.code_boxes(start, top - sz - 4, box=sz)
        elif font == LINE:
            c.setFont(FONT, sz)
            c.drawString(x + PAD, top - sz * 1.5, item)
            start = x + PAD + c.stringWidth(item, FONT, sz) + 4
            c.setLineWidth(0.4)
            c.line(start, top - sz * 1.5 - 1, x + w - PAD - 2, top - sz * 1.5 - 1)
        else:
            c.setFont(font, sz)
            c.drawString(x + PAD, top - sz, item)

    def table(
        self,
        columns: list[tuple[str, float]],
        rows: list[list],
        *,
        min_height: float = 20,
        size: float = 8.5,
        head_size: float = 7.5,
        continued: str = "",
        shade_rows: set[int] | None = None,
    ) -> None:
        """A grid with a shaded header row repeated on each page. Column widths are fractions of the width.
        A cell is text, a list of (text, font, size) paragraphs, or the string "[ ]" for a checkbox.
        Rows whose index is in `shade_rows` get a light background."""
        widths = [f * self.width for _, f in columns]
        heads = [self.wrap(t, BOLD, head_size, w - 2 * PAD) for (t, _), w in zip(columns, widths, strict=True)]
        head_h = max(len(h) for h in heads) * head_size * 1.2 + 2 * PAD

        def header() -> None:
            c = self.c
            c.setFillColorRGB(*SHADE)
            c.rect(self.left, self.y - head_h, self.width, head_h, stroke=0, fill=1)
            c.setFillColorRGB(*INK)
            x = self.left
            for lines, w in zip(heads, widths, strict=True):
                c.setFont(BOLD, head_size)
                for j, line in enumerate(lines):
                    c.drawString(x + PAD, self.y - PAD - head_size * (j + 1) * 1.2 + 1.5, line)
                x += w
            self._grid(widths, head_h)
            self.y -= head_h

        self.need(head_h + min_height)
        header()
        for index, row in enumerate(rows):
            cells = [self._layout_cell(cell, w, size) for cell, w in zip(row, widths, strict=True)]
            height = max([min_height] + [sum(item[3] for item in lines) + 2 * PAD + 2 for lines in cells])
            if self.need(height):
                if continued:
                    self.c.setFont(FONT, 8)
                    self.c.setFillColorRGB(*GREY)
                    self.c.drawString(self.left, self.y - 8, continued)
                    self.c.setFillColorRGB(*INK)
                    self.y -= 14
                header()
            if shade_rows and index in shade_rows:
                self.c.setFillColorRGB(0.97, 0.97, 0.97)
                self.c.rect(self.left, self.y - height, self.width, height, stroke=0, fill=1)
                self.c.setFillColorRGB(*INK)
            x = self.left
            for cell, lines, w in zip(row, cells, widths, strict=True):
                if cell == CHECK:
                    self.checkbox(x + w / 2 - 4.5, self.y - height / 2 - 4.5, 9)
                ty = self.y - PAD
                for item, font, sz, lead in lines:
                    self._draw_cell_line(x, ty, w, item, font, sz)
                    ty -= lead
                x += w
            self._grid(widths, height)
            self.y -= height

    def _grid(self, widths: list[float], height: float) -> None:
        c = self.c
        c.setLineWidth(0.6)
        c.setStrokeColorRGB(*INK)
        c.rect(self.left, self.y - height, self.width, height, stroke=1, fill=0)
        x = self.left
        for w in widths[:-1]:
            x += w
            c.line(x, self.y, x, self.y - height)


P = TypeVar("P", bound=Page)  # the page type a document draws on


def render(
    paper_size: str, title: str, make_page: Callable[[object, sizes.SafeArea, int | None], P], draw: Callable[[P], None]
) -> bytes:
    """Draw a document twice: once to count the pages, then with "page p of P" filled in."""
    area = sizes.safe_area(paper_size)
    total = None
    buffer = None
    for _ in range(2):
        canvas, buffer = sizes.new_canvas(paper_size, title)
        page = make_page(canvas, area, total)
        draw(page)
        canvas.showPage()
        canvas.save()
        total = page.page
    return cast(BytesIO, buffer).getvalue()  # the loop ran
