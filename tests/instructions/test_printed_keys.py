"""The new text of instructions is keyed like the eCFR parser keys the same text: every SECTION printed in the real
daily issue FR-2024-02-12, keyed by tracker.instructions, against tracker.parse run on a DIV8 built from it."""

from __future__ import annotations

from lxml import etree

from tests.fetch.conftest import FR_XML
from tests.support import require
from tracker.instructions.printed import printed
from tracker.parse import parse_bytes
from tracker.xmltext import load_xml


def _as_ecfr(section: etree._Element, number: str) -> bytes:
    div5 = etree.Element("DIV5", N=number.split(".")[0], TYPE="PART")
    div8 = etree.SubElement(div5, "DIV8", N=number, TYPE="SECTION")
    etree.SubElement(div8, "HEAD").text = f"§ {number} {section.findtext('SUBJECT') or ''}"
    div8.extend(etree.fromstring(etree.tostring(p)) for p in section if p.tag in ("P", "FP"))
    return etree.tostring(div5)


def test_printed_sections_are_keyed_as_the_parser_keys_them():
    root = load_xml(require(FR_XML).read_bytes()).getroot()
    total = same = 0
    for section in root.iter("SECTION"):
        number = (section.findtext("SECTNO") or "").replace("§", "").strip()
        mine = printed([section])
        if not mine:
            continue
        theirs = {p.citation: p.text for p in parse_bytes(_as_ecfr(section, number))}
        total += len(mine)
        same += sum(theirs.get(key) == text for key, text in mine)
    # the rest: italic designations "( *1* )" read at another depth, and the parser's own reading of a section
    # printed from its middle (it does not know the "* * *" context)
    assert (total, same) == (510, 473)
