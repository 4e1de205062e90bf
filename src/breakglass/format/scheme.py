"""The hybrid scheme: a random data key encrypts the credential (AES-256-GCM); the key is split with Shamir.

Format 1 (v1/scheme.py): every share carries the whole ciphertext, so any k shares recover the credential.
Format 2 (v2/scheme.py) disperses the ciphertext so each share carries about 1/k of it; `split` makes either.
Authentication (GCM) is what makes recombination refuse instead of returning a wrong credential when a share is altered, forged or mixed up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from Crypto.Random import get_random_bytes

from ..errors import BreakglassError
from . import envelope, formats
from .formats import AnyShare

# Shared by both formats; kept importable from here for callers that know the scheme as one module.
KEY_SIZE = envelope.KEY_SIZE
MAX_CREDENTIAL = envelope.MAX_CREDENTIAL
FORMATS = formats.VERSIONS
DEFAULT_FORMAT = 2
padded_size, pad, unpad, fingerprint = envelope.padded_size, envelope.pad, envelope.unpad, envelope.fingerprint


@dataclass(frozen=True)
class SplitResult:
    set_id: bytes
    fingerprint: str
    shares: tuple[AnyShare, ...] = field(repr=False)  # k of them are the secret

    @property
    def k(self) -> int:
        return self.shares[0].k

    @property
    def n(self) -> int:
        return self.shares[0].n


def split(
    credential: bytes,
    k: int,
    n: int,
    *,
    version: int = DEFAULT_FORMAT,
    random_bytes: Callable[[int], bytes] = get_random_bytes,
) -> SplitResult:
    """Encrypt `credential` under a fresh key and split it k-of-n in share format `version` (1 or 2).

    Only the OS CSPRNG is used by default. Format 2 (short shares) is the default; format 1 is for organisations
    that must print what older breakglass releases read.
    """
    if not formats.known(version):
        raise BreakglassError(f"share format {version} does not exist; choose 1 or 2")
    data_key, shares = formats.by_version(version).split(credential, k, n, random_bytes)
    return SplitResult(shares[0].set_id, fingerprint(data_key, shares[0].set_id), shares)
