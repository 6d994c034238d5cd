"""What makes a diff cheap leaves its changes as they were: the lone pairs of a unit taken at once pair what the
tiers would, the bag-of-words share counts only the middles, and a change's redline is worked out when first read
(equal to, and hashed and written as, the runs it stood for); a change is written field by field as
``dataclasses.asdict`` wrote it."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, replace
from itertools import pairwise
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import tracker.diff.match as match_module
from tests.diff.samples import (
    EXCERPT_3A,
    EXCERPT_9A,
    ccl_history,
    merged_3a001_z,
    parsed,
    section_740_10_pair,
    xml_pair,
)
from tests.diff.test_store_delta import _ingest, _versions
from tests.support import ECFR_API, PART_740, require
from tracker.diff import compare, diff_dates
from tracker.diff.changes import _delta, regulatory_by_part
from tracker.diff.match import _bag_ratio, match
from tracker.diff.redline import Redline, redline
from tracker.diff.sides import ListSides
from tracker.model import Change, Paragraph, Rule
from tracker.parse import parse_bytes
from tracker.store import Store


def _version_pairs() -> list[tuple[list[Paragraph], list[Paragraph]]]:
    """Real version pairs, consecutive CCL history dates, and random edits of real Part 740 (25 per version)."""
    pairs = [xml_pair(EXCERPT_3A, "2026-06-25", "2026-09-01"), xml_pair(EXCERPT_9A, "2026-06-25", "2026-09-01"),
             section_740_10_pair()]
    pairs += [(list(a), list(b)) for a, b in pairwise(ccl_history().values())]
    pairs += list(pairwise(_versions(list(parsed(PART_740)), 4, 25, seed=15).values()))
    return pairs


def _pairing(old: list[Paragraph], new: list[Paragraph]) -> list[tuple[str, str]]:
    olds, news = regulatory_by_part(old), regulatory_by_part(new)
    found = []
    for part in sorted(olds.keys() | news.keys()):
        pairing = match(ListSides(_delta(olds.get(part, []), news.get(part, []))))
        found += [(a.citation, b.citation) for a, b in pairing.pairs]
    return found


def test_taking_the_lone_pairs_of_a_unit_first_pairs_what_the_tiers_alone_pair(monkeypatch):
    pairs = _version_pairs()
    fast = [_pairing(old, new) for old, new in pairs]
    monkeypatch.setattr(match_module, "_alone_pairs", lambda *_: iter(()))
    assert fast == [_pairing(old, new) for old, new in pairs]
    assert sum(map(len, fast)) > 100


@given(st.lists(st.sampled_from("abcd"), max_size=12), st.lists(st.sampled_from("abcd"), max_size=12))
def test_the_bag_of_words_share_is_difflibs_quick_ratio(a, b):
    counted = 2.0 * (Counter(a) & Counter(b)).total() / (len(a) + len(b)) if a or b else 1.0
    assert _bag_ratio(tuple(a), tuple(b)) == counted


def test_a_diff_works_out_no_redline_until_one_is_read_and_then_the_runs_of_its_texts():
    versions = _versions(list(parsed(PART_740)), 2, 25, seed=20)
    store = Store(":memory:")
    _ingest(store, versions)
    a, b = versions
    changes = diff_dates(store, a, b, part="740").changes
    lazy = [c.redline for c in changes if isinstance(c.redline, Redline)]
    assert len(lazy) > 5 and all(r._runs is None for r in lazy)
    for c in changes:
        if isinstance(c.redline, Redline):
            assert c.redline == redline(c.old_text or "", c.new_text or "")
            assert hash(c.redline) == hash(tuple(c.redline))
    assert changes == compare(versions[a], versions[b], earlier=store.earlier_texts("740", a))


def test_a_lazy_redline_is_written_copied_and_compared_as_its_runs():
    old, new = "(1) Exports of items to Country Group A:5.", "(1) Exports of commodities to Country Group A:6."
    (change,) = compare([Paragraph("1.1(a)(1)", "1", "1.1", "1.1(a)", "(1)", "paragraph", "", old, 0)],
                        [Paragraph("1.1(a)(1)", "1", "1.1", "1.1(a)", "(1)", "paragraph", "", new, 0)])
    assert isinstance(change.redline, Redline)
    runs = redline(old, new)
    eager = replace(change, redline=runs)
    assert change == eager and hash(change) == hash(eager)
    assert json.dumps(change.to_dict()) == json.dumps(eager.to_dict())
    assert asdict(change)["redline"] == runs


def _as_before(change: Change) -> dict[str, Any]:
    """``Change.to_dict`` as it was: ``dataclasses.asdict`` of the change, then the sequences as lists."""
    d = asdict(change)
    d["redline"] = [list(r) for r in change.redline]
    d["reference_pairs"] = [list(r) for r in change.reference_pairs]
    d["rules"] = [asdict(r) for r in change.rules]
    d.pop("parts")
    if change.parts:
        d["parts"] = [_as_before(c) for c in change.parts]
    return d


def test_a_change_is_written_field_by_field_exactly_as_asdict_wrote_it():
    rule = Rule("2024-07004", "89 FR 23876", "Title", "Rule", "2024-04-04", None, "https://example.org")
    xml = require(ECFR_API / EXCERPT_3A.format("2026-09-01")).read_text("utf-8")
    split = compare(parse_bytes(merged_3a001_z(xml).encode()), parse_bytes(xml.encode()))
    changes = [c for old, new in _version_pairs() for c in compare(old, new)] + split
    kinds = {c.kind for c in changes}
    assert {"modified", "added", "removed", "redesignated", "restructured"} <= kinds
    for c in [*changes, replace(changes[0], rules=(rule, rule))]:
        assert json.dumps(c.to_dict(), ensure_ascii=False) == json.dumps(_as_before(c), ensure_ascii=False)
