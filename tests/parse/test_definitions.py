"""Definitions keyed by their defined term (``772.1 "Technology"``), numbered paragraphs under their term.

Real text: the first 16,000 characters of § 772.1 in ../shared (cut mid-paragraph; its open tags are closed here),
and the definitions sections of the whole real Title 1 (GovInfo bulk). Before this rule only the two quoted terms
of the excerpt ("APP", "Authentication") were keyed by term, and 20 of its 33 definitions were keyed as ``¶`` text
under an unrelated earlier definition or paragraph (``772.1(3)(iii) ¶4`` for "Agricultural commodities").
"""

from __future__ import annotations

import pytest

from tests.parse.cut_xml import closed
from tests.support import ECFR_API, SHARED, require
from tracker.diff import compare
from tracker.model import Paragraph
from tracker.parse import parse_bytes
from tracker.parse.definitions import defined_term

EXCERPT = ECFR_API / "excerpt-title-15-section-772.1-first-16000-chars.xml.part"
TITLE_1 = SHARED / "data" / "ecfr-bulk" / "ECFR-title1-after-March-2024.xml"

#: Every definition of the excerpt, in order, as § 772.1 writes its term.
TERMS = [
    "16/14 nanometer node (16/14 nm node)", "600 series", "600 Series Major Defense Equipment", "Access information",
    "Accessories", "Accuracy", "Active flight control systems", "Active pixel", "Adaptive control",
    "Adjusted Peak Performance (APP)", "Advanced-Node Integrated Circuits (Advanced-Node IC)",
    "Advisory Committee on Export Policy (ACEP)", "AES", "Aggregated approximated transistor count",
    "Agricultural commodities", "Aircraft", "Airline", "Airship", "All compensations available",
    "Allocated by the ITU", "Angle random walk", "Angular position deviation", "APP",
    "Applicable advanced logic integrated circuits", "Applicant", "Asymmetric algorithm", "Attachments",
    "Australia Group", "Australian airline", "Authentication", "Automated Export System (AES)",
    "Average Output Power", "Bank",
]
NODE_IC = '772.1 "Advanced-Node Integrated Circuits (Advanced-Node IC)"'


@pytest.fixture(scope="module")
def excerpt() -> tuple[bytes, dict[str, Paragraph]]:
    data = closed(require(EXCERPT))
    return data, {r.citation: r for r in parse_bytes(data, EXCERPT.name)}


def test_every_definition_is_keyed_by_its_term(excerpt):
    _, records = excerpt
    assert [k for k, r in records.items() if r.parent == "772.1" and r.kind == "paragraph"] == [
        f'772.1 "{t}"' for t in TERMS
    ]
    assert records['772.1 "Accuracy"'].text.startswith("*Accuracy.* (Cat 2, 3, 6, 7 and 8)—“Accuracy” is usually")
    assert records['772.1 "Authentication"'].text.startswith("“*Authentication*”. (Cat 5P2) Verifying")


def test_numbered_paragraphs_and_notes_sit_under_their_own_definition(excerpt):
    _, records = excerpt
    under = {k: r.parent for k, r in records.items() if r.parent and r.parent.startswith('772.1 "')}
    assert under == {
        '772.1 "600 Series Major Defense Equipment" Note': '772.1 "600 Series Major Defense Equipment"',
        f"{NODE_IC}(1)": NODE_IC,
        f"{NODE_IC}(2)": NODE_IC,
        f"{NODE_IC}(3)": NODE_IC,
        f"{NODE_IC}(3)(i)": f"{NODE_IC}(3)",
        f"{NODE_IC}(3)(ii)": f"{NODE_IC}(3)",
        f"{NODE_IC}(3)(iii)": f"{NODE_IC}(3)",
        f"{NODE_IC} Note 1": NODE_IC,  # "Note 1 to definition of “Advanced-Node Integrated Circuits”:"
        f"{NODE_IC} Note 2": NODE_IC,
        '772.1 "Agricultural commodities" Note 1': '772.1 "Agricultural commodities"',
        '772.1 "Agricultural commodities" Note 2': '772.1 "Agricultural commodities"',
        '772.1 "Agricultural commodities" Note 3': '772.1 "Agricultural commodities"',
        '772.1 "Allocated by the ITU" N.B.': '772.1 "Allocated by the ITU"',
        '772.1 "Asymmetric algorithm" Technical Note': '772.1 "Asymmetric algorithm"',
        '772.1 "Australian airline"(1)': '772.1 "Australian airline"',
        '772.1 "Australian airline"(2)': '772.1 "Australian airline"',
        '772.1 "Australian airline"(3)': '772.1 "Australian airline"',
        '772.1 "Bank"(a)': '772.1 "Bank"',
        '772.1 "Bank"(b)': '772.1 "Bank"',
    }
    assert [k for k, r in records.items() if r.kind == "text"] == ["772.1 ¶1"]  # only the introduction is loose


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("*Agency* means each authority", "Agency"),
        ("*600 Series Major Defense Equipment* or *MDE.* Any item", "600 Series Major Defense Equipment"),
        ("*“APP”* See “Adjusted Peak Performance.”", "APP"),
        ("“*Authentication*”. (Cat 5P2) Verifying", "Authentication"),
        ("“Alpha” means one", "Alpha"),
        ("*You, your,* or other references to the reader", "You, your"),
        ("*Note:* For the purposes of this definition", None),  # a label, not a term
        ("*N.B.* Additional and alternative allocations are not included.", None),
        ("*Technical Note 1* A common use", None),
        ("*Notebook computer.* A portable computer", "Notebook computer"),
        ("**Bold** words", None),
        ("As used in this chapter—", None),
    ],
)
def test_the_defined_term_is_the_opening_italic_or_quoted_words(text, term):
    assert defined_term(text) == term


def test_title_1_definitions_sections_key_their_terms_and_nest_their_paragraphs():
    records = {r.citation: r for r in parse_bytes(require(TITLE_1).read_bytes(), TITLE_1.name)}
    assert [k for k, r in records.items() if r.parent == "1.1" and r.kind == "paragraph"] == [
        '1.1 "Administrative Committee"', '1.1 "Agency"', '1.1 "Document"',
        '1.1 "Document having general applicability and legal effect"', '1.1 "Filing"', '1.1 "Regulation"',
    ]
    person = '457.103 "Handicapped person"'
    assert records[f"{person}(4)(iii)"].parent == f"{person}(4)"
    assert records['457.103 "Qualified handicapped person"(1)'].parent == '457.103 "Qualified handicapped person"'
    assert not [k for k in records if k.startswith("457.103(")]  # nothing keyed outside its definition


# --- insertions: exactly one added -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "term"),
    [
        ("<P><I>16/14 nanometer node", "10/7 nanometer node"),  # first of all
        ("<P><I>Advanced-Node Integrated Circuits", "Advanced logic"),  # before a definition with paragraphs
        ("<P><I>Advisory Committee on Export Policy", "Advanced packaging"),  # after its notes
        ("<P><I>Aircraft.</I>", "Agricultural machinery"),  # after a definition's notes
        ("<P>“<I>Authentication</I>”.", "Authenticated channel"),  # after numbered paragraphs
        ("<P><I>Bank.</I>", "Ballistic missile"),  # before the cut
    ],
)
def test_inserting_a_definition_adds_exactly_it(excerpt, before, term):
    data, records = excerpt
    anchor = before.encode()
    assert data.count(anchor) == 1, before
    new = data.replace(anchor, f"<P><I>{term}.</I> (Cat 3) A term defined for this test.</P>\n".encode() + anchor)
    changes = compare(list(records.values()), parse_bytes(new, EXCERPT.name))
    assert [(c.kind, c.citation) for c in changes] == [("added", f'772.1 "{term}"')]



# --- notes that name their definition ---------------------------------------------------------------------------

NOTE_1 = "<HED>Note 1 to definition of “Advanced-Node Integrated Circuits”:</HED>"


def test_a_note_naming_a_definition_holds_still_when_a_paragraph_is_inserted_before_it(excerpt):
    """Keyed where the walk is, the notes moved with each new last paragraph ((3)(iii) → (3)(iv))."""
    data, records = excerpt
    anchor = b"<P>(iii) More than 3000 through-silicon vias per die.</P>"
    assert data.count(anchor) == 1
    new = data.replace(anchor, anchor + b"\n<P>(iv) A test paragraph added after (iii).</P>")
    changes = compare(list(records.values()), parse_bytes(new, EXCERPT.name))
    assert [(c.kind, c.citation) for c in changes] == [("added", f"{NODE_IC}(3)(iv)")]


def _definitions(body: str) -> dict[str, str | None]:
    xml = ('<DIV8 N="772.1" TYPE="SECTION"><HEAD>§ 772.1 Definitions of terms as used in the EAR.</HEAD>'
           f"<P>In this part, references to the EAR are references to 15 CFR chapter VII.</P>{body}</DIV8>")
    return {r.citation: r.parent for r in parse_bytes(xml.encode(), "test") if r.kind == "note"}


@pytest.mark.parametrize(
    ("heading", "parent"),
    [
        ("Note to the definition of “Widget”:", '772.1 "Widget"'),  # "the", no abbreviation
        ("Note 2 to definition of “widget”:", '772.1 "Widget"'),  # any case
        ("Technical Note to “Gadget”:", '772.1 "Gadget (GDT)"'),  # the definition adds an abbreviation
        ("Note to definition of “Gizmo”:", '772.1 "Gadget (GDT)"(2)'),  # no such definition: where the walk is
    ],
)
def test_a_note_attaches_to_the_definition_its_heading_names(heading, parent):
    body = ("<P><I>Widget.</I> A thing defined first.</P><P>(1) Its first part.</P>"
            "<P><I>Gadget (GDT).</I> Another thing.</P><P>(1) One.</P><P>(2) Two.</P>"
            f"<NOTE><HED>{heading}</HED><P>Words of the note.</P></NOTE>")
    (got,) = _definitions(body).values()
    assert got == parent


def test_a_quoted_term_in_a_note_of_an_ordinary_section_is_not_a_definition():
    xml = ('<DIV8 N="740.9" TYPE="SECTION"><HEAD>§ 740.9 Temporary imports.</HEAD><P>(a) <I>Scope.</I> Words.</P>'
           "<NOTE><HED>Note to “Scope”:</HED><P>Words.</P></NOTE></DIV8>")
    assert [(r.citation, r.parent) for r in parse_bytes(xml.encode(), "t") if r.kind == "note"] == [
        ("740.9(a) Note", "740.9(a)")]
