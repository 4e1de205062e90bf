"""Scan-back verification: before anyone leaves the room, read every rendered sheet back as a scanner would.

Each sheet is rasterized at a modest resolution and decoded by every available decoder on its own (no image
preparation, so each decoder proves it reads the clean sheet; a decoder that missed a code gets a second look
at 200 dpi, see SECOND_LOOK_DPI). Every printed code must be read by every decoder: a format-2 share's parity
codes would make up for an unread code later, but a fresh sheet that already needs them has less margin than
it promises. The decoded shares must equal the generated ones byte for byte (format 2: also when rebuilt
through its parity codes), the typed block in the text layer must parse to the same share, and the decoded
shares must recombine to the exact credential (every k-subset for small sets, a sample for large ones).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

from ..errors import BreakglassError
from ..format import combine, qrtext, typed
from ..format.formats import AnyShare
from ..format.scheme import SplitResult
from ..paper import sheet
from ..scan.decode import decode_image
from ..scan.decoders import available_decoders
from ..scan.files import pdf_text, rasterize_pdf

VERIFY_DPI = 150
# A second look, at this resolution, for a decoder that missed a code at VERIFY_DPI. zbar now and then misses
# one code of a full page at one resolution and reads it at another (1 of 72 on a 32 KiB sheet at 150 dpi, read
# at 140, 160 and 200): the code is sound, and one look is not the whole truth about it. A code that a decoder
# reads at neither resolution still stops the ceremony.
SECOND_LOOK_DPI = 200
MAX_SUBSETS = 200


@dataclass(frozen=True)
class RenderedSheet:
    filename: str
    share: AnyShare
    copy: int
    pdf: bytes = field(repr=False)  # the sheet carries the share in its QR codes and typed lines
    rugged: bool = False  # format 2: printed with the rugged code style (split --rugged)


@dataclass(frozen=True)
class SheetCheck:
    filename: str
    index: int
    copy: int
    decoders: tuple[str, ...]
    typed_ok: bool


def verify(
    sheets: list[RenderedSheet], result: SplitResult, credential: bytes, known: tuple = ()
) -> tuple[list[SheetCheck], int]:
    """Check every sheet; returns per-sheet results and how many k-subsets recombined. Raises on any failure.

    `known` are shares of the same set already on paper (an expansion's): the k-subsets then mix them with the
    new sheets, each with at least one new sheet, as they will be recombined."""
    decoders = available_decoders()
    if not decoders:
        raise BreakglassError("no QR decoder is available to check the sheets (install zxing-cpp)")
    checks: list[SheetCheck] = []
    decoded: dict[int, AnyShare] = {}
    for rendered in sheets:
        share, check = _verify_sheet(rendered, decoders)
        checks.append(check)
        decoded.setdefault(share.index, share)
    subsets = _verify_recombination(decoded, result, credential, known)
    return checks, subsets


def _verify_sheet(rendered: RenderedSheet, decoders: list[str]) -> tuple[AnyShare, SheetCheck]:
    expected = set(sheet.qr_texts(rendered.share, rendered.copy, rendered.rugged))
    pages = list(rasterize_pdf(rendered.pdf, dpi=VERIFY_DPI))
    second_look: list | None = None
    for decoder in decoders:
        seen = _read_with(decoder, pages)
        if expected - seen:
            second_look = second_look or list(rasterize_pdf(rendered.pdf, dpi=SECOND_LOOK_DPI))
            seen |= _read_with(decoder, second_look)
        missing = expected - seen
        if missing:
            raise BreakglassError(
                f"{rendered.filename}: {decoder} could not read {len(missing)} of {len(expected)} QR code(s) "
                "when the sheet was checked; nothing was saved"
            )
        if seen - expected:
            raise BreakglassError(
                f"{rendered.filename}: {decoder} read a QR code that was not generated; nothing was saved"
            )
    try:
        rebuilt = [qrtext.assemble(chunks) for chunks in _rebuilding_subsets([qrtext.parse_chunk(t) for t in expected])]
    except BreakglassError as e:
        rebuilt, problem = [], f" ({e})"
    else:
        problem = ""
    if not rebuilt or any(share != rendered.share for share in rebuilt):
        raise BreakglassError(
            f"{rendered.filename}: the share read back differs from the one generated{problem}; nothing was saved"
        )
    share = rebuilt[0]
    typed_ok = _typed_block_reads_back(rendered)
    return share, SheetCheck(rendered.filename, share.index, rendered.copy, tuple(decoders), typed_ok)


def _read_with(decoder: str, pages: list) -> set[str]:
    """Every text one decoder reads on the pages by itself, one look each, no image preparation."""
    return {text for image in pages for text in decode_image(image, [decoder], retry=False).get(decoder, [])}


def _rebuilding_subsets(chunks: list) -> list[list]:
    """The codes as read, and for format 2 its parity codes, `data` at a time (topped up with data codes): a
    parity code read whole but computed wrong would otherwise pass unseen, as the data codes alone rebuild."""
    if not chunks[0].parity:
        return [chunks]
    ordered = sorted(chunks, key=lambda c: c.number)
    data = chunks[0].data_count
    parity = ordered[data:]
    groups = [parity[i : i + data] for i in range(0, len(parity), data)]
    return [ordered] + [group + ordered[: data - len(group)] for group in groups]


def _typed_block_reads_back(rendered: RenderedSheet) -> bool:
    reading = typed.read_text(pdf_text(rendered.pdf))
    if reading.shares != [rendered.share]:
        problem = reading.problems[0] if reading.problems else "it reads as a different share"
        raise BreakglassError(f"{rendered.filename}: the typed block does not read back ({problem}); nothing was saved")
    return True


def _verify_recombination(decoded: dict[int, AnyShare], result: SplitResult, credential: bytes, known: tuple) -> int:
    k = result.k
    if sorted(decoded) != sorted(s.index for s in result.shares):
        raise BreakglassError("not every share was read back from the sheets; nothing was saved")
    pool = {**{s.index: s for s in known}, **decoded}
    subsets = [c for c in itertools.combinations(sorted(pool), k) if any(i in decoded for i in c)]
    if len(subsets) > MAX_SUBSETS:
        rng = random.Random()
        subsets = [subsets[0], subsets[-1], *rng.sample(subsets[1:-1], MAX_SUBSETS - 2)]
    for subset in subsets:
        recovered = combine.recombine([pool[i] for i in subset])
        if recovered.credential != credential or recovered.fingerprint != result.fingerprint:
            raise BreakglassError(
                f"shares {combine.numbers(subset)} read back do not recombine to the credential; nothing was saved"
            )
    return len(subsets)
