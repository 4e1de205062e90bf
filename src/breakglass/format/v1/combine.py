"""Recombining one format-1 set: find k shares that authenticate together, and name every share that does
not fit. Format 1 has no fingerprints: the grouping by set, and the refusal of two different shares with one
number, are format/combine.py's (docs/FORMAT.md 6).
"""

from __future__ import annotations

import itertools

from ...errors import BreakglassError
from .. import envelope
from ..outcome import Recovered, numbers, settled_n, shares_word
from ..share import set_id_text
from .scheme import combine_key, try_decrypt
from .share import Share

# Enough to find one or two altered shares among 20; beyond this the person must remove suspects by hand.
MAX_SUBSETS = 20_000


def recombine(candidates: dict[int, list[Share]], set_id: bytes, k: int, warnings: list[str]) -> Recovered:
    """The set's credential from its shares (one per share number) of which `k` are needed."""
    group = {index: shares[0] for index, shares in candidates.items()}
    credential, data_key, used = _authenticating_subset(group, k)
    misfits = tuple(i for i in sorted(group) if i not in used and not _fits(group[i], group, used, data_key))
    if misfits:
        warnings.append(
            f"{shares_word(len(misfits))} {numbers(misfits)} of set {set_id_text(set_id)} "
            f"{'does' if len(misfits) == 1 else 'do'} not fit the others: altered, forged or damaged; "
            "the credential was recovered without " + ("it" if len(misfits) == 1 else "them")
        )
    n, disagreement = settled_n({i: s.n for i, s in group.items() if i not in misfits}, set_id_text(set_id))
    return Recovered(
        credential=credential,
        set_id=set_id,
        fingerprint=envelope.fingerprint(data_key, set_id),
        k=k,
        n=n,  # format 1's header keeps the split's n; shares printed later go above it
        used=used,
        present=tuple(sorted(group)),
        misfits=misfits,
        warnings=tuple(warnings + disagreement),
        used_shares=tuple(group[i] for i in used),
    )


def _authenticating_subset(group: dict[int, Share], k: int) -> tuple[bytes, bytes, tuple[int, ...]]:
    """Try the first k shares, then other k-subsets, until one decrypts and authenticates."""
    tried = 0
    for subset in itertools.combinations(sorted(group), k):
        members = [group[i] for i in subset]
        if len({m.common_parameters() for m in members}) != 1 or members[0].k != k:
            continue  # shares that disagree on the ciphertext or header cannot all be genuine
        tried += 1
        if tried > MAX_SUBSETS:
            break
        data_key = combine_key(members)
        credential = try_decrypt(data_key, members[0])
        if credential is not None:
            return credential, data_key, subset
    present = numbers(group)
    set_text = set_id_text(next(iter(group.values())).set_id)
    if len(group) == k:
        raise BreakglassError(
            f"shares {present} of set {set_text} do not authenticate together: at least one of them is altered "
            f"or forged; with {k + 1} or more shares the one that does not fit can be found"
        )
    if tried > MAX_SUBSETS:
        raise BreakglassError(
            f"no {k} of shares {present} of set {set_text} authenticated within {MAX_SUBSETS} tries; "
            "remove the shares you suspect and try again"
        )
    raise BreakglassError(
        f"no {k} of shares {present} of set {set_text} authenticate together: more than {len(group) - k} "
        "of them are altered or forged"
    )


def _fits(share: Share, group: dict[int, Share], used: tuple[int, ...], data_key: bytes) -> bool:
    """A share fits when it replaces one of the authenticated shares and the same key comes out."""
    if share.common_parameters() != group[used[0]].common_parameters():
        return False
    others = [group[i] for i in used[1:]]
    return combine_key([share, *others]) == data_key
