"""Format 1's scheme: a fresh data key seals the padded credential (AES-256-GCM), every share carries the
whole ciphertext, and each 16-byte half of the key is split k-of-n with pycryptodome's Shamir scheme over
GF(2^128) (docs/FORMAT.md 2 and 4). Any k shares recover the credential.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from Crypto.Protocol.SecretSharing import Shamir

from ...errors import InternalError
from .. import envelope, gf128
from ..share import SET_ID_SIZE, check_threshold
from .share import NONCE_SIZE, VERSION, Share


def split(credential: bytes, k: int, n: int, random_bytes: Callable[[int], bytes]) -> tuple[bytes, tuple[Share, ...]]:
    """(data key, shares 1..n). Randomness: data key, set id, nonce from `random_bytes`; the Shamir
    coefficients from pycryptodome's own generator."""
    check_threshold(k, n)
    envelope.check_credential(credential)
    data_key = random_bytes(envelope.KEY_SIZE)
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
    return data_key, shares


def combine_key(shares: Sequence[Share]) -> bytes:
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


def open_set(members: Sequence[Share]) -> bytes | None:
    """The credential k shares of one set open to, or None when they do not authenticate together."""
    return try_decrypt(combine_key(members), members[0])


def new_shares(used: Sequence[Share], indexes: list[int], n_label: int) -> tuple[Share, ...]:
    """The set's shares at new `indexes`: n is bound into the GCM tag, so each keeps the set's n in its header
    (n_label is for format 2) and its key share is the value at its index of the two GF(2^128) polynomials."""
    first = used[0]
    made = []
    for index in indexes:
        low = gf128.value_at({s.index: s.key_share[:16] for s in used}, index)
        high = gf128.value_at({s.index: s.key_share[16:] for s in used}, index)
        made.append(
            Share(
                first.set_id,
                first.k,
                first.n,
                index,
                low + high,
                first.nonce,
                first.ciphertext,
                first.tag,
                first.version,
            )
        )
    return tuple(made)
