"""Timelines of one key: an ECCN (``3A090``), an ECCN item (``3A001.z``) or a section/paragraph (``740.10(a)(2)``).

A key covers itself and everything under it (``3A090`` covers ``3A090.a.1`` and ``3A090 License
Requirements``; ``740.10`` covers ``740.10(a)(2)(iv)``). :func:`history` reads the key's spans straight
from the store: every date where a span under the key starts or ends is a candidate, and only the
paragraphs whose text differs on that date are compared (:func:`tracker.diff.compare`), so the cost
follows the number of changes to the key, not the number of stored versions. Each date names the
Federal Register rules effective (or, lacking an effective date, published) that day.

The history of an ECCN item also lists, apart from its own changes, those of the notes and License
Requirements rows of its entry that apply to it by their own words (:mod:`tracker.applies`: "RS applies to
3A090.b", "Note 2 to 3A090.a, 3A090.b", "NS applies to entire entry"): :attr:`Entry.applying`, each change
with the words by which it applies. In JSON an entry has them under ``"applying"`` (only when there are
some), each a change object with an ``"applies_by"`` field; ``"changes"`` stays the key's own changes, so
an entry may have no ``"changes"`` but some ``"applying"``.

>>> from tracker.store import Store
>>> from tracker.model import Paragraph
>>> s = Store(":memory:")
>>> def version(date, text):
...     p = Paragraph("1.1(a)", "1", "1.1", "1.1", "(a)", "paragraph", "", text, 1)
...     return s.ingest([p], part="1", date=date, source="doc", sha256=date, size=1)
>>> version("2024-01-01", "(a) Old words."), version("2024-02-01", "(a) Old words.")
(True, True)
>>> version("2024-03-01", "(a) New words.")
True
>>> h = history(s, "1.1")
>>> [(e.date, [c.kind for c in e.changes]) for e in h.entries]
[('2024-03-01', ['modified'])]
>>> [p.text for p in text_on(s, "1.1(a)", "2024-02-15")]
['(a) Old words.']
"""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass, replace
from typing import Any

from tracker.applies import applies_by, item_eccn
from tracker.citations import is_under, normalise_key, part_of
from tracker.diff import compare
from tracker.errors import InputError
from tracker.model import Change, Paragraph, Rule
from tracker.store import Span, Store


class HistoryError(InputError, LookupError):
    """An unknown key, or a date with no stored version; the message is one line."""


def span_rows(store: Store, part: str, key: str) -> list[Span]:
    """Every span of ``part`` whose citation is ``key`` or under it."""
    return [r for r in store.spans_starting(part, key) if is_under(r.citation, key)]


def ordered(rows: list[Span]) -> list[Paragraph]:
    """The rows of one version as paragraphs in document order (their own ``prev`` chain)."""
    by_prev = {r.prev: r for r in rows}
    cites = {r.citation for r in rows}
    starts = sorted((r for r in rows if r.prev not in cites), key=lambda r: r.citation)
    out: list[Paragraph] = []
    seen: set[str] = set()
    for start in starts:
        row: Span | None = start
        while row is not None and row.citation not in seen:
            seen.add(row.citation)
            out.append(row.paragraph(len(out)))
            row = by_prev.get(row.citation)
    out.extend(r.paragraph(len(out) + i) for i, r in enumerate(r for r in rows if r.citation not in seen))
    return out


def rules_on(store: Store, part: str, date: str) -> tuple[Rule, ...]:
    """Rules effective on ``date`` (else published that day) that touch ``part`` or name no Part."""
    rows = [r for r in store.rules_of_date(date) if not r.parts or part in r.parts]
    effective = [r for r in rows if r.effective_on == date]
    chosen = effective or [r for r in rows if not r.effective_on] or rows
    return tuple(r.rule() for r in chosen)


@dataclass(frozen=True)
class Applying:
    """A change of a record that applies to the key (not under it), and the words by which it applies."""

    change: Change
    by: str

    def to_dict(self) -> dict[str, Any]:
        return {"applies_by": self.by, **self.change.to_dict()}


@dataclass(frozen=True)
class Entry:
    """The changes under a key on one version date, against the version before it (``applying``: those of the
    records that apply to it, for an ECCN item)."""

    date: str
    previous: str
    changes: tuple[Change, ...]
    rules: tuple[Rule, ...]
    text: str | None = None
    applying: tuple[Applying, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "date": self.date,
            "previous": self.previous,
            "rules": [asdict(r) for r in self.rules],
            "changes": [c.to_dict() for c in self.changes],
        }
        if self.applying:
            d["applying"] = [a.to_dict() for a in self.applying]
        if self.text is not None:
            d["text"] = self.text
        return d


@dataclass(frozen=True)
class History:
    """A key's timeline, newest first; ``first_seen`` is the earliest stored version that has the key.

    ``removed`` is the version date from which nothing under the key is in force (None while it is).
    Data only: :func:`tracker.report.text.history_text` renders it as text.
    """

    key: str
    part: str
    first_stored: str
    first_seen: str
    entries: tuple[Entry, ...]
    first_text: str | None = None
    removed: str | None = None

    @property
    def dates(self) -> list[str]:
        return [e.date for e in self.entries]

    def to_dict(self) -> dict[str, Any]:
        d = {
            "schema": "tracker.history/1",
            "key": self.key,
            "part": self.part,
            "first_stored_version": self.first_stored,
            "first_seen": self.first_seen,
            "entries": [e.to_dict() for e in self.entries],
            "removed": self.removed,
        }
        if self.first_text is not None:
            d["first_text"] = self.first_text
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def _known_rows(store: Store, key: str, part: str | None = None) -> tuple[str, list[Span]]:
    key = normalise_key(key)
    part = part or part_of(key)
    parts = store.parts()
    if part is not None and part not in parts:
        raise HistoryError(f"{key}: no stored versions of part {part}; run `tracker ingest` first")
    for p in [part] if part else parts:
        rows = span_rows(store, p, key)
        if rows:
            return p, rows
    raise HistoryError(f"unknown key {key!r}; nearest known: {', '.join(nearest_keys(store, key, part)) or 'none'}")


def nearest_keys(store: Store, key: str, part: str | None, n: int = 5) -> list[str]:
    """The stored citations closest to ``key`` (difflib), for an error message."""
    return difflib.get_close_matches(key, store.citations(part), n=n, cutoff=0.5)


def _joined(paragraphs: list[Paragraph]) -> str:
    return "\n".join(p.text for p in paragraphs)


def _touched(old: dict[str, Span], new: dict[str, Span]) -> set[str]:
    """The citations whose text differs between two versions (or that one of them lacks)."""
    return {c for c in old.keys() | new.keys() if (old.get(c) and old[c].hash) != (new.get(c) and new[c].hash)}


def applying_rows(store: Store, part: str, key: str) -> tuple[list[Span], dict[str, str]]:
    """The spans of the records of an ECCN item's entry that apply to it (:func:`tracker.applies.applies_by`),
    and the words by which each citation applies (from its latest span that does); ``([], {})`` for other keys."""
    eccn = item_eccn(key)
    if eccn is None:
        return [], {}
    spans = [r for r in span_rows(store, part, eccn) if not is_under(r.citation, key)]
    by: dict[str, str] = {}
    for r in sorted(spans, key=lambda r: r.valid_from):
        if words := applies_by(r.paragraph(0), key):
            by[r.citation] = words
    return [r for r in spans if r.citation in by], by


def _changes(store: Store, part: str, rows: list[Span], previous: str, date: str) -> list[Change]:
    """The changes of ``rows`` on ``date`` against ``previous``: only the citations whose text differs are compared."""
    old = {r.citation: r for r in rows if r.live_on(previous)}
    new = {r.citation: r for r in rows if r.live_on(date)}
    touched = _touched(old, new)
    if not touched:
        return []
    earlier = {r.citation: r.text for r in sorted(rows, key=lambda r: r.valid_from) if r.valid_from < previous}
    return compare(
        ordered([r for c, r in old.items() if c in touched]),
        ordered([r for c, r in new.items() if c in touched]),
        earlier=earlier,
        old_keys=old.keys(),
    )


def _entry(store: Store, part: str, rows: list[Span], date: str, key: str, by: dict[str, str]) -> Entry | None:
    """The changes of ``rows`` on ``date`` against the version before it (None when nothing changed); those of
    citations in ``by`` (records that apply to ``key``) go to :attr:`Entry.applying`."""
    previous = store.version_before(part, date)
    changes = _changes(store, part, rows, previous, date) if previous is not None else []
    if previous is None or not changes:
        return None
    rules = rules_on(store, part, date)
    changes = [replace(c, rules=rules) for c in changes]
    own = tuple(c for c in changes if _is_own(c, key))
    applying = tuple(Applying(c, by.get(c.citation) or by.get(c.old_citation or "", "")) for c in changes
                     if not _is_own(c, key))
    return Entry(date, previous, own, rules, applying=applying)


def _is_own(change: Change, key: str) -> bool:
    return is_under(change.citation, key) or (change.old_citation is not None and is_under(change.old_citation, key))


def history(store: Store, key: str, *, with_text: bool = False, part: str | None = None) -> History:
    """Every version date on which ``key`` or anything under it changed, newest first; for an ECCN item also
    those on which a record that applies to it changed (:attr:`Entry.applying`).

    ``part`` is where the key is stored (default: the Part its name says, else the first that has it).
    Raises :class:`HistoryError` for a key never stored (naming the nearest known keys).
    """
    with store.reading():  # one snapshot: a version stored meanwhile by another process is not read in part
        part, rows = _known_rows(store, key, part)
        key = normalise_key(key)
        extra, by = applying_rows(store, part, key)
        first_stored = store.dates(part)[0]
        every = rows + extra
        candidates = sorted({r.valid_from for r in every} | {r.valid_to for r in every if r.valid_to} - {first_stored})
        entries = [e for e in (_entry(store, part, every, date, key, by) for date in candidates) if e is not None]
    if with_text:
        entries = [replace(e, text=_joined(ordered([r for r in rows if r.live_on(e.date)]))) for e in entries]
    first_seen = min(r.valid_from for r in rows)
    first_text = _joined(ordered([r for r in rows if r.live_on(first_seen)])) if with_text else None
    return History(key, part, first_stored, first_seen, tuple(reversed(entries)), first_text, _removed_on(rows))


def _removed_on(rows: list[Span]) -> str | None:
    """The version date from which none of ``rows`` is in force any more (None while one still is)."""
    ends = [r.valid_to for r in rows]
    return None if None in ends else max(e for e in ends if e is not None)


def last_text(store: Store, key: str, part: str | None = None) -> tuple[str, list[Paragraph]]:
    """The latest stored version that has ``key`` and its paragraphs there (the text it had when removed).

    Raises :class:`HistoryError` for a key never stored.
    """
    part, rows = _known_rows(store, key, part)
    removed = _removed_on(rows)
    version = (store.version_before(part, removed) or removed) if removed else store.dates(part)[-1]
    return version, ordered([r for r in rows if r.live_on(version)])


def text_on(store: Store, key: str, date: str) -> list[Paragraph]:
    """The paragraphs of ``key`` (and under it) in force on ``date``, in document order.

    Raises :class:`HistoryError` when the date is before the first stored version or the key
    did not exist on that date.
    """
    part, rows = _known_rows(store, key)
    version = store.version_on(part, date)
    if version is None:
        raise HistoryError(f"{date} is before the first stored version of part {part} ({store.dates(part)[0]})")
    live = [r for r in rows if r.live_on(version)]
    if not live:
        spans = sorted({(r.valid_from, r.valid_to or "now") for r in rows})
        ranges = ", ".join(f"{a}–{b}" for a, b in spans[:6])
        raise HistoryError(f"{normalise_key(key)} is not in the version of part {part} in force on {date} ({ranges})")
    return ordered(live)
