"""Rules the spec states that the code once broke, found while reading sheets from docs/FORMAT.md alone."""

import json
from pathlib import Path

import pytest

from breakglass.errors import BreakglassError
from breakglass.format import typed, v2
from breakglass.format.combine import recombine
from spec_reader import Refused, read_pile
from spec_reader.shares import parse_share2
from spec_reader.typed import read_typed
from spec_reader.write import claiming_k, typed_block

CASE = json.loads((Path(__file__).parent / "vectors" / "vectors2.json").read_text())["cases"][0]  # 3 of 5
GENUINE = [bytes.fromhex(s["hex"]) for s in CASE["shares"]]


@pytest.mark.parametrize("first", ["²", "³", "①", "٣"])
def test_a_typed_line_starting_with_a_digit_like_character_is_refused_by_name_not_a_crash(first):
    """`--type-in` crashed (ValueError from int('²')): line numbers are ASCII digits (FORMAT.md 2.3, step 1)."""
    with pytest.raises(BreakglassError, match="line 01"):
        typed.check_line(1, f"{first} 893G 4YP9 1JE0 F802 201G A080 0004 095C 40AH")


def test_a_line_number_in_other_digits_is_not_a_line_number():
    block = typed_block(GENUINE[0]).replace("\n01  ", "\n\uff10\uff11  ")  # full-width '01'
    assert [s.index for s in typed.read_text(block).shares] == []
    assert "line(s) 01 missing" in typed.read_text(block).problems[0]


def test_the_threshold_of_a_set_whose_shares_disagree_does_not_depend_on_their_order():
    """One genuine share (k = 3) and one forged share claiming k = 2: a tie, judged by the larger k in every
    order, so the forged share cannot lower the bar (FORMAT.md 8, 'which set')."""
    forged = claiming_k(parse_share2(GENUINE[2]), 2)
    shares = [v2.Share.from_bytes(GENUINE[0]), v2.Share.from_bytes(forged)]
    messages = set()
    for pile in (shares, shares[::-1]):
        with pytest.raises(BreakglassError) as refused:
            recombine(pile)
        messages.add(str(refused.value))
    assert len(messages) == 1 and messages.pop().startswith("need 3 shares, have 2")
    with pytest.raises(Refused, match="1 more needed"):
        read_pile(typed_texts=[typed_block(GENUINE[0]), typed_block(forged)])


def _data_rows(change):
    def edit(block: str) -> str:
        rows = block.splitlines()
        return "\n".join([rows[0], *(change(r) for r in rows[1:])]) + "\n"

    return edit


def _header_row(change):
    def edit(block: str) -> str:
        rows = block.splitlines()
        return "\n".join([change(rows[0]), *rows[1:]]) + "\n"

    return edit


def _two_columns(rows: list[str]) -> str:
    """Lines 1-3 and 4-6 side by side, as pdftotext -layout gives a two-column block."""
    paired = [left + "      " + right for left, right in zip(rows[1:4], rows[4:7], strict=True)]
    return "\n".join([rows[0], *paired, *rows[7:]]) + "\n"


VARIANTS = {
    "as printed": lambda b: b,
    "lower case, look-alikes": _data_rows(lambda r: r[:4] + r[4:].lower().replace("0", "o").replace("1", "l")),
    "hyphens and tabs": _data_rows(lambda r: r[:4] + r[4:].replace(" ", "-").replace("--", "\t")),
    "no spaces": _data_rows(lambda r: r[:4] + r[4:].replace(" ", "")),
    "number with '.'": _data_rows(lambda r: r[:2] + ". " + r[4:]),
    "number with ' )'": _data_rows(lambda r: r[:2] + " ) " + r[4:]),
    "number unpadded": _data_rows(lambda r: r.lstrip("0")),
    "number glued to data": _data_rows(lambda r: r[:2] + r[4:]),
    "no numbers": _data_rows(lambda r: r[4:]),
    "a Unicode dash": _data_rows(lambda r: r[:8] + "\u2010" + r[8:]),
    "a no-break space": _data_rows(lambda r: r[:8] + "\u00a0" + r[8:]),
    "a U": _data_rows(lambda r: r[:4] + "U" + r[4:]),
    "lines reversed": lambda b: "\n".join([b.splitlines()[0], *b.splitlines()[:0:-1]]) + "\n",
    "two columns on a row": lambda b: _two_columns(b.splitlines()),
    "prose around": lambda b: "Here it is:\n" + b + "3 QR codes carry this share; any 2 will do.\n",
    "CR LF": lambda b: b.replace("\n", "\r\n"),
    "header lower case, set id without hyphens": _header_row(lambda h: h.replace("-", "").lower()),
    "header set id with spaces, runs of spaces": _header_row(lambda h: h.replace("-", " ").replace(" OF ", "   OF ")),
    "header numbers with leading zeros": _header_row(
        lambda h: h.replace("SHARE ", "SHARE 0").replace("LINES ", "LINES 0")
    ),
    "header after other text": _header_row(lambda h: "Typed fallback    " + h),
    "header check with a space": _header_row(lambda h: h[:-2] + " " + h[-2:]),
    "header check altered": _header_row(lambda h: h[:-1] + ("0" if h[-1] != "0" else "1")),
    "header check missing": _header_row(lambda h: h[:-5] if h.startswith("BG2") else h + " 0000"),
    "header of a newer version": _header_row(lambda h: h.replace("BG2", "BG3").replace("BG1", "BG3")),
}
FORMAT1 = json.loads((Path(__file__).parent / "vectors" / "vectors.json").read_text())["cases"][2]["shares"][0]


@pytest.mark.parametrize("variant", VARIANTS, ids=str)
@pytest.mark.parametrize("raw", [GENUINE[0], bytes.fromhex(FORMAT1["hex"])], ids=["format 2", "format 1"])
def test_the_spec_reader_and_breakglass_read_the_same_typed_texts(raw, variant):
    """Every freedom and every refusal of FORMAT.md 2.3, as the spec reader reads it and as breakglass does."""
    text = VARIANTS[variant](typed_block(raw))
    mine = [s.raw for s in read_typed(text).shares]
    theirs = [s.to_bytes() for s in typed.read_text(text).shares]
    assert mine == theirs
    expected_read = variant not in {
        "number glued to data",
        "no numbers",
        "a Unicode dash",
        "a no-break space",
        "a U",
        "header check altered",
        "header check missing",
        "header of a newer version",
    }
    if raw[2] == 1 and variant == "header check missing":
        expected_read = True  # format 1's header has no check: a trailing token is ignored
    assert mine == ([raw] if expected_read else [])
