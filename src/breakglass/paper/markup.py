"""Paragraphs of wording with a little markup, wrapped to a width and drawn through paper.text.

The markup is what templates/sheet.toml allows: <b>bold</b>, <i>italic</i>, <font face="Courier">monospace
</font> (any face with "Courier" or "Mono" in its name is monospace, any other the sans), <br/>, and the
entities &amp; &lt; &gt; &quot; &#N;. Text is broken at spaces; a word wider than the line (a path, CJK text
with no spaces) is broken where it must be. Each line is drawn as runs of one style, each through text.draw,
so a name in a right-to-left script reads in its order within its run.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from ..errors import BreakglassError
from . import text
from .fonts import BOLD, FONT, MONO, MONO_BOLD

ITALIC_SLANT = math.tan(math.radians(11))  # italic is the upright face slanted: no italic faces are bundled
TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Word:
    text: str
    style: str
    italic: bool
    space_before: bool  # a space separates it from the word before (on the same line)


def style_of(bold: bool, mono: bool) -> str:
    return {(False, False): FONT, (True, False): BOLD, (False, True): MONO, (True, True): MONO_BOLD}[(bold, mono)]


def parse(markup: str) -> list[Word | None]:
    """The words of `markup` with their style; None where a <br/> breaks the line."""
    words: list[Word | None] = []
    bold = italic = False
    faces: list[bool] = []  # monospace or not, one per open <font>
    space = False
    for token in re.split(r"(<[^>]*>)", markup):
        if TAG.fullmatch(token):
            name = token.strip("<>/ ").split(" ")[0].lower()
            closing = token.startswith("</")
            if name == "b":
                bold = not closing
            elif name == "i":
                italic = not closing
            elif name == "font":
                if closing:
                    faces = faces[:-1]
                else:
                    face = re.search(r"""face\s*=\s*["']([^"']*)["']""", token)
                    faces.append(face is not None and any(m in face.group(1).lower() for m in ("courier", "mono")))
            elif name == "br":
                words.append(None)
                space = False
            else:
                raise BreakglassError(f"templates: unsupported markup {token} (use <b>, <i>, <font face=...>, <br/>)")
            continue
        plain = html.unescape(token)
        parts = plain.split(" ")
        for i, part in enumerate(parts):
            if i > 0:
                space = True
            if part:
                words.append(Word(part, style_of(bold, bool(faces) and faces[-1]), italic, space))
                space = False
    return words


class Paragraph:
    """Wrapped markup of a given width; `height` is known before drawing, as blocks need."""

    def __init__(self, markup: str, width: float, size: float, leading: float):
        self.width, self.size, self.leading = width, size, leading
        self.lines = self.break_lines(parse(markup))
        self.height = len(self.lines) * leading

    def word_width(self, word: Word) -> float:
        return text.width(word.text, word.style, self.size)

    def break_lines(self, words: list[Word | None]) -> list[list[Word]]:
        lines: list[list[Word]] = [[]]
        used = 0.0
        for word in words:
            if word is None:
                lines.append([])
                used = 0.0
                continue
            space = text.width(" ", word.style, self.size) if word.space_before and lines[-1] else 0.0
            if lines[-1] and used + space + self.word_width(word) > self.width:
                lines.append([])
                used, space = 0.0, 0.0
            if not lines[-1] and self.word_width(word) > self.width:
                pieces = text.break_word(word.text, word.style, self.size, self.width)
                for piece in pieces[:-1]:
                    lines[-1].append(Word(piece, word.style, word.italic, False))
                    lines.append([])
                word = Word(pieces[-1], word.style, word.italic, False)
            lines[-1].append(word)
            used += space + self.word_width(word)
        return [line for line in lines if line] or [[]]

    def draw(self, c: Canvas, left: float, top: float) -> None:
        baseline = top - self.size
        for line in self.lines:
            x = left
            for run, style, italic in runs_of(line):
                x += draw_run(c, x, baseline, run, style, italic, self.size)
            baseline -= self.leading


def runs_of(line: list[Word]) -> list[tuple[str, str, bool]]:
    """The line as runs of one style, spaces included, so each run is laid out (and reordered) as one."""
    runs: list[tuple[str, str, bool]] = []
    for i, word in enumerate(line):
        gap = " " if word.space_before and i > 0 else ""
        if runs and runs[-1][1:] == (word.style, word.italic):
            runs[-1] = (runs[-1][0] + gap + word.text, word.style, word.italic)
        else:
            if gap and runs:
                runs[-1] = (runs[-1][0] + gap, runs[-1][1], runs[-1][2])
            runs.append((word.text, word.style, word.italic))
    return runs


def draw_run(c: Canvas, x: float, baseline: float, run: str, style: str, italic: bool, size: float) -> float:
    if not italic:
        return text.draw(c, x, baseline, run, style, size)
    c.saveState()
    c.transform(1, 0, ITALIC_SLANT, 1, -ITALIC_SLANT * baseline, 0)  # slanted about the baseline
    drawn = text.draw(c, x, baseline, run, style, size)
    c.restoreState()
    return drawn
