"""What the shares of every format have in common: the 'BG' marker, the set id and how people see it, the
threshold and header rules, the checksum, and the rule for a version this release does not read.

Each format's share layout is in its own package (v1/share.py, v2/share.py; docs/FORMAT.md 3 and 7.5).
"""

from __future__ import annotations

import hashlib

from ..errors import BreakglassError

MAGIC = b"BG"
NEWEST_VERSION = 2  # the newest format this breakglass reads; anything above was made by a later release
KNOWN_VERSIONS = (1, 2)  # every format a breakglass release ever made
SET_ID_SIZE = 8
CHECKSUM_SIZE = 4
MAX_SHARES = 255


def set_id_text(set_id: bytes) -> str:
    """The set id as people see it: 16 hex digits in groups of four, e.g. 1A2B-3C4D-5E6F-7081."""
    h = set_id.hex().upper()
    return "-".join(h[i : i + 4] for i in range(0, len(h), 4))


def parse_set_id_text(text: str) -> bytes:
    cleaned = text.replace("-", "").replace(" ", "").strip()
    try:
        raw = bytes.fromhex(cleaned)
    except ValueError:
        raise BreakglassError(f"'{text}' is not a set id (16 hex digits, e.g. 1A2B-3C4D-5E6F-7081)") from None
    if len(raw) != SET_ID_SIZE:
        raise BreakglassError(f"'{text}' is not a set id (16 hex digits, e.g. 1A2B-3C4D-5E6F-7081)")
    return raw


def version_problem(version: int) -> str:
    """Why a share of this format version cannot be read here: the foreign/newer-version rule of FORMAT.md."""
    if version > NEWEST_VERSION:
        return (
            f"this share was made by a newer version of breakglass (format {version}); "
            f"this breakglass reads formats 1 to {NEWEST_VERSION}: use a newer breakglass"
        )
    if version in KNOWN_VERSIONS:
        # a code or typed block of one format carrying a share of the other: not a bug, a damaged or forged input
        return f"the share inside is format {version}, but it came in a code or block of another format: it is damaged or forged"
    return f"share says format version {version}, which no breakglass ever made: the share is damaged"


def check_threshold(k: int, n: int) -> None:
    """The one place the rule 2 <= k <= n <= 255 lives."""
    if not 2 <= k:
        raise BreakglassError(f"the threshold must be at least 2 (got {k}): one share alone must reveal nothing")
    if not k <= n:
        raise BreakglassError(f"the threshold ({k}) cannot be larger than the number of shares ({n})")
    if not n <= MAX_SHARES:
        raise BreakglassError(f"at most {MAX_SHARES} shares can be made (got {n})")


def check_header(label: str, k: int, n: int, index: int, highest: int | None = None) -> None:
    """The header rules both formats share: 2 <= k <= n <= 255 and 1 <= index <= highest (n unless told).

    Format 1 passes highest=255: a share printed later by `expand` keeps the n of the split in its header,
    because n is bound into the set's GCM tag (docs/FORMAT.md 5), so its index is above that n."""
    try:
        check_threshold(k, n)
    except BreakglassError as e:
        raise BreakglassError(f"{label}: invalid header, {e}") from None
    top = n if highest is None else highest
    if not 1 <= index <= top:
        # Index 0 is the secret itself in Shamir's scheme: a forged (0, y) share would make combine return y.
        raise BreakglassError(f"{label}: share number {index} is outside 1..{top}, refusing it")


def checksum(body: bytes) -> bytes:
    return hashlib.sha256(body).digest()[:CHECKSUM_SIZE]


def label_of(data: bytes) -> str:
    """Best-effort name for a share that may be damaged: header fields are only a hint until the checksum holds."""
    if len(data) >= 14:
        return f"share {data[13]} of set {set_id_text(data[3:11])}"
    return "share"
