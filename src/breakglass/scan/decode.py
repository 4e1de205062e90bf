"""Decoding one image: every decoder asked, each as a fallback or on its own, with retries on prepared images.

    decode_image(image, decoders, retry=...)      decoder name -> texts read from one image
    decode_report(image, ...)                     the same, with codes seen but unread and decoder failures

decoders=None means "every available decoder, each only as a fallback": zxing-cpp reads the page, zbar is asked
only when that left the page empty or with a code seen but not read. An explicit list runs every decoder named,
each on its own, and the result says what each one read (scan-back verification proves each decoder reads the
clean sheet by itself with retry=False). A page whose codes were all read costs one decode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from PIL import Image

from .decoders import (
    DECODER_TIMEOUT,
    ZXING,
    DecoderFailure,
    Symbol,
    choose_decoders,
    dedup,
    read_symbols,
)
from .images import ZBAR_PREPARATIONS, Prepared, preparations, to_gray


@dataclass
class DecodeReport:
    """Everything one image gave: texts per decoder (decoders that ran), codes seen but unread, decoder failures."""

    texts: dict[str, list[str]] = field(default_factory=dict)
    unreadable: int = 0  # QR codes zxing-cpp located but no decoder read, after all retries
    failures: list[str] = field(default_factory=list)
    preparations: list[str] = field(default_factory=list)  # retries that found something new

    @property
    def combined(self) -> list[str]:
        return dedup(t for texts in self.texts.values() for t in texts)


def _overlap(a: Symbol, b: Symbol) -> bool:
    reach = (a.size + b.size) / 2
    return abs(a.x - b.x) < reach and abs(a.y - b.y) < reach


class _Tally:
    def __init__(self, names: list[str]):
        self.texts: dict[str, list[str]] = {n: [] for n in names}
        self.read: list[Symbol] = []
        self.unread: list[Symbol] = []

    def add(self, name: str, symbols: list[Symbol]) -> bool:
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
        left: list[Symbol] = []
        for u in sorted(self.unread, key=lambda s: -s.size):
            if not any(_overlap(u, r) for r in self.read) and not any(_overlap(u, o) for o in left):
                left.append(u)
        return len(left)

    def wanting(self, names: Iterable[str], empty_counts: bool) -> bool:
        """Worth another look: a code was seen but not read, or (if `empty_counts`) nothing was read at all."""
        if self.unresolved():
            return True
        return empty_counts and not any(self.texts[n] for n in names)


def decode_report(
    image: Image.Image,
    decoders: list[str] | None = None,
    *,
    retry: bool = True,
    retry_empty: bool = True,
    timeout: float = DECODER_TIMEOUT,
    wanted: Callable[[list[str]], bool] | None = None,
) -> DecodeReport:
    """Like decode_image, with what went wrong: codes seen but unread, decoder crashes or timeouts.

    retry_empty=False keeps the retries for images where a code was seen but not read: an image where nothing
    at all was found (a page of instructions, or a code too damaged to be located) then costs one look.
    wanted(texts read so far), if given, says whether more is wanted from this page (recombine: a share it
    holds codes of is unfinished); the retries then go on while it says so, even on a page that looks complete,
    because a code whose finder pattern a pen stroke crossed is not even seen, let alone counted as unread.
    """
    names, cascade = choose_decoders(decoders), decoders is None
    gray = to_gray(image)
    plain = Prepared("as is", gray)
    report = DecodeReport()
    failed: set[str] = set()
    asked: set[str] = set()

    def look(name: str, tally: _Tally, prepared: Prepared) -> None:
        if name in failed:
            return
        asked.add(name)
        try:
            symbols = read_symbols(name, prepared, timeout)
        except DecoderFailure as e:
            failed.add(name)
            report.failures.append(f"{e} on this page")
            return
        if tally.add(name, symbols) and prepared is not plain:
            report.preparations.append(f"{name}: {prepared.name}")

    def more_wanted(tally: _Tally) -> bool:
        return wanted is not None and wanted(dedup(t for texts in tally.texts.values() for t in texts))

    def chain(tally: _Tally, asking: list[str]) -> None:
        for prepared in preparations(gray):
            for n in asking:
                if n == ZXING or prepared.name in ZBAR_PREPARATIONS:
                    look(n, tally, prepared)
                    if not tally.wanting(asking, True) and not more_wanted(tally):
                        return

    if cascade:
        tally = _Tally(names)
        for n in names:  # each decoder's plain look, the next only if the page still wants one
            if n == names[0] or tally.wanting(names, retry_empty):
                look(n, tally, plain)
        if retry and (tally.wanting(names, retry_empty) or more_wanted(tally)):
            chain(tally, names)
        report.texts = {n: tally.texts[n] for n in names if n in asked}
        report.unreadable = tally.unresolved()
    else:
        unresolved = 0
        for n in names:
            tally = _Tally([n])
            look(n, tally, plain)
            if retry and (tally.wanting([n], retry_empty) or more_wanted(tally)):
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
