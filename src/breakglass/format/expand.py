"""New shares of an existing set at new indexes (`breakglass expand`; docs/FORMAT.md 4.1 and 7.4).

From k shares that authenticated together (a Recovered), the set's polynomials are known at every index; a
new share is their value at an index no sheet has carried yet. Nothing is re-encrypted: the set id, the data
key, the ciphertext and (format 2) the fingerprint root stay the same, so the old sheets and the new ones
recombine in any mix.

- Format 2 (v2/scheme.py): `SetCurves.share_at` rebuilds the share at any index 1..255, path to the set's root included; the
  new share carries `n_label` (the set's share count after the expansion) as its n, a label.
- Format 1 (v1/scheme.py): n is bound into the GCM tag, so the new share keeps the set's n in its header and its index is
  above it (the format-1 reading rule accepts indexes 1..255); its key share is the value at the new index of
  the two GF(2^128) polynomials (gf128.py). Releases older than `expand` refuse such a share.

Every new share is checked before it is returned: with every (k-1)-subset of the shares it was made from (at
most MAX_CHECKS of them), it must give the same data key, so a new sheet can never be a wrong share.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from ..errors import BreakglassError, InternalError
from . import formats
from .formats import AnyShare, ShareFormat
from .outcome import Recovered
from .share import MAX_SHARES

MAX_CHECKS = 50  # (k-1)-subsets tried per new share; each is one recombination


def new_shares(recovered: Recovered, indexes: list[int], n_label: int) -> tuple[AnyShare, ...]:
    """The set's shares at `indexes` (new ones: none may be a share it was made from)."""
    used = list(recovered.used_shares)
    if len(used) != recovered.k:
        raise InternalError("expansion needs the k shares that authenticated")
    taken = {s.index for s in used}
    for index in indexes:
        if not 1 <= index <= MAX_SHARES:
            raise BreakglassError(
                f"share number {index} is outside 1..{MAX_SHARES}: a set has at most {MAX_SHARES} shares"
            )
        if index in taken:
            raise InternalError(f"share {index} already exists")
    if len(set(indexes)) != len(indexes):
        raise InternalError("a new share number is given twice")
    share_format = formats.by_version(recovered.version)
    made: tuple[AnyShare, ...] = share_format.new_shares(used, indexes, n_label)
    for share in made:
        _check_fits(share_format, share, used, recovered)
    return made


def _check_fits(share_format: ShareFormat, share: Any, used: Sequence[Any], recovered: Recovered) -> None:
    """With any k-1 of the shares it was made from, the new share must open the set (format 2 has checked
    already that it reaches the root every share of the set carries)."""
    for count, others in enumerate(itertools.combinations(used, recovered.k - 1)):
        if count >= MAX_CHECKS:
            break
        members = sorted([share, *others], key=lambda s: s.index)
        if share_format.open_set(members) != recovered.credential:
            raise InternalError(f"new share {share.index} does not recombine with the others; nothing was printed")
