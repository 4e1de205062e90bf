"""The installed command takes the time from the machine only: BREAKGLASS_FAKE_TIME, the tests' fake clock
(tests/fakeclock.py), cannot backdate a split, a release or a destruction outside the test harness."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import fakeclock
from breakglass.record.journal import read_journal

PEOPLE = ("--operator", "Ola Operator", "--witness", "Wes Witness")
BACKDATED = "2001-01-01T00:00:00Z"
SET, FP = "1A2B-3C4D-5E6F-7081", "GG7A-6H24-R1SZ-DES3"


def installed_breakglass() -> str:
    """The console script pip installed next to this Python (what a user runs), else `python -m breakglass`."""
    script = Path(sys.executable).with_name("breakglass")
    return str(script) if script.exists() else shutil.which("breakglass") or ""


def journal_with_split(tmp_path: Path) -> Path:
    from breakglass.record.journal import append_event

    path = tmp_path / "journal.jsonl"
    append_event(
        path,
        "split",
        set_id=SET,
        shares=[1, 2, 3],
        fingerprint=FP,
        operator="Ann",
        witness="Ben",
        extra={"k": 2, "n": 3, "sheets": [{"share": s, "copy": 1, "holder": ""} for s in (1, 2, 3)]},
        now=datetime.now(UTC) - timedelta(days=1),
    )
    return path


@pytest.mark.parametrize("how", ["console script", "python -m breakglass"])
def test_the_installed_command_ignores_the_fake_time(tmp_path, how):
    journal = journal_with_split(tmp_path)
    start = [installed_breakglass()] if how == "console script" else [sys.executable, "-m", "breakglass"]
    if not start[0]:
        pytest.skip("no breakglass console script installed beside this Python")
    before = datetime.now(UTC).replace(microsecond=0)
    result = subprocess.run(
        [*start, "destroy", "--journal", journal, "--set", SET, "--sheet", "1", "--bag", "TB-1", *PEOPLE],
        capture_output=True,
        env={**os.environ, fakeclock.FAKE_TIME_ENV: BACKDATED},
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr.decode()
    entry = read_journal(journal)[-1]
    assert entry.event == "destroy" and entry.when >= before, entry.time


def test_the_harness_clock_moves_the_command(tmp_path):
    """The same run through the harness is backdated: the check above can fail."""
    journal = journal_with_split(tmp_path)
    result = subprocess.run(
        [*fakeclock.command(), "destroy", "--journal", journal, "--set", SET, "--sheet", "1", "--bag", "TB-1", *PEOPLE],
        capture_output=True,
        env={**os.environ, fakeclock.FAKE_TIME_ENV: "2030-01-02T03:04:05Z"},
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert read_journal(journal)[-1].time == "2030-01-02T03:04:05Z"


def test_no_source_module_reads_a_fake_time():
    import breakglass

    package = Path(breakglass.__file__).parent
    readers = [p.name for p in package.rglob("*.py") if "FAKE_TIME" in p.read_text(encoding="utf-8")]
    assert not readers, readers
