"""Generate tests/vectors/vectors2.json, the format-2 test vectors (format 1's are make_vectors.py's).

    python tests/vectors/make_vectors2.py          # rewrite vectors2.json
    python tests/vectors/make_vectors2.py --check  # exit 1 if vectors2.json differs from what the code makes now

Randomness is SHA-256 in counter mode over a per-vector seed (make_vectors.deterministic_random), drawn in the
order docs/FORMAT.md gives: data key, set id, then the Shamir coefficients. Besides whole sets, the file has:
an IDA example (the sealed bytes, the k pieces and every share's fragment), erasure examples (QR texts with some
codes lost), and cheating examples (an altered share, a bogus copy) with the outcome a reader must reach.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_vectors import deterministic_random, write_or_check  # noqa: E402

from breakglass.errors import BreakglassError  # noqa: E402
from breakglass.format import combine, qrtext, rs, scheme, typed, v2  # noqa: E402
from breakglass.format.v2 import fingerprints  # noqa: E402
from breakglass.format.v2.scheme import SetCurves  # noqa: E402

HERE = Path(__file__).parent
VECTORS = HERE / "vectors2.json"
QR_CHARS = 400
PARITY = 2

CASES = [
    {"name": "short password, 3 of 5", "credential_hex": b"correct horse battery staple".hex(), "k": 3, "n": 5},
    {"name": "binary with NUL bytes, 2 of 3", "credential_hex": bytes(range(0, 40)).hex(), "k": 2, "n": 3},
    {"name": "one byte, 2 of 2", "credential_hex": "00", "k": 2, "n": 2},
    {
        "name": "1500 bytes (1 KiB bucket boundary passed), 4 of 6",
        "credential_hex": (b"0123456789ABCDEF" * 94)[:1500].hex(),
        "k": 4,
        "n": 6,
    },
]


def seeded_split(case: dict) -> tuple[scheme.SplitResult, bytes]:
    """The case's set, and its data key (recovered from k shares, as any reader would)."""
    random_bytes = deterministic_random("v2 " + case["name"])
    result = scheme.split(bytes.fromhex(case["credential_hex"]), case["k"], case["n"], random_bytes=random_bytes)
    data_key = SetCurves.from_shares(list(result.shares[: case["k"]])).data_key()
    return result, data_key


def make_case(case: dict) -> dict:
    result, data_key = seeded_split(case)
    first = result.shares[0]
    return {
        **case,
        "set_id": result.set_id.hex().upper(),
        "fingerprint": result.fingerprint,
        "data_key_hex": data_key.hex().upper(),
        "padded_length": first.length,
        "root_hex": first.root.hex().upper(),
        "shares": [
            {
                "index": s.index,
                "hex": s.to_bytes().hex().upper(),
                "key_share_hex": s.key_share.hex().upper(),
                "fragment_hex": s.fragment.hex().upper(),
                "leaf_hex": s.leaf().hex().upper(),
                "qr": qrtext.encode(s, QR_CHARS, parity=PARITY),
                "typed": typed.encode(s),
            }
            for s in result.shares
        ],
    }


def ida_example() -> dict:
    """Case 1 taken apart: the sealed bytes (ciphertext || tag), the k pieces, the fragments of shares 1..n."""
    case = CASES[0]
    result, data_key = seeded_split(case)
    curves = SetCurves.from_shares(list(result.shares[: case["k"]]))
    pieces = [curves.fragment_at(j) for j in range(1, case["k"] + 1)]
    sealed = b"".join(pieces)[: result.shares[0].length + 16]
    return {
        "case": case["name"],
        "sealed_hex": sealed.hex().upper(),
        "pieces_hex": [p.hex().upper() for p in pieces],
        "fragments_hex": {str(s.index): s.fragment.hex().upper() for s in result.shares},
        "fragment_at_255_hex": curves.fragment_at(255).hex().upper(),
        "key_share_at_255_hex": curves.key_share_at(255).hex().upper(),
    }


def erasure_examples() -> list[dict]:
    """QR texts of one share with codes lost: any `data` of the `data + parity` codes rebuild it."""
    case = {"name": "2 KiB key, 3 of 5", "credential_hex": (bytes(range(256)) * 8).hex(), "k": 3, "n": 5}
    result, _ = seeded_split(case)
    share = result.shares[1]
    texts = qrtext.encode(share, QR_CHARS, copy=1, parity=PARITY)
    data = len(texts) - PARITY
    examples = []
    for lost in ([1, 2], [2, data + 1], [data + 1, data + 2]):
        kept = [t for number, t in enumerate(texts, start=1) if number not in lost]
        assert qrtext.assemble([qrtext.parse_chunk(t) for t in kept]) == share
        examples.append({"lost": lost, "texts": kept, "share_hex": share.to_bytes().hex().upper()})
    return [
        {
            "case": case["name"],
            "credential_hex": case["credential_hex"],
            "max_chars": QR_CHARS,
            "parity": PARITY,
            "share_index": share.index,
            "examples": examples,
        }
    ]


def _with_own_tree(share: v2.Share, fragment: bytes) -> v2.Share:
    """What a cheater who understands the format makes: new fragment, root recomputed along the old path."""
    changed = replace(share, fragment=fragment)
    root = fingerprints.root_from_path(changed.leaf(), share.index, share.path)
    return v2.Share.from_bytes(replace(changed, root=root).to_bytes())


def cheating_examples() -> list[dict]:
    case = CASES[0]
    result, _ = seeded_split(case)
    shares = list(result.shares)
    cheat = _with_own_tree(shares[2], bytes(b ^ 0xFF for b in shares[2].fragment))
    in_place = v2.Share.from_bytes(replace(shares[1], key_share=bytes(32)).to_bytes())
    piles = [
        ("share 3 altered (own tree), exactly k", [shares[0], shares[1], cheat]),
        ("share 2 altered in place (path no longer reaches its root), exactly k", [shares[0], in_place, shares[3]]),
        ("share 3 altered, k + 1 shares", [shares[0], shares[1], cheat, shares[4]]),
        ("bogus copy of share 3 next to the genuine one", [shares[0], cheat, shares[1], shares[2]]),
    ]
    out = []
    for name, pile in piles:
        entry = {"name": name, "case": case["name"], "shares_hex": [s.to_bytes().hex().upper() for s in pile]}
        try:
            got = combine.recombine(pile)
        except BreakglassError as e:
            entry["expect"] = {"refused": True, "message": str(e)}
        else:
            entry["expect"] = {
                "credential_hex": got.credential.hex(),
                "used": list(got.used),
                "misfits": list(got.misfits),
                "warnings": list(got.warnings),
            }
        out.append(entry)
    return out


def make_all() -> dict:
    return {
        "format": "breakglass share vectors",
        "version": 2,
        "qr_max_chars": QR_CHARS,
        "qr_parity": PARITY,
        "cases": [make_case(c) for c in CASES],
        "ida": ida_example(),
        "erasure": erasure_examples(),
        "cheating": cheating_examples(),
        "rs_check": {
            "pieces_hex": ["01020304", "A0B0C0D0"],
            "values_at_3_4_255_hex": [
                v.hex().upper()
                for v in rs.extend([bytes.fromhex("01020304"), bytes.fromhex("A0B0C0D0")], [3, 4, 255]).values()
            ],
        },
    }


def main() -> int:
    return write_or_check(VECTORS, make_all())


if __name__ == "__main__":
    sys.exit(main())
