"""The audit of stored rules: a rule's instructions (from its full text under ``snapshots/federal-register/``, or
a file given), the version of each Part it amends before it took effect and the first one including it, their
diff, the checks of :mod:`tracker.audit.check` and the eCFR notes of :mod:`tracker.audit.notes`.

The Federal Register full text is kept only for rules that share an interval of a Part with another rule
(:mod:`tracker.rule_fetch`); any other rule needs its XML given (``tracker audit DOC --rule-xml FILE``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tracker.audit.check import check_rule
from tracker.audit.findings import Audit, Finding, ordered
from tracker.audit.notes import note_findings
from tracker.diff import diff_dates
from tracker.errors import InputError
from tracker.instructions import Instruction, document_number, parse_instructions
from tracker.snapshots import federal_register_path
from tracker.store import Store, StoredRule
from tracker.xmltext import load_xml

_FR_CITATION = re.compile(r"(\d+) FR (\d+)")
_MAX_PAGES = 1000  # a rule longer than this is a page mark of another document


class NotYetError(InputError):
    """The rule cannot be audited yet: no stored version includes it, or none is stored from before it."""


@dataclass(frozen=True)
class RuleText:
    """A rule to audit: its document number, FR citation (``89 FR 23876``, may be empty), effective date and
    Title 15 instructions."""

    document_number: str
    citation: str
    effective_on: str
    instructions: tuple[Instruction, ...]
    pages: tuple[str, ...] = ()  # every page it is printed on (90 FR 4612 … 90 FR 4616): what eCFR notes cite


def fr_pages(xml: bytes, number: str, citation: str) -> tuple[str, ...]:
    """The citations of every page the rule is printed on, from its first page (``citation``) to its last page
    mark (``PRTPAGE``) in its XML; the citation alone when no page marks follow it."""
    m = _FR_CITATION.fullmatch(citation)
    if m is None:
        return (citation,) if citation else ()
    root = load_xml(xml, number).getroot()
    docs = [d for d in root.iter("RULE", "PRORULE") if document_number(d) == number] or [root]
    start = int(m[2])
    marks = [int(p) for d in docs for e in d.iter("PRTPAGE") if (p := e.get("P") or "").isdigit()]
    end = max([start, *(n for n in marks if start <= n <= start + _MAX_PAGES)])
    return tuple(f"{m[1]} FR {n}" for n in range(start, end + 1))


def _instructions(xml: bytes, number: str, name: str) -> tuple[Instruction, ...]:
    """The Title 15 instructions of document ``number`` in a document's or a daily issue's XML."""
    return tuple(i for i in parse_instructions(xml, "15", name) if i.document_number in (number, ""))


def stored_full_text(snapshots_dir: Path, number: str) -> bytes | None:
    """The rule's Federal Register XML kept under ``snapshots_dir``, or None."""
    path = federal_register_path(snapshots_dir, number, "xml")
    return path.read_bytes() if path.is_file() else None


def rule_text(store: Store, snapshots_dir: Path, number: str, *, xml_file: Path | None = None,
              effective_on: str | None = None) -> RuleText:
    """The rule ``number`` as stored, with its instructions from ``xml_file`` or its kept full text.

    Raises :class:`InputError` for a document neither stored nor given, one with no full text, or one whose
    effective date is unknown.
    """
    stored = next((r for r in store.rules() if r.document_number == number), None)
    if stored is None and xml_file is None:
        raise InputError(f"unknown document {number}: not among the stored rules (see `tracker rules`)")
    xml = xml_file.read_bytes() if xml_file is not None else stored_full_text(snapshots_dir, number)
    if xml is None:
        raise InputError(f"no full text of {number} is stored; give its Federal Register XML with --rule-xml FILE")
    date = effective_on or (stored.effective_on or stored.publication_date if stored else None)
    if not date:
        raise InputError(f"the effective date of {number} is unknown; give it with --effective DATE")
    name = str(xml_file or federal_register_path(snapshots_dir, number, "xml"))
    instructions = _instructions(xml, number, name)
    if not instructions:
        raise InputError(f"{name} holds no Title 15 amendment instructions of document {number}")
    citation = (stored.citation or "") if stored else ""
    return RuleText(number, citation, date, instructions, fr_pages(xml, number, citation))


def stored_rule_texts(store: Store, snapshots_dir: Path, rules: Sequence[StoredRule]) -> list[RuleText]:
    """Those of ``rules`` whose full text is kept (the others cannot be audited without their XML)."""
    out = []
    for r in rules:
        xml, date = stored_full_text(snapshots_dir, r.document_number), r.effective_on or r.publication_date
        if xml is not None and date:
            name = str(federal_register_path(snapshots_dir, r.document_number, "xml"))
            instructions = _instructions(xml, r.document_number, name)
            out.append(RuleText(r.document_number, r.citation or "", date, instructions,
                                fr_pages(xml, r.document_number, r.citation or "")))
    return out


def _versions(store: Store, part: str, rule: RuleText) -> tuple[str, str]:
    """The version of ``part`` before the rule took effect and the first one that includes it."""
    eff = rule.effective_on
    after = eff if store.has_snapshot(part, eff) else store.version_after(part, eff)
    if after is None:
        latest = (store.dates(part) or ["none"])[-1]
        raise NotYetError(f"no stored version of part {part} includes {rule.document_number} yet "
                          f"(effective {eff}; latest stored {latest})")
    before = store.version_before(part, eff)
    if before is None:
        raise NotYetError(f"no version of part {part} from before {eff} is stored: nothing to compare with")
    return before, after


def _part_findings(store: Store, part: str, rule: RuleText, span: tuple[str, str],
                   others: Sequence[RuleText]) -> list[Finding]:
    before, after = span
    changes = diff_dates(store, before, after, part=part).changes
    new, old = store.paragraphs_on(part, after), store.paragraphs_on(part, before)
    own = [i for i in rule.instructions if i.part == part]
    alongside = [i for o in others if o.document_number != rule.document_number and before < o.effective_on <= after
                 for i in o.instructions if i.part == part]
    found = check_rule(own, changes, others=alongside, after={p.citation: p.text for p in new})
    return found + note_findings(new, before=old, rule_pages=rule.pages)


def audit_rule(store: Store, rule: RuleText, *, others: Sequence[RuleText] = ()) -> Audit:
    """Audit one rule in every stored Part it amends; changes explained by ``others`` (rules that took effect in
    the same interval) are not unexplained. Raises :class:`NotYetError` when a Part has no version to compare."""
    parts = list(dict.fromkeys(i.part for i in rule.instructions if i.part))
    stored = set(store.parts())
    notes = [f"part {p}: no version stored; its instructions are not checked" for p in parts if p not in stored]
    if not parts:
        raise InputError(f"{rule.document_number}: no Title 15 amendment instructions to audit")
    if not any(p in stored for p in parts):
        raise InputError(f"{rule.document_number} amends part(s) {', '.join(parts)}, none of them stored")
    versions: dict[str, tuple[str, str]] = {}
    findings: list[Finding] = []
    for part in (p for p in parts if p in stored):
        versions[part] = _versions(store, part, rule)
        findings += _part_findings(store, part, rule, versions[part], others)
    return Audit(rule.document_number, rule.citation, rule.effective_on, versions, ordered(findings), notes)


def audit_since(store: Store, snapshots_dir: Path, since: str) -> tuple[list[Audit], list[str]]:
    """The audits of the stored rules effective (else published) on or after ``since``, and one line for each
    rule not audited (no full text kept, or no version including it stored yet)."""
    kept = {r.document_number: r for r in stored_rule_texts(store, snapshots_dir, store.rules())}
    audits: list[Audit] = []
    skipped: list[str] = []
    for stored in store.rules():
        if (stored.effective_on or stored.publication_date or "") < since:
            continue
        rule = kept.get(stored.document_number)
        if rule is None:
            skipped.append(f"{stored.document_number}: not audited, no full text kept (audit it with --rule-xml)")
            continue
        try:
            audits.append(audit_rule(store, rule, others=list(kept.values())))
        except InputError as exc:
            skipped.append(f"{stored.document_number}: not audited, {exc}")
    return audits, skipped
