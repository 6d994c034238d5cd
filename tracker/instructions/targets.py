"""The citations an amendment instruction names, fully qualified: sections, their paragraphs (relative ones read
against the section in force), lists and ranges, ECCNs and their items, supplements, definitions.

>>> paragraphs("paragraphs (k)(1) through (3), and (4)(i)", "648.11")
['648.11(k)(1)', '648.11(k)(2)', '648.11(k)(3)', '648.11(k)(4)(i)']
>>> paragraphs("paragraphs (a)(2)(ii)(B)( 3 ) through ( 5 )", "424.541")[-1]
'424.541(a)(2)(ii)(B)(5)'
"""

from __future__ import annotations

import re

from tracker.citations import ECCN, MAX_RANGE, label_at, label_rank, section_paragraph, supplement
from tracker.parse.ref_lists import carry_designations

_SECTION_NO = r"\d+\.[0-9A-Za-z]+(?:[-–]\d+)?"
SECTION = re.compile(rf"(?:§§?|\bsections?\b)\s*({_SECTION_NO}(?:\s*(?:,|and|or|through|,\s*and)\s*{_SECTION_NO})*)",
                     re.IGNORECASE)
_ONE_SECTION = re.compile(_SECTION_NO)
_SUPPLEMENT = re.compile(r"\b(supplement|appendix)\s+(?:no\.?\s*)?(\w+)\s+to\s+part\s+(\d+)", re.IGNORECASE)
_ECCN = re.compile(rf"\b({ECCN})((?:\.[a-z0-9]{{1,2}})*)")
_DOT_ITEM = re.compile(r"(?<![\w.])\.([a-z])((?:\.[a-z0-9]{1,2})*)\b"
                       r"|\bparagraphs?\s+([a-z])\.((?:[a-z0-9]{1,2}\.)*(?:[a-z0-9]{1,2}\b)?)")
_PARA_RUN = re.compile(
    r"(?:\(\s*[A-Za-z0-9]{1,4}\s*\))+(?:(?:\s*,\s*(?:and\s+)?|\s+(?:and|or|through|to)\s+|\s*[-–]\s*)"
    r"(?:\(\s*[A-Za-z0-9]{1,4}\s*\))+)*"
)
_LABEL = re.compile(r"\(\s*([A-Za-z0-9]{1,4})\s*\)")
_STEP = re.compile(r"((?:\(\s*[A-Za-z0-9]{1,4}\s*\))+)")
_SUBPART = re.compile(r"\bsubpart ([A-Z]{1,2})\b", re.IGNORECASE)
QUOTED = re.compile(r"“([^”]*)”|\"([^\"]*)\"")


def paragraph_key(unit: str, path: tuple[str, ...]) -> str:
    """A paragraph of a section (``740.10(a)``) or of a supplement (``Supplement No. 6 to Part 742 (a)``)."""
    if unit[:1].isdigit():
        return section_paragraph(unit, *path)
    return f"{unit} " + "".join(f"({label})" for label in path) if path else unit


def _between(first: tuple[str, ...], last: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The paths after ``first`` up to ``last`` when both are siblings (their last designations differ), else
    just ``last``."""
    if len(first) != len(last) or first[:-1] != last[:-1]:
        return [last]
    roman = len(first) in (3, 6) and re.fullmatch(r"[ivxl]+", last[-1]) is not None
    low, high = label_rank(first[-1], roman=roman), label_rank(last[-1], roman=roman)
    if not 0 < high - low <= MAX_RANGE:
        return [last]
    return [first[:-1] + (label_at(rank, last[-1], roman=roman),) for rank in range(low + 1, high + 1)]


def paragraphs(text: str, section: str) -> list[str]:
    """Every paragraph of ``section`` a run of designations in ``text`` names, ranges expanded."""
    out: list[str] = []
    for run in _PARA_RUN.finditer(text):
        prev: tuple[str, ...] = ()
        pos = 0
        for step in _STEP.finditer(run.group(0)):
            ranged = bool(prev) and re.search(r"through|to|[-–]", run.group(0)[pos:step.start()]) is not None
            written = tuple(_LABEL.findall(step.group(1)))
            path = carry_designations(prev, written) if prev else written
            out += [paragraph_key(section, p) for p in (_between(prev, path) if ranged else [path])]
            prev, pos = path, step.end()
    return list(dict.fromkeys(out))


def sections(text: str) -> list[str]:
    """The sections ``text`` names (``§ 740.10``, ``§§ 22.80 and 22.85``), dashes unified."""
    out = [s.replace("–", "-") for m in SECTION.finditer(text) for s in _ONE_SECTION.findall(m.group(1))]
    return list(dict.fromkeys(out))


def supplements(text: str) -> list[str]:
    """The supplements (and appendices) ``text`` names, in their key spelling."""
    out = []
    for kind, number, part in _SUPPLEMENT.findall(text):
        out.append(supplement(number, part) if kind.lower() == "supplement" else f"Appendix {number} to Part {part}")
    return out


def eccn_items(text: str, eccn: str | None) -> list[str]:
    """ECCNs and items named (``3A001``, ``3A001.z``), and ``paragraph .z`` / ``paragraph z.`` of ``eccn``."""
    out = [m.group(1) + m.group(2) for m in _ECCN.finditer(text)]
    if eccn:
        for m in _DOT_ITEM.finditer(text):
            path = (m.group(1) + m.group(2)) if m.group(1) else m.group(3) + "." + m.group(4).rstrip(".")
            out.append(f"{eccn}.{path.rstrip('.')}")
    return list(dict.fromkeys(out))


def subparts(text: str) -> list[str]:
    return [f"Subpart {s}" for s in _SUBPART.findall(text)]


def quoted(text: str) -> list[str]:
    return [a or b for a, b in QUOTED.findall(text)]
