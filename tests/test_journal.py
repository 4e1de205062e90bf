"""The journal: hash chain, event codes, tamper detection, no secrets, file mode; and the journal commands."""

from __future__ import annotations

import itertools
import json
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from breakglass.cli.records import journal as journal_cmd
from breakglass.errors import BreakglassError
from breakglass.record.journal import (
    GENESIS,
    append_event,
    canonical,
    code_of,
    entry_hash,
    find_event,
    normalize_code,
    read_journal,
    verify_journal,
)

SET = "1A2B-3C4D-5E6F-7081"
FP = "GG7A-6H24-R1SZ-DES3"
T0 = datetime(2026, 11, 22, 3, 56, 2, tzinfo=UTC)


def make(path, events=("split", "drill", "release", "rotate", "drill")):
    entries = []
    for i, event in enumerate(events):
        entries.append(
            append_event(
                path,
                event,
                set_id=SET,
                shares=[1, 2, 3],
                fingerprint=FP,
                operator="Alice",
                witness="Bob",
                extra={"k": 3, "n": 5} if event == "split" else None,
                now=T0 + timedelta(hours=i),
            )
        )
    return entries


def lines(path):
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def write(path, parts):
    path.write_text("".join(parts), encoding="utf-8")


@pytest.fixture
def j(tmp_path):
    path = tmp_path / "journal.jsonl"
    make(path)
    return path


# ---------------------------------------------------------------- format


def test_chain_ok_and_entry_format(j):
    entries = read_journal(j)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    first = json.loads(lines(j)[0])
    assert first["prev"] == GENESIS
    assert first["time"] == "2026-11-22T03:56:02Z"
    assert first["set"] == SET and first["shares"] == [1, 2, 3] and first["k"] == 3
    assert first["operator"] == "Alice" and first["witness"] == "Bob"
    for raw, _entry in zip(lines(j), entries, strict=True):
        assert raw == canonical(json.loads(raw)) + "\n"
    for before, after in itertools.pairwise(entries):
        assert after.prev == before.hash == entry_hash(before.data)
    result = verify_journal(j)
    assert result.ok and result.count == 5 and result.head_code == entries[-1].code
    assert result.problem is None and result.line is None


def test_event_code_is_40_bits_crockford():
    h = "ff" * 32
    assert code_of(h) == "ZZZZ-ZZZZ"
    assert code_of("00" * 32) == "0000-0000"
    code = code_of(entry_hash({"a": 1}))
    assert len(code) == 9 and code[4] == "-"


def test_head_code_typed_loosely(j):
    head = read_journal(j)[-1].code
    for typed in (head, head.lower(), head.replace("-", ""), f"  {head.lower().replace('-', ' ')} "):
        assert verify_journal(j, head=typed).ok
    lookalike = head.replace("0", "O").replace("1", "I")
    assert verify_journal(j, head=lookalike).ok
    assert normalize_code("k7q2 9xmb") == "K7Q2-9XMB"
    with pytest.raises(BreakglassError, match="not an event code"):
        normalize_code("K7Q2-9XM")
    with pytest.raises(BreakglassError, match="not an event code"):
        normalize_code("K7Q2-9XMU")


def test_extra_fields_and_new_file_mode(tmp_path):
    path = tmp_path / "new.jsonl"
    entry = append_event(
        path,
        "split",
        set_id=SET.lower().replace("-", ""),
        shares=[3, 1, 2],
        fingerprint=FP,
        extra={"k": 3, "n": 5, "label": "AWS root", "copies": [[1, 1], [2, 1]]},
        now=T0,
    )
    assert entry.set == SET and entry.shares == (1, 2, 3)
    assert entry.extra == {"k": 3, "n": 5, "label": "AWS root", "copies": [[1, 1], [2, 1]]}
    assert entry.operator is None and entry.witness is None
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert find_event(path, entry.code.lower()).seq == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"secret": "hunter2"},
        {"credential": "x"},
        {"share_data": "BG..."},
        {"key": "00"},
        {"data_key": "00"},
        {"new_password": "x"},
        {"details": {"api_key": "x"}},
        {"keyShare": "x"},
        {"blob": b"raw"},
    ],
)
def test_secret_like_extra_refused(tmp_path, extra):
    path = tmp_path / "j.jsonl"
    with pytest.raises(BreakglassError):
        append_event(path, "split", set_id=SET, shares=[1], fingerprint=FP, extra=extra)
    assert not path.exists() or path.read_text() == ""


def test_core_fields_cannot_be_overridden(tmp_path):
    with pytest.raises(BreakglassError, match="core field"):
        append_event(tmp_path / "j", "split", set_id=SET, shares=[1], fingerprint=FP, extra={"prev": GENESIS})


def test_bad_arguments_refused(tmp_path):
    path = tmp_path / "j"
    with pytest.raises(BreakglassError, match="event name"):
        append_event(path, "Split!", set_id=SET, shares=[1], fingerprint=FP)
    with pytest.raises(BreakglassError, match="set id"):
        append_event(path, "split", set_id="nope", shares=[1], fingerprint=FP)
    with pytest.raises(BreakglassError, match="share numbers"):
        append_event(path, "split", set_id=SET, shares=[0], fingerprint=FP)
    with pytest.raises(BreakglassError, match="folder"):
        append_event(tmp_path / "missing" / "j", "split", set_id=SET, shares=[1], fingerprint=FP)


# ---------------------------------------------------------------- tampering


def test_edited_field_detected(j):
    parts = lines(j)
    data = json.loads(parts[1])
    data["operator"] = "Mallory"
    parts[1] = canonical(data) + "\n"
    write(j, parts)
    result = verify_journal(j)
    assert not result.ok and result.line == 2
    assert "line 2 was edited" in result.problem


def test_hand_edit_not_in_canonical_form_detected(j):
    parts = lines(j)
    parts[2] = parts[2].replace('"shares":[1,2,3]', '"shares": [1,2,3]')
    write(j, parts)
    result = verify_journal(j)
    assert not result.ok and result.line == 3 and "edited" in result.problem


def test_edited_seq_detected(j):
    parts = lines(j)
    parts[2] = parts[2].replace('"seq":3', '"seq":9')
    write(j, parts)
    result = verify_journal(j)
    assert not result.ok and result.line == 3 and "edited" in result.problem


def test_deleted_line_detected(j):
    parts = lines(j)
    del parts[2]
    write(j, parts)
    result = verify_journal(j)
    assert not result.ok and result.line == 3
    assert "entry 3 is missing" in result.problem and "deleted" in result.problem


def test_deleted_first_line_detected(j):
    write(j, lines(j)[1:])
    result = verify_journal(j)
    assert not result.ok and result.line == 1 and "missing" in result.problem


def test_swapped_lines_detected(j):
    parts = lines(j)
    parts[1], parts[2] = parts[2], parts[1]
    write(j, parts)
    result = verify_journal(j)
    assert not result.ok and result.line == 2
    assert "out of order" in result.problem


def test_duplicated_line_detected(j):
    parts = lines(j)
    write(j, parts + [parts[-1]])
    result = verify_journal(j)
    assert not result.ok and result.line == 6


def test_truncated_tail_detected_only_with_head(j):
    head = read_journal(j)[-1].code
    write(j, lines(j)[:-2])
    assert verify_journal(j).ok  # the chain itself is intact: only the paper code reveals the cut
    result = verify_journal(j, head=head)
    assert not result.ok
    assert head in result.problem and "missing" in result.problem


def test_edited_last_line_detected_with_head(j):
    head = read_journal(j)[-1].code
    parts = lines(j)
    data = json.loads(parts[-1])
    data["witness"] = "Mallory"
    parts[-1] = canonical(data) + "\n"
    write(j, parts)
    assert verify_journal(j).ok
    assert not verify_journal(j, head=head).ok


def test_paper_behind_journal_detected(j):
    second = read_journal(j)[1].code
    result = verify_journal(j, head=second)
    assert not result.ok and result.line == 3
    assert "3 entries are not recorded" in result.problem


def test_bad_head_code(j):
    result = verify_journal(j, head="ZZZZ-ZZZZ")
    assert not result.ok and "ZZZZ-ZZZZ" in result.problem
    with pytest.raises(BreakglassError, match="not an event code"):
        verify_journal(j, head="hello")


def test_unparsable_and_incomplete_lines(j):
    parts = lines(j)
    write(j, parts[:2] + ["{not json\n"] + parts[3:])
    result = verify_journal(j)
    assert not result.ok and result.line == 3 and "not valid JSON" in result.problem
    with pytest.raises(BreakglassError, match="line 3"):
        read_journal(j)
    write(j, parts[:2] + [parts[2].rstrip("\n")])
    result = verify_journal(j)
    assert not result.ok and result.line == 3 and "incomplete" in result.problem


def test_append_refused_on_broken_journal(j):
    parts = lines(j)
    del parts[1]
    write(j, parts)
    before = j.read_bytes()
    with pytest.raises(
        BreakglassError, match=r"is broken: line 2 .*run breakglass journal repair .* set the broken part aside"
    ):
        append_event(j, "drill", set_id=SET, shares=[1, 2, 3], fingerprint=FP)
    assert j.read_bytes() == before


def test_find_event(j):
    entries = read_journal(j)
    assert find_event(j, entries[2].code).event == "release"
    with pytest.raises(BreakglassError, match="no event"):
        find_event(j, "ZZZZ-ZZZZ")


def test_missing_journal(tmp_path):
    with pytest.raises(BreakglassError, match="does not exist"):
        verify_journal(tmp_path / "nope.jsonl")


# ---------------------------------------------------------------- commands


def test_cli_verify_ok_and_broken(j):
    runner = CliRunner()
    head = read_journal(j)[-1].code
    result = runner.invoke(journal_cmd, ["verify", str(j), "--head", head.lower()])
    assert result.exit_code == 0, result.output
    assert "5 entries" in result.output and head in result.output

    parts = lines(j)
    parts[1], parts[2] = parts[2], parts[1]
    write(j, parts)
    result = runner.invoke(journal_cmd, ["verify", str(j)])
    assert result.exit_code == 1
    assert isinstance(result.exception, BreakglassError)
    assert "line 2" in str(result.exception) and "\n" not in str(result.exception)


def test_cli_show_table(j):
    result = CliRunner().invoke(journal_cmd, ["show", str(j)])
    assert result.exit_code == 0, result.output
    rows = result.output.strip().splitlines()
    assert rows[0].split()[:3] == ["seq", "time", "(UTC)"]
    assert len(rows) == 2 + 5
    assert "release" in rows[4] and "1-3" in rows[4] and "Alice" in rows[4]
    assert read_journal(j)[0].code in rows[2]
