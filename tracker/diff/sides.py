"""The two sides of a diff as the differ reads them: the paragraphs that differ, and where things stand.

:class:`Sides` is what :func:`tracker.diff.changes.compare_sides` needs besides the paragraphs: the rank
of a citation in either version (its position among the version's paragraphs compared), whether a
citation is in the old version, the old version's citations under a key and those before a citation.
:class:`ListSides` answers from a :class:`~tracker.model.Delta`'s citation lists (an in-memory
comparison); :meth:`tracker.store.Store.changed` answers from the store, reading only what it is asked.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import Protocol

from tracker.citations import is_under, under_range
from tracker.model import Delta, Paragraph


class Sides(Protocol):
    """Two versions of one Part as far as they differ (``old``, ``new``: as :class:`~tracker.model.Delta`'s)."""

    @property
    def old(self) -> list[Paragraph]: ...

    @property
    def new(self) -> list[Paragraph]: ...

    def new_rank(self, citation: str) -> int | None:
        """The 0-based position of ``citation`` in the new version (None if it is not there)."""

    def old_rank(self, citation: str) -> int:
        """The 0-based position in the old version of the citation of a paragraph of ``old``."""

    def in_old(self, citation: str) -> bool:
        """Whether the old version has ``citation``."""

    def old_under(self, key: str) -> list[str]:
        """The old version's citations strictly under ``key`` (``3A001.z.1`` under ``3A001.z``), sorted."""

    def old_before(self, citation: str) -> Iterator[str]:
        """The old version's citations before that of a paragraph of ``old``, the nearest first."""


class ListSides:
    """:class:`Sides` of a :class:`~tracker.model.Delta`; ``old_keys``: every citation of the old version when
    ``delta.old_order`` names only some (a history compares the paragraphs under one key)."""

    def __init__(self, delta: Delta, old_keys: Iterable[str] | None = None) -> None:
        self.delta = delta
        self.old, self.new = delta.old, delta.new
        self.olds = frozenset(delta.old_order if old_keys is None else old_keys)
        self._new_at = {c: i for i, c in enumerate(delta.new_order)}
        self._old_at: dict[str, int] | None = None  # made on first use: most diffs never ask
        self._sorted_olds: list[str] | None = None

    def new_rank(self, citation: str) -> int | None:
        return self._new_at.get(citation)

    def old_rank(self, citation: str) -> int:
        if self._old_at is None:
            self._old_at = {c: i for i, c in enumerate(self.delta.old_order)}
        return self._old_at[citation]

    def in_old(self, citation: str) -> bool:
        return citation in self.olds

    def old_under(self, key: str) -> list[str]:
        if self._sorted_olds is None:
            self._sorted_olds = sorted(self.olds)
        return under(self._sorted_olds, key)

    def old_before(self, citation: str) -> Iterator[str]:
        order = self.delta.old_order
        return (order[i] for i in range(self.old_rank(citation) - 1, -1, -1))


def under(citations: list[str], key: str) -> list[str]:
    """The ``citations`` (sorted) strictly under ``key``."""
    low, high = under_range(key)
    found = citations[bisect_left(citations, low) : bisect_left(citations, high)]
    return [c for c in found if c != key and is_under(c, key)]
