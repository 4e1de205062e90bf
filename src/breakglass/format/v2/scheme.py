"""Format 2's scheme, Krawczyk's "secret sharing made short" (docs/FORMAT.md 7.3):

a fresh data key seals the padded credential (AES-256-GCM); the key is shared k-of-n with Shamir's scheme over
GF(2^8), byte by byte; the ciphertext and tag are dispersed with Rabin's IDA, so each share carries about 1/k of
them; and every share carries the root of a tree of all shares' fingerprints with its path to it.

The polynomials are defined at every index 1..255, so the fingerprint tree covers shares that are not printed
yet: from any k shares, `SetCurves.share_at` rebuilds the share at any index, byte for byte as split made it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...errors import InternalError
from .. import envelope, rs
from ..gf256 import Interpolator, evaluate
from ..share import SET_ID_SIZE, check_threshold
from . import fingerprints
from .share import KEY_SHARE_SIZE, NONCE, Share, associated_data

ALL_INDEXES = range(1, 256)


def split(credential: bytes, k: int, n: int, random_bytes: Callable[[int], bytes]) -> tuple[bytes, tuple[Share, ...]]:
    """(data key, shares 1..n). Randomness is drawn in this order: data key, set id, then the k-1 Shamir
    coefficients of x^1 .. x^(k-1), 32 bytes each (the order matters only for reproducing test vectors)."""
    check_threshold(k, n)
    envelope.check_credential(credential)
    data_key = random_bytes(envelope.KEY_SIZE)
    set_id = random_bytes(SET_ID_SIZE)
    coefficients = [data_key] + [random_bytes(KEY_SHARE_SIZE) for _ in range(k - 1)]
    length = envelope.padded_size(len(credential))
    ciphertext, tag = envelope.seal(data_key, NONCE, associated_data(set_id, k, length), credential)
    assert len(ciphertext) == length
    pieces = rs.cut(ciphertext + tag, k)  # the IDA is systematic: shares 1..k carry the pieces themselves
    key_shares = {i: evaluate(coefficients, i) for i in range(1, k + 1)}
    curves = SetCurves(set_id, k, length, key_shares, dict(enumerate(pieces, start=1)))
    return data_key, tuple(curves.share_at(i, n) for i in range(1, n + 1))


class SetCurves:
    """A set as its two polynomials (the key's Shamir polynomial, the ciphertext's IDA polynomial) known at k or
    more indexes, and everything that follows from them: the data key, the credential, every share."""

    def __init__(self, set_id: bytes, k: int, length: int, key_shares: dict[int, bytes], fragments: dict[int, bytes]):
        self.set_id, self.k, self.length = set_id, k, length
        self._key = Interpolator(dict(sorted(key_shares.items())[:k]))
        self._data = Interpolator(dict(sorted(fragments.items())[:k]))
        self._tree: list[list[bytes]] | None = None

    @classmethod
    def from_shares(cls, members: Sequence[Share]) -> SetCurves:
        """From exactly k shares of one set with distinct indexes and equal common parameters."""
        first = members[0]
        if len(members) != first.k or len({m.index for m in members}) != len(members):
            raise InternalError("recovery needs exactly k shares with distinct indexes")
        if len({m.common_parameters() for m in members}) != 1:
            raise InternalError("shares of different sets given to one recovery")
        return cls(
            first.set_id,
            first.k,
            first.length,
            {m.index: m.key_share for m in members},
            {m.index: m.fragment for m in members},
        )

    def data_key(self) -> bytes:
        return self._key.at(0)

    def open(self) -> bytes | None:
        """The credential, or None when the shares do not authenticate together."""
        data = b"".join(self._data.at(j) for j in range(1, self.k + 1))
        sealed_size = self.length + envelope.TAG_SIZE
        if any(data[sealed_size:]):
            return None  # the filler after the tag is zero in every genuine set; GCM does not cover it
        ciphertext, tag = data[: self.length], data[self.length : sealed_size]
        return envelope.open_sealed(
            self.data_key(), NONCE, associated_data(self.set_id, self.k, self.length), ciphertext, tag
        )

    def fragment_at(self, index: int) -> bytes:
        return self._data.at(index)

    def key_share_at(self, index: int) -> bytes:
        return self._key.at(index)

    def tree(self) -> list[list[bytes]]:
        if self._tree is None:
            leaves = {
                i: fingerprints.leaf(self.set_id, self.k, self.length, i, self.key_share_at(i), self.fragment_at(i))
                for i in ALL_INDEXES
            }
            self._tree = fingerprints.tree(leaves)
        return self._tree

    def share_at(self, index: int, n: int) -> Share:
        """The share at `index`, labelled `n` shares made: exactly what split printed (or what an expansion prints)."""
        levels = self.tree()
        return Share(
            self.set_id,
            self.k,
            n,
            index,
            self.length,
            self.key_share_at(index),
            fingerprints.root(levels),
            fingerprints.path(levels, index),
            self.fragment_at(index),
        )


def open_set(members: Sequence[Share]) -> bytes | None:
    """The credential k shares of one set open to, or None when they do not authenticate together."""
    return SetCurves.from_shares(members).open()


def new_shares(used: Sequence[Share], indexes: list[int], n_label: int) -> tuple[Share, ...]:
    """The set's shares at new `indexes`, labelled `n_label` shares made, each checked to reach the set's root."""
    if max(indexes) > n_label:
        raise InternalError(f"share {max(indexes)} cannot be labelled 'of {n_label}'")
    curves = SetCurves.from_shares(used)
    made = tuple(curves.share_at(i, n_label) for i in indexes)
    for share in made:
        if not (share.root == used[0].root and share.reaches_root()):
            raise InternalError(f"new share {share.index} does not reach the set's root; nothing was printed")
    return made
