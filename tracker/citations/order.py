"""What a key covers and the order of Parts: plain string work with no pattern to compile, so the store (which
needs only these) imports no grammar at start-up.
"""

from __future__ import annotations

import re

#: Sorts after every character a citation holds: ``[key, key + UNDER_END)`` holds ``key`` and all under it.
UNDER_END = "\U0010ffff"
_CHILD_SEP = frozenset(" .(,")


def is_under(citation: str, key: str) -> bool:
    """True if ``citation`` is ``key`` or something inside it.

    >>> is_under("3A090 License Requirements", "3A090"), is_under("740.10(a)", "740.1"), is_under("3A090.a", "3A09")
    (True, False, False)
    """
    return citation == key or (citation.startswith(key) and citation[len(key)] in _CHILD_SEP)


def under_range(key: str) -> tuple[str, str]:
    """The half-open string range ``[low, high)`` holding ``key`` and every citation under it (for index scans;
    :func:`is_under` then drops the neighbours that merely share the prefix, like ``3A0901``).

    >>> lo, hi = under_range("3A090")
    >>> [c for c in ["3A001", "3A090", "3A090.a", "3A091"] if lo <= c < hi]
    ['3A090', '3A090.a']
    """
    return key, key + UNDER_END


def part_sort_key(part: str) -> tuple[int, str]:
    """Parts in CFR order, by their leading number (the same order as ``(len(p), p)`` for Part numbers; a range
    such as ``23-49`` sorts by 23, a name without a number last).

    >>> sorted(["774", "50", "23-49", "3", "301", "740"], key=part_sort_key)
    ['3', '23-49', '50', '301', '740', '774']
    """
    lead = re.match(r"\d+", part)
    return (int(lead.group()) if lead else 1 << 30, part)
