"""Krawczyk's fingerprints, as a hash tree over every share a set can ever have (docs/FORMAT.md 7.4).

Each share of a format-2 set carries the root of a binary hash tree whose 256 leaves are the fingerprints of
shares 0..255 (leaf 0 is a fixed zero value: there is no share 0), and the 8 sibling hashes that lead from its
own leaf up to that root. So every share commits to the fingerprint of every other share, including shares at
indexes that a later `expand` may print, and a share that was altered no longer reaches the root the honest
shares agree on.

Hashes are SHA-256 cut to 12 bytes: a forger would need a second preimage of a 96-bit value. They are not what
keeps a wrong credential out (AES-GCM does that); they name the share that does not fit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

HASH_SIZE = 12
DEPTH = 8  # 2^8 = 256 leaves, one per possible share index 0..255
LEAVES = 1 << DEPTH
LEAF_LABEL = b"breakglass v2 leaf"
NODE_LABEL = b"breakglass v2 node"
EMPTY_LEAF = bytes(HASH_SIZE)  # the leaf of index 0


def leaf(set_id: bytes, k: int, length: int, index: int, key_share: bytes, fragment: bytes) -> bytes:
    """The fingerprint of one share: everything that makes it this set's share number `index`."""
    data = LEAF_LABEL + set_id + bytes([k]) + length.to_bytes(4, "big") + bytes([index]) + key_share + fragment
    return hashlib.sha256(data).digest()[:HASH_SIZE]


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_LABEL + left + right).digest()[:HASH_SIZE]


def tree(leaves: Mapping[int, bytes]) -> list[list[bytes]]:
    """All levels, leaves first (index 0 -> EMPTY_LEAF); level[-1][0] is the root. `leaves` covers 1..255."""
    level = [EMPTY_LEAF] + [leaves[i] for i in range(1, LEAVES)]
    levels = [level]
    while len(level) > 1:
        level = [node(level[p], level[p + 1]) for p in range(0, len(level), 2)]
        levels.append(level)
    return levels


def root(levels: list[list[bytes]]) -> bytes:
    return levels[-1][0]


def path(levels: list[list[bytes]], index: int) -> bytes:
    """The 8 sibling hashes from leaf `index` up to the root, bottom first, concatenated (96 bytes)."""
    return b"".join(levels[depth][(index >> depth) ^ 1] for depth in range(DEPTH))


def root_from_path(leaf_hash: bytes, index: int, siblings: bytes) -> bytes:
    """The root that a leaf and its path lead to: bit d of the index says whether the node is a right child."""
    current = leaf_hash
    for depth in range(DEPTH):
        sibling = siblings[depth * HASH_SIZE : (depth + 1) * HASH_SIZE]
        current = node(sibling, current) if (index >> depth) & 1 else node(current, sibling)
    return current
