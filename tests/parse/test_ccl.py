"""The CCL parser on the real Part 774 excerpts and on small XML in the real CCL shapes."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from tests.support import ECFR_API
from tracker.model import Paragraph
from tracker.parse.ccl import parse_ccl
from tracker.parse.ccl_shapes import block_name, might_be_block
from tracker.parse.refs import with_refs
from tracker.xmltext import SKIP_TAGS, inline_text, load_xml, plain

APPENDIX = "Supplement No. 1 to Part 774"
EXCERPTS = (
    "excerpt-2026-06-25-title-15-part-774-3A001-3A090-4A090.xml",
    "excerpt-2026-09-01-title-15-part-774-3A001-3A090-4A090.xml",
    "excerpt-2026-06-25-title-15-part-774-9A010-to-9A018.xml",
    "excerpt-2026-09-01-title-15-part-774-9A010-to-9A018.xml",
)
REQUIRED_KEYS = {
    "3A001-3A090-4A090": (
        "3A001",
        "3A090",
        "4A090",
        "3A001 License Requirements",
        "3A001 Reason for Control",
        "3A001.z",
        "3A001.z.1.a",
        "3A001.j-y",
        "3A001.a.5.b.2.a.1",
        "3A001 List Based License Exceptions",
        "3A001 List Based License Exceptions Note",
        "3A001 Special Conditions for STA",
        "3A001 STA",
        "3A090 License Requirements",
        "3A090 Reason for Control",
        "3A090 License Requirements table",
        "3A090 License Requirements RS applies to 3A090.a",
        "3A090 License Requirements RS applies to 3A090.b",
        "3A090 License Requirements AT applies to entire entry",
        "3A090 List Based License Exceptions",
        "3A090 LVS",
        "3A090 NAC/ACA",
        "3A090 List of Items Controlled",
        "3A090 Related Controls",
        "3A090 Related Definitions",
        "3A090 Items",
        "3A090.a",
        "3A090.a.1",
        "3A090.c",
        "3A090.a Technical Note 1",
        "3A090 Note 2",
        "3A001.g Note 1",
        "3A001 License Requirements RS applies to 3A001.z.1.b, z.2.b, z.3.b, z.4.b",
        "3A090.c Technical Note 1",
    ),
    "9A010-to-9A018": (
        "9A010",
        "9A011",
        "9A012",
        "9A018",
        "9A010.a.2.c",
        "9A012.b.4",
        "9A012 License Requirements NS applies to entire entry except 9A012.a.1",
        "9A012 License Requirements MT",
        "9A012.a Technical Notes",
        "9A012 List Based License Exceptions",
        "9A012 Related Controls",
        "9A010.d Technical Note",
        "9A011 Technical Note",
    ),
}


def _div9(data: bytes) -> etree._Element:
    root = load_xml(data, "test.xml").getroot()
    div9 = root if root.tag == "DIV9" else root.find(".//DIV9")
    assert div9 is not None
    return div9


def _parse(data: bytes) -> list[Paragraph]:
    return with_refs(parse_ccl(_div9(data), part="774", parent=APPENDIX, order=100))


def _excerpt(name: str) -> bytes:
    path = ECFR_API / name
    assert path.is_file(), f"shared data missing: {path}"
    return path.read_bytes()


@pytest.fixture(scope="module", params=EXCERPTS)
def excerpt(request: pytest.FixtureRequest) -> tuple[str, bytes, list[Paragraph]]:
    data = _excerpt(request.param)
    return request.param, data, _parse(data)


def _raw_text(el: etree._Element) -> str:
    """All text under ``el`` except navigation elements (independent of the parser's own text code)."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in SKIP_TAGS:
            parts.append(_raw_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _words(text: str) -> list[str]:
    return [w for w in plain(text).split() if w != "|"]


# --- the real excerpts --------------------------------------------------------------------------


def test_every_eccn_heading_in_a_real_excerpt_becomes_an_eccn_record(excerpt):
    name, data, records = excerpt
    markup = re.sub(rb"<!--.*?-->", b"", data, flags=re.S)
    headings = re.findall(rb"<FP-[12]>\s*<B>(\d[A-E]\d{3})\s", markup)
    eccns = [r.citation for r in records if r.kind == "eccn"]
    assert eccns == [h.decode() for h in headings]
    assert len(eccns) >= 3


def test_real_excerpt_has_the_required_keys(excerpt):
    name, _, records = excerpt
    keys = {r.citation for r in records}
    required = next(v for k, v in REQUIRED_KEYS.items() if k in name)
    assert [k for k in required if k not in keys] == []


def test_real_excerpt_loses_no_words(excerpt):
    _, data, records = excerpt
    div9 = _div9(data)
    expected = [w for c in div9 if c.tag not in ("HEAD", *SKIP_TAGS) for w in _raw_text(c).split() if w != "|"]
    assert [w for r in records for w in _words(r.text)] == expected


def test_real_excerpt_keys_are_unique_parents_exist_and_orders_increase(excerpt):
    _, _, records = excerpt
    keys = [r.citation for r in records]
    assert len(keys) == len(set(keys))
    seen = {APPENDIX}
    for r in records:
        assert r.parent in seen, r.citation  # parents come before their children
        seen.add(r.citation)
    orders = [r.order for r in records]
    assert orders[0] == 100
    assert all(a < b for a, b in zip(orders, orders[1:], strict=False))


def test_real_excerpt_records_carry_unit_part_and_marker(excerpt):
    _, _, records = excerpt
    for r in records:
        assert r.part == "774"
        if r.kind in ("eccn", "item", "block", "note", "row", "table"):
            assert re.fullmatch(r"\d[A-E]\d{3}", r.unit), r.citation
            assert r.citation.startswith(r.unit)
        if r.kind == "item":
            assert r.text.startswith(r.marker)


def test_real_3a090_entry_reads_as_in_the_ecfr():
    records = {r.citation: r for r in _parse(_excerpt(EXCERPTS[0]))}
    assert records["3A090"].heading == "Integrated circuits as follows (see List of Items Controlled)."
    assert records["3A090"].parent == "Category 0, Group A"
    assert records["3A090.a.1"].parent == "3A090.a"
    assert records["3A090.a.1"].marker == "a.1."
    assert records["3A090 Note 2"].text.startswith("*Note 2 to 3A090.a and 3A090.b:*")
    assert records["3A090 Note 2"].heading == "Note 2 to 3A090.a, 3A090.b"
    rs_a = records["3A090 License Requirements RS applies to 3A090.a"]
    assert rs_a.parent == "3A090 License Requirements table"
    assert rs_a.text.startswith("RS applies to 3A090.a | To or within")
    assert "3D001" in [ref.target for ref in records["3A090 Related Controls"].refs]
    # 3A001 opens directly with "Reason for Control:"; its License Requirements block is implied.
    assert records["3A001 Reason for Control"].parent == "3A001 License Requirements"
    assert records["3A001.z.1.a"].parent == "3A001.z"
    assert records["3A001.z.1.a"].marker == "z.1.a"


def test_real_9a012_reason_for_control_table_changed_between_dates():
    old = {r.citation: r.text for r in _parse(_excerpt(EXCERPTS[2]))}
    new = {r.citation: r.text for r in _parse(_excerpt(EXCERPTS[3]))}
    rows = [k for k in new if k.startswith("9A012 License Requirements ")]
    assert rows and any(old.get(k) != new[k] for k in rows)
    assert old["9A012"] != new["9A012"]
    assert old["9A010.a.2.c"] == new["9A010.a.2.c"]


# --- shapes -------------------------------------------------------------------------------------


def _shape(body: str) -> dict[str, Paragraph]:
    xml = f'<DIV9 N="{APPENDIX}" TYPE="APPENDIX"><HEAD>{APPENDIX}—The Commerce Control List</HEAD>{body}</DIV9>'
    records = _parse(xml.encode())
    keys = [r.citation for r in records]
    assert len(keys) == len(set(keys))
    return {r.citation: r for r in records}


def test_fp2_bold_heading_becomes_eccn_record():
    recs = _shape("<FP-2><B>3A090 Integrated circuits as follows (see List of Items Controlled).</B></FP-2>")
    r = recs["3A090"]
    assert (r.kind, r.marker, r.unit, r.parent) == ("eccn", "3A090", "3A090", APPENDIX)
    assert r.heading == "Integrated circuits as follows (see List of Items Controlled)."
    assert r.text == "3A090 Integrated circuits as follows (see List of Items Controlled)."


def test_fp1_heading_with_bold_not_covering_the_line_and_600_and_515_series():
    recs = _shape(
        "<FP-1><B>8D001 “Software” “specially designed” for equipment controlled by 8A001</B>.</FP-1>"
        "<FP-2><B>0A501 Firearms and related commodities.</B></FP-2>"
        "<FP-2><B>9A515 “Spacecraft” and related commodities.</B></FP-2>"
    )
    assert [k for k, r in recs.items() if r.kind == "eccn"] == ["8D001", "0A501", "9A515"]
    assert recs["8D001"].heading == "“Software” “specially designed” for equipment controlled by 8A001."


def test_category_part_and_group_headings_are_context_records():
    recs = _shape(
        "<HD1>Category 5—Telecommunications and “Information Security”</HD1>"
        "<HD1>Part 2—“Information Security”</HD1>"
        "<HD1>A. “End Items,” “Equipment,” “Accessories,” “Attachments,” “Parts,” “Components,” and “Systems”</HD1>"
        "<FP-2><B>5A002 “Information security” systems.</B></FP-2>"
    )
    assert recs["Category 5"].kind == "heading"
    assert recs["Category 5, Part 2"].parent == "Category 5"
    assert recs["Category 5, Part 2, Group A"].parent == "Category 5, Part 2"
    assert recs["5A002"].parent == "Category 5, Part 2, Group A"


def test_block_headings_in_e04_hd1_and_italic_fp1_shapes():
    recs = _shape(
        "<FP-2><B>3A090 Integrated circuits.</B></FP-2>"
        '<FP-1><E T="04">License Requirements</E></FP-1>'
        "<FP-1><I>Reason for Control:</I> RS, AT</FP-1>"
        "<HD1>List Based License Exceptions (See Part 740 for a Description of All License Exceptions)</HD1>"
        "<FP-1><I>LVS:</I> N/A</FP-1>"
        "<FP-1><I>NAC/ACA:</I> Yes, for 3A090.a.</FP-1>"
        "<FP-1><I>List of Items Controlled</I></FP-1>"
        "<FP-1><I>Related Controls:</I> (1) See ECCNs 3D001, 3E001 for software.</FP-1>"
        "<FP><I>Items:</I></FP><P>a. Chips.</P>"
    )
    assert recs["3A090 License Requirements"].text == "*License Requirements*"
    assert recs["3A090 Reason for Control"].parent == "3A090 License Requirements"
    assert recs["3A090 List Based License Exceptions"].parent == "3A090"
    assert recs["3A090 LVS"].parent == "3A090 List Based License Exceptions"
    assert recs["3A090 NAC/ACA"].kind == "block"
    assert recs["3A090 Related Controls"].parent == "3A090 List of Items Controlled"
    assert recs["3A090 Items"].parent == "3A090 List of Items Controlled"
    assert recs["3A090.a"].parent == "3A090 Items"


def test_eccns_named_in_text_never_become_headings():
    recs = _shape(
        "<FP-2><B>3A090 Integrated circuits.</B></FP-2>"
        "<FP-1><I>Related Controls:</I> See ECCNs 3D001, 3E001.</FP-1>"
        "<FP><I>Items:</I></FP>"
        "<P>a. Chips specified by 1C010.e; see ECCNs 3D001, 3E001.</P>"
        "<P>3E001 does not control “technology” for these chips.</P>"
        "<P><I>3D001 also applies.</I></P>"
    )
    assert [k for k, r in recs.items() if r.kind == "eccn"] == ["3A090"]
    assert recs["3A090.a ¶1"].text == "3E001 does not control “technology” for these chips."
    assert recs["3A090.a ¶2"].unit == "3A090"


@pytest.mark.parametrize(
    ("fp", "label_text"),
    [
        ("<FP><I>Items:</I> a. Chips;</FP>", "*Items:*"),
        ("<FP><I>Items</I> a. Chips;</FP>", "*Items*"),
        ("<FP><I>Items</I>: a. Chips;</FP>", "*Items*:"),
        ("<FP><I>Items:</I></FP><P>a. Chips;</P>", "*Items:*"),
        ("<FP><I>Items</I></FP><P>a. Chips;</P>", "*Items*"),
    ],
)
def test_items_label_with_or_without_colon_and_inline_first_item(fp, label_text):
    recs = _shape(f"<FP-2><B>4A090 Computers.</B></FP-2>{fp}<P>b. Boards.</P>")
    assert recs["4A090 Items"].text == label_text
    assert recs["4A090.a"].text == "a. Chips;"
    assert recs["4A090.a"].parent == "4A090 Items"
    assert recs["4A090.b"].marker == "b."


def test_items_label_without_a_marker_keeps_the_text_in_the_block():
    recs = _shape(
        "<FP-2><B>3D001 Software.</B></FP-2>"
        "<FP><I>Items:</I> The list of items controlled is contained in the ECCN heading.</FP>"
    )
    assert recs["3D001 Items"].text == "*Items:* The list of items controlled is contained in the ECCN heading."
    assert not [k for k, r in recs.items() if r.kind == "item"]


def test_italic_markers_and_markers_without_trailing_dot():
    recs = _shape(
        "<FP-2><B>4A090 Computers.</B></FP-2><FP><I>Items:</I></FP>"
        "<P><I>a.</I> Computers containing integrated circuits.</P>"
        "<P><I>z.</I> Others:</P>"
        "<P><I>z.3</I> Commodities described in 5A002.c;</P>"
        "<P>z.3.a “Monolithic” amplifiers;</P>"
    )
    assert recs["4A090.a"].text == "a. Computers containing integrated circuits."
    assert recs["4A090.a"].marker == "a."
    assert recs["4A090.z.3"].parent == "4A090.z"
    assert recs["4A090.z.3.a"].parent == "4A090.z.3"
    assert recs["4A090.z.3.a"].marker == "z.3.a"


def test_item_parent_is_the_nearest_existing_ancestor():
    recs = _shape(
        "<FP-2><B>3A001 Electronic items.</B></FP-2><FP><I>Items:</I></FP>"
        "<P>z.1.a Amplifiers;</P><P>a.5.b.2.a.1. A settling time;</P>"
    )
    assert recs["3A001.z.1.a"].parent == "3A001 Items"
    assert recs["3A001.a.5.b.2.a.1"].parent == "3A001 Items"


def test_bare_sub_item_markers_are_placed_under_the_current_item():
    recs = _shape(
        "<FP-2><B>3A001 Electronic items.</B></FP-2><FP><I>Items:</I></FP>"
        "<P>a. General purpose;</P><P>1. Relative sub-item;</P><P>a. Deeper;</P><P>2. Next;</P><P>b. Second;</P>"
    )
    assert recs["3A001.a.1"].marker == "1."
    assert recs["3A001.a.1.a"].parent == "3A001.a.1"
    assert recs["3A001.a.2"].parent == "3A001.a"
    assert recs["3A001.b"].parent == "3A001 Items"


def test_reserved_range_is_one_item():
    recs = _shape(
        "<FP-2><B>3A001 Electronic items.</B></FP-2><FP><I>Items:</I></FP>"
        "<P>i. Modulators.</P><P>j. through y. [Reserved]</P><P>z. Any commodity.</P>"
    )
    r = recs["3A001.j-y"]
    assert (r.kind, r.marker, r.parent) == ("item", "j. through y.", "3A001 Items")
    assert "3A001.z" in recs


def test_hd2_inside_the_item_list_is_a_heading_that_does_not_break_items():
    recs = _shape(
        "<FP-2><B>0A501 Firearms.</B></FP-2><FP><I>Items:</I></FP>"
        "<P>a. Firearms;</P><HD2>Parts and components</HD2><P>a.1. Barrels;</P><P>b. Receivers.</P>"
    )
    # keyed by its words, not by its number, so a heading added before it does not rename it
    assert recs["0A501 Items, Parts and components"].kind == "heading"
    assert recs["0A501 Items, Parts and components"].parent == "0A501 Items"
    assert recs["0A501.a.1"].parent == "0A501.a"
    assert recs["0A501.b"].parent == "0A501 Items"


def test_note_with_hed_is_one_record_under_the_item_it_follows():
    recs = _shape(
        "<FP-2><B>3A090 Integrated circuits.</B></FP-2><FP><I>Items:</I></FP>"
        "<P>a. Chips:</P><P>a.1. Fast;</P>"
        "<NOTE><HED><I>Technical Note 1 to 3A090.a:</I></HED><P><I>TPP is</I></P>"
        "<FP-1>—<I>computed</I></FP-1></NOTE>"
        "<NOTE><HED><I>Note:</I></HED><P><I>First.</I></P></NOTE>"
        "<NOTE><HED><I>Note:</I></HED><P><I>Second.</I></P></NOTE>"
        "<NOTE><HED><I>N.B.</I>:</HED><P><I>See 3A901.</I></P></NOTE>"
        "<NOTE><HED><I>Note 2: 3A090 does not control</I></HED><NOTE><HED>Note 3:</HED><P>nested</P></NOTE></NOTE>"
    )
    r = recs["3A090.a Technical Note 1"]
    assert (r.kind, r.parent, r.heading) == ("note", "3A090.a", "Technical Note 1")
    assert r.text == "*Technical Note 1 to 3A090.a:* *TPP is* —*computed*"
    assert recs["3A090.a.1 Note"].text == "*Note:* *First.*"
    assert recs["3A090.a.1 Note 2"].text == "*Note:* *Second.*"
    assert recs["3A090.a.1 N.B."].parent == "3A090.a.1"
    assert recs["3A090 Note 2"].text == "*Note 2: 3A090 does not control* Note 3: nested"


def test_notes_after_the_heading_and_in_the_license_exceptions_block():
    recs = _shape(
        "<FP-2><B>9A011 Ramjet engines.</B></FP-2>"
        "<NOTE><HED><I>Technical Note:</I></HED><P><I>Combined cycle.</I></P></NOTE>"
        "<FP-2><B>3A001 Electronic items.</B></FP-2>"
        '<FP-1><E T="05">List Based License Exceptions (See Part 740)</E></FP-1>'
        "<FP-1><I>LVS:</I> N/A</FP-1><P>Yes for:</P>"
        "<NOTE><HED><I>Note:</I></HED><P><I>See § 740.2(a)(9)(ii).</I></P></NOTE>"
    )
    assert recs["9A011 Technical Note"].parent == "9A011"
    assert recs["3A001 LVS ¶1"].text == "Yes for:"
    assert recs["3A001 List Based License Exceptions Note"].parent == "3A001 List Based License Exceptions"


def test_gpotable_reason_for_control_table():
    recs = _shape(
        "<FP-2><B>3E001 Technology.</B></FP-2>"
        '<FP-1><E T="04">License Requirements</E></FP-1>'
        "<FP-1><I>Reason for Control:</I> NS, AT</FP-1>"
        '<GPOTABLE COLS="2"><BOXHD><CHED H="1">Control(s)</CHED><CHED H="1">Country Chart</CHED></BOXHD>'
        "<ROW><ENT I=\"01\">NS applies to entire entry</ENT><ENT>NS Column 1</ENT></ROW>"
        "<ROW><ENT>NS applies to 3E001.b</ENT><ENT>NS Column 2</ENT></ROW>"
        "<ROW><ENT>AT applies to entire entry</ENT><ENT>AT Column 1</ENT></ROW></GPOTABLE>"
    )
    assert recs["3E001 License Requirements table"].text == "Control(s) | Country Chart"
    assert recs["3E001 License Requirements NS applies to 3E001.b"].text == "NS applies to 3E001.b | NS Column 2"
    assert recs["3E001 License Requirements AT applies to entire entry"].parent == "3E001 License Requirements table"


def test_html_tables_with_and_without_thead():
    head = '<FP-2><B>3D001 Software.</B></FP-2><FP-1><E T="04">License Requirements</E></FP-1>'
    with_thead = (
        '<DIV width="100%"><DIV class="gpotbl_div"><TABLE><THEAD><TR><TH>Control(s)</TH>'
        "<TH>Country Chart<br/>(see Supp. No. 1 to part 738)</TH></TR></THEAD>"
        "<TBODY><TR><TD>RS applies to 3D001</TD><TD>RS Column 1.</TD></TR></TBODY></TABLE></DIV></DIV>"
    )
    gpotbl = (
        '<TABLE class="gpotbl_table"><TR><TH scope="col">Control(s)</TH><TH scope="col">Country Chart</TH></TR>'
        '<TR><TD scope="row">RS applies to 3D001</TD><TD>RS Column 1.</TD></TR></TABLE>'
    )
    for table in (with_thead, gpotbl):
        recs = _shape(head + table)
        assert recs["3D001 License Requirements table"].text.startswith("Control(s) | Country Chart")
        assert recs["3D001 License Requirements RS applies to 3D001"].text == "RS applies to 3D001 | RS Column 1."


def test_other_shapes_become_keyed_text_records():
    recs = _shape(
        '<FP-2><B>3D001 Software.</B></FP-2><P><E T="04">Reporting Requirements</E></P>'
        "<P>See § 743.1 of the EAR.</P>"
        "<P><I>License Requirements Note: See § 744.17 of the EAR.</I></P>"
        "<FP-2><B>9A018 Equipment on the Wassenaar Arrangement Munitions List.</B></FP-2>"
        "<P>(a) See ECCN 9A610.</P><FP-1>—stray dash</FP-1>"
        '<XREF ID="1">Link to an amendment published at 91 FR 46261.</XREF>'
    )
    assert recs["3D001 Reporting Requirements"].kind == "block"
    assert recs["3D001 Reporting Requirements ¶1"].text == "See § 743.1 of the EAR."
    assert recs["3D001 License Requirements Note"].text.startswith("*License Requirements Note:")
    assert recs["9A018 ¶1"].text == "(a) See ECCN 9A610."
    assert recs["9A018 ¶2"].text == "—stray dash"
    assert not any("amendment" in r.text for r in recs.values())


def test_a_field_that_opens_a_list_keeps_its_lettered_paragraphs_as_its_text():
    # Real 1C240 (and 1C230, 1C237; 1A008 under Related Controls): the lettered exclusions come before the items.
    recs = _shape(
        "<FP-2><B>1C240 Nickel powder.</B></FP-2><FP-1><I>List of Items Controlled</I></FP-1>"
        "<FP-1><I>Related Controls:</I> (1) All of the following are “subject to the ITAR”:</FP-1>"
        "<P>a. High explosives;</P><P>(2) See also ECCN 1C011.</P>"
        "<FP-1><I>ECCN Controls:</I> This entry does not control the following:</FP-1>"
        "<P>a. Filamentary nickel powders;</P><P>b. Single porous nickel sheets.</P>"
        "<FP><I>Items:</I></FP><P>a. Nickel powder:</P><P>a.1. Pure;</P><P>b. Porous nickel metal.</P>"
    )
    assert recs["1C240 Related Controls ¶1"].text == "a. High explosives;"
    assert recs["1C240 Related Controls ¶2"].text == "(2) See also ECCN 1C011."
    assert recs["1C240 ECCN Controls ¶2"].text == "b. Single porous nickel sheets."
    assert [k for k, r in recs.items() if r.kind == "item"] == ["1C240.a", "1C240.a.1", "1C240.b"]
    assert recs["1C240.a"].text == "a. Nickel powder:"


def test_items_right_after_a_field_that_opens_no_list_stay_items():
    # Real 5A001: no "Items:" label, the items follow Related Controls directly.
    recs = _shape(
        "<FP-2><B>5A001 Telecommunications.</B></FP-2><FP-1><I>List of Items Controlled</I></FP-1>"
        "<FP-1><I>Related Controls:</I> (1) See USML Category XI. (2) See also ECCNs 5A101.</FP-1>"
        "<P>a. Any type of telecommunications equipment:</P><P>a.1. Hardened;</P>"
    )
    assert recs["5A001.a"].parent == "5A001 List of Items Controlled"
    assert recs["5A001.a.1"].parent == "5A001.a"


def test_ear99_line_closes_the_category_and_the_annex_is_outside_every_entry():
    # Real Category 1 ends: 1E998, the mixed bold/italic EAR99 line, then the Annex (List of Explosives).
    recs = _shape(
        "<HD1>Category 1—Special Materials</HD1><HD1>E. “Technology”</HD1>"
        "<FP-2><B>1E998 “Technology” for processing equipment.</B></FP-2>"
        "<FP><I>Items:</I> The list of items controlled is contained in the ECCN heading.</FP>"
        "<FP-2><B>EAR99 Items Subject to the EAR That Are </B><I>Not</I> <B>Elsewhere Specified</B></FP-2>"
        "<HD1>Annex to Category 1</HD1><HD2>List of Explosives (See ECCNs 1A004 and 1A008)</HD2>"
        "<P>1. ADNBF;</P><P>2. BNCP;</P>"
    )
    ear99 = recs["Category 1 EAR99"]
    assert (ear99.parent, ear99.unit) == ("Category 1", APPENDIX)
    assert ear99.text.startswith("**EAR99 Items Subject to the EAR That Are** *Not*")
    annex = recs["Category 1, Annex to Category 1"]
    assert (annex.kind, annex.parent, annex.unit) == ("heading", "Category 1", APPENDIX)
    explosives = "Category 1, List of Explosives (See ECCNs 1A004 and 1A008)"
    assert recs[f"{explosives} ¶2"].text == "2. BNCP;"
    assert not [k for k in recs if k.startswith("1E998.")]


def test_notes_outside_an_entry_hang_under_the_heading_they_follow():
    # Real Category 4: the Technical Note on "APP" follows the EAR99 line, with NOTE blocks of its own.
    recs = _shape(
        "<HD1>Category 4—Computers</HD1><FP-2><B>EAR99 Items subject to the EAR.</B></FP-2>"
        "<HD1>Technical Note on “Adjusted Peak Performance” (“APP”)</HD1><P><I>“APP” is a rate.</I></P>"
        "<NOTE><HED><I>Note 1:</I></HED><P><I>For processors.</I></P></NOTE>"
    )
    heading = "Category 4, Technical Note on “Adjusted Peak Performance” (“APP”)"
    assert recs[f"{heading} Note 1"].parent == heading


def test_an_italic_list_entry_ending_in_a_colon_is_not_a_field_label():
    # Real 2E003: the Deposition Techniques table's notes list parameters as "*c. Heat treatment …, as follows:*".
    recs = _shape(
        "<FP-2><B>2E003 Other “technology”.</B></FP-2><FP><I>Items:</I></FP><P>f. Coatings.</P>"
        "<P><I>c. Heat treatment cycle parameters, as follows:</I></P><P><I>1. Atmosphere parameters:</I></P>"
    )
    assert not [k for k, r in recs.items() if r.kind == "block" and k not in ("2E003 Items",)]
    assert recs["2E003.f ¶1"].text == "*c. Heat treatment cycle parameters, as follows:*"


# --- the whole real CCL ---------------------------------------------------------------------------

FULL_774 = "full-2026-09-01-title-15-part-774.xml"


@pytest.fixture(scope="module")
def ccl() -> tuple[bytes, dict[str, Paragraph]]:
    data = _excerpt(FULL_774)
    return data, {r.citation: r for r in _parse(data)}


def test_whole_real_ccl_keys_every_bold_eccn_heading_once(ccl):
    data, records = ccl
    markup = re.sub(rb"<!--.*?-->", b"", data)
    bold = [h.decode() for h in re.findall(rb"<FP-[12]>\s*<B>(\d[A-E]\d{3})[\s<]", markup)]
    eccns = [k for k, r in records.items() if r.kind == "eccn"]
    assert len(bold) > 600
    assert eccns == bold
    assert all(records[e].unit == e and records[e].parent.startswith("Category") for e in eccns)


def test_whole_real_ccl_keys_are_sound_and_of_part_774_only(ccl):
    _, records = ccl
    seen = {APPENDIX}
    for r in records.values():
        assert r.parent in seen, r.citation
        seen.add(r.citation)
        assert r.part == "774"
        if r.kind in ("item", "block", "row", "table"):
            assert r.citation.startswith(r.unit) and re.fullmatch(r"\d[A-E]\d{3}", r.unit), r.citation
    assert not [k for k, r in records.items() if r.kind == "item" and re.search(r" \d+$", k)], "an item key repeats"


def test_whole_real_ccl_entries_in_the_shapes_learnt(ccl):
    _, records = ccl
    # a field's own lettered list is not the entry's items
    assert records["1A008.a"].text.startswith("a. 'Shaped charges' having all of the following")
    assert records["1A008 Related Controls ¶1"].text.startswith("a. High explosives")
    assert records["1C230 ECCN Controls ¶1"].text.startswith("a. Metal windows for X-ray machines")
    assert records["1C240.b"].text.startswith("b. Porous nickel metal")
    # one EAR99 line per category, outside every entry; the Annex to Category 1 is no item of 1E998
    ear99 = [k for k in records if k.endswith(" EAR99")]
    assert len(ear99) == 10 and all(records[k].parent == k.removesuffix(" EAR99") for k in ear99)
    assert "Category 1, Annex to Category 1" in records and "1E998.1" not in records
    assert not [k for k, r in records.items() if "EAR99 Items" in r.text and r.kind != "text"]
    # items inside a NOTE element, reserved ranges, the bare top-level letter after a deep sub-item
    assert records["1C001.b"].parent == "1C001 Items" and records["1C001.b Note"].parent == "1C001.b"
    assert records["6A002.a.3"].parent == "6A002.a" and records["6A002.a.3.g"].parent == "6A002.a.3"
    assert records["3B001.f"].parent == "3B001 Items"
    assert records["9A610.k-s"].text == "k. through s. [Reserved]"
    # the supplement's source note and editorial notes belong to the supplement, not to the last item
    assert records[f"{APPENDIX} Source"].text == "[63 FR 2459, Jan. 15, 1998]"
    assert "could not be incorporated" in records[f"{APPENDIX} Editorial Note 2"].text


def test_a_note_left_open_over_the_next_items_gives_them_back_to_the_entry():
    # Real 1C001 (2026-09-01): item b. is inside the NOTE "Note 2", itself inside an unclosed "Technical Note".
    recs = _shape(
        "<FP-2><B>1C001 Materials.</B></FP-2><FP><I>Items:</I></FP><P>a. Absorbers:</P>"
        "<NOTE><HED><I>Technical Note:</I></HED><P><I>For the purposes of 1C001.a.</I></P>"
        "<P>2. For the purposes of 1C001.a, a numbered note entry.</P><P>b. <I>An italic note entry.</I></P>"
        "<NOTE><HED><I>Note 2:</I></HED><P><I>Nothing in Note 1.</I></P>"
        "<P>b. Materials not transparent to visible light.</P>"
        "<NOTE><HED><I>Note:</I></HED><P><I>1C001.b does not apply to:</I></P><P><I>a. Laser marking.</I></P></NOTE>"
        "<P>c. Polymeric materials.</P></NOTE></NOTE>"
        '<CITA TYPE="N">[63 FR 2459, Jan. 15, 1998]</CITA>'
        "<EDNOTE><HED>Editorial Notes:</HED><PSPACE>1. See the List of CFR Sections Affected.</PSPACE></EDNOTE>"
    )
    assert recs["1C001.a Technical Note"].text == (
        "*Technical Note:* *For the purposes of 1C001.a.* 2. For the purposes of 1C001.a, a numbered note entry. "
        "b. *An italic note entry.*"
    )
    assert recs["1C001.a Note 2"].text == "*Note 2:* *Nothing in Note 1.*"
    assert recs["1C001.b"].parent == "1C001 Items"
    assert recs["1C001.b Note"].text == "*Note:* *1C001.b does not apply to:* *a. Laser marking.*"
    assert recs["1C001.c"].parent == "1C001 Items"
    source = recs[f"{APPENDIX} Source"]
    assert (source.kind, source.parent, source.unit) == ("source", APPENDIX, APPENDIX)
    assert recs[f"{APPENDIX} Editorial Note"].kind == "ednote"


def test_the_block_heading_prefilter_passes_every_block_heading_of_the_real_ccl():
    """might_be_block looks at three characters before reading a paragraph without markup: it never turns away a
    text whose plain words name a block, and lets through any whose first letters are marked up."""
    root = load_xml((ECFR_API / FULL_774).read_bytes()).getroot()
    texts = [inline_text(el) for el in root.iter("P", "FP", "FP-1", "FP-2", "HD1", "HD2", "HD3")]
    blocks = [t for t in texts if block_name(plain(t))]
    assert len(blocks) > 1500 and all(map(might_be_block, blocks))
    assert might_be_block("*L*icense Requirements") and might_be_block("Lic")
    assert not might_be_block("*Reason for Control:* NS") and not might_be_block("Li")
