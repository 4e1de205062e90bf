"""Machine-readable status: `journal show --json`, `journal verify --json` and `manifest --json`."""

from __future__ import annotations

import json
from pathlib import Path

from breakglass.record.journal import read_journal
from breakglass.system.package import fingerprint
from helpers import once_per_run, run, text


@once_per_run
def made(base: Path):
    (base / "secret").write_bytes(b"json-output-credential")
    result = run(
        "split",
        "-k",
        "2",
        "-n",
        "3",
        "--label",
        "JSON",
        "--secret-file",
        base / "secret",
        "--out",
        base / "o",
        "--journal",
        base / "j.jsonl",
        "--operator",
        "Ama",
        "--witness",
        "Ben",
        "--custodian",
        "Jiří Novák",
        "--no-scan-check",
    )
    assert result.returncode == 0, text(result)
    return base


def test_journal_show_json_lists_every_event_with_its_code(made):
    result = run("journal", "show", "--json", made / "j.jsonl")
    assert result.returncode == 0, text(result)
    events = json.loads(result.stdout)
    entries = read_journal(made / "j.jsonl")
    assert [e["code"] for e in events] == [e.code for e in entries]
    assert events[0]["event"] == "split" and events[0]["operator"] == "Ama"
    assert events[0]["sheets"][0]["holder"] == "Jiří Novák"  # as stored, not escaped


def test_journal_verify_json_ok_and_broken(made, tmp_path):
    head = read_journal(made / "j.jsonl")[-1].code
    ok = run("journal", "verify", "--json", made / "j.jsonl", "--head", head)
    assert ok.returncode == 0
    assert json.loads(ok.stdout) == {
        "journal": str(made / "j.jsonl"),
        "ok": True,
        "entries": 1,
        "head_code": head,
        "head_checked": True,
        "problem": None,
        "line": None,
    }
    broken = tmp_path / "j.jsonl"
    broken.write_text((made / "j.jsonl").read_text().replace("Ama", "Eve"))
    bad = run("journal", "verify", "--json", broken, "--head", head)  # the code on paper no longer matches
    assert bad.returncode == 1
    report = json.loads(bad.stdout)
    assert report["ok"] is False and report["head_checked"] is False and report["problem"]


def test_manifest_json_status(made):
    result = run("manifest", "--json", made / "o" / "manifest.json", "--journal", made / "j.jsonl")
    assert result.returncode == 0, text(result)
    status = json.loads(result.stdout)
    assert (status["k"], status["n"], status["label"]) == (2, 3, "JSON")
    assert status["package"] == fingerprint()
    assert [s["share"] for s in status["sheets"]] == [1, 2, 3]
    assert status["sheets"][0]["holder"] == "Jiří Novák" and all(s["pdf_present"] for s in status["sheets"])
    assert status["journal"]["state"] == "current" and status["journal"]["events"][0]["event"] == "split"
    plain = run("manifest", made / "o" / "manifest.json")
    assert plain.returncode == 0 and status["set_id"] in plain.stdout.decode()


def test_manifest_of_a_missing_file_is_one_line(tmp_path):
    result = run("manifest", "--json", tmp_path / "none.json")
    assert result.returncode == 1 and "does not exist" in text(result) and "Traceback" not in text(result)
