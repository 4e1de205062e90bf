"""The spec is complete: a reader written from docs/FORMAT.md alone (tests/independent_reader.py, which imports
nothing of breakglass) decodes every vector of both formats, from bytes, QR texts and typed blocks, and reaches
the outcomes the vectors record for cheating shares."""

import ast
import itertools
import json
import random
from pathlib import Path

import independent_reader as reader  # tests/ is on the path (rootdir conftest-less import)
import pytest

HERE = Path(__file__).parent
V1 = json.loads((HERE / "vectors" / "vectors.json").read_text())
V2 = json.loads((HERE / "vectors" / "vectors2.json").read_text())


def test_the_reader_does_not_import_breakglass():
    tree = ast.parse((HERE / "independent_reader.py").read_text())
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [n for n in names if n.split(".")[0] == "breakglass"]


@pytest.mark.parametrize("case", V2["cases"], ids=lambda c: c["name"])
def test_format2_cases_from_bytes_qr_and_typed(case):
    rng = random.Random(case["name"])
    shares = []
    for s in case["shares"]:
        raw = bytes.fromhex(s["hex"])
        parity = V2["qr_parity"]
        kept = rng.sample(s["qr"], len(s["qr"]) - parity)  # lose as many codes as there are parity codes
        assert reader.assemble_qr2(kept) == raw
        assert reader.read_typed(s["typed"]) == [raw]
        parsed = reader.parse2(raw)
        assert reader.walk(parsed) == parsed["root"] == bytes.fromhex(case["root_hex"])
        shares.append(parsed)
    for subset in itertools.combinations(shares, case["k"]):
        credential, fingerprint, misfits = reader.recombine2(list(subset))
        assert credential.hex() == case["credential_hex"] and fingerprint == case["fingerprint"] and not misfits


def test_format2_ida_example():
    ida = V2["ida"]
    pieces = {j: bytes.fromhex(p) for j, p in enumerate(ida["pieces_hex"], start=1)}
    for index, fragment in ida["fragments_hex"].items():
        assert reader.value_at(pieces, int(index)).hex().upper() == fragment
    assert reader.value_at(pieces, 255).hex().upper() == ida["fragment_at_255_hex"]
    assert b"".join(pieces.values()).hex().upper().startswith(ida["sealed_hex"])
    values = [reader.value_at({1: bytes.fromhex(a), 2: bytes.fromhex(b)}, x).hex().upper()
              for a, b in [V2["rs_check"]["pieces_hex"]] for x in (3, 4, 255)]
    assert values == V2["rs_check"]["values_at_3_4_255_hex"]


def test_format2_erasure_examples():
    for entry in V2["erasure"]:
        for example in entry["examples"]:
            assert reader.assemble_qr2(example["texts"]).hex().upper() == example["share_hex"]


@pytest.mark.parametrize("entry", V2["cheating"], ids=lambda e: e["name"])
def test_format2_cheating_examples(entry):
    shares = [reader.parse2(bytes.fromhex(h)) for h in entry["shares_hex"]]
    expect = entry["expect"]
    if expect.get("refused"):
        with pytest.raises(reader.Refused) as e:
            reader.recombine2(shares)
        named = {int(n) for n in __import__("re").findall(r"share (\d+) of set", expect["message"])}
        assert e.value.named == named
    else:
        credential, _, misfits = reader.recombine2(shares)
        assert credential.hex() == expect["credential_hex"] and sorted(misfits) == expect["misfits"]


@pytest.mark.parametrize("case", V1["cases"], ids=lambda c: c["name"])
def test_format1_cases_from_bytes_qr_and_typed(case):
    shares = []
    for s in case["shares"]:
        raw = bytes.fromhex(s["hex"])
        assert reader.assemble_qr1(s["qr"]) == raw
        assert reader.read_typed(s["typed"]) == [raw]
        shares.append(reader.parse1(raw))
    subset = shares[: case["k"]]
    credential, fingerprint = reader.recombine1(subset)
    assert credential.hex() == case["credential_hex"] and fingerprint == case["fingerprint"]
