"""`breakglass recombine`: the credential back from any k sheets (a release or a drill), a thin shell over
breakglass.ceremonies.recover. Its heavy imports happen inside the command, so `breakglass --help` stays fast."""

from __future__ import annotations

from pathlib import Path

import click

from ..system import clock, interrupts
from .common import (
    CONTEXT,
    dpi_option,
    say,
    solo_option,
    terminal,
)


@click.command(context_settings=CONTEXT)
@click.argument("scans", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--typed",
    "typed_files",
    multiple=True,
    metavar="FILE|-",
    help="Typed fallback text (repeatable); it may sit inside other text.",
)
@click.option("--type-in", is_flag=True, help="Type shares line by line; each line is checked as you type it.")
@click.option(
    "--out",
    "out",
    metavar="PATH|-",
    help="Write the credential to a new 0600 file, or '-' for exactly its bytes on stdout.",
)
@click.option(
    "--verify-only",
    is_flag=True,
    help="Drill: recombine and authenticate, print the fingerprint and OK, never reveal the credential.",
)
@click.option(
    "--journal",
    "journal_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The set's journal (must exist): a 'drill' or 'release' event is appended; it also says which set is current.",
)
@click.option("--operator", help="Who recombines (required with --journal).")
@click.option("--witness", help="Who witnesses, not the operator (required with --journal).")
@solo_option
@click.option("--incident", help="Incident or ticket id (required for a journalled release).")
@click.option("--reason", help="Why the credential is needed (required for a journalled release).")
@click.option(
    "--allow-retired",
    metavar="REASON",
    help="Recombine a set a rotation retired (forensics only); the reason is journalled and the audit reports it.",
)
@dpi_option
@click.option(
    "--yes", "assume_yes", is_flag=True, help="Show the credential without asking (when it is shown on the terminal)."
)
def recombine(
    scans,
    typed_files,
    type_in,
    out,
    verify_only,
    journal_path,
    operator,
    witness,
    solo,
    incident,
    reason,
    allow_retired,
    dpi,
    assume_yes,
):
    """Recover the credential from any k sheets: scans, photos, PDFs, folders or typed text, in any order.

    With --journal, sheets of several sets may be mixed: the current set is used and sheets of retired sets are
    named and ignored; a retired set alone is refused (unless --allow-retired REASON).

    \b
    Examples:
      breakglass recombine --verify-only --journal journal.jsonl \\
          --operator "Ana" --witness "Ben" scans/                  (a drill: reveals nothing)
      breakglass recombine --journal journal.jsonl --operator "Ana" --witness "Ben" \\
          --incident INC-42 --reason "SSO outage" scans/           (a release)
      breakglass recombine --out - scan1.jpg scan2.png | ...      (exact bytes, nothing recorded)
      breakglass recombine --typed share3.txt scan1.pdf scan2.pdf
    """
    interrupts.import_whole()  # before the ceremony's own imports: see system/interrupts.py
    from ..ceremonies.recover import RecoveryRequest, run_recovery

    if verify_only and out:
        raise click.UsageError("--verify-only never reveals the credential; drop --out")
    if not scans and not typed_files and not type_in:
        raise click.UsageError("give scans (images, PDFs, folders), --typed FILE or --type-in")
    request = RecoveryRequest(
        scans=list(scans),
        typed_files=list(typed_files),
        type_in=type_in,
        out=out,
        verify_only=verify_only,
        journal_path=journal_path,
        operator=operator,
        witness=witness,
        incident=incident,
        reason=reason,
        dpi=dpi,
        assume_yes=assume_yes,
        solo=solo,
        allow_retired=allow_retired,
    )
    run_recovery(request, clock.now_utc(), say, terminal())
