"""The journal under faults: a cut-off last line is named and repaired (kept as evidence), an empty journal is
an error, `verify` without --head says what it cannot see, and concurrent writers never fork the chain."""

from __future__ import annotations

import hashlib
import multiprocessing
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from breakglass.cli.records import journal as journal_cmd
from breakglass.errors import BreakglassError
from breakglass.record.journal import NO_SET, append_event, read_journal, require_intact, verify_journal
from breakglass.record.journal_repair import repair_journal

SET = "1A2B-3C4D-5E6F-7081"
FP = "GG7A-6H24-R1SZ-DES3"
T0 = datetime(2026, 11, 22, 3, 56, 2, tzinfo=UTC)


def make(path, count=4):
    for i in range(count):
        append_event(
            path,
            "drill",
            set_id=SET,
            shares=[1, 2],
            fingerprint=FP,
            operator="Ann",
            witness="Ben",
            now=T0 + timedelta(days=i),
        )
    return path


@pytest.fixture
def j(tmp_path):
    return make(tmp_path / "journal.jsonl")


def test_a_cut_off_last_line_is_named_and_blocks_appends_with_the_way_out(j):
    j.write_bytes(j.read_bytes()[:-30])
    result = verify_journal(j)
    assert not result.ok and result.line == 4 and result.repairable
    assert "incomplete" in result.problem and "power cut" in result.problem
    with pytest.raises(BreakglassError, match=r"run breakglass journal repair .* set the broken part aside"):
        require_intact(j)
    with pytest.raises(BreakglassError, match="journal repair"):
        append_event(j, "drill", set_id=SET, shares=[1], fingerprint=FP)


def test_repair_sets_the_tail_aside_byte_for_byte_and_records_itself(j):
    raw = j.read_bytes()
    cut = raw[:-30]
    j.write_bytes(cut)
    tail = cut[cut.rindex(b"\n") + 1 :]
    done = repair_journal(j, now=T0 + timedelta(days=9), operator="Ann", witness="Ben")
    assert done.first_line == 4 and done.lines == 1 and done.complete == 0
    assert done.side_file.read_bytes() == tail
    assert done.side_file.name == "journal.jsonl.broken-20261201T035602Z"
    entries = read_journal(j)
    assert [e.event for e in entries] == ["drill", "drill", "drill", "repair"]
    repair = entries[-1]
    assert repair.set == NO_SET and repair.shares == () and repair.operator == "Ann"
    assert repair.extra["set_aside"] == done.side_file.name and repair.extra["from_line"] == 4
    assert repair.extra["sha256"] == hashlib.sha256(tail).hexdigest() and repair.extra["bytes"] == len(tail)
    assert verify_journal(j).ok and verify_journal(j, head=repair.code).ok
    append_event(j, "drill", set_id=SET, shares=[1], fingerprint=FP)  # the journal goes on
    assert verify_journal(j).ok
    assert repair_journal(j, now=T0).entry is None  # intact: nothing to do


def test_repair_of_a_tampered_middle_keeps_every_later_line_as_evidence(j):
    lines = j.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b'"Ben"', b'"Bob"')
    j.write_bytes(b"".join(lines))
    done = repair_journal(j, now=T0)
    assert done.first_line == 2 and done.lines == 3 and done.complete == 3
    assert done.side_file.read_bytes() == b"".join(lines[1:])
    assert [e.event for e in read_journal(j)] == ["drill", "repair"] and verify_journal(j).ok


def test_repair_keeps_earlier_evidence_files(j):
    for _ in range(2):
        j.write_bytes(j.read_bytes() + b'{"cut')
        repair_journal(j, now=T0)
    assert len(list(j.parent.glob("journal.jsonl.broken-*"))) == 2


def test_an_empty_journal_is_an_error_but_may_start_a_split(tmp_path):
    empty = tmp_path / "journal.jsonl"
    empty.write_bytes(b"")
    result = verify_journal(empty)
    assert not result.ok and "empty" in result.problem
    out = CliRunner().invoke(journal_cmd, ["verify", str(empty)])
    assert out.exit_code == 1 and "empty" in str(out.exception)
    out = CliRunner().invoke(journal_cmd, ["show", str(empty)])
    assert out.exit_code == 1
    require_intact(empty)  # a first write cut off at once leaves an empty file: a split may start it
    append_event(empty, "split", set_id=SET, shares=[1, 2], fingerprint=FP)
    assert verify_journal(empty).ok
    other = tmp_path / "other.jsonl"
    other.write_bytes(b"")
    with pytest.raises(BreakglassError, match="nothing to repair"):
        repair_journal(other, now=T0)


def test_verify_without_head_says_what_it_cannot_see(j):
    out = CliRunner().invoke(journal_cmd, ["verify", str(j)])
    head = read_journal(j)[-1].code
    assert out.exit_code == 0
    assert f"head code {head}" in out.output and "cut-off end cannot be detected" in out.output
    out = CliRunner().invoke(journal_cmd, ["verify", str(j), "--head", head])
    assert out.exit_code == 0 and "cannot be detected" not in out.output


def test_cli_repair(j):
    j.write_bytes(j.read_bytes() + b'{"seq":5')
    out = CliRunner().invoke(journal_cmd, ["repair", str(j), "--operator", "Ann", "--witness", "Ben"])
    assert out.exit_code == 0, out.output
    assert (
        "Set aside line 5 (1 line)" in out.output
        and "Journal event code (write it in the logbook, with its time): " in out.output
    )
    out = CliRunner().invoke(journal_cmd, ["repair", str(j)])
    assert out.exit_code == 0 and "nothing to repair" in out.output


def _append_many(path, n, start):
    for i in range(n):
        append_event(
            path,
            "drill",
            set_id=SET,
            shares=[1, 2],
            fingerprint=FP,
            operator=f"P{start}",
            now=T0 + timedelta(minutes=start * 100 + i),
        )


def test_concurrent_writers_never_fork_the_chain(tmp_path):
    path = tmp_path / "journal.jsonl"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(path, 8, w)) for w in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    result = verify_journal(path)
    assert result.ok and result.count == 48


def test_writers_waiting_through_a_repair_write_to_the_repaired_journal(tmp_path):
    """A repair replaces the file; a writer that waited on the old file's lock must reopen, not extend it."""
    path = make(tmp_path / "journal.jsonl", 2)
    path.write_bytes(path.read_bytes() + b'{"cut')
    script = (
        "import sys; from breakglass.record.journal import append_event\n"
        "from breakglass.errors import BreakglassError\n"
        "for i in range(20):\n"
        "    try: append_event(sys.argv[1], 'drill', set_id='1A2B-3C4D-5E6F-7081', shares=[1], fingerprint='x')\n"
        "    except BreakglassError: pass\n"
    )
    writers = [subprocess.Popen([sys.executable, "-c", script, str(path)]) for _ in range(3)]
    repair_journal(path, now=T0)
    for w in writers:
        assert w.wait(120) == 0
    assert verify_journal(path).ok
    assert "repair" in [e.event for e in read_journal(path)]


def test_publish_is_taken_back_when_the_line_cannot_be_written(tmp_path, monkeypatch):
    from breakglass.record import journal as journal_module

    path = make(tmp_path / "journal.jsonl", 1)
    before = path.read_bytes()
    calls = []

    def publish(entry):
        calls.append(("placed", entry.code))
        return lambda: calls.append(("taken back", entry.code))

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(journal_module.files, "write_all", full)
    with pytest.raises(BreakglassError, match="no space left"):
        append_event(path, "release", set_id=SET, shares=[1, 2], fingerprint=FP, publish=publish)
    assert [c[0] for c in calls] == ["placed", "taken back"] and path.read_bytes() == before
