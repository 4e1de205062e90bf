"""What the tests share, made once per test session and cached on disk for every pytest-xdist worker.

The expensive inputs (real splits through the CLI, the ceremony walks, the hostile piles) are built lazily, the
first time a test asks for them, by whichever worker asks first: it builds them under a file lock in a folder
all the workers of this run share (as hatch does), pickles the result beside the files, and the other workers
wait on the lock and load it. Each worker then works on its own copy (`Artifacts.local`), so a test that
writes into a shared input (an audit writes its transcription beside the journal) changes nothing another
worker reads, just as a module-scoped fixture behaved before. Nothing here depends on the order of the tests.

Helpers that are not fixtures live in tests/helpers.py (the CLI, audit findings, the terminal),
tests/walkers.py (the ceremony walkers), tests/faultloops.py (the every-write-point fault harness),
tests/hostile_pile.py and tests/paperchecks.py; test modules import from those, never from each other.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from filelock import FileLock

import fakeclock

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))  # helpers.py, walkers.py, ... and tests/vectors' generators, as before
sys.path.insert(0, str(TESTS / "vectors"))


# ---------------------------------------------------------------------------------------------- the cache


def _defined_in_tests(cls: type) -> bool:
    module = sys.modules.get(cls.__module__)
    return Path(getattr(module, "__file__", None) or "/").resolve().is_relative_to(TESTS)


def rebase(value: Any, old: Path, new: Path) -> Any:
    """`value` with every path under `old` moved under `new` (in the tests' own containers and dataclasses)."""
    if isinstance(value, Path):
        return new / value.relative_to(old) if value.is_relative_to(old) else value
    if isinstance(value, dict):
        return {rebase(k, old, new): rebase(v, old, new) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)) and type(value) in (list, tuple, set):
        return type(value)(rebase(v, old, new) for v in value)
    if _defined_in_tests(type(value)) and hasattr(value, "__dict__"):
        moved = copy.copy(value)
        for name, attribute in vars(value).items():
            object.__setattr__(moved, name, rebase(attribute, old, new))
        return moved
    return value


class Artifacts:
    """Expensive test inputs, each built once per run under a lock and copied to each worker that uses it."""

    def __init__(self, shared: Path, local: Path):
        self.shared = shared  # the folder every worker of this run sees
        self.local_root = local  # this worker's own folder
        self.loaded: dict[str, Any] = {}

    def get(self, key: str, build: Callable[[Path], Any]) -> Any:
        """The artifact `key`, from the shared folder: `build(folder)` makes it (files in `folder`, returns a
        picklable value) if no worker has yet. Treat it as read-only: `local` gives a copy to change."""
        folder = self.shared / key
        done = folder / "artifact.pickle"
        with FileLock(str(folder) + ".lock"):
            if not done.exists():
                shutil.rmtree(folder, ignore_errors=True)  # a build that failed half-way
                folder.mkdir(parents=True)
                value = build(folder)
                done.write_bytes(pickle.dumps(value))
        return pickle.loads(done.read_bytes())

    def local(self, key: str, build: Callable[[Path], Any]) -> Any:
        """This worker's own copy of artifact `key` (files and value), made once per worker."""
        if key not in self.loaded:
            value = self.get(key, build)
            mine = self.local_root / key
            shutil.copytree(self.shared / key, mine, ignore=shutil.ignore_patterns("artifact.pickle"))
            self.loaded[key] = rebase(value, self.shared / key, mine)
        return self.loaded[key]


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> Artifacts:
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker has its own basetemp inside the run's folder; alone, the basetemp is the run's.
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return Artifacts(shared / "shared-artifacts", tmp_path_factory.mktemp("artifacts"))


# ---------------------------------------------------------------------------------------------- the CLI


def breakglass(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "breakglass", *map(str, args)], cwd=cwd, capture_output=True, timeout=300, check=False
    )


@dataclasses.dataclass
class Split:
    """A real split through the CLI: its folder, the sheets' folder and the journal that recorded it."""

    base: Path
    sheets: Path
    journal: Path
    secret: bytes


def cli_split(artifacts: Artifacts, secret: bytes, k: int, n: int, *options: str) -> Split:
    """One split per credential, k, n and options (format, label, people...) for the whole run: this worker's copy."""
    key = "split-" + hashlib.sha256(repr((secret, k, n, options)).encode()).hexdigest()[:16]

    def build(folder: Path) -> Split:
        (folder / "secret.bin").write_bytes(secret)
        result = breakglass(
            "split",
            "-k",
            k,
            "-n",
            n,
            "--secret-file",
            folder / "secret.bin",
            "--out",
            folder / "sheets",
            "--journal",
            folder / "journal.jsonl",
            *options,
        )
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        (folder / "secret.bin").unlink()
        return Split(folder, folder / "sheets", folder / "journal.jsonl", secret)

    return artifacts.local(key, build)


# ---------------------------------------------------------------------------------------------- the ceremony walks
# One lifecycle and one custodian change walked once per run, from checkpoints the deviation tests copy and walk
# on (tests/walkers.py): each checkpoint is walked once, however many tests and workers start from it.


def _walk(name: str, folder: Path, artifacts: Artifacts):
    import walkers

    def walk_on(start: str, cls=None):
        return walkers.copy_walk(
            artifacts.get(f"walk-{start}", lambda f: _walk(start, f, artifacts)), folder, cls=cls, dest=folder
        )

    if name == "split":  # the split ceremony, read-back drill included
        w = walkers.Walker(folder)
        w.split_ceremony()
    elif name == "released":  # ... then a release, three weeks later
        w = walk_on("split")
        w.use("release", "2026-02-10T02:00:00", (2, 3), incident="INC-7", reason="IdP outage")
    elif name == "lifecycle":  # walkers.lifecycle: drill, release, rotation, destruction, new drill
        w = walkers.live_on(walk_on("split"))
    elif name == "reshared":  # a new custodian added, then the set reshared; the old sheets not yet destroyed
        w = walkers.change_after_split(walk_on("split", walkers.ChangeWalker))
    elif name == "change":  # walkers.custodian_change: ... and every old sheet destroyed
        w = walkers.destroy_after_change(walk_on("reshared"))
    elif name == "lifecycle-format1":  # the lifecycle with every set printed in format 1
        w = walkers.FormatOneWalker(folder)
        w.split_ceremony()
        walkers.live_on(w)
    else:
        raise KeyError(name)
    return w


class Walks:
    """The cached walks: `copy(name, tmp_path)` is a test's own copy of one to change or walk on."""

    def __init__(self, artifacts: Artifacts):
        self.artifacts = artifacts

    def shared(self, name: str):
        return self.artifacts.get(f"walk-{name}", lambda folder: _walk(name, folder, self.artifacts))

    def local(self, name: str):
        return self.artifacts.local(f"walk-{name}", lambda folder: _walk(name, folder, self.artifacts))

    def copy(self, name: str, tmp_path: Path, cls=None):
        import walkers

        return walkers.copy_walk(self.shared(name), tmp_path, cls=cls)


@pytest.fixture(scope="session")
def walks(artifacts) -> Walks:
    return Walks(artifacts)


@pytest.fixture(scope="session")
def walked(walks):
    """The lifecycle (walkers.lifecycle) walked once; this worker's copy, shared by its tests as before."""
    return walks.local("lifecycle")


@pytest.fixture(scope="session")
def changed(walks):
    """The custodian change (walkers.custodian_change) walked once; this worker's copy."""
    return walks.local("change")


# ---------------------------------------------------------------------------------------------- the fault loops


@pytest.fixture(scope="session")
def secret_file(tmp_path_factory) -> Path:
    """The fault tests' credential (tests/faultloops.py's SECRET) in a file."""
    from faultloops import SECRET

    path = tmp_path_factory.mktemp("secret") / "secret.bin"
    path.write_bytes(SECRET)
    return path


@pytest.fixture(scope="session")
def set_of_two(artifacts) -> Path:
    """A 2-of-2 split of faultloops.SECRET with its journal (sheets/, journal.jsonl): copy before changing."""
    from faultloops import PEOPLE, SECRET

    return cli_split(artifacts, SECRET, 2, 2, "--label", "Faults", *PEOPLE, "--no-scan-check").base


# ---------------------------------------------------------------------------------------------- the hostile piles


@pytest.fixture(scope="session")
def hostile_set(artifacts):
    """`hostile_set(secret, k, n, fmt, label, typed_files=False)`: hostile_pile.make_set's real split, its sheets
    read back by zxing-cpp, once per run (with each share's typed lines in typed-N.txt if asked); this worker's copy."""
    from breakglass.format import typed
    from hostile_pile import make_set

    def get(secret: bytes, k: int, n: int, fmt: int, label: str, typed_files: bool = False):
        key = "pile-" + hashlib.sha256(repr((secret, k, n, fmt, label, typed_files)).encode()).hexdigest()[:16]

        def build(folder: Path):
            pile = make_set(folder, secret, k, n, fmt, label)
            if typed_files:
                for number, share in pile.shares.items():
                    (pile.base / f"typed-{number}.txt").write_text(typed.encode(share))
            return pile

        return artifacts.local(key, build)

    return get


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
