"""The report's sections for share format 2 (issue 17): density of formats 1 and 2 side by side, both formats
under the classic and the realistic damage suites, the format-2 code settings tried, and the issue's goals.

Each bench_* function adds its tables to the Report and returns what the goal check needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import sheets
from breakglass.paper import codes, sheet
from breakglass.scan.decode import decode_image
from breakglass.scan.decoders import ZXING
from breakglass.scan.files import rasterize_pdf

KIB = 1024
S = codes.CodeStyle


def size_text(n: float) -> str:
    if n >= KIB:
        return f"{n / KIB:g} KiB" if n % KIB == 0 else f"{n / KIB:.1f} KiB"
    return f"{n:.0f} B"  # whole bytes: 8 KiB over 21 pages is "390 B", not "390.095 B"


# ------------------------------------------------------------------------------------------------- density


@dataclass
class Density:
    share_bytes: int
    data: int
    parity: int
    version: int
    ecc: str
    module_mm: float
    pages: int
    pdf_bytes: int
    clean_read: bool  # zxing-cpp reads every code at 150 dpi with one look


def qr_version(text: str) -> int:
    """The version format 1's sheet draws `text` at (sheet.qr_matrix picks the smallest that holds it)."""
    return (len(sheet.qr_matrix(text)) - 17) // 4


def density(share_format: int, size: int, style: codes.CodeStyle | None = None) -> Density:
    kind = sheets.SheetKind(f"f{share_format}", share_format, size, style)
    share, pdf, texts = sheets.render_share(kind, 0)
    images = list(rasterize_pdf(pdf, 150))
    found = {t for image in images for t in decode_image(image, [ZXING], retry=False)[ZXING]}
    if share_format == 2:
        with sheets.code_style(style):
            plan = codes.code_plan(share)
        style = plan.style
        return Density(
            len(share.to_bytes()),
            plan.data,
            plan.parity,
            style.version,
            style.ecc,
            style.module_mm,
            len(images),
            len(pdf),
            texts <= found,
        )
    version = max(qr_version(t) for t in texts)
    module = sheet.MIN_MODULE / sheet.mm if len(texts) > 1 else 0.0
    return Density(len(share.to_bytes()), len(texts), 0, version, "H", module, len(images), len(pdf), texts <= found)


def bench_density(report, sizes: tuple[int, ...]) -> dict[tuple[int, int], Density]:
    found = {(f, size): density(f, size) for size in sizes for f in (1, 2)}
    rows = []
    for size in sizes:
        for f in (1, 2):
            d = found[(f, size)]
            codes_text = (
                f"{d.data} + {d.parity} parity"
                if f == 2
                else f"{d.data}, each twice"
                if d.data <= sheet.DUPLICATED_UP_TO
                else str(d.data)
            )
            module = f"{d.module_mm:.2f} mm" if d.module_mm else "0.8-1.0 mm"
            rows.append(
                [
                    size_text(size),
                    f,
                    size_text(d.share_bytes),
                    codes_text,
                    f"v{d.version} {d.ecc}",
                    module,
                    d.pages,
                    size_text(size / d.pages),
                    size_text(d.pdf_bytes),
                    "yes" if d.clean_read else "NO",
                ]
            )
    report.table(
        "Density of one share sheet (3-of-5, A4), formats 1 and 2 side by side",
        [
            "credential",
            "format",
            "share",
            "QR codes",
            "QR version, ECC",
            "module",
            "pages",
            "credential per page",
            "PDF size",
            "clean read",
        ],
        rows,
        "Pages include the instructions and the typed fallback lines. Format 1 carries the whole ciphertext in every "
        "share and prints each code twice (up to 8 KiB); format 2 carries about a k-th of it and prints each code "
        "once, with parity codes (any 'data' of the codes rebuild the share). Clean read: zxing-cpp reads every "
        "code of a 150 dpi render in one look.",
    )
    return found


# --------------------------------------------------------------------------------------------------- suites


SUITE_KINDS = [
    sheets.SheetKind("format 1, 300 B", 1, 300),
    sheets.SheetKind("format 1, 2 KiB", 1, 2 * KIB),
    sheets.SheetKind("format 2, 300 B", 2, 300),
    sheets.SheetKind("format 2, 2 KiB", 2, 2 * KIB),
    sheets.SheetKind("format 2, 8 KiB", 2, 8 * KIB),
]


@dataclass
class SuiteResult:
    kinds: list[str]
    conditions: dict[str, list[str]]  # suite -> condition names
    tallies: dict[tuple[str, str], sheets.Tally]

    def survived(self, kind: str, suite: str) -> list[str]:
        return [c for c in self.conditions[suite] if self.tallies[(kind, c)].ok == self.tallies[(kind, c)].total]


def bench_suites(
    report, samples_per_kind: int, suites: tuple[str, ...] = ("classic", "realistic"), only: list[str] | None = None
) -> SuiteResult:
    """Both suites on every sheet kind. Format-1 sheets get one sample fewer (their six code pages for 2 KiB are
    most of the run's time; they are the bar, and were measured in full before). `only`: these conditions."""
    samples = sheets.make_samples([k for k in SUITE_KINDS if k.share_format == 2], samples_per_kind)
    samples.update(sheets.make_samples([k for k in SUITE_KINDS if k.share_format == 1], max(1, samples_per_kind - 1)))
    conditions = {
        suite: {name: fn for name, fn in sheets.SUITES[suite]().items() if only is None or name in only}
        for suite in suites
    }
    tallies: dict[tuple[str, str], sheets.Tally] = {}
    names = [k.name for k in SUITE_KINDS]
    for suite, found in conditions.items():
        tallies.update(sheets.survival(samples, found, count_codes=True))
        rows = []
        for condition in found:
            cells = []
            for kind in names:
                t = tallies[(kind, condition)]
                lost = t.codes_printed - t.codes_read
                cells.append(t.text() + (f", {lost} of {t.codes_printed} codes lost" if lost else ""))
            rows.append([condition, *cells])
        totals = [
            f"**{sum(tallies[(k, c)].ok == tallies[(k, c)].total for c in found)} of {len(found)}**" for k in names
        ]
        rows.append(["conditions survived in full", *totals])
        report.table(
            f"The {suite} suite: shares recovered ({samples_per_kind} sheets per cell, format 1: "
            f"{max(1, samples_per_kind - 1)})",
            ["condition", *names],
            rows,
            "Every page of the sheet that holds codes is damaged (each page of a crumpled sheet its own way), then read "
            "as `breakglass recombine` reads: one zxing-cpp look, then every decoder with image preparation on the "
            "pages of a share still unfinished. Codes lost: printed codes no decoder read, after every page that "
            "lost one was searched hard (a share survives while no more than its parity codes are lost).",
        )
    result = SuiteResult(names, {s: list(c) for s, c in conditions.items()}, tallies)
    for suite in suites:
        report.note(
            f"{suite.capitalize()} suite: "
            + "; ".join(f"{k} {len(result.survived(k, suite))} of {len(conditions[suite])}" for k in names)
            + "."
        )
    return result


# ------------------------------------------------------------------------------------------ resolution


RESOLUTION_KINDS = [k for k in SUITE_KINDS if k.size <= 2 * KIB]


def resolution_conditions() -> dict[str, sheets.Condition]:
    """Scans and phone photos of whole pages at falling resolution (a photo's dpi: page width in pixels / 8.3)."""

    def scan(dpi: int) -> sheets.Condition:
        return lambda page, seed, boxes: sheets.damage.downsample(page, dpi, sheets.RENDER_DPI)

    def photo(dpi: int) -> sheets.Condition:
        return lambda page, seed, boxes: sheets.damage.phone_photo(page, seed=seed, photo_dpi=dpi)

    return {
        **{f"scan at {d} dpi": scan(d) for d in (75, 70, 65, 60)},
        **{f"phone photo, page at {d} dpi": photo(d) for d in (130, 115, 100, 90)},
    }


def bench_resolution(report, samples_per_kind: int) -> None:
    """Where each format's codes get too small: the price of format 2's 0.72 mm modules against format 1's 0.8."""
    conditions = resolution_conditions()
    samples = sheets.make_samples(RESOLUTION_KINDS, samples_per_kind)
    tallies = sheets.survival(samples, conditions, count_codes=True)
    names = [k.name for k in RESOLUTION_KINDS]
    rows = [[c, *(cell_text(tallies[(k, c)]) for k in names)] for c in conditions]
    report.table(
        f"Resolution limits: scans and photos of whole pages, {samples_per_kind} sheets per cell",
        ["condition", *names],
        rows,
        "Below the classic suite's 75 dpi and the realistic suite's 130 dpi photo. A phone photo of a page at "
        "100 dpi is a page 830 pixels wide: taken from about two metres with a 12-megapixel camera.",
    )


# ------------------------------------------------------------------------------------ code settings (study)


ALTERNATIVE_STYLES = [
    ("chosen: v14, Q, 0.72 mm", None),
    ("v14, H, 0.72 mm", S(14, "H", 0.72, 0.3, 1)),
    ("v14, M, 0.72 mm", S(14, "M", 0.72, 0.3, 1)),
    ("v14, Q, 0.74 mm", S(14, "Q", 0.74, 0.3, 1)),
    ("v14, Q, 0.6 mm", S(14, "Q", 0.6, 0.3, 1)),
    ("v14, Q, 0.9 mm, 2 a row", S(14, "Q", 0.9, 0.3, 1, per_row=2)),
    ("v9, Q, 0.72 mm, 4 a row", S(9, "Q", 0.72, 0.3, 1, per_row=4)),
    ("v20, Q, 0.8 mm, 2 a row", S(20, "Q", 0.8, 0.3, 1, per_row=2)),
    ("v14, Q, 0.72 mm, parity 50%", S(14, "Q", 0.72, 0.5, 1)),
]
# The conditions that tell the settings apart (the others are survived by all): warped paper, stains, low
# resolution with blur, and the harshest classic cell.
STUDY_CONDITIONS = [
    "crumpled, flattened, scanned",
    "crumpled hard, flattened, scanned",
    "folded in thirds, photographed unflattened",
    "crumpled, photographed",
    "crumpled hard, photographed",
    "water stain (120 mm)",
    "two coffee rings",
    "missing corner, dark background",
    "office scan, 100 dpi JPEG",
    "phone photo from afar",
    "75 dpi",
    "100 dpi",
    "100 dpi + blur 1 + JPEG 20 + rot 137",
]


@dataclass
class Alternative:
    name: str
    style: codes.CodeStyle
    pages: dict[int, int]  # credential size -> pages
    codes_per_share: dict[int, str]
    survived: int  # (condition, sheet) cells recovered
    cells: int
    code_loss: float  # share of the printed codes lost over the study's conditions
    by_condition: dict[str, sheets.Tally]
    scanback: dict[str, tuple[int, int]]  # decoder -> (codes missed, printed) on clean 150 dpi 8 KiB sheets


def bench_code_settings(
    report, samples_per_kind: int, goals: dict[int, int], styles: int | None = None, conditions: int | None = None
) -> Alternative:
    everything = {**sheets.SUITES["classic"](), **sheets.SUITES["realistic"]()}
    conditions = {name: everything[name] for name in STUDY_CONDITIONS[:conditions]}
    tried = []
    for name, style in ALTERNATIVE_STYLES[:styles]:
        style = style or codes.STYLE
        dens = {size: density(2, size, style) for size in goals}
        kind = sheets.SheetKind(name, 2, 2 * KIB, style)
        tallies = sheets.survival(sheets.make_samples([kind], samples_per_kind), conditions, count_codes=True)
        clean = sheets.scanback_misses(sheets.SheetKind(name, 2, 8 * KIB, style), range(2 * samples_per_kind))
        ok = sum(t.ok for t in tallies.values())
        cells = sum(t.total for t in tallies.values())
        printed = sum(t.codes_printed for t in tallies.values())
        lost = printed - sum(t.codes_read for t in tallies.values())
        tried.append(
            Alternative(
                name,
                style,
                {s: d.pages for s, d in dens.items()},
                {s: f"{d.data}+{d.parity}" for s, d in dens.items()},
                ok,
                cells,
                lost / printed,
                {c: tallies[(name, c)] for c in conditions},
                clean,
            )
        )
    rows = []
    decoders = list(tried[0].scanback)
    for a in tried:
        meets = all(a.pages[size] <= goal for size, goal in goals.items())
        rows.append(
            [
                a.name,
                *(f"{a.pages[s]} ({a.codes_per_share[s]})" for s in goals),
                "yes" if meets else "**no**",
                *(f"{a.scanback[d][0]} of {a.scanback[d][1]}" for d in decoders),
                *(cell_text(a.by_condition[c]) for c in conditions),
                f"{a.survived}/{a.cells}",
                f"{100 * a.code_loss:.0f}%",
            ]
        )
    report.table(
        "Format 2: code settings tried (2 KiB sheets under the conditions that tell them apart)",
        [
            "settings",
            *(f"{size_text(s)}: pages (codes)" for s in goals),
            "density goals",
            *(f"scan-back: {d} misses (clean 8 KiB, 150 dpi)" for d in decoders),
            *conditions,
            "sheets recovered",
            "codes lost",
        ],
        rows,
        f"{samples_per_kind} sheets per cell. Every setting prints data codes plus parity codes (at least 30% of the "
        "data codes, then enough to fill the last row, unless named). The conditions are the ones where the settings "
        "differ; under every other condition of both suites all of them recover every sheet.",
    )
    best = choose(tried, goals)
    advice = (
        f"**Code settings:** {best.name} recovers the most sheets ({best.survived} of {best.cells}) of the "
        "settings that meet the density goals"
        + (
            " and is the default."
            if best.name.startswith("chosen")
            else f"; the default is {tried[0].name}: consider changing it."
        )
    )
    report.add(advice)
    report.note(advice)
    return best


def cell_text(tally: sheets.Tally) -> str:
    lost = tally.codes_printed - tally.codes_read
    return tally.text() + (f", {lost}/{tally.codes_printed} lost" if lost else "")


def choose(tried: list[Alternative], goals: dict[int, int]) -> Alternative:
    """The settings that meet the density goals and that scan-back accepts (no decoder misses a clean code),
    recovering the most sheets, then losing the fewest codes."""
    meeting = [
        a
        for a in tried
        if all(a.pages[s] <= g for s, g in goals.items()) and not any(missed for missed, _ in a.scanback.values())
    ] or tried
    return max(meeting, key=lambda a: (a.survived, -a.code_loss, a.name.startswith("chosen")))


# ------------------------------------------------------------------------------------------------- goals


def bench_goals17(
    report,
    densities: dict[tuple[int, int], Density],
    goals: dict[int, int],
    restore: dict[int, float] | None,
    suites: SuiteResult | None,
) -> None:
    rows = []
    for size, goal in goals.items():
        pages = densities[(2, size)].pages
        rows.append(
            [
                f"{size_text(size)} on at most {goal} page{'s' if goal > 1 else ''} per sheet",
                f"{pages} (format 1: {densities[(1, size)].pages})",
                "**PASS**" if pages <= goal else "**FAIL**",
            ]
        )
    if restore:
        faster = restore[2] < restore[1]
        rows.append(
            [
                "restore 2 KiB from three clean 300 dpi scans faster than format 1",
                f"{restore[2]:.2f} s (format 1: {restore[1]:.2f} s)",
                "**PASS**" if faster else "**FAIL**",
            ]
        )
    if suites:
        for suite in suites.conditions:
            for size in ("300 B", "2 KiB"):
                old = set(suites.survived(f"format 1, {size}", suite))
                new = set(suites.survived(f"format 2, {size}", suite))
                lost = sorted(old - new)
                rows.append(
                    [
                        f"{suite} suite, {size}: every condition format 1 survives, format 2 survives",
                        f"{len(new)} of {len(suites.conditions[suite])} (format 1: {len(old)})"
                        + (f"; lost: {', '.join(lost)}" if lost else ""),
                        "**PASS**" if not lost else "**FAIL**",
                    ]
                )
    report.table(
        "Goal check of issue 17 (3-of-5, A4, default settings, typed fallback included)",
        ["goal", "measured", "verdict"],
        rows,
    )
    report.note("Issue 17 goals: " + "; ".join(f"{r[0]} {r[2]}" for r in rows) + ".")
