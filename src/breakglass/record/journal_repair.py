"""`breakglass journal repair`: set a broken journal's bad part aside as evidence, and let the journal go on.

A power cut or a full disk in the middle of an append can leave a last line without its end; a tampered or
damaged journal breaks the chain somewhere. Either way breakglass refuses to extend it, and a release in an
emergency must not be blocked by that. Repair keeps the good lines before the first problem, moves every byte
from the first bad line on into a side file next to the journal (`JOURNAL.broken-YYYYMMDDTHHMMSSZ`, written
like every file, whole and 0600), and appends a `repair` event naming that file, its SHA-256 and the problem.
The journal is replaced in one rename under its lock. Nothing is deleted; the paper logbook and the side file
say what the set-aside lines were (docs/JOURNAL.md, "Repair").
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import BreakglassError
from ..system import files, interrupts
from .journal import (
    NO_SET,
    Entry,
    _chain_problem,
    _open_for_append,
    _parse_line,
    _read_all,
    build_entry,
    canonical,
    parse,
)
from .people import check_text


@dataclass(frozen=True)
class Repair:
    """What a repair did; `entry` is None when the journal was intact and nothing was done."""

    entry: Entry | None
    side_file: Path | None = None
    first_line: int = 0
    lines: int = 0
    complete: int = 0  # lines set aside that are well-formed entries on their own (events that may have happened)
    problem: str = ""


def _offset_of_line(raw: bytes, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = raw.index(b"\n", offset) + 1
    return offset


def _side_name(path: Path, now: datetime) -> Path:
    base = path.with_name(f"{path.name}.broken-{now.strftime('%Y%m%dT%H%M%SZ')}")
    candidate, number = base, 1
    while os.path.lexists(candidate):
        number += 1
        candidate = base.with_name(f"{base.name}-{number}")
    return candidate


def _count_lines(tail: bytes) -> tuple[int, int]:
    rows = tail.split(b"\n")
    if rows and rows[-1] == b"":
        rows.pop()
    complete = sum(1 for row in rows if _parse_line(row)[1] is None)
    return len(rows), complete


def _take_back(side: Path) -> None:
    """Remove the side file of a repair that could not replace the journal (a full disk, an I/O error)."""
    try:
        os.unlink(side)
    except OSError:
        pass


def repair_journal(
    path: str | Path, *, now: datetime, operator: str | None = None, witness: str | None = None
) -> Repair:
    path = Path(path)
    check_text("--operator", operator)
    check_text("--witness", witness)
    if not os.path.lexists(path):
        raise BreakglassError(f"journal {path} does not exist")
    fd, _ = _open_for_append(path)
    try:
        raw = _read_all(fd)
        if not raw:
            raise BreakglassError(f"journal {path} is empty: there is nothing to repair (the next ceremony starts it)")
        parsed = parse(raw)
        broken = parsed.bad or _chain_problem(parsed.entries)
        if broken is None:
            return Repair(None)
        first, why = broken
        offset = _offset_of_line(raw, first)
        kept = [e for e in parsed.entries if e.line < first]
        tail = raw[offset:]
        lines, complete = _count_lines(tail)
        problem = f"line {first} {why}"[:300]
        extra = {
            "set_aside": "",
            "from_line": first,
            "lines": lines,
            "bytes": len(tail),
            "sha256": hashlib.sha256(tail).hexdigest(),
            "problem": problem,
        }
        side = _side_name(path, now)
        extra["set_aside"] = side.name
        data = build_entry(
            kept[-1] if kept else None,
            "repair",
            set_id=NO_SET,
            shares=[],
            fingerprint="",
            operator=operator,
            witness=witness,
            extra=extra,
            now=now,
        )
        repaired = raw[:offset] + (canonical(data) + "\n").encode("utf-8")
        # All or nothing: both files are written whole under temporary names first (a full disk stops it there,
        # with neither in place); then the side file and the journal are put in place, and if the journal's
        # rename fails the side file is taken back, so a side file never names lines the journal still holds.
        with (
            interrupts.deferred(),
            files.prepare(side, tail, files.PRIVATE) as side_file,
            files.prepare(path, repaired, files.PRIVATE, force=True) as journal_file,
        ):
            side_file.commit()
            try:
                journal_file.commit()
            except BaseException:
                _take_back(side)
                raise
    finally:
        os.close(fd)  # releases the lock on the old file; writers waiting on it reopen the new one
    entry = Entry.from_data(data, len(kept) + 1)
    return Repair(entry, side, first, lines, complete, problem)
