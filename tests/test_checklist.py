"""The after-use checklist: pre-filled text, one destruction line per share and copy, all ink inside the safe
area on A4 and Letter, wording from the template, and the checklist command."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from breakglass.cli.records import checklist as checklist_cmd
from breakglass.errors import BreakglassError
from breakglass.paper import wording
from breakglass.paper.checklist import render_checklist
from breakglass.record.config import load_config
from breakglass.record.journal import append_event
from paperchecks import ink_problems, page_count

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "ceremony" / "example.toml"
SET = "1A2B-3C4D-5E6F-7081"
FP = "GG7A-6H24-R1SZ-DES3"
NEW_SET = "2B3C-4D5E-6F70-8192"
NEW_FP = "HH8B-7J35-S2T0-EFT4"
T0 = datetime(2026, 11, 22, 3, 56, 2, tzinfo=UTC)
HOLDERS = [
    {"share": 1, "copy": 1, "holder": "Dana Kowalski"},
    {"share": 2, "copy": 1, "holder": "Emeka Okafor"},
    {"share": 3, "copy": 1, "holder": "Farah Haddad"},
    {"share": 3, "copy": 2, "holder": "Farah Haddad (safe)"},
    {"share": 4, "copy": 1, "holder": "Gustavo Pereira"},
    {"share": 5, "copy": 1, "holder": ""},
]


@pytest.fixture(scope="module")
def ceremony(tmp_path_factory):
    folder = tmp_path_factory.mktemp("checklist")
    journal = folder / "journal.jsonl"
    append_event(
        journal,
        "split",
        set_id=SET,
        shares=[1, 2, 3, 4, 5],
        fingerprint=FP,
        operator="Alice Moreau",
        witness="Bongani Dlamini",
        extra={"k": 3, "n": 5, "label": "AWS org root", "sheets": HOLDERS},
        now=T0,
    )
    release = append_event(
        journal,
        "release",
        set_id=SET,
        shares=[1, 2, 4],
        fingerprint=FP,
        operator="Alice Moreau",
        witness="Bongani Dlamini",
        extra={"incident": "INC-4821", "reason": "IdP outage"},
        now=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
    )
    rotate = append_event(
        journal,
        "rotate",
        set_id=SET,
        shares=[1, 2, 4],
        fingerprint=FP,
        operator="Alice Moreau",
        witness="Bongani Dlamini",
        extra={
            "new_set": NEW_SET,
            "new_fingerprint": NEW_FP,
            "k": 2,
            "n": 2,
            "label": "AWS org root v2",
            "sheets": [{"share": 1, "copy": 1, "holder": "Ines Nowak"}, {"share": 2, "copy": 1, "holder": "Jon Berg"}],
        },
        now=datetime(2026, 12, 3, 10, 0, tzinfo=UTC),
    )
    drill = append_event(
        journal,
        "drill",
        set_id=NEW_SET,
        shares=[1, 2],
        fingerprint=NEW_FP,
        operator="Jon Berg",
        witness="Ines Nowak",
        now=datetime(2027, 1, 5, 14, 0, tzinfo=UTC),
    )
    return {
        "folder": folder,
        "journal": journal,
        "release": release,
        "rotate": rotate,
        "drill": drill,
        "config": load_config(EXAMPLE),
    }


@pytest.fixture(scope="module")
def pdfs(ceremony):
    release = ceremony["release"]
    return {
        "a4": render_checklist(release, config=ceremony["config"], holders=HOLDERS, label="AWS org root", paper="a4"),
        "letter": render_checklist(release, config=None, holders=HOLDERS, label="AWS org root", paper="letter"),
    }


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def test_text_layer_is_prefilled(pdfs, ceremony):
    config = ceremony["config"]
    text = pdf_text(pdfs["a4"])
    code = ceremony["release"].code
    deadline = (ceremony["release"].when + timedelta(days=config.rotation_deadline_days)).strftime("%Y-%m-%d %H:%M")
    for expected in [
        SET,
        FP,
        code,
        "AWS org root",
        "2026-12-01 09:30",
        "INC-4821",
        config.contact,
        deadline,
        config.administrator.name,
        config.auditor.name,
        *(h["holder"] for h in HOLDERS if h["holder"]),
    ]:
        assert expected in text, expected
    assert deadline in text
    pages = len(pdfium.PdfDocument(pdfs["a4"]))
    assert f"page 1 of {pages}" in text and f"page {pages} of {pages}" in text
    # Every step of the template is printed, in order.
    positions = [text.find(item["title"]) for item in wording.load("checklist")["steps"]["items"]]
    assert -1 not in positions and positions == sorted(positions)
    assert "breakglass rotate --journal JOURNAL --operator NAME --witness NAME --secret-file - --out DIR" in " ".join(
        text.split()
    )


def test_default_deadline_without_config(pdfs):
    text = pdf_text(pdfs["letter"])
    assert "2026-12-08 09:30" in text  # 2026-12-01 09:30 + 7 days
    assert "2027-03-01" in text  # next drill: + 90 days


def test_one_destruction_line_per_share_and_copy(pdfs):
    for pdf in pdfs.values():
        text = pdf_text(pdf)
        section = text[text.index("Destruction of the old sheets") : text.index("Sign-off")]
        rows = re.findall(r"(?m)^(\d+) (\d+)\b(.*?)\r?$", section)
        assert [(int(share), int(copy), holder.strip()) for share, copy, holder in rows] == [
            (h["share"], h["copy"], h["holder"]) for h in HOLDERS
        ]


@pytest.mark.parametrize("size", ["a4", "letter"])
def test_all_ink_inside_safe_area(pdfs, size):
    assert page_count(pdfs[size]) >= 2
    assert ink_problems(pdfs[size], size) == []


def test_drill_note_and_empty_holders(ceremony):
    pdf = render_checklist(ceremony["drill"], config=None, holders=[], label="", paper="a4")
    text = pdf_text(pdf)
    assert NEW_SET in text and ceremony["drill"].code in text and "drill" in text
    assert "does not list this set's sheets" in text


def test_a_drill_has_no_rotation_deadline(ceremony):
    drill = ceremony["drill"]
    text = " ".join(pdf_text(render_checklist(drill, config=ceremony["config"], holders=[], label="")).split())
    deadline = (drill.when + timedelta(days=ceremony["config"].rotation_deadline_days)).strftime("%Y-%m-%d %H:%M")
    assert deadline not in text and "none: a drill reveals nothing" in text


def test_a_release_names_the_sheets_the_rotation_needs_and_their_holders(pdfs):
    text = " ".join(pdf_text(pdfs["a4"]).split())
    assert (
        "Sheets to bring: shares 1 (Dana Kowalski), 2 (Emeka Okafor), 4 (Gustavo Pereira), read at this release; "
        "for each of them who cannot come, add any 1 of shares 3 (Farah Haddad or Farah Haddad (safe)), 5"
    ) in text
    assert "reseal each old sheet scanned in a new bag" in text


def test_only_release_drill_reshare_or_expand(ceremony):
    with pytest.raises(BreakglassError, match="not a release, drill, reshare or expand"):
        render_checklist(ceremony["rotate"], config=None, holders=[], label="x")


def test_wording_comes_from_the_template(ceremony, tmp_path, monkeypatch):
    template = (ROOT / "templates" / "checklist.toml").read_text(encoding="utf-8")
    custom = template.replace(
        'title = "Revoke sessions and keys created during the use"', 'title = "Widerrufen Sie alle Sitzungen"'
    )
    (tmp_path / "checklist.toml").write_text(custom, encoding="utf-8")
    monkeypatch.setenv(wording.OVERRIDE_ENV, str(tmp_path))
    wording.load.cache_clear()
    try:
        text = pdf_text(render_checklist(ceremony["release"], config=None, holders=HOLDERS, label="x"))
    finally:
        monkeypatch.delenv(wording.OVERRIDE_ENV)
        wording.load.cache_clear()
    assert "Widerrufen Sie alle Sitzungen" in text


# ---------------------------------------------------------------- the command


def run(args):
    return CliRunner().invoke(checklist_cmd, args)


def test_command_writes_checklist_with_holders_from_the_journal(ceremony, tmp_path):
    out = tmp_path / "c.pdf"
    code = ceremony["release"].code.lower().replace("-", "")
    result = run(["--journal", str(ceremony["journal"]), "--event", code, "--out", str(out), "--paper", "letter"])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "Dana Kowalski" in text and "AWS org root" in text and ceremony["release"].code in text

    # Refuses to overwrite without --force.
    again = run(["--journal", str(ceremony["journal"]), "--event", code, "--out", str(out)])
    assert again.exit_code != 0 and "already exists" in str(again.exception)
    forced = run(
        ["--journal", str(ceremony["journal"]), "--event", code, "--out", str(out), "--force", "--config", str(EXAMPLE)]
    )
    assert forced.exit_code == 0, forced.output


def test_command_holders_of_a_rotated_set(ceremony, tmp_path):
    out = tmp_path / "d.pdf"
    result = run(["--journal", str(ceremony["journal"]), "--event", ceremony["drill"].code, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "Ines Nowak" in text and "Jon Berg" in text and "AWS org root v2" in text and "Dana Kowalski" not in text


def test_command_unknown_code_is_one_line_error(ceremony, tmp_path):
    from breakglass.cli.main import cli

    out = tmp_path / "e.pdf"
    result = CliRunner().invoke(
        cli, ["checklist", "--journal", str(ceremony["journal"]), "--event", "ZZZZ-ZZZZ", "--out", str(out)]
    )
    assert result.exit_code != 0 and not out.exists()
    assert isinstance(result.exception, BreakglassError)
    message = str(result.exception)
    assert "no event ZZZZ-ZZZZ" in message and "\n" not in message


def test_command_refuses_broken_journal(ceremony, tmp_path):
    journal = tmp_path / "j.jsonl"
    journal.write_text(ceremony["journal"].read_text().replace("INC-4821", "INC-0000"))
    result = run(["--journal", str(journal), "--event", ceremony["drill"].code, "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "is broken" in str(result.exception)
    assert not (tmp_path / "x.pdf").exists()
