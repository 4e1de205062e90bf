"""Recombination when shares disagree (FORMAT.md 8), for both formats."""

import itertools
from collections import Counter
from dataclasses import dataclass, field

from . import field as gf
from .crypto import fingerprint, gcm_open, leaf, path_of, tree_levels, unpad, walk
from .shares import Share1, Share2

MAX_F1_TRIES = 20_000
MAX_CAMP_TRIES = 100


class Refused(Exception):
    """The reader refuses; `named` maps share indexes to why each was named."""

    def __init__(self, message: str, named: dict | None = None, notes: list | None = None):
        super().__init__(message)
        self.named = named or {}
        self.notes = notes or []


@dataclass
class Outcome:
    credential: bytes
    set_hex: str
    fingerprint: str
    named: dict = field(default_factory=dict)  # index -> why it was set aside
    notes: list = field(default_factory=list)


def _set_k(shares: list) -> int:
    """The k most distinct shares of a set carry (on a tie, the largest)."""
    counts = Counter(s.k for s in dict.fromkeys(shares))
    return max(counts, key=lambda k: (counts[k], k))


def choose_set(shares: list, notes: list) -> list:
    sets: dict = {}
    for share in dict.fromkeys(shares):  # exact duplicates count once
        sets.setdefault(share.set_id, []).append(share)
    for group in sets.values():
        indexes = [s.index for s in group]
        doubled = sorted({s.index for s in group if s.version == 1 and indexes.count(s.index) > 1})
        if doubled:
            raise Refused(
                f"two different shares with index {doubled}: at least one is forged",
                named={i: "two different shares with this index" for i in doubled},
                notes=notes,
            )
    complete = {key: group for key, group in sets.items() if len({s.index for s in group}) >= _set_k(group)}
    if len(complete) > 1:
        names = ", ".join(key.hex().upper() for key in complete)
        raise Refused(f"two complete sets in one pile ({names}): give one set's sheets", notes=notes)
    if not complete:
        if not sets:
            raise Refused("no breakglass share was read", notes=notes)
        parts = []
        for set_id, group in sets.items():
            indexes = sorted({s.index for s in group})
            parts.append(f"set {set_id.hex().upper()}: shares {indexes}, {_set_k(group) - len(indexes)} more needed")
        raise Refused("not enough shares: " + "; ".join(parts), notes=notes)
    ((key, group),) = complete.items()
    for other in sets:
        if other != key:
            notes.append(("other-set", f"shares of set {other.hex().upper()} ignored"))
    return group


def recombine(shares: list, notes: list) -> Outcome:
    group = choose_set(shares, notes)
    if len({s.version for s in group}) > 1:
        raise Refused("the set has shares of format 1 and of format 2: some are forged", notes=notes)
    if group[0].version == 1:
        return _recombine1(group, notes)
    return _recombine2(group, notes)


# Format 1 -------------------------------------------------------------------------------------------------


def _common1(s: Share1) -> tuple:
    return (s.raw[:13], s.nonce, s.ciphertext, s.tag)


def _key1(subset: list[Share1], at: int = 0) -> bytes:
    points = [s.index for s in subset]
    halves = []
    for half in (slice(0, 16), slice(16, 32)):
        values = [int.from_bytes(s.key_share[half], "big") for s in subset]
        halves.append(gf.interpolate128(points, values, at).to_bytes(16, "big"))
    return b"".join(halves)


def _recombine1(group: list[Share1], notes: list) -> Outcome:
    k = _set_k(group)
    for subset in itertools.islice(itertools.combinations(sorted(group, key=lambda s: s.index), k), MAX_F1_TRIES):
        if len({_common1(s) for s in subset}) != 1 or any(s.k != k for s in subset):
            continue
        key = _key1(list(subset))
        first = subset[0]
        plaintext = gcm_open(key, first.nonce, first.raw[:13], first.ciphertext, first.tag)
        credential = unpad(plaintext) if plaintext is not None else None
        if credential is None:
            continue
        named = {
            s.index: "does not fit: it does not give the same key"
            for s in group
            if _common1(s) != _common1(first) or _key1(list(subset), s.index) != s.key_share
        }
        return Outcome(credential, first.set_id.hex().upper(), fingerprint(key, first.set_id), named, notes)
    raise Refused("no k shares authenticate together: a share is damaged, forged or of another set", notes=notes)


# Format 2 -------------------------------------------------------------------------------------------------


def reaches_root(s: Share2) -> bool:
    start = leaf(s.set_id, s.k, s.padded_length, s.index, s.key_share, s.fragment)
    return walk(s.index, start, s.path) == s.root


def _open2(subset: list[Share2]) -> tuple[bytes, list[bytes], bytes] | None:
    first = subset[0]
    k, length = first.k, first.padded_length
    points = [s.index for s in subset]
    key = gf.interpolate(points, [s.key_share for s in subset], 0)
    pieces = [gf.interpolate(points, [s.fragment for s in subset], j) for j in range(1, k + 1)]
    joined = b"".join(pieces)
    if any(joined[length + 16 :]):
        return None
    associated = b"BG\x02" + first.set_id + bytes([k]) + length.to_bytes(4, "big")
    plaintext = gcm_open(key, bytes(12), associated, joined[:length], joined[length : length + 16])
    credential = unpad(plaintext) if plaintext is not None else None
    return None if credential is None else (key, pieces, credential)


def genuine_shares(first: Share2, key_points: list[int], key_values: list[bytes], pieces: list[bytes]) -> dict:
    """What the authenticated set holds at every index 1..255: (key share, fragment, root, path)."""
    k, length, set_id = first.k, first.padded_length, first.set_id
    y = {i: gf.interpolate(key_points, key_values, i) for i in range(1, 256)}
    f = {i: gf.interpolate(list(range(1, k + 1)), pieces, i) for i in range(1, 256)}
    leaves = [bytes(12)] + [leaf(set_id, k, length, i, y[i], f[i]) for i in range(1, 256)]
    levels = tree_levels(leaves)
    root = levels[-1][0]
    return {i: (y[i], f[i], root, path_of(levels, i)) for i in range(1, 256)}


def _matches_genuine(s: Share2, first: Share2, genuine: dict) -> bool:
    return (s.set_id, s.k, s.padded_length) == (first.set_id, first.k, first.padded_length) and (
        s.key_share,
        s.fragment,
        s.root,
        s.path,
    ) == genuine[s.index]


def _subsets(camp: list[Share2], k: int):
    by_index: dict = {}
    for share in camp:
        by_index.setdefault(share.index, []).append(share)
    for indexes in itertools.combinations(sorted(by_index), k):
        yield from itertools.product(*(by_index[i] for i in indexes))


def _recombine2(group: list[Share2], notes: list) -> Outcome:
    altered = {
        s.index: "altered after printing: does not reach the root it carries" for s in group if not reaches_root(s)
    }
    intact = [s for s in group if reaches_root(s)]
    camps: dict = {}
    for share in intact:
        camps.setdefault((share.k, share.padded_length, share.root), []).append(share)
    ordered = sorted(camps.values(), key=lambda c: -len({s.index for s in c}))
    for camp in ordered:
        k = camp[0].k
        if len({s.index for s in camp}) < k:
            continue
        for subset in itertools.islice(_subsets(camp, k), MAX_CAMP_TRIES):
            opened = _open2(list(subset))
            if opened is None:
                continue
            key, pieces, credential = opened
            first = subset[0]
            genuine = genuine_shares(first, [s.index for s in subset], [s.key_share for s in subset], pieces)
            named = dict(altered)
            matched = {s.index for s in group if _matches_genuine(s, first, genuine)}
            for s in group:
                if not _matches_genuine(s, first, genuine):
                    named[s.index] = (
                        "a bogus copy, discarded"
                        if s.index in matched
                        else "does not match the set; recovered without it"
                    )
            return Outcome(credential, first.set_id.hex().upper(), fingerprint(key, first.set_id), named, notes)
    named = dict(altered)
    supports = sorted((len({s.index for s in c}) for c in ordered), reverse=True)
    decided = supports and supports[0] >= 2 and (len(supports) == 1 or supports[0] > supports[1])
    if decided:
        largest = {s.index for s in ordered[0]}
        for s in intact:
            if s not in ordered[0]:
                named[s.index] = f"does not match the fingerprints carried by shares {sorted(largest)}"
        needed = ordered[0][0].k - len(largest)
        message = f"the shares do not authenticate; {max(needed, 1)} more agreeing share(s) needed"
    else:
        message = "the shares do not authenticate, and which is wrong cannot be decided"
    raise Refused(message, named=named, notes=notes)
