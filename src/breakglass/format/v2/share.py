"""The binary share, format 2: a short share (docs/FORMAT.md 7.5 is the specification; keep the two in step).

    offset  size  field
    0       2     magic "BG"
    2       1     format version (2)
    3       8     set id (random)
    11      1     k, shares needed (authenticated)
    12      1     n, shares the set had when this share was printed (a label: not authenticated)
    13      1     index of this share, 1..n
    14      4     L, the padded credential's length (a padding bucket; authenticated)
    18      32    key share: the data key shared byte by byte with Shamir's scheme over GF(2^8)
    50      12    root of the fingerprint tree (fingerprints.py)
    62      96    path: 8 sibling hashes from this share's leaf to the root
    158     F     fragment: this share's IDA piece of ciphertext||tag, F = ceil((L + 16) / k)
    158+F   4     checksum: first 4 bytes of SHA-256 over bytes 0 .. 157+F

Parsing is strict and early: anything malformed is refused here, naming the share when the header allows.
Whether the share fits its set (its path, the other shares' root) is judged later, by combine.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from ...errors import BreakglassError
from .. import envelope
from ..share import CHECKSUM_SIZE, MAGIC, check_header, checksum, label_of, set_id_text, version_problem
from . import fingerprints

VERSION = 2
KEY_SHARE_SIZE = 32
NONCE = bytes(12)  # each data key encrypts exactly one message, so a fixed nonce is safe (FORMAT.md 7.3)
PATH_SIZE = fingerprints.DEPTH * fingerprints.HASH_SIZE  # 96

_HEAD = struct.Struct(">2sB8sBBBI32s12s96s")  # everything before the fragment
HEADER_SIZE = _HEAD.size  # 158
OVERHEAD = HEADER_SIZE + CHECKSUM_SIZE  # 162


def fragment_size(length: int, k: int) -> int:
    """F: ciphertext and tag (L + 16 bytes) cut into k equal pieces, the last filled with zero bytes."""
    return -(-(length + envelope.TAG_SIZE) // k)


def associated_data(set_id: bytes, k: int, length: int) -> bytes:
    """What AES-GCM binds besides the credential: version, set, threshold and bucket. Not n: a later expansion
    may print shares beyond the first n, and the ciphertext must stay valid for them."""
    return MAGIC + bytes([VERSION]) + set_id + bytes([k]) + length.to_bytes(4, "big")


@dataclass(frozen=True)
class Share:
    """One custodian's short share: a Shamir share of the data key, an IDA piece of the ciphertext, and the
    fingerprint tree's root with the path that ties this share to it."""

    set_id: bytes
    k: int
    n: int
    index: int
    length: int  # L, the padded credential's length
    key_share: bytes = field(repr=False)  # secret material: never in a repr, a log line or a traceback
    root: bytes
    path: bytes = field(repr=False)
    fragment: bytes = field(repr=False)
    version: int = VERSION

    @property
    def name(self) -> str:
        return f"share {self.index} of set {set_id_text(self.set_id)}"

    def common_parameters(self) -> tuple[int, bytes, int, int, bytes]:
        """The fields every share of one set carries identically (n is a label and may differ after expansion)."""
        return (self.version, self.set_id, self.k, self.length, self.root)

    def associated_data(self) -> bytes:
        return associated_data(self.set_id, self.k, self.length)

    def leaf(self) -> bytes:
        return fingerprints.leaf(self.set_id, self.k, self.length, self.index, self.key_share, self.fragment)

    def reaches_root(self) -> bool:
        """Whether this share's own fingerprint and path lead to the root it carries (a share altered without
        rebuilding a whole tree does not)."""
        return fingerprints.root_from_path(self.leaf(), self.index, self.path) == self.root

    def to_bytes(self) -> bytes:
        body = (
            _HEAD.pack(
                MAGIC,
                VERSION,
                self.set_id,
                self.k,
                self.n,
                self.index,
                self.length,
                self.key_share,
                self.root,
                self.path,
            )
            + self.fragment
        )
        return body + checksum(body)

    @classmethod
    def from_bytes(cls, data: bytes) -> Share:
        """Parse and validate a format-2 share; every problem becomes a BreakglassError naming the share if it can."""
        data = bytes(data)
        if len(data) < 3 or data[:2] != MAGIC:
            raise BreakglassError("not a breakglass share (it does not start with the 'BG' marker)")
        if data[2] != VERSION:
            raise BreakglassError(version_problem(data[2]))
        label = label_of(data)
        if len(data) < OVERHEAD + 1:
            raise BreakglassError(f"{label}: truncated, {len(data)} bytes")
        body, check = data[:-CHECKSUM_SIZE], data[-CHECKSUM_SIZE:]
        if checksum(body) != check:
            raise BreakglassError(f"{label}: checksum mismatch, the share is damaged or mistyped")
        _magic, _version, set_id, k, n, index, length, key_share, root, path = _HEAD.unpack_from(data)
        check_header(label, k, n, index)
        if not envelope.is_bucket(length):
            raise BreakglassError(f"{label}: length field {length} is not a padding size breakglass makes")
        size = fragment_size(length, k)
        if len(data) != OVERHEAD + size:
            raise BreakglassError(f"{label}: {len(data)} bytes, a share of this set has {OVERHEAD + size}")
        fragment = data[HEADER_SIZE : HEADER_SIZE + size]
        return cls(set_id, k, n, index, length, key_share, root, path, fragment)
