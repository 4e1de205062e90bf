"""The custodian-change scripts (ceremony/expand.md, reshare.md) followed to the letter end in a CLEAN audit,
and a planted deviation gives its finding.

The walker of test_ceremony_scripts.py reads each script step by step and runs its commands; here it adds a
new custodian to a set (expand), then reshares the set to new custodians when one leaves, and destroys every
old sheet, expanded one included. After the reshare the old sheets are refused by recombine, naming it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_audit_scenarios import findings
from test_ceremony_scripts import CONFIG, HOLDERS, OPERATOR, WITNESS, Walker
from test_cli import run, text

from breakglass.record.journal import read_journal

NEW_CUSTODIAN = "Dan Dawson"
# After the expansion: the set has 4 share numbers; Dan holds the new share 4.
EXPANDED_CONFIG = CONFIG.replace("n = 3", "n = 4") + (
    f'\n[[custodians]]\nname = "{NEW_CUSTODIAN}"\nrole = "Custodian"\nlocation = "Safe 4"\nshare = 4\n')
# The new set after Bob leaves: Alice, Carol and Dan, any 2 of 3.
RESHARED = {1: "Alice Archer", 2: "Carol Chen", 3: NEW_CUSTODIAN}
RESHARED_CONFIG = CONFIG.split("\n[[custodians]]")[0] + "".join(
    f'\n[[custodians]]\nname = "{name}"\nrole = "Custodian"\nlocation = "Safe {i}"\nshare = {i}\n'
    for i, name in RESHARED.items())


class ChangeWalker(Walker):
    """The walker, with the custodian-change ceremonies and the destruction of sheets of several folders."""

    def holder(self, folder: str, share: int) -> str:
        return {"sheets": HOLDERS, "expanded": {4: NEW_CUSTODIAN}, "reshared": RESHARED}[folder][share]

    def expansion(self, when: str, scanned=(1, 2), new_custodian: str = NEW_CUSTODIAN, config: str = EXPANDED_CONFIG):
        self.at(when)
        self.config.write_text(config)
        state: dict = {}

        def paper(step, output):
            if "breakglass expand" in step.command:
                state["row"] = self.row(output, "expand", set_id=self.folders["sheets"], shares=list(scanned),
                                        custodians=[HOLDERS[s] for s in scanned] + [new_custodian],
                                        bags_opened=self.open("sheets", scanned))
                state["output"] = output
            elif "--verify-only" in step.command:
                self.row(output, "drill", set_id=self.folders["sheets"], shares=[*scanned, 4],
                         custodians=[HOLDERS[s] for s in scanned] + [new_custodian])
            elif step.who == "Custodians" and "Reseal your sheet" in step.text:
                state["row"]["bags_sealed"] = self.seal("sheets", scanned)
            elif step.who == "Custodians" and "new custodian" in step.text:
                state["row"]["bags_sealed"] += self.seal("expanded", (4,))

        fill = {"DIR": str(self.base / "expanded"), "SCANS": self.sheets("sheets", scanned),
                "NEW_SCANS": self.sheets_later("expanded", (4,)), "NEW_CUSTODIAN": new_custodian}
        self.walk("expand", fill, paper)
        return state["output"]

    def reshare(self, when: str, old_scans=(("sheets", 1), ("expanded", 4))):
        self.at(when)
        self.config.write_text(RESHARED_CONFIG)
        state: dict = {}

        def paper(step, output):
            if "breakglass reshare" in step.command:
                new_set = re.search(r"the new set (\S+) \(", output).group(1)
                state["new_set"] = new_set
                self.folders["reshared"] = new_set
                state["row"] = self.row(output, "reshare", set_id=self.folders["sheets"], new_set_id=new_set,
                                        shares=[share for _f, share in old_scans],
                                        custodians=[self.holder(f, s) for f, s in old_scans],
                                        bags_opened=[self.bags.pop((f, s)) for f, s in old_scans])
            elif step.who == "Custodians" and "Reseal each old sheet" in step.text:
                state["row"]["bags_sealed"] = [self.seal(f, (s,))[0] for f, s in old_scans]
            elif "--verify-only" in step.command:
                self.row(output, "drill", set_id=state["new_set"], shares=list(RESHARED),
                         custodians=list(RESHARED.values()))
            elif step.who == "Custodians" and "new sheet" in step.text:
                state["row"]["bags_sealed"] += self.seal("reshared", RESHARED)

        fill = {"DIR": str(self.base / "reshared"), "OLD_SCANS": [p for f, s in old_scans for p in self.sheets(f, (s,))],
                "NEW_SCANS": self.sheets_later("reshared", RESHARED), "FILE": str(self.base / "change-checklist.pdf")}
        self.walk("reshare", fill, paper)

    def destroy_old(self, when: str, sheets=(("sheets", 1), ("sheets", 2), ("sheets", 3), ("expanded", 4))):
        """destruction.md for the retired set: one --sheet SHARE.1 and --bag per sheet, as on the destruction page."""
        self.at(when)
        pairs = [arg for f, s in sheets for arg in ("--sheet", f"{s}.1", "--bag", self.bags[(f, s)])]

        def paper(step, output):
            if "breakglass destroy" in step.command:
                self.row(output, "destroy", set_id=self.folders["sheets"], shares=[s for _f, s in sheets],
                         sheets_destroyed=[f"{s}.1" for _f, s in sheets],
                         bags_destroyed=[self.bags.pop((f, s)) for f, s in sheets])

        self.walk("destruction", {"OLD_SET": self.folders["sheets"], "SHEETS_AND_BAGS": pairs}, paper)


def custodian_change(base: Path, destroyed=(("sheets", 1), ("sheets", 2), ("sheets", 3), ("expanded", 4))) -> ChangeWalker:
    w = ChangeWalker(base)
    w.split_ceremony()
    w.expansion("2026-02-10T10:00:00")
    w.reshare("2026-04-01T10:00:00")
    w.destroy_old("2026-04-02T10:00:00", destroyed)
    return w


@pytest.fixture(scope="module")
def changed(tmp_path_factory) -> ChangeWalker:
    return custodian_change(tmp_path_factory.mktemp("change"))


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
    result = run("recombine", "--journal", changed.journal, "--verify-only", "--operator", OPERATOR, "--witness",
                 WITNESS, *old, env={"BREAKGLASS_FAKE_TIME": "2026-04-03T10:00:00Z"})
    assert result.returncode == 1, text(result)
    assert f"retired by reshare {reshare.code}" in text(result) and "Traceback" not in text(result)
    # the new sheets, of the same credential, still recover it
    result = run("recombine", "--out", "-", *changed.sheets("reshared", (1, 3)))
    assert result.returncode == 0 and result.stdout == b"walk-old-root-password", text(result)


def test_an_old_sheet_not_destroyed_past_the_deadline_is_named(tmp_path):
    w = custodian_change(tmp_path, destroyed=(("sheets", 1), ("sheets", 2), ("sheets", 3)))
    found = findings(w.audit(as_of="2026-06-15"))
    assert len(found) == 1 and "[destruction]" in found[0], found
    assert "share 4 copy 1 (Dan Dawson)" in found[0] and "due by 2026-04-08" in found[0], found


def test_an_old_sheet_inside_the_deadline_is_a_note(tmp_path):
    w = ChangeWalker(tmp_path)
    w.split_ceremony()
    w.reshare("2026-04-01T10:00:00", old_scans=(("sheets", 1), ("sheets", 3)))
    result = w.audit(as_of="2026-04-03")
    assert result.returncode == 0, text(result)
    assert "awaiting destruction of share 1 copy 1 (Alice Archer)" in text(result)


def test_a_new_sheet_handed_to_someone_who_then_holds_k_shares_is_named(tmp_path):
    w = ChangeWalker(tmp_path)
    w.split_ceremony()
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
    return head + "".join(f'\n[[custodians]]\nname = "{name}"\nrole = "Custodian"\nlocation = "Safe {i}"\nshare = {i}\n'
                          for i, name in people.items())


def test_a_reshare_is_not_a_rotation(tmp_path):
    """A release before a reshare still needs a rotation: the reshare passes the same credential on, says so,
    and the audit does not count it as the rotation."""
    w = ChangeWalker(tmp_path)
    w.split_ceremony()
    w.use("release", "2026-02-10T02:00:00", (2, 3), incident="INC-9", reason="IdP outage")
    w.expansion("2026-02-10T10:00:00", scanned=(1, 2))
    w.reshare("2026-02-11T10:00:00", old_scans=(("sheets", 3), ("expanded", 4)))
    reshare = next(e for e in read_journal(w.journal) if e.event == "reshare")
    found = findings(w.audit(as_of="2026-03-01"))
    rotation = [f for f in found if "[rotation]" in f]
    assert len(rotation) == 1 and f"reshare {reshare.code} kept the same credential" in rotation[0], found
