"""One provider record, normalised: which principal, which part of the credential, what happened, when, and
where it was read. Every evidence parser (evidence_aws.py, evidence_entra.py, evidence_google.py, and the
rotation record in evidence.py) turns its provider's export into these, so the rules never read a provider's
own field names.

    Evidence     one record: a change of a part (a password changed, an MFA device added or removed, an access
                 key created or deleted, backup codes generated) or a use (a sign-in)
    load_json    an export's JSON, bounded in size and depth (a hostile file is refused in one line)
    parse_moment an ISO 8601 time or seconds since 1970, as UTC
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from .inputs import CannotAudit, InputFile, json_document

CHANGE, USE = "change", "use"
# The parts a credential's sheets may hold ([credential] parts in the ceremony config).
PARTS = ("password", "mfa", "access_key", "backup_codes", "other")
PART_WORDS = {
    "password": "password",
    "mfa": "MFA device or seed",
    "access_key": "access key",
    "backup_codes": "backup codes",
    "other": "other part",
    "": "credential",
}
# What a change did. A part replaced in two steps (an MFA device, an access key) is shown changed by a NEW one
# and the old one GONE; a password or backup codes are CHANGED in one step (the old ones stop working).
CHANGED, NEW, GONE = "changed", "new", "gone"
MAX_JSON_BYTES = 256 * 1024 * 1024
MAX_JSON_DEPTH = 64  # provider exports nest a few levels (an Entra sign-in about five); more is not an export


@dataclass(frozen=True)
class Evidence:
    kind: str  # CHANGE: a part was changed; USE: the credential was used (a sign-in)
    when: datetime
    source: str  # where it was read, e.g. "report.csv row 2", "cloudtrail.json event 3"
    what: str  # one line for people
    day_only: bool = False  # a date without a time: it happened some time that day (UTC)
    problem: str = ""  # why this record does not count as proof ("" when it does)
    part: str = ""  # one of PARTS; "" when the record does not say (an older rotation record: the credential)
    action: str = CHANGED  # CHANGED, NEW or GONE (changes only)
    provider: str = ""  # "aws", "entra", "google"; "" for a rotation record written by hand
    principal: str = ""  # whom the provider says it is about ("root", a user principal name, an address)
    aliases: tuple[str, ...] = ()  # other names of the same principal (an Entra object id)
    account: str = ""  # the AWS account, Entra tenant or Google customer it names ("" when it names none)
    key: str = ""  # an access key id or device serial, when the record gives it (a deleted key must be another)
    event_id: str = ""  # the provider's id of the record (CloudTrail eventID, Entra id, Google uniqueQualifier)

    @property
    def proves(self) -> bool:
        return not self.problem

    def cited(self) -> str:
        """Where it was read, with the provider's id: 'trail.json event 3 (id 9f2c...)'."""
        return f"{self.source} (id {self.event_id[:40]})" if self.event_id else self.source

    def stamp(self) -> str:
        return f"{self.when:%Y-%m-%d}" if self.day_only else f"{self.when:%Y-%m-%d %H:%M} UTC"


def load_json(source: InputFile, what: str, limit: int = MAX_JSON_BYTES):
    """The JSON document of an export (gzip or not, expanding to at most `limit` bytes), or CannotAudit naming
    the file and what is wrong."""
    data = gunzip(source, limit) if source.data[:2] == b"\x1f\x8b" else source.data
    document = json_document(source, data)  # the shared bounded reader: linear, limits named
    if _depth(document) > MAX_JSON_DEPTH:
        raise CannotAudit(f"rotations {source.path} is JSON nested too deeply to be {what}")
    return document


def _depth(document) -> int:
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_JSON_DEPTH:
            return level
        if isinstance(value, dict):
            stack.extend((v, level + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, level + 1) for v in value)
    return deepest


def gunzip(source: InputFile, limit: int = MAX_JSON_BYTES) -> bytes:
    """A gzip file, decompressed, but never beyond `limit` (a small file can expand enormously)."""
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflate.decompress(source.data, limit + 1)
    except zlib.error:
        raise CannotAudit(f"rotations {source.path} is a damaged gzip file") from None
    if len(data) > limit:
        raise CannotAudit(f"rotations {source.path} expands to more than {limit} bytes; give fewer events")
    if not inflate.eof:
        raise CannotAudit(f"rotations {source.path} is a damaged gzip file (cut short)")
    return data


def text_of(value) -> str:
    """A field as text: strings stripped, numbers as written, anything else (a list, an object, null) ''."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def table(value) -> dict:
    return value if isinstance(value, dict) else {}


def parse_moment(value) -> datetime | None:
    """An ISO 8601 date or time (Z or an offset; none means UTC), or seconds since 1970, as UTC; else None."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, tz=UTC)
        if not isinstance(value, str) or not value.strip():
            return None
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):  # not a time, or one outside what a calendar can hold
        return None


def required_time(value, where: str, field: str) -> datetime:
    moment = parse_moment(value)
    if moment is None:
        shown = value if isinstance(value, (str, int, float)) else type(value).__name__
        raise CannotAudit(f"rotations {where}: {field} '{str(shown)[:60]}' is not a time")
    return moment
