"""Recombining one format-2 set: let the fingerprints outvote an altered share, then let AES-GCM have the last word.

Every genuine share carries the same fingerprint-tree root and a path from its own fingerprint to it. So:
- a share whose path does not lead to the root it carries was altered after it was made: it is named;
- shares that reach different roots form camps; the camp with the most share numbers is the honest one as long
  as fewer than half the shares lie, so with exactly k >= 3 shares one altered share is still named;
- a bogus copy of a share, presented next to the genuine one, is outvoted and discarded;
- the credential comes only from k shares that decrypt and authenticate (GCM), and every other share is then
  compared, byte for byte, with the share the authenticated set has at its index.
See docs/FORMAT.md 7.7. (The grouping by set, and the choice of the set, are format/combine.py's.)
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ...errors import BreakglassError
from .. import envelope
from ..outcome import Recovered, numbers, settled_n, shares_word
from ..share import set_id_text
from .scheme import SetCurves
from .share import Share

# Tries per camp. Shares that reach one root come from one tree, so in an honest camp the first k shares
# decide; more tries only matter for forged camps, and a hostile pile must not buy hours of interpolation.
MAX_SUBSETS = 100


@dataclass(frozen=True)
class ShortOutcome:
    credential: bytes = field(repr=False)  # secret: never in a repr, a log line or a traceback
    data_key: bytes = field(repr=False)
    k: int
    n: int
    used: tuple[int, ...]
    misfits: tuple[int, ...]
    warnings: tuple[str, ...]
    members: tuple[Share, ...] = field(default=(), repr=False)  # the k shares that authenticated


def recombine(group: dict[int, list[Share]], set_id: bytes, k: int, warnings: list[str]) -> Recovered:
    """The set's credential from its shares (every candidate of every share number; `k` is decided here, by
    the fingerprints, not by the count format/combine.py takes), or a BreakglassError naming the misfits."""
    outcome = recombine_short([s for candidates in group.values() for s in candidates])
    return Recovered(
        credential=outcome.credential,
        set_id=set_id,
        fingerprint=envelope.fingerprint(outcome.data_key, set_id),
        k=outcome.k,
        n=outcome.n,
        used=outcome.used,
        present=tuple(sorted(group)),
        misfits=outcome.misfits,
        warnings=tuple(warnings) + outcome.warnings,
        version=2,
        used_shares=outcome.members,
    )


def recombine_short(candidates: list[Share]) -> ShortOutcome:
    """Recover the credential from the shares of one set (several candidates may claim one share number)."""
    candidates = list({s.to_bytes(): s for s in candidates}.values())  # exact copies count once
    set_text = set_id_text(candidates[0].set_id)
    broken = [s for s in candidates if not s.reaches_root()]
    camps = _camps([s for s in candidates if s not in broken])
    for camp in camps:
        if len(camp) < camp[0].k:
            continue
        found = _authenticating_subset(camp)
        if found is not None:
            return _outcome(found, candidates, set_text)
    raise BreakglassError(_failure(candidates, broken, camps, set_text))


def _camps(sound: list[Share]) -> list[list[Share]]:
    """Shares grouped by the set parameters and root they carry; the camp backed by most share numbers first."""
    by_root: dict[tuple[int, bytes, int, int, bytes], list[Share]] = defaultdict(list)
    for share in sound:
        by_root[share.common_parameters()].append(share)
    return sorted(by_root.values(), key=lambda camp: -len({s.index for s in camp}))


def _indexes(shares: Iterable[Share]) -> list[int]:
    return sorted({s.index for s in shares})


def _authenticating_subset(camp: list[Share]) -> tuple[SetCurves, bytes, tuple[Share, ...]] | None:
    """k shares of the camp, one per share number, that decrypt and authenticate; tried in order, bounded."""
    k = camp[0].k
    by_index: dict[int, list[Share]] = defaultdict(list)
    for share in camp:
        by_index[share.index].append(share)
    tried = 0
    for numbers_chosen in itertools.combinations(sorted(by_index), k):
        for members in itertools.product(*(by_index[i] for i in numbers_chosen)):
            tried += 1
            if tried > MAX_SUBSETS:
                return None
            curves = SetCurves.from_shares(members)
            credential = curves.open()
            if credential is not None:
                return curves, credential, members
    return None


def _outcome(found: tuple[SetCurves, bytes, tuple[Share, ...]], candidates: list[Share], set_text: str) -> ShortOutcome:
    curves, credential, members = found
    fitting = [s for s in candidates if s == curves.share_at(s.index, s.n)]
    misfit_shares = [s for s in candidates if s not in fitting]
    fitting_numbers = set(_indexes(fitting))
    bogus = sorted({s.index for s in misfit_shares if s.index in fitting_numbers})
    misfits = tuple(sorted({s.index for s in misfit_shares} - fitting_numbers))
    warnings = []
    if bogus:
        warnings.append(
            f"a second, different {shares_word(len(bogus))} {numbers(bogus)} of set {set_text} "
            f"{'was' if len(bogus) == 1 else 'were'} discarded: it does not fit the others (altered or forged); "
            "the genuine one was used"
        )
    if misfits:
        warnings.append(
            f"{shares_word(len(misfits))} {numbers(misfits)} of set {set_text} "
            f"{'does' if len(misfits) == 1 else 'do'} not fit the others: altered, forged or damaged; "
            "the credential was recovered without " + ("it" if len(misfits) == 1 else "them")
        )
    n, disagreement = settled_n({s.index: s.n for s in fitting}, set_text)
    return ShortOutcome(
        credential=credential,
        data_key=curves.data_key(),
        k=curves.k,
        n=n,
        used=tuple(s.index for s in members),
        misfits=misfits,
        warnings=tuple(warnings + disagreement),
        members=tuple(members),
    )


def _failure(candidates: list[Share], broken: list[Share], camps: list[list[Share]], set_text: str) -> str:
    """One line saying why no k shares authenticate, naming every share the fingerprints show to be altered."""
    k = camps[0][0].k if camps else candidates[0].k
    parts = []
    if broken:
        parts.append(
            f"{shares_word(len(broken))} {numbers(_indexes(broken))} of set {set_text} "
            f"{'was' if len(_indexes(broken)) == 1 else 'were'} altered after printing "
            "(the fingerprint does not lead to the root the share carries)"
        )
    leader = camps[0] if camps else []
    runner_up = len(_indexes(camps[1])) if len(camps) > 1 else 0
    if len(camps) > 1 and len(_indexes(leader)) >= 2 and len(_indexes(leader)) > runner_up:
        outvoted = [s for camp in camps[1:] for s in camp]
        parts.append(
            f"{shares_word(len(_indexes(outvoted)))} {numbers(_indexes(outvoted))} of set {set_text} "
            f"{'does' if len(_indexes(outvoted)) == 1 else 'do'} not match the fingerprints carried by "
            f"{shares_word(len(_indexes(leader)))} {numbers(_indexes(leader))}: altered or forged"
        )
    elif len(camps) > 1:
        parts.append(
            f"shares {numbers(_indexes(candidates))} of set {set_text} disagree about the set's fingerprints and "
            "no majority shows which are genuine"
        )
    agreeing = len(_indexes(leader))
    if agreeing < k:
        parts.append(f"recovery needs {k} shares that agree, {agreeing} do: add another share of this set")
    else:
        parts.append(
            f"shares {numbers(_indexes(leader))} agree on their fingerprints but do not authenticate together: "
            "at least one of them is altered or forged"
        )
    return "; ".join(parts)
