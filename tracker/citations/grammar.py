"""The grammar of a citation: the patterns, the :class:`Citation` value type, and reading keys (ECCN or section,
the Part)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tracker.citations.keys import (
    country_group,
    eccn_item,
    part_citation,
    section_paragraph,
    supplement,
    supplement_paragraph,
)

#: An ECCN (regex source): 3A090, 0A501, 9A515.
ECCN = r"\d[A-E]\d{3}"
#: A series of ECCNs as the text writes it (regex source): 9x515, 0Ax01.
ECCN_SERIES = r"\d[A-E]x\d{2}|\dx\d{3}"
#: The item path after an ECCN (regex source, possibly empty): .b.2, .z, .aa.12.
ITEM = r"(?:\.(?:[a-z]{1,2}|\d{1,2}))*"
#: What a section paragraph's designation holds (regex source): a, 2, iv, A, aa.
LABEL = r"[a-z]{1,2}|[ivx]{1,6}|\d{1,3}|[A-Z]{1,2}"
#: One paragraph designation of a section (regex source): (a) (2) (iv) (A) (aa).
DESIGNATION = rf"\((?:{LABEL})\)"
#: What follows a section number's Part (regex source): ``.10``, ``.21a``, ``.219-9``, ``.204-7012``, ``.469-5T``,
#: ``.401(a)(9)-6`` (26 CFR: designations inside the number, before its hyphen). A hyphen followed by another section
#: is a range, not part of the number (``102.104-102.109`` is 102.104 to 102.109).
SECTION_TAIL = r"\.\d+[a-z]?(?:(?:\([a-z0-9]{1,4}\))*-\d+[A-Z]?(?![\d.]))?"
#: A section number of the EAR, whose Parts have three digits (regex source): 740.10, 744.21a.
SECTION = rf"\d{{3}}{SECTION_TAIL}"
#: A section number in any CFR title (regex source): 1.1, 740.10, FAR 52.219-9, DFARS 252.204-7012.
SECTION_NUMBER = rf"\d{{1,4}}{SECTION_TAIL}"
#: Between the items of a written list (regex source): ", ", " and ", ", or ", " and/or ".
LIST_SEP = r"(?:\s*,\s*(?:and/or\s+|and\s+|or\s+)?|\s+(?:and/or|and|or)\s+)"
#: Between the end points of a written range (regex source): " through ", " to ".
RANGE_SEP = r"\s+(?:through|to)\s+"
#: The longest range a reference is read as (end points further apart are read as two references).
MAX_RANGE = 100

#: Every dash and minus sign → ``-`` (a :meth:`str.translate` table): "Parts 23–49" and "23-49" are one key.
DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


Kind = Literal["eccn", "section", "supplement", "country-group", "part"]

_ECCN_RE = re.compile(ECCN)
_LOOSE_ECCN = re.compile(r"^(\d[A-Ea-e]\d{3})((?:\.[A-Za-z0-9]{1,4})*)$")
_LOOSE_SECTION = re.compile(rf"^(\d{{3}}){SECTION_TAIL}(?:\([A-Za-z0-9]{{1,5}}\))*$")
_SECTION_NUMBER_RE = re.compile(SECTION_NUMBER)
_LOOSE_PREFIX = re.compile(r"^(?:§+|ECCN)\s*")
_PART_IN = re.compile(r"\b[Pp]art (\d{3})\b")
_PARSE: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("eccn", re.compile(rf"({ECCN})({ITEM})")),
    ("section", re.compile(rf"({SECTION})((?:{DESIGNATION})*)")),
    ("supplement", re.compile(rf"Supplement No\. (\d+[A-Z]?) to Part (\d{{3}})(?: ((?:{DESIGNATION})+))?")),
    ("country-group", re.compile(r"Country Group ([A-E]):(\d)")),
    ("part", re.compile(r"Part (\d{1,4})")),
)


@dataclass(frozen=True, slots=True)
class Citation:
    """One citation: ``base`` is the ECCN, section, Part (of a supplement) or Country Group letter; ``path``
    the item or paragraph designations, or the supplement or group number.

    >>> c = Citation("eccn", "3A001", ("b", "2"))
    >>> str(c), c.part, c.unit, Citation.parse(str(c)) == c
    ('3A001.b.2', '774', '3A001', True)
    >>> [str(Citation(k, b, p)) for k, b, p in [("supplement", "740", ("1",)), ("country-group", "E", ("1",))]]
    ['Supplement No. 1 to Part 740', 'Country Group E:1']
    """

    kind: Kind
    base: str
    path: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.kind == "eccn":
            return eccn_item(self.base, *self.path)
        if self.kind == "section":
            return section_paragraph(self.base, *self.path)
        if self.kind == "supplement":
            return supplement_paragraph(self.path[0], self.base, *self.path[1:])
        if self.kind == "country-group":
            return country_group(self.base, self.path[0])
        return part_citation(self.base)

    @classmethod
    def parse(cls, text: str) -> Citation | None:
        """The citation ``text`` spells in canonical form, else None (loose spellings: :func:`normalise_key`).

        >>> Citation.parse("Supplement No. 1 to Part 740"), Citation.parse("3a001"), Citation.parse("3A001 Note")
        (Citation(kind='supplement', base='740', path=('1',)), None, None)
        """
        for kind, pattern in _PARSE:
            m = pattern.fullmatch(text)
            if m is None:
                continue
            if kind == "eccn":
                return cls("eccn", m[1], tuple(m[2].split(".")[1:]))
            if kind == "section":
                return cls("section", m[1], tuple(re.findall(r"\(([^)]+)\)", m[2])))
            if kind == "part":
                return cls("part", m[1])
            if kind == "supplement":
                return cls(kind, m[2], (m[1], *re.findall(r"\(([^)]+)\)", m[3] or "")))
            return cls(kind, m[1], (m[2],))
        return None

    @property
    def part(self) -> str:
        """The Part the citation lives in (``774`` for ECCNs, ``740`` for Country Groups)."""
        if self.kind == "eccn":
            return "774"
        if self.kind == "country-group":
            return "740"
        return self.base.split(".")[0]

    @property
    def unit(self) -> str:
        """The ECCN, section or whole supplement, group or Part the citation is in."""
        if self.kind == "supplement":
            return supplement(self.path[0], self.base)
        return self.base if self.kind in ("eccn", "section") else str(self)


# --- reading keys --------------------------------------------------------------------------------------------


def is_eccn(text: str) -> bool:
    """True for one ECCN in canonical form (no item).

    >>> is_eccn("0A501"), is_eccn("9A515"), is_eccn("9x515"), is_eccn("3A001.z"), is_eccn("3a001")
    (True, True, False, False, False)
    """
    return _ECCN_RE.fullmatch(text) is not None


def is_eccn_key(key: str) -> bool:
    """True for an ECCN or ECCN item in any case (segments of up to four letters or digits).

    >>> is_eccn_key("3a001.Z.1"), is_eccn_key("3A001 Note"), is_eccn_key("9x515")
    (True, False, False)
    """
    return _LOOSE_ECCN.match(key) is not None


def section_number(text: str) -> str | None:
    """The section number ``text`` opens with (an eCFR ``N`` attribute or heading), hyphen and suffix kept.

    >>> [section_number(n) for n in ["740.10", "52.219-9", "252.204-7012", "102.104-102.109", "744.21a", "Part 1"]]
    ['740.10', '52.219-9', '252.204-7012', '102.104', '744.21a', None]
    """
    m = _SECTION_NUMBER_RE.match(text)
    return m.group(0) if m else None


def is_section_key(key: str) -> bool:
    """True for a section or section paragraph (``740.10``, ``740.10(a)(2)(iv)``).

    >>> is_section_key("740.10(a)(2)(iv)"), is_section_key("740.10 Source"), is_section_key("1.1")
    (True, False, False)
    >>> is_section_key("252.204-7012(b)(2)"), is_section_key("740.1-740.3")
    (True, False)
    """
    return _LOOSE_SECTION.match(key) is not None


def normalise_key(key: str) -> str:
    """The stored spelling of a key: a citation as :func:`typed_citation` reads it; else ECCN upper case, item
    letters lower case, no ``§`` or ``ECCN`` in front.

    >>> normalise_key(" § 740.10(a)(2) "), normalise_key("3a001.Z.1"), normalise_key("ECCN 4A090")
    ('740.10(a)(2)', '3A001.z.1', '4A090')
    """
    typed = typed_citation(key)
    if typed is not None:
        return str(typed)
    key = _LOOSE_PREFIX.sub("", key.strip())
    m = _LOOSE_ECCN.match(key)
    if m:
        return m.group(1).upper() + m.group(2).lower()
    return key


def part_of(key: str) -> str | None:
    """The Part a key lives in (``774`` for ECCNs), or None when the key does not say.

    >>> part_of("3A090.a"), part_of("740.10(a)"), part_of("Supplement No. 1 to Part 740"), part_of("x")
    ('774', '740', '740', None)
    """
    if _LOOSE_ECCN.match(key):
        return "774"
    m = _LOOSE_SECTION.match(key) or _PART_IN.search(key)
    return m.group(1) if m else None


def unify_dashes(text: str) -> str:
    """Every dash and minus sign as ``-``.

    >>> unify_dashes("Parts 23\u201349")
    'Parts 23-49'
    """
    return text.translate(DASHES)


# --- what people type, and ranges of designations --------------------------------------------------------------

_TYPED_PREFIX = re.compile(r"^(?:15\s*C\.?F\.?R\.?\s*|§+\s*|ECCN\s+|sec(?:tion|\.)\s*)+", re.I)
_TYPED = (
    (re.compile(r"(?:country\s+groups?\s+)?([a-e]):\s*(\d)", re.I), lambda m: country_group(m[1].upper(), m[2])),
    (re.compile(r"supp(?:lement|\.)?\s*(?:no\.?\s*)?(\d+[a-z]?)\s+to\s+part\s+(\d{3})", re.I),
     lambda m: supplement(m[1].upper(), m[2])),
    (re.compile(r"part\s+(\d{3})", re.I), lambda m: part_citation(m[1])),
    (_LOOSE_ECCN, lambda m: m[1].upper() + m[2].lower()),
    (re.compile(rf"({SECTION})((?:\s*\(\s*(?:{LABEL})\s*\))*)"), lambda m: m[1] + re.sub(r"\s+", "", m[2])),
)


def typed_citation(text: str) -> Citation | None:
    """The citation someone typed, in any of the ways people write one; None if it is not one.

    >>> [str(typed_citation(t)) for t in ("country group e:1", "15 CFR 740.10", "§ 740.10 (a)(3)(v)",
    ...                                    "supplement no. 1 to part 740", "3a090.A", "ECCN 4A090", "part 744")]
    ['Country Group E:1', '740.10', '740.10(a)(3)(v)', 'Supplement No. 1 to Part 740', '3A090.a', '4A090', 'Part 744']
    >>> typed_citation("740.10(a) and more"), typed_citation("3A090 Note")
    (None, None)
    """
    text = _TYPED_PREFIX.sub("", " ".join(unify_dashes(text).split()))
    for pattern, canonical in _TYPED:
        m = pattern.fullmatch(text)
        if m:
            return Citation.parse(canonical(m))
    return None


_RANGE_KEY = (
    re.compile(rf"({ECCN}{ITEM})\.([a-z]{{1,2}}|\d{{1,2}})-(?:[a-z0-9.]*\.)?([a-z]{{1,2}}|\d{{1,2}})"),
    re.compile(rf"({SECTION}(?:{DESIGNATION})*)\(({LABEL})\)\s*-\s*\(({LABEL})\)"),
)
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}


def range_key(key: str) -> tuple[str, str, str] | None:
    """``(parent, first, last)`` of a key that names a range of designations (``9A610.k-s``, the CCL's
    "k. through s. [Reserved]"), else None.

    >>> range_key("9A610.k-s"), range_key("0A501.y.2-y.5"), range_key("740.9(c)-(e)"), range_key("9A610.k")
    (('9A610', 'k', 's'), ('0A501.y', '2', '5'), ('740.9', 'c', 'e'), None)
    """
    for pattern in _RANGE_KEY:
        m = pattern.fullmatch(key)
        if m:
            return m[1], m[2], m[3]
    return None


def label_rank(label: str, *, roman: bool = False) -> int:
    """Where a designation falls among its siblings: ``b`` → 2, ``aa`` → 27, ``12`` → 12, ``iv`` → 4 (``roman``).

    >>> [label_rank(x) for x in ("b", "z", "aa", "12", "B")], label_rank("iv", roman=True), label_rank("ix", roman=True)
    ([2, 26, 27, 12, 2], 4, 9)
    """
    if label.isdigit():
        return int(label)
    if roman and all(c in _ROMAN for c in label):
        values = [_ROMAN[c] for c in label]
        return sum(-v if v < w else v for v, w in zip(values, [*values[1:], 0], strict=True))
    letter = ord(label[0].lower()) - ord("a") + 1
    return letter + 26 * (len(label) - 1)


def is_roman_level(citation: Citation, depth: int) -> bool:
    """True where a section paragraph's designation at ``depth`` (0 for the first) is roman: (a)(1)(i)(A)(1)(i).

    >>> c = Citation.parse("740.10(a)(2)(iv)")
    >>> [is_roman_level(c, d) for d in range(3)], is_roman_level(Citation.parse("3A001.i"), 0)
    ([False, False, True], False)
    """
    return citation.kind == "section" and depth % 3 == 2
