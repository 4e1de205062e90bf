"""A reader written from docs/FORMAT.md alone (tests/spec_reader, which imports nothing of breakglass) decodes
fresh sheets of both formats, printed by the real CLI, and agrees byte for byte with `breakglass recombine`,
also on damaged and hostile piles: lost codes within the parity, a cheating share among exactly k, a bogus copy
next to the genuine share, a BG3 code from a newer version."""

from __future__ import annotations

import ast
import hashlib
import itertools
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest
import qrcode
import zxingcpp

from helpers import once_per_run
from spec_reader import Refused, read_pile
from spec_reader import field as gf
from spec_reader.combine import _key1 as key_share_at
from spec_reader.combine import genuine_shares, reaches_root, recombine
from spec_reader.qr import QrPile, add_text, shares_from
from spec_reader.shares import parse_share, parse_share1, parse_share2
from spec_reader.typed import read_typed
from spec_reader.write import altered_in_place, altered_with_own_tree, qr_texts1, qr_texts2, typed_block

HERE = Path(__file__).parent

# (format, credential bytes, k, n): empty-ish, typical, a key, and format 2's largest credential.
SETS = [(2, 1, 2, 2), (2, 300, 3, 5), (2, 2048, 4, 5), (2, 65_536, 5, 5), (1, 1, 2, 3), (1, 300, 3, 4), (1, 2048, 5, 5)]


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from breakglass.cli.main import main; main()", *map(str, args)],
        capture_output=True,
        timeout=600,
        check=False,
    )


def flat(lists: list[list[str]]) -> list[str]:
    return [item for inner in lists for item in inner]


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


class Sheets:
    def __init__(self, folder: Path, secret: bytes, k: int):
        self.folder, self.secret, self.k = folder, secret, k
        self.pdfs = sorted(folder.glob("*.pdf"), key=lambda p: int(p.stem.split("-share-")[1].split("-")[0]))
        self.texts = [pdf_text(p) for p in self.pdfs]
        self.shares = [read_typed(t).shares[0] for t in self.texts]
        self.fingerprint = json.loads((folder / "manifest.json").read_text())["fingerprint"]


@once_per_run
def made(base: Path) -> dict:
    out = {}
    for fmt, size, k, n in SETS:
        secret = random.Random(f"{fmt}-{size}").randbytes(size)
        secret_file = base / f"secret-{fmt}-{size}"
        secret_file.write_bytes(secret)
        folder = base / f"f{fmt}-{size}"
        made_ = cli(
            "split",
            "-k",
            k,
            "-n",
            n,
            "--label",
            "Spec reader",
            "--secret-file",
            secret_file,
            "--out",
            folder,
            "--format",
            fmt,
            "--no-scan-check",
        )
        assert made_.returncode == 0, made_.stderr.decode()
        secret_file.unlink()
        out[(fmt, size)] = Sheets(folder, secret, k)
    return out


def typed_files(tmp_path: Path, blocks: list[str]) -> list[str]:
    args = []
    for number, block in enumerate(blocks):
        path = tmp_path / f"typed-{number}.txt"
        path.write_text(block)
        args += ["--typed", str(path)]
    return args


def recombine_typed(tmp_path: Path, blocks: list[str]) -> subprocess.CompletedProcess:
    return cli("recombine", "--out", "-", *typed_files(tmp_path, blocks))


def qr_images(tmp_path: Path, texts: list[str]) -> list[str]:
    paths = []
    for number, text in enumerate(texts):
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=4)
        code.add_data(qrcode.util.QRData(text.encode(), mode=qrcode.util.MODE_ALPHA_NUM))
        code.make(fit=True)
        path = tmp_path / f"code-{number:03d}.png"
        code.make_image().save(path)
        paths.append(str(path))
    return paths


def test_the_reader_imports_nothing_but_the_standard_library_and_pycryptodome():
    allowed = {
        "base64",
        "hashlib",
        "hmac",
        "re",
        "itertools",
        "collections",
        "dataclasses",
        "functools",
        "Crypto",
        "__future__",
    }
    for module in (HERE / "spec_reader").glob("*.py"):
        tree = ast.parse(module.read_text())
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0]
        assert {name.split(".")[0] for name in names} <= allowed, module.name


@pytest.mark.parametrize("fmt,size", [(f, s) for f, s, _, _ in SETS], ids=lambda v: str(v))
def test_typed_text_of_fresh_sheets(made, tmp_path, fmt, size):
    """The typed blocks as the PDF's text layer gives them (two columns on one row included)."""
    sheets = made[(fmt, size)]
    chosen = sheets.texts[-sheets.k :]
    outcome = read_pile(typed_texts=chosen)
    assert outcome.credential == sheets.secret
    assert outcome.fingerprint == sheets.fingerprint
    assert not outcome.named
    tool = recombine_typed(tmp_path, chosen)
    assert tool.returncode == 0, tool.stderr.decode()
    assert tool.stdout == outcome.credential


def _decode_pages(pdf: Path, dpi: int = 150) -> list[str]:
    texts = []
    document = pypdfium2.PdfDocument(str(pdf))
    for page in document:
        image = page.render(scale=dpi / 72).to_pil().convert("L")
        texts += [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    return texts


@pytest.mark.parametrize("fmt", [1, 2])
def test_qr_codes_of_rendered_sheets(made, fmt):
    """Real sheet images, decoded by a real decoder: the reader recovers, and every code is the text the spec
    says a writer makes for that share (format 2: at most 400 payload characters, parity filling the row)."""
    sheets = made[(fmt, 300)]
    texts = []
    for pdf, share in zip(sheets.pdfs[: sheets.k], sheets.shares, strict=False):
        read = _decode_pages(pdf)
        assert read, pdf.name
        texts += read
        if fmt == 2:
            data, parity = map(int, read[0].split(":")[5].split("/")[1].split("+"))
            assert set(read) == set(qr_texts2(share.raw, parity=parity)[: data + parity])
        else:
            assert set(read) == set(qr_texts1(share.raw))
    outcome = read_pile(qr_texts=texts)
    assert outcome.credential == sheets.secret
    assert outcome.fingerprint == sheets.fingerprint


def test_lost_codes_within_the_parity(made, tmp_path):
    sheets = made[(2, 2048)]
    codes = [qr_texts2(s.raw, parity=2) for s in sheets.shares[: sheets.k]]
    assert len(codes[0]) >= 4
    pile = codes[0][2:] + codes[1][:1] + codes[1][2:] + codes[2][:-2] + flat(codes[3:])  # 2, 1+1, 2 lost
    outcome = read_pile(qr_texts=pile)
    assert outcome.credential == sheets.secret
    tool = cli("recombine", "--out", "-", *qr_images(tmp_path, pile))
    assert tool.returncode == 0, tool.stderr.decode()
    assert tool.stdout == outcome.credential

    beyond = codes[0][3:] + flat(codes[1:])  # three codes of share 1 lost: not enough
    with pytest.raises(Refused, match="not enough shares"):
        read_pile(qr_texts=beyond)
    assert cli("recombine", "--out", "-", *qr_images(tmp_path, beyond)).returncode == 1


@pytest.mark.parametrize(
    "alter,named_as",
    [(altered_with_own_tree, "does not match the fingerprints"), (altered_in_place, "altered after printing")],
)
def test_a_cheating_share_among_exactly_k_is_named(made, tmp_path, alter, named_as):
    sheets = made[(2, 300)]
    genuine = [s.raw for s in sheets.shares]
    pile = [genuine[0], genuine[1], alter(sheets.shares[2])]
    with pytest.raises(Refused) as refused:
        read_pile(typed_texts=[typed_block(r) for r in pile])
    assert list(refused.value.named) == [3]
    assert named_as in refused.value.named[3]
    tool = recombine_typed(tmp_path, [typed_block(r) for r in pile])
    assert tool.returncode == 1 and tool.stdout == b""
    assert "error: share 3 of set" in tool.stderr.decode()

    pile.append(genuine[4])  # one more genuine share: recovered without the cheat, who is named
    outcome = read_pile(typed_texts=[typed_block(r) for r in pile])
    assert outcome.credential == sheets.secret and list(outcome.named) == [3]
    tool = recombine_typed(tmp_path, [typed_block(r) for r in pile])
    assert tool.returncode == 0 and tool.stdout == outcome.credential
    assert "share 3 of set" in tool.stderr.decode()


def test_a_bogus_copy_next_to_the_genuine_share_is_discarded(made, tmp_path):
    sheets = made[(2, 300)]
    genuine = [s.raw for s in sheets.shares]
    for bogus in (altered_with_own_tree(sheets.shares[2]), altered_in_place(sheets.shares[2])):
        pile = [typed_block(r) for r in (genuine[0], bogus, genuine[1], genuine[2])]
        outcome = read_pile(typed_texts=pile)
        assert outcome.credential == sheets.secret
        assert outcome.named == {3: "a bogus copy, discarded"}
        tool = recombine_typed(tmp_path, pile)
        assert tool.returncode == 0 and tool.stdout == outcome.credential
        assert "second, different share 3" in tool.stderr.decode()


def test_a_code_of_a_newer_version_is_reported_and_the_others_read(made, tmp_path):
    sheets = made[(2, 300)]
    codes = [qr_texts2(s.raw, parity=2) for s in sheets.shares]
    newer = "BG3:" + codes[3][0][4:]
    outcome = read_pile(qr_texts=[newer] + flat(codes[:3]))
    assert outcome.credential == sheets.secret
    assert ("newer", "made by a newer version of breakglass (format 3)") in outcome.notes
    with pytest.raises(Refused) as refused:
        read_pile(qr_texts=[newer] + flat(codes[:2]))
    assert ("newer", "made by a newer version of breakglass (format 3)") in refused.value.notes
    tool = cli("recombine", "--out", "-", *qr_images(tmp_path, [newer] + flat(codes[:3])))
    assert tool.returncode == 0 and tool.stdout == sheets.secret
    assert "newer version of breakglass (format 3)" in tool.stderr.decode()


def test_format1_a_share_that_does_not_fit_is_named_and_two_of_one_number_are_refused(made, tmp_path):
    sheets = made[(1, 300)]
    genuine = [s.raw for s in sheets.shares]
    body = bytearray(genuine[1][:-4])
    body[20] ^= 0x40  # share 2's key share
    forged = parse_share(bytes(body) + hashlib.sha256(bytes(body)).digest()[:4]).raw
    pile = [typed_block(r) for r in (genuine[0], forged, genuine[2], genuine[3])]
    outcome = read_pile(typed_texts=pile)
    assert outcome.credential == sheets.secret and list(outcome.named) == [2]
    tool = recombine_typed(tmp_path, pile)
    assert tool.returncode == 0 and tool.stdout == outcome.credential
    assert "share 2 of set" in tool.stderr.decode()

    both = [typed_block(r) for r in (genuine[0], forged, genuine[1], genuine[2])]
    with pytest.raises(Refused, match="two different shares"):
        read_pile(typed_texts=both)
    assert recombine_typed(tmp_path, both).returncode == 1


def test_the_vectors_and_the_worked_example():
    for name in ("vectors.json", "vectors2.json"):
        for case in json.loads((HERE / "vectors" / name).read_text())["cases"]:
            shares = case["shares"][: case["k"]]
            for outcome in (
                read_pile(qr_texts=[t for s in shares for t in s["qr"]]),
                read_pile(typed_texts=[s["typed"] for s in shares]),
            ):
                assert outcome.credential.hex() == case["credential_hex"]
                assert outcome.fingerprint == case["fingerprint"]
            assert [typed_block(bytes.fromhex(s["hex"])) for s in shares] == [s["typed"] for s in shares]
    cases = {
        (json.loads((HERE / "vectors" / n).read_text())["version"], c["name"]): c
        for n in ("vectors.json", "vectors2.json")
        for c in json.loads((HERE / "vectors" / n).read_text())["cases"]
    }
    for later in json.loads((HERE / "vectors" / "expansions.json").read_text())["expansions"]:  # printed by expand
        case = cases[(later["format"], later["case"])]
        others = case["shares"][: case["k"] - 1]
        outcome = read_pile(qr_texts=later["qr"] + flat([s["qr"] for s in others]))
        assert outcome.credential.hex() == later["credential_hex"] and not outcome.named
    spec = (HERE.parent / "docs" / "FORMAT.md").read_text()
    example = json.loads((HERE / "vectors" / "vectors2.json").read_text())["cases"][0]["shares"][0]
    assert example["typed"].splitlines()[0] in spec
    assert qr_texts2(bytes.fromhex(example["hex"]))[0][:100] in spec


def test_format1_sheets_printed_by_release_0_1_0():
    """Sheets in safes: the spec alone reads the first release's sheets, from their text and their codes."""
    folder = HERE / "fixtures" / "format1-release-0.1.0"
    pdfs = sorted(folder.glob("*.pdf"))
    expected = b"old-format-1 sheet: AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    for outcome in (
        read_pile(typed_texts=[pdf_text(p) for p in pdfs]),
        read_pile(qr_texts=flat([_decode_pages(p) for p in pdfs])),
    ):
        assert outcome.credential == expected
        assert outcome.fingerprint == "6GKZ-1H98-KSJ9-A44C"


# ---------------------------------------------------------------- the vectors, share by share
# Moved here from tests/test_independent_reader.py, whose reader (tests/independent_reader.py) was a second,
# narrower reader written from FORMAT.md: every check it made is made here with this reader.

V1 = json.loads((HERE / "vectors" / "vectors.json").read_text())
V2 = json.loads((HERE / "vectors" / "vectors2.json").read_text())
EXPANSIONS = json.loads((HERE / "vectors" / "expansions.json").read_text())


def share_from_codes(texts: list[str]):
    """The one share the codes rebuild (FORMAT.md 3, 6)."""
    pile = QrPile()
    for text in texts:
        add_text(pile, text)
    (share,) = shares_from(pile)
    return share


def typed_raw(text: str) -> list[bytes]:
    return [share.raw for share in read_typed(text).shares]


@pytest.mark.parametrize("case", V2["cases"], ids=lambda c: c["name"])
def test_format2_cases_from_bytes_qr_and_typed(case):
    rng = random.Random(case["name"])
    shares = []
    for s in case["shares"]:
        raw = bytes.fromhex(s["hex"])
        parity = V2["qr_parity"]
        kept = rng.sample(s["qr"], len(s["qr"]) - parity)  # lose as many codes as there are parity codes
        assert share_from_codes(kept).raw == raw
        assert typed_raw(s["typed"]) == [raw]
        parsed = parse_share2(raw)
        assert reaches_root(parsed) and parsed.root == bytes.fromhex(case["root_hex"])
        shares.append(parsed)
    for subset in itertools.combinations(shares, case["k"]):
        outcome = recombine(list(subset), [])
        assert outcome.credential.hex() == case["credential_hex"] and outcome.fingerprint == case["fingerprint"]
        assert not outcome.named


def test_format2_ida_example():
    ida = V2["ida"]
    points = list(range(1, len(ida["pieces_hex"]) + 1))
    pieces = [bytes.fromhex(p) for p in ida["pieces_hex"]]
    for index, fragment in ida["fragments_hex"].items():
        assert gf.interpolate(points, pieces, int(index)).hex().upper() == fragment
    assert gf.interpolate(points, pieces, 255).hex().upper() == ida["fragment_at_255_hex"]
    assert b"".join(pieces).hex().upper().startswith(ida["sealed_hex"])
    values = [
        gf.interpolate([1, 2], [bytes.fromhex(a), bytes.fromhex(b)], x).hex().upper()
        for a, b in [V2["rs_check"]["pieces_hex"]]
        for x in (3, 4, 255)
    ]
    assert values == V2["rs_check"]["values_at_3_4_255_hex"]


def test_format2_erasure_examples():
    for entry in V2["erasure"]:
        for example in entry["examples"]:
            assert share_from_codes(example["texts"]).raw.hex().upper() == example["share_hex"]


@pytest.mark.parametrize("entry", V2["cheating"], ids=lambda e: e["name"])
def test_format2_cheating_examples(entry):
    shares = [parse_share2(bytes.fromhex(h)) for h in entry["shares_hex"]]
    expect = entry["expect"]
    if expect.get("refused"):
        with pytest.raises(Refused) as e:
            recombine(shares, [])
        named = {int(n) for n in re.findall(r"share (\d+) of set", expect["message"])}
        assert set(e.value.named) == named
    else:
        outcome = recombine(shares, [])
        # misfits: the shares recovered without; a bogus copy beside its genuine share is discarded, not a misfit
        misfits = sorted(i for i, why in outcome.named.items() if why != "a bogus copy, discarded")
        assert outcome.credential.hex() == expect["credential_hex"] and misfits == expect["misfits"]


@pytest.mark.parametrize("case", V1["cases"], ids=lambda c: c["name"])
def test_format1_cases_from_bytes_qr_and_typed(case):
    shares = []
    for s in case["shares"]:
        raw = bytes.fromhex(s["hex"])
        assert share_from_codes(s["qr"]).raw == raw
        assert typed_raw(s["typed"]) == [raw]
        shares.append(parse_share1(raw))
    outcome = recombine(shares[: case["k"]], [])
    assert outcome.credential.hex() == case["credential_hex"] and outcome.fingerprint == case["fingerprint"]


@pytest.mark.parametrize("entry", EXPANSIONS["expansions"], ids=lambda e: f"format {e['format']} index {e['index']}")
def test_shares_printed_later_are_read_and_computed_from_the_spec(entry):
    """FORMAT.md 4.1 and 7.4: the reader computes the new share from the shares it was made from, byte for byte,
    and recovers the credential with it."""
    raw = bytes.fromhex(entry["hex"])
    assert typed_raw(entry["typed"]) == [raw]
    cases = V1["cases"] if entry["format"] == 1 else V2["cases"]
    case = next(c for c in cases if c["name"] == entry["case"])
    parse = parse_share1 if entry["format"] == 1 else parse_share2
    originals = {s["index"]: parse(bytes.fromhex(s["hex"])) for s in case["shares"]}
    used = [originals[i] for i in entry["made_from"]]
    new = parse(raw)
    assert share_from_codes(entry["qr"]).raw == raw
    if entry["format"] == 1:
        assert key_share_at(used, entry["index"]) == new.key_share
        assert (new.nonce, new.ciphertext, new.tag, new.raw[:13]) == (
            used[0].nonce,
            used[0].ciphertext,
            used[0].tag,
            used[0].raw[:13],
        )
    else:
        points = [s.index for s in used]
        pieces = [gf.interpolate(points, [s.fragment for s in used], j) for j in range(1, used[0].k + 1)]
        genuine = genuine_shares(used[0], points, [s.key_share for s in used], pieces)
        assert genuine[entry["index"]] == (new.key_share, new.fragment, new.root, new.path)
    outcome = recombine([new, *used[1:]], [])
    assert outcome.credential.hex() == entry["credential_hex"] and outcome.fingerprint == entry["fingerprint"]
