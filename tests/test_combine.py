"""Format 1: recombination refuses, clearly and by share number, whatever is wrong; and recovers around a cheater.

Format 2 has its own rules for cheaters (fingerprints): tests/test_combine2.py."""

import hashlib
from dataclasses import replace

import pytest
from Crypto.Protocol.SecretSharing import Shamir

from breakglass.errors import BreakglassError
from breakglass.format import combine, scheme
from breakglass.format.share import set_id_text
from breakglass.format.v1 import Share

SECRET = b"arn:aws:iam::123456789012:root / S3cr3t!"


@pytest.fixture(scope="module")
def set_a():
    return scheme.split(SECRET, 3, 5, version=1)


def reparse(share: Share) -> Share:
    """A share as a cheating custodian would make it: altered, with a valid checksum."""
    return Share.from_bytes(share.to_bytes())


def test_too_few_names_the_shares(set_a):
    with pytest.raises(
        BreakglassError, match=r"need 3 shares, have 2: shares 1 and 4 of set .*; add any 1 of shares 2, 3 and 5$"
    ):
        combine.recombine([set_a.shares[0], set_a.shares[3]])


def test_exact_copies_count_once(set_a):
    with pytest.raises(BreakglassError, match="need 3 shares, have 2"):
        combine.recombine([set_a.shares[0], set_a.shares[0], set_a.shares[1]])
    got = combine.recombine([set_a.shares[0], set_a.shares[0], set_a.shares[1], set_a.shares[2]])
    assert got.credential == SECRET and got.present == (1, 2, 3)


def test_two_different_shares_with_one_number_are_refused(set_a):
    forged = reparse(replace(set_a.shares[1], key_share=bytes(32)))
    with pytest.raises(BreakglassError, match="two different shares both say they are share 2"):
        combine.recombine([set_a.shares[0], set_a.shares[1], forged, set_a.shares[2]])


def test_mixed_sets_recovers_the_complete_one_and_names_the_rest(set_a):
    set_b = scheme.split(b"other", 2, 3)
    got = combine.recombine([*set_a.shares[:3], set_b.shares[0]])
    assert got.credential == SECRET
    assert any(f"ignored share 1 of another set, {set_id_text(set_b.set_id)}" in w for w in got.warnings)


def test_mixed_sets_none_complete_names_both(set_a):
    set_b = scheme.split(b"other", 3, 3)
    with pytest.raises(BreakglassError) as e:
        combine.recombine([*set_a.shares[:2], set_b.shares[0]])
    assert set_id_text(set_a.set_id) in str(e.value) and set_id_text(set_b.set_id) in str(e.value)
    assert "none has enough" in str(e.value)


def test_two_complete_sets_are_refused(set_a):
    set_b = scheme.split(b"other", 2, 3)
    with pytest.raises(BreakglassError, match="2 complete sets"):
        combine.recombine([*set_a.shares[:3], *set_b.shares[:2]])


def test_cheater_with_exactly_k_shares_is_refused_not_believed(set_a):
    tampered = reparse(replace(set_a.shares[2], key_share=bytes(a ^ 1 for a in set_a.shares[2].key_share)))
    with pytest.raises(BreakglassError, match="do not authenticate together"):
        combine.recombine([set_a.shares[0], set_a.shares[1], tampered])


@pytest.mark.parametrize("bad", [0, 2, 4])
def test_cheater_among_more_than_k_is_named_and_bypassed(set_a, bad):
    shares = list(set_a.shares)
    shares[bad] = reparse(replace(shares[bad], key_share=hashlib.sha256(b"lie").digest()))
    got = combine.recombine(shares)
    assert got.credential == SECRET
    assert got.misfits == (bad + 1,)
    assert any(f"share {bad + 1} of set" in w and "does not fit" in w for w in got.warnings)


def test_altered_ciphertext_in_one_share_is_named(set_a):
    shares = list(set_a.shares)
    ct = bytearray(shares[0].ciphertext)
    ct[0] ^= 0xFF
    shares[0] = reparse(replace(shares[0], ciphertext=bytes(ct)))
    got = combine.recombine(shares)
    assert got.credential == SECRET and got.misfits == (1,)


def test_altered_k_in_header_fails_authentication():
    result = scheme.split(SECRET, 3, 4, version=1)
    lowered = [reparse(replace(s, k=2)) for s in result.shares[:2]]
    with pytest.raises(BreakglassError, match="do not authenticate"):
        combine.recombine(lowered)


def test_forged_index_zero_is_refused_at_parse_time(set_a):
    # pycryptodome's combine would return y for a forged (0, y): breakglass must never let index 0 in.
    forged = replace(set_a.shares[0], index=0)
    with pytest.raises(BreakglassError, match="outside 1..255"):
        Share.from_bytes(forged.to_bytes())
    assert Shamir.combine([(0, b"A" * 16), (1, b"B" * 16)])  # the library itself accepts it


def test_an_index_above_n_is_read_but_a_share_moved_there_does_not_authenticate(set_a):
    # Format 1 reads indexes 1..255: `expand` prints shares above the split's n (FORMAT.md 5). A genuine
    # share presented at another index gives a wrong key, and GCM refuses.
    moved = Share.from_bytes(replace(set_a.shares[0], index=6).to_bytes())
    assert moved.index == 6 and moved.n == 5
    with pytest.raises(BreakglassError, match="do not authenticate"):
        combine.recombine([moved, *set_a.shares[1:3]])


def test_a_newer_version_is_named_as_such(set_a):
    raw = bytearray(set_a.shares[0].to_bytes())
    raw[2] = 3
    with pytest.raises(BreakglassError, match=r"made by a newer version of breakglass \(format 3\)"):
        Share.from_bytes(bytes(raw))


def test_truncated_share_is_named(set_a):
    with pytest.raises(BreakglassError, match="truncated"):
        Share.from_bytes(set_a.shares[0].to_bytes()[:100])


def test_recovered_reports_missing_shares(set_a):
    got = combine.recombine([set_a.shares[4], set_a.shares[1], set_a.shares[2]])
    assert got.used == (2, 3, 5) and got.missing == (1, 4)


def test_repr_of_a_share_never_shows_key_material(set_a):
    assert set_a.shares[0].key_share.hex() not in repr(set_a.shares[0])


@pytest.mark.parametrize("version", scheme.FORMATS)
def test_no_repr_shows_the_credential_a_data_key_or_key_material(set_a, version):
    """Every type that holds the credential, the data key or key shares keeps them out of its repr (a log line,
    a traceback, a debugger's summary), in both formats: the split's result, every share, what recombination
    returns and (format 2) the one-set outcome it is built from."""
    from breakglass.ceremonies.scanback import RenderedSheet
    from breakglass.format.v2.combine import recombine_short

    made = set_a if version == 1 else scheme.split(SECRET, 3, 5, version=2)
    recovered = combine.recombine(list(made.shares[:3]))
    data_key_hex = None
    holders = [made, *made.shares, recovered, RenderedSheet("x.pdf", made.shares[0], 1, made.shares[0].to_bytes())]
    if version == 2:
        outcome = recombine_short(list(made.shares[:3]))
        data_key_hex = outcome.data_key.hex()
        holders.append(outcome)
    secrets = [
        SECRET.hex(),
        repr(SECRET)[2:-1],
        *(s.key_share.hex() for s in made.shares),
        repr(made.shares[0].key_share),
    ]
    for holder in holders:
        shown = repr(holder) + str(holder)
        assert not any(secret in shown for secret in secrets), type(holder).__name__
        assert data_key_hex is None or data_key_hex not in shown
        assert made.shares[0].to_bytes().hex() not in shown and repr(made.shares[0].to_bytes()) not in shown
