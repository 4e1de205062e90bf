"""The every-write-point fault harness (not a test module): run breakglass under tests/faultshim.py with one
write point failing (a full disk, an I/O error) or hit by Ctrl-C or SIGTERM, and judge what it left.

    shim(point, kind, *args, cwd=...)   one run; returns the result and how many write points there were
    every_point(part=...)               the (point, kind) pairs of one loop, or of one kind of it
    EVERY_KIND                          parametrises a loop over the four kinds, so xdist spreads it
    leftovers(folder), one_line_outcome(result, kind)

Every loop takes the kinds in turn (point 1 a full disk, 2 Ctrl-C, 3 an I/O error, 4 SIGTERM, 5 a full disk...)
until a run passes every write point. Split by kind, each test case runs the points of one kind and ends with
its own run past every point: the same (point, kind) pairs as one loop, four times the final check.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SECRET = b"fault-injection credential \x00\x01"  # the credential of conftest.py's set_of_two
PEOPLE = ("--operator", "Ann Able", "--witness", "Ben Baker")
KINDS = ("ENOSPC", "SIGINT", "EIO", "SIGTERM")
EVERY_KIND = pytest.mark.parametrize("part", KINDS)


def shim(
    point: int, kind: str, *args, cwd: Path, stdin: bytes | None = None
) -> tuple[subprocess.CompletedProcess, int]:
    """Run breakglass with write point `point` failing as `kind`; returns the result and how many points there were.
    Each run is a process of its own, forked from tests/faultshim.py's server (breakglass imported once)."""
    count = cwd / ".points"
    streams = cwd.parent / f".{cwd.name}-shim"
    streams.mkdir(exist_ok=True)
    (streams / "in").write_bytes(stdin or b"")
    for name in ("out", "err"):
        (streams / name).write_bytes(b"")
    umask = os.umask(0o022)
    os.umask(umask)
    request = {
        "point": point,
        "kind": kind,
        "count": str(count),
        "args": list(map(str, args)),
        "cwd": str(cwd),
        "env": dict(os.environ),
        "umask": umask,
        "stdin": str(streams / "in") if stdin is not None else os.devnull,
        "stdout": str(streams / "out"),
        "stderr": str(streams / "err"),
    }
    server = _server()
    server.stdin.write((json.dumps(request) + "\n").encode())
    server.stdin.flush()
    ready, _, _ = select.select([server.stdout], [], [], 300)
    if not ready:
        server.kill()
        _SERVER.clear()
        raise subprocess.TimeoutExpired(["faultshim", *request["args"]], 300)
    returncode = json.loads(server.stdout.readline())
    result = subprocess.CompletedProcess(
        [sys.executable, "faultshim", *request["args"]],
        returncode,
        (streams / "out").read_bytes(),
        (streams / "err").read_bytes(),
    )
    shutil.rmtree(streams)
    points = int(count.read_text()) if count.exists() else 0
    count.unlink(missing_ok=True)
    return result, points


_SERVER: list[subprocess.Popen] = []


def _server() -> subprocess.Popen:
    """This test process's fork server (tests/faultshim.py's serve), started on first use, ended at exit."""
    if not _SERVER or _SERVER[0].poll() is not None:
        _SERVER[:] = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    f"import sys; sys.path.insert(0, {str(TESTS)!r}); import faultshim; faultshim.serve()",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        ]
        atexit.register(_stop, _SERVER[0])
    return _SERVER[0]


def _stop(server: subprocess.Popen) -> None:
    server.stdin.close()  # the server's loop ends at the end of its input
    server.wait(timeout=60)


def leftovers(folder: Path) -> list[str]:
    """Temporary files and staging folders anywhere under `folder`: there must never be any."""
    return sorted(
        str(p.relative_to(folder)) for p in folder.rglob("*") if p.name.endswith(".tmp") or "staging" in p.name
    )


def one_line_outcome(result: subprocess.CompletedProcess, kind: str) -> str:
    err = result.stderr.decode(errors="replace")
    assert "Traceback" not in err and "Exception" not in err, err
    last = err.strip().splitlines()[-1] if err.strip() else ""
    if kind.startswith("SIG"):
        code = 130 if kind == "SIGINT" else 143
        assert result.returncode in (0, code), (result.returncode, err)
        if result.returncode:
            assert last.startswith("interrupted"), err
    else:
        assert result.returncode in (0, 1), (result.returncode, err)
        if result.returncode:
            assert last.startswith("error: cannot ") and ("no space" in last or "input/output" in last), err
    return last


def every_point(kinds=KINDS, limit: int = 60, part: str | None = None):
    """(point, kind) for point 1, 2, 3... taking the kinds in turn; the caller stops when a run passes them all.
    With `part`, only the points where that kind comes round (a test case per kind: see EVERY_KIND)."""
    for point in range(1, limit + 1):
        kind = kinds[(point - 1) % len(kinds)]
        if part is None or kind == part:
            yield point, kind


def both_outcomes(seen: set, part: str) -> bool:
    """A whole loop sees both outcomes: 'nothing' (a fault undid the work) and 'complete' (the last run). Split by
    kind, the full-disk part starts at point 1 and must see both, as the loop did; every other part must see its
    last run complete (and may see 'nothing' where one of its faults came before)."""
    if part == KINDS[0]:
        return seen == {"complete", "nothing"}
    return "complete" in seen and seen <= {"complete", "nothing"}
