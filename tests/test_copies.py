"""Copies of each share, held by different people: printed, read back, counted once, journalled, audited."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path

from breakglass.record.journal import read_journal
from helpers import once_per_run, run, text

SECRET = b"copies-test-credential"


@once_per_run
def two_copies(base: Path):
    (base / "s").write_bytes(SECRET)
    result = run(
        "split",
        "-k",
        "2",
        "-n",
        "3",
        "--copies",
        "2",
        "--label",
        "Copies",
        "--secret-file",
        base / "s",
        "--out",
        base / "sheets",
        "--journal",
        base / "j.jsonl",
        "--custodian",
        "Alice",
        "--custodian",
        "Bob",
        "--custodian",
        "Carol",
        "--operator",
        "Ann",
        "--witness",
        "Wim",
    )
    assert result.returncode == 0, text(result)
    return base, text(result)


def sheet(base, share, copy):
    return base / "sheets" / f"copies-share-{share}-of-3-copy-{copy}.pdf"


def test_every_copy_is_printed_and_read_back(two_copies):
    base, output = two_copies
    for share in (1, 2, 3):
        for copy in (1, 2):
            assert sheet(base, share, copy).is_file()
            assert f"copies-share-{share}-of-3-copy-{copy}.pdf" in output
    assert output.count("read back by zxing-cpp") == 6


def test_manifest_and_journal_list_every_copy(two_copies):
    base, _ = two_copies
    manifest = json.loads((base / "sheets" / "manifest.json").read_text())
    assert [(s["share"], s["copy"]) for s in manifest["sheets"]] == [(s, c) for s in (1, 2, 3) for c in (1, 2)]
    split = read_journal(base / "j.jsonl")[0]
    assert {(s["share"], s["copy"], s["holder"]) for s in split.extra["sheets"]} >= {(1, 2, "Alice"), (3, 1, "Carol")}


def test_the_sheet_says_which_copy(two_copies):
    import pypdfium2

    base, _ = two_copies
    document = pypdfium2.PdfDocument(sheet(base, 2, 2))
    page_text = document[0].get_textpage().get_text_range()
    document.close()
    assert "copy 2 of 2" in page_text.lower()


def test_two_copies_of_one_share_count_once(two_copies):
    base, _ = two_copies
    result = run("recombine", "--verify-only", sheet(base, 1, 1), sheet(base, 1, 2))
    assert result.returncode == 1
    assert "need 2 shares, have 1: share 1" in text(result)


def test_copies_are_accepted_said_and_journalled(two_copies):
    base, _ = two_copies
    result = run(
        "recombine",
        "--verify-only",
        "--journal",
        base / "j.jsonl",
        "--operator",
        "Ann",
        "--witness",
        "Wim",
        sheet(base, 1, 1),
        sheet(base, 1, 2),
        sheet(base, 3, 2),
    )
    assert result.returncode == 0, text(result)
    assert "copies 1, 2: same share, counted once" in text(result)
    drill = read_journal(base / "j.jsonl")[-1]
    assert drill.event == "drill" and drill.shares == (1, 3)
    assert drill.extra["copies"] == [[1, 1], [1, 2], [3, 2]]


def test_audit_flags_a_holder_with_k_distinct_shares(tmp_path):
    (tmp_path / "s").write_bytes(SECRET)
    result = run(
        "split",
        "-k",
        "2",
        "-n",
        "3",
        "--label",
        "L",
        "--secret-file",
        tmp_path / "s",
        "--out",
        tmp_path / "o",
        "--journal",
        tmp_path / "j.jsonl",
        "--custodian",
        "Alice",
        "--custodian",
        "alice",
        "--custodian",
        "Bob",
        "--no-scan-check",
        "--operator",
        "Ann",
        "--witness",
        "Wim",
    )
    assert result.returncode == 1 and "one person holds one share" in text(result)  # split refuses it now
    # A journal an older breakglass wrote that way is still found out by the audit.
    from datetime import datetime

    from breakglass.record.journal import append_event

    sheets = [{"share": i, "copy": 1, "holder": h} for i, h in enumerate(("Alice", "alice", "Bob"), 1)]
    append_event(
        tmp_path / "j.jsonl",
        "split",
        set_id="1A2B-3C4D-5E6F-7081",
        shares=[1, 2, 3],
        fingerprint="GG7A-6H24-R1SZ-DES3",
        operator="Ann",
        witness="Wim",
        extra={"k": 2, "n": 3, "label": "L", "sheets": sheets},
        now=datetime(2026, 1, 5, tzinfo=UTC),
    )
    audit = run("audit", "--journal", tmp_path / "j.jsonl")
    assert audit.returncode == 1
    assert "one holder (Alice) holds 2 distinct shares, k is 2" in text(audit)
