"""The audit tried as an attacker: honest records made by the real ceremonies are CLEAN, even when unusual; each
inconsistency an insider might plant to cover a use is named, with its rule and where.

Honest records come from walking the ceremony scripts (tests/walkers.py, walked once per run by conftest.py):
a year of one credential in format 2 and in format 1 (split, read-back, drill, release, rotation, destruction,
drill of the new set), and a custodian change (split, expand, reshare, destruction of every old sheet). Each
scenario copies them, changes one thing (the journal, the logbook transcription or the provider's records) and
audits in process with the rules of the ceremony config, as `breakglass audit --config` does.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from breakglass.record.audit import Rules, parse_as_of, run_audit
from breakglass.record.config import load_config
from breakglass.record.journal import GENESIS, canonical, code_of, entry_hash
from breakglass.record.people import name_key
from breakglass.record.transcription import LOGBOOK_COLUMNS
from helpers import run, text
from walkers import Walker

LIFE_AS_OF, CHANGE_AS_OF = "2026-09-30", "2026-06-15"


@dataclass
class Records:
    """One history as files an auditor is given, in memory so that a scenario can change any part of it."""

    base: Path
    journal: list[dict]  # the journal's objects, as stored
    rows: list[dict]  # the transcription, one dict of cells per row
    trail: list[dict]  # CloudTrail Records (the console's event-history export)
    as_of: str | None  # None: up to now, as `breakglass audit` without --as-of
    head: str | None = None
    evidence: list[Path] = field(default_factory=list)  # more --rotations files
    journal_bytes: bytes | None = None  # written as is instead of `journal` (a hand-edited file)
    logbook_bytes: bytes | None = None  # written as is instead of `rows`

    # ------------------------------------------------------------ what the insider edits

    def code(self, index: int) -> str:
        return code_of(entry_hash(self.journal[index]))

    def index(self, event: str, nth: int = 0) -> int:
        return [i for i, e in enumerate(self.journal) if e["event"] == event][nth]

    def row_of(self, index: int) -> dict:
        code = self.code(index)
        return next(r for r in self.rows if r["event_code"] == code)

    def rehash(self) -> None:
        """Rewrite the chain after an edit: fresh seq numbers and links, as an insider with the file would."""
        prev = GENESIS
        for seq, entry in enumerate(self.journal, start=1):
            entry.update(seq=seq, prev=prev)
            prev = entry_hash(entry)

    def rewrite(self, change, recode: bool = True) -> None:
        """An insider's edit of the journal, the chain re-hashed after it. With `recode`, the transcription follows
        (an honest history with other times, made by hand); without, the paper keeps the codes it had."""
        before = {id(e): self.code(i) for i, e in enumerate(self.journal)}
        change(self.journal)
        self.rehash()
        codes = {before[id(e)]: self.code(i) for i, e in enumerate(self.journal) if id(e) in before}
        if recode:
            for r in self.rows:
                r["event_code"] = codes.get(r["event_code"], r["event_code"])
            self.head = codes.get(self.head, self.head)

    def add_trail(self, name: str, when: str, result: str = "Success", identity: str = "Root", **more) -> None:
        self.trail.append(
            {
                "eventVersion": "1.08",
                "eventTime": when,
                "eventSource": "signin.amazonaws.com",
                "eventName": name,
                "eventType": "AwsConsoleSignIn",
                "responseElements": {name: result},
                "recipientAccountId": "111122223333",
                "userIdentity": {
                    "type": identity,
                    "arn": "arn:aws:iam::111122223333:root",
                    "accountId": "111122223333",
                },
                **more,
            }
        )

    def prove_rotation_by_record(self, rotated_at: str) -> None:
        """The provider's change shown by a rotation record instead of CloudTrail."""
        self.trail = [t for t in self.trail if t["eventName"] != "PasswordUpdated"]
        record = self.base / "rotations.csv"
        record.write_text(f"system,credential,rotated_at,by,evidence\nAWS,root password,{rotated_at},Ada Admin,CHG-7\n")
        self.evidence.append(record)

    # ------------------------------------------------------------ the audit

    def write(self) -> dict:
        journal, logbook, trail = self.base / "journal.jsonl", self.base / "logbook.csv", self.base / "cloudtrail.json"
        journal.write_bytes(
            self.journal_bytes
            if self.journal_bytes is not None
            else "".join(canonical(e) + "\n" for e in self.journal).encode()
        )
        logbook.write_bytes(self.logbook_bytes if self.logbook_bytes is not None else csv_text(self.rows).encode())
        trail.write_text(json.dumps({"Records": self.trail}, indent=1))
        return {"journal": journal, "logbook": logbook, "trail": trail}

    def audit(self, *, logbook: bool = True, trail: bool = True, tolerance: int = 30):
        files = self.write()
        config = load_config(self.base / "ceremony.toml")
        rules = Rules(config.rotation_deadline_days, config.drill_interval_days, tolerance)
        return run_audit(
            files["journal"],
            rules=rules,
            as_of=parse_as_of(self.as_of) if self.as_of else None,
            head=self.head,
            logbook_csv=files["logbook"] if logbook else None,
            rotations=([files["trail"]] if trail else []) + self.evidence,
            config_path=self.base / "ceremony.toml",
        )

    def cli_audit(self, *extra):
        files = self.write()
        return run(
            "audit",
            "--journal",
            files["journal"],
            "--logbook",
            files["logbook"],
            "--rotations",
            files["trail"],
            *[a for p in self.evidence for a in ("--rotations", p)],
            "--config",
            self.base / "ceremony.toml",
            "--as-of",
            self.as_of,
            *(("--head", self.head) if self.head else ()),
            *extra,
        )


def csv_text(rows: list[dict], columns=LOGBOOK_COLUMNS, lineterminator: str = "\r\n") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator=lineterminator, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _cells(row: dict) -> dict:
    return {k: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for k, v in row.items()}


def _records_of(w: Walker, as_of: str) -> dict:
    w.write_transcription()
    lines = [json.loads(line) for line in w.journal.read_text().splitlines()]
    return {
        "base": w.base,
        "journal": lines,
        "rows": [_cells(r) for r in w.rows],
        "trail": w.trail,
        "as_of": as_of,
        "head": w.code,
    }


@pytest.fixture(scope="module")
def histories(walks) -> dict[str, dict]:
    """The lifecycle in both formats and the custodian change, each walked once per run (tests/conftest.py)."""
    return {
        "life": _records_of(walks.local("lifecycle"), LIFE_AS_OF),
        "life1": _records_of(walks.local("lifecycle-format1"), LIFE_AS_OF),
        "change": _records_of(walks.local("change"), CHANGE_AS_OF),
    }


def fresh(histories, name: str, tmp_path: Path) -> Records:
    """A copy of one honest history that a scenario may change freely."""
    source = histories[name]
    base = tmp_path / name
    shutil.copytree(
        source["base"], base, ignore=shutil.ignore_patterns("*.pdf", "sheets", "new", "expanded", "reshared")
    )
    return Records(
        base,
        copy.deepcopy(source["journal"]),
        copy.deepcopy(source["rows"]),
        copy.deepcopy(source["trail"]),
        source["as_of"],
        source["head"],
    )


def found(report) -> list[str]:
    return [f.line() for f in report.findings]


def assert_clean(report) -> None:
    assert report.verdict == "CLEAN", "\n".join(found(report) + report.notes)


def assert_named(report, rule: str, *words: str) -> str:
    """The report has a finding of `rule` that says every one of `words`; returns it."""
    lines = found(report)
    assert report.verdict != "CLEAN", "missed: reported CLEAN"
    hits = [line for line in lines if line.endswith(f"[{rule}]") and all(w in line for w in words)]
    assert hits, f"no [{rule}] finding with {words}:\n" + "\n".join(lines)
    return hits[0]


LIFE = ("life", "life1")
# The lifecycle's journal, by index: 0 split, 1 read-back drill, 2 drill, 3 release, 4 rotate, 5 read-back drill
# of the new set, 6 destroy of the old sheets, 7 drill of the new set.
SPLIT, READBACK, DRILL, RELEASE, ROTATE, NEW_READBACK, DESTROY, NEW_DRILL = range(8)
# The custodian change's: 0 split, 1 read-back, 2 expand, 3 drill of the new share, 4 reshare, 5 read-back of the
# new set, 6 destroy of every old sheet (the expanded one included).
C_EXPAND, C_RESHARE, C_DESTROY = 2, 4, 6


# ---------------------------------------------------------------- honest records, even unusual ones, are CLEAN


@pytest.mark.parametrize("name", [*LIFE, "change"])
def test_honest_records_are_clean(histories, tmp_path, name):
    rec = fresh(histories, name, tmp_path)
    rec.write()
    assert (rec.base / "journal.jsonl").read_bytes() == (histories[name]["base"] / "journal.jsonl").read_bytes()
    assert_clean(rec.audit())


def test_honest_records_are_clean_through_the_cli(histories, tmp_path):
    result = fresh(histories, "life", tmp_path).cli_audit()
    assert result.returncode == 0 and "CLEAN: no findings." in text(result), text(result)


def test_a_spreadsheet_export_with_bom_crlf_quoted_newlines_and_extra_columns_is_clean(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    for r in rec.rows:
        r["notes"] = 'checked by\nChen Audit, "page 3"'
        r["checked"] = "yes"
    body = csv_text(rec.rows, (*LOGBOOK_COLUMNS, "checked"))
    rec.logbook_bytes = b"\xef\xbb\xbf" + body.encode()
    report = rec.audit()
    assert_clean(report)
    assert any("checked" in n and "not read" in n for n in report.notes), report.notes


def test_rows_in_any_order_are_clean(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.rows.reverse()
    assert_clean(rec.audit())


def test_names_in_other_case_spacing_or_unicode_normalisation_are_the_same_people(histories, tmp_path):
    import unicodedata

    rec = fresh(histories, "life", tmp_path)
    rec.rewrite(lambda j: j[DRILL].update(operator="José Núñez"))
    row = rec.row_of(DRILL)
    row["operator"] = unicodedata.normalize("NFD", "  JOSÉ   núñez ")
    row["witness"] = "will witness"
    row["custodians"] = "ALICE  ARCHER ; bob baker"
    assert_clean(rec.audit())


def test_times_inside_the_tolerance_and_with_an_offset_are_clean(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.row_of(DRILL)["time"] = "09:35"  # 25 minutes after the journal's 09:10
    release = rec.row_of(RELEASE)
    release["date"], release["time"] = "2026-06-10T04:10:00+02:00", ""  # local summer time, with its offset
    rec.row_of(NEW_DRILL)["time"] = "9.10 UTC"
    rec.row_of(ROTATE).update(date="2026-06-12T09:10:00-05:00", time="")  # the day before, where it was written
    assert_clean(rec.audit())


def test_an_event_just_before_midnight_written_just_after_is_clean(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.rewrite(lambda j: j[DRILL].update(time="2026-03-20T23:50:00Z"))
    rec.row_of(DRILL).update(date="2026-03-21", time="00:05")
    assert_clean(rec.audit())


def test_paper_only_entries_and_an_older_transcription_without_times_are_clean(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.rows.insert(2, {"event": "note", "date": "2026-02-01", "notes": "safe 2 moved to building B"})
    rec.rows.append({"event": "exception", "date": "2026-08-30", "operator": "Ada Admin", "notes": "printer jammed"})
    rec.rows.append({"event": "seal", "date": "2026-08-31", "bags_sealed": "TB-0900", "notes": "spare bag"})
    assert_clean(rec.audit())
    for r in rec.rows:
        r.pop("time", None)
    rec.logbook_bytes = csv_text(rec.rows, [c for c in LOGBOOK_COLUMNS if c != "time"]).encode()
    assert_clean(rec.audit())


def test_sign_ins_that_are_not_uses_are_clean(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.add_trail("ConsoleLogin", "2026-07-20T03:00:00Z", result="Failure")  # someone tried, and failed
    rec.add_trail("ConsoleLogin", "2026-07-21T03:00:00Z", identity="IAMUser")  # not the root user
    rec.add_trail("ConsoleLogin", "2026-06-12T20:00:00Z")  # testing the new credential, the day of the rotation
    assert_clean(rec.audit())


def test_a_rotation_record_with_an_offset_confirms_the_rotation(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.prove_rotation_by_record("2026-06-12T16:00:00+02:00")
    assert_clean(rec.audit())


def test_inside_the_deadlines_is_pending_with_notes(histories, tmp_path):
    """The day after a release nothing is late, but nothing proves the credential changed yet: PENDING (exit 4),
    never CLEAN, and no finding."""
    rec = fresh(histories, "life", tmp_path)
    rec.as_of = "2026-06-11"
    report = rec.audit()
    assert report.verdict == "PENDING" and report.exit_code == 4 and not report.findings, found(report)
    assert any("awaits rotation" in n for n in report.notes), report.notes


# ---------------------------------------------------------------- the logbook against the journal


def test_a_release_in_the_journal_but_not_in_the_logbook(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.rows.remove(rec.row_of(RELEASE))
    assert_named(rec.audit(), "logbook-rows", rec.code(RELEASE), "release", "has no row")


def test_a_release_in_the_logbook_but_not_in_the_journal(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.rows.append(
        {**rec.row_of(RELEASE), "event_code": "7K3Q-9XMB", "date": "2026-07-01", "bags_opened": "", "bags_sealed": ""}
    )
    assert_named(rec.audit(), "logbook-rows", "7K3Q-9XMB", "is not in the journal")


def test_a_release_in_the_logbook_without_a_code(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.rows.append(
        {**rec.row_of(RELEASE), "event_code": "", "date": "2026-07-01", "bags_opened": "", "bags_sealed": ""}
    )
    assert_named(rec.audit(), "logbook-rows", "release on 2026-07-01 has no event code")


@pytest.mark.parametrize(
    "index, written, journal",
    [(RELEASE, "drill", "release"), (DRILL, "release", "drill"), (ROTATE, "reshare", "rotate")],
)
def test_a_row_with_the_wrong_event(histories, tmp_path, index, written, journal):
    rec = fresh(histories, "life", tmp_path)
    rec.row_of(index)["event"] = written
    assert_named(rec.audit(), "logbook-agree", "event:", f"logbook '{written}', journal '{journal}'")


@pytest.mark.parametrize(
    "cells, field",
    [
        ({"time": "04:10"}, "time"),  # local time (UTC+2) written as UTC
        ({"time": "02:45"}, "time"),  # 35 minutes: just outside
        ({"date": "2026-06-11"}, "date"),
        ({"date": "2026-06-10T02:10:00-05:00", "time": ""}, "time"),  # an offset that moves it to 07:10 UTC
    ],
)
def test_a_row_at_the_wrong_time(histories, tmp_path, cells, field):
    rec = fresh(histories, "life", tmp_path)
    rec.row_of(RELEASE).update(cells)
    assert_named(rec.audit(), "logbook-agree", f"{field}:", rec.code(RELEASE))


@pytest.mark.parametrize("date", ["2026-02-30", "2026-13-01", "10/06/2026", "2026-06-10T25:00"])
def test_a_date_that_does_not_exist(histories, tmp_path, date):
    rec = fresh(histories, "life", tmp_path)
    rec.row_of(RELEASE)["date"] = date
    assert_named(rec.audit(), "logbook-fields", "date", "cannot be read")


def test_a_row_naming_another_set(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    new_set = rec.journal[ROTATE]["new_set"]
    rec.row_of(RELEASE)["set_id"] = new_set
    assert_named(rec.audit(), "logbook-agree", "set_id:", new_set)


def test_a_rotation_row_naming_another_new_set(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.row_of(ROTATE)["new_set_id"] = rec.journal[SPLIT]["set"]
    assert_named(rec.audit(), "logbook-agree", "new_set_id:")


@pytest.mark.parametrize(
    "field, value",
    [
        ("shares", "1;3"),
        ("incident", "INC-41"),
        ("reason", "Scheduled drill"),
        ("operator", "Otto Other"),
        ("witness", "Bob Baker"),
    ],
)
def test_a_row_with_another_value(histories, tmp_path, field, value):
    rec = fresh(histories, "life", tmp_path)
    rec.row_of(RELEASE)[field] = value
    assert_named(rec.audit(), "logbook-agree", f"{field}:", f"logbook '{value}'")


@pytest.mark.parametrize(
    "cells, rule, words",
    [
        ({"witness": " ada  ADMIN"}, "people", ("row", "is the operator")),
        ({"custodians": "Alice Archer;Carol Chen"}, "logbook-agree", ("custodians:", "Alice Archer held no sheet")),
        (
            {"custodians": "Alice Archer;Carol Chen"},
            "logbook-agree",
            ("no holder is named for share(s) 2 (Bob Baker)",),
        ),
        ({"custodians": "Bob Baker;Carole Chen"}, "logbook-agree", ("custodians:", "Carole Chen held no sheet")),
        ({"custodians": "Bob Baker; bob  baker"}, "custodians", ("names 1 distinct custodian(s)",)),
    ],
)
def test_the_wrong_people_on_the_release_row(histories, tmp_path, cells, rule, words):
    """The witness is the operator; a custodian who did not hold a share used (shares 2 and 3: Bob's and Carol's),
    or spelled as another person; one person counted twice."""
    rec = fresh(histories, "life", tmp_path)
    rec.row_of(RELEASE).update(cells)
    assert_named(rec.audit(), rule, *words)


def test_a_duplicated_row(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.rows.append(dict(rec.row_of(RELEASE), bags_opened="", bags_sealed=""))
    assert_named(rec.audit(), "logbook-rows", "transcribed twice")


def test_two_rows_with_their_codes_swapped(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    drill, release = rec.row_of(DRILL), rec.row_of(RELEASE)
    drill["event_code"], release["event_code"] = release["event_code"], drill["event_code"]
    report = rec.audit()
    assert_named(report, "logbook-agree", "event:", "logbook 'drill', journal 'release'")
    assert_named(report, "logbook-agree", "event:", "logbook 'release', journal 'drill'")


def test_an_empty_logbook(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.rows = []
    report = rec.audit()
    assert len([f for f in report.findings if f.rule == "logbook-rows"]) == len(rec.journal)
    assert_named(report, "logbook-rows", rec.code(RELEASE), "has no row")


def test_an_empty_logbook_file_cannot_be_audited(histories, tmp_path):
    from breakglass.record.inputs import CannotAudit

    rec = fresh(histories, "life", tmp_path)
    rec.logbook_bytes = b""
    with pytest.raises(CannotAudit, match="empty"):
        rec.audit()


def test_the_logbook_of_another_journal(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.rows = copy.deepcopy(histories["change"]["rows"])
    report = rec.audit()
    assert_named(report, "logbook-rows", rec.code(RELEASE), "has no row")
    assert_named(report, "logbook-rows", "is not in the journal")


def test_a_row_with_more_cells_than_the_header(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    body = csv_text(rec.rows).splitlines(keepends=True)
    code = rec.code(RELEASE)
    body = [line.rstrip("\r\n") + ",Chen Audit\r\n" if line.startswith(code) else line for line in body]
    rec.logbook_bytes = "".join(body).encode()
    assert_named(rec.audit(), "logbook-fields", "row 5", "Chen Audit")


def test_bags_opened_twice_and_never_sealed(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.row_of(NEW_DRILL)["bags_opened"] = "TB-0001;TB-0999"
    report = rec.audit()
    assert_named(report, "bags", "TB-0001 opened again")
    assert_named(report, "bags", "TB-0999", "never recorded sealed")


# ---------------------------------------------------------------- the journal


def test_a_journal_cut_short(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    last = rec.code(NEW_DRILL)
    rec.journal.pop()
    report = rec.audit()
    assert_named(report, "head", f"the paper logbook's last code is {last}")
    assert_named(report, "logbook-rows", last, "is not in the journal")


def test_a_release_removed_and_the_chain_rehashed(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    release = rec.code(RELEASE)
    rec.rewrite(lambda j: j.pop(RELEASE), recode=False)
    report = rec.audit()
    assert report.verdict == "FINDINGS"
    assert_named(report, "head", "does not end at the paper's last code")
    assert_named(report, "logbook-rows", release, "is not in the journal")
    rec.head = None  # without the paper's last code, the logbook still tells
    assert_named(rec.audit(), "logbook-rows", release, "is not in the journal")


def test_a_release_removed_rehashed_and_the_logbook_row_dropped_too(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    release = rec.code(RELEASE)
    rec.rewrite(lambda j: j.pop(RELEASE))  # every later code changed: the paper's codes no longer match
    rec.rows = [r for r in rec.rows if r["event_code"] != release]
    rec.head = histories["life"]["head"]
    report = rec.audit()
    assert_named(report, "head", "does not end at the paper's last code")


def test_the_head_code_on_paper_is_not_the_journals(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.head = rec.code(ROTATE)
    assert_named(rec.audit(), "head", "does not end at the paper's last code")


def test_a_line_edited_without_rehashing_cannot_be_audited(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.journal[RELEASE]["incident"] = "INC-41"
    report = rec.audit()
    assert report.verdict == "CANNOT AUDIT" and report.exit_code == 2
    assert_named(report, "chain", "line 4")


@pytest.mark.parametrize(
    "entry, row, rule, words",
    [
        ({"time": "2026-03-19T02:10:00Z"}, {"date": "2026-03-19"}, "order", "is earlier than the entry before it"),
        ({"time": "2026-06-01T02:10:00Z"}, {"date": "2026-06-01"}, "rotation", "rotated late"),
        ({"incident": " "}, {"incident": ""}, "release-record", "no incident"),
        ({"witness": "Ada\u200b Admin"}, {"witness": "Ada Admin"}, "people", "is the operator"),  # a zero-width space
    ],
)
def test_a_release_edited_with_the_paper_made_to_match(histories, tmp_path, entry, row, rule, words):
    """The journal's release edited and re-hashed, and the transcription written to match: the journal's own rules
    still name it."""
    rec = fresh(histories, "life", tmp_path)
    rec.rewrite(lambda j: j[RELEASE].update(entry))
    rec.row_of(RELEASE).update(row)
    assert_named(rec.audit(), rule, rec.code(RELEASE), words)


def test_a_release_dated_after_the_audit(histories, tmp_path):
    """An insider moves a release past the audit date: it must not drop out of the audit unseen."""
    rec = fresh(histories, "life", tmp_path)
    rec.rewrite(lambda j: j[RELEASE].update(time="2099-06-10T02:10:00Z"))
    report = rec.audit()
    assert_named(report, "order", rec.code(RELEASE + 1), "is earlier than the entry before it (2099-06-10")
    assert_named(report, "logbook-agree", rec.code(RELEASE), "date:", "journal '2099-06-10 02:10 UTC'")


@pytest.mark.parametrize("as_of", [None, LIFE_AS_OF])
def test_the_last_event_dated_after_the_audit(histories, tmp_path, as_of):
    rec = fresh(histories, "life", tmp_path)
    rec.rewrite(lambda j: j[NEW_DRILL].update(time="2099-01-01T00:00:00Z"))
    rec.as_of = as_of
    report = rec.audit()
    if as_of is None:  # up to now: nothing can be dated later
        assert_named(report, "order", rec.code(NEW_DRILL), "2099-01-01", "dated after this audit was run")
    else:  # an audit of a past period leaves later entries out, but the paper dates this one inside it
        assert_named(report, "logbook-agree", rec.code(NEW_DRILL), "date:", "journal '2099-01-01 00:00 UTC'")


def test_a_use_of_a_retired_set(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    old_set = rec.journal[SPLIT]["set"]
    extra = dict(
        rec.journal[DRILL],
        time="2026-09-01T09:00:00Z",
        set=old_set,
        event="release",
        incident="INC-50",
        reason="IdP outage",
    )
    rec.rewrite(lambda j: j.append(extra))
    assert_named(rec.audit(), "retired", rec.code(len(rec.journal) - 1), "which was retired by rotation")


def test_a_holder_of_two_shares_under_two_spellings(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.rewrite(lambda j: j[SPLIT]["sheets"][2].update(holder="ALICE\u00a0archer"))
    assert_named(rec.audit(), "holders", "holds 2 distinct shares")


# ---------------------------------------------------------------- sets, sheets and custodian changes


def test_old_sheets_of_a_reshared_set_not_destroyed(histories, tmp_path):
    rec = fresh(histories, "change", tmp_path)
    rec.rewrite(lambda j: j[C_DESTROY]["sheets"].pop())  # the expanded sheet 4.1
    row = rec.row_of(C_DESTROY)
    row.update(
        shares="1;2;3", sheets_destroyed="1.1;2.1;3.1", bags_destroyed=";".join(row["bags_destroyed"].split(";")[:3])
    )
    rec.rewrite(lambda j: j[C_DESTROY].update(shares=[1, 2, 3]))
    assert_named(rec.audit(), "destruction", "share 4 copy 1 (Dan Dawson)", "never recorded destroyed")


def test_a_sheet_destroyed_twice(histories, tmp_path):
    rec = fresh(histories, "change", tmp_path)
    again = copy.deepcopy(rec.journal[C_DESTROY])
    again.update(time="2026-04-03T10:00:00Z", shares=[1], sheets=[again["sheets"][0]])
    rec.rewrite(lambda j: j.append(again))
    assert_named(rec.audit(), "sheets", "recorded destroyed twice")


def test_sheets_destroyed_before_they_were_replaced(histories, tmp_path):
    """The old sheets recorded destroyed while the set was live, then read at the reshare: one record is false."""
    rec = fresh(histories, "change", tmp_path)

    def earlier(j):
        destroy = j.pop(C_DESTROY)
        destroy["time"] = "2026-03-30T10:00:00Z"
        j.insert(C_RESHARE, destroy)

    rec.rewrite(earlier)
    rec.row_of(C_RESHARE).update(date="2026-03-30")
    report = rec.audit()
    assert_named(report, "sheets", "reshare on 2026-04-01 read sheet 1.1", "recorded destroyed", "did not happen")
    assert_named(report, "destruction", "destroyed while the set was live")


def test_a_live_sheet_destroyed_without_a_replacement(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    destroy = dict(
        copy.deepcopy(rec.journal[DESTROY]),
        time="2026-08-31T10:00:00Z",
        set=rec.journal[ROTATE]["new_set"],
        shares=[3],
        sheets=[{"share": 3, "copy": 1, "bag": "TB-0012"}],
    )
    rec.rewrite(lambda j: j.append(destroy))
    assert_named(rec.audit(), "destruction", "sheet(s) 3.1", "destroyed while the set was live")


def test_an_expansion_issuing_a_share_already_held(histories, tmp_path):
    rec = fresh(histories, "change", tmp_path)
    rec.rewrite(lambda j: j[C_EXPAND]["sheets"][0].update(share=3))
    assert_named(rec.audit(), "sheets", "prints share(s) 3", "already printed")


# ---------------------------------------------------------------- the provider's records


@pytest.mark.parametrize(
    "event, when, rule, words",
    [
        ("ConsoleLogin", "2026-07-20T03:00:00Z", "provider-use", "outside any release"),  # a use no release covers
        ("ConsoleLogin", "2026-03-20T09:30:00Z", "provider-use", "outside any release"),  # at a drill: not a use
        ("PasswordUpdated", "2026-08-01T12:00:00Z", "provider-change", "no split or rotation"),
        # four days after the rotation, inside its deadline: the new sheets hold a credential that no longer works
        ("PasswordUpdated", "2026-06-16T23:00:00Z", "provider-change", "no split or rotation"),
    ],
)
def test_a_provider_record_the_journal_does_not_explain(histories, tmp_path, event, when, rule, words):
    rec = fresh(histories, "life", tmp_path)
    rec.add_trail(event, when)
    assert_named(rec.audit(), rule, f"{when[:10]} {when[11:16]} UTC", words)


def test_a_last_root_sign_in_after_the_rotation_in_the_credential_report(histories, tmp_path):
    from helpers import CREDENTIAL_REPORT_HEAD, root_row

    rec = fresh(histories, "life", tmp_path)
    report = rec.base / "credential-report.csv"
    report.write_text(CREDENTIAL_REPORT_HEAD + root_row(password_last_used="2026-09-02T22:14:05+00:00"))
    rec.evidence.append(report)
    assert_named(rec.audit(), "provider-use", "credential-report.csv row 2", "2026-09-02 22:14 UTC")


def test_a_rotation_claimed_but_not_seen_at_the_provider(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.trail = [t for t in rec.trail if t["eventName"] != "PasswordUpdated"]
    assert_named(rec.audit(), "provider-rotation", rec.code(RELEASE), "rotation not confirmed")


@pytest.mark.parametrize(
    "change",
    [
        {"responseElements": {"PasswordUpdated": "Failure"}},  # the change failed
        {"errorCode": "AccessDenied"},
        {"userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/ops"}},  # not the root user
        {"eventSource": "iam.amazonaws.com"},
    ],
)
def test_a_rotation_record_that_does_not_count(histories, tmp_path, change):
    rec = fresh(histories, "life", tmp_path)
    next(t for t in rec.trail if t["eventName"] == "PasswordUpdated").update(change)
    assert_named(rec.audit(), "provider-rotation", rec.code(RELEASE), "rotation not confirmed")


def test_a_rotation_record_older_than_the_release(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.prove_rotation_by_record("2026-06-09T12:00:00Z")
    assert_named(rec.audit(), "provider-rotation", rec.code(RELEASE), "rotation not confirmed")


def test_a_rotation_record_of_another_aws_account(histories, tmp_path):
    from breakglass.record.inputs import CannotAudit

    rec = fresh(histories, "life", tmp_path)
    rec.trail = [t for t in rec.trail if t["eventName"] != "PasswordUpdated"]
    other = rec.base / "other-account.json"
    other.write_text(
        json.dumps(
            {
                "Records": [
                    {
                        "eventVersion": "1.08",
                        "eventTime": "2026-06-12T14:00:00Z",
                        "eventSource": "signin.amazonaws.com",
                        "eventName": "PasswordUpdated",
                        "responseElements": {"PasswordUpdated": "Success"},
                        "recipientAccountId": "999988887777",
                        "userIdentity": {
                            "type": "Root",
                            "arn": "arn:aws:iam::999988887777:root",
                            "accountId": "999988887777",
                        },
                    }
                ]
            }
        )
    )
    rec.evidence.append(other)
    with pytest.raises(CannotAudit, match="999988887777"):
        rec.audit()


def test_rotation_records_of_two_credentials(histories, tmp_path):
    from breakglass.record.inputs import CannotAudit

    rec = fresh(histories, "life", tmp_path)
    for name, credential in (("a.csv", "root password"), ("b.csv", "root token")):
        path = rec.base / name
        path.write_text(f"system,credential,rotated_at,by,evidence\nAWS,{credential},2026-06-12,Ada Admin,CHG-7\n")
        rec.evidence.append(path)
    with pytest.raises(CannotAudit, match="root token"):
        rec.audit()


# ---------------------------------------------------------------- unusual but honest: a repaired journal


def test_a_repaired_journal_is_clean_with_a_note_on_the_lines_set_aside(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    files = rec.write()
    with files["journal"].open("ab") as f:
        f.write(b'{"seq": 9, "time": "2026-09-01T0')  # a power cut in the middle of a write
    result = run(
        "journal",
        "repair",
        files["journal"],
        "--operator",
        "Ada Admin",
        "--witness",
        "Will Witness",
        env={"BREAKGLASS_FAKE_TIME": "2026-09-02T10:00:00Z"},
    )
    assert result.returncode == 0, text(result)
    rec.journal = [json.loads(line) for line in files["journal"].read_text().splitlines()]
    repair = rec.journal[-1]
    rec.rows.append(
        {
            "event_code": rec.code(len(rec.journal) - 1),
            "date": "2026-09-02",
            "time": "10:00",
            "event": "repair",
            "operator": "Ada Admin",
            "witness": "Will Witness",
        }
    )
    rec.head = rec.code(len(rec.journal) - 1)
    report = rec.audit()
    assert_clean(report)
    assert any(repair["set_aside"] in n and "compare" in n for n in report.notes), report.notes


def test_a_release_set_aside_by_a_repair_is_still_named_by_the_logbook(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    release = rec.code(RELEASE)
    files = rec.write()
    lines = files["journal"].read_bytes().splitlines(keepends=True)
    lines[RELEASE] = lines[RELEASE].replace(b"INC-42", b"INC-4")  # the release line spoiled on purpose
    files["journal"].write_bytes(b"".join(lines))
    result = run(
        "journal",
        "repair",
        files["journal"],
        "--operator",
        "Ada Admin",
        "--witness",
        "Will Witness",
        env={"BREAKGLASS_FAKE_TIME": "2026-09-02T10:00:00Z"},
    )
    assert result.returncode == 0, text(result)
    rec.journal = [json.loads(line) for line in files["journal"].read_text().splitlines()]
    rec.rows.append(
        {
            "event_code": rec.code(len(rec.journal) - 1),
            "date": "2026-09-02",
            "time": "10:00",
            "event": "repair",
            "operator": "Ada Admin",
            "witness": "Will Witness",
        }
    )
    assert_named(rec.audit(), "logbook-rows", release, "is not in the journal")


def test_a_transcription_with_a_column_twice_cannot_be_audited(histories, tmp_path):
    from breakglass.record.inputs import CannotAudit

    rec = fresh(histories, "life", tmp_path)
    rec.logbook_bytes = csv_text(rec.rows).replace("notes,", "witness,", 1).encode()
    with pytest.raises(CannotAudit, match="witness"):
        rec.audit()


def test_an_event_of_a_set_the_journal_never_made(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    rec.rewrite(lambda j: j.append(dict(j[DRILL], time="2026-09-01T09:00:00Z", set="0123-4567-89AB-CDEF")))
    assert_named(rec.audit(), "sheets", "names set 0123-4567-89AB-CDEF", "no split or rotation")


# ---------------------------------------------------------------- covering a use on every record


def test_a_release_disguised_as_a_drill_everywhere_is_named_by_the_providers_sign_in(histories, tmp_path):
    """The journal's release rewritten as a drill, the chain re-hashed, the logbook transcribed to match: only the
    provider saw the credential used, and that is enough."""
    rec = fresh(histories, "life", tmp_path)

    def disguise(j):
        j[RELEASE]["event"] = "drill"
        del j[RELEASE]["incident"], j[RELEASE]["reason"]

    rec.rewrite(disguise)
    rec.row_of(RELEASE).update(event="drill", incident="", reason="")
    assert_named(rec.audit(), "provider-use", "2026-06-10 02:10 UTC", "outside any release")


def test_an_expansion_giving_a_holder_a_second_share(histories, tmp_path):
    rec = fresh(histories, "change", tmp_path)
    holder = rec.journal[0]["sheets"][0]["holder"]
    rec.rewrite(lambda j: j[C_EXPAND]["sheets"][0].update(holder=holder))
    assert_named(rec.audit(), "holders", f"({holder}) holds 2 distinct shares", "after the expansion")


def test_a_release_of_a_reshared_set_is_not_rotated_by_the_reshare(histories, tmp_path):
    rec = fresh(histories, "change", tmp_path)
    new_set = rec.journal[C_RESHARE]["new_set"]
    release = dict(
        copy.deepcopy(rec.journal[1]),
        event="release",
        set=new_set,
        time="2026-05-01T02:00:00Z",
        incident="INC-77",
        reason="IdP outage",
    )
    rec.rewrite(lambda j: j.append(release))
    report = rec.audit()
    assert_named(report, "rotation", rec.code(len(rec.journal) - 1), "not followed by a rotation")
    assert_named(report, "provider-rotation", rec.code(len(rec.journal) - 1), "rotation not confirmed")


@pytest.mark.parametrize("index, written", [(C_RESHARE, "rotate"), (C_EXPAND, "reshare")])
def test_a_custodian_change_written_as_another(histories, tmp_path, index, written):
    rec = fresh(histories, "change", tmp_path)
    rec.row_of(index)["event"] = written
    assert_named(rec.audit(), "logbook-agree", "event:", f"logbook '{written}'")


def test_an_expansion_row_naming_someone_who_neither_brought_nor_received_a_sheet(histories, tmp_path):
    rec = fresh(histories, "change", tmp_path)
    row = rec.row_of(C_EXPAND)
    row["custodians"] = row["custodians"] + ";Eve Intruder"
    assert_named(rec.audit(), "logbook-agree", "custodians:", "Eve Intruder held no sheet")


@pytest.mark.parametrize("name", LIFE)
def test_both_formats_name_a_missing_release_row_and_a_wrong_event(histories, tmp_path, name):
    rec = fresh(histories, name, tmp_path)
    rec.row_of(DRILL)["event"] = "release"
    rec.rows.remove(rec.row_of(RELEASE))
    report = rec.audit()
    assert_named(report, "logbook-rows", rec.code(RELEASE), "has no row")
    assert_named(report, "logbook-agree", "event:", "logbook 'release', journal 'drill'")


def test_a_spreadsheets_ways_of_writing_are_read(histories, tmp_path):
    """Honest cells as a spreadsheet may write them: a date cell with a midnight time, 12-hour times, the paper's
    words for the event type, bag serials with other spacing."""
    rec = fresh(histories, "life", tmp_path)
    rec.row_of(RELEASE).update(
        date="2026-06-10 00:00:00", time="2:10 AM", event="Emergency release", bags_opened="tb 0005;TB-0003"
    )
    rec.row_of(ROTATE).update(event="Rotation", time="2:10:00 PM")
    rec.row_of(DESTROY).update(event="Destruction")
    assert_clean(rec.audit())


def test_a_change_before_the_rotation_inside_the_deadline_is_clean(histories, tmp_path):
    rec = fresh(histories, "life", tmp_path)
    for t in rec.trail:
        if t["eventName"] == "PasswordUpdated":
            t["eventTime"] = "2026-06-10T05:00:00Z"  # changed during the incident, the sheets remade two days later
    assert_clean(rec.audit())


def test_a_replaced_sheet_read_again(histories, tmp_path):
    rec = fresh(histories, "change", tmp_path)
    rec.rewrite(lambda j: j[C_EXPAND].update(replaces=[{"share": 2, "copy": 1}]))
    drill = dict(
        copy.deepcopy(rec.journal[3]), time="2026-03-01T09:00:00Z", shares=[2, 3], used=[2, 3], copies=[[2, 1], [3, 1]]
    )
    rec.rewrite(lambda j: j.insert(4, drill))
    assert_named(rec.audit(), "sheets", "read sheet 2.1", "recorded replaced")


# ---------------------------------------------------------------- any one cell changed is named


_EVENTS = ("split", "drill", "release", "rotate", "reshare", "expand", "destroy")
_name = st.text(st.characters(categories=("L", "Zs")), min_size=1, max_size=12)


@st.composite
def one_changed_cell(draw, rows: list[dict]):
    """(row index, field, new value): one cell of the honest transcription changed so that it means something else."""
    index = draw(st.integers(0, len(rows) - 1))
    row = rows[index]
    fields = ["event_code", "date", "time", "event", "set_id", "shares", "operator", "witness"]
    fields += [f for f in ("incident", "reason") if row.get(f)]
    name = draw(st.sampled_from(fields))
    old = row.get(name, "")
    if name == "event_code":
        value = draw(st.text("0123456789ABCDEFGHJKMNPQRSTVWXYZ", min_size=8, max_size=8))
        value = f"{value[:4]}-{value[4:]}"
    elif name == "date":
        value = (date.fromisoformat(old) + timedelta(days=draw(st.integers(-400, 400).filter(bool)))).isoformat()
    elif name == "time":
        minutes = int(old[:2]) * 60 + int(old[3:5]) + draw(st.integers(31, 1409))
        value = f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"
    elif name == "event":
        value = draw(st.sampled_from([e for e in _EVENTS if e != old]))
    elif name == "set_id":
        value = "-".join(draw(st.text("0123456789ABCDEF", min_size=4, max_size=4)) for _ in range(4))
    elif name == "shares":
        value = ";".join(map(str, sorted(draw(st.sets(st.integers(1, 3), min_size=1)))))
    else:
        value = draw(_name.filter(lambda v: name_key(v) and name_key(v) != name_key(old)))
    assume(value != old and (name != "shares" or sorted(value.split(";")) != sorted(old.split(";"))))
    return index, name, value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_one_cell_changed_to_mean_something_else_is_named(histories, tmp_path, data):
    rec = fresh(histories, "life", tmp_path) if not (tmp_path / "life").exists() else None
    rec = rec or Records(
        tmp_path / "life",
        copy.deepcopy(histories["life"]["journal"]),
        copy.deepcopy(histories["life"]["rows"]),
        copy.deepcopy(histories["life"]["trail"]),
        LIFE_AS_OF,
    )
    index, name, value = data.draw(one_changed_cell(rec.rows))
    rec.rows[index][name] = value
    report = rec.audit()
    assert report.verdict != "CLEAN", f"row {index + 2}, {name} = {value!r} was not named"


def test_copies_of_one_share_held_by_two_people_are_clean(histories, tmp_path):
    """Share 2 printed twice, for Bob and for Dan: Dan brings it to the drill; both copies are destroyed."""
    rec = fresh(histories, "life", tmp_path)

    def second_copy(j):
        j[SPLIT]["sheets"].insert(2, {"copy": 2, "holder": "Dan Dawson", "share": 2})
        j[DRILL]["copies"] = [[1, 1], [2, 2]]
        j[DESTROY]["sheets"].insert(2, {"bag": "TB-0100", "copy": 2, "share": 2})

    rec.rewrite(second_copy)
    rec.row_of(SPLIT).update(
        custodians="Alice Archer;Bob Baker;Dan Dawson;Carol Chen",
        bags_sealed=rec.row_of(SPLIT)["bags_sealed"] + ";TB-0100",
    )
    rec.row_of(READBACK)["custodians"] = "Alice Archer;Bob Baker;Dan Dawson;Carol Chen"
    rec.row_of(DRILL)["custodians"] = "Alice Archer;Dan Dawson"
    destroy = rec.row_of(DESTROY)
    destroy.update(sheets_destroyed="1.1;2.1;2.2;3.1", bags_destroyed=destroy["bags_destroyed"] + ";TB-0100")
    assert_clean(rec.audit())
    destroy["sheets_destroyed"] = "1.1;2.1;3.1"
    assert_named(rec.audit(), "logbook-agree", "sheets_destroyed:")


def test_a_transcription_saved_in_another_encoding_says_how_to_save_it(histories, tmp_path):
    from breakglass.record.inputs import CannotAudit

    rec = fresh(histories, "life", tmp_path)
    rec.row_of(DRILL)["notes"] = "vérifié"
    rec.logbook_bytes = csv_text(rec.rows).encode("cp1252")
    with pytest.raises(CannotAudit, match="not UTF-8 text .* save it as UTF-8"):
        rec.audit()
