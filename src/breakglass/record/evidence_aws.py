"""AWS evidence about the root user, read exactly as AWS exports it (docs/AUDIT.md "AWS root user").

- **CloudTrail JSON**: trail log files and the console's event-history JSON download (`{"Records": [...]}`, gzip
  or not), and `aws cloudtrail lookup-events` output (`{"Events": [...]}`, each `CloudTrailEvent` the event as a
  JSON string). Counted, by a `Root` identity (`userIdentity.type`) only: `ConsoleLogin` (a use; failed ones are
  not), `PasswordUpdated` / `PasswordRecoveryCompleted` (password), `CreateAccessKey` / `DeleteAccessKey` /
  `UpdateAccessKey` (access key), `EnableMFADevice` / `CreateVirtualMFADevice` / `DeactivateMFADevice` /
  `DeleteVirtualMFADevice` (MFA), and any other root call signed with a long-term access key (a use of it).
- **CloudTrail console CSV** (event history, Download events, CSV): the same events by `User name` root. It
  names no account and no result, which the report says.
- **IAM credential report**: the root row (`<root_account>`): `password_last_used` and the access keys' last use
  (uses), the active keys' `access_key_N_last_rotated` (a key created then), `mfa_active`. AWS never fills
  `password_last_changed` for root (`not_supported`), so it cannot show a password change.
"""

from __future__ import annotations

import json
from typing import Any

from .inputs import CannotAudit, InputFile, csv_rows
from .provider_events import CHANGE, CHANGED, GONE, NEW, USE, Evidence, required_time, table, text_of

ROOT_ROW = "<root_account>"
NO_VALUE = {"", "N/A", "NOT_SUPPORTED", "NO_INFORMATION"}
PASSWORD_CHANGES = ("PasswordUpdated", "PasswordRecoveryCompleted")
# (event source, event name) -> (part, action, words)
ROOT_CHANGES = {
    ("signin.amazonaws.com", "PasswordUpdated"): ("password", CHANGED, "root password changed"),
    ("signin.amazonaws.com", "PasswordRecoveryCompleted"): ("password", CHANGED, "root password reset (recovery)"),
    ("iam.amazonaws.com", "CreateAccessKey"): ("access_key", NEW, "root access key created"),
    ("iam.amazonaws.com", "DeleteAccessKey"): ("access_key", GONE, "root access key deleted"),
    ("iam.amazonaws.com", "EnableMFADevice"): ("mfa", NEW, "MFA device enabled for root"),
    ("iam.amazonaws.com", "CreateVirtualMFADevice"): ("mfa", NEW, "virtual MFA device created"),
    ("iam.amazonaws.com", "DeactivateMFADevice"): ("mfa", GONE, "MFA device deactivated for root"),
    ("iam.amazonaws.com", "DeleteVirtualMFADevice"): ("mfa", GONE, "virtual MFA device deleted"),
}
NAMES = {name: source for source, name in ROOT_CHANGES} | {
    "ConsoleLogin": "signin.amazonaws.com",
    "UpdateAccessKey": "iam.amazonaws.com",
}


# ---------------------------------------------------------------- IAM credential report


def read_credential_report(found, source: InputFile) -> str:
    _, rows = csv_rows(source)
    roots = [(n, r) for n, r in rows if r.get("user") == ROOT_ROW]
    if not roots:
        raise CannotAudit(f"rotations {source.path}: AWS credential report without a {ROOT_ROW} row")
    number, row = roots[0]
    where = f"{source.path.name} row {number}"
    account = account_of(row.get("arn", ""))
    found.about("AWS", f"AWS account {account}" if account else "", where)
    known: dict[str, Any] = dict(provider="aws", principal="root", account=account)
    changed = _report_time(row, "password_last_changed", where)
    if changed:
        found.items.append(
            Evidence(CHANGE, changed, where, "password_last_changed of the root user", part="password", **known)
        )
    else:
        found.limits.append(
            f"the AWS credential report cannot show a root password change ({source.path.name}: password_last_changed "
            f"is '{row.get('password_last_changed') or 'empty'}'; AWS never records it for {ROOT_ROW}): "
            "give CloudTrail PasswordUpdated events or a rotation record"
        )
    found.records_uses = True
    used = _report_time(row, "password_last_used", where)
    if used:
        found.items.append(
            Evidence(
                USE, used, where, "last root sign-in with the password (password_last_used)", part="password", **known
            )
        )
    if row.get("mfa_active", "").lower() == "false":
        found.notes.append(f"{where}: the root user has no MFA device (mfa_active false)")
    for n in (1, 2):
        _report_key(found, row, n, where, known)
    return "AWS IAM credential report"


def _report_key(found, row: dict, n: int, where: str, known: dict) -> None:
    last_used = _report_time(row, f"access_key_{n}_last_used_date", where)
    if last_used:
        found.items.append(
            Evidence(
                USE,
                last_used,
                where,
                f"root access key {n} last used (access_key_{n}_last_used_date)",
                part="access_key",
                **known,
            )
        )
    if row.get(f"access_key_{n}_active", "").lower() != "true":
        return
    rotated = _report_time(row, f"access_key_{n}_last_rotated", where)
    found.notes.append(
        f"{where}: the root user has an active access key {n} (last rotated "
        f"{row.get(f'access_key_{n}_last_rotated') or 'unknown'})"
    )
    found.root_keys.append(n)
    if rotated:
        found.items.append(
            Evidence(
                CHANGE,
                rotated,
                where,
                f"root access key {n} created (access_key_{n}_last_rotated)",
                part="access_key",
                action=NEW,
                key=f"access key {n}",
                **known,
            )
        )


def _report_time(row: dict, column: str, where: str):
    text = row.get(column, "")
    if text.strip().upper() in NO_VALUE:
        return None
    return required_time(text, where, column)


# ---------------------------------------------------------------- CloudTrail JSON


def cloudtrail_events(document) -> list | None:
    if isinstance(document, dict):
        for key in ("Records", "Events", "events", "records"):
            if isinstance(document.get(key), list):
                return document[key]
        if "eventName" in document or "EventName" in document:
            return [document]
        return None
    return document if isinstance(document, list) else None


def read_cloudtrail(found, source: InputFile, events: list) -> str:
    found.records_uses = True
    skipped = {"other": 0, "failed sign-ins": 0}
    for number, raw in enumerate(events, start=1):
        event = _flatten(raw)
        where = f"{source.path.name} event {number}"
        if event is None:
            raise CannotAudit(f"rotations {where} is not a CloudTrail event")
        _one_event(found, event, where, skipped)
    if skipped["other"]:
        found.notes.append(
            f"{source.path.name}: {skipped['other']} CloudTrail event(s) other than the root user's "
            "sign-ins and credential changes were not needed"
        )
    if skipped["failed sign-ins"]:
        found.notes.append(f"{source.path.name}: {skipped['failed sign-ins']} failed root sign-in(s), not uses")
    return "CloudTrail events"


def _one_event(found, event: dict, where: str, skipped: dict) -> None:
    name, origin = text_of(event.get("eventName")), text_of(event.get("eventSource"))
    identity = table(event.get("userIdentity"))
    kind = text_of(identity.get("type"))
    key_used = text_of(identity.get("accessKeyId"))
    relevant = NAMES.get(name) == origin or (kind == "Root" and key_used.startswith("AKIA"))
    if not relevant:
        skipped["other"] += 1
        return
    when = required_time(event.get("eventTime"), where, "eventTime")
    if kind != "Root":
        found.notes.append(f"{where}: {name} by a {kind or 'unnamed'} identity, not the root user: not counted")
        return
    account = _event_account(event)
    found.about("AWS", f"AWS account {account}" if account else "", where)
    known: dict[str, Any] = dict(
        provider="aws", principal="root", account=account, event_id=text_of(event.get("eventID"))
    )
    failed = bool(text_of(event.get("errorCode"))) or _result(event, name) == "Failure"
    if name == "ConsoleLogin":
        if failed:
            skipped["failed sign-ins"] += 1
        else:
            found.items.append(
                Evidence(USE, when, where, "root console sign-in (CloudTrail ConsoleLogin)", part="password", **known)
            )
        return
    if NAMES.get(name) != origin:  # another root call, signed with a long-term access key: a use of the key
        found.items.append(
            Evidence(USE, when, where, f"root API call {name} with access key {key_used}", part="access_key", **known)
        )
        return
    part, action, words, key = _change_of(event, name, origin)
    found.items.append(
        Evidence(
            CHANGE,
            when,
            where,
            f"{words} (CloudTrail {name})",
            part=part,
            action=action,
            key=key,
            problem="the change failed" if failed else _reactivated(event, name),
            **known,
        )
    )


def _change_of(event: dict, name: str, origin: str) -> tuple[str, str, str, str]:
    request, response = table(event.get("requestParameters")), table(event.get("responseElements"))
    if name == "UpdateAccessKey":
        status = text_of(request.get("status"))
        action = GONE if status == "Inactive" else NEW
        return "access_key", action, f"root access key set {status or '?'}", text_of(request.get("accessKeyId"))
    part, action, words = ROOT_CHANGES[(origin, name)]
    key = (
        text_of(table(response.get("accessKey")).get("accessKeyId"))
        if name == "CreateAccessKey"
        else text_of(request.get("accessKeyId")) or text_of(request.get("serialNumber"))
    )
    return part, action, words, key


def _reactivated(event: dict, name: str) -> str:
    if name == "UpdateAccessKey" and text_of(table(event.get("requestParameters")).get("status")) == "Active":
        return "an old key made active again is not a new key"
    return ""


def _flatten(raw) -> dict | None:
    """One CloudTrail event as a dict: the event itself, or a lookup-events item whose CloudTrailEvent holds it
    (as a JSON string or object)."""
    if not isinstance(raw, dict):
        return None
    inner = raw.get("CloudTrailEvent")
    if isinstance(inner, str):
        try:
            inner = json.loads(inner)
        except (ValueError, RecursionError):
            return None
    if isinstance(inner, dict):
        return {
            "eventName": raw.get("EventName"),
            "eventSource": raw.get("EventSource"),
            "eventTime": raw.get("EventTime"),
            **inner,
        }
    if "EventName" in raw and "eventName" not in raw:
        return {
            "eventName": raw.get("EventName"),
            "eventSource": raw.get("EventSource"),
            "eventTime": raw.get("EventTime"),
            "userIdentity": {"type": "Root" if raw.get("Username") == "root" else ""},
        }
    return raw


def _result(event: dict, name: str) -> str:
    return text_of(table(event.get("responseElements")).get(name))


def _event_account(event: dict) -> str:
    identity = table(event.get("userIdentity"))
    return (
        text_of(event.get("recipientAccountId"))
        or text_of(identity.get("accountId"))
        or account_of(text_of(identity.get("arn")))
    )


def account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4].strip() if len(parts) > 4 else ""


# ---------------------------------------------------------------- CloudTrail console CSV


CONSOLE_CSV_COLUMNS = {"event name", "event time", "user name"}


def read_cloudtrail_csv(found, source: InputFile) -> str:
    """Event history's CSV download: Event ID, Event time, User name, Event name, ..., Error code. It names no
    event source, account or result: a root ConsoleLogin there is counted as a use even if it failed."""
    _, rows = csv_rows(source)
    found.records_uses = True
    other = 0
    for number, row in rows:
        name, where = row.get("event name", ""), f"{source.path.name} row {number}"
        if name not in NAMES or row.get("user name", "").lower() != "root":
            other += 1
            continue
        when = required_time(row.get("event time", ""), where, "Event time")
        known: dict[str, Any] = dict(provider="aws", principal="root", event_id=row.get("event id", ""))
        if name == "ConsoleLogin":
            found.items.append(
                Evidence(USE, when, where, "root console sign-in (event history CSV)", part="password", **known)
            )
            continue
        if name == "UpdateAccessKey":
            found.notes.append(f"{where}: UpdateAccessKey in the CSV does not say active or inactive: not counted")
            continue
        part, action, words = ROOT_CHANGES[(NAMES[name], name)]
        failed = "the change failed" if row.get("error code") else ""
        found.items.append(
            Evidence(
                CHANGE,
                when,
                where,
                f"{words} (event history CSV {name})",
                part=part,
                action=action,
                problem=failed,
                **known,
            )
        )
    found.notes.append(
        f"{source.path.name}: the console's CSV names no account and no result of a sign-in: each root "
        "ConsoleLogin in it counts as a use; the JSON download says more"
    )
    if other:
        found.notes.append(
            f"{source.path.name}: {other} row(s) other than the root user's sign-ins and credential "
            "changes were not needed"
        )
    return "CloudTrail event history (CSV)"
