"""Upcoming changes from what is stored: the real eCFR links to amendments, public inspection, the daily check."""

from __future__ import annotations

from pathlib import Path

from tests.fetch.conftest import Sources, make_config
from tests.support import ECFR_API, require
from tracker.ingest import ingest_file
from tracker.store import Store
from tracker.upcoming import amendment_links
from tracker.upcoming.collect import upcoming
from tracker.upcoming.fetch import checked_path, fetch_upcoming

SECTION_742_6 = ECFR_API / "excerpt-2026-09-01-title-15-section-742.6.xml"
PART_774 = ECFR_API / "full-2026-09-01-title-15-part-774.xml"
TODAY = "2026-12-01"


def test_the_real_ecfr_links_to_amendments_are_read_with_their_unit_page_and_date():
    [link] = amendment_links(require(SECTION_742_6).read_bytes())
    assert link[:3] == ("742.6", "91 FR 46260", "2026-07-23")
    [ccl] = amendment_links(require(PART_774).read_bytes())
    assert ccl[:3] == ("Supplement No. 1 to Part 774", "91 FR 46261", "2026-07-23")
    assert amendment_links(require(ECFR_API / "full-2026-09-01-title-15-part-740.xml").read_bytes()) == []


def test_the_real_742_6_link_is_an_upcoming_change_of_742_6_until_a_rule_on_its_page_is_stored(tmp_path: Path):
    store = Store(tmp_path / "tracker.db")
    ingest_file(store, require(SECTION_742_6), part="742", date="2026-09-01", excerpt=True)
    [entry] = upcoming(store, tmp_path / "snapshots", TODAY)
    assert (entry.source, entry.citation, entry.publication_date, entry.parts, entry.targets) == (
        "ecfr-note", "91 FR 46260", "2026-07-23", ("742",), ("742.6",))
    assert entry.notes == ("eCFR 742.6: Link to an amendment published at 91 FR 46260, July 23, 2026.",)
    store.add_rules([{"document_number": "2026-13001", "citation": "91 FR 46260", "publication_date": "2026-07-23",
                      "effective_on": "2026-12-15", "title": "Regional stability", "parts": ["742"]}])
    [rule] = upcoming(store, tmp_path / "snapshots", TODAY)
    assert (rule.source, rule.key, rule.effective_on, rule.targets) == ("rule", "2026-13001", "2026-12-15", ("742.6",))
    assert rule.notes == entry.notes


def _inspection(number: str, **extra: object) -> dict:
    return {"document_number": number, "title": "Additions to the Entity List", "type": "Rule",
            "filed_at": "2026-11-30T08:45:00.000-05:00", "publication_date": "2026-12-02",
            "html_url": f"https://www.federalregister.gov/public-inspection/{number}", "pdf_url": None,
            "raw_text_url": None, "agencies": [{"slug": "industry-and-security-bureau"}], **extra}


def test_the_daily_check_keeps_bis_rules_on_public_inspection_and_asks_once_a_day(sources: Sources, tmp_path: Path):
    config = make_config(sources.server, tmp_path)
    sources.inspection = [_inspection("2026-24001"), _inspection("2026-24002", type="Notice"),
                          _inspection("2026-24003", agencies=[{"slug": "food-and-drug-administration"}])]
    store = Store(config.database)
    assert fetch_upcoming(config, store, today=TODAY) == []
    [entry] = upcoming(store, config.snapshots_dir, TODAY)
    assert (entry.source, entry.key, entry.when) == ("public-inspection", "2026-24001", "to be published 2026-12-02")
    asked = len(sources.server.log)
    assert fetch_upcoming(config, store, today=TODAY) == [] and len(sources.server.log) == asked  # once a day
    assert upcoming(store, config.snapshots_dir, "2026-12-03") == []  # its publication date has passed


def test_a_failed_check_is_not_recorded_so_the_next_run_asks_again(sources: Sources, tmp_path: Path):
    config = make_config(sources.server, tmp_path, federal_register_url="http://127.0.0.1:9", retries=0)
    failed = fetch_upcoming(config, Store(config.database), today=TODAY)
    assert failed and failed[0].startswith("public inspection:") and not checked_path(config.snapshots_dir).exists()


def test_a_link_a_server_sent_that_is_not_https_is_never_live_in_the_notice():
    from tracker.report.data import ReportData
    from tracker.report.render import render_html, render_text
    from tracker.upcoming import Upcoming

    entries = (Upcoming("public-inspection", "2026-24001", "", "Entity List", None, "2026-12-02", (),
                        url="javascript:alert(1)"),
               Upcoming("ecfr-note", "", "91 FR 46260", "", None, "2026-07-23", ("742",), ("742.6",),
                        url="data:text/html,x"))
    notice = ReportData(TODAY, None, (), (), upcoming=entries, notice="upcoming-2026-12-01-x")
    for page in (render_html(notice), render_text(notice)):
        assert "javascript:" not in page and "data:text" not in page
        assert "https://www.federalregister.gov/d/2026-24001" in page and "91 FR 46260" in page
