"""Cross-references and broken references on real Part 740 and on a mutation of it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.history.conftest import edit, ingest
from tracker.citations import is_under
from tracker.model import Paragraph, Reference
from tracker.ref_status import PartVersion
from tracker.store import Store
from tracker.xref import broken_and_repaired, check_refs, newly_broken, refs_to


@pytest.fixture(scope="module")
def real740(part740) -> Store:
    store = Store(":memory:")
    ingest(store, part740, "740", "2026-09-01")
    return store


def broken(store, on=None):
    return {(c.from_citation, c.target) for c in check_refs(store, on) if c.status == "broken"}


def test_real_part_740_broken_references_checked_by_hand(real740):
    # Each checked against the XML: § 740.10(b)(4)(iii) has no sub-paragraphs (the (B) is under (ii));
    # § 740.11 has no paragraph (b)(iii) (the GOV paragraph meant is (b)(2)(iii)).
    assert broken(real740) == {
        ("740.10(b)(4)(iii)", "740.10(b)(4)(iii)(B)"),
        ("740.11(b)(2)(iii)(F)", "740.11(b)(iii)"),
    }


def test_reference_to_740_10_a_3_v_is_not_broken_because_the_paragraph_exists(real740, part740):
    assert "740.10(a)(3)(v)" in {p.citation for p in part740}
    checks = [c for c in check_refs(real740) if c.target == "740.10(a)(3)(v)"]
    assert [(c.from_citation, c.status) for c in checks] == [("740.2(a)(8)(i)", "ok")]


def test_elliptical_relative_reference_is_read_against_the_citing_paragraph(real740):
    (c,) = [c for c in check_refs(real740) if c.from_citation == "740.20(d)(2)" and c.target == "740.20(viii)"]
    assert c.status == "ok" and "740.20(d)(2)(viii)" in c.reason


def test_parts_not_stored_are_unverifiable_not_broken(real740):
    by_target = {c.target: c.status for c in check_refs(real740)}
    assert by_target["Part 762"] == "unverifiable"
    assert by_target["2A983"] == "unverifiable"  # Part 774 is not stored here
    assert by_target["22 CFR 121.1"] == "unverifiable"  # another title
    assert by_target["Country Group E:1"] == "ok"
    assert by_target["Supplement No. 1 to Part 740"] == "ok"


def test_refs_lists_what_points_at_a_citation_on_a_date(real740):
    refs = refs_to(real740, "740.10(a)(3)(v)", on="2026-09-01")
    assert [(r.from_citation, r.written) for r in refs] == [("740.2(a)(8)(i)", "§ 740.10(a)(3)(v)")]
    assert refs_to(real740, "740.10(a)(3)(v)", on="2020-01-01") == []


def test_mutation_inserting_a_bad_reference_is_reported_then_repaired(part740):
    store = Store(":memory:")
    good = part740
    bad = edit(good, "740.2(a)(8)(i)", "§ 740.10(a)(3)(v)", "§ 740.10(a)(2)(iv)")
    bad = [
        replace(p, refs=tuple(Reference("740.10(a)(2)(iv)", r.kind, "§ 740.10(a)(2)(iv)")
                              if r.target == "740.10(a)(3)(v)" else r for r in p.refs))
        if p.citation == "740.2(a)(8)(i)" else p
        for p in bad
    ]
    for date, version in (("2024-03-01", good), ("2024-04-04", bad), ("2024-05-01", good)):
        ingest(store, version, "740", date)
    assert ("740.2(a)(8)(i)", "740.10(a)(2)(iv)") in broken(store, "2024-04-04")
    assert ("740.2(a)(8)(i)", "740.10(a)(2)(iv)") not in broken(store, "2024-05-01")
    broke, repaired = broken_and_repaired(store, "740", "2024-03-01", "2024-04-04")
    assert [(c.from_citation, c.target) for c in broke] == [("740.2(a)(8)(i)", "740.10(a)(2)(iv)")] and not repaired
    broke, repaired = broken_and_repaired(store, "740", "2024-04-04", "2024-05-01")
    assert not broke and [(c.from_citation, c.target) for c in repaired] == [("740.2(a)(8)(i)", "740.10(a)(2)(iv)")]


def test_removing_a_target_breaks_the_references_to_it(part740):
    store = Store(":memory:")
    ingest(store, part740, "740", "2024-01-02")
    ingest(store, [p for p in part740 if p.citation != "740.10(a)(3)(v)"], "740", "2024-02-01")
    broke, _ = broken_and_repaired(store, "740", "2024-01-02", "2024-02-01")
    assert [(c.from_citation, c.target) for c in broke] == [("740.2(a)(8)(i)", "740.10(a)(3)(v)")]


def test_ccl_item_implied_by_its_sub_items_exists(excerpt_store):
    (c,) = [c for c in check_refs(excerpt_store)
            if c.target == "3A001.z.2" and c.from_citation.startswith("3A001 License Requirements MT")]
    assert c.status == "ok" and "sub-items" in c.reason


D_TABLE = "Supplement No. 1 to Part 740, Country Group D"


def test_mutation_a_list_whose_second_item_is_removed_breaks_then_is_repaired(part740):
    # 740.9(a)(1): "Country Groups D:4 and D:5"; the mutation drops the column [D: 5] from the real table.
    cited = [r.target for p in part740 if p.citation == "740.9(a)(1)" for r in p.refs if "D:4 and D:5" in r.text]
    assert cited == ["Country Group D:4", "Country Group D:5"]
    store = Store(":memory:")
    without = edit(part740, D_TABLE, " | [D: 5] U.S. Arms Embargoed Countries^1^", "")
    for date, version in (("2024-03-01", part740), ("2024-04-04", without), ("2024-05-01", part740)):
        ingest(store, version, "740", date)
    pair = ("740.9(a)(1)", "Country Group D:5")
    assert pair not in broken(store, "2024-03-01") and pair in broken(store, "2024-04-04")
    assert ("740.9(a)(1)", "Country Group D:4") not in broken(store, "2024-04-04")
    broke, _ = broken_and_repaired(store, "740", "2024-03-01", "2024-04-04")
    assert pair in {c.key for c in broke}
    _, repaired = broken_and_repaired(store, "740", "2024-04-04", "2024-05-01")
    assert pair in {c.key for c in repaired} and pair not in broken(store, "2024-05-01")


def test_newly_broken_lists_only_what_broke_after_the_date_with_its_first_date(part740):
    store = Store(":memory:")
    gone = [p for p in part740 if p.citation != "740.10(a)(3)(v)"]
    for date, version in (("2024-01-02", part740), ("2024-02-01", gone), ("2024-03-01", gone)):
        ingest(store, version, "740", date)
    fresh = [(c.key, d) for c, d in newly_broken(store, "2024-01-02")]
    assert fresh == [(("740.2(a)(8)(i)", "740.10(a)(3)(v)"), "2024-02-01")]
    assert newly_broken(store, "2024-02-01") == []


def test_a_reserved_range_holds_the_items_it_names():
    held = PartVersion.of("2026-09-01", True, [
        Paragraph("9A610.k-s", "774", "9A610", "9A610", "k.", "item", "", "k. through s. [Reserved]", 1),
        Paragraph("740.9(c)-(e)", "740", "740.9", "740.9", "(c)", "paragraph", "", "(c)-(e) [Reserved]", 2),
    ])
    assert [held.range_of(t) for t in ("9A610.r", "9A610.r.1", "9A610.t", "9A610.j")] == ["9A610.k-s", "9A610.k-s",
                                                                                        None, None]
    assert [held.range_of(t) for t in ("740.9(d)", "740.9(d)(1)", "740.9(f)")] == ["740.9(c)-(e)"] * 2 + [None]


def _without(paragraphs, citation):
    return [p for p in paragraphs if not is_under(p.citation, citation)]


def test_mutation_a_paragraph_list_whose_second_item_is_removed_breaks_then_is_repaired(part740):
    # 740.9(a)(14): "paragraphs (a)(8) and (11) of this section"; the mutation takes out (a)(11) and all under it.
    cited = [r.target for p in part740 if p.citation == "740.9(a)(14)" for r in p.refs]
    assert cited == ["740.9(a)(8)", "740.9(a)(11)"]
    store = Store(":memory:")
    for date, version in (("2024-03-01", part740), ("2024-04-04", _without(part740, "740.9(a)(11)")),
                          ("2024-05-01", part740)):
        ingest(store, version, "740", date)
    pair = ("740.9(a)(14)", "740.9(a)(11)")
    assert pair in broken(store, "2024-04-04") and ("740.9(a)(14)", "740.9(a)(8)") not in broken(store, "2024-04-04")
    assert pair in {c.key for c in broken_and_repaired(store, "740", "2024-03-01", "2024-04-04")[0]}
    assert pair in {c.key for c in broken_and_repaired(store, "740", "2024-04-04", "2024-05-01")[1]}


def test_mutation_a_range_whose_end_point_disappears_is_flagged(part740):
    # 740.17(a): "paragraphs (a)(1) through (3) of this section"; the mutation takes out (a)(3).
    store = Store(":memory:")
    ingest(store, part740, "740", "2024-03-01")
    ingest(store, _without(part740, "740.17(a)(3)"), "740", "2024-04-04")
    checks = {c.key: c for c in check_refs(store, "2024-04-04") if c.from_citation == "740.17(a)"}
    assert checks[("740.17(a)", "740.17(a)(3)")].status == "broken"
    assert checks[("740.17(a)", "740.17(a)(1)")].reason == "a range through 740.17(a)(3): 2 citation(s) exist in it"
    before = {c.key: c for c in check_refs(store, "2024-03-01") if c.from_citation == "740.17(a)"}
    assert before[("740.17(a)", "740.17(a)(1)")].reason == "a range through 740.17(a)(3): 3 citation(s) exist in it"


def test_refs_finds_the_ranges_that_take_a_paragraph_in(real740):
    refs = {(r.from_citation, r.target) for r in refs_to(real740, "740.19(b)(5)")}
    assert ("740.19(b)", "740.19(b)(1)") in refs  # "paragraphs (b)(1) through (8) of this section"
    assert ("740.19(b)(6)", "740.19(b)(1)") in refs  # "(b)(1) through (5)"
    assert ("740.19(b)", "740.19(b)(9)") not in refs  # "(b)(9) through (18)"
