"""The person at the keyboard, as the CLI reaches them. A ceremony speaks through `say` (stderr) and asks,
confirms and shows through a Terminal it is given (cli/common.py makes one with click), so that no ceremony
imports a user-interface library and the demo can run one without a person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Terminal:
    ask: Callable[[str], str]  # a prompt answered with one typed line
    confirm: Callable[[str], bool]  # a yes-or-no question: no unless the person says yes
    show: Callable[[str], None]  # a line on stdout (the credential shown, a drill's OK line); `say` goes to stderr
