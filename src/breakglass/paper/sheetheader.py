"""The top of a custodian's sheet: what every page says about whose share it is (docs/DESIGN.md, "The sheet").
FirstHeader opens page 1 (label, share and threshold, set id, fingerprint, date, custodian); ContinuedHeader is
the one line on every later page. SheetInfo is what a sheet prints besides the share itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..format.formats import AnyShare
from ..format.share import set_id_text
from .blocks import BOLD, FONT, INK, MONO_BOLD, MUTED, RULE, fitting_size, wrap
from .text import width as text_width


class SheetWords(Protocol):
    """What a header needs of the sheet's wording (sheet.Words): the templates and their filled-in text."""

    t: dict[str, Any]

    def plain(self, template: str, **extra: Any) -> str: ...

    def page_text(self, page: int, pages: int) -> str: ...


@dataclass(frozen=True)
class Custodian:
    name: str = ""
    role: str = ""
    location: str = ""

    def text(self) -> str:
        return ", ".join(part for part in (self.name, self.role, self.location) if part.strip())


@dataclass(frozen=True)
class SheetInfo:
    """Everything printed besides the share itself."""

    label: str
    fingerprint: str
    created: str
    custodian: Custodian = Custodian()
    copy: int = 1
    copies: int = 1
    contact: str = ""
    # The set's share count, printed as "of n", when it is not the share's own n: a format-1 share printed by
    # `expand` keeps the split's n in its header (docs/FORMAT.md 4.1). 0: the share's n.
    shares_made: int = 0
    rugged: bool = False  # format 2: codes.RUGGED instead of the default codes (split --rugged)


class FirstHeader:
    """Label, share and threshold, then set id, fingerprint, date and custodian, over a firm rule."""

    KICKER = 5 * mm  # the small title line with the page number
    LEADING = 17 / 15  # of the label's size
    SHARE_LINE = 6.4 * mm
    DETAIL_LABEL = 3.2 * mm
    DETAIL_LEADING = 11.0
    BOTTOM = 3.2 * mm  # space under the details, then the rule
    AFTER_RULE = 4 * mm  # between the rule and the body
    # Shares of the width: set id, fingerprint, created; the custodian takes the rest.
    DETAIL_COLUMNS = (0.215, 0.215, 0.12)

    def __init__(self, width: float, share: AnyShare, info: SheetInfo, words: SheetWords):
        h = words.t["header"]
        self.width, self.words = width, words
        self.label_size, self.label_lines = label_lines(info.label, width)
        self.share_line = words.plain(h["share_line"]) + (words.plain(h["copy_suffix"]) if info.copies > 1 else "")
        self.details = [
            (words.plain(h["set_id"]), set_id_text(share.set_id), MONO_BOLD),
            (words.plain(h["fingerprint"]), info.fingerprint, MONO_BOLD),
            (words.plain(h["created"]), info.created, FONT),
        ]
        self.custodian_label = words.plain(h["custodian"])
        self.custodian_x = sum(self.DETAIL_COLUMNS) * width
        self.custodian_size, self.custodian_lines = custodian_lines(info.custodian, width - self.custodian_x)
        self.height = (
            self.KICKER
            + len(self.label_lines) * self.label_size * self.LEADING
            + self.SHARE_LINE
            + self.DETAIL_LABEL
            + max(1, len(self.custodian_lines)) * self.DETAIL_LEADING
            + self.BOTTOM
            + self.AFTER_RULE
        )

    def draw(self, c: Canvas, left: float, top: float, page_text: str) -> None:
        c.setFillColorRGB(*MUTED)
        c.setFont(BOLD, 6.6)
        c.drawString(left, top - 6.6, self.words.plain(self.words.t["header"]["kicker"]))
        c.setFont(FONT, 7.5)
        c.drawRightString(left + self.width, top - 6.6, page_text)
        tool_right = left + self.width - c.stringWidth(page_text, FONT, 7.5) - 6 * mm
        c.setFont(FONT, 6.6)
        c.drawRightString(tool_right, top - 6.6, self.words.plain(self.words.t["header"]["tool"]))
        y = top - self.KICKER
        c.setFillColorRGB(*INK)
        c.setFont(BOLD, self.label_size)
        for line in self.label_lines:
            c.drawString(left, y - self.label_size * 0.85, line)
            y -= self.label_size * self.LEADING
        c.setFont(FONT, 10.5)
        c.drawString(left, y - 10.5 * 0.85, self.share_line)
        y -= self.SHARE_LINE
        self.draw_details(c, left, y)
        c.setStrokeColorRGB(*INK)
        c.setLineWidth(1.0)
        rule = top - self.height + self.AFTER_RULE
        c.line(left, rule, left + self.width, rule)

    def draw_details(self, c: Canvas, left: float, top: float) -> None:
        c.setStrokeColorRGB(*RULE)
        c.setLineWidth(0.4)
        c.line(left, top, left + self.width, top)
        baseline = top - self.DETAIL_LABEL - 8
        x = left
        for (label, value, font), share_of_width in zip(self.details, self.DETAIL_COLUMNS, strict=True):
            self.draw_detail_label(c, x, top, label)
            c.setFillColorRGB(*INK)
            c.setFont(font, fitting_size(value, font, 9, share_of_width * self.width - 3 * mm))
            c.drawString(x, baseline, value)
            x += share_of_width * self.width
        self.draw_detail_label(c, x, top, self.custodian_label)
        self.draw_custodian(c, x, baseline, left + self.width - x)

    def draw_detail_label(self, c: Canvas, x: float, top: float, label: str) -> None:
        c.setFillColorRGB(*MUTED)
        c.setFont(FONT, 6.2)
        c.drawString(x, top - 2.6 * mm, label)

    def draw_custodian(self, c: Canvas, x: float, baseline: float, width: float) -> None:
        if not self.custodian_lines:
            # No custodian named yet: a line to write the name on at the ceremony.
            c.setStrokeColorRGB(*INK)
            c.setLineWidth(0.5)
            c.line(x, baseline - 1.5, x + width, baseline - 1.5)
            return
        c.setFillColorRGB(*INK)
        c.setFont(FONT, self.custodian_size)
        for i, line in enumerate(self.custodian_lines):
            c.drawString(x, baseline - i * self.DETAIL_LEADING, line)


def label_lines(label: str, width: float) -> tuple[float, list[str]]:
    """The label large: 15 pt on up to two lines, else smaller (12, then 10 pt on as many as it takes)."""
    for size in (15.0, 12.0, 10.0):
        lines = wrap(label, BOLD, size, width) or [""]
        if len(lines) <= 2:
            break
    return size, lines


def custodian_lines(custodian: Custodian, width: float) -> tuple[float, list[str]]:
    """A size and the lines for the custodian: the name on its own line(s), then role and location.

    9 pt when it all fits on two lines, else 7.5 pt on as many as it takes. The name stands alone on its line
    so that text extractors read a right-to-left name in its own order, not mixed with the words after it."""
    name = custodian.name.strip()
    rest = ", ".join(part.strip() for part in (custodian.role, custodian.location) if part.strip())
    if not name:
        name, rest = rest, ""
    for size in (9.0, 7.5):
        lines = wrap(name, FONT, size, width) + wrap(rest, FONT, size, width)
        if len(lines) <= 2:
            break
    return size, lines


class ContinuedHeader:
    """One line on every later page, so a loose page still says whose share it is; a long label makes it
    smaller, down to 6.5 pt, and then two or more lines."""

    SIZE = 8.5
    SMALLEST = 6.5
    RULE_BELOW = 6.2  # points from the last baseline down to the rule
    AFTER_RULE = 3.8 * mm

    def __init__(self, width: float, words: SheetWords):
        self.width, self.words = width, words
        text = words.plain(words.t["header"]["continued"])
        room = width - text_width(words.page_text(999, 999), FONT, 7.5) - 6 * mm
        self.size = fitting_size(text, BOLD, self.SIZE, room, smallest=self.SMALLEST)
        self.lines = wrap(text, BOLD, self.size, room) or [""]
        self.leading = self.size * 1.2
        self.height = self.SIZE + (len(self.lines) - 1) * self.leading + self.RULE_BELOW + self.AFTER_RULE

    def draw(self, c: Canvas, left: float, top: float, page_text: str) -> None:
        c.setFillColorRGB(*INK)
        c.setFont(BOLD, self.size)
        for i, line in enumerate(self.lines):
            c.drawString(left, top - self.SIZE - i * self.leading, line)
        c.setFillColorRGB(*MUTED)
        c.setFont(FONT, 7.5)
        c.drawRightString(left + self.width, top - self.SIZE, page_text)
        c.setStrokeColorRGB(*INK)
        c.setLineWidth(1.0)
        rule = top - self.height + self.AFTER_RULE
        c.line(left, rule, left + self.width, rule)
