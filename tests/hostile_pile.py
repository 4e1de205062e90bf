"""Shared material for the hostile-pile attacks (tests/test_hostile_*.py): real sets split by the real command,
their QR texts as the real decoder reads them, images made from altered texts, and the one safety check every
attack ends with.

    make_set(base, ...)        split through the CLI; returns a Pile (sheets, journal, QR texts, shares)
    codes_png(path, texts)     one PNG holding a QR code for each text, as a phone photo of codes laid out
    run(*args)                 the real command line, in a child process
    assert_safe(result, ...)   no traceback, a documented exit code, and the credential exactly or nothing
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2
import zxingcpp

from breakglass.format import v2
from breakglass.scan.collect import ShareCollector
from damage import qr_image, side_by_side

PEOPLE = ("--operator", "Ann Able", "--witness", "Ben Baker")
INCIDENT = ("--incident", "INC-666", "--reason", "hostile pile")


def run(*args, cwd=None, input: bytes | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "breakglass", *map(str, args)],
        cwd=cwd,
        input=input,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class Pile:
    base: Path
    secret: bytes
    sheets: dict[int, Path]  # share number -> its PDF
    journal: Path
    texts: dict[int, list[str]] = field(default_factory=dict)  # share number -> QR texts read from its sheet
    shares: dict[int, object] = field(default_factory=dict)  # share number -> the parsed share

    def journal_copy(self, dest: Path) -> Path:
        copy = dest / "journal.jsonl"
        copy.write_bytes(self.journal.read_bytes())
        return copy


def decoded_texts(pdf: Path, dpi: int = 200) -> list[str]:
    """Every QR text on a sheet, as zxing-cpp reads it from the rendered pages."""
    texts = []
    for page in pypdfium2.PdfDocument(str(pdf)):
        image = page.render(scale=dpi / 72).to_pil()
        texts += [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    return texts


def make_set(base: Path, secret: bytes, k: int, n: int, fmt: int, label: str) -> Pile:
    base.mkdir(parents=True, exist_ok=True)
    (base / "secret").write_bytes(secret)
    result = run(
        "split",
        "-k",
        k,
        "-n",
        n,
        "--format",
        fmt,
        "--label",
        label,
        "--secret-file",
        base / "secret",
        "--out",
        base / "sheets",
        "--journal",
        base / "journal.jsonl",
        *PEOPLE,
        "--no-scan-check",
    )
    assert result.returncode == 0, result.stderr
    sheets = {int(p.stem.split("-share-")[1].split("-of-")[0]): p for p in (base / "sheets").glob("*.pdf")}
    pile = Pile(base, secret, dict(sorted(sheets.items())), base / "journal.jsonl")
    for number, pdf in pile.sheets.items():
        pile.texts[number] = decoded_texts(pdf)
        collector = ShareCollector()
        collector.add_qr_texts(pile.texts[number], pdf.name)
        (found,) = collector.shares()
        pile.shares[number] = found.share
    return pile


def codes_png(path: Path, texts: list[str], module_px: int = 3) -> Path:
    side_by_side([qr_image(t, module_px) for t in texts]).save(path)
    return path


def encode2(share: v2.Share, max_chars: int = 300, parity: int = 2) -> list[str]:
    return v2.qrtext.encode(share, max_chars, parity=parity)


def assert_safe(result: subprocess.CompletedProcess, secret: bytes, expect: str = "either") -> str:
    """The promises: one line and a documented exit code, never a traceback or exit 3; the credential exactly,
    or nothing at all. `expect` is 'ok', 'refused' or 'either'. Returns stderr."""
    err = result.stderr.decode(errors="replace")
    assert "Traceback" not in err and "internal error" not in err, err[-3000:]
    assert result.returncode in (0, 1), (result.returncode, err[-3000:])
    if result.returncode == 0:
        assert result.stdout in (secret, b""), ("A WRONG CREDENTIAL", result.stdout[:80], err[-2000:])
        assert expect != "refused", err[-3000:]
    else:
        assert result.stdout == b"", result.stdout[:80]
        assert err.strip().splitlines()[-1].startswith("error: "), err[-2000:]
        assert len(err.strip().splitlines()[-1]) <= 420
        assert expect != "ok", err[-3000:]
    return err
