"""A second reader of breakglass shares, written from docs/FORMAT.md alone: it imports nothing of breakglass.

It exists as evidence that the specification is complete: the tests run it over the test vectors and compare
with what breakglass made. It is deliberately plain (byte-by-byte loops, no speed tricks) and reads:
binary shares, QR texts and typed blocks of formats 1 and 2, and recombines a set (format 2 with the
fingerprint rules of FORMAT.md section 8). Only pycryptodome's AES is used from outside the standard library.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import re

from Crypto.Cipher import AES

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class Refused(Exception):
    """The reader refuses; `named` are the share indexes it says are altered."""

    def __init__(self, message: str, named=()):
        super().__init__(message)
        self.named = set(named)


# --- section 1: encodings -----------------------------------------------------------------------------------


def ceil_div(a: int, b: int) -> int:
    return (a + b - 1) // b


def b32decode(text: str) -> bytes:
    if len(text) % 8 in (1, 3, 6):
        raise Refused("bad base32 length")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def crockford_encode(data: bytes) -> str:
    bits = "".join(f"{b:08b}" for b in data)
    bits += "0" * (-len(bits) % 5)
    return "".join(CROCKFORD[int(bits[i : i + 5], 2)] for i in range(0, len(bits), 5))


def crockford_decode(text: str) -> bytes:
    bits = "".join(f"{CROCKFORD.index(c):05b}" for c in text)
    count = 5 * len(text) // 8
    if "1" in bits[count * 8 :]:
        raise Refused("non-zero leftover bits")
    return bytes(int(bits[i * 8 : i * 8 + 8], 2) for i in range(count))


def check20(text: str) -> str:
    return crockford_encode(hashlib.sha256(text.encode("ascii")).digest()[:3])[:4]


# --- section 2: padding, fingerprint ------------------------------------------------------------------------


def unpad(plaintext: bytes) -> bytes:
    length = int.from_bytes(plaintext[:4], "big")
    if 4 + length > len(plaintext) or any(plaintext[4 + length :]):
        raise Refused("bad padding")
    return plaintext[4 : 4 + length]


def is_bucket(size: int) -> bool:
    return size in (64, 128, 256, 512, 1024) or (size % 1024 == 0 and 2048 <= size <= 66560)


def fingerprint(key: bytes, set_id: bytes) -> str:
    text = crockford_encode(hmac.new(key, b"breakglass fingerprint v1" + set_id, hashlib.sha256).digest()[:10])
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def gcm_open(key: bytes, nonce: bytes, ad: bytes, ciphertext: bytes, tag: bytes) -> bytes | None:
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
    cipher.update(ad)
    try:
        return unpad(cipher.decrypt_and_verify(ciphertext, tag))
    except ValueError:
        return None


# --- section 2.3: typed text ---------------------------------------------------------------------------------


def normalise(line: str) -> str:
    out = line
    for gone in (" ", "\t", "-"):
        out = out.replace(gone, "")
    out = "".join(c.upper() if "a" <= c <= "z" else c for c in out)
    out = out.replace("O", "0").replace("I", "1").replace("L", "1")
    if any(c not in CROCKFORD for c in out):
        raise Refused("character outside the alphabet")
    return out


def read_line(number: int, line: str, check_text) -> str:
    """The data of one line (no typo correction: that is optional in the spec)."""
    tokens = line.split(None, 1)
    attempts = [line]
    if len(tokens) == 2 and re.fullmatch(r"[0-9]{1,4}[.:)|]?", tokens[0]) and int(tokens[0].rstrip(".:)|")) == number:
        attempts.insert(0, tokens[1])
    for attempt in attempts:
        try:
            text = normalise(attempt)
        except Refused:
            continue
        data, check = text[:-4], text[-4:]
        if len(text) > 4 and check20(check_text(number, data)) == check:
            return data
    raise Refused(f"line {number} does not check")


HEADER = re.compile(
    r"BG([0-9]+)\s+SHARE\s+([0-9]+)\s+OF\s+([0-9]+)\s+SET\s+([0-9A-F]{4})[- ]?([0-9A-F]{4})[- ]?([0-9A-F]{4})[- ]?"
    r"([0-9A-F]{4})(?:\s+COPY\s+([0-9]+))?\s+LINES\s+([0-9]+)(?:\s+(\S{4}))?", re.IGNORECASE)


def read_typed(text: str) -> list[bytes]:
    """Binary shares of every typed block in `text` (a block that fails is skipped)."""
    rows = text.splitlines()
    starts = [(i, m) for i, row in enumerate(rows) if (m := HEADER.search(row))]
    shares = []
    for h, (start, m) in enumerate(starts):
        end = starts[h + 1][0] if h + 1 < len(starts) else len(rows)
        version, index, n = int(m.group(1)), int(m.group(2)), int(m.group(3))
        set_hex = "".join(m.group(g) for g in (4, 5, 6, 7)).upper()
        copy, lines = int(m.group(8) or 1), int(m.group(9))
        if version == 2:
            canonical = f"BG2 SHARE {index} OF {n} SET {set_hex} COPY {copy} LINES {lines}"
            if m.group(10) is None or check20(canonical) != normalise(m.group(10)):
                continue

            def check_text(number, data, set_hex=set_hex, index=index):
                return f"BG2 {set_hex} {index} {number} {data}"
        elif version == 1:

            def check_text(number, data):
                return f"BG1 {number} {data}"
        else:
            continue
        found: dict[int, str] = {}
        for row in rows[start + 1 : end]:
            for part in [row, *re.split(r"\s{3,}", row.strip())]:
                lm = re.match(r"^\s*([0-9]{1,4})", part)
                if not lm or not 1 <= int(lm.group(1)) <= lines or int(lm.group(1)) in found:
                    continue
                try:
                    found[int(lm.group(1))] = read_line(int(lm.group(1)), part, check_text)
                except Refused:
                    pass
        if len(found) == lines:
            shares.append(crockford_decode("".join(found[i] for i in range(1, lines + 1))))
    return shares


# --- format 1 -------------------------------------------------------------------------------------------------


def parse1(raw: bytes) -> dict:
    if raw[:2] != b"BG" or raw[2] != 1 or len(raw) < 82 + 64:
        raise Refused("not a format-1 share")
    if hashlib.sha256(raw[:-4]).digest()[:4] != raw[-4:]:
        raise Refused("checksum")
    k, n, index = raw[11], raw[12], raw[13]
    length = int.from_bytes(raw[58:62], "big")
    if not (2 <= k <= n and 1 <= index <= 255 and length == len(raw) - 82):  # above n: printed later (4.1)
        raise Refused("bad header")
    return {"version": 1, "set_id": raw[3:11], "k": k, "n": n, "index": index, "y": raw[14:46],
            "nonce": raw[46:58], "ciphertext": raw[62 : 62 + length], "tag": raw[62 + length : 78 + length],
            "ad": raw[:13], "raw": raw}


def gf128_mul(a: int, b: int) -> int:
    product = 0
    for bit in range(128):
        if b >> bit & 1:
            product ^= a << bit
    for bit in range(254, 127, -1):
        if product >> bit & 1:
            product ^= ((1 << 128) | 0x87) << (bit - 128)
    return product


def gf128_inv(a: int) -> int:
    result, power, exponent = 1, a, (1 << 128) - 2  # a^(2^128 - 2)
    while exponent:
        if exponent & 1:
            result = gf128_mul(result, power)
        power = gf128_mul(power, power)
        exponent >>= 1
    return result


def shamir128_at(points: list[tuple[int, bytes]], x: int) -> bytes:
    """The polynomial through the points, at x: the secret at 0, a share printed later at its index (4.1)."""
    total = 0
    for j, (xj, yj) in enumerate(points):
        weight = 1
        for m, (xm, _) in enumerate(points):
            if m != j:
                weight = gf128_mul(weight, gf128_mul(x ^ xm, gf128_inv(xj ^ xm)))
        total ^= gf128_mul(int.from_bytes(yj, "big"), weight)
    return total.to_bytes(16, "big")


def shamir128_at_zero(points: list[tuple[int, bytes]]) -> bytes:
    return shamir128_at(points, 0)


def recombine1(shares: list[dict]) -> tuple[bytes, str]:
    k = shares[0]["k"]
    for subset in itertools.combinations(shares, k):
        low = shamir128_at_zero([(s["index"], s["y"][:16]) for s in subset])
        high = shamir128_at_zero([(s["index"], s["y"][16:]) for s in subset])
        key = low + high
        s = subset[0]
        credential = gcm_open(key, s["nonce"], s["ad"], s["ciphertext"], s["tag"])
        if credential is not None:
            return credential, fingerprint(key, s["set_id"])
    raise Refused("no k shares authenticate")


def assemble_qr1(texts: list[str]) -> bytes:
    chunks = {}
    count = None
    for text in texts:
        m = re.fullmatch(r"BG1:([0-9A-F]{16}):([0-9]+):([0-9]+):([0-9]+)/([0-9]+):([A-Z2-7]+)", text)
        chunks[int(m.group(4))] = m.group(6)
        count = int(m.group(5))
    return b32decode("".join(chunks[c] for c in range(1, count + 1)))


# --- format 2: the field and polynomials (7.1) -----------------------------------------------------------------


def gf_mul_slow(a: int, b: int) -> int:
    """Carry-less product of the two bytes as polynomials, reduced modulo 0x11D."""
    product = 0
    for bit in range(8):
        if b >> bit & 1:
            product ^= a << bit
    for bit in range(14, 7, -1):
        if product >> bit & 1:
            product ^= 0x11D << (bit - 8)
    return product


_PRODUCTS = [[gf_mul_slow(a, b) for b in range(256)] for a in range(256)]


def gf_mul(a: int, b: int) -> int:
    return _PRODUCTS[a][b]


def gf_inv(a: int) -> int:
    result = 1
    for _ in range(254):  # a^254
        result = gf_mul(result, a)
    return result


_INVERSES = [0] + [gf_inv(a) for a in range(1, 256)]


def value_at(points: dict[int, bytes], x: int) -> bytes:
    """Lagrange: the value at x of the polynomial through the given (point, bytes) pairs."""
    size = len(next(iter(points.values())))
    out = bytearray(size)
    for xj, yj in points.items():
        weight = 1
        for xm in points:
            if xm != xj:
                weight = gf_mul(weight, gf_mul(x ^ xm, _INVERSES[xj ^ xm]))
        row = _PRODUCTS[weight]
        for pos in range(size):
            out[pos] ^= row[yj[pos]]
    return bytes(out)


# --- format 2: share, tree, QR texts (7.4 - 7.6) ---------------------------------------------------------------


def parse2(raw: bytes) -> dict:
    if len(raw) < 163 or raw[:2] != b"BG" or raw[2] != 2:
        raise Refused("not a format-2 share")
    if hashlib.sha256(raw[:-4]).digest()[:4] != raw[-4:]:
        raise Refused("checksum")
    k, n, index = raw[11], raw[12], raw[13]
    length = int.from_bytes(raw[14:18], "big")
    fragment_size = ceil_div(length + 16, k)
    if not (2 <= k <= n and 1 <= index <= n and is_bucket(length) and len(raw) == 162 + fragment_size):
        raise Refused("bad header")
    return {"version": 2, "set_id": raw[3:11], "k": k, "n": n, "index": index, "L": length, "y": raw[18:50],
            "root": raw[50:62], "path": raw[62:158], "f": raw[158 : 158 + fragment_size], "raw": raw}


def leaf(s: dict, index: int, y: bytes, f: bytes) -> bytes:
    data = b"breakglass v2 leaf" + s["set_id"] + bytes([s["k"]]) + s["L"].to_bytes(4, "big") + bytes([index]) + y + f
    return hashlib.sha256(data).digest()[:12]


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"breakglass v2 node" + left + right).digest()[:12]


def walk(s: dict) -> bytes:
    h = leaf(s, s["index"], s["y"], s["f"])
    for d in range(8):
        sibling = s["path"][12 * d : 12 * d + 12]
        h = node(sibling, h) if s["index"] >> d & 1 else node(h, sibling)
    return h


QR2 = re.compile(r"BG2:([0-9A-F]{16}):([1-9][0-9]*):([1-9][0-9]*):([1-9][0-9]*):([1-9][0-9]*)/([1-9][0-9]*)\+"
                 r"(0|[1-9][0-9]*):([A-Z2-7]+)")


def assemble_qr2(texts: list[str]) -> bytes:
    """The binary share from any `data` of its codes (all codes given belong to one share)."""
    chunks = {}
    for text in texts:
        m = QR2.fullmatch(text)
        size, number, data = int(m.group(4)), int(m.group(5)), int(m.group(6))
        chunks[number] = b32decode(m.group(8))
    chosen = dict(sorted(chunks.items())[:data])
    if len(chosen) < data:
        raise Refused("too few codes")
    joined = b"".join(value_at(chosen, c) for c in range(1, data + 1))
    if any(joined[size:]):
        raise Refused("non-zero filler")
    return joined[:size]


# --- format 2: recombination (section 8) -----------------------------------------------------------------------


def expected_share(s: dict, ys: dict[int, bytes], fs: dict[int, bytes], levels, index: int) -> tuple:
    path = b"".join(levels[d][(index >> d) ^ 1] for d in range(8))
    return (value_at(ys, index), value_at(fs, index), levels[8][0], path)


def tree(s: dict, ys: dict[int, bytes], fs: dict[int, bytes]) -> list[list[bytes]]:
    level = [bytes(12)] + [leaf(s, i, value_at(ys, i), value_at(fs, i)) for i in range(1, 256)]
    levels = [level]
    while len(level) > 1:
        level = [node(level[p], level[p + 1]) for p in range(0, len(level), 2)]
        levels.append(level)
    return levels


def recombine2(shares: list[dict]) -> tuple[bytes, str, set[int]]:
    """(credential, fingerprint, indexes named as altered) or Refused(named=...)."""
    unique = list({s["raw"]: s for s in shares}.values())
    broken = [s for s in unique if walk(s) != s["root"]]
    camps: dict[tuple, list[dict]] = {}
    for s in unique:
        if s not in broken:
            camps.setdefault((s["k"], s["L"], s["root"]), []).append(s)
    ordered = sorted(camps.values(), key=lambda c: -len({s["index"] for s in c}))
    for camp in ordered:
        k = camp[0]["k"]
        for subset in itertools.combinations(camp, k):
            if len({s["index"] for s in subset}) < k:
                continue
            ys = {s["index"]: s["y"] for s in subset}
            fs = {s["index"]: s["f"] for s in subset}
            first = subset[0]
            key = value_at(ys, 0)
            sealed = b"".join(value_at(fs, j) for j in range(1, k + 1))
            if any(sealed[first["L"] + 16 :]):
                continue
            ad = b"BG\x02" + first["set_id"] + bytes([k]) + first["L"].to_bytes(4, "big")
            credential = gcm_open(key, bytes(12), ad, sealed[: first["L"]], sealed[first["L"] : first["L"] + 16])
            if credential is None:
                continue
            levels = tree(first, ys, fs)
            fitting = {s["index"] for s in unique if (s["k"], s["L"]) == (k, first["L"])
                       and (s["y"], s["f"], s["root"], s["path"]) == expected_share(first, ys, fs, levels, s["index"])}
            misfits = {s["index"] for s in unique} - fitting  # a bogus copy beside a fitting share is not named
            return credential, fingerprint(key, first["set_id"]), misfits
    named = {s["index"] for s in broken}
    if len(ordered) > 1:
        lead, second = len({s["index"] for s in ordered[0]}), len({s["index"] for s in ordered[1]})
        if lead >= 2 and lead > second:
            named |= {s["index"] for camp in ordered[1:] for s in camp}
    raise Refused("no k shares authenticate", named)
