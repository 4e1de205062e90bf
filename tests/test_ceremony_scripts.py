"""The ceremony scripts, followed to the letter, end in a CLEAN audit.

A walker reads each script (templates/logbook.toml, the source of ceremony/*.md) step by step, as an operator
would: it runs every command the script shows with its placeholders filled (the credential is "typed" on
standard input, and "Yes" at the release's confirmation is --yes), writes each event code and time where the
step says, does what the paper steps say (bags sealed, opened, resealed, destroyed; the provider's password
changed and signed in to), and transcribes the logbook the way docs/AUDIT.md maps boxes to columns. The
scripts' own `journal verify --head CODE` and `audit` steps must succeed. Then one planted deviation at a time
gives its own finding.
"""

from __future__ import annotations

import csv
import json
import re
import shlex
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from breakglass.paper.scripts import SCRIPT_NAMES, load_script
from breakglass.record.journal import read_journal
from breakglass.record.transcription import LOGBOOK_COLUMNS
from test_audit_scenarios import findings
from test_cli import run, text

OLD, NEW = b"walk-old-root-password", b"walk-new-root-password"
OPERATOR, WITNESS = "Ada Admin", "Will Witness"
HOLDERS = {1: "Alice Archer", 2: "Bob Baker", 3: "Carol Chen"}
CONFIG = f"""
label = "Walk tenant root"
scope = "Root user of the walk test account"
k = 2
n = 3
rotation_deadline_days = 7
drill_interval_days = 90
contact = "Security on-call"
permitted_uses = ["IdP outage", "Scheduled drill"]
administrator = "{OPERATOR}"
witness = "{WITNESS}"
auditor = "Chen Audit"
""" + "".join(f'\n[[custodians]]\nname = "{name}"\nrole = "Custodian"\nlocation = "Safe {i}"\nshare = {i}\n'
              for i, name in HOLDERS.items())
STAMP = re.compile(r"([0-9A-Z]{4}-[0-9A-Z]{4}) at (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC")
RECORDING = ("split", "recombine", "rotate", "reshare", "expand", "destroy")


class Walker:
    """One credential's life, walked through the scripts on a fake clock."""

    def __init__(self, base: Path):
        self.base = base
        self.journal = base / "journal.jsonl"
        self.config = base / "ceremony.toml"
        self.config.write_text(CONFIG)
        self.clock = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
        self.code = ""  # the most recent event code written on paper
        self.rows: list[dict] = []
        self.bags: dict[tuple[str, int], str] = {}  # (folder, share) -> the bag it is sealed in
        self.serial = 0
        self.trail: list[dict] = []  # the provider's record (CloudTrail) as it happens
        self.folders: dict[str, str] = {}  # folder -> set id

    # ------------------------------------------------------------ running commands

    def at(self, when: str) -> None:
        self.clock = datetime.fromisoformat(when).replace(tzinfo=timezone.utc)

    def cli(self, argv: list[str], input: bytes | None = None):
        self.clock += timedelta(minutes=5)
        return run(*argv[1:], input=input, cwd=self.base, env={"BREAKGLASS_FAKE_TIME": self.clock.strftime("%Y-%m-%dT%H:%M:%SZ")})

    def walk(self, name: str, fill: dict, paper=None, skip_code_for=()) -> dict[int, str]:
        """Follow script `name`: every command run with `fill`'s values, every event code written where the step
        says (unless the step number is in skip_code_for); `paper(step, output)` does the steps' paper work.
        Returns each step's printed output."""
        outputs = {}
        for step in load_script(name).steps:
            output = ""
            if step.command:
                before = len(read_journal(self.journal)) if self.journal.exists() else 0
                argv, stdin = self.command(step.command, fill)
                result = self.cli(argv, stdin)
                output = text(result)
                assert result.returncode == 0, f"{name} step {step.number}: {step.command}\n{output}"
                recorded = (len(read_journal(self.journal)) if self.journal.exists() else 0) > before
                assert recorded == bool(step.code), f"{name} step {step.number}: code says where, iff an event is recorded"
                if recorded and step.number not in skip_code_for:
                    self.code = STAMP.search(output).group(1)
                if argv[1:3] == ["journal", "verify"]:
                    assert f"head code {self.code}" in output
            if paper:
                paper(step, output)
            outputs[step.number] = output
        return outputs

    def command(self, template: str, fill: dict) -> tuple[list[str], bytes | None]:
        values = {"JOURNAL": str(self.journal), "CONFIG": str(self.config), "CODE": self.code, "OPERATOR": OPERATOR,
                  "WITNESS": WITNESS, "CSV": str(self.base / "logbook.csv"), **fill}
        # "--sheet SHARE.COPY --bag SERIAL ..." stands for one --sheet and one --bag per sheet destroyed
        template = template.replace("--sheet SHARE.COPY --bag SERIAL ...", "SHEETS_AND_BAGS")
        argv = []
        for token in shlex.split(template):
            if token == "...":
                continue
            key = token[:-3] if token.endswith("...") else token
            value = values.get(key)
            if isinstance(value, list):
                argv += [str(v) for v in value]
            elif value is not None:
                argv.append(str(value))
            else:  # a placeholder inside a word, e.g. DIR/manifest.json
                argv.append(re.sub(r"\b[A-Z_]+\b", lambda m: str(values.get(m.group(0), m.group(0))), token))
        stdin = None
        if argv[1] == "split":
            argv += ["--secret-file", "-"]  # the credential, typed when asked
            stdin = OLD
        if argv[1] == "rotate":
            stdin = NEW
        if argv[1] == "recombine" and "--verify-only" not in argv:
            argv.append("--yes")  # "Yes" at "Show the credential on this screen now?"
        if argv[1] == "audit":
            self.write_transcription()
            self.write_evidence()
        return argv, stdin

    # ------------------------------------------------------------ the paper

    def sheets(self, folder: str, shares) -> list[str]:
        files = sorted((self.base / folder).glob("*-share-*-of-*.pdf"))
        return [str(f) for f in files if int(f.name.split("-share-")[1].split("-")[0]) in shares]

    def new_bag(self) -> str:
        self.serial += 1
        return f"TB-{self.serial:04d}"

    def seal(self, folder: str, shares) -> list[str]:
        sealed = []
        for share in shares:
            self.bags[(folder, share)] = self.new_bag()
            sealed.append(self.bags[(folder, share)])
        return sealed

    def open(self, folder: str, shares) -> list[str]:
        return [self.bags.pop((folder, share)) for share in shares]

    def row(self, output: str, event: str, **fields) -> dict:
        """A logbook entry: the code and time as the tool printed them, and what the page says."""
        code, day, time = STAMP.search(output).groups()
        row = {"event_code": code, "date": day, "time": time, "event": event, "operator": OPERATOR,
               "witness": WITNESS, **fields}
        self.rows.append(row)
        return row

    def write_transcription(self) -> Path:
        path = self.base / "logbook.csv"
        with path.open("w", newline="") as f:
            writer = csv.DictWriter(f, LOGBOOK_COLUMNS)
            writer.writeheader()
            for row in self.rows:
                writer.writerow({k: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v for k, v in row.items()})
        return path

    def write_evidence(self) -> Path:
        """The CloudTrail console's event-history export: {"Records": [...]}."""
        path = self.base / "cloudtrail.json"
        path.write_text(json.dumps({"Records": self.trail}, indent=1))
        return path

    def provider(self, name: str) -> None:
        self.trail.append({
            "eventVersion": "1.08", "eventTime": self.clock.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": "signin.amazonaws.com", "eventName": name, "eventType": "AwsConsoleSignIn",
            "userIdentity": {"type": "Root", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333"},
            "responseElements": {name: "Success"}, "recipientAccountId": "111122223333",
        })

    # ------------------------------------------------------------ the ceremonies

    def split_ceremony(self, deviation: str = "") -> None:
        self.at("2026-01-05T10:00:00")
        state = {}

        def paper(step, output):
            if "breakglass split" in step.command:
                state["split"] = output
                state["set"] = re.search(r"Set id:\s+(\S+)", output).group(1)
                self.folders["sheets"] = state["set"]
            elif "--verify-only" in step.command:
                state["readback"] = output
            elif step.who == "Custodians":
                sealed = self.seal("sheets", HOLDERS)
                self.row(state["split"], "split", set_id=state["set"], shares=list(HOLDERS), custodians=list(HOLDERS.values()),
                         bags_sealed=sealed)
                self.row(state["readback"], "drill", set_id=state["set"], shares=list(HOLDERS),
                         custodians=list(HOLDERS.values()))

        fill = {"DIR": str(self.base / "sheets"), "SCANS": self.sheets_later("sheets", HOLDERS)}
        self.walk("split", fill, paper, skip_code_for=(8,) if deviation == "head before read-back" else ())

    def sheets_later(self, folder, shares):
        return _Later(lambda: self.sheets(folder, shares))

    def use(self, script: str, when: str, shares, **row) -> None:
        self.at(when)
        opened = []

        def paper(step, output):
            if "breakglass recombine" in step.command:
                opened.extend(self.open("sheets", shares))
                if script == "release":
                    self.provider("ConsoleLogin")  # the credential used, in view of the witness
                event = "drill" if "--verify-only" in step.command else "release"
                state_row = self.row(output, event, set_id=self.folders["sheets"], shares=list(shares),
                                     custodians=[HOLDERS[s] for s in shares], bags_opened=opened, **row)
                self.last_row = state_row
            elif step.who == "Custodians" and "new bag" in step.text:
                self.last_row["bags_sealed"] = self.seal("sheets", shares)

        fill = {"SCANS": self.sheets("sheets", shares), "INCIDENT": row.get("incident", ""), "REASON": row.get("reason", ""),
                "FILE": str(self.base / f"checklist-{when[:10]}.pdf")}
        self.walk(script, fill, paper)

    def rotation(self, when: str, shares=(1, 3), reseal=True) -> None:
        self.at(when)

        def paper(step, output):
            if "Change the credential itself" in step.text:
                self.provider("PasswordUpdated")
            elif "breakglass rotate" in step.command:
                new_set = re.search(r"the new set (\S+) \(", output).group(1)
                self.folders["new"] = new_set
                self.rotate_row = self.row(output, "rotate", set_id=self.folders["sheets"], new_set_id=new_set,
                                           shares=list(shares), custodians=[HOLDERS[s] for s in shares],
                                           bags_opened=self.open("sheets", shares))
            elif step.who == "Custodians" and "Reseal each old sheet" in step.text:
                self.rotate_row["bags_sealed"] = self.seal("sheets", shares) if reseal else []
                if not reseal:  # the deviation: the sheets go back into their opened bags
                    for share, bag in zip(shares, self.rotate_row["bags_opened"]):
                        self.bags[("sheets", share)] = bag
            elif "--verify-only" in step.command:
                self.row(output, "drill", set_id=self.folders["new"], shares=list(HOLDERS), custodians=list(HOLDERS.values()))
            elif step.who == "Custodians" and "new sheet" in step.text:
                self.rotate_row["bags_sealed"] = self.rotate_row["bags_sealed"] + self.seal("new", HOLDERS)
            elif "Test the new credential" in step.text:
                self.provider("ConsoleLogin")

        fill = {"DIR": str(self.base / "new"), "OLD_SCANS": self.sheets("sheets", shares),
                "NEW_SCANS": self.sheets_later("new", HOLDERS), "EVIDENCE": str(self.base / "cloudtrail.json")}
        self.walk("rotation", fill, paper)

    def destruction(self, when: str) -> None:
        self.at(when)
        pairs = [arg for share in HOLDERS for arg in ("--sheet", f"{share}.1", "--bag", self.bags[("sheets", share)])]

        def paper(step, output):
            if "breakglass destroy" in step.command:
                self.row(output, "destroy", set_id=self.folders["sheets"], shares=list(HOLDERS),
                         sheets_destroyed=[f"{s}.1" for s in HOLDERS],
                         bags_destroyed=[self.bags.pop(("sheets", s)) for s in HOLDERS])

        self.walk("destruction", {"OLD_SET": self.folders["sheets"], "SHEETS_AND_BAGS": pairs}, paper)

    def new_drill(self, when: str, shares=(1, 2)) -> None:
        self.at(when)

        def paper(step, output):
            if "breakglass recombine" in step.command:
                self.new_row = self.row(output, "drill", set_id=self.folders["new"], shares=list(shares),
                                        custodians=[HOLDERS[s] for s in shares], bags_opened=self.open("new", shares))
            elif step.who == "Custodians" and "new bag" in step.text:
                self.new_row["bags_sealed"] = self.seal("new", shares)

        self.walk("drill", {"SCANS": self.sheets("new", shares)}, paper)

    def audit(self, *extra, as_of="2026-09-30"):
        self.write_transcription()
        trail = self.write_evidence()
        result = run("audit", "--journal", self.journal, "--head", self.code, "--logbook", self.base / "logbook.csv",
                     "--rotations", trail, "--config", self.config, "--as-of", as_of, *extra)
        assert result.returncode in (0, 1), text(result)
        return result


class _Later(list):
    """Scans that exist only once an earlier step has printed them."""

    def __init__(self, produce):
        super().__init__()
        self.produce = produce

    def __iter__(self):
        return iter(self.produce())


def lifecycle(base: Path, deviation: str = "") -> Walker:
    w = Walker(base)
    w.split_ceremony(deviation)
    w.use("drill", "2026-03-20T09:00:00", (1, 2))
    w.use("release", "2026-06-10T02:00:00", (2, 3), incident="INC-42", reason="IdP outage")
    w.rotation("2026-06-12T14:00:00")
    w.destruction("2026-06-13T10:00:00")
    w.new_drill("2026-08-30T09:00:00")
    return w


@pytest.fixture(scope="module")
def walked(tmp_path_factory) -> Walker:
    return lifecycle(tmp_path_factory.mktemp("walk"))


def copy_walk(w: Walker, tmp_path: Path) -> Walker:
    shutil.copytree(w.base, tmp_path / "w")
    clone = Walker.__new__(Walker)
    clone.__dict__.update({k: (json.loads(json.dumps(v)) if k in ("rows", "trail") else v) for k, v in w.__dict__.items()})
    clone.base, clone.journal, clone.config = tmp_path / "w", tmp_path / "w" / "journal.jsonl", tmp_path / "w" / "ceremony.toml"
    return clone


# ---------------------------------------------------------------- the scripts as written


def test_every_journalled_command_says_where_its_code_goes():
    for name in SCRIPT_NAMES:
        for step in load_script(name).steps:
            records = any(f"breakglass {c}" in step.command for c in RECORDING) and (
                "--journal" in step.command and "--version" not in step.command)
            assert records == bool(step.code), f"{name} step {step.number}"


def test_the_scripts_followed_to_the_letter_audit_clean(walked):
    events = [e.event for e in read_journal(walked.journal)]
    assert events == ["split", "drill", "drill", "release", "rotate", "drill", "destroy", "drill"]
    result = walked.audit()
    assert result.returncode == 0, text(result)
    assert "CLEAN: no findings." in text(result) and "not checked" not in text(result)


def test_the_head_code_goes_on_paper_after_the_last_event(tmp_path):
    """The old script verified the split's code after the read-back drill had added an event: it failed."""
    w = Walker(tmp_path)
    with pytest.raises(AssertionError, match="split step 11"):
        w.split_ceremony(deviation="head before read-back")


# ---------------------------------------------------------------- one deviation each


def test_a_release_whose_witness_is_misrecorded(walked, tmp_path):
    w = copy_walk(walked, tmp_path)
    release = next(r for r in w.rows if r["event"] == "release")
    release["witness"] = "Someone Else"
    found = findings(w.audit())
    assert len(found) == 1 and "[logbook-agree]" in found[0] and "witness: release" in found[0], found


def test_the_rotation_row_naming_the_new_set(walked, tmp_path):
    w = copy_walk(walked, tmp_path)
    rotate = next(r for r in w.rows if r["event"] == "rotate")
    rotate["set_id"] = rotate["new_set_id"]
    found = findings(w.audit())
    assert any("set_id: rotate" in f and "a rotate row names the retired set" in f for f in found), found


def test_a_rotation_that_does_not_reseal_the_old_sheets(tmp_path):
    w = Walker(tmp_path)
    w.split_ceremony()
    w.use("release", "2026-02-10T02:00:00", (2, 3), incident="INC-7", reason="IdP outage")
    w.rotation("2026-02-11T14:00:00", reseal=False)
    w.destruction("2026-02-12T10:00:00")
    found = findings(w.audit(as_of="2026-03-01"))
    assert found and all("[bags]" in f and "opened again" in f for f in found), found


def test_no_change_at_the_provider(walked, tmp_path):
    w = copy_walk(walked, tmp_path)
    w.trail = [e for e in w.trail if e["eventName"] != "PasswordUpdated"]
    found = findings(w.audit())
    assert len(found) == 1 and "[provider-rotation]" in found[0] and "rotation not confirmed" in found[0], found


def test_the_old_sheets_never_destroyed(tmp_path):
    w = Walker(tmp_path)
    w.split_ceremony()
    w.use("release", "2026-02-10T02:00:00", (2, 3), incident="INC-7", reason="IdP outage")
    w.rotation("2026-02-11T14:00:00")
    found = findings(w.audit(as_of="2026-03-01"))
    assert len(found) == 1 and "[destruction]" in found[0] and "3 sheet(s) were never recorded destroyed" in found[0]
