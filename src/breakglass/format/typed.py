"""The typed fallback: a share as numbered lines of Crockford base32 a person can type when no scanner works.

    BG1 SHARE 3 OF 5 SET 1A2B-3C4D-5E6F-7081 COPY 1 LINES 10
    01  ABCD EFGH JKMN PQRS TVWX YZ01  K7Q2
    ...

Each line carries 24 data characters (15 bytes) in groups of four, then a 4-character check over its number
and data, so a typo is pinned to its line, and a single wrong or swapped character is corrected when exactly
one correction makes the line check. The share's own checksum (share.py) covers the whole; GCM covers the set.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import BreakglassError
from . import encoding
from .share import Share, set_id_text

CHARS_PER_LINE = 24
GROUP = 4
CHECK_CHARS = 4
_HEADER = re.compile(
    r"BG1\s+SHARE\s+(\d{1,3})\s+OF\s+(\d{1,3})\s+SET\s+([0-9A-F]{4}-?[0-9A-F]{4}-?[0-9A-F]{4}-?[0-9A-F]{4})"
    r"(?:\s+COPY\s+(\d{1,3}))?\s+LINES\s+(\d{1,4})",
    re.IGNORECASE,
)
_LINE_START = re.compile(r"(\d{1,4})(?:\s*[.:)|])?")
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


def line_check(number: int, data: str) -> str:
    digest = hashlib.sha256(f"BG1 {number} {data}".encode("ascii")).digest()
    return encoding.crockford_encode(digest[:3])[:CHECK_CHARS]  # the first 20 bits


def header_line(share: Share, copy: int = 1) -> str:
    lines = len(data_lines(share))
    return f"BG1 SHARE {share.index} OF {share.n} SET {set_id_text(share.set_id)} COPY {copy} LINES {lines}"


def data_lines(share: Share) -> list[str]:
    text = encoding.crockford_encode(share.to_bytes())
    return [text[i : i + CHARS_PER_LINE] for i in range(0, len(text), CHARS_PER_LINE)]


def encode_lines(share: Share) -> list[str]:
    """The numbered lines, as printed under the header."""
    lines = data_lines(share)
    width = max(2, len(str(len(lines))))
    return [
        f"{i:0{width}d}  {encoding.group(d, GROUP, ' ')}  {line_check(i, d)}" for i, d in enumerate(lines, start=1)
    ]


def encode(share: Share, copy: int = 1) -> str:
    return "\n".join([header_line(share, copy), *encode_lines(share)]) + "\n"


@dataclass
class LineReading:
    """One typed line after checking: its data, and a note if a typo was corrected."""

    data: str
    note: str | None = None


def check_line(number: int, typed: str, *, correct: bool = True) -> LineReading:
    """Check one typed line: data and check, with or without spaces, with or without its printed line number.
    correct=False skips the search for a single typo (when a text has already had MAX_CORRECTIONS searches).

    Raises BreakglassError naming the line when it cannot be read or corrected.
    """
    if len(typed) > MAX_ROW:
        raise BreakglassError(f"line {number:02d} is far too long to be a typed line")
    first, _, rest = typed.strip().partition(" ")
    if rest.strip() and first.rstrip(".:)").isdigit() and int(first.rstrip(".:)")) == number:
        # People copy the whole printed line. Try it without the number first; if that does not check, the
        # number may be data (a short last line), so fall back to the line as typed.
        try:
            return _check_line(number, rest, correct)
        except BreakglassError as without_number:
            try:
                return _check_line(number, typed, correct)
            except BreakglassError:
                raise without_number from None
    return _check_line(number, typed, correct)


def _check_line(number: int, typed: str, correct: bool = True) -> LineReading:
    text = encoding.crockford_normalize(typed)
    if len(text) <= CHECK_CHARS:
        raise BreakglassError(f"line {number:02d} is too short: type the groups and the check at the end")
    bad = sorted({c for c in text if c not in encoding.CROCKFORD})
    if bad:
        raise BreakglassError(f"line {number:02d} has characters that are never printed: {' '.join(bad)}")
    data, check = text[:-CHECK_CHARS], text[-CHECK_CHARS:]
    if len(data) > CHARS_PER_LINE:
        raise BreakglassError(f"line {number:02d} has {len(data)} characters before the check, at most {CHARS_PER_LINE}")
    if line_check(number, data) == check:
        return LineReading(data)
    fixes = _single_corrections(number, text) if correct else []
    if len(fixes) == 1:
        fixed, where = fixes[0]
        return LineReading(fixed[:-CHECK_CHARS], f"line {number:02d}: corrected a typo ({where}); check the sheet")
    raise BreakglassError(f"line {number:02d} does not match its check: retype line {number:02d}")


def _single_corrections(number: int, text: str) -> list[tuple[str, str]]:
    """Every line that differs from `text` by one character or one swap of neighbours and passes its check."""
    found: dict[str, str] = {}

    def consider(candidate: str, where: str) -> None:
        if line_check(number, candidate[:-CHECK_CHARS]) == candidate[-CHECK_CHARS:]:
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


def assemble(lines: dict[int, str], count: int, label: str) -> Share:
    if len(lines) < count or any(not 1 <= n <= count for n in lines):
        raise BreakglassError(f"{label}: line(s) {_missing_text([n for n in lines if 1 <= n <= count], count)} missing")
    text = "".join(lines[n] for n in range(1, count + 1))
    try:
        raw = encoding.crockford_decode(text, len(text) * 5 // 8)
    except ValueError as e:
        raise BreakglassError(f"{label}: {e}") from None
    return Share.from_bytes(raw)


@dataclass(frozen=True)
class Header:
    index: int
    n: int
    set_text: str
    copy: int
    lines: int

    @property
    def label(self) -> str:
        return f"typed share {self.index} of set {self.set_text}"


def parse_header(text: str) -> Header:
    m = _HEADER.search(text)
    if not m:
        raise BreakglassError("that is not a header line: it looks like 'BG1 SHARE 3 OF 5 SET 1A2B-3C4D-5E6F-7081 COPY 1 LINES 10'")
    return _header(m)


def _header(m: re.Match) -> Header:
    set_text = encoding.group(m.group(3).upper().replace("-", ""), 4)
    return Header(int(m.group(1)), int(m.group(2)), set_text, int(m.group(4) or 1), int(m.group(5)))


def check_matches_header(share: Share, header: Header) -> None:
    if set_id_text(share.set_id) != header.set_text or share.index != header.index:
        raise BreakglassError(f"{header.label}: the header line does not match the share typed below it")


@dataclass
class TypedReading:
    """What a typed text yielded: shares, one-line problems (each skipped), and notes on corrected typos."""

    shares: list[Share] = field(default_factory=list)
    copies: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_text(text: str) -> TypedReading:
    """Find every typed share in `text`, which may be surrounded by other text (e.g. `pdftotext` of a sheet).

    A block starts at a 'BG1 SHARE ... LINES n' header and takes the numbered lines that follow. Lines that do
    not look like share lines are skipped, so page headers between pages do not interrupt a block. The work is
    linear in the text's length: rows longer than MAX_ROW are skipped, each line number gets at most
    MAX_VARIANTS tries, and at most MAX_CORRECTIONS lines are searched for a typo.
    """
    result = TypedReading()
    rows = [row for row in text.splitlines() if len(row) <= MAX_ROW]
    headers = [(i, m) for i, row in enumerate(rows) if "BG1" in row.upper() and (m := _HEADER.search(row))]
    if not headers:
        if any(_numbered(r) for r in rows):
            result.problems.append("typed text has no 'BG1 SHARE ... LINES n' header line: copy it from the sheet too")
        else:
            result.problems.append("no typed share found")
        return result
    budget = [MAX_CORRECTIONS]
    for h, (start, m) in enumerate(headers):
        end = headers[h + 1][0] if h + 1 < len(headers) else len(rows)
        header = _header(m)
        try:
            share, notes = _read_block(rows[start + 1 : end], header.lines, header.label, budget)
            check_matches_header(share, header)
        except BreakglassError as e:
            result.problems.append(str(e))
            continue
        result.shares.append(share)
        result.copies.append(header.copy)
        result.notes.extend(f"{header.label}: {note}" for note in notes)
    return result


def _read_block(rows: list[str], count: int, label: str, budget: list[int]) -> tuple[Share, list[str]]:
    candidates: dict[int, list[str]] = {}
    for row in rows:
        # `pdftotext -layout` puts two columns of lines on one row, far apart: try each wide-spaced part too.
        for part in [row, *re.split(r"\s{3,}", row.strip())]:
            found = _numbered(part)
            if found and 1 <= found[0] <= count:
                variants = candidates.setdefault(found[0], [])
                if len(variants) < MAX_VARIANTS and found[1] not in variants:
                    variants.append(found[1])
    lines: dict[int, str] = {}
    notes: list[str] = []
    for number, typed_variants in sorted(candidates.items()):
        errors = []
        for typed in typed_variants:  # other numbered text may share a line number; the one that checks wins
            try:
                reading = check_line(number, typed, correct=budget[0] > 0)
            except BreakglassError as e:
                budget[0] -= 1
                errors.append(str(e))
                continue
            lines[number] = reading.data
            if reading.note:
                notes.append(reading.note)
            break
        else:
            raise BreakglassError(f"{label}: {errors[0]}")
    return assemble(lines, count, label), notes
