"""``history`` and ``text_on`` against a direct comparison of the versions they were built from."""

from __future__ import annotations

import pytest

from tests.history.conftest import NEW_IV
from tracker.history import HistoryError, history, is_under, text_on


def direct_change_dates(versions, key: str) -> list[str]:
    """Dates whose paragraphs under ``key`` differ (citation, heading, text) from the version before."""

    def view(paragraphs):
        return {p.citation: (p.heading, p.text) for p in paragraphs if is_under(p.citation, key)}

    dates = list(versions)
    return [b for a, b in zip(dates, dates[1:], strict=False) if view(versions[a]) != view(versions[b])]


@pytest.mark.parametrize("key", ["740.10", "740.10(a)", "740.10(a)(2)", "740.10(a)(2)(ii)", "740.10(a)(3)", "740.2",
                                 "740.2(a)(1)", "740.11", "Part 740"])
def test_history_lists_exactly_the_dates_the_text_changed(derived_store, derived_versions, key):
    assert sorted(history(derived_store, key).dates) == direct_change_dates(derived_versions, key)


def test_history_is_newest_first_with_kinds_and_redline(derived_store):
    h = history(derived_store, "740.10(a)")
    assert h.dates == ["2024-06-03", "2024-05-01", "2024-04-04", "2024-02-01"]
    kinds = {e.date: [(c.citation, c.kind) for c in e.changes] for e in h.entries}
    assert kinds == {
        "2024-06-03": [("740.10(a)(2)(iv)", "removed")],
        "2024-05-01": [("740.10(a)(3)(i)", "editorial")],
        "2024-04-04": [("740.10(a)(2)(iv)", "added")],
        "2024-02-01": [("740.10(a)(2)(ii)", "modified")],
    }
    modified = h.entries[-1].changes[0]
    assert ("insert", "or like-for-like ") in modified.redline


def test_change_on_2024_04_04_names_89_fr_23876(derived_store):
    entry = next(e for e in history(derived_store, "740.10").entries if e.date == "2024-04-04")
    assert [(r.citation, r.document_number) for r in entry.rules] == [("89 FR 23876", "2024-07004")]
    assert all(c.rules == entry.rules for c in entry.changes)


def test_on_returns_the_exact_text_in_force(derived_store, derived_versions):
    for date, paragraphs in derived_versions.items():
        expected = [p.text for p in paragraphs if is_under(p.citation, "740.10(a)(2)")]
        assert [p.text for p in text_on(derived_store, "740.10(a)(2)", date)] == expected
    assert [p.text for p in text_on(derived_store, "740.10(a)(2)(iv)", "2024-04-20")] == [NEW_IV]


def test_on_between_versions_gives_the_version_in_force(derived_store, derived_versions):
    got = text_on(derived_store, "740.10(a)(2)(ii)", "2024-03-31")
    assert got[0].text == next(p.text for p in derived_versions["2024-03-01"] if p.citation == "740.10(a)(2)(ii)")


def test_on_outside_the_keys_lifetime_is_a_clear_error(derived_store):
    with pytest.raises(HistoryError, match="not in the version of part 740 in force on 2024-02-15"):
        text_on(derived_store, "740.10(a)(2)(iv)", "2024-02-15")
    with pytest.raises(HistoryError, match="before the first stored version"):
        text_on(derived_store, "740.10", "2020-01-01")


def test_unknown_key_names_the_nearest_known_keys(derived_store, excerpt_store):
    with pytest.raises(HistoryError, match=r"unknown key '740.10\(a\)\(9\)'; nearest known: 740.10\(a\)"):
        history(derived_store, "740.10(a)(9)")
    with pytest.raises(HistoryError, match="nearest known: 3A090"):
        history(excerpt_store, "3A099")
    with pytest.raises(HistoryError, match="no stored versions of part 774"):
        history(derived_store, "3A090")


def test_key_spelling_is_normalised(excerpt_store):
    assert history(excerpt_store, "3a001").key == history(excerpt_store, "ECCN 3A001").key == "3A001"


def test_real_ccl_pair_shows_the_changed_table_cells(excerpt_store):
    for eccn in ("3A001", "3A090", "4A090"):
        h = history(excerpt_store, eccn)
        assert h.dates == ["2026-09-01"], eccn
        assert all(" License Requirements" in c.citation for c in h.entries[0].changes), eccn
    assert history(excerpt_store, "3A090.a").entries == ()


def test_with_text_gives_the_text_in_force_from_each_date(derived_store):
    h = history(derived_store, "740.10(a)(2)", with_text=True)
    assert NEW_IV in h.entries[1].text and NEW_IV not in h.entries[0].text
    assert "like-for-like" not in h.first_text
