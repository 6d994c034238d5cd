"""Which Federal Register rule made each change: pure matching of changes to rules.

A change between the versions of ``date_from`` and ``date_to`` of a Part can only come from a rule
that amends that Part and took effect in ``(date_from, date_to]``. Among those candidates:

- a rule whose amendment instructions (``REGTEXT``/``AMDPAR``, see :mod:`tracker.amendments`)
  are known is kept only if they name the change's section, supplement or ECCN (or the Part without
  naming any unit, e.g. "revise the heading of subpart C");
- a rule whose citation (``89 FR 23876``) is newly listed in the section's source note (``CITA``),
  changed in the same diff, is confirmed even without instructions;
- confirmed or named rules win over the rest; otherwise every remaining candidate is listed —
  two rules taking effect the same day are both named, never one guessed.

No candidate leaves ``Change.rules`` empty: "source not yet identified" (see :func:`describe`) — no rule
is known *yet*: the Federal Register fetch may have failed or lagged (:mod:`tracker.sync` asks
again on later runs), and ``tracker history`` names the rule once it is stored.

>>> from tracker.model import Change
>>> rule = {"document_number": "2024-07004", "citation": "89 FR 23876", "effective_on": "2024-04-04",
...         "publication_date": "2024-04-04", "parts": ["740", "774"], "title": "Implementation…"}
>>> change = Change(kind="modified", citation="740.2(a)(8)", part="740", unit="740.2", order=1)
>>> [describe(c) for c in attribute([change], [rule], date_from="2024-03-13", date_to="2024-04-04")]
['89 FR 23876 (document 2024-07004, effective 2024-04-04)']
>>> [describe(c) for c in attribute([change], [rule], date_from="2024-04-04", date_to="2024-05-01")]
['source not yet identified']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from tracker.amendments import Amendment
from tracker.citations import ECCN
from tracker.model import Change, Rule

_ECCN = re.compile(ECCN)
_FR_CITATION = re.compile(r"\b\d{1,3} FR \d+\b")
_SOURCE = " Source"


def rule_parts(rule: Mapping[str, Any]) -> set[str]:
    """The Title 15 Parts a rule amends: its ``parts`` (stored rules) or ``cfr_references`` (API records).

    >>> sorted(rule_parts({"cfr_references": [{"title": 15, "part": "740"}, {"title": 48, "part": "52"}]}))
    ['740']
    >>> rule_parts({"cfr_references": "15 CFR 740"}), rule_parts({"parts": "740"})   # malformed: no Parts
    (set(), set())
    """
    parts, refs = rule.get("parts"), rule.get("cfr_references")
    if isinstance(parts, list | tuple):
        return {str(p) for p in parts}
    if parts is not None or not isinstance(refs, list):
        return set()
    return {str(r.get("part")) for r in refs if isinstance(r, dict) and str(r.get("title")) == "15"}


def _container(unit: str, part: str) -> str | None:
    """The supplement an ECCN sits in (the CCL is Supplement No. 1 to Part 774)."""
    return f"Supplement No. 1 to Part {part}" if _ECCN.fullmatch(unit) else None


def _verdict(amendments: list[Amendment], change: Change) -> str:
    """``named`` (the instructions name the change's unit), ``part`` (they touch the Part without naming
    units that would tell), ``other`` (they name other units only) or ``unknown`` (nothing parsed)."""
    if not amendments:
        return "unknown"
    here = [a for a in amendments if a.part == change.part]
    targets = {a.target for a in here}
    if change.unit in targets:
        return "named"
    container = _container(change.unit, change.part)
    named_eccns = any(_ECCN.fullmatch(t) for t in targets)
    if here and all(t in ("", container) or t.startswith("Subpart ") for t in targets) and not named_eccns:
        return "part"
    return "other"


def _new_citations(changes: list[Change]) -> dict[str, set[str]]:
    """Unit → FR citations newly listed in its source note by this diff."""
    out: dict[str, set[str]] = {}
    for c in changes:
        if c.citation.endswith(_SOURCE) and c.new_text:
            old = set(_FR_CITATION.findall(c.old_text or ""))
            out[c.citation[: -len(_SOURCE)]] = set(_FR_CITATION.findall(c.new_text)) - old
    return out


def attribute(
    changes: list[Change],
    rules: list[dict[str, Any]],
    *,
    date_from: str,
    date_to: str,
    amendments: Mapping[str, list[Amendment]] | None = None,
) -> list[Change]:
    """``changes`` with ``rules`` filled in (see module docs); the input list is not modified.

    ``rules`` are Federal Register API records, or stored rules as records
    (:meth:`tracker.store.StoredRule.record`); ``amendments`` maps document numbers to their parsed
    instructions, where known.
    """
    amendments = amendments or {}
    in_force = [r for r in rules if r.get("effective_on") and date_from < str(r["effective_on"]) <= date_to]
    cited = _new_citations(changes)
    out = []
    for change in changes:
        candidates = [r for r in in_force if change.part in rule_parts(r)]
        verdicts = {
            r["document_number"]: _verdict(amendments.get(r["document_number"], []), change) for r in candidates
        }
        new_in_note = cited.get(change.unit, set())
        confirmed = [
            r for r in candidates if verdicts[r["document_number"]] == "named" or r.get("citation") in new_in_note
        ]
        chosen = confirmed or [r for r in candidates if verdicts[r["document_number"]] in ("part", "unknown")]
        chosen.sort(key=lambda r: (str(r.get("effective_on")), str(r["document_number"])))
        out.append(replace(change, rules=tuple(Rule.from_record(r) for r in chosen)))
    return out


def describe(change: Change) -> str:
    """The attribution of one change in words, ambiguity included.

    >>> from tracker.model import Change, Rule
    >>> a = Rule("2024-07004", "89 FR 23876", "A", effective_on="2024-04-04")
    >>> b = Rule("2024-07005", "89 FR 23999", "B", effective_on="2024-04-04")
    >>> text = describe(Change("modified", "3A090.a", "774", "3A090", 1, rules=(a, b)))
    >>> print(text.replace(": ", ":\\n", 1).replace("; ", "\\n"))
    2 rules took effect in this interval and cannot be told apart:
    89 FR 23876 (document 2024-07004, effective 2024-04-04)
    89 FR 23999 (document 2024-07005, effective 2024-04-04)
    """
    if not change.rules:
        return "source not yet identified"
    named = [f"{r.citation} (document {r.document_number}, effective {r.effective_on})" for r in change.rules]
    if len(named) == 1:
        return named[0]
    return f"{len(named)} rules took effect in this interval and cannot be told apart: {'; '.join(named)}"
