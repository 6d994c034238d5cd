"""Full-text search on the real CCL excerpts and on the peer's CCL history."""

from __future__ import annotations

import pytest

from tracker.search import SearchError, search, search_all_dates


def test_search_finds_the_phrase_in_the_latest_version_with_snippets(excerpt_store):
    hits = search(excerpt_store, "performance density")
    assert "3A090.a.2" in {h.citation for h in hits}
    assert all("[performance density]" in h.snippet.lower() for h in hits)
    assert {h.version for h in hits} == {"2026-09-01"}


def test_search_on_a_date_and_part(peer_store):
    assert search(peer_store, "performance density", on="2023-10-18") == []
    assert {h.citation for h in search(peer_store, "performance density", on="2023-11-17", part="774")} >= {
        "3A090.a.2"
    }


def test_all_dates_tells_when_the_phrase_entered_and_left(peer_store):
    spans = {(p.citation, p.entered, p.left) for p in search_all_dates(peer_store, "exceeds the limit in 3A090.a")}
    # 4A090.a said "exceeds the limit in 3A090.a" until 2024-04-04 ("limits" since).
    assert ("4A090.a", "2023-01-17", "2024-04-04") in spans


def test_query_without_words_is_refused(excerpt_store):
    with pytest.raises(SearchError):
        search(excerpt_store, '" -- "')
