"""Audit rules that hold the paper logbook (its transcription) against the journal: a row for every event and
an event for every row, required fields filled in, every field both records hold in agreement, enough
custodians at every use, and every tamper-evident bag sealed once and opened once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import cast

from .findings import (
    CEREMONY_EVENTS,
    USE_EVENTS,
    Context,
    Finding,
    Rule,
    needs_logbook,
    stamp,
)
from .inputs import BEYOND_HEADER
from .journal import REPLACING_EVENTS, Entry
from .people import SOLO_FIELD, name_key
from .sets import destroyed_sheets, sheets_printed
from .transcription import PAPER_ONLY_EVENTS, LogbookRow, Transcription

# Fields every row of a journalled ceremony must have, and those of ceremonies where custodians bring their
# sheets (a use, or the k sheets scanned for a rotation, reshare or expansion) must have too (docs/AUDIT.md).
REQUIRED = ("date", "operator", "witness")
REQUIRED_WHEN_SHEETS_BROUGHT = ("custodians",)
SHEETS_BROUGHT = (*USE_EVENTS, *REPLACING_EVENTS, "expand")


# ---------------------------------------------------------------- rows and codes


def check_rows(ctx: Context) -> Iterator[Finding]:
    """A row for every journal event, an event for every row's code, each code once."""
    rows_by_code: dict[str, LogbookRow] = {}
    guessed: set[str] = set()
    transcribed = {r.event_code for r in ctx.rows}
    for r in ctx.rows:
        bad_code = dict(r.problems).get("event_code")
        if bad_code:
            yield _row_finding(
                "logbook-rows", r, "event_code", f"the event code is unreadable: {bad_code}", r.raw.get("event_code")
            )
            continue
        if r.event_code is None:
            if r.event not in PAPER_ONLY_EVENTS:
                yield _row_finding(
                    "logbook-rows",
                    r,
                    "event_code",
                    f"{r.event or 'an entry'} on {r.raw.get('date') or '?'} "
                    f"has no event code (only {', '.join(PAPER_ONLY_EVENTS)} entries may have none)",
                    "",
                )
            continue
        if r.event_code in rows_by_code:
            yield _row_finding(
                "logbook-rows",
                r,
                "event_code",
                f"event code {r.event_code} is transcribed twice (rows {rows_by_code[r.event_code].row} and {r.row})",
                r.event_code,
            )
            continue
        rows_by_code[r.event_code] = r
        if r.event_code not in ctx.by_code:
            guess = _nearest(r.event_code, [e for e in ctx.entries if e.code not in transcribed])
            hint = f"; did you mean {guess.code} ({guess.event} on {guess.time[:10]})?" if guess else ""
            if guess:
                guessed.add(guess.code)
            yield _row_finding(
                "logbook-rows",
                r,
                "event_code",
                f"event code {r.event_code} ({r.event or '?'} on "
                f"{r.raw.get('date') or '?'}) is not in the journal{hint}",
                r.event_code,
            )
    for e in ctx.entries:
        if e.code not in rows_by_code and e.code not in guessed:
            yield Finding(
                "logbook-rows",
                e.code,
                f"{e.event} of set {e.set} on {e.time[:10]} has no row in the paper logbook transcription",
                journal=e.code,
            )


def _nearest(code: str, entries: list[Entry]) -> Entry | None:
    """The journal event whose code is nearest (at most 3 characters wrong or swapped), if one is clearly nearest."""
    scored = sorted((_distance(code.replace("-", ""), e.code.replace("-", "")), e.seq, e) for e in entries)
    if not scored or scored[0][0] > 3 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][2]


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of neighbours as one edit (the usual slips copying a code by hand)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


# ---------------------------------------------------------------- required fields


def check_fields(ctx: Context) -> Iterator[Finding]:
    for r in ctx.rows:
        for name, problem in r.problems:
            if name != "event_code":
                yield _row_finding(
                    "logbook-fields",
                    r,
                    name,
                    f"{name} cannot be read: {problem}",
                    r.raw.get(name, r.raw.get(BEYOND_HEADER)),
                )
        entry = ctx.by_code.get(r.event_code or "")
        if entry is None or entry.event not in CEREMONY_EVENTS:
            continue
        required = list(REQUIRED) + (list(REQUIRED_WHEN_SHEETS_BROUGHT) if entry.event in SHEETS_BROUGHT else [])
        if entry.extra.get(SOLO_FIELD):
            required.remove("witness")  # a recorded solo ceremony has no witness to sign
        for name in required:
            if cast(Transcription, ctx.transcription).has_column(name) and not r.has(name):  # rows come from it
                yield _row_finding(
                    "logbook-fields", r, name, f"{entry.event} {entry.code}: no {name} written (required)", ""
                )


# ---------------------------------------------------------------- agreement, field by field


def check_agreement(ctx: Context) -> Iterator[Finding]:
    """For every event both records hold, every field both hold must agree."""
    for r in ctx.rows:
        entry = ctx.by_code.get(r.event_code or "")
        if entry is not None:
            yield from _agree(ctx, r, entry)


def _agree(ctx: Context, r: LogbookRow, e: Entry) -> Iterator[Finding]:
    def differ(field: str, logbook: str, journal: str, extra: str = "") -> Finding:
        return _row_finding(
            "logbook-agree",
            r,
            field,
            f"{e.event} {e.code} differs from the journal: logbook '{logbook}', journal '{journal}'{extra}",
            logbook,
            journal,
        )

    if r.event and r.event != e.event:
        yield differ("event", r.event, e.event)
    if r.date is not None:
        when = cast(datetime, r.when)  # a row with a date has a moment
        # A row dated after the audit's date, for an event inside it: the date is what is wrong (kept by Context).
        after = f"; the row is dated after the audit's date, {stamp(ctx.as_of)[:10]}" if when > ctx.as_of else ""
        if r.time is not None and abs(when - e.when) > ctx.rules.tolerance:
            yield differ(
                "date" if r.date != e.when.date() else "time",
                stamp(when),
                stamp(e.when),
                f" (more than {ctx.rules.time_tolerance_minutes} minutes apart{after})",
            )
        elif r.time is None and r.date != e.when.date():
            yield differ("date", r.date.isoformat(), e.time[:10], f" (dates in the logbook are UTC{after})")
    if r.set_id and r.set_id != e.set:
        hint = (
            f" (a {e.event} row names the retired set, as the journal does; the new set goes in new_set_id)"
            if e.event in REPLACING_EVENTS and r.set_id == e.extra.get("new_set")
            else ""
        )
        yield differ("set_id", r.set_id, e.set, hint)
    if r.new_set_id and e.event in REPLACING_EVENTS and r.new_set_id != e.extra.get("new_set"):
        yield differ("new_set_id", r.new_set_id, str(e.extra.get("new_set") or ""))
    if r.has("shares") and sorted(set(r.shares)) != sorted(e.shares):
        yield differ("shares", _list(r.shares), _list(e.shares))
    if (
        r.has("sheets_destroyed")
        and e.event == "destroy"
        and sorted(set(r.sheets_destroyed)) != sorted(destroyed_sheets(e))
    ):
        yield differ("sheets_destroyed", _sheets(r.sheets_destroyed), _sheets(destroyed_sheets(e)))
    for name, journal in (
        ("operator", e.operator),
        ("witness", e.witness),
        ("incident", e.extra.get("incident")),
        ("reason", e.extra.get("reason")),
    ):
        written = r.raw.get(name, "")
        if written and journal and name_key(written) != name_key(str(journal)):
            yield differ(name, written, str(journal))
    bags = (
        [str(s.get("bag")) for s in e.extra.get("sheets", []) if isinstance(s, dict) and s.get("bag")]
        if e.event == "destroy"
        else []
    )
    if r.bags_destroyed and bags and sorted(map(bag_key, r.bags_destroyed)) != sorted(map(bag_key, bags)):
        yield differ("bags_destroyed", ";".join(r.bags_destroyed), ";".join(bags))
    if r.custodians:
        yield from _custodians_agree(ctx, r, e)


def _custodians_agree(ctx: Context, r: LogbookRow, e: Entry) -> Iterator[Finding]:
    """Custodians named must hold the sheets the event used (from the set's record of holders), or receive one it
    printed (rotation, reshare, expansion); wherever sheets are brought, every share presented must have its
    holder named."""
    printed = ctx.sets.sheets(e.set)
    if not printed or not any(printed.values()):
        return  # the journal does not say who holds what: nothing to compare
    if e.event in ("split", "destroy"):
        relevant = set(printed.values())
    else:
        relevant = {h for (share, _c), h in printed.items() if share in e.shares}
        relevant |= set(sheets_printed(e).values())  # who received a new sheet signs for it at the same ceremony
    keys = {name_key(h) for h in relevant if h}
    strangers = [c for c in r.custodians if name_key(c) not in keys]
    if strangers:
        holders = "; ".join(sorted(h for h in relevant if h))
        yield _row_finding(
            "logbook-agree",
            r,
            "custodians",
            f"{e.event} {e.code}: "
            f"{', '.join(strangers)} held no sheet {'of set ' + e.set if e.event in ('split', 'destroy') else 'of the shares used'} "
            f"(journal holders: {holders})",
            "; ".join(r.custodians),
            holders,
        )
    if e.event in SHEETS_BROUGHT:
        named = {name_key(c) for c in r.custodians}
        absent = [
            s
            for s in e.shares
            if ctx.sets.holders_of(e.set, s) and not any(name_key(h) in named for h in ctx.sets.holders_of(e.set, s))
        ]
        if absent:
            who = ", ".join(f"{s} ({' or '.join(ctx.sets.holders_of(e.set, s))})" for s in absent)
            yield _row_finding(
                "logbook-agree",
                r,
                "custodians",
                f"{e.event} {e.code}: no holder is named for share(s) {who}",
                "; ".join(r.custodians),
                who,
            )


# ---------------------------------------------------------------- custodians present


def check_custodians(ctx: Context) -> Iterator[Finding]:
    for r in ctx.rows:
        entry = ctx.by_code.get(r.event_code or "")
        if entry is None or entry.event not in SHEETS_BROUGHT or not r.custodians:
            continue
        k = ctx.sets.k(entry.set) or 0
        distinct = {name_key(c) for c in r.custodians}
        if len(distinct) < k:
            yield _row_finding(
                "custodians",
                r,
                "custodians",
                f"{entry.event} {entry.code} on {entry.time[:10]} names "
                f"{len(distinct)} distinct custodian(s) ({', '.join(r.custodians)}); at least {k} must be present",
                "; ".join(r.custodians),
            )


# ---------------------------------------------------------------- bags


def check_bags(ctx: Context) -> Iterator[Finding]:
    """Each tamper-evident bag: sealed once; opened (or destroyed) at most once, after it was sealed, for the set
    it was sealed for. A rotate or reshare row's bags may hold sheets of the retired set (resealed) or of the new
    one."""
    sealed: dict[str, tuple[LogbookRow, set[str]]] = {}
    opened: dict[str, LogbookRow] = {}
    for r in sorted(ctx.rows, key=lambda row: (_moment(ctx, row), row.row)):
        sets = _sets_of(ctx, r)
        # Each finding names the column the serial was written in: a destroy row's bags are in bags_destroyed.
        for column, bag in [("bags_opened", b) for b in r.bags_opened] + [
            ("bags_destroyed", b) for b in r.bags_destroyed
        ]:
            key, verb = bag_key(bag), column.removeprefix("bags_")
            if key not in sealed:
                yield _row_finding("bags", r, column, f"bag {bag} {verb} on {_when(r)} was never recorded sealed", bag)
            elif key in opened and opened[key] is not r:
                yield _row_finding(
                    "bags",
                    r,
                    column,
                    f"bag {bag} opened again on {_when(r)} (first opened on "
                    f"{_when(opened[key])}, row {opened[key].row}): a bag is opened once",
                    bag,
                )
            elif sets and sealed[key][1] and not sets & sealed[key][1]:
                yield _row_finding(
                    "bags",
                    r,
                    column,
                    f"bag {bag} was sealed for set {'/'.join(sorted(sealed[key][1]))} "
                    f"but opened for set {'/'.join(sorted(sets))}",
                    bag,
                )
            opened.setdefault(key, r)
        for bag in r.bags_sealed:
            key = bag_key(bag)
            if key in sealed:
                yield _row_finding(
                    "bags",
                    r,
                    "bags_sealed",
                    f"bag {bag} sealed twice ({_when(sealed[key][0])}, row "
                    f"{sealed[key][0].row}, and {_when(r)}): a bag serial is used once",
                    bag,
                )
                continue
            sealed[key] = (r, sets)


def bag_key(serial: str) -> str:
    """A bag serial as compared: case, spaces and dashes as written do not make another bag ('tb 0005' is TB-0005)."""
    return re.sub(r"[\s-]", "", serial.upper())


def _sets_of(ctx: Context, r: LogbookRow) -> set[str]:
    entry = ctx.by_code.get(r.event_code or "")
    sets = {r.set_id or (entry.set if entry else "")} - {""}
    if entry is not None and entry.event in REPLACING_EVENTS and entry.extra.get("new_set"):
        sets.add(entry.extra["new_set"])
    return sets


def _moment(ctx: Context, r: LogbookRow):
    entry = ctx.by_code.get(r.event_code or "")
    if entry is not None:
        return entry.when
    return r.when or ctx.as_of


def _when(r: LogbookRow) -> str:
    return r.raw.get("date") or "an undated row"


# ---------------------------------------------------------------- helpers


def _row_finding(
    rule: str, r: LogbookRow, field: str, message: str, logbook: str | None = None, journal: str | None = None
) -> Finding:
    return Finding(
        rule,
        r.label,
        f"logbook row {r.row}, {field}: {message}",
        row=r.row,
        field=field,
        logbook=logbook,
        journal=journal,
    )


def _list(numbers) -> str:
    return ";".join(map(str, sorted(numbers)))


def _sheets(pairs) -> str:
    return ";".join(f"{s}.{c}" for s, c in sorted(pairs))


RULES = [
    Rule(
        "logbook-rows",
        "Every journal event has a logbook row, every row's event code is in the journal, once.",
        check_rows,
        needs_logbook,
    ),
    Rule(
        "logbook-fields",
        "Every row is readable and has its required fields (date, operator, witness; custodians at "
        "drills, releases, rotations, reshares and expansions).",
        check_fields,
        needs_logbook,
    ),
    Rule(
        "logbook-agree",
        "For every event both hold, every field both hold agrees (time, set, shares, people, incident, "
        "reason, custodians, sheets and bags destroyed).",
        check_agreement,
        needs_logbook,
    ),
    Rule(
        "custodians",
        "Every drill, release, rotation, reshare and expansion names at least k distinct custodians.",
        check_custodians,
        needs_logbook,
    ),
    Rule(
        "bags",
        "Every bag serial is sealed once and opened once, after sealing, for the set it was sealed for.",
        check_bags,
        needs_logbook,
    ),
]
