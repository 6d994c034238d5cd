"""Small hand-made cases for every kind of change, the redline, and the order of the report."""

from __future__ import annotations

import pytest

from tests.diff.roundtrip import apply
from tests.diff.samples import numbered, para
from tracker.diff import DiffError, compare, redline

A = para("1.1(a)", "(a) Exports of parts to any destination require a license.")
B = para("1.1(b)", "(b) Reexports of spares are not authorized under this section.")
C = para("1.1(c)", "(c) See § 742.3(b) of the EAR for the review policy.")


def _one(old: list, new: list, **kw):
    changes = compare(numbered(old), numbered(new), **kw)
    assert len(changes) == 1, changes
    return changes[0]


def test_identical_versions_have_no_changes():
    assert compare(numbered([A, B, C]), numbered([A, B, C])) == []


def test_a_new_citation_is_added_at_its_position():
    new = para("1.1(a)(1)", "(1) Spares are not parts.")
    change = _one([A, B], [A, new, B])
    assert (change.kind, change.citation, change.order, change.new_text) == ("added", "1.1(a)(1)", 1, new.text)


def test_a_dropped_citation_is_removed():
    change = _one([A, B, C], [A, C])
    assert (change.kind, change.citation, change.old_text, change.new_text) == ("removed", "1.1(b)", B.text, None)


def test_changed_words_are_modified_with_a_word_level_redline():
    new = para("1.1(a)", "(a) Exports of parts to any destination except Canada require a license.")
    change = _one([A], [new])
    assert change.kind == "modified"
    assert [(op, t.strip()) for op, t in change.redline if op != "equal"] == [("insert", "except Canada")]
    assert "".join(t for op, t in change.redline if op != "insert") == A.text
    assert "".join(t for op, t in change.redline if op != "delete") == new.text


def test_redline_changes_whole_words_never_letters():
    runs = redline("meets the limit in 3A090.a", "meets or exceeds the limits in 3A090.b")
    assert [r for r in runs if r[0] != "equal"] == [
        ("insert", " or exceeds"),
        ("delete", "limit"),
        ("insert", "limits"),
        ("delete", "a"),
        ("insert", "b"),
    ]


def test_text_becoming_reserved_is_reserved():
    change = _one([A, B], [A, para("1.1(b)", "(b) [Reserved]")])
    assert (change.kind, change.citation, change.old_text) == ("reserved", "1.1(b)", B.text)


def test_same_text_under_a_new_key_is_redesignated_old_to_new():
    moved = para("1.1(a)(3)(v)", "(v) No replacement parts may be exported to Country Group E:1.")
    renumbered = para("1.1(a)(2)(iv)", "(iv) No replacement parts may be exported to Country Group E:1.")
    change = _one([A, moved, B], [A, renumbered, B])
    assert (change.kind, change.old_citation, change.citation) == ("redesignated", "1.1(a)(3)(v)", "1.1(a)(2)(iv)")


def test_an_eccn_item_moved_from_a_to_b_is_redesignated_like_a_paragraph():
    def item(citation: str, text: str):
        return para(citation, text, kind="item", unit="3A090", part="774")

    head = item("3A090", "3A090 Integrated circuits as follows (see List of Items Controlled).")
    new_a = item("3A090.a", "a. Integrated circuits having a 'total processing performance' of 4800 or more.")
    old_a = item("3A090.a", "a. Integrated circuits designed for use in datacenters.")
    moved = item("3A090.b", "b. Integrated circuits designed for use in datacenters.")
    changes = compare(numbered([head, old_a]), numbered([head, new_a, moved]))
    assert [(c.kind, c.citation, c.old_citation) for c in changes] == [
        ("added", "3A090.a", None),
        ("redesignated", "3A090.b", "3A090.a"),
    ]  # a new .a inserted before the old one, which moves to .b: matched by its words, not by its old key
    changes = compare(numbered([head, old_a]), numbered([head, moved]))
    assert [(c.kind, c.citation, c.old_citation) for c in changes] == [("redesignated", "3A090.b", "3A090.a")]


def test_texts_of_one_template_told_apart_by_their_references_keep_their_keys():
    def item(citation: str, target: str):
        text = f"{citation[-1]}. Software that is described in {target} and that also meets ECCN 3A090."
        return para(citation, text, kind="item", unit="5D002", part="774")

    old = [item("5D002.z.1", "5D002.a.1"), item("5D002.z.2", "5D002.a.2")]
    new = [item("5D002.z.1", "5D002.a.3"), item("5D002.z.2", "5D002.b")]
    changes = compare(numbered(old), numbered(new))
    assert [(c.kind, c.old_citation, c.citation, c.reference_pairs) for c in changes] == [
        ("reference-only", None, "5D002.z.1", (("5D002.a.1", "5D002.a.3"),)),
        ("reference-only", None, "5D002.z.2", (("5D002.a.2", "5D002.b"),)),
    ]  # masked, all four read alike: no move is inferred from them


def test_a_citation_present_at_an_earlier_date_comes_back_restored():
    change = _one([A, C], [A, B, C], earlier={B.citation: B.text})
    assert (change.kind, change.citation, change.old_text, change.new_text) == ("restored", "1.1(b)", B.text, B.text)


def test_a_changed_cross_reference_alone_is_reference_only_with_the_pair():
    new = para("1.1(c)", "(c) See § 742.3(c) of the EAR for the review policy.")
    change = _one([C], [new])
    assert (change.kind, change.reference_pairs) == ("reference-only", (("742.3(b)", "742.3(c)"),))


def test_a_changed_number_is_not_a_reference_change():
    old = para("1.1(d)", "(d) A 'total processing performance' of 4800 or more; see § 742.3(b).")
    new = para("1.1(d)", "(d) A 'total processing performance' of 4900 or more; see § 742.3(b).")
    assert _one([old], [new]).kind == "modified"


@pytest.mark.parametrize(
    "edited",
    [
        "(a) Exports of parts to any destination require a license",  # full stop dropped
        "(a) Exports of parts to any destination require a License.",  # capital letter
        "(a)  Exports of parts to any destination\u2014require a license.",  # whitespace, em dash
        "(a) *Exports* of parts to any destination require a license.",  # emphasis
    ],
)
def test_punctuation_case_dash_and_emphasis_edits_are_editorial(edited):
    assert _one([A], [para("1.1(a)", edited)]).kind == "editorial"


def test_a_changed_decimal_number_is_not_editorial():
    old, new = para("1.1(e)", "(e) a density of 1.5 or more."), para("1.1(e)", "(e) a density of 15 or more.")
    assert _one([old], [new]).kind == "modified"


def test_a_new_heading_with_the_same_words_is_heading():
    old = para("1.1(a)", "(a) *Scope.* Exports of parts require a license.", heading="Scope.")
    new = para("1.1(a)", "(a) *Coverage.* Exports of parts require a license.", heading="Coverage.")
    change = _one([old], [new])
    assert (change.kind, change.old_heading, change.new_heading) == ("heading", "Scope.", "Coverage.")


def test_editorial_notes_are_not_regulatory_text_and_never_reported():
    note = para("1.1 Editorial Note", "Editorial Note: two amendments could not be incorporated.", kind="ednote")
    assert compare(numbered([A, note]), numbered([A])) == []


def test_changes_come_in_document_order_with_removals_at_their_old_place():
    b2 = para("1.1(b)", "(b) Reexports of spares are authorized.")
    d = para("1.1(d)", "(d) A new paragraph.")
    changes = compare(numbered([A, B, C]), numbered([b2, C, d]))
    assert [(c.kind, c.citation) for c in changes] == [
        ("removed", "1.1(a)"),
        ("modified", "1.1(b)"),
        ("added", "1.1(d)"),
    ]


def test_apply_rebuilds_the_new_version_from_the_old_and_the_changes():
    b2 = para("1.1(b)", "(b) Reexports of spares are authorized.")
    old, new = numbered([A, B, C]), numbered([para("1.1(a)(1)", "(1) New."), b2, C])
    rebuilt = apply(old, compare(old, new))
    assert [(p.citation, p.text) for p in rebuilt] == [(p.citation, p.text) for p in new]


def test_a_repeated_citation_cannot_be_compared():
    with pytest.raises(DiffError, match="twice"):
        compare(numbered([A, A]), numbered([A]))
