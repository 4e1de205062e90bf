"""What the audit's rules share: a finding, a rule, and the context every rule reads.

A finding names where (an event code, a logbook row, a set), the rule, and in words what is wrong; when it
compares the logbook with the journal it also carries the row, the field and both values, so the auditor can
go straight to the line on paper.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from .credential import Credential, from_journal
from .evidence import EvidenceSet
from .journal import Entry, set_origin
from .sets import SetHistory
from .transcription import LogbookRow, Transcription

PASS, FAIL, NOT_CHECKED = "pass", "fail", "not checked"
CEREMONY_EVENTS = ("split", "drill", "release", "rotate", "reshare", "expand", "destroy")
USE_EVENTS = ("drill", "release")
UNNAMED_PROVIDERS = ("entra", "google")  # whose records name one of many users: judged only with a [credential]


@dataclass(frozen=True)
class Finding:
    rule: str
    where: str  # an event code, "row N", "set X" or "journal"
    message: str
    row: int | None = None
    field: str | None = None
    logbook: str | None = None
    journal: str | None = None

    def line(self) -> str:
        return f"{self.where:<11} {self.message}  [{self.rule}]"

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Rules:
    rotation_deadline_days: int = 7
    drill_interval_days: int = 90
    time_tolerance_minutes: int = 30

    @property
    def deadline(self) -> timedelta:
        return timedelta(days=self.rotation_deadline_days)

    @property
    def tolerance(self) -> timedelta:
        return timedelta(minutes=self.time_tolerance_minutes)


@dataclass
class Context:
    """Everything the rules read. `entries` are the journal events up to the as-of moment, `all_entries` the
    whole journal."""

    entries: list[Entry]
    all_entries: list[Entry]
    rules: Rules
    as_of: datetime
    head: str | None = None
    journal_path: Path | None = None
    transcription: Transcription | None = None
    evidence: EvidenceSet | None = None
    notes: list[str] = field(default_factory=list)
    now: datetime | None = None  # the audit's clock when it judges up to now (no --as-of): no entry may be later
    credential: Credential | None = None  # the --config's [credential], for sets whose journal entry names none
    pending: list[str] = field(default_factory=list)  # what is not proven yet but still inside its deadline
    parts: list[dict] = field(default_factory=list)  # per release and part: the evidence that confirms it, or why not
    _credentials: list | None = field(default=None, repr=False)  # credentials(), computed once
    _held: dict = field(default_factory=dict, repr=False)  # credential_for(), by set

    def __post_init__(self) -> None:
        self.sets = SetHistory(self.entries)
        self.by_code: dict[str, Entry] = {e.code: e for e in self.all_entries}
        # Rows written after the window are outside the audit. A row dated inside it keeps being judged even when
        # the journal dates its event later: the two disagree (an entry moved out of the window shows here). So
        # does a row dated after the window whose code is an event inside it: its date is named as wrong, rather
        # than the event reported as having no row.
        inside = {e.code for e in self.entries}
        self.rows: list[LogbookRow] = [
            r
            for r in (self.transcription.rows if self.transcription else [])
            if not (r.when is None and r.event_code in self._later)
            and not (r.when is not None and r.when > self.as_of and r.event_code not in inside)
        ]

    @property
    def _later(self) -> set[str]:
        return {e.code for e in self.all_entries if e.when > self.as_of}

    def changes(self) -> list:
        """Changes of the credential the provider records, up to the as-of moment (evidence.CHANGE items)."""
        return self._judged(self.evidence.changes() if self.evidence else [])

    def uses(self) -> list:
        return self._judged(self.evidence.uses() if self.evidence else [])

    def _judged(self, items: list) -> list:
        """Records up to the as-of moment. Without a named credential, Entra ID and Google records are not judged:
        a tenant has many users, and nothing says which one the sheets open (audit_subject.py notes it)."""
        named = bool(self.credentials())
        return [i for i in items if i.when <= self.as_of and (named or i.provider not in UNNAMED_PROVIDERS)]

    def credential_for(self, set_text: str) -> Credential | None:
        """What the set's sheets hold: as journalled by the event that made the set, else as the --config says;
        None for an older journal audited without a [credential] (the credential is then one unnamed part)."""
        if set_text not in self._held:
            origin = set_origin(self.all_entries, set_text)
            held = from_journal(origin.extra.get("holds")) if origin is not None else None
            self._held[set_text] = self._known(held or self.credential)
        return self._held[set_text]

    def credentials(self) -> list[Credential]:
        """Every credential some set of this journal holds (or the config names), each computed once."""
        if self._credentials is None:
            self._credentials = self._all_credentials()
        return self._credentials

    def _all_credentials(self) -> list[Credential]:
        found = [self.credential_for(e.set) for e in self.entries if e.event == "release"]
        found += [self._known(from_journal(e.extra.get("holds"))) for e in self.entries]
        if self.credential:
            found.append(self._known(self.credential))
        return list(dict.fromkeys(c for c in found if c is not None))

    def _known(self, credential: Credential | None) -> Credential | None:
        if credential is None or self.evidence is None:
            return credential
        return credential.known_as(self.evidence.items)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str  # what passing means, in one line (also the documentation's wording)
    check: Callable[[Context], Iterable[Finding]]
    unavailable: Callable[[Context], str | None] = lambda ctx: None  # why it cannot be checked, if so


def needs_logbook(ctx: Context) -> str | None:
    return None if ctx.transcription else "no --logbook transcription given"


def day(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d}"


def stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def days(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 86400:.1f} days"
