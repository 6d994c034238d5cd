"""Citations of the EAR: one grammar for the keys paragraphs are stored under and the targets references name.

Canonical forms (as the parsers write keys and :mod:`tracker.parse.refs` writes targets):

- ECCN ``3A090``: category digit, product group A–E, three digits; the 600 series (``0A501``) and the 9x515
  entries (``9A515``) are ordinary ECCNs. ``9x515`` and ``0Ax01``-style forms name a *series* of ECCNs
  (:data:`ECCN_SERIES`): references keep them, nothing is keyed or checked under them;
- ECCN item ``3A001.b.2``, ``3A001.z``: the ECCN, then ``.``-separated letters (1–2) and numbers (1–2);
- section ``740.10`` and section paragraph ``740.10(a)(2)(iv)`` (the EAR's Parts have three digits); keys of other
  titles keep the section number whole (FAR ``52.219-9(c)(1)``, :func:`section_number`);
- ``Supplement No. 1 to Part 740``, ``Country Group E:1``, ``Part 744``.

Keys of records that are not designated paragraphs add words after the unit, paragraph or item they sit in
(``3A090 License Requirements``, ``740.10(b)(4) Note 1``, ``Category 4, Technical Note``), so a key covers
every citation that continues it with ``" "``, ``"."``, ``"("`` or ``","`` (:func:`is_under`).

**Repeated keys.** When a key is already taken in a version, the next record gets ``key 2``, then ``key 3`` …
(:func:`unique_key`, one rule for sections and the CCL). A space and a bare number never reads as a paragraph
designation (``102.103(1) 2``, where ``102.103(1) (2)`` would look like paragraph (2)).

Keys typed by people (``tracker history 3a001.Z``, watchlists) are read loosely by :func:`normalise_key`:
any case, ``§`` or ``ECCN`` in front.

The names are imported from their modules on first use (grammar.py compiles its patterns, and the store needs only
:mod:`~tracker.citations.order`'s):

>>> from tracker.citations import Citation
>>> str(Citation.parse("740.10(a)(2)(iv)")), Citation.parse("3A001.z").path, Citation.parse("E:1")
('740.10(a)(2)(iv)', ('z',), None)
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # not typing's: the store imports this package at start-up (see tracker/__init__.py)

#: Each public name → the module of this package that defines it.
_HOMES: dict[str, str] = {
    **dict.fromkeys(("DASHES", "DESIGNATION", "ECCN", "ECCN_SERIES", "ITEM", "LABEL", "LIST_SEP", "MAX_RANGE",
                     "RANGE_SEP", "SECTION", "SECTION_NUMBER", "SECTION_TAIL", "Citation", "Kind", "is_eccn",
                     "is_eccn_key", "is_roman_level", "is_section_key", "label_rank", "normalise_key", "part_of",
                     "range_key", "section_number", "typed_citation", "unify_dashes"), "grammar"),
    **dict.fromkeys(("UNDER_END", "is_under", "part_sort_key", "under_range"), "order"),
    **dict.fromkeys(("appendix_name", "country_group", "definition", "eccn_item", "footnote", "part_citation",
                     "repeated", "row", "section_paragraph", "supplement", "supplement_paragraph", "unique_key"),
                    "keys"),
    **dict.fromkeys(("label_at", "range_members"), "ranges"),
}

__all__ = [
    "Citation",
    "DASHES",
    "DESIGNATION",
    "ECCN",
    "ECCN_SERIES",
    "ITEM",
    "Kind",
    "LABEL",
    "LIST_SEP",
    "MAX_RANGE",
    "RANGE_SEP",
    "SECTION",
    "SECTION_NUMBER",
    "SECTION_TAIL",
    "UNDER_END",
    "appendix_name",
    "country_group",
    "definition",
    "eccn_item",
    "footnote",
    "is_eccn",
    "is_eccn_key",
    "is_roman_level",
    "is_section_key",
    "is_under",
    "label_at",
    "label_rank",
    "normalise_key",
    "part_citation",
    "part_of",
    "part_sort_key",
    "range_key",
    "range_members",
    "repeated",
    "row",
    "section_number",
    "section_paragraph",
    "supplement",
    "supplement_paragraph",
    "typed_citation",
    "under_range",
    "unify_dashes",
    "unique_key",
]


def __getattr__(name: str) -> object:
    """Import a public name from its module on first use (PEP 562) and keep it."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # the same names for type checkers
    from tracker.citations.grammar import (
        DASHES,
        DESIGNATION,
        ECCN,
        ECCN_SERIES,
        ITEM,
        LABEL,
        LIST_SEP,
        MAX_RANGE,
        RANGE_SEP,
        SECTION,
        SECTION_NUMBER,
        SECTION_TAIL,
        Citation,
        Kind,
        is_eccn,
        is_eccn_key,
        is_roman_level,
        is_section_key,
        label_rank,
        normalise_key,
        part_of,
        range_key,
        section_number,
        typed_citation,
        unify_dashes,
    )
    from tracker.citations.keys import (
        appendix_name,
        country_group,
        definition,
        eccn_item,
        footnote,
        part_citation,
        repeated,
        row,
        section_paragraph,
        supplement,
        supplement_paragraph,
        unique_key,
    )
    from tracker.citations.order import UNDER_END, is_under, part_sort_key, under_range
    from tracker.citations.ranges import (
        label_at,
        range_members,
    )
