"""The real CLI, end to end: split to real PDFs, rasterize them, decode with real decoders, recombine."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest

from helpers import once_per_run, pdfs, png_pages, run, text

SECRET = b"Root-P@ss: correct horse battery staple \x00\xff binary tail"


@once_per_run
def sheets(base: Path) -> Path:
    """One real 3-of-5 split, shared by the tests below (the split itself is tested here too)."""
    secret_file = base / "secret.bin"
    secret_file.write_bytes(SECRET)
    out = base / "sheets"
    result = run(
        "split",
        "-k",
        "3",
        "-n",
        "5",
        "--label",
        "Test tenant root",
        "--secret-file",
        secret_file,
        "--out",
        out,
        "--custodian",
        "Alice Able",
        "--custodian",
        "Bob Baker",
        "--journal",
        base / "journal.jsonl",
        "--operator",
        "Ola Operator",
        "--witness",
        "Wes Witness",
    )
    assert result.returncode == 0, text(result)
    return out


def test_split_writes_sheets_and_a_manifest_without_the_secret(sheets):
    files = pdfs(sheets)
    assert [f.name for f in files] == [f"test-tenant-root-share-{i}-of-5.pdf" for i in range(1, 6)]
    manifest = json.loads((sheets / "manifest.json").read_text())
    assert manifest["k"] == 3 and manifest["n"] == 5 and manifest["label"] == "Test tenant root"
    assert [c["name"] for c in manifest["custodians"]][:2] == ["Alice Able", "Bob Baker"]
    for path in [*files, sheets / "manifest.json"]:
        assert b"correct horse" not in path.read_bytes()


def test_split_summary_names_set_fingerprint_and_decoders(tmp_path):
    secret = tmp_path / "s"
    secret.write_bytes(b"summary-test")
    result = run("split", "-k", "2", "-n", "2", "--label", "L", "--secret-file", secret, "--out", tmp_path / "o")
    out = text(result)
    assert result.returncode == 0, out
    assert "Set id:" in out and "Fingerprint:" in out and "read back by zxing-cpp" in out


def test_recombine_from_rendered_images_in_any_order_to_stdout(sheets, tmp_path):
    images = [p for pdf in pdfs(sheets)[4:1:-1] for p in png_pages(pdf, tmp_path)]
    result = run("recombine", "--out", "-", *images)
    assert result.returncode == 0, text(result)
    assert result.stdout == SECRET
    manifest = json.loads((sheets / "manifest.json").read_text())
    assert manifest["fingerprint"] in result.stderr.decode()


def test_recombine_from_pdfs_and_a_folder(sheets, tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    for pdf in pdfs(sheets)[:2]:
        png_pages(pdf, folder)
    result = run("recombine", "--out", "-", folder, pdfs(sheets)[4])
    assert result.returncode == 0, text(result)
    assert result.stdout == SECRET


def test_recombine_to_a_new_0600_file_and_never_overwrite(sheets, tmp_path):
    target = tmp_path / "recovered.bin"
    result = run("recombine", "--out", target, *pdfs(sheets)[:3])
    assert result.returncode == 0, text(result)
    assert target.read_bytes() == SECRET
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    again = run("recombine", "--out", target, *pdfs(sheets)[:3])
    assert again.returncode == 1 and "already exists" in text(again)
    assert target.read_bytes() == SECRET


def test_verify_only_prints_ok_and_never_the_credential(sheets):
    result = run("recombine", "--verify-only", *pdfs(sheets)[1:4])
    assert result.returncode == 0, text(result)
    assert result.stdout.decode().startswith("OK")
    assert b"correct horse" not in result.stdout + result.stderr
    assert SECRET.hex()[:20] not in text(result)


def test_too_few_sheets_names_what_is_missing(sheets):
    result = run("recombine", "--verify-only", *pdfs(sheets)[:2])
    assert result.returncode == 1
    assert "need 3 shares, have 2: shares 1 and 2" in text(result)
    assert "Traceback" not in text(result)


def test_junk_files_are_skipped_with_one_line_each(sheets, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not an image")
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(png_pages(pdfs(sheets)[0], tmp_path)[0].read_bytes()[:500])
    result = run("recombine", "--verify-only", junk, truncated, *pdfs(sheets)[1:4])
    out = text(result)
    assert result.returncode == 0, out
    assert "notes.txt" in out and "cut.png" in out and "Traceback" not in out


def test_typed_text_from_the_pdf_text_layer_recombines(sheets, tmp_path):
    typed_files = []
    for pdf in pdfs(sheets)[2:5]:
        document = pypdfium2.PdfDocument(pdf)
        page_text = "\n".join(page.get_textpage().get_text_range() for page in document)
        document.close()
        path = tmp_path / f"{pdf.stem}.txt"
        path.write_text(page_text)
        typed_files += ["--typed", path]
    result = run("recombine", "--out", "-", *typed_files)
    assert result.returncode == 0, text(result)
    assert result.stdout == SECRET


def test_mixed_typed_and_scanned(sheets, tmp_path):
    document = pypdfium2.PdfDocument(pdfs(sheets)[0])
    typed_text = "\n".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    result = run("recombine", "--out", "-", "--typed", "-", *pdfs(sheets)[3:5], input=typed_text.encode())
    assert result.returncode == 0, text(result)
    assert result.stdout == SECRET


def test_without_a_terminal_the_credential_is_not_shown(sheets):
    result = run("recombine", *pdfs(sheets)[:3], input=b"y\n")
    assert result.returncode == 1
    assert "no terminal to confirm on" in text(result)
    assert b"correct horse" not in result.stdout


def test_split_refuses_to_overwrite_existing_sheets(sheets, tmp_path):
    secret = tmp_path / "s"
    secret.write_bytes(b"x")
    before = {p: p.read_bytes() for p in pdfs(sheets)}
    result = run("split", "-k", "3", "-n", "5", "--label", "Test tenant root", "--secret-file", secret, "--out", sheets)
    assert result.returncode == 1 and "refusing to overwrite" in text(result)
    assert {p: p.read_bytes() for p in pdfs(sheets)} == before


@pytest.mark.parametrize(
    "args,message",
    [
        (["-k", "1", "-n", "3"], "at least 2"),
        (["-k", "4", "-n", "3"], "cannot be larger"),
        (["-n", "3"], "give --threshold and --shares"),
    ],
)
def test_split_bad_thresholds_are_one_line_errors(tmp_path, args, message):
    secret = tmp_path / "s"
    secret.write_bytes(b"x")
    result = run("split", *args, "--label", "L", "--secret-file", secret, "--out", tmp_path / "o")
    assert result.returncode == 1, text(result)
    assert message in text(result) and len(result.stderr.decode().strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_split_reads_the_secret_from_stdin_exactly(tmp_path):
    secret = b"\x00line one\nline two\n\x00"
    out = tmp_path / "o"
    result = run(
        "split",
        "-k",
        "2",
        "-n",
        "3",
        "--label",
        "stdin",
        "--secret-file",
        "-",
        "--out",
        out,
        "--no-scan-check",
        input=secret,
    )
    assert result.returncode == 0, text(result)
    back = run("recombine", "--out", "-", *pdfs(out)[:2])
    assert back.returncode == 0, text(back)
    assert back.stdout == secret


def test_split_without_a_terminal_or_secret_file_refuses(tmp_path):
    result = run("split", "-k", "2", "-n", "3", "--label", "L", "--out", tmp_path / "o")
    assert result.returncode == 1 and "no terminal" in text(result)


def test_secret_never_in_argv_options():
    result = run("split", "--help")
    assert "--secret " not in text(result) and "--secret-file" in text(result)


BLOCK_SOCKETS = """
import socket, sys
def refuse(*a, **k):
    raise RuntimeError("network access attempted")
socket.socket = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from breakglass.cli.main import main
sys.argv = ["breakglass"] + sys.argv[1:]
main()
"""


def test_recombine_never_touches_the_network(sheets):
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_SOCKETS, "recombine", "--out", "-", *map(str, pdfs(sheets)[:3])],
        capture_output=True,
        timeout=300,
    )
    assert result.returncode == 0, text(result)
    assert result.stdout == SECRET


def test_recombine_works_in_a_network_namespace_with_no_interfaces(sheets):
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("this machine does not allow network namespaces (unshare -n)")
    result = subprocess.run(
        [
            "unshare",
            "-n",
            sys.executable,
            "-c",
            "from breakglass.cli.main import main; main()",
            "recombine",
            "--out",
            "-",
            *map(str, pdfs(sheets)[2:5]),
        ],
        capture_output=True,
        timeout=300,
    )
    assert result.returncode == 0, text(result)
    assert result.stdout == SECRET


def test_recombine_leaves_no_temp_files(sheets, tmp_path):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    result = run("recombine", "--verify-only", *pdfs(sheets)[:3], env={"TMPDIR": str(tmpdir)})
    assert result.returncode == 0, text(result)
    assert list(tmpdir.iterdir()) == []
