"""The paper logbook: the ceremony record people fill in by hand, pre-filled from the manifest, config and journal.

Pages, in order: cover (what the set is), participants sign-in, the split ceremony script with time and
initials per step, share custody, exception sheets, release/drill records, share destruction, and a closing
statement carrying the journal head code. Every page has a header and footer with the set id and
"page p of P". All ink stays inside sizes.safe_area, so the same PDF prints whole on A4 and US Letter.

Wording and the ceremony scripts come from templates/logbook.toml (wording.load("logbook")), the one source of
truth for the scripts: ceremony/*.md are generated from it (`python -m breakglass.paper.logbook --write-scripts
ceremony`).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..errors import BreakglassError
from ..record.config import CeremonyConfig
from ..record.journal import Entry, set_origin
from ..system.package import fingerprint as package_fingerprint
from . import pdfkit, sizes, wording
from .pdfkit import BOLD, FONT, GREY, INK, MONO, MONO_BOLD
from .scripts import SCRIPT_NAMES, load_script, script_markdown, write_scripts

__all__ = ["SCRIPT_NAMES", "gather", "load_script", "render_logbook", "script_markdown", "write_scripts"]

# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class CustodySheet:
    share: int
    copy: int
    name: str
    role: str = ""
    location: str = ""


@dataclass(frozen=True)
class LogbookData:
    """Everything printed, gathered and checked before any drawing."""

    set_id: str
    fingerprint: str
    k: int
    n: int
    label: str
    scope: str
    created: str
    tool_version: str
    package: str  # the package fingerprint of the breakglass that made the set (system/package.py)
    event_code: str | None
    head_code: str | None
    sheets: tuple[CustodySheet, ...]
    people: tuple[tuple[str, str], ...]  # (name, role) pre-filled on sign-in and signature tables
    permitted_uses: tuple[str, ...]
    rotation_deadline_days: int | None
    drill_interval_days: int | None
    contact: str
    place: str
    replaces_set: str | None
    release_pages: int | None = None  # from the config; None: as templates/logbook.toml says
    ceremony: str = "split"  # what printed these sheets (manifest "ceremony"): split, rotate, reshare or expand
    recovery_page: str = ""  # SHA-256 of recover.html written beside the sheets (manifest "recovery_page_sha256")

    @property
    def ceremony_id(self) -> str:
        return f"{self.set_id} / {self.created[:10]}" if self.created else self.set_id


def _text(manifest: dict, key: str, default: str = "") -> str:
    value = manifest.get(key)
    return value.strip() if isinstance(value, str) else default


def gather(manifest: dict, config: CeremonyConfig | None = None, journal: list[Entry] | None = None) -> LogbookData:
    """Combine the manifest (what was made), the config (who and the rules) and the journal (event codes)."""
    for key in ("set_id", "fingerprint", "k", "n"):
        if key not in manifest:
            raise BreakglassError(f"the manifest has no '{key}'")
    k, n = manifest["k"], manifest["n"]
    if not (isinstance(k, int) and isinstance(n, int) and 1 <= k <= n):
        raise BreakglassError(f"the manifest's k ({k}) and n ({n}) are invalid")
    if config is not None and (config.k, config.n) != (k, n):
        raise BreakglassError(
            f"the manifest is for {k} of {n} but {config.path or 'the config'} says {config.k} of {config.n}: "
            "give the config the split was made with"
        )
    set_id = _text(manifest, "set_id")

    sheets = _custody_sheets(manifest, config, n)
    if config is not None:
        people = tuple((p.name, p.role) for p in config.people())
    else:
        seen: dict[str, str] = {}
        for s in sheets:
            if s.name and s.name not in seen:
                seen[s.name] = s.role or "Custodian"
        people = tuple(seen.items())

    event_code = manifest.get("event_code") if isinstance(manifest.get("event_code"), str) else None
    head_code = None
    if journal:
        head_code = journal[-1].code
        if event_code is None and (origin := set_origin(journal, set_id)) is not None:
            event_code = origin.code
    return LogbookData(
        set_id=set_id,
        fingerprint=_text(manifest, "fingerprint"),
        k=k,
        n=n,
        label=_text(manifest, "label") or (config.label if config else ""),
        scope=config.scope if config else "",
        created=_text(manifest, "created"),
        tool_version=_text(manifest, "tool_version") or __version__,
        package=_text(manifest, "package") or package_fingerprint(),
        event_code=event_code,
        head_code=head_code,
        sheets=sheets,
        people=people,
        permitted_uses=config.permitted_uses if config else (),
        rotation_deadline_days=config.rotation_deadline_days if config else None,
        drill_interval_days=config.drill_interval_days if config else None,
        contact=config.contact if config else "",
        place=config.place if config else "",
        replaces_set=_text(manifest, "replaces_set") or None,
        release_pages=config.logbook_release_pages if config else None,
        ceremony=_text(manifest, "ceremony") or "split",
        recovery_page=_text(manifest, "recovery_page_sha256"),
    )


def _custody_sheets(manifest: dict, config: CeremonyConfig | None, n: int) -> tuple[CustodySheet, ...]:
    """What was printed: the manifest's custodians list, else its sheets list, else the config, else one per share."""
    listed = manifest.get("custodians")
    if isinstance(listed, list) and listed and all(isinstance(c, dict) and "share" in c for c in listed):
        return tuple(
            CustodySheet(
                int(c["share"]),
                int(c.get("copy", 1)),
                str(c.get("name") or ""),
                str(c.get("role") or ""),
                str(c.get("location") or ""),
            )
            for c in listed
        )
    if config is not None:
        return tuple(
            CustodySheet(
                s.share,
                s.copy,
                s.custodian.name if s.custodian else "",
                s.custodian.role if s.custodian else "",
                s.custodian.location if s.custodian else "",
            )
            for s in config.sheets()
        )
    printed = manifest.get("sheets")
    if isinstance(printed, list) and printed and all(isinstance(s, dict) and "share" in s for s in printed):
        return tuple(CustodySheet(int(s["share"]), int(s.get("copy", 1)), "") for s in printed)
    return tuple(CustodySheet(i, 1, "") for i in range(1, n + 1))


# ---------------------------------------------------------------- drawing


class _Page(pdfkit.Page):
    """pdfkit.Page with the logbook's data, wording and page furniture."""

    def __init__(self, canvas, area: sizes.SafeArea, data: LogbookData, words: dict, total: int | None):
        self.data = data
        self.words = words
        super().__init__(canvas, area, None, total)

    def values(self, **more) -> dict:
        d = self.data
        return {
            "set_id": d.set_id,
            "label": d.label,
            "fingerprint": d.fingerprint,
            "k": d.k,
            "n": d.n,
            "k_minus_1": d.k - 1,
            "tool_version": d.tool_version,
            "package": d.package,
            "contact": d.contact or "the contact named in the ceremony configuration",
            "rotation_deadline_days": d.rotation_deadline_days if d.rotation_deadline_days is not None else "__",
            "drill_interval_days": d.drill_interval_days if d.drill_interval_days is not None else "__",
            **more,
        }

    def w(self, section: str, key: str, **more) -> str:
        try:
            text = self.words[section][key]
        except KeyError:
            raise BreakglassError(f"templates/logbook.toml has no {section}.{key}") from None
        return wording.fill(text, **self.values(**more)) if isinstance(text, str) else text

    def page_furniture(self) -> pdfkit.Furniture:
        doc = self.words["document"]
        return pdfkit.Furniture(
            header_left=wording.fill(doc["header_left"], **self.values()),
            header_right=wording.fill(doc["header_right"], **self.values()),
            footer_left=wording.fill(doc["footer_left"], **self.values()),
            page_label=lambda page, pages: wording.fill(
                doc["footer_right"], page=page, pages=pages, set_id=self.data.set_id
            ),
        )


# ---------------------------------------------------------------- the pages


def _cover(p: _Page) -> None:
    d, w = p.data, p.words["cover"]
    p.new_page()
    c = p.c
    subtitle = "subtitle_expand" if d.ceremony == "expand" else "subtitle"
    several = len({s.share for s in d.sheets}) != 1
    p.document_title(
        p.w("cover", "title"),
        p.w("cover", subtitle, shares=_share_numbers(d), shares_word="shares" if several else "share"),
        size=22,
        subtitle_size=11,
    )

    plain = (FONT, 9.5)
    rows = [
        (w["ceremony_id"], d.ceremony_id, MONO_BOLD, 11),
        (w["credential"], d.label, BOLD, 11),
        (w["scope"], d.scope, *plain),
        (w["set_id"], d.set_id, MONO_BOLD, 16),
        (w["fingerprint"], d.fingerprint, MONO_BOLD, 16),
        (w["threshold"], p.w("cover", "threshold_value"), *plain),
        (w["created"], d.created.replace("T", " ").replace("Z", " UTC"), *plain),
        (w["event_code_expand" if d.ceremony == "expand" else "event_code"], d.event_code or "", MONO_BOLD, 12),
        (w["tool_version"], p.w("cover", "tool_version_value"), *plain),
        (w["script_version"], str(p.words.get("script_version", "")), *plain),
    ]
    if d.replaces_set:
        rows.append((w["replaces_set"], d.replaces_set, MONO, 10))
    if d.recovery_page:
        rows.append((w["recovery_page"], d.recovery_page, MONO, 7.5))
    if d.place:
        rows.append((w["place"], d.place, *plain))
    if d.rotation_deadline_days is not None:
        rows.append((w["rules"], p.w("cover", "rules_value"), *plain))
    if d.contact:
        rows.append((w["contact"], d.contact, *plain))
    p.key_values(rows)
    p.y -= 14

    blanks = list(w["blank_fields"])
    for i in range(0, len(blanks), 2):
        p.field_row([(b, "") for b in blanks[i : i + 2]], height=28)
    p.y -= 12
    c.setFont(BOLD, 10)
    p.need(40)
    c.drawString(p.left, p.y - 10, w["how_to_title"])
    p.y -= 18
    p.bullets(w["how_to"])


def _participants(p: _Page) -> None:
    d = p.data
    p.new_page()
    p.title(p.w("participants", "title"))
    p.paragraph(p.w("participants", "intro"))
    cols = p.w("participants", "columns")
    columns = list(zip(cols, [0.24, 0.23, 0.11, 0.09, 0.09, 0.24], strict=True))
    rows = [[name, role, "", "", "", ""] for name, role in d.people]
    rows += [[""] * 6 for _ in range(int(p.words["participants"].get("blank_rows", 4)))]
    p.table(columns, rows, min_height=30, continued=p.w("participants", "title"))


def _share_numbers(d: LogbookData) -> str:
    numbers = sorted({s.share for s in d.sheets})
    return (
        ", ".join(map(str, numbers[:-1])) + (" and " if len(numbers) > 1 else "") + str(numbers[-1]) if numbers else ""
    )


def plain_step(text: str) -> str:
    """A script step as printed: the Markdown of ceremony/*.md (`code`, **bold**) has no meaning on paper."""
    return text.replace("`", "").replace("**", "")


def _script(p: _Page) -> None:
    # The script of the ceremony that printed these sheets (a rotation's new set follows the split script's
    # custody steps); expand and reshare have their own.
    script = load_script(p.data.ceremony if p.data.ceremony in ("expand", "reshare") else "split")
    p.new_page()
    p.title(p.w("script", "title", title=script.title))
    p.paragraph(p.w("script", "intro"), size=8.5)
    cols = p.w("script", "columns")
    columns = list(zip(cols, [0.05, 0.14, 0.59, 0.11, 0.11], strict=True))
    rows = []
    for step in script.steps:
        paras = [(plain_step(step.text), FONT, 8.5)]
        if step.command:
            paras.append((step.command, MONO, 7.5))
        if step.code:
            paras.append((f"Event code: {step.code}", BOLD, 7.5))
        rows.append([str(step.number), [(step.who, BOLD, 8.5)], paras, "", ""])
    p.table(columns, rows, min_height=26, continued=p.w("script", "title", title=script.title))


def _custody(p: _Page) -> None:
    d = p.data
    p.new_page()
    p.title(p.w("custody", "title"))
    p.paragraph(p.w("custody", "intro"))
    _code_record(p, "custody", "record")
    cols = p.w("custody", "columns")
    columns = list(zip(cols, [0.08, 0.07, 0.27, 0.17, 0.11, 0.30], strict=True))
    rows = []
    for s in d.sheets:
        # Regular weight: Thai and CJK have no bold font here, and one role gets one weight in every script.
        who = [(s.name, FONT, 9)] if s.name else [(p.w("custody", "unassigned"), FONT, 8)]
        detail = ", ".join(x for x in (s.role, s.location) if x)
        if detail:
            who.append((detail, FONT, 7))
        rows.append([[(str(s.share), BOLD, 11)], str(s.copy), who, "", "[ ]", ""])
    p.table(columns, rows, min_height=34, continued=p.w("custody", "title"))
    p.y -= 10
    _code_record(p, "custody", "readback")
    p.paragraph(p.w("custody", "acknowledgement"), size=8, color=GREY)


def _exceptions(p: _Page) -> None:
    for _ in range(int(p.words["exceptions"].get("pages", 1))):
        p.new_page()
        p.title(p.w("exceptions", "title"))
        p.paragraph(p.w("exceptions", "intro"))
        cols = p.w("exceptions", "columns")
        columns = list(zip(cols, [0.1, 0.08, 0.7, 0.12], strict=True))
        count = p.rows_left(24, header=24)
        p.table(columns, [["", "", "", ""] for _ in range(count)], min_height=24)


def _release(p: _Page) -> None:
    """The release pages: one per expected use, each section drawn by its own helper, in the order it is filled."""
    d, w = p.data, p.words["release"]
    for _ in range(d.release_pages or int(w.get("pages", 1))):
        p.new_page()
        p.title(p.w("release", "title"))
        p.paragraph(p.w("release", "intro"), size=8.5)
        _release_kind_and_people(p, w)
        _release_reason(p, w)
        _release_custodians(p, w)
        _release_fingerprint_and_code(p, w)
        _release_after_use(p, w)


def _checkbox_choices(p: _Page, x: float, y: float, choices, spacing: float) -> None:
    """Labelled checkboxes side by side from x on the line y (the text's baseline is 1 pt above the box's)."""
    c = p.c
    for choice in choices:
        p.checkbox(x, y - 1, 9)
        c.setFont(FONT, 9)
        c.drawString(x + 13, y, choice)
        x += spacing + c.stringWidth(choice, FONT, 9)


def _release_kind_and_people(p: _Page, w: dict) -> None:
    """Type of use (checkboxes), then date, incident, requester, approver, operator, witness and the sets."""
    p.c.setFont(BOLD, 9)
    p.c.drawString(p.left, p.y - 10, w["kind"])
    _checkbox_choices(p, p.left + 60, p.y - 10, w["kinds"], 26)
    p.y -= 20
    p.field_row([(w["date"], ""), (w["incident"], "")])
    p.field_row([(w["requester"], ""), (w["approver"], "")])
    p.field_row([(w["operator"], ""), (w["witness"], "")])
    p.field_row([(w["set_id"], ""), (w["new_set_id"], "")], gap=8)


def _release_reason(p: _Page, w: dict) -> None:
    """The permitted uses from the config (two blank lines without one) and 'other', each with a checkbox."""
    c = p.c
    c.setFont(BOLD, 9)
    c.drawString(p.left, p.y - 10, w["reason"])
    p.y -= 16
    uses = list(p.data.permitted_uses) or ["", ""]
    for use in [*uses, w["other_reason"]]:
        lines = p.wrap(use, FONT, 8.5, p.width - 30) if use else [""]
        p.need(len(lines) * 11 + 3)
        p.checkbox(p.left + 4, p.y - 9, 8)
        c.setFont(FONT, 8.5)
        for line in lines:
            if line:
                c.drawString(p.left + 18, p.y - 8, line)
            else:
                c.setLineWidth(0.4)
                c.line(p.left + 18, p.y - 9, p.right, p.y - 9)
            p.y -= 11
        p.y -= 3
    p.y -= 4


def _release_custodians(p: _Page, w: dict) -> None:
    """A row for each custodian who brings a sheet (at least k)."""
    d = p.data
    p.c.setFont(BOLD, 9)
    p.need(60)
    p.c.drawString(p.left, p.y - 10, p.w("release", "custodians_title"))
    p.y -= 15
    columns = list(zip(w["custodian_columns"], [0.08, 0.26, 0.17, 0.12, 0.17, 0.20], strict=True))
    count = max(d.k, int(w.get("custodian_rows", d.k)))
    p.table(columns, [["", "", "", "[ ]", "", ""] for _ in range(min(count, d.n))], min_height=22)
    p.y -= 8


def _release_fingerprint_and_code(p: _Page, w: dict) -> None:
    """Fingerprint as on the sheets (yes/no), the event code and its time, the machine and the times."""
    p.need(50)
    c = p.c
    c.setFont(BOLD, 9)
    fp_label = p.w("release", "fingerprint")
    c.drawString(p.left, p.y - 12, fp_label)
    _checkbox_choices(p, p.left + c.stringWidth(fp_label, BOLD, 9) + 14, p.y - 12, w["yes_no"], 24)
    code_label = w["event_code"]
    c.setFont(BOLD, 9)
    c.drawString(p.left, p.y - 36, code_label)
    x = p.left + c.stringWidth(code_label, BOLD, 9) + 14
    x += p.code_boxes(x, p.y - 41) + 16
    c.setFont(BOLD, 9)
    c.drawString(x, p.y - 36, w["event_time"])
    x += c.stringWidth(w["event_time"], BOLD, 9) + 6
    c.setLineWidth(0.4)
    c.line(x, p.y - 37, min(x + 110, p.right), p.y - 37)
    p.y -= 50
    p.field_row([(w["machine"], ""), (w["start"], ""), (w["end"], ""), (p.w("release", "rotation_due"), "")], gap=10)


def _release_after_use(p: _Page, w: dict) -> None:
    """After use, in the order it is done: the checklist, the rotation's code, the next drill, signatures."""
    p.need(90)
    c = p.c
    c.setFont(BOLD, 9)
    c.drawString(p.left, p.y - 10, w["after_title"])
    p.y -= 17
    for item in w["after_items"]:
        p.checkbox(p.left + 4, p.y - 9, 8)
        c.setFont(FONT, 8.5)
        c.drawString(p.left + 18, p.y - 8, p.fit(item, FONT, 8.5, p.width - 18))
        p.y -= 14
    p.checkbox(p.left + 4, p.y - 13, 8)
    c.setFont(FONT, 8.5)
    c.drawString(p.left + 18, p.y - 12, w["rotate_code"])
    x = p.left + 18 + c.stringWidth(w["rotate_code"], FONT, 8.5) + 10
    p.code_boxes(x, p.y - 17)
    p.y -= 24
    c.setFont(FONT, 8.5)
    c.drawString(p.left + 18, p.y - 10, w["next_drill"])
    c.setLineWidth(0.4)
    x = p.left + 18 + c.stringWidth(w["next_drill"], FONT, 8.5) + 6
    c.line(x, p.y - 11, x + 150, p.y - 11)
    p.y -= 22
    p.field_row([(s, "") for s in w["signatures"]], height=40)


def _code_record(p: _Page, section: str, prefix: str) -> None:
    """A boxed line for an event the tool records: its title, code boxes, then write-in fields (time, people)."""
    words = p.words[section]
    fields = list(words[f"{prefix}_fields"])
    height = 22 + 30
    p.need(height + 8)
    c = p.c
    c.setFont(BOLD, 9)
    # The ceremony that printed these sheets names its own event (a split, rotation, reshare or expansion); a
    # rotation's manifest says "split" (its new set follows the split script) and names the set it replaces.
    kind = "rotate" if p.data.ceremony == "split" and p.data.replaces_set else p.data.ceremony
    c.drawString(p.left, p.y - 10, words.get(f"{prefix}_title_{kind}", words[f"{prefix}_title"]))
    p.y -= 16
    label = words[f"{prefix}_code"]
    c.setFont(FONT, 8)
    c.drawString(p.left, p.y - 14, label)
    x = p.left + c.stringWidth(label, FONT, 8) + 8
    boxes = p.code_boxes(x, p.y - 20)
    x += boxes + 12
    width = (p.right - x) / len(fields)
    for i, name in enumerate(fields):
        p.field(x + i * width, width - 4, name, height=26)
    p.y -= 30 + 8


def _destruction(p: _Page) -> None:
    d = p.data
    p.new_page()
    p.title(p.w("destruction", "title"))
    p.paragraph(p.w("destruction", "intro"))
    p.paragraph(p.w("destruction", "methods"), size=8, color=GREY)
    cols = p.w("destruction", "columns")
    columns = list(zip(cols, [0.065, 0.06, 0.17, 0.12, 0.07, 0.09, 0.12, 0.155, 0.15], strict=True))
    rows = [
        [[(str(s.share), BOLD, 10)], str(s.copy), [(s.name or "", FONT, 8)], "", "[ ]", "", "", "", ""]
        for s in d.sheets
    ]
    rows += [["", "", "", "", "[ ]", "", "", "", ""] for _ in range(2)]  # a spoiled print, a spare copy
    p.table(columns, rows, min_height=28, continued=p.w("destruction", "title"))
    p.y -= 10
    _code_record(p, "destruction", "record")


def _closing(p: _Page) -> None:
    d, w = p.data, p.words["closing"]
    p.new_page()
    p.title(p.w("closing", "title"))
    p.paragraph(p.w("closing", "statement"), size=9.5, gap=14)
    c = p.c
    box_h = 80
    p.need(box_h)
    c.setLineWidth(1.2)
    c.rect(p.left, p.y - box_h, p.width, box_h, stroke=1, fill=0)
    c.setFont(BOLD, 10)
    c.drawString(p.left + 8, p.y - 16, w["head_label"])
    boxes_w = p.code_boxes(p.left + 8, p.y - 50, box=20)
    # The code at printing time is printed for reference; events added later in the ceremony (the read-back,
    # for one) move the head, so the code at close is always written by hand.
    c.setFillColorRGB(*GREY)
    note = p.w("closing", "head_note", head_code=d.head_code) if d.head_code else w["head_blank_note"]
    text_x = p.left + 8 + boxes_w + 20
    lines = p.wrap(note, FONT, 7.5, p.right - text_x - 8)
    for i, line in enumerate(lines[:6]):
        c.setFont(FONT, 7.5)
        c.drawString(text_x, p.y - 14 - i * 9.5, line)
    c.setFillColorRGB(*INK)
    if d.head_code:
        c.setFont(FONT, 8)
        c.drawString(p.left + 8, p.y - 68, w["head_printed"])
        c.setFont(MONO_BOLD, 10)
        c.drawString(p.left + 8 + c.stringWidth(w["head_printed"], FONT, 8) + 6, p.y - 68.5, d.head_code)
    p.y -= box_h + 10
    p.field_row([(w["bag_label"], "")], height=26, gap=12)
    cols = w["columns"]
    columns = list(zip(cols, [0.28, 0.24, 0.3, 0.18], strict=True))
    rows = [[name, role, "", ""] for name, role in d.people]
    rows += [["", "", "", ""] for _ in range(int(w.get("blank_rows", 2)))]
    p.table(columns, rows, min_height=26, continued=p.w("closing", "title"))


PAGES = (_cover, _participants, _script, _custody, _exceptions, _release, _destruction, _closing)


def render_logbook(data: LogbookData, paper_size: str = "a4") -> bytes:
    """The logbook PDF. Drawn twice: once to count the pages, then with "page p of P" filled in."""
    words = wording.load("logbook")

    def draw(p: _Page) -> None:
        for page in PAGES:
            page(p)

    return pdfkit.render(
        paper_size,
        f"Key ceremony record {data.set_id}",
        lambda canvas, area, total: _Page(canvas, area, data, words, total),
        draw,
    )


def main(argv: list[str] | None = None) -> int:
    """Maintenance: regenerate ceremony/*.md from templates/logbook.toml."""
    parser = argparse.ArgumentParser(prog="python -m breakglass.paper.logbook")
    parser.add_argument("--write-scripts", metavar="FOLDER", required=True, help="write the ceremony scripts here")
    args = parser.parse_args(argv)
    for path in write_scripts(Path(args.write_scripts)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
