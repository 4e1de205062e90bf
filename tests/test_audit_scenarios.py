"""A year of ceremonies through the real CLI, then `breakglass audit`: a clean history passes, and each kind of
lapse gives its own finding."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from breakglass.record.audit import LOGBOOK_COLUMNS
from breakglass.record.journal import read_journal
from test_cli import run, text

OLD = b"old-root-password-2026"
NEW = b"new-root-password-2026-06"


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
        self.cli(when, "split", "-k", "2", "-n", "3", "--label", "Tenant root", "--secret-file", self.base / "old.txt",
                 "--out", self.base / "old", "--journal", self.journal, "--operator", "Ada Admin", "--witness", "Will Witness",
                 "--custodian", "Alice", "--custodian", "Bob", "--custodian", "Carol", "--no-scan-check")

    def drill(self, when, folder="old", shares=(1, 2), ok=True):
        return self.cli(when, "recombine", "--verify-only", "--journal", self.journal, "--operator", "Ada Admin",
                        "--witness", "Will Witness", *self.sheets(folder, shares), ok=ok)

    def release(self, when):
        self.cli(when, "recombine", "--out", self.base / f"released-{when[:10]}.bin", "--journal", self.journal,
                 "--operator", "Ada Admin", "--witness", "Will Witness", "--incident", "INC-42", "--reason", "IdP outage",
                 *self.sheets("old", (2, 3)))

    def rotate(self, when, secret="new.txt", ok=True):
        return self.cli(when, "rotate", "--journal", self.journal, "--secret-file", self.base / secret, "--out",
                        self.base / "new", "--operator", "Ada Admin", "--witness", "Will Witness", "--no-scan-check",
                        *self.sheets("old", (1, 3)), ok=ok)

    def destroy(self, when, sheets=("1", "2", "3")):
        old_set = read_journal(self.journal)[0].set
        args = [a for sheet in sheets for a in ("--sheet", sheet)]
        self.cli(when, "destroy", "--journal", self.journal, "--set", old_set, *args, "--operator", "Ada Admin",
                 "--witness", "Will Witness")

    def logbook_csv(self, skip_codes=()) -> Path:
        """The auditor's transcription: one row per journal event, as written on paper."""
        path = self.base / "logbook.csv"
        with path.open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(LOGBOOK_COLUMNS)
            for e in read_journal(self.journal):
                if e.code in skip_codes:
                    continue
                custodians = ";".join({1: "Alice", 2: "Bob", 3: "Carol"}[s] for s in e.shares) if e.event != "split" else ""
                writer.writerow([e.code, e.time[:10], e.event, e.set, ";".join(map(str, e.shares)), e.operator or "",
                                 e.witness or "", custodians, "", "", "", ""])
        return path

    def audit(self, *extra, as_of="2026-12-31"):
        result = run("audit", "--journal", self.journal, "--as-of", as_of, *extra)
        assert result.returncode in (0, 1), text(result)
        return result


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


def findings(result) -> list[str]:
    return [line for line in result.stdout.decode().splitlines() if line.startswith("  ") and "note:" not in line]


def test_a_clean_year_passes(year):
    result = year.audit("--logbook", year.logbook_csv())
    assert result.returncode == 0, text(result)
    assert "CLEAN" in result.stdout.decode()
    assert len(read_journal(year.journal)) == 8


def test_the_json_report_is_machine_readable(year):
    result = year.audit("--json")
    report = json.loads(result.stdout)
    assert report["clean"] is True and report["entries"] == 8


def test_a_release_with_no_rotation(tmp_path):
    h = History(tmp_path)
    h.split("2026-01-05T10:00:00Z")
    h.release("2026-02-10T02:00:00Z")
    result = h.audit(as_of="2026-03-31")
    assert result.returncode == 1
    assert any("not followed by a rotation within 7 days" in f for f in findings(result))


def test_a_release_within_its_deadline_is_a_note_not_a_finding(tmp_path):
    h = History(tmp_path)
    h.split("2026-01-05T10:00:00Z")
    h.release("2026-02-10T02:00:00Z")
    result = h.audit(as_of="2026-02-12")
    assert result.returncode == 0, text(result)
    assert "awaits rotation (due by 2026-02-17)" in result.stdout.decode()


def test_a_late_rotation(tmp_path):
    h = History(tmp_path)
    h.split("2026-01-05T10:00:00Z")
    h.release("2026-02-10T02:00:00Z")
    h.rotate("2026-03-05T10:00:00Z")
    result = h.audit(as_of="2026-03-31")
    assert result.returncode == 1
    assert [f for f in findings(result) if "rotated late: after 23.3 days" in f]


def test_reuse_of_a_retired_set(year, tmp_path):
    h = copy_history(year, tmp_path)
    result = h.drill("2026-12-01T09:00:00Z", folder="old", shares=(1, 2))
    assert "RETIRED" in text(result)
    audit = h.audit()
    assert audit.returncode == 1
    code = read_journal(h.journal)[-1].code
    assert any(f.strip().startswith(code) and "which was retired by rotation" in f for f in findings(audit))


def test_a_missing_logbook_line(year):
    skipped = read_journal(year.journal)[3]
    result = year.audit("--logbook", year.logbook_csv(skip_codes={skipped.code}))
    assert result.returncode == 1
    assert findings(result) == [f"  {skipped.code}   release of set {skipped.set} on 2026-06-10 has no line in the paper logbook"]


def test_a_tampered_journal(year, tmp_path):
    h = copy_history(year, tmp_path)
    lines = h.journal.read_text().splitlines()
    lines[3] = lines[3].replace('"INC-42"', '"INC-43"')
    assert lines[3] != h.journal.read_text().splitlines()[3]
    h.journal.write_text("\n".join(lines) + "\n")
    result = h.audit()
    assert result.returncode == 1
    assert "journal chain broken" in result.stdout.decode() and "line 4" in result.stdout.decode()


def test_a_dropped_tail_is_found_with_the_head_code(year, tmp_path):
    h = copy_history(year, tmp_path)
    head = read_journal(h.journal)[-1].code
    h.journal.write_text("".join(h.journal.read_text().splitlines(keepends=True)[:-1]))
    assert h.audit(as_of="2026-11-20").returncode == 0  # without the code from paper, a dropped tail is invisible
    result = h.audit("--head", head, as_of="2026-11-20")
    assert result.returncode == 1 and "journal chain broken" in result.stdout.decode()


def test_an_identical_new_credential_is_refused_and_the_release_stays_unrotated(tmp_path):
    h = History(tmp_path)
    h.split("2026-01-05T10:00:00Z")
    h.release("2026-02-10T02:00:00Z")
    refused = h.rotate("2026-02-11T10:00:00Z", secret="old.txt", ok=False)
    assert refused.returncode == 1 and "the new credential is the same as the old one" in text(refused)
    assert not (tmp_path / "new").exists()
    result = h.audit(as_of="2026-03-31")
    assert any("not followed by a rotation" in f for f in findings(result))


def test_drills_too_far_apart(tmp_path):
    h = History(tmp_path)
    h.split("2026-01-05T10:00:00Z")
    h.drill("2026-06-01T09:00:00Z")
    result = h.audit(as_of="2026-07-01")
    assert any("no drill or use from 2026-01-05 to 2026-06-01" in f for f in findings(result))


def test_provider_records_must_show_a_change_after_each_release(year, tmp_path):
    generic = tmp_path / "changes.csv"
    generic.write_text("credential,changed_at\nTenant root,2026-06-11T08:00:00Z\n")
    assert year.audit("--rotations", generic).returncode == 0
    report = tmp_path / "credential-report.csv"
    report.write_text(
        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
        "access_key_1_last_rotated,access_key_2_last_rotated\n"
        "<root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported,2026-06-10T02:10:00+00:00,"
        "not_supported,N/A,N/A\n"
    )
    result = year.audit("--rotations", report)
    assert result.returncode == 1
    assert any("the provider records no change of the credential afterwards" in f for f in findings(result))


def test_witness_equal_to_operator_is_a_finding(tmp_path):
    h = History(tmp_path)
    h.split("2026-01-05T10:00:00Z")
    h.cli("2026-02-01T10:00:00Z", "recombine", "--verify-only", "--journal", h.journal, "--operator", "Ada",
          "--witness", "ada", *h.sheets("old", (1, 2)))
    result = h.audit(as_of="2026-02-02")
    assert any("the witness (ada) is the operator" in f for f in findings(result))


def test_a_retired_sheet_never_destroyed(tmp_path):
    h = History(tmp_path)
    h.split("2026-01-05T10:00:00Z")
    h.release("2026-02-10T02:00:00Z")
    h.rotate("2026-02-11T10:00:00Z")
    h.destroy("2026-02-11T12:00:00Z", sheets=("1", "3"))
    assert "awaiting destruction of share 2 copy 1 (Bob)" in h.audit(as_of="2026-02-12").stdout.decode()
    result = h.audit(as_of="2026-03-31")
    assert any("1 sheet(s) were never recorded destroyed: share 2 copy 1 (Bob)" in f for f in findings(result))


def test_the_transcription_template_has_the_documented_columns():
    from pathlib import Path

    template = Path(__file__).resolve().parent.parent / "templates" / "logbook-transcription.csv"
    assert tuple(template.read_text().splitlines()[0].split(",")) == LOGBOOK_COLUMNS
