"""What the sheets hold, named at its provider: the ceremony config's [credential] section, recorded in the
journal (field "holds") at every split, rotation and reshare, and matched by the audit against the provider's
records.

    provider   aws | entra | google | other
    account    the AWS account id; the Entra tenant id or domain; the Google customer id or domain
    principal  AWS: root; Entra: the emergency access account's user principal name or object id;
               Google: the super administrator's address
    parts      what the sheets hold: password, mfa (an MFA device's or TOTP seed, a FIDO key's PIN), access_key,
               backup_codes (recovery or backup codes), other

A record about another principal, account or tenant never confirms anything: the audit names it in a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..errors import BreakglassError
from .provider_events import PART_WORDS, PARTS, Evidence

PROVIDERS = ("aws", "entra", "google", "other")
KEYS = ("provider", "account", "principal", "parts")
_AWS_ACCOUNT = re.compile(r"^\d{12}$")
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
PROVIDER_NAMES = {"aws": "AWS", "entra": "Microsoft Entra ID", "google": "Google Workspace", "other": "other system"}


@dataclass(frozen=True)
class Credential:
    provider: str
    account: str
    principal: str
    parts: tuple[str, ...]
    aliases: frozenset = field(default=frozenset(), compare=False)  # other names the evidence gives the principal

    def known_as(self, items) -> Credential:
        """The same credential, also known by every name the evidence gives its principal: an Entra sign-in names
        the user principal name and the object id, so a record naming only the object id is still this account."""
        names = {self.principal.casefold()} if self.principal else set()
        for _ in range(2):  # a name learnt from one record may link another
            for item in items:
                theirs = {n.casefold() for n in (item.principal, *item.aliases) if n}
                if item.provider == self.provider and names & theirs:
                    names |= theirs
        return replace(self, aliases=frozenset(names))

    def describe(self) -> str:
        """'the AWS root user of account 111122223333 (password, MFA device or seed, access key)'."""
        held = ", ".join(PART_WORDS[p] for p in self.parts)
        if self.provider == "aws":
            return f"the AWS root user of account {self.account} ({held})"
        where = f" of {self.account}" if self.account else ""
        who = {"entra": "Entra ID account", "google": "Google super administrator", "other": "credential"}[
            self.provider
        ]
        return f"the {who} {self.principal or '(unnamed)'}{where} ({held})"

    def to_journal(self) -> dict:
        return {
            "provider": self.provider,
            "account": self.account,
            "principal": self.principal,
            "parts": list(self.parts),
        }

    def stranger(self, item: Evidence) -> str | None:
        """None when the record is about this credential; else whom it is about, for the note that says so.
        A rotation record written by hand names no provider principal: it is taken as about this credential."""
        if not item.provider:
            return None
        if item.provider != self.provider:  # a credential of another system: only records by hand speak for it
            return f"a {PROVIDER_NAMES[item.provider]} principal ({item.principal or '?'})"
        if self.provider == "aws":
            if item.account and self.account and item.account != self.account:
                return f"AWS account {item.account}"
            return None
        names = {n.casefold() for n in (item.principal, *item.aliases) if n}
        mine = self.aliases or {self.principal.casefold()}
        if self.principal and not names & mine:
            return item.principal or next(iter(names), "an unnamed principal")
        if (
            item.account
            and self.account
            and _comparable(item.account, self.account)
            and item.account.casefold() != self.account.casefold()
        ):
            return f"{'tenant' if self.provider == 'entra' else 'customer'} {item.account}"
        return None


def _comparable(named: str, configured: str) -> bool:
    """A tenant given as a domain cannot be compared with a tenant id in a record; two ids (or two domains) can."""
    return ("." in named) == ("." in configured)


def from_journal(value) -> Credential | None:
    """The credential a journal entry's "holds" field records, or None if it records none (an older journal) or
    one that is not of this shape (a hand-made journal: the audit then treats the set as recording none)."""
    if not isinstance(value, dict):
        return None
    try:
        return parse(value, "journal holds")
    except BreakglassError:
        return None


def parse(table: dict, where: str) -> Credential:
    """The [credential] table of a ceremony config; a BreakglassError naming the key for anything wrong."""
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise BreakglassError(f"{where}: unknown key credential.{unknown[0]} (expected: {', '.join(KEYS)})")
    provider = _text(table, "provider", where).lower()
    if provider not in PROVIDERS:
        raise BreakglassError(f"{where}: credential.provider must be one of {', '.join(PROVIDERS)} (got {provider!r})")
    account, principal = _text(table, "account", where, ""), _text(table, "principal", where, "")
    parts = _parts(table.get("parts"), where)
    if provider == "aws":
        if not _AWS_ACCOUNT.match(account):
            raise BreakglassError(f"{where}: credential.account must be the 12-digit AWS account id (got {account!r})")
        if principal.lower() not in ("", "root"):
            raise BreakglassError(
                f"{where}: credential.principal of an AWS credential is the root user: 'root' "
                f"(got {principal!r}; an IAM user is not a break-glass root credential)"
            )
        principal = "root"
    elif provider in ("entra", "google") and not principal:
        raise BreakglassError(
            f"{where}: credential.principal is missing: the account's "
            + ("user principal name or object id" if provider == "entra" else "address")
        )
    if provider == "entra" and account and "." not in account and not _GUID.match(account):
        raise BreakglassError(
            f"{where}: credential.account of Entra ID is the tenant id (a GUID) or a domain (got {account!r})"
        )
    return Credential(provider, account, principal, parts)


def _text(table: dict, key: str, where: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if value is None:
        raise BreakglassError(f"{where}: credential.{key} is missing")
    if not isinstance(value, str):
        raise BreakglassError(f"{where}: credential.{key} must be a string")
    return value.strip()


def _parts(value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(p, str) for p in value):
        raise BreakglassError(f"{where}: credential.parts must list what the sheets hold: {', '.join(PARTS)}")
    parts = tuple(p.strip().lower() for p in value)
    bad = [p for p in parts if p not in PARTS]
    if bad:
        raise BreakglassError(f"{where}: credential.parts: '{bad[0]}' is not one of {', '.join(PARTS)}")
    if len(set(parts)) != len(parts):
        raise BreakglassError(f"{where}: credential.parts lists a part twice")
    return parts
