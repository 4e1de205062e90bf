"""Every line of text on paper goes through here: fonts per character, right-to-left runs, shaping, widths.

A line is cut into pieces drawn left to right: bidi.visual_runs orders the runs, each run is cut where the
font changes (fonts.font_for), and a piece is shaped with HarfBuzz (through ReportLab) when its script needs
it: right-to-left text (drawn in visual order, as PDF viewers and extractors expect) and scripts whose letters
combine or reorder (Indic, Thai, combining marks). A shaped left-to-right piece is wrapped in an ActualText
span holding its letters in reading order, because its glyphs (a conjunct, a vowel sign drawn before its
consonant) do not spell the text in order; right-to-left pieces extract through the ToUnicode map instead
(fonts._to_unicode_cmap). Latin, Greek, Cyrillic and CJK are drawn as plain strings.

TextCanvas is the canvas every document draws on (sizes.new_canvas): its drawString, drawRightString,
drawCentredString and stringWidth use this module, so `c.setFont(FONT, 9); c.drawString(x, y, name)` prints
any name in any script the fonts cover.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr
from reportlab.pdfgen.canvas import Canvas

from . import bidi, fonts

ELLIPSIS = "..."
MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")
# Scripts whose letters combine or reorder: Indic (Devanagari to Malayalam, Sinhala) and Thai and Lao.
SHAPED_RANGES = ((0x0900, 0x0DFF), (0x0E00, 0x0EFF))


@dataclass(frozen=True)
class Piece:
    """A run of one font and one direction, ready to draw: `drawn` is a str or a ShapedStr (glyphs)."""

    font: str
    text: str
    drawn: str
    width: float
    actual_text: str | None  # set when the glyphs do not spell the text in reading order


def needs_shaping(text: str) -> bool:
    return any(
        any(lo <= ord(ch) <= hi for lo, hi in SHAPED_RANGES) or unicodedata.category(ch) in ("Mn", "Mc", "Me")
        for ch in text
    )


def prepare(text: str) -> str:
    """Composed characters, tabs and line breaks as spaces, no direction controls (they only steer order)."""
    text = fonts.printable_form(text).replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return text


def font_runs(text: str, style: str) -> list[tuple[str, str]]:
    """(font, text) runs in logical order; a character no font has is refused (fonts.require_printable)."""
    runs: list[tuple[str, str]] = []
    for ch in text:
        if fonts.needs_no_glyph(ch) and runs:  # joiners stay with their neighbours, for the shaper
            runs[-1] = (runs[-1][0], runs[-1][1] + ch)
            continue
        font = fonts.font_for(ch, style)
        if font is None:
            if fonts.needs_no_glyph(ch):
                continue
            fonts.require_printable([text])
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((cast(str, font), ch))  # require_printable refused a character no font has
    return runs


def shaped_width(drawn: ShapedStr, size: float) -> float:
    return sum(d.x_advance for d in drawn.__shapeData__) * size / 1000


def record_glyph_texts(font: str, text: str, drawn: ShapedStr, rtl: bool) -> None:
    """Remember what each private-use glyph (a ligature, a conjunct) stands for, for the ToUnicode map."""
    face = pdfmetrics.getFont(font).face.name
    face = face.decode("latin-1") if isinstance(face, bytes) else str(face)
    starts = sorted({d.cluster for d in drawn.__shapeData__})
    for glyph, data in zip(drawn, drawn.__shapeData__, strict=False):
        if 0xE000 <= ord(glyph) <= 0xF8FF:
            following = [s for s in starts if s > data.cluster]
            letters = text[data.cluster : following[0] if following else len(text)]
            fonts.glyph_texts[(face, ord(glyph))] = letters[::-1] if rtl else letters


def make_piece(font: str, text: str, size: float, rtl: bool) -> Piece:
    if rtl and any(bidi.is_rtl_char(ch) for ch in text):
        drawn = shapeStr(text, font, size, force=True)  # HarfBuzz lays right-to-left text out right to left
        record_glyph_texts(font, text, drawn, rtl=True)
        return Piece(font, text, drawn, shaped_width(drawn, size), None)
    if rtl:  # only spaces, digits or punctuation inside right-to-left text: reversed, brackets mirrored
        drawn = text[::-1].translate(MIRRORED)
        return Piece(font, text, drawn, pdfmetrics.stringWidth(drawn, font, size), None)
    if needs_shaping(text):
        drawn = shapeStr(text, font, size, force=True)
        record_glyph_texts(font, text, drawn, rtl=False)
        return Piece(font, text, drawn, shaped_width(drawn, size), text)
    return Piece(font, text, text, pdfmetrics.stringWidth(text, font, size), None)


@lru_cache(maxsize=8192)
def layout(text: str, style: str, size: float) -> tuple[Piece, ...]:
    """The pieces of one line, in drawing order (left to right)."""
    pieces: list[Piece] = []
    for run, rtl in bidi.visual_runs(prepare(text)):
        runs = font_runs(run, style)
        if rtl:
            runs.reverse()  # a right-to-left run's font pieces are placed right to left
        pieces += [make_piece(font, part, size, rtl) for font, part in runs]
    return tuple(pieces)


def width(text: str, style: str, size: float) -> float:
    return sum(piece.width for piece in layout(text, style, size))


def draw(c: Canvas, x: float, y: float, text: str, style: str, size: float, align: str = "left") -> float:
    """Draw one line with its left end (or right end, or centre) at x on baseline y; returns its width."""
    pieces = layout(text, style, size)
    total = sum(piece.width for piece in pieces)
    x -= {"left": 0, "right": total, "centre": total / 2}[align]
    for piece in pieces:
        Canvas.setFont(c, piece.font, size)
        if piece.actual_text is not None:
            c.addLiteral(f"/Span <</ActualText <FEFF{fonts._utf16_hex(piece.actual_text)}>>> BDC")
        Canvas.drawString(c, x, y, piece.drawn)
        if piece.actual_text is not None:
            c.addLiteral("EMC")
        x += piece.width
    Canvas.setFont(c, style, size)
    return total


def fit(text: str, style: str, size: float, room: float) -> str:
    """`text`, or as much of it as fits `room` followed by '...'."""
    if width(text, style, size) <= room:
        return text
    while text and width(text + ELLIPSIS, style, size) > room:
        text = text[:-1]
    return text + ELLIPSIS


def fitting_size(text: str, style: str, size: float, room: float, smallest: float = 5.5) -> float:
    """`size`, or smaller so that `text` fits `room` (never below `smallest`)."""
    natural = width(text, style, size)
    if natural <= room or natural == 0:
        return size
    return max(smallest, size * room / natural)


def wrap(text: str, style: str, size: float, room: float) -> list[str]:
    """Lines of `text` no wider than `room`, broken at spaces; a word wider than `room` is broken where it must
    be (CJK text has no spaces to break at). Line breaks in `text` are kept. An empty text gives no lines."""
    if not text.strip():
        return []
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if width(candidate, style, size) <= room:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for piece in break_word(word, style, size, room):
                if line:
                    lines.append(line)
                line = piece
        lines.append(line)
    return _isolates_per_line(lines)


def _isolates_per_line(lines: list[str]) -> list[str]:
    """Each line a paragraph of its own for the bidi algorithm: an isolate (a name inserted into a sentence,
    bidi.isolate) cut by the wrap is closed at the end of its first line and opened again on the next, so the
    rest of the name stays isolated from the numbers and brackets beside it."""
    out: list[str] = []
    open_now: list[str] = []
    for line in lines:
        reopened = "".join(open_now) + line
        for ch in line:
            if bidi.bidi_class(ch) in bidi.ISOLATE_STARTS:
                open_now.append(ch)
            elif bidi.bidi_class(ch) == "PDI" and open_now:
                open_now.pop()
        out.append(reopened + bidi.PDI * len(open_now))
    return out


def _hyphenates(text: str) -> bool:
    """Words of alphabetic scripts written with spaces between words get a hyphen where they are cut; CJK and
    Thai (no spaces between words) and codes are cut without one."""
    if any(not (ch.isalpha() or unicodedata.category(ch).startswith("M") or ch in "-'’") for ch in text):
        return False  # a path, an address, a code: a hyphen would change what is to be copied
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(unicodedata.name(ch, "").split(" ")[0] in HYPHENATED_SCRIPTS for ch in letters)


HYPHENATED_SCRIPTS = {
    "LATIN",
    "GREEK",
    "CYRILLIC",
    "ARMENIAN",
    "GEORGIAN",
    "DEVANAGARI",
    "BENGALI",
    "GURMUKHI",
    "GUJARATI",
    "TAMIL",
    "TELUGU",
    "KANNADA",
    "MALAYALAM",
}


def break_word(word: str, style: str, size: float, room: float) -> list[str]:
    """A word cut into pieces that fit `room` (at least one character a piece). A word of an alphabetic script
    (a long surname) ends each cut piece with a hyphen, so it does not read as two words; a code (letters and
    digits, e.g. a fingerprint or path) is cut without one."""
    hyphen = "-" if _hyphenates(word) else ""
    pieces = []
    while word and width(word, style, size) > room:
        cut = len(word) - 1
        while cut > 1 and width(word[:cut] + hyphen, style, size) > room:
            cut -= 1
        pieces.append(word[:cut] + (hyphen if word[cut - 1] != "-" else ""))
        word = word[cut:]
    return [*pieces, word] if word else pieces


class TextCanvas(Canvas):
    """A reportlab canvas whose string drawing and measuring go through this module (see the docstring)."""

    def drawString(self, x, y, text, *args, **kwargs):
        draw(self, x, y, text, self._fontname, self._fontsize)

    def drawRightString(self, x, y, text, *args, **kwargs):
        draw(self, x, y, text, self._fontname, self._fontsize, align="right")

    def drawCentredString(self, x, y, text, *args, **kwargs):
        draw(self, x, y, text, self._fontname, self._fontsize, align="centre")

    def stringWidth(self, text, fontName=None, fontSize=None):
        return width(text, fontName or self._fontname, fontSize or self._fontsize)
