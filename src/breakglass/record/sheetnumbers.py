"""How people write a sheet: SHARE or SHARE.COPY ("3", "3.2"), in ASCII digits, one grammar for every command.

`destroy --sheet`, `expand --replaces` and the logbook transcription (record/transcription.py) all read sheet
numbers with `parse_sheet`, so what one accepts the others accept. Python's int() would take "3_0" as 30, "+3",
and other scripts' digits (the Arabic-Indic "٣" as 3): a sheet number is copied from paper into a record that an
audit compares, so anything but plain ASCII digits is refused, not guessed.
"""

from __future__ import annotations

import re

from ..format.share import MAX_SHARES

MAX_COPY = 255  # a copy number is one byte in the QR header, like the share number
_NUMBER = "[0-9]{1,3}"
_SHEET = re.compile(rf"({_NUMBER})(?:\.({_NUMBER}))?")
_SHARE = re.compile(_NUMBER)
_SPACE = " \t"  # around a number, as typed; nothing else is stripped


class SheetNumberError(ValueError):
    """A sheet or share number not in the grammar; str() is "'TEXT' is not ..." for the caller to prefix."""


def parse_sheet(text: str) -> tuple[int, int]:
    """SHARE or SHARE.COPY -> (share, copy), copy 1 when left out. Refuses anything else with SheetNumberError."""
    match = _SHEET.fullmatch(text.strip(_SPACE))
    if not match:
        raise SheetNumberError(f"'{text}' is not a sheet (it is not SHARE or SHARE.COPY in digits 0-9, e.g. 3 or 3.2)")
    share, copy = int(match[1]), int(match[2] or 1)
    if not 1 <= share <= MAX_SHARES:
        raise SheetNumberError(f"'{text}' is not a sheet: share numbers are 1 to {MAX_SHARES}")
    if not 1 <= copy <= MAX_COPY:
        raise SheetNumberError(f"'{text}' is not a sheet: copy numbers are 1 to {MAX_COPY}")
    return share, copy


def parse_share(text: str) -> int:
    """A share number alone, 1 to 255 in digits 0-9."""
    match = _SHARE.fullmatch(text.strip(_SPACE))
    if not match or not 1 <= int(match[0]) <= MAX_SHARES:
        raise SheetNumberError(f"'{text}' is not a share number (1 to {MAX_SHARES}, digits 0-9)")
    return int(match[0])
