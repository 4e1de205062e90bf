"""Whether the provider's records show one part of the credential changed: what each part needs, and why a set
of records is not enough (rules_provider.py applies it to every release).

- password, backup codes, other: one change that counts (not failed, with `by` and `evidence` for a record
  written by hand): the old one stops working when the new one is set.
- MFA device or seed, access key: a NEW one and the old one GONE (an MFA device deactivated or deleted, an access
  key deleted or made inactive), both recorded: a second device or key added beside the old one leaves the old
  one working. An access key deleted must be another key than the one created.
- an older journal that names no parts: its one credential is shown changed by a password change or a rotation
  record row (which names no part), as before parts were recorded.
"""

from __future__ import annotations

from .provider_events import CHANGED, GONE, NEW, PART_WORDS, Evidence

TWO_STEP = ("mfa", "access_key")


def prove(part: str, changes: list[Evidence], legacy: bool) -> tuple[list[Evidence], list[str]]:
    """(the records that show `part` changed, or []; why not, in words) from the changes in the window."""
    if legacy:
        mine = [c for c in changes if c.part in ("", "password")]
    else:
        mine = [c for c in changes if c.part == part]
    why = [f"{c.cited()} ({c.what}) does not count: {c.problem}" for c in mine if not c.proves]
    if not legacy and any(c.part == "" for c in changes):
        why.append(
            "rotation record rows without a part column name no part (give each row's part: "
            "password, mfa, access_key, backup_codes, other)"
        )
    good = [c for c in mine if c.proves]
    if part not in TWO_STEP or legacy:
        return (good[:1], why) if good else ([], why)
    return _two_step(part, good, why)


def _two_step(part: str, good: list[Evidence], why: list[str]) -> tuple[list[Evidence], list[str]]:
    new = [c for c in good if c.action in (NEW, CHANGED)]
    gone = [c for c in good if c.action in (GONE, CHANGED)]
    for n in new:
        for g in gone:
            if g is n and n.action == CHANGED:
                return [n], why
            if g is not n and not (n.key and g.key and n.key == g.key):
                return [n, g], why
    word = PART_WORDS[part]
    if new and not gone:
        why.append(
            f"a new {word} is recorded ({new[0].cited()}, {new[0].stamp()}) but not the old one's removal: "
            f"the {word} on the released sheets may still work"
        )
    elif gone and not new:
        why.append(
            f"the old {word} was removed ({gone[0].cited()}, {gone[0].stamp()}) but no new one is recorded: "
            "the new sheets may hold one the provider does not know"
        )
    elif new:
        why.append(f"the {word} deleted is the one created ({new[0].key}): the old one is not shown removed")
    return [], why
