"""The audit's data: one :class:`Finding` per instruction, unexplained change or eCFR note, and the
:class:`Audit` of one rule. Data only: ``tracker audit`` renders it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

from tracker.instructions import Instruction
from tracker.model import Change

#: What the audit found, in the order it lists findings.
Status = Literal[
    "missing",  # an instruction with no change at its target
    "different",  # a change at the target that does not match the instruction (kind, text or words)
    "not-incorporated",  # an eCFR editorial note: an amendment "could not be incorporated"
    "unexplained",  # a change of the diff that no instruction explains
    "not-understood",  # an instruction the parser could not read: not checked
    "effective-date-note",  # an eCFR effective-date note (EFFDNOT): a stay or delayed effective date
    "applied",  # a matching change of the right kind at every target, with the text the rule prints
]
STATUSES: tuple[Status, ...] = get_args(Status)

#: Findings that make ``tracker audit`` exit 1.
FAILING: frozenset[Status] = frozenset({"missing", "different", "not-incorporated"})


def _plain(value: Any) -> Any:
    """Tuples as lists, all the way down (the JSON-ready form)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return [_plain(v) for v in value] if isinstance(value, tuple | list) else value


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding: its ``status``, the ``citations`` it is about, a one-line ``reason``, the ``instruction``
    (for instruction findings), the ``changes`` it matched or that no one explained, and for eCFR notes the
    ``note`` text and the Federal Register citations it names (``fr_citations``)."""

    status: Status
    citations: tuple[str, ...]
    reason: str
    instruction: Instruction | None = None
    changes: tuple[Change, ...] = ()
    note: str = ""
    fr_citations: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "citations": list(self.citations),
            "reason": self.reason,
            "instruction": None if self.instruction is None else _plain(asdict(self.instruction)),
            "changes": [{"kind": c.kind, "citation": c.citation, "old_citation": c.old_citation} for c in self.changes],
            "note": self.note,
            "fr_citations": list(self.fr_citations),
        }


@dataclass(frozen=True)
class Audit:
    """The audit of one Federal Register rule: the versions compared per Part (``{part: (before, after)}``)
    and the findings, ordered by :data:`STATUSES`."""

    document_number: str
    citation: str
    effective_on: str
    versions: dict[str, tuple[str, str]]
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when an instruction is missing or different, or the eCFR says one could not be incorporated."""
        return any(f.status in FAILING for f in self.findings)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for f in self.findings:
            counts[f.status] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "tracker.audit/1",
            "document_number": self.document_number,
            "citation": self.citation,
            "effective_on": self.effective_on,
            "versions": {p: {"before": a, "after": b} for p, (a, b) in self.versions.items()},
            "failed": self.failed,
            "counts": self.counts(),
            "notes": list(self.notes),
            "findings": [f.to_dict() for f in self.findings],
        }


def to_json(audits: list[Audit]) -> str:
    """Audits as one JSON document (``{"schema": "tracker.audits/1", "failed": …, "audits": […]}``)."""
    data = {"schema": "tracker.audits/1", "failed": any(a.failed for a in audits),
            "audits": [a.to_dict() for a in audits]}
    return json.dumps(data, ensure_ascii=False, indent=2)


def ordered(findings: list[Finding]) -> list[Finding]:
    """Findings by status (:data:`STATUSES` order), then as found."""
    return sorted(findings, key=lambda f: STATUSES.index(f.status))
