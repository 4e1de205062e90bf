"""Folds and crumples (issue 25): format-2 sheets folded on their printed lines and across them, crumpled and
smoothed, photographed as they lie by a phone and a 720p webcam; and a stain over 20% of every code.

    python benchmarks/folds.py --seeds 20                     the documented full measurement (about an hour
                                                              on 2 shared cores; run it with nice -n 10)
    python benchmarks/folds.py --seeds 5 --sizes 300 2048     a look while exploring

Each cell is the share of sheets recovered: one sheet per seed (its own credential, keys and damage), every
page that holds codes damaged, then read as `breakglass recombine` reads (sheets.read_as_recombine). benchmarks/
run.py calls bench_folds for its section 7.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import damage  # noqa: E402
import sheets  # noqa: E402
from breakglass.paper import codes  # noqa: E402

KIB = 1024
SIZES = (300, 2 * KIB, 8 * KIB)
# The goals of issue 25 (shares of the seeds): these conditions and the least share of sheets each must recover.
GOALS = {
    "folded on its lines, phone photo unflattened": 19 / 20,
    "folded across its lines, phone photo unflattened": 19 / 20,
    "folded on its lines and in half, phone photo unflattened": 19 / 20,
    "crumpled hard, smoothed, phone photo unflattened": 18 / 20,
}


def size_text(n: int) -> str:
    return f"{n // KIB} KiB" if n >= KIB else f"{n} B"


def conditions() -> dict[str, sheets.Condition]:
    found = {
        name: (lambda fn: lambda page, seed, boxes, fn=fn: fn(page, seed))(fn)
        for name, fn in damage.FOLDS_AND_CRUMPLES.items()
    }
    found["stain over 20% of every code"] = sheets._stain_every(0.2)
    return found


def kinds(sizes: tuple[int, ...], styles: dict[str, codes.CodeStyle | None]) -> list[sheets.SheetKind]:
    return [
        sheets.SheetKind(f"{label}, {size_text(size)}" if label else size_text(size), 2, size, style)
        for label, style in styles.items()
        for size in sizes
    ]


def bench_folds(
    report,
    seeds: int,
    sizes: tuple[int, ...] = SIZES,
    styles: dict[str, codes.CodeStyle | None] | None = None,
    only: list[str] | None = None,
) -> dict[tuple[str, str], sheets.Tally]:
    """One table: conditions down, sheet kinds across, sheets recovered of `seeds` in each cell."""
    styles = styles or {"": None}
    found = {name: fn for name, fn in conditions().items() if not only or name in only}
    sheet_kinds = kinds(sizes, styles)
    samples = sheets.make_samples(sheet_kinds, seeds)
    tallies = sheets.survival(samples, found, count_codes=True)
    names = [k.name for k in sheet_kinds]
    rows = []
    for condition in found:
        cells = []
        for name in names:
            t = tallies[(name, condition)]
            lost = t.codes_printed - t.codes_read
            cells.append(f"{t.ok}/{t.total}" + (f", {lost} of {t.codes_printed} codes lost" if lost else ""))
        goal = GOALS.get(condition)
        rows.append([condition, *cells, f"{round(goal * seeds)}/{seeds}" if goal else f"{seeds}/{seeds}"])
    pages = [str(max(s.page_count for s in samples[name])) for name in names]
    rows.append(["pages per sheet", *pages, ""])
    report.table(
        f"Folds and crumples: sheets recovered of {seeds} (one sheet per seed)",
        ["condition", *names, "goal"],
        rows,
        "Folded on its lines: the printed thirds and half, each folded by hand up to 1.5 mm and 1.5 "
        "degrees off the line. Across: in half across the page's height, in half the other way and "
        "once more, near the middle and up to 4 degrees askew. Unflattened: the creases stand up, "
        "hide and shift modules, the panels tilt under a lamp (tests/damage.py). Phone: the page at "
        "220 dpi; 720p webcam: 76 dpi (3 pixels a millimetre), soft, JPEG 70.",
    )
    return tallies


class PrintReport:
    def table(self, title: str, headers: list[str], rows: list[list], note: str = "") -> None:
        lines = [f"### {title}", "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
        print("\n".join([*lines, "", note, ""]), flush=True)


RUGGED_CANDIDATES = {
    "default": None,
    "parity100": codes.CodeStyle(14, "Q", 0.72, 1.0, 1),
    "H": codes.CodeStyle(14, "H", 0.72, 0.3, 1),
    "H-parity60": codes.CodeStyle(14, "H", 0.72, 0.6, 1),
    "H-2row-0.8mm": codes.CodeStyle(14, "H", 0.8, 0.3, 1, per_row=2),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="sheets per cell (default 20)")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="credential sizes in bytes")
    parser.add_argument(
        "--styles",
        nargs="+",
        choices=list(RUGGED_CANDIDATES),
        default=["default"],
        help="code settings to compare (default: the default only)",
    )
    parser.add_argument("--only", nargs="+", metavar="CONDITION", help="these conditions only (exploring)")
    args = parser.parse_args(argv)
    styles = {
        ("" if len(args.styles) == 1 and name == "default" else name): RUGGED_CANDIDATES[name] for name in args.styles
    }
    bench_folds(PrintReport(), args.seeds, tuple(args.sizes), styles, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
