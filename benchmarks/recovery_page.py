"""The recovery page's cost (issue 26): its size, the time to recover a 2 KiB credential from 3 sheets (6 images
at 300 dpi) in headless Chromium against `breakglass recombine --verify-only` on the same images in the same
run, and the camera path's time per sheet. Writes docs/BENCHMARKS-page.md (or prints it with --print).

    nice -n 10 python benchmarks/recovery_page.py [--rounds 3] [--print]

Needs what the browser tests need: Debian's chromium and playwright (sh install.sh test), and pdftoppm.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import damage  # noqa: E402
import pagekit  # noqa: E402

SECRET = bytes(range(256)) * 8  # 2 KiB


def timed_cli(images: list[Path]) -> float:
    start = time.perf_counter()
    recovered, _fp, said = pagekit.cli_outcome(images)
    assert recovered, said
    return time.perf_counter() - start


def timed_page(browser, page_file: Path, images: list[Path]) -> tuple[float, float]:
    """(seconds from choosing the files to the outcome, seconds from opening the page to the outcome)."""
    opened = time.perf_counter()
    session = pagekit.PageSession(browser, page_file)
    try:
        seconds = session.give_files(images)
        seen = session.seen()
        assert seen.state == "recovered" and not seen.requests, seen.message
        return seconds, time.perf_counter() - opened
    finally:
        session.close()


def camera_seconds_per_sheet(page_file: Path, work: Path, sheets: dict[int, list[Path]]) -> float:
    from PIL import Image
    from playwright.sync_api import expect, sync_playwright

    frames = []
    for share in (1, 2, 3):
        for image in sheets[share]:  # each page of the sheet held up in turn
            page = Image.open(image)
            frames += [pagekit.camera_frame(page, damage.code_boxes(page))] * 20
    video = pagekit.write_y4m(frames, work / "camera.y4m")
    fake = [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    with sync_playwright() as p:
        browser = pagekit.launch(p, fake)
        try:
            session = pagekit.PageSession(browser, page_file)
            start = time.perf_counter()
            session.by("camera").click()
            expect(session.by("status")).to_have_attribute("data-state", "recovered", timeout=120_000)
            return (time.perf_counter() - start) / 3
        finally:
            browser.close()


def measure(rounds: int) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        page_file = work / "recover.html"
        assert pagekit.cli("recovery-page", "--out", page_file).returncode == 0
        pdfs = pagekit.split_set(work / "set", SECRET, 3, 4)
        images = {share: pagekit.render(pdf, work, dpi=300) for share, pdf in pdfs.items()}
        given = [p for share in (1, 2, 3) for p in images[share]]
        cli_times, page_times, cold_times = [], [], []
        with sync_playwright() as p:
            browser = pagekit.launch(p)
            try:
                for _ in range(rounds):
                    cli_times.append(timed_cli(given))
                    warm, cold = timed_page(browser, page_file, given)
                    page_times.append(warm)
                    cold_times.append(cold)
            finally:
                browser.close()
        (work / "small").mkdir()
        small = {share: pagekit.render(pdf, work / "small", dpi=150) for share, pdf in pdfs.items()}
        camera = camera_seconds_per_sheet(page_file, work, small)
        return {
            "size": page_file.stat().st_size,
            "images": len(given),
            "cli": statistics.median(cli_times),
            "page": statistics.median(page_times),
            "cold": statistics.median(cold_times),
            "camera": camera,
            "rounds": rounds,
        }


def report(m: dict) -> str:
    ratio = m["page"] / m["cli"]
    size_ok = "PASS" if m["size"] <= 3_000_000 else "FAIL"
    time_ok = "PASS" if ratio <= 2 else "FAIL"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            "# Benchmarks: the recovery page",
            "",
            f"- Date: {when}; machine: {platform.machine()}, Linux {platform.release()}; Debian chromium (headless), "
            f"Python {platform.python_version()}",
            f"- Command: `nice -n 10 python benchmarks/recovery_page.py` (median of {m['rounds']} rounds)",
            "",
            "| measure | value | goal |",
            "|---|---:|---|",
            f"| page size (`breakglass recovery-page`) | {m['size']:,} bytes | <= 3,000,000 bytes: **{size_ok}** |",
            f"| recover 2 KiB from 3 sheets ({m['images']} images, 300 dpi PNG), page: files chosen to outcome | "
            f"{m['page']:.2f} s | |",
            f"| the same, page opened to outcome (decoder start included) | {m['cold']:.2f} s | |",
            f"| the same images, `breakglass recombine --verify-only` (whole process) | {m['cli']:.2f} s | |",
            f"| page / recombine | {ratio:.2f}x | <= 2x: **{time_ok}** |",
            f"| camera (fake capture device, 1280x720, 10 frames/s, each page of a 2-page sheet shown for 2 s): seconds per sheet | {m['camera']:.2f} s | |",
            "",
            "The page reads each image with zxing-wasm (the WebAssembly build of zxing-cpp, the engine the CLI uses), "
            "trying up to three binarizers until every share seen has enough codes; recombine also uses zbar and "
            "its own retries. Both ran on the same images in the same run, on a shared 2-core machine.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--print", action="store_true", help="print the report instead of writing the file")
    args = parser.parse_args()
    text = report(measure(args.rounds))
    if args.print:
        print(text)
    else:
        (ROOT / "docs" / "BENCHMARKS-page.md").write_text(text)
        print(text)


if __name__ == "__main__":
    main()
