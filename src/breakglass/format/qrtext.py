"""The text carried by QR codes, for every format: a share cut into self-describing chunks that may arrive in
any order, each text saying its format ('BG<n>:'). This module picks the format (formats.py); each format's
texts are its own (v1/qrtext.py, v2/qrtext.py; docs/FORMAT.md 5 and 7.6).
"""

from __future__ import annotations

from typing import Any

from ..errors import BreakglassError
from . import formats
from .formats import AnyChunk, AnyShare, is_breakglass, text_version

__all__ = ["assemble", "assemble_all", "chunk_count", "encode", "is_breakglass", "parse_chunk", "text_version"]


def chunk_count(share: AnyShare, max_chars: int) -> int:
    """How many data codes the share needs (format 2: parity codes come on top)."""
    return formats.by_version(share.version).qr_data_count(share, max_chars)


def encode(share: AnyShare, max_chars: int, copy: int = 1, parity: int = 0) -> list[str]:
    """The QR texts of one printed copy of `share`, at most `max_chars` payload characters each.

    Format 2: data codes first, then `parity` parity codes; any (count - parity) of them rebuild the share.
    Format 1: as few chunks as fit, of near-equal size; every one is needed, and `parity` must be 0.
    """
    return formats.by_version(share.version).qr_texts(share, max_chars, copy, parity)


def parse_chunk(text: str) -> AnyChunk:
    """A QR text of any format; a code of a newer format is refused by name, not as a foreign code."""
    parsed: AnyChunk = formats.for_qr_text(text).parse_qr_text(text)
    return parsed


def assemble_all(chunks: list[Any]) -> tuple[list[AnyShare], list[str]]:
    """Every distinct share the codes of one share number rebuild (normally one; format 2 may rebuild two when
    codes disagree, and combine's fingerprints decide), and why the others failed."""
    if len({c.version for c in chunks}) > 1:
        raise BreakglassError(f"QR codes of format 1 and format 2 both say they are share {chunks[0].index}")
    return formats.by_version(chunks[0].version).assemble_qr(chunks)


def assemble(chunks: list[Any]) -> AnyShare:
    """The share that the chunks of one share number make (format 2: the first, if codes disagree)."""
    shares, problems = assemble_all(chunks)
    if not shares:
        raise BreakglassError(problems[0])
    return shares[0]
