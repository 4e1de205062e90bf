"""Fold lines on the format-2 sheet (issue 25): printed at the paper's thirds, no code on or near them, read
from the PDF's own geometry (pypdfium2's page objects); a sheet folded on them loses no code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.units import mm

from breakglass.paper import folds, sheet
from breakglass.paper import sizes as paper_sizes

sys.path.insert(0, str(Path(__file__).parent))
import damage  # noqa: E402
from paperchecks import SIZES, geometry, make, pages, zbar_texts, zxing_texts  # noqa: E402


@pytest.fixture(
    scope="module",
    params=[(size, paper) for size in SIZES for paper in ("a4", "letter")],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def printed(request):
    size, paper = request.param
    share, info, pdf = make(SIZES[size], paper)
    return share, paper, pdf, geometry(pdf)


def test_the_thirds_are_printed_edge_to_edge_of_the_safe_area(printed):
    _, paper, _, found = printed
    area = paper_sizes.safe_area(paper)
    for page in found:
        for y in folds.fold_ys(paper):
            across = [ln for ln in page["lines"] if abs(ln[1] - y) < 0.5 and abs(ln[3] - y) < 0.5]
            assert (
                across
                and min(ln[0] for ln in across) <= area.left + 1
                and max(ln[2] for ln in across) >= area.right - 1
            )


def test_no_code_lies_on_or_near_a_fold(printed):
    share, paper, _, found = printed
    seen = 0
    for page in found:
        for left, low, _right, high in page["codes"]:
            seen += 1
            for y in folds.fold_ys(paper):
                assert not (low - folds.CLEARANCE + 0.5 < y < high + folds.CLEARANCE - 0.5), (left, low, y)
    assert seen == len(sheet.qr_texts(share))


def test_the_half_fold_is_printed_only_where_it_crosses_no_code(printed):
    _, paper, _, found = printed
    x = folds.fold_x(paper)
    codes_on_it = any(left < x < right for page in found for left, _, right, _ in page["codes"])
    for page in found:
        down = [ln for ln in page["lines"] if abs(ln[0] - x) < 0.5 and abs(ln[2] - x) < 0.5]
        assert bool(down) != codes_on_it
        for _, low, _, high in down:
            assert not any(
                left < x < right and low < top and bottom < high for left, bottom, right, top in page["codes"]
            )


def test_a_sheet_folded_on_its_lines_loses_no_code():
    """Folded hand-accurately on the printed lines and pressed flat: the creases shift and shade the paper,
    and every code still reads with both decoders (none lies under a crease)."""
    share, _, pdf = make(2048, "a4")
    texts = set(sheet.qr_texts(share))
    images = [
        damage.creases(image, damage.printed_folds(seed), lift_mm=0.4, seed=seed, dpi=150)
        for seed, image in enumerate(pages(pdf, dpi=150))
    ]
    assert set(zxing_texts(images)) == texts
    assert set(zbar_texts(images)) == texts


class FakeRow:
    def __init__(self, height: float, code_height: float):
        self.height, self.code_height, self.width = height, code_height, 10

    def draw(self, c, left, top):
        pass


class FakeBlock(FakeRow):
    def __init__(self, height: float):
        self.height, self.width = height, 10


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.floats(10, 64)), min_size=1, max_size=12), st.floats(20, 80))
def test_placement_keeps_every_code_row_off_the_bands_and_inside_the_page(items, header):
    blocks = [FakeRow(h * mm + 5 * mm, h * mm) if is_row else FakeBlock(h * mm) for is_row, h in items]
    area = paper_sizes.safe_area("a4").height
    heights = (area - header, area - 30)
    bands = {0: folds.keep_out(header, "a4"), 1: folds.keep_out(30, "letter")}
    placed = folds.place(blocks, heights, lambda page: bands[min(page, 1)])
    assert [b for page in placed for _, b in page] == blocks  # every block, in order
    for number, page in enumerate(placed):
        room = heights[min(number, 1)]
        for offset, block in page:
            assert offset + block.height <= room + 1e-6 or len(page) == 1
            if isinstance(block, FakeRow) and not isinstance(block, FakeBlock):
                assert not any(lo < offset + block.code_height and offset < hi for lo, hi in bands[min(number, 1)])
        ends = [offset + b.height for offset, b in page]
        assert all(nxt >= end + folds.GAP_BELOW_CODES - 1e-6 for end, (nxt, _) in zip(ends, page[1:], strict=False))
