"""The hybrid scheme: a random data key encrypts the credential (AES-256-GCM); the key is split with Shamir.

Every share carries the ciphertext, so any k shares recover the credential. Authentication (GCM) is what makes
recombination refuse instead of returning a wrong credential when a share is altered, forged or mixed up.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from dataclasses import dataclass
from typing import Callable

from Crypto.Cipher import AES
from Crypto.Protocol.SecretSharing import Shamir
from Crypto.Random import get_random_bytes

from ..errors import BreakglassError
from . import encoding
from .share import NONCE_SIZE, SET_ID_SIZE, VERSION, Share, check_threshold

KEY_SIZE = 32
MAX_CREDENTIAL = 64 * 1024
_LENGTH = struct.Struct(">I")
FINGERPRINT_LABEL = b"breakglass fingerprint v1"


@dataclass(frozen=True)
class SplitResult:
    set_id: bytes
    fingerprint: str
    shares: tuple[Share, ...]

    @property
    def k(self) -> int:
        return self.shares[0].k

    @property
    def n(self) -> int:
        return self.shares[0].n


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


def fingerprint(data_key: bytes, set_id: bytes) -> str:
    """A short code identifying the set, derived from the random data key so it says nothing about the credential."""
    digest = hmac.new(data_key, FINGERPRINT_LABEL + set_id, hashlib.sha256).digest()[:10]
    return encoding.group(encoding.crockford_encode(digest), 4)


def split(
    credential: bytes, k: int, n: int, *, random_bytes: Callable[[int], bytes] = get_random_bytes
) -> SplitResult:
    """Encrypt `credential` under a fresh key and split the key k-of-n. Only the OS CSPRNG is used by default."""
    check_threshold(k, n)
    if not credential:
        raise BreakglassError("the credential is empty")
    if len(credential) > MAX_CREDENTIAL:
        raise BreakglassError(f"the credential is {len(credential)} bytes; at most {MAX_CREDENTIAL} bytes are supported")
    data_key = random_bytes(KEY_SIZE)
    set_id = random_bytes(SET_ID_SIZE)
    nonce = random_bytes(NONCE_SIZE)
    template = Share(set_id, k, n, 0, b"", nonce, b"", b"", VERSION)
    cipher = AES.new(data_key, AES.MODE_GCM, nonce=nonce)
    cipher.update(template.associated_data())
    ciphertext, tag = cipher.encrypt_and_digest(pad(credential))
    low = Shamir.split(k, n, data_key[:16])
    high = Shamir.split(k, n, data_key[16:])
    shares = tuple(
        Share(set_id, k, n, i, lo + hi, nonce, ciphertext, tag, VERSION)
        for (i, lo), (j, hi) in zip(low, high, strict=True)
        if i == j
    )
    assert [s.index for s in shares] == list(range(1, n + 1))
    return SplitResult(set_id, fingerprint(data_key, set_id), shares)


def combine_key(shares: list[Share]) -> bytes:
    """Interpolate the data key from exactly k shares with distinct indexes (1..n, checked at parse time)."""
    indexes = [s.index for s in shares]
    if len(set(indexes)) != len(indexes) or min(indexes) < 1:
        raise BreakglassError("internal error: key shares must have distinct indexes >= 1")
    low = Shamir.combine([(s.index, s.key_share[:16]) for s in shares])
    high = Shamir.combine([(s.index, s.key_share[16:]) for s in shares])
    return low + high


def try_decrypt(data_key: bytes, share: Share) -> bytes | None:
    """The credential if the key and the share's ciphertext authenticate together, else None."""
    cipher = AES.new(data_key, AES.MODE_GCM, nonce=share.nonce)
    cipher.update(share.associated_data())
    try:
        plaintext = cipher.decrypt_and_verify(share.ciphertext, share.tag)
    except ValueError:
        return None
    return unpad(plaintext)
