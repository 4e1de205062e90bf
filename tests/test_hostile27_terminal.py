"""Issue 27, terminal injection: what a hostile journal, manifest, transcription or evidence file holds never
reaches the terminal raw. The one escaping helper (system/output.py) is property-tested over arbitrary Unicode;
every command that prints file content is run through the real command line with hostile files made here."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from breakglass.record.journal import append_event
from breakglass.system.output import json_text, one_line, terminal_safe

SET = "1A2B-3C4D-5E6F-7081"
T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Names as an attacker writes them: escape sequences, BEL, CR that rewrites the line, DEL, NUL, C1 CSI,
# a newline that would add a row, bidi overrides and isolates.
HOSTILE = [
    "Ann\x1b[2J\x1b[31mEVIL",
    "Bell\x07",
    "over\rwritten",
    "del\x7f",
    "nul\x00byte",
    "c1\x9b31m",
    "two\nlines",
    "\u202eevil\u202c",
    "iso\u2066late\u2069",
    "tab\there",
    "sep\u2028line",
]


def unsafe(text: str) -> list[str]:
    """Characters no terminal line may carry, defined independently of the code under test."""
    return [c for c in text if unicodedata.category(c) in ("Cc", "Cs") or c in BIDI or c in "\u2028\u2029"]


def visible(text: str) -> str:
    """The text a terminal receives, minus the newlines that end each printed line."""
    return text.replace("\n", "")


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "breakglass", *map(str, args)], capture_output=True, timeout=300, check=False
    )


def out_err(result) -> tuple[str, str]:
    return result.stdout.decode("utf-8", "surrogateescape"), result.stderr.decode("utf-8", "surrogateescape")


def assert_terminal_safe(result, *, lines: int | None = None) -> str:
    out, err = out_err(result)
    assert "Traceback" not in err and "internal error" not in err, err
    for stream in (out, err):
        assert not unsafe(visible(stream)), [c for c in unsafe(visible(stream))][:5]
    if lines is not None:
        assert len(out.splitlines()) == lines, out
    return out


# ---------------------------------------------------------------- the helper itself


def unescape(text: str) -> str:
    named = {"n": "\n", "r": "\r", "t": "\t"}
    return re.sub(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[nrt])", lambda m: named.get(m[1]) or chr(int(m[1][1:], 16)), text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(), max_size=60))
def test_terminal_safe_leaves_nothing_raw_and_loses_nothing(text):
    shown = terminal_safe(text)
    assert not unsafe(shown)
    assert len(shown.splitlines()) <= 1 and "\n" not in shown
    if not unsafe(text):
        assert shown == text  # plain names, any script, come out as they are
    if "\\" not in text:
        assert unescape(shown) == text  # every character is still there, shown


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(), max_size=2000), st.integers(10, 500))
def test_one_line_is_bounded_and_safe(text, limit):
    shown = one_line(text, limit)
    assert len(shown) <= limit and not unsafe(shown) and "\n" not in shown


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet=st.characters()),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(alphabet=st.characters()), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(values)
def test_json_output_is_exact_and_carries_nothing_raw(value):
    text = json_text(value)
    assert json.loads(text) == value  # JSON stays exact
    assert not unsafe(visible(text))


@pytest.mark.parametrize("name", HOSTILE)
def test_each_hostile_name_is_shown_as_escapes(name):
    shown = terminal_safe(name)
    assert not unsafe(shown) and "\\" in shown
    assert terminal_safe("\u202e") == "\\u202e" and terminal_safe("\x1b") == "\\x1b" and terminal_safe("\n") == "\\n"


# ---------------------------------------------------------------- every command that prints file content


@pytest.fixture(scope="module")
def hostile_journal(tmp_path_factory) -> Path:
    """A journal whose chain is intact but whose names were written by someone else's tool: every hostile name
    as operator and witness, one event each."""
    path = tmp_path_factory.mktemp("journal") / "journal.jsonl"
    for i, name in enumerate(HOSTILE):
        append_event(
            path,
            "drill",
            set_id=SET,
            shares=[1, 2],
            fingerprint="F",
            operator=name,
            witness=HOSTILE[-1 - i],
            now=T0 + timedelta(days=i),
            extra={"incident": name, "reason": name},
        )
    return path


def test_journal_show_is_one_line_per_event_and_json_is_exact(hostile_journal):
    assert_terminal_safe(run("journal", "show", hostile_journal), lines=len(HOSTILE) + 2)
    result = run("journal", "show", "--json", hostile_journal)
    out = assert_terminal_safe(result)
    assert [e["operator"] for e in json.loads(out)] == HOSTILE


def test_journal_verify_and_repair_quote_a_hostile_broken_line_safely(hostile_journal, tmp_path):
    journal = tmp_path / "journal.jsonl"
    journal.write_bytes(hostile_journal.read_bytes() + b'{"evil":"\x1b[2J\xe2\x80\xae\r\x07",\n')
    result = run("journal", "verify", journal)
    assert result.returncode == 1
    assert_terminal_safe(result)
    assert_terminal_safe(run("journal", "verify", "--json", journal))
    result = run("journal", "repair", journal, "--operator", "Ann Able", "--witness", "Ben Baker")
    assert result.returncode == 0, result.stderr
    assert_terminal_safe(result)


def test_manifest_text_is_safe_and_json_exact(tmp_path):
    manifest = {
        "format": "breakglass-manifest",
        "version": 1,
        "set_id": SET + "\x1b]0;title\x07",
        "fingerprint": "F\u202e",
        "k": 2,
        "n": 3,
        "label": "Label\x1b[31m\nInjected: line",
        "created": "2026\r",
        "tool_version": "0\x9b",
        "custodians": [{"share": 1, "copy": 1, "name": name} for name in HOSTILE[:1]]
        + [{"share": 2, "copy": 1, "name": "\u2066x\u2069"}],
        "sheets": [{"share": 1, "copy": 1, "file": "a\x1b[2J.pdf"}, {"share": 2, "copy": 1, "file": "b\u202e.pdf"}],
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    result = run("manifest", path)
    assert result.returncode == 0, result.stderr
    assert_terminal_safe(result, lines=8)
    result = run("manifest", "--json", path)
    status = json.loads(assert_terminal_safe(result))
    assert status["label"] == manifest["label"] and status["sheets"][1]["file"] == "b\u202e.pdf"


def _transcription(path: Path) -> Path:
    header = "event_code,date,event,set_id,shares,operator,witness,custodians,notes,incident,reason"
    rows = [
        f'K7Q2-9XMB,2026-01-05,drill,{SET},1;2,"{name}","{name}","{name}","{name}","{name}","{name}"'
        for name in HOSTILE
        if '"' not in name
    ]
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("utf-8"))
    return path


def test_audit_report_quotes_transcription_and_evidence_safely(hostile_journal, tmp_path):
    logbook = _transcription(tmp_path / "logbook.csv")
    record = tmp_path / "rotations.csv"
    record.write_text(
        "system,credential,rotated_at,by,evidence\r\n"
        '"aws\x1b[31m","root\u202e",2026-01-06T10:00:00Z,"Ann\x07","ticket\rX"\r\n',
        encoding="utf-8",
    )
    result = run(
        "audit", "--journal", hostile_journal, "--logbook", logbook, "--rotations", record, "--as-of", "2026-03-01"
    )
    assert result.returncode in (1, 2), out_err(result)
    assert_terminal_safe(result)
    result = run(
        "audit",
        "--journal",
        hostile_journal,
        "--logbook",
        logbook,
        "--rotations",
        record,
        "--as-of",
        "2026-03-01",
        "--json",
    )
    out = assert_terminal_safe(result)
    json.loads(out)


def test_an_error_quoting_a_hostile_file_name_is_one_safe_line(tmp_path):
    weird = tmp_path / "evil\x1b[2J\u202e.jsonl"
    weird.write_bytes(b"not json\x1b\n")
    result = run("journal", "verify", weird)
    assert result.returncode == 1
    assert len(out_err(result)[1].strip().splitlines()) == 1
    assert_terminal_safe(result)


def test_logbook_from_a_hostile_manifest_prints_nothing_raw(tmp_path):
    manifest = {
        "format": "breakglass-manifest",
        "version": 1,
        "set_id": SET + "\x1b[2J",
        "fingerprint": "F\u202e",
        "k": 2,
        "n": 3,
        "label": "Label\x1b[31m\nInjected",
        "created": "2026-01-05T10:00:00Z",
        "custodians": [{"share": 1, "copy": 1, "name": "Ann\x07\u2066"}],
        "sheets": [],
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    result = run("logbook", "--manifest", path, "--out", tmp_path / "logbook.pdf")
    assert result.returncode in (0, 1), out_err(result)
    assert_terminal_safe(result)
