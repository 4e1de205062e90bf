"""The format-2 sheet, as printed: real PDFs, rendered to images and read back by the real decoders, the text
layer read by real extractors; the density goals of issue 17; and real sheets under realistic damage.

test_sheet.py pins format 1's sheet; the helpers for rendering and extracting are in tests/paperchecks.py.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pypdfium2
import pytest
from PIL import ImageDraw

from breakglass.errors import BreakglassError
from breakglass.format import qrtext, typed
from breakglass.paper import codes, sheet
from breakglass.paper import sizes as paper
from breakglass.scan import pages as scan_pages
from breakglass.scan.collect import ShareCollector
from breakglass.scan.decode import decode_report

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "vectors"))
from make_vectors import seeded_split  # noqa: E402

import damage  # noqa: E402
from paperchecks import (  # noqa: E402
    EXTRACTORS,
    INFO,
    SIZES,
    credential,
    ink_box,
    leak_forms,
    make,
    pages,
    pdf_streams,
    safe_box,
    zbar_texts,
    zxing_texts,
)

try:
    from pyzbar import pyzbar
except ImportError:
    pyzbar = None

GOAL_PAGES = {"300 B": 1, "2 KiB": 2, "8 KiB": 4}  # issue 17: 3-of-5, A4, default settings, typed lines included


@pytest.fixture(scope="module", params=list(SIZES))
def printed(request):
    """(size name, share, info, pdf, pages at 150 dpi) for each credential size."""
    share, info, pdf = make(SIZES[request.param])
    return request.param, share, info, pdf, pages(pdf)


def test_density_goals_on_a4_and_letter():
    for name, goal in GOAL_PAGES.items():
        for paper_name in ("a4", "letter"):
            _, _, pdf = make(SIZES[name], paper_name)
            assert len(pypdfium2.PdfDocument(pdf)) <= goal, (name, paper_name)


@pytest.mark.parametrize("decoder", [zxing_texts, zbar_texts], ids=["zxing-cpp", "zbar"])
def test_every_code_is_printed_once_and_reads(printed, decoder):
    if decoder is zbar_texts and pyzbar is None:
        pytest.skip("pyzbar or libzbar0 is not installed")
    _, share, _, _, images = printed
    plan = codes.code_plan(share)
    read = decoder(images)
    assert sorted(read) == sorted(plan.texts)  # each code once: parity codes instead of duplicates
    assert qrtext.assemble([qrtext.parse_chunk(t) for t in read]) == share


def test_any_data_codes_rebuild_the_share(printed):
    """The parity codes as printed make up for any lost codes, up to their number."""
    _, share, _, _, images = printed
    chunks = [qrtext.parse_chunk(t) for t in zxing_texts(images)]
    plan = codes.code_plan(share)
    assert plan.parity >= 1 and len(chunks) == plan.data + plan.parity
    for kept in itertools.islice(itertools.combinations(chunks, plan.data), 40):
        assert qrtext.assemble(list(kept)) == share
    if plan.data > 1:
        with pytest.raises(
            BreakglassError,
            match=f"{plan.data - 1} of its QR codes {'was' if plan.data == 2 else 'were'} read, {plan.data} are needed",
        ):
            qrtext.assemble(chunks[: plan.data - 1])


def test_no_band_across_the_page_holds_more_codes_than_the_parity(printed):
    """A crease, a fold or a stain along one row takes at most one row of codes: never more than the parity
    codes make up for, once a share has more than one row."""
    _, share, _, _, images = printed
    plan = codes.code_plan(share)
    for image in images:
        boxes = damage.code_boxes(image)
        for y in range(0, image.height, 5):  # every horizontal line across the page
            crossing = [b for b in boxes if b[1] <= y <= b[3]]
            assert len(crossing) <= max(plan.parity, codes.STYLE.per_row)
            if len(plan.texts) > codes.STYLE.per_row:
                assert len(crossing) <= plan.parity


def test_all_ink_is_inside_the_safe_area(printed):
    _, _, _, _, images = printed
    for image in images:
        left, top, right, bottom = safe_box("a4", image)
        x0, y0, x1, y1 = ink_box(image)
        assert x0 >= left - 1 and y0 >= top - 1 and x1 <= right + 1 and y1 <= bottom + 1


def test_the_credential_is_nowhere_in_the_pdf(printed):
    name, _, _, pdf, _ = printed
    for blob in [pdf, *pdf_streams(pdf)]:
        for form in leak_forms(credential(SIZES[name])):
            assert form not in blob
        assert b"CANARY" not in blob


@pytest.mark.parametrize("extract", EXTRACTORS)
def test_typed_lines_read_back_and_the_header_is_on_page_one_only(printed, extract):
    _, share, _, pdf, _ = printed
    reading = typed.read_text(extract(pdf))
    assert reading.problems == [] and reading.shares == [share]
    header = " ".join(typed.header_line(share).split())
    document = pypdfium2.PdfDocument(pdf)
    per_page = [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    document.close()
    assert header in per_page[0] and not any(header in text for text in per_page[1:])
    assert "the BG2 line first" in per_page[0]


def test_a_copy_is_named_in_its_codes_and_lines():
    share, info, pdf = make(300, copy=2, copies=3)
    assert {qrtext.parse_chunk(t).copy for t in zxing_texts(pages(pdf))} == {2}
    assert typed.read_text("\n".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(pdf))).copies == [
        2
    ]


LONG_LABEL = "Production AWS organisation management account root user (emergency)"
LONG_CUSTODIAN = sheet.Custodian(
    "Dr. Maximiliane Oberhauser-Lindqvist", "Head of Platform Security", "Safe deposit box 1142, Frankfurt"
)


def test_a_long_label_and_custodian_still_fit_the_goals():
    for name, goal in GOAL_PAGES.items():
        _, _, pdf = make(SIZES[name], label=LONG_LABEL, custodian=LONG_CUSTODIAN)
        assert len(pypdfium2.PdfDocument(pdf)) <= goal, name


@pytest.mark.parametrize("size", [2048, 8192, 20_000])
def test_the_typed_header_is_on_page_one_whatever_the_header_takes(size):
    share, _, pdf = make(size, label=LONG_LABEL + " " + LONG_LABEL, custodian=LONG_CUSTODIAN)
    document = pypdfium2.PdfDocument(pdf)
    first = " ".join(document[0].get_textpage().get_text_range().split())
    document.close()
    assert " ".join(typed.header_line(share).split()) in first
    assert typed.read_text(first + "\n").problems  # page 1 alone is not the whole block: it goes on


# --- shares_wanted: a format-2 share is finished from any `data` of its codes -------------------------------


def test_a_format_2_share_is_complete_from_a_subset_of_its_codes():
    result = seeded_split(credential(2048), 3, 5, "sheet2 wanted", version=2)
    plans = [codes.code_plan(s) for s in result.shares[:3]]
    enough = [t for plan in plans for t in plan.texts[plan.parity :]]  # each share without `parity` of its codes
    assert not scan_pages.shares_wanted(enough)
    short = [t for plan in plans for t in plan.texts[plan.parity + 1 :]]  # one code fewer than needed each
    assert scan_pages.shares_wanted(short)
    assert scan_pages.shares_wanted([t for plan in plans[:2] for t in plan.texts])  # two shares of a 3-of-5 set


# --- real sheets under realistic damage (the full matrix is in benchmarks/run.py) -------------------------------


REPRESENTATIVE = [
    "folded in thirds, then in half",
    "crumpled, flattened, scanned",
    "water stain (60 mm)",
    "coffee ring",
    "missing corner, dark background",
    "phone photo at an angle",
    "crumpled, photographed",
]


@pytest.mark.slow
@pytest.mark.parametrize("condition", REPRESENTATIVE)
def test_a_damaged_sheet_still_gives_its_share(condition):
    share, _, pdf = make(2048)
    collector = ShareCollector()
    for number, image in enumerate(pages(pdf, dpi=300)):
        damaged = damage.REALISTIC[condition](image, 100 + number)
        collector.add_qr_texts(decode_report(damaged).combined, f"page {number + 1}")
    assert [f.share for f in collector.shares()] == [share]


def test_paper_sizes_share_one_layout():
    assert paper.safe_area("a4").width == paper.safe_area("letter").width


def test_recombine_does_not_search_a_page_harder_when_the_parity_made_up_for_its_lost_code(tmp_path):
    """Three sheets of a 3-of-5 set; on one, a stain ruins a code (seen, not read). The parity codes make up for
    it, so the page is not taken again with image preparation: recombination costs one look a page."""
    result = seeded_split(credential(2048), 3, 5, "sheet2 scan", version=2)
    info = sheet.SheetInfo(**{**INFO.__dict__, "fingerprint": result.fingerprint})
    for share in result.shares[:3]:
        for number, image in enumerate(pages(sheet.render_sheet(share, info), dpi=200), start=1):
            if share.index == 1 and number == 1:
                image = damage.stain(image, damage.code_boxes(image)[0], 0.45, grey=40)
            image.save(tmp_path / f"share-{share.index}-page-{number}.png")
    results = list(scan_pages.scan_paths(sorted(tmp_path.iterdir())))
    stained = next(r for r in results if r.source.endswith("share-1-page-1.png"))
    assert any("could not be read" in note for note in stained.notes) and stained.texts
    assert not any("read again" in note for r in results for note in r.notes)
    collector = ShareCollector()
    for r in results:
        collector.add_qr_texts(r.texts, str(r.source))
    assert [f.share for f in collector.shares()] == list(result.shares[:3])


@pytest.mark.parametrize("size", [1, 200, 508, 509, 1500, 5000, 12_000, 40_000])
def test_every_code_fits_its_version_and_the_parity_fills_the_last_row(size):
    share = seeded_split(credential(size), 2, 3, f"sheet2 plan {size}", version=2).shares[0]
    for copy in (1, 999):  # the longest copy number makes the longest header
        plan = codes.code_plan(share, copy)
        capacity = codes.alphanumeric_capacity(plan.style.version, plan.style.ecc)
        assert max(len(t) for t in plan.texts) <= capacity
        assert plan.parity >= max(1, -(-3 * plan.data // 10))
        assert len(plan.texts) % plan.style.per_row == 0
    assert len(codes.qr_matrix(plan.texts[-1], plan.style.version, plan.style.ecc)) == 17 + 4 * plan.style.version


def test_a_pen_stroke_across_two_finder_patterns_does_not_hide_the_share(tmp_path):
    """A line through a code's finder pattern hides the code from the detector: not even counted as unread. The
    page looks complete at a first look, yet its share is one code short; recombine looks again, because it
    knows the share is unfinished, and an opening wipes the stroke."""
    result = seeded_split(credential(300), 3, 5, "sheet2 pen", version=2)
    info = sheet.SheetInfo(**{**INFO.__dict__, "fingerprint": result.fingerprint})
    for share in result.shares[:3]:
        page = pages(sheet.render_sheet(share, info), dpi=300)[0].convert("RGB")
        if share.index == 2:
            boxes = sorted(damage.code_boxes(page))
            module = (boxes[0][2] - boxes[0][0]) / 73
            y = boxes[1][1] + 3.5 * module  # through the top-left finder patterns of codes 2 and 3
            ImageDraw.Draw(page).line(
                [(boxes[1][0] - 40, y), (boxes[2][0] + 10 * module, y + 2)], fill=(30, 40, 120), width=5
            )  # blue ballpoint, 0.4 mm
            first = decode_report(page, ["zxing-cpp"], retry=False)
            assert len(first.combined) == 1 and first.unreadable == 0  # one code short, nothing seen unread
        page.save(tmp_path / f"share-{share.index}.png")
    results = list(scan_pages.scan_paths(sorted(tmp_path.iterdir())))
    collector = ShareCollector()
    for r in results:
        collector.add_qr_texts(r.texts, str(r.source))
    assert [f.share for f in collector.shares()] == list(result.shares[:3])
    assert any("read again with image preparation" in note for r in results for note in r.notes)


@pytest.mark.slow  # about 30 s: over 200 codes, each with qrcode's mask search in pure Python
def test_the_largest_credential_renders_within_255_codes():
    from breakglass.format import scheme

    share = scheme.split(b"\x00" * scheme.MAX_CREDENTIAL, 2, 3, version=2).shares[0]
    plan = codes.code_plan(share)
    assert len(plan.texts) <= 255 and plan.parity >= 0.3 * plan.data
    pdf = sheet.render_sheet(share, INFO, "letter")
    assert pdf.startswith(b"%PDF") and len(pypdfium2.PdfDocument(pdf)) > 10
