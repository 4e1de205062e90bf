"""A fake clock for the tests, outside the installed tool (as tests/faultshim.py injects faults): the installed
`breakglass` never reads BREAKGLASS_FAKE_TIME; only this harness does.

- In a fresh process: `python -c "import fakeclock; fakeclock.main()" breakglass-args...` with
  BREAKGLASS_FAKE_TIME set (ISO 8601, UTC) runs the CLI with that time (tests/test_cli.py's `run` does this when
  its env names the variable).
- In-process (click's CliRunner): `with frozen("2026-11-25T10:00:00Z"): ...`.

Both replace breakglass.system.clock.now_utc, which every record's time comes from (callers look it up when they
need it, so a replacement made before the command runs is seen).
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

FAKE_TIME_ENV = "BREAKGLASS_FAKE_TIME"
TESTS = Path(__file__).resolve().parent


def parse(when: str) -> datetime:
    return datetime.fromisoformat(when.replace("Z", "+00:00")).astimezone(UTC).replace(microsecond=0)


@contextmanager
def frozen(when: str):
    from breakglass.system import clock

    real = clock.now_utc
    clock.now_utc = lambda: parse(when)
    try:
        yield
    finally:
        clock.now_utc = real


def command() -> list[str]:
    """The start of a subprocess command line that runs the CLI on the time in BREAKGLASS_FAKE_TIME."""
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(TESTS)!r}); import fakeclock; fakeclock.main()"]


def main() -> None:
    from breakglass.system import clock

    when = parse(os.environ[FAKE_TIME_ENV])
    clock.now_utc = lambda: when
    sys.argv = ["breakglass", *sys.argv[1:]]
    from breakglass.cli.main import main as run

    run()
