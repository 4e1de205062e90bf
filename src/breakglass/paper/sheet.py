"""The custodian share sheet: one share on paper, as QR codes, typed lines and plain instructions.

    render_sheet(share, info, paper)      PDF bytes, one or more pages
    qr_texts(share, copy)                 the texts of the share's QR codes, in order
    sheet_filename(label, share, ...)     "<slug>-share-<i>-of-<n>[-copy-<c>].pdf"

Everything is drawn as vectors with reportlab inside paper.safe_area(), so one layout prints whole on A4 and US
Letter. All wording comes from templates/sheet.toml. The sheet only ever sees the Share (safe to print, it is
what the custodian keeps), never the credential.

Layout. A page is a stack of blocks under a header; blocks that do not fit go to the next page, and the typed
lines flow over as many pages as they need.
- Format 2 (short_share_pages): each code printed once, data codes then parity codes (any `data` of them rebuild
  the share, paper/codes.py): the parity codes, not duplicates, stand in for a code that is stained or torn.
- Format 1, a share in one QR code: one page, the code twice, in opposite corners of the body (top left, middle
  right), so a stain, tear or fold that ruins one rarely touches the other.
- Format 1, a longer share (several_codes_body): instructions on page 1, then its codes two by two, every code
  printed twice (the twins after all the others, each pair swapped) up to DUPLICATED_UP_TO codes, and once
  beyond that; then the typed lines in two columns.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Protocol, cast
from xml.sax.saxutils import escape

import qrcode
import qrcode.util
from reportlab.lib.units import mm

from .. import __version__
from ..format import qrtext, typed, v2
from ..format.formats import AnyShare
from ..format.share import set_id_text
from ..system.package import fingerprint as package_fingerprint
from . import codes, folds, sizes, wording
from .blocks import (
    GUTTER,
    INSET,
    QUIET_MODULES,
    Block,
    Fields,
    Heading,
    Mono,
    Para,
    QrCode,
    Row,
    ScaleBar,
    Spacer,
    Stack,
    WriteInLine,
    paginate,
    stack_blocks,
)

# Custodian and SheetInfo are part of this module's interface (what a caller fills in to print a sheet).
from .sheetheader import ContinuedHeader, FirstHeader
from .sheetheader import Custodian as Custodian
from .sheetheader import SheetInfo as SheetInfo
from .typedblock import TypedFlow, TypedPiece

# H restores up to ~30% of damaged codewords. Q (~25%) was the first choice, but the benchmarks
# (docs/BENCHMARKS.md, "Sheet parameters") showed a stain over 20% of one code losing half the shares of a
# several-code sheet at Q (each code is printed once there), and none at H. H costs ~25% more codes for a
# long share; a one-code share just gets a slightly larger code in the same slot.
QR_ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_H

# Data characters per code. With the longest header (BG1:<16 hex>:255:999:999/999:, 37 characters) a chunk
# stays within version 20 at level H (97 modules, 557 alphanumeric characters): 84 mm with its quiet zone at
# 0.8 mm a module, so two codes sit side by side inside the safe area with room between them. Larger
# versions would not fit two to a row and get harder for phone cameras; smaller ones spend more of the page
# on quiet zones.
QR_MAX_CHARS = 520

MIN_MODULE = 0.8 * mm  # 19 dots at 600 dpi, 9 pixels on a 300 dpi scan: safe for office printers and scanners
MAX_MODULE = 1.0 * mm  # a one-code share gets up to this, for phone cameras held at a distance
SINGLE_CODE_SLOT = 70 * mm  # width a one-code share's code may take, quiet zone included
# Shares of this many codes or fewer print every code twice (32: credentials up to about 8 KiB). The
# benchmarks showed that no error-correction level survives a 20% stain on one code reliably (the stain may
# cover a finder pattern); a second print of the code does.
DUPLICATED_UP_TO = 32

TYPED_COLUMNS_LONG = 2  # long shares: two columns of typed lines (a format-1 line is 69 mm of 89, format 2's 85)


# --- public API --------------------------------------------------------------------------------------------


def qr_texts(share: AnyShare, copy: int = 1, rugged: bool = False) -> list[str]:
    """Every QR text printed on the sheet of `share` (format 2: data codes, then parity codes, at the rugged
    style's level if `rugged`), each once."""
    if share.version == 2:
        return codes.code_plan(cast(v2.Share, share), copy, codes.style_for(rugged) if rugged else None).texts
    return qrtext.encode(share, QR_MAX_CHARS, copy)


def plan_of(share: v2.Share, info: SheetInfo) -> codes.CodePlan:
    """The codes of a format-2 sheet: the default style, or the rugged one."""
    return codes.code_plan(share, info.copy, codes.style_for(info.rugged) if info.rugged else None)


class Numbered(Protocol):
    """What a sheet's file name needs of its share (split names the files before the shares exist)."""

    @property
    def index(self) -> int: ...

    @property
    def n(self) -> int: ...


def sheet_filename(label: str, share: Numbered, copy: int = 1, copies: int = 1) -> str:
    name = f"{slug(label)}-share-{share.index}-of-{share.n}"
    if copies > 1:
        name += f"-copy-{copy}"
    return name + ".pdf"


def render_sheet(share: AnyShare, info: SheetInfo, paper: str = "a4") -> bytes:
    area = drawing_area(paper)
    words = Words(share, info)
    texts = qr_texts(share, info.copy, info.rugged)
    body = one_code_body if len(texts) == 1 else several_codes_body
    first_header = FirstHeader(area.width, share, info, words)
    continued = ContinuedHeader(area.width, words)
    heights = (area.height - first_header.height, area.height - continued.height)
    c, buffer = sizes.new_canvas(paper, words.plain(words.t["document"]["title"]))
    if share.version == 2:
        placed = short_share_pages(
            area, paper, cast(v2.Share, share), info, words, (first_header.height, continued.height)
        )
        tops = [area.top - (first_header if number == 1 else continued).height for number in range(1, len(placed) + 1)]
        boxes = [box for blocks, top in zip(placed, tops, strict=True) for box in code_boxes(blocks, area.left, top)]
        half = folds.half_is_clear(paper, boxes)
        for number, (blocks, top) in enumerate(zip(placed, tops, strict=True), start=1):
            header = first_header if number == 1 else continued
            folds.draw_fold_lines(c, paper, half)  # first: text printed over a line stays whole
            header.draw(c, area.left, area.top, words.page_text(number, len(placed)))
            for offset, block in blocks:
                block.draw(c, area.left, top - offset)
            c.showPage()
    else:
        flowed = paginate(body(area.width, share, info, words, texts), *heights)
        for number, page in enumerate(flowed, start=1):
            header = first_header if number == 1 else continued
            header.draw(c, area.left, area.top, words.page_text(number, len(flowed)))
            stack_blocks(c, page, area.left, area.top - header.height, area.height - header.height)
            c.showPage()
    c.save()
    return buffer.getvalue()


def code_boxes(blocks: folds.Placed, left: float, top: float) -> list[tuple[float, float, float, float]]:
    """(left, bottom, right, top) of every code (quiet zone included) of a page's placed blocks."""
    return [
        box for offset, block in blocks if isinstance(block, codes.CodeRow) for box in block.boxes(left, top - offset)
    ]


def drawing_area(paper: str) -> sizes.SafeArea:
    """The safe area less half the widest stroke: a line drawn on its edge keeps all its ink inside."""
    safe = sizes.safe_area(paper)
    return sizes.SafeArea(safe.left + INSET, safe.bottom + INSET, safe.width - 2 * INSET, safe.height - 2 * INSET)


def slug(label: str) -> str:
    """A file-name-safe form of the label: ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return text[:60].rstrip("-") or "credential"


# --- wording -----------------------------------------------------------------------------------------------


class Words:
    """templates/sheet.toml with this sheet's values: plain() for drawn strings, markup() for paragraphs."""

    def __init__(self, share: AnyShare, info: SheetInfo):
        self.t = wording.load("sheet")
        self.values: dict[str, Any] = {
            "label": info.label,
            "index": share.index,
            "n": info.shares_made or share.n,
            "split_n": share.n,
            "k": share.k,
            "copy": info.copy,
            "copies": info.copies,
            "set_id": set_id_text(share.set_id),
            "fingerprint": info.fingerprint,
            "created": info.created,
            "name": info.custodian.name,
            "role": info.custodian.role,
            "location": info.custodian.location,
            "custodian": info.custodian.text(),
            "contact": info.contact,
            "count": len(qr_texts(share, info.copy, info.rugged)),
            "lines": len(typed.encode_lines(share)),
            "version": share.version,
            "data": plan_of(cast(v2.Share, share), info).data if share.version == 2 else 0,
            "tool_version": __version__,
            "package": package_fingerprint(),
        }

    def plain(self, template: str, **extra) -> str:
        return wording.fill(template, **{**self.values, **extra})

    def markup(self, template: str, **extra) -> str:
        escaped = {key: escape(str(value)) for key, value in {**self.values, **extra}.items()}
        return wording.fill(template, **escaped)

    def page_text(self, page: int, pages: int) -> str:
        return self.plain(self.t["header"]["page"], page=page, pages=pages)


def typed_flow(width: float, words: Words, share: AnyShare, copy: int, columns: int) -> TypedFlow:
    t = words.t["typed"]
    notes = (
        [words.markup(t["later_share"])] if words.values["index"] > words.values["split_n"] else []
    )  # format 1, by expand
    return TypedFlow(
        width,
        typed.header_line(share, copy),
        typed.encode_lines(share),
        columns,
        words.plain(t["heading"]),
        words.markup(t["hint"]),
        words.plain(t["continued"]),
        notes,
    )


# --- the two page bodies -----------------------------------------------------------------------------------


def one_code_body(area_width: float, share: AnyShare, info: SheetInfo, words: Words, texts: list[str]) -> list:
    """A share in one code: the code twice, diagonally apart, with the typed lines and instructions between."""
    matrix = qr_matrix(texts[0])
    module = max(MIN_MODULE, min(MAX_MODULE, SINGLE_CODE_SLOT / (len(matrix) + 2 * QUIET_MODULES)))
    q = words.t["qr"]
    code_a = QrCode(matrix, module, words.plain(q["single"]))
    code_b = QrCode(matrix, module, words.plain(q["duplicate"]))
    side_width = area_width - code_a.width - GUTTER
    scale = ScaleBar(words.plain(words.t["scale"]["label"]))
    custodian = Stack(
        side_width, [*custodian_blocks(side_width, words), Spacer(0.5 * mm), fields_block(side_width, words), scale]
    )
    typed_piece = cast(
        TypedPiece, typed_flow(side_width, words, share, info.copy, columns=1).piece(10_000)
    )  # all lines, one column
    return [
        Row(area_width, [code_a, custodian]),
        Row(area_width, [typed_piece, code_b]),
        recovery_and_format_row(area_width, words),
    ]


def several_codes_body(area_width: float, share: AnyShare, info: SheetInfo, words: Words, texts: list[str]) -> list:
    """A share in several codes: instructions first, then the codes two by two, then the typed lines.

    Format 1 only (format 2 has parity codes instead). Every code is printed twice up to DUPLICATED_UP_TO codes
    (a credential of about 8 KiB): a stain over a finder pattern defeats any error-correction level, a twin
    elsewhere does not. Beyond that, each code once: the pages would double again for little, and the damage a
    duplicate guards against is met by the typed lines (a smudge costs the lines it covers, and each line names
    itself), and the loss of a whole sheet by printing copies (SheetInfo.copies) kept apart.
    """
    half = (area_width - GUTTER) / 2
    q = words.t["qr"]
    codes = [
        QrCode(qr_matrix(text), MIN_MODULE, words.plain(q["chunk"], number=i, count=len(texts)))
        for i, text in enumerate(texts, start=1)
    ]
    custodian = Stack(half, custodian_blocks(half, words))
    records = Stack(
        half,
        [
            Spacer(Heading.height),
            fields_block(half, words),
            Spacer(1 * mm),
            ScaleBar(words.plain(words.t["scale"]["label"])),
            Spacer(1 * mm),
            Para(half, words.markup(q["several_twice"] if len(texts) <= DUPLICATED_UP_TO else q["several"])),
        ],
    )
    items: list = [Row(area_width, [custodian, records]), recovery_and_format_row(area_width, words)]
    items += [Row(area_width, codes[i : i + 2]) for i in range(0, len(codes), 2)]
    if len(codes) <= DUPLICATED_UP_TO:
        # Every code again, after all the others (on the next page once there are several rows), each pair
        # swapped so a code's twin is never in the same place on its page: one stain or fold cannot take both.
        again = [
            QrCode(c.matrix, MIN_MODULE, words.plain(q["chunk_again"], number=i, count=len(codes)))
            for i, c in enumerate(codes, start=1)
        ]
        items += [Row(area_width, again[i : i + 2][::-1]) for i in range(0, len(again), 2)]
    items.append(typed_flow(area_width, words, share, info.copy, columns=TYPED_COLUMNS_LONG))
    return items


def short_share_pages(
    area: sizes.SafeArea,
    paper: str,
    share: v2.Share,
    info: SheetInfo,
    words: Words,
    header_heights: tuple[float, float],
) -> list[folds.Placed]:
    """A format-2 sheet's pages, every code between the fold lines (folds.place). The typed block begins on
    page 1 (its header line is printed once, there: docs/FORMAT.md 11). Of the arrangements that keep it there,
    the first with the fewest pages: codes after the instructions; the typed block before the codes; the first
    row of codes between the custodian's instructions and the recovery box."""
    heights = (area.height - header_heights[0], area.height - header_heights[1])

    def bands_of(page: int) -> list[tuple[float, float]]:
        return folds.keep_out(header_heights[min(page, 1)], paper)

    best: list[folds.Placed] = []
    rows = code_rows_of(area.width, share, info, words)  # drawn once, placed in each arrangement
    for arrangement in ARRANGEMENTS:
        items = short_share_body(area.width, share, info, words, arrangement, rows)
        typed_lines = next((item for item in items if isinstance(item, TypedFlow)), None)
        pages = folds.place(items, heights, bands_of, filler=typed_lines)
        if typed_lines is None:
            return pages
        typed_on_page_one = any(isinstance(block, TypedPiece) for _, block in pages[0])
        if typed_on_page_one and (not best or len(pages) < len(best)):
            best = pages
    return best


ARRANGEMENTS = ("codes first", "typed first", "first row early")  # short_share_body, in order of preference


def code_rows_of(area_width: float, share: v2.Share, info: SheetInfo, words: Words) -> list[codes.CodeRow]:
    caption = words.t["qr"]["chunk"]
    return codes.code_rows(
        plan_of(share, info), area_width, lambda number, count: words.plain(caption, number=number, count=count)
    )


def short_share_body(
    area_width: float,
    share: v2.Share,
    info: SheetInfo,
    words: Words,
    arrangement: str = "codes first",
    rows: list[codes.CodeRow] | None = None,
) -> list:
    """A format-2 share: instructions first, then its codes in rows (any `data` of them are enough, so each is
    printed once), then the typed lines in two columns, which also fill the space a row of codes leaves above
    it or at the bottom of a page. A share whose codes fit one row gets one page: the typed lines beside the
    custodian's instructions, the codes along the bottom. `arrangement` (ARRANGEMENTS) moves the typed lines or
    the first row of codes up, for the sheets whose fold lines would otherwise cost them a page."""
    half = (area_width - GUTTER) / 2
    q = words.t["qr"]
    plan = plan_of(share, info)
    rows = rows if rows is not None else code_rows_of(area_width, share, info, words)
    scale = ScaleBar(words.plain(words.t["scale"]["label"]))
    if len(rows) == 1:
        piece = cast(
            TypedPiece, typed_flow(half, words, share, info.copy, columns=1).piece(10_000)
        )  # all lines, one column
        left = Stack(
            half,
            [
                *custodian_blocks(half, words),
                Spacer(0.5 * mm),
                fields_block(half, words),
                scale,
                Para(half, words.markup(q["any_one" if plan.data == 1 else "any"])),
            ],
            gap=1 * mm,
        )  # tighter: it stands beside 17+ lines
        return [Row(area_width, [left, piece]), recovery_and_format_row(area_width, words), *rows]
    records = Stack(
        half,
        [
            Spacer(Heading.height),
            fields_block(half, words),
            Spacer(1 * mm),
            scale,
            Spacer(1 * mm),
            Para(half, words.markup(q["any_one" if plan.data == 1 else "any"])),
        ],
    )
    lines = typed_flow(area_width, words, share, info.copy, columns=TYPED_COLUMNS_LONG)
    instructions = [
        Row(area_width, [Stack(half, custodian_blocks(half, words)), records]),
        recovery_and_format_row(area_width, words),
    ]
    if arrangement == "typed first":
        return [*instructions, lines, *rows]
    if arrangement == "first row early":  # between the two rows of instructions: it may fit above a fold
        return [instructions[0], rows[0], instructions[1], *rows[1:], lines]
    return [*instructions, *rows, lines]


def custodian_blocks(width: float, words: Words) -> list[Block]:
    t = words.t["custodian"]
    blocks: list[Block] = [Heading(width, words.plain(t["heading"]))]
    blocks += [Para(width, words.markup(p)) for p in t["paragraphs"]]
    contact = t["contact"] if words.values["contact"].strip() else t["contact_blank"]
    blocks.append(Para(width, words.markup(contact)))
    if not words.values["contact"].strip():
        blocks.append(WriteInLine(width))
    return blocks


def fields_block(width: float, words: Words) -> Fields:
    f = words.t["fields"]
    return Fields(
        width,
        [(words.plain(f["bag_serial"]), 0.4), (words.plain(f["signature"]), 0.38), (words.plain(f["date"]), 0.22)],
    )


def recovery_and_format_row(width: float, words: Words) -> Row:
    half = (width - GUTTER) / 2
    r = words.t["recovery"]
    recovery = Stack(
        half,
        [
            Heading(half, words.plain(r["heading"])),
            Para(half, words.markup(r["intro"])),  # the release script (ceremony/release.md), not a bare command
            *(Mono(half, words.plain(line)) for line in r["command"]),
            Para(half, words.markup(r["check_note"])),
        ],
    )
    f = words.t["format2" if words.values["version"] == 2 else "format"]
    fmt = Stack(
        half, [Heading(half, words.plain(f["heading"])), *(Para(half, words.markup(p)) for p in f["paragraphs"])]
    )
    return Row(width, [recovery, fmt])


# --- QR codes ----------------------------------------------------------------------------------------------


def qr_matrix(text: str) -> list[list[bool]]:
    """The module matrix of `text`, forced into alphanumeric mode (what every decoder reads alike)."""
    code = qrcode.QRCode(error_correction=QR_ERROR_CORRECTION, border=0)
    code.add_data(qrcode.util.QRData(text, mode=qrcode.util.MODE_ALPHA_NUM))
    code.make(fit=True)
    return code.get_matrix()
