"""`breakglass audit`: the auditor's command, a thin shell over breakglass.record.audit."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..system.clock import now_utc
from .common import CONTEXT, font_option, say, use_fonts

# --- audit ---------------------------------------------------------------------------------------------------


@click.command(context_settings=CONTEXT)
@click.option("--journal", "journal_path", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The journal to audit.")
@click.option("--head", help="The last event code written in the paper logbook (detects a dropped tail).")
@click.option("--logbook", "logbook_csv", type=click.Path(dir_okay=False, path_type=Path), help="Transcription of the paper logbook (CSV; templates/logbook-transcription.csv).")
@click.option("--rotations", "rotations_csv", type=click.Path(dir_okay=False, path_type=Path), help="Provider records: CSV credential,changed_at, or an AWS IAM credential report.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Ceremony config: rotation deadline and drill interval.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Audit as of this date (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the report as a PDF for the audit file.")
@font_option
def audit(journal_path, head, logbook_csv, rotations_csv, config_path, as_of, as_json, pdf_path, font_paths):
    """Check the journal, the logbook transcription and provider records; exit 1 with findings.

    \b
    Checks: journal chain intact; every release rotated within the deadline; no use of a retired set;
    drills at least every interval; witness is not the operator; >= k distinct custodians per use;
    every journal event in the logbook and vice versa; bag serials sealed once, opened once.

    \b
    Example:
      breakglass audit --journal journal.jsonl --logbook logbook.csv --config ceremony/example.toml
    """
    import json as json_module

    from ..record.audit import Rules, format_report, parse_as_of, run_audit

    if pdf_path is not None:
        from ..system.files import check_target
        from ..system.interrupts import import_whole

        check_target(pdf_path)
        import_whole("reportlab.pdfgen.canvas")
    use_fonts(font_paths)
    rules = Rules()
    if config_path is not None:
        from ..record.config import load_config

        config = load_config(config_path)
        rules = Rules(config.rotation_deadline_days, config.drill_interval_days)
    report = run_audit(journal_path, rules=rules, as_of=parse_as_of(as_of) if as_of else now_utc(), head=head,
                       logbook_csv=logbook_csv, rotations_csv=rotations_csv)
    if as_json:
        click.echo(json_module.dumps(report.to_json(), indent=2))
    else:
        for line in format_report(report):
            click.echo(line)
    if pdf_path is not None:
        from ..paper.audit_report import render_audit
        from ..system.files import DOCUMENT, write_new_file

        write_new_file(pdf_path, render_audit(report, journal_path), DOCUMENT)
        say(f"Report written to {pdf_path}")
    if not report.clean:
        sys.exit(1)
