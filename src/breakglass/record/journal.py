"""The digital journal: one JSON line per event, each line carrying the hash of the line before.

docs/JOURNAL.md is the specification. In short: an entry is a JSON object written in canonical form
(sorted keys, no spaces, UTF-8); its hash is SHA-256 of that line; every entry stores the previous entry's
hash in "prev" (64 zeros for the first), and a sequence number "seq" counting from 1. The event code people
copy into the paper logbook is the first 40 bits of the entry's hash in Crockford base32, e.g. K7Q2-9XMB.

The chain shows any edit, deletion or reordering inside the file; only the code written on paper (the "head")
shows a dropped tail or a wholesale rewrite, which is why `verify --head CODE` exists. The journal never holds
secret material: extra fields whose names look like secrets are refused.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import BreakglassError
from ..format import encoding
from ..format.share import MAX_SHARES, parse_set_id_text, set_id_text

GENESIS = "0" * 64
CODE_CHARS = 8  # 40 bits of the entry hash, in Crockford base32
CORE_FIELDS = ("seq", "time", "event", "set", "shares", "fingerprint", "operator", "witness", "prev")
KNOWN_EVENTS = ("split", "drill", "release", "rotate", "reshare", "expand", "reissue", "destroy", "note")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

_EVENT_RE = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
_EXTRA_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
# Words that mark a field as secret material; matched against the parts of a key split at '_'.
_SECRET_WORDS = {
    "secret", "secrets", "credential", "credentials", "password", "passwords", "passphrase", "pin",
    "key", "keys", "token", "tokens", "private", "seed", "mnemonic", "plaintext", "cleartext", "otp", "totp",
}
_SECRET_JOINED = ("sharedata", "keyshare", "sharetext", "sharebytes", "apikey", "secretkey", "privatekey", "datakey")


def canonical(obj: dict) -> str:
    """The one serialisation of an entry: what is written, and what is hashed."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(obj: dict) -> str:
    return hashlib.sha256(canonical(obj).encode("utf-8")).hexdigest()


def code_of(hash_hex: str) -> str:
    """The event code for an entry hash: its first 40 bits as 8 Crockford base32 characters, as XXXX-XXXX."""
    return encoding.group(encoding.crockford_encode(bytes.fromhex(hash_hex)[:5]), 4)


def normalize_code(text: str) -> str:
    """An event code as typed by a person (any case, with or without the dash, O for 0, I or L for 1) -> XXXX-XXXX."""
    cleaned = encoding.crockford_normalize(text.strip())
    if len(cleaned) != CODE_CHARS or any(ch not in encoding.CROCKFORD for ch in cleaned):
        raise BreakglassError(
            f"'{text}' is not an event code (8 characters from 0-9 and A-Z without I, L, O, U, e.g. K7Q2-9XMB)"
        )
    return encoding.group(cleaned, 4)


@dataclass(frozen=True)
class Entry:
    """One journal line. `data` is the whole object as stored; `extra` holds the fields beyond the core ones."""

    seq: int
    time: str
    event: str
    set: str
    shares: tuple[int, ...]
    fingerprint: str
    operator: str | None
    witness: str | None
    prev: str
    extra: dict = field(default_factory=dict)
    hash: str = ""
    line: int = 0
    data: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def code(self) -> str:
        return code_of(self.hash)

    @property
    def when(self) -> datetime:
        return datetime.strptime(self.time, TIME_FORMAT).replace(tzinfo=timezone.utc)

    @classmethod
    def from_data(cls, data: dict, line: int = 0) -> Entry:
        return cls(
            seq=data["seq"],
            time=data["time"],
            event=data["event"],
            set=data["set"],
            shares=tuple(data["shares"]),
            fingerprint=data["fingerprint"],
            operator=data["operator"],
            witness=data["witness"],
            prev=data["prev"],
            extra={k: v for k, v in data.items() if k not in CORE_FIELDS},
            hash=entry_hash(data),
            line=line,
            data=data,
        )


@dataclass(frozen=True)
class VerifyResult:
    count: int
    head_code: str | None
    ok: bool
    problem: str | None = None
    line: int | None = None


# ---------------------------------------------------------------- reading


def _shape_problem(data: object) -> str | None:
    """Why a parsed line is not a journal entry, or None."""
    if not isinstance(data, dict):
        return "is not a JSON object"
    missing = [k for k in CORE_FIELDS if k not in data]
    if missing:
        return f"lacks {', '.join(missing)}"
    checks = [
        ("seq", isinstance(data["seq"], int) and not isinstance(data["seq"], bool) and data["seq"] >= 1),
        ("time", isinstance(data["time"], str) and bool(_TIME_RE.match(data["time"]))),
        ("event", isinstance(data["event"], str) and bool(_EVENT_RE.match(data["event"]))),
        ("set", isinstance(data["set"], str)),
        ("shares", isinstance(data["shares"], list) and all(type(s) is int for s in data["shares"])),
        ("fingerprint", isinstance(data["fingerprint"], str)),
        ("operator", data["operator"] is None or isinstance(data["operator"], str)),
        ("witness", data["witness"] is None or isinstance(data["witness"], str)),
        ("prev", isinstance(data["prev"], str) and bool(re.fullmatch(r"[0-9a-f]{64}", data["prev"]))),
    ]
    bad = [name for name, good in checks if not good]
    if bad:
        return f"has an invalid {', '.join(bad)}"
    return None


def _parse_lines(text: str) -> tuple[list[Entry], tuple[int, str] | None]:
    """Entries up to the first line that is not a well-formed entry, and (line number, reason) for that line."""
    entries: list[Entry] = []
    if not text:
        return entries, None
    lines = text.split("\n")
    complete = text.endswith("\n")
    if complete:
        lines.pop()  # the empty string after the final newline
    for number, raw in enumerate(lines, 1):
        if not complete and number == len(lines):
            return entries, (number, "is incomplete (no line end: an interrupted write, or the file was cut)")
        if not raw.strip():
            return entries, (number, "is empty")
        try:
            data = json.loads(raw)
        except ValueError as e:
            return entries, (number, f"is not valid JSON ({e.msg} at column {e.colno})")
        problem = _shape_problem(data)
        if problem:
            return entries, (number, problem)
        if canonical(data) != raw:
            return entries, (number, "was edited (it is not in the exact form breakglass writes)")
        entries.append(Entry.from_data(data, number))
    return entries, None


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BreakglassError(f"journal {path} does not exist") from None
    except OSError as e:
        raise BreakglassError(f"cannot read journal {path}: {e.strerror}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise BreakglassError(f"journal {path} line {line} is not UTF-8 text") from None


def read_journal(path: str | Path) -> list[Entry]:
    """All entries, in file order. Lines that are not entries are an error naming the line; the chain is not
    checked here (verify_journal does that)."""
    path = Path(path)
    entries, bad = _parse_lines(_read_text(path))
    if bad:
        raise BreakglassError(f"journal {path} line {bad[0]} {bad[1]}")
    return entries


# ---------------------------------------------------------------- verifying


def _chain_problem(entries: list[Entry]) -> tuple[int, str] | None:
    """The first break in the chain as (line, reason), or None.

    Telling the cases apart (L = the line being checked, E = the seq it should carry, S = the seq it carries):
    - prev of L matches the hash of line L-1 (the link is intact) but S != E: line L's seq was changed.
    - link broken and S == E: line L-1 was changed after line L was written (edited).
    - link broken and S > E, with E found further down: lines were reordered.
    - link broken and S > E, E nowhere: entries E..S-1 were deleted.
    - link broken and S < E: line L repeats or moves back an earlier seq (copied or reordered).
    """
    seqs = [e.seq for e in entries]
    prev_hash = GENESIS
    for i, entry in enumerate(entries):
        line = entry.line
        expected = i + 1
        linked = entry.prev == prev_hash
        if linked and entry.seq == expected:
            prev_hash = entry.hash
            continue
        if linked:
            return line, f"was edited: its seq is {entry.seq} but its place in the chain is entry {expected}"
        if entry.seq == expected:
            if i == 0:
                return line, "was edited: the first entry must have prev 000...0"
            return line - 1, f"was edited: its hash no longer matches the prev recorded in line {line}"
        if entry.seq > expected:
            if expected in seqs[i + 1 :]:
                later = entries[seqs.index(expected, i + 1)].line
                return line, f"is out of order: it holds entry {entry.seq} but entry {expected} comes later, at line {later}"
            gone = f"entry {expected} is" if entry.seq == expected + 1 else f"entries {expected} to {entry.seq - 1} are"
            where = "at the start of the journal" if i == 0 else f"between lines {line - 1} and {line}"
            return line, f"follows a gap: {gone} missing {where} (deleted)"
        earlier = next((e.line for e in entries[:i] if e.seq == entry.seq), None)
        if earlier is not None:
            return line, f"is out of order or copied: it holds entry {entry.seq}, already at line {earlier}"
        return line, f"is out of order: it holds entry {entry.seq} where entry {expected} belongs"
    return None


def verify_journal(path: str | Path, head: str | None = None) -> VerifyResult:
    """Check the whole chain, and with `head` (the last event code written in the paper logbook) that the
    journal ends exactly there. Problems are reported in the result, naming the first bad line."""
    path = Path(path)
    head_code = normalize_code(head) if head is not None else None
    entries, bad = _parse_lines(_read_text(path))
    count = len(entries)
    last = entries[-1].code if entries else None
    if bad:
        return VerifyResult(count, last, False, f"line {bad[0]} {bad[1]}", bad[0])
    broken = _chain_problem(entries)
    if broken:
        return VerifyResult(count, last, False, f"line {broken[0]} {broken[1]}", broken[0])
    if head_code is None or head_code == last:
        return VerifyResult(count, last, True)
    if last is None:
        return VerifyResult(count, None, False, f"the journal is empty but the paper logbook's last code is {head_code}", None)
    match = next((e for e in entries if e.code == head_code), None)
    if match is None:
        problem = (
            f"the journal ends at {last} (entry {count}) but the paper logbook's last code is {head_code}: "
            "entries are missing from the end of the journal, or the code was copied wrongly"
        )
        return VerifyResult(count, last, False, problem, None)
    after = count - match.seq
    problem = (
        f"the paper logbook's last code {head_code} is entry {match.seq} at line {match.line}, but the journal "
        f"goes on to {last}: {after} entr{'y is' if after == 1 else 'ies are'} not recorded in the paper logbook"
    )
    return VerifyResult(count, last, False, problem, match.line + 1)


def require_intact(path: Path) -> None:
    """Refuse to go on with a broken journal. A journal that does not exist yet is fine (it will be created),
    as long as its folder exists."""
    path = Path(path)
    if path.exists():
        if path.is_dir():
            raise BreakglassError(f"journal {path} is a folder, not a journal file")
        result = verify_journal(path)
        if not result.ok:
            raise BreakglassError(f"journal {path} is broken: {result.problem}; run breakglass journal verify {path}")
    elif not path.parent.is_dir():
        raise BreakglassError(f"journal {path} cannot be created: folder {path.parent} does not exist")


def require_journal(path: Path) -> None:
    """An existing, intact journal. Every command but split (which starts a journal) records into the set's own
    journal: a typo in --journal must be an error, not a new, empty history."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise BreakglassError(f"journal {path} does not exist; give the set's journal (only split starts a new one)")
    require_intact(path)


def stamped(entry: Entry) -> str:
    """An event code with its time, as people copy both into the logbook: 'K7Q2-9XMB at 2026-06-10 02:00 UTC'."""
    return f"{entry.code} at {entry.time[:10]} {entry.time[11:16]} UTC"


# Events that replace a set by a new one and retire the old: rotate (a new credential) and reshare (the same
# credential, new shares and custodians). Both name the old set in "set" and the new one in "new_set".
REPLACING_EVENTS = ("rotate", "reshare")


def created_set(entry: Entry) -> str | None:
    """The set an event brings into being: a split's own set, or the new set of a rotation or reshare; else None."""
    if entry.event == "split":
        return entry.set
    if entry.event in REPLACING_EVENTS:
        new_set = entry.extra.get("new_set")
        return new_set if isinstance(new_set, str) and new_set else None
    return None


def set_origin(entries: list[Entry], set_text: str) -> Entry | None:
    """The journal event that created a set (its split, or the rotation or reshare that made it), or None."""
    return next((e for e in entries if created_set(e) == set_text), None)


def find_event(path: str | Path, code: str) -> Entry:
    """The entry whose event code is `code` (typed the way a person copies it from paper)."""
    wanted = normalize_code(code)
    hits = [e for e in read_journal(path) if e.code == wanted]
    if not hits:
        raise BreakglassError(f"journal {path} has no event {wanted}")
    if len(hits) > 1:
        raise BreakglassError(f"journal {path} has {len(hits)} events with code {wanted} (lines {', '.join(str(e.line) for e in hits)})")
    return hits[0]


# ---------------------------------------------------------------- writing


def _secret_like(key: str) -> bool:
    k = key.lower()
    parts = set(re.split(r"[^a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", key).lower()))
    squashed = re.sub(r"[^a-z0-9]", "", k)
    return bool(parts & _SECRET_WORDS) or any(word in squashed for word in _SECRET_JOINED)


def _check_extra(value: object, where: str) -> None:
    """Extra fields: JSON values only, and no key that names secret material, at any depth."""
    if isinstance(value, dict):
        for key, sub in value.items():
            if not isinstance(key, str):
                raise BreakglassError(f"journal field {where}{key!r}: keys must be strings")
            if _secret_like(key):
                raise BreakglassError(
                    f"refusing journal field '{where}{key}': the journal is not a place for secret or share material"
                )
            _check_extra(sub, f"{where}{key}.")
    elif isinstance(value, (list, tuple)):
        for sub in value:
            _check_extra(sub, where)
    elif isinstance(value, (bytes, bytearray, memoryview)):
        raise BreakglassError(f"refusing journal field '{where.rstrip('.')}': raw bytes do not belong in the journal")
    elif value is not None and not isinstance(value, (str, int, float, bool)):
        raise BreakglassError(f"journal field '{where.rstrip('.')}' is not a JSON value ({type(value).__name__})")


def _utc_text(now: datetime | None) -> str:
    moment = now or datetime.now(timezone.utc)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    # A naive datetime is taken to be UTC already.
    return moment.strftime(TIME_FORMAT)


def build_entry(
    previous: Entry | None,
    event: str,
    *,
    set_id: str,
    shares: list[int],
    fingerprint: str,
    operator: str | None = None,
    witness: str | None = None,
    extra: dict | None = None,
    now: datetime | None = None,
) -> dict:
    """The object for the entry following `previous` (None: the first). Validates every field."""
    if not isinstance(event, str) or not _EVENT_RE.match(event):
        raise BreakglassError(f"invalid journal event name {event!r} (lowercase letters, digits and '-')")
    set_text = set_id_text(parse_set_id_text(set_id)) if isinstance(set_id, str) else set_id_text(set_id)
    share_list = list(shares)
    if any(type(s) is not int or not 1 <= s <= MAX_SHARES for s in share_list):
        raise BreakglassError(f"journal shares must be share numbers 1..{MAX_SHARES} (got {share_list})")
    if len(set(share_list)) != len(share_list):
        raise BreakglassError(f"journal shares list a share twice ({share_list})")
    for name, person in (("operator", operator), ("witness", witness)):
        if person is not None and (not isinstance(person, str) or not person.strip()):
            raise BreakglassError(f"journal {name} must be a name or None")
    extra = dict(extra or {})
    for key in extra:
        if key in CORE_FIELDS:
            raise BreakglassError(f"journal extra field '{key}' would overwrite a core field")
        if not isinstance(key, str) or not _EXTRA_KEY_RE.match(key):
            raise BreakglassError(f"invalid journal field name {key!r} (lowercase letters, digits and '_')")
    _check_extra(extra, "")
    data = {
        **extra,
        "seq": previous.seq + 1 if previous else 1,
        "time": _utc_text(now),
        "event": event,
        "set": set_text,
        "shares": sorted(share_list),
        "fingerprint": str(fingerprint),
        "operator": operator.strip() if operator else None,
        "witness": witness.strip() if witness else None,
        "prev": previous.hash if previous else GENESIS,
    }
    try:
        canonical(data)
    except (TypeError, ValueError) as e:
        raise BreakglassError(f"journal entry cannot be written as JSON: {e}") from None
    return data


def append_event(
    path: str | Path,
    event: str,
    *,
    set_id: str,
    shares: list[int],
    fingerprint: str,
    operator: str | None = None,
    witness: str | None = None,
    extra: dict | None = None,
    now: datetime | None = None,
) -> Entry:
    """Verify the journal, then append one event as one write, flushed to disk. Creates the file (mode 0600)
    if it does not exist; its folder must exist. Refuses to extend a broken journal."""
    path = Path(path)
    if not path.parent.is_dir():
        raise BreakglassError(f"cannot create journal {path}: folder {path.parent} does not exist")
    created = not path.exists()
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as e:
        raise BreakglassError(f"cannot open journal {path}: {e.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # two writers at once would fork the chain
        with os.fdopen(os.dup(fd), "rb") as f:
            raw = f.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            raise BreakglassError(f"journal {path} is broken at line {line}: not UTF-8 text; run breakglass journal verify") from None
        entries, bad = _parse_lines(text)
        broken = bad or _chain_problem(entries)
        if broken:
            raise BreakglassError(
                f"journal {path} is broken at line {broken[0]}: the line {broken[1]}; "
                f"run breakglass journal verify {path}"
            )
        data = build_entry(
            entries[-1] if entries else None,
            event,
            set_id=set_id,
            shares=shares,
            fingerprint=fingerprint,
            operator=operator,
            witness=witness,
            extra=extra,
            now=now,
        )
        line = (canonical(data) + "\n").encode("utf-8")
        written = os.write(fd, line)
        if written != len(line):
            raise BreakglassError(f"journal {path}: short write ({written} of {len(line)} bytes); run breakglass journal verify")
        os.fsync(fd)
    finally:
        os.close(fd)  # also releases the lock
    if created:
        _fsync_dir(path.parent)
    return Entry.from_data(data, len(entries) + 1)


def _fsync_dir(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
