"""Whom the audit is about: the credential the sheets hold at its provider (as the journal or the config names it),
the sets the journal made, and the notes that say which provider records are about someone else.

Without a named credential (an older journal audited without a config [credential]) every record of a kind must
name one AWS account or one rotation-record credential, or the audit cannot judge (CannotAudit), as before parts
were recorded; the report then names the credential the evidence is about, for the auditor to match by hand.
"""

from __future__ import annotations

from .credential import from_journal
from .journal import created_set


def describe_credential(report, ctx, entries) -> None:
    report.sets = list(dict.fromkeys(s for s in (created_set(e) for e in entries) if s))
    labels = [e.extra.get("label") for e in entries if isinstance(e.extra.get("label"), str)]
    report.label = labels[-1] if labels else ""
    named = [c for c in (from_journal(e.extra.get("holds")) for e in entries) if c is not None]
    held = named[-1] if named else ctx.credential
    report.credential = held.describe() if held else ""
    if held is not None and not named:
        ctx.note(
            f"the journal records no [credential] for its sets (an older journal): the audit matches the "
            f"provider's records to the --config's: {held.describe()}"
        )
    elif held is None:
        ctx.note(
            "neither the journal nor a --config [credential] names what the sheets hold: the credential is "
            "judged as one part, changed by a password change or a rotation record row (docs/AUDIT.md)"
        )


def provider_notes(ctx, evidence) -> None:
    credentials = ctx.credentials()
    if not credentials:
        evidence.require_one_subject()
        for text in evidence.subject_notes():
            ctx.note(text)
        unjudged = sum(1 for item in evidence.items if item.provider in ("entra", "google"))
        if unjudged:
            ctx.note(
                f"{unjudged} Entra ID or Google record(s) were not judged: nothing names the account the sheets "
                "open; give --config with a [credential] section (provider, account, principal, parts)"
            )
        for n in evidence.root_keys:
            ctx.note(
                f"the AWS root user has an active access key {n}: a way in that the break-glass sheets do not control"
            )
        return
    strangers: dict[tuple[str, str], int] = {}
    for item in evidence.items:
        strangers_named = [c.stranger(item) for c in credentials]
        if all(w is not None for w in strangers_named):
            file = item.source.rsplit(" row ", 1)[0].rsplit(" event ", 1)[0].rsplit(" item ", 1)[0]
            key = (file, str(strangers_named[0]))
            strangers[key] = strangers.get(key, 0) + 1
    for (file, whom), count in strangers.items():
        ctx.note(f"{file}: {count} record(s) about {whom}, not {credentials[0].describe()}: never counted")
    if evidence.root_keys and not any(c.provider == "aws" and "access_key" in c.parts for c in credentials):
        ctx.note(
            f"the AWS root user has {len(evidence.root_keys)} active access key(s): a way in that the break-glass "
            "sheets do not control (their parts do not include access_key)"
        )
