"""Right-to-left text on a left-to-right page: which runs of a line are drawn right to left, and in what order.

Every printed line is laid out left to right (the documents are written in a left-to-right language), so this
is the Unicode bidirectional algorithm (UAX #9) for a paragraph of base level 0 without explicit embeddings:
strong letters set the direction, numbers inside right-to-left text stay left to right, neutrals (spaces,
punctuation) between two runs of one direction take that direction and otherwise the page's. Explicit
embedding and isolate controls are ignored (and not drawn); the marks LRM, RLM and ALM count as strong letters.

    visual_runs(text) -> [(run text in logical order, right_to_left), ...] in the order they are drawn
"""

from __future__ import annotations

import unicodedata
from typing import cast

RTL_CLASSES = {"R", "AL"}
NUMBER_CLASSES = {"EN", "AN"}
# Explicit embeddings, overrides and isolates: not supported, dropped from the drawn text.
EXPLICIT_CONTROLS = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
MARKS = {"\u200e", "\u200f", "\u061c"}  # LRM, RLM, ALM: steer the order, draw nothing

# Level 0: left to right; 1: right to left; 2: a number inside right-to-left text (drawn left to right).
LTR, RTL, NUMBER_IN_RTL = 0, 1, 2


def bidi_class(ch: str) -> str:
    return unicodedata.bidirectional(ch) or "L"


def is_rtl_char(ch: str) -> bool:
    return bidi_class(ch) in RTL_CLASSES


def drawn_text(text: str) -> str:
    """The text without the invisible direction controls (nothing to draw, and fonts may lack them)."""
    return "".join(ch for ch in text if ch not in MARKS and bidi_class(ch) not in EXPLICIT_CONTROLS)


def levels(text: str) -> list[int]:
    """The embedding level of each character of `text` (a line whose base direction is left to right)."""
    kinds: list[str | None] = []  # "L", "R", "N" (number in right-to-left text) or None (neutral, for now)
    last_strong, previous = "L", None
    for ch in text:
        cls = bidi_class(ch)
        if cls == "NSM":  # a combining mark goes with the character it marks
            kinds.append(previous)
            continue
        if cls == "L":
            kind = last_strong = "L"
        elif cls in RTL_CLASSES:
            kind = last_strong = "R"
        elif cls in NUMBER_CLASSES:
            kind = "N" if last_strong == "R" or cls == "AN" else "L"
        else:
            kind = None
        kinds.append(kind)
        previous = kind
    _resolve_neutrals(kinds)
    return [{"L": LTR, "R": RTL, "N": NUMBER_IN_RTL}[cast(str, kind)] for kind in kinds]  # no neutral is left


def _resolve_neutrals(kinds: list[str | None]) -> None:
    """Neutrals between two runs of one direction take it; any other neutral takes the page's (left to right)."""
    direction = lambda kind: "R" if kind in ("R", "N") else "L"
    i = 0
    while i < len(kinds):
        if kinds[i] is not None:
            i += 1
            continue
        j = i
        while j < len(kinds) and kinds[j] is None:
            j += 1
        before = direction(kinds[i - 1]) if i > 0 else "L"
        after = direction(kinds[j]) if j < len(kinds) else "L"
        for k in range(i, j):
            kinds[k] = "R" if before == after == "R" else "L"
        i = j


def visual_runs(text: str) -> list[tuple[str, bool]]:
    """The runs of `text` in the order they are drawn, left to right, each in logical order with its direction.

    A right-to-left run is drawn by a shaper that lays its glyphs out right to left; a number inside it is a
    run of its own, placed by the reordering."""
    text_levels = levels(text)
    runs: list[tuple[str, int]] = []
    for ch, level in zip(text, text_levels, strict=True):
        if ch in MARKS or bidi_class(ch) in EXPLICIT_CONTROLS:
            continue
        if runs and runs[-1][1] == level:
            runs[-1] = (runs[-1][0] + ch, level)
        else:
            runs.append((ch, level))
    # Rule L2: from the highest level down to 1, reverse every sequence of runs at that level or higher.
    for level in range(max((lv for _, lv in runs), default=0), 0, -1):
        i = 0
        while i < len(runs):
            if runs[i][1] < level:
                i += 1
                continue
            j = i
            while j < len(runs) and runs[j][1] >= level:
                j += 1
            runs[i:j] = runs[i:j][::-1]
            i = j
    return [(run, level % 2 == 1) for run, level in runs]
