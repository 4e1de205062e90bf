"""The expand ceremony: new shares of the SAME set at new share numbers, from any k of its sheets.

For a new custodian, or a replacement for a damaged sheet (or one whose holder leaves and hands it back): the
new sheet is a share like the others, never a copy, so it carries a number no sheet has carried (the journal
knows every number issued: by the split and by earlier expansions). The set's k stays; its share count grows,
up to 255. The credential and the data key exist only in memory; nothing is re-encrypted, so the old sheets and
the new ones recombine in any mix. The new sheets are read back with the old shares, exactly as a split's, and
written and journalled the way split writes (split.print_sheets): all or nothing.

A sheet replaced (--replaces SHARE.COPY) stays a valid share of the set until it is destroyed: the journal
records it as replaced, and the audit asks for its destruction within the rotation deadline. A LOST sheet is
not made harmless by an expansion: only `reshare` (and destroying the old sheets) or a rotation does that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..errors import BreakglassError
from ..format import expand, scheme
from ..format.share import MAX_SHARES
from ..record.people import name_key
from ..record.sheetnumbers import SheetNumberError, parse_sheet
from .current_set import CeremonyRequest, CurrentSet, check_people, recover_current
from .split import PlannedEvent, PlannedSheet, SheetsMade, SplitPlan, print_sheets, sheets_record
from .terminal import Terminal


@dataclass
class ExpandRequest(CeremonyRequest):
    custodians: tuple[str, ...] = ()  # one new share each, in order (at least one)
    copies: int | None = None
    replaces: tuple[str, ...] = ()  # SHARE or SHARE.COPY of sheets handed back, to be destroyed


def run_expand(req: ExpandRequest, now: datetime, say: Callable[[str], None], terminal: Terminal) -> SheetsMade:
    config = _refuse_early(req)
    say("Reading the set's sheets...")
    current = recover_current(
        req.journal_path, req.scans, req.typed_files, req.type_in, req.dpi, say, "expand", terminal
    )
    plan = _plan(req, current, config)
    plan.check_before_secret()
    replaced = _replaced_sheets(req.replaces, current)
    for warning in _holder_warnings(plan, current, replaced):
        say(f"WARNING: {warning}")
    recovered = current.recovered
    indexes = sorted({s.share for s in plan.sheets})
    shares = expand.new_shares(recovered, indexes, plan.n)
    result = scheme.SplitResult(recovered.set_id, recovered.fingerprint, shares)

    def expand_entry(plan: SplitPlan, _result: scheme.SplitResult) -> PlannedEvent:
        extra = {
            "k": plan.k,
            "n": plan.n,
            "label": plan.label,
            "new_shares": indexes,
            "sheets": sheets_record(plan),
            "used": list(recovered.used),
            "copies": current.copies_read(),
            "format": recovered.version,
        }
        if replaced:
            extra["replaces"] = [{"share": s, "copy": c} for s, c in replaced]
        return PlannedEvent("expand", current.set_text, list(recovered.present), recovered.fingerprint, extra)

    plan.journal_entry = expand_entry
    say(
        f"Printing {_shares_text(indexes)} of set {current.set_text} (k stays {plan.k}; the set now has "
        f"{plan.n} share numbers)..."
    )
    outcome = print_sheets(plan, result, recovered.credential, now, say, known=recovered.used_shares)
    _after(current, indexes, replaced, outcome, say)
    return outcome


def _refuse_early(req: ExpandRequest):
    """Before anyone opens a bag: two people, a custodian for each new share, sheets to replace written right."""
    check_people(req.operator, req.witness, req.solo, req.config_path, custodians=req.custodians)
    if not req.custodians or any(not name_key(c) for c in req.custodians):
        raise BreakglassError("name the custodian of each new share: --custodian NAME (one new share each)")
    for text in req.replaces:
        _parse_sheet(text)
    config = None
    if req.config_path is not None:
        from ..record.config import load_config

        config = load_config(req.config_path)
    _check_journal_before_scans(req, config)
    return config


def _check_journal_before_scans(req: ExpandRequest, config) -> None:
    """What the journal alone settles is checked before anyone opens a bag: the new share numbers (after every
    number the current set has issued), their limit, and the config's n and share numbers for them. The same
    checks run again on the set the sheets recover (they decide if the journal has no single current set)."""
    from ..record.journal import read_journal, require_journal
    from ..record.sets import SetHistory

    require_journal(req.journal_path)
    history = SetHistory(read_journal(req.journal_path))
    current = history.current()
    if len(current) != 1:
        return
    indexes = _new_numbers(history.issued(current[0]), len(req.custodians), current[0])
    k = history.k(current[0])
    if k is None:
        _check_config(config, dict(zip(req.custodians, indexes, strict=True)), indexes[-1], current[0])
        return
    # The journal does not record the share format; the plan's files and checks do not depend on it.
    _plan_sheets(req, current[0], history, k, scheme.DEFAULT_FORMAT, indexes, config).check_before_secret()


def _new_numbers(issued: set[int], count: int, set_text: str) -> list[int]:
    first = max(issued | {0}) + 1
    indexes = list(range(first, first + count))
    if indexes[-1] > MAX_SHARES:
        raise BreakglassError(
            f"set {set_text} has issued share numbers up to {first - 1}; {count} more "
            f"would pass {MAX_SHARES}, the most a set can have: reshare it as a new set instead"
        )
    return indexes


def _plan(req: ExpandRequest, current: CurrentSet, config) -> SplitPlan:
    """The new sheets: the next share numbers after every number ever issued for the set."""
    recovered, history = current.recovered, current.history
    indexes = _new_numbers(
        history.issued(current.set_text) | set(recovered.present), len(req.custodians), current.set_text
    )
    return _plan_sheets(req, current.set_text, history, recovered.k, recovered.version, indexes, config)


def _plan_sheets(
    req: ExpandRequest, set_text: str, history, k: int, version: int, indexes: list[int], config
) -> SplitPlan:
    people = {name_key(c.name): c for c in config.custodians} if config is not None else {}
    _check_config(config, dict(zip(req.custodians, indexes, strict=True)), indexes[-1], set_text)
    sheets = []
    for index, name in zip(indexes, req.custodians, strict=True):
        known = people.get(name_key(name))
        for copy in range(1, (req.copies or 1) + 1):
            sheets.append(PlannedSheet(index, copy, name, known.role if known else "", known.location if known else ""))
    return SplitPlan(
        k=k,
        n=indexes[-1],
        label=history.label(set_text) or (config.label if config else ""),
        sheets=sheets,
        copies=req.copies or 1,
        paper=(req.paper or (config.paper if config else None) or "a4").lower(),
        out_dir=req.out_dir,
        journal_path=req.journal_path,
        operator=req.operator or (config.administrator.name if config else None),
        witness=req.witness or (config.witness.name if config else None),
        scan_check=req.scan_check,
        contact=config.contact if config else "",
        config_path=req.config_path,
        solo=req.solo,
        share_format=version,
        ceremony="expand",
        demo=req.demo,
    )


def _check_config(config, numbers: dict[str, int], n: int, set_text: str) -> None:
    """A config given must already describe the set after the expansion, as the logbook will print it."""
    if config is None:
        return
    if config.n != n:
        raise BreakglassError(
            f"{config.path or 'the config'} says n = {config.n}, but set {set_text} will have {n} share "
            f"numbers after this expansion: update n (and add the new custodians) before printing"
        )
    assigned = config.assignments()
    for name, index in numbers.items():
        wanted = next((share for person, share in assigned.items() if name_key(person) == name_key(name)), None)
        if wanted is not None and wanted != index:
            raise BreakglassError(
                f"{config.path or 'the config'} gives {name} share {wanted}, but the next share number "
                f"of set {set_text} is {index}: correct the config"
            )


def _parse_sheet(text: str) -> tuple[int, int]:
    try:
        return parse_sheet(text)
    except SheetNumberError as e:
        raise BreakglassError(f"--replaces {e}") from None


def _replaced_sheets(texts: tuple[str, ...], current: CurrentSet) -> list[tuple[int, int]]:
    """The sheets handed back: printed, still in custody, each named once."""
    sheets = [_parse_sheet(t) for t in texts]
    history, set_text = current.history, current.set_text
    for share, copy in sheets:
        if sheets.count((share, copy)) > 1:
            raise BreakglassError(f"--replaces {share}.{copy} is given twice")
        if history.sheet_exists(set_text, share, copy) is False:
            raise BreakglassError(
                f"sheet {share}.{copy} of set {set_text} was never printed: check --replaces "
                "against the sheet (share and copy numbers)"
            )
        if (share, copy) in history.destroyed.get(set_text, {}):
            raise BreakglassError(f"sheet {share}.{copy} of set {set_text} was already recorded destroyed")
        if (share, copy) in history.replaced(set_text):
            raise BreakglassError(
                f"sheet {share}.{copy} of set {set_text} was already replaced by expansion "
                f"{history.replaced(set_text)[(share, copy)].code}"
            )
    return sheets


def _holder_warnings(plan: SplitPlan, current: CurrentSet, replaced: list[tuple[int, int]]) -> list[str]:
    """Anyone who would hold k or more distinct shares once the new sheets are handed out (the audit's rule)."""
    held = {
        sheet: holder
        for sheet, holder in current.history.live_sheets(current.set_text).items()
        if sheet not in replaced
    }
    held.update({(s.share, s.copy): s.name for s in plan.sheets})
    by_person: dict[str, set[int]] = {}
    for (share, _copy), holder in held.items():
        if name_key(holder):
            by_person.setdefault(name_key(holder), set()).add(share)
    names = {name_key(s.name): s.name for s in plan.sheets}
    return [
        f"{names[key]} would hold {len(shares)} distinct shares of this set ({', '.join(map(str, sorted(shares)))}) "
        f"and k is {plan.k}: that person alone could recover the credential; the audit will report it"
        for key, shares in sorted(by_person.items())
        if key in names and len(shares) >= plan.k
    ]


def _shares_text(indexes: list[int]) -> str:
    return f"share {indexes[0]}" if len(indexes) == 1 else f"shares {indexes[0]} to {indexes[-1]}"


def _after(current: CurrentSet, indexes: list[int], replaced, outcome: SheetsMade, say) -> None:
    say(
        f"The expand event {outcome.event_code} adds {_shares_text(indexes)} to set {current.set_text}: write the "
        "code with its time on the set logbook's record page, and print the expansion's logbook for the new sheets."
    )
    if current.recovered.version == 1:
        say(
            f"Note: set {current.set_text} is in share format 1: its new sheets carry share numbers above the "
            f"{current.recovered.used_shares[0].n} of the split, which breakglass releases without the expand command refuse. "
            "Recover this set with this release or a later one."
        )
    if replaced:
        listed = ", ".join(f"{s}.{c}" for s, c in replaced)
        say(
            f"Sheet(s) {listed} (share.copy) are REPLACED but still valid shares of this set until destroyed: destroy "
            f"them under witness now (breakglass destroy --set {current.set_text} --sheet ...). A lost sheet stays a "
            "valid share: if one is lost, reshare the set and destroy every old sheet."
        )
    say(
        f"Reseal the sheets you scanned in new bags; each new custodian checks their sheet (share number, set id, "
        f"fingerprint {current.recovered.fingerprint}) and seals it."
    )
