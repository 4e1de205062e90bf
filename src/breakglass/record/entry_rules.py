"""What a journal entry may hold: the shape every line read must have, and what may never be written.

    shape_problem(data)       why a parsed line is not an entry breakglass writes, or None
    check_extra(value)        refuse extra fields that are not plain JSON or that name secret material

Reading is strict about the core fields (their types, a set id that is one, a time that is a real time);
extra fields are JSON of any shape: a hand-made journal (a chain rewritten with fresh hashes) may hold odd
ones, and every reader of an extra field checks its type itself (record/sets.py), so the audit can still
judge such a journal and report what is wrong with it.
"""

from __future__ import annotations

import re
from datetime import datetime

from ..errors import BreakglassError

CORE_FIELDS = ("seq", "time", "event", "set", "shares", "fingerprint", "operator", "witness", "prev")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
EVENT_RE = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
EXTRA_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_SET_RE = re.compile(r"^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
MAX_NUMBER = 10**6  # share numbers: anything larger is not written by breakglass

# Words that mark a field as secret material; matched against the parts of a key split at '_'.
_SECRET_WORDS = {
    "secret",
    "secrets",
    "credential",
    "credentials",
    "password",
    "passwords",
    "passphrase",
    "pin",
    "key",
    "keys",
    "token",
    "tokens",
    "private",
    "seed",
    "mnemonic",
    "plaintext",
    "cleartext",
    "otp",
    "totp",
}
_SECRET_JOINED = ("sharedata", "keyshare", "sharetext", "sharebytes", "apikey", "secretkey", "privatekey", "datakey")


def _numbers(value: object) -> bool:
    return isinstance(value, list) and all(type(v) is int and 0 <= v <= MAX_NUMBER for v in value)


def _set_text(value: object) -> bool:
    return isinstance(value, str) and bool(_SET_RE.match(value))


def _time_ok(value: object) -> bool:
    if not isinstance(value, str) or not _TIME_RE.match(value):
        return False
    try:
        datetime.strptime(value, TIME_FORMAT)
    except ValueError:  # 2026-13-45T99:99:99Z has the right digits but is no time
        return False
    return True


def shape_problem(data: object) -> str | None:
    """Why a parsed line is not a journal entry, or None."""
    if not isinstance(data, dict):
        return "is not a JSON object"
    missing = [k for k in CORE_FIELDS if k not in data]
    if missing:
        return f"lacks {', '.join(missing)}"
    checks = [
        ("seq", type(data["seq"]) is int and 1 <= data["seq"] <= 10**9),
        ("time", _time_ok(data["time"])),
        ("event", isinstance(data["event"], str) and bool(EVENT_RE.match(data["event"]))),
        ("set", _set_text(data["set"])),
        ("shares", _numbers(data["shares"])),
        ("fingerprint", isinstance(data["fingerprint"], str)),
        ("operator", data["operator"] is None or isinstance(data["operator"], str)),
        ("witness", data["witness"] is None or isinstance(data["witness"], str)),
        ("prev", isinstance(data["prev"], str) and bool(_HEX64.match(data["prev"]))),
    ]
    bad = [name for name, good in checks if not good]
    if bad:
        return f"has an invalid {', '.join(bad)}"
    return None


def _secret_like(key: str) -> bool:
    k = key.lower()
    parts = set(re.split(r"[^a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", key).lower()))
    squashed = re.sub(r"[^a-z0-9]", "", k)
    return bool(parts & _SECRET_WORDS) or any(word in squashed for word in _SECRET_JOINED)


MAX_DEPTH = 8  # extra fields breakglass writes are at most three levels deep


def check_extra(value: object, where: str = "", depth: int = 0) -> None:
    """Extra fields: JSON values only, not nested deeper than MAX_DEPTH, and no key naming secret material."""
    if depth > MAX_DEPTH:
        raise BreakglassError(f"journal field '{where.rstrip('.')}' is nested too deeply")
    if isinstance(value, dict):
        for key, sub in value.items():
            if not isinstance(key, str):
                raise BreakglassError(f"journal field {where}{key!r}: keys must be strings")
            if _secret_like(key):
                raise BreakglassError(
                    f"refusing journal field '{where}{key}': the journal is not a place for secret or share material"
                )
            check_extra(sub, f"{where}{key}.", depth + 1)
    elif isinstance(value, (list, tuple)):
        for sub in value:
            check_extra(sub, where, depth + 1)
    elif isinstance(value, (bytes, bytearray, memoryview)):
        raise BreakglassError(f"refusing journal field '{where.rstrip('.')}': raw bytes do not belong in the journal")
    elif value is not None and not isinstance(value, (str, int, float, bool)):
        raise BreakglassError(f"journal field '{where.rstrip('.')}' is not a JSON value ({type(value).__name__})")
