"""Names in every script on paper: fonts embedded, text extracted in reading order by pdftotext and pdfium, a
character no font has refused before anything is printed, and --font adding one."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest

from breakglass.paper import bidi, fonts, text
from breakglass.record.journal import read_journal
from helpers import once_per_run, run
from helpers import text as output

NAMES = {
    "Polish": "Zażółć Gęślą",
    "Vietnamese": "Nguyễn Văn Ánh",
    "Greek": "Αλέξανδρος Παπαδόπουλος",
    "Cyrillic": "Дмитрий Иванов",
    "Chinese": "王秀英",
    "Japanese": "山田 花子",
    "Korean": "김민준",
    "Arabic": "محمد عبد الله",
    "Hebrew": "דוד כהן",
    "Devanagari": "प्रिया शर्मा",
}
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdffonts)"
)


def poppler_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdfium_text(pdf: Path) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf))


def font_table(pdf: Path) -> list[list[str]]:
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return [row.split() for row in rows]


@once_per_run
def world(base: Path):
    """A 2-of-10 split through the command line with one custodian per script, a logbook and a checklist."""
    (base / "secret").write_bytes(b"correct horse battery staple")
    custodians = [arg for name in NAMES.values() for arg in ("--custodian", name)]
    result = run(
        "split",
        "-k",
        "2",
        "-n",
        "10",
        "--label",
        "Корневой доступ 根账户 حساب",
        "--secret-file",
        base / "secret",
        "--out",
        base / "sheets",
        "--journal",
        base / "journal.jsonl",
        "--operator",
        "Ана Петрова",
        "--witness",
        "Σοφία Νικολάου",
        *custodians,
    )
    assert result.returncode == 0, output(result)
    logbook = run(
        "logbook",
        "--manifest",
        base / "sheets" / "manifest.json",
        "--journal",
        base / "journal.jsonl",
        "--out",
        base / "logbook.pdf",
    )
    assert logbook.returncode == 0, output(logbook)
    drill = run(
        "recombine",
        "--verify-only",
        "--journal",
        base / "journal.jsonl",
        "--operator",
        "Ана Петрова",
        "--witness",
        "Σοφία Νικολάου",
        *sorted((base / "sheets").glob("*-share-[12]-of-10.pdf")),
    )
    assert drill.returncode == 0, output(drill)
    code = read_journal(base / "journal.jsonl")[-1].code
    checklist = run("checklist", "--journal", base / "journal.jsonl", "--event", code, "--out", base / "checklist.pdf")
    assert checklist.returncode == 0, output(checklist)
    return base


def sheet_of(world: Path, number: int) -> Path:
    return next((world / "sheets").glob(f"*-share-{number}-of-10.pdf"))


@needs_poppler
@pytest.mark.parametrize("script", list(NAMES))
def test_each_sheet_shows_its_custodian_to_both_extractors(world, script):
    number = list(NAMES).index(script) + 1
    pdf = sheet_of(world, number)
    name = NAMES[script]
    assert name in poppler_text(pdf)
    assert name in pdfium_text(pdf)


@needs_poppler
@pytest.mark.parametrize("document", ["sheet", "logbook.pdf", "checklist.pdf"])
def test_every_font_is_embedded_as_a_subset(world, document):
    pdf = sheet_of(world, 8) if document == "sheet" else world / document
    table = font_table(pdf)
    assert table, "no fonts listed"
    for row in table:  # name type encoding emb sub uni object ID
        assert row[-5:-2] == ["yes", "yes", "yes"], row
        assert "+" in row[0], row  # a subset


@needs_poppler
def test_the_logbook_and_checklist_list_every_name(world):
    for document in ("logbook.pdf", "checklist.pdf"):
        poppler, pdfium = poppler_text(world / document), pdfium_text(world / document)
        for name in NAMES.values():
            assert name in poppler, (document, name)
            assert name in pdfium, (document, name)


def test_right_to_left_is_drawn_in_visual_order():
    runs = bidi.visual_runs("Custodian: דוד כהן (CFO) ٢٠٢٦")
    assert runs[0] == ("Custodian: ", False)
    assert ("דוד כהן", True) in runs
    # Two Hebrew words separated by a space are one run, laid out right to left by the shaper.
    assert bidi.visual_runs("אב גד") == [("אב גד", True)]
    # A number inside right-to-left text stays left to right, between the letters around it.
    assert bidi.visual_runs("אב 12 גד") == [(" גד", True), ("12", False), ("אב ", True)]


def test_arabic_is_shaped_and_extracts_as_letters(tmp_path):
    from breakglass.paper import sizes

    c, buffer = sizes.new_canvas("a4", "t")
    c.setFont(fonts.FONT, 14)
    c.drawString(100, 700, "سلام عليكم")
    c.save()
    (tmp_path / "a.pdf").write_bytes(buffer.getvalue())
    pieces = text.layout("سلام عليكم", fonts.FONT, 14)
    assert len(pieces) == 1 and pieces[0].drawn != "سلام عليكم"  # joined forms, right to left
    assert "سلام عليكم" in pdfium_text(tmp_path / "a.pdf")
    if shutil.which("pdftotext"):
        assert "سلام عليكم" in poppler_text(tmp_path / "a.pdf")


def test_each_script_has_a_bundled_font():
    for script, name in NAMES.items():
        assert fonts.first_missing(name) is None, script
        for style in (fonts.FONT, fonts.BOLD, fonts.MONO, fonts.MONO_BOLD):
            assert fonts.first_missing(name, style) is None, (script, style)


def test_monospace_stays_monospace_for_codes():
    for ch in "0123456789ABCDEFGHJKMNPQRSTVWXYZ-":
        assert fonts.font_for(ch, fonts.MONO) == fonts.MONO
    assert text.width("0O1I", fonts.MONO, 10) == text.width("WWWW", fonts.MONO, 10)


ETHIOPIC = "ሀይሌ"  # no bundled font has Ethiopic


def test_a_missing_character_is_refused_before_the_credential_is_asked(tmp_path):
    result = run(
        "split",
        "-k",
        "2",
        "-n",
        "2",
        "--label",
        "x",
        "--out",
        tmp_path / "o",
        "--custodian",
        ETHIOPIC,
        "--custodian",
        "B",
        "--no-scan-check",
    )  # no --secret-file and no terminal: would fail at the prompt
    assert result.returncode == 1
    err = output(result)
    assert "U+1200" in err and "--font" in err and "Traceback" not in err
    assert "terminal" not in err  # refused before the credential was asked for
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "o").exists()


def make_font(path: Path, chars: str) -> Path:
    """A small TrueType font with a box glyph for each of `chars` (fontTools' FontBuilder)."""
    fb = pytest.importorskip("fontTools.fontBuilder")
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    builder = fb.FontBuilder(1000, isTTF=True)
    names = [".notdef", "space", *(f"uni{ord(ch):04X}" for ch in chars)]
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({32: "space", **{ord(ch): f"uni{ord(ch):04X}" for ch in chars}})
    pen = TTGlyphPen(None)
    pen.moveTo((50, 0)), pen.lineTo((50, 700)), pen.lineTo((550, 700)), pen.lineTo((550, 0)), pen.closePath()
    box = pen.glyph()
    builder.setupGlyf({name: box for name in names})
    builder.setupHorizontalMetrics({name: (600, 50) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Test Ethiopic", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(path))
    return path


def test_font_option_adds_a_font_for_what_the_bundle_lacks(tmp_path):
    font = make_font(tmp_path / "ethiopic.ttf", ETHIOPIC)
    (tmp_path / "s").write_bytes(b"secret")
    result = run(
        "split",
        "-k",
        "2",
        "-n",
        "2",
        "--label",
        "x",
        "--out",
        tmp_path / "o",
        "--custodian",
        ETHIOPIC,
        "--custodian",
        "B",
        "--secret-file",
        tmp_path / "s",
        "--font",
        font,
        "--no-scan-check",
    )
    assert result.returncode == 0, output(result)
    assert ETHIOPIC in pdfium_text(next((tmp_path / "o").glob("*-share-1-of-2.pdf")))


@pytest.mark.parametrize("content,message", [(b"not a font", "not a usable TrueType font"), (None, "does not exist")])
def test_a_bad_font_file_is_one_line(tmp_path, content, message):
    font = tmp_path / "bad.ttf"
    if content is not None:
        font.write_bytes(content)
    result = run("logbook", "--manifest", tmp_path / "m.json", "--out", tmp_path / "l.pdf", "--font", font)
    assert result.returncode == 1 and message in output(result) and "Traceback" not in output(result)


def test_fonts_and_licences_ship_with_the_package():
    folder = fonts.bundled_path(fonts.FONT).parent
    for name in fonts.BUNDLED:
        assert fonts.bundled_path(name).is_file(), name
    licences = {p.name for p in folder.glob("LICENSE-*.txt")}
    assert licences == {"LICENSE-DejaVu.txt", "LICENSE-Noto.txt", "LICENSE-DroidSansFallback.txt"}
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    assert re.search(r'"fonts/\*\.ttf"', pyproject) and re.search(r'"fonts/\*\.txt"', pyproject)


def test_a_clean_process_prints_without_system_fonts(tmp_path):
    """The bundled fonts are found from the package itself, whatever the machine has installed."""
    probe = (
        "from breakglass.paper import sizes; c, b = sizes.new_canvas('a4', 't'); c.setFont('DejaVuSans', 9);"
        f"c.drawString(10, 10, '김민준 प्रिया'); c.save(); open({str(tmp_path / 'p.pdf')!r}, 'wb').write(b.getvalue())"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert "김민준" in pdfium_text(tmp_path / "p.pdf")


def test_a_control_character_is_named_not_printed():
    with pytest.raises(Exception) as refused:
        fonts.require_printable(["Alice\x07"])
    message = str(refused.value)
    assert "U+0007" in message and "\x07" not in message and "Alice?" in message
