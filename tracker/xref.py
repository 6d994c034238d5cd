"""The cross-reference index: who points at a citation, and what each reference's target is on a date.

References come from the parser (already resolved: "paragraph (b)(3) of this section" in § 740.10
is ``740.10(b)(3)``) and are stored with the citing paragraph's text. :func:`check_refs` gives each one
a status (:mod:`tracker.ref_status`): ``ok``, ``reserved``, ``historical``, ``broken`` (missing from a
Part version stored whole) or ``unverifiable`` (its Part not stored, or only an excerpt of it).

>>> from tracker.store import Store
>>> from tracker.model import Paragraph, Reference
>>> s = Store(":memory:")
>>> p = Paragraph("740.1(a)", "740", "740.1", "740.1", "(a)", "paragraph", "", "(a) See § 740.1(b) and § 742.4.", 1,
...               (Reference("740.1(b)", "section", "§ 740.1(b)"), Reference("742.4", "section", "§ 742.4")))
>>> s.ingest([p], part="740", date="2024-01-01", source="doc", sha256="x", size=1)
True
>>> [(c.target, c.status) for c in check_refs(s)]
[('740.1(b)', 'broken'), ('742.4', 'unverifiable')]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tracker.citations import Citation, is_under, normalise_key, part_of, part_sort_key, range_members
from tracker.model import Paragraph, Reference, ReferenceKind
from tracker.ref_status import STATUSES, Catalog, Status
from tracker.store import Ref, Store

__all__ = ["STATUSES", "RefCheck", "Status", "broken_and_repaired", "check_refs", "newly_broken", "refs_to",
           "target_status", "versions_on"]


@dataclass(frozen=True, slots=True)
class RefCheck:
    """A reference and what checking its target found (``status``, one of :data:`STATUSES`, and why)."""

    part: str
    from_citation: str
    target: str
    kind: ReferenceKind
    written: str
    status: Status
    reason: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.from_citation, self.target)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def versions_on(store: Store, date: str | None) -> dict[str, str]:
    """The version of every stored Part in force on ``date`` (latest when None); Parts not yet stored are left out."""
    out = {}
    for part in store.parts():
        version = store.dates(part)[-1] if date is None else store.version_on(part, date)
        if version is not None:
            out[part] = version
    return out


def refs_to(store: Store, citation: str, *, on: str | None = None) -> list[Ref]:
    """References in force on ``on`` (latest versions when None) to ``citation`` or anything under it, and the
    ranges that take it in ("paragraphs (b)(1) through (8)" refers to ``(b)(5)`` too)."""
    citation = normalise_key(citation)
    out: list[Ref] = []
    for part, version in versions_on(store, on).items():
        found = store.refs_on(part, version, citation)
        out.extend(r for r in found if is_under(r.target, citation))
        out.extend(_ranges_over(store, part, version, citation))
    return sorted(set(out), key=lambda r: (part_sort_key(r.part), r.from_citation, r.target))


def _ranges_over(store: Store, part: str, version: str, citation: str) -> list[Ref]:
    """The range references made in ``part`` whose span holds ``citation`` (their stored rows, by start)."""
    cited = Citation.parse(citation)
    if cited is None or cited.kind not in ("eccn", "section"):
        return []
    siblings = str(Citation(cited.kind, cited.base, cited.path[:-1])) if cited.path else citation[:2]
    starts = [r for r in store.refs_on(part, version, siblings) if r.target != citation]
    if not starts:
        return []
    made = store.refs_made_by(part, version, {r.from_citation for r in starts})
    opened = {(at, ref.target) for at, refs in made.items()
              for ref in refs if ref.through and citation in (range_members(ref.target, ref.through) or ())}
    return [r for r in starts if (r.from_citation, r.target) in opened]


def check_refs(store: Store, on: str | None = None, *, parts: list[str] | None = None) -> list[RefCheck]:
    """Every reference in force on ``on`` (latest versions when None) with its target checked.

    ``parts`` limits the citing Parts. Ordered by citing Part, then citing citation.
    """
    catalog = Catalog(store, versions_on(store, on))
    out: list[RefCheck] = []
    for part, paragraphs in catalog.paragraphs.items():
        if parts is not None and part not in parts:
            continue
        for p in paragraphs:
            for ref in p.refs:
                status, reason = catalog.check(ref, p)
                if ref.through and status == "ok":
                    reason = catalog.span(ref)
                out.append(RefCheck(part, p.citation, ref.target, ref.kind, ref.text, status, reason))
    out.sort(key=lambda c: (part_sort_key(c.part), c.from_citation, c.target))
    return out


def target_status(store: Store, citation: str, *, on: str | None = None) -> tuple[Status, str]:
    """Whether ``citation`` itself exists on ``on``: the status a reference to it would have, and why."""
    cited = normalise_key(citation)
    probe = Paragraph("", "", "", None, "", "text", "", "", 0)
    kind: ReferenceKind = "country-group" if cited.startswith("Country Group") else "section"
    return Catalog(store, versions_on(store, on)).check(Reference(cited, kind, cited), probe)


def broken_and_repaired(store: Store, part: str, date_a: str, date_b: str) -> tuple[list[RefCheck], list[RefCheck]]:
    """References broken by the change from ``date_a`` to ``date_b``, and those it repaired.

    Counts references made in ``part`` and references into ``part`` from any stored Part. A
    reference is *broken by the change* when it is broken on ``date_b`` and on ``date_a`` was not made
    or its target was there (ok, reserved or historical): one that could not be checked on ``date_a``
    is not called broken *by* the change. *Repaired*: broken on ``date_a``, and on ``date_b`` either
    no longer broken or no longer made by a paragraph that still exists.
    """

    def relevant(c: RefCheck) -> bool:
        return c.part == part or part_of(c.target) == part or c.target == f"Part {part}"

    before = {c.key: c for c in check_refs(store, date_a) if relevant(c)}
    after_all = check_refs(store, date_b)
    after = {c.key: c for c in after_all if relevant(c)}
    citing_b = {c.from_citation for c in after_all}
    broken = [
        c for k, c in after.items()
        if c.status == "broken" and (k not in before or before[k].status in ("ok", "reserved", "historical"))
    ]
    repaired = [
        c
        for k, c in before.items()
        if c.status == "broken"
        and (after[k].status in ("ok", "reserved", "historical") if k in after else c.from_citation in citing_b)
    ]
    return broken, repaired


def newly_broken(
    store: Store, since: str, on: str | None = None, *, parts: list[str] | None = None
) -> list[tuple[RefCheck, str]]:
    """The references broken on ``on`` (latest when None) that were not broken on ``since``, each with the
    first stored version date after ``since`` from which it has been broken."""
    now = [c for c in check_refs(store, on, parts=parts) if c.status == "broken"]
    was = {c.key for c in check_refs(store, since, parts=parts) if c.status == "broken"}
    fresh = {c.key: c for c in now if c.key not in was}
    dates = [d for d in store.dates() if d > since and (on is None or d <= on)]
    first: dict[tuple[str, str], str] = {}
    for date in dates if fresh else ():
        broken_then = {c.key for c in check_refs(store, date, parts=parts) if c.status == "broken"}
        for key in fresh:
            if key not in broken_then:
                first.pop(key, None)
            else:
                first.setdefault(key, date)
    return [(c, first.get(k, dates[-1] if dates else since)) for k, c in fresh.items()]
