"""What the commands say, each item of issue 23's "Messages" with a test of its class: one shape for every event
code line, a pasted key at the one-line prompt, one person named for two shares, a destroyed sheet read again,
expand's checks before the bags are opened, a logbook of a set the journal never made, and what the readers say
of a typed header without COPY, a share whose n was changed and a QR code of a newer format."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import qrcode

from breakglass.errors import BreakglassError
from breakglass.format import combine, scheme, typed
from breakglass.record.journal import append_event, read_journal
from helpers import CODE_LINE, PEOPLE, Terminal, invoke, invoke_split, typed_files


@pytest.fixture
def made(tmp_path):
    output: list[str] = []
    invoke_split(tmp_path, output)
    return tmp_path, output[0]


def assert_one_code_line(output: str, journal: Path) -> None:
    codes = CODE_LINE.findall(output)
    assert codes == [read_journal(journal)[-1].code], output


def test_every_command_that_records_prints_its_code_in_the_one_shape(made):
    base, split_output = made
    journal = base / "journal.jsonl"
    assert_one_code_line(split_output, journal)
    typed_args = typed_files(base / "sheets", base, {1, 2})
    result = invoke("recombine", "--journal", journal, *PEOPLE, "--verify-only", *typed_args)
    assert result.exit_code == 0, result.output
    assert_one_code_line(result.output, journal)
    result = invoke(
        "expand",
        "--journal",
        journal,
        *PEOPLE,
        "--custodian",
        "Dee",
        "--out",
        base / "new",
        "--no-scan-check",
        *typed_args,
    )
    assert result.exit_code == 0, result.output
    assert_one_code_line(result.output, journal)
    result = invoke("destroy", "--journal", journal, "--set", read_journal(journal)[0].set, "--sheet", "3", *PEOPLE)
    assert result.exit_code == 0, result.output
    assert_one_code_line(result.output, journal)
    journal.write_bytes(journal.read_bytes() + b'{"seq":')
    result = invoke("journal", "repair", journal, *PEOPLE)
    assert result.exit_code == 0, result.output
    assert_one_code_line(result.output, journal)


def test_a_key_pasted_at_the_one_line_prompt_is_told_about_multi_line(tmp_path):
    term = Terminal("split", "-k", "2", "-n", "2", "--label", "Pasted", "--out", tmp_path / "o", "--no-scan-check")
    term.read_until("Type the credential")
    assert "--multi-line" in term.output  # the prompt itself says how to enter several lines
    os.write(term.master, b"-----BEGIN KEY-----\nMIIBVgIBADANBgkqhkiG9w0B\nAQEFAASCAUAwggE8\n-----END KEY-----\n")
    assert term.finish() == 1
    assert "differ" in term.output and "--multi-line" in term.output.split("differ")[1], term.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("names", [("Ana", "Ana", "Bo"), ("Ana", "Bo", " ana "), ("Ana", "Bo", "ANA")])
def test_one_person_named_for_two_shares_is_refused_before_the_credential(tmp_path, names):
    args = [a for name in names for a in ("--custodian", name)]
    result = invoke("split", "-k", "2", "-n", "3", "--label", "Dup", "--out", tmp_path / "o", *args)
    assert result.exit_code == 1 and "one person holds one share" in result.output, result.output
    assert "Type the credential" not in result.output and not (tmp_path / "o").exists()


def test_expand_warns_when_a_new_sheet_gives_someone_k_shares(made):
    """ceremony/expand.md: 'No one may end up holding k shares of the set: breakglass warns'."""
    base, _ = made
    typed_args = typed_files(base / "sheets", base, {1, 2})
    result = invoke(
        "expand",
        "--journal",
        base / "journal.jsonl",
        *PEOPLE,
        "--custodian",
        "ana",
        "--out",
        base / "new",
        "--no-scan-check",
        *typed_args,
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"WARNING: ana would hold 2 distinct shares of this set \(1, 4\) and k is 2", result.output)
    assert "k shares" in (Path(__file__).parents[1] / "ceremony" / "expand.md").read_text()


def test_a_destroyed_sheet_read_again_is_an_incident_naming_the_destroy_event(made):
    base, _ = made
    journal = base / "journal.jsonl"
    set_text = read_journal(journal)[0].set
    assert invoke("destroy", "--journal", journal, "--set", set_text, "--sheet", "1", *PEOPLE).exit_code == 0
    destroy = read_journal(journal)[-1]
    result = invoke(
        "recombine", "--journal", journal, *PEOPLE, "--verify-only", *typed_files(base / "sheets", base, {1, 2})
    )
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "sheet 1.1" in line)
    assert "destroyed sheet has reappeared" in line and "incident" in line
    assert f"destroy event {destroy.code} on {destroy.time[:10]}" in line


def test_expand_checks_the_config_and_the_folder_before_any_sheet_is_read(made):
    base, _ = made
    config = base / "c.toml"
    example = (Path(__file__).parents[1] / "ceremony" / "example.toml").read_text()
    config.write_text(example.replace("k = 3", "k = 2").replace("n = 5", "n = 6"))  # n = 6, but expand makes 4
    missing_scan = base / "no-such-scan.png"  # never read: the refusal comes first
    result = invoke(
        "expand",
        "--journal",
        base / "journal.jsonl",
        "--config",
        config,
        "--custodian",
        "Dee",
        "--out",
        base / "new",
        missing_scan,
    )
    assert result.exit_code == 1 and "says n = 6" in result.output and "will have 4" in result.output, result.output
    assert "Reading the set's sheets" not in result.output
    (base / "taken").mkdir()
    (base / "taken" / "wording-share-4-of-4.pdf").write_bytes(b"%PDF-")
    result = invoke(
        "expand",
        "--journal",
        base / "journal.jsonl",
        *PEOPLE,
        "--custodian",
        "Dee",
        "--out",
        base / "taken",
        missing_scan,
    )
    assert result.exit_code == 1 and "already holds" in result.output, result.output
    assert "Reading the set's sheets" not in result.output


def test_a_logbook_for_a_set_the_journal_never_made_is_refused(made, tmp_path_factory):
    base, _ = made
    other = tmp_path_factory.mktemp("other")
    append_event(
        other / "journal.jsonl",
        "split",
        set_id="1A2B-3C4D-5E6F-7081",
        shares=[1, 2],
        fingerprint="GG7A-6H24-R1SZ-DES3",
        operator="A",
        witness="B",
        extra={"k": 2, "n": 2, "label": "Other"},
        now=datetime(2026, 1, 1, tzinfo=UTC),
    )
    result = invoke(
        "logbook",
        "--manifest",
        base / "sheets" / "manifest.json",
        "--journal",
        other / "journal.jsonl",
        "--out",
        base / "logbook.pdf",
    )
    assert result.exit_code == 1 and "never made" in result.output, result.output
    assert not (base / "logbook.pdf").exists()
    result = invoke(
        "logbook",
        "--manifest",
        base / "sheets" / "manifest.json",
        "--journal",
        base / "journal.jsonl",
        "--out",
        base / "logbook.pdf",
    )
    assert result.exit_code == 0, result.output


def test_a_typed_format2_header_without_copy_is_refused_as_the_spec_says():
    share = scheme.split(b"copy is mandatory", 2, 3, version=2).shares[0]
    text = typed.encode(share, copy=1)
    assert " COPY 1 " in text  # what every format-2 sheet prints
    with pytest.raises(BreakglassError, match="no COPY"):
        typed.parse_header(text.splitlines()[0].replace(" COPY 1", ""))
    assert typed.read_text(text).shares == [share]
    v1 = scheme.split(b"format 1 keeps COPY optional", 2, 3, version=1).shares[0]
    header = typed.parse_header(typed.encode(v1).splitlines()[0].replace(" COPY 1", ""))
    assert header.copy == 1


@pytest.mark.parametrize("version", [1, 2])
def test_a_share_claiming_another_n_does_not_change_the_summary_and_is_named(version):
    shares = scheme.split(b"n is not covered by any check", 2, 4, version=version).shares
    forged = replace(shares[1], n=6)
    recovered = combine.recombine([shares[0], forged, shares[2]])
    assert recovered.credential == b"n is not covered by any check"
    assert recovered.n == 4 and recovered.missing == (4,)
    # Format 2 carries n outside every check: the share is named for its n. Format 1 compares n with the
    # other shares' header bytes: the share does not fit and is named as such.
    named = "share 2 says 6" if version == 2 else "share 2 of set"
    assert any(named in w for w in recovered.warnings), recovered.warnings
    assert not combine.recombine(shares[:3]).warnings


def test_a_code_of_a_newer_format_is_reported_once_as_such(tmp_path):
    qrcode.make("BG3:ABCDEF0123456789:1:1:1/1:XYZ", box_size=8).save(tmp_path / "bg3.png")
    result = invoke("recombine", "--verify-only", tmp_path / "bg3.png")
    assert result.exit_code == 1 and "newer version of breakglass" in result.output, result.output
    assert "no breakglass QR code" not in result.output


def test_one_code_read_of_a_several_code_share_is_said_in_the_singular():
    from breakglass.format.v2 import qrtext as qrtext2
    from breakglass.paper import codes

    share = scheme.split(b"s" * 900, 2, 3, version=2).shares[0]
    texts = codes.code_plan(share).texts
    _shares, problems = qrtext2.assemble_all([qrtext2.parse_chunk(texts[0])])
    assert any("1 of its QR codes was read" in p for p in problems), problems
