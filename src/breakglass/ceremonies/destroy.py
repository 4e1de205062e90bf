"""`breakglass destroy`: the witnessed destruction of sheets, recorded in the journal as one 'destroy' event.

Refused, with nothing recorded: one person in both roles, a sheet named twice or not in the SHARE[.COPY]
grammar, bag serials that do not pair with the sheets, a set this journal never made, a sheet never printed or
already recorded destroyed. Destroying sheets of a live set (not retired, not replaced by an expansion) is
allowed but unusual: `say` warns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import BreakglassError
from ..format.share import parse_set_id_text, set_id_text
from ..record.journal import append_event, origin_fingerprint, read_journal, require_journal, set_origin, stamped
from ..record.people import check_text, check_two_people
from ..record.sets import SetHistory
from ..record.sheetnumbers import SheetNumberError, parse_sheet


@dataclass(frozen=True)
class DestroyRequest:
    journal_path: Path
    set_id: str  # as typed from the sheet
    sheets: tuple[str, ...]  # SHARE or SHARE.COPY, as typed
    bags: tuple[str, ...]  # one serial per sheet, in the same order, or none
    operator: str
    witness: str | None
    solo: str | None = None


@dataclass(frozen=True)
class Destruction:
    """What was recorded: the set, the sheets (share, copy) and the event code with its time."""

    set_text: str
    sheets: tuple[tuple[int, int], ...]
    stamped_code: str


def run_destroy(req: DestroyRequest, now: datetime, say: Callable[[str], None]) -> Destruction:
    check_two_people(req.operator, req.witness, req.solo, journalled=True)
    set_text = set_id_text(parse_set_id_text(req.set_id))
    sheets = _sheets(req.sheets)
    bags = _bags(req.bags, len(sheets))
    require_journal(req.journal_path)
    entries = read_journal(req.journal_path)
    history = SetHistory(entries)
    origin = set_origin(entries, set_text)
    if origin is None:
        raise BreakglassError(
            f"set {set_text} was never made in journal {req.journal_path} (no split or rotation of "
            "it): check the set id on the sheets; nothing was recorded"
        )
    _refuse_unknown_sheets(history, set_text, sheets, say)
    replaced = history.replaced(set_text)
    if set_text not in history.retired and any(sheet not in replaced for sheet in sheets):
        say(
            f"warning: set {set_text} has not been retired by a rotation or reshare, and these sheets were not "
            "replaced by an expansion: destroying sheets of a live set is unusual"
        )
    records = [
        {"share": share, "copy": copy, **({"bag": bags[i]} if bags else {})} for i, (share, copy) in enumerate(sheets)
    ]
    extra: dict = {"sheets": records}
    if req.solo:
        extra["solo"] = req.solo
    entry = append_event(
        req.journal_path,
        "destroy",
        set_id=set_text,
        shares=sorted({s for s, _ in sheets}),
        fingerprint=origin_fingerprint(origin),
        operator=req.operator,
        witness=req.witness,
        extra=extra,
        now=now,
    )
    return Destruction(set_text, tuple(sheets), stamped(entry))


def _sheets(texts: tuple[str, ...]) -> list[tuple[int, int]]:
    sheets: list[tuple[int, int]] = []
    for text in texts:
        try:
            sheet = parse_sheet(text)
        except SheetNumberError as e:
            raise BreakglassError(f"--sheet {e}") from None
        if sheet in sheets:
            raise BreakglassError(f"--sheet {sheet[0]}.{sheet[1]} is given twice")
        sheets.append(sheet)
    return sheets


def _bags(bags: tuple[str, ...], sheets: int) -> list[str]:
    if bags and len(bags) != sheets:
        raise BreakglassError(
            f"{len(bags)} --bag serial(s) for {sheets} --sheet(s): give one bag per sheet, in the same order, or none"
        )
    if any(not b.strip() for b in bags):
        raise BreakglassError("--bag serials cannot be empty")
    for bag in bags:
        check_text("--bag", bag)
    return [b.strip() for b in bags]


def _refuse_unknown_sheets(history: SetHistory, set_text: str, sheets: list[tuple[int, int]], say) -> None:
    """Only sheets that were printed, and not already destroyed, can be destroyed now."""
    unknown = [f"{s}.{c}" for s, c in sheets if history.sheet_exists(set_text, s, c) is False]
    if unknown:
        printed = (
            ", ".join(f"{s}.{c}" for s, c in sorted(history.sheets(set_text))) or f"shares 1 to {history.n(set_text)}"
        )
        raise BreakglassError(
            f"sheet(s) {', '.join(unknown)} of set {set_text} were never printed (printed: {printed}); "
            "nothing was recorded"
        )
    gone = history.destroyed.get(set_text, {})
    again = [f"{s}.{c} (by {gone[(s, c)].code})" for s, c in sheets if (s, c) in gone]
    if again:
        raise BreakglassError(
            f"sheet(s) {', '.join(again)} of set {set_text} were already recorded destroyed; nothing was recorded"
        )
    if any(history.sheet_exists(set_text, s, c) is None for s, c in sheets):
        say(f"warning: the journal does not list the sheets of set {set_text}: the sheet numbers could not be checked")
