"""Every kind of PDF, with long names and labels in Latin, Arabic, Hebrew, Devanagari, Thai and CJK (issue 23),
read back from its text layer: no two pieces of text overlap, all ink stays on the safe area, no text is
smaller than the body minimum (running headers and capital-letter labels excepted, down to 6 pt), no literal
markdown, no name broken mid-word without a hyphen; right-to-left names inside sentences are drawn in the
sentence's order (glyph positions), and names on the custody page have one weight in every script."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from breakglass.paper import sizes
from breakglass.paper.pdfkit import MIN_TEXT
from paper_gallery import CUSTODIANS, KINDS, NEW_CUSTODIAN, OPERATOR, WITNESS, make_gallery
from paperchecks import ink_problems
from textlayout import chars, overlaps, pieces

FINE_PRINT = 6.0  # running headers (the top band of the safe area) and labels in capitals


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    return make_gallery(tmp_path_factory.mktemp("gallery"))


def _is_mark(text: str) -> bool:
    return bool(text) and all(unicodedata.category(ch).startswith("M") for ch in text)


def _one_word(a: str, b: str) -> bool:
    """Two drawn pieces of one shaped word (a Thai vowel sign and its consonant drawn as a run of their own)."""
    return bool(a) and bool(b) and " " not in a + b and (a in b or b in a)


@pytest.mark.parametrize("kind", KINDS)
def test_no_two_pieces_of_text_overlap(gallery, kind):
    found = [
        (a, b)
        for a, b in overlaps(pieces(gallery[kind]))
        if not (_is_mark(a.text) or _is_mark(b.text) or _one_word(a.text, b.text))
    ]  # a vowel sign drawn over its letter is shaping
    assert not found, "\n".join(
        f"page {a.page}: {a.text[:50]!r} {a.box} over {b.text[:50]!r} {b.box}" for a, b in found
    )


@pytest.mark.parametrize("kind", KINDS)
def test_all_ink_inside_the_safe_area(gallery, kind):
    assert ink_problems(gallery[kind].read_bytes(), "a4") == []


@pytest.mark.parametrize("kind", KINDS)
def test_no_text_below_the_body_minimum(gallery, kind):
    header_band = sizes.safe_area("a4").top - 14
    small = [c for c in chars(gallery[kind]) if c.size < MIN_TEXT - 0.05]
    wrong = [
        c
        for c in small
        if c.size < FINE_PRINT or not (c.box[1] >= header_band or c.text.isupper() or not c.text.isalpha())
    ]
    assert not wrong, sorted({(c.page, c.size, c.text) for c in wrong})[:20]


@pytest.mark.parametrize("kind", KINDS)
def test_no_literal_markdown(gallery, kind):
    text = "".join(c.text for c in chars(gallery[kind]))
    assert "`" not in text and "**" not in text


def _page_texts(pdf) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf)]


@pytest.mark.parametrize("kind", KINDS)
def test_long_names_break_only_at_spaces_or_with_a_hyphen(gallery, kind):
    """A word of a name split over two lines must end its first line with a hyphen."""
    words = [w for name in (*CUSTODIANS, NEW_CUSTODIAN) for w in name.split() if len(w) >= 12]
    for number, text in enumerate(_page_texts(gallery[kind]), start=1):
        for word in words:
            # the word with a line break somewhere inside it, not after a hyphen
            broken = (
                "(?:"
                + "|".join(re.escape(word[:i]) + r"\r?\n" + re.escape(word[i:]) for i in range(1, len(word)))
                + ")"
            )
            for m in re.finditer(broken, text):
                assert text[m.start() : m.end()].split("\n")[0].rstrip("\r").endswith("-"), (
                    f"page {number}: {word!r} broken mid-word without a hyphen: {m.group()!r}"
                )


def _glyph_runs(pdf, page_number: int) -> list[tuple[str, float, float]]:
    """(character, x, y) of every character of a page, in drawing order."""
    page = pdfium.PdfDocument(pdf)[page_number - 1]
    textpage = page.get_textpage()
    out = []
    for i in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(i)
        out.append((chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i)), (left + right) / 2, (bottom + top) / 2))
    return out


def _x_of(glyphs, word: str, near_y: float | None = None) -> list[tuple[float, float]]:
    """(x, y) of each place `word` (its first letter in reading order) is drawn."""
    text = "".join(g[0] for g in glyphs)
    found = []
    for m in re.finditer(re.escape(word), text):
        xs = [glyphs[k][1] for k in range(m.start(), m.end())]
        found.append((min(xs), glyphs[m.start()][2]))
    return found


def test_names_in_a_sentence_keep_the_sentence_order(gallery):
    """The release checklist's rotation line: 'shares 1 (Max...), 2 (محمد ...), 3 (דוד ...), read at this
    release': on the drawn line every share number sits right of the name before it and left of its own
    name, whatever the names' direction (glyph positions; brackets are left out, as the text layer of a
    mirrored bracket glyph is not reliable)."""
    pdf = gallery["checklist-release"]
    for number in range(1, len(pdfium.PdfDocument(pdf)) + 1):
        glyphs = _glyph_runs(pdf, number)
        if "read at this release" in "".join(g[0] for g in glyphs):
            break
    else:
        pytest.fail("no rotation line in the release checklist")
    read_x, line_y = _x_of(glyphs, "read at this")[0]
    line = [g for g in glyphs if abs(g[2] - line_y) < 2]
    arabic = [g[1] for g in line if "ARABIC" in unicodedata.name(g[0], "")]
    hebrew = [g[1] for g in line if "HEBREW" in unicodedata.name(g[0], "")]
    three = [g[1] for g in line if g[0] == "3" and g[1] < read_x]
    assert arabic and hebrew and three, "".join(g[0] for g in sorted(line, key=lambda g: g[1]))
    # "...الهاشمي), 3 (דוד כהן-לוי), read": the end of the Arabic name, then 3, then the Hebrew name, then "read"
    assert max(arabic) < three[-1] < min(hebrew) and max(hebrew) < read_x, "".join(
        g[0] for g in sorted(line, key=lambda g: g[1])
    )


def test_isolates_keep_numbers_and_brackets_in_the_sentence():
    """bidi.py resolves FSI ... PDI: without them the numbers between two right-to-left names join their run."""
    from breakglass.paper.bidi import isolate, visual_runs

    names = ("محمد عبد الله", "דוד כהן")
    plain = f"shares 1 (Ann), 2 ({names[0]}), 3 ({names[1]}), 4 (Bo)"
    assert ("3", False) in visual_runs(plain)  # the bug: "3" drawn between the names, out of place
    isolated = f"shares 1 (Ann), 2 ({isolate(names[0])}), 3 ({isolate(names[1])}), 4 (Bo)"
    assert visual_runs(isolated) == [
        ("shares 1 (Ann), 2 (", False),
        (names[0], True),
        ("), 3 (", False),
        (names[1], True),
        ("), 4 (Bo)", False),
    ]


def test_operator_and_witness_both_right_to_left_are_not_swapped(gallery):
    for kind in ("checklist-release", "checklist-reshare"):
        glyphs = _glyph_runs(gallery[kind], 1)
        operator = _x_of(glyphs, OPERATOR[:4]) or _x_of(glyphs, OPERATOR[::-1][:4])
        witness = _x_of(glyphs, WITNESS[:4]) or _x_of(glyphs, WITNESS[::-1][:4])
        slash = [g for g in glyphs if g[0] == "/" and operator and abs(g[2] - operator[0][1]) < 2]
        assert operator and witness and slash, kind
        assert operator[0][0] < slash[0][1] < witness[0][0], f"{kind}: operator / witness drawn swapped"


def test_custody_page_names_have_one_weight_in_every_script(gallery):
    pdf = gallery["logbook-split"]
    document = pdfium.PdfDocument(pdf)
    for page in document:
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        if "Maximiliane" not in text or "Share custody" not in text:
            continue
        weights = {}
        for name in CUSTODIANS:
            letter = next(ch for ch in name if ch.isalpha())
            for i in range(textpage.count_chars()):
                if chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i)) == letter:
                    weights[name] = pdfium_c.FPDFText_GetFontWeight(textpage.raw, i)
                    break
        assert len(weights) == len(CUSTODIANS) and len(set(weights.values())) == 1, weights
        return
    pytest.fail("no custody page")


def _text_of(pdf) -> str:
    return "\n".join(_page_texts(pdf)).replace("\r", "")


def test_each_ceremony_names_its_own_event_and_counts_right(gallery):
    expansion = " ".join(_text_of(gallery["logbook-expansion"]).split())
    assert "New share 7 of an existing set" in expansion  # one share: singular
    assert "Ceremony record: the expansion that printed these sheets" in expansion
    for kind, event in (("split", "split"), ("rotation", "rotation"), ("reshare", "reshare")):
        text = " ".join(_text_of(gallery[f"logbook-{kind}"]).split())
        assert f"Ceremony record: the {event} that made this set" in text, kind
    checklist = " ".join(_text_of(gallery["checklist-expansion"]).split())
    assert "a reshare: a new set" not in checklist and "new shares of this set" in checklist


def test_the_sheet_sends_a_release_to_the_release_script(gallery):
    for kind in ("sheet-format2", "sheet-format1"):
        text = " ".join(_text_of(gallery[kind]).split())
        assert "ceremony/release.md" in text and "--journal JOURNAL" in text and "--witness NAME" in text
        assert "breakglass recombine SCAN" not in text


def test_an_expansion_that_replaced_nothing_asks_for_no_destruction(tmp_path):
    from datetime import datetime

    from breakglass.paper.checklist import render_checklist
    from breakglass.record.journal import append_event, read_journal

    journal = tmp_path / "journal.jsonl"
    append_event(
        journal,
        "expand",
        set_id="1A2B-3C4D-5E6F-7081",
        shares=[1, 2],
        fingerprint="GG7A-6H24-R1SZ-DES3",
        operator="Ola",
        witness="Wes",
        now=datetime(2026, 2, 10, tzinfo=UTC),
        extra={"k": 2, "n": 4, "new_shares": [4], "sheets": [{"share": 4, "copy": 1, "holder": "Dee"}]},
    )
    pdf = render_checklist(read_journal(journal)[0], config=None, holders=[], label="Root", k=2)
    text = " ".join(_text_of(pdf).split())
    assert "no sheet is to be destroyed" in text and "Destroy every sheet listed below" not in text
