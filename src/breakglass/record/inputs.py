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
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def as_kind(self, kind: str) -> InputFile:
        return InputFile(self.role, self.path, self.data, kind)

    def text(self) -> str:
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = self.data[: e.start].count(b"\n") + 1
            raise CannotAudit(f"{self.role} {self.path} is not UTF-8 text (line {line}): save it as UTF-8 "
                              "(a spreadsheet's \"CSV UTF-8\")") from None


def read_input(path: Path, role: str) -> InputFile:
    """The whole file, refusing what is not a regular file of sensible size (opened without waiting on a pipe,
    system/inputs.py). The path is kept absolute, as the report names it."""
    from ..system.inputs import Refused, read_input as read_bounded

    path = Path(path).absolute()
    try:
        data = read_bounded(path, role, MAX_INPUT_BYTES)
    except Refused as e:
        raise CannotAudit(str(e)) from None
    return InputFile(role, path, data)


def csv_rows(source: InputFile) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header names, lower-cased and stripped; [(line number, row)]) of a CSV file with a header row."""
    try:
        reader = csv.reader(io.StringIO(source.text(), newline=""))
        rows = list(reader)
    except csv.Error as e:
        raise CannotAudit(f"{source.role} {source.path} is not a readable CSV file ({e})") from None
    if not rows:
        raise CannotAudit(f"{source.role} {source.path} is empty")
    header = [name.strip().lower() for name in rows[0]]
    out = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines between entries are not rows
        row = {name: (cells[i] if i < len(cells) else "").strip() for i, name in enumerate(header)}
        beyond = [cell.strip() for cell in cells[len(header):] if cell.strip()]
        if beyond:  # a comma inside an unquoted cell shifts every cell after it: never silently dropped
            row[BEYOND_HEADER] = ",".join(beyond)
        out.append((number, row))
    return header, out
