"""What the store's reads return; :func:`in_force` (from :mod:`tracker.store.sql`) is the one SQL condition
for "in force on a date", :meth:`Span.live_on` the same for a span already read.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, NamedTuple

from tracker.model import Paragraph, ParagraphKind, Reference, ReferenceKind, Rule
from tracker.store.sql import in_force as in_force  # where the store's modules have it from


def refs_json(refs: tuple[Reference, ...]) -> str:
    """References as stored in ``texts.refs``: ``[[target, kind, written], …]``; a reference that opens a range
    has its end as a fourth item (``[target, kind, written, through]``), so rows stored before ranges read alike."""
    rows = [[r.target, r.kind, r.text] + ([r.through] if r.through else []) for r in refs]
    return json.dumps(rows, ensure_ascii=False)


def refs_load(raw: str) -> tuple[Reference, ...]:
    return tuple(Reference(*r) for r in json.loads(raw))


@dataclass(frozen=True, slots=True)
class Span:
    """One span of a citation, joined with its text (``refs`` as stored: JSON)."""

    part: str
    citation: str
    unit: str
    parent: str | None
    prev: str | None
    hash: str
    valid_from: str
    valid_to: str | None
    kind: ParagraphKind
    marker: str
    heading: str
    text: str
    refs: str

    def live_on(self, version: str) -> bool:
        """True if the span is in force in the version dated ``version`` (:func:`in_force`)."""
        return self.valid_from <= version and (self.valid_to is None or self.valid_to > version)

    def paragraph(self, order: int) -> Paragraph:
        """The span's paragraph, at ``order`` in its version."""
        return Paragraph(
            self.citation, self.part, self.unit, self.parent, self.marker, self.kind, self.heading, self.text, order,
            refs_load(self.refs),
        )


@dataclass(frozen=True, slots=True)
class Ref:
    """One reference in force: the citing paragraph, the target and the words as written."""

    part: str
    from_citation: str
    from_unit: str
    target: str
    kind: ReferenceKind
    written: str
    valid_from: str
    valid_to: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ChangedUnit(NamedTuple):
    """A unit (section, supplement or ECCN) of a Part with a span that started after the Part's first version,
    or ended."""

    part: str
    unit: str


class Match(NamedTuple):
    """A span whose text matches a full-text query, with the matching words in ``[ ]`` (markup as stored)."""

    part: str
    citation: str
    valid_from: str
    valid_to: str | None
    snippet: str


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """The metadata of one stored version (a row of ``snapshots``): where it came from, its bytes, its size."""

    id: int
    part: str
    date: str
    issue_date: str | None
    source: str
    sha256: str
    size: int
    fetched_at: str | None
    ingested_at: str
    paragraphs: int
    url: str | None
    excerpt: bool

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> StoredVersion:
        return cls(**{**row, "excerpt": bool(row["excerpt"])})


@dataclass(frozen=True, slots=True)
class StoredRule:
    """One stored Federal Register rule (a row of ``rules``), its JSON columns decoded: ``parts`` (of Title 15,
    in Part order) and ``raw``, the API record as stored."""

    document_number: str
    citation: str | None
    title: str | None
    action: str | None
    publication_date: str | None
    effective_on: str | None
    html_url: str | None
    parts: tuple[str, ...]
    raw: dict[str, Any] = field(hash=False)  # a rule hashes by its columns

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> StoredRule:
        return cls(**{**row, "parts": tuple(json.loads(row["parts"])), "raw": json.loads(row["raw"])})

    def record(self) -> dict[str, Any]:
        """The API record with the stored ``parts``: what :func:`tracker.attribution.attribute` reads."""
        return {**self.raw, "parts": list(self.parts)}

    def rule(self) -> Rule:
        """The rule as the model passes it between layers (absent text fields empty)."""
        return Rule.from_record({f.name: getattr(self, f.name) for f in fields(Rule)})
