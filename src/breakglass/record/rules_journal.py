"""Audit rules the journal alone can judge: the head code on paper, time order, two people, what a release
records, rotation after release, retired sets, drills, holders, destruction, and sheets that never existed.

Each rule is a generator of findings over the Context (findings.py); docs/AUDIT.md lists them with examples.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Iterator

from .findings import CEREMONY_EVENTS, USE_EVENTS, Context, Finding, Rule, day, days
from .journal import verify_journal
from .people import SOLO_FIELD, name_key
from .sets import destroyed_sheets


def check_head(ctx: Context) -> Iterator[Finding]:
    result = verify_journal(ctx.journal_path, ctx.head)
    if not result.ok:
        yield Finding("head", "journal", f"the journal does not end at the paper's last code: {result.problem}")


def check_order(ctx: Context) -> Iterator[Finding]:
    for before, after in zip(ctx.entries, ctx.entries[1:]):
        if after.when < before.when:
            yield Finding("order", after.code, f"{after.event} at {after.time} is earlier than the entry before it ({before.time})")


def check_people(ctx: Context) -> Iterator[Finding]:
    """Operator and witness: both recorded, two different people; a solo ceremony is reported with its reason."""
    for e in ctx.entries:
        if e.event not in CEREMONY_EVENTS:
            continue
        what = f"{e.event} on {e.time[:10]}"
        solo = e.extra.get(SOLO_FIELD)
        if solo:
            yield Finding("people", e.code, f"{what} was done solo by {e.operator or 'an unnamed operator'}, without "
                          f"a second person; reason recorded: '{solo}'")
        elif not e.operator or not e.witness:
            missing = " and ".join(r for r, name in (("operator", e.operator), ("witness", e.witness)) if not name)
            yield Finding("people", e.code, f"{what} records no {missing}: the two-person rule cannot be shown")
        elif name_key(e.operator) == name_key(e.witness):
            yield Finding("people", e.code, f"{what}: the witness ({e.witness}) is the operator")
    for r in ctx.rows:
        if r.operator and r.witness and name_key(r.operator) == name_key(r.witness):
            yield Finding("people", r.label, f"logbook row {r.row} ({r.event}): the witness ({r.witness}) is the operator",
                          row=r.row, field="witness", logbook=r.witness)


def check_release_record(ctx: Context) -> Iterator[Finding]:
    for e in ctx.entries:
        if e.event == "release":
            missing = [name for name in ("incident", "reason") if not str(e.extra.get(name) or "").strip()]
            if missing:
                yield Finding("release-record", e.code, f"release on {e.time[:10]} records no {' and no '.join(missing)}")


def check_rotation(ctx: Context) -> Iterator[Finding]:
    deadline = ctx.rules.deadline
    for e in ctx.entries:
        if e.event != "release":
            continue
        rotation = ctx.sets.retired.get(e.set)
        if rotation is not None and rotation.seq < e.seq:
            continue  # a use of an already retired set: the 'retired' rule reports it
        if rotation is not None:
            late = rotation.when - e.when
            if late > deadline:
                yield Finding("rotation", e.code, f"release of set {e.set} on {e.time[:10]} was rotated late: after "
                              f"{days(late)} (deadline {ctx.rules.rotation_deadline_days} days, rotation {rotation.code})")
        elif ctx.as_of - e.when > deadline:
            yield Finding("rotation", e.code, f"release of set {e.set} on {e.time[:10]} was not followed by a rotation "
                          f"within {ctx.rules.rotation_deadline_days} days")
        else:
            ctx.note(f"{e.code}: release of set {e.set} on {e.time[:10]} awaits rotation (due by {day(e.when + deadline)})")


def check_retired(ctx: Context) -> Iterator[Finding]:
    for e in ctx.entries:
        rotation = ctx.sets.retired.get(e.set)
        if e.event in (*USE_EVENTS, "rotate") and rotation is not None and e.seq > rotation.seq:
            allowed = e.extra.get("allowed_retired")
            why = f"; reason recorded: '{allowed}'" if allowed else ""
            yield Finding("retired", e.code, f"{e.event} of set {e.set} on {e.time[:10]}, which was retired by rotation "
                          f"{rotation.code}: its sheets should have been destroyed{why}")


def check_drills(ctx: Context) -> Iterator[Finding]:
    """Every set, while live, is exercised (drill or release) at least every drill interval."""
    limit = timedelta(days=ctx.rules.drill_interval_days)
    uses = defaultdict(list)
    for e in ctx.entries:
        if e.event in USE_EVENTS:
            uses[e.set].append(e.when)
    for set_text, origin in ctx.sets.created.items():
        end = ctx.sets.retired[set_text].when if set_text in ctx.sets.retired else ctx.as_of
        moments = [origin.when, *sorted(t for t in uses[set_text] if origin.when <= t <= end), end]
        for start, stop in zip(moments, moments[1:]):
            if stop - start > limit:
                yield Finding("drill", origin.code, f"set {set_text} had no drill or use from {day(start)} to {day(stop)} "
                              f"({days(stop - start)}; at most {ctx.rules.drill_interval_days} days)")


def check_holders(ctx: Context) -> Iterator[Finding]:
    """No one may hold k or more distinct shares of one set (copies of one share count once)."""
    for set_text, origin in ctx.sets.created.items():
        k = ctx.sets.k(set_text)
        held: dict[str, set[int]] = defaultdict(set)
        names: dict[str, str] = {}
        for (share, _copy), holder in ctx.sets.sheets(set_text).items():
            if name_key(holder):
                held[name_key(holder)].add(share)
                names.setdefault(name_key(holder), holder)
        for key, shares in sorted(held.items()):
            if k and len(shares) >= k:
                yield Finding("holders", origin.code, f"set {set_text}: one holder ({names[key]}) holds {len(shares)} "
                              f"distinct shares, k is {k}: that person alone can recover the credential")


def check_destruction(ctx: Context) -> Iterator[Finding]:
    """After a rotation, every printed copy of the retired set is recorded destroyed within the rotation deadline."""
    for set_text, rotation in ctx.sets.retired.items():
        printed = ctx.sets.sheets(set_text)
        gone = ctx.sets.destroyed.get(set_text, {})
        left = sorted(sheet for sheet in printed if sheet not in gone)
        if not left:
            continue
        names = ", ".join(f"share {s} copy {c}" + (f" ({printed[(s, c)]})" if printed[(s, c)] else "") for s, c in left)
        if ctx.as_of - rotation.when > ctx.rules.deadline:
            yield Finding("destruction", rotation.code, f"set {set_text} was retired on {rotation.time[:10]} but "
                          f"{len(left)} sheet(s) were never recorded destroyed: {names}")
        else:
            ctx.note(f"{rotation.code}: set {set_text} retired; awaiting destruction of {names}")


def check_sheets(ctx: Context) -> Iterator[Finding]:
    """Every set an event names was made in this journal, and every share, copy or sheet it names was printed."""
    destroyed_at: dict[tuple[str, int, int], str] = {}
    for e in ctx.entries:
        if e.event not in CEREMONY_EVENTS:
            continue
        if e.set not in ctx.sets.created and e.event != "split":
            yield Finding("sheets", e.code, f"{e.event} on {e.time[:10]} names set {e.set}, which no split or rotation "
                          "in this journal made")
            continue
        for share in e.shares:
            if ctx.sets.sheet_exists(e.set, share) is False:
                yield Finding("sheets", e.code, f"{e.event} on {e.time[:10]} names share {share} of set {e.set}, "
                              "which was never printed")
        pairs = destroyed_sheets(e) if e.event == "destroy" else _copies(e)
        for share, copy in pairs:
            if share in e.shares and ctx.sets.sheet_exists(e.set, share, copy) is False and ctx.sets.sheet_exists(e.set, share):
                yield Finding("sheets", e.code, f"{e.event} on {e.time[:10]} names sheet {share}.{copy} of set {e.set} "
                              "(share.copy), which was never printed")
            if e.event == "destroy":
                earlier = destroyed_at.setdefault((e.set, share, copy), e.code)
                if earlier != e.code:
                    yield Finding("sheets", e.code, f"sheet {share}.{copy} of set {e.set} is recorded destroyed twice "
                                  f"(first by {earlier})")
    yield from _logbook_sheets(ctx)


def _copies(entry) -> list[tuple[int, int]]:
    raw = entry.extra.get("copies", [])
    return [(int(p[0]), int(p[1])) for p in raw if isinstance(p, list) and len(p) == 2 and all(isinstance(x, int) for x in p)] \
        if isinstance(raw, list) else []


def _logbook_sheets(ctx: Context) -> Iterator[Finding]:
    for r in ctx.rows:
        set_text = r.set_id or (ctx.by_code[r.event_code].set if r.event_code in ctx.by_code else "")
        if not set_text or set_text not in ctx.sets.created:
            continue
        if r.event == "rotate" and r.new_set_id and set_text == r.new_set_id:
            continue  # the wrong set on a rotate row is the agreement rule's finding, not a missing sheet
        for share in r.shares:
            if ctx.sets.sheet_exists(set_text, share) is False:
                yield Finding("sheets", r.label, f"logbook row {r.row} ({r.event}) names share {share} of set {set_text}, "
                              f"which was never printed (set has {ctx.sets.n(set_text)} shares)",
                              row=r.row, field="shares", logbook=str(share))
        for share, copy in r.sheets_destroyed:
            if ctx.sets.sheet_exists(set_text, share, copy) is False:
                yield Finding("sheets", r.label, f"logbook row {r.row} ({r.event}) records sheet {share}.{copy} of set "
                              f"{set_text} destroyed, which was never printed", row=r.row, field="sheets_destroyed",
                              logbook=f"{share}.{copy}")


RULES = [
    Rule("head", "The journal ends at the last event code written on paper (--head).", check_head,
         lambda ctx: None if ctx.head else "no --head CODE given: entries cut from the end of the journal would not show"),
    Rule("order", "Journal times never go backwards.", check_order),
    Rule("people", "Every ceremony records an operator and a witness, two different people; solo ceremonies are reported.",
         check_people),
    Rule("release-record", "Every release records its incident and reason.", check_release_record),
    Rule("rotation", "Every release is followed by a rotation of its set within the rotation deadline.", check_rotation),
    Rule("retired", "No drill, release or rotation uses a set after a rotation retired it.", check_retired),
    Rule("drill", "Every live set is drilled or used at least every drill interval.", check_drills),
    Rule("holders", "No one holds k or more distinct shares of a set.", check_holders),
    Rule("destruction", "Every printed sheet of a retired set is recorded destroyed within the rotation deadline.",
         check_destruction),
    Rule("sheets", "Every set, share, copy and sheet named (journal and logbook) was made and printed; none destroyed twice.",
         check_sheets),
]
