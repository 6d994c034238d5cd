"""The cross-reference index: who points at a citation, and which references point at nothing.

References come from the parser (already resolved: "paragraph (b)(3) of this section" in § 740.10
is ``740.10(b)(3)``) and live in the store's ``xrefs`` view, one row per reference per span of the
citing paragraph. A target is checked against the version of its Part in force on the date:

- ``740.10(a)(3)(v)``, ``3B001.j``, ``Supplement No. 1 to Part 740``: that citation must exist;
- ``Country Group E:1``: a column ``[E:1]`` must head a table of Supplement No. 1 to Part 740;
- ``Part 744``: the Part must be stored.

Targets in Parts that are not tracked (``Part 762``, ``22 CFR 121.1``) are *external*: listed,
never called broken. ECCN patterns such as ``9x515`` are not single entries and are not checked.

>>> from tracker.store import Store
>>> from tracker.model import Paragraph, Reference
>>> s = Store(":memory:")
>>> p = Paragraph("740.1(a)", "740", "740.1", "740.1", "(a)", "paragraph", "", "(a) See § 740.1(b).", 1,
...               (Reference("740.1(b)", "section", "§ 740.1(b)"),))
>>> s.ingest([p], part="740", date="2024-01-01", source="doc", sha256="x", size=1)
True
>>> [(c.from_citation, c.target, c.status) for c in check_refs(s)]
[('740.1(a)', '740.1(b)', 'broken')]
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

from tracker.citations import Citation, is_eccn_key, is_under, normalise_key, part_of, part_sort_key
from tracker.model import ReferenceKind
from tracker.store import Ref, Store

_GROUP_COLUMN = re.compile(r"\[([A-E]):\s?(\d)\]")
_COUNTRY_GROUPS_UNIT = "Supplement No. 1 to Part 740"
_RELATIVE_TAIL = re.compile(r"^(?:this\s+)?paragraphs?\s+((?:\([A-Za-z0-9]{1,5}\))+)\s+of this section")
#: A relative designation that cannot start from the section itself: roman, number or capital first.
_DEEP_FIRST = re.compile(r"^\((?:[ivx]+|\d+|[A-Z])\)")


@dataclass(frozen=True, slots=True)
class RefCheck:
    """A reference and what checking its target found: ``ok``, ``broken``, ``external`` or ``unchecked``."""

    part: str
    from_citation: str
    target: str
    kind: ReferenceKind
    written: str
    status: str
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
    """References in force on ``on`` (latest versions when None) to ``citation`` or anything under it."""
    citation = normalise_key(citation)
    out: list[Ref] = []
    for part, version in versions_on(store, on).items():
        found = store.refs_on(part, version, citation)
        out.extend(r for r in found if is_under(r.target, citation))
    return sorted(out, key=lambda r: (part_sort_key(r.part), r.from_citation, r.target))


@dataclass
class Catalog:
    """What exists on a date: the citations of each stored Part and the Country Group columns."""

    store: Store
    versions: dict[str, str]
    _keys: dict[str, frozenset[str]] = field(default_factory=dict)
    _sorted: dict[str, list[str]] = field(default_factory=dict)

    def keys(self, part: str) -> frozenset[str]:
        if part not in self._keys:
            self._keys[part] = self.store.citations_on(part, self.versions[part])
        return self._keys[part]

    @cached_property
    def country_groups(self) -> frozenset[str]:
        version = self.versions.get("740")
        if version is None:
            return frozenset()
        texts = self.store.texts_on("740", version, _COUNTRY_GROUPS_UNIT, "table")
        return frozenset(f"{g}:{n}" for text in texts for g, n in _GROUP_COLUMN.findall(text))

    def check(self, ref: Ref) -> tuple[str, str]:
        """``(status, reason)`` for one reference's target."""
        if ref.kind == "external":
            return "external", "outside title 15"
        if ref.kind == "country-group":
            if "740" not in self.versions:
                return "external", "Part 740 (Country Groups) is not tracked"
            group = ref.target.removeprefix("Country Group ")
            if group in self.country_groups:
                return "ok", ""
            return "broken", f"no column [{group}] in the Country Group tables of Supplement No. 1 to Part 740"
        cited = Citation.parse(ref.target)
        whole = cited.part if cited is not None and cited.kind == "part" else None  # "Part 744": the Part itself
        part = whole or part_of(ref.target)
        if part is None:
            return "unchecked", "target is not a single citation"
        if ref.kind == "eccn" and not is_eccn_key(ref.target):
            return "unchecked", "an ECCN pattern, not one entry"
        if part not in self.versions:
            return "external", f"Part {part} is not tracked (or not stored on this date)"
        if whole or ref.target in self.keys(part):
            return "ok", ""
        if self._implied(ref.target, part):
            return "ok", f"{ref.target} has no text of its own; its sub-items exist"
        elliptical = self._elliptical(ref, part)
        if elliptical:
            return "ok", f"elliptical reference, read as {elliptical}"
        return "broken", f"{ref.target} does not exist in Part {part} as of {self.versions[part]}"

    def _implied(self, target: str, part: str) -> bool:
        """True for ``3A001.z.2`` when only ``3A001.z.2.a`` … are written out (the CCL's 2025 style)."""
        keys = self.keys(part)
        if part not in self._sorted:
            self._sorted[part] = sorted(keys)
        ordered = self._sorted[part]
        i = bisect.bisect_left(ordered, target + ".")
        return i < len(ordered) and ordered[i].startswith(target + ".") and is_eccn_key(target)

    def _elliptical(self, ref: Ref, part: str) -> str | None:
        """For "paragraph (viii) of this section" written in 740.20(d)(2): the existing 740.20(d)(2)(viii).

        Only for relative references whose first designation is not a top-level letter, read
        against the citing paragraph's own ancestors, nearest first.
        """
        tail = _RELATIVE_TAIL.match(ref.written)
        if not tail or not _DEEP_FIRST.match(tail.group(1)):
            return None
        prefix = ref.from_citation
        while "(" in prefix:
            candidate = prefix + tail.group(1)
            if candidate in self.keys(part):
                return candidate
            prefix = prefix[: prefix.rindex("(")]
        return None


def check_refs(store: Store, on: str | None = None, *, parts: list[str] | None = None) -> list[RefCheck]:
    """Every reference in force on ``on`` (latest versions when None) with its target checked.

    ``parts`` limits the citing Parts. Ordered by citing Part, then citing citation.
    """
    versions = versions_on(store, on)
    catalog = Catalog(store, versions)
    out: list[RefCheck] = []
    for part, version in versions.items():
        if parts is not None and part not in parts:
            continue
        for ref in store.refs_on(part, version):
            status, reason = catalog.check(ref)
            out.append(RefCheck(part, ref.from_citation, ref.target, ref.kind, ref.written, status, reason))
    out.sort(key=lambda c: (part_sort_key(c.part), c.from_citation, c.target))
    return out


def broken_and_repaired(store: Store, part: str, date_a: str, date_b: str) -> tuple[list[RefCheck], list[RefCheck]]:
    """References broken by the change from ``date_a`` to ``date_b``, and those it repaired.

    Counts references made in ``part`` and references into ``part`` from any stored Part. A
    reference is *broken by the change* when it is broken on ``date_b`` but was not on ``date_a``
    (a new bad reference, or its target removed); *repaired* when it was broken on ``date_a`` and on
    ``date_b`` is either fixed in place or no longer made by a paragraph that still exists.
    """

    def relevant(c: RefCheck) -> bool:
        return c.part == part or part_of(c.target) == part or c.target == f"Part {part}"

    before = {c.key: c for c in check_refs(store, date_a) if relevant(c)}
    after_all = check_refs(store, date_b)
    after = {c.key: c for c in after_all if relevant(c)}
    citing_b = {c.from_citation for c in after_all}
    broken = [c for k, c in after.items() if c.status == "broken" and (k not in before or before[k].status != "broken")]
    repaired = [
        c
        for k, c in before.items()
        if c.status == "broken"
        and (after[k].status == "ok" if k in after else c.from_citation in citing_b)
    ]
    return broken, repaired
