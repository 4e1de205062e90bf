"""Recombination for the incident lead: collect shares from every input, recover, journal, then reveal.

Refusals come before work (an --out file that exists, a journal that is missing or broken, one person as
operator and witness, no terminal to confirm on, a typed file that cannot be read), so nobody scans ten pages
to be told the output name was taken. The journal records only what happened, and no reveal goes unrecorded
(docs/DESIGN.md, "Nothing lost"):
- on the terminal: the person confirms first; a "no" records nothing; then the release is journalled, then
  the credential is shown;
- with --out PATH: the credential is written in full under a temporary name, then moved into place under the
  journal's lock together with the journal line (if the line cannot be written, the file is taken back);
- with --out - and --verify-only: the event is journalled, then the bytes or the OK are printed.

Which set: given sheets of several sets, the journal says which one is current; sheets of retired sets are
named and left out, and a retired set alone is refused unless --allow-retired REASON (recorded as such).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

from ..errors import BreakglassError
from ..format import combine, typed
from ..format.combine import Recovered, numbers
from ..format.share import set_id_text
from ..record.journal import origin_fingerprint
from ..record.sets import retirement_text
from ..scan.collect import FoundShare, ShareCollector, describe
from ..system.output import Collapsed, Progress, kind_of
from .terminal import Terminal


@dataclass
class RecoveryRequest:
    scans: list[Path]
    typed_files: Sequence[str]
    type_in: bool
    out: str | None
    verify_only: bool
    journal_path: Path | None
    operator: str | None
    witness: str | None
    incident: str | None
    reason: str | None
    dpi: int = 200
    assume_yes: bool = False
    solo: str | None = None
    allow_retired: str | None = None
    demo: bool = False  # run by `breakglass demo`: the journal event says so ("demo": true)

    @property
    def shows_on_terminal(self) -> bool:
        return not self.verify_only and self.out is None


def run_recovery(req: RecoveryRequest, now: datetime, say: Callable[[str], None], terminal: Terminal) -> Recovered:
    _refuse_early(req)
    found = gather_shares(req.scans, req.typed_files, req.type_in, req.dpi, say, terminal)
    if not found:
        raise BreakglassError("no share was found in what was given (the lines above say what each input held)")
    history = journal_history(req.journal_path)
    found = choose_set(found, history, req.journal_path, req.allow_retired, say)
    recovered = combine.recombine([f.share for f in found])
    if history is not None:
        check_recorded_set(recovered, history, cast(Path, req.journal_path))  # a history is read from it
    retired_by = history.retired.get(recovered.set_text) if history is not None else None
    _print_result(recovered, say)
    if retired_by:
        say(
            f"WARNING: set {recovered.set_text} was RETIRED by {retirement_text(retired_by)}: these sheets should have been "
            f"destroyed. Recombined because --allow-retired was given ({req.allow_retired}); this is recorded and "
            "the audit reports it."
        )
    elif req.journal_path is None:
        say(
            f"No --journal: this use is not recorded, and breakglass cannot tell whether set {recovered.set_text} "
            "is the current set or a retired one."
        )
    if req.shows_on_terminal and not _confirmed(req, terminal):
        say("Not shown, and nothing was recorded. Run again with --out PATH to write it to a file instead.")
        return recovered
    _deliver(req, recovered, found, now, retired_by, say, terminal)
    return recovered


def gather_shares(
    scans, typed_files, type_in: bool, dpi: int, say: Callable[[str], None], terminal: Terminal
) -> list[FoundShare]:
    """Every share from scans, typed files and typed-in text (asked on `terminal`), with problems reported one
    line each (at most a screenful of any one kind: the rest are counted)."""
    collector = ShareCollector()
    texts = [(source, _read_typed_file(source)) for source in typed_files]  # unreadable: refused before scanning
    lines = Collapsed(say)
    if scans:
        from ..scan.decoders import missing_decoder_note

        if missing_decoder_note():
            say(f"note: {missing_decoder_note()}")
        _read_scans(scans, dpi, collector, lines)
    for source, text in texts:
        _add_typed_text(source, text, collector, lines)
    lines.close()
    if type_in:
        _type_in(collector, say, terminal)
    found = collector.shares()
    report = Collapsed(say)
    for problem in collector.problems:
        report(f"  skipped: {problem}", kind="skipped: " + kind_of(problem.partition(": ")[2]))
    for note in collector.notes:
        report(f"  note: {note}", kind="note: " + kind_of(note.partition(": ")[2]))
    report.close()
    say("")
    say(f"Shares found: {len(found)}")
    for f in found:
        say(f"  {describe(f)}")
    return found


def journal_history(journal_path: Path | None):
    """The sets' history from the journal, read once per ceremony after the scans (None without a journal)."""
    if journal_path is None:
        return None
    from ..record.journal import read_journal
    from ..record.sets import SetHistory

    return SetHistory(read_journal(journal_path))


def choose_set(
    found: list[FoundShare],
    history,
    journal_path: Path | None,
    allow_retired: str | None,
    say,
    action: str = "recombine",
) -> list[FoundShare]:
    """The shares of the set to recombine: with a journal (its `history`, from journal_history), the current set; sheets of retired sets and of sets this
    journal never made are named and left out. A retired set alone is refused unless allow_retired gives a reason.
    Without a journal, every share goes on and recombination uses the one set with enough shares. `action` is the
    command that reads the sheets: only recombine takes --allow-retired; the others are told to bring the current
    set's sheets (a new set or new shares are never made from a retired set)."""
    sets = sorted({set_id_text(f.share.set_id) for f in found})
    if history is None or not found:
        return found
    from ..record.sets import CURRENT, RETIRED

    by_status: dict[str, list[str]] = {CURRENT: [], RETIRED: [], "unknown": []}
    for s in sets:
        by_status.setdefault(history.status(s), []).append(s)

    def shares_of(chosen: list[str]) -> list[FoundShare]:
        return [f for f in found if set_id_text(f.share.set_id) in chosen]

    for s in by_status["unknown"]:
        say(
            f"  ignored {_count(shares_of([s]))} of set {s}: journal {journal_path} never made this set "
            "(another credential's sheets, or another journal)"
        )
    for warning in _destroyed_read(shares_of(by_status[RETIRED]), history):
        say(f"  WARNING: {warning}")
    if by_status[CURRENT]:
        for s in by_status[RETIRED]:
            rotation = history.retired[s]
            say(
                f"  ignored {_count(shares_of([s]))} of set {s}: RETIRED by {retirement_text(rotation)} on "
                f"{rotation.time[:10]}; these sheets should have been destroyed: destroy them under witness and report them"
            )
        if allow_retired:
            say("  note: --allow-retired is not needed: the current set is used")
        chosen = _with_recorded_k(shares_of(by_status[CURRENT]), history, say)
        for warning in _sheets_out_of_custody(chosen, history):
            say(f"  WARNING: {warning}")
        return chosen
    if by_status[RETIRED]:
        if allow_retired:
            return _with_recorded_k(shares_of(by_status[RETIRED]), history, say)
        names = "; ".join(
            f"set {s}, retired by {retirement_text(history.retired[s])} on {history.retired[s].time[:10]}"
            for s in by_status[RETIRED]
        )
        current = ", ".join(history.current()) or "none"
        forensics = (
            "give --allow-retired REASON"
            if action == "recombine"
            else "use breakglass recombine --allow-retired REASON"
        )
        bring = "" if action == "recombine" else f"; {action} works on the current set: bring its sheets"
        raise BreakglassError(
            f"these sheets belong to a retired set ({names}); the current set is {current}{bring}. Do not use them: "
            f"destroy them under witness and report them. Only to examine them (forensics), {forensics}, "
            "which is recorded and reported by the audit"
        )
    raise BreakglassError(
        f"none of these sheets belongs to a set in journal {journal_path} (sets {', '.join(sets)}): "
        "give the journal of this credential"
    )


def _with_recorded_k(found: list[FoundShare], history, say) -> list[FoundShare]:
    """The shares whose k is the one the journal recorded for their set; the others are named and left out. The
    set id is printed on every sheet, so a forger can print a whole set under it with a smaller k: its shares
    claim the real id but not the real k."""
    kept = []
    for f in found:
        set_text, recorded = set_id_text(f.share.set_id), history.k(set_id_text(f.share.set_id))
        if recorded is not None and f.share.k != recorded:
            say(
                f"  ignored share {f.share.index} of set {set_text}: it says {f.share.k} shares are needed, journal "
                f"records {recorded}: forged, or not this set's sheet"
            )
        else:
            kept.append(f)
    return kept


def check_recorded_set(recovered: Recovered, history, journal_path: Path) -> None:
    """The set recovered must be the one the journal recorded under its id: the same fingerprint. Shares that
    authenticate together but give another fingerprint were made as a set of their own under this id (forged):
    refused before anything is recorded or shown."""
    origin = history.created.get(recovered.set_text)
    if origin is None:
        return
    recorded = origin_fingerprint(origin)
    if recorded and recorded != recovered.fingerprint:
        raise BreakglassError(
            f"shares {numbers(list(recovered.used))} of set {recovered.set_text} recombine to fingerprint "
            f"{recovered.fingerprint}, but journal {journal_path} recorded {recorded} for this set: they were not "
            "printed by its ceremonies (forged, or another journal); nothing was recorded. Report it to the contact"
        )


def _sheets_out_of_custody(found: list[FoundShare], history) -> list[str]:
    """Sheets that should no longer exist: recorded destroyed, or replaced by an expansion (handed back to be
    destroyed). They are still valid shares, so they are used; the person is told, to report it."""
    warnings = []
    for f in found:
        set_text = set_id_text(f.share.set_id)
        destroyed, replaced = history.destroyed.get(set_text, {}), history.replaced(set_text)
        for copy in sorted(f.copies):
            sheet = (f.share.index, copy)
            if sheet in destroyed:
                warnings.append(reappeared_text(sheet, set_text, destroyed[sheet]))
            elif sheet in replaced:
                warnings.append(
                    f"sheet {sheet[0]}.{copy} of set {set_text} was replaced by expansion "
                    f"{replaced[sheet].code} and should have been destroyed: report it to the contact"
                )
    return warnings


def reappeared_text(sheet: tuple[int, int], set_text: str, destroy_event) -> str:
    """A sheet the journal records destroyed that is read again: an incident, whatever set it belongs to."""
    return (
        f"sheet {sheet[0]}.{sheet[1]} of set {set_text} was recorded destroyed by destroy event "
        f"{destroy_event.code} on {destroy_event.time[:10]}, yet it was read here: a destroyed sheet has "
        "reappeared (a copy exists, or the destruction record is false). This is an incident: report it to the "
        "contact now"
    )


def _destroyed_read(found: list[FoundShare], history) -> list[str]:
    """Sheets of any set read here that the journal records destroyed."""
    out = []
    for f in found:
        set_text = set_id_text(f.share.set_id)
        destroyed = history.destroyed.get(set_text, {})
        out += [
            reappeared_text((f.share.index, c), set_text, destroyed[(f.share.index, c)])
            for c in sorted(f.copies)
            if (f.share.index, c) in destroyed
        ]
    return out


def _count(shares: list[FoundShare]) -> str:
    return f"{len(shares)} share{'s' if len(shares) != 1 else ''}"


OUT_HINT = "choose another --out"


def _refuse_early(req: RecoveryRequest) -> None:
    from ..record.people import MAX_REASON, check_text, check_two_people

    check_two_people(req.operator, req.witness, req.solo, journalled=req.journal_path is not None)
    check_text("--incident", req.incident)
    check_text("--reason", req.reason, MAX_REASON)
    check_text("--allow-retired", req.allow_retired, MAX_REASON)
    if req.journal_path is not None and not req.verify_only:
        missing = [
            flag
            for flag, value in (("--incident", req.incident), ("--reason", req.reason))
            if not (value or "").strip()
        ]
        if missing:
            raise BreakglassError(f"a release is recorded with its incident and reason: give {' and '.join(missing)}")
    if req.allow_retired is not None and (req.journal_path is None or not req.allow_retired.strip()):
        raise BreakglassError("--allow-retired needs a reason and --journal (which says whether a set is retired)")
    if req.out == "-":
        from ..system.streams import require

        require("stdout", "--out - has nowhere to write the credential: use --out PATH")
    if req.out not in (None, "-"):
        from ..system.files import check_target

        check_target(Path(req.out), hint=OUT_HINT)
    if req.shows_on_terminal and not req.assume_yes and not sys.stdin.isatty():
        raise BreakglassError("no terminal to confirm on: use --out PATH, --out - or --verify-only")
    if req.type_in and not sys.stdin.isatty():
        raise BreakglassError("--type-in needs a terminal; use --typed FILE for typed text in a file")
    if "-" in req.typed_files and req.type_in:
        raise BreakglassError("--typed - and --type-in both read the terminal; use one")
    if req.journal_path is not None:
        from ..record.journal import require_journal

        require_journal(req.journal_path)


def _read_scans(scans, dpi: int, collector: ShareCollector, say) -> None:
    from ..scan.files import count_pages
    from ..scan.pages import BLANK, scan_paths

    total = count_pages(scans)
    progress = Progress()

    def tick(stage: str, pages: int, codes: int) -> None:
        if stage == "first look":
            progress.update(
                lambda: f"read {pages:,}{f' of {total:,}' if total else ''} pages, {codes:,} QR code(s) found"
            )
        else:
            progress.update(
                lambda: (
                    f"looking again, harder, at pages where codes were missed: {pages:,} done, "
                    f"{codes:,} QR code(s) found"
                )
            )

    for page in scan_paths(scans, dpi=dpi, progress=tick):
        source = str(page.source) + (f" page {page.page}" if page.page else "")
        if not page.texts and not page.searched_hard:
            say(
                f"  {source}: no QR code at a first look (not searched further: enough shares were read)",
                kind="not searched further",
            )
            continue
        if page.problem:
            if page.problem != BLANK:  # an empty page is not a problem worth repeating in the summary
                collector.problems.append(f"{source}: {page.problem}")
            say(f"  {source}: {page.problem}", kind="problem: " + kind_of(page.problem))
            continue
        known = len(collector.problems)
        chunks = collector.add_qr_texts(page.texts, source)
        shares = sorted({(c.index, c.set_hex) for c in chunks})
        # A code refused by name (a newer format, a malformed header) is said as such, not as "no breakglass code".
        refused = [p.removeprefix(f"{source}: ") for p in collector.problems[known:]]
        found = ", ".join(f"share {i}" for i, _ in shares) or "; ".join(refused) or "no breakglass QR code"
        say(f"  {source}: {found}", kind="found: " + ("share" if shares else found))
    if progress.shown:
        progress.show(f"all {total or ''} pages read".replace("  ", " "))


def _read_typed_file(source: str) -> str:
    from ..system.inputs import MAX_TYPED, read_input

    return read_input(source, "typed text", MAX_TYPED, streams=True).decode("utf-8", errors="replace")


def _add_typed_text(source: str, text: str, collector: ShareCollector, say) -> None:
    name = "stdin" if source == "-" else source
    shares = collector.add_typed_text(text, name)
    say(f"  {name}: {len(shares)} typed share(s)", kind=None)


def _type_in(collector: ShareCollector, say, terminal: Terminal) -> None:
    """Ask for typed shares line by line, checking each line as it is typed."""
    say(
        "Type the share from its sheet: first the header line (it starts with BG2 SHARE, or BG1 SHARE on older "
        "sheets), then each numbered line."
    )
    while True:
        header = _ask_until_valid(terminal, "header", typed.parse_header, say)
        lines: dict[int, str] = {}
        for number in range(1, header.lines + 1):
            reading = _ask_until_valid(
                terminal, f"line {number:02d}", lambda text, n=number, h=header: typed.check_line(n, text, h), say
            )
            if reading.note:
                say(f"  {reading.note}")
            lines[number] = reading.data
        try:
            share = typed.assemble(lines, header)
        except BreakglassError as e:
            say(f"  {e}; this share was not accepted, type it again")
        else:
            collector.add_typed_share(share, header.copy, "typed in")
            say(f"  share {share.index} accepted")
        if not terminal.confirm("Type another share?"):
            return


def _ask_until_valid(terminal: Terminal, prompt: str, parse, say):
    while True:
        text = terminal.ask(prompt)
        try:
            return parse(text)
        except BreakglassError as e:
            say(f"  {e}")


def _print_result(recovered: Recovered, say) -> None:
    say("")
    for warning in recovered.warnings:
        say(f"WARNING: {warning}")
    say(f"Recovered set {recovered.set_text} ({recovered.k} of {recovered.n}) from shares {numbers(recovered.used)}.")
    if recovered.missing:
        say(f"Not presented: {numbers(recovered.missing)} (not needed).")
    say(f"Fingerprint: {recovered.fingerprint}  <- compare with the sheets and the logbook")


def _journal(req: RecoveryRequest, recovered: Recovered, found, now: datetime, retired_by, publish=None) -> str | None:
    if req.journal_path is None:
        return None
    from ..record.journal import append_event, stamped

    copies = sorted([f.share.index, c] for f in found if f.share.set_id == recovered.set_id for c in sorted(f.copies))
    extra = {"used": list(recovered.used), "copies": copies}
    if req.incident:
        extra["incident"] = req.incident
    if req.reason:
        extra["reason"] = req.reason
    if retired_by:
        extra["retired_by"] = retired_by.code
        extra["allowed_retired"] = req.allow_retired
    if req.solo:
        extra["solo"] = req.solo
    if req.demo:
        extra["demo"] = True
    entry = append_event(
        req.journal_path,
        "drill" if req.verify_only else "release",
        set_id=recovered.set_text,
        shares=list(recovered.present),
        fingerprint=recovered.fingerprint,
        operator=req.operator,
        witness=req.witness,
        extra=extra,
        now=now,
        publish=publish,
    )
    return stamped(entry)


def _deliver(
    req: RecoveryRequest, recovered: Recovered, found, now: datetime, retired_by, say, terminal: Terminal
) -> None:
    def journal(publish=None) -> str | None:
        return _journal(req, recovered, found, now, retired_by, publish)

    if req.verify_only:
        event_code = journal()
        if event_code:
            say(f"Journal event code (write it in the logbook, with its time): {event_code}")
        terminal.show(f"OK  set {recovered.set_text}  fingerprint {recovered.fingerprint}")
        return
    if req.out == "-":
        from ..system.secretio import write_stdout

        event_code = journal()
        try:
            write_stdout(recovered.credential)
        except BreakglassError as e:  # journalled first, so that no reveal goes unrecorded: say it was recorded
            raise BreakglassError(
                f"{e}; the release is recorded as {event_code}: write it in the logbook" if event_code else str(e)
            ) from None
    elif req.out:
        event_code = _write_out(req, recovered.credential, journal)
        say(f"Credential written to {req.out} (mode 0600, {len(recovered.credential)} bytes). Delete it when done.")
    else:
        event_code = journal()
        _show_on_terminal(recovered, say, terminal)
    if event_code:
        say(f"Journal event code (write it in the logbook, with its time): {event_code}")
    if retired_by and retired_by.event == "rotate":
        say(
            f"This set was retired by rotation {retired_by.code}: its credential should no longer work at the provider. If it "
            "does, the rotation did not change it: change it now and report it. Destroy these sheets under witness "
            "(breakglass destroy) and report this use to the contact."
        )
        return
    if retired_by:  # a reshare passed this same credential on to a new set: it is still the live credential
        say(
            f"This set was retired by reshare {retired_by.code}, which kept the credential: it is still the live "
            "credential, now exposed. Destroy these sheets under witness (breakglass destroy), report this use to "
            "the contact, and rotate the credential."
        )
        return
    code = event_code.split()[0] if event_code else None
    say(
        "The credential is now exposed: record this use in the logbook and rotate it"
        + (f" (breakglass checklist --journal {req.journal_path} --event {code} --out checklist.pdf)." if code else ".")
    )


def _write_out(req: RecoveryRequest, credential: bytes, journal) -> str | None:
    """The credential file and the journal line appear together, or neither does."""
    from ..system.files import PRIVATE, prepare

    try:
        pending = prepare(Path(cast(str, req.out)), credential, PRIVATE, hint=OUT_HINT)  # called with --out only
    except BreakglassError as e:
        raise BreakglassError(f"{e}; the credential was not written and nothing was recorded") from None
    with pending:
        if req.journal_path is None:
            pending.commit()
            return None

        def publish(entry) -> Callable[[], None]:
            pending.commit()
            return pending.undo

        return journal(publish)


def _confirmed(req: RecoveryRequest, terminal: Terminal) -> bool:
    return req.assume_yes or terminal.confirm(
        "Show the credential on this screen now? Anyone who can see the screen will see it"
    )


def _show_on_terminal(recovered: Recovered, say, terminal: Terminal) -> None:
    text = _printable(recovered.credential)
    if text is None:
        say("The credential is binary; shown as hex (use --out PATH for the exact bytes):")
        terminal.show(recovered.credential.hex())
    else:
        terminal.show(text)


def _printable(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if all(ch.isprintable() or ch in "\n\t" for ch in text) else None
