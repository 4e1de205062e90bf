"""Helpers several test modules share (not a test module: pytest collects nothing here).

    run(*args), text(result)      the real command line in a child process, and what it printed
    pdfs(folder), png_pages(...)  a split's sheets, and a sheet's pages rendered to PNG files
    findings(result)              the findings an audit printed
    CREDENTIAL_REPORT_HEAD, root_row, lookup_event   provider evidence shaped like AWS's exports
    Terminal                      `breakglass ARGS` on a pseudo-terminal
    once_per_run                  a module fixture whose files are made once per run, for every xdist worker
    invoke(*args), PEOPLE         the CLI in this process (a refusal printed as `breakglass` prints it), and its people
    invoke_split, typed_files, CODE_LINE   a real 2-of-3 set, its sheets as --typed files, the event code line
    MINIMAL                       the smallest valid ceremony.toml

Test modules import what they share from here or from conftest.py's fixtures, never from each other.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pypdfium2


def run(*args, input: bytes | None = None, cwd=None, env=None) -> subprocess.CompletedProcess:
    """Run `breakglass` as a user would, in a fresh process (no shared state, real exit codes). An env naming
    BREAKGLASS_FAKE_TIME runs it on that time through the test harness's clock (the installed tool never reads it)."""
    import fakeclock

    start = [sys.executable, "-c", "from breakglass.cli.main import main; main()"]
    if env and fakeclock.FAKE_TIME_ENV in env:
        start = fakeclock.command()
    return subprocess.run(
        [*start, *map(str, args)],
        input=input,
        capture_output=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def text(result: subprocess.CompletedProcess) -> str:
    return result.stdout.decode(errors="replace") + result.stderr.decode(errors="replace")


def pdfs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*-share-*-of-*.pdf"))


def png_pages(pdf: Path, dest: Path, dpi: int = 150) -> list[Path]:
    document = pypdfium2.PdfDocument(pdf)
    out = []
    for i, page in enumerate(document):
        path = dest / f"{pdf.stem}-p{i + 1}.png"
        page.render(scale=dpi / 72).to_pil().convert("L").save(path)
        out.append(path)
    document.close()
    return out


CREDENTIAL_REPORT_HEAD = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,"
    "access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,"
    "cert_2_last_rotated\n"
)


def root_row(password_last_used: str) -> str:
    return (
        f"<root_account>,arn:aws:iam::111122223333:root,2019-03-04T09:12:40+00:00,not_supported,{password_last_used},"
        "not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
        "ops-reader,arn:aws:iam::111122223333:user/ops-reader,2021-05-01T10:00:00+00:00,true,2026-11-30T08:00:00+00:00,"
        "2026-01-10T10:00:00+00:00,2026-07-09T10:00:00+00:00,true,true,2026-02-01T10:00:00+00:00,"
        "2026-11-29T08:00:00+00:00,eu-west-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
    )


def lookup_event(name: str, when: str, response: dict, identity: str = "Root") -> dict:
    """One item of `aws cloudtrail lookup-events` output: CloudTrailEvent is the event as a JSON string."""
    event = {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": identity,
            "principalId": "111122223333",
            "arn": "arn:aws:iam::111122223333:root",
            "accountId": "111122223333",
        },
        "eventTime": when,
        "eventSource": "signin.amazonaws.com",
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "Mozilla/5.0",
        "requestParameters": None,
        "responseElements": response,
        "eventID": f"id-{name}-{when}",
        "readOnly": False,
        "eventType": "AwsConsoleSignIn",
        "recipientAccountId": "111122223333",
    }
    return {
        "EventId": event["eventID"],
        "EventName": name,
        "ReadOnly": "false",
        "EventTime": when.replace("Z", "+00:00"),
        "EventSource": "signin.amazonaws.com",
        "Username": "root",
        "Resources": [],
        "CloudTrailEvent": json.dumps(event),
    }


def findings(result) -> list[str]:
    return [
        line.strip()
        for line in result.stdout.decode().splitlines()
        if line.startswith("  ") and line.rstrip().endswith("]") and "note:" not in line
    ]


class Terminal:
    """`breakglass ARGS` with stdin on a pty (so it is a terminal) and output captured from the same pty."""

    def __init__(self, *args):
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from breakglass.cli.main import main; main()", *map(str, args)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            close_fds=True,
        )
        os.close(slave)
        self.output = ""

    def read_until(self, marker: str, timeout: float = 30) -> str:
        deadline = time.time() + timeout
        while marker not in self.output:
            if time.time() > deadline:
                raise AssertionError(f"timed out waiting for {marker!r}; got:\n{self.output}")
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if ready:
                try:
                    self.output += os.read(self.master, 4096).decode(errors="replace")
                except OSError:
                    break
        return self.output

    def type(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode())

    def finish(self, timeout: float = 60) -> int:
        deadline = time.time() + timeout
        while self.process.poll() is None and time.time() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.output += os.read(self.master, 4096).decode(errors="replace")
                except OSError:
                    break
        code = self.process.wait(timeout=5)
        os.close(self.master)
        return code


def once_per_run(build):
    """Make `build(base)` a module-scoped fixture of the same name whose value is made once per test run, in a
    folder `base` it may fill, by whichever xdist worker needs it first (tests/conftest.py's Artifacts); each
    worker then gets its own copy of the folder, with every path in the value moved into that copy."""
    import pytest

    key = f"{build.__module__}.{build.__name__}"

    @pytest.fixture(scope="module", name=build.__name__)
    def fixture(artifacts):
        return artifacts.local(key, build)

    fixture.__doc__ = build.__doc__
    return fixture


# ---------------------------------------------------------------- the CLI in this process

PEOPLE = ["--operator", "Ola Operator", "--witness", "Wes Witness"]

CODE_LINE = re.compile(
    r"^ *Journal event code \(write it in the logbook, with its time\): "
    r"([0-9A-Z]{4}-[0-9A-Z]{4}) at \d{4}-\d\d-\d\d \d\d:\d\d UTC$",
    re.MULTILINE,
)


@dataclass
class Ran:
    exit_code: int
    output: str


def invoke(*args, input: bytes | None = None) -> Ran:
    """The CLI in this process, with a refusal printed as `breakglass` prints it (cli.main's one line)."""
    from click.testing import CliRunner

    from breakglass.cli.main import cli
    from breakglass.errors import BreakglassError

    env = {"BREAKGLASS_FAKE_TIME": "2026-11-25T10:00:00Z"}
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env, input=input)
    if isinstance(result.exception, BreakglassError):
        return Ran(1, f"{result.output}error: {result.exception}\n")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return Ran(result.exit_code, result.output)


def typed_files(folder: Path, dest: Path, shares) -> list:
    """--typed FILE for the sheets of the given share numbers, from the PDFs' text layer."""
    args = []
    for pdf in sorted(folder.glob("*-share-*.pdf")):
        if int(pdf.name.split("-share-")[1].split("-")[0]) in shares:
            path = dest / (pdf.stem + ".txt")
            path.write_text("\n".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(pdf)))
            args += ["--typed", path]
    return args


def invoke_split(base: Path, output: list | None = None) -> Path:
    """A real 2-of-3 set (Ana, Bo, Cy) in base/sheets with base/journal.jsonl, without the scan check."""
    (base / "secret").write_bytes(b"wording credential")
    result = invoke(
        "split",
        "-k",
        "2",
        "-n",
        "3",
        "--label",
        "Wording",
        "--secret-file",
        base / "secret",
        "--out",
        base / "sheets",
        "--journal",
        base / "journal.jsonl",
        "--no-scan-check",
        *PEOPLE,
        "--custodian",
        "Ana",
        "--custodian",
        "Bo",
        "--custodian",
        "Cy",
    )
    assert result.exit_code == 0, result.output
    if output is not None:
        output.append(result.output)
    return base / "journal.jsonl"


# ---------------------------------------------------------------- a ceremony file

MINIMAL = """
label = "Test root"
scope = "Test account root user"
k = 2
n = 3
contact = "Security on-call"
permitted_uses = ["Locked out"]
administrator = "Ann"
witness = "Wes"
auditor = "Aud"

[[custodians]]
name = "C1"
role = "Ops"
location = "Here"

[[custodians]]
name = "C2"
role = "Sec"
location = "There"
"""
