"""`breakglass audit`: the auditor's command, a thin shell over breakglass.record.audit.

Exit status: 0 CLEAN, 1 findings, 2 cannot audit (an input missing or unreadable, the journal chain broken, or
a usage error), 4 PENDING (no finding, but a part of the credential is not yet shown changed at the provider
after a release still inside its rotation deadline). Every error in this command is about what the auditor gave
it, so all of them exit 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import BreakglassError
from ..system.output import one_line, terminal_safe
from .common import CONTEXT, chosen_paper, font_option, paper_option, say, use_fonts

# --- audit ---------------------------------------------------------------------------------------------------


@click.command(context_settings=CONTEXT)
@click.option(
    "--journal",
    "journal_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The journal to audit.",
)
@click.option(
    "--head", metavar="CODE", help="The last event code written in the paper logbooks (detects a journal cut short)."
)
@click.option(
    "--logbook",
    "logbook_csv",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Transcription of the paper logbook (CSV; templates/logbook-transcription.csv).",
)
@click.option(
    "--rotations",
    "rotations",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Provider evidence (repeat): AWS CloudTrail JSON or event-history CSV, IAM credential report; Entra ID sign-in or audit logs (JSON, CSV); Google Reports API activities JSON; or a rotation record CSV (system,credential,rotated_at,by,evidence,part).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ceremony config: rotation deadline, drill interval, and [credential] for a journal that records none.",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Audit up to the end of this day, UTC (default: now). Later events are outside the window.",
)
@click.option(
    "--time-tolerance",
    type=click.IntRange(0, 1440),
    default=30,
    show_default=True,
    metavar="MINUTES",
    help="How far a time in the logbook may be from the journal's.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the report as a PDF for the audit file.",
)
@paper_option
@font_option
def audit(
    journal_path, head, logbook_csv, rotations, config_path, as_of, time_tolerance, as_json, pdf_path, paper, font_paths
):
    """Check the journal, the logbook transcription and provider evidence; say what was read and every finding.

    \b
    The report lists its inputs (path, size, SHA-256), the window, every rule (pass, fail, not
    checked) and the findings: journal chain and head code; time order; operator and witness two
    people; releases with incident and reason, rotated in time and confirmed at the provider; no use
    of a retired set; drills in time; no one holding k shares; retired sheets destroyed; no sheet
    that never existed; a logbook row for every event and the reverse, every field agreeing;
    custodians; bag serials. After every release, each part the sheets hold (password, MFA,
    access key, backup codes) must be shown changed by the provider's own records. docs/AUDIT.md
    lists every rule and what to export from AWS, Entra ID and Google Workspace.

    \b
    Exit status: 0 CLEAN, 1 findings, 2 cannot audit (an input missing or unreadable, or the
    journal chain broken: the report still shows where), 4 PENDING (no finding, but a part is
    not yet shown changed at the provider, inside the rotation deadline).

    \b
    Example:
      breakglass audit --journal journal.jsonl --head K7Q2-9XMB --logbook logbook.csv \\
          --rotations cloudtrail.json --rotations credential-report.csv \\
          --config ceremony.toml --pdf audit.pdf
    """
    use_fonts(font_paths)
    try:
        report = _run(journal_path, head, logbook_csv, rotations, config_path, as_of, time_tolerance, pdf_path)
    except BreakglassError as e:
        click.echo(one_line(f"error: cannot audit: {e}", limit=2000), err=True)
        sys.exit(2)
    if as_json:
        import json

        click.echo(json.dumps(report.to_json(), indent=2))  # ASCII only: exact, and safe on a terminal
    else:
        from ..record.audit import format_report

        for line in format_report(report):
            click.echo(terminal_safe(line))
    if pdf_path is not None:
        from ..paper.audit_report import render_audit
        from ..system.files import DOCUMENT, write_new_file

        try:
            write_new_file(pdf_path, render_audit(report, chosen_paper(paper, _config(config_path))), DOCUMENT)
        except BreakglassError as e:
            click.echo(one_line(f"error: {e}", limit=2000), err=True)
            sys.exit(2)
        say(f"Report written to {pdf_path}")
    sys.exit(report.exit_code)


def _run(journal_path, head, logbook_csv, rotations, config_path, as_of, time_tolerance, pdf_path):
    from ..record.audit import Rules, parse_as_of, run_audit
    from ..record.journal import normalize_code

    if pdf_path is not None:  # refused before any work: a link, a folder, a device, an existing file
        from ..system.files import check_target
        from ..system.interrupts import import_whole

        check_target(pdf_path)
        import_whole("reportlab.pdfgen.canvas")
    rules = Rules(time_tolerance_minutes=time_tolerance)
    config = None
    if config_path is not None:
        from ..record.config import load_config

        config = load_config(config_path)
        rules = Rules(config.rotation_deadline_days, config.drill_interval_days, time_tolerance)
    return run_audit(
        journal_path,
        rules=rules,
        as_of=parse_as_of(as_of) if as_of else None,
        head=normalize_code(head) if head is not None else None,
        logbook_csv=logbook_csv,
        rotations=rotations,
        config_path=config_path,
        credential=config.credential if config else None,
    )


def _config(config_path):
    """The ceremony config, for its paper size (already read once by _run, so it loads)."""
    if config_path is None:
        return None
    from ..record.config import load_config

    return load_config(config_path)
