"""Definitions sections (§ 772.1, Title 1 § 1.1): each definition opens with its defined term.

The eCFR writes the term in italics (``<I>Accuracy.</I> (Cat 2, 3, 6, 7 and 8)—…``, ``<I>Agency</I> means …``)
or in quotes (``“<I>Authentication</I>”.``, ``<I>“APP”</I> See …``); an italic label ending in a colon
(``<I>Note:</I>``) or naming a note (``<I>N.B.</I>``, ``<I>Technical Note 1</I>``) is not a term.
"""

from __future__ import annotations

import re

from tracker.xmltext import plain

_QUOTED = re.compile(r"^[\"“]([^\"”]{1,120})[\"”]")
_ITALIC = re.compile(r"^\*(?!\*)((?:\\.|[^*\\]){1,160})\*")
_QUOTES = "\"“”"
#: Labels the eCFR also writes in italics at the start of a paragraph: a note, not a defined term.
_LABEL = re.compile(r"^(?:(?:Technical\s+)?Notes?|N\.\s?B)\b", re.I)


def defined_term(text: str) -> str | None:
    """The term a paragraph (inline-markup form) defines, else None.

    >>> defined_term("*Accuracy.* (Cat 2, 3, 6, 7 and 8)—“Accuracy” is usually measured")
    'Accuracy'
    >>> defined_term("“*Authentication*”. (Cat 5P2) Verifying"), defined_term("*“APP”* See “Adjusted Peak …”")
    ('Authentication', 'APP')
    >>> defined_term("*Note:* For the purposes"), defined_term("The following are definitions")
    (None, None)
    """
    italic = _ITALIC.match(text)
    words = plain(italic.group(0)) if italic else plain(text)
    quoted = _QUOTED.match(words.strip())
    if quoted is None and (italic is None or words.rstrip().endswith(":") or _LABEL.match(words)):
        return None
    term = (quoted.group(1) if quoted else words).strip(f"{_QUOTES} ,.;")
    return term or None
