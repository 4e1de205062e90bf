"""Hostile use of the commands that landed last, through the real command line: expand and reshare with retired
sets, sheets of two sets, the wrong journal, absurd options and outputs that are links, files or taken; journal
repair on special, empty, cut and planted files; manifests naming files elsewhere; --font files that are not
fonts; scans that are PDFs with no page, a password, a cut-off end or a giant page. Every case: one line, a
documented exit code, nothing written and the journal unchanged on a refusal, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest

from breakglass.record.journal import read_journal
from helpers import once_per_run
from hostile_pile import PEOPLE, Pile, assert_safe, make_set, run

SECRET = b"hostile commands credential"


@pytest.fixture(scope="module")
def pile(hostile_set) -> Pile:
    return hostile_set(SECRET, 2, 3, 2, "Hostile commands")  # made once per run (tests/conftest.py)


@pytest.fixture(scope="module")
def reshared(tmp_path_factory, pile) -> tuple[Path, Path]:
    """A journal in which the pile's set was reshared (retired), and the new set's sheets."""
    base = tmp_path_factory.mktemp("reshared")
    journal = pile.journal_copy(base)
    result = run(
        "reshare", "--journal", journal, *PEOPLE, "--out", base / "new", "--no-scan-check", *pile.sheets.values()
    )
    assert result.returncode == 0, result.stderr
    return journal, base / "new"


def refused(result, *words) -> str:
    err = assert_safe(result, b"", "refused")
    line = err.strip().splitlines()[-1]
    for word in words:
        assert word in line, line
    return line


def usage_error(result) -> None:
    err = result.stderr.decode(errors="replace")
    assert result.returncode == 2 and "Traceback" not in err and err.strip().splitlines()[-1].startswith("Error:"), err


# ---------------------------------------------------------------- expand and reshare


EXPAND_CASES = {
    "empty custodian": (["--custodian", ""], "--custodian"),
    "a control character in the name": (["--custodian", "Eve\x1b[31m"], "U+001B"),
    "replaces a sheet never printed": (["--custodian", "Dan", "--replaces", "9.9"], "never printed"),
    "replaces nonsense": (["--custodian", "Dan", "--replaces", "abc"], "not a sheet"),
    "replaces share 0": (["--custodian", "Dan", "--replaces", "0.0"], "not a sheet"),
    "replaces a 20-digit copy": (["--custodian", "Dan", "--replaces", "1.99999999999999999999"], "not a sheet"),
    "replaces two sheets in one value": (["--custodian", "Dan", "--replaces", "1.1 2.1"], "not a sheet"),
    "one person in both roles": (["--custodian", "Dan", "--witness", "ann able"], "someone else"),
}


RESHARE_CASES = {
    "k 1": (["-k", "1"], "at least 2"),
    "k above n": (["-k", "3", "-n", "2"], "cannot be larger"),
    "k 300": (["-k", "300"], "cannot be larger"),
    "n 0": (["-n", "0"], "cannot be larger"),
    "n 256": (["-n", "256"], "at most 255"),
    "a custodian twice as many as n": (["-n", "2", "--custodian", "A", "--custodian", "B", "--custodian", "C"], ""),
}


CASES = [("expand", name) for name in EXPAND_CASES] + [("reshare", name) for name in RESHARE_CASES]


@pytest.mark.parametrize("command,name", CASES)
def test_custodian_changes_refuse_absurd_options_with_one_line(pile, tmp_path, command, name):
    extra, words = (EXPAND_CASES if command == "expand" else RESHARE_CASES)[name]
    journal = pile.journal_copy(tmp_path)
    before = journal.read_bytes()
    refused(
        run(
            command,
            "--journal",
            journal,
            *PEOPLE,
            *extra,
            "--out",
            tmp_path / "new",
            "--no-scan-check",
            *pile.sheets.values(),
        ),
        words,
    )
    assert journal.read_bytes() == before and not (tmp_path / "new").exists()


def test_expand_without_a_custodian_is_a_usage_error(pile, tmp_path):
    usage_error(
        run(
            "expand",
            "--journal",
            pile.journal_copy(tmp_path),
            *PEOPLE,
            "--out",
            tmp_path / "new",
            *pile.sheets.values(),
        )
    )


@pytest.mark.parametrize("option", [["--copies", "0"], ["--copies", "1000"], ["--format", "3"], ["--dpi", "10"]])
def test_reshare_usage_errors_exit_2(pile, tmp_path, option):
    journal = pile.journal_copy(tmp_path)
    usage_error(
        run("reshare", "--journal", journal, *PEOPLE, *option, "--out", tmp_path / "new", *pile.sheets.values())
    )


@pytest.mark.parametrize("command", ["expand", "reshare"])
def test_custodian_changes_with_retired_mixed_and_foreign_sheets(pile, reshared, tmp_path, command):
    journal_after, new_sheets = reshared
    extra = ["--custodian", "Dan New"] if command == "expand" else []
    journal = tmp_path / "journal.jsonl"
    journal.write_bytes(journal_after.read_bytes())
    before = journal.read_bytes()
    old = list(pile.sheets.values())
    # the retired set alone
    refused(
        run(command, "--journal", journal, *PEOPLE, *extra, "--out", tmp_path / "a", "--no-scan-check", *old), "retired"
    )
    # the journal of another credential
    other = make_set(tmp_path / "other", b"another credential", 2, 2, 2, "Other")
    refused(
        run(command, "--journal", other.journal, *PEOPLE, *extra, "--out", tmp_path / "b", "--no-scan-check", *old),
        "none of these sheets",
    )
    # a journal that does not exist, or is a folder
    refused(
        run(command, "--journal", tmp_path / "nope.jsonl", *PEOPLE, *extra, "--out", tmp_path / "c", *old),
        "does not exist",
    )
    usage_error(run(command, "--journal", tmp_path, *PEOPLE, *extra, "--out", tmp_path / "c", *old))
    assert journal.read_bytes() == before
    assert not any((tmp_path / d).exists() for d in "abc")
    # retired and current sheets together: the current set is used, the retired sheets named
    result = run(
        command,
        "--journal",
        journal,
        *PEOPLE,
        *extra,
        "--out",
        tmp_path / "d",
        "--no-scan-check",
        *old,
        *sorted(new_sheets.glob("*.pdf")),
    )
    err = assert_safe(result, b"", "ok")
    assert "RETIRED" in err and (tmp_path / "d" / "manifest.json").exists()


@pytest.mark.parametrize("target", ["link", "dangling link", "a file", "a folder holding a manifest", "/proc"])
def test_expand_out_that_cannot_be_used(pile, tmp_path, target):
    journal = pile.journal_copy(tmp_path)
    before = journal.read_bytes()
    victim = tmp_path / "victim"
    victim.mkdir()
    out = {
        "link": tmp_path / "link",
        "dangling link": tmp_path / "dangling",
        "a file": tmp_path / "file",
        "a folder holding a manifest": tmp_path / "taken",
        "/proc": Path("/proc/breakglass-new"),
    }[target]
    (tmp_path / "link").symlink_to(victim)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "file").write_text("keep")
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "manifest.json").write_text("{}")
    result = run(
        "expand",
        "--journal",
        journal,
        *PEOPLE,
        "--custodian",
        "Dan",
        "--out",
        out,
        "--no-scan-check",
        *pile.sheets.values(),
    )
    if result.returncode == 2:
        usage_error(result)
    else:
        refused(result)
    assert journal.read_bytes() == before
    assert not list(victim.iterdir()) and not (tmp_path / "nowhere").exists()
    assert (tmp_path / "file").read_text() == "keep" and (tmp_path / "taken" / "manifest.json").read_text() == "{}"


# ---------------------------------------------------------------- journal repair


def _cut(pile, path: Path) -> Path:
    path.write_bytes(pile.journal.read_bytes() + b'{"event":"drill","se')
    return path


REPAIR_CASES = {
    "missing": (lambda p, d: d / "nope.jsonl", 1, "does not exist"),
    "a FIFO": (lambda p, d: (os.mkfifo(d / "fifo"), d / "fifo")[1], 1, "pipe"),
    "a device": (lambda p, d: Path("/dev/null"), 1, "device"),
    "a symbolic link": (lambda p, d: ((d / "link").symlink_to(_cut(p, d / "real.jsonl")), d / "link")[1], 1, "link"),
    "empty": (lambda p, d: ((d / "e.jsonl").write_bytes(b""), d / "e.jsonl")[1], 1, "empty"),
    "intact": (lambda p, d: p.journal_copy(d), 0, "nothing to repair"),
}


@pytest.mark.parametrize("name", list(REPAIR_CASES))
def test_journal_repair_on_what_is_not_a_broken_journal(pile, tmp_path, name):
    make, code, words = REPAIR_CASES[name]
    path = make(pile, tmp_path)
    before = {
        p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and not p.is_symlink() and not p.is_fifo()
    }
    result = run("journal", "repair", path, timeout=60)
    err = result.stderr.decode() + result.stdout.decode()
    assert result.returncode == code and "Traceback" not in err and words in err, err
    after = {
        p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and not p.is_symlink() and not p.is_fifo()
    }
    assert after == before


@pytest.mark.parametrize(
    "damage",
    [b"\x00\x00\x00\n", b'{"event":"drill","se', b"x" * (2 * 1024 * 1024) + b"\n", b"garbage\n" + b'{"a":1}\n'],
    ids=["NULs", "cut", "2 MB line", "garbage"],
)
def test_journal_repair_twice_in_a_second_and_onto_planted_links(pile, tmp_path, damage):
    journal = pile.journal_copy(tmp_path)
    victim = tmp_path / "victim"
    victim.write_text("keep")
    from datetime import datetime, timedelta

    now = datetime.now(UTC)
    for s in range(-1, 4):  # a link planted at every side-file name the next seconds could take
        (tmp_path / f"journal.jsonl.broken-{(now + timedelta(seconds=s)).strftime('%Y%m%dT%H%M%SZ')}").symlink_to(
            victim
        )
    for _ in range(2):
        journal.write_bytes(journal.read_bytes() + damage)
        result = run("journal", "repair", journal, timeout=60)
        assert result.returncode == 0 and "Traceback" not in result.stderr.decode(), result.stderr
        assert run("journal", "verify", journal).returncode == 0
    sides = [p for p in tmp_path.glob("journal.jsonl.broken-*") if not p.is_symlink()]
    assert sorted(p.read_bytes() for p in sides) == [damage, damage]
    assert victim.read_text() == "keep"


# ---------------------------------------------------------------- manifest


@pytest.mark.parametrize("file", ["/etc/passwd", "../../../etc/passwd", "a\\b.pdf", "..", "sheets/x.pdf", "x\x00.pdf"])
def test_a_manifest_never_names_a_sheet_outside_its_folder(pile, tmp_path, file):
    """`manifest` says 'PDF still here: delete it once printed' of every sheet file it finds: a hostile manifest
    must not make it say that of /etc/passwd."""
    data = json.loads((pile.base / "sheets" / "manifest.json").read_text())
    data["sheets"][0]["file"] = file
    (tmp_path / "manifest.json").write_text(json.dumps(data))
    for extra in ([], ["--json"], ["--journal", pile.journal]):
        refused(run("manifest", tmp_path / "manifest.json", *extra), "invalid 'file'")
    refused(run("logbook", "--manifest", tmp_path / "manifest.json", "--out", tmp_path / "l.pdf"), "invalid 'file'")
    assert not (tmp_path / "l.pdf").exists()


# ---------------------------------------------------------------- --font


@pytest.mark.parametrize("kind", ["FIFO", "device", "sparse 100 MB", "junk", "truncated", "half", "dangling link"])
def test_font_files_that_are_not_fonts(pile, tmp_path, kind):
    from breakglass.paper import fonts

    real = Path(fonts.bundled_path(fonts.FONT)).read_bytes()
    path = tmp_path / "font.ttf"
    if kind == "FIFO":
        os.mkfifo(path)
    elif kind == "device":
        path = Path("/dev/zero")
    elif kind == "sparse 100 MB":
        with open(path, "wb") as f:
            f.truncate(100 * 1024 * 1024)
    elif kind == "dangling link":
        path.symlink_to(tmp_path / "nowhere.ttf")
    else:
        path.write_bytes({"junk": b"junk", "truncated": real[:100], "half": real[: len(real) // 2]}[kind])
    result = run(
        "logbook",
        "--manifest",
        pile.base / "sheets" / "manifest.json",
        "--font",
        path,
        "--out",
        tmp_path / "l.pdf",
        timeout=60,
    )
    line = refused(result, "--font")
    assert "no such file" not in line or kind == "dangling link"
    assert not (tmp_path / "l.pdf").exists()


# ---------------------------------------------------------------- scans that are not sheets


@once_per_run
def not_sheets(base: Path) -> dict[str, Path]:
    """The PDFs below, made once per run (the image bomb alone takes seconds), read by every case."""
    return _pdfs(base)


def _pdfs(tmp_path: Path) -> dict[str, Path]:
    from reportlab.pdfgen import canvas

    out = {}
    out["no page"] = tmp_path / "zero.pdf"
    out["no page"].write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
        b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    out["giant page"] = tmp_path / "giant.pdf"
    c = canvas.Canvas(str(out["giant page"]), pagesize=(14400, 14400))
    c.rect(10, 10, 5000, 5000, fill=1)
    c.showPage()
    c.save()
    out["image bomb"] = tmp_path / "bomb.pdf"
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    c = canvas.Canvas(str(out["image bomb"]), pagesize=(595, 842))
    c.drawImage(ImageReader(Image.new("1", (13000, 12000), 1)), 0, 0, 595, 842)  # 156 million pixels
    c.showPage()
    c.save()
    out["password"] = tmp_path / "password.pdf"
    c = canvas.Canvas(str(out["password"]), encrypt="secret")
    c.drawString(100, 100, "locked")
    c.showPage()
    c.save()
    return out


@pytest.mark.parametrize(
    "kind", ["no page", "giant page", "image bomb", "password", "cut off", "tiny image", "absurd image", "not an image"]
)
def test_scans_that_are_not_sheets_are_named_and_the_rest_goes_on(pile, not_sheets, tmp_path, kind):
    from PIL import Image

    if kind in ("no page", "giant page", "image bomb", "password"):
        path = not_sheets[kind]
    elif kind == "cut off":
        path = tmp_path / "cut.pdf"
        path.write_bytes(pile.sheets[1].read_bytes()[:3000])
    elif kind == "tiny image":
        path = tmp_path / "tiny.png"
        Image.new("L", (1, 1), 0).save(path)
    elif kind == "absurd image":
        path = tmp_path / "absurd.png"
        Image.new("1", (65000, 3), 1).save(path)
    else:
        path = tmp_path / "sheet.png"
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    journal = pile.journal_copy(tmp_path)
    before = journal.read_bytes()
    alone = run("recombine", "--verify-only", "--journal", journal, *PEOPLE, path, timeout=600)
    refused(alone)
    assert journal.read_bytes() == before
    with_sheets = run("recombine", "--out", "-", path, pile.sheets[1], pile.sheets[2], timeout=600)
    err = assert_safe(with_sheets, SECRET, "ok")
    if kind == "image bomb":  # refused unrendered, as an image file of that size is (pdfium decodes it whole)
        assert "holds an image too large to scan safely (13000 x 12000 pixels" in err
    assert with_sheets.stdout == SECRET


# ---------------------------------------------------------------- closed and failing standard streams


def run_with(fds: dict, *args, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    """The CLI with standard descriptors closed (fds maps 0/1 to None) or redirected: `<&-`, `>&-`, `> /dev/full`."""
    closes = [fd for fd, target in fds.items() if target is None]

    def child():
        for fd in closes:
            os.close(fd)

    return subprocess.run(
        [sys.executable, "-m", "breakglass", *map(str, args)],
        stdin=fds.get(0, subprocess.DEVNULL),
        stdout=stdout,
        stderr=subprocess.PIPE,
        preexec_fn=child,
        timeout=120,
        check=False,
    )


def test_out_dash_with_stdout_closed_refuses_before_anything_is_recorded(pile, tmp_path):
    """stdout closed (`>&-`): was an internal error after the release had been journalled."""
    journal = pile.journal_copy(tmp_path)
    before = journal.read_bytes()
    result = run_with(
        {1: None},
        "recombine",
        "--out",
        "-",
        "--journal",
        journal,
        *PEOPLE,
        "--incident",
        "I",
        "--reason",
        "R",
        pile.sheets[1],
        pile.sheets[2],
    )
    err = result.stderr.decode()
    assert result.returncode == 1 and err.strip().splitlines()[-1].startswith("error: stdout is closed"), err
    assert journal.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ["recombine", "--out", "-", "--typed", "-"],
        ["split", "-k", "2", "-n", "2", "--label", "x", "--secret-file", "-", "--out", "o"],
    ],
    ids=["typed", "secret"],
)
def test_dash_with_stdin_closed_is_one_line(pile, tmp_path, monkeypatch, args):
    """stdin closed (`<&-`): the signal wake-up pipe took descriptor 0 and `--typed -` waited on it for ever."""
    monkeypatch.chdir(tmp_path)
    result = run_with({0: None}, *args, *([pile.sheets[1]] if args[0] == "recombine" else []))
    err = result.stderr.decode()
    assert result.returncode == 1 and "error: stdin is closed" in err and "Traceback" not in err, err
    assert not (tmp_path / "o").exists()


def test_out_dash_onto_a_full_disk_is_one_line_naming_the_recorded_release(pile, tmp_path):
    journal = pile.journal_copy(tmp_path)
    with open("/dev/full", "wb") as full:
        result = run_with(
            {},
            "recombine",
            "--out",
            "-",
            "--journal",
            journal,
            *PEOPLE,
            "--incident",
            "I",
            "--reason",
            "R",
            pile.sheets[1],
            pile.sheets[2],
            stdout=full,
        )
    err = result.stderr.decode()
    line = err.strip().splitlines()[-1]
    assert result.returncode == 1 and "Traceback" not in err and "Exception" not in err, err
    assert line.startswith("error: cannot write the credential to stdout: no space left on device"), line
    assert read_journal(journal)[-1].code in line  # journalled before the write: the line says so


def test_stderr_closed_changes_nothing(pile):
    result = subprocess.run(
        [sys.executable, "-m", "breakglass", "recombine", "--verify-only", pile.sheets[1], pile.sheets[2]],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        preexec_fn=lambda: os.close(2),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0 and result.stdout.startswith(b"OK  set ")
