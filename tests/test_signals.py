"""Ctrl-C and SIGTERM at aimed moments of a real `breakglass` process: while a native library loads, while
pages are decoded, while the zbar child works, at random moments of a split. Always one line, exit 130 or 143,
never a traceback or a core dump, and nothing half-made (tests/test_faults.py aims at every write point)."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from breakglass.record.journal import read_journal, verify_journal
from helpers import once_per_run, pdfs

SECRET = b"signal-test credential"
PEOPLE = ("--operator", "Ann Able", "--witness", "Ben Baker")

# Sent from inside the process at the moment named, through a hook the test installs (the code is unchanged).
AIMS = {
    # While zxing-cpp's native module starts up (its C++ init calls back into Python, where a signal handler
    # that raised would throw through C++ code): the signal is sent just before the module is created.
    "native import": """
import importlib.abc, importlib.machinery, os, sys
class Aim(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != "zxingcpp.zxingcpp":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        real = spec.loader
        class Loader(importlib.abc.Loader):
            def create_module(self, spec):
                os.kill(os.getpid(), SIG)
                return real.create_module(spec)
            def exec_module(self, module):
                return real.exec_module(module)
        spec.loader = Loader()
        return spec
sys.meta_path.insert(0, Aim())
""",
    # In the middle of decoding a page.
    "decoding": """
import os, signal
from breakglass.scan import decoders
real = decoders.read_symbols
def read_symbols(*a, **k):
    os.kill(os.getpid(), SIG)
    return real(*a, **k)
decoders.read_symbols = read_symbols
import breakglass.scan.decode as decode
decode.read_symbols = read_symbols
""",
}


def run_aimed(aim: str, sig: int, *args, cwd: Path) -> subprocess.CompletedProcess:
    code = f"SIG = {int(sig)}\n" + AIMS[aim] + "\nfrom breakglass.__main__ import main\nmain()\n"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=cwd, capture_output=True, timeout=300)


def assert_one_line(result: subprocess.CompletedProcess, sig: int) -> str:
    err = result.stderr.decode(errors="replace")
    assert result.returncode == 128 + sig, (result.returncode, err)
    assert "Traceback" not in err and "Exception" not in err and "Fatal" not in err, err
    lines = err.strip().splitlines()
    assert lines[-1].startswith("interrupted"), err
    return lines[-1]


@once_per_run
def sheets(base: Path) -> Path:
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
            "Signals",
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
    )
    assert result.returncode == 0, result.stderr
    return base


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_while_a_native_library_loads(sheets, tmp_path, sig):
    journal = tmp_path / "journal.jsonl"
    journal.write_bytes((sheets / "journal.jsonl").read_bytes())
    result = run_aimed(
        "native import",
        sig,
        "recombine",
        "--verify-only",
        "--journal",
        journal,
        *PEOPLE,
        *pdfs(sheets / "sheets")[:2],
        cwd=tmp_path,
    )
    assert assert_one_line(result, sig).endswith("nothing was written")
    assert journal.read_bytes() == (sheets / "journal.jsonl").read_bytes()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_while_decoding_records_nothing(sheets, tmp_path, sig):
    journal = tmp_path / "journal.jsonl"
    journal.write_bytes((sheets / "journal.jsonl").read_bytes())
    result = run_aimed(
        "decoding",
        sig,
        "recombine",
        "--out",
        "credential",
        "--journal",
        journal,
        *PEOPLE,
        "--incident",
        "INC-1",
        "--reason",
        "signal test",
        *pdfs(sheets / "sheets")[:2],
        cwd=tmp_path,
    )
    assert assert_one_line(result, sig).endswith("nothing was written")
    assert not (tmp_path / "credential").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["journal.jsonl"]
    assert [e.event for e in read_journal(journal)] == ["split"]


def test_signal_while_the_zbar_child_works_stops_the_child_too():
    """The parent waits for its decoder child in select(); SIGTERM there ends both, leaving no process behind."""
    script = """
import os, signal, threading, time
from breakglass.system import interrupts
from breakglass.scan.decoders import run_isolated
interrupts.install()
threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM)).start()
try:
    run_isolated("zbar", lambda: time.sleep(20) or [], timeout=30)
except interrupts.Interrupted as e:
    try:
        os.waitpid(-1, os.WNOHANG)
        print("child left behind")
    except ChildProcessError:
        print("stopped", e.exit_code)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert result.stdout.decode().strip() == "stopped 143", result.stderr


def test_signals_at_random_moments_of_a_split(tmp_path, sheets):
    """A few real signals at random times: whatever the moment, the split is complete or absent."""
    rng = random.Random(14)
    for run in range(6):
        work = tmp_path / f"r{run}"
        work.mkdir()
        sig = (signal.SIGINT, signal.SIGTERM)[run % 2]
        process = subprocess.Popen(
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
                "Signals",
                "--secret-file",
                sheets / "secret",
                "--out",
                work / "out",
                "--journal",
                work / "journal.jsonl",
                *PEOPLE,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        time.sleep(rng.uniform(0.3, 1.2))
        process.send_signal(sig)
        _, err = process.communicate(timeout=300)
        err = err.decode(errors="replace")
        assert process.returncode in (0, 128 + sig) and "Traceback" not in err, err
        leftovers = [p for p in work.rglob("*") if p.name.endswith(".tmp") or "staging" in p.name]
        assert not leftovers, (leftovers, err)
        sheets_made = sorted((work / "out").glob("*.pdf")) if (work / "out").exists() else []
        entries = read_journal(work / "journal.jsonl") if (work / "journal.jsonl").exists() else []
        assert (len(sheets_made), len(entries)) in ((0, 0), (3, 1)), err
        if entries:
            assert verify_journal(work / "journal.jsonl").ok
        if process.returncode:
            assert err.strip().splitlines()[-1].startswith("interrupted"), err
