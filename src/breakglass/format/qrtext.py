"""The text carried by QR codes: a share, cut into self-describing chunks that may arrive in any order.

Format 2's texts (data and parity codes) are in qrtext2.py; this module reads and writes both, by prefix.
Format 1:

    BG1:<SET>:<SHARE>:<COPY>:<CHUNK>/<COUNT>:<DATA>

SET is the set id as 16 hex digits; SHARE the share number; COPY the copy number of the printed sheet (it
labels paper, it is not part of the share); CHUNK/COUNT place this piece; DATA is a slice of the RFC 4648 base32
text of the binary share. Every character is in QR's alphanumeric set, which packs 5.5 bits a character and is
read the same by every decoder (byte-mode payloads are not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import BreakglassError
from . import encoding, qrtext2
from .qrtext2 import Chunk2
from .share import NEWEST_VERSION, Share, version_problem
from .share2 import Share2

PREFIX = "BG1"
_ANY_PREFIX = re.compile(r"^BG([0-9]{1,3}):")
_CHUNK = re.compile(r"^BG1:([0-9A-F]{16}):(\d{1,3}):(\d{1,3}):(\d{1,3})/(\d{1,3}):([A-Z2-7]+)$")
MAX_CHUNKS = 999


@dataclass(frozen=True)
class Chunk:
    set_hex: str
    index: int
    copy: int
    number: int
    count: int
    data: str
    version: int = 1

    @property
    def share_key(self) -> tuple[str, int]:
        return (self.set_hex, self.index)

    def text(self) -> str:
        return f"{PREFIX}:{self.set_hex}:{self.index}:{self.copy}:{self.number}/{self.count}:{self.data}"


def chunk_count(share: Share | Share2, max_chars: int) -> int:
    """How many data codes the share needs (format 2: parity codes come on top)."""
    if share.version == 2:
        return qrtext2.data_count(share, max_chars)
    data_len = len(encoding.base32_encode(share.to_bytes()))
    return max(1, -(-data_len // max_chars))


def encode(share: Share | Share2, max_chars: int, copy: int = 1, parity: int = 0) -> list[str]:
    """The QR texts of one printed copy of `share`, at most `max_chars` payload characters each.

    Format 2: data codes first, then `parity` parity codes; any (count - parity) of them rebuild the share.
    Format 1: as few chunks as fit, of near-equal size; every one is needed, and `parity` must be 0.
    """
    if share.version == 2:
        return qrtext2.encode(share, max_chars, copy, parity)
    if parity:
        raise ValueError("format-1 shares have no parity codes")
    data = encoding.base32_encode(share.to_bytes())
    count = chunk_count(share, max_chars)
    if count > MAX_CHUNKS:
        raise BreakglassError(f"a share would need {count} QR codes; at most {MAX_CHUNKS} are supported")
    size = -(-len(data) // count)
    set_hex = share.set_id.hex().upper()
    return [
        Chunk(set_hex, share.index, copy, i + 1, count, data[i * size : (i + 1) * size]).text() for i in range(count)
    ]


def text_version(text: str) -> int | None:
    """The format a QR text says it is in ('BG<n>:'), or None for a code that is not breakglass's."""
    m = _ANY_PREFIX.match(text.strip())
    return int(m.group(1)) if m else None


def is_breakglass(text: str) -> bool:
    return text_version(text) is not None


def parse_chunk(text: str) -> Chunk | Chunk2:
    """A QR text of either format; a code of a newer format is refused by name, not as a foreign code."""
    version = text_version(text)
    if version == 2:
        return qrtext2.parse_chunk(text)
    if version is not None and version > NEWEST_VERSION:
        raise BreakglassError(version_problem(version).replace("this share", "a QR code"))
    m = _CHUNK.match(text.strip())
    if not m:
        if is_breakglass(text.strip()):
            raise BreakglassError("a breakglass QR code with a malformed header")
        raise BreakglassError("a QR code that is not a breakglass share")
    set_hex, index, copy, number, count, data = m.groups()
    chunk = Chunk(set_hex, int(index), int(copy), int(number), int(count), data)
    if not (1 <= chunk.number <= chunk.count) or chunk.copy < 1:
        raise BreakglassError(f"a breakglass QR code with an impossible header ({text[:40]}...)")
    return chunk


def assemble(chunks: list[Chunk] | list[Chunk2]) -> Share | Share2:
    """The share that the chunks of one share number make (format 2: the first, if codes disagree)."""
    if len({c.version for c in chunks}) > 1:
        raise BreakglassError(f"QR codes of format 1 and format 2 both say they are share {chunks[0].index}")
    if chunks[0].version == 2:
        shares, problems = qrtext2.assemble_all(chunks)
        if not shares:
            raise BreakglassError(problems[0])
        return shares[0]
    return _assemble_format1(chunks)


def _assemble_format1(chunks: list[Chunk]) -> Share:
    """Join the chunks of one share (same set and share number, all present) and parse the share."""
    first = chunks[0]
    name = f"share {first.index} of set {encoding.group(first.set_hex, 4)}"
    by_number: dict[int, str] = {}
    for c in chunks:
        if c.share_key != first.share_key or c.count != first.count or c.version != 1:
            raise BreakglassError(f"{name}: QR codes from different shares were mixed")
        if by_number.setdefault(c.number, c.data) != c.data:
            raise BreakglassError(f"{name}: two different versions of QR code {c.number} of {c.count}")
    missing = [i for i in range(1, first.count + 1) if i not in by_number]
    if missing:
        raise BreakglassError(f"{name}: missing QR code(s) {', '.join(map(str, missing))} of {first.count}")
    text = "".join(by_number[i] for i in range(1, first.count + 1))
    try:
        raw = encoding.base32_decode(text)
    except ValueError:
        raise BreakglassError(f"{name}: QR data is not valid base32") from None
    share = Share.from_bytes(raw)
    if share.set_id.hex().upper() != first.set_hex or share.index != first.index:
        raise BreakglassError(f"{name}: QR header does not match the share inside it")
    return share
