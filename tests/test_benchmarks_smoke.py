"""benchmarks/run.py --smoke runs end to end and prints its markdown tables (a few seconds)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def test_smoke_mode_prints_tables(tmp_path):
    report = tmp_path / "bench.md"
    done = subprocess.run([sys.executable, str(RUN), "--smoke", "--out", str(report)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    for title in ("### Core:", "### Split:", "### Recombine", "### Density", "### Share recovery rate", "### Goal check"):
        assert title in done.stdout
    assert "|---|" in done.stdout
    text = report.read_text()
    assert text.startswith("# Benchmarks") and "Command: `python benchmarks/run.py --smoke" in text
    assert "PASS" in text or "FAIL" in text
