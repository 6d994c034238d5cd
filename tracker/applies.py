"""Which CCL records apply to an ECCN item by their own words, though keyed elsewhere in its entry.

The parser keys a note naming several items under their common parent (``3A090 Note 2``, heading
``Note 2 to 3A090.a, 3A090.b``) and a License Requirements row by its scope (``3A090 License Requirements RS
applies to 3A090.b``), so neither lies under the key of an item it names. This module reads those words back:

- a **License Requirements row** applies to an item when its scope is the entire entry (and does not except the
  item or an item above it), or names the item, an item above it (the row covers everything under what it
  names), an item under it, or a range ("9E003.a.1 through a.8") holding one of these. Licensing is decided row
  by row, so every row whose scope takes the item in is part of the item's history, "entire entry" rows
  included: an ECCN has a handful of them and they change rarely, and leaving one out would hide a new licence
  requirement for the item;
- a **note** applies to an item when its label names the item, an item under it, or a range holding one of
  these (``Note 2 to 3A001.b.2.a through 3A001.b.2.h`` applies to ``3A001.b.2.c``). A note naming only an item
  above it, or the entry, is not listed: it is in that item's (or the ECCN's) own history, and an entry's many
  notes repeated under each of its items would bury the item's own changes.

A record already under the item's key is the item's own, not one that applies to it. :func:`applies_by` reads a
stored record; :func:`change_applies_by` the record a diff change is of (for watchlists, which see no store).

>>> from tracker.model import Paragraph
>>> row = Paragraph("3A090 License Requirements RS applies to 3A090.b", "774", "3A090", "3A090", "", "row", "", "", 0)
>>> applies_by(row, "3A090.b"), applies_by(row, "3A090.b.1"), applies_by(row, "3A090.a")
('RS applies to 3A090.b', 'RS applies to 3A090.b', None)
>>> note = Paragraph("3A090 Note 2", "774", "3A090", "3A090", "", "note", "Note 2 to 3A090.a, 3A090.b", "", 0)
>>> applies_by(note, "3A090.b"), applies_by(note, "3A090.b.1"), applies_by(note, "3A090.c")
('Note 2 to 3A090.a, 3A090.b', None, None)
>>> str(scope_of(note)), str(scope_of(row))
('3A090.a, 3A090.b', '3A090.b')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.citations import is_eccn_key, is_under, range_members
from tracker.model import Change, Paragraph, ParagraphKind, Reference
from tracker.parse.refs import extract_refs

_ROW = re.compile(r"^(?P<eccn>\w{5}) License Requirements (?P<words>(?P<code>[A-Z]{2,4}) applies to (?P<scope>.+))$")
_ENTIRE = re.compile(r"^entire entry(?: except (?P<except>.+))?$")
_NOTE_TO = re.compile(r"^(?:(?:Technical\s+)?Notes?\b|N\.\s?B\.).*? to (?P<items>\w{5}\.\S+(?:, \w{5}\.\S+)*)$")


def item_eccn(key: str) -> str | None:
    """The ECCN of an ECCN item key (``3A090.b`` → ``3A090``); None for an ECCN or any other key."""
    eccn, dot, _ = key.partition(".")
    return eccn if dot and is_eccn_key(key) else None


@dataclass(frozen=True)
class Scope:
    """What a note or License Requirements row names: ``items`` (ranges expanded; for ``entire`` the items it
    excepts), and ``words``, the row's scope or the note's heading."""

    words: str
    items: tuple[str, ...]
    entire: bool = False
    row: bool = False

    def __str__(self) -> str:
        """``3A090.a, 3A090.b``; ``entire entry`` or ``entire entry except 0A501.y``."""
        listed = ", ".join(self.items)
        return ("entire entry" + (f" except {listed}" if listed else "")) if self.entire else listed


def scope_of(p: Paragraph) -> Scope | None:
    """The scope of a License Requirements row, or of a note whose label names several items; else None."""
    if p.kind == "row" and (row := _ROW.match(p.citation)):
        if entire := _ENTIRE.match(row["scope"]):
            excepted = _with_ranges(_short_list(row["eccn"], entire["except"] or ""), p.refs)
            return Scope(row["words"], excepted, entire=True, row=True)
        return Scope(row["words"], _with_ranges(_short_list(row["eccn"], row["scope"]), p.refs), row=True)
    if p.kind == "note" and (note := _NOTE_TO.match(p.heading)):
        return Scope(p.heading, _with_ranges(note["items"].split(", "), p.refs))
    return None


def applies_by(p: Paragraph, item: str) -> str | None:
    """The words by which the note or License Requirements row ``p`` applies to ``item``, else None."""
    eccn = item_eccn(item)
    if eccn is None or p.unit != eccn or is_under(p.citation, item) or (scope := scope_of(p)) is None:
        return None
    if scope.entire:
        hit = not any(is_under(item, x) for x in scope.items)
    else:
        hit = any(is_under(n, item) or (scope.row and is_under(item, n)) for n in scope.items)
    return scope.words if hit else None


def change_applies_by(change: Change, item: str) -> str | None:
    """:func:`applies_by` for the note or row a change is of, read from the change alone: its key, heading and
    text, with the references its text makes (:func:`tracker.parse.refs.extract_refs`, as the parser reads them).

    >>> c = Change("modified", "9E003 License Requirements SI applies to 9E003.a.1, a.8, h", "774", "9E003", 1,
    ...            new_text="SI applies to 9E003.a.1 through a.8 and .h | See § 742.14 of the EAR.")
    >>> change_applies_by(c, "9E003.a.5"), change_applies_by(c, "9E003.b")
    ('SI applies to 9E003.a.1, a.8, h', None)
    """
    if item_eccn(item) != change.unit:
        return None
    text = change.new_text if change.new_text is not None else change.old_text or ""
    heading = change.new_heading if change.new_heading is not None else change.old_heading or ""
    kind: ParagraphKind = "row" if _ROW.match(change.citation) else "note"
    refs = extract_refs(text, unit=change.unit, part=change.part)
    record = Paragraph(change.citation, change.part, change.unit, None, "", kind, heading, text, 0, refs)
    return applies_by(record, item)


def _short_list(eccn: str, words: str) -> list[str]:
    """``3A001.z.1.b, z.2.b`` (the first in full, the others without their ECCN) as full citations."""
    out = []
    for w in filter(None, words.split(", ")):
        out.append(w if w == eccn or w.startswith(f"{eccn}.") else f"{eccn}.{w}")
    return out


def _with_ranges(named: list[str], refs: Iterable[Reference]) -> tuple[str, ...]:
    """``named`` with every item between two of them that a range reference of the record joins, in order."""
    out: list[str] = []
    for n in named:
        out.append(n)
        for r in refs:
            if r.target == n and r.through is not None and r.through in named:
                out += (range_members(r.target, r.through) or ())[1:-1]
    return tuple(dict.fromkeys(out))
