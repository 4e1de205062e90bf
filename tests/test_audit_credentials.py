"""The audit proves, from the provider's own records, that every part of the credential the sheets hold was changed
after a release: an AWS root user (password, MFA device, access key), a Microsoft Entra ID emergency access account
(password, MFA/FIDO) and a Google Workspace super administrator (password, backup codes).

One real lifecycle (split, release, rotate, destroy) is driven through the CLI on a fake clock with an AWS config;
the Entra and Google journals are the same journal with their [credential] recorded instead (the chain re-hashed),
as the CLI writes it for their configs. The evidence is tests/fixtures/evidence/, shaped as each provider exports
it. Each lifecycle audits CLEAN with its provider's export, PENDING on the rotation day without it, and each
planted inconsistency is named.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from breakglass.record.audit import Rules, parse_as_of, run_audit
from breakglass.record.journal import GENESIS, canonical, entry_hash, read_journal
from helpers import run, text

FIXTURES = Path(__file__).parent / "fixtures" / "evidence"
PEOPLE = ("--operator", "Ada Admin", "--witness", "Will Witness")
HOLDS = {
    "aws": {
        "provider": "aws",
        "account": "111122223333",
        "principal": "root",
        "parts": ["password", "mfa", "access_key"],
    },
    "entra": {
        "provider": "entra",
        "account": "5f2b8e1c-3d4a-4c6b-9e7f-1a2b3c4d5e6f",
        "principal": "bg-emergency1@contoso.onmicrosoft.com",
        "parts": ["password", "mfa"],
    },
    "google": {
        "provider": "google",
        "account": "C03az79cb",
        "principal": "breakglass-admin@example.com",
        "parts": ["password", "backup_codes"],
    },
    "other": {"provider": "other", "account": "", "principal": "Vault root token", "parts": ["password", "other"]},
}
EXPORTS = {  # what an auditor exports from each provider for this lifecycle
    "aws": ["aws-cloudtrail-log-file.json", "aws-iam-credential-report.csv"],
    "entra": ["entra-signins-graph.json", "entra-directoryaudits-graph.json"],
    "google": ["google-reports-activities-login.json", "google-reports-activities-admin.json"],
}
CONFIG = """label = "Break-glass test credential"
scope = "test"
k = 2
n = 3
rotation_deadline_days = 7
permitted_uses = ["Locked out of all administrator access"]
contact = "security on-call"
administrator = "Ada Admin"
witness = "Will Witness"
auditor = "Chen Audit"

[credential]
provider = "aws"
account = "111122223333"
principal = "root"
parts = ["password", "mfa", "access_key"]

[[custodians]]
name = "Alice"
role = "Custodian"
location = "London"

[[custodians]]
name = "Bob"
role = "Custodian"
location = "Leeds"

[[custodians]]
name = "Carol"
role = "Custodian"
location = "York"
"""


def cli(when: str, *args):
    result = run(*args, env={"BREAKGLASS_FAKE_TIME": when})
    assert result.returncode == 0, text(result)
    return result


def sheets(folder: Path, numbers) -> list[Path]:
    return [
        f for f in sorted(folder.glob("*-share-*-of-*.pdf")) if int(f.name.split("-share-")[1].split("-")[0]) in numbers
    ]


@pytest.fixture(scope="module")
def life(tmp_path_factory) -> Path:
    """split 05-01, release 06-10 02:00, rotate 06-12 15:00 (no --config: what the sheets hold is carried over),
    destroy 06-13: the AWS root user's lifecycle through the real CLI."""
    base = tmp_path_factory.mktemp("life")
    (base / "ceremony.toml").write_text(CONFIG)
    (base / "old.txt").write_bytes(b"old root password + MFA seed + access key")
    (base / "new.txt").write_bytes(b"new root password + MFA seed + access key")
    journal = base / "journal.jsonl"
    cli(
        "2026-05-01T10:00:00Z",
        "split",
        "--config",
        base / "ceremony.toml",
        "--secret-file",
        base / "old.txt",
        "--out",
        base / "old",
        "--journal",
        journal,
        *PEOPLE,
        "--no-scan-check",
    )
    cli(
        "2026-06-10T02:00:00Z",
        "recombine",
        "--out",
        base / "released.bin",
        "--journal",
        journal,
        *PEOPLE,
        "--incident",
        "INC-42",
        "--reason",
        "Locked out of all administrator access",
        *sheets(base / "old", (2, 3)),
    )
    cli(
        "2026-06-12T15:00:00Z",
        "rotate",
        "--journal",
        journal,
        "--secret-file",
        base / "new.txt",
        "--out",
        base / "new",
        *PEOPLE,
        "--no-scan-check",
        *sheets(base / "old", (1, 3)),
    )
    old_set = read_journal(journal)[0].set
    cli(
        "2026-06-13T10:00:00Z",
        "destroy",
        "--journal",
        journal,
        "--set",
        old_set,
        "--sheet",
        "1",
        "--sheet",
        "2",
        "--sheet",
        "3",
        *PEOPLE,
    )
    return base


def journal_for(life: Path, provider: str, tmp_path: Path) -> Path:
    """The lifecycle's journal as the CLI writes it with `provider`'s [credential] (the chain re-hashed)."""
    entries = [json.loads(line) for line in (life / "journal.jsonl").read_text().splitlines()]
    prev = GENESIS
    for entry in entries:
        if "holds" in entry:
            entry["holds"] = HOLDS[provider]
        entry["prev"] = prev
        prev = entry_hash(entry)
    path = tmp_path / f"journal-{provider}.jsonl"
    path.write_text("".join(canonical(e) + "\n" for e in entries))
    return path


def audit(journal: Path, evidence, as_of: str = "2026-06-20"):
    return run_audit(journal, rules=Rules(), as_of=parse_as_of(as_of), rotations=list(evidence))


def lines(report) -> list[str]:
    return [f.line() for f in report.findings]


def named(report, rule: str, *words: str) -> str:
    hits = [line for line in lines(report) if line.endswith(f"[{rule}]") and all(w in line for w in words)]
    assert hits, f"no [{rule}] finding with {words}:\n" + "\n".join(lines(report) + report.notes)
    return hits[0]


def exported(provider: str, tmp_path: Path, change=None, name: str | None = None) -> list[Path]:
    """The provider's export for the lifecycle; `change(document)` edits the file `name` (JSON) first."""
    out = []
    for file in EXPORTS[provider]:
        path = FIXTURES / file
        if change is not None and file == (name or EXPORTS[provider][-1]):
            document = json.loads(path.read_text())
            change(document)
            path = tmp_path / file
            path.write_text(json.dumps(document))
        out.append(path)
    return out


# ---------------------------------------------------------------- the three lifecycles


def test_split_and_rotate_record_what_the_sheets_hold(life):
    entries = read_journal(life / "journal.jsonl")
    assert [e.event for e in entries] == ["split", "release", "rotate", "destroy"]
    assert entries[0].extra["holds"] == HOLDS["aws"] and entries[2].extra["holds"] == HOLDS["aws"]


def test_the_aws_lifecycle_audits_clean_through_the_cli_and_names_each_part(life, tmp_path):
    args = [a for f in EXPORTS["aws"] for a in ("--rotations", FIXTURES / f)]
    result = run("audit", "--journal", life / "journal.jsonl", "--as-of", "2026-06-20", *args, "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["verdict"] == "CLEAN", json.dumps(report, indent=1)
    parts = {p["part"]: p for p in report["parts"]}
    assert set(parts) == {"password", "mfa", "access_key"} and {p["status"] for p in parts.values()} == {"confirmed"}
    assert parts["password"]["evidence"][0]["event_id"] == "3f0f1a52-1c1e-4d0b-9a47-6a3b1e0c0a03"
    assert [e["what"] for e in parts["access_key"]["evidence"]] == [
        "root access key created (CloudTrail CreateAccessKey)",
        "root access key deleted (CloudTrail DeleteAccessKey)",
    ]
    assert "the AWS root user of account 111122223333" in report["credential"]["held"]
    plain = run("audit", "--journal", life / "journal.jsonl", "--as-of", "2026-06-20", *args)
    assert (
        "aws-cloudtrail-log-file.json event 3 (id 3f0f1a52-1c1e-4d0b-9a47-6a3b1e0c0a03), 2026-06-12 14:20 UTC"
        in text(plain)
    )


@pytest.mark.parametrize("provider", ["entra", "google"])
def test_the_entra_and_google_lifecycles_audit_clean(life, tmp_path, provider):
    report = audit(journal_for(life, provider, tmp_path), exported(provider, tmp_path))
    assert report.verdict == "CLEAN", "\n".join(lines(report) + report.notes)
    assert {p["part"]: p["status"] for p in report.parts} == {p: "confirmed" for p in HOLDS[provider]["parts"]}
    assert any("record(s) about" in n for n in report.notes), report.notes  # the other user's records are named


@pytest.mark.parametrize(
    "export",
    ["aws-cloudtrail-event-history.json", "aws-cloudtrail-lookup-events.json", "aws-cloudtrail-event-history.csv"],
)
def test_every_aws_export_kind_confirms_the_rotation(life, export):
    report = audit(life / "journal.jsonl", [FIXTURES / export])
    assert report.verdict == "CLEAN", "\n".join(lines(report) + report.notes)


@pytest.mark.parametrize(
    "provider, exports",
    [
        ("entra", ["entra-signins-download.json", "entra-auditlogs-download.json"]),
        ("entra", ["entra-signins-download.csv", "entra-auditlogs-download.csv"]),
    ],
)
def test_the_entra_admin_center_downloads_confirm_it_too(life, tmp_path, provider, exports):
    report = audit(journal_for(life, provider, tmp_path), [FIXTURES / e for e in exports])
    assert report.verdict == "CLEAN", "\n".join(lines(report) + report.notes)


@pytest.mark.parametrize("provider", ["aws", "entra", "google"])
def test_the_rotation_day_without_the_providers_record_is_pending(life, tmp_path, provider):
    journal = life / "journal.jsonl" if provider == "aws" else journal_for(life, provider, tmp_path)
    report = audit(journal, [], as_of="2026-06-12")
    assert report.verdict == "PENDING" and report.exit_code == 4 and not report.findings, lines(report)
    assert {p["status"] for p in report.parts} == {"pending"} and len(report.pending) == len(HOLDS[provider]["parts"])


def test_a_credential_report_alone_cannot_confirm_a_root_rotation_pending_then_a_finding(life):
    report = audit(life / "journal.jsonl", [FIXTURES / "aws-iam-credential-report.csv"], as_of="2026-06-12")
    assert report.verdict == "PENDING", lines(report)
    late = audit(life / "journal.jsonl", [FIXTURES / "aws-iam-credential-report.csv"])
    assert named(late, "provider-rotation", "rotation not confirmed for the password", "not_supported")
    assert named(late, "provider-rotation", "for the MFA device or seed")


def test_pending_is_its_own_verdict_and_exit_code_in_the_cli(life):
    result = run("audit", "--journal", life / "journal.jsonl", "--as-of", "2026-06-12")
    assert result.returncode == 4, text(result)
    assert "PENDING: no findings, but 3 part(s)" in text(result) and "CLEAN" not in text(result)


# ---------------------------------------------------------------- planted, per provider


def _aws_trail(edit):
    def change(document):
        edit(document["Records"])

    return change


def drop(names):
    return lambda records: records.__setitem__(slice(None), [r for r in records if r.get("eventName") not in names])


def test_aws_a_change_before_the_release_does_not_count(life, tmp_path):
    def earlier(records):
        next(r for r in records if r["eventName"] == "PasswordUpdated")["eventTime"] = "2026-06-09T12:00:00Z"

    report = audit(
        life / "journal.jsonl", exported("aws", tmp_path, _aws_trail(earlier), "aws-cloudtrail-log-file.json")
    )
    named(report, "provider-rotation", "rotation not confirmed for the password")


def test_aws_another_account_never_confirms_and_is_named(life, tmp_path):
    def other(records):
        for r in records:
            r["recipientAccountId"] = r["userIdentity"]["accountId"] = "444455556666"

    report = audit(life / "journal.jsonl", exported("aws", tmp_path, _aws_trail(other), "aws-cloudtrail-log-file.json"))
    assert {p["status"] for p in report.parts} == {"not confirmed"}, report.parts
    assert any("record(s) about AWS account 444455556666" in n for n in report.notes), report.notes


def test_aws_a_new_mfa_device_without_the_old_ones_removal_is_not_a_rotation(life, tmp_path):
    report = audit(
        life / "journal.jsonl",
        exported(
            "aws",
            tmp_path,
            _aws_trail(drop({"DeactivateMFADevice", "DeleteVirtualMFADevice"})),
            "aws-cloudtrail-log-file.json",
        ),
    )
    line = named(report, "provider-rotation", "for the MFA device or seed")
    assert "not the old one's removal" in line
    assert [p["part"] for p in report.parts if p["status"] == "confirmed"] == ["password", "access_key"]


def test_aws_an_access_key_created_but_the_old_one_kept(life, tmp_path):
    report = audit(
        life / "journal.jsonl",
        exported("aws", tmp_path, _aws_trail(drop({"DeleteAccessKey"})), "aws-cloudtrail-log-file.json"),
    )
    named(report, "provider-rotation", "for the access key", "may still work")


def test_aws_a_failed_password_change(life, tmp_path):
    def failed(records):
        event = next(r for r in records if r["eventName"] == "PasswordUpdated")
        event["responseElements"] = {"PasswordUpdated": "Failure"}

    report = audit(
        life / "journal.jsonl", exported("aws", tmp_path, _aws_trail(failed), "aws-cloudtrail-log-file.json")
    )
    named(report, "provider-rotation", "for the password", "does not count: the change failed")


def test_aws_a_root_sign_in_outside_any_window(life, tmp_path):
    def extra(records):
        sign_in = copy.deepcopy(records[0])
        sign_in.update(eventTime="2026-05-20T03:00:00Z", eventID="planted")
        records.append(sign_in)

    report = audit(life / "journal.jsonl", exported("aws", tmp_path, _aws_trail(extra), "aws-cloudtrail-log-file.json"))
    named(report, "provider-use", "2026-05-20 03:00 UTC", "outside any release", "misuse")


def test_aws_an_mfa_change_between_ceremonies_makes_the_sheets_stale(life, tmp_path):
    def later(records):
        event = copy.deepcopy(next(r for r in records if r["eventName"] == "DeactivateMFADevice"))
        event.update(eventTime="2026-06-18T11:00:00Z", eventID="planted")
        records.append(event)

    report = audit(life / "journal.jsonl", exported("aws", tmp_path, _aws_trail(later), "aws-cloudtrail-log-file.json"))
    named(report, "provider-change", "MFA device or seed", "2026-06-18 11:00 UTC", "may no longer open the account")


def _entra_audits(edit):
    def change(document):
        edit(document["value"])

    return change


def test_entra_the_reset_of_another_user_never_confirms(life, tmp_path):
    def other(records):
        reset = next(r for r in records if r["activityDisplayName"] == "Reset user password")
        reset["targetResources"][0].update(
            userPrincipalName="alex.wilber@contoso.com", id="0c2e7d5f-2222-4333-9444-a55566677788"
        )

    report = audit(journal_for(life, "entra", tmp_path), exported("entra", tmp_path, _entra_audits(other)))
    named(report, "provider-rotation", "for the password")
    assert any("about alex.wilber@contoso.com" in n for n in report.notes), report.notes


def test_entra_only_another_part_changed(life, tmp_path):
    report = audit(
        journal_for(life, "entra", tmp_path),
        exported(
            "entra",
            tmp_path,
            _entra_audits(
                lambda records: records.__setitem__(
                    slice(None), [r for r in records if "security info" not in r["activityDisplayName"]]
                )
            ),
        ),
    )
    named(report, "provider-rotation", "for the MFA device or seed")
    assert [p["part"] for p in report.parts if p["status"] == "confirmed"] == ["password"]


def test_entra_a_failed_reset(life, tmp_path):
    def failed(records):
        next(r for r in records if r["activityDisplayName"] == "Reset user password")["result"] = "failure"

    report = audit(journal_for(life, "entra", tmp_path), exported("entra", tmp_path, _entra_audits(failed)))
    named(report, "provider-rotation", "for the password", "result is 'failure'")


def test_entra_a_sign_in_outside_any_window_and_the_object_id_matches(life, tmp_path):
    def extra(document):
        sign_in = copy.deepcopy(document["value"][2])
        sign_in.update(
            id="planted", createdDateTime="2026-05-30T23:10:00Z", userPrincipalName=""
        )  # named by object id only
        document["value"].append(sign_in)

    report = audit(journal_for(life, "entra", tmp_path), exported("entra", tmp_path, extra, "entra-signins-graph.json"))
    named(report, "provider-use", "2026-05-30 23:10 UTC", "outside any release")


def test_entra_another_tenant_never_counts(life, tmp_path):
    def other(document):
        for s in document["value"]:
            s["homeTenantId"] = "99999999-8888-4777-8666-555555555555"
        document["value"][2]["createdDateTime"] = "2026-05-30T23:10:00Z"

    report = audit(journal_for(life, "entra", tmp_path), exported("entra", tmp_path, other, "entra-signins-graph.json"))
    assert report.verdict == "CLEAN", lines(report)
    assert any("tenant 99999999-8888-4777-8666-555555555555" in n for n in report.notes), report.notes


def _google_admin(edit):
    def change(document):
        edit(document["items"])

    return change


def test_google_no_new_backup_codes(life, tmp_path):
    report = audit(
        journal_for(life, "google", tmp_path),
        exported(
            "google",
            tmp_path,
            _google_admin(
                lambda items: items.__setitem__(
                    slice(None), [i for i in items if i["events"][0]["name"] != "GENERATE_2SV_SCRATCH_CODES"]
                )
            ),
        ),
    )
    named(report, "provider-rotation", "for the backup codes")


def test_google_backup_codes_regenerated_between_ceremonies(life, tmp_path):
    def later(items):
        again = copy.deepcopy(next(i for i in items if i["events"][0]["name"] == "GENERATE_2SV_SCRATCH_CODES"))
        again["id"].update(time="2026-06-18T09:00:00.000Z", uniqueQualifier="planted")
        items.append(again)

    report = audit(journal_for(life, "google", tmp_path), exported("google", tmp_path, _google_admin(later)))
    named(report, "provider-change", "backup codes", "2026-06-18 09:00 UTC", "stale")


def test_google_backup_codes_of_another_admin_never_confirm(life, tmp_path):
    def other(items):
        event = next(i for i in items if i["events"][0]["name"] == "GENERATE_2SV_SCRATCH_CODES")
        event["events"][0]["parameters"][0]["value"] = "it-lead@example.com"

    report = audit(journal_for(life, "google", tmp_path), exported("google", tmp_path, _google_admin(other)))
    named(report, "provider-rotation", "for the backup codes")
    assert any("about it-lead@example.com" in n for n in report.notes), report.notes


def test_google_a_sign_in_outside_any_window(life, tmp_path):
    def extra(document):
        login = copy.deepcopy(document["items"][1])
        login["id"].update(time="2026-05-31T04:00:00.000Z", uniqueQualifier="planted")
        document["items"].append(login)

    report = audit(
        journal_for(life, "google", tmp_path),
        exported("google", tmp_path, extra, "google-reports-activities-login.json"),
    )
    named(report, "provider-use", "2026-05-31 04:00 UTC", "outside any release")


def test_google_a_password_change_missing_after_the_deadline(life, tmp_path):
    def gone(document):
        document["items"] = [i for i in document["items"] if i["events"][0]["name"] != "password_edit"]

    report = audit(
        journal_for(life, "google", tmp_path),
        exported("google", tmp_path, gone, "google-reports-activities-login.json"),
    )
    line = named(report, "provider-rotation", "for the password")
    assert "between 2026-06-10 02:00 UTC and 2026-06-17 02:00 UTC" in line


# ---------------------------------------------------------------- the rotation record by hand, and older journals


def test_a_rotation_record_confirms_the_part_it_names_and_only_that(life, tmp_path):
    record = tmp_path / "rotations.csv"
    record.write_text(
        "system,credential,rotated_at,by,evidence,part\n"
        "Google,super admin,2026-06-12T14:20:00Z,Ada Admin,CHG-7 (screenshot in ticket),password\n"
        "Google,super admin,2026-06-12T14:30:00Z,Ada Admin,CHG-7,\n"
    )
    report = audit(journal_for(life, "google", tmp_path), [record])
    assert {p["part"]: p["status"] for p in report.parts} == {"password": "confirmed", "backup_codes": "not confirmed"}
    named(report, "provider-rotation", "for the backup codes", "name no part")


def test_an_older_journal_without_a_credential_uses_the_config_or_one_unnamed_part(life, tmp_path):
    entries = [json.loads(line) for line in (life / "journal.jsonl").read_text().splitlines()]
    prev = GENESIS
    for entry in entries:
        entry.pop("holds", None)
        entry["prev"] = prev
        prev = entry_hash(entry)
    old = tmp_path / "old-journal.jsonl"
    old.write_text("".join(canonical(e) + "\n" for e in entries))
    legacy = audit(old, [FIXTURES / "aws-cloudtrail-log-file.json"])
    assert legacy.verdict == "CLEAN" and [p["part"] for p in legacy.parts] == ["credential"], lines(legacy)
    from breakglass.record.config import load_config

    config = load_config(life / "ceremony.toml")
    shutil.copy(FIXTURES / "aws-cloudtrail-log-file.json", tmp_path / "trail.json")
    named_by_config = run_audit(
        old,
        rules=Rules(),
        as_of=parse_as_of("2026-06-20"),
        rotations=[tmp_path / "trail.json"],
        credential=config.credential,
    )
    assert named_by_config.verdict == "CLEAN" and len(named_by_config.parts) == 3
    assert any("the journal records no [credential]" in n for n in named_by_config.notes)


# ---------------------------------------------------------------- the PDF for the audit file


@pytest.mark.parametrize("as_of, verdict", [("2026-06-20", "CLEAN"), ("2026-06-12", "PENDING")])
def test_the_pdf_cover_names_the_credential_principal_and_sets_and_each_part(life, tmp_path, as_of, verdict):
    from paperchecks import ink_problems, pdf_text

    out = tmp_path / "audit.pdf"
    args = [a for f in EXPORTS["aws"] for a in ("--rotations", FIXTURES / f)] if verdict == "CLEAN" else []
    result = run("audit", "--journal", life / "journal.jsonl", "--as-of", as_of, *args, "--pdf", out)
    assert result.returncode == (0 if verdict == "CLEAN" else 4), text(result)
    pdf = out.read_bytes()
    flat = " ".join(pdf_text(pdf).split())
    sets = [e.set for e in read_journal(life / "journal.jsonl") if e.event == "split"] + [
        e.extra["new_set"] for e in read_journal(life / "journal.jsonl") if e.event == "rotate"
    ]
    for expected in [
        "Break-glass test credential",
        "the AWS root user of account 111122223333",
        *sets,
        verdict,
        "At the provider, after each release",
        "access_key",
    ]:
        assert expected in flat, expected
    if verdict == "CLEAN":
        assert "aws-cloudtrail-log-file.json event 9 (id 3f0f1a52-1c1e-4d0b-9a47-6a3b1e0c0a09)" in flat
    assert ink_problems(pdf, "a4") == []


def test_another_systems_credential_is_confirmed_only_by_hand(life, tmp_path):
    journal = journal_for(life, "other", tmp_path)
    report = audit(journal, [FIXTURES / "aws-cloudtrail-log-file.json"])  # AWS's records say nothing of a Vault token
    assert {p["status"] for p in report.parts} == {"not confirmed"}, report.parts
    clean = audit(journal, [FIXTURES / "rotation-record.csv"])
    assert clean.verdict == "CLEAN", lines(clean)


def test_without_a_named_account_entra_records_are_not_judged_but_noted(life, tmp_path):
    entries = [json.loads(line) for line in (life / "journal.jsonl").read_text().splitlines()]
    prev = GENESIS
    for entry in entries:
        entry.pop("holds", None)
        entry["prev"] = prev
        prev = entry_hash(entry)
    old = tmp_path / "old-journal.jsonl"
    old.write_text("".join(canonical(e) + "\n" for e in entries))
    report = audit(old, [FIXTURES / "entra-signins-graph.json", FIXTURES / "entra-directoryaudits-graph.json"])
    assert not [f for f in report.findings if f.rule == "provider-use"], lines(report)  # another user's sign-ins
    named(report, "provider-rotation", "rotation not confirmed")
    assert any("Entra ID or Google record(s) were not judged" in n and "[credential]" in n for n in report.notes)


def test_a_split_with_an_entra_config_records_and_shows_what_the_sheets_hold(tmp_path):
    config = CONFIG.replace(
        'provider = "aws"\naccount = "111122223333"\nprincipal = "root"\nparts = ["password", "mfa", "access_key"]',
        'provider = "entra"\naccount = "contoso.onmicrosoft.com"\n'
        'principal = "bg-emergency1@contoso.onmicrosoft.com"\nparts = ["password", "mfa"]',
    )
    (tmp_path / "c.toml").write_text(config)
    (tmp_path / "s.txt").write_bytes(b"emergency access password and TOTP seed")
    result = cli(
        "2026-05-01T10:00:00Z",
        "split",
        "--config",
        tmp_path / "c.toml",
        "--secret-file",
        tmp_path / "s.txt",
        "--out",
        tmp_path / "out",
        "--journal",
        tmp_path / "j.jsonl",
        *PEOPLE,
        "--no-scan-check",
    )
    assert "the Entra ID account bg-emergency1@contoso.onmicrosoft.com of contoso.onmicrosoft.com" in text(result)
    assert read_journal(tmp_path / "j.jsonl")[0].extra["holds"] == {
        "provider": "entra",
        "account": "contoso.onmicrosoft.com",
        "principal": "bg-emergency1@contoso.onmicrosoft.com",
        "parts": ["password", "mfa"],
    }


def _earlier_entra(document):
    next(r for r in document["value"] if r["activityDisplayName"] == "Reset user password")["activityDateTime"] = (
        "2026-06-09T12:00:00Z"
    )


def _earlier_google(document):
    next(i for i in document["items"] if i["events"][0]["name"] == "password_edit")["id"]["time"] = (
        "2026-06-09T12:00:00.000Z"
    )


@pytest.mark.parametrize(
    "provider, change, name",
    [
        ("entra", _earlier_entra, "entra-directoryaudits-graph.json"),
        ("google", _earlier_google, "google-reports-activities-login.json"),
    ],
)
def test_a_password_change_before_the_release_does_not_count(life, tmp_path, provider, change, name):
    report = audit(journal_for(life, provider, tmp_path), exported(provider, tmp_path, change, name))
    named(report, "provider-rotation", "rotation not confirmed for the password")
    assert [p["part"] for p in report.parts if p["status"] == "confirmed"] == [HOLDS[provider]["parts"][1]]
