"""Fold lines on the format-2 sheet, and the placement that keeps every QR code off them.

    FOLDS_ACROSS / FOLD_DOWN        where the sheet is folded: in thirds (a letter envelope), then in half
    keep_out(header, paper)         the bands of a page body no code may touch, as offsets from the body's top
    place(items, heights, ...)      blocks on pages at fixed offsets, code rows between the fold bands
    draw_fold_lines(c, paper, ...)  the dashed lines, broken wherever a code is

A sheet spends years folded. A fold through a QR code bends it, hides a strip of modules under the ridge and
shifts the rest (docs/BENCHMARKS.md, "Folds and crumples"): printed fold lines tell the custodian where to fold,
and every code is placed between them. The lines are at the paper's own thirds (a letter fold) and its
vertical middle (the folded letter folded once more). They differ by a few millimetres between A4 and US
Letter, so the codes of a Letter sheet may sit a few millimetres from those of an A4 sheet; everything else
keeps the one layout of paper.sizes. A sheet printed on the other paper is folded on its printed lines, which
still run between its codes.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from . import sizes
from .blocks import RULE, SECTION_GAP, Block, Flow

FOLDS_ACROSS = (1 / 3, 2 / 3)  # of the paper's height from the top: folded in thirds for a letter envelope
FOLD_DOWN = 1 / 2  # of the paper's width: the folded letter folded once more, in half
# No code within this of a fold line, on either paper: a fold made by hand strays a millimetre or two from the
# line, and the ridge shifts about a millimetre of paper on each side (tests/damage.py, crease_displacement).
CLEARANCE = 2 * mm
# Typed lines poured into the space above a row of codes may come this close to it: the codes' own quiet zone
# (4 modules, 2.9 mm) keeps them apart, and a long label's 2 KiB sheet keeps its two pages (test_sheet2).
GAP_ABOVE_CODES = 1 * mm
GAP_BELOW_CODES = 2.5 * mm  # under the captions (themselves 5 mm under the codes): what a page of rows saves


def fold_ys(paper: str) -> list[float]:
    """Heights (PDF points from the bottom of the page) of the folds across `paper`."""
    _, height = sizes.page_size(paper)
    return [height * (1 - share) for share in FOLDS_ACROSS]


def fold_x(paper: str) -> float:
    width, _ = sizes.page_size(paper)
    return width * FOLD_DOWN


def keep_out(header: float, paper: str) -> list[tuple[float, float]]:
    """(from, to) offsets below the top of a page body (under a header `header` tall) that no code may touch:
    each fold line of `paper`, widened by CLEARANCE on both sides."""
    top = sizes.safe_area(paper).top - header
    return [(top - y - CLEARANCE, top - y + CLEARANCE) for y in fold_ys(paper)]


def clear_spot(cursor: float, item: Block, room: float, bands: list[tuple[float, float]]) -> float | None:
    """The first offset at or below `cursor` where `item` (a code row: its codes `code_height` tall, captions
    under them) fits the page and no code touches a band; None if there is none on this page."""
    tall: float = item.code_height  # type: ignore[attr-defined]  # only code rows reach here (place)
    for start in sorted({cursor, *(hi for _, hi in bands if hi > cursor)}):
        if start + item.height <= room and not any(lo < start + tall and start < hi for lo, hi in bands):
            return start
    return None


Placed = list[tuple[float, Block]]  # (offset below the body's top, block) on one page


def place(
    items: list,
    heights: tuple[float, float],
    bands_of: Callable[[int], list[tuple[float, float]]],
    filler: Flow | None = None,
) -> list[Placed]:
    """Blocks top to bottom on pages (see blocks.paginate), each at a fixed offset; a code row (a block with a
    `code_height`) goes to the first place that keeps its codes off the fold bands, and `filler` (the typed
    lines) fills the space it leaves above it or at the bottom of the page. bands_of(page index) gives a
    page's bands (page 1's header is taller)."""
    pages: list[Placed] = [[]]
    cursor = 0.0

    def room() -> float:
        return heights[0] if len(pages) == 1 else heights[1]

    def pour(until: float, gap: float = SECTION_GAP) -> float:
        """Put as much of the filler as fits `gap` above `until`; the new cursor."""
        piece = filler.piece(until - cursor - gap) if filler is not None and not filler.done else None
        if piece is None:
            return cursor
        pages[-1].append((cursor, piece))
        return cursor + piece.height + SECTION_GAP

    for item in items:
        if hasattr(item, "piece"):  # a Flow
            while not item.done:
                piece = item.piece(room() - cursor)
                if piece is None:
                    if not pages[-1]:
                        raise RuntimeError("a page cannot hold the smallest piece of a flow")  # unreachable
                    pages.append([])
                    cursor = 0.0
                    continue
                pages[-1].append((cursor, piece))
                cursor += piece.height + SECTION_GAP
            continue
        while True:
            spot = (
                clear_spot(cursor, item, room(), bands_of(len(pages) - 1))
                if hasattr(item, "code_height")
                else cursor
                if cursor + item.height <= room() or not pages[-1]
                else None
            )
            if spot is not None:
                if spot > cursor:
                    cursor = pour(spot, GAP_ABOVE_CODES)
                pages[-1].append((spot, item))
                cursor = spot + item.height + (GAP_BELOW_CODES if hasattr(item, "code_height") else SECTION_GAP)
                break
            if not pages[-1]:
                raise RuntimeError("a code row does not fit between the folds of an empty page")  # unreachable
            pour(room() + SECTION_GAP)
            pages.append([])
            cursor = 0.0
    return pages


def draw_fold_lines(c: Canvas, paper: str, half: bool) -> None:
    """Thin dashed lines where the sheet is folded, edge to edge of the safe area: the thirds always, the half
    only when `half` (no code of the sheet lies on it: two codes a row; three a row put one on it)."""
    area = sizes.safe_area(paper)
    c.saveState()
    c.setStrokeColorRGB(*RULE)
    c.setLineWidth(0.35)
    c.setDash(2 * mm, 1.5 * mm)
    for y in fold_ys(paper):
        c.line(area.left, y, area.right, y)
    if half:
        c.line(fold_x(paper), area.bottom, fold_x(paper), area.top)
    c.restoreState()


def half_is_clear(paper: str, code_boxes: list[tuple[float, float, float, float]]) -> bool:
    """Whether the half fold keeps CLEARANCE from every code (left, bottom, right, top) on either paper: the
    safe area is centred, so the half lies at the same place in it on A4 and Letter."""
    x = fold_x(paper)
    return all(right < x - CLEARANCE or left > x + CLEARANCE for left, _, right, _ in code_boxes)
