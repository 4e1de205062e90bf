"""The rotate ceremony: recover the old set, take a new credential, split it as a new set, retire the old.

Re-splitting the same credential would leave the old sheets able to rebuild a still-valid credential, so a
new credential equal to the old one is refused. The journal records one 'rotate' event that names the old set
(in "set") and the new one ("new_set"); from then on the old set is retired.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from ..errors import BreakglassError
from ..format import combine, scheme
from ..format.share import set_id_text
from ..record.sets import retirement_text
from .recover import choose_set, gather_shares, retirement
from .split import PlannedSheet, SplitPlan, run_split, sheets_record


@dataclass
class RotateRequest:
    journal_path: Path
    secret_file: str | None
    out_dir: Path
    scans: list[Path]
    typed_files: list[str]
    type_in: bool
    threshold: int | None
    shares: int | None
    label: str | None
    custodians: tuple[str, ...]
    copies: int | None
    paper: str | None  # None: the config's, else a4
    config_path: Path | None
    operator: str | None
    witness: str | None
    dpi: int
    scan_check: bool
    multi_line: bool = False  # type the new credential as several lines (secretio.read_secret)
    strip_newline: bool = False  # drop one trailing newline of --secret-file
    solo: str | None = None
    share_format: int = scheme.DEFAULT_FORMAT


def run_rotate(req: RotateRequest, now: datetime, say: Callable[[str], None]) -> dict:
    from ..record.journal import read_journal, require_journal, set_origin

    require_journal(req.journal_path)
    _check_people(req)
    say("Recovering the old set...")
    found = gather_shares(req.scans, req.typed_files, req.type_in, req.dpi, say)
    found = choose_set(found, req.journal_path, None, say)
    old = combine.recombine([f.share for f in found])
    for warning in old.warnings:
        say(f"WARNING: {warning}")
    say(f"Old set {old.set_text} recovered ({old.k} of {old.n}), fingerprint {old.fingerprint}.")
    retired_by = retirement(req.journal_path, old.set_text)
    if retired_by:
        raise BreakglassError(f"set {old.set_text} was already retired by {retirement_text(retired_by)}; rotate the "
                              "current set instead")
    origin = set_origin(read_journal(req.journal_path), old.set_text)
    plan = _plan(req, old, origin)
    plan.check_before_secret()

    from ..system.secretio import read_secret

    new_credential = read_secret(req.secret_file, what="new credential", multi_line=req.multi_line,
                                 strip_newline=req.strip_newline)
    if hmac.compare_digest(new_credential, old.credential):
        raise BreakglassError(
            "the new credential is the same as the old one: change the credential at the provider first, then rotate "
            "(re-splitting it would leave the old sheets able to rebuild it); nothing was written"
        )

    def rotate_entry(plan: SplitPlan, result: scheme.SplitResult) -> dict:
        return {
            "event": "rotate", "set_id": old.set_text, "shares": list(old.present), "fingerprint": old.fingerprint,
            "extra": {"new_set": set_id_text(result.set_id), "new_fingerprint": result.fingerprint,
                      "k": plan.k, "n": plan.n, "label": plan.label, "sheets": sheets_record(plan)},
        }

    plan.journal_entry = rotate_entry
    plan.replaces_set = old.set_text
    outcome = run_split(plan, new_credential, now, say)
    say(f"The rotate event {outcome['event_code']} names the retired set {old.set_text} (write that set id with the code "
        f"on the old logbook's record page) and the new set {outcome['set_id']} (on the new logbook's cover).")
    say(f"Old set {old.set_text} is now RETIRED. Reseal the old sheets you scanned in new bags; destroy every sheet of "
        "it under witness (breakglass destroy) and record each in the logbook.")
    return outcome


def _check_people(req: RotateRequest) -> None:
    """Before any scanning: two people (named, or from the config as for split), or a recorded --solo reason."""
    from ..record.people import check_two_people

    operator, witness = req.operator, req.witness
    if req.config_path is not None and not (operator and witness):
        from ..record.config import load_config

        config = load_config(req.config_path)
        operator, witness = operator or config.administrator.name, witness or config.witness.name
    check_two_people(operator, witness, req.solo, journalled=True)


def _plan(req: RotateRequest, old: combine.Recovered, origin) -> SplitPlan:
    """Same k, n, label and holders as the old set unless the options or a config say otherwise."""
    extra = origin.extra if origin else {}
    label = req.label or (None if req.config_path else extra.get("label"))
    plan = SplitPlan.from_options(
        threshold=req.threshold if req.threshold is not None else (None if req.config_path else old.k),
        shares=req.shares if req.shares is not None else (None if req.config_path else old.n),
        label=label, custodians=req.custodians, copies=req.copies, paper=req.paper, config_path=req.config_path,
        out_dir=req.out_dir, journal_path=req.journal_path, operator=req.operator, witness=req.witness,
        scan_check=req.scan_check, solo=req.solo, share_format=req.share_format,
    )
    old_sheets = extra.get("sheets")
    keep_holders = not req.custodians and req.config_path is None and req.copies is None and plan.n == old.n
    if keep_holders and isinstance(old_sheets, list) and old_sheets:
        plan.sheets = [PlannedSheet(int(s["share"]), int(s["copy"]), s.get("holder") or "") for s in old_sheets]
        plan.copies = max(s.copy for s in plan.sheets)
    return plan
