"""The share formats by name: one object per format version, behind one interface (ShareFormat), so that the
modules that serve every format (scheme, qrtext, typed, combine, expand) and their callers never branch on a
version number. Format 1 is the package v1/, format 2 the package v2/ (docs/FORMAT.md 3 and 7).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from ..errors import BreakglassError
from . import v1, v2
from .outcome import Recovered
from .share import NEWEST_VERSION, version_problem

AnyShare = v1.Share | v2.Share
AnyChunk = v1.Chunk | v2.Chunk
_ANY_PREFIX = re.compile(r"^BG([0-9]{1,3}):")


class ShareFormat(Protocol):
    """What every format version provides. Arguments named `share`, `chunks` or `members` are of this format."""

    @property
    def version(self) -> int: ...

    @property
    def keeps_rival_shares(self) -> bool:
        """Whether two different shares with one number may both be kept, for the format to tell which is
        genuine (format 2's fingerprints); if not, the pair is refused."""

    @property
    def typed_width(self) -> int:
        """Data characters in each full typed line."""

    @property
    def typed_header_check(self) -> bool:
        """Whether the typed header line ends with a check of its own."""

    @property
    def typed_full_lines(self) -> bool:
        """Whether every typed line but the last must be full (typed_width characters)."""

    def typed_check_text(self, number: int, data: str, set_hex: str, index: int) -> str:
        """What the check of typed line `number` is computed over."""

    def parse(self, data: bytes) -> Any:
        """The share these bytes are, or a BreakglassError naming it."""

    def split(
        self, credential: bytes, k: int, n: int, random_bytes: Callable[[int], bytes]
    ) -> tuple[bytes, tuple[Any, ...]]:
        """(data key, shares 1..n) of a new set."""

    def qr_data_count(self, share: Any, max_chars: int) -> int:
        """Data codes the share needs at `max_chars` characters a code (parity codes come on top)."""

    def qr_texts(self, share: Any, max_chars: int, copy: int = 1, parity: int = 0) -> list[str]:
        """The QR texts of one printed copy of the share."""

    def parse_qr_text(self, text: str) -> Any:
        """One QR text of this format as a chunk, or a BreakglassError."""

    def assemble_qr(self, chunks: list[Any]) -> tuple[list[Any], list[str]]:
        """Every share the chunks of one share number rebuild, and why the others failed."""

    def recombine(self, group: dict[int, list[Any]], set_id: bytes, k: int, warnings: list[str]) -> Recovered:
        """The credential of one set from its shares by number (`k`: the threshold most of them carry)."""

    def new_shares(self, used: Sequence[Any], indexes: list[int], n_label: int) -> tuple[Any, ...]:
        """The set's shares at new indexes, from the k shares that authenticated."""

    def open_set(self, members: Sequence[Any]) -> bytes | None:
        """The credential k shares open to, or None when they do not authenticate together."""


ALL: tuple[ShareFormat, ...] = (v1.FORMAT, v2.FORMAT)
_BY_VERSION: dict[int, ShareFormat] = {f.version: f for f in ALL}
VERSIONS = tuple(_BY_VERSION)


def known(version: int) -> bool:
    return version in _BY_VERSION


def by_version(version: int) -> ShareFormat:
    """The format of this number, or a BreakglassError saying why no breakglass here reads it."""
    if version not in _BY_VERSION:
        raise BreakglassError(version_problem(version))
    return _BY_VERSION[version]


def text_version(text: str) -> int | None:
    """The format a QR text says it is in ('BG<n>:'), or None for a code that is not breakglass's."""
    m = _ANY_PREFIX.match(text.strip())
    return int(m.group(1)) if m else None


def for_qr_text(text: str) -> ShareFormat:
    """The format that reads this QR text; a code of a newer format is refused by name, not as a foreign code."""
    version = text_version(text)
    if version is None:
        raise BreakglassError("a QR code that is not a breakglass share")
    if version > NEWEST_VERSION:
        raise BreakglassError(version_problem(version).replace("this share", "a QR code"))
    if version not in _BY_VERSION:
        raise BreakglassError("a breakglass QR code with a malformed header")
    return _BY_VERSION[version]


def is_breakglass(text: str) -> bool:
    return text_version(text) is not None
