"""What the paper says about the tool and the ceremony: the package fingerprint `--version` shows, the config's
paper size and release pages, and long labels kept inside the page on every page."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest

from breakglass.format import scheme
from breakglass.paper import logbook, sheet, sizes
from breakglass.record import manifest
from breakglass.record.config import load_config
from breakglass.system.package import fingerprint
from helpers import run, text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "ceremony" / "example.toml"
LONG_LABEL = (
    "Production AWS organisation management account root user for the payments platform in eu-west-1 and "
    "us-east-1, including the break-glass MFA recovery codes — Корневой доступ 根账户 حساب الجذر"
)


def pdf_text(pdf: bytes | Path) -> str:
    document = pypdfium2.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def config_with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "ceremony.toml"
    path.write_text(
        extra + "\n" + EXAMPLE.read_text().replace('paper = "a4"\n', "").replace("logbook_release_pages = 4\n", "")
    )
    return path


def test_version_prints_the_fingerprint_the_sheet_and_logbook_show(tmp_path):
    version = subprocess.run(
        [sys.executable, "-c", "from breakglass.cli.main import main; main()", "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    shown = re.search(r"package fingerprint ([0-9a-f]{4}(?:-[0-9a-f]{4}){3})", version).group(1)
    assert shown == fingerprint()
    (tmp_path / "s").write_bytes(b"x")
    result = run(
        "split",
        "-k",
        "2",
        "-n",
        "2",
        "--label",
        "Fingerprinted",
        "--secret-file",
        tmp_path / "s",
        "--out",
        tmp_path / "o",
        "--no-scan-check",
    )
    assert result.returncode == 0, text(result)
    for pdf in (tmp_path / "o").glob("*.pdf"):
        assert shown in pdf_text(pdf)
    book = run("logbook", "--manifest", tmp_path / "o" / "manifest.json", "--out", tmp_path / "l.pdf")
    assert book.returncode == 0 and shown in pdf_text(tmp_path / "l.pdf")


def test_the_fingerprint_covers_every_installed_file_kind():
    from breakglass.system.package import INSTALLED, installed_files

    files = installed_files()
    assert "breakglass/paper/text.py" in files and "breakglass/templates/sheet.toml" in files
    assert "breakglass/fonts/DejaVuSans.ttf" in files and "breakglass/ceremony/offline-bundle.sh" in files
    pyproject = (ROOT / "pyproject.toml").read_text()
    listed = re.search(r"packages = \[(.*?)\]", pyproject).group(1)
    assert sorted(re.findall(r'"([\w.]+)"', listed)) == sorted(INSTALLED)


def test_config_paper_and_release_pages(tmp_path):
    config = load_config(config_with(tmp_path, 'paper = "Letter"\nlogbook_release_pages = 5'))
    assert config.paper == "letter" and config.logbook_release_pages == 5
    data = logbook.gather(
        manifest.build(
            set_id="1A2B-3C4D-5E6F-7081",
            fingerprint="AAAA-BBBB-CCCC-DDDD",
            k=config.k,
            n=config.n,
            label="L",
            created="2026-12-02T00:00:00Z",
            sheets=[],
            custodians=[],
        ),
        config,
    )
    pdf = logbook.render_logbook(data, config.paper)
    pages = [page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf)]
    assert sum("Release, drill, rotation or custodian change record" in page for page in pages) == 5
    assert pypdfium2.PdfDocument(pdf)[0].get_size() == pytest.approx((612, 792))


def test_split_prints_on_the_configs_paper(tmp_path):
    (tmp_path / "s").write_bytes(b"secret")
    result = run(
        "split",
        "--config",
        config_with(tmp_path, 'paper = "letter"'),
        "--secret-file",
        tmp_path / "s",
        "--out",
        tmp_path / "o",
        "--no-scan-check",
    )
    assert result.returncode == 0, text(result)
    first = next((tmp_path / "o").glob("*.pdf"))
    assert pypdfium2.PdfDocument(first)[0].get_size() == pytest.approx((612, 792))


@pytest.mark.parametrize(
    "extra,message",
    [
        ('paper = "a5"', "paper must be one of a4, letter"),
        ("logbook_release_pages = 0", "logbook_release_pages must be from 1 to 50"),
        ('logbook_release_pages = "3"', "logbook_release_pages must be an integer"),
    ],
)
def test_bad_print_settings_are_one_line(tmp_path, extra, message):
    result = run("split", "--config", config_with(tmp_path, extra), "--out", tmp_path / "o")
    assert result.returncode == 1 and message in text(result) and len(text(result).strip().splitlines()) == 1


def assert_inside_the_safe_area(pdf: bytes, paper: str) -> None:
    area = sizes.safe_area(paper)
    for number, page in enumerate(pypdfium2.PdfDocument(pdf), start=1):
        textpage = page.get_textpage()
        for i in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(i)
            if right - left <= 0:
                continue
            assert area.left - 0.5 <= left and right <= area.right + 0.5, (
                f"page {number}: character {i} at x {left}-{right}"
            )
            assert area.bottom - 0.5 <= bottom and top <= area.top + 0.5, (
                f"page {number}: character {i} at y {bottom}-{top}"
            )


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_long_label_stays_inside_every_page_of_a_sheet(paper):
    result = scheme.split(b"k" * 3000, 2, 3)  # several pages: the continuation header carries the label too
    info = sheet.SheetInfo(
        label=LONG_LABEL,
        fingerprint=result.fingerprint,
        created="2026-12-02",
        custodian=sheet.Custodian("Nguyễn Văn Ánh", "Payments platform security lead", "Hà Nội"),
    )
    pdf = sheet.render_sheet(result.shares[0], info, paper)
    assert len(pypdfium2.PdfDocument(pdf)) > 2
    assert_inside_the_safe_area(pdf, paper)
    words = pdf_text(pdf).split()
    assert "us-east-1," in words and "الجذر" in pdf_text(pdf)  # wrapped, not cut


def test_a_long_label_stays_inside_the_logbook():
    data = logbook.gather(
        manifest.build(
            set_id="1A2B-3C4D-5E6F-7081",
            fingerprint="AAAA-BBBB-CCCC-DDDD",
            k=2,
            n=3,
            label=LONG_LABEL,
            created="2026-12-02T00:00:00Z",
            sheets=[],
            custodians=[],
        )
    )
    assert_inside_the_safe_area(logbook.render_logbook(data, "a4"), "a4")


def test_sheets_and_manifest_are_0600_under_umask_022(tmp_path):
    (tmp_path / "s").write_bytes(b"secret")
    probe = (
        "import os, sys; os.umask(0o022); sys.argv = ['breakglass', *sys.argv[1:]];"
        "from breakglass.cli.main import main; main()"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            "split",
            "-k",
            "2",
            "-n",
            "2",
            "--label",
            "Modes",
            "--secret-file",
            str(tmp_path / "s"),
            "--out",
            str(tmp_path / "o"),
            "--no-scan-check",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    written = list((tmp_path / "o").iterdir())
    assert len(written) == 4  # two sheets, the manifest and recover.html
    for path in written:
        assert path.stat().st_mode & 0o777 == 0o600, path.name
