"""The text a rule prints after its AMDPAR, keyed by the eCFR parser itself: a printed SECTION is parsed as the
section (a ``DIV8``) it revises, so its paragraphs carry the parser's keys and text (levels, italic designations,
definitions, unmarked text ``740.10 ¶1``); "* * *" placeholders only give the context. CCL items are keyed by ECCN
and item path (``3A001.z.1``).

>>> section = etree.fromstring('''<SECTION><SECTNO>§ 740.10</SECTNO><P>(a) * * *</P><P>(2) * * *</P>
... <P>(iv) Replacement parts.</P><P>(b) New.</P></SECTION>''')
>>> keyed_section(section, "740.10")
[('740.10(a)(2)(iv)', '(iv) Replacement parts.'), ('740.10(b)', '(b) New.')]
>>> keyed_items(["**3A001 Electronic items as follows.**", "* * * * *", "z. Commodities.", "z.1. More."])
[('3A001', '**3A001 Electronic items as follows.**'), ('3A001.z', 'z. Commodities.'), ('3A001.z.1', 'z.1. More.')]
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from tracker.citations import section_number
from tracker.parse import parse_tree
from tracker.xmltext import inline_text

#: The paragraphs of a printed section (tables and notes are not keyed yet; SECTNO and SUBJECT are its heading).
_BODY = frozenset({"P", "FP", "FP-1", "FP-2", "FP-DASH"})
_MARKED_STARS = re.compile(r"^(?:\(\s*\*?[A-Za-z0-9]{1,4}\*?\s*\)\s*)*(?:\\?\*\s*){3,}$")
_ECCN_HEAD = re.compile(r"^\**\s*(\d[A-E]\d{3})\b")
_ITEM = re.compile(r"^([a-z]{1,2}(?:\.\d{1,2}(?:\.[a-z]{1,2}(?:\.\d{1,2})*)?)?)\.\s")


def _tight(p: etree._Element) -> etree._Element:
    """A copy of printed paragraph ``p`` with its leading designations written as the eCFR writes them: the FR's
    pretty-printed ``( <E T="03">1</E> )`` becomes ``(<E T="03">1</E>)``, an italic designation the parser reads."""
    out = copy.deepcopy(p)
    out.tail = None
    if out.text is not None and out.text.strip() == "(" and len(out) and re.match(r"\s*\)", out[0].tail or ""):
        out.text, out[0].text = "(", (out[0].text or "").strip()
        out[0].tail = ")" + re.sub(r"^\s*\)", "", out[0].tail or "")
    return out


def _as_section(section: etree._Element, unit: str) -> etree._ElementTree:
    div5 = etree.Element("DIV5", N=unit.split(".")[0], TYPE="PART")
    div8 = etree.SubElement(div5, "DIV8", N=unit, TYPE="SECTION")
    etree.SubElement(div8, "HEAD").text = f"§ {unit} {section.findtext('SUBJECT') or ''}".strip()
    div8.extend(_tight(p) for p in section if p.tag in _BODY)
    return etree.ElementTree(div5)


def keyed_section(section: etree._Element, unit: str) -> list[tuple[str, str]]:
    """(key, text) of each paragraph of a printed SECTION of ``unit`` that has text, as the parser keys it."""
    records = parse_tree(_as_section(section, unit))
    return [(r.citation, r.text) for r in records
            if r.kind not in ("part", "section") and not _MARKED_STARS.match(r.text.strip())]


def keyed_items(texts: list[str]) -> list[tuple[str, str]]:
    """(key, text) for printed CCL lines: ECCN headings and items written with their path."""
    eccn, out = "", []
    for text in texts:
        if head := _ECCN_HEAD.match(text):
            eccn = head.group(1)
            out.append((eccn, text))
        elif eccn and (item := _ITEM.match(text)):
            out.append((f"{eccn}.{item.group(1)}", text))
    return out


def printed(elements: list[etree._Element]) -> list[tuple[str, str]]:
    """The keyed paragraphs of the SECTION (or other printed text) elements after an AMDPAR."""
    out: list[tuple[str, str]] = []
    lines: list[str] = []
    for el in elements:
        if el.tag == "SECTION":
            unit = section_number((el.findtext("SECTNO") or "").replace("§", "").strip()) or ""
            out += keyed_section(el, unit) if unit else []
        else:
            lines += [inline_text(p) for p in el.iter("P", "FP", "FP-1", "FP-2")]
    return out + keyed_items(lines)


def table_rows(elements: list[etree._Element]) -> list[list[str]]:
    """The cells of each row of the tables printed after an AMDPAR."""
    rows = [r for el in elements for r in el.iter("ROW", "TR")]
    return [[inline_text(c) for c in r if c.tag in ("ENT", "TD")] for r in rows]
