"""What a change report holds, and the pure views the templates need (groups, counts, links).

>>> from tracker.model import Change
>>> r = ReportData("2024-04-04", "2024-04-03", ("740", "774"),
...                (Change("editorial", "3A090.a.1", "774", "3A090", 5),))
>>> r.summary.totals_by_part
{'740': 0, '774': 1}
>>> ecfr_url(r, r.changes[0])
'https://www.ecfr.gov/on/2024-04-04/title-15/part-774/appendix-Supplement%20No.%201%20to%20Part%20774'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from urllib.parse import quote

from tracker.citations import Citation, is_under, part_of, part_sort_key
from tracker.model import CHANGE_KINDS, Change, Rule
from tracker.report.audit_section import AuditSection
from tracker.upcoming import Upcoming
from tracker.watch import normalise_entry
from tracker.xref import RefCheck

#: One-line meanings of the change kinds, for a reader who never saw the tool.
KIND_LEGEND = {
    "added": "a new paragraph appears",
    "removed": "a paragraph is gone",
    "modified": "the wording changed",
    "reserved": "the paragraph was emptied and marked [Reserved]",
    "redesignated": "the paragraph moved to a new designation (old → new)",
    "restructured": "the paragraph was split into sub-paragraphs (its old text beside the new parts)",
    "restored": "a paragraph that had been removed came back",
    "reference-only": "only a cross-reference changed (old target → new target)",
    "editorial": "punctuation, capitals or spacing only; no change in meaning",
    "heading": "only the heading (title) changed",
}

#: Names of the Parts tracker follows by default (others are shown by number only).
PART_TITLES = {
    "734": "Scope of the Export Administration Regulations",
    "740": "License Exceptions",
    "742": "Control Policy—CCL Based Controls",
    "744": "Control Policy: End-User and End-Use Based",
    "772": "Definitions of Terms",
    "774": "The Commerce Control List",
}



def whole_unit(unit: str) -> Citation | None:
    """The citation of a whole ECCN, section or supplement (the units with pages of their own), else None.

    >>> [getattr(whole_unit(u), "kind", None) for u in ("3A090", "740.10", "740.10(a)", "Part 740")]
    ['eccn', 'section', None, None]
    """
    c = Citation.parse(unit)
    return c if c is not None and c.kind in ("eccn", "section", "supplement") and c.unit == unit else None


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows: the changes between ``previous_date`` and ``version_date``.

    ``parts`` are the Parts that were compared (also those without changes); ``watch`` is the
    watchlist the changes were filtered by (empty: all changes). ``site_url`` is where the
    reports folder is published, if anywhere: emails then link to the full report and history pages.
    ``broken_refs`` and ``repaired_refs`` are the references the change broke and repaired
    (:func:`tracker.xref.broken_and_repaired`); :func:`watched_refs` cuts them to the watchlist.
    ``audit`` is the audit of the rules that took effect in the interval (empty: nothing to say).
    ``upcoming`` are the changes coming into force that the stored eCFR does not show yet (section "Coming into
    force"); a ``notice`` is the email announcing new ones, with no versions compared (``version_date`` is then
    the day of the announcement and ``delivery_key`` its own).
    """

    version_date: str
    previous_date: str | None
    parts: tuple[str, ...]
    changes: tuple[Change, ...]
    ecfr_base: str = "https://www.ecfr.gov"
    site_url: str | None = None
    watch: tuple[str, ...] = field(default=())
    broken_refs: tuple[RefFinding, ...] = ()
    repaired_refs: tuple[RefFinding, ...] = ()
    audit: AuditSection = field(default_factory=AuditSection)
    upcoming: tuple[Upcoming, ...] = ()
    notice: str | None = None

    @property
    def delivery_key(self) -> str:
        """What its emails are recorded under: the version date of a report, the name of a notice."""
        return self.notice or self.version_date

    @cached_property
    def summary(self) -> Summary:
        return Summary.of(self.changes, self.parts)

    @cached_property
    def rules(self) -> tuple[Rule, ...]:
        """The distinct Federal Register rules behind the changes, by publication date then citation."""
        seen = {r.document_number: r for c in self.changes for r in c.rules}
        return tuple(sorted(seen.values(), key=lambda r: (r.publication_date, r.citation)))

    @cached_property
    def parts_view(self) -> tuple[PartView, ...]:
        return group_changes(self.changes)

    @property
    def changed_parts(self) -> tuple[str, ...]:
        return tuple(p.part for p in self.parts_view)


@dataclass(frozen=True)
class RefFinding:
    """A reference a change broke or repaired: its check on the date the target was missing.

    ``check.reason`` says why it is (or was) broken; ``unit`` is the section, supplement or ECCN of
    the citing paragraph; ``repair`` says, for a repaired reference, how (empty for a broken one).
    """

    check: RefCheck
    unit: str
    repair: str = ""

    def to_dict(self) -> dict[str, str]:
        c = self.check
        out = {"part": c.part, "from_citation": c.from_citation, "unit": self.unit, "written": c.written,
               "target": c.target, "kind": c.kind, "reason": c.reason}
        return {**out, "repair": self.repair} if self.repair else out


@dataclass(frozen=True)
class Summary:
    """Counts of changes by kind and Part (kinds in report order, only those present)."""

    kinds: tuple[str, ...]
    parts: tuple[str, ...]
    counts: dict[tuple[str, str], int]
    total: int

    @classmethod
    def of(cls, changes: tuple[Change, ...], parts: tuple[str, ...]) -> Summary:
        counts: dict[tuple[str, str], int] = {}
        for c in changes:
            counts[c.kind, c.part] = counts.get((c.kind, c.part), 0) + 1
        present = {k for k, _ in counts}
        kinds = tuple(k for k in CHANGE_KINDS if k in present) + tuple(sorted(present - set(CHANGE_KINDS)))
        all_parts = tuple(sorted(set(parts) | {p for _, p in counts}, key=part_sort_key))
        return cls(kinds, all_parts, counts, len(changes))

    @property
    def totals_by_part(self) -> dict[str, int]:
        return {p: sum(self.counts.get((k, p), 0) for k in self.kinds) for p in self.parts}

    @property
    def totals_by_kind(self) -> dict[str, int]:
        return {k: sum(self.counts.get((k, p), 0) for p in self.parts) for k in self.kinds}


@dataclass(frozen=True)
class UnitView:
    """The changes inside one section, supplement or ECCN, in document order."""

    unit: str
    changes: tuple[Change, ...]

    @property
    def label(self) -> str:
        return unit_label(self.unit)


def unit_label(unit: str) -> str:
    """How a unit is named for a reader: ``ECCN 3A090``, ``§ 740.10``, ``Supplement No. 1 to Part 740``."""
    whole = whole_unit(unit)
    if whole is not None and whole.kind == "eccn":
        return f"ECCN {unit}"
    if whole is not None and whole.kind == "section":
        return f"§ {unit}"
    return unit


@dataclass(frozen=True)
class PartView:
    part: str
    units: tuple[UnitView, ...]

    @property
    def label(self) -> str:
        title = PART_TITLES.get(self.part)
        return f"Part {self.part} — {title}" if title else f"Part {self.part}"

    @property
    def count(self) -> int:
        return sum(len(u.changes) for u in self.units)


def group_changes(changes: tuple[Change, ...]) -> tuple[PartView, ...]:
    """Part → unit → changes, Parts in numeric order, units and changes in document order."""
    by_part: dict[str, dict[str, list[Change]]] = {}
    for c in sorted(changes, key=lambda c: c.order):
        by_part.setdefault(c.part, {}).setdefault(c.unit, []).append(c)
    return tuple(
        PartView(part, tuple(UnitView(u, tuple(cs)) for u, cs in units.items()))
        for part, units in sorted(by_part.items(), key=lambda kv: part_sort_key(kv[0]))
    )


def redline(change: Change) -> tuple[tuple[str, str], ...]:
    """The change's redline runs, or ones made from its old/new text when the differ gave none."""
    if change.redline:
        return tuple(change.redline)
    runs = []
    if change.old_text:
        runs.append(("delete", change.old_text))
    if change.new_text:
        runs.append(("insert", change.new_text))
    return tuple(runs)


def ecfr_url(report: ReportData, change: Change, *, anchor: bool = True) -> str:
    """The eCFR page of the change's section (or supplement, or Part) on the date it was in force.

    A removed paragraph links to the previous version, where it still stands; with ``anchor``
    the link to a section paragraph jumps to the paragraph (``#p-740.10(a)(2)(iv)``).
    """
    date = report.previous_date if change.kind == "removed" and report.previous_date else report.version_date
    return citation_url(report.ecfr_base, date, change.part, change.unit, change.citation if anchor else None)


def citation_url(ecfr_base: str, date: str, part: str, unit: str, citation: str | None = None) -> str:
    """The eCFR page of ``unit`` on ``date``, jumping to section paragraph ``citation`` when given.

    >>> citation_url("https://www.ecfr.gov", "2024-04-04", "740", "740.2", "740.2(a)(8)(i)")
    'https://www.ecfr.gov/on/2024-04-04/title-15/section-740.2#p-740.2(a)(8)(i)'
    """
    base = f"{ecfr_base.rstrip('/')}/on/{date}/title-15"
    whole = whole_unit(unit)
    if whole is not None and whole.kind == "section":
        fragment = f"#p-{citation}" if citation and citation.startswith(f"{unit}(") else ""
        return f"{base}/section-{unit}{quote(fragment, safe='#()-.')}"
    if whole is not None and whole.kind == "eccn":
        whole = Citation("supplement", "774", ("1",))  # the CCL
    if whole is not None:
        return f"{base}/part-{whole.part}/appendix-{quote(str(whole))}"
    return f"{base}/part-{part}"


def ref_url(report: ReportData, finding: RefFinding) -> str:
    """The eCFR text of the paragraph making a broken or repaired reference, in the report's version."""
    c = finding.check
    return citation_url(report.ecfr_base, report.version_date, c.part, finding.unit, c.from_citation)


def watched_refs(findings: tuple[RefFinding, ...], watch: tuple[str, ...]) -> tuple[RefFinding, ...]:
    """The findings whose citing paragraph or target is on the watchlist (all of them for an empty one).

    >>> f = RefFinding(RefCheck("740", "740.2(a)(8)(i)", "740.10(a)(2)(iv)", "section", "§ 740.10(a)(2)(iv)",
    ...                         "broken", "gone"), "740.2")
    >>> [len(watched_refs((f,), w)) for w in ((), ("740.10",), ("740.2(a)",), ("part 740",), ("3A090",))]
    [1, 1, 1, 1, 0]
    """
    if not watch:
        return findings
    keys = [normalise_entry(w) for w in watch]
    return tuple(f for f in findings
                 if f.check.part in keys or touches((f.check.from_citation, f.unit, f.check.target), keys))


def touches(citations: Iterable[str], keys: Iterable[str]) -> bool:
    """One of ``citations`` is in a Part of ``keys`` (normalised watch entries) or at or under one of them."""
    cites = list(citations)
    return any(any(part_of(c) == k if k.isdigit() else is_under(c, k) for c in cites) for k in keys)


def watched_audit(section: AuditSection, watch: tuple[str, ...]) -> AuditSection:
    """The audit section cut to the watchlist (all of it for an empty one): each rule with only the findings
    about a watched citation (a rule with none left out), the notes naming one.

    >>> from tracker.audit import Audit, Finding
    >>> found = [Finding("applied", ("740.2(a)",), ""), Finding("missing", ("3A090",), "")]
    >>> a = Audit("d", "", "2026-10-01", {}, found)
    >>> [[f.status for f in x.findings] for w in ((), ("740.2",), ("part 774",), ("9A001",))
    ...  for x in watched_audit(AuditSection((a,)), w).audits]
    [['applied', 'missing'], ['applied'], ['missing']]
    """
    if not watch:
        return section
    keys = [normalise_entry(w) for w in watch]
    audits = (replace(a, findings=[f for f in a.findings if touches(f.citations, keys)]) for a in section.audits)
    return AuditSection(tuple(a for a in audits if a.findings),
                        tuple(n for n in section.notes if touches(n.citations, keys)))


def watched_upcoming(entries: tuple[Upcoming, ...], watch: tuple[str, ...]) -> tuple[Upcoming, ...]:
    """The upcoming changes touching the watchlist (all of them for an empty one): a target on it, or, while the
    targets are not known, a Part of the entry (or no known Part) that the watchlist touches.

    >>> e = Upcoming("rule", "d", "", "", "2027-01-01", None, ("740",), ("740.10(a)(2)(iv)",))
    >>> unknown = Upcoming("public-inspection", "p", "", "", None, None, ())
    >>> [[x.key for x in watched_upcoming((e, unknown), w)] for w in ((), ("740.10",), ("3A090",))]
    [['d', 'p'], ['d', 'p'], ['p']]
    """
    if not watch:
        return entries
    keys = [normalise_entry(w) for w in watch]
    watched_parts = {k if k.isdigit() else part_of(k) for k in keys}
    return tuple(e for e in entries if (touches(e.targets, keys) if e.targets
                                        else not e.parts or bool(watched_parts & set(e.parts))))


#: The index of the history pages, in the reports folder beside ``index.html``.
HISTORY_INDEX = "history.html"


def history_path(unit: str) -> str | None:
    """The relative path of a unit's history page, None for a unit that has none.

    >>> [history_path(u) for u in ("3A090", "740.10", "Supplement No. 1 to Part 740", "Part 740", "3A090\\n")]
    ['eccn/3A090.html', 'section/740.10.html', 'supplement/740-1.html', None, None]
    """
    whole = whole_unit(unit)
    if whole is None:
        return None
    if whole.kind == "supplement":
        return f"supplement/{whole.part}-{whole.path[0]}.html"
    return f"{whole.kind}/{unit}.html"


def in_report_order(report: ReportData) -> tuple[Change, ...]:
    """The changes in the order the report shows them (Part, then unit, then document order)."""
    return tuple(c for p in report.parts_view for u in p.units for c in u.changes)


def rule_url(rule: Rule) -> str:
    """The rule's Federal Register page: the API's ``html_url`` if it is an https link, else the short link.

    >>> rule_url(Rule("2024-07004", "89 FR 23876", "t", html_url="javascript:alert(1)"))
    'https://www.federalregister.gov/d/2024-07004'
    """
    return _https_or_short(rule.html_url, rule.document_number)


def upcoming_url(entry: Upcoming) -> str:
    """Where to read an upcoming change, as :func:`rule_url` links a rule: its URL if it is an https link, else the
    document's short link, else none (a URL a server sent that is not https is never a live link).

    >>> upcoming_url(Upcoming("public-inspection", "2026-24001", "", "", None, None, (), url="javascript:alert(1)"))
    'https://www.federalregister.gov/d/2026-24001'
    >>> upcoming_url(Upcoming("ecfr-note", "", "91 FR 46260", "", None, None, (), url="data:text/html,x"))
    ''
    """
    return _https_or_short(entry.url, entry.document_number)


def _https_or_short(url: str, document_number: str) -> str:
    if url.startswith("https://"):
        return url
    return f"https://www.federalregister.gov/d/{quote(document_number)}" if document_number else ""
