"""Format 2: short shares come back exactly; altered shares are named even with exactly k >= 3; bogus copies are
discarded; mixed piles of format 1 and 2 are judged set by set; and never, under any tampering, a wrong credential."""

from dataclasses import replace
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from breakglass.errors import BreakglassError
from breakglass.format import combine, scheme, v2
from breakglass.format.v2 import fingerprints
from breakglass.format.v2.scheme import SetCurves

SECRET = b"-----BEGIN OPENSSH PRIVATE KEY-----\n" + bytes(range(256)) * 3


@pytest.fixture(scope="module")
def set3of5():
    return scheme.split(SECRET, 3, 5)


def reparse(share: v2.Share) -> v2.Share:
    """A share as a cheating custodian would make it: altered, with a valid checksum."""
    return v2.Share.from_bytes(share.to_bytes())


def altered_in_place(share: v2.Share) -> v2.Share:
    """Fragment changed, root and path kept: the path no longer reaches the root."""
    return reparse(replace(share, fragment=bytes(b ^ 0x5A for b in share.fragment)))


def altered_with_own_tree(share: v2.Share) -> v2.Share:
    """Fragment changed and the root recomputed to match: self-consistent, but alone in its camp."""
    fragment = bytes(b ^ 0x5A for b in share.fragment)
    changed = replace(share, fragment=fragment)
    return reparse(replace(changed, root=fingerprints.root_from_path(changed.leaf(), share.index, share.path)))


def test_each_share_carries_about_a_kth_of_the_ciphertext(set3of5):
    share = set3of5.shares[0]
    assert share.version == 2 and share.length == 1024
    assert len(share.fragment) == -(-(1024 + 16) // 3)
    assert len(share.to_bytes()) == 162 + len(share.fragment)


def test_every_k_subset_recovers_exactly(set3of5):
    for subset in combinations(set3of5.shares, 3):
        got = combine.recombine(list(subset))
        assert got.credential == SECRET and got.fingerprint == set3of5.fingerprint and got.version == 2


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credential=st.binary(min_size=1, max_size=3000), k=st.integers(2, 6), extra=st.integers(0, 3), data=st.data())
def test_any_k_shares_in_any_order_recover_exact_bytes(credential, k, extra, data):
    result = scheme.split(credential, k, k + extra)
    chosen = data.draw(st.permutations(result.shares))[:k]
    assert combine.recombine(list(chosen)).credential == credential


def test_k_minus_one_never_recover(set3of5):
    with pytest.raises(BreakglassError, match="need 3 shares, have 2"):
        combine.recombine(list(set3of5.shares[:2]))


def test_every_share_reaches_the_common_root(set3of5):
    assert len({s.root for s in set3of5.shares}) == 1
    assert all(s.reaches_root() for s in set3of5.shares)


@pytest.mark.parametrize("alter", [altered_in_place, altered_with_own_tree])
@pytest.mark.parametrize("bad", [0, 1, 2])
def test_with_exactly_k_one_altered_share_is_named(set3of5, alter, bad):
    shares = list(set3of5.shares[:3])
    shares[bad] = alter(shares[bad])
    with pytest.raises(BreakglassError) as e:
        combine.recombine(shares)
    message = str(e.value)
    others = [i + 1 for i in range(3) if i != bad]
    assert f"share {bad + 1} of set" in message and "add another share" in message
    if alter is altered_with_own_tree:
        assert f"do not match the fingerprints carried by shares {others[0]} and {others[1]}" in message.replace(
            "does not", "do not"
        )


def test_with_exactly_two_of_two_a_cheater_cannot_be_told_apart():
    result = scheme.split(SECRET, 2, 3)
    with pytest.raises(BreakglassError, match="no majority shows which are genuine"):
        combine.recombine([result.shares[0], altered_with_own_tree(result.shares[1])])


@pytest.mark.parametrize("alter", [altered_in_place, altered_with_own_tree])
def test_a_cheater_among_more_than_k_is_bypassed_and_named(set3of5, alter):
    shares = list(set3of5.shares)
    shares[3] = alter(shares[3])
    got = combine.recombine(shares)
    assert got.credential == SECRET and got.misfits == (4,)
    assert any("share 4 of set" in w and "does not fit" in w for w in got.warnings)


@pytest.mark.parametrize("alter", [altered_in_place, altered_with_own_tree])
def test_a_bogus_copy_next_to_the_genuine_share_is_discarded(set3of5, alter):
    bogus = alter(set3of5.shares[2])
    got = combine.recombine([set3of5.shares[0], bogus, set3of5.shares[1], set3of5.shares[2]])
    assert got.credential == SECRET and got.used == (1, 2, 3) and got.misfits == ()
    assert any("a second, different share 3" in w and "discarded" in w for w in got.warnings)


def test_altered_threshold_or_bucket_is_refused_when_parsed(set3of5):
    # k and L fix the fragment's size, so changing either alone leaves a share of the wrong length.
    with pytest.raises(BreakglassError, match="a share of this set has"):
        reparse(replace(set3of5.shares[1], k=2))
    with pytest.raises(BreakglassError, match="a share of this set has"):
        reparse(replace(set3of5.shares[1], length=2048))
    with pytest.raises(BreakglassError, match="not a padding size"):
        reparse(replace(set3of5.shares[1], length=1000))


def test_n_is_a_label_a_later_expansion_may_raise(set3of5):
    curves = SetCurves.from_shares(list(set3of5.shares[:3]))
    assert [curves.share_at(i, 5) for i in range(1, 6)] == list(set3of5.shares)
    new = curves.share_at(200, 200)  # what `expand` (issue 18) would print, without re-encrypting
    assert new.reaches_root() and new.root == set3of5.shares[0].root
    got = combine.recombine([set3of5.shares[4], new, set3of5.shares[0]])
    assert got.credential == SECRET and got.n == 200 and got.fingerprint == set3of5.fingerprint


def test_never_any_index_zero_or_above_n(set3of5):
    for index in (0, 6):
        with pytest.raises(BreakglassError, match="outside 1..5"):
            reparse(replace(set3of5.shares[0], index=index))


def test_a_share_of_a_newer_format_is_named_as_such(set3of5):
    raw = bytearray(set3of5.shares[0].to_bytes())
    raw[2] = 3
    with pytest.raises(BreakglassError, match=r"newer version of breakglass \(format 3\)"):
        v2.Share.from_bytes(bytes(raw))


def test_mixed_pile_of_formats_recovers_the_complete_set():
    old = scheme.split(b"old credential", 2, 3, version=1)
    new = scheme.split(b"new credential", 3, 5)
    got = combine.recombine([old.shares[0], *new.shares[1:4]])
    assert got.credential == b"new credential"
    assert any("ignored share 1 of another set" in w for w in got.warnings)
    got = combine.recombine([new.shares[0], *old.shares[1:]])
    assert got.credential == b"old credential" and got.version == 1


def test_two_complete_sets_of_different_formats_are_refused():
    old = scheme.split(b"old", 2, 3, version=1)
    new = scheme.split(b"new", 2, 3)
    with pytest.raises(BreakglassError, match="2 complete sets"):
        combine.recombine([*old.shares[:2], *new.shares[:2]])


def test_exact_copies_count_once(set3of5):
    with pytest.raises(BreakglassError, match="need 3 shares, have 2"):
        combine.recombine([set3of5.shares[0], set3of5.shares[0], set3of5.shares[1]])


TAMPER_FIELDS = ["key_share", "fragment", "root", "path"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), k=st.integers(2, 4), extra=st.integers(0, 2))
def test_never_a_wrong_credential_whatever_is_altered(data, k, extra):
    """Alter any field of up to two shares (re-checksummed, as a cheater would), present any k or more shares:
    the result is the exact credential or a refusal, never anything else."""
    credential = data.draw(st.binary(min_size=1, max_size=200))
    result = scheme.split(credential, k, k + extra)
    shares = list(result.shares)
    for _ in range(data.draw(st.integers(1, 2))):
        victim = data.draw(st.integers(0, len(shares) - 1))
        name = data.draw(st.sampled_from(TAMPER_FIELDS))
        value = bytearray(getattr(shares[victim], name))
        value[data.draw(st.integers(0, len(value) - 1))] ^= data.draw(st.integers(1, 255))
        changed = replace(shares[victim], **{name: bytes(value)})
        if data.draw(st.booleans()):
            changed = replace(changed, root=fingerprints.root_from_path(changed.leaf(), changed.index, changed.path))
        if data.draw(st.booleans()):
            shares.append(reparse(changed))  # a bogus copy next to the genuine one
        else:
            shares[victim] = reparse(changed)
    presented = data.draw(st.permutations(shares))[: data.draw(st.integers(k, len(shares)))]
    try:
        got = combine.recombine(list(presented))
    except BreakglassError:
        return
    assert got.credential == credential and got.fingerprint == result.fingerprint


SETS = [
    scheme.split(b"set A, format 1", 2, 3, version=1),
    scheme.split(b"set B, format 2", 3, 4),
    scheme.split(b"set C, format 2", 2, 3),
]


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_mixed_piles_recover_the_one_complete_set_or_refuse(data):
    """Any pile of shares from sets of both formats, with copies: exactly one complete set gives its credential;
    none or several complete sets give a refusal. Never another set's credential, never a crash."""
    pile = []
    for result in SETS:
        pile += data.draw(st.lists(st.sampled_from(result.shares), max_size=5))
    pile = data.draw(st.permutations(pile))
    complete = [r for r in SETS if len({s.index for s in pile if s.set_id == r.set_id}) >= r.k]
    if not pile:
        return
    if len(complete) != 1:
        with pytest.raises(BreakglassError):
            combine.recombine(list(pile))
        return
    got = combine.recombine(list(pile))
    expected = complete[0]
    assert got.set_id == expected.set_id and got.fingerprint == expected.fingerprint
    assert (
        got.credential
        == {SETS[0].set_id: b"set A, format 1", SETS[1].set_id: b"set B, format 2", SETS[2].set_id: b"set C, format 2"}[
            expected.set_id
        ]
    )
