"""Hostile and absurd inputs: special files, oversized files, deep nesting, damaged CSV and manifests, links
planted at output names. Each is refused at once with one line, nothing hangs, nothing is overwritten, and no
Python error (RecursionError, ValueError, csv.Error, a Pillow warning) reaches the person at the keyboard."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from breakglass.errors import BreakglassError
from breakglass.format import typed
from breakglass.record import journal, manifest
from breakglass.record.config import load_config
from breakglass.record.inputs import read_input as read_audit_input
from breakglass.record.transcription import read_transcription
from breakglass.system import inputs
from helpers import once_per_run, pdfs

ROOT = Path(__file__).resolve().parent.parent
SECRET = b"hostile-input credential"
PEOPLE = ("--operator", "Ann Able", "--witness", "Ben Baker")
INCIDENT = ("--incident", "INC-14", "--reason", "hostile-input test")


def read_logbook_csv(path):
    """The audit's reading of a logbook transcription, as `audit --logbook` does it."""
    return read_transcription(read_audit_input(path, "logbook"))


def cli(*args, cwd=None, input=None, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "breakglass", *map(str, args)],
        cwd=cwd,
        input=input,
        capture_output=True,
        timeout=timeout,
    )


def error_line(result: subprocess.CompletedProcess) -> str:
    err = result.stderr.decode(errors="replace")
    assert result.returncode == 1, (result.returncode, err)
    assert "Traceback" not in err and "Warning" not in err, err
    return err.strip().splitlines()[-1]


@once_per_run
def sheets(base: Path) -> Path:
    (base / "secret").write_bytes(SECRET)
    result = cli(
        "split",
        "-k",
        "2",
        "-n",
        "3",
        "--label",
        "Hostile",
        "--secret-file",
        base / "secret",
        "--out",
        base / "sheets",
        "--journal",
        base / "journal.jsonl",
        *PEOPLE,
        "--no-scan-check",
    )
    assert result.returncode == 0, result.stderr
    return base


class hang_guard:
    """Fail (rather than hang the suite) if a parse that must be linear takes minutes; not a speed target."""

    def __init__(self, seconds: int = 60):
        self.seconds = seconds

    def __enter__(self):
        def fail(*_):
            raise AssertionError(f"still running after {self.seconds} s: not linear")

        self.old = signal.signal(signal.SIGALRM, fail)
        signal.alarm(self.seconds)

    def __exit__(self, *exc):
        signal.alarm(0)
        signal.signal(signal.SIGALRM, self.old)


# ---------------------------------------------------------------- special files: refused at once, never waited on


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe.png"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "read",
    [
        lambda p: inputs.read_input(p, "typed text", inputs.MAX_TYPED, streams=True),
        lambda p: load_config(p),
        lambda p: manifest.load(p),
        lambda p: journal.read_journal(p),
        lambda p: journal.verify_journal(p),
        lambda p: journal.require_intact(p),
        lambda p: read_logbook_csv(p),
    ],
    ids=["typed", "config", "manifest", "journal", "verify", "require_intact", "csv"],
)
def test_a_fifo_is_refused_without_waiting(fifo, read):
    with hang_guard(20), pytest.raises(BreakglassError, match=r"pipe|not a regular file"):
        read(fifo)


def test_a_fifo_or_device_as_a_scan_is_one_line_and_the_rest_goes_on(sheets, fifo):
    result = cli("recombine", "--verify-only", fifo, "/dev/zero", *pdfs(sheets / "sheets")[:2], timeout=120)
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert f"{fifo}: a pipe (FIFO), not a file" in err and "/dev/zero: a device, not a file" in err


@pytest.mark.parametrize("name", ["/dev/zero", "/dev/null", "FOLDER", "FIFO"])
def test_special_secret_files_are_refused(tmp_path, fifo, name):
    source = {"FOLDER": tmp_path, "FIFO": fifo}.get(name, name)
    line = error_line(
        cli("split", "-k", "2", "-n", "2", "--label", "x", "--out", tmp_path / "o", "--secret-file", source)
    )
    assert line.startswith("error: secret file") and "not a file" in line
    assert not (tmp_path / "o").exists()


def test_secret_from_process_substitution_is_read(tmp_path):
    """`--secret-file <(command)` names a pipe under /dev/fd: a stream breakglass reads, unlike a FIFO elsewhere."""
    read, write = os.pipe()
    os.write(write, SECRET)
    os.close(write)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "breakglass",
            "split",
            "-k",
            "2",
            "-n",
            "2",
            "--label",
            "x",
            "--out",
            tmp_path / "o",
            "--secret-file",
            f"/dev/fd/{read}",
            "--no-scan-check",
        ],
        pass_fds=(read,),
        capture_output=True,
        timeout=120,
    )
    os.close(read)
    assert result.returncode == 0, result.stderr
    back = cli("recombine", "--out", "-", *pdfs(tmp_path / "o"))
    assert back.stdout == SECRET


# ---------------------------------------------------------------- sizes


def sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as f:
        f.truncate(size)
    return path


@pytest.mark.parametrize(
    "read,limit,what",
    [
        (lambda p: inputs.read_input(p, "typed text", inputs.MAX_TYPED), inputs.MAX_TYPED, "typed text"),
        (load_config, inputs.MAX_CONFIG, "ceremony configuration"),
        (manifest.load, inputs.MAX_MANIFEST, "manifest"),
        (journal.verify_journal, inputs.MAX_JOURNAL, "journal"),
        (read_logbook_csv, inputs.MAX_CSV, "logbook"),
    ],
)
def test_oversized_inputs_are_refused_without_reading_them(tmp_path, read, limit, what):
    path = sparse(tmp_path / "big", limit + 1)
    with hang_guard(20), pytest.raises(BreakglassError, match=rf"{what} .* is over"):
        read(path)


def test_a_credential_over_64_kib_is_refused(tmp_path):
    line = error_line(
        cli(
            "split",
            "-k",
            "2",
            "-n",
            "2",
            "--label",
            "x",
            "--out",
            tmp_path / "o",
            "--secret-file",
            "-",
            input=b"x" * (64 * 1024 + 1),
        )
    )
    assert "over 64 KiB" in line and not (tmp_path / "o").exists()


def test_a_huge_journal_line_is_named(tmp_path, sheets):
    path = tmp_path / "journal.jsonl"
    path.write_bytes((sheets / "journal.jsonl").read_bytes() + b"x" * (2 * 1024 * 1024) + b"\n")
    result = journal.verify_journal(path)
    assert not result.ok and result.line == 2 and "longer than 1 MiB" in result.problem


def test_decompression_bomb_is_one_line_and_no_warning(tmp_path):
    from PIL import Image

    Image.new("1", (13000, 12000), 1).save(tmp_path / "bomb.png")  # 156 million pixels, a 40 kB file
    Image.new("1", (10000, 9500), 1).save(tmp_path / "large.png")  # over Pillow's warning limit, under ours
    result = cli("recombine", "--verify-only", tmp_path / "bomb.png", tmp_path / "large.png")
    err = result.stderr.decode()
    assert "image too large to scan safely (13000 x 12000 pixels" in err
    assert "Warning" not in err and "Traceback" not in err


# ---------------------------------------------------------------- nesting, damaged structure


def test_deeply_nested_journal_lines_are_named_not_a_recursion_error(tmp_path, sheets):
    good = (sheets / "journal.jsonl").read_bytes()
    for junk in (b"[" * 200_000 + b"]" * 200_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000):
        path = tmp_path / "journal.jsonl"
        path.write_bytes(good + junk + b"\n")
        result = journal.verify_journal(path)
        assert not result.ok and result.line == 2 and "nested too deeply" in result.problem
        with pytest.raises(BreakglassError, match="line 2"):
            journal.read_journal(path)


def test_a_rewritten_chain_with_impossible_core_fields_is_refused(tmp_path, sheets):
    """A forger can write a chain with fresh hashes; its core fields must still be what breakglass writes."""
    path = tmp_path / "journal.jsonl"
    entry = journal.read_journal(sheets / "journal.jsonl")[0]
    for field, value, words in [
        ("time", "2026-13-45T99:99:99Z", "invalid time"),
        ("set", "not a set", "invalid set"),
        ("shares", [1, "2"], "invalid shares"),
        ("seq", 10**30, "invalid seq"),
    ]:
        path.write_text(journal.canonical(dict(entry.data, **{field: value})) + "\n")
        assert words in journal.verify_journal(path).problem


def test_odd_extra_fields_in_a_hand_made_chain_are_one_line_at_most(tmp_path, sheets):
    """Extra fields of any shape are read without an internal error by every command that uses them."""
    path = tmp_path / "journal.jsonl"
    entry = journal.read_journal(sheets / "journal.jsonl")[0]
    path.write_text(journal.canonical(dict(entry.data, sheets=[{"share": "one"}, None], k="two", label=["x"])) + "\n")
    assert journal.verify_journal(path).ok
    code = journal.read_journal(path)[0].code
    for args in (
        ["journal", "show", path],
        ["checklist", "--journal", path, "--event", code, "--out", tmp_path / "c.pdf"],
        ["destroy", "--journal", path, "--set", entry.set, "--sheet", "1", *PEOPLE],
        ["manifest", sheets / "sheets" / "manifest.json", "--journal", path],
    ):
        result = cli(*args)
        err = result.stderr.decode(errors="replace")
        assert result.returncode in (0, 1) and "Traceback" not in err and "internal error" not in err, (args, err)


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 100_000 + "]" * 100_000,
        "a = " + "{b = " * 3000 + "1" + "}" * 3000,
    ],
)
def test_deeply_nested_toml_is_one_line(tmp_path, text):
    path = tmp_path / "ceremony.toml"
    path.write_text(text)
    with pytest.raises(BreakglassError, match="nested too deeply"):
        load_config(path)


def test_config_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "ceremony.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (ROOT / "ceremony" / "example.toml").read_bytes())
    assert load_config(path).k >= 2


def test_a_csv_field_over_the_csv_limit_is_one_line_naming_the_line(tmp_path):
    path = tmp_path / "logbook.csv"
    path.write_text("event_code,date,event\nX,2026-01-01," + "a" * 200_000 + "\n")
    with pytest.raises(BreakglassError, match=r"row 2 holds a cell over 100,000 characters, the most breakglass reads"):
        read_logbook_csv(path)


@pytest.mark.parametrize(
    "content",
    [
        'event_code,date,event\n"unclosed,2026-01-01,x\n',
        "event_code,date,event\nK7Q2-9XMB,2026\x00-01-01,x\n",
        "\x00\x00\x00",
        "",
    ],
)
def test_odd_csv_is_read_or_one_line(tmp_path, content):
    path = tmp_path / "logbook.csv"
    path.write_text(content)
    try:
        read_logbook_csv(path)
    except BreakglassError as e:
        assert "\n" not in str(e)


@pytest.mark.parametrize(
    "document,words",
    [
        (
            '{"format":"breakglass-manifest","set_id":"x","fingerprint":"y","k":2,"n":3,"custodians":[{"share":"one"}]}',
            "invalid entry",
        ),
        ('{"format":"breakglass-manifest","set_id":"x","fingerprint":"y","k":"2","n":3}', "invalid 'k'"),
        (
            '{"format":"breakglass-manifest","set_id":"x","fingerprint":"y","k":2,"n":3,"sheets":[{"share":1,"copy":1e9}]}',
            "invalid 'copy'",
        ),
        ('{"format":"breakglass-manifest","set_id":"x","k":2,"n":3}', "has no 'fingerprint'"),
        ("[" * 100_000, "nested too deeply"),
        ('{"k": 1' + "0" * 5000 + "}", "not valid JSON"),
        ("[1, 2]", "not a breakglass manifest"),
    ],
)
def test_bad_manifests_are_one_line(tmp_path, document, words):
    path = tmp_path / "manifest.json"
    path.write_text(document)
    with pytest.raises(BreakglassError, match=words):
        manifest.load(path)


# ---------------------------------------------------------------- typed text: linear, bounded, never an exception


ADVERSARIAL = [
    " " * 150_000,
    "01 A" + " " * 150_000 + "!",
    "01" + " " * 150_000 + ".",
    "BG1 SHARE 1 OF 2 SET 1A2B-3C4D-5E6F-7081" + " " * 150_000 + "X",
    "BG1 SHARE 1 OF 3 SET 1A2B-3C4D-5E6F-7081 COPY 1 LINES 9999\n" * 20_000,
    ("BG1 SHARE 1 OF 3 SET 1A2B-3C4D-5E6F-7081 LINES 9999\n" + "01  ABCD EFGH JKMN PQRS TVWX YZ01  K7Q2\n" * 5000),
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_typed_text_parsing_is_linear_and_its_problems_bounded(text):
    with hang_guard(60):
        reading = typed.read_text(text)
    assert not reading.shares
    assert all(len(p) < 300 for p in reading.problems)


TOKENS = st.sampled_from(
    [
        "BG1",
        " SHARE ",
        "1",
        " OF ",
        "3",
        " SET ",
        "1A2B-3C4D-5E6F-7081",
        " LINES ",
        "9999",
        "\n",
        "01",
        "  ",
        "ABCD",
        " ",
        "K7Q2",
        ".",
        "\t",
        "-",
        "Z" * 30,
        " " * 500,
        "\x00",
        "é",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, max_size=400))
def test_typed_text_never_raises(tokens):
    reading = typed.read_text("".join(tokens))
    assert len(reading.shares) == len(reading.copies)
    assert all(isinstance(p, str) and len(p) < 300 for p in reading.problems)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_journal_parse_never_raises(raw):
    parsed = journal.parse(raw)
    assert parsed.bad is not None or all(e.line for e in parsed.entries)


def test_junk_typed_text_prints_a_screenful_not_megabytes(tmp_path, sheets):
    headers = "BG1 SHARE 1 OF 3 SET 1A2B-3C4D-5E6F-7081 COPY 1 LINES 9999\n" * 1000
    (tmp_path / "junk.txt").write_text(headers)
    result = cli("recombine", "--verify-only", "--typed", tmp_path / "junk.txt", *pdfs(sheets / "sheets")[:2])
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert len(err) < 10_000 and "more lines like it" in err


def test_many_junk_files_collapse(tmp_path, sheets):
    folder = tmp_path / "scans"
    folder.mkdir()
    for i in range(60):
        (folder / f"junk-{i:03d}.png").write_bytes(b"not a png")
    result = cli("recombine", "--verify-only", folder, *pdfs(sheets / "sheets")[:2])
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert err.count("not an image or PDF") <= 2 * 20 and "... and 40 more lines like it" in err


# ---------------------------------------------------------------- outputs onto links, devices and existing files


def test_recombine_out_onto_a_link_or_device_is_refused_and_records_nothing(tmp_path, sheets):
    j = tmp_path / "journal.jsonl"
    j.write_bytes((sheets / "journal.jsonl").read_bytes())
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "link").symlink_to(victim)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    for out, words in [
        (tmp_path / "link", "symbolic link"),
        (tmp_path / "dangling", "symbolic link"),
        ("/dev/full", "not a file"),
        (victim, "already exists"),
    ]:
        line = error_line(
            cli("recombine", "--out", out, "--journal", j, *PEOPLE, *INCIDENT, *pdfs(sheets / "sheets")[:2])
        )
        assert words in line
    assert victim.read_text() == "keep me" and not (tmp_path / "nowhere").exists()
    assert j.read_bytes() == (sheets / "journal.jsonl").read_bytes()  # nothing recorded


def test_pdf_outputs_never_write_through_a_link_even_with_force(tmp_path, sheets):
    victim = tmp_path / "journal-copy.jsonl"
    victim.write_bytes((sheets / "journal.jsonl").read_bytes())
    (tmp_path / "logbook.pdf").symlink_to(victim)
    for force in ([], ["--force"]):
        line = error_line(
            cli("logbook", "--manifest", sheets / "sheets" / "manifest.json", "--out", tmp_path / "logbook.pdf", *force)
        )
        assert "symbolic link" in line
    assert victim.read_bytes() == (sheets / "journal.jsonl").read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_split_refuses_a_planted_link_before_asking_for_the_credential(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").symlink_to(tmp_path / "elsewhere")
    line = error_line(
        cli("split", "-k", "2", "-n", "2", "--label", "x", "--out", out, "--secret-file", "-", input=SECRET)
    )
    assert "already holds manifest.json" in line
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"] and not (tmp_path / "elsewhere").exists()


def test_appending_through_a_journal_link_is_refused(tmp_path, sheets):
    (tmp_path / "journal.jsonl").symlink_to(sheets / "journal.jsonl")
    before = (sheets / "journal.jsonl").read_bytes()
    line = error_line(
        cli(
            "recombine", "--verify-only", "--journal", tmp_path / "journal.jsonl", *PEOPLE, *pdfs(sheets / "sheets")[:2]
        )
    )
    assert "symbolic link" in line and (sheets / "journal.jsonl").read_bytes() == before


def test_modes_whatever_the_umask(tmp_path, sheets):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; os.umask(0); from breakglass.__main__ import main; main()",
            "split",
            "-k",
            "2",
            "-n",
            "2",
            "--label",
            "Modes",
            "--secret-file",
            sheets / "secret",
            "--out",
            tmp_path / "o",
            "--journal",
            tmp_path / "j.jsonl",
            *PEOPLE,
            "--no-scan-check",
        ],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for path in [*tmp_path.joinpath("o").iterdir(), tmp_path / "j.jsonl"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; os.umask(0o027); from breakglass.__main__ import main; main()",
            "logbook",
            "--manifest",
            tmp_path / "o" / "manifest.json",
            "--out",
            tmp_path / "logbook.pdf",
        ],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "logbook.pdf").stat().st_mode) == 0o640  # a document: 0644 narrowed by the umask


def test_force_replaces_an_earlier_pdf_but_never_a_journal(tmp_path, sheets):
    journal = tmp_path / "journal.jsonl"
    journal.write_bytes((sheets / "journal.jsonl").read_bytes())
    line = error_line(cli("logbook", "--manifest", sheets / "sheets" / "manifest.json", "--out", journal, "--force"))
    assert "not a PDF" in line and journal.read_bytes() == (sheets / "journal.jsonl").read_bytes()
    pdf = tmp_path / "logbook.pdf"
    for _ in range(2):
        result = cli("logbook", "--manifest", sheets / "sheets" / "manifest.json", "--out", pdf, "--force")
        assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF-")
