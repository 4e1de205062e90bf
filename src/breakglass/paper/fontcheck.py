"""What a --font file may make breakglass allocate, checked before the font parser sees it.

ReportLab's TrueType reader builds a dictionary entry for every character a font's cmap claims, looping over
each range it lists: a 752-byte font whose format 12 cmap claims the characters 0 to 0xFFFFFFFF took 1.3 GB
and minutes. So the font's own structure is read first, with nothing allocated per character, and refused by
name when it claims more than any real font holds:

    check_font(data, shown)   a BreakglassError naming the font and the limit, or None

Limits (docs/DESIGN.md, "Fonts"): MAX_TABLES tables, each inside the file; MAX_CHARACTERS characters
claimed by any one cmap subtable (the largest CJK fonts map about 100,000; Unicode has 1,114,112 code points),
none past U+10FFFF; the glyph count is a 16-bit number and needs no limit of its own.
"""

from __future__ import annotations

import struct

from ..errors import BreakglassError

MAX_TABLES = 100  # real fonts have 10 to 40
MAX_CHARACTERS = 200_000
MAX_SUBTABLES = 64
LAST_CHARACTER = 0x10FFFF


class _Font:
    def __init__(self, data: bytes, shown: str):
        self.data = data
        self.shown = shown

    def refuse(self, why: str) -> BreakglassError:
        return BreakglassError(f"--font {self.shown} {why}; refusing it (not a usable TrueType font)")

    def unpack(self, fmt: str, offset: int, what: str) -> tuple:
        size = struct.calcsize(fmt)
        if offset < 0 or offset + size > len(self.data):
            raise self.refuse(f"is cut off: its {what} runs past the end of the file")
        return struct.unpack_from(fmt, self.data, offset)


def check_font(data: bytes, shown: str) -> None:
    """Refuse a font whose tables run past its end or whose cmap claims more than MAX_CHARACTERS characters."""
    font = _Font(data, shown)
    tables = _tables(font)
    if "cmap" in tables:
        _check_cmap(font, *tables["cmap"])


def _tables(font: _Font) -> dict[str, tuple[int, int]]:
    """tag -> (offset, length), every table inside the file. A font collection (ttcf) is left to the parser."""
    (version,) = font.unpack(">4s", 0, "header")
    if version == b"ttcf":
        return {}
    (count,) = font.unpack(">H", 4, "header")
    if count > MAX_TABLES:
        raise font.refuse(f"lists {count:,} tables; the most breakglass reads is {MAX_TABLES}")
    tables = {}
    for i in range(count):
        tag, _checksum, offset, length = font.unpack(">4sIII", 12 + 16 * i, "table directory")
        name = tag.decode("latin-1")
        if offset + length > len(font.data):
            raise font.refuse(
                f"has a table '{name.strip()}' of {length:,} bytes that runs past the end of the "
                f"{len(font.data):,}-byte file"
            )
        tables[name] = (offset, length)
    return tables


def _check_cmap(font: _Font, start: int, length: int) -> None:
    _version, count = font.unpack(">HH", start, "cmap table")
    if count > MAX_SUBTABLES:
        raise font.refuse(f"has a cmap of {count:,} subtables; the most breakglass reads is {MAX_SUBTABLES}")
    seen = set()
    for i in range(count):
        _platform, _encoding, offset = font.unpack(">HHI", start + 4 + 8 * i, "cmap table")
        if offset in seen:
            continue
        seen.add(offset)
        if offset >= length:
            raise font.refuse("has a cmap subtable outside its cmap table")
        claimed = _claimed(font, start + offset, start + length)
        if claimed > MAX_CHARACTERS:
            raise font.refuse(
                f"has a cmap that claims {claimed:,} characters; the most breakglass reads from one "
                f"font is {MAX_CHARACTERS:,}"
            )


def _claimed(font: _Font, at: int, end: int) -> int:
    """How many characters one cmap subtable maps, counted from its ranges without expanding them."""
    (fmt,) = font.unpack(">H", at, "cmap subtable")
    if fmt in (8, 12, 13):
        _fmt, _pad, size, _lang = font.unpack(">HHII", at, "cmap subtable")
        (groups,) = font.unpack(">I", at + (8204 if fmt == 8 else 12), "cmap subtable")
        first = at + (8208 if fmt == 8 else 16)
        if first + 12 * groups > min(end, at + size) or first + 12 * groups > len(font.data):
            raise font.refuse(f"has a cmap of {groups:,} ranges that does not fit in its table")
        total = 0
        for g in range(groups):
            low, high, _glyph = struct.unpack_from(">III", font.data, first + 12 * g)
            if low > high or high > LAST_CHARACTER:
                raise font.refuse(f"has a cmap range U+{low:04X}..U+{high:04X} outside Unicode (up to U+10FFFF)")
            total += high - low + 1
            if total > MAX_CHARACTERS:
                return total
        return total
    if fmt == 4:
        _fmt, size, _lang, seg2 = font.unpack(">HHHH", at, "cmap subtable")
        segments = seg2 // 2
        ends = at + 14
        starts = ends + 2 * segments + 2
        if starts + 2 * segments > min(end, len(font.data)):
            raise font.refuse(f"has a cmap of {segments:,} segments that does not fit in its table")
        total = 0
        for s in range(segments):
            (high,) = struct.unpack_from(">H", font.data, ends + 2 * s)
            (low,) = struct.unpack_from(">H", font.data, starts + 2 * s)
            total += max(0, high - low + 1)
        return total
    if fmt == 10:
        _fmt, _pad, _size, _lang, _first, count = font.unpack(">HHIIII", at, "cmap subtable")
        return count
    return 0  # formats 0, 2 and 6 are 16-bit tables: at most 65,536 characters, bounded by their own layout
