"""The recovery page's JavaScript core (src/breakglass/page/js/) against every file in tests/vectors, byte for
byte, through Node's built-in test runner (tests/js/core.test.js). CI installs Debian's nodejs (install.sh test)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed (install.sh test installs nodejs)")
def test_the_javascript_core_reads_every_vector():
    result = subprocess.run(["node", "--test", str(ROOT / "tests" / "js")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout


def test_the_page_is_one_sealed_file(tmp_path):
    out = tmp_path / "recover.html"
    run = subprocess.run(
        [sys.executable, "-m", "breakglass", "recovery-page", "--out", str(out)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    html = out.read_text()
    assert "connect-src 'none'" in html and "default-src 'none'" in html
    assert "<script src" not in html and "<link" not in html and "@import" not in html
    assert "http://" not in html.split("</head>")[0]
    again = subprocess.run(
        [sys.executable, "-m", "breakglass", "recovery-page", "--out", str(out)], capture_output=True, text=True
    )
    assert again.returncode == 1 and "already exists" in again.stderr
    version = subprocess.run([sys.executable, "-m", "breakglass", "--version"], capture_output=True, text=True)
    import hashlib

    assert hashlib.sha256(out.read_bytes()).hexdigest() in version.stdout


def test_split_writes_the_page_beside_the_sheets_and_records_its_sha256(tmp_path):
    import json

    secret = tmp_path / "secret.bin"
    secret.write_bytes(b"page beside the sheets")
    out, journal = tmp_path / "sheets", tmp_path / "journal.jsonl"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "breakglass",
            "split",
            "-k",
            "2",
            "-n",
            "2",
            "--label",
            "Page",
            "--secret-file",
            str(secret),
            "--out",
            str(out),
            "--journal",
            str(journal),
            "--operator",
            "Ola",
            "--witness",
            "Wes",
            "--no-scan-check",
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    import hashlib

    digest = hashlib.sha256((out / "recover.html").read_bytes()).hexdigest()
    assert json.loads((out / "manifest.json").read_text())["recovery_page_sha256"] == digest
    assert json.loads(journal.read_text().splitlines()[-1])["recovery_page_sha256"] == digest
    assert digest in run.stdout + run.stderr
    book = subprocess.run(
        [
            sys.executable,
            "-m",
            "breakglass",
            "logbook",
            "--manifest",
            str(out / "manifest.json"),
            "--out",
            str(tmp_path / "logbook.pdf"),
        ],
        capture_output=True,
        text=True,
    )
    assert book.returncode == 0, book.stderr
    cover = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "logbook.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert digest in cover.replace("\n", "").replace(" ", "")
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "breakglass",
            "split",
            "-k",
            "2",
            "-n",
            "2",
            "--label",
            "Other",
            "--secret-file",
            str(secret),
            "--out",
            str(out),
            "--no-scan-check",
        ],
        capture_output=True,
        text=True,
    )
    assert again.returncode == 1  # the folder already holds sheets and recover.html: nothing is overwritten
