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


def numbers(indexes: Iterable[int]) -> str:
    """'1', '1 and 4', '1, 2 and 4' — how messages list share numbers."""
    items = [str(i) for i in sorted(indexes)]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def shares_word(count: int) -> str:
    return "share" if count == 1 else "shares"
