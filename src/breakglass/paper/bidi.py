"""Right-to-left text on a left-to-right page: which runs of a line are drawn right to left, and in what order.

Every printed line is laid out left to right (the documents are written in a left-to-right language), so this
is the Unicode bidirectional algorithm (UAX #9) for a paragraph of base level 0 without explicit embeddings:
strong letters set the direction, numbers inside right-to-left text stay left to right, neutrals (spaces,
punctuation) between two runs of one direction take that direction and otherwise the page's. Isolates (FSI,
LRI, RLI ... PDI, rule X5a-X6a) are resolved: their content is laid out on its own (FSI: in the direction of
its first strong letter) and counts as one neutral for the text around it, so a name inserted into a sentence
(isolate(name), as wording.fill does for every inserted value) never pulls the numbers and brackets beside it
into its direction. Explicit embeddings and overrides are ignored; no control is drawn; the marks LRM, RLM and
ALM count as strong letters.

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


FSI, LRI, RLI, PDI = "\u2068", "\u2066", "\u2067", "\u2069"
ISOLATE_STARTS = {"LRI", "RLI", "FSI"}


def isolate(value: str) -> str:
    """`value` as a first-strong isolate when it holds right-to-left letters, to be inserted into a sentence."""
    return f"{FSI}{value}{PDI}" if any(is_rtl_char(ch) for ch in value) else value


def _matching_pdi(text: str, start: int) -> int:
    """The index of the PDI closing the isolate opened at `start`, or len(text) (it then runs to the end)."""
    depth = 0
    for i in range(start + 1, len(text)):
        cls = bidi_class(text[i])
        if cls in ISOLATE_STARTS:
            depth += 1
        elif cls == "PDI":
            if depth == 0:
                return i
            depth -= 1
    return len(text)


def _first_strong_is_rtl(text: str) -> bool:
    i = 0
    while i < len(text):
        cls = bidi_class(text[i])
        if cls in ISOLATE_STARTS:  # rule P2: a nested isolate's letters do not count
            i = _matching_pdi(text, i) + 1
            continue
        if cls == "L" or cls in RTL_CLASSES:
            return cls in RTL_CLASSES
        i += 1
    return False


def levels(text: str, rtl_base: bool = False) -> list[int]:
    """The embedding level of each character of `text`: a line whose base direction is left to right, or (for
    the content of a right-to-left isolate) right to left."""
    kinds: list[str | None] = []  # "L", "R", "N" (number in right-to-left text) or None (neutral, for now)
    inner: dict[int, int] = {}  # the levels of characters inside isolates
    last_strong, previous = ("R" if rtl_base else "L"), None
    i = 0
    while i < len(text):
        ch = text[i]
        cls = bidi_class(ch)
        if cls in ISOLATE_STARTS:  # the whole isolate is one neutral here; its content is laid out on its own
            end = _matching_pdi(text, i)
            body = text[i + 1 : end]
            body_rtl = cls == "RLI" or (cls == "FSI" and _first_strong_is_rtl(body))
            shift = 2 if rtl_base and not body_rtl else 0  # left to right inside right to left: two levels up
            inner.update({i + 1 + k: level + shift for k, level in enumerate(levels(body, body_rtl))})
            kinds += [None] * (min(end + 1, len(text)) - i)
            i, previous = end + 1, None
            continue
        i += 1
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
    _resolve_neutrals(kinds, "R" if rtl_base else "L")
    level_of = {"L": NUMBER_IN_RTL if rtl_base else LTR, "R": RTL, "N": NUMBER_IN_RTL}
    return [inner[k] if k in inner else level_of[cast(str, kind)] for k, kind in enumerate(kinds)]


def _resolve_neutrals(kinds: list[str | None], base: str = "L") -> None:
    """Neutrals between two runs of one direction take it; any other neutral takes the base direction."""

    def direction(kind: str | None) -> str:
        return "R" if kind in ("R", "N") else "L"

    i = 0
    while i < len(kinds):
        if kinds[i] is not None:
            i += 1
            continue
        j = i
        while j < len(kinds) and kinds[j] is None:
            j += 1
        before = direction(kinds[i - 1]) if i > 0 else base
        after = direction(kinds[j]) if j < len(kinds) else base
        for k in range(i, j):
            kinds[k] = before if before == after else base
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
