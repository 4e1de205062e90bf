"""What a recombination reports, in both formats: the credential and how it was found, and how messages count."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .share import set_id_text


@dataclass(frozen=True)
class Recovered:
    credential: bytes = field(repr=False)  # the secret itself: never in a repr, a log line or a traceback
    set_id: bytes
    fingerprint: str
    k: int
    n: int
    used: tuple[int, ...]
    present: tuple[int, ...]
    misfits: tuple[int, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    version: int = 1
    # The k shares that authenticated, as read: `expand` rebuilds the set's polynomials from them.
    used_shares: tuple[Any, ...] = field(default=(), repr=False, compare=False)

    @property
    def set_text(self) -> str:
        return set_id_text(self.set_id)

    @property
    def missing(self) -> tuple[int, ...]:
        """Shares 1..n not presented (n as the shares say; shares printed later by `expand` may go above it)."""
        return tuple(i for i in range(1, max(self.n, *self.present) + 1) if i not in self.present)


def settled_n(claims: dict[int, int], set_text: str) -> tuple[int, list[str]]:
    """The set's n from what each share (index -> n it claims) says: the n most of them claim (the smaller on a
    tie), raised to the highest share number present (sheets printed later by `expand` go above it). n is not
    covered by any check, so one share cannot change the summary alone: a larger n it claims is named instead."""
    counts: dict[int, int] = {}
    for n in claims.values():
        counts[n] = counts.get(n, 0) + 1
    settled = max(min(counts, key=lambda n: (-counts[n], n)), *claims)
    above = sorted(i for i, n in claims.items() if n > settled)
    if not above:
        return settled, []
    said = ", ".join(f"share {i} says {claims[i]}" for i in above)
    return settled, [
        f"the shares of set {set_text} disagree on how many shares the set has ({said}; the others "
        f"{settled}): a sheet printed later by expand says the larger number, otherwise that sheet's "
        f"share count was altered (the credential is not affected); counted as {settled}"
    ]


def numbers(indexes: Iterable[int]) -> str:
    """'1', '1 and 4', '1, 2 and 4' — how messages list share numbers."""
    items = [str(i) for i in sorted(indexes)]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def shares_word(count: int) -> str:
    return "share" if count == 1 else "shares"
