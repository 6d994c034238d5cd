"""Amendment instructions of a real Federal Register issue (GovInfo XML, 2024-02-12)."""

from __future__ import annotations

import re

from tests.fetch.conftest import FR_XML
from tests.support import require
from tracker.amendments import Amendment, amendments_in, parse_amendments
from tracker.xmltext import load_xml

ISSUE = require(FR_XML).read_bytes()
_FRDOC = re.compile(r"(\d{4})\s*[-–]\s*(\d+)")


def amendments_by_document(xml: bytes) -> dict[str, list[Amendment]]:
    """A daily issue's rules keyed by document number (``2024-02930``, from ``[FR Doc. 2024–02930 Filed …]``)."""
    out: dict[str, list[Amendment]] = {}
    for rule in load_xml(xml, "<federal register issue>").getroot().iter("RULE"):
        match = _FRDOC.search(rule.findtext(".//FRDOC") or "")
        if match:
            out[f"{match.group(1)}-{match.group(2)}"] = amendments_in(rule)
    return out


def triples(number: str) -> list[tuple[str, str, str]]:
    return [tuple(a) for a in amendments_by_document(ISSUE)[number]]


def test_every_rule_of_the_issue_is_keyed_by_its_document_number():
    found = amendments_by_document(ISSUE)
    assert len(found) == 13
    assert {"2024-02930", "2024-02741", "2024-02182", "2024-02447", "2024-02940"} <= set(found)


def test_section_instructions_give_part_section_and_action():
    assert triples("2024-02741") == [("601", "authority", "revise"), ("601", "601.2", "add")]
    assert triples("2024-02829") == [("85", "85.5", "revise")]
    assert triples("2024-02701") == [("165", "165.T11-157", "add")]  # an en dash in the source


def test_authority_that_only_continues_to_read_is_not_an_amendment():
    assert triples("2024-02930") == [("39", "39.13", "add")]


def test_lettered_sub_instructions_inherit_the_section_of_their_heading():
    found = triples("2024-02447")
    assert ("1006", "1006.215", "revise") in found and ("1006", "1006.215", "redesignate") in found
    assert ("1006", "1006.215", "add") in found and ("1006", "1006.215", "amend") not in found


def test_remove_and_reserve_is_a_reservation_and_subparts_are_named():
    found = triples("2024-02182")
    assert ("22", "22.80", "reserve") in found and ("22", "22.80", "remove") not in found
    assert ("22", "Subpart C", "revise") in found and ("22", "Subpart E", "add") in found
    assert ("22", "22.75", "redesignate") in found and ("22", "22.325", "redesignate") in found


def test_newly_redesignated_paragraph_revision_is_not_another_redesignation():
    assert ("309", "309.130", "redesignate") in triples("2024-02110")
    text = b"""<RULE><REGTEXT TITLE="45" PART="309"><AMDPAR>7. Section 309.130 is amended by:</AMDPAR>
    <AMDPAR>f. Revising newly redesignated paragraph (d).</AMDPAR></REGTEXT></RULE>"""
    assert parse_amendments(text) == [Amendment("309", "309.130", "revise")]


def test_a_section_of_another_part_in_the_same_regtext_keeps_its_own_part():
    assert triples("2024-02705") == [
        ("414", "414.1405", "revise"),
        ("424", "424.541", "remove"),
        ("424", "424.541", "add"),
    ]


def test_title_filter_keeps_only_title_15_and_this_issue_has_none():
    assert parse_amendments(ISSUE, title="15") == []
    found = parse_amendments(ISSUE, title="50")
    # 18 of the final rule 2024-02182 (Parts 13, 22) and 16 of the proposed rule 2024-02236 (Part 648), whose
    # AMDPARs follow a PART heading with no REGTEXT, its title from the document's CFR line
    assert len(found) == 34
    assert sum(a.part in ("13", "22") for a in found) == 18 and sum(a.part == "648" for a in found) == 16


def test_bis_style_instructions_name_sections_supplements_and_eccns():
    xml = """<RULE><REGTEXT TITLE="15" PART="740">
    <AMDPAR>3. Section 740.8 is amended by revising paragraphs (a) and (b) to read as follows:</AMDPAR>
    <AMDPAR>4. Add § 740.29 to read as follows:</AMDPAR></REGTEXT>
    <REGTEXT TITLE="15" PART="774">
    <AMDPAR>9. Supplement No. 1 to part 774 is amended by revising ECCNs 3A001, 3A090 and 4A090 to read:</AMDPAR>
    <AMDPAR>10. In Supplement No. 1 to part 774, Category 0, remove ECCN 0A999.</AMDPAR>
    </REGTEXT></RULE>""".encode()
    assert [tuple(a) for a in parse_amendments(xml, title="15")] == [
        ("740", "740.8", "revise"),
        ("740", "740.29", "add"),
        ("774", "3A001", "revise"),  # the ECCNs named, not the CCL supplement they sit in
        ("774", "3A090", "revise"),
        ("774", "4A090", "revise"),
        ("774", "0A999", "remove"),
    ]
