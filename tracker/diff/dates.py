"""Diffs between stored dates: the versions in force on two dates, read from the store and compared."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tracker.citations import is_under, typed_citation
from tracker.dates import is_date
from tracker.diff.changes import DiffError, compare_sides
from tracker.model import CHANGE_KINDS, NON_REGULATORY_KINDS, Change

if TYPE_CHECKING:
    from tracker.store import Store


@dataclass(frozen=True)
class DiffResult:
    """The changes between two requested dates, with the stored versions that were compared.

    Data only: :func:`tracker.report.text.diff_text` renders it as text.
    """

    date_a: str
    date_b: str
    versions: dict[str, tuple[str, str]]
    changes: list[Change]
    part: str | None = None
    eccn: str | None = None
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Number of changes of every kind (zeros included), in :data:`CHANGE_KINDS` order."""
        counts: dict[str, int] = dict.fromkeys(CHANGE_KINDS, 0)
        for c in self.changes:
            counts[c.kind] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "tracker.diff/1",
            "from": self.date_a,
            "to": self.date_b,
            "part": self.part,
            "eccn": self.eccn,
            "versions": {p: {"from": a, "to": b} for p, (a, b) in self.versions.items()},
            "notes": list(self.notes),
            "counts": self.counts(),
            "changes": [c.to_dict() for c in self.changes],
        }

    def to_json(self) -> str:
        """The documented JSON form (see the module docstring), indented, keys in a fixed order."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def _resolve(store: Store, dates: list[str], part: str, date: str, notes: list[str]) -> str:
    """The version of ``part`` in force on ``date``, of its stored ``dates`` (a note when it is another day's)."""
    version = store.version_in(dates, date)
    if version is None:
        raise DiffError(f"{date} is before the first stored version of part {part} ({dates[0]})")
    if version != date:
        notes.append(f"part {part}: {date} resolved to the version of {version} (the one in force)")
    return version


def _parts(store: Store, date_a: str, parts: list[str], eccn: str | None, notes: list[str]) -> dict[str, list[str]]:
    """The Parts to compare, each with its stored version dates: those asked for (Part 774 for an ECCN), else every
    stored Part with a version in force on ``date_a`` (the others are named in a note)."""
    wanted = parts or (["774"] if eccn else [])
    if wanted:
        chosen = {p: store.dates(p) for p in wanted}
        for p, dates in chosen.items():
            if not dates:
                raise DiffError(f"no stored versions of part {p}; run `tracker ingest` first")
        return chosen
    stored = {p: store.dates(p) for p in store.parts()}
    if not stored:
        raise DiffError("no stored versions of any part; run `tracker ingest` first")
    ready = {p: dates for p, dates in stored.items() if store.version_in(dates, date_a) is not None}
    if not ready:
        first = min(store.dates())
        raise DiffError(f"{date_a} is before the first stored version of any part ({first})")
    for p, dates in stored.items():
        if p not in ready:
            notes.append(f"part {p}: not compared, its first stored version is {dates[0]}")
    return ready


def _checked(date_a: str, date_b: str, eccn: str | None) -> str | None:
    """The ECCN or ECCN item as stored (``3a090.B`` → ``3A090.b``), after checking the dates and it
    (:class:`DiffError` when one is wrong)."""
    for d in (date_a, date_b):
        if not is_date(d):
            raise DiffError(f"{d!r} is not a date (YYYY-MM-DD)")
    if date_a > date_b:
        raise DiffError(f"{date_a} is after {date_b}: give the earlier date first")
    if eccn is not None:
        typed = typed_citation(eccn)
        if typed is None or typed.kind != "eccn":
            raise DiffError(f"{eccn!r} is not an ECCN or ECCN item (digit, letter A-E, three digits: 3A090, 3A090.b)")
        eccn = str(typed)
    return eccn


def _has(store: Store, part: str, key: str, version: str) -> bool:
    """True if ``version`` of ``part`` has a paragraph of ECCN ``key``, or under ECCN item ``key``."""
    if "." not in key:
        return store.has_unit(part, key, version)
    return any(is_under(c, key) for c in store.citations_on(part, version))


def _of_eccn(change: Change, key: str) -> bool:
    """True for a change of ECCN ``key``, or of ECCN item ``key``: under it, or of a note or License Requirements
    row of its entry that applies to it (:func:`tracker.applies.change_applies_by`; imported here, as it reads a
    row's text with the parser, which the pure differ never loads)."""
    from tracker.applies import change_applies_by

    eccn, _, item = key.partition(".")
    if change.unit != eccn:
        return False
    own = is_under(change.citation, key) or (change.old_citation is not None and is_under(change.old_citation, key))
    return not item or own or change_applies_by(change, key) is not None


def _part_changes(store: Store, part: str, versions: tuple[str, str], dates: list[str]) -> list[Change]:
    """The classified changes of one Part between two of its stored version ``dates``."""
    sides = store.changed(part, *versions, ignore=NON_REGULATORY_KINDS, dates=dates)
    olds = {q.citation for q in sides.old}
    arrived = [q.citation for q in sides.new if q.citation not in olds]
    return compare_sides(sides, store.earlier_texts(part, versions[0], arrived) if arrived else {})


def diff_dates(
    store: Store, date_a: str, date_b: str, *, part: str | Iterable[str] | None = None, eccn: str | None = None
) -> DiffResult:
    """Compare the versions in force on two dates (optionally some Parts, or one ECCN's or item's paragraphs).

    ``part`` is a Part or several (``DiffResult.part`` then names them comma-separated). Without it, every
    stored Part with a version in force on ``date_a`` is compared (Part 774 alone with ``eccn``). ``eccn`` is
    an ECCN (``3A090``) or an item (``3A090.b``, any case: its paragraphs and the notes and License
    Requirements rows that apply to it, "RS applies to 3A090.b"). Raises :class:`DiffError` for a date that is
    not YYYY-MM-DD, ``date_a`` after ``date_b``, a date before the first stored version, a Part with no stored
    versions, or an ECCN that is in neither version.
    """
    eccn = _checked(date_a, date_b, eccn)
    parts = [part] if isinstance(part, str) else list(dict.fromkeys(part or ()))
    notes: list[str] = []
    versions: dict[str, tuple[str, str]] = {}
    changes: list[Change] = []
    seen_eccn = False
    with store.reading():  # one snapshot: a version stored meanwhile by another process is not read in part
        for p, dates in _parts(store, date_a, parts, eccn, notes).items():
            va, vb = _resolve(store, dates, p, date_a, notes), _resolve(store, dates, p, date_b, notes)
            versions[p] = (va, vb)
            found = _part_changes(store, p, (va, vb), dates)
            if eccn is not None:
                seen_eccn = seen_eccn or _has(store, p, eccn, va) or _has(store, p, eccn, vb)
                found = [c for c in found if _of_eccn(c, eccn)]
            changes.extend(found)
    if eccn is not None and not seen_eccn:
        raise DiffError(f"{'ECCN item' if '.' in eccn else 'ECCN'} {eccn} is in neither version compared")
    return DiffResult(date_a, date_b, versions, changes, part=",".join(parts) or None, eccn=eccn, notes=notes)
