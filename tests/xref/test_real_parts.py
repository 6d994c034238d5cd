"""check-refs over the whole real Parts 734, 740 and 774 of 2026-09-01 stored together, and on the README demo.

Every expected status below was checked by reading the XML in ../shared/data/ecfr-api/full-2026-09-01-*;
the evidence is written beside each entry.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.support import ECFR_API, require
from tracker.citations import is_under, part_of
from tracker.ingest import ingest_file
from tracker.store import Store
from tracker.xref import RefCheck, check_refs

DATE = "2026-09-01"

#: The real drafting errors: (citing paragraph or the unit it is under, target, how many such references, evidence).
DRAFTING_ERRORS = [
    ("740.10(b)(4)(iii)", "740.10(b)(4)(iii)(B)", 1, "(b)(4)(iii) has no sub-paragraphs; the (B) meant is under (ii)"),
    ("740.11(b)(2)(iii)(F)", "740.11(b)(iii)", 1, "740.11(b) has (1)-(3) only; the GOV paragraph meant is (b)(2)(iii)"),
    ("740.27(a)(2)(i)", "4D090.a", 1, "4D090's Items: 'contained in the ECCN heading'; no lettered items"),
    ("4E001", "4D090.a", 3, "4E001 AIA, RS row 1 and STA cite 4D090.a; 4D090 has no lettered items"),
    ("4E001", "4D090.b", 2, "4E001 RS row 2 and STA cite 4D090.b; 4D090 has no lettered items"),
    ("3E001", "3A001.a.15", 1, "3E001's RS row; 3A001.a runs to a.14"),
    ("3E001", "3A004", 1, "3E001's RS row; there is no ECCN 3A004 heading in Supplement No. 1"),
    ("3E001", "3B003", 1, "3E001's RS row; no ECCN 3B003"),
    ("3E001", "3C007", 1, "3E001's RS row; no ECCN 3C007"),
    ("3E001", "3C008", 1, "3E001's RS row; no ECCN 3C008"),
    ("3E001", "3C009", 1, "3E001's RS row; no ECCN 3C009"),
    ("Category 4", "5A002.z.6", 1, "Category 4 Note 3; 5A002.z runs from z.1 to z.5"),
    ("Category 5, Part 1", "5A002.z.6", 1, "Category 5 Part 1's note 3; 5A002.z runs from z.1 to z.5"),
    ("1D613.a", "1B613.y", 1, "'(except 1B613.y)'; 1B613's Items are a. and b. only"),
    ("3E001", "3A001.b.13", 1, "3E001's RS row: '3A001.a.15 or b.13'; 3A001.b runs to b.12"),
    ("740.17(b)(3)(iii)(B)", "5A004.z.3", 1, "'ECCNs: 5A004.b, z.3'; 5A004.z has z.1 and z.2 only"),
    ("5E002.a Note", "5A004.z.3", 1, "'5A004.b, z.3 or z.4'; 5A004.z has z.1 and z.2 only"),
    ("5E002.a Note", "5A004.z.4", 1, "the same list"),
    ("740.7(b)(1)", "4A003.z.4", 1, "'ECCN 4A003.g, z.2, or z.4'; 4A003.z has z.1 and z.2 only"),
    ("Category 4, Technical Note", "4A003.z.3", 1, "the APP note: '4A003.c, z.1, or z.3'; 4A003.z has z.1, z.2"),
    ("9A004.d", "5A002.z.8", 1, "'5A002.c, z.3 or z.8'; 5A002.z runs from z.1 to z.5"),
    ("3B991.b.2.g Note", "3B991.b.10", 1, "'see 3B991.b.1.j or b.10'; 3B991.b has b.1 to b.4"),
]

#: Named historical or another agency's by the regulation's own words (citing, target, the words).
HISTORICAL = [
    ("0A505 LVS", "0A018.b", "immediately prior to March 9, 2020, were classified under 0A018.b"),
    ("1C018", "1C018.b", "immediately prior to July 1, 2014 were classified under 1C018.b through .m"),
    ("1E001 Related Controls", "1C018.b", "were classified under ECCN 1B018.a or 1C018.b through .m"),
    ("1E001 Related Controls", "1C012", "items described in ECCN 1C012 are subject to the export licensing authority"
                                        " of the Department of Energy"),
    ("1E001 STA", "1C012", "774.1(b)(2): 'ECCNs formerly listed on the CCL … are: … and 1C012'"),
    ("Supplement No. 6 to Part 774", "1C012", "the same, in the Sensitive List"),
    ("Supplement No. 7 to Part 774", "1C012", "the same, in the Very Sensitive List"),
    ("774.1(b)(2)", "0A001", "'ECCNs formerly listed on the CCL that … were subject to … the NRC … are: 0A001, …'"),
    ("774.1(b)(2)", "0C201", "the same list"),
    ("774.1(b)(3)", "0C201", "'as an additional point of historical reference: 0C201'"),
    ("8A018", "8A018.b.2", "'immediately prior to January 6, 2014, were classified under ECCN 8A018.b.2'"),
    ("9A018", "9A018.a.1", "'immediately prior to October 15, 2013, were classified under 9A018.a.1, …'"),
    ("9E018", "9A018.b", "'prior to January 6, 2014 were classified under ECCN 9A018.b'"),
]

#: Inside a reserved paragraph or range (citing, target, the reserved text).
RESERVED = [
    ("7A116 Related Controls", "9A610.r", "9A610: 'k. through s. [Reserved]'"),
    ("7A116 Related Controls", "9A610.s", "9A610: 'k. through s. [Reserved]'"),
    ("Category 3, Group A", "3A001.a.9", "3A001: 'a.9. [Reserved]'"),
    ("1B018 Related Controls", "1B018.a", "1B018: 'a. [Reserved]'"),
    ("3A611 LVS", "3A611.c", "3A611: 'b.-d. [Reserved]'"),
    ("8A001 STA", "8A001.d", "8A001: 'd. [Reserved]'"),
]

@pytest.fixture(scope="module")
def real_checks() -> list[RefCheck]:
    store = Store(":memory:")
    for part in ("734", "740", "774"):
        ingest_file(store, require(ECFR_API / f"full-{DATE}-title-15-part-{part}.xml"), part=part, date=DATE)
    return check_refs(store)


def _matching(checks: list[RefCheck], citing: str, target: str) -> list[RefCheck]:
    return [c for c in checks if c.target == target and is_under(c.from_citation, citing)]


def test_every_hand_checked_drafting_error_is_broken(real_checks):
    for citing, target, n, evidence in DRAFTING_ERRORS:
        found = _matching(real_checks, citing, target)
        assert [c.status for c in found] == ["broken"] * n, (citing, target, evidence)


def test_nothing_else_is_broken(real_checks):
    broken = [c for c in real_checks if c.status == "broken"]
    assert len(broken) == sum(n for *_, n, _ in DRAFTING_ERRORS) == 25


def test_historical_references_are_historical_by_the_texts_own_words(real_checks):
    for citing, target, words in HISTORICAL:
        found = _matching(real_checks, citing, target)
        assert found and {c.status for c in found} == {"historical"}, (citing, target, words)


def test_reserved_targets_and_ranges_are_reserved(real_checks):
    for citing, target, words in RESERVED:
        found = _matching(real_checks, citing, target)
        assert found and {c.status for c in found} == {"reserved"}, (citing, target, words)
    (c,) = _matching(real_checks, "7A116 Related Controls", "9A610.r")
    assert c.reason == "9A610.r falls in 9A610.k-s [Reserved]"


def test_references_to_parts_not_stored_are_unverifiable_never_broken(real_checks):
    outside = [c for c in real_checks if part_of(c.target) not in (None, "734", "740", "774")]
    assert len(outside) > 100
    assert {c.status for c in outside} == {"unverifiable"}
    assert {c.status for c in real_checks if c.kind == "external"} == {"unverifiable"}
    by_target = {c.target: c for c in real_checks}
    assert by_target["Part 762"].reason == "Part 762 is not stored on this date"


def test_every_status_occurs_and_counts_add_up(real_checks):
    counts = Counter(c.status for c in real_checks)
    assert set(counts) == {"ok", "reserved", "historical", "broken", "unverifiable"}
    assert sum(counts.values()) == len(real_checks)


def test_readme_demo_data_has_no_broken_reference_that_is_only_not_stored(tmp_path):
    store = Store(tmp_path / "tracker.db")
    for date in ("2026-06-25", DATE):
        path = require(ECFR_API / f"excerpt-{date}-title-15-part-774-3A001-3A090-4A090.xml")
        ingest_file(store, path, part="774", date=date)  # as the README's command: no --excerpt
    assert all(s.excerpt for s in store.snapshots())  # the files' own comments say so
    checks = check_refs(store)
    assert checks and not [c for c in checks if c.status == "broken"]
    missing = [c for c in checks if c.status == "unverifiable" and part_of(c.target) == "774"]
    assert missing and all(c.reason == f"Part 774 is stored only as an excerpt on {DATE}" for c in missing)
