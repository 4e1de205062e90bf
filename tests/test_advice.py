"""Every option a message advises is accepted by the command that prints it (issue 23).

Two nets for the whole class: refusals are driven through the real CLI and every `--option` in what they print
is looked up in the parameters of the command that printed it (or of the command the advice names: "use
breakglass recombine --allow-retired REASON"); and every `--option` written anywhere in the code, the templates
and the ceremony scripts is an option of some command. Following the advice is then shown to get past the
refusal for the cases the issue saw: --allow-retired for a retired set's sheets, --force for a non-PDF --out."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import click
import pypdfium2
import pytest

from breakglass.cli.main import cli
from breakglass.record.journal import append_event, read_journal
from helpers import PEOPLE, invoke

ROOT = Path(__file__).resolve().parents[1]
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
NAMED_COMMAND = re.compile(r"\bbreakglass (journal [a-z]+|[a-z]+)\b")
NEW_SET, NEW_FP = "2B3C-4D5E-6F70-8192", "HH8B-7J35-S2T0-EFT4"


def commands(group: click.Group = cli, path: tuple[str, ...] = ()):
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield " ".join((*path, name)), command


OPTIONS = {
    name: {"--help"} | {o for p in command.params for o in (*p.opts, *p.secondary_opts)} for name, command in commands()
}


def advised(output: str, command: str) -> list[tuple[str, str]]:
    """(command, option) for every option the output mentions: a clause that names `breakglass X` advises X's
    options after that name; any other option is advice about the command that printed it."""
    pairs = []
    for clause in re.split(r"[;()]|\.\s|\n", output):
        governing, position = command, 0
        for m in OPTION.finditer(clause):
            for named in NAMED_COMMAND.finditer(clause, position, m.start()):
                governing = named.group(1)
            position = m.start()
            pairs.append((governing, m.group()))
    return pairs


def assert_advice_accepted(output: str, command: str) -> None:
    wrong = [(c, o) for c, o in advised(output, command) if o not in OPTIONS.get(c, ())]
    assert not wrong, f"`breakglass {command}` printed advice its command does not accept: {wrong}\n{output}"


@pytest.fixture(scope="module")
def retired(tmp_path_factory):
    """A real 2-of-3 set split with a journal, then retired by a rotation; its sheets as typed text files."""
    base = tmp_path_factory.mktemp("retired")
    (base / "secret").write_bytes(b"retired credential")
    result = invoke(
        "split",
        "-k",
        "2",
        "-n",
        "3",
        "--label",
        "Advice test",
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
    split = read_journal(base / "journal.jsonl")[-1]
    append_event(
        base / "journal.jsonl",
        "rotate",
        set_id=split.set,
        shares=[1, 2],
        fingerprint=split.fingerprint,
        operator="Ola",
        witness="Wes",
        now=datetime(2026, 11, 24, tzinfo=UTC),
        extra={
            "new_set": NEW_SET,
            "new_fingerprint": NEW_FP,
            "k": 2,
            "n": 3,
            "sheets": [{"share": i, "copy": 1, "holder": h} for i, h in enumerate(("Ana", "Bo", "Cy"), 1)],
        },
    )
    typed = []
    for pdf in sorted((base / "sheets").glob("*.pdf"))[:2]:
        document = pypdfium2.PdfDocument(pdf)
        path = base / (pdf.stem + ".txt")
        path.write_text("\n".join(page.get_textpage().get_text_range() for page in document))
        typed += ["--typed", path]
    return base, typed


@pytest.mark.parametrize(
    "command, extra",
    [
        ("expand", ["--custodian", "Dee", "--out", "new"]),
        ("rotate", ["--out", "new", "--secret-file", "secret"]),
        ("reshare", ["--out", "new"]),
        ("recombine", ["--verify-only"]),
    ],
)
def test_retired_sheets_advice_is_accepted_and_gets_past_the_refusal(retired, command, extra):
    base, typed = retired
    extra = [base / a if a in ("new", "secret") else a for a in extra]
    result = invoke(command, "--journal", base / "journal.jsonl", *PEOPLE, *typed, *extra)
    assert result.exit_code == 1 and "retired set" in result.output, result.output
    assert_advice_accepted(result.output, command)
    assert ("recombine", "--allow-retired") in advised(result.output, command)
    followed = invoke(
        "recombine",
        "--journal",
        base / "journal.jsonl",
        *PEOPLE,
        *typed,
        "--verify-only",
        "--allow-retired",
        "forensics: sheets found after the rotation",
    )
    assert followed.exit_code == 0, followed.output
    assert "retired set" not in followed.output.split("error:")[-1]


@pytest.mark.parametrize("command", ["logbook", "checklist"])
def test_an_out_that_is_not_a_pdf_is_refused_without_advising_force(retired, tmp_path, command):
    base, _typed = retired
    code = read_journal(base / "journal.jsonl")[-1].code
    args = ["--manifest", base / "sheets" / "manifest.json"] if command == "logbook" else ["--event", code]
    not_pdf = tmp_path / "notes.txt"
    not_pdf.write_text("keep me")
    for force in ([], ["--force"]):
        result = invoke(command, "--journal", base / "journal.jsonl", *args, "--out", not_pdf, *force)
        assert result.exit_code != 0 and "not a PDF" in result.output, result.output
        assert_advice_accepted(result.output, command)
        assert "--force" not in result.output and not_pdf.read_text() == "keep me"
    assert ("logbook" if command == "logbook" else "checklist", "--out") in advised(result.output, command)


# Refusals every command gives before any work, with what they print checked the same way.
REFUSALS = [
    ("split", ["-k", "2", "-n", "3", "--label", "x", "--out", "{tmp}/o", "--custodian", "Ana", "--custodian", "ana"]),
    ("split", ["-k", "4", "-n", "3", "--label", "x", "--out", "{tmp}/o"]),
    ("split", ["-k", "2", "-n", "3", "--out", "{tmp}/o"]),
    ("split", ["-k", "2", "-n", "3", "--label", "x", "--out", "{tmp}/o", "--journal", "{tmp}/j", "--operator", "A"]),
    ("recombine", ["--allow-retired", "x", "{tmp}/none.png"]),
    ("recombine", ["--journal", "{journal}", "--operator", "A", "--witness", "B", "{tmp}/none.png"]),
    ("recombine", ["--journal", "{journal}", "--operator", "A", "{tmp}/none.png"]),
    ("expand", ["--journal", "{journal}", "--operator", "A", "--witness", "B", "{tmp}/none.png"]),
    ("expand", ["--journal", "{tmp}/missing.jsonl", "--operator", "A", "--witness", "B", "--custodian", "D", "x.png"]),
    ("rotate", ["--journal", "{journal}", "--operator", "A", "{tmp}/none.png"]),
    ("reshare", ["--journal", "{tmp}/missing.jsonl", "--operator", "A", "--witness", "B", "x.png"]),
    (
        "destroy",
        ["--journal", "{journal}", "--set", "0000-0000-0000-0001", "--sheet", "1", "--operator", "A", "--witness", "B"],
    ),
    ("destroy", ["--journal", "{journal}", "--set", "{set}", "--sheet", "x", "--operator", "A", "--witness", "B"]),
    ("destroy", ["--journal", "{journal}", "--set", "{set}", "--sheet", "1", "--operator", "A"]),
    ("checklist", ["--journal", "{journal}", "--event", "ZZZZ-ZZZZ", "--out", "{tmp}/c.pdf"]),
    ("logbook", ["--manifest", "{tmp}/missing.json", "--out", "{tmp}/l.pdf"]),
    ("audit", ["--journal", "{journal}", "--logbook", "{tmp}/missing.csv"]),
    ("journal verify", ["{journal}", "--head", ""]),
    ("manifest", ["{tmp}/missing.json"]),
]


@pytest.mark.parametrize("command, args", REFUSALS, ids=[f"{c} {i}" for i, (c, _a) in enumerate(REFUSALS)])
def test_refusals_advise_only_options_of_their_command(retired, tmp_path, command, args):
    base, _typed = retired
    journal = tmp_path / "journal.jsonl"
    journal.write_bytes((base / "journal.jsonl").read_bytes())
    set_text = read_journal(journal)[0].set
    args = [a.format(tmp=tmp_path, journal=journal, set=set_text) for a in args]
    result = invoke(*command.split(), *args)
    assert result.exit_code != 0, result.output
    assert_advice_accepted(result.output, command)


def _literals(path: Path) -> list[str]:
    """The text of every string a module can print: constants and f-strings (placeholders as '{}'),
    docstrings left out (they are help text or for developers, checked by test_help)."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            out.append("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            out.append(node.value)
    return out


def _written_advice() -> list[tuple[str, str]]:
    texts = [(str(p.relative_to(ROOT)), t) for p in (ROOT / "src" / "breakglass").rglob("*.py") for t in _literals(p)]
    for folder, pattern in (("templates", "*.toml"), ("ceremony", "*.md")):
        texts += [(str(p.relative_to(ROOT)), p.read_text()) for p in (ROOT / folder).glob(pattern)]
    return texts


def test_every_option_written_anywhere_is_an_option_of_a_command():
    maintenance = {"--write-scripts"}  # `python -m breakglass.paper.logbook --write-scripts`, for developers
    every = set().union(*OPTIONS.values()) | {"--help", "--version"} | maintenance
    wrong = []
    for where, text in _written_advice():
        for command, option in advised(text, ""):
            accepted = OPTIONS.get(command, every) if command else every
            if option not in accepted:
                wrong.append((where, command or "any command", option))
    assert not wrong, wrong
