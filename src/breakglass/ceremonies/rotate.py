"""The rotate ceremony: recover the old set, take a new credential, split it as a new set, retire the old.

Re-splitting the same credential would leave the old sheets able to rebuild a still-valid credential, so a
new credential equal to the old one is refused (`reshare` is the ceremony that re-splits the same credential,
for custodian changes, and says what it cannot protect against). The journal records one 'rotate' event that
names the old set (in "set") and the new one ("new_set"); from then on the old set is retired.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..errors import BreakglassError
from ..format import scheme
from .current_set import (
    NewSetRequest,
    check_people,
    new_set_entry,
    plan_new_set,
    recover_current,
)
from .split import SheetsMade, run_split
from .terminal import Terminal


@dataclass
class RotateRequest(NewSetRequest):
    secret_file: str | None = None
    multi_line: bool = False  # type the new credential as several lines (secretio.read_secret)
    strip_newline: bool = False  # drop one trailing newline of --secret-file
    share_format: int | None = scheme.DEFAULT_FORMAT


def run_rotate(req: RotateRequest, now: datetime, say: Callable[[str], None], terminal: Terminal) -> SheetsMade:
    check_people(req.operator, req.witness, req.solo, req.config_path, label=req.label, custodians=req.custodians)
    say("Recovering the old set...")
    current = recover_current(
        req.journal_path, req.scans, req.typed_files, req.type_in, req.dpi, say, "rotate", terminal
    )
    old = current.recovered
    plan = plan_new_set(req, current)
    plan.check_before_secret()

    from ..system.secretio import read_secret

    new_credential = read_secret(
        req.secret_file, say, what="new credential", multi_line=req.multi_line, strip_newline=req.strip_newline
    )
    if hmac.compare_digest(new_credential, old.credential):
        raise BreakglassError(
            "the new credential is the same as the old one: change the credential at the provider first, then rotate "
            "(re-splitting it would leave the old sheets able to rebuild it); nothing was written"
        )

    plan.journal_entry = lambda plan, result: new_set_entry("rotate", current, plan, result)
    plan.replaces_set = old.set_text
    outcome = run_split(plan, new_credential, now, say)
    say(
        f"The rotate event {outcome.event_code} names the retired set {old.set_text} (write that set id with the code "
        f"on the old logbook's record page) and the new set {outcome.set_id} (on the new logbook's cover)."
    )
    say(
        f"Old set {old.set_text} is now RETIRED. Reseal the old sheets you scanned in new bags; destroy every sheet of "
        "it under witness (breakglass destroy) and record each in the logbook."
    )
    return outcome
