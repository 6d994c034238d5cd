"""Key constructors: the canonical keys of ECCN items, section and supplement paragraphs, Country Groups, table rows,
footnotes and definitions, and the one rule for repeated keys."""

from __future__ import annotations

import re
from collections.abc import Container


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
    if len(labels) == 1:  # the common case, without a generator
        return f"{table} [{labels[0]}]"
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


