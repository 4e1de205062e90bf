"""Hostile format-2 QR texts against the real `breakglass recombine`: every field of `BG2:...` wrong in every way
(absurd numbers, lowercase, extra colons, payloads of the wrong length, parity that contradicts the data), forged
shares with valid checksums (index 0, k = 1, a second share 1, a whole forged set under the real set id), shares
of other sets and of format 1 in one pile, newer versions. Share 1 arrives as a photo of its codes; shares 2 and
3 as clean typed text, so each case turns on what the altered codes do.

Every case must end as the promises say: the credential byte for byte, or one `error:` line, exit 1, nothing on
stdout, and a journal unchanged by a refusal; never a traceback, never a wrong credential.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from breakglass.format import scheme, typed, v2
from hostile_pile import (
    INCIDENT,
    PEOPLE,
    Pile,
    assert_safe,
    codes_png,
    encode2,
    run,
)

SECRET = bytes(random.Random(14).randrange(256) for _ in range(1500))  # 5 data codes + parity a share, k = 3


@pytest.fixture(scope="module")
def piles(hostile_set) -> dict[str, Pile]:
    """Three real sets with each share's typed lines beside them, made once per run (tests/conftest.py)."""
    return {
        "f2": hostile_set(SECRET, 3, 5, 2, "Hostile QR", typed_files=True),
        "other": hostile_set(SECRET, 3, 5, 2, "Hostile QR other", typed_files=True),
        "f1": hostile_set(SECRET, 2, 3, 1, "Hostile F1", typed_files=True),
    }


def fields(text: str) -> list[str]:
    return text.split(":")


def with_field(position: int, value):
    """Every code of the share with field `position` (1 set, 2 share, 3 copy, 4 size, 5 chunk, 6 payload) set."""

    def change(texts: list[str]) -> list[str]:
        out = []
        for text in texts:
            parts = fields(text)
            parts[position] = str(value(parts[position]) if callable(value) else value)
            out.append(":".join(parts))
        return out

    return change


def chunk_field(fn):
    def change(texts):
        out = []
        for text in texts:
            parts = fields(text)
            number, rest = parts[5].split("/")
            data, parity = rest.split("+")
            parts[5] = fn(int(number), int(data), int(parity))
            out.append(":".join(parts))
        return out

    return change


def flip_char(which: int, at: int = 10):
    def change(texts):
        texts = list(texts)
        parts = fields(texts[which])
        payload = parts[6]
        parts[6] = payload[:at] + ("A" if payload[at] != "A" else "B") + payload[at + 1 :]
        texts[which] = ":".join(parts)
        return texts

    return change


def only(*positions):
    return lambda texts: [texts[i] for i in positions if i < len(texts)]


MUTATIONS = {
    "genuine": (lambda t: t, "ok"),
    "size + 1": (with_field(4, lambda s: int(s) + 1), "refused"),
    "size - 1": (with_field(4, lambda s: int(s) - 1), "refused"),
    "size 0": (with_field(4, 0), "refused"),
    "size 999999": (with_field(4, 999999), "refused"),
    "size 10**40": (with_field(4, 10**40), "refused"),
    "size negative": (with_field(4, -850), "refused"),
    "size with leading zero": (with_field(4, lambda s: "0" + s), "refused"),
    "share 0": (with_field(2, 0), "refused"),
    "share 256": (with_field(2, 256), "refused"),
    "share 2 in the header": (with_field(2, 2), "refused"),
    "share number in Arabic-Indic digits": (with_field(2, "\u0661"), "refused"),
    "copy 0": (with_field(3, 0), "refused"),
    "copy 999999": (with_field(3, 999999), "ok"),
    "copy huge": (with_field(3, 10**30), "refused"),
    "set lowercase": (with_field(1, str.lower), "refused"),
    "set of 15 digits": (with_field(1, lambda s: s[:15]), "refused"),
    "set of another set": (with_field(1, "0123456789ABCDEF"), "refused"),
    "payload lowercase": (with_field(6, str.lower), "refused"),
    "payload one short": (with_field(6, lambda p: p[:-1]), "refused"),
    "payload one long": (with_field(6, lambda p: p + "A"), "refused"),
    "payload with padding": (with_field(6, lambda p: p + "===="), "refused"),
    "payload not base32": (with_field(6, lambda p: "1" + p[1:]), "refused"),
    "payload empty": (with_field(6, ""), "refused"),
    "extra colon": (with_field(6, lambda p: p[:8] + ":" + p[8:]), "refused"),
    "trailing colon": (with_field(6, lambda p: p + ":"), "refused"),
    "non-ASCII in payload": (with_field(6, lambda p: "É" + p[1:]), "refused"),
    "NUL in payload": (with_field(6, lambda p: p[:5] + "\x00" + p[6:]), "refused"),
    "prefix BG3": (with_field(0, "BG3"), "refused"),
    "prefix BG999": (with_field(0, "BG999"), "refused"),
    "prefix BG1": (with_field(0, "BG1"), "refused"),
    "prefix bg2": (with_field(0, "bg2"), "refused"),
    "chunk 0": (chunk_field(lambda c, d, p: f"0/{d}+{p}"), "refused"),
    "chunk beyond data + parity": (chunk_field(lambda c, d, p: f"{d + p + 1}/{d}+{p}"), "refused"),
    "chunks numbered in reverse": (chunk_field(lambda c, d, p: f"{d + p + 1 - c}/{d}+{p}"), "refused"),
    "data 0": (chunk_field(lambda c, d, p: f"{c}/0+{p}"), "refused"),
    "data + 1": (chunk_field(lambda c, d, p: f"{c}/{d + 1}+{p}"), "refused"),
    "data - 1": (chunk_field(lambda c, d, p: f"{c}/{d - 1}+{p}"), "refused"),
    "data huge": (chunk_field(lambda c, d, p: f"{c}/999999+{p}"), "refused"),
    "parity + 1": (chunk_field(lambda c, d, p: f"{c}/{d}+{p + 1}"), "ok"),
    "parity 0": (chunk_field(lambda c, d, p: f"{c}/{d}+0"), "either"),
    "parity 999": (chunk_field(lambda c, d, p: f"{c}/{d}+999"), "refused"),
    "parity 250 (data + parity > 255)": (chunk_field(lambda c, d, p: f"{c}/{d}+{256 - d}"), "refused"),
    "parity negative": (chunk_field(lambda c, d, p: f"{c}/{d}+-1"), "refused"),
    "one data code altered, all codes there": (flip_char(0), "ok"),
    "one parity code altered, all codes there": (flip_char(-1), "ok"),
    "one data code altered, one parity missing": (lambda t: flip_char(0)(t)[:-1], "ok"),
    "data codes only, one altered": (lambda t: flip_char(0)(t[:5]), "refused"),
    "parity altered, the data code it must replace missing": (lambda t: flip_char(-1)(t[1:]), "either"),
    "every code altered": (lambda t: [flip_char(i)(t)[i] for i in range(len(t))], "refused"),
    "first code only": (only(0), "refused"),
    "codes duplicated many times": (lambda t: t * 3, "ok"),
    "a code repeated with another number's payload": (
        lambda t: t + [":".join(fields(t[0])[:6] + [fields(t[1])[6]])],
        "ok",
    ),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_an_altered_share_1_among_genuine_shares(piles, tmp_path, name):
    mutate, expect = MUTATIONS[name]
    pile = piles["f2"]
    photo = codes_png(tmp_path / "share1.png", mutate(pile.texts[1]))
    journal = pile.journal_copy(tmp_path)
    before = journal.read_bytes()
    result = run(
        "recombine",
        "--out",
        "-",
        "--journal",
        journal,
        *PEOPLE,
        *INCIDENT,
        photo,
        "--typed",
        pile.base / "typed-2.txt",
        "--typed",
        pile.base / "typed-3.txt",
    )
    assert_safe(result, SECRET, expect)
    if result.returncode:
        assert journal.read_bytes() == before


def forged(share: v2.Share, **changes) -> v2.Share:
    """The share with fields changed and a fresh, valid checksum (to_bytes computes it): what a careful forger prints."""
    return dataclasses.replace(share, **changes)


def forged_set_under(set_id: bytes, secret: bytes, k: int, n: int) -> tuple:
    """A whole new set that claims the real set's id: a forger needs only the id printed on any sheet."""
    stream = iter([None])

    def random_bytes(size: int) -> bytes:
        if size == len(set_id) and next(stream, "used") is None:
            return set_id
        return random.Random(size * 7919).randbytes(size)

    return scheme.split(secret, k, n, version=2, random_bytes=random_bytes).shares


def typed_text(tmp_path: Path, share) -> list:
    path = tmp_path / f"typed-forged-{share.index}.txt"
    path.write_text(typed.encode(share))
    return ["--typed", path]


def piles_of(piles, tmp_path: Path, name: str) -> tuple[list, str]:
    """(inputs, expectation) for the pile attacks: shares as photos and typed files, made for case `name` only."""
    f2, other, f1 = piles["f2"], piles["other"], piles["f1"]

    def typed_(pile, n):
        return ["--typed", pile.base / f"typed-{n}.txt"]

    def photo(label, texts):
        return [codes_png(tmp_path / f"{label}.png", texts)]

    share1 = f2.shares[1]
    cases = {
        "two shares only (k = 3)": lambda: (typed_(f2, 1) + typed_(f2, 2), "refused"),
        "one share only": lambda: (typed_(f2, 4), "refused"),
        "shares 1 and 2 of one set, 3 of another": lambda: (
            typed_(f2, 1) + typed_(f2, 2) + typed_(other, 3),
            "refused",
        ),
        "k shares of two sets each": lambda: (
            typed_(f2, 1) + typed_(f2, 2) + typed_(f2, 3) + typed_(other, 1) + typed_(other, 2) + typed_(other, 3),
            "ok",
        ),
        "format 1 and format 2 shares, each short": lambda: (typed_(f2, 1) + typed_(f2, 2) + typed_(f1, 1), "refused"),
        "k format-2 shares and one format-1 share": lambda: (
            typed_(f2, 1) + typed_(f2, 2) + typed_(f2, 3) + typed_(f1, 1),
            "ok",
        ),
        "a second share 1 with an altered key share": lambda: (
            photo("forged1", encode2(forged(share1, key_share=bytes(32))))
            + typed_(f2, 1)
            + typed_(f2, 2)
            + typed_(f2, 3),
            "ok",
        ),
        "share 1 with an altered key share, exactly k": lambda: (
            photo("forged1", encode2(forged(share1, key_share=bytes(32)))) + typed_(f2, 2) + typed_(f2, 3),
            "refused",
        ),
        "share 1 with an altered fragment, exactly k": lambda: (
            photo("forged1", encode2(forged(share1, fragment=bytes(len(share1.fragment)))))
            + typed_(f2, 2)
            + typed_(f2, 3),
            "refused",
        ),
        "share 1 claiming index 4, exactly k": lambda: (
            photo("forged1", encode2(forged(share1, index=4))) + typed_(f2, 2) + typed_(f2, 3),
            "refused",
        ),
        "share 1 claiming k = 2": lambda: (
            photo("forged1", encode2(forged(share1, k=2))) + typed_(f2, 2) + typed_(f2, 3),
            "refused",
        ),
        "share 1 claiming n = 2 (below k)": lambda: (
            photo("forged1", encode2(forged(share1, n=2))) + typed_(f2, 2) + typed_(f2, 3),
            "refused",
        ),
        "share 1 claiming n = 1 and k = 1": lambda: (
            photo("forged1", encode2(forged(share1, k=1, n=1))) + typed_(f2, 2) + typed_(f2, 3),
            "refused",
        ),
        "share 1 claiming another bucket": lambda: (
            photo("forged1", encode2(forged(share1, length=4096))) + typed_(f2, 2) + typed_(f2, 3),
            "refused",
        ),
        "k format-2 shares and a format-1 share 1 under the same set id": lambda: (
            typed_text(tmp_path, forged(f1.shares[1], set_id=share1.set_id))
            + typed_(f2, 1)
            + typed_(f2, 2)
            + typed_(f2, 3),
            "ok",
        ),
        "the typed share 2 twice, once altered": lambda: (
            photo("forged2", encode2(forged(f2.shares[2], key_share=bytes(32)))) + typed_(f2, 1) + typed_(f2, 2),
            "refused",
        ),
    }
    return cases[name]()  # only the case asked for is made (its photo rendered)


PILES = [
    "k format-2 shares and a format-1 share 1 under the same set id",
    "two shares only (k = 3)",
    "one share only",
    "shares 1 and 2 of one set, 3 of another",
    "k shares of two sets each",
    "format 1 and format 2 shares, each short",
    "k format-2 shares and one format-1 share",
    "a second share 1 with an altered key share",
    "share 1 with an altered key share, exactly k",
    "share 1 with an altered fragment, exactly k",
    "share 1 claiming index 4, exactly k",
    "share 1 claiming k = 2",
    "share 1 claiming n = 2 (below k)",
    "share 1 claiming n = 1 and k = 1",
    "share 1 claiming another bucket",
    "the typed share 2 twice, once altered",
]


WITHOUT_JOURNAL = {"k shares of two sets each": "refused"}


@pytest.mark.parametrize("name", PILES)
def test_mixed_and_forged_piles(piles, tmp_path, name):
    inputs, expect = piles_of(piles, tmp_path, name)
    journal = piles["f2"].journal_copy(tmp_path)
    before = journal.read_bytes()
    result = run("recombine", "--out", "-", "--journal", journal, *PEOPLE, *INCIDENT, *inputs)
    assert_safe(result, SECRET, expect)
    if result.returncode:
        assert journal.read_bytes() == before
    # Without a journal, too: nothing to record, and nothing to say which of two complete sets is meant.
    assert_safe(run("recombine", "--out", "-", *inputs), SECRET, WITHOUT_JOURNAL.get(name, expect))


@pytest.mark.parametrize("k", [2, 3])
def test_a_whole_forged_set_under_the_real_set_id_is_refused_with_the_journal(piles, tmp_path, k):
    """A forger prints a whole set under the real id (printed on every sheet): with k = 2, two forged sheets and
    one genuine; with the real k = 3, three forged sheets. The forged shares authenticate among themselves. The
    journal knows the set's k and fingerprint, so with it the forged credential never comes back."""
    f2 = piles["f2"]
    fakes = forged_set_under(f2.shares[1].set_id, b"attacker's credential", k, 5)
    inputs = [codes_png(tmp_path / f"fake{i}.png", encode2(fakes[i - 1])) for i in range(6 - k, 6)]
    inputs += ["--typed", f2.base / "typed-1.txt"]
    journal = f2.journal_copy(tmp_path)
    before = journal.read_bytes()
    for extra in (["--out", "-"], ["--verify-only"]):
        result = run("recombine", *extra, "--journal", journal, *PEOPLE, *INCIDENT, *inputs)
        err = assert_safe(result, SECRET, "refused")
        assert b"attacker" not in result.stdout and journal.read_bytes() == before
        assert ("journal" in err.splitlines()[-1] and "fingerprint" in err.splitlines()[-1]) or "journal records" in err
    # With the genuine k beside the forged shares, the genuine set is used and nothing forged comes back.
    result = run(
        "recombine",
        "--out",
        "-",
        "--journal",
        journal,
        *PEOPLE,
        *INCIDENT,
        *inputs,
        "--typed",
        f2.base / "typed-2.txt",
        "--typed",
        f2.base / "typed-3.txt",
    )
    assert_safe(result, SECRET, "either")
    before = journal.read_bytes()
    for command in (["expand", "--custodian", "Eve Forger"], ["reshare"]):
        result = run(*command, "--journal", journal, *PEOPLE, "--out", tmp_path / "new", "--no-scan-check", *inputs)
        assert_safe(result, b"", "refused")
        assert journal.read_bytes() == before and not (tmp_path / "new").exists()
