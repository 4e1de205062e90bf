"""The alphabets of FORMAT.md section 1: RFC 4648 base32 without padding, Crockford base32, the 20-bit check."""

import base64
import hashlib

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_VALUE = {c: v for v, c in enumerate(CROCKFORD)}
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


class Unreadable(ValueError):
    """Text that does not decode: the message says why."""


def base32_decode(text: str) -> bytes:
    if len(text) % 8 in (1, 3, 6):
        raise Unreadable(f"base32 text of length {len(text)} is invalid")
    if any(c not in BASE32 for c in text):
        raise Unreadable("character outside the base32 alphabet")
    try:
        return base64.b32decode(text + "=" * (-len(text) % 8))
    except ValueError as exc:  # binascii.Error: non-zero padding bits and the like
        raise Unreadable(f"base32 text does not decode: {exc}") from None


def crockford_encode(data: bytes) -> str:
    bits = len(data) * 8
    value = int.from_bytes(data, "big") << (-bits % 5)
    count = (bits + 4) // 5
    return "".join(CROCKFORD[(value >> (5 * (count - 1 - p))) & 31] for p in range(count))


def crockford_decode(text: str) -> bytes:
    value = 0
    for c in text:
        if c not in _CROCKFORD_VALUE:
            raise Unreadable(f"character {c!r} is not in the Crockford alphabet")
        value = (value << 5) | _CROCKFORD_VALUE[c]
    nbytes = 5 * len(text) // 8
    spare = 5 * len(text) - 8 * nbytes
    if value & ((1 << spare) - 1):
        raise Unreadable("the last character's spare bits are not zero")
    return (value >> spare).to_bytes(nbytes, "big")


def check20(text: str) -> str:
    return crockford_encode(hashlib.sha256(text.encode("ascii")).digest()[:3])[:4]
