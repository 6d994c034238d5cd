"""The section body walk: every element kind's handler, and the state they share (open designations, context).

Written against :func:`tracker.parse.parse_bytes` only, so the same expectations held before the walk became a
dispatch table (``tracker/parse/body.py``) and hold after.
"""

from __future__ import annotations

from tracker.model import Paragraph
from tracker.parse import parse_bytes

SECTION = """<DIV8 N="740.99" TYPE="SECTION"><HEAD>§ 740.99 Everything.</HEAD>
<P>(a) <I>Scope</I>—(1) The first.</P>
<P>(i) Deep.</P>
<P>Unmarked words under (a)(1)(i).</P>
<NOTE><HED>Note to paragraph (a):</HED><P>Attached to (a) by name.</P></NOTE>
<NOTE><HED>Technical Note 2:</HED><P>Attached where the walk is.</P></NOTE>
<EXTRACT><P>Quoted text.</P></EXTRACT>
<HD1>Rates—for everyone</HD1>
<P>Under the heading.</P>
<UL><LI>First entry</LI><LI>Second entry</LI></UL>
<GPOTABLE><TTITLE>Table A—Rates</TTITLE><BOXHD><CHED>Country</CHED><CHED>Rate</CHED></BOXHD>
<ROW><ENT>Canada</ENT><ENT>1</ENT></ROW><ROW><ENT/><ENT>2</ENT></ROW></GPOTABLE>
<DIV><P>A DIV with no table.</P></DIV>
<P>(b) After the heading.</P>
<FTNT><P><SU>1</SU> A footnote.</P></FTNT>
<WEIRD>Unknown element text.</WEIRD>
<EDNOTE><P>Editorial.</P></EDNOTE>
<CITA>[Source line]</CITA>
</DIV8>"""


def _records(xml: str) -> list[Paragraph]:
    return parse_bytes(xml.encode())


def test_every_element_kind_gets_its_own_record_key_and_parent() -> None:
    got = [(p.citation, p.parent, p.kind) for p in _records(SECTION)]
    assert got == [
        ("740.99", None, "section"),
        ("740.99(a)", "740.99", "paragraph"),
        ("740.99(a)(1)", "740.99(a)", "paragraph"),
        ("740.99(a)(1)(i)", "740.99(a)(1)", "paragraph"),
        ("740.99(a)(1)(i) ¶1", "740.99(a)(1)(i)", "text"),
        ("740.99(a) Note", "740.99(a)", "note"),
        ("740.99(a)(1)(i) Technical Note 2", "740.99(a)(1)(i)", "note"),
        ("740.99(a)(1)(i) Extract", "740.99(a)(1)(i)", "extract"),
        ("740.99, Rates", "740.99", "heading"),
        ("740.99, Rates ¶1", "740.99, Rates", "text"),
        ("740.99, Rates [First entry]", "740.99, Rates", "row"),
        ("740.99, Rates [Second entry]", "740.99, Rates", "row"),
        ("740.99, Table A", "740.99, Rates", "table"),
        ("740.99, Table A [Canada]", "740.99, Table A", "heading"),  # a grouped table: the group's name,
        ("740.99, Table A [Canada] [1]", "740.99, Table A [Canada]", "row"),  # then each row by what it names
        ("740.99, Table A [Canada] [2]", "740.99, Table A [Canada]", "row"),
        ("740.99, Rates ¶2", "740.99, Rates", "text"),
        ("740.99(b)", "740.99", "paragraph"),
        ("740.99 Footnote 1", "740.99", "note"),
        ("740.99(b) ¶1", "740.99(b)", "text"),
        ("740.99 Editorial Note", "740.99", "ednote"),
        ("740.99 Source", "740.99", "source"),
    ]


def test_a_heading_closes_the_open_designations_but_keeps_their_base() -> None:
    records = {p.citation: p for p in _records(SECTION)}
    assert records["740.99(b)"].text == "(b) After the heading."
    assert records["740.99, Table A"].text == "Table A—Rates Country | Rate"
    assert records["740.99(a)"].heading == "Scope"  # the italic heading right after its marker


def test_a_definitions_section_restarts_designations_under_each_term() -> None:
    xml = """<DIV8 N="772.1"><HEAD>§ 772.1 Definitions of terms.</HEAD>
<P>“Alpha” means (a) one; or</P><P>(b) two.</P>
<P>“Beta.” (a) Again from (a).</P><P>(1) Under it.</P></DIV8>"""
    got = [(p.citation, p.parent) for p in _records(xml)]
    assert got == [
        ("772.1", None),
        ('772.1 "Alpha"', "772.1"),
        ('772.1 "Alpha"(b)', '772.1 "Alpha"'),
        ('772.1 "Beta"', "772.1"),
        ('772.1 "Beta"(1)', '772.1 "Beta"'),
    ]


def test_several_markers_in_one_element_make_the_outer_ones_empty_records() -> None:
    xml = '<DIV8 N="740.9"><HEAD>§ 740.9 X.</HEAD><P>(a) A.</P><P>(b)(1)(i) Deep at once.</P></DIV8>'
    got = [(p.citation, p.marker, p.text) for p in _records(xml)][1:]
    assert got == [
        ("740.9(a)", "(a)", "(a) A."),
        ("740.9(b)", "(b)", ""),
        ("740.9(b)(1)", "(1)", ""),
        ("740.9(b)(1)(i)", "(b)(1)(i)", "(b)(1)(i) Deep at once."),
    ]


def test_a_supplement_body_keys_designations_after_its_name() -> None:
    xml = """<DIV9 N="Supplement No. 2 to Part 740"><HEAD>Supplement No. 2 to Part 740—Items</HEAD>
<P>(a) First.</P><P>Loose.</P></DIV9>"""
    got = [(p.citation, p.parent) for p in _records(xml)]
    assert got == [
        ("Supplement No. 2 to Part 740", None),
        ("Supplement No. 2 to Part 740 (a)", "Supplement No. 2 to Part 740"),
        ("Supplement No. 2 to Part 740 (a) ¶1", "Supplement No. 2 to Part 740 (a)"),
    ]


def test_a_heading_that_opens_with_a_designation_is_that_paragraph() -> None:
    xml = """<DIV9 N="Supplement No. 6 to Part 774"><HEAD>Supplement No. 6 to Part 774—Sensitive List</HEAD>
<HD2>(1) Category 1</HD2><P>(i) 1C001.</P><P>(ii) 1C007.c.</P>
<HD2>(2) Category 2</HD2><P>(i) 2D001—“Software”:</P><P>(A) Specified by 2B001.a.</P><P>(B) Or 2B003.</P>
<HD1>Other words</HD1><P>Loose.</P></DIV9>"""
    sup = "Supplement No. 6 to Part 774"
    got = [(p.citation, p.parent, p.kind, p.heading) for p in _records(xml)][1:]
    assert got == [
        (f"{sup} (1)", sup, "heading", "Category 1"),
        (f"{sup} (1)(i)", f"{sup} (1)", "paragraph", ""),
        (f"{sup} (1)(ii)", f"{sup} (1)", "paragraph", ""),
        (f"{sup} (2)", sup, "heading", "Category 2"),
        (f"{sup} (2)(i)", f"{sup} (2)", "paragraph", ""),
        (f"{sup} (2)(i)(A)", f"{sup} (2)(i)", "paragraph", ""),
        (f"{sup} (2)(i)(B)", f"{sup} (2)(i)", "paragraph", ""),
        (f"{sup}, Other words", sup, "heading", "Other words"),
        (f"{sup}, Other words ¶1", f"{sup}, Other words", "text", ""),
    ]


def test_a_numbered_list_of_notes_is_one_record_per_note_and_note_to_paragraph_n_names_one() -> None:
    xml = """<DIV8 N="740.99"><HEAD>§ 740.99 X.</HEAD><P>(a) A.</P><P>(1) One.</P>
<NOTE><HED>Notes to paragraph (a):</HED><P>1. First note.</P><P>a. Its item.</P><P>2. Second note:</P>
<P>(a) Its own list.</P></NOTE>
<NOTE><HED>Note 1 to paragraph 2:</HED><P>On note 2.</P></NOTE>
<NOTE><HED>Note 2 to paragraph 2:</HED><P>Also on note 2.</P></NOTE>
<NOTE><HED>Notes to paragraph (a)(1):</HED><P>Only words, no numbers.</P></NOTE>
<P>(2) Two.</P><NOTE><HED>Note 1 to paragraph 2:</HED><P>No list right before: where the walk is.</P></NOTE></DIV8>"""
    got = [(p.citation, p.parent, p.text) for p in _records(xml) if p.kind == "note"]
    assert got == [
        ("740.99(a) Note 1", "740.99(a)", "Notes to paragraph (a): 1. First note. a. Its item."),
        ("740.99(a) Note 2", "740.99(a)", "2. Second note: (a) Its own list."),
        ("740.99(a) Note 2 Note 1", "740.99(a) Note 2", "Note 1 to paragraph 2: On note 2."),
        ("740.99(a) Note 2 Note 2", "740.99(a) Note 2", "Note 2 to paragraph 2: Also on note 2."),
        ("740.99(a)(1) Note", "740.99(a)(1)", "Notes to paragraph (a)(1): Only words, no numbers."),
        ("740.99(a)(2) Note 1", "740.99(a)(2)", "Note 1 to paragraph 2: No list right before: where the walk is."),
    ]
