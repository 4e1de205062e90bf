"""docs/FORMAT.md section 11 says what the sheets print (issue 23): its QR versions, levels and capacities are
compared with QR's own capacity (ISO/IEC 18004's data codewords) and with the codes read back, by zxing-cpp,
from rendered sheets of both formats."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from breakglass.format import scheme
from breakglass.paper import codes, sheet

ROOT = Path(__file__).resolve().parents[1]
SECTION_11 = (ROOT / "docs" / "FORMAT.md").read_text().split("## 11. Printed layout")[1]
# ISO/IEC 18004, table 7: data codewords of the symbols the sheets use.
DATA_CODEWORDS = {(14, "Q"): 261, (20, "H"): 385}


def standard_alphanumeric(version: int, level: str) -> int:
    """Alphanumeric characters a symbol holds, from the standard's codewords: 4 mode bits, the character count
    (9 bits up to version 9, 11 up to 26), 11 bits per two characters and 6 for a last single one."""
    bits = 8 * DATA_CODEWORDS[(version, level)] - 4 - (9 if version <= 9 else 11)
    return 2 * (bits // 11) + (1 if bits % 11 >= 6 else 0)


def spec_number(pattern: str) -> int:
    m = re.search(pattern, SECTION_11.replace("\n", " "))
    assert m, f"section 11 no longer says {pattern!r}"
    return int(m.group(1))


F2_CAPACITY = spec_number(r"Version 14 at level Q holds \*\*(\d+) alphanumeric")
F2_MAX = spec_number(r"at most \*\*(\d+) payload characters\*\*")
F2_MAX_BYTES = spec_number(r"at most \*\*\d+ payload characters\*\* \((\d+) bytes")
F1_MAX = spec_number(r"at most \*\*(\d+) base32 characters\*\*")
F1_CAPACITY = spec_number(r"\*\*(\d+) alphanumeric characters\*\* \(ISO/IEC 18004: 385")


def payload(text: str) -> str:
    return text.rsplit(":", 1)[1]


def test_the_capacities_are_the_qr_standards():
    assert F2_CAPACITY == standard_alphanumeric(14, "Q") == codes.alphanumeric_capacity(14, "Q")
    assert F1_CAPACITY == standard_alphanumeric(20, "H") == codes.alphanumeric_capacity(20, "H")
    assert (codes.STYLE.version, codes.STYLE.ecc) == (14, "Q")
    assert F2_MAX_BYTES == F2_MAX * 5 // 8
    assert F1_MAX == sheet.QR_MAX_CHARS


def test_the_payload_limits_are_what_the_writer_prints():
    longest2, longest1 = 0, 0
    for size in [*range(1, 400, 13), *range(400, 12000, 509)]:
        plan = codes.code_plan(scheme.split(b"c" * size, 2, 3, version=2).shares[0])
        longest2 = max(longest2, *(len(payload(t)) for t in plan.texts))
        assert max(len(t) for t in plan.texts) <= F2_CAPACITY
        texts1 = sheet.qr_texts(scheme.split(b"c" * size, 2, 3, version=1).shares[0])
        longest1 = max(longest1, *(len(payload(t)) for t in texts1))
        assert max(len(t) for t in texts1) <= F1_CAPACITY
    assert longest2 == F2_MAX and longest1 <= F1_MAX


@pytest.mark.parametrize("version", [2, 1])
def test_a_rendered_sheet_prints_the_codes_section_11_describes(tmp_path, version):
    share = scheme.split(b"k" * 1500, 2, 3, version=version).shares[0]
    info = sheet.SheetInfo(label="Capacities", fingerprint="AAAA-BBBB-CCCC-DDDD", created="2026-01-01")
    (tmp_path / "s.pdf").write_bytes(sheet.render_sheet(share, info))
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", tmp_path / "s.pdf", tmp_path / "p"], check=True)
    read = [
        r
        for png in sorted(tmp_path.glob("p*.png"))
        for r in zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode)
    ]
    assert read and {r.text for r in read} == set(sheet.qr_texts(share))
    for r in read:
        if version == 2:
            assert (r.extra["Version"], r.extra["ECLevel"]) == ("14", "Q")
            assert len(payload(r.text)) <= F2_MAX
        else:
            assert int(r.extra["Version"]) <= 20 and r.extra["ECLevel"] == "H"
            assert len(payload(r.text)) <= F1_MAX


# ---------------------------------------------------------------- 2.3, as now written

from breakglass.errors import BreakglassError  # noqa: E402
from breakglass.format import typed  # noqa: E402

WITHIN_A_ROW = [0x09, 0x1F, 0x20, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]


def _header() -> str:
    return typed.encode(scheme.split(b"2.3", 2, 3, version=2).shares[0]).splitlines()[0]


def test_leading_zeros_within_the_digit_counts_only():
    header = _header()
    assert typed.parse_header(header.replace("SHARE 1 ", "SHARE 001 ")).index == 1
    with pytest.raises(BreakglassError, match="not a header"):
        typed.parse_header(header.replace("SHARE 1 ", "SHARE 0001 "))


@pytest.mark.parametrize(
    "after, read", [(",", True), ("|", True), (" x", True), ("X", False), ("é", False), ("_", False), ("٣", False)]
)
def test_a_check_glued_to_the_next_character(after, read):
    header = _header()
    if read:
        assert typed.parse_header(header + after).lines == typed.parse_header(header).lines
    else:
        with pytest.raises(BreakglassError, match="4-character check"):
            typed.parse_header(header + after)


def test_any_unicode_space_means_white_space_within_a_row():
    header = _header()
    for code in WITHIN_A_ROW:
        assert typed.parse_header(header.replace(" ", chr(code))).index == 1, hex(code)
    for code in (0x200B, 0xFEFF, 0x180E):
        with pytest.raises(BreakglassError):
            typed.parse_header(header.replace(" ", chr(code)))
