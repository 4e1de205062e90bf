"""Audit rules that hold the provider's own records (evidence.py) against the journal: every release was followed
by a change of the credential at the provider, every change at the provider was a recorded ceremony, and every
use the provider saw falls inside a recorded release.

Where no evidence proves the change after a release, the finding says "rotation not confirmed": the audit is
never CLEAN on the strength of a journal entry alone, because the journal records that new sheets were made, not
that the credential at the provider is the one on them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterator

from .evidence import Evidence
from .findings import Context, Finding, Rule, day, stamp

SLACK = timedelta(days=1)  # setting a new credential and testing it happen the day of its ceremony


def _within(item: Evidence, start: datetime, end: datetime) -> bool:
    if item.day_only:
        return start.date() <= item.when.date() <= end.date()
    return start <= item.when <= end


def check_rotation_at_provider(ctx: Context) -> Iterator[Finding]:
    changes = ctx.changes()
    for e in ctx.entries:
        if e.event != "release":
            continue
        rotation = ctx.sets.retired.get(e.set)
        if rotation is not None and rotation.seq < e.seq:
            continue  # a use of a retired set: the 'retired' rule reports it
        end = e.when + ctx.rules.deadline
        window = [c for c in changes if _within(c, e.when - ctx.rules.tolerance, end)]
        if any(c.proves for c in window):
            continue
        if ctx.as_of < end:
            ctx.note(f"{e.code}: the change at the provider after the release on {e.time[:10]} is not confirmed yet "
                     f"(due by {day(end)})")
            continue
        late = [c for c in changes if c.proves and c.when > end]
        if late:
            yield Finding("provider-rotation", e.code, f"release on {e.time[:10]}: rotation not confirmed in time: the "
                          f"provider records the change only at {late[0].stamp()} ({late[0].source}), after the "
                          f"{ctx.rules.rotation_deadline_days}-day deadline")
            continue
        why = [f"{c.source} ({c.what}) does not count: {c.problem}" for c in window]
        if not ctx.evidence or not ctx.evidence.sources:
            why.append("no --rotations evidence was given")
        elif ctx.evidence.limits:
            why += ctx.evidence.limits
        yield Finding("provider-rotation", e.code, f"release on {e.time[:10]}: rotation not confirmed: no provider record "
                      f"shows the credential changed between {stamp(e.when)} and {stamp(end)}" + "".join(f"; {w}" for w in why))


def check_changes_recorded(ctx: Context) -> Iterator[Finding]:
    """A change at the provider that no split or rotation matches leaves the sheets holding an old credential. It
    matches one it comes before by up to the rotation deadline (changed first, sheets made later), or after by up
    to a day (set and tested the day of the ceremony): a change days after the new sheets were made is another
    credential than theirs."""
    if not ctx.entries:
        return
    makers = [e for e in ctx.entries if e.event in ("split", "rotate")]
    start = ctx.entries[0].when - ctx.rules.deadline
    for change in ctx.changes():
        if not change.proves or change.when < start:
            continue
        if not any(_within(change, m.when - ctx.rules.deadline, m.when + SLACK) for m in makers):
            yield Finding("provider-change", change.source, f"the provider records a change of the credential at "
                          f"{change.stamp()} ({change.what}) but no split or rotation in the journal around it: the "
                          "sheets may hold a credential that no longer works")


def check_uses(ctx: Context) -> Iterator[Finding]:
    """Every use the provider records (a root sign-in) falls inside a recorded release, or the day of a ceremony
    that set a new credential (setting and testing it)."""
    if not ctx.entries:
        return
    windows = []
    for e in ctx.entries:
        if e.event == "release":
            rotation = ctx.sets.rotation_after(e.set, e.seq)  # a reshare keeps the credential: not an end
            end = rotation.when if rotation is not None else e.when + ctx.rules.deadline
            windows.append((e.when - ctx.rules.tolerance, end + SLACK))
        elif e.event in ("split", "rotate"):
            windows.append((e.when - SLACK, e.when + SLACK))
    first = ctx.entries[0].when
    for use in ctx.uses():
        if use.when < first:
            continue
        if not any(_within(use, start, end) for start, end in windows):
            yield Finding("provider-use", use.source, f"the provider records a use of the credential at {use.stamp()} "
                          f"({use.what}) outside any release recorded in the journal")


def _needs_changes(ctx: Context) -> str | None:
    return None if ctx.evidence and ctx.evidence.changes() else "no --rotations evidence of changes at the provider"


def _needs_uses(ctx: Context) -> str | None:
    if ctx.evidence and ctx.evidence.records_uses:
        return None
    return "no evidence that records uses (AWS credential report or CloudTrail sign-ins)"


RULES = [
    Rule("provider-rotation", "After every release, the provider's records show the credential changed within the "
         "rotation deadline (else: rotation not confirmed).", check_rotation_at_provider),
    Rule("provider-change", "Every change of the credential at the provider is matched by a split or rotation in the "
         "journal.", check_changes_recorded, _needs_changes),
    Rule("provider-use", "Every use of the credential the provider records falls inside a release recorded in the "
         "journal.", check_uses, _needs_uses),
]
