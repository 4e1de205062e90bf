"""The logbook names the event that made its set with the journal's one lookup (record/journal.py set_origin):
the split, or the rotation or reshare whose new set it is, never a later event that retired it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from breakglass.paper.logbook import gather
from breakglass.record.journal import append_event, read_journal

A, B, C = "1A2B-3C4D-5E6F-7081", "2B3C-4D5E-6F70-8192", "3C4D-5E6F-7081-92A3"
FP_A, FP_B, FP_C = "GG7A-6H24-R1SZ-DES3", "HH7A-6H24-R1SZ-DES3", "JJ7A-6H24-R1SZ-DES3"
T0 = datetime(2026, 11, 22, 3, 56, 2, tzinfo=UTC)
PEOPLE = {"operator": "Alice Moreau", "witness": "Bongani Dlamini"}


def manifest(set_id: str, fingerprint: str) -> dict:
    """A manifest as an older breakglass wrote it: no event_code, so the logbook must find it in the journal."""
    return {
        "format": "breakglass-manifest",
        "version": 1,
        "set_id": set_id,
        "fingerprint": fingerprint,
        "k": 2,
        "n": 3,
        "created": "2026-11-22T03:56:02Z",
    }


def replace(journal, event: str, old: str, old_fp: str, new: str, new_fp: str, hours: int):
    return append_event(
        journal,
        event,
        set_id=old,
        shares=[1, 2],
        fingerprint=old_fp,
        now=T0 + timedelta(hours=hours),
        extra={"new_set": new, "new_fingerprint": new_fp, "k": 2, "n": 3},
        **PEOPLE,
    )


@pytest.mark.parametrize("second", ["rotate", "reshare"])
def test_a_middle_set_gets_the_event_that_made_it_not_the_one_that_retired_it(tmp_path, second):
    journal = tmp_path / "journal.jsonl"
    split = append_event(
        journal, "split", set_id=A, shares=[1, 2, 3], fingerprint=FP_A, now=T0, extra={"k": 2, "n": 3}, **PEOPLE
    )
    made_b = replace(journal, "rotate", A, FP_A, B, FP_B, 1)
    made_c = replace(journal, second, B, FP_B, C, FP_C, 2)
    entries = read_journal(journal)
    assert gather(manifest(A, FP_A), journal=entries).event_code == split.code
    assert gather(manifest(B, FP_B), journal=entries).event_code == made_b.code
    assert gather(manifest(C, FP_C), journal=entries).event_code == made_c.code
    assert gather(manifest(C, FP_C), journal=entries).head_code == made_c.code


def test_a_set_made_by_a_reshare_gets_the_reshare(tmp_path):
    journal = tmp_path / "journal.jsonl"
    append_event(
        journal, "split", set_id=A, shares=[1, 2, 3], fingerprint=FP_A, now=T0, extra={"k": 2, "n": 3}, **PEOPLE
    )
    reshare = replace(journal, "reshare", A, FP_A, B, FP_B, 1)
    append_event(journal, "drill", set_id=B, shares=[1, 2], fingerprint=FP_B, now=T0 + timedelta(hours=2), **PEOPLE)
    assert gather(manifest(B, FP_B), journal=read_journal(journal)).event_code == reshare.code


def test_a_set_the_journal_never_made_gets_no_code(tmp_path):
    journal = tmp_path / "journal.jsonl"
    append_event(
        journal, "split", set_id=A, shares=[1, 2, 3], fingerprint=FP_A, now=T0, extra={"k": 2, "n": 3}, **PEOPLE
    )
    append_event(journal, "drill", set_id=B, shares=[1, 2], fingerprint=FP_B, now=T0 + timedelta(hours=1), **PEOPLE)
    assert gather(manifest(B, FP_B), journal=read_journal(journal)).event_code is None


def test_no_reissue_event_is_named_anywhere():
    from breakglass.record import findings, journal

    assert "reissue" not in journal.KNOWN_EVENTS and "reissue" not in findings.CEREMONY_EVENTS
