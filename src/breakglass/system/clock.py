"""The clock every record uses: UTC, whole seconds, and a fake time for tests and demos.

The journal, the sheets' dates and the audit's "as of" all take the time from here, so one environment
variable can move a whole scenario through a year in the tests.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from ..errors import BreakglassError

FAKE_TIME_ENV = "BREAKGLASS_FAKE_TIME"  # tests and demos only: pretend it is this UTC time (ISO 8601)


def now_utc() -> datetime:
    fake = os.environ.get(FAKE_TIME_ENV)
    if fake:
        try:
            return datetime.fromisoformat(fake.replace("Z", "+00:00")).astimezone(timezone.utc).replace(microsecond=0)
        except ValueError:
            raise BreakglassError(f"{FAKE_TIME_ENV}='{fake}' is not an ISO 8601 time") from None
    return datetime.now(timezone.utc).replace(microsecond=0)
