"""SQL pieces shared by the store's reads, in a module of its own (opening a store needs no rows module): the one
condition for "in force on a date", and the JSON array a ``json_each(?)`` reads.

A span is in force in the version dated ``D`` when ``valid_from <= D`` and ``valid_to`` is NULL (still in
force in the latest version) or after ``D``.

>>> in_force("s"), json_values({"b", "a"})
('s.valid_from <= ? AND (s.valid_to IS NULL OR s.valid_to > ?)', '["a", "b"]')
"""

from __future__ import annotations

import json

TYPE_CHECKING = False  # not typing's: the idle run's path (see tracker/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Iterable


def in_force(alias: str = "") -> str:
    """The SQL condition that a span (of table ``alias``) is in force on a date; parameters: the date, twice."""
    a = f"{alias}." if alias else ""
    return f"{a}valid_from <= ? AND ({a}valid_to IS NULL OR {a}valid_to > ?)"


def json_values(values: Iterable[str]) -> str:
    """``values``, sorted, as the JSON array parameter of an SQL ``… IN (SELECT value FROM json_each(?))``."""
    return json.dumps(sorted(values))
