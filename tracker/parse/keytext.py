"""Key words from element text: short labels for headings, captions, list entries and table rows."""

from __future__ import annotations

import re

from tracker.xmltext import markup_pieces, normalise_ws, plain

_DASH = re.compile(r"\s*—\s*")


def short_heading(text: str) -> str:
    """A heading's key: the words before an em-dash (``Country Group B—Countries`` → ``Country Group B``)."""
    return short(_DASH.split(plain(text), maxsplit=1)[0])


def short(text: str, limit: int = 80) -> str:
    """``text`` without markup, cut to ``limit`` characters (an ellipsis marks the cut)."""
    return cut(plain(text), limit)


def cut(words: str, limit: int = 80) -> str:
    """Plain ``words`` cut to ``limit`` characters, an ellipsis marking the cut."""
    return words if len(words) <= limit else words[:limit].rstrip() + "…"


def without_marks(text: str) -> str:
    """Inline-markup ``text`` as plain words without its superscripts: the footnote marks a label carries are
    not part of what it names.

    >>> without_marks("United Arab Emirates^5^"), without_marks("Country Group E ^1^")
    ('United Arab Emirates', 'Country Group E')
    """
    if "^" not in text:
        return plain(text)  # no superscript: the same words, read at once
    out: list[str] = []
    sup = False
    for kind, piece in markup_pieces(text):
        if kind == "mark":
            sup = not sup if piece == "^" else sup
        elif not sup:
            out.append(piece)
    return normalise_ws("".join(out))
