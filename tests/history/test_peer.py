"""Against a peer: the per-item CCL history in ../shared/data/ccl-history.

Snapshots of Part 774 are rebuilt from the peer's item texts (tests/history/peer.py) for all its
dates and ingested in date order; ``history`` of every item must list exactly the dates on which the
peer's text of it (or of an item under it) changed. Disagreements found and checked by hand are
listed in KNOWN with the reason; each is asserted to be exactly that, so a new one fails. All of them
are the peer's: notes glued onto the last item before them, and changes of markup only. tracker agrees
on the other 90 of the 94 items. The history of an item includes the notes that apply to it by their own
label (``Note 2 to 3A090.a and 3A090.b``, keyed under 3A090): that is how 3A090.b, 4E001.a and 4E001.c agree.
"""

from __future__ import annotations

import re

import pytest
from lxml import etree

from tests.history.peer import change_dates, load_peer, peer_dates, snapshot_xml
from tracker.history import history, is_under

#: item → (dates only the peer has, dates only tracker has), each checked by hand.
KNOWN = {
    # The peer glued "Note 1 to 3A090.a" and "Technical Note 1 to 3A090.a" onto the text of the last
    # item before them (a.2) from 2025-01-16 and dropped them on 2025-09-28; the words of a.2 did not
    # change. tracker keys the notes by their own label, under 3A090.a.
    "3A090.a.2": ({"2025-01-16", "2025-09-28"}, set()),
    # Likewise Notes 2-4 and Technical Note 2 "to 3A090.a and 3A090.b", glued onto b.2. tracker keys them
    # under 3A090, the common parent of the items they name (3A090 Note 2 …), and lists them in the history of
    # 3A090.a and 3A090.b as records that apply to those items (tracker.applies), not in that of b.2.
    "3A090.b.2": ({"2025-01-16", "2025-09-28"}, set()),
    # 2025-09-28: the heading of Technical Note 1 to 3A090.c lost its italics (<HED><I>…</I></HED> →
    # <HED>…</HED>); the peer compares plain text, tracker reports it as an editorial change.
    "3A090.c": (set(), {"2025-09-28"}),
    # 2023-02-24: the Technical Note of 4A090.a changed shape (HED + P → all words in an italic HED);
    # same words, so editorial for tracker and no change for the peer.
    "4A090.a": (set(), {"2023-02-24"}),
}

PEER = load_peer()


def peer_change_dates(key: str) -> set[str]:
    dates = peer_dates(PEER)
    return set().union(*(change_dates(recs, dates) for k, recs in PEER.items() if is_under(k, key)))


@pytest.mark.parametrize("key", sorted(PEER))
def test_history_matches_the_peer(peer_store, key):
    got = set(history(peer_store, key).dates)
    expected = peer_change_dates(key)
    peer_only, tracker_only = KNOWN.get(key, (set(), set()))
    assert (expected - got, got - expected) == (peer_only, tracker_only)


def test_known_tracker_only_dates_are_editorial(peer_store):
    for key, (_, tracker_only) in KNOWN.items():
        for entry in history(peer_store, key).entries:
            if entry.date in tracker_only:
                assert {c.kind for c in entry.changes} == {"editorial"}, (key, entry.date)


def test_known_peer_only_dates_leave_the_items_own_words_unchanged(peer):
    dates = peer_dates(peer)
    for key, (peer_only, _) in KNOWN.items():
        for item in (k for k in peer if is_under(k, key)):
            first_lines = {r.date: r.text.split("\n")[0] for r in peer[item]}
            for date in peer_only:
                before = dates[dates.index(date) - 1]
                assert first_lines.get(before) == first_lines.get(date), (key, item, date)


def test_notes_naming_several_items_are_in_each_items_history_as_applying(peer_store):
    b = {e.date: e for e in history(peer_store, "3A090.b").entries}
    # 2025-01-16: "Note 1 to 3A090.a" came in before them, so the notes to 3A090.a and .b were renumbered
    assert [(a.change.kind, a.change.old_citation, a.change.citation, a.by) for a in b["2025-01-16"].applying] == [
        ("redesignated", "3A090 Note 1", "3A090 Note 2", "Note 2 to 3A090.a, 3A090.b"),
        ("redesignated", "3A090 Note 2", "3A090 Note 3", "Note 3 to 3A090.a, 3A090.b"),
        ("redesignated", "3A090 Note 3", "3A090 Note 4", "Note 4 to 3A090.a, 3A090.b"),
        ("redesignated", "3A090 Technical Notes", "3A090 Technical Note 2", "Technical Note 2 to 3A090.a, 3A090.b"),
    ]
    assert b["2025-01-16"].changes == ()
    c = {e.date: e for e in history(peer_store, "4E001.c").entries}
    (note1, note2) = c["2024-09-06"].applying  # "4E001.a and 4E001.c" -> "4E001.a, 4E001.c" in both notes
    assert (note1.change.kind, note1.change.citation, note2.change.citation) == ("modified", "4E001 Note 1",
                                                                                 "4E001 Note 2")
    assert ("delete", " and") in note1.change.redline
    assert not any(a.by.startswith("Note") for e in history(peer_store, "3A090.c").entries for a in e.applying)


def test_april_2024_changes_are_attributed_to_89_fr_23876(peer_store):
    keys = [k for k in PEER if "2024-04-04" in peer_change_dates(k)]
    assert {"4A090.a", "3A090.a.1", "3A001.z.1"} <= set(keys)
    for key in keys:
        entry = next(e for e in history(peer_store, key).entries if e.date == "2024-04-04")
        assert [(r.citation, r.document_number) for r in entry.rules] == [("89 FR 23876", "2024-07004")], key


def test_real_changes_from_the_domain_notes(peer_store):
    h = {e.date: e for e in history(peer_store, "4A090.a").entries}
    assert {"2023-11-17", "2024-04-04"} <= set(h)
    assert ("insert", "meets or ") in h["2023-11-17"].changes[0].redline
    a1 = next(e for e in history(peer_store, "3A090.a.1").entries if e.date == "2024-04-04")
    assert [c.kind for c in a1.changes] == ["editorial"]
    z = next(e for e in history(peer_store, "3A001.z").entries if e.date == "2024-04-04")
    (split,) = z.changes  # 3A001.z split into .z.1-.z.4 (89 FR 23876): one restructuring, not 4 additions
    assert (split.kind, split.citation) == ("restructured", "3A001.z")
    assert split.old_text == (
        "z. Any commodity described in 3A001 that meets or exceeds the performance parameters in 3A090.")
    assert [(c.kind, c.citation) for c in split.parts] == [
        ("added", "3A001.z.1"), ("added", "3A001.z.2"), ("added", "3A001.z.3"), ("added", "3A001.z.4")]


def test_the_snapshots_hold_only_the_peers_own_words(peer):
    """Every item paragraph of every rebuilt snapshot is a marker and words the peer recorded that day (the item's
    heading, or a parent's words in the breadcrumbs); no parent is made up from its key (``z.1. 3A001.z.1``)."""
    for date in peer_dates(peer):
        today = [r for rs in peer.values() for r in rs if r.date == date]
        words = {r.heading for r in today} | {b for r in today for b in r.breadcrumbs if b not in peer}
        pieces = {"".join(p.itertext()) for r in today for c in r.content for p in _paragraphs(c)}
        xml = etree.fromstring(snapshot_xml(peer, date))
        items = [p for p in xml.iter("P") if re.match(r"[a-z](?:\.[a-z0-9]+)*\. ", "".join(p.itertext()))]
        assert items, date
        for p in items:
            text = "".join(p.itertext())
            assert text in pieces or text.partition(" ")[2] in words, (date, text[:60])


def _paragraphs(piece: dict) -> list[etree._Element]:
    try:
        return list(etree.fromstring(piece.get("html", "").encode()).iter("P"))
    except etree.XMLSyntaxError:
        return []
