"""Provider evidence: what the provider's own records say about the credential (`breakglass audit --rotations
FILE`). Each file is recognised by its content and read by the parser of its kind (docs/AUDIT.md "Provider
evidence"), which turns it into normalised records (provider_events.Evidence):

- AWS root user (evidence_aws.py): CloudTrail JSON (trail files, event-history download, lookup-events output),
  the event-history CSV download, the IAM credential report;
- Microsoft Entra ID (evidence_entra.py): sign-in and audit logs, from Microsoft Graph or the admin center's JSON
  and CSV downloads;
- Google Workspace (evidence_google.py): Admin SDK Reports API activities (login and admin applications);
- a **rotation record** CSV, written by hand for any system: `system,credential,rotated_at,by,evidence`, and a
  `part` column naming the part of the credential each row shows changed; a row without `by` or `evidence`
  proves nothing. (The older `credential,changed_at` layout is still read.)

A file of none of these kinds, malformed, too large or nested too deeply cannot be audited (CannotAudit, exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from . import evidence_aws, evidence_entra, evidence_google
from .inputs import CannotAudit, InputFile, csv_rows
from .provider_events import (  # noqa: F401  (the names other modules import from here)
    CHANGE,
    CHANGED,
    GONE,
    MAX_JSON_BYTES,
    NEW,
    PARTS,
    USE,
    Evidence,
    load_json,
    parse_moment,
)

AWS, RECORD = "AWS", "rotation record"  # the kinds of evidence whose credential is named (EvidenceSet.about)
ROOT_ROW = evidence_aws.ROOT_ROW


@dataclass
class EvidenceSet:
    sources: list[InputFile] = field(default_factory=list)
    items: list[Evidence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)  # why some source cannot prove a change, said in findings
    records_uses: bool = False  # some source records the credential's uses (sign-ins)
    root_keys: list[int] = field(default_factory=list)  # the AWS root user's active access keys (credential report)
    subjects: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> credential named -> where first

    def add(self, source: InputFile) -> None:
        kind = _read(self, source)
        self.sources.append(source.as_kind(kind))

    def about(self, kind: str, credential: str, where: str) -> None:
        """Note which credential a record names (an AWS account, a rotation record's system and credential)."""
        if credential:
            self.subjects.setdefault(kind, {}).setdefault(credential, where)

    def require_one_subject(self) -> None:
        """Without a credential named in the journal or config, every record of one kind must name the same one:
        another credential's rotation must never confirm this one's, so a second one cannot be judged."""
        for seen in self.subjects.values():
            if len(seen) > 1:
                (first, at), (second, there) = list(seen.items())[:2]
                raise CannotAudit(
                    f"rotations: the evidence names two credentials, {first} ({at}) and {second} "
                    f"({there}): give only the records of the credential this journal protects"
                )

    def subject_notes(self) -> list[str]:
        return [
            f"provider evidence is about {', '.join(seen)}: check that it is the credential these sheets hold"
            for seen in self.subjects.values()
        ]

    def changes(self) -> list[Evidence]:
        return sorted((e for e in self.items if e.kind == CHANGE), key=lambda e: e.when)

    def uses(self) -> list[Evidence]:
        return sorted((e for e in self.items if e.kind == USE), key=lambda e: e.when)


KINDS = (
    "AWS CloudTrail JSON or event-history CSV, an AWS IAM credential report, Entra ID sign-in or audit logs "
    "(Graph JSON, admin center JSON or CSV), Google Reports API activities, or a rotation record (columns "
    "system,credential,rotated_at,by,evidence,part)"
)


def _read(found: EvidenceSet, source: InputFile) -> str:
    if source.data[:2] == b"\x1f\x8b" or source.data.lstrip()[:1] in (b"{", b"["):
        return _read_json(found, source)
    header, _ = csv_rows(source)
    names = set(header)
    readers = [
        ({"user", "arn", "password_last_used"}, evidence_aws.read_credential_report),
        (evidence_aws.CONSOLE_CSV_COLUMNS, evidence_aws.read_cloudtrail_csv),
        (evidence_entra.SIGN_IN_CSV, evidence_entra.read_sign_in_csv),
        (evidence_entra.AUDIT_CSV, evidence_entra.read_audit_csv),
        ({"rotated_at"}, _read_rotation_record),
        ({"changed_at"}, _read_legacy_changes),
    ]
    for columns, reader in readers:
        if columns <= names:
            return reader(found, source)
    raise CannotAudit(f"rotations {source.path} is none of the evidence breakglass reads: {KINDS}")


def _read_json(found: EvidenceSet, source: InputFile) -> str:
    document = load_json(source, "provider evidence", MAX_JSON_BYTES)
    items = evidence_google.activity_items(document)
    if items is not None:
        return evidence_google.read_activities(found, source, items)
    items = evidence_entra.graph_items(document)
    if items is not None:
        context = document.get("@odata.context", "") if isinstance(document, dict) else ""
        return evidence_entra.read_graph(found, source, items, str(context))
    events = evidence_aws.cloudtrail_events(document)
    if events is not None:
        return evidence_aws.read_cloudtrail(found, source, events)
    raise CannotAudit(
        f"rotations {source.path}: JSON without CloudTrail events (expected Records or Events), Entra "
        "ID sign-ins or audit records (value), or Google Reports API activities (items)"
    )


# ---------------------------------------------------------------- rotation records (any system)


def _read_rotation_record(found: EvidenceSet, source: InputFile) -> str:
    header, rows = csv_rows(source)
    missing = [c for c in ("system", "credential", "rotated_at", "by", "evidence") if c not in header]
    parts = [row.get("part", "").strip().lower() for _, row in rows]
    unknown = sorted({p for p in parts if p and p not in PARTS})
    if unknown:
        raise CannotAudit(f"rotations {source.path}: part '{unknown[0]}' is not one of {', '.join(PARTS)}")
    if missing:
        raise CannotAudit(f"rotations {source.path}: rotation record without column(s) {', '.join(missing)}")
    credentials = sorted({(r["system"], r["credential"]) for _, r in rows})
    if len(credentials) > 1:
        named = "; ".join(f"{s} / {c}" for s, c in credentials)
        raise CannotAudit(
            f"rotations {source.path} records {len(credentials)} credentials ({named}): give a file "
            "with only the rows of the credential this journal protects"
        )
    for number, row in rows:
        where = f"{source.path.name} row {number}"
        found.about(RECORD, f"{row['system']} / {row['credential']}", where)
        when, day_only = _record_time(row["rotated_at"], where, "rotated_at")
        lacking = [c for c in ("by", "evidence") if not row[c]]
        problem = f"no {' and no '.join(lacking)}" if lacking else ""
        part = row.get("part", "").strip().lower()
        what = (
            f"{row['system']} {row['credential']}{f' ({part})' if part else ''} rotated by {row['by'] or '?'} "
            f"(evidence: {row['evidence'] or '-'})"
        )
        found.items.append(Evidence(CHANGE, when, where, what, day_only, problem, part=part))
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
