"""Alphabets: RFC 4648 base32 for QR codes (inside QR's alphanumeric set) and Crockford base32 for people.

Crockford's alphabet leaves out I, L, O and U, and its decoder reads I/L as 1 and O as 0, so the usual
misreadings of a typed share decode to what was printed.
"""

from __future__ import annotations

import base64

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_VALUE = {c: i for i, c in enumerate(CROCKFORD)}
_CROCKFORD_ALIASES = {"O": "0", "I": "1", "L": "1"}


def group(text: str, size: int, sep: str = "-") -> str:
    return sep.join(text[i : i + size] for i in range(0, len(text), size))


def base32_encode(data: bytes) -> str:
    """RFC 4648 base32, uppercase, no padding (padding '=' is not in QR's alphanumeric set)."""
    return base64.b32encode(data).decode("ascii").rstrip("=")


def base32_decode(text: str) -> bytes:
    """Inverse of base32_encode; raises ValueError on anything else."""
    if len(text) % 8 in (1, 3, 6):
        raise ValueError("impossible base32 length")
    return base64.b32decode(text + "=" * (-len(text) % 8), casefold=False)


def crockford_encode(data: bytes) -> str:
    bits = int.from_bytes(data, "big") if data else 0
    nbits = len(data) * 8
    nchars = -(-nbits // 5)
    bits <<= nchars * 5 - nbits  # left-align: the last character is zero-filled on the right
    return "".join(CROCKFORD[(bits >> (5 * (nchars - 1 - i))) & 31] for i in range(nchars))


def crockford_normalize(text: str) -> str:
    """Uppercase, map look-alikes (O->0, I/L->1), drop spaces and hyphens."""
    out = []
    for ch in text.upper():
        if ch in " -\t":
            continue
        out.append(_CROCKFORD_ALIASES.get(ch, ch))
    return "".join(out)


def crockford_decode(text: str, nbytes: int | None = None) -> bytes:
    """Decode normalized Crockford base32; raises ValueError on a character outside the alphabet."""
    bits = 0
    for ch in text:
        value = _CROCKFORD_VALUE.get(ch)
        if value is None:
            raise ValueError(f"'{ch}' is not a share character")
        bits = (bits << 5) | value
    total = len(text) * 5
    if nbytes is None:
        nbytes = total // 8
    extra = total - nbytes * 8
    if extra < 0 or extra >= 5:
        raise ValueError("wrong number of characters")
    if bits & ((1 << extra) - 1):
        raise ValueError("non-zero padding bits")
    return (bits >> extra).to_bytes(nbytes, "big")
