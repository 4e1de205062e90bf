"""Audit rules that hold the provider's own records (evidence.py) against the journal: after every release each
part the sheets hold was changed at the provider, every change of a held part at the provider was a recorded
ceremony, and every use the provider saw falls inside a recorded release.

What the sheets hold is what the journal recorded at the split or rotation that made the set ("holds", from the
config's [credential]); for an older journal without it, what the --config says; else one unnamed credential,
shown changed by a password change or a rotation record, as before. Records about another principal, account or
tenant never count (a note names them).

Where no evidence proves a part changed after a release, the verdict is never CLEAN: inside the rotation deadline
the part is pending (verdict PENDING, exit 4), past it a finding says "rotation not confirmed". The journal records
that new sheets were made, not that the credential at the provider is the one on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from .findings import Context, Finding, Rule, day, stamp
from .provider_events import PART_WORDS, Evidence
from .rotation_proof import prove

SLACK = timedelta(days=1)  # setting a new credential and testing it happen the day of its ceremony
CONFIRMED, PENDING, LATE, NOT_CONFIRMED = "confirmed", "pending", "late", "not confirmed"


def _within(item: Evidence, start: datetime, end: datetime) -> bool:
    if item.day_only:
        return start.date() <= item.when.date() <= end.date()
    return start <= item.when <= end


def _about(credential, changes: list[Evidence]) -> list[Evidence]:
    return changes if credential is None else [c for c in changes if credential.stranger(c) is None]


def check_rotation_at_provider(ctx: Context) -> Iterator[Finding]:
    for e in ctx.entries:
        if e.event != "release":
            continue
        rotation = ctx.sets.retired.get(e.set)
        if rotation is not None and rotation.seq < e.seq:
            continue  # a use of a retired set: the 'retired' rule reports it
        credential = ctx.credential_for(e.set)
        changes = _about(credential, ctx.changes())
        for part in credential.parts if credential else ("",):
            finding = _one_part(ctx, e, part, changes, legacy=credential is None)
            if finding is not None:
                yield finding


def _one_part(ctx: Context, e, part: str, changes: list[Evidence], legacy: bool) -> Finding | None:
    end = e.when + ctx.rules.deadline
    word = PART_WORDS[part]
    proof, why = prove(part, [c for c in changes if _within(c, e.when - ctx.rules.tolerance, end)], legacy)
    if proof:
        _record(ctx, e, part, CONFIRMED, proof)
        return None
    if ctx.evidence and ctx.evidence.sources and ctx.evidence.limits and part in ("", "password"):
        why += ctx.evidence.limits  # a source that cannot show this part (the credential report for root)
    if ctx.as_of < end:
        text = (
            f"{e.code}: the change at the provider after the release on {e.time[:10]} is not confirmed yet (due by "
            f"{day(end)})"
            if legacy
            else f"{e.code}: the {word} is not yet shown changed at the provider after the "
            f"release on {e.time[:10]} (due by {day(end)})"
        )
        ctx.note(text)
        ctx.pending.append(text)
        _record(ctx, e, part, PENDING, [], "; ".join(why) or f"no provider record yet (due by {day(end)})")
        return None
    late, _ = prove(part, [c for c in changes if c.when > end], legacy)
    subject = "" if legacy else f" for the {word}"
    if late:
        _record(ctx, e, part, LATE, late, f"changed only at {late[-1].stamp()}, after the deadline")
        return Finding(
            "provider-rotation",
            e.code,
            f"release on {e.time[:10]}: rotation not confirmed in time{subject}: "
            f"the provider records the change only at {late[-1].stamp()} ({late[-1].cited()}), after the "
            f"{ctx.rules.rotation_deadline_days}-day deadline",
        )
    if not ctx.evidence or not ctx.evidence.sources:
        why.append("no --rotations evidence was given")
    _record(ctx, e, part, NOT_CONFIRMED, [], "; ".join(why) or "no provider record of the change")
    what = "the credential" if legacy else f"the {word}"
    return Finding(
        "provider-rotation",
        e.code,
        f"release on {e.time[:10]}: rotation not confirmed{subject}: no provider "
        f"record shows {what} changed between {stamp(e.when)} and {stamp(end)}" + "".join(f"; {w}" for w in why),
    )


def _record(ctx: Context, e, part: str, status: str, proof: list[Evidence], why: str = "") -> None:
    ctx.parts.append(
        {
            "release": e.code,
            "released": e.time,
            "set": e.set,
            "part": part or "credential",
            "status": status,
            "evidence": [
                {"source": p.source, "event_id": p.event_id or None, "time": p.stamp(), "what": p.what} for p in proof
            ],
            **({"why": why} if why else {}),
        }
    )


def _held(ctx: Context, change: Evidence) -> bool:
    """Whether a change is of a part some set of this journal holds, about its principal (legacy: a password
    change or a rotation record, as before parts were named)."""
    credentials = ctx.credentials()
    if not credentials:
        return change.part in ("", "password")
    return any(c.stranger(change) is None and (change.part in c.parts or change.part == "") for c in credentials)


def check_changes_recorded(ctx: Context) -> Iterator[Finding]:
    """A change at the provider that no split or rotation matches leaves the sheets holding an old credential. It
    matches one it comes before by up to the rotation deadline (changed first, sheets made later), or after by up
    to a day (set and tested the day of the ceremony): a change days after the new sheets were made is another
    credential than theirs."""
    if not ctx.entries:
        return
    makers = [e for e in ctx.entries if e.event in ("split", "rotate")]
    start = ctx.entries[0].when - ctx.rules.deadline
    named = bool(ctx.credentials())
    for change in ctx.changes():
        if not change.proves or change.when < start or not _held(ctx, change):
            continue
        if any(_within(change, m.when - ctx.rules.deadline, m.when + SLACK) for m in makers):
            continue
        if not named:
            yield Finding(
                "provider-change",
                change.source,
                f"the provider records a change of the credential at "
                f"{change.stamp()} ({change.what}) but no split or rotation in the journal around it: the "
                "sheets may hold a credential that no longer works",
            )
        else:
            yield Finding(
                "provider-change",
                change.source,
                f"the provider records a change of the "
                f"{PART_WORDS[change.part]} at {change.stamp()} ({change.what}; {change.cited()}) but no split "
                "or rotation in the journal around it: the sheets are stale, they may no longer open the account",
            )


def check_uses(ctx: Context) -> Iterator[Finding]:
    """Every use the provider records (a sign-in) falls inside a recorded release, or the day of a ceremony that
    set a new credential (setting and testing it, and the read-back drill of its new sheets)."""
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
    credentials = ctx.credentials()
    for use in ctx.uses():
        if use.when < first or (credentials and all(c.stranger(use) is not None for c in credentials)):
            continue
        if not any(_within(use, start, end) for start, end in windows):
            yield Finding(
                "provider-use",
                use.source,
                f"the provider records a use of the credential at {use.stamp()} "
                f"({use.what}) outside any release recorded in the journal"
                + (f": misuse, or a release the journal does not record ({use.cited()})" if credentials else ""),
            )


def _needs_changes(ctx: Context) -> str | None:
    return None if ctx.evidence and ctx.evidence.changes() else "no --rotations evidence of changes at the provider"


def _needs_uses(ctx: Context) -> str | None:
    if ctx.evidence and ctx.evidence.records_uses:
        return None
    return "no evidence that records uses (sign-in logs: CloudTrail, the AWS credential report, Entra ID sign-ins, Google login activities)"


RULES = [
    Rule(
        "provider-rotation",
        "After every release, the provider's records show each part of the credential the sheets "
        "hold changed within the rotation deadline (inside it: PENDING; after it: rotation not confirmed).",
        check_rotation_at_provider,
    ),
    Rule(
        "provider-change",
        "Every change at the provider of a part the sheets hold is matched by a split or rotation "
        "in the journal (else the sheets are stale).",
        check_changes_recorded,
        _needs_changes,
    ),
    Rule(
        "provider-use",
        "Every use of the credential the provider records falls inside a release recorded in the journal.",
        check_uses,
        _needs_uses,
    ),
]
