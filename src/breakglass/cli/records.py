"""Commands for the records: `breakglass journal verify|show`, `logbook`, `checklist` and `destroy`.

Registered on the main CLI with add_command. Failures are BreakglassErrors, which the CLI's main prints as
one line with exit status 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import BreakglassError
from ..system import clock, interrupts
from ..system.output import json_text, terminal_safe
from .common import CONTEXT, chosen_paper, font_option, paper_option, say, solo_option, use_fonts


@click.group(context_settings=CONTEXT)
def journal() -> None:
    """Check or list the tamper-evident journal of ceremony events.

    \b
    Examples:
      breakglass journal verify journal.jsonl --head K7Q2-9XMB
      breakglass journal show journal.jsonl
      breakglass journal show --json journal.jsonl
    """


@journal.command("verify", context_settings=CONTEXT)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--head", metavar="CODE", help="The last event code written in the paper logbook; the journal must end there."
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the result as JSON (ok, entries, head_code, head_checked, problem, line); exit status as without.",
)
def verify(path: Path, head: str | None, as_json: bool) -> None:
    """Check the journal's hash chain, and with --head that nothing was cut from its end.

    Prints the number of entries and the head code (the last event's code) and exits 0 if the journal is
    intact; otherwise names the first bad line and why, and exits 1. An empty journal is an error (exit 1).
    Without --head, a journal whose last entries were deleted still verifies: always give the last code from
    the paper logbook when you have it, or compare the head code printed with it.

    \b
    Example:
      breakglass journal verify journal.jsonl --head K7Q2-9XMB
    """
    from ..record.journal import REPAIR_HINT, verify_journal

    result = verify_journal(path, head)
    if as_json:
        click.echo(
            json_text(
                {
                    "journal": str(path),
                    "ok": result.ok,
                    "entries": result.count,
                    "head_code": result.head_code,
                    "head_checked": head is not None and result.ok,
                    "problem": result.problem,
                    "line": result.line,
                }
            )
        )
        if not result.ok:
            sys.exit(1)
        return
    if not result.ok:
        hint = f"; {REPAIR_HINT.format(path=path)}" if result.repairable else ""
        raise BreakglassError(f"journal {path}: {result.problem}{hint}")
    entries = "entry" if result.count == 1 else "entries"
    if head:
        click.echo(
            terminal_safe(
                f"journal {path}: OK, {result.count} {entries}, chain intact, head code "
                f"{result.head_code} (matches the paper logbook)"
            )
        )
        return
    click.echo(terminal_safe(f"journal {path}: chain intact, {result.count} {entries}, head code {result.head_code}"))
    click.echo(
        f"Without --head a cut-off end cannot be detected: check that {result.head_code} is the last event "
        "code written in the paper logbook, or run again with --head CODE."
    )


@journal.command("show", context_settings=CONTEXT)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print the events as a JSON list: each as stored in the journal, with its event code added as "code".',
)
def show(path: Path, as_json: bool) -> None:
    """List the journal's events as a table (it is not verified: use `journal verify` for that).

    \b
    Example:
      breakglass journal show journal.jsonl
    """
    from ..record.journal import read_journal

    entries = read_journal(path)
    if as_json:
        click.echo(json_text([{**e.data, "code": e.code} for e in entries]))
        return
    if not entries:
        raise BreakglassError(f"journal {path} is empty (it holds no event)")
    click.echo(format_table(entries))


@journal.command("repair", context_settings=CONTEXT)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--operator", metavar="NAME", help="Who repairs the journal (recorded in the repair event).")
@click.option("--witness", metavar="NAME", help="Who witnesses it (recorded in the repair event).")
def repair(path: Path, operator: str | None, witness: str | None) -> None:
    """Set a broken journal's bad part aside as evidence, so that the journal can go on.

    Keeps every line before the first problem (for a power cut mid-write, the cut-off last line), moves the
    rest, byte for byte, into a side file next to the journal (JOURNAL.broken-TIME), and appends a 'repair'
    event naming that file and its SHA-256. Nothing is deleted. Write the printed event code in the paper
    logbook, and compare the set-aside lines with the logbook. An intact journal is left as it is.

    \b
    Example:
      breakglass journal repair journal.jsonl --operator "Alice Moreau" --witness "Bongani Dlamini"
    """
    from ..record.journal import stamped
    from ..record.journal_repair import repair_journal

    done = repair_journal(path, now=clock.now_utc(), operator=operator, witness=witness)
    if done.entry is None:
        click.echo(terminal_safe(f"journal {path}: chain intact; nothing to repair"))
        return
    last = done.first_line + done.lines - 1
    where = f"line {done.first_line}" if done.lines == 1 else f"lines {done.first_line}-{last}"
    whole = f", {done.complete} of them complete entries" if done.complete else ""
    click.echo(terminal_safe(f"journal {path}: {done.problem}"))
    click.echo(
        terminal_safe(
            f"Set aside {where} ({done.lines} line{'s' if done.lines != 1 else ''}{whole}) in {done.side_file}."
        )
    )
    click.echo("Recorded the repair; compare the set-aside lines with the paper logbook.")
    click.echo(f"Journal event code (write it in the logbook, with its time): {stamped(done.entry)}")


def _shares_text(shares) -> str:
    """1,2,3,5 -> '1-3,5'."""
    out: list[str] = []
    run: list[int] = []
    for s in sorted(shares):
        if run and s == run[-1] + 1:
            run.append(s)
            continue
        if run:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 2 else ",".join(map(str, run)))
        run = [s]
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 2 else ",".join(map(str, run)))
    return ",".join(out)


def format_table(entries) -> str:
    """One line per event; every cell from the file shown terminal-safe (a newline in a name cannot add a row,
    an escape sequence cannot drive the terminal)."""
    heads = ["seq", "time (UTC)", "event", "set", "shares", "operator", "witness", "code"]
    rows = [
        [
            terminal_safe(cell)
            for cell in (
                str(e.seq),
                str(e.time).replace("T", " ").rstrip("Z"),
                e.event,
                e.set,
                _shares_text(e.shares),
                e.operator or "-",
                e.witness or "-",
                e.code,
            )
        ]
        for e in entries
    ]
    widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(len(heads))]
    right = {0}
    lines = []
    for r in [heads, *rows]:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


@click.command("logbook", context_settings=CONTEXT)
@click.option(
    "--manifest",
    "manifest_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="manifest.json written by split or rotate.",
)
@click.option(
    "--journal",
    "journal_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Journal: prints its head code and the split event code.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ceremony config: participants, scope, permitted uses, rules.",
)
@paper_option
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The PDF to write.")
@click.option("--force", is_flag=True, help="Replace --out if it is an earlier PDF (never any other file).")
@font_option
def logbook(
    manifest_path: Path,
    journal_path: Path | None,
    config_path: Path | None,
    paper: str | None,
    out: Path,
    force: bool,
    font_paths: tuple[Path, ...],
) -> None:
    """Print the paper ceremony record for a set of shares, pre-filled from what the split recorded.

    \b
    Example:
      breakglass logbook --manifest sheets/manifest.json --journal journal.jsonl \\
          --config ceremony/example.toml --out logbook.pdf

    Pages: cover, participants, the split ceremony script with time and initials per step, share custody
    with bag serials, exception sheets, release/drill records, share destruction and a closing statement
    with the journal head code. Fits A4 and US Letter alike.
    """
    interrupts.import_whole("reportlab.pdfgen.canvas")
    from ..paper.logbook import gather, render_logbook
    from ..record import manifest as manifest_mod
    from ..record.config import load_config
    from ..record.journal import read_journal, verify_journal

    _check_out(out, force)  # before any work
    use_fonts(font_paths)
    manifest = manifest_mod.load(manifest_path)
    config = load_config(config_path) if config_path else None
    entries = None
    if journal_path is not None:
        result = verify_journal(journal_path)
        if not result.ok:
            raise BreakglassError(
                f"journal {journal_path}: {result.problem}; the logbook would print a wrong head code"
            )
        entries = read_journal(journal_path)
        _require_set_in_journal(manifest, entries, journal_path)
    data = gather(manifest, config, entries)
    pdf = render_logbook(data, chosen_paper(paper, config))
    _write_out(out, pdf, force)
    pages = pdf.count(b"/Type /Page\n") or None
    head = f", journal head {data.head_code}" if data.head_code else ""
    click.echo(
        terminal_safe(f"wrote {out}: logbook for set {data.set_id}{head}" + (f", {pages} pages" if pages else ""))
    )


def _require_set_in_journal(manifest: dict, entries, journal_path: Path) -> None:
    """A logbook pre-fills the journal's codes: for a set that journal never made they would be another set's."""
    from ..format.share import parse_set_id_text, set_id_text
    from ..record.journal import set_origin

    try:
        set_text = set_id_text(parse_set_id_text(manifest["set_id"]))
    except (BreakglassError, ValueError):
        set_text = manifest["set_id"]
    if set_origin(entries, set_text) is None:
        raise BreakglassError(
            f"the manifest is of set {set_text}, which journal {journal_path} never made (no split, "
            "rotation or reshare of it): give this set's journal, or the manifest of a set it made"
        )


# ---------------------------------------------------------------- after a use: checklist, destruction


FORCE_HINT = "give --force, or another --out"


def _check_out(out: Path, force: bool) -> None:
    """Refuse an --out that cannot be written (a folder, a link, a device, or an existing file without --force).
    --force replaces an earlier PDF only: a journal, config or credential named by mistake is never lost."""
    from ..system.files import check_target

    if out.is_file() and not out.is_symlink():  # --force is advised only where it would be accepted: an earlier PDF
        try:
            with out.open("rb") as f:
                is_pdf = f.read(5) == b"%PDF-"
        except OSError:
            is_pdf = False
        if not is_pdf:
            raise BreakglassError(
                f"{out} exists and is not a PDF; refusing to overwrite it (breakglass replaces only "
                "an earlier PDF): choose another --out"
            )
    check_target(out, force, hint=FORCE_HINT)


def _write_out(out: Path, data: bytes, force: bool) -> None:
    """Write a PDF whole or not at all (system.files), so a failed write never leaves half a document."""
    from ..system.files import DOCUMENT, write_new_file

    _check_out(out, force)  # again: the file may have changed while the PDF was made
    write_new_file(out, data, DOCUMENT, force=force, hint=FORCE_HINT)


@click.command("checklist", context_settings=CONTEXT)
@click.option(
    "--journal",
    "journal_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The journal holding the event.",
)
@click.option(
    "--event",
    "code",
    required=True,
    metavar="CODE",
    help="Event code of the release, drill, reshare or expand, as written in the logbook.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ceremony config: rotation deadline, drill interval, contact, sign-off names.",
)
@paper_option
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The PDF to write.")
@click.option("--force", is_flag=True, help="Replace --out if it is an earlier PDF (never any other file).")
@font_option
def checklist(
    journal_path: Path,
    code: str,
    config_path: Path | None,
    paper: str | None,
    out: Path,
    force: bool,
    font_paths: tuple[Path, ...],
) -> None:
    """Print the after-use (rotation) checklist for a release or drill, or the custodian-change checklist.

    Steps with time and initials columns: classify and review the use, revoke, rotate at the provider, run
    the rotate ceremony, verify the new sheets, destroy the old ones under witness, test the new
    credential and its alert, update custodians, sign off, book the next drill. For a reshare or expand
    event: collect, print, verify, hand out, reseal, and destroy what is retired (every sheet of the reshared
    set, or the sheets the expansion replaced) by the rotation deadline.

    \b
    Example:
      breakglass checklist --journal journal.jsonl --event K7Q2-9XMB \\
          --config ceremony/example.toml --out checklist.pdf

    Pre-filled from the journal: set id, fingerprint, event code and time, the credential label, the
    rotation deadline (event + rotation_deadline_days from --config, else 7 days), and one destruction line
    per share and copy of the set with its holder. Wording and steps: templates/checklist.toml.
    """
    interrupts.import_whole("reportlab.pdfgen.canvas")
    from ..paper.checklist import render_checklist
    from ..record.config import load_config
    from ..record.journal import find_event, read_journal, require_intact, set_origin

    _check_out(out, force)
    if not journal_path.exists():
        raise BreakglassError(f"journal {journal_path} does not exist")
    require_intact(journal_path)
    use_fonts(font_paths)
    entry = find_event(journal_path, code)
    config = load_config(config_path) if config_path else None
    entries = read_journal(journal_path)
    origin = set_origin(entries, entry.set)
    holders = _to_destroy(entries, entry)
    label = (origin.extra.get("label") if origin is not None else None) or (config.label if config else "")
    k = origin.extra.get("k") if origin is not None and isinstance(origin.extra.get("k"), int) else None
    pdf = render_checklist(
        entry, config=config, holders=holders, label=str(label), paper=chosen_paper(paper, config), k=k
    )
    _write_out(out, pdf, force)
    kind = "custodian-change" if entry.event in ("reshare", "expand") else "after-use"
    click.echo(terminal_safe(f"wrote {out}: {kind} checklist for {entry.event} {entry.code} of set {entry.set}"))


def _to_destroy(entries, entry) -> list[dict]:
    """The sheets the checklist lists for destruction, with their holders: those an expansion replaced, or every
    sheet of the event's set (expanded ones included) not yet recorded destroyed."""
    from ..record.sets import SetHistory, replaced_sheets

    history = SetHistory(entries)
    printed = history.sheets(entry.set)
    gone = history.destroyed.get(entry.set, {})
    sheets = replaced_sheets(entry) if entry.event == "expand" else sorted(printed)
    return [{"share": s, "copy": c, "holder": printed.get((s, c), "")} for s, c in sheets if (s, c) not in gone]


@click.command("destroy", context_settings=CONTEXT)
@click.option(
    "--journal",
    "journal_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The set's journal (must exist); the destruction is recorded in it.",
)
@click.option(
    "--set",
    "set_id",
    required=True,
    metavar="SET_ID",
    help="The set the sheets belong to (normally retired by a rotation).",
)
@click.option(
    "--sheet",
    "sheets",
    required=True,
    multiple=True,
    metavar="SHARE[.COPY]",
    help="A sheet destroyed: share number, and copy if not 1 (repeat).",
)
@click.option(
    "--bag",
    "bags",
    multiple=True,
    metavar="SERIAL",
    help="Bag serial each sheet came from, in the order of --sheet (repeat; as many as --sheet).",
)
@click.option("--operator", required=True, metavar="NAME", help="Who destroyed the sheets.")
@click.option("--witness", metavar="NAME", help="Who witnessed it (not the operator; required unless --solo).")
@solo_option
def destroy(
    journal_path: Path,
    set_id: str,
    sheets: tuple[str, ...],
    bags: tuple[str, ...],
    operator: str,
    witness: str | None,
    solo: str | None,
) -> None:
    """Record the witnessed destruction of old sheets in the journal.

    Prints the event code (and time) of the 'destroy' event it appends. Refused, with nothing recorded: a set
    this journal never made, a sheet that was never printed (e.g. sheet 6 of a 5-share set), a sheet already
    recorded destroyed, or the same person as operator and witness.

    \b
    Example (share 1, and both copies of share 2):
      breakglass destroy --journal journal.jsonl --set 1A2B-3C4D-5E6F-7081 \\
          --sheet 1 --sheet 2.1 --sheet 2.2 --bag TB-1001 --bag TB-1002 --bag TB-1003 \\
          --operator "Alice Moreau" --witness "Bongani Dlamini"

    Write the printed event code and time on the logbook's destruction page. Destroying sheets of a set that
    was not retired by a rotation or reshare, other than sheets an expansion replaced, is allowed but unusual:
    a warning is printed.
    """
    from ..ceremonies.destroy import DestroyRequest, run_destroy

    done = run_destroy(
        DestroyRequest(journal_path, set_id, sheets, bags, operator, witness, solo), clock.now_utc(), say
    )
    listed = ", ".join(f"{s}.{c}" for s, c in done.sheets)
    click.echo(f"Recorded destruction of {len(done.sheets)} sheet(s) of set {done.set_text} ({listed}).")
    click.echo(f"Journal event code (write it in the logbook, with its time): {done.stamped_code}")
    click.echo("Write it on the logbook's destruction page.")
