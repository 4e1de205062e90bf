"""Split and recombine: exact bytes back from any k shares, never from fewer, never a wrong credential."""

from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from breakglass.errors import BreakglassError
from breakglass.format import combine, scheme, v1, v2

credentials = st.binary(min_size=1, max_size=5000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credential=credentials, k=st.integers(2, 5), extra=st.integers(0, 3))
def test_every_k_subset_recovers_exact_bytes(credential, k, extra):
    n = k + extra
    result = scheme.split(credential, k, n)
    for subset in combinations(result.shares, k):
        recovered = combine.recombine(list(subset))
        assert recovered.credential == credential
        assert recovered.fingerprint == result.fingerprint


@settings(max_examples=25, deadline=None)
@given(credential=credentials, k=st.integers(2, 6))
def test_k_minus_one_shares_never_recover(credential, k):
    result = scheme.split(credential, k, k + 1)
    for subset in combinations(result.shares, k - 1):
        with pytest.raises(BreakglassError, match=f"need {k} shares, have {k - 1}"):
            combine.recombine(list(subset))


@settings(max_examples=15, deadline=None)
@given(credential=st.binary(min_size=1, max_size=300), data=st.data())
def test_every_single_byte_change_is_detected(credential, data):
    share = scheme.split(credential, 2, 3).shares[0]
    raw = bytearray(share.to_bytes())
    position = data.draw(st.integers(0, len(raw) - 1))
    raw[position] ^= data.draw(st.integers(1, 255))
    with pytest.raises(BreakglassError):
        v1.Share.from_bytes(bytes(raw))


@pytest.mark.parametrize("version,parse", [(1, v1.Share.from_bytes), (2, v2.Share.from_bytes)])
def test_every_position_of_a_share_is_covered_by_the_checksum(version, parse):
    raw = scheme.split(b"x" * 40, 2, 3, version=version).shares[1].to_bytes()
    for position in range(len(raw)):
        changed = bytearray(raw)
        changed[position] ^= 0x01
        with pytest.raises(BreakglassError):
            parse(bytes(changed))


def test_text_with_nul_bytes_and_unicode_round_trips():
    credential = "pässwörd\x00\x00root\n".encode() + bytes(range(256))
    result = scheme.split(credential, 3, 5)
    assert combine.recombine(list(result.shares[2:])).credential == credential


def test_largest_credential_round_trips_and_larger_is_refused():
    credential = bytes(range(256)) * (scheme.MAX_CREDENTIAL // 256)
    result = scheme.split(credential, 2, 2)
    assert combine.recombine(list(result.shares)).credential == credential
    with pytest.raises(BreakglassError, match="at most 65536 bytes"):
        scheme.split(credential + b"!", 2, 2)


def test_empty_credential_is_refused():
    with pytest.raises(BreakglassError, match="empty"):
        scheme.split(b"", 2, 3)


@pytest.mark.parametrize("k,n,message", [(1, 3, "at least 2"), (4, 3, "cannot be larger"), (2, 256, "at most 255")])
def test_threshold_rules(k, n, message):
    with pytest.raises(BreakglassError, match=message):
        scheme.split(b"secret", k, n)


def test_255_shares_can_be_made_and_any_two_recover():
    result = scheme.split(b"secret", 2, 255)
    assert combine.recombine([result.shares[0], result.shares[254]]).credential == b"secret"


@pytest.mark.parametrize("length,bucket", [(1, 64), (60, 64), (61, 128), (1020, 1024), (1021, 2048), (2045, 3072)])
def test_padding_buckets_hide_exact_length(length, bucket):
    assert scheme.padded_size(length) == bucket
    assert len(scheme.split(b"a" * length, 2, 2, version=1).shares[0].ciphertext) == bucket
    assert scheme.split(b"a" * length, 2, 2).shares[0].length == bucket


def test_share_size_does_not_reveal_length_within_a_bucket():
    sizes = {len(scheme.split(b"a" * length, 2, 3).shares[0].to_bytes()) for length in range(1, 61)}
    assert len(sizes) == 1


def test_fingerprint_does_not_depend_on_the_credential_alone():
    # Same credential twice: a fresh key each time, so a different set and fingerprint; nothing to brute-force.
    a, b = scheme.split(b"weak", 2, 3), scheme.split(b"weak", 2, 3)
    assert a.fingerprint != b.fingerprint and a.set_id != b.set_id
