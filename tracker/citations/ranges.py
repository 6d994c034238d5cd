"""The citations a range of designations names (``740.9(a)(3) through (8)``, ``3A001.b.2 to b.5``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from tracker.citations.grammar import MAX_RANGE, Citation, is_roman_level, label_rank

# --- the citations a range names ---------------------------------------------------------------------------------

_UNIT_NUMBER = re.compile(r"(\d[A-E]|\d{3}\.|)(\d+)")
_ROMAN_DIGITS = ((50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def label_at(rank: int, like: str, *, roman: bool = False) -> str:
    """The designation of ``rank`` among its siblings, written as ``like`` is (:func:`label_rank` read back).

    >>> label_at(3, "a"), label_at(27, "b"), label_at(4, "A"), label_at(12, "3"), label_at(14, "i", roman=True)
    ('c', 'aa', 'D', '12', 'xiv')
    """
    if like.isdigit():
        return str(rank)
    if roman:
        out = ""
        for value, digits in _ROMAN_DIGITS:
            count, rank = divmod(rank, value)
            out += digits * count
        return out
    letter = chr(ord("a") + (rank - 1) % 26) * ((rank - 1) // 26 + 1)
    return letter.upper() if like.isupper() else letter


def _within(low: int, high: int, make: Callable[[int], str]) -> tuple[str, ...] | None:
    return tuple(make(n) for n in range(low, high + 1)) if 0 < high - low < MAX_RANGE else None


def _unit_range(a: Citation, b: Citation) -> tuple[str, ...] | None:
    """ECCNs ``3C007``–``3C009``, sections ``734.2``–``734.5``, Parts ``730``–``774``: one number counts up."""
    ma, mb = _UNIT_NUMBER.fullmatch(a.base), _UNIT_NUMBER.fullmatch(b.base)
    if ma is None or mb is None or ma[1] != mb[1]:
        return None
    width = len(ma[2]) if a.kind == "eccn" else 0
    return _within(int(ma[2]), int(mb[2]), lambda n: str(Citation(a.kind, f"{ma[1]}{n:0{width}d}")))


def _label_range(a: Citation, b: Citation) -> tuple[str, ...] | None:
    """Siblings: ``740.9(a)(3)``–``740.9(a)(8)``, ``3A001.b.1``–``3A001.b.3``, Country Groups ``D:1``–``D:5``."""
    first, last = a.path[-1], b.path[-1]
    if (first.isdigit(), first.isupper()) != (last.isdigit(), last.isupper()):
        return None
    designations = a.path[1:] if a.kind == "supplement" else a.path
    roman = a.kind in ("section", "supplement") and bool(designations)
    roman = roman and is_roman_level(Citation("section", a.base, designations), len(designations) - 1)
    low, high = label_rank(first, roman=roman), label_rank(last, roman=roman)
    return _within(low, high, lambda n: str(Citation(a.kind, a.base, (*a.path[:-1], label_at(n, first, roman=roman)))))


def range_members(first: str, last: str) -> tuple[str, ...] | None:
    """Every citation from ``first`` through ``last`` by the grammar (existing or not), in order; None when the
    two do not bound one run of siblings (another parent or depth, backwards, over :data:`MAX_RANGE`).

    >>> range_members("740.9(a)(3)", "740.9(a)(6)"), range_members("3C007", "3C009")
    (('740.9(a)(3)', '740.9(a)(4)', '740.9(a)(5)', '740.9(a)(6)'), ('3C007', '3C008', '3C009'))
    >>> range_members("740.17(b)(2)(i)", "740.17(b)(2)(iv)")[-1], range_members("740.9(a)", "740.9(b)(1)")
    ('740.17(b)(2)(iv)', None)
    """
    a, b = Citation.parse(first), Citation.parse(last)
    if a is None or b is None or a.kind != b.kind or len(a.path) != len(b.path):
        return None
    if not a.path:
        return _unit_range(a, b)
    if a.base != b.base or a.path[:-1] != b.path[:-1]:
        return None
    return _label_range(a, b)
