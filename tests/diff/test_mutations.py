"""Versions derived from real Part 740 and Part 774 XML by one edit each: exactly one change of the right kind."""

from __future__ import annotations

from tests.diff.roundtrip import apply
from tests.diff.samples import EXCERPT_3A, move_line, part_740_xml, replace_once
from tests.support import ECFR_API, require
from tracker.diff import compare, diff_dates
from tracker.parse import parse_bytes
from tracker.store import Store


def _changes(old_xml: str, new_xml: str):
    old, new = parse_bytes(old_xml.encode()), parse_bytes(new_xml.encode())
    changes = compare(old, new)
    assert [(p.citation, p.text) for p in apply(old, changes) if p.kind != "ednote"] == [
        (p.citation, p.text) for p in new if p.kind != "ednote"
    ]
    return changes


def test_one_changed_cross_reference_is_one_reference_only_change_with_the_pair():
    xml = part_740_xml()
    edited = replace_once(xml, "&#xA7; 740.10(a)(3)(v), which", "&#xA7; 740.10(a)(2)(iv), which")
    (change,) = _changes(xml, edited)
    assert (change.kind, change.citation) == ("reference-only", "740.2(a)(8)(i)")
    assert change.reference_pairs == (("740.10(a)(3)(v)", "740.10(a)(2)(iv)"),)


def test_renumbering_a_3_v_to_a_2_iv_with_the_same_text_is_one_redesignation():
    xml = part_740_xml()
    edited = move_line(xml, "<P>(v) No replacement parts", "<P>(iii) The parts, components, accessories, or attach",
                       "<P>(iv) No replacement parts")
    (change,) = _changes(xml, edited)
    assert (change.kind, change.old_citation, change.citation) == (
        "redesignated",
        "740.10(a)(3)(v)",
        "740.10(a)(2)(iv)",
    )


def test_reserving_a_paragraph_is_one_reserved_change():
    xml = part_740_xml()
    edited = replace_once(xml, "<P>(vi) Quantity of items shipped; and</P>", "<P>(vi) [Reserved]</P>")
    (change,) = _changes(xml, edited)
    assert (change.kind, change.citation) == ("reserved", "740.10(c)(1)(vi)")


def test_a_punctuation_only_edit_is_one_editorial_change():
    xml = part_740_xml()
    edited = replace_once(xml, "(ii) The type of repair or service;</P>", "(ii) The type of repair, or service.</P>")
    (change,) = _changes(xml, edited)
    assert (change.kind, change.citation) == ("editorial", "740.10(c)(1)(ii)")


def test_changing_one_number_in_3a090_is_one_modified_change():
    xml = require(ECFR_API / EXCERPT_3A.format("2026-09-01")).read_text("utf-8")
    edited = replace_once(xml, "<P>a.1. A 'total processing performance' of 4800", "<P>a.1. A 'total processing "
                          "performance' of 4900")
    (change,) = _changes(xml, edited)
    assert (change.kind, change.citation) == ("modified", "3A090.a.1")
    assert [r for r in change.redline if r[0] != "equal"] == [("delete", "4800"), ("insert", "4900")]


def test_a_paragraph_removed_and_restored_two_versions_later_is_one_removal_then_one_restoration():
    xml = part_740_xml()
    line = "<P>(ii) The type of repair or service;</P>\n"
    without = replace_once(xml, line, "")
    elsewhere = replace_once(without, "<P>(vi) Quantity of items shipped; and</P>", "<P>(vi) Quantity shipped; and</P>")
    versions = {"2024-01-01": xml, "2024-02-01": without, "2024-03-01": elsewhere,
                "2024-04-01": replace_once(elsewhere, "<P>(iii) Certification of the destruction", line.rstrip()
                                           + "\n<P>(iii) Certification of the destruction")}
    store = Store(":memory:")
    for day, text in versions.items():
        store.ingest(parse_bytes(text.encode()), part="740", date=day, source=day, sha256=day, size=len(text))

    def kinds(a: str, b: str) -> list[tuple[str, str]]:
        return [(c.kind, c.citation) for c in diff_dates(store, a, b).changes]

    assert kinds("2024-01-01", "2024-02-01") == [("removed", "740.10(c)(1)(ii)")]
    assert kinds("2024-02-01", "2024-03-01") == [("modified", "740.10(c)(1)(vi)")]
    assert kinds("2024-03-01", "2024-04-01") == [("restored", "740.10(c)(1)(ii)")]
