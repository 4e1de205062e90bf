"""The hybrid scheme: a random data key encrypts the credential (AES-256-GCM); the key is split with Shamir.

Format 1 (here): every share carries the whole ciphertext, so any k shares recover the credential. Format 2
(short.py) disperses the ciphertext so each share carries about 1/k of it; `split` makes either.
Authentication (GCM) is what makes recombination refuse instead of returning a wrong credential when a share is altered, forged or mixed up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from Crypto.Protocol.SecretSharing import Shamir
from Crypto.Random import get_random_bytes

from ..errors import BreakglassError, InternalError
from . import envelope, short
from .share import NONCE_SIZE, SET_ID_SIZE, VERSION, Share, check_threshold
from .share2 import Share2

# Shared with format 2; kept importable from here for callers that know the scheme as one module.
KEY_SIZE = envelope.KEY_SIZE
MAX_CREDENTIAL = envelope.MAX_CREDENTIAL
FORMATS = (1, 2)
DEFAULT_FORMAT = 2
padded_size, pad, unpad, fingerprint = envelope.padded_size, envelope.pad, envelope.unpad, envelope.fingerprint


@dataclass(frozen=True)
class SplitResult:
    set_id: bytes
    fingerprint: str
    shares: tuple[Share, ...] | tuple[Share2, ...] = field(repr=False)  # k of them are the secret

    @property
    def k(self) -> int:
        return self.shares[0].k

    @property
    def n(self) -> int:
        return self.shares[0].n


def split(
    credential: bytes, k: int, n: int, *, version: int = DEFAULT_FORMAT,
    random_bytes: Callable[[int], bytes] = get_random_bytes,
) -> SplitResult:
    """Encrypt `credential` under a fresh key and split it k-of-n in share format `version` (1 or 2).

    Only the OS CSPRNG is used by default. Format 2 (short shares) is the default; format 1 is for organisations
    that must print what older breakglass releases read.
    """
    if version == 2:
        data_key, shares = short.split(credential, k, n, random_bytes)
        return SplitResult(shares[0].set_id, fingerprint(data_key, shares[0].set_id), shares)
    if version != 1:
        raise BreakglassError(f"share format {version} does not exist; choose 1 or 2")
    check_threshold(k, n)
    envelope.check_credential(credential)
    data_key = random_bytes(KEY_SIZE)
    set_id = random_bytes(SET_ID_SIZE)
    nonce = random_bytes(NONCE_SIZE)
    template = Share(set_id, k, n, 0, b"", nonce, b"", b"", VERSION)
    ciphertext, tag = envelope.seal(data_key, nonce, template.associated_data(), credential)
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
        raise InternalError("key shares must have distinct indexes >= 1")
    low = Shamir.combine([(s.index, s.key_share[:16]) for s in shares])
    high = Shamir.combine([(s.index, s.key_share[16:]) for s in shares])
    return low + high


def try_decrypt(data_key: bytes, share: Share) -> bytes | None:
    """The credential if the key and the format-1 share's ciphertext authenticate together, else None."""
    return envelope.open_sealed(data_key, share.nonce, share.associated_data(), share.ciphertext, share.tag)
