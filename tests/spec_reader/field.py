"""GF(2^8) modulo 0x11D and Lagrange interpolation over byte strings (FORMAT.md 7.1), and GF(2^128) for
format 1's Shamir shares (FORMAT.md 4, step 3). Written from the spec alone."""

from functools import reduce

EXP = [0] * 510
LOG = [0] * 256
_x = 1
for _e in range(255):
    EXP[_e] = EXP[_e + 255] = _x
    LOG[_x] = _e
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11D


def mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return EXP[LOG[a] + LOG[b]]


def inv(a: int) -> int:
    if a == 0:
        raise ZeroDivisionError("0 has no inverse in GF(2^8)")
    return EXP[255 - LOG[a]]


# MUL_TABLE[c] maps byte b to c*b, so bytes.translate multiplies a whole string by c at C speed.
MUL_TABLE = [bytes(mul(c, b) for b in range(256)) for c in range(256)]


def lagrange_weights(points: list[int], x: int, times=mul, inverse=inv) -> list[int]:
    """Weights w_j with p(x) = sum w_j * y_j for the polynomial through (points[j], y_j), in a field of
    characteristic 2 (subtraction is XOR): GF(2^8), or the field whose multiplication and inverse are given."""
    out = []
    for j, xj in enumerate(points):
        num = den = 1
        for i, xi in enumerate(points):
            if i != j:
                num = times(num, x ^ xi)
                den = times(den, xj ^ xi)
        out.append(times(num, inverse(den)))
    return out


def scale(value: bytes, c: int) -> bytes:
    return value.translate(MUL_TABLE[c])


def xor_all(values: list[bytes], length: int) -> bytes:
    total = reduce(lambda acc, v: acc ^ int.from_bytes(v, "big"), values, 0)
    return total.to_bytes(length, "big")


def interpolate(points: list[int], values: list[bytes], x: int) -> bytes:
    """The value at x of the polynomial of degree < len(points) through (points[j], values[j]), byte by byte."""
    if len(set(points)) != len(points):
        raise ValueError("interpolation points must be distinct")
    length = len(values[0])
    if any(len(v) != length for v in values):
        raise ValueError("interpolation values must have equal length")
    w = lagrange_weights(points, x)
    return xor_all([scale(v, c) for v, c in zip(values, w, strict=True)], length)


# GF(2^128): a 16-byte big-endian integer whose bit i is the coefficient of x^i, modulo x^128+x^7+x^2+x+1.
_R128 = (1 << 128) | 0x87


def mul128(a: int, b: int) -> int:
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a >> 128:
            a ^= _R128
    return product


def inv128(a: int) -> int:
    if a == 0:
        raise ZeroDivisionError("0 has no inverse in GF(2^128)")
    result, base, e = 1, a, (1 << 128) - 2
    while e:
        if e & 1:
            result = mul128(result, base)
        base = mul128(base, base)
        e >>= 1
    return result


def interpolate128(points: list[int], values: list[int], x: int) -> int:
    total = 0
    for value, weight in zip(values, lagrange_weights(points, x, mul128, inv128), strict=True):
        total ^= mul128(value, weight)
    return total
