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


EXPANSIONS = json.loads((HERE / "vectors" / "expansions.json").read_text())


@pytest.mark.parametrize("entry", EXPANSIONS["expansions"], ids=lambda e: f"format {e['format']} index {e['index']}")
def test_shares_printed_later_are_read_and_computed_from_the_spec(entry):
    """FORMAT.md 4.1 and 7.4: the reader computes the new share from the shares it was made from, byte for byte,
    and recovers the credential with it."""
    raw = bytes.fromhex(entry["hex"])
    assert reader.read_typed(entry["typed"]) == [raw]
    cases = V1["cases"] if entry["format"] == 1 else V2["cases"]
    case = next(c for c in cases if c["name"] == entry["case"])
    parse = reader.parse1 if entry["format"] == 1 else reader.parse2
    originals = {s["index"]: parse(bytes.fromhex(s["hex"])) for s in case["shares"]}
    used = [originals[i] for i in entry["made_from"]]
    new = parse(raw)
    if entry["format"] == 1:
        assert reader.assemble_qr1(entry["qr"]) == raw
        y = b"".join(reader.shamir128_at([(s["index"], s["y"][half:half + 16]) for s in used], entry["index"])
                     for half in (0, 16))
        assert y == new["y"] and new["ciphertext"] == used[0]["ciphertext"] and new["ad"] == used[0]["ad"]
        credential, fingerprint = reader.recombine1([new, *used[1:]])
    else:
        assert reader.assemble_qr2(entry["qr"]) == raw
        ys = {s["index"]: s["y"] for s in used}
        fs = {s["index"]: s["f"] for s in used}
        assert reader.expected_share(used[0], ys, fs, reader.tree(used[0], ys, fs), entry["index"]) == \
            (new["y"], new["f"], new["root"], new["path"])
        credential, fingerprint, _ = reader.recombine2([new, *used[1:]])
    assert credential.hex() == entry["credential_hex"] and fingerprint == entry["fingerprint"]
