"""`split --rugged` (issue 25): format-2 sheets at QR level H, read back by the split's own scan-back check and
recombined from their rendered pages; the cost in pages; the ceremony config's `rugged = true`."""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp

from breakglass.paper import codes, sheet
from breakglass.record.config import config_from_dict

sys.path.insert(0, str(Path(__file__).parent))
from helpers import run, text  # noqa: E402
from paperchecks import geometry, make, pages  # noqa: E402


def test_a_rugged_sheet_prints_level_h_codes_that_read_and_rebuild_the_share():
    share, info, _ = make(2048)
    pdf = sheet.render_sheet(share, sheet.SheetInfo(**{**info.__dict__, "rugged": True}))
    found = [b for image in pages(pdf) for b in zxingcpp.read_barcodes(image)]
    assert {b.text for b in found} == set(sheet.qr_texts(share, rugged=True))
    assert {b.ec_level for b in found} == {"H"}
    assert set(sheet.qr_texts(share, rugged=True)) != set(sheet.qr_texts(share))
    plan = codes.code_plan(share, style=codes.RUGGED)
    assert plan.data > codes.code_plan(share).data  # level H holds less a code: more codes


@pytest.mark.parametrize("size, default_pages, rugged_pages", [(300, 1, 2), (2048, 2, 3), (8192, 4, 5)])
def test_the_rugged_option_costs_one_page_a_sheet_at_the_goal_sizes(size, default_pages, rugged_pages):
    share, info, pdf = make(size)
    rugged = sheet.render_sheet(share, sheet.SheetInfo(**{**info.__dict__, "rugged": True}))
    assert (len(pypdfium2.PdfDocument(pdf)), len(pypdfium2.PdfDocument(rugged))) == (default_pages, rugged_pages)


def test_split_rugged_checks_its_sheets_and_recombines(tmp_path):
    secret = tmp_path / "s"
    secret.write_bytes(b"rugged-test " * 30)
    out = tmp_path / "o"
    result = run("split", "-k", "2", "-n", "3", "--label", "L", "--secret-file", secret, "--out", out, "--rugged")
    assert result.returncode == 0, text(result)
    pdfs = sorted(out.glob("*.pdf"))
    for i, pdf in enumerate(pdfs[:2]):
        for j, image in enumerate(pages(pdf.read_bytes())):
            image.save(tmp_path / f"scan-{i}-{j}.png")
    back = run("recombine", *sorted(tmp_path.glob("scan-*.png")), "--out", "-")
    assert back.returncode == 0, text(back)
    assert back.stdout == b"rugged-test " * 30


def test_the_config_says_rugged_with_true_or_false():
    base = {
        "label": "L",
        "scope": "s",
        "k": 2,
        "n": 2,
        "custodians": [{"name": "A", "role": "r", "location": "l"}, {"name": "B", "role": "r", "location": "l"}],
        "administrator": "X",
        "witness": "Y",
        "auditor": "Z",
        "permitted_uses": ["u"],
        "contact": "c",
    }
    assert config_from_dict(base).rugged is False
    assert config_from_dict({**base, "rugged": True}).rugged is True
    with pytest.raises(Exception, match="rugged"):
        config_from_dict({**base, "rugged": "yes"})


@pytest.mark.parametrize("size", [300, 8192])
def test_a_rugged_sheet_keeps_its_codes_off_the_fold_lines(size):
    from breakglass.paper import folds

    share, info, _ = make(size)
    pdf = sheet.render_sheet(share, sheet.SheetInfo(**{**info.__dict__, "rugged": True}))
    found = geometry(pdf)
    assert sum(len(page["codes"]) for page in found) == len(sheet.qr_texts(share, rugged=True))
    for page in found:
        for _, low, _, high in page["codes"]:
            assert all(
                not (low - folds.CLEARANCE + 0.5 < y < high + folds.CLEARANCE - 0.5) for y in folds.fold_ys("a4")
            )
