"""The life of each set as the journal tells it: made (split, or the rotation or reshare that made it), grown
(expansions: new shares at new indexes), retired (the rotation or reshare that replaced it), which sheets were
printed and who holds them, which were replaced or destroyed.

One reading used by recombine (which set is current), expand (which share numbers exist), destroy (does this
sheet exist) and the audit.
"""

from __future__ import annotations

from .journal import REPLACING_EVENTS, Entry, created_set

CURRENT, RETIRED, UNKNOWN = "current", "retired", "unknown"
MAKING_EVENTS = ("split", *REPLACING_EVENTS, "expand")  # events that print sheets of a set


class SetHistory:
    def __init__(self, entries: list[Entry]):
        self.created: dict[str, Entry] = {}
        self.retired: dict[str, Entry] = {}  # the rotate or reshare event that replaced the set
        self.expansions: dict[str, list[Entry]] = {}
        self.destroyed: dict[str, dict[tuple[int, int], Entry]] = {}
        for e in entries:
            made = created_set(e)
            if made:
                self.created.setdefault(made, e)
            if e.event in REPLACING_EVENTS:
                self.retired.setdefault(e.set, e)
            if e.event == "expand":
                self.expansions.setdefault(e.set, []).append(e)
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
        """The n the set was made with (expansions add shares above it: see issued)."""
        return _number(self.created.get(set_text), "n")

    def label(self, set_text: str) -> str:
        origin = self.created.get(set_text)
        return str(origin.extra.get("label") or "") if origin else ""

    def makers(self, set_text: str) -> list[Entry]:
        """The events that printed sheets of the set, in order: the one that made it, then its expansions."""
        origin = self.created.get(set_text)
        return ([origin] if origin else []) + self.expansions.get(set_text, [])

    def sheets(self, set_text: str) -> dict[tuple[int, int], str]:
        """Every printed sheet (share, copy) -> its holder ('' if none was named), as recorded when the set was
        made and expanded; empty when the journal does not list them (older journals)."""
        out = {}
        for maker in self.makers(set_text):
            out.update(sheets_printed(maker))
        return out

    def issued(self, set_text: str) -> set[int]:
        """Every share number printed for the set: by the event that made it (1..n when it lists no sheets) and by
        its expansions. A new share number is never one of these."""
        numbers = {share for share, _copy in self.sheets(set_text)}
        numbers.update(range(1, (self.n(set_text) or 0) + 1))
        for expansion in self.expansions.get(set_text, []):
            listed = expansion.extra.get("new_shares")
            numbers.update(s for s in (listed if isinstance(listed, list) else []) if type(s) is int)
        return numbers

    def sheet_exists(self, set_text: str, share: int, copy: int | None = None) -> bool | None:
        """Was this sheet (or, with copy None, any copy of this share) printed? None when the journal cannot say."""
        printed = self.sheets(set_text)
        if any(s == share and (copy is None or c == copy) for s, c in printed):
            return True
        origin = self.created.get(set_text)
        if origin is not None and sheets_printed(origin):
            return False
        # An older journal's split lists no sheets: its shares are 1..n, their copies unknown.
        n = self.n(set_text)
        if n is None:
            return None if not printed else False
        if 1 <= share <= n:
            return True if copy in (None, 1) else None
        return False

    def holders_of(self, set_text: str, share: int) -> list[str]:
        return [h for (s, _c), h in sorted(self.sheets(set_text).items()) if s == share and h]

    def replaced(self, set_text: str) -> dict[tuple[int, int], Entry]:
        """Sheets an expansion replaced (handed back, to be destroyed) -> the expand event."""
        out: dict[tuple[int, int], Entry] = {}
        for expansion in self.expansions.get(set_text, []):
            for sheet in replaced_sheets(expansion):
                out.setdefault(sheet, expansion)
        return out

    def live_sheets(self, set_text: str) -> dict[tuple[int, int], str]:
        """The printed sheets still in custody: neither replaced by an expansion nor recorded destroyed."""
        gone = set(self.replaced(set_text)) | set(self.destroyed.get(set_text, {}))
        return {sheet: holder for sheet, holder in self.sheets(set_text).items() if sheet not in gone}

    def rotation_after(self, set_text: str, seq: int) -> Entry | None:
        """The rotation that changed the credential of this set after journal line `seq`: of the set itself, or
        of the set a reshare passed the same credential on to (reshares change the sheets, not the credential)."""
        seen = set()
        while set_text in self.retired and set_text not in seen:
            seen.add(set_text)
            event = self.retired[set_text]
            if event.seq < seq:
                return None  # retired before: a use of a retired set, which other rules judge
            if event.event == "rotate":
                return event
            set_text = str(event.extra.get("new_set") or "")
        return None

    def predecessors(self, set_text: str) -> list[str]:
        """The sets whose credential this set holds unchanged: those it was reshared from, newest first."""
        out = []
        origin = self.created.get(set_text)
        while origin is not None and origin.event == "reshare" and origin.set not in out and origin.set != set_text:
            out.append(origin.set)
            origin = self.created.get(origin.set)
        return out


def retirement_text(event: Entry) -> str:
    """'rotation K7Q2-9XMB' or 'reshare K7Q2-9XMB': how messages name what retired a set."""
    return f"{'rotation' if event.event == 'rotate' else 'reshare'} {event.code}"


def sheets_printed(maker: Entry) -> dict[tuple[int, int], str]:
    """(share, copy) -> holder of the sheets one split, rotation, reshare or expansion printed."""
    listed = maker.extra.get("sheets", [])
    out = {}
    for s in listed if isinstance(listed, list) else []:
        if sheet := _sheet(s):
            out[sheet] = str(s.get("holder") or "")
    return out


def destroyed_sheets(entry: Entry) -> list[tuple[int, int]]:
    """(share, copy) of every sheet a destroy event records."""
    listed = entry.extra.get("sheets")
    return [sheet for s in (listed if isinstance(listed, list) else []) if (sheet := _sheet(s))]


def replaced_sheets(entry: Entry) -> list[tuple[int, int]]:
    """(share, copy) of every sheet an expand event records as replaced by its new shares."""
    listed = entry.extra.get("replaces")
    return [sheet for s in (listed if isinstance(listed, list) else []) if (sheet := _sheet(s))]


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
