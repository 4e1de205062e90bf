"""reshare through the real CLI: the same credential as a new set (new k, n, custodians, format), the old set
retired and refused, its sheets listed for destruction; the holders carried over when nothing is given; the
warnings a reshare owes (a release not yet rotated)."""

from __future__ import annotations

import json
from pathlib import Path

from breakglass.record.journal import read_journal
from helpers import once_per_run, png_pages, run, text

SECRET = b"reshare-me \x01 same credential"
PEOPLE = ("--operator", "Ola Operator", "--witness", "Wes Witness")


def at(when: str) -> dict:
    return {"BREAKGLASS_FAKE_TIME": when}


def sheets_of(folder: Path, *shares) -> list[Path]:
    files = sorted(folder.glob("*-share-*-of-*.pdf"))
    return [f for f in files if not shares or int(f.name.split("-share-")[1].split("-")[0]) in shares]


@once_per_run
def format1_set(base: Path) -> Path:
    (base / "secret.bin").write_bytes(SECRET)
    result = run(
        "split",
        "--format",
        "1",
        "-k",
        "2",
        "-n",
        "3",
        "--label",
        "Reshare test",
        "--secret-file",
        base / "secret.bin",
        "--out",
        base / "old",
        "--journal",
        base / "journal.jsonl",
        *PEOPLE,
        "--custodian",
        "Alice",
        "--custodian",
        "Bob",
        "--custodian",
        "Carol",
        env=at("2026-01-05T10:00:00Z"),
    )
    assert result.returncode == 0, text(result)
    return base


def copy_journal(base: Path, tmp_path: Path) -> Path:
    journal = tmp_path / "journal.jsonl"
    journal.write_bytes((base / "journal.jsonl").read_bytes())
    return journal


def test_a_new_threshold_count_and_format_of_the_same_credential(format1_set, tmp_path):
    journal = copy_journal(format1_set, tmp_path)
    old = sheets_of(format1_set / "old", 1, 3)
    result = run(
        "reshare",
        "--journal",
        journal,
        *PEOPLE,
        "--format",
        "2",
        "-k",
        "3",
        "-n",
        "4",
        *(a for name in ("Alice", "Carol", "Dan", "Erin") for a in ("--custodian", name)),
        "--out",
        tmp_path / "new",
        *old,
        env=at("2026-02-01T10:00:00Z"),
    )
    out = text(result)
    assert result.returncode == 0, out
    assert "4 combination(s) of 3, all exact" in out and "is now RETIRED" in out
    assert "share 2 copy 1 (Bob)" in out and "by 2026-02-08" in out and "give the SAME credential" in out
    entry = read_journal(journal)[-1]
    assert entry.event == "reshare" and entry.extra["k"] == 3 and entry.extra["n"] == 4 and entry.extra["format"] == 2
    manifest = json.loads((tmp_path / "new" / "manifest.json").read_text())
    assert manifest["ceremony"] == "reshare" and manifest["replaces_set"] == entry.set
    assert manifest["set_id"] == entry.extra["new_set"] != entry.set
    images = [p for pdf in sheets_of(tmp_path / "new", 2, 3, 4) for p in png_pages(pdf, tmp_path)]
    recovered = run("recombine", "--out", "-", *images)
    assert recovered.returncode == 0 and recovered.stdout == SECRET, text(recovered)
    assert not any(b"reshare-me" in p.read_bytes() for p in [journal, *(tmp_path / "new").iterdir()])
    status = run("manifest", tmp_path / "new" / "manifest.json", "--journal", journal)
    assert "current" in text(status)
    old_manifest = format1_set / "old" / "manifest.json"
    assert f"retired by reshare {entry.code}" in text(run("manifest", old_manifest, "--journal", journal))


def test_reshared_twice_from_the_same_old_sheets_is_refused(format1_set, tmp_path):
    journal = copy_journal(format1_set, tmp_path)
    first = run(
        "reshare",
        "--journal",
        journal,
        *PEOPLE,
        "--no-scan-check",
        "--out",
        tmp_path / "a",
        *sheets_of(format1_set / "old", 1, 2),
        env=at("2026-02-01T10:00:00Z"),
    )
    assert first.returncode == 0, text(first)
    before = journal.read_bytes()
    again = run(
        "reshare",
        "--journal",
        journal,
        *PEOPLE,
        "--no-scan-check",
        "--out",
        tmp_path / "b",
        *sheets_of(format1_set / "old", 2, 3),
        env=at("2026-02-01T11:00:00Z"),
    )
    assert again.returncode == 1 and "retired by reshare" in text(again), text(again)
    assert journal.read_bytes() == before and not (tmp_path / "b").exists()


def test_the_holders_still_in_custody_carry_over(format1_set, tmp_path):
    """Bob's damaged sheet 2 was replaced by share 4 for Bob and destroyed: a reshare without options gives the
    new set one share per share in custody, to the same people: Alice, Carol, Bob (numbered 1..3)."""
    journal = copy_journal(format1_set, tmp_path)
    old = format1_set / "old"
    grown = run(
        "expand",
        "--journal",
        journal,
        *PEOPLE,
        "--custodian",
        "Bob",
        "--replaces",
        "2",
        "--no-scan-check",
        "--out",
        tmp_path / "grown",
        *sheets_of(old, 1, 2),
        env=at("2026-02-01T10:00:00Z"),
    )
    assert grown.returncode == 0, text(grown)
    assert "format 1" in text(grown)
    set_id = read_journal(journal)[-1].set
    destroyed = run(
        "destroy", "--journal", journal, "--set", set_id, "--sheet", "2.1", *PEOPLE, env=at("2026-02-01T10:30:00Z")
    )
    assert destroyed.returncode == 0, text(destroyed)
    result = run(
        "reshare",
        "--journal",
        journal,
        *PEOPLE,
        "--no-scan-check",
        "--out",
        tmp_path / "new",
        *sheets_of(tmp_path / "grown"),
        *sheets_of(old, 3),
        env=at("2026-02-02T10:00:00Z"),
    )
    assert result.returncode == 0, text(result)
    entry = read_journal(journal)[-1]
    assert entry.extra["sheets"] == [
        {"share": 1, "copy": 1, "holder": "Alice"},
        {"share": 2, "copy": 1, "holder": "Carol"},
        {"share": 3, "copy": 1, "holder": "Bob"},
    ]
    assert entry.extra["k"] == 2 and entry.extra["format"] == 1
    # the old set's sheets still to destroy: 1 (Alice), 3 (Carol) and the expanded 4 (Bob); 2.1 is gone
    out = text(result)
    assert "share 1 copy 1 (Alice)" in out and "share 4 copy 1 (Bob)" in out and "share 2 copy 1" not in out


def test_a_release_not_yet_rotated_is_named(format1_set, tmp_path):
    journal = copy_journal(format1_set, tmp_path)
    release = run(
        "recombine",
        "--journal",
        journal,
        *PEOPLE,
        "--incident",
        "INC-1",
        "--reason",
        "outage",
        "--out",
        tmp_path / "c.bin",
        *sheets_of(format1_set / "old", 1, 2),
        env=at("2026-02-01T02:00:00Z"),
    )
    assert release.returncode == 0, text(release)
    result = run(
        "reshare",
        "--journal",
        journal,
        *PEOPLE,
        "--no-scan-check",
        "--out",
        tmp_path / "new",
        *sheets_of(format1_set / "old", 2, 3),
        env=at("2026-02-01T10:00:00Z"),
    )
    assert result.returncode == 0, text(result)
    assert "WARNING: the credential was released on 2026-02-01" in text(result)
    assert "must still be rotated" in text(result)
