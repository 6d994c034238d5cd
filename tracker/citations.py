"""Citations of the EAR: one grammar for the keys paragraphs are stored under and the targets references name.

Canonical forms (as the parsers write keys and :mod:`tracker.parse.refs` writes targets):

- ECCN ``3A090``: category digit, product group A–E, three digits; the 600 series (``0A501``) and the 9x515
  entries (``9A515``) are ordinary ECCNs. ``9x515`` and ``0Ax01``-style forms name a *series* of ECCNs
  (:data:`ECCN_SERIES`): references keep them, nothing is keyed or checked under them;
- ECCN item ``3A001.b.2``, ``3A001.z``: the ECCN, then ``.``-separated letters (1–2) and numbers (1–2);
- section ``740.10`` and section paragraph ``740.10(a)(2)(iv)`` (the EAR's Parts have three digits); keys of other
  titles keep the section number whole (FAR ``52.219-9(c)(1)``, :func:`section_number`);
- ``Supplement No. 1 to Part 740``, ``Country Group E:1``, ``Part 744``.

Keys of records that are not designated paragraphs add words after the unit, paragraph or item they sit in
(``3A090 License Requirements``, ``740.10(b)(4) Note 1``, ``Category 4, Technical Note``), so a key covers
every citation that continues it with ``" "``, ``"."``, ``"("`` or ``","`` (:func:`is_under`).

**Repeated keys.** When a key is already taken in a version, the next record gets ``key 2``, then ``key 3`` …
(:func:`unique_key`, one rule for sections and the CCL). A space and a bare number never reads as a paragraph
designation (``102.103(1) 2``, where ``102.103(1) (2)`` would look like paragraph (2)).

Keys typed by people (``tracker history 3a001.Z``, watchlists) are read loosely by :func:`normalise_key`:
any case, ``§`` or ``ECCN`` in front.

>>> str(Citation.parse("740.10(a)(2)(iv)")), Citation.parse("3A001.z").path, Citation.parse("E:1")
('740.10(a)(2)(iv)', ('z',), None)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import Literal

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
#: Sorts after every character a citation holds: ``[key, key + UNDER_END)`` holds ``key`` and all under it.
UNDER_END = "\U0010ffff"

Kind = Literal["eccn", "section", "supplement", "country-group", "part"]

_ECCN_RE = re.compile(ECCN)
_LOOSE_ECCN = re.compile(r"^(\d[A-Ea-e]\d{3})((?:\.[A-Za-z0-9]{1,4})*)$")
_LOOSE_SECTION = re.compile(rf"^(\d{{3}}){SECTION_TAIL}(?:\([A-Za-z0-9]{{1,5}}\))*$")
_SECTION_NUMBER_RE = re.compile(SECTION_NUMBER)
_LOOSE_PREFIX = re.compile(r"^(?:§+|ECCN)\s*")
_PART_IN = re.compile(r"\b[Pp]art (\d{3})\b")
_CHILD_SEP = frozenset(" .(,")
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


# --- key constructors ----------------------------------------------------------------------------------------


def eccn_item(eccn: str, *path: str) -> str:
    """``eccn_item("3A001", "b", "2")`` → ``'3A001.b.2'``.

    >>> eccn_item("3A001", "b", "2"), eccn_item("0A501")
    ('3A001.b.2', '0A501')
    """
    return ".".join((eccn, *path))


def section_paragraph(section: str, *designations: str) -> str:
    """``section_paragraph("740.10", "a", "2", "iv")`` → ``'740.10(a)(2)(iv)'``.

    >>> section_paragraph("740.10", "a", "2", "iv"), section_paragraph("740.10")
    ('740.10(a)(2)(iv)', '740.10')
    """
    return section + "".join(f"({d})" for d in designations)


def supplement(number: str | int, part: str) -> str:
    """A supplement's citation.

    >>> supplement(1, "740")
    'Supplement No. 1 to Part 740'
    """
    return f"Supplement No. {number} to Part {part}"


def supplement_paragraph(number: str | int, part: str, *designations: str) -> str:
    """A designated paragraph of a supplement: the supplement, a space, the designations.

    >>> supplement_paragraph(6, "742", "a"), supplement_paragraph(1, "740")
    ('Supplement No. 6 to Part 742 (a)', 'Supplement No. 1 to Part 740')
    """
    head = supplement(number, part)
    return f"{head} {section_paragraph('', *designations)}" if designations else head


_LOOSE_SUPPLEMENT = re.compile(r"^Supplement\s+No\.?\s*(\d+[A-Z]?)\s+to\s+Part\s+(\d+)\W*$", re.I)


def appendix_name(n: str) -> str:
    """An appendix's ``N`` attribute as its key: a supplement in its canonical spelling, anything else without the
    dashes and stops the eCFR sometimes leaves after it (real Part 742: ``N="Supplement No. 3 to Part 742 -"``).

    >>> appendix_name("Supplement No. 3 to Part 742 -"), appendix_name("supplement no.2 to part 740")
    ('Supplement No. 3 to Part 742', 'Supplement No. 2 to Part 740')
    >>> appendix_name("Appendix I to Part 261 -"), appendix_name("Appendix A")
    ('Appendix I to Part 261', 'Appendix A')
    """
    m = _LOOSE_SUPPLEMENT.match(n.strip())
    if m:
        return supplement(m.group(1), m.group(2))
    return re.sub(r"[\s\-\u2010-\u2015.:;,]+$", "", n)


def country_group(group: str, number: str | int) -> str:
    """A Country Group's citation.

    >>> country_group("E", 1)
    'Country Group E:1'
    """
    return f"Country Group {group}:{number}"


def part_citation(part: str) -> str:
    """A whole Part's citation.

    >>> part_citation("744")
    'Part 744'
    """
    return f"Part {part}"


def row(table: str, *labels: str) -> str:
    """A table row or list entry keyed by what it names: the country, party or entity, each label in brackets.

    >>> row("Supplement No. 1 to Part 740, Country Group A", "Albania")
    'Supplement No. 1 to Part 740, Country Group A [Albania]'
    >>> row("Supplement No. 4 to Part 744 Table 1", "AFGHANISTAN", "Abdul Satar Ghoura")
    'Supplement No. 4 to Part 744 Table 1 [AFGHANISTAN] [Abdul Satar Ghoura]'
    """
    return " ".join((table, *(f"[{label}]" for label in labels)))


def footnote(parent: str, number: str | int) -> str:
    """A footnote keyed by its own number (``<SU>3</SU>`` is Footnote 3) under its section, supplement or table.

    >>> footnote("740.13", 3)
    '740.13 Footnote 3'
    """
    return f"{parent} Footnote {number}"


def definition(section: str, term: str) -> str:
    """A definition keyed by its defined term; its numbered paragraphs continue it (``772.1 "Bank"(a)``).

    >>> definition("772.1", "Technology")
    '772.1 "Technology"'
    """
    return f'{section} "{term}"'


def repeated(key: str, n: int) -> str:
    """The ``n``-th record (n ≥ 2) keyed ``key`` in one version, by the one rule for repeated keys.

    >>> repeated("740.20(b)(1)", 2), repeated("3A090.a.1 Note", 3)
    ('740.20(b)(1) 2', '3A090.a.1 Note 3')
    """
    return f"{key} {n}"


def unique_key(key: str, taken: Container[str]) -> str:
    """``key`` if it is not ``taken``, else the first free :func:`repeated` form of it.

    >>> unique_key("3A090 Note", set()), unique_key("3A090 Note", {"3A090 Note", "3A090 Note 2"})
    ('3A090 Note', '3A090 Note 3')
    """
    unique, n = key, 1
    while unique in taken:
        n += 1
        unique = repeated(key, n)
    return unique


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


def is_under(citation: str, key: str) -> bool:
    """True if ``citation`` is ``key`` or something inside it.

    >>> is_under("3A090 License Requirements", "3A090"), is_under("740.10(a)", "740.1"), is_under("3A090.a", "3A09")
    (True, False, False)
    >>> is_section_key("252.204-7012(b)(2)"), is_section_key("740.1-740.3")
    (True, False)
    """
    return citation == key or (citation.startswith(key) and citation[len(key)] in _CHILD_SEP)


def under_range(key: str) -> tuple[str, str]:
    """The half-open string range ``[low, high)`` holding ``key`` and every citation under it (for index scans;
    :func:`is_under` then drops the neighbours that merely share the prefix, like ``3A0901``).

    >>> lo, hi = under_range("3A090")
    >>> [c for c in ["3A001", "3A090", "3A090.a", "3A091"] if lo <= c < hi]
    ['3A090', '3A090.a']
    """
    return key, key + UNDER_END


def part_sort_key(part: str) -> tuple[int, str]:
    """Parts in CFR order, by their leading number (the same order as ``(len(p), p)`` for Part numbers; a range
    such as ``23-49`` sorts by 23, a name without a number last).

    >>> sorted(["774", "50", "23-49", "3", "301", "740"], key=part_sort_key)
    ['3', '23-49', '50', '301', '740', '774']
    """
    lead = re.match(r"\d+", part)
    return (int(lead.group()) if lead else 1 << 30, part)


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


# --- the citations a range names ---------------------------------------------------------------------------------

_UNIT_NUMBER = re.compile(r"(\d[A-E]|\d{3}\.|)(\d+)")
_ROMAN_DIGITS = ((50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def label_at(rank: int, like: str, *, roman: bool = False) -> str:
    """The designation of ``rank`` among its siblings, written as ``like`` is (:func:`label_rank` read back).

    >>> label_at(3, "a"), label_at(27, "b"), label_at(4, "A"), label_at(12, "3"), label_at(14, "i", roman=True)
    ('c', 'aa', 'D', '12', 'xiv')
    """
    if like.isdigit():
        return str(rank)
    if roman:
        out = ""
        for value, digits in _ROMAN_DIGITS:
            count, rank = divmod(rank, value)
            out += digits * count
        return out
    letter = chr(ord("a") + (rank - 1) % 26) * ((rank - 1) // 26 + 1)
    return letter.upper() if like.isupper() else letter


def _within(low: int, high: int, make: Callable[[int], str]) -> tuple[str, ...] | None:
    return tuple(make(n) for n in range(low, high + 1)) if 0 < high - low < MAX_RANGE else None


def _unit_range(a: Citation, b: Citation) -> tuple[str, ...] | None:
    """ECCNs ``3C007``–``3C009``, sections ``734.2``–``734.5``, Parts ``730``–``774``: one number counts up."""
    ma, mb = _UNIT_NUMBER.fullmatch(a.base), _UNIT_NUMBER.fullmatch(b.base)
    if ma is None or mb is None or ma[1] != mb[1]:
        return None
    width = len(ma[2]) if a.kind == "eccn" else 0
    return _within(int(ma[2]), int(mb[2]), lambda n: str(Citation(a.kind, f"{ma[1]}{n:0{width}d}")))


def _label_range(a: Citation, b: Citation) -> tuple[str, ...] | None:
    """Siblings: ``740.9(a)(3)``–``740.9(a)(8)``, ``3A001.b.1``–``3A001.b.3``, Country Groups ``D:1``–``D:5``."""
    first, last = a.path[-1], b.path[-1]
    if (first.isdigit(), first.isupper()) != (last.isdigit(), last.isupper()):
        return None
    designations = a.path[1:] if a.kind == "supplement" else a.path
    roman = a.kind in ("section", "supplement") and bool(designations)
    roman = roman and is_roman_level(Citation("section", a.base, designations), len(designations) - 1)
    low, high = label_rank(first, roman=roman), label_rank(last, roman=roman)
    return _within(low, high, lambda n: str(Citation(a.kind, a.base, (*a.path[:-1], label_at(n, first, roman=roman)))))


def range_members(first: str, last: str) -> tuple[str, ...] | None:
    """Every citation from ``first`` through ``last`` by the grammar (existing or not), in order; None when the
    two do not bound one run of siblings (another parent or depth, backwards, over :data:`MAX_RANGE`).

    >>> range_members("740.9(a)(3)", "740.9(a)(6)"), range_members("3C007", "3C009")
    (('740.9(a)(3)', '740.9(a)(4)', '740.9(a)(5)', '740.9(a)(6)'), ('3C007', '3C008', '3C009'))
    >>> range_members("740.17(b)(2)(i)", "740.17(b)(2)(iv)")[-1], range_members("740.9(a)", "740.9(b)(1)")
    ('740.17(b)(2)(iv)', None)
    """
    a, b = Citation.parse(first), Citation.parse(last)
    if a is None or b is None or a.kind != b.kind or len(a.path) != len(b.path):
        return None
    if not a.path:
        return _unit_range(a, b)
    if a.base != b.base or a.path[:-1] != b.path[:-1]:
        return None
    return _label_range(a, b)
