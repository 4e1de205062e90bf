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

import errno
import fcntl
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from ..errors import BreakglassError
from ..format import encoding
from ..format.share import MAX_SHARES, parse_set_id_text, set_id_text
from ..system import files, interrupts
from ..system.inputs import MAX_JOURNAL, kind_of, size_text
from .entry_rules import CORE_FIELDS, EVENT_RE, EXTRA_KEY_RE, TIME_FORMAT, check_extra, shape_problem

GENESIS = "0" * 64
CODE_CHARS = 8  # 40 bits of the entry hash, in Crockford base32
KNOWN_EVENTS = ("split", "drill", "release", "rotate", "reshare", "expand", "destroy", "note", "repair")
NO_SET = "0000-0000-0000-0000"  # the set of an event about the journal itself (a repair), not about a set
MAX_LINE = 1024 * 1024  # one entry; breakglass writes at most a few kB (a 255-share split ~100 kB)
REPAIR_HINT = "run breakglass journal repair {path} to set the broken part aside (kept as evidence) and go on"


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
        return datetime.strptime(self.time, TIME_FORMAT).replace(tzinfo=UTC)

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
    repairable: bool = False  # a broken line or chain (journal repair helps), not a mismatch with the paper


# ---------------------------------------------------------------- reading


def _parse_line(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    if len(raw) > MAX_LINE:
        return None, f"is longer than {size_text(MAX_LINE)}: not an entry breakglass writes"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "is not UTF-8 text"
    if not text.strip():
        return None, "is empty"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        return None, f"is not valid JSON ({e.msg} at column {e.colno})"
    except RecursionError:
        return None, "is not valid JSON (nested too deeply)"
    except ValueError as e:  # e.g. an integer of thousands of digits
        return None, f"is not valid JSON ({str(e).splitlines()[0][:80]})"
    problem = shape_problem(data)
    if problem:
        return None, problem
    if canonical(data) != text:
        return None, "was edited (it is not in the exact form breakglass writes)"
    return data, None


@dataclass(frozen=True)
class Parsed:
    """A journal file read line by line, up to the first line that is not a well-formed entry."""

    entries: list[Entry]
    bad: tuple[int, str] | None  # (line number, why) of the first bad line
    good_bytes: int  # length of the well-formed lines before it

    @property
    def incomplete_tail(self) -> bool:
        return self.bad is not None and self.bad[1].startswith("is incomplete")


def parse(raw: bytes) -> Parsed:
    """Entries up to the first line that is not a well-formed entry, and (line number, reason) for that line."""
    entries: list[Entry] = []
    offset = 0
    number = 0
    while offset < len(raw):
        number += 1
        end = raw.find(b"\n", offset)
        if end < 0:
            why = "is incomplete (no line end): the last write was cut off by a power cut, a full disk or a crash"
            return Parsed(entries, (number, why), offset)
        data, problem = _parse_line(raw[offset:end])
        if problem:
            return Parsed(entries, (number, problem), offset)
        entries.append(Entry.from_data(cast(dict[str, Any], data), number))  # no problem: data
        offset = end + 1
    return Parsed(entries, None, offset)


def _check_file(fd: int, path: Path) -> int:
    """The size of the journal open at fd; refuses anything but a regular file of a sane size."""
    st = os.fstat(fd)
    kind = kind_of(st.st_mode)
    if kind:
        raise BreakglassError(f"journal {path} is {kind}, not a journal file (give the journal file itself)")
    if st.st_size > MAX_JOURNAL:
        raise BreakglassError(f"journal {path} is over {size_text(MAX_JOURNAL)}; that is not a breakglass journal")
    return st.st_size


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def read_bytes(path: Path) -> bytes:
    """The journal's bytes, read under a shared lock so that a writer's line is never seen half-written."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise BreakglassError(f"journal {path} does not exist") from None
    except IsADirectoryError:
        raise BreakglassError(f"journal {path} is a folder, not a journal file") from None
    except OSError as e:
        raise BreakglassError(f"cannot read journal {path}: {files.reason(e)}") from None
    try:
        _check_file(fd, path)
        os.set_blocking(fd, True)
        fcntl.flock(fd, fcntl.LOCK_SH)
        raw = _read_all(fd)
        if len(raw) > MAX_JOURNAL:
            raise BreakglassError(f"journal {path} is over {size_text(MAX_JOURNAL)}; that is not a breakglass journal")
        return raw
    except OSError as e:
        raise BreakglassError(f"cannot read journal {path}: {files.reason(e)}") from None
    finally:
        os.close(fd)  # also releases the lock


def read_journal(path: str | Path) -> list[Entry]:
    """All entries, in file order. Lines that are not entries are an error naming the line; the chain is not
    checked here (verify_journal does that)."""
    path = Path(path)
    parsed = parse(read_bytes(path))
    if parsed.bad:
        hint = f"; {REPAIR_HINT.format(path=path)}" if parsed.incomplete_tail else ""
        raise BreakglassError(f"journal {path} line {parsed.bad[0]} {parsed.bad[1]}{hint}")
    return parsed.entries


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
                return (
                    line,
                    f"is out of order: it holds entry {entry.seq} but entry {expected} comes later, at line {later}",
                )
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
    parsed = parse(read_bytes(path))
    entries, bad = parsed.entries, parsed.bad
    count = len(entries)
    last = entries[-1].code if entries else None
    broken = bad or _chain_problem(entries)
    if broken:
        return VerifyResult(count, last, False, f"line {broken[0]} {broken[1]}", broken[0], repairable=True)
    if last is None:
        paper = f" but the paper logbook's last code is {head_code}" if head_code else ""
        return VerifyResult(count, None, False, f"the journal is empty (it holds no event){paper}", None)
    if head_code is None or head_code == last:
        return VerifyResult(count, last, True)
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


def broken_message(path: Path, problem: str | None) -> str:
    return f"journal {path} is broken: {problem}; {REPAIR_HINT.format(path=path)}"


def require_intact(path: Path) -> None:
    """Refuse to go on with a broken journal, before any work. A journal that does not exist yet is fine (it
    will be created) as long as its folder exists; so is an empty file (a first write cut off at once leaves
    one). A symbolic link is refused: the journal is appended to, and breakglass never writes through a link."""
    path = Path(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise BreakglassError(f"journal {path} cannot be created: folder {path.parent} does not exist") from None
        return
    except OSError as e:
        raise BreakglassError(f"cannot read journal {path}: {files.reason(e)}") from None
    kind = kind_of(st.st_mode)
    if kind:
        raise BreakglassError(f"journal {path} is {kind}, not a journal file (give the journal file itself)")
    if st.st_size == 0:
        return
    result = verify_journal(path)
    if not result.ok:
        raise BreakglassError(broken_message(path, result.problem))


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


def origin_fingerprint(origin: Entry) -> str:
    """The fingerprint of the set an event made (set_origin's answer): a split's own, a rotation's or reshare's
    new_fingerprint (its own fingerprint field is the retired set's); "" if the entry does not say."""
    recorded = origin.fingerprint if origin.event == "split" else origin.extra.get("new_fingerprint")
    return recorded if isinstance(recorded, str) else ""


def find_event(path: str | Path, code: str) -> Entry:
    """The entry whose event code is `code` (typed the way a person copies it from paper)."""
    wanted = normalize_code(code)
    hits = [e for e in read_journal(path) if e.code == wanted]
    if not hits:
        raise BreakglassError(f"journal {path} has no event {wanted}")
    if len(hits) > 1:
        raise BreakglassError(
            f"journal {path} has {len(hits)} events with code {wanted} (lines {', '.join(str(e.line) for e in hits)})"
        )
    return hits[0]


# ---------------------------------------------------------------- writing


def _utc_text(now: datetime | None) -> str:
    moment = now or datetime.now(UTC)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
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
    if not isinstance(event, str) or not EVENT_RE.match(event):
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
        if not isinstance(key, str) or not EXTRA_KEY_RE.match(key):
            raise BreakglassError(f"invalid journal field name {key!r} (lowercase letters, digits and '_')")
    check_extra(extra)
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


def _open_for_append(path: Path) -> tuple[int, bool]:
    """The journal open for appending and locked, and whether it was created now. Refuses links and special
    files; waits for another writer's lock (Ctrl-C still works while waiting). If the file was replaced while
    waiting (a repair renames a new journal into place), the new one is opened instead: two writers never
    extend two different files, so the chain never forks."""
    for _ in range(50):
        created = not os.path.lexists(path)
        try:
            fd = os.open(
                path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o600
            )
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise BreakglassError(f"journal {path} is a symbolic link; give the journal file itself") from None
            if isinstance(e, IsADirectoryError):
                raise BreakglassError(f"journal {path} is a folder, not a journal file") from None
            raise BreakglassError(f"cannot open journal {path}: {files.reason(e)}") from None
        try:
            _check_file(fd, path)
            os.set_blocking(fd, True)
            fcntl.flock(fd, fcntl.LOCK_EX)
            here = os.fstat(fd)
            there = os.lstat(path)
        except FileNotFoundError:
            os.close(fd)
            continue
        except BaseException:
            os.close(fd)
            raise
        if (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino):
            if created:
                os.fchmod(fd, 0o600)
            return fd, created
        os.close(fd)
    raise BreakglassError(f"journal {path} keeps being replaced while breakglass waits to write to it")


def _write_line(fd: int, path: Path, line: bytes) -> None:
    """Append one line whole, or leave the journal as it was (a full disk must not leave half a line)."""
    size = os.fstat(fd).st_size
    try:
        files.write_all(fd, line)
        os.fsync(fd)
    except OSError as e:
        try:
            os.ftruncate(fd, size)
            os.fsync(fd)
        except OSError:
            pass
        raise BreakglassError(f"cannot write to journal {path}: {files.reason(e)}; nothing was recorded") from None


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
    publish: Callable[[Entry], Callable[[], None]] | None = None,
) -> Entry:
    """Verify the journal, then append one event as one write, flushed to disk. Creates the file (mode 0600)
    if it does not exist; its folder must exist. Refuses to extend a broken journal.

    `publish(entry)`, if given, runs under the journal's lock just before the line is written: it puts in
    place what the event records (the sheets of a split, the credential file of a release) and returns how to
    take that back. If the line cannot be written it is taken back, so the journal records only what
    happened, and what it records did happen. Signals wait until both are done.
    """
    path = Path(path)
    fields: dict[str, Any] = dict(
        set_id=set_id, shares=shares, fingerprint=fingerprint, operator=operator, witness=witness, extra=extra, now=now
    )
    build_entry(None, event, **fields)  # refuse bad fields before the file is even created
    if not path.parent.is_dir():
        raise BreakglassError(f"cannot create journal {path}: folder {path.parent} does not exist")
    fd, created = _open_for_append(path)
    try:
        entry = _append_locked(fd, path, event, fields, publish)
    except BaseException:
        if created:  # a journal this call created and could not write to: not left behind empty
            _remove_if_empty(fd, path)
        raise
    finally:
        os.close(fd)  # also releases the lock
    if created:
        files.fsync_folder(path.parent)
    return entry


def _append_locked(fd: int, path: Path, event: str, fields: dict, publish) -> Entry:
    parsed = parse(_read_all(fd))
    broken = parsed.bad or _chain_problem(parsed.entries)
    if broken:
        raise BreakglassError(broken_message(path, f"line {broken[0]} {broken[1]}"))
    data = build_entry(parsed.entries[-1] if parsed.entries else None, event, **fields)
    entry = Entry.from_data(data, len(parsed.entries) + 1)
    line = (canonical(data) + "\n").encode("utf-8")
    with interrupts.deferred():
        undo = publish(entry) if publish else None
        try:
            _write_line(fd, path, line)
        except BaseException:
            if undo:
                undo()
            raise
        interrupts.keep(f"{path} (journal event {entry.code})")
    return entry


def _remove_if_empty(fd: int, path: Path) -> None:
    with interrupts.deferred():
        try:
            here, there = os.fstat(fd), os.lstat(path)
            if here.st_size == 0 and (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino):
                os.unlink(path)
        except OSError:
            pass
