"""What the ceremonies that change a set share (rotate, reshare, expand): two people, k sheets of the current set
read and recovered in memory (never shown), and the plan of a new set's sheets.

The credential recovered here lives only in memory: rotate compares it with the new one, reshare splits it
again, expand rebuilds shares at new indexes from the shares that authenticated. None of them shows, writes or
journals it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import BreakglassError
from ..format import combine
from ..format.outcome import Recovered
from ..format.share import set_id_text
from ..record.journal import Entry, read_journal, require_journal
from ..record.sets import SetHistory, retirement_text
from ..scan.collect import FoundShare
from .recover import check_recorded_set, choose_set, gather_shares
from .split import PlannedEvent, PlannedSheet, SplitPlan, sheets_record
from .terminal import Terminal


@dataclass
class CeremonyRequest:
    """What every ceremony that reads k sheets of the current set is given (rotate, reshare, expand)."""

    journal_path: Path
    out_dir: Path
    scans: list[Path]
    typed_files: Sequence[str] = ()
    type_in: bool = False
    paper: str | None = None  # None: the config's, else a4
    config_path: Path | None = None
    operator: str | None = None
    witness: str | None = None
    dpi: int = 200
    scan_check: bool = True
    solo: str | None = None
    demo: bool = False  # run by `breakglass demo`: the journal event says so ("demo": true)


@dataclass
class NewSetRequest(CeremonyRequest):
    """A ceremony that makes a new set from the current one (rotate, reshare): the new set's shape."""

    threshold: int | None = None
    shares: int | None = None
    label: str | None = None
    custodians: tuple[str, ...] = ()
    copies: int | None = None
    share_format: int | None = None  # None: the format of the set it replaces


@dataclass(frozen=True)
class CurrentSet:
    """The set k sheets were read from, recovered in memory, with what the journal says about it."""

    recovered: Recovered
    found: list[FoundShare]
    entries: list[Entry]  # the journal, as read when the set was recovered
    history: SetHistory

    @property
    def set_text(self) -> str:
        return self.recovered.set_text

    @property
    def origin(self) -> Entry | None:
        return self.history.created.get(self.set_text)

    def copies_read(self) -> list[list[int]]:
        """[share, copy] of every printed copy read, for the journal."""
        return sorted(
            [f.share.index, c] for f in self.found if f.share.set_id == self.recovered.set_id for c in sorted(f.copies)
        )


def check_people(
    operator: str | None,
    witness: str | None,
    solo: str | None,
    config_path: Path | None,
    *,
    label: str | None = None,
    custodians=(),
) -> None:
    """Before any scanning: two people (named, or the config's administrator and witness, as for split), or a
    recorded --solo reason; and the new set's --label and --custodian names plain text of a sane length."""
    from ..record.people import check_two_people
    from .split import check_new_set_texts

    check_new_set_texts(label, custodians)

    if config_path is not None and not (operator and witness):
        from ..record.config import load_config

        config = load_config(config_path)
        operator, witness = operator or config.administrator.name, witness or config.witness.name
    check_two_people(operator, witness, solo, journalled=True)


def recover_current(
    journal_path: Path,
    scans,
    typed_files,
    type_in: bool,
    dpi: int,
    say: Callable[[str], None],
    action: str,
    terminal: Terminal,
) -> CurrentSet:
    """Read the sheets, keep the current set's (the journal says which), recover it in memory. A retired set is
    refused: `action` (rotate, reshare, expand) is done on the current set."""
    require_journal(journal_path)
    found = gather_shares(scans, typed_files, type_in, dpi, say, terminal)
    entries = read_journal(journal_path)  # read once, after the scans: choosing the set and checking it use it
    history = SetHistory(entries)
    found = choose_set(found, history, journal_path, None, say, action)
    recovered = combine.recombine([f.share for f in found])
    for warning in recovered.warnings:
        say(f"WARNING: {warning}")
    say(f"Set {recovered.set_text} recovered ({recovered.k} of {recovered.n}), fingerprint {recovered.fingerprint}.")
    check_recorded_set(recovered, history, journal_path)
    retired = history.retired.get(recovered.set_text)
    if retired is not None:
        raise BreakglassError(
            f"set {recovered.set_text} was already retired by {retirement_text(retired)}; {action} "
            "the current set instead"
        )
    return CurrentSet(recovered, found, entries, history)


def new_set_entry(event: str, current: CurrentSet, plan: SplitPlan, result, **more) -> PlannedEvent:
    """The journal event of a rotation or reshare: it names the old set (now retired) and the new one."""
    old = current.recovered
    return PlannedEvent(
        event,
        old.set_text,
        list(old.present),
        old.fingerprint,
        {
            "new_set": set_id_text(result.set_id),
            "new_fingerprint": result.fingerprint,
            "k": plan.k,
            "n": plan.n,
            "label": plan.label,
            "sheets": sheets_record(plan),
            **({"holds": plan.holds} if plan.holds else {}),
            **more,
        },
    )


def plan_new_set(req: NewSetRequest, old: CurrentSet) -> SplitPlan:
    """The new set's sheets: as the options or a config say; else the same k, label and format as the old set,
    and one share for each share of it still in custody (expanded ones included; replaced or destroyed ones
    not), to the same holders, numbered from 1."""
    extra = old.origin.extra if old.origin else {}
    recovered = old.recovered
    live = old.history.live_sheets(old.set_text)
    numbers = sorted({share for share, _copy in live})
    label = req.label or (None if req.config_path else extra.get("label"))
    plan = SplitPlan.from_options(
        threshold=req.threshold if req.threshold is not None else (None if req.config_path else recovered.k),
        shares=req.shares if req.shares is not None else (None if req.config_path else len(numbers) or recovered.n),
        label=label,
        custodians=req.custodians,
        copies=req.copies,
        paper=req.paper,
        config_path=req.config_path,
        out_dir=req.out_dir,
        journal_path=req.journal_path,
        operator=req.operator,
        witness=req.witness,
        scan_check=req.scan_check,
        solo=req.solo,
        share_format=req.share_format or recovered.version,
    )
    if plan.holds is None and isinstance(extra.get("holds"), dict):  # the same account: what the old set held
        plan.holds = extra["holds"]
    plan.demo = req.demo
    keep_holders = not req.custodians and req.config_path is None and req.copies is None and plan.n == len(numbers)
    holders = [[holder for (s, _copy), holder in sorted(live.items()) if s == share] for share in numbers]
    # A hand-made journal may list anything: more than 9 copies of a share is not a plan split would make, so
    # then the new set gets one unnamed sheet per share.
    if keep_holders and live and all(len(names) <= 9 for names in holders):
        plan.sheets = [
            PlannedSheet(new_index, copy, holder)
            for new_index, names in enumerate(holders, start=1)
            for copy, holder in enumerate(names, start=1)
        ]
        plan.copies = max(s.copy for s in plan.sheets)
    return plan
