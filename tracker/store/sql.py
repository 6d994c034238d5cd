"""The one SQL condition for "in force on a date" (a module of its own: the light reads need it without the rows).

A span is in force in the version dated ``D`` when ``valid_from <= D`` and ``valid_to`` is NULL (still in
force in the latest version) or after ``D``.

>>> in_force("s")
's.valid_from <= ? AND (s.valid_to IS NULL OR s.valid_to > ?)'
"""


def in_force(alias: str = "") -> str:
    """The SQL condition that a span (of table ``alias``) is in force on a date; parameters: the date, twice."""
    a = f"{alias}." if alias else ""
    return f"{a}valid_from <= ? AND ({a}valid_to IS NULL OR {a}valid_to > ?)"
