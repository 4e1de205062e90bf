"""The ceremony commands that make sets: split, rotate, reshare, expand and demo, each a thin shell over
breakglass.ceremonies (recombine is in recombine.py).

Heavy libraries (reportlab, qrcode, PIL, zxing-cpp, pypdfium2) are imported inside the commands that need
them, so `breakglass --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..system import clock, interrupts
from .common import (
    CONTEXT,
    dpi_option,
    font_option,
    format_option,
    multi_line_option,
    new_sheets_scan_check_option,
    paper_option,
    people_options,
    say,
    solo_option,
    strip_newline_option,
    terminal,
    use_fonts,
)


def new_set_options(command):
    """The options of a ceremony that makes a new set from k sheets of the current one (rotate, reshare)."""
    options = [
        click.option(
            "--typed", "typed_files", multiple=True, metavar="FILE|-", help="Typed text of old shares (repeatable)."
        ),
        click.option("--type-in", is_flag=True, help="Type old shares line by line."),
        click.option("-k", "--threshold", type=int, help="Shares needed for the new set (default: as the old set)."),
        click.option(
            "-n",
            "--shares",
            type=int,
            help="Shares in the new set (default: one per share of the old set "
            "still in custody: expanded ones included, replaced or destroyed ones not).",
        ),
        click.option("--label", help="Label for the new set (default: the old set's)."),
        click.option(
            "--custodian",
            "custodians",
            multiple=True,
            metavar="NAME",
            help="New custodians in share order (default: the old holders).",
        ),
        click.option("--copies", type=click.IntRange(1, 9), default=None, help="Printed copies of each new share."),
        paper_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


# --- split ---------------------------------------------------------------------------------------------------


@click.command(context_settings=CONTEXT)
@click.option("-k", "--threshold", type=int, help="Shares needed to recover (2..n). From --config if not given.")
@click.option("-n", "--shares", type=int, help="Shares to make (k..255). From --config if not given.")
@click.option("--label", help="What the credential is, printed on every sheet, e.g. 'AWS org root'.")
@click.option(
    "--secret-file",
    metavar="PATH|-",
    help="Read the credential from a file, or '-' for stdin (typed without echo at a terminal, until Ctrl-D on an empty line). Default: prompt without echo.",
)
@multi_line_option
@strip_newline_option
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the sheets and manifest.json (created if missing; nothing in it is overwritten).",
)
@click.option(
    "--custodian",
    "custodians",
    multiple=True,
    metavar="NAME",
    help="Custodian of share 1, 2, ... in order (repeat). Overrides --config.",
)
@click.option(
    "--copies",
    type=click.IntRange(1, 9),
    default=None,
    help="Printed copies of each share, for different holders (default 1).",
)
@paper_option
@format_option
@click.option(
    "--rugged",
    is_flag=True,
    help="Format-2 sheets with stronger QR error correction (level H): they survive a stain over every code and folded, crumpled sheets photographed as they lie more often, at about one page more a sheet. Also the config's `rugged = true`.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ceremony config (TOML): k, n, label and custodians.",
)
@click.option(
    "--journal",
    "journal_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append a 'split' event to this journal (created if it does not exist).",
)
@people_options("the ceremony")
@solo_option
@click.option(
    "--no-scan-check", is_flag=True, help="Skip reading the sheets back (not recommended; for slow machines)."
)
@font_option
def split(
    threshold,
    shares,
    label,
    secret_file,
    multi_line,
    strip_newline,
    out_dir,
    custodians,
    copies,
    paper,
    share_format,
    rugged,
    config_path,
    journal_path,
    operator,
    witness,
    solo,
    no_scan_check,
    font_paths,
):
    """Encrypt a credential, split it k-of-n, and write one PDF sheet per share.

    Every sheet is read back with every available QR decoder and the shares are recombined before anything is
    written; if any check fails, nothing is saved. The sheets, the manifest and the journal entry appear
    together or not at all: a full disk or Ctrl-C leaves nothing half-made.

    \b
    Example:
      breakglass split -k 3 -n 5 --label "AWS org root" --out sheets/ \\
          --custodian Alice --custodian Bob --custodian Carol --custodian Dan --custodian Erin
    """
    interrupts.import_whole()  # before the ceremony's own imports: see system/interrupts.py
    from ..ceremonies.split import SplitPlan, run_split

    use_fonts(font_paths)
    plan = SplitPlan.from_options(
        threshold=threshold,
        shares=shares,
        label=label,
        custodians=custodians,
        copies=copies,
        paper=paper,
        config_path=config_path,
        out_dir=out_dir,
        journal_path=journal_path,
        operator=operator,
        witness=witness,
        scan_check=not no_scan_check,
        solo=solo,
        share_format=int(share_format),
        rugged=rugged,
    )
    plan.check_before_secret()
    from ..system.secretio import read_secret

    credential = read_secret(secret_file, say, multi_line=multi_line, strip_newline=strip_newline)
    run_split(plan, credential, clock.now_utc(), say)


# --- rotate --------------------------------------------------------------------------------------------------


@click.command(context_settings=CONTEXT)
@click.argument("scans", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--journal",
    "journal_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The set's journal; the rotation is recorded in it.",
)
@click.option(
    "--secret-file",
    metavar="PATH|-",
    help="The NEW credential, from a file, or '-' for stdin (typed without echo at a terminal, until Ctrl-D on an empty line). Default: prompt without echo.",
)
@multi_line_option
@strip_newline_option
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the new set's sheets.",
)
@new_set_options
@format_option
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Ceremony config for the new set."
)
@people_options("the rotation")
@solo_option
@dpi_option
@new_sheets_scan_check_option
@font_option
def rotate(
    scans,
    journal_path,
    secret_file,
    multi_line,
    strip_newline,
    out_dir,
    typed_files,
    type_in,
    threshold,
    shares,
    label,
    custodians,
    copies,
    paper,
    share_format,
    config_path,
    operator,
    witness,
    solo,
    dpi,
    no_scan_check,
    font_paths,
):
    """Replace the credential after a use: recover the old set, split the NEW credential as a new set.

    Refuses if the new credential equals the old one. The old set is retired: its sheets must be destroyed.
    The journal's rotate event names the old (retired) set, and the new set as new_set.

    \b
    Example:
      breakglass rotate --journal journal.jsonl --operator "Ana" --witness "Ben" --secret-file - \\
          --out new-sheets/ old-scans/
    """
    interrupts.import_whole()  # before the ceremony's own imports: see system/interrupts.py
    from ..ceremonies.rotate import RotateRequest, run_rotate

    if not scans and not typed_files and not type_in:
        raise click.UsageError("give scans of k old sheets (images, PDFs, folders), --typed FILE or --type-in")
    use_fonts(font_paths)
    run_rotate(
        RotateRequest(
            journal_path=journal_path,
            secret_file=secret_file,
            multi_line=multi_line,
            strip_newline=strip_newline,
            out_dir=out_dir,
            scans=list(scans),
            typed_files=list(typed_files),
            type_in=type_in,
            threshold=threshold,
            shares=shares,
            label=label,
            custodians=custodians,
            copies=copies,
            paper=paper,
            config_path=config_path,
            operator=operator,
            witness=witness,
            dpi=dpi,
            scan_check=not no_scan_check,
            solo=solo,
            share_format=int(share_format),
        ),
        clock.now_utc(),
        say,
        terminal(),
    )


# --- custodian changes: reshare and expand --------------------------------------------------------------------


@click.command(context_settings=CONTEXT)
@click.argument("scans", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--journal",
    "journal_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The set's journal (must exist); the reshare is recorded in it and retires the old set.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the new set's sheets and manifest.json.",
)
@new_set_options
@click.option(
    "--format",
    "share_format",
    type=click.Choice(["1", "2"]),
    default=None,
    help="Share format of the new set (default: the old set's).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ceremony config for the new set (k, n, custodians; the rotation deadline for destroying the old sheets).",
)
@people_options("the reshare")
@solo_option
@dpi_option
@new_sheets_scan_check_option
@font_option
def reshare(
    scans,
    journal_path,
    out_dir,
    typed_files,
    type_in,
    threshold,
    shares,
    label,
    custodians,
    copies,
    paper,
    share_format,
    config_path,
    operator,
    witness,
    solo,
    dpi,
    no_scan_check,
    font_paths,
):
    """Custodians change: the SAME credential as a NEW set, from any k sheets of the current set.

    New set id, key and shares (k, n, custodians and format as given); the old set is retired: recombine
    refuses it, and every old sheet must be destroyed within the rotation deadline. The credential is
    recovered in memory only: never shown, written or journalled.

    What it cannot do: until the old sheets are destroyed, any k of them still open the old set, and give the
    same credential. If the credential may have been seen, use rotate (a new credential) instead.

    \b
    Example:
      breakglass reshare --journal journal.jsonl --config ceremony.toml --operator "Ana" --witness "Ben" \\
          --out new-sheets/ old-scans/
    """
    interrupts.import_whole()  # before the ceremony's own imports: see system/interrupts.py
    from ..ceremonies.reshare import ReshareRequest, run_reshare

    if not scans and not typed_files and not type_in:
        raise click.UsageError(
            "give scans of k sheets of the current set (images, PDFs, folders), --typed FILE or --type-in"
        )
    use_fonts(font_paths)
    run_reshare(
        ReshareRequest(
            journal_path=journal_path,
            out_dir=out_dir,
            scans=list(scans),
            typed_files=list(typed_files),
            type_in=type_in,
            threshold=threshold,
            shares=shares,
            label=label,
            custodians=custodians,
            copies=copies,
            paper=paper,
            config_path=config_path,
            operator=operator,
            witness=witness,
            dpi=dpi,
            scan_check=not no_scan_check,
            solo=solo,
            share_format=int(share_format) if share_format else None,
        ),
        clock.now_utc(),
        say,
        terminal(),
    )


@click.command(context_settings=CONTEXT)
@click.argument("scans", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--journal",
    "journal_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The set's journal (must exist): it says which share numbers exist; the expansion is recorded in it.",
)
@click.option(
    "--custodian",
    "custodians",
    multiple=True,
    required=True,
    metavar="NAME",
    help="Who receives a new share (repeat: one new share each, numbered after every share the set has had).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the new sheets and manifest.json.",
)
@click.option(
    "--replaces",
    multiple=True,
    metavar="SHARE.COPY",
    help="A sheet handed back that the new shares replace (repeatable); it must then be destroyed.",
)
@click.option(
    "--typed", "typed_files", multiple=True, metavar="FILE|-", help="Typed text of shares of the set (repeatable)."
)
@click.option("--type-in", is_flag=True, help="Type shares line by line.")
@click.option("--copies", type=click.IntRange(1, 9), default=None, help="Printed copies of each new share.")
@paper_option
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ceremony config, already updated for the expansion (n, the new custodians): names, roles, contact, paper.",
)
@people_options("the expansion")
@solo_option
@dpi_option
@new_sheets_scan_check_option
@font_option
def expand(
    scans,
    journal_path,
    custodians,
    out_dir,
    replaces,
    typed_files,
    type_in,
    copies,
    paper,
    config_path,
    operator,
    witness,
    solo,
    dpi,
    no_scan_check,
    font_paths,
):
    """Custodians change: new shares of the SAME set, for new custodians, from any k of its sheets.

    Each new share gets a share number the set never had (k stays; the set grows up to 255 shares) and
    recombines with any k-1 of the existing sheets. The sheets are read back with the existing shares before
    anything is written. The credential is recovered in memory only: never shown, written or journalled.

    A sheet replaced (--replaces) stays a valid share until it is destroyed; a lost sheet stays valid: for a
    lost sheet or a departed custodian who may keep a copy, use reshare. A format-1 set's new sheets are read
    only by releases that have this command.

    \b
    Example:
      breakglass expand --journal journal.jsonl --operator "Ana" --witness "Ben" \\
          --custodian "Dan New" --out new-sheets/ scans/
    """
    interrupts.import_whole()  # before the ceremony's own imports: see system/interrupts.py
    from ..ceremonies.expand import ExpandRequest, run_expand

    if not scans and not typed_files and not type_in:
        raise click.UsageError("give scans of k sheets of the set (images, PDFs, folders), --typed FILE or --type-in")
    use_fonts(font_paths)
    run_expand(
        ExpandRequest(
            journal_path=journal_path,
            out_dir=out_dir,
            scans=list(scans),
            custodians=custodians,
            typed_files=list(typed_files),
            type_in=type_in,
            copies=copies,
            replaces=replaces,
            paper=paper,
            config_path=config_path,
            operator=operator,
            witness=witness,
            dpi=dpi,
            scan_check=not no_scan_check,
            solo=solo,
        ),
        clock.now_utc(),
        say,
        terminal(),
    )


# --- demo ----------------------------------------------------------------------------------------------------


@click.command(context_settings=CONTEXT)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for everything the demo makes (new or empty). Default: ./breakglass-demo, or -2, -3... if taken.",
)
def demo(out_dir):
    """Run a whole ceremony on a dummy credential: split, logbook, drill, release, checklist, rotate, audit.

    \b
    Example:
      breakglass demo --out /tmp/breakglass-demo
    """
    interrupts.import_whole()  # before the ceremony's own imports: see system/interrupts.py
    from ..ceremonies.demo import fresh_folder, run_demo

    run_demo(out_dir or fresh_folder(Path("breakglass-demo")), clock.now_utc(), say, terminal())
