"""The fonts every printed page uses: bundled TrueType fonts, embedded as subsets, picked per character.

Four styles are drawn (FONT, BOLD, MONO, MONO_BOLD); each is the name of a registered font and the head of a
fallback chain. A character is drawn in the first font of its style's chain that has a glyph for it: DejaVu
(Latin, Greek, Cyrillic, Hebrew, Arabic, ...), then Noto Sans for the Indic scripts and Thai, then Droid Sans
Fallback (Chinese, Japanese, Korean), then any font added with `--font PATH` (add_font). The fonts ship
inside the package (breakglass/fonts/, with their licences), so a pip-only install prints the same on every
machine; docs/DESIGN.md ("Fonts") says why these, and what --font is for.

ReportLab embeds only the glyphs used (a subset per document) with a ToUnicode map, so text can be searched
and extracted. This module replaces the function that writes that map (see _to_unicode_cmap) so that shaped
glyphs extract as the letters they stand for rather than as presentation forms or private codes.

    require_printable(texts)   refuse, before anything is printed, a character no font has
    font_for(ch, style)        the font that draws `ch` in `style`, or None
    add_font(path)             a TrueType font to fall back on after the bundled ones
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from ..errors import BreakglassError
from ..system.inputs import MAX_FONT, read_input
from .fontcheck import check_font

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
MONO = "DejaVuSansMono"
MONO_BOLD = "DejaVuSansMono-Bold"

# After DejaVu, in the order tried: the Indic scripts and Thai (Noto Sans), then Chinese, Japanese and Korean
# (Droid Sans Fallback: TrueType outlines, which ReportLab can embed; Noto Sans CJK has CFF outlines, which it
# cannot). Bold falls back to regular where a script has no bold face here.
SCRIPT_FONTS = (
    "NotoSansDevanagari-Regular",
    "NotoSansBengali-Regular",
    "NotoSansGujarati-Regular",
    "NotoSansGurmukhi-Regular",
    "NotoSansKannada-Regular",
    "NotoSansMalayalam-Regular",
    "NotoSansTamil-Regular",
    "NotoSansTelugu-Regular",
    "NotoSansThai-Regular",
    "DroidSansFallback",
)
BOLD_SCRIPT_FONTS = ("NotoSansDevanagari-Bold", *SCRIPT_FONTS)
CHAINS = {
    FONT: (FONT, *SCRIPT_FONTS),
    BOLD: (BOLD, FONT, *BOLD_SCRIPT_FONTS),
    MONO: (MONO, FONT, *SCRIPT_FONTS),
    MONO_BOLD: (MONO_BOLD, BOLD, FONT, *BOLD_SCRIPT_FONTS),
}
BUNDLED = (FONT, BOLD, MONO, MONO_BOLD, *BOLD_SCRIPT_FONTS)
FONT_OPTION_HINT = "add a TrueType (.ttf) font that has it with --font PATH"

_added: list[str] = []  # fonts given with --font, tried after the bundled ones, in the order given


def bundled_path(name: str) -> Path:
    return Path(str(resources.files("breakglass").joinpath("fonts", f"{name}.ttf")))


@cache
def register_bundled() -> None:
    """Register the bundled fonts with ReportLab (once; loading them takes a moment)."""
    for name in BUNDLED:
        pdfmetrics.registerFont(TTFont(name, bundled_path(name), shapable=True))


def add_font(path: Path) -> str:
    """Register a TrueType font from `path` as a last fallback for every style; returns its name."""
    register_bundled()
    name = f"added-{len(_added) + 1}-{path.stem}"
    # Read like every input: a FIFO, device or folder is refused by name at once, an absurd size before reading.
    data = read_input(path, "--font", MAX_FONT)
    check_font(data, str(path))  # before the parser: what the font claims is bounded (paper/fontcheck.py)
    try:
        font = TTFont(name, io.BytesIO(data), shapable=True)
    except TTFError as e:
        if "postscript outlines" in str(e).lower():
            raise BreakglassError(
                f"--font {path} has PostScript (CFF) outlines, which cannot be embedded: use a TrueType-outline (.ttf) font"
            ) from None
        raise BreakglassError(f"--font {path} is not a usable TrueType font ({e})") from None
    except OSError as e:
        raise BreakglassError(f"--font {path} cannot be read ({e.strerror})") from None
    except Exception as e:  # a damaged or hostile font file can make the font parser fail in any way
        raise BreakglassError(f"--font {path} is not a usable TrueType font ({type(e).__name__})") from None
    pdfmetrics.registerFont(font)
    _added.append(name)
    font_for.cache_clear()
    return name


def add_fonts(paths: Iterable[Path]) -> None:
    for path in paths:
        add_font(path)


def chain(style: str) -> tuple[str, ...]:
    return (*CHAINS.get(style, (style,)), *_added)


def has_glyph(font: str, ch: str) -> bool:
    return ord(ch) in pdfmetrics.getFont(font).face.charToGlyph


def needs_no_glyph(ch: str) -> bool:
    """Invisible characters (joiners, direction marks, variation selectors): the shaper handles them."""
    return unicodedata.category(ch) == "Cf" or 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF


@cache
def font_for(ch: str, style: str) -> str | None:
    """The first font of `style`'s chain with a glyph for `ch`; None if no font has one."""
    register_bundled()
    for font in chain(style):
        if has_glyph(font, ch):
            return font
    return None


def printable_form(text: str) -> str:
    """What is drawn for `text`: composed (NFC), so a decomposed accent uses the font's accented letter."""
    return unicodedata.normalize("NFC", text)


def first_missing(text: str, style: str = FONT) -> str | None:
    for ch in printable_form(text):
        if ch in "\t\n\r" or needs_no_glyph(ch):
            continue
        if font_for(ch, style) is None:
            return ch
    return None


def describe(ch: str) -> str:
    name = f"U+{ord(ch):04X} {unicodedata.name(ch, 'a control or unassigned character')}"
    return f"'{ch}' ({name})" if ch.isprintable() else name


def require_printable(texts: Iterable[str]) -> None:
    """Refuse, with one line naming it, the first character that no font (bundled or added) can print."""
    for text in texts:
        ch = first_missing(text)
        if ch is not None:
            shown = "".join(c if c.isprintable() else "?" for c in text)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            raise BreakglassError(f'no font can print the character {describe(ch)} in "{shown}": {FONT_OPTION_HINT}')


# --- extraction: the ToUnicode map ---------------------------------------------------------------------------

# Shaped glyphs with no character of their own (ligatures, conjuncts) get private-use codes from ReportLab;
# the text they stand for is recorded here when they are shaped: (font face name, private code) -> text.
glyph_texts: dict[tuple[str, int], str] = {}


def extracted_text(face: str, code: int) -> str:
    """The text a glyph extracts as: its letters, not a presentation form or a private code.

    Right-to-left glyphs are drawn in visual order and text extractors reverse them; a glyph standing for
    several letters (lam-alef) is written reversed too, so that it comes out in reading order."""
    if (face, code) in glyph_texts:
        return glyph_texts[(face, code)]
    text = chr(code)
    if 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:  # Arabic presentation forms: the base letters
        text = unicodedata.normalize("NFKC", text)
        if len(text) > 1 and unicodedata.bidirectional(text[0]) in ("R", "AL"):
            text = text[::-1]
    return text


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, with each code mapped to extracted_text (in UTF-16, so any plane works)."""
    face = fontname.split("+", 1)[-1]
    entries = [f"<{i:02X}> <{_utf16_hex(extracted_text(face, code)) or '0020'}>" for i, code in enumerate(subset)]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


# ReportLab writes every TrueType subset's ToUnicode map with this module-level function; ours maps shaped
# glyphs back to their letters. tests/test_fonts.py extracts shaped Arabic and Hebrew to prove it is used.
ttfonts.makeToUnicodeCMap = _to_unicode_cmap
