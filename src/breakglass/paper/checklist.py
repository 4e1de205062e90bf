"""The after-use (rotation) checklist: one printed form per release or drill, pre-filled from the journal; and
the custodian-change checklist, the same form for a reshare or an expansion (templates/checklist.toml [change]:
its steps, and the sheets to destroy: every sheet of the reshared set, or the sheets an expansion replaced).

It carries the set id, fingerprint, event code and time, the credential label and the rotation deadline, then
the steps that close a use (classify and review, revoke, rotate at the provider, the rotate ceremony, verify
the new sheets, destroy the old ones under witness, test the new credential and its alert, update custodians,
sign off, book the next drill), each with time and initials columns; a destruction table with one line per
share and copy of the old set; and a sign-off table. All wording, steps included, comes from
templates/checklist.toml. Paper rules as for the logbook: everything inside sizes.safe_area on A4 and Letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..errors import BreakglassError
from ..record.config import (
    DEFAULT_DRILL_INTERVAL_DAYS,
    DEFAULT_ROTATION_DEADLINE_DAYS,
    CeremonyConfig,
)
from ..record.journal import Entry
from . import pdfkit, sizes, wording
from .bidi import isolate
from .pdfkit import BOLD, BOXES, CODE, FONT, GREY, LINE, MONO, MONO_BOLD

CHECKLIST_EVENTS = ("release", "drill", "reshare", "expand")
CHANGE_EVENTS = ("reshare", "expand")  # custodians changed, the credential did not: templates' [change] wording


@dataclass(frozen=True)
class Holder:
    share: int
    copy: int
    holder: str


def _holders(holders: list[dict]) -> list[Holder]:
    out = []
    for h in holders or []:
        try:
            out.append(Holder(int(h["share"]), int(h.get("copy", 1)), str(h.get("holder") or "")))
        except (KeyError, TypeError, ValueError):
            raise BreakglassError(f"holder record {h!r} lacks a share number") from None
    return sorted(out, key=lambda h: (h.share, h.copy))


class _Page(pdfkit.Page):
    def __init__(self, canvas, area: sizes.SafeArea, words: dict, values: dict, total: int | None):
        self.words = words
        self.values = values
        super().__init__(canvas, area, None, total)

    def w(self, section: str, key: str, **more):
        try:
            text = self.words[section][key]
        except KeyError:
            raise BreakglassError(f"templates/checklist.toml has no {section}.{key}") from None
        return self.fill(text, **more)

    def fill(self, text, **more):
        if isinstance(text, str):
            try:
                return wording.fill(text, **{**self.values, **more})
            except (KeyError, ValueError) as e:
                raise BreakglassError(f"templates/checklist.toml: cannot fill {text[:40]!r}... ({e})") from None
        if isinstance(text, list):
            return [self.fill(t, **more) for t in text]
        return text

    def page_furniture(self) -> pdfkit.Furniture:
        doc = self.words.get("document", {})
        return pdfkit.Furniture(
            header_left=self.fill(doc.get("header_left", "")),
            header_right=self.fill(doc.get("header_right", "")),
            footer_left=self.fill(doc.get("footer_left", "")),
            page_label=lambda page, pages: self.fill(
                doc.get("footer_right", "page {page} of {pages}"), page=page, pages=pages
            ),
        )


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def render_checklist(
    entry: Entry,
    *,
    config: CeremonyConfig | None,
    holders: list[dict],
    label: str,
    paper: str = "a4",
    k: int | None = None,
) -> bytes:
    """The checklist PDF for one release, drill, reshare or expand event. `holders` lists the sheets to destroy
    afterwards ({"share", "copy", "holder"} each; may be empty): the set's, or those an expansion replaced; `k` is
    the set's threshold (from its split), to name the sheets the rotation needs."""
    if entry.event not in CHECKLIST_EVENTS:
        raise BreakglassError(
            f"event {entry.code} is a {entry.event}, not a release, drill, reshare or expand: give the code of the "
            "event the checklist is for"
        )
    words = wording.load("checklist")
    if entry.event in CHANGE_EVENTS:  # the custodian-change form: [change] replaces what it names, section by section
        change = words.get("change", {})
        words = {**words, **{name: {**words.get(name, {}), **section} for name, section in change.items()}}
    sheets = _holders(holders)
    deadline_days = config.rotation_deadline_days if config else DEFAULT_ROTATION_DEADLINE_DAYS
    drill_days = config.drill_interval_days if config else DEFAULT_DRILL_INTERVAL_DAYS
    when = entry.when
    values = {
        "set_id": entry.set,
        "fingerprint": entry.fingerprint or "-",
        "label": label or "(label not recorded)",
        "event": entry.event,
        "event_code": entry.code,
        "event_date": _when(when) + " UTC",
        "deadline": _when(when + timedelta(days=deadline_days)),
        "rotation_deadline_days": deadline_days,
        "drill_interval_days": drill_days,
        "next_drill_due": (when + timedelta(days=drill_days)).strftime("%Y-%m-%d"),
        "contact": (config.contact if config and config.contact else "the security contact"),
        "k": k or (config.k if config else "k"),
        "rotation_sheets": rotation_sheets(entry, sheets, k or (config.k if config else None)),
        "new_set": str(entry.extra.get("new_set") or ""),
        "new_sheets": (
            "the sheets of the new set named above"
            if entry.event == "reshare"
            else "new shares of this set, at share numbers never used before"
        ),
    }

    def draw(p: _Page) -> None:
        _summary(p, entry, config)
        _steps(p)
        _destruction(p, sheets)
        _signoff(p, config)

    title = f"After-use checklist {entry.code} set {entry.set}"
    return pdfkit.render(paper, title, lambda canvas, area, total: _Page(canvas, area, words, values, total), draw)


def rotation_sheets(entry: Entry, sheets: list[Holder], k: int | None) -> str:
    """Which old sheets to bring to the rotation: the ones this use read (their custodians have just handled
    them), and, should one of them not come, which others can stand in, with their holders."""
    if not sheets:
        return "any k sheets of distinct shares of the old set (the journal does not list their holders)"
    recorded = entry.extra.get("used")
    used = [s for s in recorded if type(s) is int] if isinstance(recorded, list) else []
    used = used or list(entry.shares)

    def named(share: int) -> str:
        people = sorted({h.holder for h in sheets if h.share == share and h.holder})
        return f"{share} ({' or '.join(isolate(person) for person in people)})" if people else str(share)

    others = sorted({h.share for h in sheets} - set(used))
    text = f"shares {', '.join(named(s) for s in used)}, read at this {entry.event}"
    if others:
        text += f"; for each of them who cannot come, add any 1 of shares {', '.join(named(s) for s in others)}"
    return text + (f" (any {k} distinct shares will do)" if k else "")


def _summary(p: _Page, entry: Entry, config: CeremonyConfig | None) -> None:
    p.new_page()
    p.document_title(p.w("summary", "title"), p.w("summary", "subtitle"))

    # Each name isolated: two right-to-left names would otherwise form one right-to-left run, drawn swapped.
    people = " / ".join(isolate(x) if x else "-" for x in (entry.operator, entry.witness))
    incident = " / ".join(isolate(str(entry.extra[k])) for k in ("incident", "reason") if entry.extra.get(k))
    rows = [
        (p.w("summary", "credential"), p.values["label"], BOLD, 11),
        (p.w("summary", "set_id"), entry.set, MONO_BOLD, 14),
        (p.w("summary", "fingerprint"), entry.fingerprint, MONO_BOLD, 14),
        *([(p.w("summary", "new_set"), p.values["new_set"], MONO_BOLD, 14)] if p.values["new_set"] else []),
        (p.w("summary", "event"), p.w("summary", "event_value"), BOLD, 10),
        (p.w("summary", "event_date"), p.values["event_date"], FONT, 10),
        (p.w("summary", "people"), people, FONT, 9.5),
    ]
    if incident:
        rows.append((p.w("summary", "incident"), incident, FONT, 9.5))
    if entry.event == "drill" or (entry.event == "expand" and not entry.extra.get("replaces")):  # nothing is due
        rows.append((p.w("summary", "deadline"), p.w("summary", "deadline_drill"), FONT, 9.5))
    else:
        rows.append((p.w("summary", "deadline"), p.w("summary", "deadline_value"), BOLD, 12))
        if config is None:
            rows.append(("", p.w("summary", "deadline_default"), FONT, 8))
    rows.append((p.w("summary", "drill"), p.w("summary", "drill_value"), FONT, 9.5))
    if config is not None and config.contact:
        rows.append((p.w("summary", "contact"), config.contact, FONT, 9))
    p.key_values(rows, label_width=118)
    p.y -= 10
    nothing_replaced = entry.event == "expand" and not entry.extra.get("replaces")
    note = p.w(
        "summary", "drill_note" if entry.event == "drill" else "expand_note" if nothing_replaced else "release_note"
    )  # [change]: its own notes
    _note_box(p, note)


def _note_box(p: _Page, text: str) -> None:
    size = 8.5
    lines = p.wrap(text, FONT, size, p.width - 20)
    height = len(lines) * size * 1.3 + 10
    p.need(height)
    c = p.c
    c.setFillColorRGB(0.95, 0.95, 0.95)
    c.rect(p.left, p.y - height, p.width, height, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    c.setLineWidth(2)
    c.line(p.left + 1, p.y - height, p.left + 1, p.y)
    ty = p.y - 5
    for line in lines:
        c.setFont(FONT, size)
        c.drawString(p.left + 10, ty - size, line)
        ty -= size * 1.3
    p.y -= height + 12


def _steps(p: _Page) -> None:
    p.heading(p.w("steps", "title"), size=13, space=120)
    p.paragraph(p.w("steps", "intro"), size=8, color=GREY)
    items = p.words.get("steps", {}).get("items")
    if not isinstance(items, list) or not items:
        raise BreakglassError("templates/checklist.toml has no [[steps.items]]")
    rows = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or "title" not in item:
            raise BreakglassError(f"templates/checklist.toml: step {number} has no title")
        cell: list[tuple[Any, str, float]] = [(p.fill(item["title"]), BOLD, 9)]
        if item.get("text"):
            cell.append((p.fill(item["text"]), FONT, 8.3))
        if item.get("command"):
            cell.append((p.fill(item["command"]), MONO, 7.3))
        if item.get("boxes"):
            cell.append((p.fill(list(item["boxes"])), BOXES, 8.5))
        if item.get("code"):
            cell.append((p.fill(item["code"]), CODE, 14))
        for label in item.get("fields", ()):
            cell.append((p.fill(label), LINE, 8))
        rows.append([[(str(number), BOLD, 11)], cell, "", ""])
    columns = list(zip(p.w("steps", "columns"), [0.06, 0.70, 0.12, 0.12], strict=True))
    p.table(columns, rows, min_height=30, continued=p.w("steps", "title"))
    p.y -= 14


def _keep_together(p: _Page, height: float) -> None:
    """Start a new page if a section of `height` does not fit here but would fit on a fresh page."""
    if p.y - height < p.bottom and height <= p.top - p.bottom:
        p.new_page()


def _destruction(p: _Page, sheets: list[Holder]) -> None:
    words = p.words["destruction"]
    lines = len(sheets) + int(words.get("spare_rows", 2)) + (0 if sheets else int(words.get("unknown_rows", 6)))
    _keep_together(p, 75 + 20 + 24 * lines)
    p.heading(p.w("destruction", "title"), size=13, space=110)
    p.paragraph(p.w("destruction", "intro"), size=8, color=GREY)
    columns = list(zip(p.w("destruction", "columns"), [0.07, 0.07, 0.22, 0.15, 0.17, 0.17, 0.15], strict=True))
    rows = [[[(str(s.share), BOLD, 10)], str(s.copy), [(s.holder, FONT, 8.5)], "", "", "", ""] for s in sheets]
    if not sheets:
        p.paragraph(p.w("destruction", "unknown_sheets"), size=8, color=GREY)
        rows += [[""] * 7 for _ in range(int(words.get("unknown_rows", 6)))]
    rows += [[""] * 7 for _ in range(int(words.get("spare_rows", 2)))]
    p.table(columns, rows, min_height=24, continued=p.w("destruction", "title"))
    p.y -= 14


def _signoff(p: _Page, config: CeremonyConfig | None) -> None:
    _keep_together(p, 80 + 20 + 30 * len(p.words["signoff"].get("rows", [])))
    p.heading(p.w("signoff", "title"), size=13, space=130)
    p.paragraph(p.w("signoff", "statement"), size=8.5, gap=8)
    rows = []
    for row in p.words["signoff"].get("rows", []):
        person = getattr(config, row.get("person") or "", None) if config else None
        name = person.name if person is not None and hasattr(person, "name") else ""
        rows.append([[(p.fill(row.get("role", "")), BOLD, 8.5)], name, "", ""])
    columns = list(zip(p.w("signoff", "columns"), [0.18, 0.30, 0.32, 0.20], strict=True))
    p.table(columns, rows, min_height=30, continued=p.w("signoff", "title"))
