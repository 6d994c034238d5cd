"""Cross-references in paragraph text, resolved to full citations.

Targets are normalised so they can be looked up among paragraph keys: ``740.10(a)(2)(iv)`` for a
section paragraph, ``3B001.j`` for an ECCN item, ``Country Group E:1``, ``Supplement No. 1 to
Part 740``, ``Part 744``. Relative references ("paragraph (b)(3) of this section", "supplement
no. 1 to this part", "this ECCN") are resolved against the enclosing unit and part. References
into other CFR titles ("22 CFR 121.1") are kept with kind ``external``.

>>> def targets(text, unit, part):
...     return [r.target for r in extract_refs(text, unit=unit, part=part)]
>>> targets("see § 740.10(a)(2)(iv) and ECCN 3B001.j", "740.2", "740")
['740.10(a)(2)(iv)', '3B001.j']
>>> targets("described in paragraph (b)(3) of this section", "740.10", "740")
['740.10(b)(3)']
>>> targets("Country Groups D:1, D:4, and D:5 of supplement no. 1 to part 740", None, "774")
['Country Group D:1', 'Country Group D:4', 'Country Group D:5', 'Supplement No. 1 to Part 740']
"""

from __future__ import annotations

import re

from tracker.citations import (
    DESIGNATION,
    ECCN,
    ECCN_SERIES,
    ITEM,
    SECTION,
    country_group,
    is_eccn,
    part_citation,
    supplement,
)
from tracker.model import Reference, ReferenceKind
from tracker.xmltext import plain

_PARA = rf"(?:{DESIGNATION})"
_SECTION = rf"({SECTION})({_PARA}*)"

_SEP = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)"

# "§ 740.10(a)(2)(iv)", "§§ 743.4 and 762.2(b)", "15 CFR 740.10"
_SECTION_SIGN = re.compile(rf"§§?\s*{_SECTION}((?:(?:{_SEP}|\s+through\s+){_SECTION})*)")
_LIST_MORE = re.compile(_SECTION)
_CFR = re.compile(rf"\b(\d{{1,2}})\s+CFR\s+(?:parts?\s+)?(\d{{1,4}}(?:\.\d+[a-z]?)?)({_PARA}*)")
_RELATIVE = re.compile(
    rf"\b(?:this\s+)?paragraphs?\s+({_PARA}+)(?:\s+(?:of|in)\s+(?:this\s+section|§\s*{_SECTION}))?"
)
# The lookbehinds are checked in code (``_starts_word``): a leading lookbehind slows the scan 2x.
_ECCN = re.compile(rf"({ECCN}|{ECCN_SERIES})({ITEM})(?![\w])")
_COUNTRY = re.compile(rf"\bCountry\s+Groups?\s+([A-E]:\s?\d(?:{_SEP}[A-E]:\s?\d)*)")
_GROUP = re.compile(r"([A-E]):\s?(\d)")
_SUPPLEMENT = re.compile(r"\bsupplement\s+no\.?\s*(\d+)\s+to\s+(?:(this)\s+part|part\s+(\d{3}))", re.I)
_PART = re.compile(r"\b[Pp]art\s+(7\d\d)\b(?!\.\d)")
_THIS_ECCN = re.compile(r"\bthis\s+ECCN\b")


def _starts_word(s: str, pos: int) -> bool:
    return pos == 0 or not (s[pos - 1].isalnum() or s[pos - 1] in "._")


def _section_target(section: str, paras: str) -> str:
    return f"{section}{paras}"


def extract_refs(text: str, *, unit: str | None, part: str) -> tuple[Reference, ...]:
    """References in ``text``; relative ones resolved against ``unit`` and ``part``.

    ``unit`` is the enclosing section (``740.10``) or ECCN (``3A001``), or None.
    """
    s = plain(text)
    found: list[tuple[int, Reference]] = []
    taken: list[tuple[int, int]] = []

    def add(pos: int, end: int, target: str, kind: ReferenceKind, written: str) -> None:
        found.append((pos, Reference(target=target, kind=kind, text=written)))
        taken.append((pos, end))

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in _CFR.finditer(s) if "CFR" in s else ():
        title, num, paras = m.groups()
        kind: ReferenceKind = "section" if title == "15" and "." in num else ("part" if title == "15" else "external")
        target = f"{num}{paras}" if "." in num else part_citation(num)
        add(m.start(), m.end(), target if title == "15" else f"{title} CFR {num}{paras}", kind, m.group(0))
    for m in _SECTION_SIGN.finditer(s) if "§" in s else ():
        if not free(m.start(), m.end()):
            continue
        add(m.start(), m.end(), _section_target(m.group(1), m.group(2)), "section", m.group(0))
        for more in _LIST_MORE.finditer(m.group(3) or ""):
            add(m.start(), m.end(), _section_target(more.group(1), more.group(2)), "section", more.group(0))
    for m in _RELATIVE.finditer(s) if "aragraph" in s else ():
        if not free(m.start(), m.end()):
            continue
        paras, sec = m.group(1), m.group(2)
        if sec:
            add(m.start(), m.end(), _section_target(sec, paras), "section", m.group(0))
        elif unit and re.match(r"^\d{3}\.\d", unit) and re.search(r"this (?:section|paragraph)", m.group(0)):
            add(m.start(), m.end(), _section_target(unit, paras), "section", m.group(0))
    for m in _COUNTRY.finditer(s) if "Country" in s else ():
        for g in _GROUP.finditer(m.group(1)):
            add(m.start(), m.end(), country_group(g.group(1), g.group(2)), "country-group", m.group(0))
    for m in _SUPPLEMENT.finditer(s) if "upplement" in s or "UPPLEMENT" in s else ():
        target_part = part if m.group(2) else m.group(3)
        add(m.start(), m.end(), supplement(m.group(1), target_part), "supplement", m.group(0))
    for m in _PART.finditer(s) if "art " in s else ():
        if free(m.start(), m.end()) and not s.endswith("CFR ", 0, m.start()):
            add(m.start(), m.end(), part_citation(m.group(1)), "part", m.group(0))
    for m in _ECCN.finditer(s):
        if free(m.start(), m.end()) and _starts_word(s, m.start()):
            add(m.start(), m.end(), f"{m.group(1)}{m.group(2)}", "eccn", m.group(0))
    if unit and is_eccn(unit):
        for m in _THIS_ECCN.finditer(s):
            add(m.start(), m.end(), unit, "eccn", m.group(0))
    found.sort(key=lambda x: x[0])
    seen: set[tuple[str, str]] = set()
    out = []
    for _, ref in found:
        if (ref.target, ref.kind) not in seen:
            seen.add((ref.target, ref.kind))
            out.append(ref)
    return tuple(out)
