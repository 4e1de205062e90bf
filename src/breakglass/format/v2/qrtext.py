"""The QR texts of a format-2 share: data codes plus parity codes, any `data` of them rebuild the share.

    BG2:<SET>:<SHARE>:<COPY>:<SIZE>:<CHUNK>/<DATA>+<PARITY>:<PAYLOAD>

SET is the set id as 16 hex digits; SHARE the share number; COPY the printed copy (a label: copies carry the
same codes, and codes of different copies stand in for each other); SIZE the binary share's length in bytes;
CHUNK this code's number, 1..DATA+PARITY; PAYLOAD its chunk, RFC 4648 base32 without padding. The share is cut
into DATA chunks of C bytes (C a multiple of 5, so no base32 character is half used); chunk DATA+j is the value
at point DATA+j of the polynomial through the data chunks (format/rs.py). docs/FORMAT.md 7.6 is the specification.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass

from ...errors import BreakglassError
from .. import encoding, rs
from .share import OVERHEAD, Share, fragment_size

PREFIX = "BG2"
MAX_CODES = rs.MAX_POINTS
MAX_SIZE = OVERHEAD + fragment_size(66_560, 2)  # the largest share: the 64 KiB credential's bucket, k = 2
MAX_TRIES = 500  # ways to pick `data` codes when some codes disagree; beyond this the share is reported unread
_NUMBER = r"([1-9][0-9]{0,5})"
_TEXT = re.compile(
    rf"^BG2:([0-9A-F]{{16}}):{_NUMBER}:{_NUMBER}:{_NUMBER}:{_NUMBER}/{_NUMBER}\+(0|[1-9][0-9]{{0,2}}):([A-Z2-7]+)$"
)


def chunk_bytes(size: int, data: int) -> int:
    """C: the bytes in each code, for a share of `size` bytes cut into `data` chunks."""
    per_chunk = -(-size // data)
    return 5 * -(-per_chunk // 5)


@dataclass(frozen=True)
class Chunk:
    set_hex: str
    index: int
    copy: int
    size: int
    number: int
    data_count: int
    parity: int
    data: str  # the payload: base32 of this chunk (named as format 1's chunk text, so both read alike)
    version: int = 2

    @property
    def share_key(self) -> tuple[str, int]:
        return (self.set_hex, self.index)

    @property
    def layout(self) -> tuple[int, int, int]:
        return (self.size, self.data_count, self.parity)

    @property
    def count(self) -> int:
        return self.data_count + self.parity

    def text(self) -> str:
        return (
            f"{PREFIX}:{self.set_hex}:{self.index}:{self.copy}:{self.size}:"
            f"{self.number}/{self.data_count}+{self.parity}:{self.data}"
        )


def data_count(share: Share, max_chars: int) -> int:
    """How many data codes the share needs when a code holds at most `max_chars` data characters."""
    per_code = 5 * (max_chars // 8)
    if per_code < 5:
        raise BreakglassError(f"a QR code must hold at least 8 data characters (got {max_chars})")
    return -(-len(share.to_bytes()) // per_code)


def encode(share: Share, max_chars: int, copy: int = 1, parity: int = 0) -> list[str]:
    """The texts of one printed copy: data codes 1..DATA, then parity codes DATA+1..DATA+PARITY."""
    raw = share.to_bytes()
    data = data_count(share, max_chars)
    if parity < 0 or data + parity > MAX_CODES:
        raise BreakglassError(f"a share would need {data} + {parity} QR codes; at most {MAX_CODES} are possible")
    size = chunk_bytes(len(raw), data)
    chunks = rs.cut(raw + bytes(size * data - len(raw)), data)
    chunks += list(rs.extend(chunks, range(data + 1, data + parity + 1)).values())
    set_hex = share.set_id.hex().upper()
    return [
        Chunk(set_hex, share.index, copy, len(raw), number, data, parity, encoding.base32_encode(chunk)).text()
        for number, chunk in enumerate(chunks, start=1)
    ]


def parse_chunk(text: str) -> Chunk:
    m = _TEXT.match(text.strip())
    if not m:
        raise BreakglassError("a breakglass QR code (format 2) with a malformed header")
    set_hex, payload = m.group(1), m.group(8)
    index, copy, size, number, data, parity = (int(g) for g in m.groups()[1:7])
    chunk = Chunk(set_hex, index, copy, size, number, data, parity, payload)
    impossible = (
        not 1 <= index <= 255
        or data + parity > MAX_CODES
        or number > data + parity
        or not OVERHEAD < size <= MAX_SIZE
        or data > size
        or len(payload) * 5 != chunk_bytes(size, data) * 8
    )
    if impossible:
        raise BreakglassError(f"a breakglass QR code with an impossible header ({text.strip()[:48]}...)")
    return chunk


def assemble_all(chunks: list[Chunk]) -> tuple[list[Share], list[str]]:
    """Every distinct share the codes of one share number rebuild (normally one), and why others failed.

    Codes are grouped by layout (size, data and parity counts); any `data` distinct codes of a layout rebuild
    the share. When two codes with one number disagree (a misprint, a forgery), each choice is tried and every
    share that parses is returned: combine's fingerprints decide which is genuine.
    """
    first = chunks[0]
    name = f"share {first.index} of set {encoding.group(first.set_hex, 4)}"
    by_layout: dict[tuple[int, int, int], dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for c in chunks:
        if c.share_key != first.share_key:
            raise BreakglassError(f"{name}: QR codes from different shares were mixed")
        by_layout[c.layout][c.number].add(c.data)
    shares: dict[bytes, Share] = {}
    problems = []
    for (size, data, parity), variants in by_layout.items():
        if len(variants) < data:
            problems.append(
                f"{name}: {len(variants)} of its QR codes {'was' if len(variants) == 1 else 'were'} read, "
                f"{data} are needed (any {data} of the "
                f"{data + parity} printed)"
            )
            continue
        found, problem = _rebuild(first, size, data, variants)
        shares.update((s.to_bytes(), s) for s in found)
        if not found:
            problems.append(f"{name}: {problem}")
    return list(shares.values()), problems


def _rebuild(first: Chunk, size: int, data: int, variants: dict[int, set[str]]) -> tuple[list[Share], str]:
    """Shares rebuilt from `data` codes at a time: the first that parses when codes agree, all when they differ."""
    disagree = any(len(v) > 1 for v in variants.values())
    found: dict[bytes, Share] = {}
    problem = "its QR codes do not rebuild a valid share"
    tries = 0
    for numbers in itertools.combinations(sorted(variants), data):
        for payloads in itertools.product(*(sorted(variants[n]) for n in numbers)):
            tries += 1
            if tries > MAX_TRIES:
                return list(found.values()), "too many of its QR codes disagree to rebuild it"
            try:
                share = _decode(first, size, data, dict(zip(numbers, payloads, strict=True)))
            except BreakglassError as e:
                problem = str(e)
                continue
            found[share.to_bytes()] = share
            if not disagree:
                return list(found.values()), ""
    return list(found.values()), problem


def _decode(first: Chunk, size: int, data: int, payloads: dict[int, str]) -> Share:
    try:
        known = {n: encoding.base32_decode(p) for n, p in payloads.items()}
    except ValueError:
        raise BreakglassError("QR data is not valid base32") from None
    joined = b"".join(rs.rebuild(known, data))
    if any(joined[size:]):
        raise BreakglassError("its QR codes do not rebuild a valid share (non-zero filler)")
    share = Share.from_bytes(joined[:size])
    if share.set_id.hex().upper() != first.set_hex or share.index != first.index:
        raise BreakglassError("QR header does not match the share inside it")
    return share
