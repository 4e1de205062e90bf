"""The reshare ceremony: the SAME credential as a NEW set (new set id, new data key, new polynomials; k, n,
custodians and format as given), from any k sheets of the current set, which becomes retired.

For custodian changes when the credential itself was not exposed: someone leaves, a sheet is lost, the
threshold changes. What it protects against, and what not (docs/DESIGN.md, "Custodian changes"): once the old
sheets are destroyed, a departed custodian's old sheet, or a lost one, is worthless, because recombine refuses
a retired set and no other old sheet is left to combine it with. Until then, any k old sheets still open the
old set, and they yield the SAME credential: the old sheets are listed for destruction within the rotation
deadline, and the audit reports any not destroyed. Only a rotation (a new credential at the provider) revokes
a credential that may have been seen.

The credential exists only in memory: it is recovered from the old sheets and split again, never shown,
written or journalled. The new sheets are made, read back and journalled exactly as a split's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .current_set import (
    CurrentSet,
    NewSetRequest,
    check_people,
    new_set_entry,
    plan_new_set,
    recover_current,
)
from .split import SheetsMade, run_split
from .terminal import Terminal


@dataclass
class ReshareRequest(NewSetRequest):
    """As for a rotation, without a new credential: the set's own is split again."""


def run_reshare(req: ReshareRequest, now: datetime, say: Callable[[str], None], terminal: Terminal) -> SheetsMade:
    check_people(req.operator, req.witness, req.solo, req.config_path, label=req.label, custodians=req.custodians)
    say("Reading the old set's sheets (the credential is recovered in memory only, never shown)...")
    current = recover_current(
        req.journal_path, req.scans, req.typed_files, req.type_in, req.dpi, say, "reshare", terminal
    )
    old = current.recovered
    plan = plan_new_set(req, current)
    plan.ceremony = "reshare"
    plan.check_before_secret()
    for warning in _exposure_warnings(current):
        say(f"WARNING: {warning}")

    plan.journal_entry = lambda plan, result: new_set_entry(
        "reshare", current, plan, result, used=list(old.used), copies=current.copies_read(), format=plan.share_format
    )
    plan.replaces_set = old.set_text
    outcome = run_split(plan, old.credential, now, say)
    _after(current, outcome, _deadline_days(req), now, say)
    return outcome


def _exposure_warnings(current: CurrentSet) -> list[str]:
    """A release of this credential (of this set, or of a set it was reshared from) not yet followed by a
    rotation: resharing passes the exposed credential on; it does not replace the rotation."""
    history = current.history
    sets = [current.set_text, *history.predecessors(current.set_text)]
    releases = [e for e in current.entries if e.event == "release" and e.set in sets]
    return [
        f"the credential was released on {e.time[:10]} (event {e.code}) and has not been rotated since: a reshare "
        "keeps the same credential, so the new set must still be rotated (breakglass rotate) within the deadline"
        for e in releases
        if history.rotation_after(e.set, e.seq) is None
    ]


def _deadline_days(req: ReshareRequest) -> int:
    from ..record.config import DEFAULT_ROTATION_DEADLINE_DAYS, load_config

    return load_config(req.config_path).rotation_deadline_days if req.config_path else DEFAULT_ROTATION_DEADLINE_DAYS


def _after(current: CurrentSet, outcome: SheetsMade, deadline_days: int, now: datetime, say) -> None:
    old = current.set_text
    live = current.history.live_sheets(old)
    due = (now + timedelta(days=deadline_days)).strftime("%Y-%m-%d")
    say(
        f"The reshare event {outcome.event_code} names the retired set {old} (write it with the code on the old "
        f"logbook's record page) and the new set {outcome.set_id} (on the new logbook's cover)."
    )
    say(
        f"Old set {old} is now RETIRED: recombine refuses it. Destroy EVERY sheet of it under witness by {due} "
        "(breakglass destroy), the ones just scanned after resealing them:"
    )
    for (share, copy), holder in sorted(live.items()):
        say(f"  share {share} copy {copy}" + (f" ({holder})" if holder else ""))
    say(
        "Until they are destroyed, any k old sheets still open the old set and give the SAME credential: a "
        "reshare does not change it. If the credential may have been seen, rotate it instead."
    )
