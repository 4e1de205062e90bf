"""benchmarks/run.py --smoke runs end to end and prints its markdown tables (a few seconds)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def test_smoke_mode_prints_tables(tmp_path):
    report = tmp_path / "bench.md"
    done = subprocess.run(
        [sys.executable, str(RUN), "--smoke", "--out", str(report)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for title in (
        "### Core:",
        "### Split:",
        "### Recombine",
        "### Density",
        "### Share recovery rate",
        "### Goal check",
    ):
        assert title in done.stdout
    assert "|---|" in done.stdout
    text = report.read_text()
    assert text.startswith("# Benchmarks") and "Command: `python benchmarks/run.py --smoke" in text
    assert "PASS" in text or "FAIL" in text


def test_a_quick_run_never_writes_over_the_committed_report():
    sys.path.insert(0, str(RUN.parent))
    import run as bench

    assert bench.default_report("full") == RUN.parent.parent / "docs" / "BENCHMARKS.md"
    assert bench.default_report("quick") == RUN.parent.parent / "docs" / "BENCHMARKS-quick.md"
    done = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--out", str(bench.default_report("full"))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "only the full run writes docs/BENCHMARKS.md" in done.stderr


def test_it_measures_the_installed_package_when_there_is_one(tmp_path):
    """Run from outside the checkout with breakglass installed, it imports that, not the checkout's src/."""
    src = str(RUN.parent.parent / "src")
    probe = f"import runpy, sys; runpy.run_path({str(RUN)!r}, run_name='bench'); print({src!r} in sys.path)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_inputs_benchmark_smoke():
    """benchmarks/inputs.py --smoke (issue 14: blank pages, typed text, journal, writer) runs end to end."""
    done = subprocess.run(
        [sys.executable, str(RUN.parent / "inputs.py"), "--smoke"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for title in ("### Blank pages", "### Typed text", "### Journal", "### Writer"):
        assert title in done.stdout
