"""The one record builder the sections parser and the CCL parser share: unique keys and document order (references
are added after the parse, by :func:`tracker.parse.refs.with_refs`, or at ingest for new texts only)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from tracker.citations import unique_key
from tracker.model import Paragraph, ParagraphKind

if TYPE_CHECKING:
    from tracker.parse.cache import SectionCache


_FIELDS = ("citation", "part", "unit", "parent", "marker", "kind", "heading", "text", "order", "refs")


def _builder() -> Callable[[str, str, str, str | None, str, ParagraphKind, str, str, int], Paragraph]:
    """A :class:`~tracker.model.Paragraph` maker that sets its slots directly: the frozen dataclass's ``__init__``
    goes through ``object.__setattr__`` field by field, a tenth of a cold CCL parse. The same object (``refs`` ()).

    >>> paragraph("740.1", "740", "740.1", None, "", "section", "", "", 0) == Paragraph(
    ...     "740.1", "740", "740.1", None, "", "section", "", "", 0)
    True
    """
    assert tuple(f.name for f in fields(Paragraph)) == _FIELDS and not hasattr(Paragraph, "__post_init__")
    new = object.__new__
    c, pa, u, pr, m, k, h, t, o, r = (getattr(Paragraph, name).__set__ for name in _FIELDS)

    def make(
        citation: str, part: str, unit: str, parent: str | None, marker: str, kind: ParagraphKind, heading: str,
        text: str, order: int,
    ) -> Paragraph:
        p = new(Paragraph)
        c(p, citation)
        pa(p, part)
        u(p, unit)
        pr(p, parent)
        m(p, marker)
        k(p, kind)
        h(p, heading)
        t(p, text)
        o(p, order)
        r(p, ())
        return p

    return make


paragraph = _builder()


@dataclass
class Records:
    """Collects records in document order under unique keys; ``order`` values start at ``start``. ``cache``, when
    given, holds units parsed before (:mod:`tracker.parse.cache`).

    >>> r = Records()
    >>> r.add("740.10", part="740", unit="740.10", parent=None, kind="section", text="")
    '740.10'
    >>> r.add("740.10", part="740", unit="740.10", parent=None, kind="section", text="")
    '740.10 2'
    >>> [p.order for p in r.records], r.next_number("text:740.10"), r.next_number("text:740.10")
    ([0, 1], 1, 2)
    """

    start: int = 0
    records: list[Paragraph] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    counters: Counter[str] = field(default_factory=Counter)
    cache: SectionCache | None = None

    def next_number(self, scope: str) -> int:
        """1, 2, 3 … per ``scope`` (the ``¶`` numbers of unmarked text, footnotes, table rows)."""
        self.counters[scope] += 1
        return self.counters[scope]

    def add(
        self,
        key: str,
        *,
        part: str,
        unit: str,
        parent: str | None,
        kind: ParagraphKind,
        text: str,
        marker: str = "",
        heading: str = "",
    ) -> str:
        """Append a record under a unique key (:func:`tracker.citations.unique_key`) and return the key."""
        keys = self.keys
        citation = key if key not in keys else unique_key(key, keys)
        keys.add(citation)
        order = self.start + len(self.records)
        self.records.append(paragraph(citation, part, unit, parent, marker, kind, heading, text, order))
        return citation

    def extend(self, records: Iterable[Paragraph]) -> None:
        """Append records built elsewhere (the CCL's), keeping their keys taken."""
        records = list(records)
        self.keys.update(r.citation for r in records)
        self.records.extend(records)
