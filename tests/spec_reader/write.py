"""The writing side of the spec, for tests: binary shares re-sealed with their checksum, QR texts with parity
codes (FORMAT.md 7.6, 5) and typed blocks (7.7, 6), and the alterations a cheating custodian could make."""

import base64
import hashlib

from . import field as gf
from .crypto import leaf, path_of, tree_levels
from .shares import Share2, parse_share2
from .text import check20, crockford_encode


def _ceil(a: int, b: int) -> int:
    return (a + b - 1) // b


def seal(body: bytes) -> bytes:
    """A binary share: its bytes before the checksum, then the checksum."""
    return body + hashlib.sha256(body).digest()[:4]


def qr_texts2(raw: bytes, max_chars: int = 400, parity: int = 2, copy: int = 1) -> list[str]:
    size = len(raw)
    data = _ceil(size, 5 * (max_chars // 8))
    length = 5 * _ceil(_ceil(size, data), 5)
    padded = raw + bytes(data * length - size)
    chunks = [padded[c * length : (c + 1) * length] for c in range(data)]
    points = list(range(1, data + 1))
    chunks += [gf.interpolate(points, chunks, data + j) for j in range(1, parity + 1)]
    head = f"BG2:{raw[3:11].hex().upper()}:{raw[13]}:{copy}:{size}"
    return [f"{head}:{c}/{data}+{parity}:{base64.b32encode(chunk).decode()}" for c, chunk in enumerate(chunks, 1)]


def qr_texts1(raw: bytes, max_chars: int = 900, copy: int = 1) -> list[str]:
    text = base64.b32encode(raw).decode().rstrip("=")
    count = _ceil(len(text), max_chars)
    size = _ceil(len(text), count)
    head = f"BG1:{raw[3:11].hex().upper()}:{raw[13]}:{copy}"
    return [f"{head}:{c + 1}/{count}:{text[c * size : (c + 1) * size]}" for c in range(count)]


def _groups(data: str) -> str:
    return " ".join(data[p : p + 4] for p in range(0, len(data), 4))


def typed_block(raw: bytes, copy: int = 1) -> str:
    version, set_hex, index, n = raw[2], raw[3:11].hex().upper(), raw[13], raw[12]
    width = 32 if version == 2 else 24
    text = crockford_encode(raw)
    lines = [text[p : p + width] for p in range(0, len(text), width)]
    digits = max(2, len(str(len(lines))))
    set_text = "-".join(set_hex[p : p + 4] for p in range(0, 16, 4))
    header = f"BG{version} SHARE {index} OF {n} SET "
    if version == 2:
        canonical = f"{header}{set_hex} COPY {copy} LINES {len(lines)}"
        out = [f"{header}{set_text} COPY {copy} LINES {len(lines)} {check20(canonical)}"]
    else:
        out = [f"{header}{set_text} COPY {copy} LINES {len(lines)}"]
    for number, data in enumerate(lines, 1):
        check_text = f"BG2 {set_hex} {index} {number} {data}" if version == 2 else f"BG1 {number} {data}"
        out.append(f"{number:0{digits}d}  {_groups(data)}  {check20(check_text)}")
    return "\n".join(out) + "\n"


def altered_in_place(share: Share2) -> bytes:
    """One fragment byte changed, the checksum made to match: the share no longer reaches its root."""
    body = bytearray(share.raw[:-4])
    body[158] ^= 0x01
    return seal(bytes(body))


def altered_with_own_tree(share: Share2) -> bytes:
    """One fragment byte changed and a new tree built around it, so the share reaches the root it carries."""
    fragment = bytes([share.fragment[0] ^ 0x01]) + share.fragment[1:]
    leaves = [bytes(12)] * 256
    leaves[share.index] = leaf(share.set_id, share.k, share.padded_length, share.index, share.key_share, fragment)
    levels = tree_levels(leaves)
    body = share.raw[:50] + levels[-1][0] + path_of(levels, share.index) + fragment
    return parse_share2(seal(body)).raw


def claiming_k(share: Share2, k: int) -> bytes:
    """A forged share that claims another threshold, with a fragment of that k's length and its own tree."""
    length = share.padded_length
    size = (length + 16 + k - 1) // k
    fragment = (share.fragment + bytes(size))[:size]
    leaves = [bytes(12)] * 256
    leaves[share.index] = leaf(share.set_id, k, length, share.index, share.key_share, fragment)
    levels = tree_levels(leaves)
    body = share.raw[:11] + bytes([k]) + share.raw[12:50] + levels[-1][0] + path_of(levels, share.index) + fragment
    return parse_share2(seal(body)).raw
