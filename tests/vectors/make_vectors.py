"""Generate tests/vectors/vectors.json (format 1; format 2: make_vectors2.py): shares made with fixed randomness,
so the format cannot drift.

    python tests/vectors/make_vectors.py          # rewrite vectors.json
    python tests/vectors/make_vectors.py --check  # exit 1 if vectors.json differs from what the code makes now

Deterministic randomness comes from SHA-256 in counter mode over a per-vector seed. It replaces the CSPRNG for
the data key, set id and nonce (scheme.split's random_bytes) and for pycryptodome's Shamir coefficients (its
module-level rng). Never do this outside vector generation.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from pathlib import Path

import Crypto.Protocol.SecretSharing as secret_sharing

from breakglass.format import qrtext, scheme, typed

HERE = Path(__file__).parent
VECTORS = HERE / "vectors.json"
QR_CHARS = 900

CASES = [
    {"name": "short password, 2 of 3", "credential_hex": b"correct horse battery staple".hex(), "k": 2, "n": 3},
    {"name": "binary with NUL bytes, 3 of 5", "credential_hex": bytes(range(0, 40)).hex(), "k": 3, "n": 5},
    {"name": "one byte, 2 of 2", "credential_hex": "00", "k": 2, "n": 2},
    {
        "name": "1500 bytes (1 KiB bucket boundary passed), 4 of 6",
        "credential_hex": (b"0123456789ABCDEF" * 94)[:1500].hex(),
        "k": 4,
        "n": 6,
    },
]


def deterministic_random(seed: str):
    counter = 0

    def random_bytes(size: int) -> bytes:
        nonlocal counter
        out = b""
        while len(out) < size:
            out += hashlib.sha256(f"{seed}/{counter}".encode()).digest()
            counter += 1
        return out[:size]

    return random_bytes


@contextlib.contextmanager
def fixed_shamir_randomness(random_bytes):
    saved = secret_sharing.rng
    secret_sharing.rng = random_bytes
    try:
        yield
    finally:
        secret_sharing.rng = saved


def seeded_split(credential: bytes, k: int, n: int, seed: str, version: int = 1) -> scheme.SplitResult:
    """scheme.split with all its randomness derived from `seed`: the same shares on every run.

    Format 1 unless told: these are the format-1 vectors, and tests whose outcome depends on a share's exact
    content were measured with format-1 shares.
    """
    random_bytes = deterministic_random(seed)
    with fixed_shamir_randomness(random_bytes):
        return scheme.split(credential, k, n, version=version, random_bytes=random_bytes)


def make_case(case: dict) -> dict:
    result = seeded_split(bytes.fromhex(case["credential_hex"]), case["k"], case["n"], case["name"])
    return {
        **case,
        "set_id": result.set_id.hex().upper(),
        "fingerprint": result.fingerprint,
        "shares": [
            {
                "index": s.index,
                "hex": s.to_bytes().hex().upper(),
                "qr": qrtext.encode(s, QR_CHARS),
                "typed": typed.encode(s),
            }
            for s in result.shares
        ],
    }


def make_all() -> dict:
    return {
        "format": "breakglass share vectors",
        "version": 1,
        "qr_max_chars": QR_CHARS,
        "cases": [make_case(c) for c in CASES],
    }


def write_or_check(path: Path, document: dict) -> int:
    """Rewrite `path`, or with --check exit 1 if it differs from `document` (shared by make_vectors2.py)."""
    text = json.dumps(document, indent=1) + "\n"
    if "--check" in sys.argv:
        same = path.exists() and path.read_text() == text
        print("vectors match" if same else "vectors differ from the code")
        return 0 if same else 1
    path.write_text(text)
    print(f"wrote {path}")
    return 0


def main() -> int:
    return write_or_check(VECTORS, make_all())


if __name__ == "__main__":
    sys.exit(main())
