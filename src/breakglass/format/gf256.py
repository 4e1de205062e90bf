"""Arithmetic in GF(2^8) and polynomial interpolation over it, on whole byte strings at once (docs/FORMAT.md 7.1).

The field is the one QR codes use: bytes are polynomials over GF(2) (bit i = coefficient of x^i), reduced
modulo x^8 + x^4 + x^3 + x^2 + 1 (0x11D); addition is XOR. Format 2 uses it three ways, all as "a polynomial
of degree < k through known values": Shamir's sharing of the data key, Rabin's IDA over the ciphertext, and
the erasure code across one share's QR codes.

Speed comes from doing one field operation on a whole byte string: multiplying every byte by a constant is
`bytes.translate` with that constant's 256-byte table, and adding two strings is one XOR of big integers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

POLYNOMIAL = 0x11D
GENERATOR = 2  # a primitive element for this polynomial: its powers run through all 255 non-zero bytes


def _exp_log_tables() -> tuple[list[int], list[int]]:
    exp, log = [0] * 510, [0] * 256
    value = 1
    for power in range(255):
        exp[power] = exp[power + 255] = value
        log[value] = power
        value <<= 1  # times x, i.e. times GENERATOR
        if value & 0x100:
            value ^= POLYNOMIAL
    return exp, log


_EXP, _LOG = _exp_log_tables()


def mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return _EXP[_LOG[a] + _LOG[b]]


def inverse(a: int) -> int:
    if a == 0:
        raise ZeroDivisionError("0 has no inverse in GF(2^8)")
    return _EXP[255 - _LOG[a]]


def div(a: int, b: int) -> int:
    return mul(a, inverse(b))


# _TIMES[c] maps every byte b to c*b: bytes.translate(_TIMES[c]) multiplies a whole string by c.
_TIMES = [bytes(mul(c, b) for b in range(256)) for c in range(256)]


def scale(data: bytes, c: int) -> bytes:
    """Every byte of `data` times the constant `c`."""
    return data.translate(_TIMES[c])


def add(a: bytes, b: bytes) -> bytes:
    """Byte-wise sum (XOR) of two strings of equal length."""
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


def combination(terms: Iterable[tuple[int, bytes]], size: int) -> bytes:
    """sum of c * data over the (c, data) terms, every data `size` bytes long."""
    total = 0
    for c, data in terms:
        if c:
            total ^= int.from_bytes(scale(data, c), "big")
    return total.to_bytes(size, "big")


def evaluate(coefficients: list[bytes], x: int) -> bytes:
    """c0 + c1*x + c2*x^2 + ..., byte by byte (Horner's rule); coefficients[0] is the constant term."""
    size = len(coefficients[0])
    result = bytes(size)
    for c in reversed(coefficients):
        result = add(scale(result, x), c)
    return result


class Interpolator:
    """The polynomial of degree < len(points) through known values at distinct points, evaluated anywhere.

    Lagrange's form: p(x) = sum_j y_j * prod_{m != j} (x - x_m) / (x_j - x_m). In GF(2^8) subtraction is XOR.
    The denominators are computed once, so evaluating at many points (all 255 share indexes) stays cheap.
    """

    def __init__(self, values: Mapping[int, bytes]):
        if not values:
            raise ValueError("interpolation needs at least one point")
        self.points = sorted(values)
        if len(set(self.points)) != len(self.points) or not all(0 <= x <= 255 for x in self.points):
            raise ValueError("interpolation points must be distinct bytes")
        self.values = [values[x] for x in self.points]
        self.size = len(self.values[0])
        if any(len(v) != self.size for v in self.values):
            raise ValueError("interpolated values must have equal lengths")
        self._denominators = []
        for j, xj in enumerate(self.points):
            d = 1
            for m, xm in enumerate(self.points):
                if m != j:
                    d = mul(d, xj ^ xm)
            self._denominators.append(d)

    def weights(self, x: int) -> list[int]:
        """The Lagrange weights of the known values for the point x."""
        if x in self.points:
            return [1 if xj == x else 0 for xj in self.points]
        full = 1
        for xm in self.points:
            full = mul(full, x ^ xm)
        return [div(full, mul(x ^ xj, d)) for xj, d in zip(self.points, self._denominators, strict=True)]

    def at(self, x: int) -> bytes:
        return combination(zip(self.weights(x), self.values, strict=True), self.size)
