"""BIS instruction shapes beyond the sample rule: lettered Entity List sub-steps under a country heading, lettered
CCL steps, parts of an ECCN; and the targets read back as keys the eCFR parser gives the real Parts."""

from __future__ import annotations

from lxml import etree

from tests.support import ECFR_API, PART_740, require
from tracker.instructions import parse_instructions
from tracker.parse import parse_file

from .test_instructions import EAR_RULE

TABLE = "Supplement No. 4 to Part 744 Table 1"


def _rule(part: str, *amdpars: str) -> bytes:
    body = "".join(f"<AMDPAR>{a}</AMDPAR>" for a in amdpars)
    return (f'<RULE><REGTEXT TITLE="15" PART="{part}">{body}</REGTEXT>'
            "<FRDOC>[FR Doc. 2024–99999 Filed 1–1–24]</FRDOC></RULE>").encode()


def _steps(xml: bytes) -> list[tuple[int, str, tuple[str, ...]]]:
    return [(i.index, i.action, i.targets) for i in parse_instructions(xml)]


def test_entity_list_sub_steps_take_the_country_of_their_heading():
    xml = _rule("744", "12. Supplement No. 4 to part 744 is amended by:", "a. Under CHINA, PEOPLE'S REPUBLIC OF:",
                "i. Adding in alphabetical order entries for “Alpha Tech Co., Ltd.” and “Beta Ltd.”; and",
                "ii. Revising the entry for “Gamma Co.”;", "b. Under RUSSIA, removing the entry for “Delta OOO”.")
    china = f"{TABLE} [CHINA, PEOPLE'S REPUBLIC OF]"
    assert _steps(xml) == [
        (1, "context", ("Supplement No. 4 to Part 744",)),
        (2, "context", (china,)),
        (3, "add-entity", (f"{china} [Alpha Tech Co., Ltd.]", f"{china} [Beta Ltd.]")),
        (4, "revise-entity", (f"{china} [Gamma Co.]",)),
        (5, "remove-entity", (f"{TABLE} [RUSSIA] [Delta OOO]",)),
    ]


def test_entity_list_entries_not_named_are_their_country_block_with_the_printed_rows():
    xml = _rule("744", "4. Supplement No. 4 to part 744 is amended by adding under IRAN, in alphabetical order, two "
                "entities to read as follows:").replace(b"</REGTEXT>", b"""<GPOTABLE COLS="5"><BOXHD>
        <CHED H="1">Country</CHED><CHED H="1">Entity</CHED><CHED H="1">License requirement</CHED>
        <CHED H="1">License review policy</CHED><CHED H="1">Federal Register citation</CHED></BOXHD>
        <ROW><ENT I="01">IRAN</ENT><ENT>Alpha Trading Co., Tehran.</ENT><ENT>For all items subject to the EAR.</ENT>
        <ENT>Policy of denial.</ENT><ENT>89 FR 1, 1/1/24.</ENT></ROW>
        <ROW><ENT I="22"> </ENT><ENT>Beta Parts, Tehran.</ENT><ENT>For all items subject to the EAR.</ENT>
        <ENT>Policy of denial.</ENT><ENT>89 FR 1, 1/1/24.</ENT></ROW></GPOTABLE></REGTEXT>""")
    (added,) = parse_instructions(xml)
    # each entry keyed by the party its entity cell names (tracker.parse.lists.party_name), as the parser keys rows
    assert (added.action, added.targets) == ("add-entity", (f"{TABLE} [IRAN] [Alpha Trading Co.]",
                                                            f"{TABLE} [IRAN] [Beta Parts]"))
    assert [text.split(" | ")[0] for _, text in added.new_text] == ["Alpha Trading Co., Tehran.", "Beta Parts, Tehran."]


def test_entity_list_rows_printed_from_the_real_list_are_keyed_as_the_parser_keys_them():
    excerpt = require(ECFR_API / "excerpt-2026-09-01-title-15-part-744-supp4.xml")
    real = etree.parse(str(excerpt)).getroot()
    rows = [r for r in real.iter("TR") if r.find("TD") is not None][:3]  # AFGHANISTAN and two rows under it
    table = "<GPOTABLE>" + "".join(etree.tostring(r, encoding="unicode") for r in rows) + "</GPOTABLE>"
    xml = _rule("744", "4. Supplement No. 4 to part 744 is amended by adding under AFGHANISTAN, in alphabetical "
                "order, three entities to read as follows:").replace(b"</REGTEXT>", table.encode() + b"</REGTEXT>")
    (added,) = parse_instructions(xml)
    keys = [p.citation for p in parse_file(excerpt) if p.citation.startswith(f"{TABLE} [AFGHANISTAN] [")][:3]
    assert list(added.targets) == keys and len(keys) == 3
    assert [k for k, _ in added.new_text] == keys


def test_ccl_lettered_steps_and_parts_of_an_entry():
    xml = _rule("774", "14. Supplement No. 1 to part 774 is amended by:", "a. Revising ECCN 3A001;",
                "b. Removing ECCN 3A991; and", "c. Adding ECCN 3A992 after ECCN 3A991.",
                "15. In Supplement No. 1 to part 774, Category 5, Part 2, ECCN 5A002 is amended by revising the "
                "License Requirements section and adding paragraph .z to read as follows:")
    assert _steps(xml) == [
        (1, "context", ("Supplement No. 1 to Part 774",)),
        (2, "revise", ("3A001",)),
        (3, "remove", ("3A991",)),
        (4, "add", ("3A992",)),  # "after ECCN 3A991" says where, it is not a target
        (5, "revise", ("5A002 License Requirements",)),
        (5, "add", ("5A002.z",)),
    ]
    assert {i.part for i in parse_instructions(xml)} == {"774"}


def test_targets_are_keys_of_the_real_parts():
    rule = parse_instructions(EAR_RULE.read_bytes())
    part_740 = {p.citation for p in parse_file(require(PART_740))}
    assert {t for i in rule if i.part == "740" for t in i.targets} - part_740 == set()  # incl. "Part 740 Authority"
    assert [k for i in rule if i.part == "740" for k, _ in i.new_text if k not in part_740] == []  # printed text too
    part_774 = {p.citation for p in parse_file(require(ECFR_API / "full-2026-09-01-title-15-part-774.xml"))}
    z = {t for i in rule if i.part == "774" for t in i.targets}
    # the real 2026-09-01 CCL has .z items in five of the nine (the others moved on since 2024)
    assert z & part_774 == {"3A001.z", "4A003.z", "5A002.z", "5A004.z", "5D002.z"}
    entity_list = {p.citation for p in parse_file(require(ECFR_API / "excerpt-2026-09-01-title-15-part-744-supp4.xml"))}
    (removal,) = parse_instructions(_rule("744", "3. Supplement No. 4 to part 744 is amended by removing under "
                                                 "BULGARIA the entry for “Iskren Georgiev”."))
    assert removal.targets == (f"{TABLE} [BULGARIA] [Iskren Georgiev]",) and removal.targets[0] in entity_list
