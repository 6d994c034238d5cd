"""Lists of parties and other one-line entries in a body, keyed by what each entry names.

The eCFR writes such lists as runs of unmarked ``FP-1`` paragraphs (Supplements No. 6 and 7 to Part 740:
``Advanced Micro Devices, Inc.;`` … ``Texas Instruments; and`` … ``Western Digital Technologies, Inc.``) and as
table cells (the Entity List: ``Abdul Satar Ghoura, 501, 5th Floor, …, Kabul, Afghanistan``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from tracker.parse.keytext import cut, short, without_marks

#: The flush paragraphs a list entry is written in.
ENTRY_TAGS = frozenset({"FP", "FP-1", "FP-2", "FP-DASH"})
#: Longest entry (plain characters): a list entry names something, it does not explain it.
_ENTRY_MAX = 160
#: Where the name of a party ends: its aliases, the next address or party, a cross-reference.
_NAME_END = re.compile(r",?\s+(?:a\.k\.a\.|f\.k\.a\.)|;|\s\(See\b|,\s+the following\b")
#: Legal forms that follow a name after a comma (``Co., Ltd.``) and belong to it.
_LEGAL_FORM = re.compile(
    r"(?:Inc|Ltd|Co|Corp|LLC|L\.L\.C|LLP|LP|PLC|Plc|Limited|Corporation|Company|JSC|CJSC|OJSC|PJSC|GmbH|AG|"
    r"S\.A|SA|S\.R\.L|SRL|S\.p\.A|B\.V|BV|N\.V|NV|EOOD|Pty|Pte|Bhd|Berhad|Sdn\. Bhd|A/S|AB|Oy|KG|Kft)\b\.?"
    r"(?:\s+\([^()]{1,20}\))?"  # and the short name after it: "Powertech Technology, Inc. (PTI)"
)
#: A new sentence inside a paragraph (``Vit. This abbreviation can …``): an explanation, not a list entry.
_SENTENCE = re.compile(r"[.:]\s+[A-Z][a-z]*\s+[a-z]")
_ABBREVIATED_END = re.compile(r"(?:\b(?:Inc|Ltd|Co|Corp|Bhd|Pty|Pte|Jr|Sr)|\b[A-Z])\.$")


def party_name(text: str) -> str:
    """The name a list entry or Entity List cell opens with: up to its first comma, with the legal form that
    follows it, without aliases, addresses, footnote marks or the list's closing punctuation.

    >>> party_name("Huawei Tech Investment Co., Ltd., Argentina, Av. Leandro N. Alem 1050")
    'Huawei Tech Investment Co., Ltd.'
    >>> party_name("Emal Bilal Construction Company (EBCC), a.k.a., the following two aliases: —Imal")
    'Emal Bilal Construction Company (EBCC)'
    >>> party_name("Texas Instruments; *and*"), party_name("United Microelectronics Corporation (UMC).")
    ('Texas Instruments', 'United Microelectronics Corporation (UMC)')
    >>> party_name("Powertech Technology, Inc. (PTI);")
    'Powertech Technology, Inc. (PTI)'
    """
    words = _NAME_END.split(without_marks(text), maxsplit=1)[0].strip()
    first, *rest = words.split(", ")
    name = first
    for chunk in rest:
        form = _LEGAL_FORM.match(chunk)
        if form is None:
            break
        name = f"{name}, {form.group(0)}"
        if form.end() < len(chunk):
            break
    name = name.rstrip(" ,")
    return cut(name[:-1] if name.endswith(".") and not _ABBREVIATED_END.search(name) else name)


def is_entry(el: etree._Element, text: str) -> bool:
    """An unmarked flush paragraph (inline ``text``) that names one thing: short, one phrase, not an introduction
    ending in a colon."""
    if el.tag not in ENTRY_TAGS:
        return False
    words = short(text, _ENTRY_MAX + 1)
    return 0 < len(words) <= _ENTRY_MAX and not words.endswith(":") and _SENTENCE.search(words) is None


def list_entries(elements: Sequence[tuple[etree._Element, str] | None]) -> set[etree._Element]:
    """The elements that are entries of a list: runs of two or more adjacent :func:`is_entry` elements, each given
    with its inline text (``None`` stands for an element that cannot be one, such as a marked paragraph, and breaks
    a run)."""
    entries: set[etree._Element] = set()
    run: list[etree._Element] = []
    for candidate in [*elements, None]:
        if candidate is not None and is_entry(*candidate):
            run.append(candidate[0])
            continue
        if len(run) >= 2:
            entries.update(run)
        run = []
    return entries
