"""The report's section "Did the eCFR do what the rules said?": the audits (:mod:`tracker.audit`) of the rules
that took effect in the compared interval and whose instructions are kept, and the eCFR editorial notes new in
the interval that say an amendment could not be incorporated. Data only; the templates render it.

>>> from tracker.audit import Audit, Finding
>>> note = Finding("not-incorporated", ("742.6(a)(13)",), "could not be incorporated (742.6 Editorial Note)")
>>> s = AuditSection((Audit("2025-00001", "90 FR 4612", "2025-01-16", {}, [note]),), (note,))
>>> s.notes, tally(s.audits[0])
((), '0 applied, 1 not-incorporated')
>>> bool(AuditSection()), bool(s)
(False, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # types only: importing the audit (rules, store, instructions) is left to those who run one
    from tracker.audit import Audit, Finding


def shown(audit: Audit) -> list[Finding]:
    """The findings of ``audit`` the report lists: every one that is not *applied*."""
    return [f for f in audit.findings if f.status != "applied"]


def applied(audit: Audit) -> int:
    """How many of the audit's instructions are *applied*."""
    return sum(f.status == "applied" for f in audit.findings)


def tally(audit: Audit) -> str:
    """``3 applied, 1 missing, 1 unexplained``: the count applied, then the other findings by status."""
    counts = {k: n for k, n in audit.counts().items() if n and k != "applied"}
    return ", ".join([f"{applied(audit)} applied", *(f"{n} {k}" for k, n in counts.items())])


def _key(f: Finding) -> tuple[str, tuple[str, ...], str]:
    return f.status, f.citations, f.note


@dataclass(frozen=True)
class AuditSection:
    """The audits of the interval's rules and the new "could not be incorporated" notes not already among
    their findings (a note is listed once). Falsy when there is nothing to say (the section is omitted)."""

    audits: tuple[Audit, ...] = ()
    notes: tuple[Finding, ...] = ()

    def __post_init__(self) -> None:
        known = {_key(f) for a in self.audits for f in a.findings}
        object.__setattr__(self, "notes", tuple(n for n in self.notes if _key(n) not in known))

    def __bool__(self) -> bool:
        return bool(self.audits or self.notes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: per rule its counts and the findings not applied; the notes as findings."""
        return {
            "failed": any(a.failed for a in self.audits) or bool(self.notes),
            "rules": [
                {"document_number": a.document_number, "citation": a.citation, "effective_on": a.effective_on,
                 "versions": {p: {"before": b, "after": e} for p, (b, e) in a.versions.items()},
                 "failed": a.failed, "applied": applied(a), "findings": [f.to_dict() for f in shown(a)]}
                for a in self.audits
            ],
            "notes": [f.to_dict() for f in self.notes],
        }
