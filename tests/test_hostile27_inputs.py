"""Issue 27, hostile names and files: every name, label and reason the tool takes is refused by field when it
holds a control or direction-override character or is absurdly long; a font cannot make breakglass allocate
gigabytes; CSV and JSON inputs are read in time linear in their size, bounded by named limits, and a quoted cell
holding a bare CR is one cell, as RFC 4180 and spreadsheet exports read it. Everything through the real command
line, with the hostile files made here."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from breakglass.record.inputs import MAX_CSV_CELL, MAX_CSV_COLUMNS, MAX_CSV_ROWS, MAX_JSON_CONTAINERS
from breakglass.record.journal import append_event, read_journal
from breakglass.record.people import MAX_LABEL

SET = "1A2B-3C4D-5E6F-7081"
T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
PEOPLE = ("--operator", "Ann Able", "--witness", "Ben Baker")
BAD = ["esc\x1b[31m", "new\nline", "cr\rx", "bell\x07", "del\x7f", "c1\x9b", "\u202eevil", "iso\u2067x", "tab\tx"]


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "breakglass", *map(str, args)], capture_output=True, timeout=300, check=False, cwd=cwd
    )


def refused_line(result) -> str:
    err = result.stderr.decode(errors="replace")
    assert "Traceback" not in err and "internal error" not in err, err
    assert result.returncode in (1, 2), (result.returncode, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "secret"
    path.write_bytes(b"hostile names credential")
    return path


# ---------------------------------------------------------------- names, labels, reasons


@pytest.mark.parametrize("bad", BAD)
def test_split_refuses_a_label_or_custodian_with_control_characters(tmp_path, secret, bad):
    line = refused_line(
        run("split", "-k", "2", "-n", "3", "--label", bad, "--secret-file", secret, "--out", tmp_path / "out")
    )
    assert "--label" in line and "control or text-direction character" in line
    line = refused_line(
        run(
            "split",
            "-k",
            "2",
            "-n",
            "3",
            "--label",
            "ok",
            "--custodian",
            "Ann",
            "--custodian",
            bad,
            "--secret-file",
            secret,
            "--out",
            tmp_path / "out",
        )
    )
    assert "--custodian" in line
    assert not (tmp_path / "out").exists()


def test_a_10000_character_label_is_refused_naming_the_label_and_the_limit(tmp_path, secret):
    line = refused_line(
        run("split", "-k", "2", "-n", "3", "--label", "x" * 10_000, "--secret-file", secret, "--out", tmp_path / "out")
    )
    assert "--label is 10,000 characters long" in line and f"{MAX_LABEL:,}" in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("bad", ["esc\x1b[2J", "two\nlines", "\u202eevil", "x" * 5000])
def test_destroy_refuses_hostile_operator_and_witness_and_records_nothing(tmp_path, bad):
    journal = tmp_path / "journal.jsonl"
    append_event(
        journal,
        "split",
        set_id=SET,
        shares=[1, 2, 3],
        fingerprint="F",
        operator="Ann",
        witness="Ben",
        now=T0,
        extra={"k": 2, "n": 3},
    )
    before = journal.read_bytes()
    for option in ("--operator", "--witness"):
        people = {"--operator": "Ann Able", "--witness": "Ben Baker", option: bad}
        line = refused_line(
            run(
                "destroy",
                "--journal",
                journal,
                "--set",
                SET,
                "--sheet",
                "1",
                *[x for pair in people.items() for x in pair],
            )
        )
        assert option in line
    line = refused_line(run("destroy", "--journal", journal, "--set", SET, "--sheet", "1", "--bag", bad, *PEOPLE))
    assert "--bag" in line
    assert journal.read_bytes() == before


def test_recombine_refuses_hostile_incident_and_reason_before_reading_anything(tmp_path):
    journal = tmp_path / "journal.jsonl"
    for option in ("--incident", "--reason", "--operator"):
        values = {"--incident": "INC-1", "--reason": "drill", "--operator": "Ann Able", option: "x\x1b]0;pwned\x07"}
        line = refused_line(
            run(
                "recombine",
                "--journal",
                journal,
                *[x for pair in values.items() for x in pair],
                "--witness",
                "Ben Baker",
                tmp_path / "no-such-scans",
            )
        )
        assert option in line


def test_journal_repair_refuses_a_hostile_witness(tmp_path):
    journal = tmp_path / "journal.jsonl"
    append_event(journal, "drill", set_id=SET, shares=[1], fingerprint="F", operator="Ann", witness="Ben", now=T0)
    journal.write_bytes(journal.read_bytes()[:-10])
    before = journal.read_bytes()
    line = refused_line(run("journal", "repair", journal, "--operator", "Ann", "--witness", "Ben\u202e"))
    assert "--witness" in line
    assert journal.read_bytes() == before and list(tmp_path.iterdir()) == [journal]


CONFIG = """
label = {label}
scope = "AWS organisation root"
k = 2
n = 3
contact = "security@example.org"
permitted_uses = ["incident"]
administrator = {admin}
witness = "Will Witness"
auditor = "Aude Auditor"
custodians = [
  {{ name = "Alice", role = "Ops", location = "Paris" }},
  {{ name = "Bob", role = "Ops", location = "Oslo" }},
  {{ name = "Carol", role = "Ops", location = "Rome" }},
]
"""


@pytest.mark.parametrize(
    "label, admin, key",
    [
        ('"ok"', '"Ada\\u001b[31m"', "administrator"),
        ('"ok\\u202e"', '"Ada"', "label"),
        ('"' + "x" * 10_000 + '"', '"Ada"', "label is 10,000 characters long"),
        ('"ok"', '{ name = "Ada\\nAdmin" }', "administrator.name"),
        ('"ok\\u0000"', '"Ada"', "label"),
    ],
)
def test_config_names_and_labels_are_checked_by_key(tmp_path, secret, label, admin, key):
    config = tmp_path / "ceremony.toml"
    config.write_text(CONFIG.format(label=label, admin=admin), encoding="utf-8")
    line = refused_line(run("split", "--config", config, "--secret-file", secret, "--out", tmp_path / "out"))
    assert str(config) in line and key in line


# ---------------------------------------------------------------- fonts


def hostile_font(path: Path, low: int, high: int) -> Path:
    """A small valid TrueType font whose format 12 cmap claims every character from `low` to `high`."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib.tables.DefaultTable import DefaultTable

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({65: "A"})
    pen = TTGlyphPen(None)
    pen.moveTo((0, 0))
    pen.lineTo((500, 0))
    pen.lineTo((500, 500))
    pen.closePath()
    builder.setupGlyf({".notdef": pen.glyph(), "A": pen.glyph()})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "A": (500, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Hostile", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    subtable = struct.pack(">HHIII", 12, 0, 28, 0, 1) + struct.pack(">III", low, high, 1)
    cmap = DefaultTable("cmap")
    cmap.data = struct.pack(">HHHHI", 0, 1, 3, 10, 12) + subtable
    builder.font["cmap"] = cmap
    builder.font.save(str(path))
    return path


# A small launcher forks and execs breakglass and reports the child's peak from wait4: a child forked straight
# from this (large, long-lived) test process would count the pages it shared with it before exec.
MEASURED = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "breakglass", *sys.argv[1:]])
_, status, usage = os.wait4(pid, 0)
sys.stderr.write(f"\\nPEAK-KB {usage.ru_maxrss}\\n")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(*args) -> tuple[subprocess.CompletedProcess, int]:
    """Run breakglass; also return its peak resident memory in MB (from wait4 in a small launcher)."""
    result = subprocess.run([sys.executable, "-c", MEASURED, *map(str, args)], capture_output=True, check=False)
    err, _, peak = result.stderr.rpartition(b"\nPEAK-KB ")
    return subprocess.CompletedProcess(args, result.returncode, result.stdout, err), int(peak) // 1024


@pytest.mark.parametrize(
    "low, high, words",
    [
        (0, 0xFFFFFFFF, ["cmap range U+0000..U+FFFFFFFF outside Unicode"]),
        (0, 0x10FFFF, ["cmap that claims 1,114,112 characters", "200,000"]),
    ],
)
def test_a_font_whose_cmap_claims_billions_of_characters_is_refused_by_name_in_little_memory(
    tmp_path, secret, low, high, words
):
    font = hostile_font(tmp_path / "hostile.ttf", low, high)
    assert font.stat().st_size < 1000
    result, peak_mb = run_measured(
        "split",
        "-k",
        "2",
        "-n",
        "3",
        "--label",
        "Font",
        "--secret-file",
        secret,
        "--out",
        tmp_path / "out",
        "--font",
        font,
    )
    line = refused_line(result)
    assert "--font" in line and all(w in line for w in words), line
    assert peak_mb < 400, peak_mb  # was 1.3 GB (the 4-billion cmap) before the bound
    assert not (tmp_path / "out").exists()


def test_a_font_with_a_table_past_its_end_is_refused(tmp_path, secret):
    font = hostile_font(tmp_path / "cut.ttf", 65, 65)
    data = bytearray(font.read_bytes())
    tag_offset = 12  # first table record: make its length absurd
    struct.pack_into(">I", data, tag_offset + 12, 0x7FFFFFF0)
    font.write_bytes(bytes(data))
    line = refused_line(
        run(
            "split",
            "-k",
            "2",
            "-n",
            "3",
            "--label",
            "Font",
            "--secret-file",
            secret,
            "--out",
            tmp_path / "out",
            "--font",
            font,
        )
    )
    assert "--font" in line and "runs past the end" in line


# ---------------------------------------------------------------- CSV and JSON inputs


@pytest.fixture(scope="module")
def journal(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("audit") / "journal.jsonl"
    append_event(
        path,
        "split",
        set_id=SET,
        shares=[1, 2, 3],
        fingerprint="F",
        operator="Ada Admin",
        witness="Will Witness",
        now=T0,
        extra={"k": 2, "n": 3},
    )
    append_event(
        path,
        "drill",
        set_id=SET,
        shares=[1, 2],
        fingerprint="F",
        operator="Ada Admin",
        witness="Will Witness",
        now=T0 + timedelta(days=1),
    )
    return path


HEADER = "event_code,date,event,set_id,shares,operator,witness,custodians,notes,time"


def audit(journal: Path, *args) -> subprocess.CompletedProcess:
    return run("audit", "--journal", journal, "--as-of", "2026-03-01", *args)


def test_a_transcription_with_25000_extra_columns_is_refused_naming_the_limit(journal, tmp_path):
    logbook = tmp_path / "logbook.csv"
    logbook.write_text(HEADER + "," + ",".join(f"x{i}" for i in range(25_000)) + "\n", encoding="utf-8")
    assert logbook.stat().st_size > 150_000
    line = refused_line(audit(journal, "--logbook", logbook))
    assert "25,010 columns" in line and f"{MAX_CSV_COLUMNS:,}" in line and "logbook" in line


def test_too_many_rows_and_too_long_a_cell_are_refused_by_name(journal, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_bytes((HEADER + "\n").encode() + b"x\n" * (MAX_CSV_ROWS + 1))
    line = refused_line(audit(journal, "--logbook", rows))
    assert f"more than {MAX_CSV_ROWS:,} rows" in line
    cell = tmp_path / "cell.csv"
    cell.write_text(HEADER + "\n" + 'K7Q2-9XMB,2026-01-05,drill,,,,,,"' + "n" * (MAX_CSV_CELL + 1) + '"\n')
    line = refused_line(audit(journal, "--logbook", cell))
    assert "row 2 column 9" in line and f"{MAX_CSV_CELL:,}" in line
    huge = tmp_path / "huge.csv"  # beyond the csv module's own field limit too
    huge.write_text(HEADER + "\n" + 'K7Q2-9XMB,2026-01-05,drill,,,,,,"' + "n" * 200_000 + '"\n')
    assert f"{MAX_CSV_CELL:,}" in refused_line(audit(journal, "--logbook", huge))


def test_json_evidence_with_too_many_objects_is_refused_by_name(journal, tmp_path):
    evidence = tmp_path / "cloudtrail.json"
    evidence.write_bytes(b'{"Records": [' + b"{}," * MAX_JSON_CONTAINERS + b"{}]}")
    line = refused_line(audit(journal, "--rotations", evidence))
    assert f"{MAX_JSON_CONTAINERS:,}" in line and "JSON objects and lists" in line


def _findings(result) -> list[str]:
    report = json.loads(result.stdout)
    return sorted(json.dumps(f, sort_keys=True) for f in report["findings"])


def test_a_quoted_cell_with_a_bare_cr_is_one_cell_as_with_lf(journal, tmp_path):
    row1 = '{code},2026-01-05,split,{set},1;2;3,Ada Admin,Will Witness,A;B;C,"first{nl}second",10:00'
    entries = read_journal(journal)
    reports = {}
    for name, newline, ending in (
        ("lf", "\n", "\n"),
        ("cr", "\r", "\r\n"),
        ("crlf", "\r\n", "\r\n"),
        ("cr-lf-rows", "\r", "\n"),
    ):
        rows = [
            HEADER,
            row1.format(code=entries[0].code, set=SET, nl=newline),
            f'{entries[1].code},2026-01-06,drill,{SET},1;2,Ada Admin,Will Witness,,"a{newline}b",10:00',
        ]
        path = tmp_path / f"{name}.csv"
        path.write_bytes((ending.join(rows) + ending).encode())
        result = audit(journal, "--logbook", path, "--json")
        assert result.returncode in (0, 1), result.stderr
        reports[name] = _findings(result)
    assert reports["cr"] == reports["lf"] == reports["crlf"] == reports["cr-lf-rows"]
    assert not any("row 4" in f or "row 5" in f for f in reports["cr"]), reports["cr"]  # 3 rows, header included


def test_a_manifest_of_a_million_objects_is_refused_by_name(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_bytes(b'{"format": "breakglass-manifest", "x": [' + b"{}," * 1_000_000 + b"{}]}")
    line = refused_line(run("manifest", manifest))
    assert "1,000,003 JSON objects and lists" in line and "100,000" in line
