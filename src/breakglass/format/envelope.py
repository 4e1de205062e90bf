"""The sealed envelope around the credential, the same in both formats: padding, AES-256-GCM, the fingerprint.

Only the associated data differs between formats (each share type builds its own); see docs/FORMAT.md 2.
"""

from __future__ import annotations

import hashlib
import hmac
import struct

from Crypto.Cipher import AES

from ..errors import BreakglassError
from . import encoding

KEY_SIZE = 32
TAG_SIZE = 16
MAX_CREDENTIAL = 64 * 1024
_LENGTH = struct.Struct(">I")
FINGERPRINT_LABEL = b"breakglass fingerprint v1"  # both formats: the label names the derivation, not the format


def padded_size(length: int) -> int:
    """Plaintext size for a credential of `length` bytes (the 4-byte length prefix included).

    Up to 1 KiB: the next power of two, at least 64. Above: the next multiple of 1 KiB. Share size then tells
    an observer only the bucket, not the credential's exact length.
    """
    needed = length + _LENGTH.size
    if needed <= 1024:
        size = 64
        while size < needed:
            size *= 2
        return size
    return -(-needed // 1024) * 1024


def is_bucket(size: int) -> bool:
    """Whether `size` is a padded size some credential of 1..MAX_CREDENTIAL bytes has."""
    small = size in (64, 128, 256, 512, 1024)
    return small or (size % 1024 == 0 and 2048 <= size <= padded_size(MAX_CREDENTIAL))


def pad(credential: bytes) -> bytes:
    body = _LENGTH.pack(len(credential)) + credential
    return body + bytes(padded_size(len(credential)) - len(body))


def unpad(plaintext: bytes) -> bytes:
    (length,) = _LENGTH.unpack_from(plaintext)
    end = _LENGTH.size + length
    if end > len(plaintext) or any(plaintext[end:]):
        # Unreachable for authenticated data made by split(); kept so a bug cannot return a wrong credential.
        raise BreakglassError("recovered data has an invalid padding, refusing it")
    return plaintext[_LENGTH.size : end]


def check_credential(credential: bytes) -> None:
    if not credential:
        raise BreakglassError("the credential is empty")
    if len(credential) > MAX_CREDENTIAL:
        raise BreakglassError(
            f"the credential is {len(credential)} bytes; at most {MAX_CREDENTIAL} bytes are supported"
        )


def seal(data_key: bytes, nonce: bytes, associated_data: bytes, credential: bytes) -> tuple[bytes, bytes]:
    """(ciphertext, tag) of the padded credential."""
    cipher = AES.new(data_key, AES.MODE_GCM, nonce=nonce)
    cipher.update(associated_data)
    return cipher.encrypt_and_digest(pad(credential))


def open_sealed(data_key: bytes, nonce: bytes, associated_data: bytes, ciphertext: bytes, tag: bytes) -> bytes | None:
    """The credential if key, associated data, ciphertext and tag authenticate together, else None."""
    cipher = AES.new(data_key, AES.MODE_GCM, nonce=nonce)
    cipher.update(associated_data)
    try:
        plaintext = cipher.decrypt_and_verify(ciphertext, tag)
    except ValueError:
        return None
    return unpad(plaintext)


def fingerprint(data_key: bytes, set_id: bytes) -> str:
    """A short code identifying the set, derived from the random data key so it says nothing about the credential."""
    digest = hmac.new(data_key, FINGERPRINT_LABEL + set_id, hashlib.sha256).digest()[:10]
    return encoding.group(encoding.crockford_encode(digest), 4)
