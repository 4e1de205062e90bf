"""The typed fallback: a share as numbered lines of Crockford base32 a person can type when no scanner works.

    BG2 SHARE 3 OF 5 SET 1A2B-3C4D-5E6F-7081 COPY 1 LINES 17 R2QW
    01  ABCD EFGH JKMN PQRS TVWX YZ01 2345 6789  K7Q2
    ...

Each line carries its data characters in groups of four (format 2: 32 characters, 20 bytes; format 1: 24, 15
bytes; each format's `typed_width`), then a 4-character check, so a typo is pinned to its line, and a single wrong or swapped character is
corrected when exactly one correction makes the line check. Format 2's line check also covers the set and
share number, and its header line has a check of its own. The share's checksum covers the whole share; GCM
covers the set. docs/FORMAT.md 4 and 7.8 are the specification.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import BreakglassError
from . import encoding, formats
from .formats import AnyShare, ShareFormat
from .share import NEWEST_VERSION, set_id_text, version_problem

GROUP = 4
CHECK_CHARS = 4
_SET = r"([0-9A-F]{4}[- ]?[0-9A-F]{4}[- ]?[0-9A-F]{4}[- ]?[0-9A-F]{4})"
_HEADER = re.compile(
    rf"BG([0-9]{{1,3}})\s+SHARE\s+([0-9]{{1,3}})\s+OF\s+([0-9]{{1,3}})\s+SET\s+{_SET}"
    r"(?:\s+COPY\s+([0-9]{1,3}))?\s+LINES\s+([0-9]{1,4})(?:\s+([0-9A-Z][ -]?[0-9A-Z][ -]?[0-9A-Z][ -]?[0-9A-Z])\b)?",
    re.IGNORECASE,
)
_LINE_START = re.compile(r"([0-9]{1,4})(?:\s*[.:)|])?")  # ASCII digits: int() of '²' fails, of '１' is 1
_LINE_BODY = re.compile(r"[0-9A-Za-z][0-9A-Za-z \t-]*")
MAX_ROW = 1000  # characters: a longer row is not a typed line (pdftotext puts two ~60-character columns on one)
MAX_VARIANTS = 8  # texts tried for one line number (other numbered text on the page may share a number)
MAX_CORRECTIONS = 200  # lines of one text searched for a single-character typo (~800 checks each)


def _numbered(row: str) -> tuple[int, str] | None:
    """(number, data) of a line like '07  ABCD EFGH ...  K7Q2' or '07. ABCD...', else None. Linear in the row's
    length whatever it holds (a regular expression with two adjacent \\s* was quadratic on long blank runs)."""
    text = row.strip()
    m = _LINE_START.match(text)
    if not m:
        return None
    rest = text[m.end() :]
    body = rest.lstrip()
    if len(body) == len(rest) or not body or not _LINE_BODY.fullmatch(body):  # data must follow a space
        return None
    return int(m.group(1)), body


def _check(text: str) -> str:
    """The first 20 bits of SHA-256 over the ASCII text, as 4 Crockford characters."""
    return encoding.crockford_encode(hashlib.sha256(text.encode("ascii")).digest()[:3])[:CHECK_CHARS]


def line_check(number: int, data: str, header: Header | None = None) -> str:
    """The check of one line: format 1 over 'BG1 <line> <data>'; format 2 over 'BG2 <set> <share> <line> <data>'."""
    set_hex, index = (header.set_hex, header.index) if header else ("", 0)
    return _check(_format_of(header).typed_check_text(number, data, set_hex, index))


def _format_of(header: Header | None) -> ShareFormat:
    """The format a block's lines are in: its header's, or format 1 for a line read without a header."""
    return formats.by_version(header.version if header else 1)


def header_of(share: AnyShare, copy: int = 1) -> Header:
    return Header(share.version, share.index, share.n, set_id_text(share.set_id), copy, len(data_lines(share)))


def header_line(share: AnyShare, copy: int = 1) -> str:
    return header_of(share, copy).text()


def data_lines(share: AnyShare) -> list[str]:
    text = encoding.crockford_encode(share.to_bytes())
    width = formats.by_version(share.version).typed_width
    return [text[i : i + width] for i in range(0, len(text), width)]


def encode_lines(share: AnyShare) -> list[str]:
    """The numbered lines, as printed under the header."""
    lines = data_lines(share)
    header = header_of(share)
    width = max(2, len(str(len(lines))))
    return [
        f"{i:0{width}d}  {encoding.group(d, GROUP, ' ')}  {line_check(i, d, header)}"
        for i, d in enumerate(lines, start=1)
    ]


def encode(share: AnyShare, copy: int = 1) -> str:
    return "\n".join([header_line(share, copy), *encode_lines(share)]) + "\n"


@dataclass(frozen=True)
class Header:
    """A typed block's header line: which share, how many lines follow, and (format 2) its own check."""

    version: int
    index: int
    n: int
    set_text: str
    copy: int
    lines: int

    @property
    def set_hex(self) -> str:
        return self.set_text.replace("-", "")

    @property
    def label(self) -> str:
        return f"typed share {self.index} of set {self.set_text}"

    def canonical(self) -> str:
        """What the format-2 header check is computed over: single spaces, the set id without hyphens."""
        return f"BG{self.version} SHARE {self.index} OF {self.n} SET {self.set_hex} COPY {self.copy} LINES {self.lines}"

    def text(self) -> str:
        body = f"SHARE {self.index} OF {self.n} SET {self.set_text} COPY {self.copy} LINES {self.lines}"
        if not formats.by_version(self.version).typed_header_check:
            return f"BG{self.version} {body}"
        return (
            f"BG{self.version} {body} {_check(self.canonical())}"  # one space: with two, pdftotext may split the line
        )


def parse_header(text: str) -> Header:
    m = _HEADER.search(text)
    if not m:
        raise BreakglassError(
            "that is not a header line: it looks like 'BG2 SHARE 3 OF 5 SET 1A2B-3C4D-5E6F-7081 COPY 1 LINES 17 R2QW'"
        )
    return _header(m)


def _header(m: re.Match[str]) -> Header:
    version = int(m.group(1))
    if version > NEWEST_VERSION:
        raise BreakglassError(version_problem(version).replace("this share", "this typed share"))
    if not formats.known(version):
        raise BreakglassError(f"'BG{version} SHARE' is not a header breakglass prints: check the first characters")
    set_text = encoding.group(re.sub(r"[- ]", "", m.group(4)).upper(), 4)
    header = Header(version, int(m.group(2)), int(m.group(3)), set_text, int(m.group(5) or 1), int(m.group(6)))
    if formats.by_version(version).typed_header_check:
        if m.group(5) is None:  # 7.7: every format-2 sheet prints COPY, and the header check covers it
            raise BreakglassError(
                "the header line has no COPY: type 'COPY' and the copy number before LINES, as printed"
            )
        typed_check = encoding.crockford_normalize(m.group(7) or "")
        if not typed_check:
            raise BreakglassError("the header line ends with a 4-character check after LINES: type it too")
        if typed_check != _check(header.canonical()):
            raise BreakglassError("the header line does not match its check: retype the header line")
    if header.lines < 1 or header.index < 1:
        raise BreakglassError("the header line says share 0 or 0 lines: retype the header line")
    return header


@dataclass
class LineReading:
    """One typed line after checking: its data, and a note if a typo was corrected."""

    data: str
    note: str | None = None


def check_line(number: int, typed: str, header: Header | None = None, *, correct: bool = True) -> LineReading:
    """Check one typed line: data and check, with or without spaces, with or without its printed line number.
    correct=False skips the search for a single typo (when a text has already had MAX_CORRECTIONS searches).

    Format-2 lines need their block's header (their check covers the set and share number); without a header
    a line is read as format 1. Raises BreakglassError naming the line when it cannot be read or corrected.
    """
    if len(typed) > MAX_ROW:
        raise BreakglassError(f"line {number:02d} is far too long to be a typed line")
    first, rest = (typed.split(None, 1) + ["", ""])[:2]
    digits = first.rstrip(".:)|")
    if rest.strip() and re.fullmatch("[0-9]{1,4}", digits) and int(digits) == number:
        # People copy the whole printed line. Try it without the number first; if that does not check, the
        # number may be data (a short last line), so fall back to the line as typed.
        try:
            return _check_line(number, rest, header, correct)
        except BreakglassError as without_number:
            try:
                return _check_line(number, typed, header, correct)
            except BreakglassError:
                raise without_number from None
    return _check_line(number, typed, header, correct)


def _check_line(number: int, typed: str, header: Header | None, correct: bool = True) -> LineReading:
    text = encoding.crockford_normalize(typed)
    if len(text) <= CHECK_CHARS:
        raise BreakglassError(f"line {number:02d} is too short: type the groups and the check at the end")
    bad = sorted({c for c in text if c not in encoding.CROCKFORD})
    if bad:
        raise BreakglassError(f"line {number:02d} has characters that are never printed: {' '.join(bad)}")
    data, check = text[:-CHECK_CHARS], text[-CHECK_CHARS:]
    width = _format_of(header).typed_width
    full_lines = header is not None and _format_of(header).typed_full_lines and number < header.lines
    if len(data) > width:
        raise BreakglassError(f"line {number:02d} has {len(data)} characters before the check, at most {width}")
    if line_check(number, data, header) == check:
        if full_lines and len(data) != width:
            raise BreakglassError(f"line {number:02d} has {len(data)} characters before the check, {width} expected")
        return LineReading(data)
    fixes = _single_corrections(number, text, header) if correct else []
    if len(fixes) == 1:
        fixed, where = fixes[0]
        return LineReading(fixed[:-CHECK_CHARS], f"line {number:02d}: corrected a typo ({where}); check the sheet")
    if full_lines and len(data) < width:
        raise BreakglassError(
            f"line {number:02d} has {len(data)} characters before the check, {width} expected: retype line {number:02d}"
        )
    raise BreakglassError(f"line {number:02d} does not match its check: retype line {number:02d}")


def _single_corrections(number: int, text: str, header: Header | None) -> list[tuple[str, str]]:
    """Every line that differs from `text` by one character or one swap of neighbours and passes its check."""
    found: dict[str, str] = {}

    def consider(candidate: str, where: str) -> None:
        if line_check(number, candidate[:-CHECK_CHARS], header) == candidate[-CHECK_CHARS:]:
            found.setdefault(candidate, where)

    for pos, old in enumerate(text):
        for new in encoding.CROCKFORD:
            if new != old:
                consider(text[:pos] + new + text[pos + 1 :], f"character {pos + 1}: {old} read as {new}")
    for pos in range(len(text) - 1):
        if text[pos] != text[pos + 1]:
            swapped = text[:pos] + text[pos + 1] + text[pos] + text[pos + 2 :]
            consider(swapped, f"characters {pos + 1}-{pos + 2} swapped")
    return list(found.items())


def _missing_text(present: Iterable[int], count: int) -> str:
    """'03, 07-09 and 12 more ranges' for the lines 1..count not in `present`; cost follows len(present)."""
    ranges, expected = [], 1
    for n in sorted(set(present)) + [count + 1]:
        if n > expected:
            ranges.append(f"{expected:02d}" if n - 1 == expected else f"{expected:02d}-{n - 1:02d}")
        expected = max(expected, n + 1)
    shown = ", ".join(ranges[:5])
    return shown + (f" and {len(ranges) - 5} more ranges" if len(ranges) > 5 else "")


def assemble(lines: dict[int, str], header: Header) -> AnyShare:
    """The share that a block's checked lines spell, refused unless it is the share its header names."""
    count = header.lines
    if len(lines) < count or any(not 1 <= n <= count for n in lines):
        missing = _missing_text([n for n in lines if 1 <= n <= count], count)
        raise BreakglassError(f"{header.label}: line(s) {missing} missing")
    text = "".join(lines[n] for n in range(1, count + 1))
    try:
        raw = encoding.crockford_decode(text, len(text) * 5 // 8)
    except ValueError as e:
        raise BreakglassError(f"{header.label}: {e}") from None
    if len(raw) >= 3 and raw[2] != header.version:
        raise BreakglassError(f"{header.label}: the header says format {header.version}, the lines format {raw[2]}")
    share: AnyShare = formats.by_version(header.version).parse(raw)
    if set_id_text(share.set_id) != header.set_text or share.index != header.index:
        raise BreakglassError(f"{header.label}: the header line does not match the share typed below it")
    return share


@dataclass
class TypedReading:
    """What a typed text yielded: shares, one-line problems (each skipped), and notes on corrected typos."""

    shares: list[AnyShare] = field(default_factory=list)
    copies: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_text(text: str) -> TypedReading:
    """Find every typed share in `text`, which may be surrounded by other text (e.g. `pdftotext` of a sheet).

    A block starts at a 'BG2 SHARE ... LINES n' (or 'BG1 SHARE ...') header and takes the numbered lines that
    follow, in any order and in any number of columns. Lines that do not look like share lines are skipped, so
    page headers between pages do not interrupt a block. The work is linear in the text's length: rows longer
    than MAX_ROW are skipped, each line number gets at most MAX_VARIANTS tries, and at most MAX_CORRECTIONS
    lines are searched for a typo.
    """
    result = TypedReading()
    rows = [row for row in text.splitlines() if len(row) <= MAX_ROW]
    headers = [(i, m) for i, row in enumerate(rows) if "BG" in row.upper() and (m := _HEADER.search(row))]
    if not headers:
        if any(_numbered(r) for r in rows):
            result.problems.append("typed text has no 'BG2 SHARE ... LINES n' header line: copy it from the sheet too")
        else:
            result.problems.append("no typed share found")
        return result
    budget = [MAX_CORRECTIONS]
    for h, (start, m) in enumerate(headers):
        end = headers[h + 1][0] if h + 1 < len(headers) else len(rows)
        try:
            header = _header(m)
            share, notes = _read_block(rows[start + 1 : end], header, budget)
        except BreakglassError as e:
            result.problems.append(str(e))
            continue
        result.shares.append(share)
        result.copies.append(header.copy)
        result.notes.extend(f"{header.label}: {note}" for note in notes)
    return result


def _read_block(rows: list[str], header: Header, budget: list[int]) -> tuple[AnyShare, list[str]]:
    candidates: dict[int, list[str]] = {}
    for row in rows:
        # `pdftotext -layout` puts two columns of lines on one row, far apart: try each wide-spaced part too.
        for part in [row, *re.split(r"\s{3,}", row.strip())]:
            found = _numbered(part)
            if found and 1 <= found[0] <= header.lines:
                variants = candidates.setdefault(found[0], [])
                if len(variants) < MAX_VARIANTS and found[1] not in variants:
                    variants.append(found[1])
    lines: dict[int, str] = {}
    notes: list[str] = []
    for number, typed_variants in sorted(candidates.items()):
        errors = []
        for typed in typed_variants:  # other numbered text may share a line number; the one that checks wins
            try:
                reading = check_line(number, typed, header, correct=budget[0] > 0)
            except BreakglassError as e:
                budget[0] -= 1
                errors.append(str(e))
                continue
            lines[number] = reading.data
            if reading.note:
                notes.append(reading.note)
            break
        else:
            raise BreakglassError(f"{header.label}: {errors[0]}")
    return assemble(lines, header), notes
