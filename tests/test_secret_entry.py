"""Entering the credential: hidden at a real pseudo-terminal (one line, several lines, `--secret-file -`), exact
bytes from files and pipes, and a description that shows its length but none of its characters."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from breakglass.system import secretio
from helpers import Terminal, pdfs, run, text

PEM = ["-----BEGIN TEST KEY-----", "MIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8", "-----END TEST KEY-----"]


def ctrl_d(term: Terminal) -> None:
    os.write(term.master, b"\x04")


def split_args(out) -> list:
    return ["split", "-k", "2", "-n", "2", "--label", "Entered", "--out", out, "--no-scan-check"]


def recovered(out) -> bytes:
    back = run("recombine", "--out", "-", *pdfs(out))
    assert back.returncode == 0, text(back)
    return back.stdout


def assert_never_echoed(output: str, lines: list[str]) -> None:
    for line in lines:
        for piece in (line, line[:12], line[-12:]):
            assert piece not in output, f"{piece!r} was echoed:\n{output}"


def test_secret_file_dash_at_a_terminal_takes_hidden_lines_until_ctrl_d(tmp_path):
    term = Terminal(*split_args(tmp_path / "o"), "--secret-file", "-")
    for prompt in ("Type the credential", "Type it again"):
        term.read_until(prompt)
        for line in PEM:
            term.type(line)
        ctrl_d(term)
    assert term.finish() == 0, term.output
    assert_never_echoed(term.output, PEM)
    assert "3 lines" in term.output
    assert recovered(tmp_path / "o") == "\n".join(PEM).encode()  # the Enter that ends the last line is not kept


def test_multi_line_prompt_typed_ahead_all_at_once(tmp_path):
    term = Terminal(*split_args(tmp_path / "o"), "--multi-line")
    term.read_until("Type the credential")
    entry = "".join(line + "\n" for line in PEM).encode() + b"\x04"
    os.write(term.master, entry + entry)  # both entries typed ahead, as a paste would
    assert term.finish() == 0, term.output
    assert_never_echoed(term.output, PEM)
    assert recovered(tmp_path / "o") == "\n".join(PEM).encode()


def test_ctrl_d_after_the_last_character_ends_the_line_without_a_newline(tmp_path):
    term = Terminal(*split_args(tmp_path / "o"), "--secret-file", "-")
    for prompt in ("Type the credential", "Type it again"):
        term.read_until(prompt)
        os.write(term.master, "pässwörd 🙂".encode())
        ctrl_d(term)  # ends the line without Enter
        ctrl_d(term)  # ends the entry
    assert term.finish() == 0, term.output
    assert "pässwörd" not in term.output
    assert recovered(tmp_path / "o") == "pässwörd 🙂".encode()


def test_two_different_entries_are_refused_and_nothing_is_written(tmp_path):
    term = Terminal(*split_args(tmp_path / "o"), "--secret-file", "-")
    term.read_until("Type the credential")
    term.type("first")
    ctrl_d(term)
    term.read_until("Type it again")
    term.type("second")
    ctrl_d(term)
    assert term.finish() == 1
    assert "differ" in term.output and not (tmp_path / "o").exists()
    assert_never_echoed(term.output, ["first", "second"])


def test_an_empty_entry_is_refused(tmp_path):
    term = Terminal(*split_args(tmp_path / "o"))
    term.read_until("Type the credential")
    term.type("")
    assert term.finish() == 1
    assert "empty" in term.output and not (tmp_path / "o").exists()


def test_a_pipe_keeps_every_byte_and_says_so(tmp_path):
    secret = b"line one\r\nline two\n\x00\xff"
    result = run(*split_args(tmp_path / "o"), "--secret-file", "-", input=secret + b"\n")
    assert result.returncode == 0, text(result)
    assert "ends with a newline, which is kept" in text(result)
    assert recovered(tmp_path / "o") == secret + b"\n"


def test_strip_newline_drops_exactly_one(tmp_path):
    (tmp_path / "s").write_bytes(b"secret\n\n")
    result = run(*split_args(tmp_path / "o"), "--secret-file", tmp_path / "s", "--strip-newline")
    assert result.returncode == 0, text(result)
    assert recovered(tmp_path / "o") == b"secret\n"


@pytest.mark.parametrize(
    "data,lines", [(b"hunter22", 1), (b"alpha\nbravo\ncharlie", 3), (b"alpha\nbravo\n", 2), ("中文密码\n".encode(), 1)]
)
def test_the_description_gives_length_and_lines_but_none_of_the_credential(data, lines):
    described = secretio.describe(data)
    assert f"{len(data)} bytes, {lines} line" in described
    for word in data.decode().split():
        assert word not in described
    code = secretio.check_code(data)
    assert code == secretio.check_code(data) and code != secretio.check_code(data + b"!")


def test_the_check_code_is_keyed_per_run():
    probe = "from breakglass.system.secretio import check_code; print(check_code(b'hunter2'))"
    codes = {
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
        for _ in range(3)
    }
    assert len(codes) == 3  # a code from one run says nothing another run can reproduce
