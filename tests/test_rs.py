"""GF(2^8) and the systematic Reed-Solomon code behind format 2's IDA and its QR erasure code."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from breakglass.format import gf256, rs


def test_field_is_the_qr_field():
    assert gf256.mul(0x80, 2) == 0x1D  # x^7 * x = x^8 = x^4 + x^3 + x^2 + 1 modulo 0x11D
    assert gf256.mul(3, 7) == 9  # (x+1)(x^2+x+1) = x^3 + 1, no reduction
    for a in range(1, 256):
        assert gf256.mul(a, gf256.inverse(a)) == 1
    powers = {1}
    value = 1
    for _ in range(254):
        value = gf256.mul(value, gf256.GENERATOR)
        powers.add(value)
    assert len(powers) == 255  # 2 generates every non-zero byte


def test_multiplication_is_carry_less_multiplication_modulo_the_polynomial():
    def slow(a, b):
        product = 0
        for bit in range(8):
            if b >> bit & 1:
                product ^= a << bit
        for bit in range(15, 7, -1):
            if product >> bit & 1:
                product ^= gf256.POLYNOMIAL << (bit - 8)
        return product

    for a in range(0, 256, 7):
        for b in range(256):
            assert gf256.mul(a, b) == slow(a, b)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(min_size=1, max_size=400), count=st.integers(1, 8), extra=st.integers(0, 5), seed=st.randoms())
def test_any_count_of_count_plus_extra_pieces_rebuild_the_data(data, count, extra, seed):
    pieces = rs.cut(data, count)
    everything = {**dict(enumerate(pieces, start=1)), **rs.extend(pieces, range(count + 1, count + extra + 1))}
    chosen = seed.sample(sorted(everything), count)
    rebuilt = rs.rebuild({i: everything[i] for i in chosen}, count)
    assert b"".join(rebuilt)[: len(data)] == data
    assert rebuilt == pieces


def test_systematic_pieces_are_the_data_itself():
    data = bytes(range(100))
    assert rs.extend(rs.cut(data, 4), [1, 2, 3, 4]) == dict(enumerate(rs.cut(data, 4), start=1))
    assert rs.cut(b"abcde", 2) == [b"abc", b"de\x00"]


def test_every_subset_of_255_points_of_size_two_rebuilds():
    pieces = [b"first piece", b"second one!"]
    values = rs.extend(pieces, range(1, 256))
    for a, b in itertools.combinations([1, 2, 3, 128, 254, 255], 2):
        assert rs.rebuild({a: values[a], b: values[b]}, 2) == pieces


def test_too_few_pieces_is_an_error():
    with pytest.raises(ValueError):
        rs.rebuild({1: b"x"}, 2)


def test_interpolation_refuses_repeated_points_and_unequal_lengths():
    with pytest.raises(ValueError):
        gf256.Interpolator({1: b"ab", 2: b"a"})
    with pytest.raises(ValueError):
        gf256.Interpolator({})
