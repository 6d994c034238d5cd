"""The section parser on the real eCFR files and EAR text in ../shared."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from tests.support import EAR_MARKDOWN, ECFR_API, PART_740, SHARED, markdown_to_xml, require
from tracker.model import PARAGRAPH_KINDS
from tracker.parse import ParseError, parse_bytes
from tracker.xmltext import SKIP_TAGS

REAL_XML = sorted(p for p in require(ECFR_API).glob("*.xml"))
BULK_XML = sorted(require(SHARED / "data" / "ecfr-bulk").glob("*.xml"))
MARKDOWN = sorted(require(EAR_MARKDOWN).glob("*.md"))


def _chars(text: str) -> str:
    """Text reduced to its characters in order: no whitespace, zero-width characters (U+200B, U+2060, U+FEFF: line
    break hints, never text), table separators, markup or escapes."""
    return re.sub(r"[\s\u200b\u2060\ufeff|*^\\]", "", text)


def _units(root: etree._Element) -> list[etree._Element]:
    if root.tag in ("DIV5", "DIV6", "DIV8", "DIV9"):
        return [root]
    return list(root.iter("DIV5"))


def _source_text(el: etree._Element) -> str:
    """All text of an element in document order except eCFR navigation, independently of the parser."""
    out = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in SKIP_TAGS:
            out.append(_source_text(child))
        out.append(child.tail or "")
    return "".join(out)


def _assert_whole(records, data: bytes) -> None:
    root = etree.fromstring(data, etree.XMLParser(remove_comments=True))
    expected = "".join(_chars(_source_text(u)) for u in _units(root))
    got = "".join(_chars(r.text) for r in records)
    assert got == expected


def _assert_keys_sound(records) -> None:
    keys = [r.citation for r in records]
    assert len(keys) == len(set(keys)), "keys repeat"
    known = set(keys)
    assert all(r.parent is None or r.parent in known for r in records), "a parent is missing"
    assert [r.order for r in records] == sorted(r.order for r in records)
    assert all(records[r.order] is r for r in records)
    assert {r.kind for r in records} <= set(PARAGRAPH_KINDS), "a record kind the model does not name"


@pytest.mark.parametrize("path", REAL_XML + BULK_XML, ids=lambda p: p.name)
def test_every_real_file_is_kept_word_for_word_with_sound_keys(path):
    data = path.read_bytes()
    records = parse_bytes(data, path.name)
    assert records
    _assert_whole(records, data)
    _assert_keys_sound(records)


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: p.name)
def test_every_real_ear_markdown_section_is_kept_word_for_word(path):
    data = markdown_to_xml(path.read_text(encoding="utf-8"))
    records = parse_bytes(data, path.name)
    _assert_whole(records, data)
    _assert_keys_sound(records)


def test_every_section_of_part_740_reads_back_as_its_body():
    data = PART_740.read_bytes()
    records = parse_bytes(data)
    root = etree.fromstring(data)
    for div in root.iter("DIV8"):
        section = div.get("N")
        got = "".join(_chars(r.text) for r in records if r.unit == section)
        assert got == _chars(_source_text(div)), section


@pytest.fixture(scope="module")
def rpl():
    md = require(EAR_MARKDOWN / "740.10-after-2024-04-30.md").read_text(encoding="utf-8")
    return {r.citation: r for r in parse_bytes(markdown_to_xml(md))}


def test_740_10_exclusions_are_keyed_i_through_viii(rpl):
    romans = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"]
    for r in romans:
        assert f"740.10(a)(3)({r})" in rpl
    assert "740.10(a)(3)(ix)" not in rpl
    assert [k for k in rpl if k.startswith("740.10(a)(2)(")] == [
        "740.10(a)(2)(i)",
        "740.10(a)(2)(ii)",
        "740.10(a)(2)(iii)",
    ]


def test_740_10_deep_paragraphs_have_their_full_citation(rpl):
    for key in ["740.10(b)(3)(ii)(A)", "740.10(b)(3)(ii)(B)", "740.10(b)(3)(ii)(C)", "740.10(b)(3)(ii)(D)",
                "740.10(b)(4)(ii)(C)", "740.10(c)(1)(vii)", "740.10(b)(2)(iii)(A)"]:
        assert key in rpl, key
    assert rpl["740.10(b)(3)(ii)(D)"].parent == "740.10(b)(3)(ii)"
    assert rpl["740.10(a)(1)"].heading == "Scope."


def test_740_10_note_to_paragraph_b4_is_its_own_record_under_b4(rpl):
    note = rpl["740.10(b)(4) Note 1"]
    assert note.kind == "note"
    assert note.parent == "740.10(b)(4)"
    assert note.text.startswith("Note 1 to paragraph (b)(4):")


def test_several_markers_in_one_element_give_several_records(rpl):
    assert rpl["740.10(a)"].text == "(a) *Parts, components, accessories, and attachments*—"
    assert rpl["740.10(a)(1)"].text.startswith("(1) *Scope.* The provisions of this paragraph (a)")


def test_740_10_xml_and_markdown_give_the_same_keys(rpl):
    xml = require(ECFR_API / "excerpt-2026-09-01-title-15-section-740.10.xml").read_bytes()
    assert [r.citation for r in parse_bytes(xml)] == list(rpl)


def test_742_6_editorial_note_is_a_note_not_regulatory_text():
    xml = require(ECFR_API / "excerpt-2026-09-01-title-15-section-742.6.xml").read_bytes()
    records = {r.citation: r for r in parse_bytes(xml)}
    ednote = records["742.6 Editorial Note"]
    assert ednote.kind == "ednote"
    assert "could not be incorporated" in ednote.text
    assert not any("could not be incorporated" in r.text for r in records.values() if r.kind != "ednote")
    assert "742.6(a)(6)(iii)(A)" in records
    assert "742.6(b)(10)" in records


def test_country_groups_are_keyed_by_country_row():
    records = {r.citation: r for r in parse_bytes(PART_740.read_bytes())}
    sup = "Supplement No. 1 to Part 740"
    albania = records[f"{sup}, Country Group A [Albania]"]
    assert albania.kind == "row" and albania.text.startswith("Albania |")
    assert f"{sup}, Country Group D [Afghanistan]" in records
    assert f"{sup}, Country Group B [Zimbabwe]" in records


def test_a_footnote_left_open_by_the_ecfr_does_not_swallow_the_section():
    records = {r.citation: r for r in parse_bytes(PART_740.read_bytes())}
    assert records["740.12 Footnote 1"].text.startswith("^1^ Many foreign countries")
    assert records["740.12(a)(2)(i)(A)(1)"].parent == "740.12(a)(2)(i)(A)"
    assert "740.12(b)(7)(v)" in records


def test_cross_references_are_extracted_and_resolved():
    records = {r.citation: r for r in parse_bytes(PART_740.read_bytes())}
    targets = {ref.target for ref in records["740.2(a)(8)(i)"].refs}
    assert "740.10(a)(3)(v)" in targets
    assert "Country Group E:1" in targets
    rel = {ref.target for ref in records["740.10(b)(3)(ii)"].refs}
    assert "740.10(b)(3)(i)" in rel


def test_truncated_xml_is_a_parse_error_naming_file_and_position():
    data = require(ECFR_API / "excerpt-title-15-section-772.1-first-16000-chars.xml.part").read_bytes()
    with pytest.raises(ParseError, match=r"772\.1.*line \d+, column \d+"):
        parse_bytes(data, "772.1-first-16000-chars.xml.part")


@pytest.mark.parametrize(
    "data",
    [b"<!DOCTYPE html><html><body>Service Unavailable</body></html>", b"not xml at all", b"", b"<DIV8><P>open"],
)
def test_non_xml_input_is_a_one_line_parse_error(data):
    with pytest.raises(ParseError) as err:
        parse_bytes(data, "bad.xml")
    assert "\n" not in str(err.value) and str(err.value).startswith("bad.xml")


def test_external_entities_are_not_resolved():
    data = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><DIV8 N="1.1"><P>&x;</P></DIV8>'
    with pytest.raises(ParseError):
        parse_bytes(data, "xxe.xml")


def test_zero_width_characters_are_not_text():
    # The real Part 774 (2026-09-01) has a lone U+200B between Supplements No. 2 and 3; the eCFR also puts them
    # inside words as line-break hints.
    xml = (
        '<DIV5 N="774" TYPE="PART"><HEAD>PART 774</HEAD>'
        '<DIV9 N="Supplement No. 2 to Part 774"><HEAD>Supplement No. 2 to Part 774</HEAD>'
        "<P>1. Tech\u200bnology\ufeff note.</P></DIV9>\n\u200b\n"
        '<DIV9 N="Supplement No. 3 to Part 774"><HEAD>Supplement No. 3 to Part 774</HEAD>'
        "<P>(a) Medical\u2060 equipment.</P></DIV9></DIV5>"
    )
    records = parse_bytes(xml.encode())
    assert [r.citation for r in records] == [
        "Part 774", "Supplement No. 2 to Part 774", "Supplement No. 2 to Part 774 ¶1",
        "Supplement No. 3 to Part 774", "Supplement No. 3 to Part 774 (a)",
    ]
    assert records[2].text == "1. Technology note."
    assert records[4].text == "(a) Medical equipment."


def test_loose_text_between_elements_is_a_paragraph_of_its_own():
    xml = (
        '<DIV5 N="740" TYPE="PART"><HEAD>PART 740</HEAD>Stray Part text.'
        '<DIV8 N="740.1" TYPE="SECTION"><HEAD>§ 740.1 Purpose.</HEAD><P>(a) First.</P>(b) Loose second.'
        "<P>(c) Third.</P></DIV8>A line after the section.</DIV5>"
    )
    records = {r.citation: r for r in parse_bytes(xml.encode())}
    assert records["Part 740 ¶1"].text == "Stray Part text."
    assert records["740.1(b)"].text == "(b) Loose second."
    assert records["740.1(c)"].parent == "740.1"
    assert records["Part 740 ¶2"].text == "A line after the section."
    _assert_whole(list(records.values()), xml.encode())


def test_the_whole_real_ccl_has_no_zero_width_characters_and_every_supplement():
    data = require(ECFR_API / "full-2026-09-01-title-15-part-774.xml").read_bytes()
    records = parse_bytes(data)
    assert not [r.citation for r in records if re.search("[\u200b\u2060\ufeff]", r.text + r.citation)]
    appendices = [r.citation for r in records if r.kind == "appendix"]
    assert appendices == [f"Supplement No. {n} to Part 774" for n in range(1, 8)]
    assert {r.part for r in records} == {"774"}


#: A repeat suffix followed by further designations (``740.20(b)(2) 2(C)``), or a designation, a space and another
#: (``… (i) (2)(ii)``): a paragraph keyed under a repeated key, which only happens when the marker levels went wrong.
#: Row labels in brackets are words, not designations.
_REPEAT_THEN_DESIGNATION = re.compile(r"\S \d+\(|\) \(")


@pytest.mark.parametrize("path", REAL_XML + BULK_XML, ids=lambda p: p.name)
def test_no_real_key_continues_a_repeated_key_with_designations(path):
    keys = [re.sub(r" \[.*\]", "", r.citation) for r in parse_bytes(path.read_bytes(), path.name)]
    assert [k for k in keys if _REPEAT_THEN_DESIGNATION.search(k)] == []


def test_740_20_a_plain_1_under_a_capital_is_the_next_level_not_a_restart():
    records = {r.citation: r for r in parse_bytes(PART_740.read_bytes())}
    b2viii = "740.20(b)(2)(viii)"
    assert records[f"{b2viii}(B)(1)"].text.startswith("(1) Components of engines controlled by ECCN 9A001")
    assert records[f"{b2viii}(B)(2)"].text == "(2) Equipment controlled by 9B001."
    assert [records[f"{b2viii}({x})"].parent for x in "CDE"] == [b2viii] * 3
    assert records["740.20(b)(2)(ix)"].text == "(ix) [Reserved]"
    assert records["740.20(b)(2)(xi)"].parent == "740.20(b)(2)"
    assert not [k for k in records if re.match(r"740\.20\(b\)\(\d\) \d", k)]


@pytest.fixture(scope="module")
def part_774():
    data = require(ECFR_API / "full-2026-09-01-title-15-part-774.xml").read_bytes()
    return {r.citation: r for r in parse_bytes(data)}


def test_sensitive_lists_key_items_under_their_category_heading(part_774):
    six, seven = "Supplement No. 6 to Part 774", "Supplement No. 7 to Part 774"
    heading = part_774[f"{six} (2)"]
    assert (heading.kind, heading.heading, heading.parent) == ("heading", "Category 2", six)
    assert part_774[f"{six} (2)(i)"].text.startswith("(i) 2D001—“Software”")
    assert part_774[f"{six} (2)(i)(A)"].parent == f"{six} (2)(i)"
    assert part_774[f"{six} (2)(ii)(C)"].text == "(C) “Software” specified by 2D001 of this Supplement;"
    assert part_774[f"{six} (6)(i)(F)(2)"].text.startswith("(2) Incorporating other than lead zirconate")
    assert part_774[f"{seven} (2)"].heading == "Category 5—Part 1"
    assert part_774[f"{seven} (2)(ii)"].text == "(ii) 5A001.h."
    assert part_774[f"{seven} (3)(xii)"].parent == f"{seven} (3)"
    # "(A.1.)" under (A) is its paragraph (1), not loose text
    a1 = part_774[f"{six} (3)(i)(A)(1)"]
    assert (a1.parent, a1.kind) == (f"{six} (3)(i)(A)", "paragraph") and a1.text.startswith("(A.1.) A peak saturated")
    assert part_774[f"{six} (3)(ii)(B)(2)"].text.startswith("(B.2.) A peak saturated power output")
    assert not [k for k in part_774 if k.startswith(f"{six} (3)") and "¶" in k]
    in_lists = [k for k in part_774 if k.startswith((six, seven))]
    assert len(in_lists) == 228
    assert not [k for k in in_lists if re.search(r"\) \d+", k)], "a repeated key in the Sensitive Lists"


# Title 48 is not in ../shared: the FAR clause below is written in the eCFR's shape (a DIV8 whose prescription is
# followed by the clause quoted whole in an EXTRACT, its title an HD1; an alternate's substitute paragraphs in a
# second EXTRACT after the words naming it), next to an EAR-style unmarked quotation (real 740.9(c)(5), 740.20(d)(2)).
FAR_PART = """<DIV5 N="52" TYPE="PART"><HEAD>PART 52—SOLICITATION PROVISIONS AND CONTRACT CLAUSES</HEAD>
<DIV6 N="B" TYPE="SUBPART"><HEAD>Subpart 52.2—Text of Provisions and Clauses</HEAD>
<DIV8 N="52.219-9" TYPE="SECTION"><HEAD>52.219-9 Small Business Subcontracting Plan.</HEAD>
<P>As prescribed in 19.708(b), insert the following clause:</P>
<EXTRACT>
<HD1>Small Business Subcontracting Plan (SEP 2023)</HD1>
<P>(a) This clause does not apply to small business concerns.</P>
<P>(b) <I>Definitions.</I> As used in this clause&#x2014;</P>
<P><I>Commercial plan</I> means a subcontracting plan (including goals) that covers the offeror's fiscal year.</P>
<P>(c)(1) The Offeror, upon request by the Contracting Officer, shall submit and negotiate a subcontracting plan.</P>
<P>(2) If the Offeror fails to negotiate a subcontracting plan, the Offeror will be ineligible for award.</P>
<P>(d) The Offeror's subcontracting plan shall include the following:</P>
<P>(1) Separate percentage goals for using small business concerns.</P>
<P>(i) The Contractor shall not prohibit a subcontractor from discussing payment.</P>
<P>(ii) [Reserved]</P>
<P>(2) A statement of the total dollars planned to be subcontracted.</P>
<P>(End of clause)</P>
</EXTRACT>
<P><I>Alternate I</I> (NOV 2016). As prescribed in 19.708(b)(1), substitute the following paragraphs (c) and (e) for
paragraphs (c) and (e) of the basic clause:</P>
<EXTRACT>
<P>(c)(1) The apparently successful Offeror shall submit a subcontracting plan.</P>
<P>(2) Failure to submit a plan makes the Offeror ineligible.</P>
<P>(e) In order to effectively implement this plan, the Contractor shall&#x2014;</P>
</EXTRACT>
</DIV8>
<DIV8 N="252.204-7012" TYPE="SECTION"><HEAD>252.204-7012 Safeguarding covered defense information.</HEAD>
<P>(a) Certify as follows.</P>
<EXTRACT><P>&#x201C;We certify that this software will only be used for testing (see (b)).&#x201D;</P></EXTRACT>
<P>(1) After the quotation.</P><P>(b) Next, quoting a list.</P>
<EXTRACT><P>&#x201C;I certify that:</P><P>(1) The items are for testing; and</P><P>(2) Will be returned.&#x201D;</P>
</EXTRACT><P>(c) Last.</P></DIV8>
</DIV6></DIV5>"""


def test_far_sections_keep_their_numbers_and_a_quoted_clause_is_keyed_under_its_section():
    data = FAR_PART.encode()
    records = parse_bytes(data)
    by_key = {r.citation: r for r in records}
    assert [r.citation for r in records if r.kind == "section"] == ["52.219-9", "252.204-7012"]
    assert by_key["52.219-9"].heading == "Small Business Subcontracting Plan."
    assert {r.part for r in records} == {"52"}
    assert by_key["52.219-9(c)(1)"].text.startswith("(c)(1) The Offeror, upon request")
    assert by_key["52.219-9(c)(1)"].parent == "52.219-9(c)"
    assert by_key["52.219-9(d)(1)(ii)"].text == "(ii) [Reserved]"
    assert by_key["52.219-9(d)(2)"].parent == "52.219-9(d)"
    assert by_key["52.219-9 ¶2"].text == "(End of clause)"  # it closes the clause, not (d)(2)
    assert by_key["52.219-9, Small Business Subcontracting Plan (SEP 2023)"].kind == "heading"
    alternate = by_key["52.219-9 Alternate I (c)(1)"]
    assert alternate.text.startswith("(c)(1) The apparently successful Offeror")
    assert by_key["52.219-9 Alternate I (e)"].parent == "52.219-9 ¶3"
    assert by_key["52.219-9 ¶3"].text.startswith("*Alternate I* (NOV 2016).")
    quote = by_key["252.204-7012(a) Extract"]
    assert quote.kind == "extract" and quote.text.startswith("“We certify")
    assert by_key["252.204-7012(a)(1)"].text == "(1) After the quotation."
    # a quotation inside a designated paragraph stays one record of it, even with numbered lines of its own
    assert by_key["252.204-7012(b) Extract"].text.startswith("“I certify that: (1) The items are for testing")
    assert by_key["252.204-7012(c)"].parent == "252.204-7012"
    assert not [r.citation for r in records if re.search(r"[)\]] \d+(\(|$)", r.citation)], "a repeated key"
    _assert_whole(records, data)
    _assert_keys_sound(records)


def test_an_appendix_n_with_a_trailing_dash_is_keyed_by_its_name():
    # Real Part 742 (2026) writes N="Supplement No. 3 to Part 742 -".
    xml = """<DIV5 N="742" TYPE="PART"><HEAD>PART 742</HEAD>
<DIV9 N="Supplement No. 3 to Part 742 -" TYPE="APPENDIX"><HEAD>Supplement No. 3 to Part 742&#x2014;High
Performance Computers</HEAD><P>(a) First.</P></DIV9></DIV5>"""
    keys = [r.citation for r in parse_bytes(xml.encode())]
    assert keys == ["Part 742", "Supplement No. 3 to Part 742", "Supplement No. 3 to Part 742 (a)"]


def test_note_1_to_paragraph_2_is_a_note_to_the_listed_note_2():
    # Real 740.17(b)(2)(i)(A): "Notes to paragraph (b)(2)(i)(A):" numbers two notes; the NOTEs after it are
    # "Note 1 to paragraph 2:" and "Note 2 to paragraph 2:" — notes to that list's note 2, not to (A)(5)(ii).
    records = {r.citation: r for r in parse_bytes(PART_740.read_bytes())}
    a = "740.17(b)(2)(i)(A)"
    assert records[f"{a} Note 1"].text.startswith("Notes to paragraph (**b**)(2)(**i**)(A): 1. The License Exception")
    assert records[f"{a} Note 2"].text.startswith("2. 'Network infrastructure' (as applied to encryption items).")
    assert records[f"{a} Note 2"].text.endswith("(g) Trunked.")
    assert [records[f"{a} Note {n}"].parent for n in (1, 2)] == [a, a]
    first, second = records[f"{a} Note 2 Note 1"], records[f"{a} Note 2 Note 2"]
    assert first.text.startswith("Note 1 to paragraph 2: 'Network infrastructure' end items are typically")
    assert second.text.startswith("Note 2 to paragraph 2: Commodities, software, and components")
    assert first.parent == second.parent == f"{a} Note 2"
    assert not [k for k in records if k.startswith(f"{a}(5)(ii) Note")]


def test_a_note_to_several_paragraphs_attaches_to_their_common_parent():
    # Every such note in the real Parts 734 and 740, including the short form "(b)(2) and (3)".
    records = {r.citation: r for path in (PART_740, ECFR_API / "full-2026-09-01-title-15-part-734.xml")
               for r in parse_bytes(require(path).read_bytes())}
    for key, words in [
        ("734.3(b) Note", "Note to paragraphs (**b**)(2) and (**b**)(3):"),
        ("740.17(a) Note", "Note to paragraphs (**a**)(1) and (2):"),
        ("740.20(b) Note 1", "Note 1 to paragraphs (**b**)(2) and (**b**)(3):"),
        ("740.23(b) Note 1", "Note 1 to paragraphs (**b**)(2) and (3):"),
    ]:
        assert records[key].text.startswith(words), key
        assert records[key].parent == key.rsplit(" Note", 1)[0]


def test_a_paragraph_opening_with_a_note_label_is_a_note_and_supplement_notes_find_what_they_name():
    data = require(ECFR_API / "full-2026-09-01-title-15-part-734.xml").read_bytes()
    part_734 = {r.citation: r for r in parse_bytes(data)}
    part_740 = {r.citation: r for r in parse_bytes(PART_740.read_bytes())}
    one, two = "Supplement No. 1 to Part 734", "Supplement No. 2 to Part 734"
    note = part_734[f"{one} (b) Note 1"]  # <P><E T="04">Note 1 to paragraph (b):</E> When multiple consignees …
    assert (note.kind, note.parent, note.heading) == ("note", f"{one} (b)", "Note 1 to paragraph (b):")
    assert part_734[f"{two} (a)(3) Note"].text.startswith("Note to paragraph (**a**)(3): Regardless")
    for n in (6, 7):
        assert part_740[f"Supplement No. {n} to Part 740 Note"].text == "*Note:* *See Note 1 to ECCN 3A090.a.*"
