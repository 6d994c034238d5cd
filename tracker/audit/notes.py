"""The eCFR's own word on amendments: editorial notes saying one "could not be incorporated", and effective-date
notes (``EFFDNOT``: a stay, a delayed date), read from the stored ``ednote`` paragraphs as audit findings.

A note of several numbered items ("Editorial Notes: 1. … 2. …") is read item by item; the boilerplate item
pointing at the List of CFR Sections Affected is no finding. The citations an item names are its references
(:func:`tracker.parse.refs.extract_refs`) and the bare "paragraphs (a)(13) and (b)(14)" of the section (or
supplement) it names, or of its own unit.

>>> from tracker.model import Paragraph
>>> note = Paragraph("742.6 Editorial Note", "742", "742.6", "742.6", "", "ednote", "",
...     "Editorial Notes: 1. For *Federal Register* citations affecting § 742.6, see the List of CFR Sections "
...     "Affected. 2. At 90 FR 4615, Jan. 16, 2025, § 742.6 was amended by adding paragraphs (a)(13) and (b)(14);"
...     " however, these amendments could not be incorporated because paragraphs (a)(13) and (b)(14) already exist.",
...     0)
>>> [(f.status, f.citations, f.fr_citations) for f in note_findings([note])]
[('not-incorporated', ('742.6(a)(13)', '742.6(b)(14)'), ('90 FR 4615',))]
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from tracker.audit.findings import Finding, Status
from tracker.citations import DESIGNATION, LIST_SEP, Citation, section_paragraph, supplement_paragraph
from tracker.model import Paragraph
from tracker.parse.refs import extract_refs

_ITEM = re.compile(r"(?:^|\s)\d{1,2}\.\s+(?=[A-Z])")
_FR = re.compile(r"\b\d{1,3} FR \d+\b")
_NOT_INCORPORATED = re.compile(r"\b(?:could|can)\s?not be incorporated|\b(?:was|were) not incorporated", re.I)
_EFFECTIVE = re.compile(r"^Effective Date Notes?:", re.I)
_BARE = re.compile(rf"\bparagraphs?\s+((?:{DESIGNATION})+(?:{LIST_SEP}(?:{DESIGNATION})+)*)")
_ONE = re.compile(rf"(?:{DESIGNATION})+")


def _items(text: str) -> list[str]:
    """The numbered items of a note (the whole text when it is not numbered), heading words dropped."""
    parts = _ITEM.split(text)
    return [p.strip() for p in (parts[1:] if len(parts) > 1 else parts) if p.strip()]


def _bare(text: str, base: str) -> list[str]:
    """The bare ``paragraph(s) (x)(y) …`` of ``text`` as citations under ``base`` (a section or supplement)."""
    cited = Citation.parse(base)
    out: list[str] = []
    for m in _BARE.finditer(text):
        for chain in _ONE.findall(m.group(1)):
            labels = re.findall(r"\(([^)]+)\)", chain)
            if cited is not None and cited.kind == "supplement":
                out.append(supplement_paragraph(cited.path[0], cited.base, *labels))
            elif cited is not None and cited.kind == "section":
                out.append(section_paragraph(base, *labels))
    return out


_KINDS = ("section", "supplement", "eccn")


def _is_unit(key: str) -> bool:
    """A whole section or supplement (what a note's bare paragraphs belong to)."""
    c = Citation.parse(key)
    return c is not None and (c.kind == "section" and not c.path or c.kind == "supplement" and len(c.path) == 1)


def cited_in(text: str, unit: str, part: str) -> tuple[str, ...]:
    """The citations a note names: its paragraph-level references, else the units it names, else ``unit``."""
    targets = [r.target for r in extract_refs(text, unit=unit, part=part) if r.kind in _KINDS]
    units = [t for t in targets if _is_unit(t)]
    deeper = [t for t in targets if t not in units]
    found = deeper + _bare(text, units[0] if units else unit)
    return tuple(dict.fromkeys(found or units or [unit]))


def _finding(item: str, note: Paragraph, effective: bool) -> Finding | None:
    status: Status
    if _NOT_INCORPORATED.search(item):
        status, reason = "not-incorporated", "the eCFR says an amendment could not be incorporated"
    elif effective:
        status, reason = "effective-date-note", "the eCFR notes a stay or a later effective date"
    else:
        return None
    cited = cited_in(item, note.unit, note.part)
    return Finding(status, cited, f"{reason} ({note.citation})", note=item, fr_citations=tuple(_FR.findall(item)))


def note_findings(paragraphs: Iterable[Paragraph], *, before: Iterable[Paragraph] = (),
                  rule_pages: Collection[str] = ()) -> list[Finding]:
    """Findings of the ``ednote`` paragraphs of a version: those not in the version ``before`` (every one when
    it is not given), and those naming a page of the audited rule (``rule_pages``: ``90 FR 4615`` …)."""
    old = {p.text for p in before if p.kind == "ednote"}
    out: list[Finding] = []
    for note in paragraphs:
        if note.kind != "ednote":
            continue
        effective = bool(_EFFECTIVE.match(note.text))
        for item in _items(_EFFECTIVE.sub("", note.text).strip() if effective else note.text):
            finding = _finding(item, note, effective)
            if finding is not None and (note.text not in old or set(finding.fr_citations) & set(rule_pages)):
                out.append(finding)
    return out
