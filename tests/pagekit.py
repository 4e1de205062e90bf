"""Helpers for the recovery page's browser tests and benchmark: Debian's chromium driven by Playwright, the page
opened from file:// with every other request aborted and counted, Content-Security-Policy violations listened
for, and `breakglass recombine` run on the same files to compare outcomes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-component-update"]
STATE = re.compile(r"fingerprint ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")


def browser_available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists()


def launch(playwright, extra_args=()):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, *extra_args])


def cli(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "breakglass", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def cli_outcome(files: list[Path], typed: list[Path] = ()) -> tuple[bool, str | None, str]:
    """(recovered, fingerprint, what it said) of `breakglass recombine --verify-only` on these files."""
    args = ["recombine", "--verify-only", *files]
    for t in typed:
        args += ["--typed", t]
    run = cli(*args)
    said = run.stdout + run.stderr
    found = STATE.search(run.stdout)
    return run.returncode == 0, (found.group(1) if found else None), said


@dataclass
class Seen:
    state: str
    message: str
    fingerprint: str
    shares: list[tuple[str, int, str]]  # (set, share, state)
    requests: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def states(self, wanted: str) -> list[int]:
        return sorted(share for _set, share, state in self.shares if state == wanted)


class PageSession:
    """One sealed tab on the page: requests other than file:, data: and blob: are aborted and counted."""

    def __init__(self, browser, page_file: Path, permissions=()):
        self.context = browser.new_context(accept_downloads=True, permissions=list(permissions))
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.route("**/*", self._route)
        self.page.add_init_script(
            "window.__violations = [];"
            "document.addEventListener('securitypolicyviolation',"
            " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        self.page.goto(page_file.as_uri())

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def by(self, testid: str):
        return self.page.get_by_test_id(testid)

    def settle(self, timeout_ms: int = 120_000) -> None:
        from playwright.sync_api import expect

        expect(self.by("status")).to_have_attribute("data-busy", "false", timeout=timeout_ms)

    def give_files(self, files: list[Path]) -> float:
        start = time.perf_counter()
        self.by("scans").set_input_files([str(f) for f in files])
        self.settle()
        return time.perf_counter() - start

    def give_typed(self, text: str) -> None:
        self.by("typed").fill(text)
        self.by("add-typed").click()
        self.settle()

    def seen(self) -> Seen:
        status = self.by("status")
        shares = [
            (li.get_attribute("data-set"), int(li.get_attribute("data-share")), li.get_attribute("data-state"))
            for li in self.by("shares").locator("li").all()
        ]
        return Seen(
            status.get_attribute("data-state"),
            status.text_content(),
            self.by("fingerprint").text_content(),
            shares,
            list(self.requests),
            self.page.evaluate("window.__violations"),
        )

    def close(self) -> None:
        self.context.close()


def render(pdf: Path, dest: Path, dpi: int = 150) -> list[Path]:
    """The PDF's pages as grey PNG images (as a flatbed scan would give)."""
    prefix = dest / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)], check=True)
    return sorted(dest.glob(f"{pdf.stem}-*.png"))


def split_set(base: Path, secret: bytes, k: int, n: int, version: int = 2, label: str = "Page test") -> dict[int, Path]:
    """A fresh set's sheets (PDF), by share number."""
    base.mkdir(parents=True, exist_ok=True)
    (base / "secret.bin").write_bytes(secret)
    run = cli(
        "split",
        "--format",
        version,
        "-k",
        k,
        "-n",
        n,
        "--label",
        label,
        "--secret-file",
        base / "secret.bin",
        "--out",
        base / "sheets",
        "--no-scan-check",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    (base / "secret.bin").unlink()
    return {int(p.name.split("-share-")[1].split("-")[0]): p for p in sorted((base / "sheets").glob("*-share-*.pdf"))}


def has_pdftoppm() -> bool:
    return shutil.which("pdftoppm") is not None


def write_y4m(frames, out: Path, fps: int = 10) -> Path:
    """A YUV4MPEG2 video (grey: chroma at 128) of PIL images of one size, for Chromium's fake camera."""
    width, height = frames[0].size
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with open(out, "wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            f.write(b"FRAME\n" + frame.convert("L").tobytes() + chroma + chroma)
    return out


def camera_frame(page_image, boxes, size=(1280, 720)):
    """What a camera held over the sheet's row of codes sees: the codes, centred, on a grey-white frame."""
    from PIL import Image

    left = min(b[0] for b in boxes) - 40
    top = min(b[1] for b in boxes) - 40
    right = max(b[2] for b in boxes) + 40
    bottom = max(b[3] for b in boxes) + 40
    crop = page_image.convert("L").crop((left, top, right, bottom))
    scale = min(1.0, size[0] / crop.width, size[1] / crop.height)
    crop = crop.resize((int(crop.width * scale), int(crop.height * scale)))
    frame = Image.new("L", size, 235)
    frame.paste(crop, ((size[0] - crop.width) // 2, (size[1] - crop.height) // 2))
    return frame
