"""The auditor's transcription of the paper logbook: one CSV row per logbook entry (templates/logbook-transcription.csv,
docs/AUDIT.md "Logbook transcription CSV").

Reading is lenient cell by cell and strict about the file: a cell that cannot be read (a share number that is
not a number, a date that is not a date) becomes a problem on that row, which the audit reports as a finding
naming the row and the field; a file without the three columns every version had is not a transcription at all.
Older transcriptions (without time, incident, reason, sheets_destroyed, new_set_id) are read; the audit says
which fields it could not check.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from ..errors import BreakglassError
from ..format.share import parse_set_id_text, set_id_text
from .inputs import BEYOND_HEADER, CannotAudit, InputFile, csv_rows
from .journal import normalize_code
from .sheetnumbers import parse_share, parse_sheet

# The first twelve are the columns of every earlier version, in their old order, so that older transcriptions
# (and rows written by position) keep their meaning; the columns added since follow.
LOGBOOK_COLUMNS = (
    "event_code",
    "date",
    "event",
    "set_id",
    "shares",
    "operator",
    "witness",
    "custodians",
    "bags_sealed",
    "bags_opened",
    "bags_destroyed",
    "notes",
    "time",
    "incident",
    "reason",
    "sheets_destroyed",
    "new_set_id",
)
REQUIRED_COLUMNS = ("event_code", "date", "event")
# Entries written only on paper, with no event code: bags sealed outside a ceremony, exceptions, notes, and
# the shredding of spoiled prints during a ceremony (not sheets of a set's record).
PAPER_ONLY_EVENTS = ("seal", "exception", "note", "destroy")
# The record page's words for an entry's type, as an auditor may copy them, and the events they are.
PAPER_WORDS = {
    "emergency release": "release",
    "rotation": "rotate",
    "destruction": "destroy",
    "expansion": "expand",
    "read-back drill": "drill",
    "read-back": "drill",
    "split ceremony": "split",
}
_SPREADSHEET_MIDNIGHT = re.compile(r"\d{4}-\d{2}-\d{2} 00:00(:00(\.0+)?)?")


@dataclass(frozen=True)
class LogbookRow:
    row: int  # spreadsheet row number: the header is row 1
    event_code: str | None
    date: date | None
    time: time | None
    event: str
    set_id: str
    new_set_id: str
    shares: tuple[int, ...]
    sheets_destroyed: tuple[tuple[int, int], ...]
    operator: str
    witness: str
    incident: str
    reason: str
    custodians: tuple[str, ...]
    bags_sealed: tuple[str, ...]
    bags_opened: tuple[str, ...]
    bags_destroyed: tuple[str, ...]
    raw: dict[str, str] = field(default_factory=dict, compare=False)
    problems: tuple[tuple[str, str], ...] = ()  # (field, what is wrong) for cells that could not be read

    @property
    def label(self) -> str:
        return f"row {self.row}"

    @property
    def when(self) -> datetime | None:
        """The moment written, in UTC: date and time, or the start of the day when no time was written."""
        if self.date is None:
            return None
        return datetime.combine(self.date, self.time or time(0, 0), tzinfo=UTC)

    def has(self, name: str) -> bool:
        return bool(self.raw.get(name, "").strip())


@dataclass(frozen=True)
class Transcription:
    source: InputFile
    columns: tuple[str, ...]
    rows: list[LogbookRow]

    def has_column(self, name: str) -> bool:
        return name in self.columns

    @property
    def missing_columns(self) -> list[str]:
        return [c for c in LOGBOOK_COLUMNS if c != "notes" and c not in self.columns]

    @property
    def unknown_columns(self) -> list[str]:
        return [c for c in self.columns if c and c not in LOGBOOK_COLUMNS]


def read_transcription(source: InputFile) -> Transcription:
    header, rows = csv_rows(source)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CannotAudit(
            f"logbook {source.path} is not a logbook transcription: no column {', '.join(missing)} "
            "(see templates/logbook-transcription.csv)"
        )
    counts = Counter(header)  # not header.count per column: a header of 25,000 columns is then 625 million steps
    twice = sorted(c for c, count in counts.items() if c and count > 1)
    if twice:  # two cells for one field: which one the paper says cannot be known
        raise CannotAudit(f"logbook {source.path}: column(s) {', '.join(twice)} appear more than once in the header")
    return Transcription(source.as_kind("logbook transcription"), tuple(header), [_row(n, cells) for n, cells in rows])


def _row(number: int, cells: dict[str, str]) -> LogbookRow:
    problems: list[tuple[str, str]] = []

    def parsed(name: str, parse, empty):
        text = cells.get(name, "")
        if not text:
            return empty
        try:
            return parse(text)
        except OverflowError:
            problems.append((name, f"'{text}' is outside the calendar"))
            return empty
        except (BreakglassError, ValueError) as e:
            problems.append((name, str(e)))
            return empty

    if cells.get(BEYOND_HEADER):
        problems.append(
            (
                "cells",
                (
                    f"the row has more cells than the header has columns ('{cells[BEYOND_HEADER]}' "
                    "beyond the last): a comma inside a cell that is not quoted shifts every cell after it"
                ),
            )
        )
    moment = parsed("date", _date, None)  # a date, or a whole date and time written in the date column
    day = moment.date() if isinstance(moment, datetime) else moment
    written = moment.time() if isinstance(moment, datetime) else None
    return LogbookRow(
        row=number,
        event_code=parsed("event_code", normalize_code, None),
        date=day,
        time=parsed("time", _time, None) or written,
        event=_event(cells.get("event", "")),
        set_id=parsed("set_id", _set_id, ""),
        new_set_id=parsed("new_set_id", _set_id, ""),
        shares=parsed("shares", _shares, ()),
        sheets_destroyed=parsed("sheets_destroyed", _sheets, ()),
        operator=cells.get("operator", ""),
        witness=cells.get("witness", ""),
        incident=cells.get("incident", ""),
        reason=cells.get("reason", ""),
        custodians=_names(cells.get("custodians", "")),
        bags_sealed=_serials(cells.get("bags_sealed", "")),
        bags_opened=_serials(cells.get("bags_opened", "")),
        bags_destroyed=_serials(cells.get("bags_destroyed", "")),
        raw=dict(cells),
        problems=tuple(problems),
    )


def _date(text: str) -> date | datetime:
    cleaned = text.strip()
    if _SPREADSHEET_MIDNIGHT.fullmatch(cleaned):  # a date cell a spreadsheet wrote with its empty time
        cleaned = cleaned[:10]
    try:
        if len(cleaned) > 10:
            moment = datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
            return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
        return date.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def _time(text: str) -> time:
    cleaned = re.sub(r"\s*(UTC|Z)$", "", text.strip(), flags=re.IGNORECASE)
    match = re.fullmatch(r"(\d{1,2})[:.h](\d{2})(?::(\d{2}))?(?:\s*([AP])\.?M\.?)?", cleaned, flags=re.IGNORECASE)
    hour = int(match[1]) if match else 99
    if match and match[4]:  # a spreadsheet's 12-hour clock: 12:05 AM is 00:05, 12:05 PM is 12:05
        hour = hour % 12 + (12 if match[4].upper() == "P" else 0) if 1 <= hour <= 12 else 99
    if not match or hour > 23 or int(match[2]) > 59 or int(match[3] or 0) > 59:
        raise ValueError(f"'{text}' is not a time (HH:MM, UTC)")
    return time(hour, int(match[2]), int(match[3] or 0))


def _event(text: str) -> str:
    """The event as the tool names it; the logbook's own words for a type (Emergency release, Rotation) too."""
    word = " ".join(text.lower().split())
    return PAPER_WORDS.get(word, word)


def _set_id(text: str) -> str:
    return set_id_text(parse_set_id_text(text))


def _numbers(text: str) -> list[str]:
    return [part for part in re.split(r"[;,\s]+", text.strip()) if part]


def _shares(text: str) -> tuple[int, ...]:
    return tuple(parse_share(part) for part in _numbers(text))


def _sheets(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(parse_sheet(part) for part in _numbers(text))


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _serials(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[;,]", text) if part.strip())
