"""Gather shares from whatever the incident lead has: QR texts from scans, typed text; keep where each came from.

A share may arrive as several QR chunks across pages and files, as duplicate codes on one sheet, as several
printed copies, or typed; in format 1 or format 2. A format-2 share is rebuilt from any large enough subset of
its codes, whichever copy they were printed on. Everything that cannot be used becomes one line in `problems`,
and the rest goes on. Two different shares with one number are both kept: recombination decides.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..errors import BreakglassError
from ..format import qrtext, typed
from ..format.formats import AnyChunk, AnyShare
from ..format.share import set_id_text


@dataclass
class FoundShare:
    share: AnyShare
    sources: list[str] = field(default_factory=list)
    copies: set[int] = field(default_factory=set)

    @property
    def name(self) -> str:
        return self.share.name


@dataclass
class ShareCollector:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _chunks: dict[tuple, list[AnyChunk]] = field(default_factory=lambda: defaultdict(list))
    _chunk_sources: dict[tuple, list[str]] = field(default_factory=lambda: defaultdict(list))
    _chunk_origins: dict[tuple, list[str]] = field(default_factory=lambda: defaultdict(list))  # one per chunk
    _typed: list[FoundShare] = field(default_factory=list)

    def add_qr_texts(self, texts: list[str], source: str) -> list[AnyChunk]:
        """Parse the QR texts read from one page; foreign codes are noted once per page, not fatal, and so is
        each distinct problem (a page of codes from a newer breakglass gives one line, not one per code)."""
        chunks, foreign, page_problems = [], 0, []
        for text in texts:
            try:
                chunk = qrtext.parse_chunk(text)
            except BreakglassError as e:
                if not qrtext.is_breakglass(text):
                    foreign += 1
                elif str(e) not in page_problems:
                    page_problems.append(str(e))
                continue
            chunks.append(chunk)
            key = (chunk.version, *chunk.share_key)
            self._chunks[key].append(chunk)
            self._chunk_origins[key].append(source)
            if source not in self._chunk_sources[key]:
                self._chunk_sources[key].append(source)
        self.problems.extend(f"{source}: {p}" for p in page_problems)
        if foreign:
            self.problems.append(f"{source}: {foreign} QR code(s) that are not breakglass shares, skipped")
        return chunks

    def add_typed_text(self, text: str, source: str) -> list[AnyShare]:
        reading = typed.read_text(text)
        self.problems.extend(f"{source}: {p}" for p in reading.problems)
        self.notes.extend(f"{source}: {n}" for n in reading.notes)
        for share, copy in zip(reading.shares, reading.copies, strict=True):
            self._typed.append(FoundShare(share, [f"{source} (typed)"], {copy}))
        return reading.shares

    def add_typed_share(self, share: AnyShare, copy: int, source: str) -> None:
        self._typed.append(FoundShare(share, [source], {copy}))

    def shares(self) -> list[FoundShare]:
        """Every usable share, each once (copies and duplicate codes merged), in set and share order."""
        merged: dict[bytes, FoundShare] = {}

        def merge(found: FoundShare) -> None:
            raw = found.share.to_bytes()
            if raw in merged:
                merged[raw].sources.extend(s for s in found.sources if s not in merged[raw].sources)
                merged[raw].copies |= found.copies
            else:
                merged[raw] = found

        for key, chunks in self._chunks.items():
            if chunks[0].version == 1:
                for share, origins in self._format1(chunks, self._chunk_origins[key], self._chunk_sources[key]):
                    merge(FoundShare(share, origins, {c.copy for c in chunks}))
                continue
            sources = ", ".join(self._chunk_sources[key])
            try:
                rebuilt, problems = qrtext.assemble_all(chunks)
            except BreakglassError as e:
                rebuilt, problems = [], [str(e)]
            if not rebuilt:
                self.problems.extend(f"{sources}: {p}" for p in problems)
            for share in rebuilt:
                merge(FoundShare(share, list(self._chunk_sources[key]), {c.copy for c in chunks}))
        for found in self._typed:
            merge(found)
        return sorted(merged.values(), key=lambda f: (f.share.set_id, f.share.index))

    def _format1(
        self, chunks: list[AnyChunk], origins: list[str], sources: list[str]
    ) -> list[tuple[AnyShare, list[str]]]:
        """A format-1 share from its chunks. When they conflict (mixed shares, two versions of one code: a
        misprint or forged codes reusing the set id and share number), each file or page is tried alone, and
        what its chunks make whole is kept (recombination then decides between shares that differ); the problem
        is one line that names the share first, then where its codes came from."""
        try:
            return [(qrtext.assemble(chunks), list(sources))]
        except BreakglassError as e:
            why = str(e)
        by_origin: dict[str, list[AnyChunk]] = defaultdict(list)
        for chunk, origin in zip(chunks, origins, strict=True):
            by_origin[origin].append(chunk)
        rebuilt: dict[bytes, tuple[AnyShare, str]] = {}
        for origin, own in by_origin.items():
            try:
                share = qrtext.assemble(own)
            except BreakglassError:
                continue
            rebuilt.setdefault(share.to_bytes(), (share, origin))
        where = _few(list(by_origin))
        kept = (
            f"; rebuilt from {_few([origin for _, origin in rebuilt.values()])} alone, the other codes set aside"
            if rebuilt
            else "; no file or page holds it whole on its own"
        )
        self.problems.append(f"{why} ({len(chunks):,} QR codes from {where}){kept}")
        return [(share, [origin]) for share, origin in rebuilt.values()]


def _few(names: list[str], shown: int = 3) -> str:
    """'a, b, c and 997 more': a list of sources that stays one readable line."""
    more = f" and {len(names) - shown:,} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def describe(found: FoundShare) -> str:
    copies = ""
    if len(found.copies) > 1:
        copies = f" (copies {', '.join(map(str, sorted(found.copies)))}: same share, counted once)"
    elif found.copies and max(found.copies) > 1:
        copies = f" (copy {max(found.copies)})"
    share = found.share
    # A format-1 share printed by expand keeps the split's n in its header: "share 5 of 3" would read as an error.
    count = f"added after the split of {share.n}" if share.index > share.n else f"of {share.n}"
    return f"share {share.index} {count}, set {set_id_text(share.set_id)}{copies}, from {', '.join(found.sources)}"
