"""`breakglass demo` runs a whole ceremony from a fresh folder and ends with a clean audit."""

import json

from helpers import run, text


def test_demo_runs_the_whole_ceremony(tmp_path):
    out = tmp_path / "demo"
    result = run("demo", "--out", out)
    assert result.returncode == 0, text(result)
    assert "CLEAN: no findings." in text(result)
    for name in (
        "logbook.pdf",
        "checklist.pdf",
        "journal.jsonl",
        "logbook.csv",
        "sheets/manifest.json",
        "new-sheets/manifest.json",
    ):
        assert (out / name).is_file(), name
    events = [json.loads(line)["event"] for line in (out / "journal.jsonl").read_text().splitlines()]
    assert events == ["split", "drill", "release", "rotate", "destroy"]
    demo = [json.loads(line).get("demo") for line in (out / "journal.jsonl").read_text().splitlines()]
    assert demo == [True] * 5  # its events are backdated by its own clock: each says it was the demo
    assert (out / "released-demo-credential.txt").read_bytes().startswith(b"DEMO-ONLY")


def test_demo_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = run("demo", "--out", tmp_path)
    assert result.returncode == 1 and "not empty" in text(result)
    assert (tmp_path / "keep.txt").read_text() == "mine"
