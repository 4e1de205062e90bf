"""Rotation evidence as the providers write it: the AWS IAM credential report, CloudTrail JSON in its three
shapes (console export / trail file, gzip or not, and `lookup-events` output), and the rotation-record CSV for
any other system. Each file is recognised by its content; what cannot prove a change is said, not guessed."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from breakglass.record import evidence
from breakglass.record.evidence import CHANGE, USE, EvidenceSet, parse_moment
from breakglass.record.inputs import CannotAudit, InputFile
from helpers import CREDENTIAL_REPORT_HEAD, lookup_event, root_row


def read(name: str, data: bytes | str) -> EvidenceSet:
    found = EvidenceSet()
    found.add(InputFile("rotations", Path(name), data.encode() if isinstance(data, str) else data))
    return found


def record(
    name: str, when: str, response: str = "Success", identity: str = "Root", source="signin.amazonaws.com"
) -> dict:
    return {
        "eventVersion": "1.08",
        "eventTime": when,
        "eventSource": source,
        "eventName": name,
        "userIdentity": {"type": identity, "arn": "arn:aws:iam::111122223333:root"},
        "responseElements": {name: response} if response else None,
        "recipientAccountId": "111122223333",
    }


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_credential_report_gives_uses_never_a_root_password_change():
    found = read("report.csv", CREDENTIAL_REPORT_HEAD + root_row("2026-06-12T15:30:00+00:00"))
    assert found.sources[0].kind == "AWS IAM credential report"
    assert found.changes() == []
    assert [(u.kind, u.when) for u in found.uses()] == [(USE, at("2026-06-12T15:30:00"))]
    assert found.records_uses and "password_last_changed is 'not_supported'" in found.limits[0]


@pytest.mark.parametrize("value", ["no_information", "N/A", "not_supported", ""])
def test_credential_report_markers_are_no_value(value):
    assert read("r.csv", CREDENTIAL_REPORT_HEAD + root_row(value)).uses() == []


def test_credential_report_notes_root_without_mfa_and_with_access_keys():
    row = root_row("N/A").replace(",true,false,N/A,", ",false,true,2025-01-01T00:00:00+00:00,", 1)
    found = read("r.csv", CREDENTIAL_REPORT_HEAD + row)
    assert any("no MFA device" in n for n in found.notes)
    assert any("active access key 1 (last rotated 2025-01-01T00:00:00+00:00)" in n for n in found.notes)


def test_credential_report_without_a_root_row_cannot_be_used():
    with pytest.raises(CannotAudit, match="without a <root_account> row"):
        read("r.csv", CREDENTIAL_REPORT_HEAD)


def test_cloudtrail_console_export_and_trail_file_gzip():
    document = {
        "Records": [
            record("PasswordUpdated", "2026-06-12T14:20:00Z"),
            record("ConsoleLogin", "2026-06-12T15:00:00Z"),
            record("DescribeInstances", "2026-06-12T15:01:00Z", source="ec2.amazonaws.com"),
        ]
    }
    for data in (json.dumps(document).encode(), gzip.compress(json.dumps(document).encode())):
        found = read("trail.json.gz", data)
        assert [(e.kind, e.when) for e in found.items] == [
            (CHANGE, at("2026-06-12T14:20:00")),
            (USE, at("2026-06-12T15:00:00")),
        ]
        assert found.changes()[0].proves and "PasswordUpdated" in found.changes()[0].what
        assert any("1 CloudTrail event(s)" in n for n in found.notes)


def test_cloudtrail_lookup_events_with_the_event_as_a_json_string_and_an_offset_time():
    output = {"Events": [lookup_event("PasswordUpdated", "2026-06-12T14:20:00Z", {"PasswordUpdated": "Success"})]}
    output["Events"][0]["EventTime"] = "2026-06-12T07:20:00-07:00"
    found = read("lookup.json", json.dumps(output))
    assert [c.when for c in found.changes()] == [at("2026-06-12T14:20:00")]


def test_cloudtrail_failed_changes_and_other_identities_do_not_count():
    found = read(
        "t.json",
        json.dumps(
            {
                "Records": [
                    record("PasswordUpdated", "2026-06-12T14:20:00Z", response="Failure"),
                    record("PasswordUpdated", "2026-06-12T14:25:00Z", identity="IAMUser"),
                    record("PasswordRecoveryCompleted", "2026-06-12T14:30:00Z"),
                ]
            }
        ),
    )
    changes = found.changes()
    assert [(c.when, c.proves) for c in changes] == [
        (at("2026-06-12T14:20:00"), False),
        (at("2026-06-12T14:30:00"), True),
    ]
    assert changes[0].problem == "the change failed"
    assert any("IAMUser identity, not the root user" in n for n in found.notes)


@pytest.mark.parametrize(
    "data, message",
    [
        ("{not json", "not valid JSON"),
        ('{"Items": []}', "without CloudTrail events"),
        ('{"Records": [1]}', "event 1 is not a CloudTrail event"),
        (json.dumps({"Records": [record("PasswordUpdated", "yesterday")]}), "eventTime 'yesterday' is not a time"),
        (b"\x1f\x8b broken", "damaged gzip"),
    ],
)
def test_unreadable_cloudtrail_cannot_be_audited(data, message):
    with pytest.raises(CannotAudit, match=message):
        read("t.json", data)


def test_rotation_record_rows_need_by_and_evidence():
    found = read(
        "vault.csv",
        "system,credential,rotated_at,by,evidence\n"
        "Vault,root token,2026-06-12,Ada Admin,CHG-1\n"
        "Vault,root token,2026-07-01T10:00:00+02:00,,\n",
    )
    first, second = found.changes()
    assert first.day_only and first.proves and first.stamp() == "2026-06-12"
    assert second.when == at("2026-07-01T08:00:00") and second.problem == "no by and no evidence"


def test_rotation_record_of_several_credentials_is_refused():
    with pytest.raises(CannotAudit, match="records 2 credentials"):
        read(
            "mixed.csv",
            "system,credential,rotated_at,by,evidence\nVault,root token,2026-06-12,A,C1\nHSM,PIN,2026-06-12,A,C2\n",
        )


def test_the_older_change_list_is_still_read():
    found = read("old.csv", "credential,changed_at\nTenant root,2026-06-11T08:00:00Z\n")
    assert [c.when for c in found.changes()] == [at("2026-06-11T08:00:00")] and found.changes()[0].proves
    assert any("older credential,changed_at layout" in n for n in found.notes)


def test_an_unknown_file_is_named():
    with pytest.raises(CannotAudit, match="none of the evidence breakglass reads"):
        read("x.csv", "when,who\n2026-01-01,me\n")


def test_times():
    assert parse_moment(at("2026-06-12T12:40:00").timestamp()) == at(
        "2026-06-12T12:40:00"
    )  # lookup-events in epoch seconds
    assert parse_moment("2026-06-12") == at("2026-06-12T00:00:00")
    assert parse_moment("soon") is None and parse_moment(None) is None


@pytest.mark.parametrize(
    "data, message",
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (gzip.compress(b" " * (3 * 1024 * 1024), mtime=0), "expands to more than"),
        (gzip.compress(json.dumps({"Records": []}).encode(), mtime=0)[:-12], "cut short"),
    ],
)
def test_hostile_cloudtrail_files_are_refused_in_one_line(data, message, monkeypatch):
    monkeypatch.setattr(evidence, "MAX_JSON_BYTES", 1024 * 1024)  # the real limit is 256 MiB
    with pytest.raises(CannotAudit, match=message):
        read("t.json.gz", data)


def test_times_outside_the_calendar_are_not_times():
    assert parse_moment(1e20) is None and parse_moment("0001-01-01T00:30:00+01:00") is None
    with pytest.raises(CannotAudit, match="is not a date or time"):
        read("r.csv", "system,credential,rotated_at,by,evidence\nVault,root,0001-01-01T00:00:00+05:00,A,C\n")
