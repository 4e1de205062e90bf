"""Google Workspace / Cloud Identity evidence about a super administrator, read as the Admin SDK Reports API
returns it (docs/AUDIT.md "Google Workspace").

`activities.list` output (`{"kind": "admin#reports#activities", "items": [...]}`, or the list of items), each
item `{"kind": "admin#reports#activity", "id": {"time", "uniqueQualifier", "applicationName", "customerId"},
"actor": {"email", ...}, "events": [{"type", "name", "parameters": [{"name", "value"}, ...]}]}`:

- applicationName `login`, about the actor: `login_success` (a use), `password_edit` (password), `2sv_enroll` /
  `2sv_disable` (2-step verification: a new factor / the old one gone);
- applicationName `admin`, about the user in parameter `USER_EMAIL`: `CHANGE_PASSWORD` (password),
  `GENERATE_2SV_SCRATCH_CODES` (new backup codes: the printed ones stop working), `DELETE_2SV_SCRATCH_CODES`.
"""

from __future__ import annotations

from typing import Any

from .inputs import CannotAudit, InputFile
from .provider_events import CHANGE, CHANGED, GONE, NEW, USE, Evidence, required_time, table, text_of

ACTIVITY = "admin#reports#activity"
LOGIN_EVENTS = {
    "password_edit": ("password", CHANGED, "password changed"),
    "2sv_enroll": ("mfa", NEW, "enrolled in 2-step verification"),
    "2sv_disable": ("mfa", GONE, "2-step verification turned off"),
}
ADMIN_EVENTS = {
    "CHANGE_PASSWORD": ("password", CHANGED, "password changed by an administrator"),
    "GENERATE_2SV_SCRATCH_CODES": ("backup_codes", CHANGED, "new 2-step verification backup codes generated"),
    "DELETE_2SV_SCRATCH_CODES": ("backup_codes", GONE, "2-step verification backup codes deleted"),
}


def activity_items(document) -> list | None:
    items = (
        document.get("items", [])
        if isinstance(document, dict) and document.get("kind") == "admin#reports#activities"
        else document
    )
    if isinstance(items, list) and items and isinstance(items[0], dict) and items[0].get("kind") == ACTIVITY:
        return items
    if isinstance(document, dict) and document.get("kind") == "admin#reports#activities":
        return []  # a report with no activity in its time range
    return None


def read_activities(found, source: InputFile, items: list) -> str:
    other = 0
    for number, item in enumerate(items, start=1):
        where = f"{source.path.name} item {number}"
        if not isinstance(item, dict) or item.get("kind") != ACTIVITY:
            raise CannotAudit(f"rotations {where} is not a Reports API activity (kind {ACTIVITY})")
        ident = table(item.get("id"))
        when = required_time(ident.get("time"), where, "id.time")
        application = text_of(ident.get("applicationName"))
        if application == "login":
            found.records_uses = True
        listed = item.get("events")
        events = listed if isinstance(listed, list) else []
        for event in events:
            other += not _event(found, item, table(event), application, when, where)
    if other:
        found.notes.append(
            f"{source.path.name}: {other} activity event(s) other than sign-ins, password, 2-step "
            "verification and backup-code changes were not needed"
        )
    return "Google Workspace Reports API activities"


def _event(found, item: dict, event: dict, application: str, when, where: str) -> bool:
    name = text_of(event.get("name"))
    ident, actor = table(item.get("id")), table(item.get("actor"))
    known: dict[str, Any] = dict(
        provider="google", account=text_of(ident.get("customerId")), event_id=text_of(ident.get("uniqueQualifier"))
    )
    if application == "login" and name == "login_success":
        found.items.append(
            Evidence(
                USE,
                when,
                where,
                f"sign-in of {text_of(actor.get('email'))} (login_success)",
                principal=text_of(actor.get("email")),
                **known,
            )
        )
        return True
    if application == "login" and name in LOGIN_EVENTS:
        part, action, words = LOGIN_EVENTS[name]
        found.items.append(
            Evidence(
                CHANGE,
                when,
                where,
                f"{words} by {text_of(actor.get('email'))} (login {name})",
                part=part,
                action=action,
                principal=text_of(actor.get("email")),
                **known,
            )
        )
        return True
    if application == "admin" and name in ADMIN_EVENTS:
        part, action, words = ADMIN_EVENTS[name]
        user = _parameter(event, "USER_EMAIL")
        found.items.append(
            Evidence(
                CHANGE,
                when,
                where,
                f"{words} for {user or '?'} by {text_of(actor.get('email')) or '?'} (admin {name})",
                part=part,
                action=action,
                principal=user,
                **known,
            )
        )
        return True
    return False


def _parameter(event: dict, wanted: str) -> str:
    for parameter in event.get("parameters") or []:
        if isinstance(parameter, dict) and parameter.get("name") == wanted:
            return text_of(parameter.get("value"))
    return ""
