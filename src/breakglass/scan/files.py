"""Scanned files in, page images out: images (any frame), PDFs (rendered with pdfium), folders (recursed).

    rasterize_pdf(source, dpi)      one greyscale image per PDF page (pypdfium2)
    all_pages(paths, dpi)           every page of every file and folder given, or a one-line problem for it

Bad input never raises: a missing, unreadable, truncated or non-image file becomes a Page with a `problem`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from .images import to_gray

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp", ".gif"})
PDF_EXTENSIONS = frozenset({".pdf"})
SCAN_EXTENSIONS = IMAGE_EXTENSIONS | PDF_EXTENSIONS
MAX_RENDER_PIXELS = 80_000_000  # a PDF page is rendered at lower resolution rather than past this


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
    with path.open("rb") as f:
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


def _pdf_pages(path: Path, dpi: int) -> Iterator[Page]:
    source = str(path)
    pages = rasterize_pdf(path, dpi)
    number = 0
    while True:
        try:
            image = next(pages)
        except StopIteration:
            if number == 0:
                yield Page(source, None, problem="the PDF has no pages")
            return
        except Exception as e:  # pypdfium2.PdfiumError and friends: one line, never a traceback
            if "password" in str(e).lower():
                why = "the PDF is password-protected"
            elif number:
                why = f"damaged PDF: page {number + 1} could not be rendered"
            else:
                why = "damaged PDF: it could not be opened"
            yield Page(source, number + 1 if number else None, problem=why)
            return
        number += 1
        yield Page(source, number, image, reload=lambda i=number - 1: _render_one(path, i, dpi))


def _open_image(path: Path) -> tuple[Image.Image | None, str | None]:
    try:
        return Image.open(path), None
    except UnidentifiedImageError:
        return None, "not an image or PDF"
    except OSError as e:
        return None, _os_problem(e)
    except Exception as e:  # bombs, and a corrupt header can raise nearly anything inside a Pillow plugin
        return None, image_problem(e)


def _frame(path: Path, index: int) -> Image.Image:
    opened, problem = _open_image(path)
    if opened is None:
        raise OSError(problem)
    with opened:
        opened.seek(index)
        opened.load()
        gray = to_gray(opened)
        return gray.copy() if gray is opened else gray


def _image_pages(path: Path) -> Iterator[Page]:
    source = str(path)
    opened, problem = _open_image(path)
    if opened is None:
        yield Page(source, None, problem=problem)
        return
    with opened:
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
                frame.load()
                gray = to_gray(frame)
            except StopIteration:
                return
            except Exception as e:  # truncated data, bad compression, bombs: one line
                yield Page(source, number, problem=image_problem(e))
                return
            yield Page(source, number, gray, reload=lambda i=index: _frame(path, i))


def _file_pages(path: Path, dpi: int) -> Iterator[Page]:
    try:
        pdf = _is_pdf(path)
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
    """Image and PDF files under `folder`, recursively, sorted; hidden files and folders are skipped."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in SCAN_EXTENSIONS:
                found.append(Path(root) / name)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)
