"""A parse's records as one list, with the runs of them a parse took whole from its cache (:class:`Parsed`). Kept
apart from :mod:`tracker.parse.records`, which is compiled (a compiled class cannot subclass ``list``)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, SupportsIndex

from tracker.model import Paragraph


class Parsed(list[Paragraph]):
    """A parse's records, with the runs of them taken whole from a parse cache: ``units`` holds ``(key, start,
    end)`` for each (:data:`tracker.parse.cache.UnitKey`; ``records[start:end]``), so a store can tell a unit
    unchanged but for its place. Records with one key are the same records but for their ``order`` (the cache's
    own rule). Anything that replaces, removes or reorders records forgets the runs (appending keeps them).

    >>> r = Parsed([Paragraph("1", "1", "1", None, "", "section", "", "", 0)])
    >>> r.units.append((("DIV8", b"", ()), 0, 1))
    >>> r += []; len(r.units)
    1
    >>> r[0:1] = list(r); r.units
    []
    """

    __slots__ = ("units",)

    def __init__(self, records: Iterable[Paragraph] = ()) -> None:
        super().__init__(records)
        self.units: list[tuple[Hashable, int, int]] = []

    def _forget(self) -> None:
        self.units = []

    def __setitem__(self, index: Any, value: Any) -> None:
        self._forget()
        super().__setitem__(index, value)

    def __delitem__(self, index: Any) -> None:
        self._forget()
        super().__delitem__(index)

    def __imul__(self, n: SupportsIndex) -> Parsed:
        self._forget()
        return super().__imul__(n)

    def insert(self, index: SupportsIndex, value: Paragraph) -> None:
        self._forget()
        super().insert(index, value)

    def pop(self, index: SupportsIndex = -1) -> Paragraph:
        self._forget()
        return super().pop(index)

    def remove(self, value: Paragraph) -> None:
        self._forget()
        super().remove(value)

    def clear(self) -> None:
        self._forget()
        super().clear()

    def reverse(self) -> None:
        self._forget()
        super().reverse()

    def sort(self, *args: Any, **kwargs: Any) -> None:
        self._forget()
        super().sort(*args, **kwargs)
