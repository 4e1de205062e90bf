"""Issue 27, forged format-1 chunks: the three good sheets of a format-1 set and a thousand forged QR codes that
reuse its set id and share numbers. The credential comes back exactly, and the problem lines say which share
had mixed or conflicting codes (the share first, then a short list of where they came from)."""

from __future__ import annotations

import random
import re
import subprocess
import sys

import pytest

from breakglass.format.v1 import Chunk
from breakglass.scan.collect import ShareCollector
from hostile_pile import PEOPLE, codes_png, make_set

SECRET = b"forged chunks credential"
FORGED = 1000
FORGED_SCANNED = 150  # through the real scanner too (the thousand go through the collector above: decoding
# a thousand codes from images takes minutes on a shared machine)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@pytest.fixture(scope="module")
def pile(tmp_path_factory):
    return make_set(tmp_path_factory.mktemp("forged") / "set", SECRET, 3, 3, 1, "Forged chunks")


def forged_texts(pile, count: int, seed: int = 27) -> list[str]:
    """Codes that claim to be pieces of the set's shares 1 to 3: one of one (like the real ones) or one of two,
    with random data of the real length."""
    rng = random.Random(seed)
    set_hex = pile.texts[1][0].split(":")[1]
    length = len(pile.texts[1][0].rsplit(":", 1)[1])
    texts = []
    for i in range(count):
        number, total = rng.choice([(1, 1), (1, 2), (2, 2)])
        data = "".join(rng.choice(ALPHABET) for _ in range(length))
        texts.append(Chunk(set_hex, 1 + i % 3, 1, number, total, data).text())
    return texts


def test_the_collector_keeps_each_good_share_and_names_the_share_with_forged_codes(pile):
    collector = ShareCollector()
    for number, texts in pile.texts.items():
        collector.add_qr_texts(texts, f"sheet-{number}.pdf page 1")
    forged = forged_texts(pile, FORGED)
    for start in range(0, FORGED, 25):
        collector.add_qr_texts(forged[start : start + 25], f"forged-{start // 25:02d}.png")
    found = collector.shares()
    assert sorted(f.share.to_bytes() for f in found) == sorted(s.to_bytes() for s in pile.shares.values())
    assert len(collector.problems) == 3
    for number, problem in zip((1, 2, 3), sorted(collector.problems), strict=True):
        assert problem.startswith(f"share {number} of set "), problem
        assert re.search(r"(mixed|two different versions)", problem) and "and 3" in problem, problem
        assert f"rebuilt from sheet-{number}.pdf page 1 alone" in problem, problem
        assert len(problem) < 300
    assert [f.sources for f in found] == [[f"sheet-{n}.pdf page 1"] for n in (1, 2, 3)]


def test_recombine_recovers_exactly_and_says_which_share_had_forged_codes(pile, tmp_path):
    forged = forged_texts(pile, FORGED_SCANNED)
    images = [
        codes_png(tmp_path / f"forged-{i:02d}.png", forged[i * 25 : (i + 1) * 25], module_px=2)
        for i in range(FORGED_SCANNED // 25)
    ]
    journal = pile.journal_copy(tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "breakglass",
            "recombine",
            "--journal",
            journal,
            *PEOPLE,
            "--incident",
            "INC-27",
            "--reason",
            "forged chunks",
            "--out",
            tmp_path / "credential",
            *pile.sheets.values(),
            *images,
        ],
        capture_output=True,
        timeout=600,
        check=False,
    )
    err = result.stderr.decode(errors="replace")
    assert result.returncode == 0, err[-3000:]
    assert (tmp_path / "credential").read_bytes() == SECRET
    assert "Traceback" not in err
    for number in (1, 2, 3):
        named = [
            line
            for line in err.splitlines()
            if f"share {number} of set " in line and re.search(r"(mixed|two different versions)", line)
        ]
        assert named, err[-3000:]
