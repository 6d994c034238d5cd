"""An upcoming change: a rule published (or on public inspection) whose changes the stored eCFR does not show yet.

>>> e = Upcoming("rule", "2026-99950", "91 FR 60000", "Entity List additions", "2026-12-31", "2026-11-20",
...              ("744",), ("Supplement No. 4 to Part 744",))
>>> e.key, e.when
('2026-99950', 'effective 2026-12-31')
>>> Upcoming.from_dict(e.to_dict()) == e
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

#: Where an upcoming change was seen: a document on public inspection at the Federal Register (not yet
#: published), a published rule taking effect after the latest stored eCFR version, or an eCFR note
#: ("Link to an amendment published at 91 FR 46260") naming an amendment the eCFR text does not show yet.
Source = Literal["public-inspection", "rule", "ecfr-note"]
SOURCES: tuple[Source, ...] = ("public-inspection", "rule", "ecfr-note")


@dataclass(frozen=True)
class Upcoming:
    """One upcoming change. ``targets`` are the citations it will change (from the rule's amendment
    instructions, or the section an eCFR note sits in; empty while unknown); ``notes`` what the eCFR says of
    it; ``url`` where to read it."""

    source: Source
    document_number: str
    citation: str
    title: str
    effective_on: str | None
    publication_date: str | None
    parts: tuple[str, ...]
    targets: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    url: str = ""

    @property
    def key(self) -> str:
        """What makes it one entry, announced once: its document number, else its FR citation."""
        return self.document_number or self.citation

    @property
    def when(self) -> str:
        """``effective 2026-12-31``, ``to be published 2026-12-02`` (on public inspection), ``published 2026-07-23,
        effective date not known`` or ``effective date not known``."""
        if self.effective_on:
            return f"effective {self.effective_on}"
        if self.source == "public-inspection" and self.publication_date:
            return f"to be published {self.publication_date}"
        if self.publication_date:
            return f"published {self.publication_date}, effective date not known"
        return "effective date not known"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (lists for tuples)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Upcoming:
        """The entry of :meth:`to_dict` (as stored with an announcement)."""
        names = {f.name for f in fields(cls)}
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in d.items() if k in names}
        return cls(**values)
