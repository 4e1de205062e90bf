"""Format 1's field, GF(2^128), and interpolation over it at any share index (docs/FORMAT.md 4 and 4.1).

Format 1 splits each 16-byte half of the data key with pycryptodome's Shamir scheme. pycryptodome only
recombines at 0 (the secret); `expand` needs the same polynomial's value at a new index (a share printed
later), so this module implements the field as FORMAT.md specifies it: a 16-byte string is the big-endian
integer whose bit i is the coefficient of x^i, reduced modulo x^128 + x^7 + x^2 + x + 1. It is written out here
rather than borrowed from pycryptodome's private `_Element`, so that a change there can never change shares.
"""

from __future__ import annotations

from collections.abc import Mapping

BITS = 128
SIZE = 16
_MODULUS = (1 << BITS) | 0x87  # x^128 + x^7 + x^2 + x + 1


def mul(a: int, b: int) -> int:
    """Carry-less product of two field elements, reduced modulo the field polynomial."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a >> BITS:
            a ^= _MODULUS
    return product


def inverse(a: int) -> int:
    """a^(2^128 - 2), the inverse of a non-zero element (Fermat's little theorem in GF(2^128))."""
    if a == 0:
        raise ZeroDivisionError("0 has no inverse in GF(2^128)")
    result, power, exponent = 1, a, (1 << BITS) - 2
    while exponent:
        if exponent & 1:
            result = mul(result, power)
        power = mul(power, power)
        exponent >>= 1
    return result


def value_at(points: Mapping[int, bytes], x: int) -> bytes:
    """The polynomial of degree < len(points) through the 16-byte values at distinct indexes, evaluated at x
    (Lagrange; addition and subtraction are XOR). At x = 0 this is Shamir's recombination."""
    if not points or any(len(v) != SIZE for v in points.values()):
        raise ValueError("interpolation needs 16-byte values")
    total = 0
    for xj, yj in points.items():
        numerator, denominator = 1, 1
        for xm in points:
            if xm != xj:
                numerator = mul(numerator, x ^ xm)
                denominator = mul(denominator, xj ^ xm)
        total ^= mul(int.from_bytes(yj, "big"), mul(numerator, inverse(denominator)))
    return total.to_bytes(SIZE, "big")
