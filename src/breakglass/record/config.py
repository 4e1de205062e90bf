"""The ceremony configuration: who holds what, and the rules every use of the credential follows.

One TOML file (ceremony/example.toml is the annotated example) describes a credential's ceremony: its label
and scope, k of n, the custodians, the ceremony administrator, witness and auditor, the permitted reasons to
use it, how soon it must be rotated after a use and how often it is drilled. Loading is strict: a missing
key, a wrong type or an unknown key (usually a typo) is a BreakglassError naming the file and the key, so a
ceremony never starts from a configuration that says something other than what its author meant.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BreakglassError
from ..format.share import check_threshold
from ..system.inputs import MAX_CONFIG, read_input
from .credential import Credential
from .credential import parse as parse_credential
from .people import MAX_LABEL, MAX_NAME, MAX_REASON, check_text


@dataclass(frozen=True)
class Person:
    """Someone taking part. For a custodian, `share` is the share number held (None: assigned in order)
    and `copies` how many printed copies of it they keep."""

    name: str
    role: str
    location: str = ""
    share: int | None = None
    copies: int = 1


@dataclass(frozen=True)
class Sheet:
    """One printed sheet and who receives it."""

    share: int
    copy: int
    custodian: Person | None


@dataclass(frozen=True)
class CeremonyConfig:
    label: str
    scope: str
    k: int
    n: int
    custodians: tuple[Person, ...]
    administrator: Person
    witness: Person
    auditor: Person
    permitted_uses: tuple[str, ...]
    rotation_deadline_days: int
    drill_interval_days: int
    contact: str
    place: str = ""
    path: str = ""
    paper: str | None = None  # "a4" or "letter"; None: the commands' default (a4) or their --paper
    rugged: bool = False  # format-2 sheets with level-H codes (split --rugged): a page more a sheet, survives more
    logbook_release_pages: int | None = None  # None: as many as templates/logbook.toml says
    credential: Credential | None = None  # [credential]: what the sheets hold at which provider (credential.py)

    def share_of(self, custodian: Person) -> int:
        """The share number a custodian holds: their `share`, or the lowest number nobody claimed, in file order."""
        return self.assignments()[custodian.name]

    def assignments(self) -> dict[str, int]:
        taken = {p.share for p in self.custodians if p.share is not None}
        free = (i for i in range(1, self.n + 1) if i not in taken)
        return {p.name: p.share if p.share is not None else next(free) for p in self.custodians}

    def sheets(self) -> list[Sheet]:
        """Every sheet to print, by share then copy. Several custodians may hold copies of one share (each keeps
        `copies` of them, numbered on in file order); a share nobody holds gets one unassigned copy."""
        assigned = self.assignments()
        holders: dict[int, list[Person]] = {}
        for p in self.custodians:
            holders.setdefault(assigned[p.name], []).append(p)
        out = []
        for share in range(1, self.n + 1):
            people = holders.get(share, [])
            if not people:
                out.append(Sheet(share, 1, None))
            copy = 1
            for person in people:
                for _ in range(person.copies):
                    out.append(Sheet(share, copy, person))
                    copy += 1
        return out

    def people(self) -> list[Person]:
        """Everyone expected at a ceremony: administrator, witness, auditor, then the custodians."""
        return [self.administrator, self.witness, self.auditor, *self.custodians]


_TOP_KEYS: dict[str, type | tuple[type, ...]] = {
    "label": str,
    "scope": str,
    "k": int,
    "n": int,
    "place": str,
    "contact": str,
    "permitted_uses": list,
    "rotation_deadline_days": int,
    "drill_interval_days": int,
    "administrator": (dict, str),
    "witness": (dict, str),
    "auditor": (dict, str),
    "custodians": list,
    "paper": str,
    "rugged": bool,
    "logbook_release_pages": int,
    "credential": dict,
}
_REQUIRED = [
    "label",
    "scope",
    "k",
    "n",
    "custodians",
    "administrator",
    "witness",
    "auditor",
    "permitted_uses",
    "contact",
]
_PERSON_KEYS = {"name": str, "role": str, "location": str}
_CUSTODIAN_KEYS = {**_PERSON_KEYS, "share": int, "copies": int}
_DEFAULT_ROLES = {"administrator": "Ceremony administrator", "witness": "Witness", "auditor": "Auditor"}
DEFAULT_ROTATION_DEADLINE_DAYS = 7
DEFAULT_DRILL_INTERVAL_DAYS = 90
PAPER_SIZES = ("a4", "letter")
MAX_RELEASE_PAGES = 50

_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    list: "a list",
    dict: "a table",
    bool: "true/false",
    float: "a number",
}


def _type_name(value: object) -> str:
    for t, name in _TYPE_NAMES.items():
        if type(value) is t:
            return name
    return type(value).__name__


class _Checker:
    def __init__(self, path: str):
        self.path = path

    def fail(self, key: str, message: str) -> BreakglassError:
        return BreakglassError(f"{self.path}: {key} {message}" if key else f"{self.path}: {message}")

    def typed(self, key: str, value: Any, expected: type | tuple[type, ...]) -> Any:
        types = expected if isinstance(expected, tuple) else (expected,)
        # bool is a subclass of int in Python; in TOML true is not a number, so refuse it explicitly.
        if isinstance(value, bool) and bool not in types or not isinstance(value, types):
            wanted = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)
            raise self.fail(key, f"must be {wanted} (got {_type_name(value)})")
        return value

    def known(self, where: str, table: dict, allowed: dict) -> None:
        unknown = sorted(set(table) - set(allowed))
        if unknown:
            names = ", ".join(f"{where}{k}" for k in unknown)
            expected = ", ".join(allowed)
            raise BreakglassError(
                f"{self.path}: unknown key{'s' if len(unknown) > 1 else ''} {names} (expected: {expected})"
            )

    def text(self, key: str, value: Any, *, required: bool = True) -> str:
        value = self.typed(key, value, str)
        if required and not value.strip():
            raise self.fail(key, "must not be empty")
        limit = MAX_LABEL if key in ("label", "scope") else MAX_REASON if key.startswith("permitted_uses") else MAX_NAME
        check_text(f"{self.path}: {key}", value, limit)
        return value.strip()

    def person(self, key: str, value: Any, default_role: str) -> Person:
        if isinstance(value, str):
            return Person(self.text(key, value), default_role)
        self.known(f"{key}.", value, _PERSON_KEYS)
        if "name" not in value:
            raise self.fail(f"{key}.name", "is missing")
        for sub, t in _PERSON_KEYS.items():
            if sub in value:
                self.typed(f"{key}.{sub}", value[sub], t)
        return Person(
            self.text(f"{key}.name", value["name"]),
            self.text(f"{key}.role", value.get("role", default_role)),
            self.text(f"{key}.location", value.get("location", ""), required=False),
        )

    def custodian(self, key: str, value: Any, n: int) -> Person:
        self.typed(key, value, dict)
        self.known(f"{key}.", value, _CUSTODIAN_KEYS)
        for sub in ("name", "role", "location"):
            if sub not in value:
                raise self.fail(f"{key}.{sub}", "is missing")
        for sub, t in _CUSTODIAN_KEYS.items():
            if sub in value:
                self.typed(f"{key}.{sub}", value[sub], t)
        share = value.get("share")
        if share is not None and not 1 <= share <= n:
            raise self.fail(f"{key}.share", f"must be a share number from 1 to {n} (got {share})")
        copies = value.get("copies", 1)
        if not 1 <= copies <= 9:
            raise self.fail(f"{key}.copies", f"must be from 1 to 9 (got {copies})")
        return Person(
            self.text(f"{key}.name", value["name"]),
            self.text(f"{key}.role", value["role"]),
            self.text(f"{key}.location", value["location"]),
            share,
            copies,
        )

    def paper(self, key: str, value: object) -> str:
        text = str(self.typed(key, value, str)).strip().lower()
        if text not in PAPER_SIZES:
            raise self.fail(key, f"must be one of {', '.join(PAPER_SIZES)} (got {value!r})")
        return text

    def count(self, key: str, value: Any, low: int, high: int) -> int:
        value = self.typed(key, value, int)
        if not low <= value <= high:
            raise self.fail(key, f"must be from {low} to {high} (got {value})")
        return value

    def days(self, key: str, value: Any, low: int, high: int) -> int:
        value = self.typed(key, value, int)
        if not low <= value <= high:
            raise self.fail(key, f"must be from {low} to {high} days (got {value})")
        return value


def load_config(path: str | Path) -> CeremonyConfig:
    """Read and check a ceremony TOML file; every problem is a one-line BreakglassError naming file and key."""
    path = Path(path)
    where = str(path)
    raw = read_input(path, "ceremony configuration", MAX_CONFIG)
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))  # a byte-order mark (some Windows editors add one) is fine
    except UnicodeDecodeError:
        raise BreakglassError(f"{where}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise BreakglassError(f"{where}: not valid TOML: {e}") from None
    except RecursionError:
        raise BreakglassError(f"{where}: not a ceremony configuration (nested too deeply)") from None
    return config_from_dict(data, where)


def config_from_dict(data: dict, where: str = "<config>") -> CeremonyConfig:
    c = _Checker(where)
    c.known("", data, _TOP_KEYS)
    for key in _REQUIRED:
        if key not in data:
            raise c.fail(key, "is missing")
    for key, t in _TOP_KEYS.items():
        if key in data:
            c.typed(key, data[key], t)
    k, n = data["k"], data["n"]
    try:
        check_threshold(k, n)
    except BreakglassError as e:
        raise c.fail("k/n", f"are invalid: {e}") from None

    custodians = tuple(c.custodian(f"custodians[{i + 1}]", v, n) for i, v in enumerate(data["custodians"]))
    # Copies of one share may go to different people (same `share`); every other custodian needs a share of their own.
    shares_needed = len({p.share for p in custodians if p.share is not None}) + sum(p.share is None for p in custodians)
    if shares_needed > n:
        raise c.fail(
            "custodians",
            f"needs {shares_needed} shares but only n = {n} are made (give copies of one share the same `share` number)",
        )
    if len(custodians) < k:
        raise c.fail("custodians", f"lists {len(custodians)} people but k = {k} shares are needed to recover")
    names: dict[str, int] = {}
    for i, p in enumerate(custodians, 1):
        if p.name.casefold() in names:
            raise c.fail(
                f"custodians[{i}].name",
                f"'{p.name}' is already custodians[{names[p.name.casefold()]}]: one person holds one share",
            )
        names[p.name.casefold()] = i
    copies_of_share: dict[int, int] = {}
    for p in custodians:
        if p.share is not None:
            copies_of_share[p.share] = copies_of_share.get(p.share, 0) + p.copies
    for share, count in copies_of_share.items():
        if count > 9:
            raise c.fail("custodians", f"share {share} would have {count} copies; at most 9")

    roles = {key: c.person(key, data[key], _DEFAULT_ROLES[key]) for key in ("administrator", "witness", "auditor")}
    if roles["witness"].name.casefold() == roles["administrator"].name.casefold():
        raise c.fail("witness", "must be someone other than the administrator (the witness checks the administrator)")

    uses = []
    for i, use in enumerate(data["permitted_uses"]):
        uses.append(c.text(f"permitted_uses[{i + 1}]", use))
    if not uses:
        raise c.fail("permitted_uses", "must list at least one permitted reason to use the credential")
    if len({u.casefold() for u in uses}) != len(uses):
        raise c.fail("permitted_uses", "lists the same use twice")

    return CeremonyConfig(
        label=c.text("label", data["label"]),
        scope=c.text("scope", data["scope"]),
        k=k,
        n=n,
        custodians=custodians,
        administrator=roles["administrator"],
        witness=roles["witness"],
        auditor=roles["auditor"],
        permitted_uses=tuple(uses),
        rotation_deadline_days=c.days(
            "rotation_deadline_days", data.get("rotation_deadline_days", DEFAULT_ROTATION_DEADLINE_DAYS), 1, 365
        ),
        drill_interval_days=c.days(
            "drill_interval_days", data.get("drill_interval_days", DEFAULT_DRILL_INTERVAL_DAYS), 1, 3660
        ),
        contact=c.text("contact", data["contact"]),
        place=c.text("place", data.get("place", ""), required=False),
        path=where,
        paper=c.paper("paper", data["paper"]) if "paper" in data else None,
        rugged=data.get("rugged", False),
        logbook_release_pages=c.count("logbook_release_pages", data["logbook_release_pages"], 1, MAX_RELEASE_PAGES)
        if "logbook_release_pages" in data
        else None,
        credential=parse_credential(data["credential"], where) if "credential" in data else None,
    )
