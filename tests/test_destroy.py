"""`breakglass destroy`: the witnessed destruction of sheets, journalled as one 'destroy' event; and
journal.require_intact."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

import fakeclock
from breakglass.errors import BreakglassError
from breakglass.record.journal import append_event, read_journal, require_intact

SET = "1A2B-3C4D-5E6F-7081"
FP = "GG7A-6H24-R1SZ-DES3"
NEW_SET = "2B3C-4D5E-6F70-8192"
NEW_FP = "HH8B-7J35-S2T0-EFT4"
SHEETS = [
    {"share": 1, "copy": 1, "holder": "Dana"},
    {"share": 2, "copy": 1, "holder": "Emeka"},
    {"share": 2, "copy": 2, "holder": "Emeka"},
    {"share": 3, "copy": 1, "holder": "Farah"},
]


@pytest.fixture
def journal(tmp_path):
    path = tmp_path / "journal.jsonl"
    t = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    append_event(
        path,
        "split",
        set_id=SET,
        shares=[1, 2, 3],
        fingerprint=FP,
        operator="Alice",
        witness="Bob",
        extra={"k": 2, "n": 3, "label": "AWS org root", "sheets": SHEETS},
        now=t,
    )
    append_event(
        path,
        "release",
        set_id=SET,
        shares=[1, 2],
        fingerprint=FP,
        operator="Alice",
        witness="Bob",
        now=t.replace(day=23),
    )
    append_event(
        path,
        "rotate",
        set_id=SET,
        shares=[1, 2],
        fingerprint=FP,
        operator="Alice",
        witness="Bob",
        extra={"new_set": NEW_SET, "new_fingerprint": NEW_FP, "k": 2, "n": 3, "sheets": SHEETS},
        now=t.replace(day=24),
    )
    return path


def destroy(journal, *args):
    from breakglass.cli.main import cli

    with fakeclock.frozen("2026-11-25T10:00:00Z"):
        return CliRunner().invoke(cli, ["destroy", "--journal", str(journal), *args])


def test_records_destroy_event(journal):
    result = destroy(
        journal,
        "--set",
        SET.lower(),
        "--sheet",
        "1",
        "--sheet",
        "2.1",
        "--sheet",
        "2.2",
        "--bag",
        "TB-1",
        "--bag",
        "TB-2",
        "--bag",
        "TB-3",
        "--operator",
        "Carol",
        "--witness",
        "Dan",
    )
    assert result.exit_code == 0, result.output
    entry = read_journal(journal)[-1]
    assert (entry.event, entry.set, entry.shares, entry.fingerprint) == ("destroy", SET, (1, 2), FP)
    assert (entry.operator, entry.witness, entry.time) == ("Carol", "Dan", "2026-11-25T10:00:00Z")
    assert entry.extra == {
        "sheets": [
            {"share": 1, "copy": 1, "bag": "TB-1"},
            {"share": 2, "copy": 1, "bag": "TB-2"},
            {"share": 2, "copy": 2, "bag": "TB-3"},
        ]
    }
    assert entry.code in result.output
    assert "warning" not in result.output


def test_without_bags_and_fingerprint_of_rotated_set(journal):
    result = destroy(journal, "--set", NEW_SET, "--sheet", "3", "--operator", "Carol", "--witness", "Dan")
    assert result.exit_code == 0, result.output
    entry = read_journal(journal)[-1]
    assert entry.fingerprint == NEW_FP and entry.extra == {"sheets": [{"share": 3, "copy": 1}]}
    assert "not been retired" in result.output  # a warning, not a failure


def test_solo_destruction_is_recorded_with_its_reason(journal):
    result = destroy(journal, "--set", SET, "--sheet", "3", "--operator", "Carol", "--solo", "witness taken ill")
    assert result.exit_code == 0, result.output
    entry = read_journal(journal)[-1]
    assert entry.witness is None and entry.extra["solo"] == "witness taken ill"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--sheet", "1", "--operator", "Carol", "--witness", " carol "], "the witness ( carol ) is the operator"),
        (["--sheet", "1", "--operator", "Carol"], "give --witness NAME"),
        (
            ["--sheet", "6", "--operator", "Carol", "--witness", "Dan"],
            "sheet(s) 6.1 of set 1A2B-3C4D-5E6F-7081 were never printed",
        ),
        (["--sheet", "1.2", "--operator", "Carol", "--witness", "Dan"], "sheet(s) 1.2 of set"),
        (
            ["--set", "0000-0000-0000-0001", "--sheet", "1", "--operator", "Carol", "--witness", "Dan"],
            "was never made in journal",
        ),
        (
            ["--sheet", "1", "--sheet", "2", "--bag", "TB-1", "--operator", "Carol", "--witness", "Dan"],
            "1 --bag serial(s) for 2",
        ),
        (["--sheet", "1", "--sheet", "1.1", "--operator", "Carol", "--witness", "Dan"], "given twice"),
        (["--sheet", "x.2", "--operator", "Carol", "--witness", "Dan"], "is not SHARE or SHARE.COPY"),
    ],
)
def test_refusals_leave_the_journal_alone(journal, args, message):
    before = journal.read_bytes()
    result = destroy(journal, *([] if "--set" in args else ["--set", SET]), *args)
    assert result.exit_code != 0
    assert isinstance(result.exception, BreakglassError) and message in str(result.exception)
    assert journal.read_bytes() == before


def test_a_sheet_is_destroyed_once(journal):
    assert destroy(journal, "--set", SET, "--sheet", "2.2", "--operator", "Carol", "--witness", "Dan").exit_code == 0
    before = journal.read_bytes()
    again = destroy(journal, "--set", SET, "--sheet", "2.2", "--operator", "Carol", "--witness", "Dan")
    assert again.exit_code != 0 and "already recorded destroyed" in str(again.exception)
    assert journal.read_bytes() == before


def test_a_mistyped_journal_is_an_error_not_a_new_journal(tmp_path):
    result = destroy(tmp_path / "jornal.jsonl", "--set", SET, "--sheet", "1", "--operator", "Carol", "--witness", "Dan")
    assert result.exit_code != 0 and "does not exist" in str(result.exception)
    assert not (tmp_path / "jornal.jsonl").exists()


def test_require_intact(journal, tmp_path):
    require_intact(journal)
    require_intact(tmp_path / "new.jsonl")  # not there yet: fine, its folder exists
    with pytest.raises(BreakglassError, match="folder .* does not exist"):
        require_intact(tmp_path / "nowhere" / "j.jsonl")
    lines = journal.read_text().splitlines(keepends=True)
    lines[1] = lines[1].replace('"Bob"', '"Bib"')
    journal.write_text("".join(lines))
    with pytest.raises(BreakglassError) as info:
        require_intact(journal)
    message = str(info.value)
    assert message.startswith(f"journal {journal} is broken: line 2") and message.endswith(
        f"run breakglass journal repair {journal} to set the broken part aside (kept as evidence) and go on"
    )
    assert os.linesep not in message
