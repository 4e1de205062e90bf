"""Benchmarks for absurd inputs and the safe writer (issue 14): what "refused at once", "linear" and "blank
pages skipped fast" cost in numbers.

    python benchmarks/inputs.py            writes docs/BENCHMARKS-inputs.md (a minute or two on 2 cores)
    python benchmarks/inputs.py --smoke    a few seconds, prints only (tests/test_benchmarks_smoke.py runs it)

1. Blank pages: milliseconds per blank 300 dpi page through scan_paths, for an empty PDF page (not rendered),
   a PDF page holding one white scanned image (judged from the image), and a white PNG (decoded, judged by one
   histogram); goal: under 50 ms a page. And `breakglass recombine` end to end on 2,000 blank pages.
2. Typed text: seconds to read adversarial texts (long runs of spaces, thousands of junk headers, a
   million-line file); goal: linear, a few seconds at most for the 8 MiB limit.
3. Journal: seconds to verify a journal of many entries; a 100 MB line and a 64 MiB file are refused at once.
4. Writer: the cost of writing a file whole (temp + fsync + link + folder fsync) against a plain write.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import breakglass  # noqa: F401  the installed package, if there is one
except ImportError:
    sys.path.insert(0, str(ROOT / "src"))

from PIL import Image  # noqa: E402

from breakglass.format import typed  # noqa: E402
from breakglass.record import journal  # noqa: E402
from breakglass.scan.pages import scan_paths  # noqa: E402
from breakglass.system.files import write_new_file  # noqa: E402

A4_300 = (2480, 3508)
GOAL_BLANK_MS = 50


def table(title: str, headers: list[str], rows: list[list]) -> str:
    lines = [f"### {title}", "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


# ------------------------------------------------------------------------------------------------- 1. blank pages


def blank_inputs(folder: Path, pages: int) -> dict[str, list[Path]]:
    from reportlab.pdfgen import canvas

    empty = folder / "empty.pdf"
    c = canvas.Canvas(str(empty), pagesize=(595.27, 841.89))
    for _ in range(pages):
        c.showPage()
    c.save()
    white = Image.new("L", A4_300, 255)
    scanned = folder / "scanned-white.pdf"
    white.save(scanned, save_all=True, append_images=[white] * (pages - 1), resolution=300)
    pngs = folder / "png"
    pngs.mkdir()
    for i in range(pages):
        white.save(pngs / f"blank-{i:04d}.png")
    return {
        "empty PDF page (nothing drawn)": [empty],
        "PDF page of one white 300 dpi scan": [scanned],
        "white 300 dpi PNG": [pngs],
    }


def bench_blank(pages: int, cli_pages: int) -> str:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, paths in blank_inputs(Path(tmp), pages).items():
            seconds = timed(lambda paths=paths: list(scan_paths(paths, dpi=300)))
            ms = seconds / pages * 1000
            rows.append([name, pages, f"{ms:.1f}", "PASS" if ms < GOAL_BLANK_MS else "FAIL"])
        white = Image.new("L", A4_300, 255)
        big = Path(tmp) / "scanned-blank-many.pdf"  # what a scanner's feeder makes of a stack of blank paper
        white.save(big, save_all=True, append_images=[white] * (cli_pages - 1), resolution=300)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "breakglass", "recombine", "--verify-only", "--dpi", "300", str(big)],
            capture_output=True,
            timeout=3600,
        )
        seconds = time.perf_counter() - start
        err = done.stderr.decode(errors="replace")
        rows.append(
            [
                f"`breakglass recombine` on a scanned PDF of {cli_pages:,} blank 300 dpi pages (whole command)",
                cli_pages,
                f"{seconds / cli_pages * 1000:.1f}",
                f"{seconds:.1f} s; {len(err.splitlines())} lines on stderr, progress included",
            ]
        )
    return table("Blank pages (goal: under 50 ms a page)", ["input", "pages", "ms per page", "verdict"], rows)


# ------------------------------------------------------------------------------------------------- 2. typed text


def bench_typed(scale: int) -> str:
    header = "BG1 SHARE 1 OF 3 SET 1A2B-3C4D-5E6F-7081 COPY 1 LINES 9999\n"
    line = "01  ABCD EFGH JKMN PQRS TVWX YZ01  K7Q2\n"
    cases = {
        "150 kB of spaces": " " * 150_000,
        "a numbered line, 150 kB of spaces, junk": "01 A" + " " * 150_000 + "!",
        f"{scale * 1000:,} junk headers": header * scale * 1000,
        f"one header, {scale * 10_000:,} wrong lines": header + line * scale * 10_000,
        f"{scale * 100_000:,} one-character lines": "x\n" * scale * 100_000,
        "8 MiB of numbered lines (the limit)": header + line[:40] * (8 * 1024 * 1024 // 40 - 2),
    }
    rows = []
    for name, text in cases.items():
        seconds = timed(lambda text=text: typed.read_text(text))
        rows.append([name, f"{len(text) / 1024:,.0f} KiB", f"{seconds:.2f}"])
    return table("Typed text (linear: time follows size, never its square)", ["text", "size", "seconds"], rows)


# ------------------------------------------------------------------------------------------------- 3. journal


def bench_journal(entries: int) -> str:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "journal.jsonl"
        t0 = datetime(2026, 1, 1, tzinfo=UTC)
        append = timed(
            lambda: [
                journal.append_event(
                    path,
                    "drill",
                    set_id="1A2B-3C4D-5E6F-7081",
                    shares=[1, 2],
                    fingerprint="X",
                    now=t0 + timedelta(hours=i),
                )
                for i in range(entries)
            ]
        )
        rows.append([f"append {entries} events (each verifies the whole chain under the lock)", f"{append:.2f}"])
        rows.append([f"verify {entries} entries", f"{timed(lambda: journal.verify_journal(path)):.3f}"])
        huge = Path(tmp) / "huge-line.jsonl"
        with open(huge, "wb") as f:
            f.write(path.read_bytes() + b"x" * (60 * 1024 * 1024) + b"\n")
        rows.append(
            ["verify with a 60 MB line (named as too long)", f"{timed(lambda: journal.verify_journal(huge)):.3f}"]
        )
        big = Path(tmp) / "big.jsonl"
        with open(big, "wb") as f:
            f.truncate(100 * 1024 * 1024)
        rows.append(["verify a 100 MB file (refused by its size)", f"{timed(lambda: _refused(big)):.4f}"])
    return table("Journal", ["case", "seconds"], rows)


def _refused(path: Path) -> None:
    from breakglass.errors import BreakglassError

    try:
        journal.verify_journal(path)
    except BreakglassError:
        return
    raise AssertionError("a 100 MB journal was not refused")


# ------------------------------------------------------------------------------------------------- 4. writer


def bench_writer(count: int) -> str:
    rows = []
    data = os.urandom(1024 * 1024)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain = timed(lambda: [(folder / f"p{i}").write_bytes(data) for i in range(count)])
        whole = timed(lambda: [write_new_file(folder / f"w{i}", data) for i in range(count)])
        rows.append([f"{count} files of 1 MiB, plain write (no fsync)", f"{plain / count * 1000:.1f}"])
        rows.append([f"{count} files of 1 MiB through write_new_file", f"{whole / count * 1000:.1f}"])
    return table("Writer: a file whole or not at all", ["case", "ms per file"], rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a few seconds, prints only")
    parser.add_argument("--out", type=Path, help="report path (default docs/BENCHMARKS-inputs.md; none for --smoke)")
    args = parser.parse_args(argv)
    smoke = args.smoke
    started = time.perf_counter()
    parts = [
        bench_blank(pages=10 if smoke else 200, cli_pages=50 if smoke else 2000),
        bench_typed(scale=1 if smoke else 10),
        bench_journal(entries=20 if smoke else 300),
        bench_writer(count=5 if smoke else 50),
    ]
    header = [
        "# Benchmarks: absurd inputs and safe writes",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores; "
        f"`python benchmarks/inputs.py{' --smoke' if smoke else ''}` ({time.perf_counter() - started:.0f} s)",
        "",
    ]
    text = "\n".join(header) + "\n" + "\n".join(parts)
    print(text)
    out = args.out or (None if smoke else ROOT / "docs" / "BENCHMARKS-inputs.md")
    if out is not None:
        out.write_text(text)
        print(f"written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
