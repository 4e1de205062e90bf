"""Each provider export is recognised by its content and read field for field (tests/fixtures/evidence/, one file
per export kind); anything malformed, too deep, of another shape, or naming a part that does not exist cannot be
audited, in one line naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from breakglass.errors import BreakglassError
from breakglass.record.config import config_from_dict
from breakglass.record.credential import parse
from breakglass.record.evidence import CHANGE, GONE, NEW, USE, EvidenceSet
from breakglass.record.inputs import CannotAudit, InputFile

FIXTURES = Path(__file__).parent / "fixtures" / "evidence"
KINDS = {
    "aws-cloudtrail-log-file.json": "CloudTrail events",
    "aws-cloudtrail-event-history.json": "CloudTrail events",
    "aws-cloudtrail-lookup-events.json": "CloudTrail events",
    "aws-cloudtrail-event-history.csv": "CloudTrail event history (CSV)",
    "aws-iam-credential-report.csv": "AWS IAM credential report",
    "entra-signins-graph.json": "Entra ID sign-in log (JSON)",
    "entra-signins-download.json": "Entra ID sign-in log (JSON)",
    "entra-signins-download.csv": "Entra ID sign-in log (CSV)",
    "entra-directoryaudits-graph.json": "Entra ID audit log (JSON)",
    "entra-auditlogs-download.json": "Entra ID audit log (JSON)",
    "entra-auditlogs-download.csv": "Entra ID audit log (CSV)",
    "google-reports-activities-login.json": "Google Workspace Reports API activities",
    "google-reports-activities-admin.json": "Google Workspace Reports API activities",
    "rotation-record.csv": "rotation record",
}


def read(name: str, data: bytes | str) -> EvidenceSet:
    found = EvidenceSet()
    found.add(InputFile("rotations", Path(name), data.encode() if isinstance(data, str) else data))
    return found


def test_every_fixture_is_one_export_kind_recognised_by_content():
    assert sorted(KINDS) == sorted(p.name for p in FIXTURES.iterdir())
    for name, kind in KINDS.items():
        found = read(name, (FIXTURES / name).read_bytes())
        assert found.sources[0].kind == kind, name
        assert found.items, name


def summary(name: str) -> list[tuple]:
    return [
        (e.kind, e.part, e.action if e.kind == CHANGE else "", e.stamp(), e.principal)
        for e in read(name, (FIXTURES / name).read_bytes()).items
    ]


def test_cloudtrail_root_changes_by_part_and_the_keys_named():
    found = read("t.json", (FIXTURES / "aws-cloudtrail-log-file.json").read_bytes())
    keys = {(e.part, e.action): e.key for e in found.changes() if e.part == "access_key"}
    assert keys == {("access_key", NEW): "AKIAIOSFODNN7NEWROOT", ("access_key", GONE): "AKIAIOSFODNN7OLDROOT"}
    assert [e.part for e in found.changes()] == ["password", "mfa", "mfa", "mfa", "mfa", "access_key", "access_key"]
    assert all(e.account == "111122223333" and e.principal == "root" for e in found.items)
    assert any("IAMUser identity, not the root user" in n for n in found.notes)


def test_entra_sign_ins_only_successful_ones_are_uses():
    rows = summary("entra-signins-graph.json")
    assert [r[3] for r in rows] == ["2026-05-25 08:31 UTC", "2026-06-10 02:12 UTC", "2026-06-12 15:32 UTC"]
    assert {r[0] for r in rows} == {USE}


def test_entra_audit_records_password_and_security_info():
    rows = summary("entra-directoryaudits-graph.json")
    assert [(r[1], r[2]) for r in rows] == [
        ("password", "changed"),
        ("mfa", "gone"),
        ("mfa", "new"),
        ("password", "changed"),
    ]


def test_google_login_and_admin_events():
    assert [(r[0], r[1]) for r in summary("google-reports-activities-login.json")] == [
        (USE, ""),
        (USE, ""),
        (CHANGE, "password"),
        (USE, ""),
    ]
    admin = summary("google-reports-activities-admin.json")
    assert [(r[1], r[4]) for r in admin] == [
        ("backup_codes", "breakglass-admin@example.com"),
        ("password", "it-lead@example.com"),
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        (
            '{"value": [{"createdDateTime": "2026-06-10T02:00:00Z", "userPrincipalName": "a@b.c"}, 7]}',
            "item 2 is not an Entra sign-in",
        ),
        (
            '[{"activityDateTime": "soon", "activityDisplayName": "Reset user password"}]',
            "activityDateTime 'soon' is not a time",
        ),
        ('{"kind": "admin#reports#activities", "items": [{"kind": "admin#reports#activity", "id": {}}]}', "id.time"),
        (
            '{"kind": "admin#reports#activities", "items": [{"kind": "admin#reports#activity", "id": {"time": "2026-06-10T00:00:00Z"}}, []]}',
            "item 2 is not a Reports API activity",
        ),
        (
            '{"Records": [{"eventName": "CreateAccessKey", "eventSource": "iam.amazonaws.com", "eventTime": [1]}]}',
            "is not a time",
        ),
        ('{"value": {"nested": 1}}', "JSON without CloudTrail events"),
        ('{"value": ' + "[" * 70 + "]" * 70 + "}", "nested too deeply"),
        (
            "Date (UTC),Request ID,Username,Status\nyesterday,1,a@b.c,Success\n",
            r"Date \(UTC\) 'yesterday' is not a time",
        ),
        ("system,credential,rotated_at,by,evidence,part\nVault,root,2026-06-12,A,C,pin\n", "part 'pin' is not one of"),
    ],
)
def test_malformed_exports_cannot_be_audited(data, message):
    with pytest.raises(CannotAudit, match=message):
        read("x.json", data)


def test_an_empty_graph_or_reports_response_is_read_as_no_records():
    assert read(
        "s.json",
        json.dumps({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns", "value": []}),
    ).records_uses
    assert read("g.json", '{"kind": "admin#reports#activities", "etag": "x"}').items == []


GOOD = {
    "provider": "entra",
    "account": "contoso.onmicrosoft.com",
    "principal": "bg@contoso.onmicrosoft.com",
    "parts": ["password", "mfa"],
}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"provider": "azure"}, "credential.provider must be one of aws, entra, google, other"),
        ({"provider": "aws", "account": "1234"}, "12-digit AWS account id"),
        ({"provider": "aws", "account": "111122223333", "principal": "ops-admin"}, "the root user"),
        ({"principal": ""}, "credential.principal is missing"),
        ({"parts": []}, "credential.parts must list"),
        ({"parts": ["password", "seed"]}, "'seed' is not one of"),
        ({"parts": ["mfa", "mfa"]}, "lists a part twice"),
        ({"tenant": "x"}, "unknown key credential.tenant"),
    ],
)
def test_the_credential_section_is_checked(change, message):
    with pytest.raises(BreakglassError, match=message):
        parse({**GOOD, **change}, "c.toml")


def test_the_config_carries_the_credential():
    import tomllib

    from helpers import MINIMAL

    config = config_from_dict({**tomllib.loads(MINIMAL), "credential": GOOD})
    assert (
        config.credential.parts == ("password", "mfa") and "bg@contoso.onmicrosoft.com" in config.credential.describe()
    )


def _root_call(name: str, request: dict, when: str = "2026-06-12T14:40:00Z") -> dict:
    return {
        "eventVersion": "1.09",
        "eventTime": when,
        "eventSource": "iam.amazonaws.com",
        "eventName": name,
        "userIdentity": {"type": "Root", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333"},
        "requestParameters": request,
        "responseElements": None,
        "recipientAccountId": "111122223333",
        "eventID": name,
    }


def test_an_access_key_made_inactive_is_gone_and_made_active_again_is_not_a_new_key():
    found = read(
        "t.json",
        json.dumps(
            {
                "Records": [
                    _root_call("UpdateAccessKey", {"accessKeyId": "AKIAOLD", "status": "Inactive"}),
                    _root_call("UpdateAccessKey", {"accessKeyId": "AKIAOLD", "status": "Active"}),
                    _root_call("ListUsers", {}),  # a root call in a console session: not a use of an access key
                ]
            }
        ),
    )
    inactive, active = found.changes()
    assert (inactive.action, inactive.proves, inactive.key) == (GONE, True, "AKIAOLD")
    assert active.action == NEW and active.problem == "an old key made active again is not a new key"
    assert found.uses() == []


def test_a_root_call_signed_with_a_long_term_key_is_a_use_of_the_access_key():
    call = _root_call("ListBuckets", {})
    call.update(
        eventSource="s3.amazonaws.com", userIdentity={**call["userIdentity"], "accessKeyId": "AKIAIOSFODNN7OLDROOT"}
    )
    (use,) = read("t.json", json.dumps({"Records": [call]})).uses()
    assert use.part == "access_key" and "AKIAIOSFODNN7OLDROOT" in use.what


def test_google_two_step_verification_enrol_and_disable():
    items = json.loads((FIXTURES / "google-reports-activities-login.json").read_text())["items"]
    items[2]["events"] = [{"type": "2sv_change", "name": "2sv_disable"}, {"type": "2sv_change", "name": "2sv_enroll"}]
    found = read("g.json", json.dumps({"kind": "admin#reports#activities", "items": items}))
    assert [(c.part, c.action) for c in found.changes()] == [("mfa", GONE), ("mfa", NEW)]
