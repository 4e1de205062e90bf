"""Microsoft Entra ID evidence about an emergency access account, read as Entra exports it (docs/AUDIT.md
"Microsoft Entra ID").

- **Sign-in logs**: Microsoft Graph `GET /auditLogs/signIns` (`{"value": [signIn, ...]}`), the admin center's
  Download JSON (a list of sign-ins) and Download CSV (`Date (UTC)`, `Request ID`, `User ID`, `Username`,
  `Status`, `Sign-in error code`, ...). A successful sign-in (`status.errorCode` 0, CSV `Status` Success) of the
  account is a use; failed ones are not.
- **Audit logs**: Graph `GET /auditLogs/directoryAudits` (`{"value": [directoryAudit, ...]}`), Download JSON and
  Download CSV (`Date (UTC)`, `Activity`, `Result`, `Target1UserPrincipalName`, ...). Password changes and resets
  (by an admin or self-service) change the password; security info registered / deleted (an authenticator app,
  a FIDO2 key, a phone) is a new MFA factor / the old one gone. The account is the target (`targetResources`).
"""

from __future__ import annotations

import re

from .inputs import CannotAudit, InputFile, csv_rows
from .provider_events import CHANGE, CHANGED, GONE, NEW, USE, Evidence, required_time, table, text_of

PASSWORD_ACTIVITIES = {
    "change user password",
    "reset user password",
    "change password (self-service)",
    "reset password (self-service)",
    "reset password (by admin)",
    "user changed password",
    "user reset password",
}
SECURITY_INFO_NEW = {"user registered security info", "admin registered security info"}
SECURITY_INFO_GONE = {"user deleted security info", "admin deleted security info"}
SIGN_IN_CSV = {"date (utc)", "request id", "username", "status"}
AUDIT_CSV = {"date (utc)", "activity", "result"}
_TARGET_COLUMN = re.compile(r"^target\d+(userprincipalname|objectid)$")


def is_sign_in(item: dict) -> bool:
    return "createdDateTime" in item and ("userPrincipalName" in item or "userId" in item)


def is_directory_audit(item: dict) -> bool:
    return "activityDateTime" in item and "activityDisplayName" in item


def graph_items(document) -> list | None:
    """The records of a Graph response (`value`) or of the admin center's JSON download (a list); [] for a Graph
    response of the audit logs with no record in its time range."""
    items = document.get("value") if isinstance(document, dict) else document
    if isinstance(items, list) and not items and isinstance(document, dict):
        return [] if "auditLogs/" in text_of(document.get("@odata.context")) else None
    if not isinstance(items, list) or not items or not isinstance(items[0], dict):
        return None
    return items if is_sign_in(items[0]) or is_directory_audit(items[0]) else None


def read_graph(found, source: InputFile, items: list, context: str = "") -> str:
    sign_ins = is_sign_in(items[0]) if items else "signIns" in context
    passed = 0
    for number, item in enumerate(items, start=1):
        where = f"{source.path.name} item {number}"
        if not isinstance(item, dict) or not (is_sign_in(item) if sign_ins else is_directory_audit(item)):
            raise CannotAudit(
                f"rotations {where} is not an Entra {'sign-in' if sign_ins else 'audit log'} record "
                "like the ones before it"
            )
        passed += not (_sign_in(found, item, where) if sign_ins else _audit_record(found, item, where))
    if sign_ins:
        found.records_uses = True
    if passed:
        found.notes.append(
            f"{source.path.name}: {passed} failed or interrupted sign-in(s), not uses"
            if sign_ins
            else f"{source.path.name}: {passed} audit record(s) other than password and security-info "
            "changes were not needed"
        )
    return "Entra ID sign-in log (JSON)" if sign_ins else "Entra ID audit log (JSON)"


def _sign_in(found, item: dict, where: str) -> bool:
    when = required_time(item.get("createdDateTime"), where, "createdDateTime")
    status = table(item.get("status"))
    code = status.get("errorCode")
    if code not in (0, "0"):
        return False
    principal = text_of(item.get("userPrincipalName"))
    found.items.append(
        Evidence(
            USE,
            when,
            where,
            f"sign-in of {principal or text_of(item.get('userId'))} to "
            f"{text_of(item.get('appDisplayName')) or 'an application'}",
            principal=principal,
            aliases=(text_of(item.get("userId")),),
            account=text_of(item.get("homeTenantId")),
            event_id=text_of(item.get("id")),
            provider="entra",
        )
    )
    return True


def _audit_record(found, item: dict, where: str) -> bool:
    activity = text_of(item.get("activityDisplayName"))
    change = _change(activity)
    if change is None:
        return False
    when = required_time(item.get("activityDateTime"), where, "activityDateTime")
    targets = [table(t) for t in item.get("targetResources") or [] if isinstance(t, dict)]
    users = [t for t in targets if text_of(t.get("type")).lower() in ("user", "")] or targets
    first = users[0] if users else {}
    result = text_of(item.get("result")).lower()
    part, action = change
    found.items.append(
        Evidence(
            CHANGE,
            when,
            where,
            f"{activity} for {text_of(first.get('userPrincipalName')) or text_of(first.get('id')) or '?'}",
            part=part,
            action=action,
            principal=text_of(first.get("userPrincipalName")),
            aliases=tuple(text_of(t.get(k)) for t in users for k in ("id", "userPrincipalName")),
            problem="" if result == "success" else f"the activity's result is '{result or 'not given'}'",
            event_id=text_of(item.get("id")),
            provider="entra",
        )
    )
    return True


def _change(activity: str) -> tuple[str, str] | None:
    name = activity.strip().lower()
    if name in PASSWORD_ACTIVITIES:
        return "password", CHANGED
    if name in SECURITY_INFO_NEW:
        return "mfa", NEW
    if name in SECURITY_INFO_GONE:
        return "mfa", GONE
    return None


# ---------------------------------------------------------------- the admin center's CSV downloads


def read_sign_in_csv(found, source: InputFile) -> str:
    _, rows = csv_rows(source)
    found.records_uses = True
    failed = 0
    for number, row in rows:
        where = f"{source.path.name} row {number}"
        when = required_time(row.get("date (utc)", ""), where, "Date (UTC)")
        if row.get("status", "").lower() != "success":
            failed += 1
            continue
        principal = row.get("username", "")
        found.items.append(
            Evidence(
                USE,
                when,
                where,
                f"sign-in of {principal or row.get('user id', '?')} to {row.get('application') or 'an application'}",
                principal=principal,
                aliases=(row.get("user id", ""),),
                account=row.get("home tenant id", ""),
                event_id=row.get("request id", ""),
                provider="entra",
            )
        )
    if failed:
        found.notes.append(f"{source.path.name}: {failed} failed or interrupted sign-in(s), not uses")
    return "Entra ID sign-in log (CSV)"


def read_audit_csv(found, source: InputFile) -> str:
    header, rows = csv_rows(source)
    targets = [c for c in header if _TARGET_COLUMN.match(c)]
    other = 0
    for number, row in rows:
        where = f"{source.path.name} row {number}"
        change = _change(row.get("activity", ""))
        if change is None:
            other += 1
            continue
        when = required_time(row.get("date (utc)", ""), where, "Date (UTC)")
        names = tuple(row[c] for c in targets if row.get(c))
        principal = next((row[c] for c in targets if c.endswith("userprincipalname") and row.get(c)), "")
        result = row.get("result", "").lower()
        found.items.append(
            Evidence(
                CHANGE,
                when,
                where,
                f"{row.get('activity')} for {principal or (names[0] if names else '?')}",
                part=change[0],
                action=change[1],
                principal=principal,
                aliases=names,
                problem="" if result == "success" else f"the activity's result is '{result or 'not given'}'",
                event_id=row.get("id", "") or row.get("correlationid", ""),
                provider="entra",
            )
        )
    if other:
        found.notes.append(
            f"{source.path.name}: {other} audit record(s) other than password and security-info changes were not needed"
        )
    return "Entra ID audit log (CSV)"
