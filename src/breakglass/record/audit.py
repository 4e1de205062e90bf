"""The audit: check the journal against the rules, the paper logbook's transcription, and the provider's records.

Each check is a small function that yields findings; a finding is one line naming the event code (or the
logbook row) and what is wrong. The CSV layouts are documented in docs/AUDIT.md and templates/.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import BreakglassError
from ..system.inputs import MAX_CSV, read_input
from .journal import Entry, created_set, normalize_code, read_journal, verify_journal

USE_EVENTS = ("drill", "release")
LOGBOOK_COLUMNS = (
    "event_code", "date", "event", "set_id", "shares", "operator", "witness", "custodians",
    "bags_sealed", "bags_opened", "bags_destroyed", "notes",
)
PAPER_ONLY_EVENTS = ("seal", "destroy", "exception", "note")  # may appear in the logbook without an event code


@dataclass(frozen=True)
class Finding:
    code: str  # the event code, or "row N" / "journal" / "set X" when there is no event
    check: str
    message: str

    def line(self) -> str:
        return f"{self.code:<11} {self.message}"


@dataclass
class Rules:
    rotation_deadline_days: int = 7
    drill_interval_days: int = 90


@dataclass
class AuditReport:
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    entries: int = 0
    head_code: str | None = None
    as_of: str = ""

    @property
    def clean(self) -> bool:
        return not self.findings

    def to_json(self) -> dict:
        return {"clean": self.clean, "as_of": self.as_of, "entries": self.entries, "head_code": self.head_code,
                "findings": [asdict(f) for f in self.findings], "notes": self.notes}


@dataclass(frozen=True)
class LogbookRow:
    row: int
    event_code: str | None
    date: str
    event: str
    set_id: str
    shares: tuple[int, ...]
    operator: str
    witness: str
    custodians: tuple[str, ...]
    bags_sealed: tuple[str, ...]
    bags_opened: tuple[str, ...]
    bags_destroyed: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.event_code or f"row {self.row}"


# ---------------------------------------------------------------- entry point


def run_audit(journal_path: Path, *, rules: Rules, as_of: datetime, head: str | None = None,
              logbook_csv: Path | None = None, rotations_csv: Path | None = None) -> AuditReport:
    report = AuditReport(as_of=as_of.strftime("%Y-%m-%d"))
    state = verify_journal(journal_path, head)
    report.entries, report.head_code = state.count, state.head_code
    if not state.ok:
        report.findings.append(Finding(f"line {state.line}" if state.line else "journal", "chain", f"journal chain broken: {state.problem}"))
        return report  # nothing after a broken chain can be trusted
    entries = read_journal(journal_path)
    sets = SetHistory(entries)
    checks = [
        check_time_order(entries),
        check_rotation_after_release(entries, sets, rules, as_of, report.notes),
        check_no_use_of_retired_sets(entries, sets),
        check_drills(entries, sets, rules, as_of),
        check_witness(entries),
        check_holders(entries, sets),
        check_destruction(entries, sets, rules, as_of, report.notes),
    ]
    if logbook_csv is not None:
        rows = read_logbook_csv(logbook_csv)
        checks += [check_logbook_matches_journal(entries, rows), check_custodians(rows, entries, sets), check_bags(rows)]
    if rotations_csv is not None:
        changes = read_rotations_csv(rotations_csv)
        checks.append(check_provider_rotation(entries, sets, changes, rules, as_of, report.notes))
    for check in checks:
        report.findings.extend(check)
    return report


# ---------------------------------------------------------------- the sets' lives


class SetHistory:
    """Per set: when it was made (split or rotate), k, holders, and when (and by which event) it was retired."""

    def __init__(self, entries: list[Entry]):
        self.created: dict[str, Entry] = {}
        self.retired: dict[str, Entry] = {}
        for e in entries:
            if created_set(e):
                self.created.setdefault(created_set(e), e)
            if e.event == "rotate":
                self.retired.setdefault(e.set, e)

    def k(self, set_text: str) -> int | None:
        origin = self.created.get(set_text)
        return origin.extra.get("k") if origin else None

    def holders(self, set_text: str) -> dict[tuple[int, int], str]:
        origin = self.created.get(set_text)
        sheets = origin.extra.get("sheets", []) if origin else []
        return {(int(s["share"]), int(s.get("copy", 1))): s.get("holder") or "" for s in sheets if isinstance(s, dict)}

    def creation_time(self, set_text: str) -> datetime | None:
        origin = self.created.get(set_text)
        return origin.when if origin else None


def _days(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 86400:.1f} days"


# ---------------------------------------------------------------- journal checks


def check_time_order(entries: list[Entry]) -> Iterator[Finding]:
    for before, after in zip(entries, entries[1:]):
        if after.when < before.when:
            yield Finding(after.code, "order", f"{after.event} at {after.time} is earlier than the entry before it ({before.time})")


def check_rotation_after_release(entries, sets: SetHistory, rules: Rules, as_of: datetime, notes: list[str]) -> Iterator[Finding]:
    deadline = timedelta(days=rules.rotation_deadline_days)
    for e in entries:
        if e.event != "release":
            continue
        rotation = sets.retired.get(e.set)
        if rotation is not None and rotation.seq < e.seq:
            continue  # a use of an already retired set: check_no_use_of_retired_sets reports it
        if rotation is not None:
            late = rotation.when - e.when
            if late > deadline:
                yield Finding(e.code, "rotation", f"release of set {e.set} on {e.time[:10]} was rotated late: after {_days(late)} "
                              f"(deadline {rules.rotation_deadline_days} days, rotation {rotation.code})")
        elif as_of - e.when > deadline:
            yield Finding(e.code, "rotation", f"release of set {e.set} on {e.time[:10]} was not followed by a rotation within "
                          f"{rules.rotation_deadline_days} days")
        else:
            notes.append(f"{e.code}: release of set {e.set} on {e.time[:10]} awaits rotation (due by "
                         f"{(e.when + deadline).strftime('%Y-%m-%d')})")


def check_no_use_of_retired_sets(entries, sets: SetHistory) -> Iterator[Finding]:
    for e in entries:
        rotation = sets.retired.get(e.set)
        if e.event in (*USE_EVENTS, "rotate") and rotation is not None and e.seq > rotation.seq:
            yield Finding(e.code, "retired", f"{e.event} of set {e.set} on {e.time[:10]}, which was retired by rotation {rotation.code}")


def check_drills(entries, sets: SetHistory, rules: Rules, as_of: datetime) -> Iterator[Finding]:
    """Every set, while live, is exercised (drill or release) at least every drill interval."""
    limit = timedelta(days=rules.drill_interval_days)
    uses: dict[str, list[datetime]] = defaultdict(list)
    for e in entries:
        if e.event in USE_EVENTS:
            uses[e.set].append(e.when)
    for set_text, origin in sets.created.items():
        end = sets.retired[set_text].when if set_text in sets.retired else as_of
        moments = [origin.when, *sorted(t for t in uses[set_text] if t <= end), end]
        for start, stop in zip(moments, moments[1:]):
            if stop - start > limit:
                yield Finding(origin.code, "drill", f"set {set_text} had no drill or use from {start:%Y-%m-%d} to {stop:%Y-%m-%d} "
                              f"({_days(stop - start)}; at most {rules.drill_interval_days} days)")


def check_witness(entries) -> Iterator[Finding]:
    for e in entries:
        if e.operator and e.witness and e.operator.strip().casefold() == e.witness.strip().casefold():
            yield Finding(e.code, "witness", f"{e.event} on {e.time[:10]}: the witness ({e.witness}) is the operator")
        elif e.event == "release" and e.operator and not e.witness:
            yield Finding(e.code, "witness", f"release on {e.time[:10]} by {e.operator} records no witness")


def check_holders(entries, sets: SetHistory) -> Iterator[Finding]:
    """No one may hold k or more distinct shares of one set (copies of one share count once)."""
    for set_text, origin in sets.created.items():
        k = sets.k(set_text)
        held: dict[str, set[int]] = defaultdict(set)
        for (share, _copy), holder in sets.holders(set_text).items():
            if holder:
                held[holder.casefold()].add(share)
        for holder, shares in sorted(held.items()):
            if k and len(shares) >= k:
                yield Finding(origin.code, "holders", f"set {set_text}: one holder ({holder}) holds {len(shares)} distinct shares, "
                              f"k is {k}: that person alone can recover the credential")


def check_destruction(entries, sets: SetHistory, rules: Rules, as_of: datetime, notes: list[str]) -> Iterator[Finding]:
    """After a rotation, every printed copy of the retired set is recorded destroyed (a 'destroy' event) within
    the rotation deadline; a copy never destroyed could still rebuild the old credential."""
    destroyed: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for e in entries:
        if e.event == "destroy":
            for sheet in e.extra.get("sheets", []):
                if isinstance(sheet, dict) and "share" in sheet:
                    destroyed[e.set].add((int(sheet["share"]), int(sheet.get("copy", 1))))
    for set_text, rotation in sets.retired.items():
        printed = sets.holders(set_text)
        left = sorted(sheet for sheet in printed if sheet not in destroyed[set_text])
        if not left:
            continue
        names = ", ".join(f"share {s} copy {c}" + (f" ({printed[(s, c)]})" if printed[(s, c)] else "") for s, c in left)
        if as_of - rotation.when > timedelta(days=rules.rotation_deadline_days):
            yield Finding(rotation.code, "destruction", f"set {set_text} was retired on {rotation.time[:10]} but "
                          f"{len(left)} sheet(s) were never recorded destroyed: {names}")
        else:
            notes.append(f"{rotation.code}: set {set_text} retired; awaiting destruction of {names}")


# ---------------------------------------------------------------- logbook transcription


def _split_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").replace(",", ";").split(";") if part.strip())


def read_logbook_csv(path: Path) -> list[LogbookRow]:
    reader = _csv_reader(path, "logbook transcription")
    missing = [c for c in ("event_code", "date", "event") if c not in (reader.fieldnames or [])]
    if missing:
        raise BreakglassError(f"{path}: missing column(s) {', '.join(missing)} (see templates/logbook-transcription.csv)")
    rows = []
    for number, raw in enumerate(reader, start=2):
        get = lambda key: (raw.get(key) or "").strip()  # noqa: E731
        code = get("event_code")
        try:
            code = normalize_code(code) if code else None
            shares = tuple(int(s) for s in _split_list(get("shares")))
        except (BreakglassError, ValueError) as e:
            raise BreakglassError(f"{path} row {number}: {e}") from None
        rows.append(LogbookRow(number, code, get("date"), get("event").lower(), get("set_id").upper(), shares,
                               get("operator"), get("witness"), _split_list(get("custodians")),
                               _split_list(get("bags_sealed")), _split_list(get("bags_opened")), _split_list(get("bags_destroyed"))))
    return rows


def check_logbook_matches_journal(entries, rows: list[LogbookRow]) -> Iterator[Finding]:
    by_code = {e.code: e for e in entries}
    logged = {r.event_code: r for r in rows if r.event_code}
    for e in entries:
        if e.code not in logged:
            yield Finding(e.code, "logbook", f"{e.event} of set {e.set} on {e.time[:10]} has no line in the paper logbook")
    for r in rows:
        if r.event_code is None:
            if r.event not in PAPER_ONLY_EVENTS:
                yield Finding(r.label, "logbook", f"logbook {r.event or 'line'} on {r.date} has no event code")
            continue
        entry = by_code.get(r.event_code)
        if entry is None:
            yield Finding(r.label, "logbook", f"logbook row {r.row} ({r.event} on {r.date}) has an event code that is not in the journal")
            continue
        if r.event and r.event != entry.event:
            yield Finding(r.label, "logbook", f"logbook row {r.row} says {r.event}, the journal says {entry.event}")
        if r.set_id and r.set_id.replace("-", "") != entry.set.replace("-", ""):
            yield Finding(r.label, "logbook", f"logbook row {r.row} names set {r.set_id}, the journal set {entry.set}")
        if r.operator and r.witness and r.operator.casefold() == r.witness.casefold():
            yield Finding(r.label, "witness", f"logbook row {r.row}: the witness ({r.witness}) is the operator")


def check_custodians(rows: list[LogbookRow], entries, sets: SetHistory) -> Iterator[Finding]:
    by_code = {e.code: e for e in entries}
    for r in rows:
        entry = by_code.get(r.event_code or "")
        if entry is None or entry.event not in USE_EVENTS or not r.custodians:
            continue
        k = sets.k(entry.set) or 0
        distinct = {c.casefold() for c in r.custodians}
        if len(distinct) < k:
            yield Finding(r.label, "custodians", f"{entry.event} on {entry.time[:10]} names {len(distinct)} distinct custodian(s) "
                          f"({', '.join(r.custodians)}); at least {k} must be present")


def check_bags(rows: list[LogbookRow]) -> Iterator[Finding]:
    """Each tamper-evident bag: sealed once, opened at most once, only after it was sealed, never reused."""
    sealed: dict[str, LogbookRow] = {}
    opened: dict[str, LogbookRow] = {}
    for r in rows:
        for bag in r.bags_opened + r.bags_destroyed:
            if bag not in sealed:
                yield Finding(r.label, "bags", f"bag {bag} opened on {r.date} was never recorded sealed")
            elif bag in opened and opened[bag] is not r:
                yield Finding(r.label, "bags", f"bag {bag} opened again on {r.date} (first opened {opened[bag].date})")
            elif sealed[bag].set_id and r.set_id and sealed[bag].set_id != r.set_id:
                yield Finding(r.label, "bags", f"bag {bag} was sealed for set {sealed[bag].set_id} but opened for set {r.set_id}")
            opened.setdefault(bag, r)
        for bag in r.bags_sealed:
            if bag in sealed:
                yield Finding(r.label, "bags", f"bag {bag} sealed twice ({sealed[bag].date} and {r.date}): a bag serial is used once")
            sealed.setdefault(bag, r)


# ---------------------------------------------------------------- provider records


def read_rotations_csv(path: Path) -> list[datetime]:
    """Times the credential changed at the provider: a generic (credential, changed_at) CSV, or an AWS IAM
    credential report (the <root_account> row's password and access-key change times)."""
    reader = _csv_reader(path, "rotation records")
    fields = set(reader.fieldnames or [])
    changes: list[datetime] = []
    if {"user", "password_last_changed"} <= fields:
        for row in reader:
            if row.get("user") == "<root_account>":
                for key in ("password_last_changed", "access_key_1_last_rotated", "access_key_2_last_rotated"):
                    moment = _parse_time(row.get(key, ""))
                    if moment:
                        changes.append(moment)
        return sorted(changes)
    if "changed_at" in fields:
        for number, row in enumerate(reader, start=2):
            moment = _parse_time(row.get("changed_at", ""))
            if moment is None:
                raise BreakglassError(f"{path} row {number}: changed_at '{row.get('changed_at')}' is not a date or time")
            changes.append(moment)
        return sorted(changes)
    raise BreakglassError(f"{path}: not a rotation record (expected columns credential,changed_at or an AWS credential report)")


def check_provider_rotation(entries, sets, changes: list[datetime], rules: Rules, as_of: datetime, notes: list[str]) -> Iterator[Finding]:
    deadline = timedelta(days=rules.rotation_deadline_days)
    for e in entries:
        if e.event != "release":
            continue
        if any(e.when <= t <= e.when + deadline for t in changes):
            continue
        if as_of - e.when <= deadline:
            continue
        later = [t for t in changes if t > e.when + deadline]
        if later:
            yield Finding(e.code, "provider", f"release on {e.time[:10]}: the provider records the credential changed only on "
                          f"{later[0]:%Y-%m-%d}, after the {rules.rotation_deadline_days}-day deadline")
        else:
            yield Finding(e.code, "provider", f"release on {e.time[:10]}: the provider records no change of the credential afterwards")


# ---------------------------------------------------------------- helpers


class _CsvReader(csv.DictReader):
    """A DictReader whose damaged rows (a field over csv's 131,072-character limit, a NUL byte, an unclosed
    quote) are one-line BreakglassErrors naming the file and row, not csv.Error."""

    def __init__(self, text: str, path: Path, what: str):
        super().__init__(io.StringIO(text))
        self.path, self.what = path, what
        try:
            self.fieldnames = [f.strip().lower() for f in (self.fieldnames or [])]
        except csv.Error as e:
            raise self._error(e) from None

    def _error(self, e: csv.Error) -> BreakglassError:
        return BreakglassError(f"{self.what} {self.path} near line {self.line_num + 1}: not readable as CSV ({e})")

    def __next__(self) -> dict:
        try:
            return super().__next__()
        except csv.Error as e:
            raise self._error(e) from None


def _csv_reader(path: Path, what: str) -> csv.DictReader:
    raw = read_input(path, what, MAX_CSV)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BreakglassError(f"{what} {path} is not UTF-8 text") from None
    return _CsvReader(text, path, what)


def _parse_time(text: str) -> datetime | None:
    text = (text or "").strip()
    if not text or text.upper() in ("N/A", "NOT_SUPPORTED", "NO_INFORMATION"):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def parse_as_of(text: str) -> datetime:
    """The end (23:59:59 UTC) of the day given as YYYY-MM-DD."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BreakglassError(f"--as-of '{text}' is not a date (YYYY-MM-DD)") from None
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=timezone.utc)


def format_report(report: AuditReport) -> Iterable[str]:
    yield f"Audit as of {report.as_of}: {report.entries} journal entries, head code {report.head_code or '-'}"
    for note in report.notes:
        yield f"  note: {note}"
    if report.clean:
        yield "CLEAN: no findings."
        return
    yield f"{len(report.findings)} finding(s):"
    for finding in report.findings:
        yield f"  {finding.line()}"
