"""The split ceremony: plan the sheets, split, render, read every sheet back, then (and only then) write.

Order matters for "nothing half-made, nothing lost" (docs/DESIGN.md): the output folder is checked for name
clashes before the credential is even asked for; sheets are rendered and verified in memory; then every sheet
and the manifest are written into a staging folder, and moved into the output folder under the journal's lock
just before the journal line is written. If the line cannot be written the sheets are taken back out; if
anything fails before, nothing appears at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import BreakglassError
from ..format import scheme
from ..format.share import check_threshold, set_id_text
from ..record import manifest

RECOVERY_PAGE = "recover.html"  # written beside the sheets; its SHA-256 goes in the manifest and the journal


@dataclass(frozen=True)
class PlannedSheet:
    share: int
    copy: int
    name: str = ""
    role: str = ""
    location: str = ""


@dataclass
class SplitPlan:
    k: int
    n: int
    label: str
    sheets: list[PlannedSheet]
    copies: int
    paper: str
    out_dir: Path
    journal_path: Path | None
    operator: str | None
    witness: str | None
    scan_check: bool
    contact: str = ""
    config_path: Path | None = None
    replaces_set: str | None = None
    solo: str | None = None  # why there is no second person (journalled; the audit reports it)
    share_format: int = scheme.DEFAULT_FORMAT  # 1 only for organisations that must print what older tools read
    # How the journal records this split: a plain split by default; rotate records one 'rotate' event instead.
    journal_entry: Callable[[SplitPlan, scheme.SplitResult], PlannedEvent] | None = None
    ceremony: str = "split"  # what made the sheets (split, rotate, reshare, expand): in the manifest, for the logbook
    holds: dict | None = None  # the config's [credential], journalled as "holds" (record/credential.py)
    demo: bool = False  # made by `breakglass demo`: its journal event says so ("demo": true)
    rugged: bool = False  # format 2: level-H codes, about a page more a sheet (split --rugged, config `rugged`)

    @classmethod
    def from_options(
        cls,
        *,
        threshold,
        shares,
        label,
        custodians,
        copies,
        paper,
        config_path,
        out_dir,
        journal_path,
        operator,
        witness,
        scan_check,
        solo=None,
        share_format=scheme.DEFAULT_FORMAT,
        rugged=False,
    ) -> SplitPlan:
        """Command-line options win over the ceremony config; the config fills in what is not given."""
        check_new_set_texts(label, custodians)
        config = None
        if config_path is not None:
            from ..record.config import load_config

            config = load_config(config_path)
        k = threshold if threshold is not None else (config.k if config else None)
        n = shares if shares is not None else (config.n if config else None)
        if k is None or n is None:
            raise BreakglassError("give --threshold and --shares, or a --config that has k and n")
        check_threshold(k, n)
        label = label or (config.label if config else None)
        if not label:
            raise BreakglassError(
                "give --label (what the credential is, printed on every sheet) or a --config with a label"
            )
        operator = operator or (config.administrator.name if config else None)
        witness = witness or (config.witness.name if config else None)
        sheets = _plan_sheets(n, custodians, copies, config)
        return cls(
            k=k,
            n=n,
            label=label,
            sheets=sheets,
            copies=max(s.copy for s in sheets),
            paper=(paper or (config.paper if config else None) or "a4").lower(),
            out_dir=out_dir,
            journal_path=journal_path,
            operator=operator,
            witness=witness,
            scan_check=scan_check,
            contact=config.contact if config else "",
            config_path=config_path,
            solo=solo,
            share_format=share_format,
            rugged=bool(rugged or (config.rugged if config else False)),
            holds=config.credential.to_journal() if config and config.credential else None,
        )

    def copies_of(self, share: int) -> int:
        return sum(1 for s in self.sheets if s.share == share)

    def filenames(self) -> list[str]:
        from ..paper.sheet import sheet_filename

        return [
            sheet_filename(self.label, _IndexOnly(s.share, self.n), s.copy, self.copies_of(s.share))
            for s in self.sheets
        ]

    def check_before_secret(self) -> None:
        """Refuse early, before anyone types the credential: one person as operator and witness, clashing files,
        a broken journal, bad folders, a staging folder left by a split that was cut off."""
        from ..record.people import check_two_people
        from ..system.files import leftover_staging

        check_two_people(self.operator, self.witness, self.solo, journalled=self.journal_path is not None)
        if self.out_dir.is_symlink():
            raise BreakglassError(
                f"{self.out_dir} is a symbolic link; give the folder itself (breakglass never writes through a link)"
            )
        if self.out_dir.exists() and not self.out_dir.is_dir():
            raise BreakglassError(f"{self.out_dir} exists and is not a folder")
        leftovers = leftover_staging(self.out_dir)
        if leftovers:
            raise BreakglassError(
                f"{leftovers[0]} was left by a split that was cut off (power cut or kill): it may hold shares; "
                "check it, destroy or remove it, then run again"
            )
        clashes = [
            name for name in [*self.filenames(), "manifest.json", RECOVERY_PAGE] if os.path.lexists(self.out_dir / name)
        ]
        if clashes:
            raise BreakglassError(
                f"{self.out_dir} already holds {clashes[0]}"
                + (f" and {len(clashes) - 1} more" if len(clashes) > 1 else "")
                + "; refusing to overwrite: choose an empty --out folder"
            )
        if self.journal_path is not None:
            from ..record.journal import require_intact

            require_intact(self.journal_path)
        self.check_printable()

    def printed_texts(self) -> list[str]:
        """Everything of this plan that the sheets print besides the fixed wording."""
        return [self.label, self.contact, *(part for s in self.sheets for part in (s.name, s.role, s.location))]

    def check_printable(self) -> None:
        """A name or label with a character no font has is refused now, not after the credential was typed."""
        from ..paper.fonts import require_printable

        require_printable(self.printed_texts())


def check_new_set_texts(label: str | None, custodians) -> None:
    """--label and --custodian as given: plain text of a sane length (a config's are checked as it loads)."""
    from ..record.people import MAX_LABEL, check_text

    check_text("--label", label, MAX_LABEL)
    for name in custodians or ():
        check_text("--custodian", name)


@dataclass(frozen=True)
class _IndexOnly:
    """Enough of a share to name its file before the share exists."""

    index: int
    n: int


def _plan_sheets(n: int, custodians: tuple[str, ...], copies: int | None, config) -> list[PlannedSheet]:
    if len(custodians) > n:
        raise BreakglassError(f"{len(custodians)} custodians were named for {n} shares")
    _refuse_repeated_custodians(custodians)
    if custodians or config is None:
        per_share = copies or 1
        names = list(custodians) + [""] * (n - len(custodians))
        return [PlannedSheet(i, c, names[i - 1]) for i in range(1, n + 1) for c in range(1, per_share + 1)]
    sheets = [
        PlannedSheet(
            s.share, s.copy, *((s.custodian.name, s.custodian.role, s.custodian.location) if s.custodian else ())
        )
        for s in config.sheets()
    ]
    if copies:  # --copies overrides the config's per-custodian copies
        first = {s.share: s for s in sheets if s.copy == 1}
        sheets = [
            PlannedSheet(i, c, first[i].name, first[i].role, first[i].location)
            for i in range(1, n + 1)
            for c in range(1, copies + 1)
        ]
    return sheets


@dataclass(frozen=True)
class PlannedEvent:
    """The journal event a ceremony that prints sheets appends once they are written (append_event's fields)."""

    event: str
    set_id: str
    shares: list[int]
    fingerprint: str
    extra: dict


@dataclass(frozen=True)
class SheetsMade:
    """What a ceremony that printed sheets made: the set, its fingerprint, the journal's event code (None when
    not journalled)."""

    set_id: str
    fingerprint: str
    event_code: str | None


def _refuse_repeated_custodians(custodians: tuple[str, ...]) -> None:
    """One person holds one share, as a config requires: a name given for two shares would let that person
    alone come closer to k (with k = 2, recover the credential alone). Copies of one share: --copies."""
    from ..record.people import name_key

    first: dict[str, int] = {}
    for share, name in enumerate(custodians, 1):
        key = name_key(name)
        if key and key in first:
            raise BreakglassError(
                f"--custodian '{name}' is given for shares {first[key]} and {share}: one person holds "
                "one share (two would bring them closer to recovering the credential alone); name "
                "each custodian once, and use --copies for copies of one share"
            )
        first.setdefault(key, share)


def run_split(plan: SplitPlan, credential: bytes, now: datetime, say: Callable[[str], None]) -> SheetsMade:
    result = scheme.split(credential, plan.k, plan.n, version=plan.share_format)
    say(f"Splitting '{plan.label}' {plan.k}-of-{plan.n} into {len(plan.sheets)} sheets...")
    return print_sheets(plan, result, credential, now, say)


def print_sheets(
    plan: SplitPlan,
    result: scheme.SplitResult,
    credential: bytes,
    now: datetime,
    say: Callable[[str], None],
    known: tuple = (),
) -> SheetsMade:
    """Render the plan's sheets of `result`'s shares, read every one back, then write and journal them: the one
    way sheets are made (split, rotate, reshare and expand). `known` are shares of the set already on paper
    (expand's: the new shares are checked with them, as they will be recombined)."""
    from ..paper import sheet
    from . import scanback

    created = now.strftime("%Y-%m-%d")
    by_index = {s.index: s for s in result.shares}
    rendered = []
    for planned, filename in zip(plan.sheets, plan.filenames(), strict=True):
        share = by_index[planned.share]
        info = sheet.SheetInfo(
            label=plan.label,
            fingerprint=result.fingerprint,
            created=created,
            custodian=sheet.Custodian(planned.name, planned.role, planned.location),
            copy=planned.copy,
            copies=plan.copies_of(planned.share),
            contact=plan.contact,
            shares_made=plan.n,
            rugged=plan.rugged,
        )
        rendered.append(
            scanback.RenderedSheet(
                filename, share, planned.copy, sheet.render_sheet(share, info, plan.paper), plan.rugged
            )
        )
    checks: list[scanback.SheetCheck] = []
    subsets = 0
    if plan.scan_check:
        from ..scan.decoders import missing_decoder_note

        say("Reading every sheet back with every QR decoder...")
        if missing_decoder_note():
            say(f"  note: {missing_decoder_note()}")
        checks, subsets = scanback.verify(rendered, result, credential, known)
    try:
        event_code = _write_outputs(plan, result, rendered, now)
    except BreakglassError as e:
        raise BreakglassError(f"{e}; nothing was saved and nothing was recorded") from None
    _print_summary(plan, result, rendered, checks, subsets, event_code, say, now)
    return SheetsMade(set_id_text(result.set_id), result.fingerprint, event_code)


def _write_outputs(plan: SplitPlan, result, rendered, now: datetime) -> str | None:
    """Stage every file, then move them in and journal the split as one step (or none of it happens)."""
    from ..page import page_html, page_sha256
    from ..system.files import PRIVATE, Staging

    set_text = set_id_text(result.set_id)

    def manifest_bytes(event_code: str | None) -> bytes:
        return manifest.dumps(
            manifest.build(
                set_id=set_text,
                fingerprint=result.fingerprint,
                k=plan.k,
                n=plan.n,
                label=plan.label,
                created=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                sheets=[{"share": r.share.index, "copy": r.copy, "file": r.filename} for r in rendered],
                custodians=[
                    {"share": s.share, "copy": s.copy, "name": s.name, "role": s.role, "location": s.location}
                    for s in plan.sheets
                ],
                event_code=event_code,
                replaces_set=plan.replaces_set,
                ceremony=plan.ceremony,
                recovery_page_sha256=page_sha256(),
            )
        )

    with Staging(plan.out_dir) as staging:
        for r in rendered:
            staging.write(r.filename, r.pdf, PRIVATE)
        staging.write(RECOVERY_PAGE, page_html(), PRIVATE)  # the offline recovery page, 0600 like all beside it
        if plan.journal_path is None:
            staging.write("manifest.json", manifest_bytes(None), PRIVATE)
            staging.commit()
            return None
        from ..record.journal import append_event

        def publish(entry) -> Callable[[], None]:
            staging.write("manifest.json", manifest_bytes(entry.code), PRIVATE)
            staging.commit()
            return staging.undo

        planned = (plan.journal_entry or _split_entry)(plan, result)
        extra = {**planned.extra, **({"solo": plan.solo} if plan.solo else {})}
        extra["recovery_page_sha256"] = page_sha256()
        if plan.demo:
            extra["demo"] = True
        entry = append_event(
            plan.journal_path,
            planned.event,
            set_id=planned.set_id,
            shares=planned.shares,
            fingerprint=planned.fingerprint,
            extra=extra,
            operator=plan.operator,
            witness=plan.witness,
            now=now,
            publish=publish,
        )
        return entry.code


def sheets_record(plan: SplitPlan) -> list[dict]:
    """Who holds which share and copy: recorded in the journal so rotation and audit know the holders."""
    return [{"share": s.share, "copy": s.copy, "holder": s.name} for s in plan.sheets]


def _split_entry(plan: SplitPlan, result: scheme.SplitResult) -> PlannedEvent:
    return PlannedEvent(
        "split",
        set_id_text(result.set_id),
        list(range(1, plan.n + 1)),
        result.fingerprint,
        {
            "k": plan.k,
            "n": plan.n,
            "label": plan.label,
            "sheets": sheets_record(plan),
            **({"holds": plan.holds} if plan.holds else {}),
        },
    )


def _print_summary(plan, result, rendered, checks, subsets, event_code, say, now) -> None:
    say("")
    say(f"  Credential:   {plan.label}")
    if plan.holds:
        from ..record.credential import from_journal

        held = from_journal(plan.holds)
        say(f"  The sheets hold {held.describe() if held else plan.holds} (journalled for the audit)")
    say(f"  Set id:       {set_id_text(result.set_id)}")
    say(f"  Fingerprint:  {result.fingerprint}")
    say(f"  Threshold:    any {plan.k} of {plan.n} shares")
    say(f"  Sheets:       {len(rendered)} in {plan.out_dir}/")
    from ..page import page_sha256

    say(f"  Recovery page: {plan.out_dir}/{RECOVERY_PAGE}, SHA-256 {page_sha256()}")
    by_file = {c.filename: c for c in checks}
    for r, planned in zip(rendered, plan.sheets, strict=True):
        holder = f"  ({planned.name})" if planned.name else ""
        check = by_file.get(r.filename)
        status = f"read back by {', '.join(check.decoders)}; typed block OK" if check else "NOT read back"
        say(f"    {r.filename}{holder}: {status}")
    if plan.scan_check:
        say(f"  Recombination checked from the sheets: {subsets} combination(s) of {plan.k}, all exact")
    else:
        say("  WARNING: the sheets were not read back (--no-scan-check); check them before the ceremony ends")
    if event_code:
        say(f"  Journal event code (write it in the logbook, with its time): {event_code} at {now:%Y-%m-%d %H:%M} UTC")
    say("")
    say("Hand out the sheets, one per custodian; read the set id and fingerprint aloud and compare with the sheets.")
