"""Stores built from real EAR text: Part 740 with known edits, the real Part 774 excerpt pair, the peer's CCL."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from tests.history.peer import load_peer, peer_dates, rule_records, snapshot_xml
from tests.support import ECFR_API, PART_740, require
from tracker.model import Paragraph
from tracker.parse import parse_bytes, parse_file
from tracker.store import Store

EXCERPT_774 = "excerpt-{}-title-15-part-774-3A001-3A090-4A090.xml"


def ingest(store: Store, paragraphs: list[Paragraph], part: str, date: str) -> None:
    digest = hashlib.sha256("".join(p.text for p in paragraphs).encode()).hexdigest()
    store.ingest(paragraphs, part=part, date=date, source=f"derived {date}", sha256=digest, size=len(paragraphs))


def edit(paragraphs: list[Paragraph], citation: str, old: str, new: str) -> list[Paragraph]:
    """The version with one word-level edit in one paragraph (the edit must apply)."""
    out = []
    for p in paragraphs:
        if p.citation == citation:
            assert old in p.text, (citation, old)
            p = replace(p, text=p.text.replace(old, new, 1))
        out.append(p)
    return out


def insert_after(paragraphs: list[Paragraph], citation: str, new: Paragraph) -> list[Paragraph]:
    i = next(i for i, p in enumerate(paragraphs) if p.citation == citation)
    out = [*paragraphs[: i + 1], new, *paragraphs[i + 1 :]]
    return [replace(p, order=n) for n, p in enumerate(out)]


def remove(paragraphs: list[Paragraph], citation: str) -> list[Paragraph]:
    return [replace(p, order=n) for n, p in enumerate(q for q in paragraphs if q.citation != citation)]


@pytest.fixture(scope="session")
def part740() -> list[Paragraph]:
    return parse_file(require(PART_740))


NEW_IV = "(iv) Replacement parts may not be exported under this paragraph to Country Group E:1."


@pytest.fixture(scope="session")
def derived_versions(part740) -> dict[str, list[Paragraph]]:
    """Six versions of the real Part 740 made by known edits (dates → paragraphs)."""
    v0 = part740
    v1 = edit(v0, "740.10(a)(2)(ii)", "one-for-one basis", "one-for-one or like-for-like basis")
    v2 = edit(v1, "740.2(a)(1)", "(1)", "(1)  ")  # elsewhere in the Part only
    iv = Paragraph("740.10(a)(2)(iv)", "740", "740.10", "740.10(a)(2)", "(iv)", "paragraph", "", NEW_IV, 0)
    v3 = insert_after(v2, "740.10(a)(2)(iii)", iv)
    v4 = edit(v3, "740.10(a)(3)(i)", "No replacement", "no replacement")
    v5 = remove(v4, "740.10(a)(2)(iv)")
    dates = ["2024-01-02", "2024-02-01", "2024-03-01", "2024-04-04", "2024-05-01", "2024-06-03"]
    return dict(zip(dates, [v0, v1, v2, v3, v4, v5], strict=True))


@pytest.fixture(scope="session")
def derived_store(derived_versions) -> Store:
    store = Store(":memory:")
    # 89 FR 23876 amended Parts 740, 742, 744, 762, 772 and 774 (the peer's list names only the CCL).
    april = [{**r, "parts": ["740", "742", "744", "762", "772", "774"]} for r in rule_records()
             if r["document_number"] == "2024-07004"]
    store.add_rules(april)
    for date, paragraphs in derived_versions.items():
        ingest(store, paragraphs, "740", date)
    return store


@pytest.fixture(scope="session")
def excerpt_store() -> Store:
    """The real Part 774 excerpt pair (2026-06-25, 2026-09-01)."""
    store = Store(":memory:")
    for date in ("2026-06-25", "2026-09-01"):
        data = require(ECFR_API / EXCERPT_774.format(date)).read_bytes()
        store.ingest(parse_bytes(data, date), part="774", date=date, source=date,
                     sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    return store


@pytest.fixture(scope="session")
def peer():
    return load_peer()


@pytest.fixture(scope="session")
def peer_store(peer) -> Store:
    """Part 774 snapshots built from the peer's items, ingested in date order, with the peer's FR rules."""
    store = Store(":memory:")
    store.add_rules(rule_records())
    for date in peer_dates(peer):
        xml = snapshot_xml(peer, date)
        store.ingest(parse_bytes(xml, f"peer {date}"), part="774", date=date, source=f"peer {date}",
                     sha256=hashlib.sha256(xml).hexdigest(), size=len(xml))
    return store
