"""The pictures in docs/ show what the tool prints (issue 23): scripts/example_pictures.py renders them and
records a digest of each pictured page's text layer and layout in docs/example-pictures.json; the same
documents rendered now must give the same digests, or the pictures are out of date (run the script)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("example_pictures", ROOT / "scripts" / "example_pictures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_example_picture_is_made_by_the_script():
    script = _script()
    pictured = {p.stem for p in (ROOT / "docs").glob("example-*.png")}
    assert pictured == set(script.PICTURES), "a docs/example-*.png that scripts/example_pictures.py does not make"


def test_the_pictures_match_what_the_tool_prints_now():
    script = _script()
    recorded = json.loads((ROOT / "docs" / "example-pictures.json").read_text())
    now = script.digests()
    stale = sorted(name for name in script.PICTURES if recorded.get(name) != now[name])
    assert not stale, (
        f"docs/{', '.join(stale)}.png no longer match what the tool prints: run python scripts/example_pictures.py"
    )


def test_the_digest_sees_a_changed_word_but_not_the_package_fingerprint(monkeypatch):
    script = _script()
    pdf = script.documents()["sheet"]
    assert script.layout_digest(pdf, 1) == script.layout_digest(script.documents()["sheet"], 1)  # deterministic
    from breakglass.paper import sheet

    monkeypatch.setattr(sheet, "package_fingerprint", lambda: "0000-1111-2222-3333")  # as after any source edit
    sheet_module_words = sheet.wording.load("sheet")
    assert script.layout_digest(script.documents()["sheet"], 1) == script.layout_digest(pdf, 1)
    monkeypatch.setitem(sheet_module_words["recovery"], "heading", "Recovery (changed wording)")
    assert script.layout_digest(script.documents()["sheet"], 1) != script.layout_digest(pdf, 1)
