"""Padding, AES-256-GCM, the fingerprint (FORMAT.md 2) and format 2's fingerprint tree (7.4)."""

import hashlib
import hmac

from Crypto.Cipher import AES

from .text import crockford_encode


def unpad(plaintext: bytes) -> bytes | None:
    """P[4 : 4 + length], or None when the length or the zero padding is wrong (2.1)."""
    if len(plaintext) < 4:
        return None
    length = int.from_bytes(plaintext[:4], "big")
    if 4 + length > len(plaintext) or any(plaintext[4 + length :]):
        return None
    return plaintext[4 : 4 + length]


def gcm_open(key: bytes, nonce: bytes, associated: bytes, ciphertext: bytes, tag: bytes) -> bytes | None:
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce, mac_len=16)
    cipher.update(associated)
    try:
        return cipher.decrypt_and_verify(ciphertext, tag)
    except ValueError:
        return None


def fingerprint(key: bytes, set_id: bytes) -> str:
    text = crockford_encode(hmac.new(key, b"breakglass fingerprint v1" + set_id, hashlib.sha256).digest()[:10])
    return "-".join(text[p : p + 4] for p in range(0, 16, 4))


def _h12(*parts: bytes) -> bytes:
    return hashlib.sha256(b"".join(parts)).digest()[:12]


def leaf(set_id: bytes, k: int, padded_length: int, index: int, key_share: bytes, fragment: bytes) -> bytes:
    return _h12(
        b"breakglass v2 leaf", set_id, bytes([k]), padded_length.to_bytes(4, "big"), bytes([index]), key_share, fragment
    )


def node(left: bytes, right: bytes) -> bytes:
    return _h12(b"breakglass v2 node", left, right)


def walk(index: int, start: bytes, path: bytes) -> bytes:
    h = start
    for d in range(8):
        sibling = path[12 * d : 12 * d + 12]
        h = node(sibling, h) if (index >> d) & 1 else node(h, sibling)
    return h


def tree_levels(leaves: list[bytes]) -> list[list[bytes]]:
    """Levels 0..8 over 256 leaves (leaf 0 is 12 zero bytes)."""
    levels = [leaves]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([node(below[2 * p], below[2 * p + 1]) for p in range(len(below) // 2)])
    return levels


def path_of(levels: list[list[bytes]], index: int) -> bytes:
    return b"".join(levels[d][(index >> d) ^ 1] for d in range(8))
