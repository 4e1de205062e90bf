"""The recovery page's JavaScript core and breakglass's own reading (scan.collect + format.combine, what
`recombine` runs) on the same piles of QR texts and typed text: seeded random piles made from the vectors of both
formats, with missing, duplicated, altered, foreign, newer-version and other-set codes, typos, and cheating
shares. The same credential and fingerprint, or both refuse; never a credential from one and not the other."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from breakglass.errors import BreakglassError
from breakglass.format import combine
from breakglass.format.v2 import Share as Share2
from breakglass.format.v2 import qrtext as qrtext2
from breakglass.scan.collect import ShareCollector

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors"
PILES = 160


def load(name: str) -> dict:
    return json.loads((VECTORS / name).read_text())


def python_outcome(pile: dict) -> tuple[bool, str | None, str | None]:
    collector = ShareCollector()
    for i, text in enumerate(pile["qr"]):
        collector.add_qr_texts([text], f"code {i + 1}")
    for i, text in enumerate(pile["typed"]):
        collector.add_typed_text(text, f"typed {i + 1}")
    try:
        found = combine.recombine([f.share for f in collector.shares()])
    except BreakglassError:
        return False, None, None
    return True, found.credential.hex(), found.fingerprint


def typo(text: str, rng: random.Random) -> str:
    """One character of one data line replaced (the page and recombine both correct it, or both give up)."""
    lines = text.split("\n")
    row = rng.choice([i for i in range(1, len(lines)) if len(lines[i]) > 14])
    at = rng.randrange(4, len(lines[row]) - 6)
    if lines[row][at] == " ":
        at += 1
    lines[row] = lines[row][:at] + rng.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") + lines[row][at + 1 :]
    return "\n".join(lines)


def altered_code(text: str, rng: random.Random) -> str:
    head, _, payload = text.rpartition(":")
    at = rng.randrange(len(payload))
    return f"{head}:{payload[:at]}{'A' if payload[at] != 'A' else 'B'}{payload[at + 1 :]}"


def make_pile(rng: random.Random, cases: list[dict], cheats: list[dict]) -> dict:
    case = rng.choice(cases)
    shares = rng.sample(case["shares"], rng.randint(max(1, case["k"] - 1), len(case["shares"])))
    qr, typed = [], []
    for share in shares:
        if rng.random() < 0.25:
            typed.append(typo(share["typed"], rng) if rng.random() < 0.5 else share["typed"])
        else:
            codes = list(share["qr"])
            if len(codes) > 1 and rng.random() < 0.4:
                codes = rng.sample(codes, rng.randint(1, len(codes)))
            qr += codes
    extras = rng.random()
    if extras < 0.15 and qr:
        qr.append(altered_code(rng.choice(qr), rng))
    elif extras < 0.25:
        qr.append("BG3:0123456789ABCDEF:1:1:2000:1/1+0:" + "A" * 40)
    elif extras < 0.35:
        other = rng.choice([c for c in cases if c is not case])
        qr += [t for s in rng.sample(other["shares"], rng.randint(1, other["k"])) for t in s["qr"]]
    elif extras < 0.45:
        qr.append("https://example.com/not-a-share")
    elif extras < 0.6 and cheats:
        cheat = rng.choice(cheats)
        qr += [
            t for h in cheat["shares_hex"] for t in qrtext2.encode(Share2.from_bytes(bytes.fromhex(h)), 400, parity=1)
        ]
    if rng.random() < 0.2 and qr:
        qr.append(rng.choice(qr))  # a code read twice
    rng.shuffle(qr)
    return {"qr": qr, "typed": typed}


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed (install.sh test installs nodejs)")
def test_the_page_core_and_recombine_agree_on_random_hostile_piles():
    v1, v2 = load("vectors.json"), load("vectors2.json")
    cases = v1["cases"] + v2["cases"]
    rng = random.Random(26)
    piles = [make_pile(rng, cases, v2["cheating"]) for _ in range(PILES)]
    run = subprocess.run(
        ["node", str(ROOT / "tests" / "js" / "read_pile.js")],
        input=json.dumps(piles),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    page = json.loads(run.stdout)
    recovered = 0
    for pile, seen in zip(piles, page, strict=True):
        ok, credential, fingerprint = python_outcome(pile)
        assert (seen["state"] == "recovered") == ok, f"{json.dumps(pile)[:600]}\npage: {seen['message']}"
        if ok:
            recovered += 1
            assert (seen["credential"], seen["fingerprint"]) == (credential, fingerprint)
        else:
            assert seen["credential"] is None and seen["state"] in ("need-more", "refused")
    assert 0.3 * PILES < recovered < PILES  # the piles exercise both outcomes
