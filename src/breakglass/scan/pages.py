"""scan_paths: every page of every file given, read with the least work that finds the shares; one result each.

The first pass gives every page one plain look with zxing-cpp; only if the codes read leave a share unfinished
are pages taken again with every decoder and image preparation (see scan_paths).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from PIL.Image import Image

from ..errors import BreakglassError
from ..format import qrtext
from .decode import DecodeReport, decode_report
from .decoders import available_decoders, choose_decoders
from .files import Page, all_pages, image_problem
from .images import looks_blank

BLANK = "blank page (nothing on it)"


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


def page_result(source: str, page: int | None, report: DecodeReport) -> PageResult:
    texts = report.combined
    counts = {n: len(t) for n, t in report.texts.items()}
    notes = list(report.failures)
    if report.unreadable:
        what = "a QR code" if report.unreadable == 1 else f"{report.unreadable} QR codes"
        notes.append(f"{what} on this page could not be read")
    problem = None
    if not texts:
        if report.unreadable:
            problem = (
                "a QR code was found but could not be read"
                if report.unreadable == 1
                else (f"{report.unreadable} QR codes were found but could not be read")
            )
        elif report.failures:
            problem = "no QR code read (" + "; ".join(report.failures) + ")"
        else:
            problem = "no QR code found"
        notes = [n for n in notes if "could not be read" not in n]
    return PageResult(source, page, texts, counts, problem, notes)


def problem_result(source: str, page: int | None, problem: str) -> PageResult:
    return PageResult(source, page, [], {}, problem)


def _blank(page: Page) -> bool:
    return page.blank or (page.image is not None and looks_blank(page.image))


def _chunks_by_share(texts: Iterable[str]) -> dict[tuple[int, str, int], list]:
    groups: dict[tuple[int, str, int], list] = {}
    for text in texts:
        try:
            chunk = qrtext.parse_chunk(text)
        except BreakglassError:
            continue
        groups.setdefault((chunk.version, *chunk.share_key), []).append(chunk)
    return groups


def _rebuilt(chunks: list):
    """The share the chunks of one share make, or None while they are not enough: `data_count` of its codes
    (format 2: any of them, its parity codes make up for the others; format 1: every one)."""
    if len({c.number for c in chunks}) < chunks[0].data_count:
        return None  # not enough codes yet: no need to try rebuilding the share
    try:
        return qrtext.assemble(chunks)
    except BreakglassError:
        return None


def unfinished_shares(texts: Iterable[str]) -> set[tuple[int, str, int]]:
    """(format, set, share) of every share some of whose codes were read but not yet enough to rebuild it."""
    return {key for key, chunks in _chunks_by_share(texts).items() if _rebuilt(chunks) is None}


def shares_wanted(texts: Iterable[str]) -> bool:
    """Whether the QR texts read so far leave a share unfinished: no breakglass code at all, a share with
    codes missing, or a set with fewer than k shares. Decides whether blank-looking pages deserve a harder look.

    A format-2 share is finished as soon as any `data` of its codes are read (its parity codes make up for the
    others), so the pages holding the rest are not searched harder."""
    groups = _chunks_by_share(texts)
    if not groups:
        return True
    indexes: dict[tuple[int, str], set[int]] = {}
    needed: dict[tuple[int, str], int] = {}
    for (version, set_hex, index), chunks in groups.items():
        share = _rebuilt(chunks)
        if share is None:
            return True
        indexes.setdefault((version, set_hex), set()).add(index)
        needed[(version, set_hex)] = share.k
    return any(len(indexes[s]) < needed[s] for s in indexes)


def page_wanted(first_look: list[str], read: list[str]) -> Callable[[list[str]], bool]:
    """Whether a page deserves more looks, given what it gave so far: a page with codes of an unfinished share
    may hold more of them (unseen at a first look); a page that gave no code, while any share is wanted."""

    def wanted(texts: list[str]) -> bool:
        keys = set(_chunks_by_share([*first_look, *texts]))
        everything = [*read, *texts]
        return bool(keys & unfinished_shares(everything)) if keys else shares_wanted(everything)

    return wanted


def scan_paths(
    paths: list[str | Path],
    dpi: int = 200,
    decoders: list[str] | None = None,
    *,
    retry: bool | str = "auto",
    progress: Callable[[str, int, int], None] | None = None,
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

    Blank pages (nothing printed, see images.looks_blank) are reported as such and never decoded or retried.
    `progress(stage, pages, codes)`, if given, is called before every look at a page: stage "first look" or
    "again", how many pages that stage has looked at so far, and how many QR texts were read.
    """
    if retry not in (True, False, "auto"):
        raise ValueError(f"retry must be True, False or 'auto', not {retry!r}")
    if decoders is not None:  # refuse an impossible request once, before any file is read
        choose_decoders(decoders)
    tick = progress or (lambda stage, pages, codes: None)
    if retry != "auto":
        yield from _every_page_in_order(paths, dpi, decoders, retry is True, tick)
        return
    first_look = ["zxing-cpp"] if decoders is None and "zxing-cpp" in available_decoders() else decoders
    looks = _Looks()
    yield from _first_looks(all_pages(paths, dpi), first_look, looks, tick)
    yield from _second_looks(looks, decoders, tick)
    yield from _unread_pages(looks)
    yield from looks.empty


def _every_page_in_order(paths, dpi: int, decoders, retry: bool, tick) -> Iterator[PageResult]:
    """retry=True or False: each page decoded once, in order, with image preparation or without."""
    codes = 0
    for number, page in enumerate(all_pages(paths, dpi)):
        tick("first look", number, codes)
        blank = _blank(page)
        if page.problem is not None or blank:
            yield problem_result(page.source, page.number, page.problem or BLANK)
        else:
            result = page_result(
                page.source, page.number, decode_report(cast(Image, page.image), decoders, retry=retry)
            )
            codes += len(result.texts)
            yield result


@dataclass
class _Looks:
    """What retry="auto" learnt of the pages: the texts read, and the pages sorted by what a second look may give."""

    read: list[str] = field(default_factory=list)
    first_texts: dict[int, list[str]] = field(default_factory=dict)  # id(page) -> what the first look read on it
    unread: list[tuple[Page, DecodeReport]] = field(default_factory=list)  # nothing read: reported at the end
    empty: list[PageResult] = field(default_factory=list)  # nothing on the page: never decoded, reported last
    wanting: list[Page] = field(default_factory=list)  # a code seen but not read, or a decoder failed
    complete: list[Page] = field(default_factory=list)
    again: dict[int, PageResult] = field(default_factory=dict)  # id(page) -> an unread page's second look


def _first_looks(pages: Iterator[Page], decoders, looks: _Looks, tick) -> Iterator[PageResult]:
    """One plain look at every page; pages with codes are reported now, the others kept for later."""
    for number, page in enumerate(pages):
        tick("first look", number, len(looks.read))
        if page.problem is not None:
            yield problem_result(page.source, page.number, page.problem)
            continue
        if _blank(page):
            looks.empty.append(problem_result(page.source, page.number, BLANK))
            continue
        report = decode_report(cast(Image, page.image), decoders, retry=False)  # a page without a problem has one
        page.image = None  # read again if needed, rather than held in memory
        if not report.combined:
            looks.unread.append((page, report))
            continue
        looks.read.extend(report.combined)
        looks.first_texts[id(page)] = report.combined
        (looks.wanting if report.unreadable or report.failures else looks.complete).append(page)
        yield page_result(page.source, page.number, report)


def _second_looks(looks: _Looks, decoders, tick) -> Iterator[PageResult]:
    """Pages again, with every decoder and image preparation, the most promising first, while a share is
    unfinished. New codes on a page already reported are reported now; unread pages' looks are kept."""
    unread = {id(p) for p, _ in looks.unread}
    for number, page in enumerate([p for p, _ in looks.unread] + looks.wanting + looks.complete):
        if not shares_wanted(looks.read):
            break
        tick("again", number, len(looks.read))
        try:
            image = cast(Callable[[], Image], page.reload)()  # a decoded page can be read again
        except Exception as e:  # the file changed or vanished since the first look
            looks.again[id(page)] = problem_result(
                page.source, page.number, f"could not be read again ({image_problem(e)})"
            )
            continue
        report = decode_report(
            image, decoders, retry=True, wanted=page_wanted(looks.first_texts.get(id(page), []), looks.read)
        )
        new = [t for t in report.combined if t not in looks.read]
        looks.read.extend(new)
        result = page_result(page.source, page.number, report)
        if id(page) in unread:
            looks.again[id(page)] = result
        elif new:
            result.notes.append(f"read again with image preparation: {len(new)} more code(s)")
            yield result


def _unread_pages(looks: _Looks) -> Iterator[PageResult]:
    """Pages where nothing was read, after all the others: their second look, or why there was none."""
    for page, report in looks.unread:
        result = looks.again.get(id(page))
        if result is None:
            result = page_result(page.source, page.number, report)
            result.notes.append("not searched harder: the shares read elsewhere are complete")
            result.searched_hard = False
        yield result
