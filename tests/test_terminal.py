"""The interactive paths, through a real pseudo-terminal: typing a share line by line, and the confirmation
before the credential is shown on screen."""

from __future__ import annotations

from pathlib import Path

from breakglass.format import scheme, typed
from helpers import Terminal, once_per_run, pdfs, run, text

SECRET = b"terminal-test-credential"


@once_per_run
def sheets(base: Path):
    (base / "s").write_bytes(SECRET)
    result = run("split", "-k", "2", "-n", "3", "--label", "Terminal", "--secret-file", base / "s", "--out", base / "o")
    assert result.returncode == 0, text(result)
    return base / "o"


def test_type_in_checks_each_line_and_asks_again_for_a_bad_one(sheets):
    share = scheme.split(b"unrelated", 2, 3).shares[0]  # a share of another set, typed by hand
    header, *lines = typed.encode(share).splitlines()
    term = Terminal("recombine", "--verify-only", "--type-in", pdfs(sheets)[0])
    term.read_until("header")
    term.type(header)
    term.read_until("line 01")
    bad = lines[0][:4] + ("0000" if lines[0][4:8] != "0000" else "1111") + lines[0][8:]
    term.type(bad)
    term.read_until("retype line 01")
    for number, line in enumerate(lines, start=1):
        if number > 1:
            term.read_until(f"line {number:02d}")
        term.type(line.split(None, 1)[1])  # without the line number, as a person would
    term.read_until("Type another share?")
    term.type("n")
    code = term.finish()
    assert "share 1 accepted" in term.output
    # One share of another set and one of the scanned set: recombination must refuse, naming both sets.
    assert code == 1 and "none has enough" in term.output


def test_type_in_completes_a_set(sheets):
    from breakglass.scan.collect import ShareCollector

    collector = ShareCollector()
    import pypdfium2

    document = pypdfium2.PdfDocument(pdfs(sheets)[1])
    collector.add_typed_text(document[0].get_textpage().get_text_range(), "sheet 2")
    document.close()
    share = collector.shares()[0].share
    header, *lines = typed.encode(share).splitlines()
    term = Terminal("recombine", "--verify-only", "--type-in", pdfs(sheets)[2])
    term.read_until("header")
    term.type(header)
    for number, line in enumerate(lines, start=1):
        term.read_until(f"line {number:02d}")
        term.type(line)
    term.read_until("Type another share?")
    term.type("n")
    assert term.finish() == 0, term.output
    assert "OK  set" in term.output


def test_credential_is_shown_only_after_yes(sheets):
    declined = Terminal("recombine", *pdfs(sheets)[:2])
    declined.read_until("Show the credential on this screen now?")
    declined.type("n")
    assert declined.finish() == 0
    assert SECRET.decode() not in declined.output and "Not shown" in declined.output

    accepted = Terminal("recombine", *pdfs(sheets)[1:])
    accepted.read_until("Show the credential on this screen now?")
    accepted.type("y")
    assert accepted.finish() == 0
    assert SECRET.decode() in accepted.output and "rotate" in accepted.output


def test_split_prompts_twice_without_echo(tmp_path):
    term = Terminal("split", "-k", "2", "-n", "2", "--label", "Prompted", "--out", tmp_path / "o", "--no-scan-check")
    term.read_until("Type the credential")
    term.type("typed-at-the-prompt")
    term.read_until("Type it again")
    term.type("typed-at-the-prompt")
    assert term.finish() == 0, term.output
    assert "typed-at-the-prompt" not in term.output  # never echoed
    back = run("recombine", "--out", "-", *pdfs(tmp_path / "o"))
    assert back.stdout == b"typed-at-the-prompt"


def test_split_prompt_mismatch_writes_nothing(tmp_path):
    term = Terminal("split", "-k", "2", "-n", "2", "--label", "Prompted", "--out", tmp_path / "o")
    term.read_until("Type the credential")
    term.type("first")
    term.read_until("Type it again")
    term.type("second")
    assert term.finish() == 1
    assert "differ" in term.output and not (tmp_path / "o").exists()


@once_per_run
def journalled(base: Path):
    """A set with its journal, for the recorded reveals below."""
    (base / "s").write_bytes(SECRET)
    result = run(
        "split",
        "-k",
        "2",
        "-n",
        "3",
        "--label",
        "Recorded",
        "--secret-file",
        base / "s",
        "--out",
        base / "o",
        "--journal",
        base / "journal.jsonl",
        *RELEASE[:4],
        "--no-scan-check",
    )
    assert result.returncode == 0, text(result)
    return base


RELEASE = ("--operator", "Ann Able", "--witness", "Ben Baker", "--incident", "INC-9", "--reason", "terminal test")


def test_a_declined_reveal_records_nothing_and_a_shown_one_is_recorded_first(journalled):
    from breakglass.record.journal import read_journal

    journal = journalled / "journal.jsonl"
    before = journal.read_bytes()
    declined = Terminal("recombine", "--journal", journal, *RELEASE, *pdfs(journalled / "o")[:2])
    declined.read_until("Show the credential on this screen now?")
    assert journal.read_bytes() == before  # asked before anything is recorded
    declined.type("n")
    assert declined.finish() == 0
    assert "nothing was recorded" in declined.output and journal.read_bytes() == before

    accepted = Terminal("recombine", "--journal", journal, *RELEASE, *pdfs(journalled / "o")[:2])
    accepted.read_until("Show the credential on this screen now?")
    accepted.type("y")
    assert accepted.finish() == 0
    entries = read_journal(journal)
    assert [e.event for e in entries] == ["split", "release"]
    assert accepted.output.index(entries[-1].code) > accepted.output.index(SECRET.decode()) > 0


def test_ctrl_c_at_the_reveal_question_is_one_line_and_records_nothing(journalled):
    import signal

    journal = journalled / "journal.jsonl"
    before = journal.read_bytes()
    term = Terminal("recombine", "--journal", journal, *RELEASE, *pdfs(journalled / "o")[:2])
    term.read_until("Show the credential on this screen now?")
    term.process.send_signal(signal.SIGINT)
    assert term.finish() == 130
    assert term.output.strip().splitlines()[-1] == "interrupted; nothing was written"
    assert "Traceback" not in term.output and journal.read_bytes() == before
