"""Paragraphs matched by content, on versions derived from the real Part 740 and 3A001 XML.

A renumbering is redesignations (each old → new) plus what was really added, never removed + added; with
the conforming edits a rule makes (self-references updated) each renumbered paragraph is still one
``redesignated`` change, carrying the reference pairs; a paragraph split into sub-paragraphs is one
``restructured`` change. Inserting a paragraph under a free designation is exactly one ``added``.
"""

from __future__ import annotations

import re

import pytest

from tests.diff.roundtrip import apply
from tests.diff.samples import EXCERPT_3A, Z_BEFORE, merged_3a001_z, part_740_xml, replace_once
from tests.support import ECFR_API, require
from tracker.diff import compare, diff_dates
from tracker.model import Change, Paragraph
from tracker.parse import parse_bytes
from tracker.store import Store

SECTION_START, SECTION_END = '<DIV8 N="740.9"', '<DIV8 N="740.10"'
#: The first words of 740.9(b)(1)-(5) after the marker.
B_TITLES = ("Items moving", "Items imported", "Return of foreign-origin", "Return of shipments", "Exports of firearms")
NOTE_1 = '<HED>Note 1 to paragraph (<E T="01">b</E>)({}):'
NEW_B = "<P>({}) <I>Aircraft parts in transit.</I> Parts of aircraft registered in Country Group B may go.</P>"


def _in_740_9(xml: str, edit) -> str:
    start, end = xml.index(SECTION_START), xml.index(SECTION_END)
    return xml[:start] + edit(xml[start:end]) + xml[end:]


def insert_b(xml: str, k: int) -> str:
    """740.9 with a new paragraph (b)(k) and the old (b)(k)-(b)(5) renumbered (b)(k+1)-(b)(6): markers and the
    heading of "Note 1 to paragraph (b)(5)" (its own designation), nothing else."""

    def edit(s: str) -> str:
        for n in range(5, k - 1, -1):
            s = replace_once(s, f"<P>({n}) <I>{B_TITLES[n - 1]}", f"<P>({n + 1}) <I>{B_TITLES[n - 1]}")
        if k <= 5:
            s = replace_once(s, NOTE_1.format(5), NOTE_1.format(6))
            at = f"<P>({k + 1}) <I>{B_TITLES[k - 1]}"
            return replace_once(s, at, NEW_B.format(k) + "\n" + at)
        at = "<NOTE>\n" + NOTE_1.format(5)
        return replace_once(s, at, NEW_B.format(k) + "\n" + at)

    return _in_740_9(xml, edit)


def conforming(xml: str) -> str:
    """The conforming edits of the (b)(3) insertion: 740.9's references to (b)(3)-(5) and 740.1(d)'s to (b)(3)."""

    def edit(s: str) -> str:
        s = s.replace("paragraph (b)(5)", "paragraph (b)(6)").replace("740.9(b)(5)", "740.9(b)(6)")
        return replace_once(s, "(b)(3), (4), or (5)", "(b)(4), (5), or (6)")

    return replace_once(_in_740_9(xml, edit), "&#xA7; 740.9(b)(3), are", "&#xA7; 740.9(b)(4), are")


def _changes(old_xml: str, new_xml: str) -> tuple[list[Paragraph], list[Change]]:
    old, new = parse_bytes(old_xml.encode()), parse_bytes(new_xml.encode())
    changes = compare(old, new)
    assert [(p.citation, p.text) for p in apply(old, changes) if p.kind != "ednote"] == [
        (p.citation, p.text) for p in new if p.kind != "ednote"
    ]
    return old, changes


def _renumbered(citation: str, first: int, by: int) -> str | None:
    """The citation a paragraph of 740.9 has once (b)(first) and the paragraphs after it move ``by`` places, or
    None when it keeps its own."""
    m = re.match(r"740\.9\(b\)\((\d)\)", citation)
    if m is None or int(m.group(1)) < first:
        return None
    return f"740.9(b)({int(m.group(1)) + by}){citation[m.end():]}"


B3_RENUMBERED = [
    ("added", None, "740.9(b)(3)"),
    ("redesignated", "740.9(b)(3)", "740.9(b)(4)"),
    ("redesignated", "740.9(b)(4)", "740.9(b)(5)"),
    ("redesignated", "740.9(b)(4)(i)", "740.9(b)(5)(i)"),
    ("redesignated", "740.9(b)(4)(ii)", "740.9(b)(5)(ii)"),
    ("redesignated", "740.9(b)(5)", "740.9(b)(6)"),
    ("redesignated", "740.9(b)(5)(i)", "740.9(b)(6)(i)"),
    ("redesignated", "740.9(b)(5)(ii)", "740.9(b)(6)(ii)"),
    ("redesignated", "740.9(b)(5)(iii)", "740.9(b)(6)(iii)"),
    ("redesignated", "740.9(b)(5)(iv)", "740.9(b)(6)(iv)"),
    ("redesignated", "740.9(b)(5)(iv)(A)", "740.9(b)(6)(iv)(A)"),
    ("redesignated", "740.9(b)(5)(iv)(B)", "740.9(b)(6)(iv)(B)"),
    ("redesignated", "740.9(b)(5)(iv)(C)", "740.9(b)(6)(iv)(C)"),
    ("redesignated", "740.9(b)(5)(v)", "740.9(b)(6)(v)"),
    ("redesignated", "740.9(b)(5) Note 1", "740.9(b)(6) Note 1"),
]


def test_renumbering_b_3_to_5_as_b_4_to_6_with_a_new_b_3_is_one_added_and_redesignations():
    xml = part_740_xml()
    _, changes = _changes(xml, insert_b(xml, 3))
    assert [(c.kind, c.old_citation, c.citation) for c in changes] == B3_RENUMBERED
    assert all(c.reference_pairs == () for c in changes)


def _targets(paragraphs: list[Paragraph], citation: str) -> set[str]:
    return {r.target for p in paragraphs if p.citation == citation for r in p.refs}


def test_with_the_conforming_edits_each_renumbered_paragraph_is_one_redesignation_carrying_its_reference_pairs():
    xml = part_740_xml()
    old, changes = _changes(xml, conforming(insert_b(xml, 3)))
    # 740.9(b) reads "other than paragraph (b)(3), (4), or (5)": reference-only once the parser extracts that list
    b_kind = "reference-only" if "740.9(b)(4)" in _targets(old, "740.9(b)") else "modified"
    assert [(c.kind, c.old_citation, c.citation) for c in changes] == [
        ("reference-only", None, "740.1(d)"),
        ("reference-only", None, "740.9(a)"),
        (b_kind, None, "740.9(b)"),
        *B3_RENUMBERED,
    ]
    pairs = {c.citation: c.reference_pairs for c in changes if c.reference_pairs}
    assert pairs["740.1(d)"] == (("740.9(b)(3)", "740.9(b)(4)"),)
    assert pairs["740.9(a)"] == (("740.9(b)(5)", "740.9(b)(6)"),)
    assert pairs["740.9(b)(6)(iv)(A)"] == (("740.9(b)(5)", "740.9(b)(6)"),)  # "(15 CFR 740.9(b)(5))"
    assert pairs["740.9(b)(6)(v)"] == (("740.9(b)(5)(iv)(B)", "740.9(b)(6)(iv)(B)"),)
    # its label "Note 1 to paragraph (b)(5):" follows the pair its text's "paragraph (b)(5) of this section" gives
    assert pairs["740.9(b)(6) Note 1"] == (("740.9(b)(5)", "740.9(b)(6)"),)
    # "This paragraph (b)(5) authorizes": its pair once the parser reads "This paragraph" at a sentence start
    found = "740.9(b)(5)" in _targets(old, "740.9(b)(5)")
    assert pairs.get("740.9(b)(6)") == ((("740.9(b)(5)", "740.9(b)(6)"),) if found else None)
    redesignated = [c for c in changes if c.kind == "redesignated"]
    assert all(c.redline for c in redesignated)  # the marker's run, and the reference's where it changed


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6])
def test_inserting_b_k_renumbers_every_later_paragraph_of_b_and_nothing_else(k):
    xml = part_740_xml()
    old, changes = _changes(xml, insert_b(xml, k))
    moved = [(p.citation, _renumbered(p.citation, k, 1)) for p in old if _renumbered(p.citation, k, 1)]
    assert [(c.kind, c.old_citation, c.citation) for c in changes] == [
        ("added", None, f"740.9(b)({k})"),
        *(("redesignated", a, b) for a, b in moved),
    ]


def remove_b(xml: str, k: int) -> str:
    """740.9 without (b)(k) and what is under it (Note 1 to paragraph (b)(5) with (b)(5)), and (b)(k+1)-(b)(5)
    renumbered (b)(k)-(b)(4): markers and the heading of Note 1, nothing else."""

    def edit(s: str) -> str:
        start = s.index(f"<P>({k}) <I>{B_TITLES[k - 1]}")
        end = s.index(f"<P>({k + 1}) <I>{B_TITLES[k]}") if k < 5 else s.index("</NOTE>", s.index(NOTE_1.format(5))) + 8
        s = s[:start] + s[end:]
        for n in range(k + 1, 6):
            s = replace_once(s, f"<P>({n}) <I>{B_TITLES[n - 1]}", f"<P>({n - 1}) <I>{B_TITLES[n - 1]}")
        return replace_once(s, NOTE_1.format(5), NOTE_1.format(4)) if k < 5 else s

    return _in_740_9(xml, edit)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_removing_b_k_is_its_removals_and_every_later_paragraph_of_b_redesignated(k):
    xml = part_740_xml()
    old, changes = _changes(xml, remove_b(xml, k))
    under_k = re.compile(rf"740\.9\(b\)\({k}\)(?![\d])")
    gone = [p.citation for p in old if under_k.match(p.citation)]
    moved = [(p.citation, _renumbered(p.citation, k + 1, -1)) for p in old if _renumbered(p.citation, k + 1, -1)]
    assert [(c.kind, c.old_citation, c.citation) for c in changes] == [
        *(("removed", None, c) for c in gone), *(("redesignated", a, b) for a, b in moved)]


@pytest.mark.parametrize(
    ("after", "line", "citation"),
    [
        ("<P>(iv) The authorization to export in paragraph (b)(1)", "<P>(v) Items in transit may not be stored.</P>",
         "740.9(b)(1)(v)"),
        ("<P>(C) Exports to Country Groups D:1", "<P>(D) Exports of items imported from Cuba.</P>",
         "740.9(b)(2)(ii)(D)"),
        ("<P>(v) In addition to the export clearance", "<P>(vi) The firearms must leave within one year.</P>",
         "740.9(b)(5)(vi)"),
        ("<P>(iii) <I>Authorization to retain item abroad", "<P>(iv) <I>Loss.</I> Items lost abroad are reported.</P>",
         "740.9(a)(14)(iv)"),
    ],
)
def test_inserting_a_paragraph_under_a_free_designation_is_exactly_one_added(after, line, citation):
    xml = part_740_xml()
    end = xml.index("\n", xml.index(after))
    _, changes = _changes(xml, xml[:end] + "\n" + line + xml[end:])
    assert [(c.kind, c.citation) for c in changes] == [("added", citation)]


def test_a_paragraph_split_into_sub_paragraphs_is_one_restructuring_with_the_old_text_and_the_new_parts():
    xml = require(ECFR_API / EXCERPT_3A.format("2026-09-01")).read_text("utf-8")
    old, changes = _changes(merged_3a001_z(xml), xml)
    (change,) = changes
    assert (change.kind, change.citation) == ("restructured", "3A001.z")
    assert change.old_text == Z_BEFORE
    assert change.new_text.endswith("in 3A090, as follows:")
    new = parse_bytes(xml.encode())
    under = [p.citation for p in new if p.citation.startswith("3A001.z.")]
    assert len(under) == 8
    assert [(c.kind, c.citation) for c in change.parts] == [("added", c) for c in under]
    assert change.to_dict()["parts"][0]["citation"] == under[0]


def test_the_renumbering_diffed_between_stored_dates_is_the_same_as_comparing_the_versions():
    xml = part_740_xml()
    old, new = parse_bytes(xml.encode()), parse_bytes(conforming(insert_b(xml, 3)).encode())
    store = Store(":memory:")
    for day, paragraphs in (("2026-09-01", old), ("2026-10-01", new)):
        store.ingest(paragraphs, part="740", date=day, source=day, sha256=day, size=1)
    assert diff_dates(store, "2026-09-01", "2026-10-01").changes == compare(old, new)


ITEM_4A090 = ("<P>{}. Computers, &#x201C;electronic assemblies,&#x201D; and &#x201C;components&#x201D; containing "
              "integrated circuits, any of which meets or exceeds the limits in 3A090.{}.</P>")


def insert_4a090_a(xml: str, conforming: bool) -> str:
    """4A090 with a new item a. (the limits in 3A090.c), the old a. and b. renumbered b. and c.; with the
    conforming edits, the entry's own references to its items follow them (rows, AIA, LPP, Technical Note)."""
    start = xml.index("<FP-2><B>4A090 ")
    s = replace_once(xml[start:], ITEM_4A090.format("b", "b"), ITEM_4A090.format("c", "b"))
    s = replace_once(s, ITEM_4A090.format("a", "a"), ITEM_4A090.format("a", "c") + "\n" + ITEM_4A090.format("b", "a"))
    if conforming:
        s = s.replace("4A090.b", "4A090.c").replace("4A090.a and .b", "4A090.b and .c").replace("4A090.a", "4A090.b")
    return xml[:start] + s


@pytest.mark.parametrize("conforming_edits", [False, True])
def test_a_new_ccl_item_a_renumbers_a_and_b_as_b_and_c(conforming_edits):
    xml = require(ECFR_API / EXCERPT_3A.format("2026-09-01")).read_text("utf-8")
    old, changes = _changes(xml, insert_4a090_a(xml, conforming_edits))
    items = [("added", None, "4A090.a", ()), ("redesignated", "4A090.a", "4A090.b", ()),
             ("redesignated", "4A090.b", "4A090.c", ())]
    got = [(c.kind, c.old_citation, c.citation, c.reference_pairs) for c in changes]
    if not conforming_edits:
        assert got == items
        return
    rows = "4A090 License Requirements RS applies to 4A090.{}"
    # "For purposes of 4A090.a and .b": reference-only once the parser reads the ".b" of that list
    note_pairs = (("4A090.a", "4A090.b"), ("4A090.b", "4A090.c"))
    note = ("reference-only", None, "4A090 Technical Note", note_pairs)
    if "4A090.b" not in _targets(old, "4A090 Technical Note"):
        note = ("modified", None, "4A090 Technical Note", ())
    assert got == [
        ("redesignated", rows.format("a"), rows.format("b"), (("4A090.a", "4A090.b"),)),
        ("redesignated", rows.format("b"), rows.format("c"), (("4A090.b", "4A090.c"),)),
        ("reference-only", None, "4A090 AIA", (("4A090.a", "4A090.b"),)),
        ("reference-only", None, "4A090 LPP", (("4A090.a", "4A090.b"),)),
        *items,
        note,
    ]
