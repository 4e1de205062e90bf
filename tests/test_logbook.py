"""The paper logbook: pre-filled text (selectable), all ink inside the safe area on A4 and Letter, the
ceremony scripts in step with their source, and the logbook command."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from breakglass.cli.records import logbook as logbook_cmd
from breakglass.errors import BreakglassError
from breakglass.paper.logbook import SCRIPT_NAMES, gather, load_script, render_logbook, script_markdown
from breakglass.record.config import load_config
from breakglass.record.journal import append_event, read_journal
from paperchecks import ink_problems, page_count

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "ceremony" / "example.toml"
SET = "1A2B-3C4D-5E6F-7081"
FP = "GG7A-6H24-R1SZ-DES3"
T0 = datetime(2026, 11, 22, 3, 56, 2, tzinfo=UTC)


def manifest_for(config, event_code=None) -> dict:
    return {
        "format": "breakglass-manifest",
        "version": 1,
        "set_id": SET,
        "fingerprint": FP,
        "k": config.k,
        "n": config.n,
        "label": config.label,
        "created": "2026-11-22T03:56:02Z",
        "tool_version": "0.1.0",
        "custodians": [
            {
                "share": s.share,
                "copy": s.copy,
                "name": s.custodian.name if s.custodian else "",
                "role": s.custodian.role if s.custodian else "",
                "location": s.custodian.location if s.custodian else "",
            }
            for s in config.sheets()
        ],
        "sheets": [
            {"share": s.share, "copy": s.copy, "file": f"x-share-{s.share}-of-{config.n}.pdf"} for s in config.sheets()
        ],
        "event_code": event_code,
    }


@pytest.fixture(scope="module")
def ceremony(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ceremony")
    config = load_config(EXAMPLE)
    journal = folder / "journal.jsonl"
    split = append_event(
        journal,
        "split",
        set_id=SET,
        shares=list(range(1, 6)),
        fingerprint=FP,
        operator="Alice Moreau",
        witness="Bongani Dlamini",
        extra={"k": 3, "n": 5},
        now=T0,
    )
    append_event(
        journal,
        "drill",
        set_id=SET,
        shares=[1, 2, 3],
        fingerprint=FP,
        operator="Alice Moreau",
        witness="Bongani Dlamini",
        now=T0.replace(hour=5),
    )
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps(manifest_for(config, split.code)), encoding="utf-8")
    return {
        "config": config,
        "journal": journal,
        "manifest": manifest,
        "split": split,
        "head": read_journal(journal)[-1].code,
        "folder": folder,
    }


@pytest.fixture(scope="module")
def pdfs(ceremony):
    data = gather(json.loads(ceremony["manifest"].read_text()), ceremony["config"], read_journal(ceremony["journal"]))
    return {size: render_logbook(data, size) for size in ("a4", "letter")}


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "logbook.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
    document = pdfium.PdfDocument(pdf)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def test_text_layer_is_prefilled(pdfs, ceremony, tmp_path):
    text = pdf_text(pdfs["a4"], tmp_path)
    config = ceremony["config"]
    for expected in [
        SET,
        FP,
        config.label,
        ceremony["split"].code,
        ceremony["head"],
        config.scope[:40],
        config.administrator.name,
        config.witness.name,
        config.auditor.name,
        *(p.name for p in config.custodians),
        config.permitted_uses[0],
        "any 3 of 5",
        "breakglass 0.1.0",
        "Share destruction record",
        "Closing statement",
    ]:
        assert expected in text, expected
    document = pdfium.PdfDocument(pdfs["a4"])
    pages = len(document)
    assert f"page 1 of {pages}" in text and f"page {pages} of {pages}" in text
    # Every script step is printed.
    for step in load_script("split").steps:
        assert step.text.split()[0] in text


@pytest.mark.parametrize("size", ["a4", "letter"])
def test_all_ink_inside_safe_area(pdfs, size):
    assert page_count(pdfs[size]) >= 8
    assert ink_problems(pdfs[size], size) == []


def test_without_config_or_journal(tmp_path):
    manifest = {"format": "breakglass-manifest", "version": 1, "set_id": SET, "fingerprint": FP, "k": 2, "n": 3}
    pdf = render_logbook(gather(manifest), "letter")
    text = pdf_text(pdf, tmp_path)
    assert SET in text and FP in text and "(unassigned)" in text


def test_manifest_and_config_must_agree(ceremony):
    manifest = json.loads(ceremony["manifest"].read_text())
    manifest["k"] = 2
    with pytest.raises(BreakglassError, match="manifest is for 2 of 5"):
        gather(manifest, ceremony["config"])
    with pytest.raises(BreakglassError, match="no 'fingerprint'"):
        gather({"set_id": SET, "k": 2, "n": 3})


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_ceremony_scripts_match_their_source(name):
    """ceremony/*.md are generated from templates/logbook.toml; regenerate with
    `python -m breakglass.paper.logbook --write-scripts ceremony` after editing the TOML."""
    script = load_script(name)
    assert len(script.steps) >= 5
    assert (ROOT / "ceremony" / script.file).read_text(encoding="utf-8") == script_markdown(script)


def test_scripts_use_the_real_commands():
    """tests/test_ceremony_scripts.py runs every one of them; here, that each ceremony's key command is there."""
    text = "\n".join(script_markdown(load_script(name)) for name in SCRIPT_NAMES)
    for command in [
        "breakglass split --config CONFIG --out DIR --journal JOURNAL",
        "breakglass recombine --journal JOURNAL --verify-only --operator OPERATOR --witness WITNESS SCANS...",
        "breakglass recombine --journal JOURNAL --operator OPERATOR --witness WITNESS --incident INCIDENT --reason REASON SCANS...",
        "breakglass rotate --journal JOURNAL --operator OPERATOR --witness WITNESS --secret-file - --out DIR OLD_SCANS...",
        "breakglass destroy --journal JOURNAL --set OLD_SET --sheet SHARE.COPY --bag SERIAL ... --operator OPERATOR --witness WITNESS",
        "breakglass journal verify JOURNAL --head CODE",
        "breakglass logbook --manifest DIR/manifest.json --journal JOURNAL --config CONFIG --out logbook.pdf",
        "breakglass checklist --journal JOURNAL --event CODE --config CONFIG --out FILE",
        "breakglass audit --journal JOURNAL --head CODE --logbook CSV --rotations EVIDENCE --config CONFIG",
    ]:
        assert command in text, command


def test_logbook_command(ceremony, tmp_path):
    out = tmp_path / "logbook.pdf"
    args = [
        "--manifest",
        str(ceremony["manifest"]),
        "--journal",
        str(ceremony["journal"]),
        "--config",
        str(EXAMPLE),
        "--paper",
        "letter",
        "--out",
        str(out),
    ]
    runner = CliRunner()
    result = runner.invoke(logbook_cmd, args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and ceremony["head"] in result.output
    first = out.read_bytes()

    result = runner.invoke(logbook_cmd, args)
    assert result.exit_code == 1 and "already exists" in str(result.exception)
    result = runner.invoke(logbook_cmd, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == first  # reproducible: same inputs, same bytes

    result = runner.invoke(logbook_cmd, ["--manifest", str(tmp_path / "nope.json"), "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "does not exist" in str(result.exception)
