"""scan/files.py catches the renderer's errors around the renderer only: a page pdfium cannot load is one
damaged page and the next pages are still read; an error in breakglass's own code is a bug, exit 3, never
"damaged PDF"."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from breakglass.scan import files

DRAWN = b"0 0 0 rg 10 10 100 100 re f"  # a black square: not a blank page


def pdf(objects: list[bytes]) -> bytes:
    """A PDF with these numbered objects and a correct cross-reference table."""
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def broken_then_drawn(tmp_path, broken: int = 1, drawn: int = 2):
    """Kids: `broken` pages whose object is not a page (pdfium: 'Failed to load page'), then `drawn` pages."""
    kids = list(range(4, 4 + broken + drawn))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(DRAWN), DRAWN),
    ]
    objects += [b"42"] * broken
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 3 0 R >>"] * drawn
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf(objects))
    return path


def test_a_page_pdfium_cannot_load_is_one_damaged_page_and_the_rest_are_read(tmp_path):
    pages = list(files.all_pages([broken_then_drawn(tmp_path)], dpi=72))
    assert [p.number for p in pages] == [1, 2, 3]
    assert pages[0].problem == "damaged PDF: page 1 could not be rendered" and pages[0].image is None
    assert all(p.image is not None and p.problem is None for p in pages[1:])
    assert pages[1].image.getextrema()[0] == 0  # the square was rendered


def test_a_bug_in_breakglass_is_not_a_damaged_page(tmp_path, monkeypatch):
    def planted(*_args):
        raise ZeroDivisionError("planted bug")

    monkeypatch.setattr(files, "_render_scale", planted)
    with pytest.raises(ZeroDivisionError):
        list(files.all_pages([broken_then_drawn(tmp_path, broken=0, drawn=1)], dpi=72))


def test_a_bug_while_scanning_a_pdf_exits_3(tmp_path):
    path = broken_then_drawn(tmp_path, broken=0, drawn=1)
    shim = (
        "import breakglass.scan.files as f\n"
        "def planted(*a):\n    raise ZeroDivisionError('planted bug')\n"
        "f._render_scale = planted\n"
        "from breakglass.cli.main import main\nmain()"
    )
    result = subprocess.run(
        [sys.executable, "-c", shim, "recombine", "--verify-only", str(path)],
        capture_output=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "BREAKGLASS_DEBUG"},
    )
    err = result.stderr.decode()
    assert result.returncode == 3, err
    assert "internal error (ZeroDivisionError: planted bug)" in err and "damaged PDF" not in err
    assert "Traceback" not in err
