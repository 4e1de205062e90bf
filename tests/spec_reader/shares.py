"""Binary shares of both formats (FORMAT.md 3, 5 and 7.5), parsed in the order the spec gives: magic, version,
checksum, then the fields."""

import hashlib
from dataclasses import dataclass

NEWEST = 2
MAX_F1_L = 73_728


class ShareRefused(ValueError):
    """A share that cannot be used. `kind` is 'foreign', 'newer' or 'damaged'."""

    def __init__(self, kind: str, message: str, version: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.version = version


@dataclass(frozen=True)
class Share1:
    set_id: bytes
    k: int
    n: int
    index: int
    key_share: bytes  # 32 bytes: y for K[0:16] then y for K[16:32]
    nonce: bytes
    ciphertext: bytes
    tag: bytes
    raw: bytes

    @property
    def version(self) -> int:
        return 1


@dataclass(frozen=True)
class Share2:
    set_id: bytes
    k: int
    n: int
    index: int
    padded_length: int
    key_share: bytes
    root: bytes
    path: bytes
    fragment: bytes
    raw: bytes

    @property
    def version(self) -> int:
        return 2

    def same_share(self, other: "Share2") -> bool:
        """Equal in everything but n, the label (FORMAT.md 8, format 2, step 3)."""
        return self.raw[:12] + self.raw[13:-4] == other.raw[:12] + other.raw[13:-4]


def padding_buckets_contain(length: int) -> bool:
    return length in (64, 128, 256, 512, 1024) or (length >= 2048 and length % 1024 == 0 and length <= 66_560)


def _check_envelope(raw: bytes) -> int:
    if len(raw) < 3 or raw[:2] != b"BG":
        raise ShareRefused("foreign", "not a breakglass share")
    version = raw[2]
    if version == 0:
        raise ShareRefused("damaged", "version byte 0: the share is damaged")
    if version > NEWEST:
        raise ShareRefused("newer", f"made by a newer version of breakglass (format {version})", version)
    return version


def _check_checksum(raw: bytes, minimum: int) -> None:
    if len(raw) < minimum:
        raise ShareRefused("damaged", f"the share is truncated ({len(raw)} bytes)")
    if hashlib.sha256(raw[:-4]).digest()[:4] != raw[-4:]:
        raise ShareRefused("damaged", "the share's checksum does not match: damaged or mistyped")


def parse_share(raw: bytes) -> Share1 | Share2:
    version = _check_envelope(raw)
    return parse_share1(raw) if version == 1 else parse_share2(raw)


def _check_k_n_index(k: int, n: int, index: int, index_above_n_allowed: bool) -> None:
    if not 2 <= k <= n:
        raise ShareRefused("damaged", f"k={k}, n={n}: needs 2 <= k <= n")
    if index == 0:
        raise ShareRefused("damaged", "index 0 is refused")
    if index > n and not index_above_n_allowed:
        raise ShareRefused("damaged", f"index {index} is above n={n}")


def parse_share1(raw: bytes) -> Share1:
    _check_checksum(raw, 82 + 64)
    set_id, k, n, index = raw[3:11], raw[11], raw[12], raw[13]
    _check_k_n_index(k, n, index, index_above_n_allowed=True)
    length = int.from_bytes(raw[58:62], "big")
    if length != len(raw) - 82 or not 64 <= length <= MAX_F1_L:
        raise ShareRefused("damaged", f"ciphertext length {length} does not fit the share's {len(raw)} bytes")
    return Share1(
        set_id, k, n, index, raw[14:46], raw[46:58], raw[62 : 62 + length], raw[62 + length : 78 + length], raw
    )


def fragment_length(padded_length: int, k: int) -> int:
    return (padded_length + 16 + k - 1) // k


def parse_share2(raw: bytes) -> Share2:
    _check_checksum(raw, 163)
    set_id, k, n, index = raw[3:11], raw[11], raw[12], raw[13]
    _check_k_n_index(k, n, index, index_above_n_allowed=False)
    length = int.from_bytes(raw[14:18], "big")
    if not padding_buckets_contain(length):
        raise ShareRefused("damaged", f"padded length {length} is not a padding bucket")
    f = fragment_length(length, k)
    if len(raw) != 162 + f:
        raise ShareRefused("damaged", f"a share of L={length}, k={k} has {162 + f} bytes, not {len(raw)}")
    return Share2(set_id, k, n, index, length, raw[18:50], raw[50:62], raw[62:158], raw[158 : 158 + f], raw)
