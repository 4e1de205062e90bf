"""Typed text of both formats (FORMAT.md 2.3, 6 and 7.7): find header lines, take the numbered lines after each,
normalise and check every line, rebuild the binary share."""

import re
from dataclasses import dataclass, field

from .shares import ShareRefused, parse_share
from .text import CROCKFORD, Unreadable, check20, crockford_decode

_HEX4 = "[0-9A-Fa-f]{4}"
HEADER = re.compile(
    rf"BG([0-9]{{1,3}})\s+SHARE\s+([0-9]{{1,3}})\s+OF\s+([0-9]{{1,3}})\s+SET\s+"
    rf"({_HEX4}(?:[- ]?{_HEX4}){{3}})(?:\s+COPY\s+([0-9]{{1,3}}))?\s+LINES\s+([0-9]{{1,4}})"
    r"(?:\s+([0-9A-Za-z](?:[ -]?[0-9A-Za-z]){3}))?(?![0-9A-Za-z])",
    re.IGNORECASE,
)
NUMBER = re.compile(r"([0-9]{1,4})[.:)|]?")
LINE_CANDIDATE = re.compile(r"([0-9]{1,4})(?:[ \t]*[.:)|])?[ \t]+([0-9A-Za-z][0-9A-Za-z \t-]*)")
LINE_CHARS = {1: 24, 2: 32}
LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass
class Header:
    version: int
    index: int
    n: int
    set_hex: str
    copy: int
    lines: int


@dataclass
class TypedResult:
    shares: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # (kind, message)


def normalise(text: str) -> str:
    """Steps 2-4 of 2.3: delete spaces, tabs and hyphens; uppercase ASCII; map look-alikes."""
    kept = "".join(c for c in text if c not in " \t-")
    upper = "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in kept)
    return upper.translate(LOOK_ALIKES)


def line_check_text(header: Header, number: int, data: str) -> str:
    if header.version == 1:
        return f"BG1 {number} {data}"
    return f"BG2 {header.set_hex} {header.index} {number} {data}"


def canonical_header(h: Header) -> str:
    return f"BG2 SHARE {h.index} OF {h.n} SET {h.set_hex} COPY {h.copy} LINES {h.lines}"


def _parse_header(match: re.Match, notes: list) -> Header | None:
    version, index, n, set_text, copy, lines, check = match.groups()
    set_hex = re.sub("[- ]", "", set_text).upper()
    header = Header(int(version), int(index), int(n), set_hex, int(copy) if copy else 1, int(lines))
    if header.index == 0 or header.lines == 0:
        notes.append(("damaged", "typed header of share 0 or of 0 lines"))
        return None
    if header.version == 2:
        if copy is None or check is None:
            notes.append(("damaged", f"typed header of share {header.index}: COPY or the check is missing"))
            return None
        if check20(canonical_header(header)) != normalise(check):
            notes.append(("damaged", f"typed header of share {header.index} does not pass its check: retype it"))
            return None
    return header


def _candidates(row: str) -> list[str]:
    """The row itself, and its parts when three or more spaces separate columns."""
    parts = [p for p in re.split(r"\s{3,}", row.strip()) if p.strip()]
    return [row.strip()] + (parts if len(parts) > 1 else [])


def _check_line(header: Header, number: int, text: str) -> tuple[str | None, str | None]:
    """(data, None) when the line passes its check; (None, normalised text) when it does not; (None, None)
    when a character is not Crockford."""
    norm = normalise(text)
    if len(norm) < 5 or any(c not in CROCKFORD for c in norm):
        return None, None
    data, check = norm[:-4], norm[-4:]
    if len(data) > LINE_CHARS[header.version]:
        return None, None
    if check20(line_check_text(header, number, data)) == check:
        return data, None
    return None, norm


def _read_numbered(header: Header, candidate: str) -> tuple[int, str | None, str | None]:
    """(line number, data if the line checks, normalised text if it does not) of a line candidate (2.3)."""
    match = LINE_CANDIDATE.fullmatch(candidate.strip(" \t"))
    if not match or not 1 <= int(match.group(1)) <= header.lines:
        return 0, None, None
    number, text = int(match.group(1)), match.group(2)
    tokens = text.split()
    own = NUMBER.fullmatch(tokens[0])  # step 1: the text itself may start with the number again
    if own and int(own.group(1)) == number and len(tokens) > 1:
        data, failed = _check_line(header, number, text[len(tokens[0]) :])
        if data is not None:
            return number, data, None
    data, failed = _check_line(header, number, text)
    return number, data, failed


def _corrections(norm: str):
    for p in range(len(norm)):
        for c in CROCKFORD:
            if c != norm[p]:
                yield norm[:p] + c + norm[p + 1 :]
    for p in range(len(norm) - 1):
        if norm[p] != norm[p + 1]:
            yield norm[:p] + norm[p + 1] + norm[p] + norm[p + 2 :]


def _correct(header: Header, number: int, norm: str) -> str | None:
    hits = {t[:-4] for t in _corrections(norm) if check20(line_check_text(header, number, t[:-4])) == t[-4:]}
    return hits.pop() if len(hits) == 1 else None


def _collect_block(header: Header, rows: list[str]) -> tuple[dict, dict]:
    good: dict[int, str] = {}
    failed: dict[int, list[str]] = {}
    for row in rows:
        for candidate in _candidates(row):
            number, data, norm = _read_numbered(header, candidate)
            if number and data is not None:
                good.setdefault(number, data)
            elif number and norm is not None:
                failed.setdefault(number, []).append(norm)
    return good, failed


def _block_share(header: Header, rows: list[str], result: TypedResult) -> None:
    good, failed = _collect_block(header, rows)
    for number, norms in failed.items():
        if number not in good:
            fixes = {f for f in (_correct(header, number, n) for n in norms) if f is not None}
            if len(fixes) == 1:
                good[number] = fixes.pop()
                result.notes.append(("corrected", f"share {header.index}, line {number}: one character corrected"))
    missing = [n for n in range(1, header.lines + 1) if n not in good]
    if missing:
        result.notes.append(("incomplete", f"typed share {header.index}: lines {missing} missing or unreadable"))
        return
    width = LINE_CHARS[header.version]
    if header.version == 2 and any(len(good[n]) != width for n in range(1, header.lines)):
        result.notes.append(("damaged", f"typed share {header.index}: a line other than the last is not {width} long"))
        return
    try:
        share = parse_share(crockford_decode("".join(good[n] for n in range(1, header.lines + 1))))
    except (Unreadable, ShareRefused) as exc:
        result.notes.append((getattr(exc, "kind", "damaged"), f"typed share {header.index}: {exc}"))
        return
    if share.set_id.hex().upper() != header.set_hex or share.index != header.index:
        result.notes.append(("damaged", f"typed share {header.index}: the header and the lines differ"))
        return
    result.shares.append(share)


def read_typed(text: str) -> TypedResult:
    result = TypedResult()
    rows = text.splitlines()
    blocks: list[tuple[Header, list[str]]] = []
    for row in rows:
        match = HEADER.search(row)
        version = int(match.group(1)) if match else None
        if version is not None and version > 2:
            result.notes.append(("newer", f"made by a newer version of breakglass (format {version})"))
            blocks.append((None, []))
        elif version == 0:
            result.notes.append(("damaged", "a typed header says BG0"))
            blocks.append((None, []))
        elif version is not None:
            blocks.append((_parse_header(match, result.notes), []))
        elif blocks:
            blocks[-1][1].append(row)
    for header, block_rows in blocks:
        if header is not None:
            _block_share(header, block_rows, result)
    return result
