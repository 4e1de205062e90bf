"""Benchmarks for breakglass: cost, density and scan robustness of the share sheets (issues 8 and 17).

    python benchmarks/run.py            full run (several minutes), writes docs/BENCHMARKS.md
    python benchmarks/run.py --quick    under a minute on 2 cores, writes docs/BENCHMARKS-quick.md beside it
    python benchmarks/run.py --smoke    a few seconds, prints the tables only (the test suite runs this)

It measures the breakglass that Python imports: an installed package (pip, or the offline bundle) when there
is one, else this checkout's src/. Outside a checkout the reports go to the current folder.

Every table is printed as markdown and collected into the report. Wall time and peak memory of split and
recombine are measured in a fresh interpreter per measurement (`--measure SPEC`, ru_maxrss: C libraries
included); the core (scheme.split, combine.recombine) in-process with tracemalloc. Robustness damages real
rendered sheets with tests/damage.py and counts a share as recovered when the QR texts read assemble into
exactly that share. All randomness is seeded.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import multiprocessing
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # damage.py
sys.path.insert(0, str(Path(__file__).resolve().parent))  # sheets.py, format2.py (also when run with runpy)
try:
    import breakglass  # noqa: F401  the installed package, if there is one
except ImportError:
    sys.path.insert(0, str(ROOT / "src"))  # a bare checkout

import damage  # noqa: E402
import folds  # noqa: E402
import format2  # noqa: E402
import sheets  # noqa: E402
from breakglass.ceremonies import scanback  # noqa: E402
from breakglass.format import combine, scheme  # noqa: E402
from breakglass.paper import sheet  # noqa: E402
from breakglass.scan.decode import decode_report  # noqa: E402
from breakglass.scan.decoders import ZBAR, ZXING, available_decoders  # noqa: E402
from breakglass.scan.files import rasterize_pdf  # noqa: E402
from breakglass.scan.pages import scan_paths  # noqa: E402

KIB = 1024
MIB = 1024 * 1024
RENDER_DPI = 300  # pages are rendered once at this resolution; every damage starts from it
SCAN_DPI = 200  # what damage other than resolution is applied at (recombine's default --dpi)
LIBRARIES = ("zxing-cpp", "pyzbar", "pypdfium2", "reportlab", "qrcode", "pillow", "pycryptodome", "click")


# ------------------------------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Mode:
    name: str
    cost_sizes: tuple[int, ...]  # credential sizes for split/recombine by size (n = COST_N)
    cost_ns: tuple[int, ...]  # n for split/recombine by n (size = COST_SIZE)
    core_sizes: tuple[int, ...]
    core_ns: tuple[int, ...]
    core_repeats: int
    repeats: int  # fresh processes per cost measurement (median time, max memory)
    density_sizes: tuple[int, ...]
    shares: dict[str, int]  # robustness: shares (different sets) per cell, per sheet kind
    damages: str  # "all" or "goals": which robustness cells run
    suite_samples: int  # sheets per cell under the classic and realistic suites, both formats; 0: skip
    study_samples: int  # sheets per cell when trying other format-2 code settings; 0: skip
    writes_report: bool = True


MODES = {
    "smoke": Mode("smoke", (32,), (), (32, KIB), (3,), 3, 1, (300,), {"300 B": 1}, "goals", 0, 0, False),
    "quick": Mode(
        "quick",
        (32, 2 * KIB),
        (3, 10),
        (32, KIB, 16 * KIB),
        (3, 10, 20),
        5,
        1,
        (300, 2 * KIB, 8 * KIB),
        {"300 B": 4, "2 KiB": 2},
        "goals",
        0,
        0,
    ),
    "full": Mode(
        "full",
        (32, 256, 2 * KIB, 8 * KIB, 32 * KIB),
        (3, 5, 10, 20),
        (32, 256, KIB, 4 * KIB, 16 * KIB),
        (3, 5, 10, 20),
        20,
        3,
        (32, 300, 2 * KIB, 8 * KIB, 32 * KIB),
        {"300 B": 20, "2 KiB": 6},
        "all",
        3,
        2,
    ),
}
COST_N = 5
COST_SIZE = 256
SHEET_KINDS = {"300 B": 300, "2 KiB": 2 * KIB}  # robustness samples (format 2): credential size of each sheet kind
DENSITY_GOALS = {300: 1, 2 * KIB: 2, 8 * KIB: 4}  # issue 17: pages per sheet, 3-of-5, A4
FOLD_SEEDS = 20  # issue 25: sheets per cell under folds and crumples (benchmarks/folds.py)
RESTORE_SIZE = 2 * KIB  # issue 17: restore this from three clean 300 dpi scans faster with format 2


def threshold(n: int) -> int:
    return math.ceil(n / 2)


# ------------------------------------------------------------------------------------------------ reporting


class Report:
    """Markdown pieces, printed as they come and kept for docs/BENCHMARKS.md."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.summary: list[str] = []  # one line per headline result, for the top of the report

    def note(self, line: str) -> None:
        self.summary.append(line)

    def add(self, text: str) -> None:
        print(text + "\n", flush=True)
        self.parts.append(text)

    def table(self, title: str, headers: list[str], rows: list[list], note: str = "") -> None:
        self.add(markdown_table(title, headers, rows, note))

    def text(self) -> str:
        return "\n\n".join(self.parts) + "\n"


def markdown_table(title: str, headers: list[str], rows: list[list], note: str = "") -> str:
    lines = [f"### {title}", ""] if title else []
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|")
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    if note:
        lines += ["", note]
    return "\n".join(lines)


def size_text(n: float) -> str:
    if n >= MIB:
        return f"{n / MIB:.1f} MiB"
    if n >= KIB:
        return f"{n / KIB:g} KiB" if n % KIB == 0 else f"{n / KIB:.1f} KiB"
    return f"{n:g} B"


def secs(s: float) -> str:
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def mib(kib: float) -> str:
    return f"{kib / 1024:.0f} MiB"


def rate(ok: int, total: int) -> str:
    return "100%" if ok == total else f"{100 * ok / total:.0f}% ({ok}/{total})"


# ---------------------------------------------------------------------------------------------- fixtures


def seeded_bytes(seed: int) -> Callable[[int], bytes]:
    rng = random.Random(seed)
    return lambda count: rng.randbytes(count)


def credential(size: int, seed: int = 0) -> bytes:
    return random.Random(f"credential {seed}").randbytes(size)


def split(size: int, n: int, seed: int = 0, share_format: int = scheme.DEFAULT_FORMAT) -> scheme.SplitResult:
    return scheme.split(credential(size, seed), threshold(n), n, version=share_format, random_bytes=seeded_bytes(seed))


def sheet_info(result: scheme.SplitResult) -> sheet.SheetInfo:
    custodian = sheet.Custodian("A. Custodian", "Site reliability", "Safe 2, Building B")
    return sheet.SheetInfo("Production database root", result.fingerprint, "2024-05-01", custodian)


def render(result: scheme.SplitResult, indexes: range | list[int]) -> list[scanback.RenderedSheet]:
    info = sheet_info(result)
    return [
        scanback.RenderedSheet(
            f"share-{i}.pdf", result.shares[i - 1], 1, sheet.render_sheet(result.shares[i - 1], info)
        )
        for i in indexes
    ]


# ----------------------------------------------------------------------- measurements in a fresh interpreter


def _measure_split(spec: dict):
    def split_and_render(size: int, n: int, verify: bool, seed: int) -> None:
        result = split(size, n, seed)
        rendered = render(result, range(1, n + 1))
        if verify:
            scanback.verify(rendered, result, credential(size, seed))

    # Warm-up: fonts, templates and decoders load once per process; the timed run is the steady state.
    return (lambda: split_and_render(16, 3, spec["verify"], 99)), (
        lambda: split_and_render(spec["size"], spec["n"], spec["verify"], 1)
    )


def _measure_floor(spec: dict):
    import zxingcpp
    from PIL import Image

    def decode_all() -> None:
        for path in spec["files"]:
            with Image.open(path) as image:
                zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)

    return (lambda: None), decode_all


def _measure_library(spec: dict):
    from breakglass.scan.collect import ShareCollector

    def recover() -> dict:
        collector, retried = ShareCollector(), 0
        for page in scan_paths(spec["files"]):
            collector.add_qr_texts(page.texts, page.source)
            retried += any("could not be read" in note for note in page.notes)
        combine.recombine([f.share for f in collector.shares()])
        return {"unread_pages": retried}

    return (lambda: None), recover


def _measure_cli(spec: dict):
    from breakglass.cli import main as cli

    return (lambda: None), (lambda: cli.cli.main(["recombine", "--verify-only", *spec["files"]], standalone_mode=False))


MEASUREMENTS = {"split": _measure_split, "floor": _measure_floor, "library": _measure_library, "cli": _measure_cli}


def run_measurement(spec: dict) -> None:
    """Child side of measure(): warm up, then time one run; prints JSON (seconds, RSS before and at peak, KiB,
    and whatever the run returned)."""
    warm, work = MEASUREMENTS[spec["kind"]](spec)
    warm()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()):
        extra = work()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "base_kib": base, "peak_kib": peak, "extra": extra or {}}))


@dataclass
class Measured:
    seconds: float  # median of the timed runs
    peak_kib: int  # highest peak RSS of the processes
    base_kib: int  # RSS before the timed run (interpreter, libraries, warm-up)
    process: float  # median wall time of the whole child process, interpreter start included
    extra: dict  # what the last timed run returned


LONG_RUN = 3.0  # seconds: a measurement this long is not repeated (its noise is small against it)


def measure(spec: dict, repeats: int) -> Measured:
    runs: list[dict] = []
    while len(runs) < repeats and not (runs and runs[0]["seconds"] > LONG_RUN):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, __file__, "--measure", json.dumps(spec)], capture_output=True, text=True)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"measurement {spec['kind']} failed:\n{done.stderr[-2000:]}")
        runs.append({**json.loads(done.stdout.splitlines()[-1]), "wall": wall})
    return Measured(
        statistics.median(r["seconds"] for r in runs),
        max(r["peak_kib"] for r in runs),
        max(r["base_kib"] for r in runs),
        statistics.median(r["wall"] for r in runs),
        runs[-1]["extra"],
    )


# -------------------------------------------------------------------------------------------------- 1. cost


def bench_core(report: Report, mode: Mode) -> None:
    rows = []
    for size in mode.core_sizes:
        for n in mode.core_ns:
            secret, k = credential(size), threshold(n)
            split_t, split_mem, result = timed_in_process(
                lambda secret=secret, k=k, n=n: scheme.split(secret, k, n), mode.core_repeats
            )
            comb_t, comb_mem, _ = timed_in_process(
                lambda result=result, k=k: combine.recombine(list(result.shares[:k])), mode.core_repeats
            )
            rows.append(
                [size_text(size), f"{k}-of-{n}", secs(split_t), size_text(split_mem), secs(comb_t), size_text(comb_mem)]
            )
    report.table(
        "Core: scheme.split and combine.recombine, no sheets",
        ["credential", "k-of-n", "split", "split peak alloc", "recombine (k shares)", "recombine peak alloc"],
        rows,
        f"Median of {mode.core_repeats} runs in-process; peak alloc = tracemalloc peak of Python allocations.",
    )


def timed_in_process(work: Callable, repeats: int):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        value = work()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak, value


def bench_split(report: Report, mode: Mode) -> None:
    cases = [(size, COST_N) for size in mode.cost_sizes] + [
        (COST_SIZE, n) for n in mode.cost_ns if n != COST_N or COST_SIZE not in mode.cost_sizes
    ]
    rows = []
    for size, n in cases:
        plain = measure({"kind": "split", "size": size, "n": n, "verify": False}, mode.repeats)
        checked = measure({"kind": "split", "size": size, "n": n, "verify": True}, mode.repeats)
        rows.append(
            [
                size_text(size),
                f"{threshold(n)}-of-{n}",
                secs(plain.seconds),
                mib(plain.peak_kib),
                secs(checked.seconds),
                mib(checked.peak_kib),
                secs(checked.seconds - plain.seconds),
            ]
        )
    report.table(
        "Split: scheme.split + render every sheet, and with scan-back verification (scanback.verify)",
        ["credential", "k-of-n", "split + render", "peak RSS", "+ scan-back verify", "peak RSS", "verify alone"],
        rows,
        f"Fresh interpreter per measurement (median of {mode.repeats}), timed after a warm-up split (fonts, "
        "templates and decoders loaded); peak RSS = ru_maxrss of that process, interpreter and libraries "
        "included. k = ceil(n/2).",
    )


def write_scans(result: scheme.SplitResult, folder: Path) -> list[str]:
    """Rasterize the first k sheets at 300 dpi, one PNG per page, as a scanner would deliver them."""
    files = []
    for rendered in render(result, range(1, result.k + 1)):
        for page, image in enumerate(rasterize_pdf(rendered.pdf, RENDER_DPI), start=1):
            path = folder / f"share-{rendered.share.index}-page-{page:03}.png"
            image.save(path, compress_level=1)
            files.append(str(path))
    return files


def bench_recombine(report: Report, mode: Mode) -> dict[int, float]:
    """Recombine timings; returns the CLI's seconds for RESTORE_SIZE per share format (issue 17's goal)."""
    cases = [(size, COST_N, 2) for size in mode.cost_sizes] + [
        (COST_SIZE, n, 2) for n in mode.cost_ns if n != COST_N or COST_SIZE not in mode.cost_sizes
    ]
    cases += [(size, COST_N, 1) for size in mode.cost_sizes if mode.name == "full" or size == RESTORE_SIZE]
    rows, restore = [], {}
    for size, n, share_format in cases:
        with tempfile.TemporaryDirectory() as tmp:
            files = write_scans(split(size, n, seed=1, share_format=share_format), Path(tmp))
            floor, library, cli = (
                measure({"kind": kind, "files": files}, mode.repeats) for kind in ("floor", "library", "cli")
            )
        if size == RESTORE_SIZE and n == COST_N:
            restore[share_format] = cli.seconds
        rows.append(
            [
                size_text(size),
                share_format,
                f"{threshold(n)}-of-{n}",
                len(files),
                secs(floor.seconds),
                secs(library.seconds),
                secs(cli.seconds),
                f"{cli.seconds / floor.seconds:.2f}x",
                "yes" if cli.seconds <= 1.5 * floor.seconds else "**no**",
                library.extra["unread_pages"],
                mib(floor.peak_kib),
                mib(cli.peak_kib),
                secs(cli.process),
            ]
        )
    report.table(
        "Recombine from k scanned sheets (300 dpi PNG) against the floor of decoding the same images",
        [
            "credential",
            "format",
            "k-of-n",
            "pages",
            "floor: load + zxing",
            "scan_paths + collect + combine",
            "recombine --verify-only",
            "ratio (CLI / floor)",
            "<= 1.5x",
            "pages retried",
            "floor peak RSS",
            "CLI peak RSS",
            "CLI process total",
        ],
        rows,
        "Floor: Image.open + zxingcpp.read_barcodes on every page, nothing else. CLI: `breakglass recombine "
        "--verify-only FILES` run in-process after `import breakglass.cli` (its lazy imports of Pillow, "
        "zxing-cpp, pyzbar/libzbar count against it); 'process total' adds interpreter start. 'pages retried': "
        "clean pages on which scan_paths reported a code seen but not read, and so ran the retry chain "
        "(every real code on them was read). Goal: ratio <= 1.5x.",
    )
    over = [f"{r[0]} format {r[1]} {r[2]}: {r[7]} ({r[9]} pages retried)" for r in rows if r[8] != "yes"]
    ratios = [float(r[7].rstrip("x")) for r in rows]
    report.note(
        f"Recombine against the bare decoding floor: {min(ratios):.2f}x to {max(ratios):.2f}x (goal <= 1.5x); "
        + (f"over the goal: {'; '.join(over)}." if over else "every case within the goal.")
    )
    return restore


# ----------------------------------------------------------------------------------------------- 2. density


def bench_density(report: Report, mode: Mode) -> dict:
    return format2.bench_density(report, mode.density_sizes)


# -------------------------------------------------------------------------------------------- 3. robustness


@dataclass(frozen=True)
class Damage:
    kind: str
    severity: str
    steps: tuple[tuple[str, float], ...]  # applied in order to every page that holds a code


def _at(dpi: int, *steps) -> tuple:
    return (("dpi", dpi), *steps)


DAMAGES = [
    *(Damage("resolution", f"{d} dpi", (("dpi", d),)) for d in (300, 150, 100, 75)),
    *(Damage("blur at 200 dpi", f"{r} px", _at(SCAN_DPI, ("blur", r))) for r in (1, 2, 3, 4)),
    *(Damage("rotation", f"{a} deg", _at(SCAN_DPI, ("rotate", a))) for a in (7, 45, 90, 137, 180, 270)),
    *(Damage("perspective", f"{p:.2f}", _at(SCAN_DPI, ("perspective", p))) for p in (0.1, 0.2, 0.3)),
    *(Damage("salt-and-pepper noise", f"{p:.0%}", _at(SCAN_DPI, ("saltpepper", p))) for p in (0.02, 0.05, 0.1, 0.2)),
    *(Damage("gaussian noise", f"sigma {s}", _at(SCAN_DPI, ("gaussian", s))) for s in (30, 60, 90)),
    *(Damage("JPEG", f"q{q}", _at(SCAN_DPI, ("jpeg", q))) for q in (50, 20, 10, 5)),
    *(Damage("fading", f"{f:.0%}", _at(SCAN_DPI, ("fade", f))) for f in (0.5, 0.7, 0.8, 0.9)),
    *(Damage("stain on one code", f"{f:.0%}", _at(SCAN_DPI, ("stain_one", f))) for f in (0.05, 0.1, 0.15, 0.2, 0.3)),
    *(Damage("stain on every code", f"{f:.0%}", _at(SCAN_DPI, ("stain_all", f))) for f in (0.1, 0.2, 0.3)),
    Damage("combined", "150 dpi + blur 1 + JPEG 30 + rot 5", (("dpi", 150), ("blur", 1), ("rotate", 5), ("jpeg", 30))),
    Damage(
        "combined", "100 dpi + blur 1 + JPEG 20 + rot 137", (("dpi", 100), ("blur", 1), ("rotate", 137), ("jpeg", 20))
    ),
    Damage(
        "combined",
        "200 dpi + stain 20% + blur 2 + JPEG 20 + persp 0.1",
        (("dpi", 200), ("stain_one", 0.2), ("blur", 2), ("perspective", 0.1), ("jpeg", 20)),
    ),
]

# The goal, each a set of cells that must all recover every share with the default decoding.
GOALS = {
    "100 dpi scan": [("resolution", "100 dpi")],
    "blur of 2 px at 200 dpi": [("blur at 200 dpi", "2 px")],
    "any rotation": [(d.kind, d.severity) for d in DAMAGES if d.kind == "rotation"],
    "JPEG quality 20": [("JPEG", "q20")],
    "stain over 20% of one code": [("stain on one code", "20%")],
}
GOAL_CELLS = {cell for cells in GOALS.values() for cell in cells}

# (label, decoders, retry): decode_image as each column calls it
COLUMNS = [
    ("zxing-cpp", [ZXING], False),
    ("zbar", [ZBAR], False),
    ("both", None, False),
    ("both + retry", None, True),
]
DEFAULT_COLUMN = "both + retry"  # what recombine does (scan_paths retries a page that did not give its codes)


@dataclass
class Sample:
    """One share's sheet, rendered at 300 dpi: the pages that hold codes, and each code's box per page."""

    share: object
    pages: list
    boxes: list[list[tuple[int, int, int, int]]]


def make_sample(job: tuple[int, int]) -> Sample:
    size, seed = job
    result = split(size, COST_N, seed)
    index = seed % COST_N + 1
    pdf = render(result, [index])[0].pdf
    pages, boxes = [], []
    for image in rasterize_pdf(pdf, RENDER_DPI):
        found = damage.code_boxes(image)
        if found:
            pages.append(image)
            boxes.append(found)
    return Sample(result.shares[index - 1], pages, boxes)


def _scaled_box(box, scale: float):
    return tuple(round(v * scale) for v in box)


STEPS = {
    "blur": lambda img, a: damage.blur(img, a),
    "rotate": lambda img, a: damage.rotate(img, a),
    "perspective": lambda img, a: damage.perspective(img, a),
    "saltpepper": lambda img, a, seed: damage.noise(img, a, "salt-pepper", seed=seed),
    "gaussian": lambda img, a, seed: damage.noise(img, a, "gaussian", seed=seed),
    "jpeg": lambda img, a: damage.jpeg(img, int(a)),
    "fade": lambda img, a: damage.fade(img, a),
}
SEEDED = {"saltpepper", "gaussian"}


def damage_sheet(sample: Sample, steps, seed: int) -> list:
    """Apply `steps` to every code page of the sheet; 'stain_one' stains one code of the sheet (chosen by seed)."""
    rng = random.Random(seed)
    all_codes = [(p, b) for p, boxes in enumerate(sample.boxes) for b in range(len(boxes))]
    target = all_codes[rng.randrange(len(all_codes))]
    out = []
    for p, image in enumerate(sample.pages):
        scale = 1.0
        for name, arg in steps:
            if name == "dpi":
                image, scale = damage.downsample(image, arg, RENDER_DPI), scale * arg / RENDER_DPI
            elif name in ("stain_one", "stain_all"):
                for b, box in enumerate(sample.boxes[p]):
                    if name == "stain_all" or (p, b) == target:
                        image = damage.stain(image, _scaled_box(box, scale), arg, seed=seed * 31 + b)
            elif name in SEEDED:
                image = STEPS[name](image, arg, seed)
            else:
                image = STEPS[name](image, arg)
        out.append(image)
    return out


_SAMPLES: dict[str, list[Sample]] = {}  # set before the worker pool forks


def robustness_task(task: tuple[str, int, int]) -> tuple[str, int, dict[str, bool], float]:
    kind, cell, number = task
    sample = _SAMPLES[kind][number]
    images = damage_sheet(sample, DAMAGES[cell].steps, seed=1000 + number)
    recovered, retry_time = {}, 0.0
    for label, names, retry in COLUMNS:
        start = time.perf_counter()
        texts = [t for image in images for t in decode_report(image, names, retry=retry).combined]
        if label == DEFAULT_COLUMN:
            retry_time = time.perf_counter() - start
        recovered[label] = sheets.recovered(texts, sample.share)
    return kind, cell, recovered, retry_time


@dataclass
class Cell:
    ok: dict[str, int] = field(default_factory=lambda: {c[0]: 0 for c in COLUMNS})
    total: int = 0
    seconds: list[float] = field(default_factory=list)

    def full(self, column: str) -> bool:
        return self.ok[column] == self.total


def run_robustness(samples: dict[str, list[Sample]], cells: list[int]) -> dict[tuple[str, int], Cell]:
    global _SAMPLES
    _SAMPLES = samples
    tasks = [(kind, cell, i) for kind in samples for cell in cells for i in range(len(samples[kind]))]
    results: dict[tuple[str, int], Cell] = {(kind, cell): Cell() for kind in samples for cell in cells}
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
        for kind, cell, recovered, seconds in pool.imap_unordered(robustness_task, tasks):
            entry = results[(kind, cell)]
            entry.total += 1
            entry.seconds.append(seconds)
            for label, ok in recovered.items():
                entry.ok[label] += ok
    return results


def make_samples(counts: dict[str, int]) -> dict[str, list[Sample]]:
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
        return {
            kind: pool.map(make_sample, [(SHEET_KINDS[kind], seed) for seed in range(count)])
            for kind, count in counts.items()
        }


def chosen_cells(mode: Mode) -> list[int]:
    return [i for i, d in enumerate(DAMAGES) if mode.damages == "all" or (d.kind, d.severity) in GOAL_CELLS]


def bench_robustness(report: Report, mode: Mode) -> dict[tuple[str, int], Cell]:
    samples = make_samples(mode.shares)
    cells = chosen_cells(mode)
    results = run_robustness(samples, cells)
    labels = [c[0] for c in COLUMNS]
    for kind in samples:
        rows = [
            [
                DAMAGES[c].kind,
                DAMAGES[c].severity,
                *(rate(results[(kind, c)].ok[label], results[(kind, c)].total) for label in labels),
                secs(statistics.mean(results[(kind, c)].seconds)),
            ]
            for c in cells
        ]
        report.table(
            f"Share recovery rate, {kind} credential, format 2 (3-of-5), {len(samples[kind])} shares per cell",
            ["damage", "severity", *labels, f"{DEFAULT_COLUMN}: time per sheet"],
            rows,
        )
    report.add(breaking_points(samples, cells, results, labels))
    return results


def breaking_points(samples, cells, results, labels) -> str:
    rows = []
    for kind in samples:
        for damage_kind in dict.fromkeys(DAMAGES[c].kind for c in cells):
            ordered = [c for c in cells if DAMAGES[c].kind == damage_kind]
            rows.append([kind, damage_kind, *(first_failure(results, kind, ordered, label) for label in labels)])
    return markdown_table(
        "Where each decoder breaks: first severity recovering < 100% of shares",
        ["sheet", "damage", *labels],
        rows,
        "'-' = every tested severity recovered every share. zxing-cpp and zbar: one look, no retry; both: zxing-cpp, "
        "then zbar when zxing-cpp left the page wanting; both + retry: decode_image's default, what recombine uses.",
    )


def first_failure(results, kind: str, ordered: list[int], label: str) -> str:
    for c in ordered:
        cell = results[(kind, c)]
        if not cell.full(label):
            return f"{DAMAGES[c].severity} ({100 * cell.ok[label] / cell.total:.0f}%)"
    return "-"


# ------------------------------------------------------------------------------------------------- 4. goals


def goal_verdicts(
    results: dict[tuple[str, int], Cell], kinds: list[str], column: str = DEFAULT_COLUMN
) -> dict[str, list]:
    """goal -> [rate text per sheet kind..., PASS/FAIL]"""
    index = {(d.kind, d.severity): i for i, d in enumerate(DAMAGES)}
    verdicts = {}
    for goal, cells in GOALS.items():
        per_kind = []
        for kind in kinds:
            entries = [results[(kind, index[c])] for c in cells if (kind, index[c]) in results]
            ok, total = sum(e.ok[column] for e in entries), sum(e.total for e in entries)
            per_kind.append((ok, total))
        passed = all(ok == total for ok, total in per_kind)
        verdicts[goal] = [*(rate(ok, total) for ok, total in per_kind), "PASS" if passed else "FAIL"]
    return verdicts


def bench_goals(report: Report, results, kinds: list[str]) -> dict[str, list]:
    verdicts = goal_verdicts(results, kinds)
    report.note(
        "Issue 8 goals (format-2 sheets, "
        + ", ".join(kinds)
        + " credentials): "
        + "; ".join(f"{goal} **{v[-1]}**" for goal, v in verdicts.items())
        + "."
    )
    zxing = goal_verdicts(results, kinds, "zxing-cpp")
    rows = [[goal, *v[:-1], f"**{v[-1]}**", *zxing[goal][:-1]] for goal, v in verdicts.items()]
    report.table(
        "Goal check with the default sheet (issue 8, format-2 sheets)",
        ["goal", *(f"{k}: {DEFAULT_COLUMN}" for k in kinds), "verdict", *(f"{k}: zxing-cpp alone" for k in kinds)],
        rows,
        "PASS = every share of every sheet kind recovered with the default decoding (both decoders with retries, "
        "as `breakglass recombine` reads). 'any rotation' = all tested angles.",
    )
    return verdicts


# ------------------------------------------------------------------------------------------------- the run


def machine_lines(command: str, mode: Mode, seconds: float) -> list[str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = ", ".join(f"{lib} {version_of(lib)}" for lib in LIBRARIES)
    return [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()} ({platform.machine()})",
        f"- Python {platform.python_version()}; {versions}",
        f"- Decoders available: {', '.join(available_decoders())}",
        f"- Command: `{command}` (mode {mode.name}, {seconds / 60:.1f} min)",
    ]


def version_of(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def default_report(mode: str) -> Path:
    """docs/BENCHMARKS.md for the full run in a checkout; a quick run's report beside it, never over it;
    outside a checkout, the current folder."""
    name = "BENCHMARKS.md" if mode == "full" else f"BENCHMARKS-{mode}.md"
    return ROOT / "docs" / name if (ROOT / "pyproject.toml").exists() else Path.cwd() / name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quick", action="store_true", help="under a minute on 2 cores")
    group.add_argument("--smoke", action="store_true", help="a few seconds; prints only (unless --out)")
    group.add_argument("--measure", metavar="SPEC", help=argparse.SUPPRESS)  # child side of one measurement
    parser.add_argument("--out", type=Path, help="report path (default docs/BENCHMARKS.md; none for --smoke)")
    args = parser.parse_args(argv)
    if args.measure:
        run_measurement(json.loads(args.measure))
        return 0
    mode = MODES["smoke" if args.smoke else "quick" if args.quick else "full"]
    out = args.out or (default_report(mode.name) if mode.writes_report else None)
    if mode.name != "full" and out is not None and out.resolve() == (ROOT / "docs" / "BENCHMARKS.md").resolve():
        parser.error("only the full run writes docs/BENCHMARKS.md (the committed report); give --out another path")
    command = "python benchmarks/run.py" + ("".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:])))
    started = time.perf_counter()
    report = Report()
    durations: dict[str, float] = {}

    def section(title: str, *steps: Callable[[], object]):
        report.add(f"## {title}")
        start = time.perf_counter()
        values = [step() for step in steps]
        durations[title] = time.perf_counter() - start
        return values[-1]

    restore = section(
        "1. Cost",
        lambda: bench_core(report, mode),
        lambda: bench_split(report, mode),
        lambda: bench_recombine(report, mode),
    )
    densities = section("2. Density", lambda: bench_density(report, mode))
    results = section(
        "3. Robustness: each damage by severity and decoder (format-2 sheets)", lambda: bench_robustness(report, mode)
    )
    suites = None
    if mode.suite_samples:

        def suites_then_limits():
            found = format2.bench_suites(report, mode.suite_samples)
            format2.bench_resolution(report, mode.suite_samples)
            return found

        suites = section("4. Damage suites: formats 1 and 2", suites_then_limits)
    else:
        report.add(
            "## 4. Damage suites: formats 1 and 2\n\nMeasured by the full run only (`python benchmarks/run.py`)."
        )
    goals = {size: pages for size, pages in DENSITY_GOALS.items() if size in mode.density_sizes}
    section(
        "5. Goal checks",
        lambda: bench_goals(report, results, list(mode.shares)),
        lambda: format2.bench_goals17(report, densities, goals, restore if len(restore) == 2 else None, suites),
    )
    if mode.study_samples:
        section(
            "6. Format 2: choosing the codes",
            lambda: format2.bench_code_settings(report, mode.study_samples, DENSITY_GOALS),
        )
    else:
        report.add(
            "## 6. Format 2: choosing the codes\n\nOther code settings are measured by the full run only "
            "(`python benchmarks/run.py`)."
        )
    if mode.name == "full":
        section("7. Folds and crumples (issue 25)", lambda: folds.bench_folds(report, FOLD_SEEDS))
    else:
        report.add(
            "## 7. Folds and crumples (issue 25)\n\nMeasured by the full run only, or on its own: "
            "`python benchmarks/folds.py --seeds 20`."
        )
    print("section times: " + ", ".join(f"{t} {s:.0f} s" for t, s in durations.items()), file=sys.stderr)
    header = [
        "# Benchmarks",
        "",
        *machine_lines(command, mode, time.perf_counter() - started),
        "- The recovery page (size, browser against recombine, camera): docs/BENCHMARKS-page.md "
        "(`benchmarks/recovery_page.py`)",
    ]
    summary = ["## Summary", "", *(f"- {line}" for line in report.summary)]
    print("\n".join([*header, "", *summary]))
    if out is not None:
        out.write_text("\n".join(header) + "\n\n" + "\n".join(summary) + "\n\n" + report.text())
        print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
