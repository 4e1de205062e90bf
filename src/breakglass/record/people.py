"""Who did it: the two-person rule every ceremony follows, and how names are compared.

An operator runs the tool and a witness checks every step; they are two different people wherever a ceremony
is recorded (split, recombine, rotate, destroy). The only way round it is an explicit `--solo REASON`, which is
journalled (field `solo`) and which the audit reports as a finding to be explained. Names are compared the
way a person reads them: neither letter case nor spacing makes two people out of one.
"""

from __future__ import annotations

import unicodedata

from ..errors import BreakglassError
from ..system.output import UNSAFE

SOLO_FIELD = "solo"  # journal field holding the reason a ceremony was done without a second person

# How long a text the tool takes may be: a name, role, place or bag serial; what the credential is (printed as
# a sheet's title and in its file names); a reason, incident or note. Far above any real one, far below what
# would make a sheet, a journal line or a terminal unreadable.
MAX_NAME = 200
MAX_LABEL = 200
MAX_REASON = 1000


def check_text(field: str, value: str | None, limit: int = MAX_NAME) -> str | None:
    """Refuse, in one line naming `field` (an option such as --witness, or a config key), a name, label or
    reason that holds a control or direction-override character (system.output.UNSAFE: it would reach a
    terminal, a journal table or a PDF raw) or is longer than `limit` characters. The one check every text
    the tool takes goes through; returns `value` unchanged."""
    if value is None:
        return None
    if len(value) > limit:
        raise BreakglassError(f"{field} is {len(value):,} characters long; the most it may be is {limit:,} characters")
    bad = UNSAFE.search(value)
    if bad:
        ch = bad.group()
        name = unicodedata.name(ch, "")
        raise BreakglassError(
            f"{field} holds a control or text-direction character (U+{ord(ch):04X}"
            f"{' ' + name if name else ''} at character {bad.start() + 1}): use plain text"
        )
    return value


def name_key(name: str | None) -> str:
    """A name as compared: Unicode-normalised, case-folded, runs of spaces collapsed ('  Ada  ADMIN' == 'ada admin'),
    invisible format characters (zero-width spaces and joiners, direction marks) dropped: what looks like one name
    is one person."""
    visible = "".join(ch for ch in unicodedata.normalize("NFKC", name or "") if unicodedata.category(ch) != "Cf")
    return " ".join(visible.casefold().split())


def same_person(a: str | None, b: str | None) -> bool:
    """True when both names are given and read as the same person."""
    return bool(name_key(a)) and name_key(a) == name_key(b)


def check_two_people(operator: str | None, witness: str | None, solo: str | None, *, journalled: bool) -> None:
    """Refuse, before any work, a recorded ceremony that lacks its operator or witness, or whose witness is
    the operator, unless `solo` gives the reason (then the witness may be absent or the same person).

    Nothing is recorded without a journal, so only the same-name rule applies then."""
    check_text("--operator", operator)
    check_text("--witness", witness)
    check_text("--solo", solo, MAX_REASON)
    if solo is not None and not solo.strip():
        raise BreakglassError('--solo needs a reason, e.g. --solo "only one administrator reachable during INC-42"')
    if solo:
        if not journalled:
            raise BreakglassError("--solo is recorded in the journal: give --journal too, or drop --solo")
        if not name_key(operator):
            raise BreakglassError("a solo ceremony still records who ran it: give --operator NAME")
        return
    if same_person(operator, witness):
        raise BreakglassError(
            f"the witness ({witness}) is the operator: the witness must be someone else "
            "(or give --solo REASON, which is recorded and reported by the audit)"
        )
    if journalled:
        missing = [flag for flag, name in (("--operator", operator), ("--witness", witness)) if not name_key(name)]
        if missing:
            raise BreakglassError(
                f"the journal records who did this: give {' and '.join(missing)} NAME "
                "(two different people; --solo REASON if only one is there)"
            )
