"""The passes of reference extraction, one shape of reference each, run in order over a paragraph's plain text.

Each pass claims the stretch of text it reads (:class:`Found`), so a later pass does not read the same words
again: "paragraph (b) of § 740.2" is 740.2(b), not also 740.2. The grammar of what is cited (ECCNs, sections,
designations, supplements, Country Groups) comes from :mod:`tracker.citations`; lists and ranges are read by
:mod:`tracker.parse.ref_lists`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from tracker.citations import (
    DESIGNATION,
    ECCN,
    ECCN_SERIES,
    ITEM,
    LIST_SEP,
    RANGE_SEP,
    SECTION,
    Citation,
    country_group,
    eccn_item,
    is_eccn,
    is_section_key,
    part_citation,
    section_paragraph,
    supplement,
    supplement_paragraph,
)
from tracker.model import Reference, ReferenceKind
from tracker.parse.ref_lists import (
    Link,
    can_be_top_level,
    eccn_links,
    is_item_path,
    is_range,
    labels,
    section_links,
    targets,
)


class Found:
    """The references found so far with where they were written, and the stretches of text already read
    (a plain class with slots: one is made per paragraph, and the checks run per match)."""

    __slots__ = ("part", "refs", "taken", "unit")

    def __init__(self, unit: str | None, part: str) -> None:
        self.unit, self.part = unit, part
        self.refs: list[tuple[int, Reference]] = []
        self.taken: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return not any(start < b and end > a for a, b in self.taken)

    def add(self, s: str, start: int, end: int, kind: ReferenceKind, found: Sequence[tuple[str, str | None]]) -> None:
        """References to ``found`` ``(target, through)``, all written as ``s[start:end]``."""
        written = s[start:end]
        self.refs += [(start, Reference(t, kind, written, through)) for t, through in found]
        self.taken.append((start, end))


def _starts_word(s: str, pos: int) -> bool:
    return pos == 0 or not (s[pos - 1].isalnum() or s[pos - 1] in "._")


def _section(link: Link) -> str:
    return section_paragraph(link.base, *link.path)


_CFR = re.compile(rf"\b(\d{{1,2}})\s+CFR\s+(?:parts?\s+)?(\d{{1,4}}(?:\.\d+[a-z]?)?)((?:{DESIGNATION})*)")


def cfr(s: str, found: Found) -> None:
    """``15 CFR 740.16(a) or (b)``, ``15 CFR part 744`` (a Part), ``22 CFR 121.1`` (another title: external)."""
    for m in _CFR.finditer(s):
        title, num, paras = m.groups()
        if title == "15" and "." in num:
            end, links = section_links(s, m.end(), num, labels(paras))
            found.add(s, m.start(), end, "section", targets(links, _section))
        elif title == "15":
            found.add(s, m.start(), m.end(), "part", [(part_citation(num), None)])
        else:
            found.add(s, m.start(), m.end(), "external", [(f"{title} CFR {num}{paras}", None)])


# The patterns open with a literal (the scan is then several times faster); word starts are checked in code.
_RELATIVE = re.compile(rf"paragraphs?\s+((?:{DESIGNATION})+)")
_OF = re.compile(
    rf"\s+(?:of|in)\s+(?:(this\s+section)|§\s*({SECTION})|(this\s+supplement)"
    r"|supplement\s+no\.?\s*(\d+)\s+to\s+(?:(this)\s+part|part\s+(\d{3})))",
    re.I,
)
_OF_OTHER = re.compile(r"\s+of\s")
_SENTENCE_END = re.compile(r"[.;]\s+(?=[A-Z(])")
#: How far back a sentence is read for another unit's name (characters).
_SENTENCE_MAX = 400


_Where = tuple[int, Callable[[Link], str], ReferenceKind]


def _after_other_unit(s: str, pos: int) -> bool:
    """True when the sentence before ``pos`` names another section, supplement or CFR unit: a bare "paragraph (w)"
    there is that unit's ("see supplement no. 2 to part 748, paragraph (w)"; "§ 740.15(b) (… excluding
    paragraph (b)(2)(ii))")."""
    window = max(0, pos - _SENTENCE_MAX)
    starts = [m.end() for m in _SENTENCE_END.finditer(s, window, pos)]
    sentence = s[starts[-1] if starts else window : pos]
    return "§" in sentence or "upplement" in sentence or "CFR" in sentence


def _in_this_section(s: str, start: int, end: int, unit: str, this: bool, top: bool) -> _Where | None:
    """A relative reference saying nothing of where ("this paragraph (b)", "under paragraph (e)"): in a section,
    that section, unless another unit's words end there ("of the EAR"…) or, when it does not say "this", its
    first designation is not a top-level letter or the sentence named another unit before it."""
    if _OF_OTHER.match(s, end) or not is_section_key(unit):
        return None
    if not this and (not top or _after_other_unit(s, start)):
        return None
    return end, lambda link: section_paragraph(unit, *link.path), "section"


def _relative_cite(s: str, start: int, end: int, found: Found, this: bool, top: bool) -> _Where | None:
    """Where the paragraphs of a relative reference are ("of this section", "of § 740.2", "of supplement no. 6
    to part 742", or nothing said: :func:`_in_this_section`): the end of the words saying it, how to cite a
    paragraph there, and the kind of reference."""
    unit = found.unit or ""
    m = _OF.match(s, end)
    if m is None:
        return _in_this_section(s, start, end, unit, this, top)
    if m[1] or m[2]:
        base = m[2] or unit
        in_section: _Where = (m.end(), lambda link: section_paragraph(base, *link.path), "section")
        return in_section if m[2] or is_section_key(unit) else None
    if m[3]:
        cited = Citation.parse(unit)
        if cited is None or cited.kind != "supplement":
            return None
        return m.end(), lambda link: supplement_paragraph(cited.path[0], cited.base, *link.path), "supplement"
    number, part = m[4], found.part if m[5] else m[6]
    return m.end(), lambda link: supplement_paragraph(number, part, *link.path), "supplement"


def relative(s: str, found: Found) -> None:
    """``paragraphs (a)(8) and (11) of this section``, ``paragraph (b) of § 740.2``, ``paragraphs (a) through (d)
    of supplement No. 6 to part 742``; without "of …" (or as "this paragraph (b)") in a section, that section,
    when the first designation is a top-level letter."""
    for m in _RELATIVE.finditer(s):
        if not (found.free(m.start(), m.end()) and _starts_word(s, m.start())):
            continue
        this = s.endswith("this ", 0, m.start())
        start = m.start() - 5 if this else m.start()
        end, links = section_links(s, m.end(), "", labels(m[1]), sections=False)
        where = _relative_cite(s, start, end, found, this, can_be_top_level(links[0].path[0]))
        if where is not None:
            found.add(s, start, where[0], where[2], targets(links, where[1]))


_SECTION_SIGN = re.compile(rf"§§?\s*({SECTION})((?:{DESIGNATION})*)")


def section_sign(s: str, found: Found) -> None:
    """``§ 740.10(a)(2)(iv)``, ``§ 740.9(a)(1), (a)(3) through (8), and (a)(10)``, ``§§ 740.2 and 740.10``."""
    for m in _SECTION_SIGN.finditer(s):
        if found.free(m.start(), m.end()):
            end, links = section_links(s, m.end(), m[1], labels(m[2]))
            found.add(s, m.start(), end, "section", targets(links, _section))


_COUNTRY = re.compile(rf"Country\s+Groups?\s+([A-E]:\s?\d(?:{LIST_SEP}[A-E]:\s?\d)*)")
_GROUP = re.compile(r"([A-E]):\s?(\d)")


def country_groups(s: str, found: Found) -> None:
    """``Country Group E:1``, ``Country Groups D:1, D:4, and D:5``."""
    for m in _COUNTRY.finditer(s):
        if not _starts_word(s, m.start()):
            continue
        groups = [(country_group(g, n), None) for g, n in _GROUP.findall(m[1])]
        found.add(s, m.start(), m.end(), "country-group", groups)


_SUPPLEMENT = re.compile(
    rf"(?:upplement|UPPLEMENT)(?i:s?\s+nos?\.?\s*(\d+(?:{LIST_SEP}\d+)*)\s+to\s+(?:(this)\s+part|part\s+(\d{{3}})))"
)


def supplements(s: str, found: Found) -> None:
    """``supplement no. 1 to part 740``, ``supplement no. 2 or 3 to this part`` (also inside what other passes
    read: "paragraph (a) of supplement no. 6 to part 742" names the supplement too)."""
    for m in _SUPPLEMENT.finditer(s):
        start = m.start() - 1
        if start < 0 or s[start] not in "Ss" or not _starts_word(s, start):
            continue
        part = found.part if m[2] else m[3]
        numbers = re.findall(r"\d+", m[1])
        found.add(s, start, m.end(), "supplement", [(supplement(n, part), None) for n in numbers])


_EAR_PART = r"7\d\d\b(?!\.\d)"
_PART = re.compile(rf"arts?\s+({_EAR_PART})((?:(?:{LIST_SEP}|{RANGE_SEP}){_EAR_PART})*)")
_PART_STEP = re.compile(rf"({LIST_SEP}|{RANGE_SEP})(7\d\d)")


def _part(link: Link) -> str:
    return part_citation(link.base)


def parts(s: str, found: Found) -> None:
    """``part 744``, ``parts 740 and 746`` (Parts of the EAR, 7xx), where no other reference read the words."""
    for m in _PART.finditer(s):
        start = m.start() - 1
        if start < 0 or s[start] not in "Pp" or not _starts_word(s, start):
            continue
        if found.free(start, m.end()) and not s.endswith("CFR ", 0, start):
            links = [Link(m[1], (), False), *(Link(n, (), is_range(sep)) for sep, n in _PART_STEP.findall(m[2]))]
            found.add(s, start, m.end(), "part", targets(links, _part))


_ECCN = re.compile(rf"({ECCN}|{ECCN_SERIES})({ITEM})(?![\w])")


#: The characters a list or range can go on with after an ECCN: ", b.3", " and .c", " to 2B122", "–3C009".
_LIST_STARTS = frozenset(", -\u2013")


def _eccn(link: Link) -> str:
    return eccn_item(link.base, *link.path)


def eccns(s: str, found: Found) -> None:
    """``3B001.j``, ``9x515`` (a series), ``3A001.b.2 and b.3``, ``3A001.a.12 to 3A001.a.14``, ``2B119 to 2B122``."""
    for m in _ECCN.finditer(s):
        start, end = m.span()
        if start and (s[start - 1].isalnum() or s[start - 1] in "._") or not found.free(start, end):
            continue  # inside a word or number (_starts_word, written out: this loop runs per ECCN)
        if s[end : end + 1] not in _LIST_STARTS:  # the common case: one ECCN alone
            found.add(s, start, end, "eccn", ((m[0], None),))
            continue
        end, links = eccn_links(s, end, m[1], tuple(m[2].split(".")[1:]))
        found.add(s, start, end, "eccn", targets(links, _eccn))


_ITEM_PARAGRAPH = re.compile(r"paragraphs?\s+(\.?)([a-z]{1,2}(?:\.(?:[a-z]{1,2}|\d{1,2}))*)(?![\w-])")
_ITEM_OF = re.compile(r"\s+(?:of|in)\s+(?:this\s+(?:ECCN|entry)|(?:ECCN\s+)?(\d[A-E]\d{3})(?![\w.]))")


def item_paragraphs(s: str, found: Found) -> None:
    """In the CCL: ``paragraph .y of this ECCN``, ``paragraphs .a through .c``, ``paragraph a.1 of ECCN 0A501``
    (without "of …", the enclosing ECCN's); not "paragraph a. of Note 1"."""
    for m in _ITEM_PARAGRAPH.finditer(s):
        path = tuple(m[2].split("."))
        if not (_starts_word(s, m.start()) and found.free(m.start(), m.end()) and is_item_path(path)):
            continue
        pos = m.end() + 1 if s.startswith(". ", m.end()) else m.end()  # "paragraphs a. through c."
        end, links = eccn_links(s, pos, "", path)
        tail = _ITEM_OF.match(s, end + 1 if s.startswith(". ", end) else end)
        eccn = tail[1] if tail and tail[1] else found.unit
        if (tail is None and _OF_OTHER.match(s, end)) or not (eccn and is_eccn(eccn)):
            continue
        cited = [link._replace(base=eccn) if not link.base else link for link in links]
        found.add(s, m.start(), tail.end() if tail else end, "eccn", targets(cited, _eccn))


_THIS_ECCN = re.compile(r"\bthis\s+ECCN\b")


def this_eccn(s: str, found: Found) -> None:
    """``this ECCN`` inside an ECCN, where no other reference read the words."""
    if found.unit and is_eccn(found.unit):
        for m in _THIS_ECCN.finditer(s):
            if found.free(m.start(), m.end()):  # not "paragraph .y of this ECCN" (read as its item)
                found.add(s, m.start(), m.end(), "eccn", [(found.unit, None)])


#: The passes in the order they claim text (a section reference's "CFR" or "paragraph … of" before its "§"), each
#: with the words without which it finds nothing (checked first: most paragraphs cite little).
PASSES: tuple[tuple[Callable[[str, Found], None], tuple[str, ...]], ...] = (
    (cfr, ("CFR",)),
    (relative, ("aragraph",)),
    (section_sign, ("§",)),
    (country_groups, ("Country",)),
    (supplements, ("upplement", "UPPLEMENT")),
    (parts, ("art ",)),
    (item_paragraphs, ("aragraph",)),
    (eccns, ("",)),
    (this_eccn, ("ECCN",)),
)
