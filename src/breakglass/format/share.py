"""The binary share format, version 1 (docs/FORMAT.md is the specification; keep the two in step).

    offset  size  field
    0       2     magic "BG"
    2       1     format version (1)
    3       8     set id (random)
    11      1     k, shares needed
    12      1     n, shares made
    13      1     index of this share, 1..255 (above n: printed later by `expand`; n stays as split made it)
    14      32    key share: two 16-byte Shamir shares (data key bytes 0-15, then 16-31), same index
    46      12    AES-GCM nonce
    58      4     L, ciphertext length (big-endian)
    62      L     ciphertext of the padded credential
    62+L    16    AES-GCM tag
    78+L    4     checksum: first 4 bytes of SHA-256 over bytes 0 .. 77+L

Parsing is strict and early (as in age): anything malformed is refused here with a message naming the share,
so later stages only ever see well-formed shares.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field

from ..errors import BreakglassError

MAGIC = b"BG"
VERSION = 1
NEWEST_VERSION = 2  # the newest format this breakglass reads; anything above was made by a later release
SET_ID_SIZE = 8
KEY_SHARE_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16
CHECKSUM_SIZE = 4
MIN_CIPHERTEXT = 64  # the smallest padding bucket
MAX_CIPHERTEXT = 72 * 1024  # the largest credential (64 KiB) after padding, with room to spare
MAX_SHARES = 255

_HEAD = struct.Struct(">2sB8sBBB32s12sI")  # everything before the ciphertext
HEADER_SIZE = _HEAD.size  # 62
OVERHEAD = HEADER_SIZE + TAG_SIZE + CHECKSUM_SIZE  # 82


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
        return (f"this share was made by a newer version of breakglass (format {version}); "
                f"this breakglass reads formats 1 to {NEWEST_VERSION}: use a newer breakglass")
    if version in (1, 2):
        return f"internal error: a format-{version} share was given to the wrong parser"
    return f"share says format version {version}, which no breakglass ever made: the share is damaged"


def check_threshold(k: int, n: int) -> None:
    """The one place the rule 2 <= k <= n <= 255 lives."""
    if not 2 <= k:
        raise BreakglassError(f"the threshold must be at least 2 (got {k}): one share alone must reveal nothing")
    if not k <= n:
        raise BreakglassError(f"the threshold ({k}) cannot be larger than the number of shares ({n})")
    if not n <= MAX_SHARES:
        raise BreakglassError(f"at most {MAX_SHARES} shares can be made (got {n})")


@dataclass(frozen=True)
class Share:
    """One custodian's share: a Shamir share of the data key plus the encrypted credential."""

    set_id: bytes
    k: int
    n: int
    index: int
    key_share: bytes = field(repr=False)  # secret material: never in a repr, a log line or a traceback
    nonce: bytes
    ciphertext: bytes
    tag: bytes
    version: int = VERSION

    @property
    def name(self) -> str:
        """How messages refer to this share."""
        return f"share {self.index} of set {set_id_text(self.set_id)}"

    def common_parameters(self) -> tuple:
        """The fields every share of one set carries identically; shares that differ here do not belong together."""
        return (self.version, self.set_id, self.k, self.n, self.nonce, self.ciphertext, self.tag)

    def associated_data(self) -> bytes:
        """The header fields bound into the GCM tag, so that changing k, n or the set id fails authentication."""
        return MAGIC + bytes([self.version]) + self.set_id + bytes([self.k, self.n])

    def to_bytes(self) -> bytes:
        body = (
            _HEAD.pack(
                MAGIC,
                self.version,
                self.set_id,
                self.k,
                self.n,
                self.index,
                self.key_share,
                self.nonce,
                len(self.ciphertext),
            )
            + self.ciphertext
            + self.tag
        )
        return body + checksum(body)

    @classmethod
    def from_bytes(cls, data: bytes) -> Share:
        """Parse and validate a share; every problem becomes a BreakglassError naming the share if it can."""
        if not isinstance(data, (bytes, bytearray)):
            raise BreakglassError("a share must be bytes")
        data = bytes(data)
        if len(data) < 3 or data[:2] != MAGIC:
            raise BreakglassError("not a breakglass share (it does not start with the 'BG' marker)")
        if data[2] != VERSION:
            raise BreakglassError(version_problem(data[2]))
        if len(data) < OVERHEAD + MIN_CIPHERTEXT:
            raise BreakglassError(f"share is truncated: {len(data)} bytes, a share has at least {OVERHEAD + MIN_CIPHERTEXT}")
        label = label_of(data)
        body, check = data[:-CHECKSUM_SIZE], data[-CHECKSUM_SIZE:]
        if checksum(body) != check:
            raise BreakglassError(f"{label}: checksum mismatch, the share is damaged or mistyped")
        _magic, version, set_id, k, n, index, key_share, nonce, length = _HEAD.unpack_from(data)
        if length != len(data) - OVERHEAD:
            raise BreakglassError(f"{label}: length field says {length} bytes of ciphertext, found {len(data) - OVERHEAD}")
        if not MIN_CIPHERTEXT <= length <= MAX_CIPHERTEXT:
            raise BreakglassError(f"{label}: ciphertext length {length} is outside {MIN_CIPHERTEXT}..{MAX_CIPHERTEXT}")
        check_header(label, k, n, index, highest=MAX_SHARES)
        ciphertext = data[HEADER_SIZE : HEADER_SIZE + length]
        tag = data[HEADER_SIZE + length : HEADER_SIZE + length + TAG_SIZE]
        return cls(set_id, k, n, index, key_share, nonce, ciphertext, tag, version)


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
