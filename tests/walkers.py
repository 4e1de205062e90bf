"""The ceremony walkers (not a test module): one credential's life walked through the ceremony scripts
(templates/logbook.toml, the source of ceremony/*.md) step by step, as an operator would.

    Walker             split, drills, release, rotation, destruction, on a fake clock
    ChangeWalker       the custodian-change ceremonies: expand, reshare, the old sheets destroyed
    FormatOneWalker    the same scripts with every set printed in format 1
    lifecycle(base), custodian_change(base)   the two honest histories the tests start from
    copy_walk(w, dest) a copy of a walked history that a test may change freely

tests/conftest.py walks each history once per session (cached on disk for every xdist worker) and keeps a
checkpoint after the split ceremony that the deviation tests continue from.
"""

from __future__ import annotations

import copy
import csv
import json
import re
import shlex
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from breakglass.paper.scripts import load_script
from breakglass.record.journal import read_journal
from breakglass.record.transcription import LOGBOOK_COLUMNS
from helpers import run, text

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
""" + "".join(
    f'\n[[custodians]]\nname = "{name}"\nrole = "Custodian"\nlocation = "Safe {i}"\nshare = {i}\n'
    for i, name in HOLDERS.items()
)
STAMP = re.compile(r"([0-9A-Z]{4}-[0-9A-Z]{4}) at (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC")


class Walker:
    """One credential's life, walked through the scripts on a fake clock."""

    def __init__(self, base: Path):
        self.base = base
        self.journal = base / "journal.jsonl"
        self.config = base / "ceremony.toml"
        self.config.write_text(CONFIG)
        self.clock = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
        self.code = ""  # the most recent event code written on paper
        self.rows: list[dict] = []
        self.bags: dict[tuple[str, int], str] = {}  # (folder, share) -> the bag it is sealed in
        self.serial = 0
        self.trail: list[dict] = []  # the provider's record (CloudTrail) as it happens
        self.folders: dict[str, str] = {}  # folder -> set id

    # ------------------------------------------------------------ running commands

    def at(self, when: str) -> None:
        self.clock = datetime.fromisoformat(when).replace(tzinfo=UTC)

    def cli(self, argv: list[str], input: bytes | None = None):
        self.clock += timedelta(minutes=5)
        return run(
            *argv[1:],
            input=input,
            cwd=self.base,
            env={"BREAKGLASS_FAKE_TIME": self.clock.strftime("%Y-%m-%dT%H:%M:%SZ")},
        )

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
                assert recorded == bool(step.code), (
                    f"{name} step {step.number}: code says where, iff an event is recorded"
                )
                if recorded and step.number not in skip_code_for:
                    self.code = STAMP.search(output).group(1)
                if argv[1:3] == ["journal", "verify"]:
                    assert f"head code {self.code}" in output
            if paper:
                paper(step, output)
            outputs[step.number] = output
        return outputs

    def command(self, template: str, fill: dict) -> tuple[list[str], bytes | None]:
        values = {
            "JOURNAL": str(self.journal),
            "CONFIG": str(self.config),
            "CODE": self.code,
            "OPERATOR": OPERATOR,
            "WITNESS": WITNESS,
            "CSV": str(self.base / "logbook.csv"),
            **fill,
        }
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
        row = {
            "event_code": code,
            "date": day,
            "time": time,
            "event": event,
            "operator": OPERATOR,
            "witness": WITNESS,
            **fields,
        }
        self.rows.append(row)
        return row

    def write_transcription(self) -> Path:
        path = self.base / "logbook.csv"
        with path.open("w", newline="") as f:
            writer = csv.DictWriter(f, LOGBOOK_COLUMNS)
            writer.writeheader()
            for row in self.rows:
                writer.writerow(
                    {k: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v for k, v in row.items()}
                )
        return path

    def write_evidence(self) -> Path:
        """The CloudTrail console's event-history export: {"Records": [...]}."""
        path = self.base / "cloudtrail.json"
        path.write_text(json.dumps({"Records": self.trail}, indent=1))
        return path

    def provider(self, name: str) -> None:
        self.trail.append(
            {
                "eventVersion": "1.08",
                "eventTime": self.clock.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "eventSource": "signin.amazonaws.com",
                "eventName": name,
                "eventType": "AwsConsoleSignIn",
                "userIdentity": {"type": "Root", "arn": "arn:aws:iam::111122223333:root", "accountId": "111122223333"},
                "responseElements": {name: "Success"},
                "recipientAccountId": "111122223333",
            }
        )

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
                self.row(
                    state["split"],
                    "split",
                    set_id=state["set"],
                    shares=list(HOLDERS),
                    custodians=list(HOLDERS.values()),
                    bags_sealed=sealed,
                )
                self.row(
                    state["readback"],
                    "drill",
                    set_id=state["set"],
                    shares=list(HOLDERS),
                    custodians=list(HOLDERS.values()),
                )

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
                state_row = self.row(
                    output,
                    event,
                    set_id=self.folders["sheets"],
                    shares=list(shares),
                    custodians=[HOLDERS[s] for s in shares],
                    bags_opened=opened,
                    **row,
                )
                self.last_row = state_row
            elif step.who == "Custodians" and "new bag" in step.text:
                self.last_row["bags_sealed"] = self.seal("sheets", shares)

        fill = {
            "SCANS": self.sheets("sheets", shares),
            "INCIDENT": row.get("incident", ""),
            "REASON": row.get("reason", ""),
            "FILE": str(self.base / f"checklist-{when[:10]}.pdf"),
        }
        self.walk(script, fill, paper)

    def rotation(self, when: str, shares=(1, 3), reseal=True) -> None:
        self.at(when)

        def paper(step, output):
            if "Change the credential itself" in step.text:
                self.provider("PasswordUpdated")
            elif "breakglass rotate" in step.command:
                new_set = re.search(r"the new set (\S+) \(", output).group(1)
                self.folders["new"] = new_set
                self.rotate_row = self.row(
                    output,
                    "rotate",
                    set_id=self.folders["sheets"],
                    new_set_id=new_set,
                    shares=list(shares),
                    custodians=[HOLDERS[s] for s in shares],
                    bags_opened=self.open("sheets", shares),
                )
            elif step.who == "Custodians" and "Reseal each old sheet" in step.text:
                self.rotate_row["bags_sealed"] = self.seal("sheets", shares) if reseal else []
                if not reseal:  # the deviation: the sheets go back into their opened bags
                    for share, bag in zip(shares, self.rotate_row["bags_opened"], strict=False):
                        self.bags[("sheets", share)] = bag
            elif "--verify-only" in step.command:
                self.row(
                    output, "drill", set_id=self.folders["new"], shares=list(HOLDERS), custodians=list(HOLDERS.values())
                )
            elif step.who == "Custodians" and "new sheet" in step.text:
                self.rotate_row["bags_sealed"] = self.rotate_row["bags_sealed"] + self.seal("new", HOLDERS)
            elif "Test the new credential" in step.text:
                self.provider("ConsoleLogin")

        fill = {
            "DIR": str(self.base / "new"),
            "OLD_SCANS": self.sheets("sheets", shares),
            "NEW_SCANS": self.sheets_later("new", HOLDERS),
            "EVIDENCE": str(self.base / "cloudtrail.json"),
        }
        self.walk("rotation", fill, paper)

    def destruction(self, when: str) -> None:
        self.at(when)
        pairs = [arg for share in HOLDERS for arg in ("--sheet", f"{share}.1", "--bag", self.bags[("sheets", share)])]

        def paper(step, output):
            if "breakglass destroy" in step.command:
                self.row(
                    output,
                    "destroy",
                    set_id=self.folders["sheets"],
                    shares=list(HOLDERS),
                    sheets_destroyed=[f"{s}.1" for s in HOLDERS],
                    bags_destroyed=[self.bags.pop(("sheets", s)) for s in HOLDERS],
                )

        self.walk("destruction", {"OLD_SET": self.folders["sheets"], "SHEETS_AND_BAGS": pairs}, paper)

    def new_drill(self, when: str, shares=(1, 2)) -> None:
        self.at(when)

        def paper(step, output):
            if "breakglass recombine" in step.command:
                self.new_row = self.row(
                    output,
                    "drill",
                    set_id=self.folders["new"],
                    shares=list(shares),
                    custodians=[HOLDERS[s] for s in shares],
                    bags_opened=self.open("new", shares),
                )
            elif step.who == "Custodians" and "new bag" in step.text:
                self.new_row["bags_sealed"] = self.seal("new", shares)

        self.walk("drill", {"SCANS": self.sheets("new", shares)}, paper)

    def audit(self, *extra, as_of="2026-09-30"):
        self.write_transcription()
        trail = self.write_evidence()
        result = run(
            "audit",
            "--journal",
            self.journal,
            "--head",
            self.code,
            "--logbook",
            self.base / "logbook.csv",
            "--rotations",
            trail,
            "--config",
            self.config,
            "--as-of",
            as_of,
            *extra,
        )
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
    return live_on(w)


def live_on(w: Walker) -> Walker:
    """The lifecycle after the split ceremony: a drill, a release, the rotation, the destruction, a new drill."""
    w.use("drill", "2026-03-20T09:00:00", (1, 2))
    w.use("release", "2026-06-10T02:00:00", (2, 3), incident="INC-42", reason="IdP outage")
    w.rotation("2026-06-12T14:00:00")
    w.destruction("2026-06-13T10:00:00")
    w.new_drill("2026-08-30T09:00:00")
    return w


def copy_walk(w: Walker, tmp_path: Path, cls: type | None = None, dest: Path | None = None) -> Walker:
    """A copy of walk `w` (its files in tmp_path/w, or `dest`) that a test may change or walk on; `cls` walks it
    on as another walker (a checkpoint of the split ceremony continued by a ChangeWalker)."""
    dest = dest or tmp_path / "w"
    shutil.copytree(w.base, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("artifact.pickle"))
    cls = cls or type(w)
    clone = cls.__new__(cls)
    clone.__dict__.update(
        {k: (json.loads(json.dumps(v)) if k in ("rows", "trail") else copy.deepcopy(v)) for k, v in w.__dict__.items()}
    )
    clone.base, clone.journal, clone.config = dest, dest / "journal.jsonl", dest / "ceremony.toml"
    return clone


NEW_CUSTODIAN = "Dan Dawson"
# After the expansion: the set has 4 share numbers; Dan holds the new share 4.
EXPANDED_CONFIG = CONFIG.replace("n = 3", "n = 4") + (
    f'\n[[custodians]]\nname = "{NEW_CUSTODIAN}"\nrole = "Custodian"\nlocation = "Safe 4"\nshare = 4\n'
)
# The new set after Bob leaves: Alice, Carol and Dan, any 2 of 3.
RESHARED = {1: "Alice Archer", 2: "Carol Chen", 3: NEW_CUSTODIAN}
RESHARED_CONFIG = CONFIG.split("\n[[custodians]]")[0] + "".join(
    f'\n[[custodians]]\nname = "{name}"\nrole = "Custodian"\nlocation = "Safe {i}"\nshare = {i}\n'
    for i, name in RESHARED.items()
)


class ChangeWalker(Walker):
    """The walker, with the custodian-change ceremonies and the destruction of sheets of several folders."""

    def holder(self, folder: str, share: int) -> str:
        return {"sheets": HOLDERS, "expanded": {4: NEW_CUSTODIAN}, "reshared": RESHARED}[folder][share]

    def expansion(self, when: str, scanned=(1, 2), new_custodian: str = NEW_CUSTODIAN, config: str = EXPANDED_CONFIG):
        self.at(when)
        self.config.write_text(config)
        state: dict = {}

        def paper(step, output):
            if "breakglass expand" in step.command:
                state["row"] = self.row(
                    output,
                    "expand",
                    set_id=self.folders["sheets"],
                    shares=list(scanned),
                    custodians=[HOLDERS[s] for s in scanned] + [new_custodian],
                    bags_opened=self.open("sheets", scanned),
                )
                state["output"] = output
            elif "--verify-only" in step.command:
                self.row(
                    output,
                    "drill",
                    set_id=self.folders["sheets"],
                    shares=[*scanned, 4],
                    custodians=[HOLDERS[s] for s in scanned] + [new_custodian],
                )
            elif step.who == "Custodians" and "Reseal your sheet" in step.text:
                state["row"]["bags_sealed"] = self.seal("sheets", scanned)
            elif step.who == "Custodians" and "new custodian" in step.text:
                state["row"]["bags_sealed"] += self.seal("expanded", (4,))

        fill = {
            "DIR": str(self.base / "expanded"),
            "SCANS": self.sheets("sheets", scanned),
            "NEW_SCANS": self.sheets_later("expanded", (4,)),
            "NEW_CUSTODIAN": new_custodian,
        }
        self.walk("expand", fill, paper)
        return state["output"]

    def reshare(self, when: str, old_scans=(("sheets", 1), ("expanded", 4))):
        self.at(when)
        self.config.write_text(RESHARED_CONFIG)
        state: dict = {}

        def paper(step, output):
            if "breakglass reshare" in step.command:
                new_set = re.search(r"the new set (\S+) \(", output).group(1)
                state["new_set"] = new_set
                self.folders["reshared"] = new_set
                state["row"] = self.row(
                    output,
                    "reshare",
                    set_id=self.folders["sheets"],
                    new_set_id=new_set,
                    shares=[share for _f, share in old_scans],
                    custodians=[self.holder(f, s) for f, s in old_scans],
                    bags_opened=[self.bags.pop((f, s)) for f, s in old_scans],
                )
            elif step.who == "Custodians" and "Reseal each old sheet" in step.text:
                state["row"]["bags_sealed"] = [self.seal(f, (s,))[0] for f, s in old_scans]
            elif "--verify-only" in step.command:
                self.row(
                    output, "drill", set_id=state["new_set"], shares=list(RESHARED), custodians=list(RESHARED.values())
                )
            elif step.who == "Custodians" and "new sheet" in step.text:
                state["row"]["bags_sealed"] += self.seal("reshared", RESHARED)

        fill = {
            "DIR": str(self.base / "reshared"),
            "OLD_SCANS": [p for f, s in old_scans for p in self.sheets(f, (s,))],
            "NEW_SCANS": self.sheets_later("reshared", RESHARED),
            "FILE": str(self.base / "change-checklist.pdf"),
        }
        self.walk("reshare", fill, paper)

    def destroy_old(self, when: str, sheets=(("sheets", 1), ("sheets", 2), ("sheets", 3), ("expanded", 4))):
        """destruction.md for the retired set: one --sheet SHARE.1 and --bag per sheet, as on the destruction page."""
        self.at(when)
        pairs = [arg for f, s in sheets for arg in ("--sheet", f"{s}.1", "--bag", self.bags[(f, s)])]

        def paper(step, output):
            if "breakglass destroy" in step.command:
                self.row(
                    output,
                    "destroy",
                    set_id=self.folders["sheets"],
                    shares=[s for _f, s in sheets],
                    sheets_destroyed=[f"{s}.1" for _f, s in sheets],
                    bags_destroyed=[self.bags.pop((f, s)) for f, s in sheets],
                )

        self.walk("destruction", {"OLD_SET": self.folders["sheets"], "SHEETS_AND_BAGS": pairs}, paper)


def custodian_change(
    base: Path, destroyed=(("sheets", 1), ("sheets", 2), ("sheets", 3), ("expanded", 4))
) -> ChangeWalker:
    w = ChangeWalker(base)
    w.split_ceremony()
    return destroy_after_change(change_after_split(w), destroyed)


def change_after_split(w: ChangeWalker) -> ChangeWalker:
    """The custodian change after the split ceremony: a new custodian added (expand), then the set reshared."""
    w.expansion("2026-02-10T10:00:00")
    w.reshare("2026-04-01T10:00:00")
    return w


def destroy_after_change(w: ChangeWalker, destroyed=(("sheets", 1), ("sheets", 2), ("sheets", 3), ("expanded", 4))):
    w.destroy_old("2026-04-02T10:00:00", destroyed)
    return w


class FormatOneWalker(Walker):
    """The same scripts, with every set printed in format 1 (sheets already in safes are read for years)."""

    def command(self, template, fill):
        argv, stdin = super().command(template, fill)
        if argv[1] in ("split", "rotate", "reshare"):
            argv += ["--format", "1"]
        return argv, stdin
