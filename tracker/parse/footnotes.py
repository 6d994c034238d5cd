"""Footnotes of a section or supplement body (``FTNT``): found among the body's elements and keyed."""

from __future__ import annotations

from lxml import etree

from tracker.parse.records import Records
from tracker.xmltext import inline_text


def unwrap_footnotes(elements: list[etree._Element]) -> tuple[list[etree._Element], set[etree._Element]]:
    """Replace each FTNT by its paragraphs; return them and the set that are footnote text.

    The eCFR sometimes leaves a footnote open so that it swallows the rest of the section
    (§ 740.12 on 2026-09-01): only paragraphs opening with the footnote number are footnote text.
    """
    out: list[etree._Element] = []
    notes: set[etree._Element] = set()
    for el in elements:
        if el.tag != "FTNT":
            out.append(el)
            continue
        for child in el:
            if not isinstance(child.tag, str):
                continue
            out.append(child)
            first = next(iter(child), None)
            if not (child.text or "").strip() and first is not None and first.tag in ("SU", "sup"):
                notes.add(child)
    return out, notes


def key_footnote(b: Records, el: etree._Element, *, part: str, unit: str) -> None:
    """One footnote paragraph: ``<unit> Footnote N``."""
    num = b.next_number(f"footnote:{unit}")
    b.add(f"{unit} Footnote {num}", part=part, unit=unit, parent=unit, kind="note", text=inline_text(el))
