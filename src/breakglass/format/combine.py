"""Recombination that never returns a wrong credential: group shares by set, pick the set that can be
recovered, find k shares that authenticate together, and name every share that does not fit.

A pile may mix format-1 and format-2 sheets; each set is judged on its own, by the rules of its format
(v1/combine.py, v2/combine.py; docs/FORMAT.md 8).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ..errors import BreakglassError
from . import formats
from .formats import AnyShare
from .outcome import Recovered, numbers, shares_word
from .share import set_id_text

__all__ = ["Recovered", "numbers", "recombine", "shares_word"]


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
        if not formats.by_version(share.version).keeps_rival_shares or any(s.version != share.version for s in seen):
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
        ((sid, group),) = groups.items()
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
        raise BreakglassError(
            f"shares from {len(complete)} complete sets were mixed; give only one set's sheets: {described}"
        )
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
    versions = _versions(groups[set_id])
    if len(versions) > 1:
        named = " and of ".join(f"format {v}" for v in sorted(versions))
        raise BreakglassError(f"set {set_id_text(set_id)} has shares of {named}: some are forged")
    (version,) = versions
    return formats.by_version(version).recombine(groups[set_id], set_id, _required(groups[set_id]), warnings)
