"""Scanned files in, page images out: images (any frame), PDFs (rendered with pdfium), folders (recursed).

    rasterize_pdf(source, dpi)      one greyscale image per PDF page (pypdfium2)
    pdf_text(source)                a PDF's text layer (the typed block read back after a split)
    all_pages(paths, dpi)           every page of every file and folder given, or a one-line problem for it
    count_pages(paths)              how many pages that will be, for progress ("page 120 of 2,000")

Bad input never raises: a missing, unreadable, truncated or non-image file becomes a Page with a `problem`.
So does a FIFO, socket or device (refused before anything waits on it), a file over MAX_SCAN bytes, and an
image over MAX_IMAGE_PIXELS (a decompression bomb is a one-line problem, never a warning on the terminal).
A PDF page with nothing drawn on it is not rendered at all: `blank` says so.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from ..system.inputs import MAX_SCAN, Refused, open_regular
from .images import looks_blank, to_gray

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp", ".gif"})
PDF_EXTENSIONS = frozenset({".pdf"})
SCAN_EXTENSIONS = IMAGE_EXTENSIONS | PDF_EXTENSIONS
MAX_RENDER_PIXELS = 80_000_000  # a PDF page is rendered at lower resolution rather than past this
MAX_IMAGE_PIXELS = 150_000_000  # an A4 page scanned at 1200 dpi is 140 million; more is refused, not decoded


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


def pdf_text(source: bytes) -> str:
    """The text layer of a PDF (the bytes), page after page, as pdfium extracts it; raises on a bad PDF."""
    import pypdfium2

    document = pypdfium2.PdfDocument(source)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def _open_pdf(path: Path):
    """A pdfium document read through a file opened safely (never a FIFO that would hang pdfium's own open)."""
    import pypdfium2

    return pypdfium2.PdfDocument(open_regular(path, "scan", MAX_SCAN), autoclose=True)


def renderer_errors() -> tuple[type[BaseException], ...]:
    """What pdfium (through pypdfium2) raises for a page it cannot load, walk or render, and what converting its
    bitmap to a PIL image raises for a format it does not know. Caught around those calls only: an error in
    breakglass's own code is a bug and must reach the CLI's exit 3, not pass for a damaged page."""
    import pypdfium2

    return (pypdfium2.PdfiumError, ValueError, KeyError, OSError, MemoryError)


def _top_objects(page) -> list | None:
    """The page's first nine top-level objects as (type, object), or None if pdfium cannot list them."""
    try:
        return [(o.type, o) for o in itertools.islice(page.get_objects(max_depth=1), 9)]
    except renderer_errors():
        return None


def _embedded_picture(image_object) -> Image.Image | None:
    """An image object's own pixels, unrendered; None if too large to look at or pdfium cannot decode it."""
    try:
        width, height = image_object.get_px_size()
        if width * height > MAX_IMAGE_PIXELS:
            return None
        return image_object.get_bitmap(render=False).to_pil()
    except renderer_errors():
        return None


def _is_empty_page(page) -> bool:
    """Nothing that could be a QR code is drawn on it, told without rendering the page: no objects at all, or
    only images (a scanner's PDF) that are each one flat colour. Rendering a scanned page at 300 dpi costs
    ~160 ms; reading its image ~10 ms. Anything unusual is rendered and left to the decoders."""
    import pypdfium2.raw as pdfium_c

    objects = _top_objects(page)
    if objects == []:
        return True
    if objects is None or len(objects) > 8 or any(kind != pdfium_c.FPDF_PAGEOBJ_IMAGE for kind, _ in objects):
        return False
    for _kind, image_object in objects:
        picture = _embedded_picture(image_object)
        if picture is None or not looks_blank(to_gray(picture)):
            return False
    return True


def _image_sizes(page) -> list[tuple[int, int]] | None:
    """The pixel sizes of the images anywhere on the page (the first 10,000 objects); None if pdfium fails."""
    import pypdfium2.raw as pdfium_c

    try:
        return [
            item.get_px_size()
            for item in itertools.islice(page.get_objects(max_depth=4), 10_000)
            if item.type == pdfium_c.FPDF_PAGEOBJ_IMAGE
        ]
    except renderer_errors():
        return None


def _oversized_image(page) -> str | None:
    """Why a page is not rendered: it holds an image larger than an image file may be. pdfium decodes every
    image whole to render a page, whatever the render's size (a 20,000 x 20,000 pixel image in a 1.4 MB PDF
    took 1.3 GB and 12 s), so the limit on image files applies to images inside PDFs too. An odd page tree
    pdfium cannot walk is rendered, as before: the decoders' business."""
    for size in _image_sizes(page) or ():
        problem = _pixels_problem(*size)
        if problem:
            return f"holds an {problem}"
    return None


def _render_one(path: Path, index: int, dpi: float) -> Image.Image:
    document = _open_pdf(path)
    try:
        page = document[index]
        try:
            return _render(page, dpi)
        finally:
            page.close()
    finally:
        document.close()


def _os_problem(e: OSError) -> str:
    reason = e.strerror or str(e) or type(e).__name__
    return f"cannot read it: {reason[0].lower() + reason[1:]}"


def image_problem(e: Exception) -> str:
    text = str(e)
    if "truncated" in text.lower():
        return "truncated image"
    if isinstance(e, Image.DecompressionBombError):
        return "image too large to scan safely"
    first = text.splitlines()[0] if text else type(e).__name__
    return f"damaged image ({first[:120]})"


def _is_pdf(path: Path) -> bool:
    with open_regular(path, "scan", MAX_SCAN) as f:
        head = f.read(1024)
    return b"%PDF-" in head


@dataclass
class Page:
    """One page read from a file: its image, or the one-line problem that stopped it; `reload` reads it again."""

    source: str
    number: int | None
    image: Image.Image | None = None
    problem: str | None = None
    reload: Callable[[], Image.Image] | None = None
    blank: bool = False  # a PDF page with nothing drawn on it (not rendered)


def _pdf_pages(path: Path, dpi: int) -> Iterator[Page]:
    source = str(path)
    try:
        document = _open_pdf(path)
    except Refused as e:
        yield Page(source, None, problem=e.why.removeprefix("is "))
        return
    except renderer_errors() as e:  # pypdfium2.PdfiumError and friends: one line, never a traceback
        why = "the PDF is password-protected" if "password" in str(e).lower() else "damaged PDF: it could not be opened"
        yield Page(source, None, problem=why)
        return
    try:
        count = len(document)
        if count == 0:
            yield Page(source, None, problem="the PDF has no pages")
        for index in range(count):
            yield _pdf_page(document, path, index, dpi)
    finally:
        document.close()


def _pdf_page(document, path: Path, index: int, dpi: int) -> Page:
    """One page: blank, refused, rendered, or a damaged page that pdfium could not load or render (the next
    page is read all the same). Errors of breakglass's own code are not caught here: they are bugs."""
    source, number = str(path), index + 1
    damaged = Page(source, number, problem=f"damaged PDF: page {number} could not be rendered")
    try:
        page = document[index]
    except renderer_errors():
        return damaged
    try:
        if _is_empty_page(page):
            return Page(source, number, blank=True)
        problem = _oversized_image(page)
        if problem:
            return Page(source, number, problem=problem)
        try:
            image = _render(page, dpi)
        except renderer_errors():
            return damaged
    finally:
        page.close()
    return Page(source, number, image, reload=lambda: _render_one(path, index, dpi))


def too_many_pixels(image: Image.Image) -> str | None:
    return _pixels_problem(*image.size)


def _pixels_problem(width: int, height: int) -> str | None:
    if width * height > MAX_IMAGE_PIXELS:
        return (
            f"image too large to scan safely ({width} x {height} pixels; at most "
            f"{MAX_IMAGE_PIXELS // 1_000_000} million)"
        )
    return None


def _open_image(path: Path) -> tuple[Image.Image | None, str | None]:
    try:
        stream = open_regular(path, "scan", MAX_SCAN)
    except Refused as e:
        return None, e.why.removeprefix("is ")
    try:
        with warnings.catch_warnings():  # Pillow warns of large images; the limit below says it in one line
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(stream)
        image._breakglass_stream = stream  # type: ignore[attr-defined]  # closed with the image (see _close)
    except UnidentifiedImageError:
        stream.close()
        return None, "not an image or PDF"
    except OSError as e:
        stream.close()
        return None, _os_problem(e)
    except Exception as e:  # bombs, and a corrupt header can raise nearly anything inside a Pillow plugin
        stream.close()
        return None, image_problem(e)
    problem = too_many_pixels(image)
    if problem:
        _close(image)
        return None, problem
    return image, None


def _close(image: Image.Image) -> None:
    image.close()
    stream = getattr(image, "_breakglass_stream", None)
    if stream is not None:
        stream.close()


def _frame(path: Path, index: int) -> Image.Image:
    opened, problem = _open_image(path)
    if opened is None:
        raise OSError(problem)
    try:
        opened.seek(index)
        problem = too_many_pixels(opened)
        if problem:
            raise OSError(problem)
        opened.load()
        gray = to_gray(opened)
        return gray.copy() if gray is opened else gray
    finally:
        _close(opened)


def _image_pages(path: Path) -> Iterator[Page]:
    source = str(path)
    opened, problem = _open_image(path)
    if opened is None:
        yield Page(source, None, problem=problem)
        return
    try:
        try:
            frames = getattr(opened, "n_frames", 1) or 1
        except Exception as e:  # counting frames reads the file
            yield Page(source, None, problem=image_problem(e))
            return
        iterator = ImageSequence.Iterator(opened)
        for index in range(frames):
            number = index + 1 if frames > 1 else None
            try:
                frame = next(iterator)
                problem = too_many_pixels(frame)
                if problem:
                    yield Page(source, number, problem=problem)
                    return
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                    frame.load()
                gray = to_gray(frame)
            except StopIteration:
                return
            except Exception as e:  # truncated data, bad compression, bombs: one line
                yield Page(source, number, problem=image_problem(e))
                return
            yield Page(source, number, gray, reload=functools.partial(_frame, path, index))
    finally:
        _close(opened)


def _file_pages(path: Path, dpi: int) -> Iterator[Page]:
    try:
        pdf = _is_pdf(path)
    except Refused as e:
        yield Page(str(path), None, problem=e.why.removeprefix("is "))
        return
    except OSError as e:
        yield Page(str(path), None, problem=_os_problem(e))
        return
    yield from (_pdf_pages(path, dpi) if pdf else _image_pages(path))


def all_pages(paths: list[str | Path], dpi: int) -> Iterator[Page]:
    for raw in paths:
        path = Path(raw)
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as e:
            yield Page(str(path), None, problem=_os_problem(e))
            continue
        if not exists:
            yield Page(str(path), None, problem="no such file or folder")
        elif is_dir:
            try:
                files = _folder_files(path)
            except OSError as e:
                yield Page(str(path), None, problem=_os_problem(e))
                continue
            if not files:
                yield Page(str(path), None, problem="no image or PDF files in this folder")
            for f in files:
                yield from _file_pages(f, dpi)
        else:
            yield from _file_pages(path, dpi)


def _folder_files(folder: Path) -> list[Path]:
    """Image and PDF files under `folder`, recursively, sorted; hidden files and folders are skipped. Links to
    folders are not followed (no loops), and the walk keeps its own stack, so no depth of folders is too deep."""
    found = []
    stack = [folder]
    while stack:
        current = stack.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif Path(entry.name).suffix.lower() in SCAN_EXTENSIONS:
                    found.append(Path(entry.path))
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def count_pages(paths: list[str | Path]) -> int | None:
    """How many pages all_pages will give, cheaply (headers only); None if that cannot be told."""
    total = 0
    try:
        for raw in paths:
            path = Path(raw)
            for f in _folder_files(path) if path.is_dir() else [path]:
                total += _pages_in(f)
    except Exception:
        return None
    return total


def _pages_in(path: Path) -> int:
    try:
        if _is_pdf(path):
            document = _open_pdf(path)
            try:
                return len(document)
            finally:
                document.close()
        image, _ = _open_image(path)
    except Exception:
        return 1
    if image is None:
        return 1
    try:
        return getattr(image, "n_frames", 1) or 1
    except Exception:
        return 1
    finally:
        _close(image)
