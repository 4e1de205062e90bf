"""The ceremony scripts people follow (split, release, drill, rotation, destruction, and the custodian changes:
expand and reshare), from templates/logbook.toml.

That file is their one source: ceremony/*.md are generated from it (`python -m breakglass.paper.logbook
--write-scripts ceremony`) and the paper logbook prints the split script's steps with time and initials
columns. A step that runs a command recording a journal event says where its event code is written (`code`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import BreakglassError
from . import wording

SCRIPT_NAMES = ("split", "release", "drill", "rotation", "destruction", "expand", "reshare")


# ---------------------------------------------------------------- scripts (templates/logbook.toml)


@dataclass(frozen=True)
class Step:
    number: int
    who: str
    text: str
    command: str = ""
    code: str = ""  # where the event code the command prints is written, with its time


@dataclass(frozen=True)
class Script:
    name: str
    file: str
    title: str
    purpose: str
    roles: tuple[str, ...]
    before: tuple[str, ...]
    steps: tuple[Step, ...]
    after: tuple[str, ...]


def load_script(name: str) -> Script:
    """A ceremony script from templates/logbook.toml."""
    words = wording.load("logbook")
    try:
        raw = words["scripts"][name]
        steps = tuple(
            Step(i, s["who"], s["text"], s.get("command", ""), s.get("code", "")) for i, s in enumerate(raw["steps"], 1)
        )
        return Script(
            name,
            raw["file"],
            raw["title"],
            raw["purpose"],
            tuple(raw.get("roles", ())),
            tuple(raw.get("before", ())),
            steps,
            tuple(raw.get("after", ())),
        )
    except (KeyError, TypeError) as e:
        raise BreakglassError(f"templates/logbook.toml: script '{name}' is incomplete (missing {e})") from None


def script_markdown(script: Script) -> str:
    """The script as a Markdown document (what ceremony/<file> holds)."""
    words = wording.load("logbook")
    out = [
        f"# {script.title}",
        "",
        "<!-- Generated from templates/logbook.toml by `python -m breakglass.paper.logbook --write-scripts ceremony`."
        " Edit the TOML, then regenerate; the paper logbook prints the same steps. -->",
        "",
        script.purpose,
        "",
        f"Script version {words.get('script_version', '')}. {words.get('script_placeholders', '')}",
        "",
        "## Roles",
        "",
        *[f"- {r}" for r in script.roles],
        "",
        "## Before you start",
        "",
        *[f"- {b}" for b in script.before],
        "",
        "## Steps",
        "",
        "Done in this order. The witness notes the time and initials each step in the logbook.",
        "",
    ]
    for step in script.steps:
        out.append(f"{step.number}. **{step.who}**: {step.text}")
        pad = " " * len(f"{step.number}. ")  # inside the list item, however many digits
        if step.command:
            out += ["", f"{pad}```", f"{pad}{step.command}", f"{pad}```", ""]
        if step.code:
            if out[-1]:
                out.append("")
            out += [f"{pad}**Event code:** {step.code}", ""]
    if out[-1] == "":
        out.pop()
    out += ["", "## Notes", "", *[f"- {a}" for a in script.after], ""]
    return "\n".join(out)


def write_scripts(folder: Path) -> list[Path]:
    from ..system.files import DOCUMENT, write_new_file

    written = []
    for name in SCRIPT_NAMES:
        script = load_script(name)
        path = folder / script.file
        write_new_file(path, script_markdown(script).encode("utf-8"), DOCUMENT, force=True)
        written.append(path)
    return written
