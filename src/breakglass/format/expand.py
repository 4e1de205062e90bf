"""New shares of an existing set at new indexes (`breakglass expand`; docs/FORMAT.md 4.1 and 7.4).

From k shares that authenticated together (a Recovered), the set's polynomials are known at every index; a
new share is their value at an index no sheet has carried yet. Nothing is re-encrypted: the set id, the data
key, the ciphertext and (format 2) the fingerprint root stay the same, so the old sheets and the new ones
recombine in any mix.

- Format 2: `SetCurves.share_at` rebuilds the share at any index 1..255, path to the set's root included; the
  new share carries `n_label` (the set's share count after the expansion) as its n, a label.
- Format 1: n is bound into the GCM tag, so the new share keeps the set's n in its header and its index is
  above it (the format-1 reading rule accepts indexes 1..255); its key share is the value at the new index of
  the two GF(2^128) polynomials (gf128.py). Releases older than `expand` refuse such a share.

Every new share is checked before it is returned: with every (k-1)-subset of the shares it was made from (at
most MAX_CHECKS of them), it must give the same data key, so a new sheet can never be a wrong share.
"""

from __future__ import annotations

import itertools

from ..errors import BreakglassError, InternalError
from . import gf128, scheme
from .outcome import Recovered
from .share import MAX_SHARES, Share
from .short import SetCurves

MAX_CHECKS = 50  # (k-1)-subsets tried per new share; each is one recombination


def new_shares(recovered: Recovered, indexes: list[int], n_label: int) -> tuple:
    """The set's shares at `indexes` (new ones: none may be a share it was made from)."""
    used = list(recovered.used_shares)
    if len(used) != recovered.k:
        raise InternalError("expansion needs the k shares that authenticated")
    taken = {s.index for s in used}
    for index in indexes:
        if not 1 <= index <= MAX_SHARES:
            raise BreakglassError(f"share number {index} is outside 1..{MAX_SHARES}: a set has at most {MAX_SHARES} shares")
        if index in taken:
            raise InternalError(f"share {index} already exists")
    if recovered.version == 2 and max(indexes) > n_label:
        raise InternalError(f"share {max(indexes)} cannot be labelled 'of {n_label}'")
    if len(set(indexes)) != len(indexes):
        raise InternalError("a new share number is given twice")
    if recovered.version == 2:
        curves = SetCurves.from_shares(used)
        made = tuple(curves.share_at(i, n_label) for i in indexes)
    else:
        made = tuple(_format1_share(used, i) for i in indexes)
    for share in made:
        _check_fits(share, used, recovered)
    return made


def _format1_share(used: list[Share], index: int) -> Share:
    first = used[0]
    low = gf128.value_at({s.index: s.key_share[:16] for s in used}, index)
    high = gf128.value_at({s.index: s.key_share[16:] for s in used}, index)
    return Share(first.set_id, first.k, first.n, index, low + high, first.nonce, first.ciphertext, first.tag,
                 first.version)


def _check_fits(share, used: list, recovered: Recovered) -> None:
    """With any k-1 of the shares it was made from, the new share must open the set (and, format 2, reach the
    root every share of the set carries)."""
    if recovered.version == 2 and not (share.root == used[0].root and share.reaches_root()):
        raise InternalError(f"new share {share.index} does not reach the set's root; nothing was printed")
    for count, others in enumerate(itertools.combinations(used, recovered.k - 1)):
        if count >= MAX_CHECKS:
            break
        members = sorted([share, *others], key=lambda s: s.index)
        if recovered.version == 2:
            credential = SetCurves.from_shares(members).open()
        else:
            credential = scheme.try_decrypt(scheme.combine_key(members), share)
        if credential != recovered.credential:
            raise InternalError(f"new share {share.index} does not recombine with the others; "
                                  "nothing was printed")
