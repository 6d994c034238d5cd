"""The differ on every real version pair in ../shared, and the round trip apply(old, compare(old, new)) == new."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.diff.roundtrip import apply
from tests.diff.samples import (
    EXCERPT_3A,
    EXCERPT_9A,
    SECTION_1194,
    bulk_title_1_pair,
    ccl_history,
    section_740_10_pair,
    xml_pair,
)
from tracker.diff import compare
from tracker.model import NON_REGULATORY_KINDS, Paragraph


def _readable(paragraphs: list[Paragraph]) -> list[tuple[str, str, str, str]]:
    return [(p.citation, p.unit, p.heading, p.text) for p in paragraphs if p.kind not in NON_REGULATORY_KINDS]


def _pairs() -> dict[str, tuple[list[Paragraph], list[Paragraph]]]:
    history = ccl_history()
    days = list(history)
    pairs = {
        "36 CFR 1194.1": xml_pair(SECTION_1194, "2016-12-13", "2017-01-18"),
        "774 3A001-4A090": xml_pair(EXCERPT_3A, "2026-06-25", "2026-09-01"),
        "774 9A010-9A018": xml_pair(EXCERPT_9A, "2026-06-25", "2026-09-01"),
        "740.10": section_740_10_pair(),
        "title 1 bulk": bulk_title_1_pair(),
    }
    pairs.update({f"ccl {a}..{b}": (list(history[a]), list(history[b])) for a, b in zip(days, days[1:], strict=False)})
    return pairs


def test_section_1194_1_pair_differs_only_by_a_navigation_link_so_no_regulatory_change():
    old, new = xml_pair(SECTION_1194, "2016-12-13", "2017-01-18")
    assert compare(old, new) == []


def test_ccl_3a_pair_reports_exactly_one_license_requirements_table_cell_per_eccn():
    changes = compare(*xml_pair(EXCERPT_3A, "2026-06-25", "2026-09-01"))
    assert [(c.kind, c.unit) for c in changes] == [("modified", "3A001"), ("modified", "3A090"), ("modified", "4A090")]
    for c in changes:
        assert c.citation.startswith(f"{c.unit} License Requirements RS ")
        assert [r for r in c.redline if r[0] != "equal"] == [("insert", "the United Arab Emirates or ")]


def test_ccl_9a_pair_reports_changes_only_inside_9a012_with_added_and_removed_items_as_such():
    old, new = xml_pair(EXCERPT_9A, "2026-06-25", "2026-09-01")
    changes = compare(old, new)
    assert changes and {c.unit for c in changes} == {"9A012"}
    kinds = {c.citation: c.kind for c in changes}
    assert kinds["9A012.a.1.a"] == kinds["9A012.a.1.b"] == "removed"
    assert kinds["9A012.a.3"] == kinds["9A012.a.4"] == kinds["9A012.a.5"] == "added"
    assert kinds["9A012.a.2"] == "modified"  # "1 hour" → "3 hours"
    assert kinds["9A012"] == "heading"  # "Non-military" dropped from the ECCN heading


def test_section_740_10_pair_reports_only_the_paragraphs_whose_words_changed():
    old, new = section_740_10_pair()
    changes = compare(old, new)
    # The five blocks that differ in the two renderings (the XREF navigation line aside).
    assert [(c.kind, c.citation) for c in changes] == [
        ("modified", "740.10(b)(1)"),
        ("modified", "740.10(b)(4)"),
        ("modified", "740.10(b)(4)(i)"),
        ("modified", "740.10(b)(4) Note 1"),
        ("modified", "740.10 Source"),
    ]
    (b4i,) = [c for c in changes if c.citation == "740.10(b)(4)(i)"]
    assert [r for r in b4i.redline if r[0] != "equal"] == [("insert", ", 0A506, or 0A507")]


def test_bulk_title_1_pair_differs_only_in_dashes_and_comes_out_editorial_only():
    old, new = bulk_title_1_pair()
    assert [p.citation for p in old] == [p.citation for p in new]  # "Parts 23–49" and "23-49" are one key
    changes = compare(old, new)
    assert len(changes) == 70 and {c.kind for c in changes} == {"editorial"}
    assert all({op for op, _ in c.redline} == {"equal", "delete", "insert"} for c in changes)


def test_ccl_history_shows_the_known_changes_of_3a090_a_1_and_4a090_a():
    history = ccl_history()

    def kind(citation: str, day: str) -> str | None:
        days = list(history)
        before = days[days.index(day) - 1]
        found = [c.kind for c in compare(list(history[before]), list(history[day])) if c.citation == citation]
        return found[0] if found else None

    assert kind("4A090.a", "2023-11-17") == "modified"  # "exceeds the limit" → "meets or exceeds the limit"
    assert kind("4A090.a", "2024-04-04") == "modified"  # "limit" → "limits"
    assert kind("3A090.a.1", "2024-04-04") == "editorial"  # "a 'total…" → "A 'total…"
    assert kind("3A090.a.1", "2025-01-16") == "editorial"  # ", or" → "; or"


@pytest.mark.parametrize("name", list(_pairs()))
def test_every_real_pair_round_trips_through_apply(name):
    old, new = _pairs()[name]
    assert _readable(apply(old, compare(old, new))) == _readable(new)


def test_every_real_pair_diffs_with_known_kinds_only():
    counts = Counter(c.kind for old, new in _pairs().values() for c in compare(old, new))
    assert counts["modified"] and counts["editorial"] and counts["added"] and counts["removed"]
