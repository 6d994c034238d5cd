"""``tracker audit``: did the eCFR do what each rule said? Pure checks (:mod:`~tracker.audit.check`,
:mod:`~tracker.audit.notes`) over the data of :mod:`~tracker.audit.findings`; :mod:`~tracker.audit.rules` reads
a rule's instructions and versions from the store."""

from tracker.audit.check import RIGHT_KINDS, check_instruction, check_rule, normalise, unexplained
from tracker.audit.findings import FAILING, STATUSES, Audit, Finding, Status, ordered, to_json
from tracker.audit.notes import cited_in, note_findings
from tracker.audit.rules import NotYetError, RuleText, audit_rule, audit_since, rule_text, stored_rule_texts

__all__ = [
    "FAILING",
    "RIGHT_KINDS",
    "STATUSES",
    "Audit",
    "Finding",
    "NotYetError",
    "RuleText",
    "Status",
    "audit_rule",
    "audit_since",
    "check_instruction",
    "check_rule",
    "cited_in",
    "normalise",
    "note_findings",
    "ordered",
    "rule_text",
    "stored_rule_texts",
    "to_json",
    "unexplained",
]
