"""Generate tests/vectors/expansions.json: shares printed later by `breakglass expand`, in both formats.

    python tests/vectors/make_expansions.py          # rewrite expansions.json
    python tests/vectors/make_expansions.py --check  # exit 1 if expansions.json differs from what the code makes

Each entry takes a case of vectors.json (format 1) or vectors2.json (format 2), the k shares it was made from,
and the new share at a new index (docs/FORMAT.md 4.1 and 7.4): no randomness is involved, an expansion is a
function of the set. A format-1 expansion keeps the split's n in its header and has an index above it; a
format-2 one carries the set's new share count as its n. Any k-1 of the case's shares with the new one recover
the case's credential.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import make_vectors
import make_vectors2

from breakglass.format import combine, expand, qrtext, typed, v1, v2

HERE = Path(__file__).parent
VECTORS = HERE / "expansions.json"

# (format, case name, shares it is made from, new index, the n the new share carries)
EXPANSIONS = [
    (1, "short password, 2 of 3", [1, 2], 4, 3),
    (1, "short password, 2 of 3", [2, 3], 255, 3),
    (1, "binary with NUL bytes, 3 of 5", [1, 3, 5], 6, 5),
    (2, "short password, 3 of 5", [1, 2, 3], 6, 6),
    (2, "short password, 3 of 5", [3, 4, 5], 255, 255),
]


def _case(version: int, name: str) -> dict:
    source = make_vectors.VECTORS if version == 1 else make_vectors2.VECTORS
    return next(c for c in json.loads(source.read_text())["cases"] if c["name"] == name)


def make_entry(version: int, name: str, made_from: list[int], index: int, n: int) -> dict:
    case = _case(version, name)
    parse = v1.Share.from_bytes if version == 1 else v2.Share.from_bytes
    shares = [parse(bytes.fromhex(s["hex"])) for s in case["shares"] if s["index"] in made_from]
    new = expand.new_shares(combine.recombine(shares), [index], n)[0]
    qr = (
        qrtext.encode(new, make_vectors.QR_CHARS)
        if version == 1
        else qrtext.encode(new, make_vectors2.QR_CHARS, parity=make_vectors2.PARITY)
    )
    return {
        "format": version,
        "case": name,
        "made_from": made_from,
        "index": index,
        "n": n,
        "credential_hex": case["credential_hex"],
        "fingerprint": case["fingerprint"],
        "hex": new.to_bytes().hex().upper(),
        "qr": qr,
        "typed": typed.encode(new),
    }


def make_all() -> dict:
    return {"format": "breakglass expansion vectors", "version": 1, "expansions": [make_entry(*e) for e in EXPANSIONS]}


def main() -> int:
    return make_vectors.write_or_check(VECTORS, make_all())


if __name__ == "__main__":
    sys.exit(main())
