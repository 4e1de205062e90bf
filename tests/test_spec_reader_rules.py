"""Rules the spec states that the code once broke, found while reading sheets from docs/FORMAT.md alone."""

import json
from pathlib import Path

import pytest
from breakglass.errors import BreakglassError
from breakglass.format import typed
from breakglass.format.combine import recombine
from breakglass.format.share2 import Share2
from spec_reader import Refused, read_pile
from spec_reader.shares import parse_share2
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
    shares = [Share2.from_bytes(GENUINE[0]), Share2.from_bytes(forged)]
    messages = set()
    for pile in (shares, shares[::-1]):
        with pytest.raises(BreakglassError) as refused:
            recombine(pile)
        messages.add(str(refused.value))
    assert len(messages) == 1 and messages.pop().startswith("need 3 shares, have 2")
    with pytest.raises(Refused, match="1 more needed"):
        read_pile(typed_texts=[typed_block(GENUINE[0]), typed_block(forged)])
