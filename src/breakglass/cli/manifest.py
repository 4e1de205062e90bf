"""`breakglass manifest`: what a split made, read from its manifest.json, as text or JSON.

A status view for people and scripts: the set, its fingerprint, k of n, the tool and package fingerprint that
made it, each sheet with its holder and whether its PDF is still beside the manifest (sheet PDFs are share
material: once printed and handed out they are best deleted), and with --journal whether the set is current
or was retired by a rotation.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..system.output import json_text, terminal_safe
from .common import CONTEXT


def manifest_status(path: Path, journal_path: Path | None) -> dict:
    """The JSON shape printed by --json (documented in docs/JOURNAL.md, "Manifest status")."""
    from ..record import manifest as manifest_mod

    data = manifest_mod.load(path)
    holders = {(c.get("share"), c.get("copy", 1)): c for c in data.get("custodians", []) if isinstance(c, dict)}
    sheets = []
    for sheet in data.get("sheets", []):
        if not isinstance(sheet, dict):
            continue
        holder = holders.get((sheet.get("share"), sheet.get("copy", 1)), {})
        file = str(sheet.get("file") or "")
        sheets.append(
            {
                "share": sheet.get("share"),
                "copy": sheet.get("copy", 1),
                "file": file,
                "holder": holder.get("name") or "",
                "pdf_present": bool(file) and (path.parent / file).is_file(),
            }
        )
    status = {
        key: data.get(key)
        for key in (
            "set_id",
            "fingerprint",
            "k",
            "n",
            "label",
            "created",
            "tool_version",
            "package",
            "event_code",
            "replaces_set",
        )
    }
    status = {"manifest": str(path), **status, "sheets": sheets}
    if journal_path is not None:
        status["journal"] = journal_state(journal_path, str(data.get("set_id") or ""))
    return status


def journal_state(journal_path: Path, set_id: str) -> dict:
    from ..record.journal import read_journal, require_intact

    require_intact(journal_path)
    from ..record.sets import SetHistory

    everything = read_journal(journal_path)
    entries = [e for e in everything if e.set == set_id or e.extra.get("new_set") == set_id]
    retired = SetHistory(everything).retired.get(set_id)
    return {
        "path": str(journal_path),
        "state": "retired" if retired else ("current" if entries else "not in the journal"),
        "retired_by": retired.code if retired else None,
        "retired_by_event": retired.event if retired else None,
        "events": [{"event": e.event, "time": e.time, "code": e.code} for e in entries],
    }


@click.command("manifest", context_settings=CONTEXT)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--journal",
    "journal_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also say whether the set is current or retired, and list its events.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def manifest(path: Path, journal_path: Path | None, as_json: bool) -> None:
    """Show what a split made: set, fingerprint, sheets and holders, and (with --journal) the set's state.

    \b
    Example:
      breakglass manifest sheets/manifest.json --journal journal.jsonl
    """
    status = manifest_status(path, journal_path)
    if as_json:
        click.echo(json_text(status))
        return
    for line in format_status(status):
        click.echo(terminal_safe(line))


def format_status(status: dict) -> list[str]:
    lines = [
        f"Credential:   {status['label']}",
        f"Set id:       {status['set_id']}",
        f"Fingerprint:  {status['fingerprint']}",
        f"Threshold:    any {status['k']} of {status['n']} shares",
        f"Created:      {status['created']} by breakglass {status['tool_version']}"
        + (f", package fingerprint {status['package']}" if status.get("package") else ""),
        f"Sheets:       {len(status['sheets'])}",
    ]
    for sheet in status["sheets"]:
        holder = f" ({sheet['holder']})" if sheet["holder"] else ""
        present = "PDF still here: delete it once printed" if sheet["pdf_present"] else "PDF not here"
        lines.append(f"  share {sheet['share']} copy {sheet['copy']}{holder}: {sheet['file']} ({present})")
    journal = status.get("journal")
    if journal:
        by = "rotation" if journal.get("retired_by_event") == "rotate" else "reshare"
        state = journal["state"] + (f" by {by} {journal['retired_by']}" if journal["retired_by"] else "")
        lines.append(f"In journal:   {state}; {len(journal['events'])} event(s)")
        lines += [f"  {e['time']}  {e['event']:<8} {e['code']}" for e in journal["events"]]
    return lines
