"""Who did it: the two-person rule every ceremony follows, and how names are compared.

An operator runs the tool and a witness checks every step; they are two different people wherever a ceremony
is recorded (split, recombine, rotate, destroy). The only way round it is an explicit `--solo REASON`, which is
journalled (field `solo`) and which the audit reports as a finding to be explained. Names are compared the
way a person reads them: neither letter case nor spacing makes two people out of one.
"""

from __future__ import annotations

import unicodedata

from ..errors import BreakglassError

SOLO_FIELD = "solo"  # journal field holding the reason a ceremony was done without a second person


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
    if solo is not None and not solo.strip():
        raise BreakglassError("--solo needs a reason, e.g. --solo \"only one administrator reachable during INC-42\"")
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
