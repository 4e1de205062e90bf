"""Rotation evidence: what the provider's own records say about the credential (`breakglass audit --rotations FILE`).

Three kinds of file are read, recognised by their content (docs/AUDIT.md "Rotation evidence"):

- the **AWS IAM credential report** as AWS writes it (`aws iam get-credential-report`, decoded). For the root
  user (row `<root_account>`) AWS never fills `password_last_changed` (`not_supported`), so the report cannot
  prove a root password change; it does give the last root sign-in (`password_last_used`), `mfa_active` and
  the root access keys, which the audit uses and reports.
- **CloudTrail** events as JSON: the console's event-history export and trail files (`{"Records": [...]}`,
  gzip or not) and `aws cloudtrail lookup-events` output (`{"Events": [...]}`, each event's `CloudTrailEvent`
  a JSON string). `PasswordUpdated` or `PasswordRecoveryCompleted` from `signin.amazonaws.com` by a `Root`
  identity, not failed, is a root password change; a successful root `ConsoleLogin` is a use.
- a **rotation record** CSV for any other system: `system,credential,rotated_at,by,evidence`, one row per
  rotation; a row without `by` or `evidence` proves nothing. (The older `credential,changed_at` layout is
  still read.)
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .inputs import CannotAudit, InputFile, csv_rows, json_document

CHANGE, USE = "change", "use"
AWS, RECORD = "AWS", "rotation record"  # the kinds of evidence whose credential is named (EvidenceSet.about)
ROOT_ROW = "<root_account>"
NO_VALUE = {"", "N/A", "NOT_SUPPORTED", "NO_INFORMATION"}
PASSWORD_CHANGES = ("PasswordUpdated", "PasswordRecoveryCompleted")
MAX_JSON_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Evidence:
    kind: str  # CHANGE: the credential was changed; USE: it was used (a root sign-in)
    when: datetime
    source: str  # where it was read, e.g. "report.csv row 2"
    what: str  # one line for people
    day_only: bool = False  # a date without a time: it happened some time that day (UTC)
    problem: str = ""  # why this record does not count as proof ("" when it does)

    @property
    def proves(self) -> bool:
        return not self.problem

    def stamp(self) -> str:
        return f"{self.when:%Y-%m-%d}" if self.day_only else f"{self.when:%Y-%m-%d %H:%M} UTC"


@dataclass
class EvidenceSet:
    sources: list[InputFile] = field(default_factory=list)
    items: list[Evidence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)  # why some source cannot prove a change, said in findings
    records_uses: bool = False  # some source records the credential's uses (sign-ins)

    subjects: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> credential named -> where first

    def add(self, source: InputFile) -> None:
        reader = _reader_for(source)
        kind = reader(self, source)
        self.sources.append(source.as_kind(kind))

    def about(self, kind: str, credential: str, where: str) -> None:
        """Every record of one kind names the same credential (one AWS account, one system's credential): another
        credential's rotation must never confirm this one's, so a second one means the evidence cannot be judged."""
        if not credential:
            return  # a record that does not say which (a lookup-events item without its event) contradicts nothing
        seen = self.subjects.setdefault(kind, {})
        seen.setdefault(credential, where)
        if len(seen) > 1:
            (first, at), (second, there) = list(seen.items())[:2]
            raise CannotAudit(f"rotations: the evidence names two credentials, {first} ({at}) and {second} ({there}): "
                              "give only the records of the credential this journal protects")

    def subject_notes(self) -> list[str]:
        return [f"provider evidence is about {', '.join(seen)}: check that it is the credential these sheets hold"
                for seen in self.subjects.values()]

    def changes(self) -> list[Evidence]:
        return sorted((e for e in self.items if e.kind == CHANGE), key=lambda e: e.when)

    def uses(self) -> list[Evidence]:
        return sorted((e for e in self.items if e.kind == USE), key=lambda e: e.when)


def _reader_for(source: InputFile):
    head = source.data[:2]
    if head == b"\x1f\x8b" or source.data.lstrip()[:1] in (b"{", b"["):
        return _read_cloudtrail
    header, _ = csv_rows(source)
    names = set(header)
    if {"user", "arn", "password_last_used"} <= names:
        return _read_credential_report
    if "rotated_at" in names:
        return _read_rotation_record
    if "changed_at" in names:
        return _read_legacy_changes
    raise CannotAudit(
        f"rotations {source.path} is neither an AWS credential report, CloudTrail JSON, nor a rotation record "
        "(columns system,credential,rotated_at,by,evidence)"
    )


# ---------------------------------------------------------------- AWS IAM credential report


def _read_credential_report(found: EvidenceSet, source: InputFile) -> str:
    _, rows = csv_rows(source)
    roots = [(n, r) for n, r in rows if r.get("user") == ROOT_ROW]
    if not roots:
        raise CannotAudit(f"rotations {source.path}: AWS credential report without a {ROOT_ROW} row")
    number, row = roots[0]
    where = f"{source.path.name} row {number}"
    found.about(AWS, _account(row.get("arn", "")), where)
    changed = _aws_time(row.get("password_last_changed", ""), where, "password_last_changed")
    if changed:
        found.items.append(Evidence(CHANGE, changed, where, "password_last_changed of the root user"))
    else:
        found.limits.append(
            f"the AWS credential report cannot show a root password change ({source.path.name}: password_last_changed "
            f"is '{row.get('password_last_changed') or 'empty'}'; AWS never records it for {ROOT_ROW}): "
            "give CloudTrail PasswordUpdated events or a rotation record"
        )
    found.records_uses = True
    used = _aws_time(row.get("password_last_used", ""), where, "password_last_used")
    if used:
        found.items.append(Evidence(USE, used, where, "last root sign-in with the password (password_last_used)"))
    if row.get("mfa_active", "").lower() == "false":
        found.notes.append(f"{where}: the root user has no MFA device (mfa_active false)")
    for n in (1, 2):
        if row.get(f"access_key_{n}_active", "").lower() == "true":
            rotated = row.get(f"access_key_{n}_last_rotated") or "unknown"
            found.notes.append(f"{where}: the root user has an active access key {n} (last rotated {rotated}); "
                               "it is a way in that the break-glass sheets do not control")
    return "AWS IAM credential report"


def _aws_time(text: str, where: str, column: str) -> datetime | None:
    if text.strip().upper() in NO_VALUE:
        return None
    moment = parse_moment(text)
    if moment is None:
        raise CannotAudit(f"rotations {where}: {column} '{text}' is not a time")
    return moment


# ---------------------------------------------------------------- CloudTrail


def _read_cloudtrail(found: EvidenceSet, source: InputFile) -> str:
    data = _gunzip(source) if source.data[:2] == b"\x1f\x8b" else source.data
    document = json_document(source, data)
    events = _events(document)
    if events is None:
        raise CannotAudit(f"rotations {source.path}: JSON without CloudTrail events (expected Records or Events)")
    found.records_uses = True
    ignored = 0
    for number, raw in enumerate(events, start=1):
        event = _flatten(raw)
        where = f"{source.path.name} event {number}"
        if event is None:
            raise CannotAudit(f"rotations {where} is not a CloudTrail event")
        name, root = event.get("eventName"), (event.get("userIdentity") or {}).get("type") == "Root"
        if event.get("eventSource") != "signin.amazonaws.com" or name not in (*PASSWORD_CHANGES, "ConsoleLogin"):
            ignored += 1
            continue
        when = parse_moment(event.get("eventTime"))
        if when is None:
            raise CannotAudit(f"rotations {where}: eventTime '{event.get('eventTime')}' is not a time")
        if not root:
            found.notes.append(f"{where}: {name} by a {(event.get('userIdentity') or {}).get('type') or 'unnamed'} "
                               "identity, not the root user: not counted")
            continue
        found.about(AWS, _account(event), where)
        result = _result(event, name)
        if name == "ConsoleLogin":
            if result != "Failure":
                found.items.append(Evidence(USE, when, where, "root console sign-in (CloudTrail ConsoleLogin)"))
            continue
        failed = "the change failed" if result == "Failure" or event.get("errorCode") else ""
        found.items.append(Evidence(CHANGE, when, where, f"root password changed (CloudTrail {name})", problem=failed))
    if ignored:
        found.notes.append(f"{source.path.name}: {ignored} CloudTrail event(s) other than root sign-ins and "
                           "password changes were not needed")
    return "CloudTrail events"


def _account(record) -> str:
    """'AWS account 111122223333': the account of a credential-report ARN or a CloudTrail event, or ''."""
    if isinstance(record, str):
        parts = record.split(":")
        number = parts[4] if len(parts) > 4 else ""
    else:
        identity = record.get("userIdentity") if isinstance(record.get("userIdentity"), dict) else {}
        number = str(record.get("recipientAccountId") or identity.get("accountId") or "")
    return f"AWS account {number}" if number.strip() else ""


def _gunzip(source: InputFile) -> bytes:
    """A gzip trail file, decompressed, but never beyond MAX_JSON_BYTES (a small file can expand enormously)."""
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflate.decompress(source.data, MAX_JSON_BYTES + 1)
    except zlib.error:
        raise CannotAudit(f"rotations {source.path} is a damaged gzip file") from None
    if len(data) > MAX_JSON_BYTES:
        raise CannotAudit(f"rotations {source.path} expands to more than {MAX_JSON_BYTES} bytes; give fewer events")
    if not inflate.eof:
        raise CannotAudit(f"rotations {source.path} is a damaged gzip file (cut short)")
    return data


def _events(document) -> list | None:
    if isinstance(document, dict):
        for key in ("Records", "Events", "events", "records"):
            if isinstance(document.get(key), list):
                return document[key]
        if "eventName" in document or "EventName" in document:
            return [document]
        return None
    return document if isinstance(document, list) else None


def _flatten(raw) -> dict | None:
    """One CloudTrail event as a dict with eventName, eventSource, eventTime, userIdentity, responseElements:
    the event itself, or a lookup-events item whose CloudTrailEvent holds it (as a JSON string or object)."""
    if not isinstance(raw, dict):
        return None
    inner = raw.get("CloudTrailEvent")
    if isinstance(inner, str):
        try:
            inner = json.loads(inner)
        except (ValueError, RecursionError):
            return None
    if isinstance(inner, dict):
        return {"eventName": raw.get("EventName"), "eventSource": raw.get("EventSource"),
                "eventTime": raw.get("EventTime"), **inner}
    if "EventName" in raw and "eventName" not in raw:
        return {"eventName": raw.get("EventName"), "eventSource": raw.get("EventSource"),
                "eventTime": raw.get("EventTime"), "userIdentity": {"type": "Root" if raw.get("Username") == "root" else ""}}
    return raw


def _result(event: dict, name: str) -> str:
    response = event.get("responseElements")
    return str(response.get(name) or "") if isinstance(response, dict) else ""


# ---------------------------------------------------------------- rotation records (any system)


def _read_rotation_record(found: EvidenceSet, source: InputFile) -> str:
    header, rows = csv_rows(source)
    missing = [c for c in ("system", "credential", "rotated_at", "by", "evidence") if c not in header]
    if missing:
        raise CannotAudit(f"rotations {source.path}: rotation record without column(s) {', '.join(missing)}")
    credentials = sorted({(r["system"], r["credential"]) for _, r in rows})
    if len(credentials) > 1:
        named = "; ".join(f"{s} / {c}" for s, c in credentials)
        raise CannotAudit(f"rotations {source.path} records {len(credentials)} credentials ({named}): give a file "
                          "with only the rows of the credential this journal protects")
    for number, row in rows:
        where = f"{source.path.name} row {number}"
        found.about(RECORD, f"{row['system']} / {row['credential']}", where)
        when, day_only = _record_time(row["rotated_at"], where, "rotated_at")
        lacking = [c for c in ("by", "evidence") if not row[c]]
        problem = f"no {' and no '.join(lacking)}" if lacking else ""
        what = f"{row['system']} {row['credential']} rotated by {row['by'] or '?'} (evidence: {row['evidence'] or '-'})"
        found.items.append(Evidence(CHANGE, when, where, what, day_only, problem))
    return "rotation record"


def _read_legacy_changes(found: EvidenceSet, source: InputFile) -> str:
    _, rows = csv_rows(source)
    for number, row in rows:
        where = f"{source.path.name} row {number}"
        when, day_only = _record_time(row.get("changed_at", ""), where, "changed_at")
        found.items.append(Evidence(CHANGE, when, where, f"{row.get('credential') or 'credential'} changed", day_only))
    found.notes.append(f"{source.path.name}: older credential,changed_at layout (no 'by' or 'evidence' columns)")
    return "change list (older layout)"


def _record_time(text: str, where: str, column: str) -> tuple[datetime, bool]:
    moment = parse_moment(text)
    if moment is None:
        raise CannotAudit(f"rotations {where}: {column} '{text}' is not a date or time (ISO 8601)")
    return moment, len(text.strip()) == 10


def parse_moment(value) -> datetime | None:
    """An ISO 8601 date or time (Z or an offset; none means UTC), or seconds since 1970, as UTC; else None."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, tz=timezone.utc)
        if not isinstance(value, str) or not value.strip():
            return None
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError, OSError):  # not a time, or one outside what a calendar can hold
        return None
