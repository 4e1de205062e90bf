"""Wording people read, loaded from TOML files in templates/ so an organisation can adapt it without code.

Set BREAKGLASS_TEMPLATES to a folder of your own files to override any of them (a missing file falls back to
the shipped one). Texts may contain {placeholders}, filled with str.format_map.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

from ..errors import BreakglassError

OVERRIDE_ENV = "BREAKGLASS_TEMPLATES"


@cache
def load(name: str) -> dict:
    """The parsed templates/<name>.toml, from the override folder if it has one."""
    override = os.environ.get(OVERRIDE_ENV)
    if override and (Path(override) / f"{name}.toml").is_file():
        text = (Path(override) / f"{name}.toml").read_text(encoding="utf-8")
        where = str(Path(override) / f"{name}.toml")
    else:
        text = resources.files("breakglass.templates").joinpath(f"{name}.toml").read_text(encoding="utf-8")
        where = f"templates/{name}.toml"
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise BreakglassError(f"{where} is not valid TOML: {e}") from None


def fill(text: str, **values) -> str:
    """The text with its placeholders filled; every value holding right-to-left letters (a name, a label, a
    place, a reason) goes in as a Unicode isolate, so the bidi algorithm (bidi.py) keeps the numbers and
    brackets around it in the sentence's order."""
    from .bidi import isolate

    return text.format_map({key: isolate(v) if isinstance(v, str) else v for key, v in values.items()})
