"""Recombination that never returns a wrong credential: group shares by set, pick the set that can be
recovered, find k shares that authenticate together, and name every share that does not fit.

A pile may mix format-1 and format-2 sheets; each set is judged on its own, by the rules of its format
(format 2's in combine2.py; docs/FORMAT.md 8).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict

from ..errors import BreakglassError
from . import scheme
from .combine2 import recombine_short
from .outcome import Recovered, numbers, settled_n, shares_word
from .share import Share, set_id_text
from .share2 import Share2

__all__ = ["Recovered", "numbers", "recombine", "shares_word"]
AnyShare = Share | Share2

# Enough to find one or two altered shares among 20; beyond this the person must remove suspects by hand.
MAX_SUBSETS = 20_000


def distinct_by_set(shares: list[AnyShare]) -> dict[bytes, dict[int, list[AnyShare]]]:
    """Group by set and share number, dropping exact duplicates (copies of one sheet).

    Format 2: two *different* shares with one number are both kept, and the fingerprints decide which is
    genuine. Format 1 has no fingerprints: two different shares with one number is an error.
    """
    groups: dict[bytes, dict[int, list[AnyShare]]] = defaultdict(dict)
    for share in shares:
        group = groups[share.set_id]
        seen = group.setdefault(share.index, [share])
        if share in seen:
            continue
        if share.version == 1 or any(s.version != share.version for s in seen):
            raise BreakglassError(
                f"two different shares both say they are {share.name}: at least one is altered or forged; "
                "remove the one that does not belong"
            )
        seen.append(share)
    return dict(groups)


def _required(group: dict[int, list[AnyShare]]) -> int:
    """The k most of the set's shares carry; on a tie the largest, whatever the order the shares came in (a
    forged share cannot lower the bar)."""
    counts = Counter(s.k for candidates in group.values() for s in candidates)
    return max(counts, key=lambda k: (counts[k], k))


def _versions(group: dict[int, list[AnyShare]]) -> set[int]:
    return {s.version for candidates in group.values() for s in candidates}


def choose_set(groups: dict[bytes, dict[int, list[AnyShare]]]) -> tuple[bytes, list[str]]:
    """The one set that has enough shares; warnings name the shares of other sets that are ignored."""
    if not groups:
        raise BreakglassError("no shares were given")
    complete = [sid for sid, g in groups.items() if len(g) >= _required(g)]
    if len(groups) == 1 and not complete:
        (sid, group), = groups.items()
        k = _required(group)
        n = max(max(s.n for candidates in group.values() for s in candidates), *group)
        absent = [i for i in range(1, n + 1) if i not in group]
        raise BreakglassError(
            f"need {k} shares, have {len(group)}: {shares_word(len(group))} {numbers(group)} "
            f"of set {set_id_text(sid)}; add any {k - len(group)} of {shares_word(len(absent))} {numbers(absent)}"
        )
    described = "; ".join(
        f"set {set_id_text(sid)}: {shares_word(len(g))} {numbers(g)} (needs {_required(g)})"
        for sid, g in groups.items()
    )
    if not complete:
        raise BreakglassError(f"shares from {len(groups)} different sets and none has enough: {described}")
    if len(complete) > 1:
        raise BreakglassError(f"shares from {len(complete)} complete sets were mixed; give only one set's sheets: {described}")
    chosen = complete[0]
    warnings = [
        f"ignored {shares_word(len(g))} {numbers(g)} of another set, {set_id_text(sid)}"
        for sid, g in groups.items()
        if sid != chosen
    ]
    return chosen, warnings


def one_format_per_set(shares: list[AnyShare]) -> tuple[list[AnyShare], list[str]]:
    """A set is printed in one format, so shares of one set id in both formats include forgeries (the id is on
    every sheet). When the shares of only one format are enough, the others are set aside and named: a format-1
    share must not defeat format 2's fingerprints, which discard a bogus share next to the genuine one."""
    by_set: dict[bytes, dict[int, list[AnyShare]]] = defaultdict(lambda: defaultdict(list))
    for share in shares:
        by_set[share.set_id][share.version].append(share)
    kept, warnings = [], []
    for set_id, by_version in by_set.items():
        enough = [v for v, group in by_version.items() if len({s.index for s in group}) >= min(s.k for s in group)]
        if len(by_version) == 1 or len(enough) != 1:
            kept += [s for group in by_version.values() for s in group]
            continue
        kept += by_version[enough[0]]
        for version, group in sorted(by_version.items()):
            if version != enough[0]:
                indexes = sorted({s.index for s in group})
                warnings.append(
                    f"ignored {shares_word(len(indexes))} {numbers(indexes)} in format {version} claiming set "
                    f"{set_id_text(set_id)}, whose other shares are format {enough[0]}: forged or misprinted"
                )
    return kept, warnings


def recombine(shares: list[AnyShare]) -> Recovered:
    shares, format_warnings = one_format_per_set(shares)
    groups = distinct_by_set(shares)
    set_id, warnings = choose_set(groups)
    warnings = format_warnings + warnings
    if _versions(groups[set_id]) == {2}:
        return _recombine_format2(groups[set_id], set_id, warnings)
    if _versions(groups[set_id]) != {1}:
        raise BreakglassError(f"set {set_id_text(set_id)} has shares of format 1 and of format 2: some are forged")
    group = {index: candidates[0] for index, candidates in groups[set_id].items()}
    k = _required(groups[set_id])
    credential, data_key, used = _authenticating_subset(group, k)
    misfits = tuple(i for i in sorted(group) if i not in used and not _fits(group[i], group, used, data_key))
    if misfits:
        warnings.append(
            f"{shares_word(len(misfits))} {numbers(misfits)} of set {set_id_text(set_id)} "
            f"{'does' if len(misfits) == 1 else 'do'} not fit the others: altered, forged or damaged; "
            "the credential was recovered without "
            + ("it" if len(misfits) == 1 else "them")
        )
    n, disagreement = settled_n({i: s.n for i, s in group.items() if i not in misfits}, set_id_text(set_id))
    return Recovered(
        credential=credential,
        set_id=set_id,
        fingerprint=scheme.fingerprint(data_key, set_id),
        k=k,
        n=n,  # format 1's header keeps the split's n; shares printed later go above it
        used=used,
        present=tuple(sorted(group)),
        misfits=misfits,
        warnings=tuple(warnings + disagreement),
        used_shares=tuple(group[i] for i in used),
    )


def _recombine_format2(group: dict[int, list[AnyShare]], set_id: bytes, warnings: list[str]) -> Recovered:
    outcome = recombine_short([s for candidates in group.values() for s in candidates])
    return Recovered(
        credential=outcome.credential, set_id=set_id, fingerprint=scheme.fingerprint(outcome.data_key, set_id),
        k=outcome.k, n=outcome.n, used=outcome.used, present=tuple(sorted(group)), misfits=outcome.misfits,
        warnings=tuple(warnings) + outcome.warnings, version=2, used_shares=outcome.members,
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
        data_key = scheme.combine_key(members)
        credential = scheme.try_decrypt(data_key, members[0])
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
    return scheme.combine_key([share, *others]) == data_key
