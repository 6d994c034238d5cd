"""``sync`` end to end against the local services: versions, snapshots, store, resumption, faults."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.fetch.conftest import FR_XML, PART_740_FULL, PART_774_NEW, PART_774_OLD, query
from tests.support import ECFR_API
from tracker.build import stored_amendments
from tracker.snapshots import ecfr_path, federal_register_path
from tracker.store import Store
from tracker.sync import sync


def quiet(message: str) -> None:
    pass


@pytest.fixture
def ear(sources):
    """Part 740 on 2026-09-01 (real, whole) and the real Part 774 pair of 2026-06-25 / 2026-09-01."""
    sources.add_version("740", "2026-09-01", PART_740_FULL.read_bytes())
    sources.add_version("774", "2026-06-25", PART_774_OLD.read_bytes())
    sources.add_version("774", "2026-09-01", PART_774_NEW.read_bytes())
    sources.add_rule("774", sources.rule("2024-07004", effective_on="2026-09-01"), FR_XML.read_bytes())
    return sources


def files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_first_run_stores_the_latest_version_of_each_part(ear, config, store):
    result = sync(config, store, log=quiet)
    assert result.new_versions == [("740", "2026-09-01"), ("774", "2026-09-01")]
    assert files(config.snapshots_dir) == [
        "ecfr/title-15/part-740/2026-09-01.xml",
        "ecfr/title-15/part-774/2026-09-01.xml",
        "ecfr/title-15/state.json",
    ]
    for row in store.snapshots():
        data = ecfr_path(config.snapshots_dir, row.part, row.date).read_bytes()
        assert row.sha256 == hashlib.sha256(data).hexdigest() and row.size == len(data)
    assert len(store.paragraphs_on("740", "2026-09-01")) == 1766
    assert result.rules_added == 0  # a first run has nothing to attribute


def test_second_run_with_nothing_new_makes_one_request(ear, config, store):
    sync(config, store, log=quiet)
    before = len(ear.server.log)
    result = sync(config, store, log=quiet)
    assert result.new_versions == [] and result.requests == 1
    assert [r.path for r, _ in ear.server.log[before:]] == ["/api/versioner/v1/titles.json"]


def test_backfill_fetches_every_date_since_then_only_what_is_missing(ear, config, store):
    result = sync(config, store, since="2026-01-01", log=quiet)
    assert result.new_versions == [("740", "2026-09-01"), ("774", "2026-06-25"), ("774", "2026-09-01")]
    assert result.rules_added == 1
    assert store.rules("774")[0].citation == "89 FR 23876"
    assert federal_register_path(config.snapshots_dir, "2024-07004", "json").is_file()
    downloads = len(ear.requests_to("/full/"))
    again = sync(config, store, since="2026-01-01", log=quiet)
    assert again.new_versions == [] and len(ear.requests_to("/full/")) == downloads == 3


def test_a_new_version_is_fetched_with_its_rules_and_nothing_else(ear, config, store):
    ear.xml["774"].pop("2026-09-01")
    ear.set_latest_issue("2026-06-25")
    sync(config, store, log=quiet)
    ear.add_version("774", "2026-09-01", PART_774_NEW.read_bytes())
    result = sync(config, store, log=quiet)
    assert result.new_versions == [("774", "2026-09-01")]
    full = [(r.path, r.args["part"]) for r in ear.requests_to("/full/")]
    assert full.count(("/api/versioner/v1/full/2026-09-01/title-15.xml", "774")) == 1
    assert store.rules("774")[0].document_number == "2024-07004"
    versions = [query(r) for r in ear.requests_to("/versions/")]
    assert [q["issue_date[gte]"] for q in versions[-2:]] == [["2026-06-25"], ["2026-06-25"]]


def test_every_versions_request_carries_an_issue_date_filter(ear, config, store):
    sync(config, store, since="2026-01-01", log=quiet)
    sync(config, store, log=quiet)
    listed = ear.requests_to("/versions/")
    assert listed and all("issue_date[gte]" in query(r) and "part" in query(r) for r in listed)


def test_rules_taking_effect_together_have_their_full_text_read(ear, config, store):
    second = ear.rule("2024-08446", effective_on="2026-08-01")
    ear.add_rule("774", second, FR_XML.read_bytes())
    sync(config, store, since="2026-01-01", log=quiet)
    assert len(ear.requests_to("/full-text/")) == 2
    for number in ("2024-07004", "2024-08446"):
        assert federal_register_path(config.snapshots_dir, number, "xml").is_file()
    # That daily issue amends no Title 15 Part: the instructions are known and name nothing here.
    assert stored_amendments(config.snapshots_dir, ["2024-07004", "2024-08446", "2099-00001"]) == {
        "2024-07004": [],
        "2024-08446": [],
    }


def test_a_snapshot_left_on_disk_is_ingested_without_downloading(ear, config, store):
    path = ecfr_path(config.snapshots_dir, "740", "2026-09-01")
    path.parent.mkdir(parents=True)
    path.write_bytes(PART_740_FULL.read_bytes())
    result = sync(config, store, log=quiet)
    assert ("740", "2026-09-01") in result.new_versions
    assert [r.args["part"] for r in ear.requests_to("/full/")] == ["774"]


def assert_nothing_half_done(config, store, part, date):
    assert not ecfr_path(config.snapshots_dir, part, date).exists()
    assert not store.has_snapshot(part, date)
    folder = config.snapshots_dir / "ecfr" / "title-15" / f"part-{part}"
    assert not folder.exists() or not any(p.name.startswith(".") for p in folder.iterdir())
    assert state(config)["latest_issue_date"] is None  # the next run lists the version again


def state(config):
    return json.loads((config.snapshots_dir / "ecfr" / "title-15" / "state.json").read_text())


def quarantined(config, part):
    folder = config.snapshots_dir / "quarantine" / "ecfr" / "title-15" / f"part-{part}"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_an_html_page_with_status_200_is_one_error_and_no_snapshot_and_the_others_go_on(ear, config, store):
    ear.xml["774"]["2026-09-01"] = b"<!DOCTYPE html><html><body>Scheduled maintenance</body></html>"
    result = sync(config, store, log=quiet)
    [error] = result.errors
    assert "expected XML" in error and "\n" not in error
    assert_nothing_half_done(config, store, "774", "2026-09-01")
    assert store.has_snapshot("740", "2026-09-01")  # the other Part is stored all the same
    ear.xml["774"]["2026-09-01"] = PART_774_NEW.read_bytes()
    again = sync(config, store, log=quiet)
    assert again.errors == [] and again.new_versions == [("774", "2026-09-01")]


def test_a_truncated_xml_body_is_quarantined_not_stored_and_fetched_again(ear, config, store):
    cut = (ECFR_API / "excerpt-title-15-section-772.1-first-16000-chars.xml.part").read_bytes()
    ear.xml["774"]["2026-09-01"] = cut
    [error] = sync(config, store, log=quiet).errors
    assert "\n" not in error and "kept aside as" in error
    assert_nothing_half_done(config, store, "774", "2026-09-01")
    kept = quarantined(config, "774")
    assert len(kept) == 2 and all(k.startswith("2026-09-01.") for k in kept)
    assert kept[1].endswith(".xml") and kept[0] == kept[1].removesuffix(".xml") + ".why.txt"
    assert sync(config, store, log=quiet).errors and len(quarantined(config, "774")) == 2  # the same body: kept once
    ear.xml["774"]["2026-09-01"] = PART_774_NEW.read_bytes()
    assert sync(config, store, log=quiet).new_versions == [("774", "2026-09-01")]


def test_a_404_for_one_date_is_one_line_and_the_other_dates_are_stored(ear, config, store):
    ear.xml["774"]["2026-09-01"] = None
    result = sync(config, store, since="2026-01-01", log=quiet)
    [error] = result.errors
    assert "HTTP 404" in error and "full/2026-09-01" in error and "\n" not in error
    assert_nothing_half_done(config, store, "774", "2026-09-01")
    assert result.new_versions == [("740", "2026-09-01"), ("774", "2026-06-25")]


def test_invalid_json_from_the_federal_register_stores_no_rules_but_every_version(ear, config, store, server):
    server.expect_oneshot_request("/api/v1/documents.json").respond_with_data(
        '{"count": 3, "results": [{"document_number": "2024-07004"', content_type="application/json"
    )
    result = sync(config, store, since="2026-01-01", log=quiet)
    [error] = result.errors
    assert error.startswith("Federal Register: ") and "invalid JSON" in error
    assert store.rules() == [] and store.counts()["snapshots"] == 3
    assert not (config.snapshots_dir / "federal-register").exists()
    assert state(config)["federal_register_due"] == "2026-09-01" and state(config)["federal_register_until"] is None
    again = sync(config, store, log=quiet)  # nothing new in the eCFR, but the rules are due: asked again
    assert again.errors == [] and again.rules_added == 1 and again.new_versions == []
    assert state(config)["federal_register_due"] is None


def test_state_records_what_the_run_saw_and_the_store_it_was_written_against(ear, config, store):
    sync(config, store, log=quiet)
    seen = state(config)
    assert seen["latest_issue_date"] == "2026-09-01" and seen["parts"] == ["740", "774"]
    assert seen["stored"] == {"740": ["2026-09-01", 1], "774": ["2026-09-01", 1]}


def test_a_temp_file_left_by_a_killed_run_is_removed_and_the_date_fetched(ear, config, store):
    stale = ecfr_path(config.snapshots_dir, "774", "2026-09-01").with_name(".2026-09-01.xml.k1ll3d.part")
    stale.parent.mkdir(parents=True)
    stale.write_bytes(PART_774_NEW.read_bytes()[:4000])
    result = sync(config, store, log=quiet)
    assert ("774", "2026-09-01") in result.new_versions and not stale.exists()


def test_the_source_url_of_each_version_is_recorded_also_when_resumed_from_disk(ear, config, store):
    path = ecfr_path(config.snapshots_dir, "740", "2026-09-01")
    path.parent.mkdir(parents=True)
    path.write_bytes(PART_740_FULL.read_bytes())
    sync(config, store, log=quiet)
    for part in ("740", "774"):
        url = store.snapshot(part, "2026-09-01").url
        assert url == f"{ear.base}/api/versioner/v1/full/2026-09-01/title-15.xml?part={part}"


def test_a_version_dated_more_than_three_days_ahead_waits_until_its_date_is_near(ear, config, store):
    ear.add_version("774", "2026-09-04", PART_774_NEW.read_bytes())
    ear.add_version("774", "2026-09-05", PART_774_OLD.read_bytes())
    lines: list[str] = []
    first = sync(config, store, log=lines.append, today="2026-09-01")
    assert ("774", "2026-09-04") in first.new_versions and first.errors == []
    held = "warning: part 774: version 2026-09-05 is dated more than 3 days after today (2026-09-01)"
    assert any(line.startswith(held) for line in lines)
    assert not ear.requests_to("/full/2026-09-05/") and state(config)["latest_issue_date"] is None
    later = sync(config, store, log=quiet, today="2026-09-02")
    assert later.new_versions == [("774", "2026-09-05")]
    assert state(config)["latest_issue_date"] == "2026-09-05"


def test_a_state_that_does_not_match_the_store_is_ignored(ear, config, store, tmp_path):
    sync(config, store, since="2026-01-01", log=quiet)
    other = Store(tmp_path / "other.db")
    ingest = sync(config, other, log=quiet)  # the same snapshots and state.json, another database
    assert ingest.new_versions == [("740", "2026-09-01"), ("774", "2026-06-25"), ("774", "2026-09-01")]
    assert other.dates("774") == ["2026-06-25", "2026-09-01"] and len(ear.requests_to("/full/")) == 3
    assert state(config)["stored"] == {"740": ["2026-09-01", 1], "774": ["2026-09-01", 2]}


def test_malformed_rule_records_are_skipped_and_the_good_one_is_kept(ear, config, store):
    ear.add_rule("774", ear.rule("2024-08446", cfr_references="15 CFR 774"))
    ear.add_rule("774", ear.rule("2025-02655", publication_date=None))
    lines: list[str] = []
    result = sync(config, store, since="2026-01-01", log=lines.append)
    assert result.errors == [] and [r.document_number for r in store.rules()] == ["2024-07004"]
    skipped = [line for line in lines if "skipped document" in line]
    assert all(any(number in line for line in skipped) for number in ("2024-08446", "2025-02655"))
