"""A destruction records the fingerprint of the set whose sheets were destroyed: for a set made by a rotation or
a reshare, the new set's fingerprint (record/journal.py origin_fingerprint), not the retired set's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from breakglass.ceremonies.destroy import DestroyRequest, run_destroy
from breakglass.record.journal import append_event, read_journal

A, B = "1A2B-3C4D-5E6F-7081", "2B3C-4D5E-6F70-8192"
FP_A, FP_B = "GG7A-6H24-R1SZ-DES3", "HH7A-6H24-R1SZ-DES3"
T0 = datetime(2026, 11, 22, 3, 56, 2, tzinfo=UTC)
SHEETS = [{"share": s, "copy": 1, "holder": f"H{s}"} for s in (1, 2, 3)]


@pytest.mark.parametrize("made_by", ["rotate", "reshare"])
def test_destroying_sheets_of_a_set_made_by_a_replacement_records_its_own_fingerprint(tmp_path, made_by):
    journal = tmp_path / "journal.jsonl"
    append_event(
        journal,
        "split",
        set_id=A,
        shares=[1, 2, 3],
        fingerprint=FP_A,
        operator="Ann",
        witness="Ben",
        extra={"k": 2, "n": 3, "sheets": SHEETS},
        now=T0,
    )
    append_event(
        journal,
        made_by,
        set_id=A,
        shares=[1, 2],
        fingerprint=FP_A,
        operator="Ann",
        witness="Ben",
        extra={"new_set": B, "new_fingerprint": FP_B, "k": 2, "n": 3, "sheets": SHEETS},
        now=T0 + timedelta(hours=1),
    )
    said: list[str] = []
    done = run_destroy(
        DestroyRequest(journal, B.lower(), ("2",), ("TB-9",), "Carol", "Dan"), T0 + timedelta(hours=2), said.append
    )
    entry = read_journal(journal)[-1]
    assert (entry.event, entry.set, entry.fingerprint) == ("destroy", B, FP_B)
    assert done.sheets == ((2, 1),) and done.stamped_code.startswith(entry.code)
    assert any("not been retired" in line for line in said)  # B is live: a warning, not a refusal
