"""The life of each set as the journal tells it: made (split, or the rotation that made it), retired (the rotation
that replaced it), which sheets were printed and who holds them, which were destroyed.

One reading used by recombine (which set is current), destroy (does this sheet exist) and the audit.
"""

from __future__ import annotations

from .journal import Entry, created_set

CURRENT, RETIRED, UNKNOWN = "current", "retired", "unknown"


class SetHistory:
    def __init__(self, entries: list[Entry]):
        self.created: dict[str, Entry] = {}
        self.retired: dict[str, Entry] = {}
        self.destroyed: dict[str, dict[tuple[int, int], Entry]] = {}
        for e in entries:
            made = created_set(e)
            if made:
                self.created.setdefault(made, e)
            if e.event == "rotate":
                self.retired.setdefault(e.set, e)
            if e.event == "destroy":
                for share, copy in destroyed_sheets(e):
                    self.destroyed.setdefault(e.set, {}).setdefault((share, copy), e)

    def status(self, set_text: str) -> str:
        if set_text in self.retired:
            return RETIRED
        return CURRENT if set_text in self.created else UNKNOWN

    def current(self) -> list[str]:
        return [s for s in self.created if s not in self.retired]

    def k(self, set_text: str) -> int | None:
        return _number(self.created.get(set_text), "k")

    def n(self, set_text: str) -> int | None:
        return _number(self.created.get(set_text), "n")

    def label(self, set_text: str) -> str:
        origin = self.created.get(set_text)
        return str(origin.extra.get("label") or "") if origin else ""

    def sheets(self, set_text: str) -> dict[tuple[int, int], str]:
        """Every printed sheet (share, copy) -> its holder ('' if none was named), as recorded when the set was
        made; empty when the journal does not list them (older journals)."""
        origin = self.created.get(set_text)
        listed = origin.extra.get("sheets", []) if origin else []
        out = {}
        for s in listed if isinstance(listed, list) else []:
            if _sheet(s):
                out[_sheet(s)] = str(s.get("holder") or "")
        return out

    def sheet_exists(self, set_text: str, share: int, copy: int | None = None) -> bool | None:
        """Was this sheet (or, with copy None, any copy of this share) printed? None when the journal cannot say."""
        printed = self.sheets(set_text)
        if printed:
            return any(s == share and (copy is None or c == copy) for s, c in printed)
        n = self.n(set_text)
        if n is None:
            return None
        return 1 <= share <= n if copy in (None, 1) else None

    def holders_of(self, set_text: str, share: int) -> list[str]:
        return [h for (s, _c), h in sorted(self.sheets(set_text).items()) if s == share and h]


def destroyed_sheets(entry: Entry) -> list[tuple[int, int]]:
    """(share, copy) of every sheet a destroy event records."""
    listed = entry.extra.get("sheets")
    return [_sheet(s) for s in (listed if isinstance(listed, list) else []) if _sheet(s)]


def _sheet(record) -> tuple[int, int] | None:
    """(share, copy) of a sheet record {"share", "copy"}, or None if it is not one (a hand-made journal line)."""
    if not isinstance(record, dict):
        return None
    share, copy = record.get("share"), record.get("copy", 1)
    if type(share) is not int or type(copy) is not int:
        return None
    return share, copy


def _number(origin: Entry | None, key: str) -> int | None:
    value = origin.extra.get(key) if origin else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
