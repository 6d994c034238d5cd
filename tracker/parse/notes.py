"""Notes of sections and supplements read from their own words: the label, the paragraphs named, numbered notes.

Pure functions over a note's heading and element; the body walk (:mod:`tracker.parse.body`) keys the records, so
a note sits under what it names, not under whatever it happens to follow:

>>> note_label("Note 2 to paragraph (b)(4):"), named_designations("Note 1 to paragraphs (b)(2) and (3):")
('Note 2', ('b',))
>>> named_term("Note 1 to definition of “Advanced-Node Integrated Circuits”:")
'Advanced-Node Integrated Circuits'
"""

from __future__ import annotations

import re
from collections.abc import Collection

from lxml import etree

from tracker.citations import definition
from tracker.xmltext import inline_text, plain

#: A note's label and number; the number may stray after "to" (real 734.9: "Note to 6 paragraph (h)(2)(ii)" is
#: Note 6, so the key holds when the eCFR puts it right).
_NUMBER = re.compile(r"^\W*(Note|Technical Note|N\.B\.)s?\s*(?:to\s+(?=\d+\s+paragraph))?(\d+)?", re.I)
_LABELS = {"note": "Note", "technical note": "Technical Note", "n.b.": "N.B."}
#: A paragraph that opens with an emphasised note label (real Supplement No. 1 to Part 734:
#: ``<P><E T="04">Note 1 to paragraph (b):</E> When …``).
_LABEL_IN_TEXT = re.compile(r"^\*{1,2}(?:Note|Technical Note|N\.B\.)s?\b[^*:]{0,80}:\*{1,2}")
_NUMBERED = re.compile(r"^(\d{1,2})\.\s")
_LISTED = re.compile(r"\bto\s+paragraph\s+(\d{1,2})\s*:?\s*$")
#: "Note 1 to definition of “Advanced-Node Integrated Circuits”:", "Note to “600 Series Major Defense Equipment”:".
_TERM = re.compile(r"\bto\s+(?:the\s+)?(?:definitions?\s+of\s+)?(?:the\s+term\s+)?[“\"]([^”\"]{1,120}?)[,.]?[”\"]")
_GROUP = r"(?:\([^)\s]{1,6}\))+"
_GROUPS = re.compile(_GROUP)
_DESIGNATION_LABEL = re.compile(r"\(([^)\s]{1,6})\)")
_TARGETS = re.compile(rf"\bto\s+paragraphs?\s+({_GROUP}(?:(?:\s*,\s*|\s*,?\s*(?:and|or|through)\s+){_GROUP})*)")


def note_label(heading: str) -> str:
    """The label a note is keyed by.

    >>> note_label("Note to paragraph (a):"), note_label("Technical Note 2:"), note_label("Note to 6 paragraph (h):")
    ('Note', 'Technical Note 2', 'Note 6')
    """
    m = _NUMBER.match(heading)
    return f"{_LABELS[m.group(1).lower()]} {m.group(2) or ''}".strip() if m else "Note"


def label_in_text(text: str) -> str | None:
    """The note heading a paragraph opens with, in its emphasis (``*Note 1 to paragraph (b):* When …``), else None.

    >>> label_in_text("*Note 1 to paragraph (b):* When multiple"), label_in_text("Note 2 to ECCN 4E091 explains")
    ('Note 1 to paragraph (b):', None)
    """
    m = _LABEL_IN_TEXT.match(text)
    return plain(m.group(0)) if m else None


def named_designations(heading: str) -> tuple[str, ...] | None:
    """The designations of the paragraph a note's heading names; for several (``… paragraphs (b)(2) and (3)``, a
    short one continuing the first's parent), their common parent. None when it names none.

    >>> named_designations("Note to paragraph (b)(4):"), named_designations("Note to paragraphs (a)(1) and (b):")
    (('b', '4'), None)
    """
    target = _TARGETS.search(heading)
    if not target:
        return None
    groups = [tuple(_DESIGNATION_LABEL.findall(g)) for g in _GROUPS.findall(target.group(1))]
    first = groups[0]
    full = [_completed(g, first) for g in groups]
    differ = (i for i, labels in enumerate(zip(*full, strict=False)) if len(set(labels)) > 1)
    common = first[: next(differ, min(map(len, full)))]
    return common or None


def _completed(short: tuple[str, ...], first: tuple[str, ...]) -> tuple[str, ...]:
    """A designation written short after another (``(3)`` after ``(b)(2)``) with the parent it continues."""
    at = len(first) - len(short)
    if at > 0 and _level_kind(first[at]) != _level_kind(short[0]):
        at = 0  # "(a)(1) and (b)": (b) is a letter, a sibling of (a)
    return first[: max(at, 0)] + short


def _level_kind(label: str) -> str:
    return "1" if label.isdigit() else "A" if label.isupper() else "a"


def named_term(heading: str) -> str | None:
    """The defined term a note's heading names in quotes, else None.

    >>> named_term("Note to “600 Series Major Defense Equipment”:"), named_term("Note 1 to paragraph (b):")
    ('600 Series Major Defense Equipment', None)
    """
    m = _TERM.search(heading)
    return m.group(1).strip() if m else None


def term_key(term: str, unit: str, keys: Collection[str]) -> str | None:
    """The definition of ``unit`` in ``keys`` keyed by ``term`` (any case), or by it with the abbreviation its
    definition adds (the note's "Advanced-Node Integrated Circuits" is ``… (Advanced-Node IC)``); else None.

    >>> term_key("Advanced-Node Integrated Circuits", "772.1", {'772.1 "Advanced-Node Integrated Circuits (ANIC)"'})
    '772.1 "Advanced-Node Integrated Circuits (ANIC)"'
    """
    exact = definition(unit, term).casefold()
    stem = exact[:-1] + " ("
    found = sorted(k for k in keys if k.casefold() == exact or (k.casefold().startswith(stem) and k.endswith(')"')))
    return min(found, key=len) if found else None


def listed_note(heading: str) -> str | None:
    """The number of the listed note a heading names (``Note 1 to paragraph 2:`` → ``2``), else None.

    >>> listed_note("Note 1 to paragraph 2:"), listed_note("Note 1 to paragraph (b):")
    ('2', None)
    """
    m = _LISTED.search(heading)
    return m.group(1) if m else None


def numbered_notes(note: etree._Element, heading: str) -> list[tuple[str, str]]:
    """The notes a "Notes to …" NOTE numbers ``1.``, ``2.`` … in turn, each with the paragraphs after it (the heading
    and any words before note 1 go with note 1); empty unless it is such a list of two or more. ``heading`` is the
    plain text of the note's ``HED`` ("" without one), as its caller has read it already.

    >>> from tracker.xmltext import load_xml
    >>> numbered_notes(load_xml(b"<NOTE><HED>Notes to (a):</HED><P>1. One.</P><P>a. More.</P><P>2. Two.</P></NOTE>"
    ...                         ).getroot(), "Notes to (a):")
    [('1', 'Notes to (a): 1. One. a. More.'), ('2', '2. Two.')]
    """
    if not heading.lower().startswith("notes"):
        return []
    items: list[tuple[str, list[str]]] = []
    lead: list[str] = []
    for child in note:
        if not isinstance(child.tag, str):
            continue
        text = inline_text(child)
        m = _NUMBERED.match(plain(text)) if child.tag != "HED" else None
        if m and m.group(1) == str(len(items) + 1):
            items.append((m.group(1), [*lead, text]))
            lead = []
        elif items:
            items[-1][1].append(text)
        else:
            lead.append(text)
    return [(n, " ".join(parts)) for n, parts in items] if len(items) > 1 else []
