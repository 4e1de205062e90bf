"""The audit: hold the journal against the ceremony rules, the paper logbook's transcription and the provider's
own records, and say what was read, which rules were applied, and every finding.

The rules live in rules_journal.py, rules_logbook.py and rules_provider.py; docs/AUDIT.md lists each with an
example finding. Verdicts: CLEAN (no finding, nothing pending), PENDING (no finding, but a part of the credential
is not yet shown changed at the provider after a release still inside its rotation deadline), FINDINGS, or CANNOT
AUDIT (an input is missing or unreadable, or the journal's chain is broken: nothing after the break can be trusted,
so no other rule is applied).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import cast

from ..errors import BreakglassError
from ..system import clock
from . import rules_journal, rules_logbook, rules_provider
from .audit_subject import describe_credential as _describe_credential
from .audit_subject import provider_notes
from .evidence import EvidenceSet
from .findings import FAIL, NOT_CHECKED, PASS, Context, Finding, Rule, Rules, stamp
from .inputs import CannotAudit, InputFile, read_input
from .journal import read_journal, verify_journal
from .transcription import LOGBOOK_COLUMNS, read_transcription

__all__ = [
    "AuditReport",
    "CannotAudit",
    "Finding",
    "LOGBOOK_COLUMNS",
    "Rules",
    "format_report",
    "parse_as_of",
    "run_audit",
]

CHAIN = Rule(
    "chain",
    "The journal's hash chain is intact (no line edited, deleted, reordered or added in between).",
    lambda ctx: (),
)
RULES: list[Rule] = [CHAIN, *rules_journal.RULES, *rules_logbook.RULES, *rules_provider.RULES]
CLEAN, FINDINGS, CANNOT_AUDIT, PENDING = "CLEAN", "FINDINGS", "CANNOT AUDIT", "PENDING"
EXIT_CODES = {CLEAN: 0, FINDINGS: 1, CANNOT_AUDIT: 2, PENDING: 4}


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
    pending: list[str] = field(default_factory=list)  # not yet proven, still inside its deadline
    parts: list[dict] = field(default_factory=list)  # per release and part: the confirming evidence, or why not
    credential: str = ""  # what the sheets hold at the provider, in words ("" when no journal entry or config says)
    label: str = ""  # the credential's label, as the journal records it
    sets: list[str] = field(default_factory=list)  # the set ids the journal made

    @property
    def clean(self) -> bool:
        return not self.findings and not self.chain_broken and not self.pending

    @property
    def verdict(self) -> str:
        if self.chain_broken:
            return CANNOT_AUDIT
        if self.findings:
            return FINDINGS
        return PENDING if self.pending else CLEAN

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    @property
    def not_checked(self) -> list[RuleResult]:
        return [r for r in self.rules if r.status == NOT_CHECKED]

    def to_json(self) -> dict:
        return {
            "verdict": self.verdict,
            "clean": self.clean,
            "exit_code": self.exit_code,
            "window": {"from": self.window_start or None, "to": self.as_of},
            "inputs": [
                {"role": i.role, "path": str(i.path), "kind": i.kind, "bytes": i.size, "sha256": i.sha256}
                for i in self.inputs
            ],
            "journal": {
                "entries": self.entries,
                "audited": self.audited,
                "head_code": self.head_code,
                "head_given": self.head_given,
            },
            "rules": [
                {
                    "id": r.id,
                    "title": r.title,
                    "status": r.status,
                    "findings": r.findings,
                    **({"why_not_checked": r.why_not} if r.why_not else {}),
                }
                for r in self.rules
            ],
            "findings": [f.to_json() for f in self.findings],
            "pending": self.pending,
            "credential": {"held": self.credential or None, "label": self.label or None, "sets": self.sets},
            "parts": self.parts,
            "notes": self.notes,
        }


def run_audit(
    journal_path: Path,
    *,
    rules: Rules,
    as_of: datetime | None,
    head: str | None = None,
    logbook_csv: Path | None = None,
    rotations: Iterable[Path] = (),
    config_path: Path | None = None,
    credential=None,
) -> AuditReport:
    """Read every input (CannotAudit if one is missing or unreadable), then apply every rule that the inputs allow.
    `as_of` None: up to now, and then no journal entry may be dated later than now."""
    now = clock.now_utc() if as_of is None else None
    as_of = cast(datetime, as_of or now)  # now is set when as_of is not
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
            RuleResult(
                r.id, r.title, NOT_CHECKED, why_not="the journal chain is broken; nothing after it can be trusted"
            )
            for r in RULES[1:]
        ]
        return report
    everything = read_journal(journal_path)
    entries = [e for e in everything if e.when <= as_of]
    report.audited = len(entries)
    report.window_start = stamp(entries[0].when) if entries else ""
    ctx = Context(
        entries,
        everything,
        rules,
        as_of,
        head,
        Path(journal_path),
        transcription,
        evidence,
        now=now,
        credential=credential,
    )
    _describe_credential(report, ctx, everything)
    if len(entries) < len(everything):
        ctx.note(f"{len(everything) - len(entries)} journal entries after {stamp(as_of)} are outside the audit window")
    _describe_inputs(ctx, transcription, evidence)
    for rule in RULES:
        report.rules.append(_apply(rule, ctx, report.findings))
    report.notes, report.pending, report.parts = ctx.notes, ctx.pending, ctx.parts
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
            ctx.note(
                f"{e.code}: the journal was repaired on {e.time[:10]}: {e.extra.get('lines', '?')} line(s) from "
                f"line {e.extra.get('from_line', '?')} were set aside in {e.extra.get('set_aside', '?')} (sha256 "
                f"{e.extra.get('sha256', '?')}); compare them with the paper logbook: complete entries among "
                "them are events that happened, which this audit cannot see"
            )
    if transcription is not None:
        if transcription.missing_columns:
            ctx.note(
                f"logbook transcription has no column {', '.join(transcription.missing_columns)} (an older "
                "layout?): those fields were not checked"
                + ("; times compared by date only" if "time" in transcription.missing_columns else "")
            )
        if transcription.unknown_columns:
            ctx.note(
                f"logbook transcription: column(s) {', '.join(transcription.unknown_columns)} are not read by the audit"
            )
    if evidence is not None:
        for text in evidence.notes:
            ctx.note(text)
        provider_notes(ctx, evidence)


def parse_as_of(text: str) -> datetime:
    """The end (23:59:59 UTC) of the day given as YYYY-MM-DD."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BreakglassError(f"--as-of '{text}' is not a date (YYYY-MM-DD)") from None
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC)


def format_report(report: AuditReport) -> Iterable[str]:
    yield f"Audit as of {report.as_of}: journal of {report.entries} entries, head code {report.head_code or '-'}" + (
        f" (paper: {report.head_given})" if report.head_given else ""
    )
    if report.window_start:
        yield f"Window: {report.window_start} to {report.as_of} ({report.audited} entries)"
    if report.credential or report.label:
        yield f"Credential: {report.label or '-'}" + (
            f"; the sheets hold {report.credential}" if report.credential else ""
        )
    if report.sets:
        yield f"Sets: {', '.join(report.sets)}"
    yield "Inputs:"
    for i in report.inputs:
        yield f"  {i.role:<10} {i.shown_path}  ({i.kind}, {i.size} bytes, sha256 {i.sha256})"
    yield "Rules:"
    for r in report.rules:
        if report.chain_broken and r.id != CHAIN.id:
            yield f"  {NOT_CHECKED:<12} every other rule ({r.why_not})"
            break
        detail = f" ({r.findings})" if r.findings else (f" ({r.why_not})" if r.why_not else "")
        yield f"  {r.status:<12} {r.id:<18}{detail}".rstrip()
    for note in report.notes:
        yield f"  note: {note}"
    yield from _format_parts(report)
    if report.verdict == CANNOT_AUDIT:
        yield "CANNOT AUDIT: the journal chain is broken; no other rule was applied:"
    elif report.verdict == PENDING:
        yield (
            f"PENDING: no findings, but {len(report.pending)} part(s) of the credential are not yet shown changed at "
            "the provider; give the provider's records before the deadline (exit 4 until then):"
        )
        for text in report.pending:
            yield f"  {text}"
        return
    elif report.clean:
        skipped = ", ".join(r.id for r in report.not_checked)
        yield "CLEAN: no findings." + (f" Not checked: {skipped}." if skipped else "")
        return
    else:
        yield f"{len(report.findings)} finding(s):"
    for finding in report.findings:
        yield f"  {finding.line()}"


def _format_parts(report: AuditReport) -> Iterable[str]:
    if not report.parts:
        return
    yield "At the provider, after each release:"
    for p in report.parts:
        detail = "; ".join(cited(e) for e in p["evidence"]) if p["evidence"] else p.get("why", "")
        yield f"  {p['release']} {p['part']:<13} {p['status'].upper():<14} {detail}".rstrip()


def cited(evidence: dict) -> str:
    """One confirming record as the report shows it: file and row or event, the provider's id, time, what."""
    ident = f" (id {evidence['event_id']})" if evidence.get("event_id") else ""
    return f"{evidence['source']}{ident}, {evidence['time']}: {evidence['what']}"
