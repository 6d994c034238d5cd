"""What the differ derives from a paragraph's marker, text and references, worked out once per text.

:func:`facts` gives a paragraph's :class:`Facts` (its body, whether that is "[Reserved]", its words, its text
with the references masked), kept by text: the matcher and the classifier ask about the same paragraphs, and
the diffs of nearby versions meet the same texts again. A lookup costs one dict probe by the text (whose hash
the string keeps) and a check that the marker and references are those the facts were worked out from.

>>> from tracker.model import Paragraph, Reference
>>> p = Paragraph("1.1(a)", "1", "1.1", "1.1", "(a)", "paragraph", "", "(a) See § 1.2.", 0,
...               (Reference("1.2", "section", "§ 1.2"),))
>>> f = facts(p)
>>> f.body, f.reserved, f.matchable, f.tokens(), f.masked_body(), facts(p) is f
('See § 1.2.', False, True, ('See', '§', '1.2.'), 'See \\x00.', True)
"""

from __future__ import annotations

import re

from tracker.model import Paragraph, Reference
from tracker.xmltext import plain

_RESERVED = re.compile(r"(?:§+\s*[\d.]+\s*)?\[?\s*reserved\s*\]?\.?", re.I)
_MASK = "\x00"
#: Occurrences of references in a text, in order: ``(words as written, targets)``.
Occurrences = tuple[tuple[str, tuple[str, ...]], ...]


class Facts:
    """The facts of one paragraph text: ``body`` (:attr:`~tracker.model.Paragraph.body`), ``reserved`` (the body
    is only "[Reserved]"), ``matchable`` (neither empty nor reserved); its words and masked text when first
    asked (:meth:`tokens`, :meth:`masked`)."""

    __slots__ = ("marker", "refs", "text", "body", "reserved", "matchable", "_tokens", "_masked", "_masked_body")

    def __init__(self, p: Paragraph) -> None:
        self.marker, self.refs, self.text, self.body = p.marker, p.refs, p.text, p.body
        self.reserved = bool(_RESERVED.fullmatch(plain(self.body).strip()))
        self.matchable = bool(self.body) and not self.reserved
        self._tokens: tuple[str, ...] | None = None
        self._masked: tuple[str, Occurrences] | None = None
        self._masked_body: str | None = None

    def tokens(self) -> tuple[str, ...]:
        """The body's plain words as split at spaces (what the matcher's word shares count)."""
        if self._tokens is None:
            self._tokens = tuple(plain(self.body).split())
        return self._tokens

    def masked(self) -> tuple[str, Occurrences]:
        """The plain text with every reference the parser found masked, and each masked occurrence in order as
        ``(words as written, targets)`` (one written list may name several targets). The longest written forms
        are masked first ("§§ 1.1 and 1.2" before "1.2")."""
        if self._masked is None:
            self._masked = _masked(plain(self.text), self.refs)
        return self._masked

    def masked_body(self) -> str:
        """The masked text without the paragraph's leading marker."""
        if self._masked_body is None:
            self._masked_body = self.unmarked(self.masked()[0])
        return self._masked_body

    def unmarked(self, text: str) -> str:
        """``text`` (plain) without the paragraph's leading marker."""
        marker = plain(self.marker)
        return text[len(marker) :].lstrip() if marker and text.startswith(marker) else text


#: :class:`Facts` by text (the last 8,192 texts met).
_KEPT: dict[str, Facts] = {}


def facts(p: Paragraph) -> Facts:
    """The :class:`Facts` of ``p``, worked out once per text, marker and references."""
    found = _KEPT.get(p.text)
    if found is None or found.marker != p.marker or (found.refs is not p.refs and found.refs != p.refs):
        if len(_KEPT) >= 8192:
            _KEPT.clear()
        found = _KEPT[p.text] = Facts(p)
    return found


def _masked(text: str, refs: tuple[Reference, ...]) -> tuple[str, Occurrences]:
    """:meth:`Facts.masked` of a plain text and its references."""
    targets: dict[str, tuple[str, ...]] = {}
    for r in refs:
        if r.text:
            targets[r.text] = (*targets.get(r.text, ()), r.target)
    spans: list[tuple[int, int, str]] = []
    for written in sorted(targets, key=len, reverse=True):
        start = text.find(written)
        while start != -1:
            end = start + len(written)
            if all(end <= a or start >= b for a, b, _ in spans):
                spans.append((start, end, written))
            start = text.find(written, end)
    spans.sort()
    pieces, at = [], 0
    for start, end, _ in spans:
        pieces += [text[at:start], _MASK]
        at = end
    return "".join(pieces) + text[at:], tuple((w, targets[w]) for _, _, w in spans)
