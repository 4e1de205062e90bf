"""`breakglass demo`: a whole ceremony on a dummy credential, in seconds, so an evaluator sees every piece.

split 3-of-5 (custodians from the example config) -> logbook -> drill from damaged sheet images -> release ->
rotation checklist -> rotate to a new dummy credential -> destruction of the old sheets -> audit. Everything
is written to one folder and marked DEMO; the dummy credentials are the only "secrets" ever written to disk.
The demo's events are spread over weeks by its own clock (passed in-process: the installed command reads no
fake time), and every event it journals carries "demo": true.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import cast

from ..errors import BreakglassError
from ..system.files import DOCUMENT, PRIVATE, NewFolder, write_new_file
from .terminal import Terminal

DEMO_CREDENTIAL = b"DEMO-ONLY root password: Tr0ub4dor&3-not-a-real-credential"
DEMO_NEW_CREDENTIAL = b"DEMO-ONLY rotated root password: correct-horse-battery-staple-not-real"
OPERATOR, WITNESS = "Alice Moreau", "Bongani Dlamini"


def run_demo(out: Path, now: datetime, say: Callable[[str], None], terminal: Terminal) -> None:
    """The whole demo in `out` (new or empty), or, if anything fails or Ctrl-C is pressed, nothing there."""
    with NewFolder(out):
        _run_demo(out, now, say, terminal)


def _run_demo(out: Path, now: datetime, say: Callable[[str], None], terminal: Terminal) -> None:
    from ..record import config as config_module

    example = out / "ceremony.toml"
    write_new_file(example, resources.files("breakglass.ceremony").joinpath("example.toml").read_bytes(), DOCUMENT)
    config = config_module.load_config(example)
    journal = out / "journal.jsonl"
    clock = _Clock(now)
    say(f"breakglass DEMO: a whole ceremony on a dummy credential, in {out}/")
    say("")

    _step(say, 1, "Split ceremony: 3-of-5, custodians from the example config, every sheet read back")
    write_new_file(out / "demo-credential.txt", DEMO_CREDENTIAL, PRIVATE)
    split = _split(out, config, journal, clock.next(), say)
    _step(say, 2, "Logbook for the people in the room")
    _logbook(out, config, journal, say)
    _step(say, 3, "Drill: recombine from photos of three sheets (slightly rotated, blurred, JPEG), reveal nothing")
    _drill(out, split, journal, clock.next(days=30), say, terminal)
    _step(say, 4, "Release during an (imaginary) incident: the credential is written to a 0600 file")
    release_code = _release(out, split, journal, clock.next(days=20), say, terminal)
    _step(say, 5, "Rotation checklist for that release")
    _checklist(out, config, journal, release_code, say)
    _step(say, 6, "Rotate: new credential, new set; the old set is retired")
    write_new_file(out / "demo-new-credential.txt", DEMO_NEW_CREDENTIAL, PRIVATE)
    _rotate(out, split, journal, clock.next(days=1), say, terminal)
    _step(say, 7, "Old sheets destroyed under witness, recorded in the journal")
    _destroy(split, journal, clock.next(hours=1), say)
    _step(say, 8, "Audit: journal chain, rotation after release, drills, witnesses, logbook transcription")
    _audit(out, journal, config, now, say)
    say("")
    say(
        f"Done. Everything is in {out}/ (the sheets in {split.name}/ and new-sheets/, journal.jsonl, "
        "logbook.pdf, checklist.pdf, logbook.csv). All of it is DEMO material."
    )


def fresh_folder(base: Path) -> Path:
    """`base`, or `base-2`, `base-3`... : the first that does not exist yet, so running the demo twice just works."""
    candidate, number = base, 1
    while candidate.exists():
        number += 1
        candidate = base.with_name(f"{base.name}-{number}")
    return candidate


class _Clock:
    """Demo events are spread over weeks so the journal reads like a real history."""

    def __init__(self, start: datetime):
        self.now = start - timedelta(days=60)

    def next(self, **delta) -> datetime:
        self.now += timedelta(**delta) if delta else timedelta(0)
        return self.now


def _step(say, number: int, title: str) -> None:
    say("")
    say(f"== {number}. {title}")


def _split(out: Path, config, journal: Path, when: datetime, say) -> Path:
    from .split import SplitPlan, run_split

    folder = out / "sheets"
    plan = SplitPlan.from_options(
        threshold=None,
        shares=None,
        label=f"DEMO — {config.label}",
        custodians=(),
        copies=None,
        paper="a4",
        config_path=out / "ceremony.toml",
        out_dir=folder,
        journal_path=journal,
        operator=None,
        witness=None,
        scan_check=True,
    )
    plan.demo = True
    run_split(plan, DEMO_CREDENTIAL, when, say)
    return folder


def _sheets(folder: Path) -> list[Path]:
    return sorted(folder.glob("*-share-*.pdf"))


def _logbook(out: Path, config, journal: Path, say) -> None:
    from ..paper import logbook
    from ..record import manifest
    from ..record.journal import read_journal

    data = logbook.gather(manifest.load(out / "sheets" / "manifest.json"), config, read_journal(journal))
    write_new_file(out / "logbook.pdf", logbook.render_logbook(data, "a4"), DOCUMENT)
    say(f"  wrote {out / 'logbook.pdf'}")


def _photos(sheets: list[Path], folder: Path) -> list[Path]:
    """Each sheet as a phone would see it: a little rotated, a little blurred, JPEG-compressed."""
    from ..scan.files import rasterize_pdf
    from ..scan.images import phone_photo

    folder.mkdir()  # inside the demo's own new folder
    photos = []
    for i, sheet in enumerate(sheets):
        for page_number, page in enumerate(rasterize_pdf(sheet.read_bytes(), dpi=150), start=1):
            path = folder / f"{sheet.stem}-photo-{page_number}.jpg"
            write_new_file(path, phone_photo(page, 3 + 4 * i), PRIVATE)  # a photo of a sheet is a copy of the share
            photos.append(path)
    return photos


def _recover(request_fields: dict, when: datetime, say, terminal: Terminal):
    from .recover import RecoveryRequest, run_recovery

    defaults = dict(
        typed_files=[],
        type_in=False,
        out=None,
        verify_only=False,
        operator=OPERATOR,
        witness=WITNESS,
        incident=None,
        reason=None,
        dpi=150,
        assume_yes=True,
        demo=True,
    )
    return run_recovery(RecoveryRequest(**{**defaults, **request_fields}), when, say, terminal)


def _drill(out: Path, sheets: Path, journal: Path, when: datetime, say, terminal: Terminal) -> None:
    photos = _photos(_sheets(sheets)[1:4], out / "drill-photos")
    _recover({"scans": photos, "verify_only": True, "journal_path": journal}, when, say, terminal)


def _release(out: Path, sheets: Path, journal: Path, when: datetime, say, terminal: Terminal) -> str:
    from ..record.journal import read_journal

    target = out / "released-demo-credential.txt"
    _recover(
        {
            "scans": _sheets(sheets)[0:5:2],
            "out": str(target),
            "journal_path": journal,
            "incident": "DEMO-INC-1",
            "reason": "Locked out of all administrator access (SSO outage)",
        },
        when,
        say,
        terminal,
    )
    return read_journal(journal)[-1].code


def _checklist(out: Path, config, journal: Path, code: str, say) -> None:
    try:
        from ..paper.checklist import render_checklist
    except ImportError:  # pragma: no cover - the checklist module ships with breakglass
        return
    from ..record.journal import Entry, find_event, read_journal, set_origin

    entry = find_event(journal, code)
    origin = cast(Entry, set_origin(read_journal(journal), entry.set))  # the set this demo just made
    pdf = render_checklist(
        entry,
        config=config,
        holders=origin.extra.get("sheets", []),
        label=origin.extra.get("label", ""),
        k=origin.extra.get("k"),
    )
    write_new_file(out / "checklist.pdf", pdf, DOCUMENT)
    say(f"  wrote {out / 'checklist.pdf'}")


def _rotate(out: Path, sheets: Path, journal: Path, when: datetime, say, terminal: Terminal) -> None:
    from .rotate import RotateRequest, run_rotate

    run_rotate(
        RotateRequest(
            journal_path=journal,
            secret_file=str(out / "demo-new-credential.txt"),
            out_dir=out / "new-sheets",
            scans=_sheets(sheets)[2:5],
            typed_files=[],
            type_in=False,
            threshold=None,
            shares=None,
            label=None,
            custodians=(),
            copies=None,
            paper="a4",
            config_path=None,
            operator=OPERATOR,
            witness=WITNESS,
            dpi=150,
            scan_check=True,
            demo=True,
        ),
        when,
        say,
        terminal,
    )


def _destroy(sheets: Path, journal: Path, when: datetime, say) -> None:
    from ..record import manifest
    from ..record.journal import append_event

    old = manifest.load(sheets / "manifest.json")
    records = [{"share": s["share"], "copy": s["copy"], "bag": f"DEMO-BAG-{s['share']:03d}"} for s in old["sheets"]]
    entry = append_event(
        journal,
        "destroy",
        set_id=old["set_id"],
        shares=sorted({r["share"] for r in records}),
        fingerprint=old["fingerprint"],
        operator=OPERATOR,
        witness=WITNESS,
        now=when,
        extra={"sheets": records, "demo": True},
    )
    say(f"  {len(records)} old sheets destroyed; journal event code {entry.code}")


def _audit(out: Path, journal: Path, config, when: datetime, say) -> None:
    from ..record.audit import Rules, format_report, run_audit
    from ..record.journal import read_journal

    entries = read_journal(journal)
    write_new_file(out / "logbook.csv", transcribe(entries).encode("utf-8"), DOCUMENT)
    rotate = next(e for e in entries if e.event == "rotate")
    changed = (rotate.when - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    held = config.credential.parts if config.credential else ("password",)
    rows = "".join(
        f"DEMO provider,root user,{changed},{OPERATOR},DEMO change ticket CHG-1 (imaginary),{part}\n" for part in held
    )  # one row per part the sheets hold, as the auditor writes it by hand
    write_new_file(
        out / "rotation-record.csv",
        ("system,credential,rotated_at,by,evidence,part\n" + rows).encode("utf-8"),
        DOCUMENT,
    )
    report = run_audit(
        journal,
        rules=Rules(config.rotation_deadline_days, config.drill_interval_days),
        as_of=when,
        head=entries[-1].code,
        logbook_csv=out / "logbook.csv",
        rotations=[out / "rotation-record.csv"],
    )
    for line in format_report(report):
        say(f"  {line}")
    if not report.clean:
        raise BreakglassError("the demo's own audit found problems; this is a bug in breakglass")


def transcribe(entries) -> str:
    """The paper logbook as an auditor would transcribe it, one row per journal event (the demo's people wrote
    everything the tool showed): templates/logbook-transcription.csv's columns."""
    from ..record.sets import SetHistory, destroyed_sheets
    from ..record.transcription import LOGBOOK_COLUMNS

    sets = SetHistory(entries)
    text = io.StringIO()
    writer = csv.DictWriter(text, LOGBOOK_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for e in entries:
        holders = sets.sheets(e.set)
        present = sorted({h for (share, _c), h in holders.items() if h and (e.event == "split" or share in e.shares)})
        writer.writerow(
            {
                "event_code": e.code,
                "date": e.time[:10],
                "time": e.time[11:16],
                "event": e.event,
                "set_id": e.set,
                "new_set_id": e.extra.get("new_set", ""),
                "shares": ";".join(map(str, e.shares)),
                "sheets_destroyed": ";".join(f"{s}.{c}" for s, c in destroyed_sheets(e)),
                "operator": e.operator or "",
                "witness": e.witness or "",
                "incident": e.extra.get("incident", ""),
                "reason": e.extra.get("reason", ""),
                "custodians": ";".join(present) if e.event in ("split", "drill", "release", "rotate") else "",
                "notes": "transcribed by the demo",
            }
        )
    return text.getvalue()
