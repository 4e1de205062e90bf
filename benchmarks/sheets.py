"""Real sheets under damage: formats 1 and 2 side by side, and the format-2 code settings tried (issue 17).

    classic_suite()                 the classic conditions (scans: resolution, blur, rotation, noise, JPEG, ...)
    REALISTIC                       the realistic conditions of tests/damage.py (folds, crumples, stains, photos)
    sample_sheet(kind, seed)        one share's sheet rendered at 300 dpi: the pages that hold codes, code boxes
    survival(samples, suites)       per condition and sheet kind: shares recovered / shares tried

A share counts as recovered when the codes read from its damaged pages rebuild exactly that share, read as
`breakglass recombine` reads: one zxing-cpp look at every page, then every decoder with image preparation on
the pages of a share still unfinished. Every damage is seeded; so are credentials, keys and set ids.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import damage
from breakglass.errors import BreakglassError
from breakglass.format import qrtext, scheme
from breakglass.paper import codes, sheet
from breakglass.scan.decode import decode_report
from breakglass.scan.decoders import ZXING
from breakglass.scan.files import rasterize_pdf
from breakglass.scan.pages import page_wanted

RENDER_DPI = 300
K, N = 3, 5


@dataclass(frozen=True)
class SheetKind:
    """What is printed: share format, credential size, and for format 2 the code style (None: the default)."""

    name: str
    share_format: int
    size: int
    style: codes.CodeStyle | None = None


@dataclass
class Sample:
    share: object
    texts: set[str]  # every code printed on the sheet
    pages: list  # 300 dpi renders of the pages that hold codes
    boxes: list[list[tuple[int, int, int, int]]]  # per page, the box of every code (for stains on one code)
    page_count: int  # all pages of the sheet, typed lines included


def seeded_bytes(seed: str) -> Callable[[int], bytes]:
    rng = random.Random(seed)
    return lambda count: rng.randbytes(count)


@contextlib.contextmanager
def code_style(style: codes.CodeStyle | None):
    """Render format-2 sheets with `style` instead of the default (codes.code_plan reads codes.STYLE at call time)."""
    saved = codes.STYLE
    codes.STYLE = style or saved
    try:
        yield
    finally:
        codes.STYLE = saved


def render_share(kind: SheetKind, seed: int) -> tuple[object, bytes, set[str]]:
    credential = random.Random(f"credential {kind.size} {seed}").randbytes(kind.size)
    result = scheme.split(credential, K, N, version=kind.share_format, random_bytes=seeded_bytes(f"{kind.name} {seed}"))
    share = result.shares[seed % N]
    info = sheet.SheetInfo(
        "Production database root",
        result.fingerprint,
        "2026-12-01",
        sheet.Custodian("A. Custodian", "Site reliability", "Safe 2, Building B"),
    )
    with code_style(kind.style):
        return share, sheet.render_sheet(share, info), set(sheet.qr_texts(share))


def sample_sheet(job: tuple[SheetKind, int]) -> Sample:
    kind, seed = job
    share, pdf, texts = render_share(kind, seed)
    pages, boxes, count = [], [], 0
    for image in rasterize_pdf(pdf, RENDER_DPI):
        count += 1
        found = damage.code_boxes(image)
        if found:
            pages.append(image)
            boxes.append(found)
    return Sample(share, texts, pages, boxes, count)


def scanback_misses(kind: SheetKind, seeds: range) -> dict[str, tuple[int, int]]:
    """Per decoder: (codes missed, codes printed) reading each whole 150 dpi page once, without preparation, as
    the split's scan-back check does (a sheet with a miss would be refused at the ceremony)."""
    from breakglass.scan.decoders import available_decoders

    missed = {name: [0, 0] for name in available_decoders()}
    for seed in seeds:
        _, pdf, texts = render_share(kind, seed)
        pages = list(rasterize_pdf(pdf, 150))
        for name in missed:
            read = {t for image in pages for t in decode_report(image, [name], retry=False).texts.get(name, [])}
            missed[name][0] += len(texts - read)
            missed[name][1] += len(texts)
    return {name: (m, p) for name, (m, p) in missed.items()}


def recovered(texts: list[str], share) -> bool:
    """Whether the texts read rebuild exactly `share` (format 2: from any enough of its codes)."""
    key = (share.set_id.hex().upper(), share.index)
    chunks = []
    for text in texts:
        with contextlib.suppress(BreakglassError):
            chunk = qrtext.parse_chunk(text)
            if chunk.share_key == key and chunk.version == share.version:
                chunks.append(chunk)
    try:
        return bool(chunks) and qrtext.assemble(chunks) == share
    except BreakglassError:
        return False


def read_as_recombine(images: list, share, printed: set[str] | None = None) -> tuple[bool, int]:
    """One zxing-cpp look at every page; if the share is unfinished, every decoder with retries on each page.

    Returns whether the share was recovered and, when `printed` is given, how many of the printed codes were
    read: then every page that did not give all its codes is searched hard, even once the share is complete."""
    per_page = [decode_report(image, [ZXING], retry=False).combined for image in images]
    texts = [t for page in per_page for t in page]
    for image, first_look in zip(images, per_page, strict=True):
        if recovered(texts, share) and (printed is None or printed <= set(texts)):
            break
        wanted = (
            page_wanted(first_look, texts)
            if printed is None
            else (lambda more, printed=printed, texts=texts: not printed <= {*texts, *more})
        )
        texts += decode_report(image, wanted=wanted).combined
    return recovered(texts, share), len(printed & set(texts)) if printed else 0


# --------------------------------------------------------------------------------------------------- suites


Condition = Callable  # (page image at 300 dpi, seed, boxes of the codes on the page) -> damaged image


def _scan(dpi: int, *steps) -> Condition:
    def apply(page, seed, boxes):
        image = damage.downsample(page, dpi, RENDER_DPI)
        for step in steps:
            image = step(image, seed)
        return image

    return apply


def _stain_one(fraction: float) -> Condition:
    def apply(page, seed, boxes):
        image = damage.downsample(page, 200, RENDER_DPI)
        box = boxes[random.Random(seed).randrange(len(boxes))]
        return damage.stain(image, tuple(round(v * 200 / RENDER_DPI) for v in box), fraction, seed=seed)

    return apply


def _stain_every(fraction: float) -> Condition:
    def apply(page, seed, boxes):
        image = damage.downsample(page, 200, RENDER_DPI)
        for b, box in enumerate(boxes):
            image = damage.stain(image, tuple(round(v * 200 / RENDER_DPI) for v in box), fraction, seed=seed * 31 + b)
        return image

    return apply


def classic_suite() -> dict[str, Condition]:
    """Twenty conditions of a scanner or a camera on an undamaged sheet, each one that format 1 survives
    (docs/BENCHMARKS.md, section 3): the bar format 2 must clear too."""
    return {
        "150 dpi": _scan(150),
        "100 dpi": _scan(100),
        "75 dpi": _scan(75),
        "blur 1 px at 200 dpi": _scan(200, lambda i, s: damage.blur(i, 1)),
        "blur 2 px at 200 dpi": _scan(200, lambda i, s: damage.blur(i, 2)),
        "rotated 7 deg": _scan(200, lambda i, s: damage.rotate(i, 7)),
        "rotated 45 deg": _scan(200, lambda i, s: damage.rotate(i, 45)),
        "rotated 90 deg": _scan(200, lambda i, s: damage.rotate(i, 90)),
        "rotated 180 deg": _scan(200, lambda i, s: damage.rotate(i, 180)),
        "perspective 0.2": _scan(200, lambda i, s: damage.perspective(i, 0.2)),
        "perspective 0.3": _scan(200, lambda i, s: damage.perspective(i, 0.3)),
        "salt-and-pepper 5%": _scan(200, lambda i, s: damage.noise(i, 0.05, seed=s)),
        "gaussian noise 60": _scan(200, lambda i, s: damage.noise(i, 60, "gaussian", seed=s)),
        "JPEG q20": _scan(200, lambda i, s: damage.jpeg(i, 20)),
        "JPEG q5": _scan(200, lambda i, s: damage.jpeg(i, 5)),
        "faded 80%": _scan(200, lambda i, s: damage.fade(i, 0.8)),
        "stain over 20% of one code": _stain_one(0.2),
        "stain over 10% of every code": _stain_every(0.1),
        "150 dpi + blur 1 + JPEG 30 + rot 5": _scan(
            150, lambda i, s: damage.blur(i, 1), lambda i, s: damage.rotate(i, 5), lambda i, s: damage.jpeg(i, 30)
        ),
        "100 dpi + blur 1 + JPEG 20 + rot 137": _scan(
            100, lambda i, s: damage.blur(i, 1), lambda i, s: damage.rotate(i, 137), lambda i, s: damage.jpeg(i, 20)
        ),
    }


def realistic_suite() -> dict[str, Condition]:
    def condition(fn) -> Condition:
        return lambda page, seed, boxes: fn(page, seed)

    return {name: condition(fn) for name, fn in damage.REALISTIC.items()}


SUITES = {"classic": classic_suite, "realistic": realistic_suite}


# ------------------------------------------------------------------------------------------------- running


@dataclass
class Tally:
    ok: int = 0
    total: int = 0
    seconds: list[float] = field(default_factory=list)
    codes_read: int = 0
    codes_printed: int = 0

    def text(self) -> str:
        return "100%" if self.ok == self.total else f"{100 * self.ok / self.total:.0f}% ({self.ok}/{self.total})"


_SAMPLES: dict[str, list[Sample]] = {}  # set before the pool forks
_CONDITIONS: dict[str, Condition] = {}


_COUNT_CODES = False


def _task(task: tuple[str, str, int]) -> tuple[str, str, bool, float, int, int]:
    kind, condition, number = task
    sample = _SAMPLES[kind][number]
    start = time.perf_counter()
    images = [_CONDITIONS[condition](page, 1000 * number + p, sample.boxes[p]) for p, page in enumerate(sample.pages)]
    ok, read = read_as_recombine(images, sample.share, sample.texts if _COUNT_CODES else None)
    return kind, condition, ok, time.perf_counter() - start, read, len(sample.texts)


def pool(processes: int | None = None):
    return multiprocessing.get_context("fork").Pool(processes or os.cpu_count() or 1)


def make_samples(kinds: list[SheetKind], count: int) -> dict[str, list[Sample]]:
    with pool() as workers:
        return {kind.name: workers.map(sample_sheet, [(kind, seed) for seed in range(count)]) for kind in kinds}


def survival(
    samples: dict[str, list[Sample]], conditions: dict[str, Condition], count_codes: bool = False
) -> dict[tuple[str, str], Tally]:
    """Shares recovered per (sheet kind, condition); with count_codes, also the codes read of those printed
    (slower: every page that lost a code is searched hard)."""
    global _SAMPLES, _CONDITIONS, _COUNT_CODES
    _SAMPLES, _CONDITIONS, _COUNT_CODES = samples, conditions, count_codes
    tasks = [(kind, name, i) for kind in samples for name in conditions for i in range(len(samples[kind]))]
    results = {(kind, name): Tally() for kind in samples for name in conditions}
    with pool() as workers:
        for kind, name, ok, seconds, read, printed in workers.imap_unordered(_task, tasks):
            tally = results[(kind, name)]
            tally.ok += ok
            tally.total += 1
            tally.seconds.append(seconds)
            tally.codes_read += read
            tally.codes_printed += printed
    return results
