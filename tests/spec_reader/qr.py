"""QR texts of both formats (FORMAT.md 3, 5 and 7.6): parse each text, group the codes of one share, rebuild it."""

import itertools
import re
from dataclasses import dataclass, field

from . import field as gf
from .shares import ShareRefused, parse_share
from .text import Unreadable, base32_decode

PREFIX = re.compile(r"BG([0-9]{1,3}):")
BG1 = re.compile(r"BG1:([0-9A-F]{16}):([0-9]{1,3}):([0-9]{1,3}):([0-9]{1,3})/([0-9]{1,3}):([A-Z2-7]+)")
_NUM = r"([1-9][0-9]{0,5})"
BG2 = re.compile(rf"BG2:([0-9A-F]{{16}}):{_NUM}:{_NUM}:{_NUM}:{_NUM}/{_NUM}\+(0|[1-9][0-9]{{0,5}}):([A-Z2-7]+)")
MAX_TRIES = 500


@dataclass
class QrPile:
    """Codes sorted by share; `notes` are (kind, message) pairs for codes that cannot be used."""

    bg1: dict = field(default_factory=dict)  # (set, share, count) -> {chunk: {payload}}
    bg2: dict = field(default_factory=dict)  # (set, share, size, data, parity) -> {chunk: {bytes}}
    notes: list = field(default_factory=list)


def version_of(text: str) -> int | None:
    """The N of a `BGN:` prefix, or None for a foreign text (3)."""
    match = PREFIX.match(text)
    return int(match.group(1)) if match else None


def add_text(pile: QrPile, text: str) -> None:
    version = version_of(text)
    if version is None:
        pile.notes.append(("foreign", f"not a breakglass share: {text[:20]!r}"))
    elif version > 2:
        pile.notes.append(("newer", f"made by a newer version of breakglass (format {version})"))
    elif version == 1:
        _add_bg1(pile, text)
    elif version == 2:
        _add_bg2(pile, text)
    else:
        pile.notes.append(("damaged", f"a code with version {version} is damaged"))


def _add_bg1(pile: QrPile, text: str) -> None:
    match = BG1.fullmatch(text)
    if not match:
        pile.notes.append(("damaged", "a BG1 code does not follow the grammar"))
        return
    set_hex, share, copy, chunk, count, data = match.groups()
    chunk, count = int(chunk), int(count)
    if not 1 <= chunk <= count or int(copy) < 1:
        pile.notes.append(("damaged", f"a BG1 code says chunk {chunk} of {count}"))
        return
    key = (set_hex, int(share), count)
    pile.bg1.setdefault(key, {}).setdefault(chunk, set()).add(data)


def _chunk_length(size: int, data: int) -> int:
    per_chunk = (size + data - 1) // data
    return 5 * ((per_chunk + 4) // 5)


def _add_bg2(pile: QrPile, text: str) -> None:
    match = BG2.fullmatch(text)
    if not match:
        pile.notes.append(("damaged", "a BG2 code does not follow the grammar"))
        return
    set_hex, share, _copy, size, chunk, data, parity, payload = match.groups()
    share, size, chunk, data, parity = int(share), int(size), int(chunk), int(data), int(parity)
    if share > 255 or not 163 <= size <= 33_450 or data > size or data + parity > 255 or chunk > data + parity:
        pile.notes.append(("damaged", f"a BG2 code of share {share} has impossible numbers"))
        return
    length = _chunk_length(size, data)
    if len(payload) != 8 * length // 5:
        pile.notes.append(("damaged", f"a BG2 code of share {share} has a payload of the wrong length"))
        return
    try:
        chunk_bytes = base32_decode(payload)
    except Unreadable:
        pile.notes.append(("damaged", f"a BG2 code of share {share} does not decode"))
        return
    key = (set_hex, share, size, data, parity)
    pile.bg2.setdefault(key, {}).setdefault(chunk, set()).add(chunk_bytes)


def shares_from(pile: QrPile) -> list:
    """Every share the codes rebuild (distinct candidates included); notes say what was incomplete."""
    found = []
    for (set_hex, share, count), chunks in pile.bg1.items():
        found += _rebuild_bg1(pile, set_hex, share, count, chunks)
    for (set_hex, share, size, data, _parity), chunks in pile.bg2.items():
        found += _rebuild_bg2(pile, set_hex, share, size, data, chunks)
    return found


def _matches(share, set_hex: str, index: int) -> bool:
    return share.set_id.hex().upper() == set_hex and share.index == index


def _parse_or_note(pile: QrPile, raw: bytes, set_hex: str, index: int):
    try:
        share = parse_share(raw)
    except ShareRefused as exc:
        pile.notes.append((exc.kind, f"share {index} of set {set_hex}: {exc}"))
        return None
    if not _matches(share, set_hex, index):
        pile.notes.append(("damaged", f"share {index} of set {set_hex}: the codes' label and the share differ"))
        return None
    return share


def _rebuild_bg1(pile: QrPile, set_hex: str, index: int, count: int, chunks: dict) -> list:
    missing = [c for c in range(1, count + 1) if c not in chunks]
    if missing:
        pile.notes.append(("incomplete", f"share {index} of set {set_hex}: QR chunks {missing} of {count} missing"))
        return []
    differing = [c for c in range(1, count + 1) if len(chunks[c]) > 1]
    if differing:  # format 1 has no parity to tell which is genuine: the share is not read
        pile.notes.append(("damaged", f"share {index} of set {set_hex}: two different QR codes {differing[0]}"))
        return []
    try:
        raw = base32_decode("".join(chunks[c].copy().pop() for c in range(1, count + 1)))
    except Unreadable as exc:
        pile.notes.append(("damaged", f"share {index} of set {set_hex}: {exc}"))
        return []
    share = _parse_or_note(pile, raw, set_hex, index)
    return [] if share is None else [share]


def _rebuild_bg2(pile: QrPile, set_hex: str, index: int, size: int, data: int, chunks: dict) -> list:
    if len(chunks) < data:
        read = f"{len(chunks)} of the {data} QR codes needed were read"
        pile.notes.append(("incomplete", f"share {index} of set {set_hex}: {read}"))
        return []
    found = []
    for points, values in itertools.islice(_choices(chunks, data), MAX_TRIES):
        rebuilt = [gf.interpolate(points, values, c) for c in range(1, data + 1)]
        whole = b"".join(rebuilt)
        if any(whole[size:]):
            continue
        share = _parse_quietly(whole[:size], set_hex, index)
        if share is not None and share not in found:
            found.append(share)
            if _agrees_with_every_code(chunks, points, values):
                break  # no code disagrees: there is no other candidate to find
    if not found:
        pile.notes.append(("damaged", f"share {index} of set {set_hex}: its QR codes do not rebuild a valid share"))
    return found


def _parse_quietly(raw: bytes, set_hex: str, index: int):
    try:
        share = parse_share(raw)
    except ShareRefused:
        return None
    return share if _matches(share, set_hex, index) else None


def _choices(chunks: dict, data: int):
    """Sets of `data` codes with distinct chunk numbers, lowest numbers first, each with one value per chunk."""
    numbers = sorted(chunks)
    for points in itertools.combinations(numbers, data):
        for values in itertools.product(*(sorted(chunks[p]) for p in points)):
            yield list(points), list(values)


def _agrees_with_every_code(chunks: dict, points: list, values: list) -> bool:
    for number, seen in chunks.items():
        expected = gf.interpolate(points, values, number)
        if seen != {expected}:
            return False
    return True
