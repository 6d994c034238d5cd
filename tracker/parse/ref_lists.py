"""The items of a written list or range after its first: each read against the item before it.

An item that is only designations or an item path borrows what it leaves out from the item before:
it replaces that item's deepest level of its own kind ("(a)(8) and (11)" → (a)(11);
"(a)(5)(ii)(A) and (B)" → (a)(5)(ii)(B); "3A001.d.15 and .16" → 3A001.d.16). An ECCN item path of two
levels or more, or one written with its leading dot, starts again at the ECCN ("3A001.b.2 and b.3" →
3A001.b.3; "3A001.z.1.a, z.1.b" → 3A001.z.1.b), as the CCL writes them. "through" and "to" join the two
end points of a range; the range's end is an item too.

>>> [(link.base, link.path, link.ranged) for link in section_links("(a)(3) through (8), and (b)", 6, "740.9",
...                                                                 ("a", "3"))[1]]
[('740.9', ('a', '3'), False), ('740.9', ('a', '8'), True), ('740.9', ('b',), False)]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from tracker.citations import DESIGNATION, ECCN, LIST_SEP, RANGE_SEP, SECTION, range_members

#: What designates each level of a section's paragraphs: (a), (1), (i), (A), italic (1), italic (i).
SECTION_LEVELS = ("letter", "number", "roman", "capital", "number", "roman")

_LABELS = re.compile(r"\(([^)]+)\)")
_DOUBLED = re.compile(r"([a-z])\1?")
_ROMAN = re.compile(r"[ivxl]+")
_SEP = rf"({LIST_SEP}|{RANGE_SEP})"
_SECTION_STEP = re.compile(rf"{_SEP}(?:§\s*)?({SECTION})?((?:{DESIGNATION})*)")
_PATH_STEP = re.compile(rf"{_SEP}((?:{DESIGNATION})+)")
_SEGMENT = r"(?:[a-z]{1,2}|\d{1,2})"
_ECCN_STEP = re.compile(
    rf"({LIST_SEP}|{RANGE_SEP}|\s?[-\u2013]\s?(?=\d[A-E]))"
    rf"(?:({ECCN})((?:\.{_SEGMENT})*)|(\.?)({_SEGMENT}(?:\.{_SEGMENT})*))(?![\w])"
)
#: What may follow a bare one-letter item ("a.1, c, d"), so that "3A001.b and a license" is not an item.
_BARE_END = re.compile(r"[,;:)\]]|\.?\s*$|\.\s|\s+(?:and|or|through|to|of)\s")


class Link(NamedTuple):
    """One item of a list: the section or ECCN it is in, its designations or item path, and whether it ends
    a range opened by the item before."""

    base: str
    path: tuple[str, ...]
    ranged: bool


def labels(written: str) -> tuple[str, ...]:
    """``"(a)(2)(iv)"`` → ``("a", "2", "iv")``."""
    return tuple(_LABELS.findall(written))


def is_range(sep: str) -> bool:
    """True for the words between the two end points of a range (" through ", " to ", a dash)."""
    return sep.split()[-1:] in (["through"], ["to"]) or sep.strip() in ("-", "\u2013")


def _kinds(label: str) -> frozenset[str]:
    """The kinds of designation a label can be: ``i`` is a letter or a roman numeral, ``ii`` likewise."""
    if label.isdigit():
        return frozenset({"number"})
    if label.isupper():
        return frozenset({"capital"})
    letter = {"letter"} if _DOUBLED.fullmatch(label) else set()
    return frozenset(letter | ({"roman"} if _ROMAN.fullmatch(label) else set()))


def can_be_top_level(label: str) -> bool:
    """True for a label a section's first level can have: a letter, once or twice (``b``, ``i``, ``aa``)."""
    return _DOUBLED.fullmatch(label) is not None


def carry_designations(prev: tuple[str, ...], item: tuple[str, ...]) -> tuple[str, ...]:
    """``item`` with the levels above it taken from ``prev``: it replaces ``prev``'s deepest level of its kind.

    >>> carry_designations(("a", "8"), ("11",)), carry_designations(("a", "1", "i"), ("ii",))
    (('a', '11'), ('a', '1', 'ii'))
    >>> carry_designations(("h",), ("i",)), carry_designations(("b", "1"), ("b", "3"))
    (('i',), ('b', '3'))
    >>> carry_designations(("b",), ("1",))
    ('b', '1')
    """
    kinds = _kinds(item[0])
    for depth in range(min(len(prev), len(SECTION_LEVELS) - 1), -1, -1):
        if SECTION_LEVELS[depth] in kinds:
            return prev[:depth] + item
    return item


def carry_item(prev: tuple[str, ...], item: tuple[str, ...], *, dotted: bool) -> tuple[str, ...] | None:
    """An ECCN item path read after ``prev`` (letters sit at even depths, numbers at odd); None if it fits nowhere.

    >>> carry_item(("d", "15"), ("16",), dotted=True), carry_item(("a", "1"), ("c",), dotted=False)
    (('d', '16'), ('c',))
    >>> carry_item(("b", "2"), ("b", "3"), dotted=False), carry_item(("b", "2", "a"), ("b",), dotted=False)
    (('b', '3'), ('b', '2', 'b'))
    """
    number = item[0].isdigit()
    if not number and (dotted or len(item) > 1):
        return item
    for depth in range(len(prev) if number else len(prev) - 1, -1, -1):
        if depth % 2 == int(number) and (depth < len(prev) or number):
            return prev[:depth] + item
    return None


def is_item_path(path: tuple[str, ...]) -> bool:
    """True for an item path whose levels alternate letters and numbers, a letter written once or twice (b.3,
    z.1.a, aa; not e.g, i.e, "to")."""
    return all(seg.isdigit() == (i % 2 == 1) and (seg.isdigit() or bool(_DOUBLED.fullmatch(seg)))
               for i, seg in enumerate(path))


def section_links(
    s: str, pos: int, base: str, path: tuple[str, ...], *, sections: bool = True
) -> tuple[int, list[Link]]:
    """The items of a section list that starts with ``base`` + ``path`` and continues at ``pos``; ``sections``
    False reads designations only ("paragraphs (b)(1) and (3) …"). Returns the end of the list and its items."""
    links = [Link(base, path, False)]
    step = _SECTION_STEP if sections else _PATH_STEP
    while m := step.match(s, pos):
        section, written = (m[2], m[3]) if sections else (None, m[2])
        if not section and not written:
            break
        prev = links[-1]
        item = labels(written)
        carried = item if section else carry_designations(prev.path, item)
        links.append(Link(section or prev.base, carried, is_range(m[1])))
        pos = m.end()
    return pos, links


def _eccn_link(s: str, m: re.Match[str], prev: Link) -> Link | None:
    """The item one step of an ECCN list names, or None where the list ends."""
    ranged = is_range(m[1])
    if m[2]:  # a whole ECCN: only as a range's end ("2B119 to 2B122"); a listed one is a reference of its own
        return Link(m[2], tuple(m[3].split(".")[1:]), True) if ranged else None
    if m[1].strip() in ("-", "\u2013"):
        return None
    item = tuple(m[5].split("."))
    dotted = bool(m[4])
    if not is_item_path(item) and not item[0].isdigit():
        return None
    if not dotted and len(item) == 1 and (item[0].isdigit() or not _BARE_END.match(s, m.end())):
        return None
    carried = carry_item(prev.path, item, dotted=dotted) if prev.path or dotted else None
    return Link(prev.base, carried, ranged) if carried is not None else None


def eccn_links(s: str, pos: int, eccn: str, path: tuple[str, ...]) -> tuple[int, list[Link]]:
    """The items of an ECCN list or range that starts with ``eccn`` + ``path`` and continues at ``pos``."""
    links = [Link(eccn, path, False)]
    while (m := _ECCN_STEP.match(s, pos)) and (link := _eccn_link(s, m, links[-1])):
        links.append(link)
        pos = m.end()
    return pos, links


def targets(links: list[Link], cite: Callable[[Link], str]) -> list[tuple[str, str | None]]:
    """``(target, through)`` for every item: a range's opening item names its end when the two bound a run of
    siblings (:func:`tracker.citations.range_members`)."""
    out: list[tuple[str, str | None]] = []
    for link in links:
        target = cite(link)
        if link.ranged and out and range_members(out[-1][0], target) is not None:
            out[-1] = (out[-1][0], target)
        out.append((target, None))
    return out
