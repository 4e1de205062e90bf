"""Audit rules the journal alone can judge: the head code on paper, time order, two people, what a release
records, rotation after release, retired sets, drills, holders, destruction, and sheets that never existed.

Sets change custodians without changing the credential (expand: new shares of a set; reshare: a new set of the
same credential, retiring the old): holders count expanded shares, a reshare never counts as a rotation, and
the sheets of a reshared set, and sheets an expansion replaced, are destroyed like those of a rotated set.

Each rule is a generator of findings over the Context (findings.py); docs/AUDIT.md lists them with examples.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast

from ..format.outcome import numbers
from .findings import CEREMONY_EVENTS, USE_EVENTS, Context, Finding, Rule, day, days, stamp
from .journal import verify_journal
from .people import SOLO_FIELD, name_key
from .sets import destroyed_sheets, replaced_sheets, retirement_text, sheets_printed

SHEETS_READ = (*USE_EVENTS, "rotate", "reshare", "expand")  # events whose shares are sheets brought and scanned
CLOCK_SLACK = timedelta(days=1)  # an offline laptop's clock may run a little ahead of the auditor's


def check_head(ctx: Context) -> Iterator[Finding]:
    result = verify_journal(cast(Path, ctx.journal_path), ctx.head)  # the audit always passes it
    if not result.ok:
        yield Finding("head", "journal", f"the journal does not end at the paper's last code: {result.problem}")


def check_order(ctx: Context) -> Iterator[Finding]:
    """Over the whole journal, not only the window: an entry dated into the future would otherwise leave the
    window, and the audit, unseen."""
    for before, after in itertools.pairwise(ctx.all_entries):
        if after.when < before.when:
            yield Finding(
                "order",
                after.code,
                f"{after.event} at {after.time} is earlier than the entry before it ({before.time})",
            )
    now = cast(datetime, ctx.now)  # only read when set
    for e in ctx.all_entries if ctx.now is not None else ():
        if e.when > now + CLOCK_SLACK:
            yield Finding(
                "order",
                e.code,
                f"{e.event} at {e.time} is dated after this audit was run ({stamp(now)}): "
                "the clock that recorded it was wrong, or the entry was forged",
            )


def check_people(ctx: Context) -> Iterator[Finding]:
    """Operator and witness: both recorded, two different people; a solo ceremony is reported with its reason."""
    for e in ctx.entries:
        if e.event not in CEREMONY_EVENTS:
            continue
        what = f"{e.event} on {e.time[:10]}"
        solo = e.extra.get(SOLO_FIELD)
        if solo:
            yield Finding(
                "people",
                e.code,
                f"{what} was done solo by {e.operator or 'an unnamed operator'}, without "
                f"a second person; reason recorded: '{solo}'",
            )
        elif not e.operator or not e.witness:
            missing = " and ".join(r for r, name in (("operator", e.operator), ("witness", e.witness)) if not name)
            yield Finding("people", e.code, f"{what} records no {missing}: the two-person rule cannot be shown")
        elif name_key(e.operator) == name_key(e.witness):
            yield Finding("people", e.code, f"{what}: the witness ({e.witness}) is the operator")
    for r in ctx.rows:
        if r.operator and r.witness and name_key(r.operator) == name_key(r.witness):
            yield Finding(
                "people",
                r.label,
                f"logbook row {r.row} ({r.event}): the witness ({r.witness}) is the operator",
                row=r.row,
                field="witness",
                logbook=r.witness,
            )


def check_release_record(ctx: Context) -> Iterator[Finding]:
    for e in ctx.entries:
        if e.event == "release":
            missing = [name for name in ("incident", "reason") if not str(e.extra.get(name) or "").strip()]
            if missing:
                yield Finding(
                    "release-record", e.code, f"release on {e.time[:10]} records no {' and no '.join(missing)}"
                )


def check_rotation(ctx: Context) -> Iterator[Finding]:
    deadline = ctx.rules.deadline
    for e in ctx.entries:
        if e.event != "release":
            continue
        retired = ctx.sets.retired.get(e.set)
        if retired is not None and retired.seq < e.seq:
            continue  # a use of an already retired set: the 'retired' rule reports it
        rotation = ctx.sets.rotation_after(e.set, e.seq)  # of this set, or of the set a reshare passed it on to
        if rotation is not None:
            late = rotation.when - e.when
            if late > deadline:
                yield Finding(
                    "rotation",
                    e.code,
                    f"release of set {e.set} on {e.time[:10]} was rotated late: after "
                    f"{days(late)} (deadline {ctx.rules.rotation_deadline_days} days, rotation {rotation.code})",
                )
        elif ctx.as_of - e.when > deadline:
            reshared = (
                f" (reshare {retired.code} kept the same credential: it is not a rotation)"
                if retired is not None and retired.event == "reshare"
                else ""
            )
            yield Finding(
                "rotation",
                e.code,
                f"release of set {e.set} on {e.time[:10]} was not followed by a rotation "
                f"within {ctx.rules.rotation_deadline_days} days{reshared}",
            )
        else:
            ctx.note(
                f"{e.code}: release of set {e.set} on {e.time[:10]} awaits rotation (due by {day(e.when + deadline)})"
            )


def check_retired(ctx: Context) -> Iterator[Finding]:
    for e in ctx.entries:
        rotation = ctx.sets.retired.get(e.set)
        if e.event in (*USE_EVENTS, "rotate", "reshare", "expand") and rotation is not None and e.seq > rotation.seq:
            allowed = e.extra.get("allowed_retired")
            why = f"; reason recorded: '{allowed}'" if allowed else ""
            yield Finding(
                "retired",
                e.code,
                f"{e.event} of set {e.set} on {e.time[:10]}, which was retired by "
                f"{retirement_text(rotation)}: its sheets should have been destroyed{why}",
            )


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
        for start, stop in itertools.pairwise(moments):
            if stop - start > limit:
                yield Finding(
                    "drill",
                    origin.code,
                    f"set {set_text} had no drill or use from {day(start)} to {day(stop)} "
                    f"({days(stop - start)}; at most {ctx.rules.drill_interval_days} days)",
                )


def check_holders(ctx: Context) -> Iterator[Finding]:
    """No one may hold k or more distinct shares of one set (copies of one share count once), at any time: each
    event that prints sheets (split, rotation, reshare, expansion) is judged with the sheets then held, less those
    destroyed or handed back (replaced by an expansion) before or at it."""
    for set_text in ctx.sets.created:
        k = ctx.sets.k(set_text)
        if not k:
            continue
        held: dict[tuple[int, int], str] = {}
        reported: set[str] = set()
        for maker in ctx.sets.makers(set_text):
            held.update(sheets_printed(maker))
            for sheet in replaced_sheets(maker):
                held.pop(sheet, None)
            for sheet, destroyed in ctx.sets.destroyed.get(set_text, {}).items():
                if destroyed.seq < maker.seq:
                    held.pop(sheet, None)
            yield from _too_many(set_text, k, held, maker, reported)


def _too_many(set_text: str, k: int, held: dict[tuple[int, int], str], maker, reported: set[str]) -> Iterator[Finding]:
    by_person: dict[str, set[int]] = defaultdict(set)
    names: dict[str, str] = {}
    for (share, _copy), holder in held.items():
        if name_key(holder):
            by_person[name_key(holder)].add(share)
            names.setdefault(name_key(holder), holder)
    for key, shares in sorted(by_person.items()):
        if len(shares) >= k and key not in reported:
            reported.add(key)
            when = (
                "" if maker.event in ("split", "rotate", "reshare") else f", after the expansion on {maker.time[:10]}"
            )
            yield Finding(
                "holders",
                maker.code,
                f"set {set_text}: one holder ({names[key]}) holds {len(shares)} "
                f"distinct shares, k is {k}: that person alone can recover the credential (shares "
                f"{numbers(shares)}{when})",
            )


def check_destruction(ctx: Context) -> Iterator[Finding]:
    """After a rotation or reshare, every printed copy of the retired set (expanded sheets included) is recorded
    destroyed within the rotation deadline; so is every sheet an expansion replaced."""
    for set_text, retirement in ctx.sets.retired.items():
        yield from _awaiting(
            ctx,
            set_text,
            retirement,
            ctx.sets.sheets(set_text),
            f"set {set_text} was retired on {retirement.time[:10]}",
        )
    for set_text, expansions in ctx.sets.expansions.items():
        if set_text in ctx.sets.retired:
            continue  # the set's retirement asks for every sheet, replaced ones included
        printed = ctx.sets.sheets(set_text)
        for expansion in expansions:
            replaced = {sheet: printed.get(sheet, "") for sheet in replaced_sheets(expansion)}
            yield from _awaiting(
                ctx,
                set_text,
                expansion,
                replaced,
                f"sheets of set {set_text} were replaced by the expansion on {expansion.time[:10]}",
            )
    yield from _destroyed_while_live(ctx)


def _destroyed_while_live(ctx: Context) -> Iterator[Finding]:
    """A sheet is destroyed once its set is retired, or once an expansion has replaced it; destroyed before, the
    set lost a share (and a later claim that the sheet was replaced or retired would cover nothing)."""
    for set_text, destroyed in ctx.sets.destroyed.items():
        retired, replaced = ctx.sets.retired.get(set_text), ctx.sets.replaced(set_text)
        early: dict[int, tuple] = {}  # destroy seq -> (the event, its early sheets)
        for sheet, destroy in sorted(destroyed.items()):
            if (retired is None or destroy.seq < retired.seq) and (
                sheet not in replaced or replaced[sheet].seq > destroy.seq
            ):
                early.setdefault(destroy.seq, (destroy, []))[1].append(sheet)
        for destroy, sheets in early.values():
            named = ", ".join(f"{s}.{c}" for s, c in sheets)
            yield Finding(
                "destruction",
                destroy.code,
                f"destroy on {destroy.time[:10]} records sheet(s) {named} of set "
                f"{set_text} destroyed while the set was live and before any expansion replaced them: the set "
                "lost shares (a rotation, reshare or expansion with --replaces comes first)",
            )


def _awaiting(ctx: Context, set_text: str, since, sheets: dict[tuple[int, int], str], what: str) -> Iterator[Finding]:
    gone = ctx.sets.destroyed.get(set_text, {})
    left = sorted(sheet for sheet in sheets if sheet not in gone)
    if not left:
        return
    names = ", ".join(f"share {s} copy {c}" + (f" ({sheets[(s, c)]})" if sheets[(s, c)] else "") for s, c in left)
    due = since.when + ctx.rules.deadline
    if ctx.as_of > due:
        yield Finding(
            "destruction",
            since.code,
            f"{what} but {len(left)} sheet(s) were never recorded destroyed: {names} (due by {day(due)})",
        )
    else:
        ctx.note(f"{since.code}: {what}; awaiting destruction of {names} (due by {day(due)})")


def check_sheets(ctx: Context) -> Iterator[Finding]:
    """Every set an event names was made in this journal, and every share, copy or sheet it names was printed."""
    destroyed_at: dict[tuple[str, int, int], str] = {}
    for e in ctx.entries:
        if e.event not in CEREMONY_EVENTS:
            continue
        if e.set not in ctx.sets.created and e.event != "split":
            yield Finding(
                "sheets",
                e.code,
                f"{e.event} on {e.time[:10]} names set {e.set}, which no split or rotation in this journal made",
            )
            continue
        for share in e.shares:
            if ctx.sets.sheet_exists(e.set, share) is False:
                yield Finding(
                    "sheets",
                    e.code,
                    f"{e.event} on {e.time[:10]} names share {share} of set {e.set}, which was never printed",
                )
        pairs = destroyed_sheets(e) if e.event == "destroy" else _copies(e)
        for share, copy in pairs:
            if (
                share in e.shares
                and ctx.sets.sheet_exists(e.set, share, copy) is False
                and ctx.sets.sheet_exists(e.set, share)
            ):
                yield Finding(
                    "sheets",
                    e.code,
                    f"{e.event} on {e.time[:10]} names sheet {share}.{copy} of set {e.set} "
                    "(share.copy), which was never printed",
                )
            if e.event == "destroy":
                earlier = destroyed_at.setdefault((e.set, share, copy), e.code)
                if earlier != e.code:
                    yield Finding(
                        "sheets",
                        e.code,
                        f"sheet {share}.{copy} of set {e.set} is recorded destroyed twice (first by {earlier})",
                    )
    yield from _expansion_sheets(ctx)
    yield from _read_after_destruction(ctx)
    yield from _logbook_sheets(ctx)


def _read_after_destruction(ctx: Context) -> Iterator[Finding]:
    """A sheet read at a ceremony after the journal recorded it destroyed, or replaced by an expansion (handed back):
    that did not happen, or a copy of the sheet exists. Events that list the copies they read are judged sheet by sheet; older ones, which
    list only share numbers, when every printed copy of a share was recorded destroyed."""
    for e in ctx.entries:
        if e.event not in SHEETS_READ:
            continue
        gone = {
            sheet: d
            for sheet, d in [*ctx.sets.replaced(e.set).items(), *ctx.sets.destroyed.get(e.set, {}).items()]
            if d.seq < e.seq
        }
        if not gone:
            continue
        read = _copies(e) or [sheet for sheet in ctx.sets.sheets(e.set) if sheet[0] in e.shares]
        if not _copies(e):  # only share numbers: one copy still in custody may have been the one read
            read = [sheet for sheet in read if all(s in gone for s in ctx.sets.sheets(e.set) if s[0] == sheet[0])]
        for sheet in sorted(set(read) & set(gone)):
            by = gone[sheet]
            what = "recorded destroyed" if by.event == "destroy" else "recorded replaced (handed back to be destroyed)"
            yield Finding(
                "sheets",
                e.code,
                f"{e.event} on {e.time[:10]} read sheet {sheet[0]}.{sheet[1]} of set {e.set}, "
                f"which {by.event} {by.code} {what} on {by.time[:10]}: that did not happen, or a copy of the "
                "sheet exists",
            )


def _expansion_sheets(ctx: Context) -> Iterator[Finding]:
    """An expansion prints shares at numbers never printed before, and replaces only sheets that were printed."""
    for set_text, expansions in ctx.sets.expansions.items():
        origin = ctx.sets.created.get(set_text)
        if origin is None:
            continue  # an expansion of a set this journal never made: reported above
        printed = dict(sheets_printed(origin)) or {(i, 1): "" for i in range(1, (ctx.sets.n(set_text) or 0) + 1)}
        for expansion in expansions:
            new = sheets_printed(expansion)
            again = sorted({share for share, _copy in new} & {share for share, _copy in printed})
            if again:
                yield Finding(
                    "sheets",
                    expansion.code,
                    f"expand on {expansion.time[:10]} prints share(s) "
                    f"{', '.join(map(str, again))} of set {set_text}, which were already printed: a share "
                    "number is issued once",
                )
            for share, copy in replaced_sheets(expansion):
                if (share, copy) not in printed:
                    yield Finding(
                        "sheets",
                        expansion.code,
                        f"expand on {expansion.time[:10]} replaces sheet "
                        f"{share}.{copy} of set {set_text} (share.copy), which was never printed",
                    )
            printed.update(new)


def _copies(entry) -> list[tuple[int, int]]:
    raw = entry.extra.get("copies", [])
    return (
        [
            (int(p[0]), int(p[1]))
            for p in raw
            if isinstance(p, list) and len(p) == 2 and all(isinstance(x, int) for x in p)
        ]
        if isinstance(raw, list)
        else []
    )


def _logbook_sheets(ctx: Context) -> Iterator[Finding]:
    for r in ctx.rows:
        set_text = r.set_id or (ctx.by_code[r.event_code].set if r.event_code in ctx.by_code else "")
        if not set_text or set_text not in ctx.sets.created:
            continue
        if r.event in ("rotate", "reshare") and r.new_set_id and set_text == r.new_set_id:
            continue  # the wrong set on a rotate row is the agreement rule's finding, not a missing sheet
        for share in r.shares:
            if ctx.sets.sheet_exists(set_text, share) is False:
                yield Finding(
                    "sheets",
                    r.label,
                    f"logbook row {r.row} ({r.event}) names share {share} of set {set_text}, "
                    f"which was never printed (set has {ctx.sets.n(set_text)} shares)",
                    row=r.row,
                    field="shares",
                    logbook=str(share),
                )
        for share, copy in r.sheets_destroyed:
            if ctx.sets.sheet_exists(set_text, share, copy) is False:
                yield Finding(
                    "sheets",
                    r.label,
                    f"logbook row {r.row} ({r.event}) records sheet {share}.{copy} of set "
                    f"{set_text} destroyed, which was never printed",
                    row=r.row,
                    field="sheets_destroyed",
                    logbook=f"{share}.{copy}",
                )


RULES = [
    Rule(
        "head",
        "The journal ends at the last event code written on paper (--head).",
        check_head,
        lambda ctx: (
            None if ctx.head else "no --head CODE given: entries cut from the end of the journal would not show"
        ),
    ),
    Rule("order", "Journal times never go backwards, and none is after the audit is run (whole journal).", check_order),
    Rule(
        "people",
        "Every ceremony records an operator and a witness, two different people; solo ceremonies are reported.",
        check_people,
    ),
    Rule("release-record", "Every release records its incident and reason.", check_release_record),
    Rule(
        "rotation", "Every release is followed by a rotation of its set within the rotation deadline.", check_rotation
    ),
    Rule(
        "retired",
        "No drill, release, rotation, reshare or expansion uses a set after a rotation or reshare retired it.",
        check_retired,
    ),
    Rule("drill", "Every live set is drilled or used at least every drill interval.", check_drills),
    Rule(
        "holders",
        "No one holds k or more distinct shares of a set, at any time (expanded shares included).",
        check_holders,
    ),
    Rule(
        "destruction",
        "Every printed sheet of a retired set, and every sheet an expansion replaced, is recorded "
        "destroyed within the rotation deadline.",
        check_destruction,
    ),
    Rule(
        "sheets",
        "Every set, share, copy and sheet named (journal and logbook) was made and printed; none destroyed "
        "twice; an expansion prints only new share numbers.",
        check_sheets,
    ),
]
