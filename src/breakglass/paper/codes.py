"""The QR codes of a format-2 share on paper: how many, how large, at which error-correction level, in which rows.

    code_plan(share, copy)        CodePlan: texts (data codes, then parity codes), module matrices, module size
    code_rows(plan, width, words) the rows of codes the sheet stacks, spread over the width

Format 2 cuts a share into data codes plus parity codes, any `data` of which rebuild it (docs/FORMAT.md 7.6), so
no code is printed twice: redundancy across codes replaces format 1's duplicates. Every code of a share is drawn
at one QR version, so all have one size and the rows are regular. The constants below were chosen from
measurements (docs/BENCHMARKS.md, "Format 2: choosing the codes"; docs/DESIGN.md, "The format-2 sheet").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import qrcode
import qrcode.util
from reportlab.lib.units import mm

from ..format import v2
from .blocks import QUIET_MODULES, QrCode, Row

ECC_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


@dataclass(frozen=True)
class CodeStyle:
    """How a share's codes are drawn: QR version, error-correction level, module size, parity."""

    version: int
    ecc: str
    module_mm: float
    parity_ratio: float  # parity codes: at least this fraction of the data codes (rounded up)
    min_parity: int  # and at least this many; then more, to fill the last row (a free slot costs no paper)
    per_row: int = 3  # codes side by side across the page

    @property
    def side_modules(self) -> int:
        return 17 + 4 * self.version + 2 * QUIET_MODULES

    @property
    def side(self) -> float:
        """Points across one code, quiet zone included."""
        return self.side_modules * self.module_mm * mm

    def parity_for(self, data: int) -> int:
        parity = max(self.min_parity, math.ceil(self.parity_ratio * data))
        parity += -(data + parity) % self.per_row
        return min(v2.qrtext.MAX_CODES - data, parity)


# Chosen by measurement (docs/BENCHMARKS.md, "Format 2: choosing the codes"; docs/DESIGN.md, "The sheet").
# Version 14: its alignment patterns sit 20 modules apart, so a decoder follows bent paper locally (crumpled
# sheets defeat version 20, 28 apart, far more often). Level Q: H would need a third page for 2 KiB, M loses
# most codes of a hard-crumpled sheet. 0.72 mm modules: three codes a row with 5 mm between them, 2.1 pixels
# a module even at 75 dpi, and no code lost in renders at 72-200 dpi (0.74 mm beat with a 100 dpi grid).
STYLE = CodeStyle(version=14, ecc="Q", module_mm=0.72, parity_ratio=0.3, min_parity=1)
# `split --rugged` (or `rugged = true` in the ceremony config): level H, the rest as STYLE. It survived what the
# default loses (a stain over 20% of every code, sheets folded and photographed unflattened) at the cost of a
# page a sheet at 300 B, 2 KiB and 8 KiB (docs/BENCHMARKS.md 7; docs/DESIGN.md, "The format-2 sheet").
RUGGED = CodeStyle(version=14, ecc="H", module_mm=0.72, parity_ratio=0.3, min_parity=1)


def style_for(rugged: bool) -> CodeStyle:
    return RUGGED if rugged else STYLE


@dataclass(frozen=True)
class CodePlan:
    texts: list[str]  # data codes first, then parity codes
    data: int  # any `data` of the codes rebuild the share
    style: CodeStyle

    @property
    def parity(self) -> int:
        return len(self.texts) - self.data

    @property
    def module(self) -> float:
        return self.style.module_mm * mm

    def matrices(self) -> list[list[list[bool]]]:
        return [qr_matrix(text, self.style.version, self.style.ecc) for text in self.texts]


def alphanumeric_capacity(version: int, ecc: str) -> int:
    """Characters of QR's alphanumeric mode that one code of `version` holds at level `ecc`."""
    bits = qrcode.util.BIT_LIMIT_TABLE[ECC_LEVELS[ecc]][version]
    available = bits - 4 - qrcode.util.length_in_bits(qrcode.util.MODE_ALPHA_NUM, version)
    return 2 * (available // 11) + (1 if available % 11 >= 6 else 0)


def code_plan(share: v2.Share, copy: int = 1, style: CodeStyle | None = None) -> CodePlan:
    """The codes of one printed copy: as few data codes as the style's version holds, plus the parity codes."""
    style = style or STYLE
    capacity = alphanumeric_capacity(style.version, style.ecc)
    payload = capacity - 8 * 5  # room for the header, then shrink until the longest text fits
    while payload >= 8:
        data = v2.qrtext.data_count(share, payload)
        texts = v2.qrtext.encode(share, payload, copy, style.parity_for(data))
        if max(len(t) for t in texts) <= capacity:
            return CodePlan(texts, data, style)
        payload -= 8
    raise ValueError(f"QR version {style.version} at level {style.ecc} cannot hold a format-2 code")  # unreachable


def qr_matrix(text: str, version: int, ecc: str) -> list[list[bool]]:
    """The module matrix of `text` at exactly `version`, in alphanumeric mode (what every decoder reads alike)."""
    code = qrcode.QRCode(version=version, error_correction=ECC_LEVELS[ecc], border=0)
    code.add_data(qrcode.util.QRData(text, mode=qrcode.util.MODE_ALPHA_NUM))
    code.make(fit=False)
    return code.get_matrix()


class CodeRow(Row):
    """A row of codes: the first flush left, the last flush right. `code_height` (the codes without their
    captions) is what must keep off the fold lines (folds.place)."""

    def __init__(self, width: float, cells: list[QrCode]):
        super().__init__(width, cells)
        self.code_height = max(cell.side for cell in cells)

    def boxes(self, left: float, top: float) -> list[tuple[float, float, float, float]]:
        """(left, bottom, right, top) of each code with its quiet zone, as Row.draw places them."""
        spare = self.width - sum(cell.width for cell in self.cells)
        step = spare / (len(self.cells) - 1) if len(self.cells) > 1 else 0
        found, x = [], left
        for cell in self.cells:
            side: float = cell.side  # type: ignore[attr-defined]  # a code row's cells are codes
            found.append((x, top - side, x + side, top))
            x += cell.width + step
        return found


def code_rows(plan: CodePlan, width: float, caption) -> list[CodeRow]:
    """The codes as rows spread over `width`, in chunk order; caption(number, count) is the line under each."""
    codes = [
        QrCode(matrix, plan.module, caption(number, len(plan.texts)))
        for number, matrix in enumerate(plan.matrices(), start=1)
    ]
    per_row = min(plan.style.per_row, max(1, int(width // plan.style.side)))
    return [CodeRow(width, codes[i : i + per_row]) for i in range(0, len(codes), per_row)]
