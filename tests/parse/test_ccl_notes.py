"""CCL notes keyed under what they name, License Requirements rows by reason and scope, on the real Part 774.

A note belongs to the item its label or its first sentence names ("3A001.g. includes:" after g.2.b is a note to
3A001.g), so inserting an item before it moves nothing; a License Requirements row is keyed by its reason and the
items it applies to, so inserting a row moves nothing.
"""

from __future__ import annotations

import re

import pytest

from tests.support import ECFR_API, require
from tracker.citations import ECCN, ITEM
from tracker.diff import compare
from tracker.model import Paragraph
from tracker.parse import parse_bytes
from tracker.parse.ccl_notes import common_parent, note_label, note_targets, row_scope

FULL_774 = ECFR_API / "full-2026-09-01-title-15-part-774.xml"
EXCERPT = ECFR_API / "excerpt-{}-title-15-part-774-3A001-3A090-4A090.xml"
EXCERPT_9A = ECFR_API / "excerpt-{}-title-15-part-774-9A010-to-9A018.xml"
_NAMED = re.compile(ECCN + ITEM)


def _records(path) -> dict[str, Paragraph]:
    return {r.citation: r for r in parse_bytes(require(path).read_bytes(), path.name)}


@pytest.fixture(scope="module")
def excerpt() -> dict[str, Paragraph]:
    return _records(ECFR_API / EXCERPT.name.format("2026-09-01"))


@pytest.fixture(scope="module")
def part_774() -> tuple[bytes, list[Paragraph]]:
    data = require(FULL_774).read_bytes()
    return data, parse_bytes(data, FULL_774.name)


def _names_its_parent(r: Paragraph, keys: set[str]) -> bool:
    return r.parent in {m for m in _NAMED.findall(r.text) if m.startswith(f"{r.unit}.") and m in keys}


# --- the readers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "eccn", "targets"),
    [
        ("Note 1: 3A001.g. includes: —Silicon Controlled Rectifiers (SCRs)", "3A001", ("3A001.g",)),
        ("Note 3: 3A001.h does not apply to switches", "3A001", ("3A001.h",)),
        ("Technical Note: For the purposes of 3A001.a.5, a 'resolution' of n bit", "3A001", ("3A001.a.5",)),
        ("Technical Notes: 1. For the purposes of 9A012.a, 'operator' is a person", "9A012", ("9A012.a",)),
        ("Note 2 to 3A090.a and 3A090.b: 3A090.a and 3A090.b do not apply to", "3A090", ("3A090.a", "3A090.b")),
        ("Note 1 to 0A506.a and .b: “Parts” and “components”", "0A506", ("0A506.a", "0A506.b")),
        ("Technical Notes for paragraphs a and b: For the purposes of 1B101.a.", "1B101", ("1B101.a", "1B101.b")),
        ("Note 2 to paragraph b: ECCN 0A606.b.1 does not control civilian vehicles", "0A606", ("0A606.b",)),
        ("Note to ECCN 0A982. This ECCN applies to restraint devices", "0A982", ("0A982",)),
        ("Note 2 to 0A614: This entry does not apply to “equipment”", "0A614", ("0A614",)),
        ("Note: This entry does not control items in 3A001.b", "3A991", ("3A991",)),
        ("Note: 1A002 does not control “composite” structures", "1A002", ("1A002",)),
        # the first item named and those listed with it, not an item named in passing
        ("Technical Note: 1C240.b refers to porous metal formed from the materials in 1C240.a", "1C240", ("1C240.b",)),
        ("Technical Notes: 1. For the purposes of 1C008.a.2 thermoplastic materials, 1C008.a.4 materials, and "
         "1C008.f materials, the 'glass transition temperature'", "1C008", ("1C008.a.2", "1C008.a.4", "1C008.f")),
        ("Technical Note: For the purposes of 7A003.b, this entry refers to systems", "7A003", ("7A003.b",)),
        ("Note 1: The control status of a transistor in 3A001.b.3.a through 3A001.b.3.e, whose", "3A001",
         ("3A001.b.3.a", "3A001.b.3.e")),
        # pointers elsewhere, other entries, the second sentence, a paragraph of a note: nothing named
        ("N.B.: For waveform digitizers and transient recorders, see 3A002.h.", "3A002", ()),
        ("N.B.: See 3A901 for integrated circuits.", "3A001", ()),
        ("Note 1: Integrated circuits include the following types. 3A001.a.1 also", "3A001", ()),
        ("Note: “Parts” enumerated in USML paragraph VII(g) are subject to that paragraph. “Parts” in 0A606.y",
         "0A606", ()),
    ],
)
def test_what_a_note_names(words, eccn, targets):
    assert note_targets(words, eccn, among_items=True) == targets


@pytest.mark.parametrize(
    ("words", "label"),
    [
        ("Note 1: 3A001.g. includes:", "Note 1"),
        ("Technical Notes: 1. For the purposes of 9A012.a", "Technical Notes"),
        ("N. B.: See 3A991.", "N.B."),
        ("Note to ECCN 0A982. This ECCN applies", "Note"),
        ("Heading Note: Certain “software”", "Note"),
        ("Technical Note 2 to 3A090.a and 3A090.b: 1. 'Total processing performance'", "Technical Note 2"),
        ("Technical Note to paragraph b. of Note 2: For the purposes of 5A002.a Note 2.b",
         "Technical Note to paragraph b. of Note 2"),
    ],
)
def test_what_a_note_is_called(words, label):
    assert note_label(words) == label


def test_a_note_outside_the_items_is_named_only_by_its_label():
    # 0A501's License Requirement Note names 0A501.y.7 in its text; it is still a note of the block it is in
    words = "License Requirement Note: In addition, a license is required for 0A501.y.7 items to Iraq"
    assert note_targets(words, "0A501", among_items=False) == ()
    assert note_targets("Note to 0A604.a and .b: This entry", "0A604", among_items=False) == ("0A604.a", "0A604.b")


def test_common_parent_of_what_a_note_names():
    assert common_parent(("3A090.a", "3A090.b")) == "3A090"
    assert common_parent(("3B991.b.2.d.1", "3B991.b.2.d.2")) == "3B991.b.2.d"
    assert common_parent(("9A012.a",)) == "9A012.a"


@pytest.mark.parametrize(
    ("cell", "eccn", "scope"),
    [
        ("RS applies to 3A090.a", "3A090", ("RS", "applies to 3A090.a")),
        ("AT applies to entire entry", "3A090", ("AT", "applies to entire entry")),
        ("RS applies to 3A001.z.1.b, z.2.b, z.4.b", "3A001", ("RS", "applies to 3A001.z.1.b, z.2.b, z.4.b")),
        ("NS applies to entire entry, except .a.1", "9A012", ("NS", "applies to entire entry except 9A012.a.1")),
        ("FC applies to entire entry except 0A501.y", "0A501", ("FC", "applies to entire entry except 0A501.y")),
        ("NP applies to 2B001.a, .b, .c, and .d, EXCEPT: (1) turning machines under 2B001.a", "2B001",
         ("NP", "applies to 2B001.a, b, c, d")),
        ("RS applies “Monolithic Microwave Integrated Circuit” (“MMIC”) amplifiers in 3A001.b.2 and discrete "
         "microwave transistors in 3A001.b.3, except those 3A001.b.2 and b.3 items", "3A001",
         ("RS", "applies to 3A001.b.2, b.3")),
        ("RS applies to “technology” for commodities controlled in 3A090, when exported from Macau", "3E001",
         ("RS", "for 3A090")),
        ("CC applies to shotguns with a barrel length less than 18 in.", "0A502", ("CC", "")),
        ("Control(s)", "0A502", None),
    ],
)
def test_what_a_license_requirements_row_applies_to(cell, eccn, scope):
    assert row_scope(cell, eccn) == scope


# --- the real 3A001, 3A090 and 9A012 -------------------------------------------------------------------------


def test_real_3a001_notes_sit_under_the_item_they_name(excerpt):
    r = excerpt["3A001.g Note 1"]
    assert (r.parent, r.heading) == ("3A001.g", "Note 1")
    assert r.text.startswith("*Note 1:* *3A001.g. includes:*")
    assert "3A001.g.2.b Note 1" not in excerpt
    assert [k for k in excerpt if k.startswith("3A001.h ")] == [
        "3A001.h Technical Note", "3A001.h Note 1", "3A001.h Note 2", "3A001.h Note 3",
    ]
    assert excerpt["3A001.a.5.a Technical Notes"].text.startswith("*Technical Notes:* *For the purposes of 3A001.a.5.a")
    assert excerpt["3A001.b.11 Technical Note"].parent == "3A001.b.11"  # after b.11.g, "For the purposes of 3A001.b.11"
    notes = [r for r in excerpt.values() if r.kind == "note" and r.unit == "3A001"]
    keys = set(excerpt)
    # 14 of 53 before; 12 name nothing as their subject (N.B. pointers "see 3A001.a.7", "[Reserved]"), 3 a range
    assert (sum(_names_its_parent(r, keys) for r in notes), len(notes)) == (38, 53)
    ranged = excerpt["3A001.b.2 Note 2"]  # "… as defined by 3A001.b.2.a through 3A001.b.2.h …", after b.2.h
    assert (ranged.parent, ranged.heading) == ("3A001.b.2", "Note 2 to 3A001.b.2.a, 3A001.b.2.h")
    assert [k for k in excerpt if k.startswith(("3A001.b.3 Note", "3A001.b.4 Note"))] == [
        "3A001.b.3 Note 1", "3A001.b.3 Note 2", "3A001.b.4 Note 2",
    ]


def test_a_note_naming_several_items_sits_under_their_parent_and_records_them(excerpt):
    for label in ("Note 2", "Note 3", "Note 4", "Technical Note 2"):
        r = excerpt[f"3A090 {label}"]
        assert (r.parent, r.heading) == ("3A090", f"{label} to 3A090.a, 3A090.b")
        assert r.text.startswith(f"*{label} to 3A090.a and 3A090.b:*")
    four = excerpt["4A090 Technical Note"]
    assert (four.parent, four.heading) == ("4A090", "Technical Note to 4A090.a, 4A090.b")
    assert excerpt["3A090.a Technical Note 1"].heading == "Technical Note 1"


def test_real_9a_pair_keeps_the_9a012_a_technical_notes_one_note():
    old, new = (_records(ECFR_API / EXCERPT_9A.name.format(d)) for d in ("2026-06-25", "2026-09-01"))
    assert old["9A012.a Technical Notes"].parent == new["9A012.a Technical Notes"].parent == "9A012.a"
    changes = {c.citation: c.kind for c in compare(list(old.values()), list(new.values()))}
    assert changes["9A012.a Technical Notes"] == "modified"  # "zero wind.3." → "zero wind.* *3." and more
    assert not [k for k in changes if "Technical Notes" in k and k != "9A012.a Technical Notes"]


def test_real_license_requirements_rows_are_keyed_by_reason_and_scope(excerpt):
    rows = [k for k, r in excerpt.items() if r.kind == "row"]
    assert rows == [
        "3A001 License Requirements NS applies to 3A001.b.2, b.3",
        "3A001 License Requirements NS applies to entire entry",
        "3A001 License Requirements RS applies to 3A001.b.2, b.3",
        "3A001 License Requirements RS applies to 3A001.z.1.a, z.2.a, z.3.a, z.4.a",
        "3A001 License Requirements RS applies to 3A001.z.1.b, z.2.b, z.3.b, z.4.b",
        "3A001 License Requirements MT applies to 3A001.a.1.a, a.5.a, z.2",
        "3A001 License Requirements NP applies to 3A001.e.2, e.3, z.3",
        "3A001 License Requirements AT applies to entire entry",
        "3A090 License Requirements RS applies to 3A090.a",
        "3A090 License Requirements RS applies to 3A090.b",
        "3A090 License Requirements RS applies to 3A090.c",
        "3A090 License Requirements AT applies to entire entry",
        "4A090 License Requirements RS applies to 4A090.a",
        "4A090 License Requirements RS applies to 4A090.b",
        "4A090 License Requirements AT applies to entire entry",
    ]


def test_real_excerpt_pair_changes_one_row_in_each_entry():
    old, new = (_records(ECFR_API / EXCERPT.name.format(d)) for d in ("2026-06-25", "2026-09-01"))
    changes = [(c.kind, c.citation) for c in compare(list(old.values()), list(new.values()))]
    assert changes == [
        ("modified", "3A001 License Requirements RS applies to 3A001.z.1.b, z.2.b, z.3.b, z.4.b"),
        ("modified", "3A090 License Requirements RS applies to 3A090.b"),
        ("modified", "4A090 License Requirements RS applies to 4A090.b"),
    ]


# --- mutations of the real text: one insertion, one added record ---------------------------------------------

G_NOTE_1 = "<NOTE>\n<HED><I>Note 1:</I></HED>\n<P><I>3A001.g. includes:</I></P>"
H_TECHNICAL_NOTE = "<NOTE>\n<HED><I>Technical Note:</I></HED>\n<P><I>For the purposes of 3A001.h, 'modules'"
E4_TECHNICAL_NOTE = "<NOTE>\n<HED><I>Technical Note:</I></HED>\n<P><I>For the purposes of 3A001.e.4"
AT_ROW_3A090 = "742.6(a)(6)(i)(B) of the EAR.</TD>\n</TR>\n"  # the end of the row before it


def _insert(data: bytes, before: str, xml: str) -> bytes:
    """``xml`` inserted before ``before`` (after it, when ``before`` ends a line)."""
    anchor = before.encode()
    assert data.count(anchor) == 1, before
    return data.replace(anchor, anchor + xml.encode() if before.endswith("\n") else xml.encode() + anchor)


def _one_insertion(path, before: str, xml: str) -> list[tuple[str, str]]:
    data = require(path).read_bytes()
    old, new = parse_bytes(data, path.name), parse_bytes(_insert(data, before, xml), path.name)
    return [(c.kind, c.citation) for c in compare(old, new)]


@pytest.mark.parametrize(
    ("before", "xml", "key"),
    [
        # a new last sub-item right before the notes that close the item they name
        (G_NOTE_1, "<P>g.3. A maximum turn-on current rate of rise greater than 40,000 A/µs;</P>", "3A001.g.3"),
        (H_TECHNICAL_NOTE, "<P>h.4. Rated for a surge current above 10 A.</P>", "3A001.h.4"),
        (E4_TECHNICAL_NOTE, "<P>e.5. Fuel cells;</P>", "3A001.e.5"),
        # a new item elsewhere in the list
        ("<P>h. Solid-state power", "<P>g.3. Any other thyristor module;</P>", "3A001.g.3"),
        ("<P>f. Rotary input type", "<P>e.5. Fuel cells;</P>", "3A001.e.5"),
        # notes: one naming its item, one naming another item than the one it follows, one naming nothing
        ("<P>i. Intensity, amplitude", "<NOTE><HED><I>Note 4:</I></HED><P><I>3A001.h does not apply to toys.</I></P>"
         "</NOTE>", "3A001.h Note 4"),
        ("<P>h. Solid-state power", "<NOTE><HED><I>Note 3:</I></HED><P><I>3A001.g does not control kits.</I></P>"
         "</NOTE>", "3A001.g Note 3"),
        ("<P>g. Solid-state pulsed", "<NOTE><HED><I>Technical Note:</I></HED><P><I>An 'encoder ring' is a disc.</I>"
         "</P></NOTE>", "3A001.f Technical Note"),
        # License Requirements rows: between two rows, and before the first one
        (AT_ROW_3A090, "<TR><TD>RS applies to 3A090.d</TD><TD>To or within Macau.</TD></TR>",
         "3A090 License Requirements RS applies to 3A090.d"),
        ('<TR>\n<TD class="left border-right-single">RS applies to 3A090.a</TD>',
         "<TR><TD>NS applies to 3A090.c</TD><TD>NS Column 2.</TD></TR>",
         "3A090 License Requirements NS applies to 3A090.c"),
    ],
)
def test_inserting_into_the_real_excerpt_adds_exactly_one_record(before, xml, key):
    path = ECFR_API / EXCERPT.name.format("2026-09-01")
    assert _one_insertion(path, before, xml) == [("added", key)]


def test_inserting_an_item_before_the_real_9a012_technical_notes_adds_exactly_it():
    path = ECFR_API / EXCERPT_9A.name.format("2026-09-01")
    before = "<NOTE>\n<HED><I>Technical Notes:</I></HED>\n<P><I>1. For the purposes of 9A012.a"
    data = require(path).read_bytes()
    assert data.count(before.encode()) == 1
    xml = "<P>a.6. “UAVs” incorporating items specified in ECCN 7A008.</P>"
    assert _one_insertion(path, before, xml) == [("added", "9A012.a.6")]


@pytest.mark.parametrize(
    ("before", "xml", "key"),
    [
        ("<NOTE>\n<HED><I>Note:</I></HED>\n<P><I>1C001.c does not apply", "<P>c.6. Polyacetylene.</P>\n", "1C001.c.6"),
        ("<P>a.3.a. Non-", "<NOTE><HED><I>Note 3:</I></HED><P><I>6A002.a.3 does not control toys.</I></P></NOTE>\n",
         "6A002.a.3 Note 3"),
    ],
)
def test_inserting_into_the_whole_real_part_adds_exactly_one_record(part_774, before, xml, key):
    data, records = part_774
    new = parse_bytes(_insert(data, before, xml), FULL_774.name)
    assert [(c.kind, c.citation) for c in compare(records, new)] == [("added", key)]


# --- the whole real Part 774 ---------------------------------------------------------------------------------


def test_whole_real_ccl_notes_sit_under_the_one_item_they_name(part_774):
    _, records = part_774
    keys = {r.citation for r in records}
    notes = [r for r in records if r.kind == "note" and r.unit[:1].isdigit()]
    one = [r for r in notes if len({
        m for m in _NAMED.findall(r.text) if m.startswith(f"{r.unit}.") and m in keys
    }) == 1]
    # 260 of 470 before. The other 62 are right by the rule: the label names another level ("Note 1 to paragraph b"
    # over 0A606.b.1, "Note 3 to 0A505"), the text points elsewhere ("see 3A001.a.14"), the note belongs to a
    # License Requirements or License Exceptions block, the second item of a list is written without its ECCN
    # ("4A090.a and .b"), or the note comes before the item it names (2A001.a).
    assert (sum(_names_its_parent(r, keys) for r in one), len(one)) == (409, 471)


def test_whole_real_ccl_license_requirements_rows_keyed_by_scope(part_774):
    _, records = part_774
    rows = [r.citation for r in records if r.kind == "row" and " License Requirements " in r.citation]
    numbered = [k for k in rows if re.search(r" \d+$", k)]
    assert (len(rows), len(numbered)) == (1551, 11)  # every one numbered before
    assert "0A501 License Requirements FC applies to entire entry except 0A501.y" in rows
    nine = ", ".join(f"z.{n}.a" for n in range(2, 10))
    assert f"5D002 License Requirements RS applies to 5D002.z.1.a, {nine}" in rows
    assert "3E001 License Requirements RS for 3A090" in rows
    # other entries named, but not as what the row is for; the entry's items named as "paragraph(s)"
    assert "9A012 License Requirements MT" in rows
    assert "0B505 License Requirements RS applies to 0B505.a, x" in rows
    assert "0A504 License Requirements RS applies to 0A504.i" in rows
    assert "3A904 License Requirements RS applies to entire entry" in rows


def test_whole_real_ccl_notes_to_paragraphs_of_a_note_keep_that_in_their_key(part_774):
    _, records = part_774
    keys = [r.citation for r in records if r.kind == "note" and r.unit == "5A002" and "of Note 2" in r.citation]
    assert keys == [
        "5A002.a Technical Note to paragraph a.1.b.1 of Note 2",
        "5A002.a Technical Note to paragraph a.2 of Note 2",
        "5A002.a Technical Note to paragraph b. of Note 2",
    ]  # were 5A002.a.4.b Technical Note 2, 3 and 4


def test_whole_real_ccl_items_inside_a_note_element_are_items(part_774):
    _, records = part_774
    by = {r.citation: r for r in records}
    for key, parent, words in [
        ("1C001.b", "1C001 Items", "b. Materials not transparent to visible light"),
        ("1C001.c", "1C001 Items", "c. Intrinsically conductive polymeric materials"),
        ("6A002.a.3", "6A002.a", "a.3. Non-“space-qualified” “focal plane arrays” as follows"),
    ]:
        assert (by[key].kind, by[key].parent) == ("item", parent)
        assert by[key].text.startswith(words)
        assert not [r.citation for r in records if r.kind == "note" and words in r.text]
    assert by["1C001.b Note"].parent == "1C001.b"
    # the italic N.B. after 6A002.a.3 inside that same NOTE element is a note of a.3 (was the field '6A002 N.B.')
    nb = by["6A002.a.3 N.B."]
    assert (nb.kind, nb.parent) == ("note", "6A002.a.3")
    assert nb.text.startswith("*N.B.:* *'Microbolometer' non-“space-qualified” “focal plane arrays” are only")
    assert "6A002 N.B." not in by
    assert by["6A002.a.3 Note 1"].text == (
        "*Note 1:* *6A002.a.3 includes photoconductive arrays and photovoltaic arrays.*"
    )
