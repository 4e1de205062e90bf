"""The QR texts of a format-1 share: its base32 text cut into chunks, every one of them needed.

    BG1:<SET>:<SHARE>:<COPY>:<CHUNK>/<COUNT>:<DATA>

SET is the set id as 16 hex digits; SHARE the share number; COPY the copy number of the printed sheet (it
labels paper, it is not part of the share); CHUNK/COUNT place this piece; DATA is a slice of the RFC 4648 base32
text of the binary share. Every character is in QR's alphanumeric set, which packs 5.5 bits a character and is
read the same by every decoder (byte-mode payloads are not). docs/FORMAT.md 5 is the specification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import BreakglassError
from .. import encoding
from .share import Share

PREFIX = "BG1"
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

    @property
    def data_count(self) -> int:
        """Codes needed to rebuild the share: every one (format 1 has no parity codes)."""
        return self.count

    @property
    def parity(self) -> int:
        return 0

    def text(self) -> str:
        return f"{PREFIX}:{self.set_hex}:{self.index}:{self.copy}:{self.number}/{self.count}:{self.data}"


def data_count(share: Share, max_chars: int) -> int:
    """How many codes the share needs when a code holds at most `max_chars` data characters."""
    data_len = len(encoding.base32_encode(share.to_bytes()))
    return max(1, -(-data_len // max_chars))


def encode(share: Share, max_chars: int, copy: int = 1, parity: int = 0) -> list[str]:
    """As few chunks as fit, of near-equal size; every one is needed, and `parity` must be 0."""
    if parity:
        raise ValueError("format-1 shares have no parity codes")
    data = encoding.base32_encode(share.to_bytes())
    count = data_count(share, max_chars)
    if count > MAX_CHUNKS:
        raise BreakglassError(f"a share would need {count} QR codes; at most {MAX_CHUNKS} are supported")
    size = -(-len(data) // count)
    set_hex = share.set_id.hex().upper()
    return [
        Chunk(set_hex, share.index, copy, i + 1, count, data[i * size : (i + 1) * size]).text() for i in range(count)
    ]


def parse_chunk(text: str) -> Chunk:
    m = _CHUNK.match(text.strip())
    if not m:
        raise BreakglassError("a breakglass QR code with a malformed header")
    set_hex, index, copy, number, count, data = m.groups()
    chunk = Chunk(set_hex, int(index), int(copy), int(number), int(count), data)
    if not (1 <= chunk.number <= chunk.count) or chunk.copy < 1:
        raise BreakglassError(f"a breakglass QR code with an impossible header ({text[:40]}...)")
    return chunk


def assemble_all(chunks: list[Chunk]) -> tuple[list[Share], list[str]]:
    """([the share], []) from the chunks of one share number, or ([], [why not]): format 1's codes are all
    needed and must agree, so there is never more than one candidate."""
    try:
        return [assemble(chunks)], []
    except BreakglassError as e:
        return [], [str(e)]


def assemble(chunks: list[Chunk]) -> Share:
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
