"""Issue 27, faults: `journal repair` is all or nothing on a full disk, the side file included; and a signal at
any moment from the first line of breakglass's code on (__main__) is one line and exit 128 + its number, never a
traceback, tested by sending it at many delays into a real release."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from breakglass.record.journal import append_event, read_journal, verify_journal

TESTS = Path(__file__).parent
SET = "1A2B-3C4D-5E6F-7081"
T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
PEOPLE = ("--operator", "Ann Able", "--witness", "Ben Baker")
SECRET = b"interrupt me early"


def with_fault(point: int, kind: str, *args, cwd: Path) -> tuple[subprocess.CompletedProcess, int]:
    """breakglass ARGS with the point-th write-side call failing (tests/faultshim.py); and how many there were."""
    from faultloops import shim

    return shim(point, kind, *args, cwd=cwd)


def broken_journal(path: Path) -> bytes:
    for i in range(4):
        append_event(
            path,
            "drill",
            set_id=SET,
            shares=[1, 2],
            fingerprint="F",
            operator="Ann",
            witness="Ben",
            now=T0 + timedelta(days=i),
        )
    path.write_bytes(path.read_bytes()[:-25])  # a power cut in the middle of the last append
    return path.read_bytes()


@pytest.mark.parametrize("kind", ["ENOSPC", "EIO", "SIGINT"])
def test_journal_repair_is_all_or_nothing_at_every_write_point(tmp_path, kind):
    """Every write-side call of a repair fails in turn (the side file written and the journal not, and every
    other point): afterwards either the journal is repaired and its side file is there, or the journal is
    byte for byte as it was and nothing else is in its folder."""
    original = broken_journal(tmp_path / "original.jsonl")
    point, outcomes = 1, set()
    while True:
        folder = tmp_path / f"run{point}"
        folder.mkdir()
        journal = folder / "journal.jsonl"
        journal.write_bytes(original)
        result, points = with_fault(point, kind, "journal", "repair", journal, *PEOPLE, cwd=folder)
        err = result.stderr.decode(errors="replace")
        assert "Traceback" not in err and "internal error" not in err, err
        others = sorted(p.name for p in folder.iterdir() if p.name != "journal.jsonl")
        if result.returncode == 0 or (kind == "SIGINT" and verify_journal(journal).ok):
            assert len(others) == 1 and others[0].startswith("journal.jsonl.broken-"), others
            assert verify_journal(journal).ok and read_journal(journal)[-1].event == "repair"
            assert original.startswith(journal.read_bytes()[: len(original) - 200])
            outcomes.add("done")
        else:
            assert result.returncode == (130 if kind == "SIGINT" else 1), err
            assert journal.read_bytes() == original, f"point {point}: the journal changed"
            assert others == [], f"point {point}: left {others} beside an unrepaired journal"
            outcomes.add("nothing")
        shutil.rmtree(folder)
        if point > points:
            break
        point += 1
    assert point > 4 and outcomes == {"done", "nothing"}


# ---------------------------------------------------------------- a signal at any moment of a release


@pytest.fixture(scope="module")
def release_set(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("early-signals")
    (base / "secret").write_bytes(SECRET)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "breakglass",
            "split",
            "-k",
            "2",
            "-n",
            "3",
            "--label",
            "Early",
            "--secret-file",
            base / "secret",
            "--out",
            base / "sheets",
            "--journal",
            base / "journal.jsonl",
            *PEOPLE,
            "--no-scan-check",
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return base


def _ignore_sigint_until_breakglass_starts() -> None:
    """In the child before exec: the signals are ignored while Python itself starts (Python keeps an ignored
    SIGINT ignored), so one sent then is lost, not a traceback of Python's start-up; breakglass's own first
    lines install its handler, and from there on every signal must be one line."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_at_any_delay_into_a_release_is_one_line(release_set, tmp_path, sig):
    sheets = sorted((release_set / "sheets").glob("*.pdf"))[:2]
    delays = [i / 1000 for i in range(0, 201, 8 if sig == signal.SIGINT else 25)]
    outcomes = {}
    for delay in delays:
        folder = tmp_path / f"d{int(delay * 1000)}"
        folder.mkdir()
        journal = folder / "journal.jsonl"
        journal.write_bytes((release_set / "journal.jsonl").read_bytes())
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "breakglass",
                "recombine",
                "--journal",
                journal,
                *PEOPLE,
                "--incident",
                "INC-1",
                "--reason",
                "early signal",
                "--out",
                folder / "credential",
                *sheets,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=_ignore_sigint_until_breakglass_starts,
        )
        time.sleep(delay)
        process.send_signal(sig)
        out, err_bytes = process.communicate(timeout=300)
        err = err_bytes.decode(errors="replace")
        assert "Traceback" not in err and "Error" not in err and "Exception" not in err, (delay, err)
        if process.returncode == 0:  # the signal came while Python itself was starting (ignored): a release
            assert (folder / "credential").read_bytes() == SECRET
            outcomes[delay] = "released"
            continue
        assert process.returncode == 128 + sig, (delay, process.returncode, err)
        assert err.strip().splitlines()[-1].startswith("interrupted"), (delay, err)
        if (folder / "credential").exists():  # stopped after the release was complete and recorded
            assert (folder / "credential").read_bytes() == SECRET
            assert [e.event for e in read_journal(journal)][-1] == "release"
        else:
            assert [e.event for e in read_journal(journal)] == ["split"], (delay, err)
        outcomes[delay] = "interrupted"
    assert "interrupted" in outcomes.values()


AIMED = """
import os, signal, sys
class Aim:
    '''Sends the signal the moment Python starts to load the module TARGET: inside breakglass's own imports.'''
    def find_spec(self, name, path, target=None):
        if name == TARGET:
            os.kill(os.getpid(), SIG)
        return None
sys.meta_path.insert(0, Aim())
from breakglass.__main__ import main
main()
"""


@pytest.mark.parametrize(
    "module",
    [
        "breakglass.system",
        "breakglass.system.interrupts",
        "breakglass.system.streams",
        "breakglass.errors",
        "breakglass.cli.main",
        "breakglass.cli.recombine",
    ],
)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_while_breakglass_itself_loads_is_one_line(release_set, tmp_path, module, sig):
    """The moments a delay can only hit by luck (about 25 ms into a release): while interrupts.py itself, or
    the modules around it, are being imported."""
    journal = tmp_path / "journal.jsonl"
    journal.write_bytes((release_set / "journal.jsonl").read_bytes())
    code = f"TARGET = {module!r}\nSIG = {int(sig)}\n" + AIMED
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "recombine",
            "--journal",
            journal,
            *PEOPLE,
            "--incident",
            "INC-1",
            "--reason",
            "early",
            "--out",
            tmp_path / "credential",
            *sorted((release_set / "sheets").glob("*.pdf"))[:2],
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    err = result.stderr.decode(errors="replace")
    assert result.returncode == 128 + sig and "Traceback" not in err, (result.returncode, err)
    assert err.strip().splitlines() == [err.strip().splitlines()[-1]] and err.startswith("interrupted"), err
    assert not (tmp_path / "credential").exists() and [e.event for e in read_journal(journal)] == ["split"]
