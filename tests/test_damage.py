"""tests/damage.py itself: the realistic damage is reproducible, and each kind does what its name says."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

sys.path.insert(0, str(Path(__file__).parent))
import damage  # noqa: E402


@pytest.fixture(scope="module")
def page() -> Image.Image:
    """A 300 dpi A4 page with a QR code and some text, as a sheet has, on paper a shade off white (so a torn-off
    corner over a white scanner lid still shows)."""
    image, _ = damage.synthetic_page(["BG2:TEST:" + "A" * 200])
    return image.point(lambda v: min(v, 240))


def test_warp_without_displacement_leaves_the_page_alone(page):
    moved = damage.warp(page, lambda x, y: (0.0, 0.0))
    assert ImageStat.Stat(ImageChops.difference(moved, page)).mean[0] < 1


def test_a_crease_shifts_the_paper_toward_itself_and_darkens_a_line():
    blank = Image.new("L", (600, 600), 255)
    ImageDraw.Draw(blank).line([(0, 500), (600, 500)], fill=0, width=3)  # a mark below the crease
    creased = damage.creases(blank, [(0.5, 0.5, 0)], lift_mm=1.0, seed=1)
    below = [y for y in range(450, 560) if creased.getpixel((100, y)) < 100]
    assert below and min(below) < 499  # moved up toward the crease (12 px at 300 dpi for 1 mm)
    assert min(creased.getpixel((300, y)) for y in range(295, 306)) < 230  # the crease line itself is darker


def test_missing_corner_and_holes_show_the_background(page):
    torn = damage.missing_corner(page, 40, corner=0, seed=1, background=30)
    assert torn.getpixel((5, 5)) == 30 and torn.getpixel((page.width - 5, page.height - 5)) == 240
    punched = damage.punch_holes(page, background=0)
    assert punched.getpixel((round(12 * 300 / 25.4), page.height // 2 - round(40 * 300 / 25.4))) == 0


def test_a_phone_photo_is_rgb_with_the_table_around_the_page(page):
    photo = damage.phone_photo(page, seed=3)
    assert photo.mode == "RGB" and photo.width > page.width * 220 / 300
    r, g, b = photo.getpixel((5, 5))
    assert r > b + 15  # the brown table, not the white page


def test_water_and_coffee_tint_the_paper(page):
    rgb = page.convert("RGB")
    wet = damage.water_stain(rgb, 60, (0.5, 0.5), seed=2)
    ringed = damage.coffee_ring(rgb, 80, (0.5, 0.5), seed=2)
    for stained in (wet, ringed):
        assert stained.mode == "RGB" and ImageChops.difference(stained, rgb).getbbox() is not None
    assert damage.water_stain(page, 60, seed=2).mode == "L"  # a grey scan stays grey


@pytest.mark.slow
@pytest.mark.parametrize("condition", list(damage.REALISTIC))
def test_every_realistic_condition_is_reproducible(page, condition):
    apply = damage.REALISTIC[condition]
    first, again = apply(page, 7), apply(page, 7)
    assert first.tobytes() == again.tobytes()
    assert ImageChops.difference(first.convert("L").resize(page.size), page).getbbox() is not None  # it did something
    assert 0.3 < first.width / page.width < 1.2 and ImageStat.Stat(first.convert("L")).mean[0] > 60  # still a page


@pytest.mark.slow
@pytest.mark.parametrize("condition", list(damage.FOLDS_AND_CRUMPLES))
def test_every_fold_and_crumple_condition_is_reproducible(page, condition):
    apply = damage.FOLDS_AND_CRUMPLES[condition]
    small = page.resize((page.width // 3, page.height // 3))
    assert apply(small, 5).tobytes() == apply(small, 5).tobytes()
    assert apply(small, 5).tobytes() != apply(small, 6).tobytes()


def test_a_hand_folds_near_the_printed_lines_and_folds_across_them_elsewhere():
    for seed in range(20):
        on = damage.printed_folds(seed, half=True)
        assert [abs(y - t) * damage.A4_MM[1] <= 1.5 for (_, y, _), t in zip(on[:2], (1 / 3, 2 / 3), strict=True)] == [
            True,
            True,
        ]
        assert abs(on[2][0] - 0.5) * damage.A4_MM[0] <= 1.5
        across = damage.folds_across_lines(seed)
        assert all(
            abs(y - t) * damage.A4_MM[1] > 10 for _, y, angle in across if abs(angle) < 10 for t in (1 / 3, 2 / 3)
        )
