"""The audit: hold the journal against the ceremony rules, the paper logbook's transcription and the provider's
own records, and say what was read, which rules were applied, and every finding.

The rules live in rules_journal.py, rules_logbook.py and rules_provider.py; docs/AUDIT.md lists each with an
example finding. Verdicts: CLEAN (no finding), FINDINGS, or CANNOT AUDIT (an input is missing or unreadable, or
the journal's chain is broken: nothing after the break can be trusted, so no other rule is applied).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable

from ..errors import BreakglassError
from ..system import clock
from . import rules_journal, rules_logbook, rules_provider
from .evidence import EvidenceSet
from .findings import FAIL, NOT_CHECKED, PASS, Context, Finding, Rule, Rules, stamp
from .inputs import CannotAudit, InputFile, read_input
from .journal import read_journal, verify_journal
from .transcription import LOGBOOK_COLUMNS, read_transcription

__all__ = ["AuditReport", "CannotAudit", "Finding", "LOGBOOK_COLUMNS", "Rules", "format_report", "parse_as_of", "run_audit"]

CHAIN = Rule("chain", "The journal's hash chain is intact (no line edited, deleted, reordered or added in between).",
             lambda ctx: ())
RULES: list[Rule] = [CHAIN, *rules_journal.RULES, *rules_logbook.RULES, *rules_provider.RULES]
CLEAN, FINDINGS, CANNOT_AUDIT = "CLEAN", "FINDINGS", "CANNOT AUDIT"


@dataclass(frozen=True)
class RuleResult:
    id: str
    title: str
    status: str  # PASS, FAIL or NOT_CHECKED
    findings: int = 0
    why_not: str = ""


@dataclass
class AuditReport:
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rules: list[RuleResult] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    entries: int = 0  # in the journal
    audited: int = 0  # inside the window
    head_code: str | None = None
    head_given: str | None = None
    as_of: str = ""
    window_start: str = ""
    chain_broken: bool = False

    @property
    def clean(self) -> bool:
        return not self.findings and not self.chain_broken

    @property
    def verdict(self) -> str:
        if self.chain_broken:
            return CANNOT_AUDIT
        return CLEAN if self.clean else FINDINGS

    @property
    def exit_code(self) -> int:
        return {CLEAN: 0, FINDINGS: 1, CANNOT_AUDIT: 2}[self.verdict]

    @property
    def not_checked(self) -> list[RuleResult]:
        return [r for r in self.rules if r.status == NOT_CHECKED]

    def to_json(self) -> dict:
        return {
            "verdict": self.verdict, "clean": self.clean, "exit_code": self.exit_code,
            "window": {"from": self.window_start or None, "to": self.as_of},
            "inputs": [{"role": i.role, "path": str(i.path), "kind": i.kind, "bytes": i.size, "sha256": i.sha256}
                       for i in self.inputs],
            "journal": {"entries": self.entries, "audited": self.audited, "head_code": self.head_code,
                        "head_given": self.head_given},
            "rules": [{"id": r.id, "title": r.title, "status": r.status, "findings": r.findings,
                       **({"why_not_checked": r.why_not} if r.why_not else {})} for r in self.rules],
            "findings": [f.to_json() for f in self.findings],
            "notes": self.notes,
        }


def run_audit(journal_path: Path, *, rules: Rules, as_of: datetime | None, head: str | None = None,
              logbook_csv: Path | None = None, rotations: Iterable[Path] = (), config_path: Path | None = None) -> AuditReport:
    """Read every input (CannotAudit if one is missing or unreadable), then apply every rule that the inputs allow.
    `as_of` None: up to now, and then no journal entry may be dated later than now."""
    now = clock.now_utc() if as_of is None else None
    as_of = as_of or now
    report = AuditReport(as_of=stamp(as_of), head_given=head)
    report.inputs.append(read_input(journal_path, "journal").as_kind("breakglass journal"))
    if config_path is not None:
        report.inputs.append(read_input(config_path, "config").as_kind("ceremony configuration"))
    transcription = None
    if logbook_csv is not None:
        transcription = read_transcription(read_input(logbook_csv, "logbook"))
        report.inputs.append(transcription.source)
    evidence = None
    for path in rotations:
        evidence = evidence or EvidenceSet()
        evidence.add(read_input(path, "rotations"))
    if evidence:
        report.inputs += evidence.sources
    try:
        state = verify_journal(journal_path)
    except BreakglassError as e:
        raise CannotAudit(str(e)) from None
    report.entries, report.head_code = state.count, state.head_code
    if not state.ok:
        where = f"line {state.line}" if state.line else "journal"
        report.findings.append(Finding("chain", where, f"journal chain broken: {state.problem}"))
        report.chain_broken = True
        report.rules = [RuleResult(CHAIN.id, CHAIN.title, FAIL, 1)] + [
            RuleResult(r.id, r.title, NOT_CHECKED, why_not="the journal chain is broken; nothing after it can be trusted")
            for r in RULES[1:]]
        return report
    everything = read_journal(journal_path)
    entries = [e for e in everything if e.when <= as_of]
    report.audited = len(entries)
    report.window_start = stamp(entries[0].when) if entries else ""
    ctx = Context(entries, everything, rules, as_of, head, Path(journal_path), transcription, evidence,
                  now=now)
    if len(entries) < len(everything):
        ctx.note(f"{len(everything) - len(entries)} journal entries after {stamp(as_of)} are outside the audit window")
    _describe_inputs(ctx, transcription, evidence)
    for rule in RULES:
        report.rules.append(_apply(rule, ctx, report.findings))
    report.notes = ctx.notes
    return report


def _apply(rule: Rule, ctx: Context, findings: list[Finding]) -> RuleResult:
    why_not = rule.unavailable(ctx)
    if why_not:
        return RuleResult(rule.id, rule.title, NOT_CHECKED, why_not=why_not)
    found = list(rule.check(ctx))
    findings.extend(found)
    return RuleResult(rule.id, rule.title, FAIL if found else PASS, len(found))


def _describe_inputs(ctx: Context, transcription, evidence) -> None:
    for e in ctx.entries:
        if e.event == "repair":  # what was set aside is not audited: the auditor compares it with the paper
            ctx.note(f"{e.code}: the journal was repaired on {e.time[:10]}: {e.extra.get('lines', '?')} line(s) from "
                     f"line {e.extra.get('from_line', '?')} were set aside in {e.extra.get('set_aside', '?')} (sha256 "
                     f"{e.extra.get('sha256', '?')}); compare them with the paper logbook: complete entries among "
                     "them are events that happened, which this audit cannot see")
    if transcription is not None:
        if transcription.missing_columns:
            ctx.note(f"logbook transcription has no column {', '.join(transcription.missing_columns)} (an older "
                     "layout?): those fields were not checked" + ("; times compared by date only"
                                                                 if "time" in transcription.missing_columns else ""))
        if transcription.unknown_columns:
            ctx.note(f"logbook transcription: column(s) {', '.join(transcription.unknown_columns)} are not read by the audit")
    if evidence is not None:
        for text in evidence.notes + evidence.subject_notes():
            ctx.note(text)


def parse_as_of(text: str) -> datetime:
    """The end (23:59:59 UTC) of the day given as YYYY-MM-DD."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BreakglassError(f"--as-of '{text}' is not a date (YYYY-MM-DD)") from None
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=timezone.utc)


def format_report(report: AuditReport) -> Iterable[str]:
    yield f"Audit as of {report.as_of}: journal of {report.entries} entries, head code {report.head_code or '-'}" + (
        f" (paper: {report.head_given})" if report.head_given else "")
    if report.window_start:
        yield f"Window: {report.window_start} to {report.as_of} ({report.audited} entries)"
    yield "Inputs:"
    for i in report.inputs:
        yield f"  {i.role:<10} {i.path}  ({i.kind}, {i.size} bytes, sha256 {i.sha256})"
    yield "Rules:"
    for r in report.rules:
        if report.chain_broken and r.id != CHAIN.id:
            yield f"  {NOT_CHECKED:<12} every other rule ({r.why_not})"
            break
        detail = f" ({r.findings})" if r.findings else (f" ({r.why_not})" if r.why_not else "")
        yield f"  {r.status:<12} {r.id:<18}{detail}".rstrip()
    for note in report.notes:
        yield f"  note: {note}"
    if report.verdict == CANNOT_AUDIT:
        yield "CANNOT AUDIT: the journal chain is broken; no other rule was applied:"
    elif report.clean:
        skipped = ", ".join(r.id for r in report.not_checked)
        yield "CLEAN: no findings." + (f" Not checked: {skipped}." if skipped else "")
        return
    else:
        yield f"{len(report.findings)} finding(s):"
    for finding in report.findings:
        yield f"  {finding.line()}"
