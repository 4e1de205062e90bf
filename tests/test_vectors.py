"""The format is pinned by vectors: regenerating them with the same fixed randomness must give the same bytes."""

import json
import sys
from itertools import combinations
from pathlib import Path

import pytest

from breakglass.format import combine, qrtext, typed
from breakglass.format.share import Share

sys.path.insert(0, str(Path(__file__).parent / "vectors"))
import make_vectors  # noqa: E402

VECTORS = json.loads(make_vectors.VECTORS.read_text())


def test_vectors_file_matches_the_code():
    assert make_vectors.make_all() == VECTORS


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["name"])
def test_every_k_subset_of_vector_shares_recovers_the_credential(case):
    shares = [Share.from_bytes(bytes.fromhex(s["hex"])) for s in case["shares"]]
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
