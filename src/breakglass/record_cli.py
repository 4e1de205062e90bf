"""Commands for the records: `breakglass journal verify|show` and `breakglass logbook`.

Registered on the main CLI with add_command. Failures are BreakglassErrors, which the CLI's main prints as
one line with exit status 1.
"""

from __future__ import annotations

from pathlib import Path

import click

from .errors import BreakglassError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
def journal() -> None:
    """Check or list the tamper-evident journal of ceremony events.

    \b
    Examples:
      breakglass journal verify journal.jsonl --head K7Q2-9XMB
      breakglass journal show journal.jsonl
    """


@journal.command("verify", context_settings=CONTEXT)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--head", metavar="CODE", help="The last event code written in the paper logbook; the journal must end there.")
def verify(path: Path, head: str | None) -> None:
    """Check the journal's hash chain, and with --head that nothing was cut from its end.

    Prints the number of entries and the head code (the last event's code) and exits 0 if the journal is
    intact; otherwise names the first bad line and why, and exits 1. Without --head, a journal whose last
    entries were deleted still verifies: always give the last code from the paper logbook when you have it.
    """
    from .journal import verify_journal

    result = verify_journal(path, head)
    if not result.ok:
        raise BreakglassError(f"journal {path}: {result.problem}")
    if result.count == 0:
        click.echo(f"journal {path}: empty, nothing to verify")
        return
    matched = " (matches the paper logbook)" if head else " (give --head CODE to check it against the paper logbook)"
    entries = "entry" if result.count == 1 else "entries"
    click.echo(f"journal {path}: OK, {result.count} {entries}, chain intact, head code {result.head_code}{matched}")


@journal.command("show", context_settings=CONTEXT)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def show(path: Path) -> None:
    """List the journal's events as a table (it is not verified: use `journal verify` for that)."""
    from .journal import read_journal

    entries = read_journal(path)
    if not entries:
        click.echo(f"journal {path} is empty")
        return
    click.echo(format_table(entries))


def _shares_text(shares) -> str:
    """1,2,3,5 -> '1-3,5'."""
    out, run = [], []
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
    heads = ["seq", "time (UTC)", "event", "set", "shares", "operator", "witness", "code"]
    rows = [
        [str(e.seq), e.time.replace("T", " ").rstrip("Z"), e.event, e.set, _shares_text(e.shares),
         e.operator or "-", e.witness or "-", e.code]
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
@click.option("--manifest", "manifest_path", required=True, type=click.Path(dir_okay=False, path_type=Path), help="manifest.json written by split or rotate.")
@click.option("--journal", "journal_path", type=click.Path(dir_okay=False, path_type=Path), help="Journal: prints its head code and the split event code.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Ceremony config: participants, scope, permitted uses, rules.")
@click.option("--paper", type=click.Choice(["a4", "letter"], case_sensitive=False), default="a4", show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The PDF to write.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
def logbook(manifest_path: Path, journal_path: Path | None, config_path: Path | None, paper: str, out: Path, force: bool) -> None:
    """Print the paper ceremony record for a set of shares, pre-filled from what the split recorded.

    \b
    Example:
      breakglass logbook --manifest sheets/manifest.json --journal journal.jsonl \\
          --config ceremony/example.toml --out logbook.pdf

    Pages: cover, participants, the split ceremony script with time and initials per step, share custody
    with bag serials, exception sheets, release/drill records, share destruction and a closing statement
    with the journal head code. Fits A4 and US Letter alike.
    """
    from . import manifest as manifest_mod
    from .config import load_config
    from .journal import read_journal, verify_journal
    from .logbook import gather, render_logbook

    if out.exists() and not force:
        raise BreakglassError(f"{out} already exists; refusing to overwrite it (give --force, or another --out)")
    if out.exists() and out.is_dir():
        raise BreakglassError(f"{out} is a folder; --out names the PDF to write")
    manifest = manifest_mod.load(manifest_path)
    config = load_config(config_path) if config_path else None
    entries = None
    if journal_path is not None:
        result = verify_journal(journal_path)
        if not result.ok:
            raise BreakglassError(f"journal {journal_path}: {result.problem}; the logbook would print a wrong head code")
        entries = read_journal(journal_path)
    data = gather(manifest, config, entries)
    pdf = render_logbook(data, paper.lower())
    try:
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_bytes(pdf)
        tmp.replace(out)
    except FileNotFoundError:
        raise BreakglassError(f"cannot write {out}: its folder does not exist") from None
    except OSError as e:
        raise BreakglassError(f"cannot write {out}: {e.strerror}") from None
    pages = pdf.count(b"/Type /Page\n") or None
    head = f", journal head {data.head_code}" if data.head_code else ""
    click.echo(f"wrote {out}: logbook for set {data.set_id}{head}" + (f", {pages} pages" if pages else ""))
