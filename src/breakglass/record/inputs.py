"""The files an audit reads, read once: their bytes, size and SHA-256 go into the report, so the report says
exactly what it judged, and a later reader can check they hold the same files.

A file that is missing, unreadable or not what it claims to be means the audit cannot be done: CannotAudit,
which the CLI turns into exit status 2 (findings are 1).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import BreakglassError

MAX_INPUT_BYTES = 64 * 1024 * 1024  # a year of CloudTrail sign-in events is a few MB; more is not an audit input


BEYOND_HEADER = "\0beyond"  # key of a row's non-empty cells past the header's last column, if any


class CannotAudit(BreakglassError):
    """An input is missing, unreadable or malformed: the audit cannot judge anything from it."""


@dataclass(frozen=True)
class InputFile:
    role: str  # "journal", "logbook", "config", "rotations"
    path: Path
    data: bytes
    kind: str = ""  # what the file was read as, e.g. "AWS IAM credential report"

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def shown_path(self) -> str:
        """The path as people read it in a report: 'a/../b' as 'b' (the JSON report keeps the path as given)."""
        import os.path

        return os.path.normpath(str(self.path))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def as_kind(self, kind: str) -> InputFile:
        return InputFile(self.role, self.path, self.data, kind)

    def text(self) -> str:
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = self.data[: e.start].count(b"\n") + 1
            raise CannotAudit(
                f"{self.role} {self.path} is not UTF-8 text (line {line}): save it as UTF-8 "
                '(a spreadsheet\'s "CSV UTF-8")'
            ) from None


def read_input(path: Path, role: str) -> InputFile:
    """The whole file, refusing what is not a regular file of sensible size (opened without waiting on a pipe,
    system/inputs.py). The path is kept absolute, as the report names it."""
    from ..system.inputs import Refused
    from ..system.inputs import read_input as read_bounded

    path = Path(path).absolute()
    try:
        data = read_bounded(path, role, MAX_INPUT_BYTES)
    except Refused as e:
        raise CannotAudit(str(e)) from None
    return InputFile(role, path, data)


# What a CSV input may hold. A logbook transcription has 17 columns and a provider's export a few dozen; a
# decade of events is thousands of rows. Far beyond that is not an audit input but a file made to stall the
# audit, so it is refused by name, the limit in the message. Each limit keeps the reading linear in the file.
MAX_CSV_COLUMNS = 1_000
MAX_CSV_ROWS = 1_000_000
MAX_CSV_CELL = 100_000  # characters of one cell (below the csv module's own 131,072, so ours names it)


class CsvRow(dict):
    """One row: header name -> stripped cell. Only the cells the row has are stored (a short row of a file with
    many columns costs what the row costs, not what the header does); a header column the row lacks reads as
    "" (row[name] and row.get(name, ""))."""

    def __init__(self, header_names: frozenset[str], cells: dict[str, str]):
        super().__init__(cells)
        self._names = header_names

    def __missing__(self, key: str) -> str:
        if key in self._names:
            return ""
        raise KeyError(key)


def _refuse(source: InputFile, what: str) -> CannotAudit:
    return CannotAudit(f'{source.role} {source.path} {what}; refusing it (docs/AUDIT.md, "Input limits")')


def csv_records(source: InputFile, text: str | None = None):
    """The records of a CSV file as RFC 4180 reads them (a quoted cell may hold commas, quotes, LF, CR or CRLF:
    it stays one cell; the file is read with newline='' so a bare CR is never taken for a line end inside one),
    checked against MAX_CSV_COLUMNS, MAX_CSV_ROWS and MAX_CSV_CELL as they are read: (number, cells), the
    header being number 1. The shared reader for every CSV input (transcription, provider evidence)."""
    reader = csv.reader(io.StringIO(source.text() if text is None else text, newline=""))
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_CSV_ROWS + 1:
                raise _refuse(source, f"has more than {MAX_CSV_ROWS:,} rows, the most breakglass reads")
            if len(cells) > MAX_CSV_COLUMNS:
                raise _refuse(
                    source, f"row {number} has {len(cells):,} columns; the most breakglass reads is {MAX_CSV_COLUMNS:,}"
                )
            for column, cell in enumerate(cells, start=1):
                if len(cell) > MAX_CSV_CELL:
                    raise _refuse(
                        source,
                        f"row {number} column {column} holds {len(cell):,} characters; the most "
                        f"breakglass reads in one cell is {MAX_CSV_CELL:,}",
                    )
            yield number, cells
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            raise _refuse(
                source,
                f"row {number + 1} holds a cell over {MAX_CSV_CELL:,} characters, the most "
                "breakglass reads in one cell",
            ) from None
        raise CannotAudit(f"{source.role} {source.path} is not a readable CSV file ({e})") from None


def csv_rows(source: InputFile) -> tuple[list[str], list[tuple[int, CsvRow]]]:
    """(header names, lower-cased and stripped; [(row number, row)]) of a CSV file with a header row. Linear in
    the file's size, and bounded (csv_records)."""
    records = csv_records(source)
    first = next(records, None)
    if first is None:
        raise CannotAudit(f"{source.role} {source.path} is empty")
    header = [name.strip().lower() for name in first[1]]
    names = frozenset(header)
    width = len(header)
    out = []
    for number, cells in records:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines between entries are not rows
        row = CsvRow(names, {})
        for name, cell in zip(header, cells, strict=False):
            row[name] = cell.strip()  # a name twice in the header: its last column (the transcription refuses it)
        beyond = [cell.strip() for cell in cells[width:] if cell.strip()]
        if beyond:  # a comma inside an unquoted cell shifts every cell after it: never silently dropped
            row[BEYOND_HEADER] = ",".join(beyond)
        out.append((number, row))
    return header, out


# A JSON input's objects and lists, counted before parsing ('{' and '[' bytes, an upper bound): each costs
# Python ~100 bytes or more, so 64 MB of "[{},{},...]" would take gigabytes. A year of CloudTrail events
# (lookup-events output keeps each event as a string) is far below this.
MAX_JSON_CONTAINERS = 1_000_000


def json_document(source: InputFile, data: bytes | None = None) -> object:
    """The parsed JSON of `source` (or of `data`, e.g. its gunzipped bytes): linear in its size, refused by name
    beyond MAX_JSON_CONTAINERS objects and lists, and when not UTF-8 JSON or nested too deeply. The shared
    reader for every JSON input (CloudTrail, provider evidence)."""
    import json

    raw = source.data if data is None else data
    containers = raw.count(b"{") + raw.count(b"[")
    if containers > MAX_JSON_CONTAINERS:
        raise _refuse(
            source, f"holds {containers:,} JSON objects and lists; the most breakglass reads is {MAX_JSON_CONTAINERS:,}"
        )
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except ValueError as e:  # not UTF-8, not JSON, or an integer of thousands of digits
        raise CannotAudit(f"{source.role} {source.path} is not valid JSON ({str(e).splitlines()[0][:120]})") from None
    except RecursionError:
        raise CannotAudit(f"{source.role} {source.path} is JSON nested too deeply to read") from None
