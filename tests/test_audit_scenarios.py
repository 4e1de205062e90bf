"""A year of ceremonies through the real CLI on a fake clock, then `breakglass audit`: the honest history, with
its paper logbook transcribed and the provider's own records, is CLEAN; each planted inconsistency gives its
own finding, naming the row, the field, both values and the rule."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from breakglass.ceremonies.demo import transcribe
from breakglass.record.journal import read_journal
from helpers import CREDENTIAL_REPORT_HEAD, findings, lookup_event, root_row, run, text

OLD = b"old-root-password-2026"
NEW = b"new-root-password-2026-06"
PEOPLE = ("--operator", "Ada Admin", "--witness", "Will Witness")
# Bag serials as the logbook records them, by the order of journal events: (sealed, opened, destroyed).
BAGS = [
    ("B-01;B-02;B-03", "", ""),  # split: custody page
    ("B-04;B-05", "B-01;B-02", ""),  # drill shares 1,2: opened, resealed
    ("B-06;B-07", "B-05;B-03", ""),  # drill shares 2,3
    ("B-08;B-09", "B-06;B-07", ""),  # release shares 2,3
    ("B-10;B-11;N-01;N-02;N-03", "B-04;B-09", ""),  # rotate: old 1,3 opened and resealed; the new set's custody
    ("", "", "B-10;B-08;B-11"),  # destroy old 1,2,3
    ("N-04;N-05", "N-01;N-02", ""),  # drill of the new set, shares 1,2
    ("N-06;N-07", "N-04;N-03", ""),  # drill shares 1,3
]


class History:
    """Drive the CLI on a fake clock; every command must succeed unless said otherwise."""

    def __init__(self, base: Path):
        self.base = base
        self.journal = base / "journal.jsonl"
        (base / "old.txt").write_bytes(OLD)
        (base / "new.txt").write_bytes(NEW)

    def cli(self, when: str, *args, ok: bool = True, input: bytes | None = None):
        result = run(*args, input=input, env={"BREAKGLASS_FAKE_TIME": when})
        if ok:
            assert result.returncode == 0, text(result)
        return result

    def sheets(self, folder: str, numbers) -> list[Path]:
        files = sorted((self.base / folder).glob("*-share-*-of-*.pdf"))
        return [f for f in files if int(f.name.split("-share-")[1].split("-")[0]) in numbers]

    def split(self, when="2026-01-05T10:00:00Z"):
        self.cli(
            when,
            "split",
            "-k",
            "2",
            "-n",
            "3",
            "--label",
            "Tenant root",
            "--secret-file",
            self.base / "old.txt",
            "--out",
            self.base / "old",
            "--journal",
            self.journal,
            *PEOPLE,
            "--custodian",
            "Alice",
            "--custodian",
            "Bob",
            "--custodian",
            "Carol",
            "--no-scan-check",
        )

    def drill(self, when, folder="old", shares=(1, 2), ok=True, extra=()):
        return self.cli(
            when,
            "recombine",
            "--verify-only",
            "--journal",
            self.journal,
            *PEOPLE,
            *extra,
            *self.sheets(folder, shares),
            ok=ok,
        )

    def release(self, when, shares=(2, 3)):
        self.cli(
            when,
            "recombine",
            "--out",
            self.base / f"released-{when[:10]}.bin",
            "--journal",
            self.journal,
            *PEOPLE,
            "--incident",
            "INC-42",
            "--reason",
            "IdP outage",
            *self.sheets("old", shares),
        )

    def rotate(self, when, secret="new.txt", ok=True):
        return self.cli(
            when,
            "rotate",
            "--journal",
            self.journal,
            "--secret-file",
            self.base / secret,
            "--out",
            self.base / "new",
            *PEOPLE,
            "--no-scan-check",
            *self.sheets("old", (1, 3)),
            ok=ok,
        )

    def destroy(self, when, sheets=("1", "2", "3"), bags=("B-10", "B-08", "B-11")):
        old_set = read_journal(self.journal)[0].set
        args = [a for sheet in sheets for a in ("--sheet", sheet)] + [a for bag in bags for a in ("--bag", bag)]
        self.cli(when, "destroy", "--journal", self.journal, "--set", old_set, *args, *PEOPLE)

    def rows(self) -> list[dict]:
        """The auditor's transcription of the paper logbook: one row per journal event, as written on paper."""
        rows = list(csv.DictReader(io.StringIO(transcribe(read_journal(self.journal)))))
        for row, (sealed, opened, destroyed) in zip(rows, BAGS, strict=False):
            row.update(bags_sealed=sealed, bags_opened=opened, bags_destroyed=destroyed)
        return rows

    def logbook_csv(self, rows: list[dict] | None = None, skip_codes=()) -> Path:
        rows = self.rows() if rows is None else rows
        path = self.base / "logbook.csv"
        with path.open("w", newline="") as f:
            writer = csv.DictWriter(f, list(rows[0]))
            writer.writeheader()
            writer.writerows(r for r in rows if r["event_code"] not in skip_codes)
        return path

    def evidence(self) -> list[Path]:
        """The provider's records, as AWS writes them: CloudTrail lookup-events output and a credential report."""
        entries = read_journal(self.journal)
        release = next(e for e in entries if e.event == "release")
        rotate = next(e for e in entries if e.event == "rotate")
        trail = self.base / "cloudtrail.json"
        trail.write_text(
            json.dumps(
                {
                    "Events": [
                        lookup_event("ConsoleLogin", release.time.replace(":00Z", ":10Z"), {"ConsoleLogin": "Success"}),
                        lookup_event("PasswordUpdated", "2026-06-12T14:20:00Z", {"PasswordUpdated": "Success"}),
                        lookup_event(
                            "ConsoleLogin", rotate.time.replace("15:00:00Z", "15:30:00Z"), {"ConsoleLogin": "Success"}
                        ),
                    ]
                },
                indent=2,
            )
        )
        report = self.base / "credential-report.csv"
        report.write_text(CREDENTIAL_REPORT_HEAD + root_row(password_last_used="2026-06-12T15:30:00+00:00"))
        return [trail, report]

    def audit(self, *extra, as_of="2026-12-31"):
        result = run("audit", "--journal", self.journal, "--as-of", as_of, *extra)
        assert result.returncode in (0, 1, 2, 4), text(result)
        return result

    def full_audit(self, rows=None, evidence=None, *extra, as_of="2026-12-31"):
        rotations = [a for path in (self.evidence() if evidence is None else evidence) for a in ("--rotations", path)]
        return self.audit("--logbook", self.logbook_csv(rows), *rotations, *extra, as_of=as_of)


def clean_year(base: Path) -> History:
    h = History(base)
    h.split("2026-01-05T10:00:00Z")
    h.drill("2026-03-01T09:00:00Z")
    h.drill("2026-05-20T09:00:00Z", shares=(2, 3))
    h.release("2026-06-10T02:00:00Z")
    h.rotate("2026-06-12T15:00:00Z")
    h.destroy("2026-06-13T10:00:00Z")
    h.drill("2026-08-30T09:00:00Z", folder="new")
    h.drill("2026-11-15T09:00:00Z", folder="new", shares=(1, 3))
    return h


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> History:
    return clean_year(tmp_path_factory.mktemp("year"))


def copy_history(year: History, tmp_path: Path) -> History:
    shutil.copytree(year.base, tmp_path / "h")
    return History(tmp_path / "h")


def only_finding(result, rule: str) -> str:
    found = findings(result)
    assert result.returncode == 1, text(result)
    assert len(found) == 1 and found[0].endswith(f"[{rule}]"), found
    return found[0]


def planted(year: History, tmp_path: Path, code_index: int, **changes) -> tuple[History, list[dict], dict]:
    h = copy_history(year, tmp_path)
    rows = h.rows()
    rows[code_index].update(changes)
    return h, rows, rows[code_index]


# ---------------------------------------------------------------- the honest year


def test_the_honest_year_is_clean(year, tmp_path):
    h = copy_history(year, tmp_path)
    head = read_journal(h.journal)[-1].code
    result = h.full_audit(None, None, "--head", head, "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 0, json.dumps(report, indent=1)
    assert report["verdict"] == "CLEAN" and report["findings"] == []
    assert {r["status"] for r in report["rules"]} == {"pass"}, [r for r in report["rules"] if r["status"] != "pass"]
    roles = [i["role"] for i in report["inputs"]]
    assert roles == ["journal", "logbook", "rotations", "rotations"]
    assert all(len(i["sha256"]) == 64 and i["bytes"] > 0 for i in report["inputs"])
    assert report["window"]["from"].startswith("2026-01-05") and report["window"]["to"].startswith("2026-12-31")
    assert not any("MFA" in n or "access key" in n for n in report["notes"])  # root has MFA and no keys


def test_the_text_report_names_its_inputs_window_and_rules(year, tmp_path):
    h = copy_history(year, tmp_path)
    out = h.full_audit().stdout.decode()
    assert "CLEAN: no findings. Not checked: head." in out
    assert "Window: 2026-01-05 10:00 UTC to 2026-12-31 23:59 UTC (8 entries)" in out
    assert "(AWS IAM credential report" in out and "(CloudTrail events" in out and "sha256 " in out
    assert "pass         logbook-agree" in out


# ---------------------------------------------------------------- one planted inconsistency each


def test_planted_date(year, tmp_path):
    h, rows, row = planted(year, tmp_path, 3, date="2026-06-11")
    line = only_finding(h.full_audit(rows), "logbook-agree")
    assert "row 5, date:" in line and "logbook '2026-06-11 02:00 UTC', journal '2026-06-10 02:00 UTC'" in line


def test_planted_time_beyond_the_tolerance(year, tmp_path):
    h, rows, row = planted(year, tmp_path, 1, time="10:00")
    line = only_finding(h.full_audit(rows), "logbook-agree")
    assert "row 3, time:" in line and "more than 30 minutes apart" in line
    h.logbook_csv(rows)
    assert h.full_audit(rows, None, "--time-tolerance", "90").returncode == 0


def test_a_date_only_transcription_compares_dates(year, tmp_path):
    h = copy_history(year, tmp_path)
    rows = [{k: v for k, v in r.items() if k != "time"} for r in h.rows()]
    result = h.full_audit(rows)
    assert result.returncode == 0, text(result)
    assert "has no column time" in text(result) and "times compared by date only" in text(result)
    rows[3]["date"] = "2026-06-09"
    assert "row 5, date:" in only_finding(h.full_audit(rows), "logbook-agree")


@pytest.mark.parametrize(
    "index, field, value, journal",
    [
        (3, "shares", "1;3", "2;3"),  # the release, row 5
        (1, "operator", "Otto Other", "Ada Admin"),  # the first drill, row 3
        (4, "witness", "Wanda Elsewhere", "Will Witness"),  # the rotation, row 6
    ],
)
def test_planted_field(year, tmp_path, index, field, value, journal):
    h, rows, row = planted(year, tmp_path, index, **{field: value})
    line = only_finding(h.full_audit(rows), "logbook-agree")
    assert f"row {index + 2}, {field}:" in line and f"logbook '{value}', journal '{journal}'" in line


def test_planted_missing_witness_and_operator(year, tmp_path):
    h, rows, _ = planted(year, tmp_path, 2, witness="")
    rows[5]["operator"] = ""
    result = h.full_audit(rows)
    found = findings(result)
    assert len(found) == 2 and all(f.endswith("[logbook-fields]") for f in found), found
    assert "row 4, witness:" in found[0] and "no witness written" in found[0]
    assert "row 7, operator:" in found[1]


def test_planted_witness_is_the_operator_on_paper(year, tmp_path):
    h, rows, _ = planted(year, tmp_path, 2, witness=" ada  ADMIN ")
    found = findings(h.full_audit(rows))
    assert any("[people]" in f and "the witness (ada  ADMIN) is the operator" in f for f in found), found


def test_planted_custodians(year, tmp_path):
    h, rows, _ = planted(year, tmp_path, 3, custodians="")
    line = only_finding(h.full_audit(rows), "logbook-fields")
    assert "row 5, custodians:" in line and "release" in line
    rows[3]["custodians"] = "Bob;Alice"
    found = findings(h.full_audit(rows))
    assert len(found) == 2 and all("[logbook-agree]" in f for f in found), found
    assert (
        "Alice held no sheet of the shares used" in found[0] and "no holder is named for share(s) 3 (Carol)" in found[1]
    )
    rows[3]["custodians"] = "Bob"
    found = findings(h.full_audit(rows))
    assert any("[custodians]" in f and "names 1 distinct custodian(s) (Bob); at least 2" in f for f in found), found


def test_planted_empty_custodians_at_a_rotation(year, tmp_path):
    h, rows, _ = planted(year, tmp_path, 4, custodians="")
    line = only_finding(h.full_audit(rows), "logbook-fields")
    assert "row 6, custodians: rotate" in line and "no custodians written" in line


def test_planted_unknown_sheet(year, tmp_path):
    h, rows, _ = planted(year, tmp_path, 5, sheets_destroyed="1.1;2.1;3.1;6.1")
    found = findings(h.full_audit(rows))
    assert any("[sheets]" in f and "records sheet 6.1 of set" in f and "never printed" in f for f in found), found
    assert any("[logbook-agree]" in f and "sheets_destroyed" in f for f in found), found


def test_planted_unknown_logbook_row(year, tmp_path):
    h = copy_history(year, tmp_path)
    rows = h.rows()
    rows.append({**rows[1], "event_code": "ZZZZ-ZZZZ", "bags_sealed": "", "bags_opened": ""})
    line = only_finding(h.full_audit(rows), "logbook-rows")
    assert "row 10, event_code: event code ZZZZ-ZZZZ" in line and "is not in the journal" in line


def test_a_mistyped_code_gets_did_you_mean(year, tmp_path):
    h = copy_history(year, tmp_path)
    rows = h.rows()
    real = rows[3]["event_code"]
    typo = real[:2] + ("A" if real[2] != "A" else "B") + real[3:]  # one character miscopied
    rows[3]["event_code"] = typo
    line = only_finding(h.full_audit(rows), "logbook-rows")
    assert f"did you mean {real} (release on 2026-06-10)?" in line


def test_planted_missing_logbook_row(year, tmp_path):
    h = copy_history(year, tmp_path)
    skipped = read_journal(h.journal)[3]
    rotations = [a for path in h.evidence() for a in ("--rotations", path)]
    found = findings(h.audit("--logbook", h.logbook_csv(skip_codes={skipped.code}), *rotations))
    rows = [f for f in found if f.endswith("[logbook-rows]")]
    assert len(rows) == 1 and rows[0].startswith(skipped.code), found
    assert f"release of set {skipped.set} on 2026-06-10 has no row" in rows[0]
    # the bags the missing row sealed are then opened without having been sealed: said, not hidden
    assert all(f.endswith("[bags]") for f in found if f not in rows) and any("B-08" in f for f in found)


def test_planted_missing_rotation(tmp_path):
    h = History(tmp_path)
    h.split("2026-01-05T10:00:00Z")
    h.release("2026-02-10T02:00:00Z")
    result = h.audit(as_of="2026-03-31")
    found = findings(result)
    assert any("[rotation]" in f and "not followed by a rotation within 7 days" in f for f in found), found
    assert any(
        "[provider-rotation]" in f and "rotation not confirmed" in f and "no --rotations evidence" in f for f in found
    ), found


def test_a_real_root_credential_report_cannot_confirm_the_rotation(year, tmp_path):
    h = copy_history(year, tmp_path)
    report = h.evidence()[1]
    line = only_finding(h.full_audit(None, [report]), "provider-rotation")
    assert "release on 2026-06-10: rotation not confirmed" in line
    assert "the AWS credential report cannot show a root password change" in line and "not_supported" in line


def test_rotation_record_csv_confirms_any_system(year, tmp_path):
    h = copy_history(year, tmp_path)
    record = tmp_path / "vault.csv"
    record.write_text("system,credential,rotated_at,by,evidence\nVault,root token,2026-06-12,Ada Admin,CHG-1234\n")
    assert h.full_audit(None, [record]).returncode == 0
    record.write_text("system,credential,rotated_at,by,evidence\nVault,root token,2026-06-12,Ada Admin,\n")
    line = only_finding(h.full_audit(None, [record]), "provider-rotation")
    assert "does not count: no evidence" in line


def test_a_change_at_the_provider_too_late(year, tmp_path):
    h = copy_history(year, tmp_path)
    record = tmp_path / "late.csv"
    record.write_text("system,credential,rotated_at,by,evidence\nAWS,root password,2026-06-30T10:00:00Z,Ada,CHG-9\n")
    found = findings(h.full_audit(None, [record]))
    assert any("[provider-rotation]" in f and "only at 2026-06-30 10:00 UTC" in f for f in found), found
    assert any("[provider-change]" in f and "no split or rotation in the journal around it" in f for f in found), found


def test_a_root_sign_in_outside_any_release(year, tmp_path):
    h = copy_history(year, tmp_path)
    trail, report = h.evidence()
    report.write_text(CREDENTIAL_REPORT_HEAD + root_row(password_last_used="2026-10-02T22:14:05+00:00"))
    line = only_finding(h.full_audit(None, [trail, report]), "provider-use")
    assert "2026-10-02 22:14 UTC" in line and "outside any release recorded in the journal" in line


# ---------------------------------------------------------------- the journal alone


def test_a_release_within_its_deadline_is_pending_not_clean(tmp_path):
    h = History(tmp_path)
    h.split("2026-01-05T10:00:00Z")
    h.release("2026-02-10T02:00:00Z")
    result = h.audit(as_of="2026-02-12")
    assert result.returncode == 4 and "PENDING" in text(result), text(result)
    assert "awaits rotation (due by 2026-02-17)" in text(result)


def test_a_late_rotation(tmp_path):
    h = History(tmp_path)
    h.split("2026-01-05T10:00:00Z")
    h.release("2026-02-10T02:00:00Z")
    h.rotate("2026-03-05T10:00:00Z")
    found = findings(h.audit(as_of="2026-03-31"))
    assert any("rotated late: after 23.3 days" in f for f in found), found


def test_a_retired_set_is_refused_and_allowed_only_with_a_reason(year, tmp_path):
    h = copy_history(year, tmp_path)
    refused = h.drill("2026-12-01T09:00:00Z", folder="old", shares=(1, 2), ok=False)
    assert refused.returncode == 1 and "belong to a retired set" in text(refused) and "destroy them" in text(refused)
    assert len(read_journal(h.journal)) == 8
    h.drill("2026-12-01T09:00:00Z", folder="old", shares=(1, 2), extra=("--allow-retired", "forensics after loss"))
    code = read_journal(h.journal)[-1].code
    found = findings(h.audit())
    assert any(
        f.startswith(code) and "[retired]" in f and "reason recorded: 'forensics after loss'" in f for f in found
    )


def test_a_pile_of_old_and_new_sheets_uses_the_current_set(year, tmp_path):
    h = copy_history(year, tmp_path)
    result = h.cli(
        "2026-12-02T09:00:00Z",
        "recombine",
        "--verify-only",
        "--journal",
        h.journal,
        *PEOPLE,
        *h.sheets("old", (1, 2)),
        *h.sheets("new", (2, 3)),
    )
    new_set = read_journal(h.journal)[4].extra["new_set"]
    assert f"OK  set {new_set}" in result.stdout.decode()
    assert "RETIRED by rotation" in text(result) and "ignored 2 shares of set" in text(result)
    assert read_journal(h.journal)[-1].set == new_set


def test_one_person_cannot_be_operator_and_witness(year, tmp_path):
    h = copy_history(year, tmp_path)
    same = h.cli(
        "2026-12-01T09:00:00Z",
        "recombine",
        "--verify-only",
        "--journal",
        h.journal,
        "--operator",
        "Ada",
        "--witness",
        " ada ",
        *h.sheets("new", (1, 2)),
        ok=False,
    )
    assert same.returncode == 1 and "the witness ( ada ) is the operator" in text(same)
    assert len(read_journal(h.journal)) == 8
    h.cli(
        "2026-12-01T09:00:00Z",
        "recombine",
        "--verify-only",
        "--journal",
        h.journal,
        "--operator",
        "Ada",
        "--solo",
        "witness stuck in traffic",
        *h.sheets("new", (1, 2)),
    )
    found = findings(h.audit())
    assert any("[people]" in f and "done solo by Ada" in f and "'witness stuck in traffic'" in f for f in found), found


def test_a_mistyped_journal_is_an_error_not_a_new_journal(year, tmp_path):
    h = copy_history(year, tmp_path)
    result = h.cli(
        "2026-12-01T09:00:00Z",
        "recombine",
        "--verify-only",
        "--journal",
        h.base / "jornal.jsonl",
        *PEOPLE,
        *h.sheets("new", (1, 2)),
        ok=False,
    )
    assert result.returncode == 1 and "does not exist" in text(result)
    assert not (h.base / "jornal.jsonl").exists()


def test_a_tampered_journal_cannot_be_audited(year, tmp_path):
    h = copy_history(year, tmp_path)
    lines = h.journal.read_text().splitlines()
    lines[3] = lines[3].replace('"INC-42"', '"INC-43"')
    h.journal.write_text("\n".join(lines) + "\n")
    result = h.audit("--json")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["verdict"] == "CANNOT AUDIT" and "line 4" in report["findings"][0]["message"]
    assert {r["status"] for r in report["rules"][1:]} == {"not checked"}


def test_a_dropped_tail_is_found_with_the_head_code(year, tmp_path):
    h = copy_history(year, tmp_path)
    head = read_journal(h.journal)[-1].code
    h.journal.write_text("".join(h.journal.read_text().splitlines(keepends=True)[:-1]))
    rows = h.rows()
    assert h.full_audit(rows, None, as_of="2026-11-20").returncode == 0  # without the paper's code, invisible
    line = only_finding(h.full_audit(rows, None, "--head", head, as_of="2026-11-20"), "head")
    assert f"the paper logbook's last code is {head}" in line


def test_an_empty_head_code_is_refused_not_taken_for_no_code(year, tmp_path):
    """A script that passes --head "$CODE" with CODE unset must not silently skip the head check."""
    h = copy_history(year, tmp_path)
    for blank in ("", "   "):
        result = h.audit("--head", blank)
        assert result.returncode == 2 and "is not an event code" in text(result)


def test_missing_inputs_cannot_be_audited(year, tmp_path):
    h = copy_history(year, tmp_path)
    for args in (["--logbook", tmp_path / "nope.csv"], ["--rotations", tmp_path / "nope.json"]):
        result = h.audit(*args)
        assert result.returncode == 2 and "error: cannot audit:" in text(result) and "does not exist" in text(result)
    (tmp_path / "odd.csv").write_text("a,b\n1,2\n")
    result = h.audit("--rotations", tmp_path / "odd.csv")
    assert result.returncode == 2 and "none of the evidence breakglass reads" in text(result)
    result = run("audit", "--journal", tmp_path / "none.jsonl")
    assert result.returncode == 2 and not (tmp_path / "none.jsonl").exists()


def test_an_identical_new_credential_is_refused_and_the_release_stays_unrotated(tmp_path):
    h = History(tmp_path)
    h.split("2026-01-05T10:00:00Z")
    h.release("2026-02-10T02:00:00Z")
    refused = h.rotate("2026-02-11T10:00:00Z", secret="old.txt", ok=False)
    assert refused.returncode == 1 and "the new credential is the same as the old one" in text(refused)
    assert not (tmp_path / "new").exists()
    assert any("not followed by a rotation" in f for f in findings(h.audit(as_of="2026-03-31")))


def test_drills_too_far_apart(tmp_path):
    h = History(tmp_path)
    h.split("2026-01-05T10:00:00Z")
    h.drill("2026-06-01T09:00:00Z")
    assert any("no drill or use from 2026-01-05 to 2026-06-01" in f for f in findings(h.audit(as_of="2026-07-01")))


def test_a_retired_sheet_never_destroyed(tmp_path):
    h = History(tmp_path)
    h.split("2026-01-05T10:00:00Z")
    h.release("2026-02-10T02:00:00Z")
    h.rotate("2026-02-11T10:00:00Z")
    h.destroy("2026-02-11T12:00:00Z", sheets=("1", "3"), bags=())
    assert "awaiting destruction of share 2 copy 1 (Bob)" in text(h.audit(as_of="2026-02-12"))
    found = findings(h.audit(as_of="2026-03-31"))
    assert any("1 sheet(s) were never recorded destroyed: share 2 copy 1 (Bob)" in f for f in found), found


def test_bags_opened_twice_or_never_sealed(year, tmp_path):
    h, rows, _ = planted(year, tmp_path, 6, bags_opened="N-01;B-02")
    found = findings(h.full_audit(rows))
    assert any("[bags]" in f and "bag B-02 opened again" in f for f in found), found
    rows[6]["bags_opened"] = "N-01;X-99"
    assert any("bag X-99 opened on 2026-08-30 was never recorded sealed" in f for f in findings(h.full_audit(rows)))


def test_entries_after_the_window_are_not_audited(year, tmp_path):
    h = copy_history(year, tmp_path)
    result = h.full_audit(None, None, as_of="2026-06-11")
    assert result.returncode == 4, text(result)  # PENDING: the release's change is not yet shown at the provider
    assert "4 journal entries after 2026-06-11 23:59 UTC are outside the audit window" in text(result)
    assert "not confirmed yet (due by 2026-06-17)" in text(result)


def test_the_transcription_template_has_the_documented_columns():
    from breakglass.record.audit import LOGBOOK_COLUMNS

    template = Path(__file__).resolve().parent.parent / "templates" / "logbook-transcription.csv"
    assert tuple(template.read_text().splitlines()[0].split(",")) == LOGBOOK_COLUMNS


# ---------------------------------------------------------------- which set recombine uses


def test_a_retired_release_is_advised_to_destroy_not_to_rotate(year, tmp_path):
    h = copy_history(year, tmp_path)
    result = h.cli(
        "2026-12-02T09:00:00Z",
        "recombine",
        "--out",
        h.base / "old-again.bin",
        "--journal",
        h.journal,
        *PEOPLE,
        "--incident",
        "INC-77",
        "--reason",
        "forensics",
        "--allow-retired",
        "check what the old sheets hold",
        *h.sheets("old", (1, 2)),
    )
    out = text(result)
    assert "Destroy these sheets under witness" in out and "rotate it" not in out
    entry = read_journal(h.journal)[-1]
    assert entry.extra["allowed_retired"] == "check what the old sheets hold" and entry.extra["retired_by"]


def test_sheets_of_a_set_the_journal_never_made_are_refused(year, tmp_path):
    h = copy_history(year, tmp_path)
    (tmp_path / "other").mkdir()
    other = History(tmp_path / "other")
    other.split("2026-02-01T10:00:00Z")
    result = h.drill("2026-12-01T09:00:00Z", folder="../other/old", ok=False)
    assert result.returncode == 1 and "none of these sheets belongs to a set in journal" in text(result)
    assert len(read_journal(h.journal)) == 8


def test_without_a_journal_two_complete_sets_are_refused_and_one_is_used_with_a_warning(year):
    mixed = run("recombine", "--verify-only", *year.sheets("old", (1, 2)), *year.sheets("new", (1, 2)))
    assert mixed.returncode == 1 and "give only one set's sheets" in text(mixed)
    alone = run("recombine", "--verify-only", *year.sheets("old", (1, 2)))
    assert alone.returncode == 0 and "cannot tell whether set" in text(alone) and "not recorded" in text(alone)


def test_a_journalled_release_records_its_incident_and_reason(year, tmp_path):
    h = copy_history(year, tmp_path)
    result = h.cli(
        "2026-12-01T09:00:00Z",
        "recombine",
        "--out",
        h.base / "x.bin",
        "--journal",
        h.journal,
        *PEOPLE,
        *h.sheets("new", (1, 2)),
        ok=False,
    )
    assert result.returncode == 1 and "give --incident and --reason" in text(result)
    assert not (h.base / "x.bin").exists() and len(read_journal(h.journal)) == 8
