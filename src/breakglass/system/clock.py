"""The clock every record uses: UTC, whole seconds.

The journal, the sheets' dates and the audit's "as of" all take the time from here, and only from the machine:
the installed command reads no variable that could backdate a split, a release or a destruction. The tests move a
scenario through a year by replacing `now_utc` in the test harness (tests/fakeclock.py); the demo spreads its
events over weeks with its own clock, passed in-process.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
