"""The custodian-change scripts (ceremony/expand.md, reshare.md) followed to the letter end in a CLEAN audit,
and a planted deviation gives its finding.

The walker of tests/walkers.py reads each script step by step and runs its commands; here it adds a
new custodian to a set (expand), then reshares the set to new custodians when one leaves, and destroys every
old sheet, expanded one included. After the reshare the old sheets are refused by recombine, naming it.
"""

from __future__ import annotations

from breakglass.record.journal import read_journal
from helpers import findings, run, text
from walkers import CONFIG, NEW_CUSTODIAN, OPERATOR, RESHARED, WITNESS, ChangeWalker, destroy_after_change

# `changed` (the custodian change walked once) and `walks` (its checkpoints) are tests/conftest.py's.


def test_expand_and_reshare_followed_to_the_letter_audit_clean(changed):
    events = [e.event for e in read_journal(changed.journal)]
    assert events == ["split", "drill", "expand", "drill", "reshare", "drill", "destroy"]
    result = changed.audit(as_of="2026-06-15")
    assert result.returncode == 0, text(result)
    assert "CLEAN: no findings." in text(result)
    assert (changed.base / "change-checklist.pdf").is_file()


def test_the_journal_records_the_expansion_and_the_reshare(changed):
    entries = read_journal(changed.journal)
    expand = next(e for e in entries if e.event == "expand")
    assert list(expand.shares) == [1, 2] and expand.extra["new_shares"] == [4] and expand.extra["n"] == 4
    assert expand.extra["sheets"] == [{"share": 4, "copy": 1, "holder": NEW_CUSTODIAN}]
    reshare = next(e for e in entries if e.event == "reshare")
    assert reshare.set == changed.folders["sheets"] and reshare.extra["new_set"] == changed.folders["reshared"]
    assert list(reshare.shares) == [1, 4] and reshare.fingerprint == expand.fingerprint
    assert [s["holder"] for s in reshare.extra["sheets"]] == list(RESHARED.values())
    journal_text = changed.journal.read_text()
    assert "walk-old-root-password" not in journal_text


def test_after_the_reshare_the_old_sheets_are_refused_naming_it(changed):
    reshare = next(e for e in read_journal(changed.journal) if e.event == "reshare")
    old = changed.sheets("sheets", (2, 3))
    result = run(
        "recombine",
        "--journal",
        changed.journal,
        "--verify-only",
        "--operator",
        OPERATOR,
        "--witness",
        WITNESS,
        *old,
        env={"BREAKGLASS_FAKE_TIME": "2026-04-03T10:00:00Z"},
    )
    assert result.returncode == 1, text(result)
    assert f"retired by reshare {reshare.code}" in text(result) and "Traceback" not in text(result)
    # the new sheets, of the same credential, still recover it
    result = run("recombine", "--out", "-", *changed.sheets("reshared", (1, 3)))
    assert result.returncode == 0 and result.stdout == b"walk-old-root-password", text(result)


def test_an_old_sheet_not_destroyed_past_the_deadline_is_named(walks, tmp_path):
    w = destroy_after_change(walks.copy("reshared", tmp_path), destroyed=(("sheets", 1), ("sheets", 2), ("sheets", 3)))
    found = findings(w.audit(as_of="2026-06-15"))
    assert len(found) == 1 and "[destruction]" in found[0], found
    assert "share 4 copy 1 (Dan Dawson)" in found[0] and "due by 2026-04-08" in found[0], found


def test_an_old_sheet_inside_the_deadline_is_a_note(walks, tmp_path):
    w = walks.copy("split", tmp_path, ChangeWalker)
    w.reshare("2026-04-01T10:00:00", old_scans=(("sheets", 1), ("sheets", 3)))
    result = w.audit(as_of="2026-04-03")
    assert result.returncode == 0, text(result)
    assert "awaiting destruction of share 1 copy 1 (Alice Archer)" in text(result)


def test_a_new_sheet_handed_to_someone_who_then_holds_k_shares_is_named(walks, tmp_path):
    w = walks.copy("split", tmp_path, ChangeWalker)
    # The config given to the ceremony gives Alice (share 1) the new share 4 too: k is 2.
    output = w.expansion("2026-02-10T10:00:00", new_custodian="Alice Archer", config=_alice_twice_config())
    assert "WARNING: Alice Archer would hold 2 distinct shares" in output
    found = findings(w.audit(as_of="2026-03-01"))
    holders = [f for f in found if "[holders]" in f]
    assert len(holders) == 1 and "one holder (Alice Archer) holds 2 distinct shares, k is 2" in holders[0]
    assert "(shares 1 and 4, after the expansion on 2026-02-10)" in holders[0], found


def _alice_twice_config() -> str:
    """A config where Alice is listed for the new share 4 and Bob and Carol keep 2 and 3 (share 1 unlisted)."""
    head = CONFIG.split("\n[[custodians]]")[0].replace("n = 3", "n = 4")
    people = {2: "Bob Baker", 3: "Carol Chen", 4: "Alice Archer"}
    return head + "".join(
        f'\n[[custodians]]\nname = "{name}"\nrole = "Custodian"\nlocation = "Safe {i}"\nshare = {i}\n'
        for i, name in people.items()
    )


def test_a_reshare_is_not_a_rotation(walks, tmp_path):
    """A release before a reshare still needs a rotation: the reshare passes the same credential on, says so,
    and the audit does not count it as the rotation."""
    w = walks.copy("split", tmp_path, ChangeWalker)
    w.use("release", "2026-02-10T02:00:00", (2, 3), incident="INC-9", reason="IdP outage")
    w.expansion("2026-02-10T10:00:00", scanned=(1, 2))
    w.reshare("2026-02-11T10:00:00", old_scans=(("sheets", 3), ("expanded", 4)))
    reshare = next(e for e in read_journal(w.journal) if e.event == "reshare")
    found = findings(w.audit(as_of="2026-03-01"))
    rotation = [f for f in found if "[rotation]" in f]
    assert len(rotation) == 1 and f"reshare {reshare.code} kept the same credential" in rotation[0], found
