"""A systematic Reed-Solomon code over GF(2^8), used twice in format 2 (docs/FORMAT.md 7.2):

- as Rabin's information dispersal (IDA): the encrypted credential is cut into k pieces, and share i carries
  the value at point i of the polynomial through the pieces; any k shares rebuild the pieces;
- as the erasure code across one share's QR codes: the share is cut into d data chunks, and chunk d+j carries
  the value at point d+j; any d codes rebuild the share.

"Systematic": the piece numbered j (1 <= j <= d) is the j-th slice of the data itself; only points above d
carry computed values. Points are the bytes 1..255, so at most 255 pieces in all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .gf256 import Interpolator

MAX_POINTS = 255


def cut(data: bytes, count: int) -> list[bytes]:
    """`data` in `count` slices of equal length ceil(len/count), the last one filled up with zero bytes."""
    size = -(-len(data) // count)
    padded = data + bytes(size * count - len(data))
    return [padded[i * size : (i + 1) * size] for i in range(count)]


def extend(pieces: list[bytes], points: Iterable[int]) -> dict[int, bytes]:
    """The values at `points` of the polynomial that takes the value pieces[j-1] at point j (j = 1..d)."""
    curve = Interpolator({j: piece for j, piece in enumerate(pieces, start=1)})
    return {x: curve.at(x) for x in points}


def rebuild(known: Mapping[int, bytes], count: int) -> list[bytes]:
    """The `count` systematic pieces from any `count` known values (points 1..255); extra values are ignored."""
    if len(known) < count:
        raise ValueError(f"need {count} pieces, have {len(known)}")
    chosen = dict(sorted(known.items())[:count])
    curve = Interpolator(chosen)
    return [curve.at(j) for j in range(1, count + 1)]
