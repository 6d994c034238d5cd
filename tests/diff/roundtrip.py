"""The differ's round trip, for its tests: rebuild the new version from the old one and the changes."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import replace

from tracker.citations import part_sort_key
from tracker.diff.changes import DiffError, regulatory_by_part
from tracker.model import Change, Paragraph


def apply(old: list[Paragraph], changes: Iterable[Change]) -> list[Paragraph]:
    """Rebuild the new version's regulatory paragraphs from ``old`` and the changes between them.

    Exact for what the changes carry: citations, units, headings and texts in document order, with
    ``order`` the position within the Part. Unchanged paragraphs are kept whole; for changed ones
    ``kind``, ``marker`` and ``parent`` come from the old paragraph of that citation (empty for
    added, restored and redesignated citations) and ``refs`` are left empty.
    """
    olds = regulatory_by_part(old)
    by_part: dict[str, list[Change]] = defaultdict(list)
    for c in changes:
        by_part[c.part].append(c)
    out: list[Paragraph] = []
    for part in sorted(olds.keys() | by_part.keys(), key=part_sort_key):
        out.extend(_apply_part(olds.get(part, []), by_part.get(part, [])))
    return out


def _apply_part(old: list[Paragraph], changes: list[Change]) -> list[Paragraph]:
    old_by = {p.citation: p for p in old}
    placed = [c for c in changes if c.kind != "removed"] + [part for c in changes for part in c.parts]
    touched = {c.citation for c in changes} | {c.old_citation for c in changes if c.old_citation}
    unchanged = deque(p for p in old if p.citation not in touched)
    slots: list[Paragraph | None] = [None] * (len(unchanged) + len(placed))
    for c in placed:
        if not 0 <= c.order < len(slots) or slots[c.order] is not None:
            raise DiffError(f"change to {c.citation} has an impossible position {c.order}")
        base = old_by.get(c.old_citation or c.citation)
        slots[c.order] = Paragraph(
            citation=c.citation,
            part=c.part,
            unit=c.unit,
            parent=base.parent if base else None,
            marker=base.marker if base and not c.old_citation else "",
            kind=base.kind if base else "",
            heading=c.new_heading or "",
            text=c.new_text or "",
            order=c.order,
        )
    return [s if s is not None else replace(unchanged.popleft(), order=i) for i, s in enumerate(slots)]
