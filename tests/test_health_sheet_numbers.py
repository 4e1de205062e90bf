"""One grammar for SHARE[.COPY] (record/sheetnumbers.py), the same in its three readers: `destroy --sheet`,
`expand --replaces` and the logbook transcription's sheets_destroyed. ASCII digits only: Python's int() would
read "3_0" as 30, "+3" as 3 and the Arabic-Indic "٣" as 3."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from breakglass.errors import BreakglassError
from breakglass.record.journal import append_event, read_journal
from breakglass.record.sheetnumbers import SheetNumberError, parse_share, parse_sheet

SET, FP = "1A2B-3C4D-5E6F-7081", "GG7A-6H24-R1SZ-DES3"
PEOPLE = ("--operator", "Carol", "--witness", "Dan")

LISTS = ["3,2", "3\u00a0", "1 000"]  # one transcription cell may list sheets (split at , ; and spaces)
GOOD = {"3": (3, 1), "3.2": (3, 2), " 3.2": (3, 2), "3.2\t": (3, 2), "03": (3, 1), "255.9": (255, 9), "1": (1, 1)}
BAD = [
    "3_0",
    "+3",
    "3.",
    "-3",
    "٣",
    "3.٢",
    "３",
    "۳",
    "0",
    "3.0",
    "256",
    ".3",
    "3..2",
    "3.2.1",
    "1e2",
    "0x3",
    "x.2",
    "3.2x",
    "",
    " ",
    *LISTS,
]


def journal(tmp_path):
    path = tmp_path / "journal.jsonl"
    sheets = [{"share": s, "copy": c, "holder": f"H{s}"} for s in (1, 3, 255) for c in range(1, 10)]
    append_event(
        path,
        "split",
        set_id=SET,
        shares=[1, 3, 255],
        fingerprint=FP,
        operator="Ann",
        witness="Ben",
        extra={"k": 2, "n": 255, "sheets": sheets},
    )
    return path


def destroy(tmp_path, text: str):
    from breakglass.cli.main import cli

    path = journal(tmp_path)
    result = CliRunner().invoke(cli, ["destroy", "--journal", str(path), "--set", SET, "--sheet", text, *PEOPLE])
    return result, read_journal(path)


def expand(tmp_path, text: str):
    from breakglass.cli.main import cli

    path = journal(tmp_path)
    scan = tmp_path / "scan.png"
    scan.write_bytes(b"not an image")
    return CliRunner().invoke(
        cli,
        [
            "expand",
            str(scan),
            "--journal",
            str(path),
            "--custodian",
            "Eve",
            "--out",
            str(tmp_path / "new"),
            "--replaces",
            text,
            *PEOPLE,
        ],
    )


def transcribed(tmp_path, text: str):
    from breakglass.record.inputs import read_input
    from breakglass.record.transcription import LOGBOOK_COLUMNS, read_transcription

    csv = tmp_path / "logbook.csv"
    row = {
        "event_code": "",
        "date": "2026-11-25",
        "event": "destroy",
        "set_id": SET,
        "sheets_destroyed": text,
        "shares": text.split(".")[0],
    }
    csv.write_text(
        ",".join(LOGBOOK_COLUMNS) + "\n" + ",".join(f'"{row.get(c, "")}"' for c in LOGBOOK_COLUMNS) + "\n",
        encoding="utf-8",
    )
    return read_transcription(read_input(csv, "logbook")).rows[0]


@pytest.mark.parametrize("text, sheet", GOOD.items())
def test_every_reader_takes_a_sheet_number(tmp_path, text, sheet):
    assert parse_sheet(text) == sheet
    (tmp_path / "d").mkdir()
    result, entries = destroy(tmp_path / "d", text)
    assert result.exit_code == 0, result.output
    assert [(r["share"], r["copy"]) for r in entries[-1].extra["sheets"]] == [sheet]
    (tmp_path / "e").mkdir()
    refused = expand(tmp_path / "e", text)
    assert "--replaces" not in str(refused.exception) + refused.output  # it went on, to the scans
    row = transcribed(tmp_path, text)
    assert row.sheets_destroyed == (sheet,) and not [p for p in row.problems if p[0] == "sheets_destroyed"]


@pytest.mark.parametrize("text", BAD)
def test_every_reader_refuses_what_is_not_a_sheet_number(tmp_path, text):
    with pytest.raises(SheetNumberError):
        parse_sheet(text)
    (tmp_path / "d").mkdir()
    result, entries = destroy(tmp_path / "d", text)
    assert result.exit_code != 0 and len(entries) == 1
    assert isinstance(result.exception, BreakglassError) and str(result.exception).startswith(f"--sheet '{text}'")
    (tmp_path / "e").mkdir()
    refused = expand(tmp_path / "e", text)
    assert refused.exit_code != 0 and isinstance(refused.exception, BreakglassError)
    assert str(refused.exception).startswith(f"--replaces '{text}'")
    if text.strip() and text not in LISTS:  # an empty cell is an empty list, not a sheet
        row = transcribed(tmp_path, text)
        assert row.sheets_destroyed == () and [p for p in row.problems if p[0] == "sheets_destroyed"]


ASCII_SHEET = re.compile(r"[ \t]*([0-9]{1,3})(\.[0-9]{1,3})?[ \t]*")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789.+-_ \t٣３e\u00a0x"), max_size=8) | st.text(max_size=6))
def test_the_grammar_is_ascii_digits_and_one_dot(text):
    match = ASCII_SHEET.fullmatch(text)
    expected = None
    if match and 1 <= int(match[1]) <= 255 and (match[2] is None or 1 <= int(match[2][1:]) <= 255):
        expected = (int(match[1]), int(match[2][1:]) if match[2] else 1)
    try:
        got = parse_sheet(text)
    except SheetNumberError:
        got = None
    assert got == expected


@pytest.mark.parametrize("text", ["٣", "+3", "3_0", "0", "256", "3.1"])
def test_a_share_number_alone_is_ascii_too(text):
    with pytest.raises(SheetNumberError):
        parse_share(text)
