"""From scanned files to QR texts, robustly: images and PDFs in, the text of every QR code found out.

    available_decoders()                          which decoders work here: "zxing-cpp" first, "zbar" if it loads
    decode_image(image, decoders, retry=...)      decoder name -> texts read from one image
    rasterize_pdf(source, dpi)                    one greyscale image per PDF page (pypdfium2)
    scan_paths(paths, dpi, decoders)              PageResult per page of every file, folder (recursed) or PDF

Decoders. zxing-cpp runs in this process: it is the fast, strong decoder (~30-70 ms for an A4 page at 300 dpi),
and in a child it costs 10-20 ms more per page (+15-20% at 300 dpi, about double at 150 dpi), which the recombine
time budget cannot afford (ISOLATED_DECODERS can change that). zbar runs in a forked child process that returns
its texts over a pipe and is killed after a timeout, because zbar has crashed (segfault) on some inputs before:
a crash or hang there becomes a note on that page, not the end of the run. Forking costs 3-5 ms against zbar's
~200 ms per A4 page at 300 dpi. Where os.fork does not exist zbar runs in-process.

decoders=None means "every available decoder, each only as a fallback": zxing-cpp reads the page, zbar is asked
only when that left the page empty or with a code seen but not read. An explicit list runs every decoder named,
each on its own, and the result says what each one read (scan-back verification proves each decoder reads the
clean sheet by itself with retry=False).

Retry. When the result is empty, or zxing-cpp saw a QR code it could not decode that no decoder read, the image is
prepared again and again (contrast stretch, other binarizers, local thresholding, median filter, sharpening,
scaling, thickening or thinning of the modules) until that is no longer so. A page whose codes were all read
costs one decode. Rotation by any angle, perspective and inverted codes are handled by the decoders themselves.

Nothing here opens a socket or writes anything to disk: decoded texts stay in memory and cross only the pipe
from the zbar child.
"""

from __future__ import annotations

import faulthandler
import json
import math
import os
import select
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter, ImageOps, ImageSequence, UnidentifiedImageError

from . import qrtext
from .errors import BreakglassError

ZXING = "zxing-cpp"
ZBAR = "zbar"
KNOWN_DECODERS = (ZXING, ZBAR)

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp", ".gif"})
PDF_EXTENSIONS = frozenset({".pdf"})
SCAN_EXTENSIONS = IMAGE_EXTENSIONS | PDF_EXTENSIONS

# Decoders run in a forked child (crash- and hang-proof). zxing-cpp is left in-process for speed: in a child it
# costs ~10-20 ms more per page (+15-20% at 300 dpi, +100% at 150 dpi); add it here to trade that for isolation.
ISOLATED_DECODERS = frozenset({ZBAR})
DECODER_TIMEOUT = 30.0  # seconds for one isolated decoder call on one prepared image
MAX_RENDER_PIXELS = 80_000_000  # a PDF page is rendered at lower resolution rather than past this
MAX_PREPARED_PIXELS = 40_000_000  # images are not scaled up past this during retries

_zxing_module = None
_zbar_module = None
_zbar_checked = False


# --------------------------------------------------------------------------------------------------- decoders


def _zxing():
    global _zxing_module
    if _zxing_module is None:
        try:
            import zxingcpp
        except ImportError:  # pragma: no cover - zxing-cpp is a dependency
            return None
        _zxing_module = zxingcpp
    return _zxing_module


def _zbar():
    """The pyzbar module if it imports and libzbar loads, else None (checked once)."""
    global _zbar_module, _zbar_checked
    if not _zbar_checked:
        _zbar_checked = True
        try:
            from pyzbar import pyzbar

            pyzbar.decode(Image.new("L", (8, 8), 255))  # loads libzbar: raises if the library is missing
            _zbar_module = pyzbar
        except Exception:  # ImportError, or OSError/FileNotFoundError from ctypes
            _zbar_module = None
    return _zbar_module


def available_decoders() -> list[str]:
    """The decoders usable here, best first: ["zxing-cpp", "zbar"]; zbar only when pyzbar and libzbar load."""
    names = []
    if _zxing() is not None:
        names.append(ZXING)
    if _zbar() is not None:
        names.append(ZBAR)
    return names


@dataclass
class _Symbol:
    """One QR code as a decoder reported it: its text (None if seen but not decodable), centre and size."""

    text: str | None
    x: float
    y: float
    size: float


def _geometry(points: list[tuple[float, float]], scale: float) -> tuple[float, float, float]:
    xs = [p[0] / scale for p in points]
    ys = [p[1] / scale for p in points]
    size = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    return sum(xs) / len(xs), sum(ys) / len(ys), size


def _run_zxing(image: Image.Image, scale: float, binarizer: str | None) -> list[_Symbol]:
    zx = _zxing()
    options: dict = {"formats": zx.BarcodeFormat.QRCode, "return_errors": True}
    if binarizer:
        options["binarizer"] = getattr(zx.Binarizer, binarizer)
    try:
        found = zx.read_barcodes(image, **options)
    except TypeError:  # an older zxing-cpp without some keyword
        options.pop("return_errors", None)
        found = zx.read_barcodes(image, **options)
    symbols = []
    for b in found:
        p = b.position
        corners = [(p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y),
                   (p.bottom_right.x, p.bottom_right.y), (p.bottom_left.x, p.bottom_left.y)]
        valid = getattr(b, "valid", True) and not getattr(b, "error", None)
        if not valid and len(set(corners)) < 3:
            continue  # zxing-cpp reports some clean pages with an error symbol of no area: not a code at all
        symbols.append(_Symbol(b.text if valid else None, *_geometry(corners, scale)))
    return symbols


def _zbar_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _run_zbar_here(image: Image.Image, scale: float) -> list[_Symbol]:
    zb = _zbar()
    found = zb.decode(image, symbols=[zb.ZBarSymbol.QRCODE])
    symbols = []
    for d in found:
        points = [(pt.x, pt.y) for pt in d.polygon] or [
            (d.rect.left, d.rect.top), (d.rect.left + d.rect.width, d.rect.top + d.rect.height)
        ]
        symbols.append(_Symbol(_zbar_text(d.data), *_geometry(points, scale)))
    return symbols


class DecoderFailure(Exception):
    """A decoder crashed, hung or failed on one image; the message is one line for the person running the scan."""


def _isolated(name: str, work: Callable[[], list[_Symbol]], timeout: float) -> list[_Symbol]:
    """Run `work` in a forked child; its symbols come back as JSON over a pipe. Crash or timeout -> DecoderFailure."""
    if not hasattr(os, "fork"):  # pragma: no cover - not on the supported platforms
        return work()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: no exceptions, no cleanup handlers, no buffered output may escape
        status = 0
        try:
            os.close(read_fd)
            if faulthandler.is_enabled():  # a crash here is reported by the parent in one line
                faulthandler.disable()
            try:
                payload = {"symbols": [[s.text, s.x, s.y, s.size] for s in work()]}
            except BaseException as e:  # noqa: BLE001 - report anything to the parent
                payload = {"error": f"{type(e).__name__}: {e}"[:200]}
            data = json.dumps(payload).encode()
            view = memoryview(data)
            while view:
                view = view[os.write(write_fd, view) :]
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)
    chunks = []
    reaped = False
    try:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DecoderFailure(f"{name} took longer than {timeout:g} s and was stopped")
            ready, _, _ = select.select([read_fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        reaped = True
    finally:
        os.close(read_fd)
        if not reaped:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            signame = signal.Signals(sig).name
        except ValueError:
            signame = str(sig)
        raise DecoderFailure(f"{name} crashed ({signame})")
    try:
        payload = json.loads(b"".join(chunks))
    except ValueError:
        raise DecoderFailure(f"{name} failed (exit status {os.WEXITSTATUS(status)})") from None
    if "error" in payload:
        raise DecoderFailure(f"{name} failed: {payload['error']}")
    return [_Symbol(t, x, y, s) for t, x, y, s in payload["symbols"]]


# ------------------------------------------------------------------------------------------ image preparation


def to_gray(image: Image.Image) -> Image.Image:
    """An 8-bit greyscale image of `image`: transparency over white, 16-bit and float scaled, any mode accepted."""
    mode = image.mode
    if mode == "L":
        return image
    if mode in ("1", "RGB", "CMYK", "YCbCr", "P") and "transparency" not in image.info:
        return image.convert("L")
    if mode in ("RGBA", "LA", "PA", "La", "RGBa", "P", "RGBX"):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    if mode in ("I", "F") or mode.startswith("I;"):
        wide = image.convert("F") if mode == "F" else image.convert("I").convert("F")
        low, high = wide.getextrema()
        if high <= 255 and low >= 0:
            return wide.convert("L")
        span = (high - low) or 1
        return wide.point(lambda v: (v - low) * 255.0 / span).convert("L")
    return image.convert("RGB").convert("L")


def _otsu(gray: Image.Image) -> int:
    hist = gray.histogram()
    total = sum(hist)
    sum_all = sum(i * h for i, h in enumerate(hist))
    best, best_t, w_b, sum_b = -1.0, 128, 0, 0.0
    for t in range(256):
        w_b += hist[t]
        if w_b == 0:
            continue
        w_f = total - w_b
        if w_f == 0:
            break
        sum_b += t * hist[t]
        m_b = sum_b / w_b
        m_f = (sum_all - sum_b) / w_f
        between = w_b * w_f * (m_b - m_f) ** 2
        if between > best:
            best, best_t = between, t
    return best_t


def _threshold(gray: Image.Image, level: int) -> Image.Image:
    return gray.point([0 if v <= level else 255 for v in range(256)])


def _stretch(gray: Image.Image) -> Image.Image:
    return ImageOps.autocontrast(gray, cutoff=(1, 1))


def _adaptive(gray: Image.Image, radius: int, offset: int = 8) -> Image.Image:
    """Dark where a pixel is more than `offset` below the mean of its neighbourhood (a local threshold)."""
    mean = gray.filter(ImageFilter.BoxBlur(radius))
    darker = ImageChops.subtract(mean, gray)  # mean - pixel, clipped at 0
    return darker.point([255 if v < offset else 0 for v in range(256)])


def _scaled(gray: Image.Image, factor: float) -> Image.Image | None:
    w, h = round(gray.width * factor), round(gray.height * factor)
    if w < 21 or h < 21 or w * h > MAX_PREPARED_PIXELS:
        return None
    return gray.resize((w, h), Image.Resampling.BOX if factor < 1 else Image.Resampling.BICUBIC)


@dataclass
class _Prepared:
    name: str
    image: Image.Image
    scale: float = 1.0  # prepared pixels per original pixel
    binarizer: str | None = None  # zxing binarizer override


def _preparations(gray: Image.Image) -> Iterator[_Prepared]:
    """Alternative versions of a page for another look, cheapest and most useful first, each made when needed.

    Rank filters (median, min, max) cost ~0.3 s on a 300 dpi page in Pillow, so they run on a half-size copy;
    global thresholds shifted lighter or darker stand in for thickening and thinning the modules.
    """
    yield _Prepared("global threshold", gray, binarizer="GlobalHistogram")
    stretched = _stretch(gray)
    yield _Prepared("contrast stretch", stretched)
    half = _scaled(stretched, 0.5)
    if half is not None:
        yield _Prepared("scale x0.5", half, 0.5)
    level = _otsu(stretched)
    yield _Prepared("otsu threshold", _threshold(stretched, level), binarizer="FixedThreshold")
    r = max(8, min(gray.size) // 60)  # neighbourhood for local thresholding: a few modules at usual scan sizes
    yield _Prepared("local threshold", _adaptive(stretched, r), binarizer="FixedThreshold")
    yield _Prepared("sharpen", stretched.filter(ImageFilter.UnsharpMask(radius=3, percent=250, threshold=0)))
    small, scale = (half, 0.5) if half is not None and min(half.size) >= 600 else (stretched, 1.0)
    yield _Prepared("median", small.filter(ImageFilter.MedianFilter(3)), scale)
    yield _Prepared("thicken", _threshold(stretched, (level + 255) // 2), binarizer="FixedThreshold")
    yield _Prepared("thin", _threshold(stretched, level // 2), binarizer="FixedThreshold")
    third = _scaled(stretched, 1 / 3)
    if third is not None:
        yield _Prepared("scale x0.33", third, 1 / 3)
    if gray.width * gray.height <= 8_000_000:  # small or low-resolution images: modules may be under 2 px
        up = _scaled(stretched, 2.0)
        if up is not None:
            yield _Prepared("scale x2", up, 2.0)
    smooth = _adaptive(small.filter(ImageFilter.GaussianBlur(2)), max(4, round(r * scale)), 4)
    yield _Prepared("smooth and threshold", smooth, scale, binarizer="FixedThreshold")


# Which preparations zbar also gets in the fallback chain (it is ~7x slower than zxing-cpp per look).
_ZBAR_PREPARATIONS = frozenset({"otsu threshold", "median", "scale x0.5"})


# ------------------------------------------------------------------------------------------------- decoding


@dataclass
class DecodeReport:
    """Everything one image gave: texts per decoder (decoders that ran), codes seen but unread, decoder failures."""

    texts: dict[str, list[str]] = field(default_factory=dict)
    unreadable: int = 0  # QR codes zxing-cpp located but no decoder read, after all retries
    failures: list[str] = field(default_factory=list)
    preparations: list[str] = field(default_factory=list)  # retries that found something new

    @property
    def combined(self) -> list[str]:
        return _dedup(t for texts in self.texts.values() for t in texts)


def _dedup(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def _overlap(a: _Symbol, b: _Symbol) -> bool:
    reach = (a.size + b.size) / 2
    return abs(a.x - b.x) < reach and abs(a.y - b.y) < reach


class _Tally:
    def __init__(self, names: list[str]):
        self.texts: dict[str, list[str]] = {n: [] for n in names}
        self.read: list[_Symbol] = []
        self.unread: list[_Symbol] = []

    def add(self, name: str, symbols: list[_Symbol]) -> bool:
        new = False
        for s in symbols:
            if s.text is None:
                self.unread.append(s)
                continue
            self.read.append(s)
            if s.text not in self.texts[name]:
                self.texts[name].append(s.text)
                new = True
        return new

    def unresolved(self) -> int:
        """Codes seen but not read: unread symbols not overlapping any read one, overlapping ones counted once.

        zxing-cpp also reports fragments (a finder pattern of a damaged code taken for a small code), and the same
        code found again in another preparation; overlap in page coordinates folds those together."""
        left: list[_Symbol] = []
        for u in sorted(self.unread, key=lambda s: -s.size):
            if not any(_overlap(u, r) for r in self.read) and not any(_overlap(u, o) for o in left):
                left.append(u)
        return len(left)

    def wanting(self, names: Iterable[str], empty_counts: bool) -> bool:
        """Worth another look: a code was seen but not read, or (if `empty_counts`) nothing was read at all."""
        if self.unresolved():
            return True
        return empty_counts and not any(self.texts[n] for n in names)


def _look(name: str, prepared: _Prepared, timeout: float) -> list[_Symbol]:
    image, scale, binarizer = prepared.image, prepared.scale, prepared.binarizer
    if name == ZXING:
        work = lambda: _run_zxing(image, scale, binarizer)  # noqa: E731
    else:
        work = lambda: _run_zbar_here(image, scale)  # noqa: E731
    return _isolated(name, work, timeout) if name in ISOLATED_DECODERS else work()


def _choose_decoders(decoders: list[str] | None) -> list[str]:
    available = available_decoders()
    if decoders is None:
        names = available
    else:
        names = _dedup(decoders)
        for n in names:
            if n not in KNOWN_DECODERS:
                raise ValueError(f"unknown decoder {n!r}; known: {', '.join(KNOWN_DECODERS)}")
            if n not in available:
                hint = "install pyzbar and the zbar library (libzbar0)" if n == ZBAR else "install zxing-cpp"
                raise BreakglassError(f"the {n} QR decoder is not available here ({hint})")
    if not names:
        raise BreakglassError("no QR decoder is available (install zxing-cpp)")
    return names


def decode_report(
    image: Image.Image,
    decoders: list[str] | None = None,
    *,
    retry: bool = True,
    retry_empty: bool = True,
    timeout: float = DECODER_TIMEOUT,
) -> DecodeReport:
    """Like decode_image, with what went wrong: codes seen but unread, decoder crashes or timeouts.

    retry_empty=False keeps the retries for images where a code was seen but not read: an image where nothing
    at all was found (a page of instructions, or a code too damaged to be located) then costs one look.
    """
    names, cascade = _choose_decoders(decoders), decoders is None
    gray = to_gray(image)
    plain = _Prepared("as is", gray)
    report = DecodeReport()
    failed: set[str] = set()
    asked: set[str] = set()

    def look(name: str, tally: _Tally, prepared: _Prepared) -> None:
        if name in failed:
            return
        asked.add(name)
        try:
            symbols = _look(name, prepared, timeout)
        except DecoderFailure as e:
            failed.add(name)
            report.failures.append(f"{e} on this page")
            return
        if tally.add(name, symbols) and prepared is not plain:
            report.preparations.append(f"{name}: {prepared.name}")

    def chain(tally: _Tally, wanted: list[str]) -> None:
        for prepared in _preparations(gray):
            for n in wanted:
                if n == ZXING or prepared.name in _ZBAR_PREPARATIONS:
                    look(n, tally, prepared)
                    if not tally.wanting(wanted, True):
                        return

    if cascade:
        tally = _Tally(names)
        for n in names:  # each decoder's plain look, the next only if the page still wants one
            if n == names[0] or tally.wanting(names, retry_empty):
                look(n, tally, plain)
        if retry and tally.wanting(names, retry_empty):
            chain(tally, names)
        report.texts = {n: tally.texts[n] for n in names if n in asked}
        report.unreadable = tally.unresolved()
    else:
        unresolved = 0
        for n in names:
            tally = _Tally([n])
            look(n, tally, plain)
            if retry and tally.wanting([n], retry_empty):
                chain(tally, [n])
            report.texts[n] = tally.texts[n]
            unresolved = max(unresolved, tally.unresolved())
        report.unreadable = unresolved
    return report


def decode_image(
    image: Image.Image,
    decoders: list[str] | None = None,
    *,
    retry: bool = True,
    timeout: float = DECODER_TIMEOUT,
) -> dict[str, list[str]]:
    """The QR texts in `image`, per decoder: {"zxing-cpp": [...], "zbar": [...]}, each deduplicated in order.

    decoders=None: every available decoder, each a fallback for the ones before (fast: one zxing-cpp look when it
    reads the page). A list: each decoder named reads the image on its own. retry=False: one look per decoder,
    no image preparation. Only QR codes are looked for; texts that are not breakglass chunks are returned too.
    A decoder that crashes or hangs contributes nothing (decode_report says which).
    """
    return decode_report(image, decoders, retry=retry, timeout=timeout).texts


# ----------------------------------------------------------------------------------------------------- files


def _render_scale(width_pt: float, height_pt: float, dpi: float) -> float:
    scale = dpi / 72.0
    pixels = width_pt * height_pt * scale * scale
    if pixels > MAX_RENDER_PIXELS:
        scale *= math.sqrt(MAX_RENDER_PIXELS / pixels)
    return scale


def _render(page, dpi: float) -> Image.Image:
    width, height = page.get_size()
    bitmap = page.render(scale=_render_scale(width, height, dpi), grayscale=True)
    try:
        image = bitmap.to_pil()
        # Own the pixels: the PIL image shares the bitmap's buffer, which is freed with the bitmap.
        return image.convert("L") if image.mode != "L" else image.copy()
    finally:
        bitmap.close()


def rasterize_pdf(source: str | Path | bytes, dpi: int = 150) -> Iterator[Image.Image]:
    """Render each page of a PDF (a path or the bytes) to a greyscale image at `dpi`; raises on a bad PDF."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(source) if isinstance(source, Path) else source)
    try:
        for i in range(len(document)):
            page = document[i]
            try:
                image = _render(page, dpi)
            finally:
                page.close()
            yield image
    finally:
        document.close()


def _render_one(path: Path, index: int, dpi: float) -> Image.Image:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        page = document[index]
        try:
            return _render(page, dpi)
        finally:
            page.close()
    finally:
        document.close()


@dataclass
class PageResult:
    """What one page (or one image file) gave. `problem` is one line when nothing could be read from it."""

    source: str
    page: int | None  # 1-based for PDFs and multi-frame images; None for a single image
    texts: list[str]
    decoders: dict[str, int]  # how many distinct texts each decoder that ran read
    problem: str | None = None
    notes: list[str] = field(default_factory=list)  # e.g. a decoder crashed, or one code of several was unreadable
    searched_hard: bool = True  # False: nothing found at a first look, and not searched harder (not needed)


def _page_result(source: str, page: int | None, report: DecodeReport) -> PageResult:
    texts = report.combined
    counts = {n: len(t) for n, t in report.texts.items()}
    notes = list(report.failures)
    if report.unreadable:
        what = "a QR code" if report.unreadable == 1 else f"{report.unreadable} QR codes"
        notes.append(f"{what} on this page could not be read")
    problem = None
    if not texts:
        if report.unreadable:
            problem = "a QR code was found but could not be read" if report.unreadable == 1 else (
                f"{report.unreadable} QR codes were found but could not be read")
        elif report.failures:
            problem = "no QR code read (" + "; ".join(report.failures) + ")"
        else:
            problem = "no QR code found"
        notes = [n for n in notes if "could not be read" not in n]
    return PageResult(source, page, texts, counts, problem, notes)


def _problem(source: str, page: int | None, problem: str) -> PageResult:
    return PageResult(source, page, [], {}, problem)


def _os_problem(e: OSError) -> str:
    reason = e.strerror or str(e) or type(e).__name__
    return f"cannot read it: {reason[0].lower() + reason[1:]}"


def _image_problem(e: Exception) -> str:
    text = str(e)
    if "truncated" in text.lower():
        return "truncated image"
    if isinstance(e, Image.DecompressionBombError):
        return "image too large to scan safely"
    first = text.splitlines()[0] if text else type(e).__name__
    return f"damaged image ({first[:120]})"


def _is_pdf(path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(1024)
    return b"%PDF-" in head


@dataclass
class _Page:
    """One page read from a file: its image, or the one-line problem that stopped it; `reload` reads it again."""

    source: str
    number: int | None
    image: Image.Image | None = None
    problem: str | None = None
    reload: Callable[[], Image.Image] | None = None


def _pdf_pages(path: Path, dpi: int) -> Iterator[_Page]:
    source = str(path)
    pages = rasterize_pdf(path, dpi)
    number = 0
    while True:
        try:
            image = next(pages)
        except StopIteration:
            if number == 0:
                yield _Page(source, None, problem="the PDF has no pages")
            return
        except Exception as e:  # pypdfium2.PdfiumError and friends: one line, never a traceback
            if "password" in str(e).lower():
                why = "the PDF is password-protected"
            elif number:
                why = f"damaged PDF: page {number + 1} could not be rendered"
            else:
                why = "damaged PDF: it could not be opened"
            yield _Page(source, number + 1 if number else None, problem=why)
            return
        number += 1
        yield _Page(source, number, image, reload=lambda i=number - 1: _render_one(path, i, dpi))


def _open_image(path: Path) -> tuple[Image.Image | None, str | None]:
    try:
        return Image.open(path), None
    except UnidentifiedImageError:
        return None, "not an image or PDF"
    except OSError as e:
        return None, _os_problem(e)
    except Exception as e:  # bombs, and a corrupt header can raise nearly anything inside a Pillow plugin
        return None, _image_problem(e)


def _frame(path: Path, index: int) -> Image.Image:
    opened, problem = _open_image(path)
    if opened is None:
        raise OSError(problem)
    with opened:
        opened.seek(index)
        opened.load()
        gray = to_gray(opened)
        return gray.copy() if gray is opened else gray


def _image_pages(path: Path) -> Iterator[_Page]:
    source = str(path)
    opened, problem = _open_image(path)
    if opened is None:
        yield _Page(source, None, problem=problem)
        return
    with opened:
        try:
            frames = getattr(opened, "n_frames", 1) or 1
        except Exception as e:  # counting frames reads the file
            yield _Page(source, None, problem=_image_problem(e))
            return
        iterator = ImageSequence.Iterator(opened)
        for index in range(frames):
            number = index + 1 if frames > 1 else None
            try:
                frame = next(iterator)
                frame.load()
                gray = to_gray(frame)
            except StopIteration:
                return
            except Exception as e:  # truncated data, bad compression, bombs: one line
                yield _Page(source, number, problem=_image_problem(e))
                return
            yield _Page(source, number, gray, reload=lambda i=index: _frame(path, i))


def _file_pages(path: Path, dpi: int) -> Iterator[_Page]:
    try:
        pdf = _is_pdf(path)
    except OSError as e:
        yield _Page(str(path), None, problem=_os_problem(e))
        return
    yield from (_pdf_pages(path, dpi) if pdf else _image_pages(path))


def _all_pages(paths: list[str | Path], dpi: int) -> Iterator[_Page]:
    for raw in paths:
        path = Path(raw)
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as e:
            yield _Page(str(path), None, problem=_os_problem(e))
            continue
        if not exists:
            yield _Page(str(path), None, problem="no such file or folder")
        elif is_dir:
            try:
                files = _folder_files(path)
            except OSError as e:
                yield _Page(str(path), None, problem=_os_problem(e))
                continue
            if not files:
                yield _Page(str(path), None, problem="no image or PDF files in this folder")
            for f in files:
                yield from _file_pages(f, dpi)
        else:
            yield from _file_pages(path, dpi)


def shares_wanted(texts: Iterable[str]) -> bool:
    """Whether the QR texts read so far leave a share unfinished: no breakglass code at all, a share with
    codes missing, or a set with fewer than k shares. Decides whether blank-looking pages deserve a harder look."""
    groups: dict[tuple[str, int], list[qrtext.Chunk]] = {}
    for text in texts:
        try:
            chunk = qrtext.parse_chunk(text)
        except BreakglassError:
            continue
        groups.setdefault(chunk.share_key, []).append(chunk)
    if not groups:
        return True
    indexes: dict[str, set[int]] = {}
    needed: dict[str, int] = {}
    for (set_hex, index), chunks in groups.items():
        try:
            share = qrtext.assemble(chunks)
        except BreakglassError:
            return True
        indexes.setdefault(set_hex, set()).add(index)
        needed[set_hex] = share.k
    return any(len(indexes[s]) < needed[s] for s in indexes)


def _folder_files(folder: Path) -> list[Path]:
    """Image and PDF files under `folder`, recursively, sorted; hidden files and folders are skipped."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in SCAN_EXTENSIONS:
                found.append(Path(root) / name)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def scan_paths(
    paths: list[str | Path],
    dpi: int = 200,
    decoders: list[str] | None = None,
    *,
    retry: bool | str = "auto",
) -> Iterator[PageResult]:
    """Read every QR code in the given image files, PDFs and folders; one PageResult per page, as it is done.

    Folders are searched recursively (sorted; only .png .jpg .jpeg .tif .tiff .webp .bmp .gif .pdf files; hidden
    files skipped). A file named explicitly is recognised by its content whatever its name. Bad input never
    raises: a missing, unreadable, truncated or non-image file gives a PageResult with a one-line `problem`.

    retry="auto" (the default) pays only for what is needed. The first pass gives every page one plain look
    with zxing-cpp (the fast, strong decoder). Only if the codes read then leave a share unfinished (see
    shares_wanted) does a second pass take pages again with every decoder and image preparation, the most
    promising first (nothing read, then a code seen but not read, then the rest), until nothing is wanted.
    Pages where nothing was found (sheets have pages of instructions and typed lines) are reported after all
    others. retry=True retries every page that wants it at once, in order; retry=False never prepares images.
    """
    if retry not in (True, False, "auto"):
        raise ValueError(f"retry must be True, False or 'auto', not {retry!r}")
    if decoders is not None:  # refuse an impossible request once, before any file is read
        _choose_decoders(decoders)
    if retry != "auto":
        for page in _all_pages(paths, dpi):
            if page.problem is not None:
                yield _problem(page.source, page.number, page.problem)
                continue
            yield _page_result(page.source, page.number, decode_report(page.image, decoders, retry=retry))
        return
    first_look = ["zxing-cpp"] if decoders is None and "zxing-cpp" in available_decoders() else decoders
    read: list[str] = []
    blank: list[tuple[_Page, DecodeReport]] = []  # nothing read: reported at the end
    wanting: list[_Page] = []  # a code seen but not read, or a decoder failed
    complete: list[_Page] = []
    for page in _all_pages(paths, dpi):
        if page.problem is not None:
            yield _problem(page.source, page.number, page.problem)
            continue
        report = decode_report(page.image, first_look, retry=False)
        page.image = None  # read again if needed, rather than held in memory
        if not report.combined:
            blank.append((page, report))
            continue
        read.extend(report.combined)
        (wanting if report.unreadable or report.failures else complete).append(page)
        yield _page_result(page.source, page.number, report)
    looked_again = {}
    for page in [p for p, _ in blank] + wanting + complete:
        if not shares_wanted(read):
            break
        try:
            image = page.reload()
        except Exception as e:  # the file changed or vanished since the first look
            looked_again[id(page)] = _problem(page.source, page.number, f"could not be read again ({_image_problem(e)})")
            continue
        report = decode_report(image, decoders, retry=True)
        new = [t for t in report.combined if t not in read]
        read.extend(new)
        result = _page_result(page.source, page.number, report)
        if id(page) in {id(p) for p, _ in blank}:
            looked_again[id(page)] = result
        elif new:
            result.notes.append(f"read again with image preparation: {len(new)} more code(s)")
            yield result
    for page, report in blank:
        result = looked_again.get(id(page))
        if result is None:
            result = _page_result(page.source, page.number, report)
            result.notes.append("not searched harder: the shares read elsewhere are complete")
            result.searched_hard = False
        yield result
