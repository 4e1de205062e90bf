"""The formats are pinned by vectors: regenerating them with the same fixed randomness must give the same bytes.

Format 1's vectors (vectors.json) must never change: sheets printed with them in mind sit in safes."""

import json
import sys
from itertools import combinations
from pathlib import Path

import pytest

from breakglass.errors import BreakglassError
from breakglass.format import combine, qrtext, typed, v1, v2

sys.path.insert(0, str(Path(__file__).parent / "vectors"))
import make_vectors  # noqa: E402

VECTORS = json.loads(make_vectors.VECTORS.read_text())


def test_vectors_file_matches_the_code():
    assert make_vectors.make_all() == VECTORS


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["name"])
def test_every_k_subset_of_vector_shares_recovers_the_credential(case):
    shares = [v1.Share.from_bytes(bytes.fromhex(s["hex"])) for s in case["shares"]]
    for subset in combinations(shares, case["k"]):
        recovered = combine.recombine(list(subset))
        assert recovered.credential.hex() == case["credential_hex"]
        assert recovered.fingerprint == case["fingerprint"]
        assert recovered.set_id.hex().upper() == case["set_id"]


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["name"])
def test_vector_encodings_decode_to_the_binary_share(case):
    for s in case["shares"]:
        binary = bytes.fromhex(s["hex"])
        assert qrtext.assemble([qrtext.parse_chunk(t) for t in s["qr"]]).to_bytes() == binary
        reading = typed.read_text(s["typed"])
        assert not reading.problems
        assert [x.to_bytes() for x in reading.shares] == [binary]


# --- format 2 ---------------------------------------------------------------------------------------------------

import make_vectors2  # noqa: E402

VECTORS2 = json.loads(make_vectors2.VECTORS.read_text())


def test_format2_vectors_file_matches_the_code():
    assert make_vectors2.make_all() == VECTORS2


@pytest.mark.parametrize("case", VECTORS2["cases"], ids=lambda c: c["name"])
def test_every_k_subset_of_format2_vector_shares_recovers_and_every_encoding_decodes(case):
    shares = [v2.Share.from_bytes(bytes.fromhex(s["hex"])) for s in case["shares"]]
    for subset in combinations(shares, case["k"]):
        recovered = combine.recombine(list(subset))
        assert recovered.credential.hex() == case["credential_hex"] and recovered.fingerprint == case["fingerprint"]
    for s, share in zip(case["shares"], shares, strict=True):
        assert qrtext.assemble([qrtext.parse_chunk(t) for t in s["qr"][-share.k :]]) == share
        assert typed.read_text(s["typed"]).shares == [share]


@pytest.mark.parametrize("entry", VECTORS2["cheating"], ids=lambda e: e["name"])
def test_format2_cheating_vectors_reach_the_recorded_outcome(entry):
    pile = [v2.Share.from_bytes(bytes.fromhex(h)) for h in entry["shares_hex"]]
    if entry["expect"].get("refused"):
        with pytest.raises(BreakglassError) as e:
            combine.recombine(pile)
        assert str(e.value) == entry["expect"]["message"]
    else:
        got = combine.recombine(pile)
        assert got.credential.hex() == entry["expect"]["credential_hex"]
        assert list(got.misfits) == entry["expect"]["misfits"]


# --- shares printed later by `expand` (both formats) ----------------------------------------------------------

import make_expansions  # noqa: E402

EXPANSIONS = json.loads(make_expansions.VECTORS.read_text())


def test_expansion_vectors_file_matches_the_code():
    assert make_expansions.make_all() == EXPANSIONS


@pytest.mark.parametrize("entry", EXPANSIONS["expansions"], ids=lambda e: f"format {e['format']} index {e['index']}")
def test_an_expanded_share_recovers_with_any_k_minus_1_shares_of_its_set(entry):
    parse = v1.Share.from_bytes if entry["format"] == 1 else v2.Share.from_bytes
    vectors = VECTORS if entry["format"] == 1 else VECTORS2
    case = next(c for c in vectors["cases"] if c["name"] == entry["case"])
    new = parse(bytes.fromhex(entry["hex"]))
    assert (new.index, new.n) == (entry["index"], entry["n"])
    assert qrtext.assemble([qrtext.parse_chunk(t) for t in entry["qr"]]) == new
    assert typed.read_text(entry["typed"]).shares == [new]
    originals = [parse(bytes.fromhex(s["hex"])) for s in case["shares"]]
    for others in combinations(originals, case["k"] - 1):
        recovered = combine.recombine([new, *others])
        assert recovered.credential.hex() == entry["credential_hex"] and recovered.fingerprint == entry["fingerprint"]
