"""The binary share, format 1 (docs/FORMAT.md is the specification; keep the two in step).

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

import struct
from dataclasses import dataclass, field

from ...errors import BreakglassError
from ..share import CHECKSUM_SIZE, MAGIC, MAX_SHARES, check_header, checksum, label_of, set_id_text, version_problem

VERSION = 1
KEY_SHARE_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16
MIN_CIPHERTEXT = 64  # the smallest padding bucket
MAX_CIPHERTEXT = 72 * 1024  # the largest credential (64 KiB) after padding, with room to spare

_HEAD = struct.Struct(">2sB8sBBB32s12sI")  # everything before the ciphertext
HEADER_SIZE = _HEAD.size  # 62
OVERHEAD = HEADER_SIZE + TAG_SIZE + CHECKSUM_SIZE  # 82


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

    def common_parameters(self) -> tuple[int, bytes, int, int, bytes, bytes, bytes]:
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
            raise BreakglassError(
                f"share is truncated: {len(data)} bytes, a share has at least {OVERHEAD + MIN_CIPHERTEXT}"
            )
        label = label_of(data)
        body, check = data[:-CHECKSUM_SIZE], data[-CHECKSUM_SIZE:]
        if checksum(body) != check:
            raise BreakglassError(f"{label}: checksum mismatch, the share is damaged or mistyped")
        _magic, version, set_id, k, n, index, key_share, nonce, length = _HEAD.unpack_from(data)
        if length != len(data) - OVERHEAD:
            raise BreakglassError(
                f"{label}: length field says {length} bytes of ciphertext, found {len(data) - OVERHEAD}"
            )
        if not MIN_CIPHERTEXT <= length <= MAX_CIPHERTEXT:
            raise BreakglassError(f"{label}: ciphertext length {length} is outside {MIN_CIPHERTEXT}..{MAX_CIPHERTEXT}")
        check_header(label, k, n, index, highest=MAX_SHARES)
        ciphertext = data[HEADER_SIZE : HEADER_SIZE + length]
        tag = data[HEADER_SIZE + length : HEADER_SIZE + length + TAG_SIZE]
        return cls(set_id, k, n, index, key_share, nonce, ciphertext, tag, version)
