"""Full-text search over every paragraph version (SQLite FTS5 on the store's ``texts``).

The query is a phrase ("performance density" matches those two words in that order, whatever the
punctuation or capitals around them). :func:`search` returns the citations whose text in force on
a date matches, with a snippet; :func:`search_all_dates` tells, for every citation whose text ever
matched, the version dates on which the phrase entered and left its text.

>>> from tracker.store import Store
>>> from tracker.model import Paragraph
>>> s = Store(":memory:")
>>> for date, text in (("2024-01-01", "a. Chips."), ("2024-04-04", "a. Chips with a 'performance density' of 5.")):
...     _ = s.ingest([Paragraph("3A090.a", "774", "3A090", "3A090", "a.", "item", "", text, 1)],
...                  part="774", date=date, source="doc", sha256=date, size=1)
>>> [(h.citation, h.snippet) for h in search(s, "Performance Density")]
[('3A090.a', "a. Chips with a '[performance density]' of 5.")]
>>> [(p.citation, p.entered, p.left) for p in search_all_dates(s, "performance density")]
[('3A090.a', '2024-04-04', None)]
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from tracker.citations import part_sort_key
from tracker.errors import InputError
from tracker.store import Store
from tracker.xmltext import plain
from tracker.xref import versions_on

_WORDS = re.compile(r"[^\W_]+")


class SearchError(InputError):
    """A query with no words to search for."""


def fts_phrase(query: str) -> str:
    """The FTS5 phrase query for the words of ``query`` (quotes and operators are not special).

    >>> fts_phrase('performance "density" OR x')
    '"performance density OR x"'
    """
    words = _WORDS.findall(query)
    if not words:
        raise SearchError(f"nothing to search for in {query!r}: give one or more words")
    return '"' + " ".join(words) + '"'


@dataclass(frozen=True, slots=True)
class Hit:
    """A citation whose text (in the version in force) matches, with the matching words in ``[ ]``.

    ``snippet`` is plain text: no markup, the regulation's own ``*`` or ``^`` as written.
    """

    part: str
    citation: str
    version: str
    snippet: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Presence:
    """One stretch of versions in which a citation's text contained the phrase: ``[entered, left)``."""

    part: str
    citation: str
    entered: str
    left: str | None
    snippet: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def search(store: Store, query: str, *, on: str | None = None, part: str | None = None, limit: int = 200) -> list[Hit]:
    """Citations whose text in force on ``on`` (the latest versions when None) matches ``query``."""
    phrase = fts_phrase(query)
    out: list[Hit] = []
    for p, version in versions_on(store, on).items():
        if part is not None and p != part:
            continue
        matches = store.search_on(phrase, p, version, limit)
        out.extend(Hit(m.part, m.citation, version, plain(m.snippet)) for m in matches)
    return out[:limit]


def search_all_dates(store: Store, query: str, *, part: str | None = None) -> list[Presence]:
    """For each citation whose text ever matched: the stretches of versions in which it matched.

    ``entered`` is the version date the phrase first appeared in the citation's text (or the first
    stored version, when it was there from the start); ``left`` the version date from which it no
    longer did (None: still there in the latest version).
    """
    out: list[Presence] = []
    for p, citation, start, end, snippet in store.search_spans(fts_phrase(query), part):
        last = out[-1] if out else None
        if last and last.part == p and last.citation == citation and last.left == start:
            out[-1] = Presence(p, citation, last.entered, end, last.snippet)
        else:
            out.append(Presence(p, citation, start, end, plain(snippet)))
    return sorted(out, key=lambda x: (part_sort_key(x.part), x.citation, x.entered))
