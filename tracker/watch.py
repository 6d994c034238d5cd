"""Watchlists: which changes touch a recipient's ECCNs, sections or Parts.

A watch entry is an ECCN or ECCN item (``3A090``, ``3A090.a``), a section or paragraph
(``740.10``, ``§ 740.10(a)``) or a whole Part (``774``, ``part 774``). An entry matches its own
citation and everything under it, in the new or the old key of a change, in its unit (the
section or ECCN the paragraph belongs to), or in the key of one of the new sub-paragraphs of a
``restructured`` change (``3A001.z.1`` matches ``3A001.z`` split into ``z.1``–``z.4``). An ECCN item also
matches the changes of the notes and License Requirements rows of its entry that apply to it by their own
words (``3A090.b`` matches ``3A090 License Requirements RS applies to 3A090.b``; :mod:`tracker.applies`), as
its history lists them.

>>> from tracker.model import Change
>>> c = Change("modified", "3A090 License Requirements RS 1", "774", "3A090", 7)
>>> matches(c, ["3A090"]), matches(c, ["3A091"]), matches(c, ["part 774"]), matches(c, ["740.10"])
(True, False, True, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tracker.citations import is_eccn_key, is_section_key, is_under, normalise_key
from tracker.model import Change

_PART = re.compile(r"^(?:part\s+)?(\d{1,4})$", re.I)


def normalise_entry(entry: str) -> str:
    """A watch entry in canonical form (``part 774`` → ``774``); ``ValueError`` if it is none of the three.

    >>> normalise_entry(" § 740.10 "), normalise_entry("Part 774"), normalise_entry("3a090")
    ('740.10', '774', '3A090')
    """
    text = entry.strip().lstrip("§").strip()
    part = _PART.match(text)
    if part:
        return part.group(1)
    key = normalise_key(text)
    if is_eccn_key(key) or is_section_key(key):
        return key
    raise ValueError(f"watch entry {entry!r} is not an ECCN (3A090), a section (740.10) or a Part (774)")


def matches(change: Change, watch: Iterable[str]) -> bool:
    """Whether ``change`` touches any entry of ``watch`` (entries as :func:`normalise_entry` accepts)."""
    from tracker.applies import change_applies_by  # reads rows with the parser: only when changes are matched

    parts = (p.citation for p in change.parts)
    citations = [c for c in (change.citation, change.old_citation, change.unit, *parts) if c]
    for key in map(normalise_entry, watch):
        if key.isdigit():
            if change.part == key:
                return True
        elif any(is_under(c, key) for c in citations) or change_applies_by(change, key):
            return True
    return False


def filter_changes(changes: Iterable[Change], watch: Iterable[str]) -> list[Change]:
    """The changes that touch the watchlist; an empty watchlist means every change.

    >>> filter_changes([Change("added", "740.10(a)(2)(iv)", "740", "740.10", 1)], ["740.1"])
    []
    """
    watch = list(watch)
    if not watch:
        return list(changes)
    return [c for c in changes if matches(c, watch)]
