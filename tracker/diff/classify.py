"""What kind of change one paragraph underwent, given its old and new versions.

Kinds, in the order they are tested for a citation present on both sides:

- ``reserved``: the new text is "[Reserved]" and the old was not;
- ``editorial``: only punctuation, whitespace, capitalisation, dash or quote characters or emphasis
  changed, in the text or the heading (numbers such as ``1.5`` → ``15`` are words, not punctuation);
- ``heading``: only the heading changed (the text differs at most by that heading);
- ``reference-only``: the only differences are cross-references, as the parser found them
  (:attr:`tracker.model.Paragraph.refs`: ``§ 740.10(a)(3)(v)``, ``paragraph (b)(4) of this section``,
  ``3B001.j``, ``Country Group E:1``); ``reference_pairs`` holds their ``(old target, new target)``;
- ``modified``: anything else, with a word-level ``redline``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tracker.citations import Citation, section_paragraph
from tracker.diff.facts import facts
from tracker.diff.redline import Redline, common_prefix, common_suffix
from tracker.model import Change, ChangeKind, Paragraph, new_change
from tracker.xmltext import plain

_WORD = re.compile(r"[^\W_]+(?:[.,:/][^\W_]*\d[^\W_]*)*")


def _words(text: str) -> list[str]:
    """The words of a text with case, punctuation, dashes, quotes and emphasis ignored (a dash of any kind is
    neither in a word nor between the parts of a number, so dashes need no mapping to one)."""
    return _WORD.findall(plain(text).casefold())


def same_words(old: str, new: str) -> bool:
    """Whether two texts have the same :func:`_words`, comparing only their differing middles: the texts are cut
    after a space in their common prefix and before one in their common suffix (no word, run of spaces or piece of
    markup reaches across a space, so the words of the parts are the words of the whole; the middles start and end
    with no space, which :func:`~tracker.xmltext.plain` then need not normalise)."""
    if old == new:
        return True
    start = old.rfind(" ", 0, common_prefix(old, new)) + 1
    kept = common_suffix(old[start:], new[start:])
    end = old.find(" ", len(old) - kept)
    tail = 0 if end == -1 else len(old) - end
    return _words(old[start : len(old) - tail]) == _words(new[start : len(new) - tail])


def reference_pairs(old: Paragraph, new: Paragraph) -> tuple[tuple[str, str], ...] | None:
    """``(old target, new target)`` of every changed reference when nothing else of the paragraph changed
    (words outside the references and the marker, and the heading, but for those targets — also where the
    section's own text names them as its designations, "Note 1 to paragraph (b)(5)"), else None."""
    facts_old, facts_new = facts(old), facts(new)
    (masked_old, refs_old), (masked_new, refs_new) = facts_old.masked(), facts_new.masked()
    if len(refs_old) != len(refs_new):
        return None
    pairs: list[tuple[str, str]] = []
    for (a, targets_a), (b, targets_b) in zip(refs_old, refs_new, strict=True):
        if a == b:
            continue
        if len(targets_a) != len(targets_b):
            return None  # a target added to or dropped from a list is a change of substance
        pairs.extend(p for p in zip(targets_a, targets_b, strict=True) if p not in pairs)
    if not pairs:
        return None
    for before, after in ((facts_old.unmarked(masked_old), facts_new.unmarked(masked_new)), (old.heading, new.heading)):
        if before != after and _retargeted(before, pairs, old.unit) != after:
            return None
    return tuple(pairs)


def _relative(target: str, unit: str) -> str | None:
    """A paragraph of section ``unit`` as the section's own text names it (``(b)(5)`` for ``740.9(b)(5)``)."""
    c = Citation.parse(target)
    return section_paragraph("", *c.path) if c and c.kind == "section" and c.base == unit and c.path else None


def _retargeted(text: str, pairs: list[tuple[str, str]], unit: str) -> str:
    """``text`` with every old target of ``pairs`` replaced by its new one, all at once, written in full or as
    designations of ``unit`` (a heading the parser made from the references it names, "Technical Note to
    4A090.a, 4A090.b"; a note's label, "Note 1 to paragraph (b)(5)")."""
    new = dict(pairs)
    for a, b in pairs:
        ra, rb = _relative(a, unit), _relative(b, unit)
        if ra and rb:
            new.setdefault(ra, rb)
    pattern = "|".join(re.escape(a) for a in sorted(new, key=len, reverse=True))
    return re.sub(rf"(?<![\w).])(?:{pattern})(?!\.?\w|\()", lambda m: new[m.group(0)], text)


def change(kind: ChangeKind, old: Paragraph | None, new: Paragraph | None, order: int, *,
           old_citation: str | None = None, redline: Sequence[tuple[str, str]] = (),
           reference_pairs: tuple[tuple[str, str], ...] = ()) -> Change:
    """A :class:`~tracker.model.Change` carrying the texts and headings of the sides it has (built by
    :func:`~tracker.model.new_change`, every field given)."""
    key = new or old
    assert key is not None
    return new_change(kind, key.citation, key.part, key.unit, order, old_citation, old.text if old else None,
                      new.text if new else None, old.heading if old else None, new.heading if new else None, redline,
                      reference_pairs, (), ())


def _is_heading_only(old: Paragraph, new: Paragraph) -> bool:
    if old.heading == new.heading:
        return False
    return old.text == new.text or bool(old.heading and old.text.replace(old.heading, new.heading, 1) == new.text)


def classify(old: Paragraph, new: Paragraph, order: int) -> Change | None:
    """The change of one citation present in both versions, or None if its words are the same."""
    if old.text == new.text and old.heading == new.heading:
        return None
    lines = Redline(old.text, new.text) if old.text != new.text else ()
    if facts(new).reserved and not facts(old).reserved:
        return change("reserved", old, new, order, redline=lines)
    if same_words(old.text, new.text) and same_words(old.heading, new.heading):
        return change("editorial", old, new, order, redline=lines)
    if _is_heading_only(old, new):
        return change("heading", old, new, order, redline=lines)
    pairs = reference_pairs(old, new)
    if pairs:
        return change("reference-only", old, new, order, redline=lines, reference_pairs=pairs)
    return change("modified", old, new, order, redline=lines)
