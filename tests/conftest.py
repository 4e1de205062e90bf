"""Shared test harness."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import fakeclock


@pytest.fixture(autouse=True, scope="session")
def _cli_runner_honours_fake_time():
    """CliRunner.invoke(..., env={"BREAKGLASS_FAKE_TIME": T}) runs the command at time T. The installed tool never
    reads that variable (tests/test_health_clock.py); the harness fakes the clock in-process instead (fakeclock)."""
    real = CliRunner.invoke

    def invoke(self, cli, args=None, input=None, env=None, **kwargs):
        when = (env or {}).get(fakeclock.FAKE_TIME_ENV)
        if when is None:
            return real(self, cli, args, input, env, **kwargs)
        with fakeclock.frozen(when):
            return real(self, cli, args, input, env, **kwargs)

    CliRunner.invoke = invoke
    yield
    CliRunner.invoke = real
