"""Cross-references and broken references on real Part 740 and on a mutation of it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.history.conftest import edit, ingest
from tracker.model import Reference
from tracker.store import Store
from tracker.xref import broken_and_repaired, check_refs, refs_to


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


def test_untracked_parts_are_external_not_broken(real740):
    by_target = {c.target: c.status for c in check_refs(real740)}
    assert by_target["Part 762"] == "external"
    assert by_target["2A983"] == "external"  # Part 774 is not stored here
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
    checks = {(c.from_citation, c.target): c for c in check_refs(excerpt_store)}
    c = checks[("3A001 License Requirements MT 1", "3A001.z.2")]
    assert c.status == "ok" and "sub-items" in c.reason
