"""tracker.rule_ingest on the real Federal Register API samples and the real daily issue in ../shared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.audit.scenario import DOC
from tests.rule_ingest.issue import REAL_ISSUE, issue_with_rule, real_issue_with_rule
from tests.support import SHARED, require
from tracker.errors import InputError
from tracker.rule_ingest import ingest_rules, read_rule_file
from tracker.store import Store

API = SHARED / "data" / "federal-register-api"
CCL_RULES = SHARED / "data" / "ccl-history" / "federal-register-documents.json"


@pytest.mark.parametrize(("name", "left_out"), [
    ("document-single.json", ["2026-19895"]),
    ("documents-agency-fmcsa-2026-10-01-to-10-10.json", ["2026-20734", "2026-20649", "2026-20524", "2026-20476",
                                                         "2026-20325"]),
    ("documents-title-48-part-52-since-2026-01-01-page-1.json", ["2026-19162", "2026-19160", "2026-19159",
                                                                  "2026-19158", "2026-12562"]),
])
def test_real_api_samples_of_other_titles_are_left_out_by_number(name: str, left_out: list[str]):
    found = read_rule_file(require(API / name))
    assert found.records == [] and found.texts == {}
    assert found.skipped == [f"{n}: not a Title 15 rule" for n in left_out]


def test_selected_fields_records_get_their_number_from_the_url():
    found = read_rule_file(require(API / "documents-title-40-part-261-rules-since-2019-selected-fields.json"))
    assert len(found.skipped) == 21 and found.skipped[0] == "2025-17524: not a Title 15 rule"


def test_the_real_bis_rule_list_is_stored_whole_with_part_774():
    found = read_rule_file(require(CCL_RULES))
    assert len(found.records) == 284 and found.skipped == []
    rule = next(r for r in found.records if r["document_number"] == "2024-07004")
    assert (rule["citation"], rule["effective_on"], rule["parts"]) == ("89 FR 23876", "2024-04-04", ["774"])


def test_the_real_daily_issue_has_no_title_15_rule():
    found = read_rule_file(require(REAL_ISSUE))
    assert found.records == [] and len(found.skipped) == 20
    assert found.skipped[0] == "2024-02930: no Title 15 amendment instructions"


def test_a_rule_in_the_real_issue_is_split_out_with_its_page_and_dates(tmp_path: Path):
    path = tmp_path / "issue.xml"
    path.write_bytes(real_issue_with_rule())
    found = read_rule_file(path)
    assert len(found.skipped) == 20 and [r["document_number"] for r in found.records] == [DOC]
    record = found.records[0]
    assert (record["citation"], record["publication_date"], record["effective_on"]) == (
        "89 FR 9794", "2024-02-12", "2026-10-01")
    assert record["parts"] == ["740", "774"] and record["type"] == "Rule"
    text = found.texts[DOC]
    assert text.count(b"<RULE") == 1 and b"2024\xe2\x80\x9302930" not in text


def _ingest(tmp_path: Path, data: bytes) -> tuple[Store, Path]:
    path = tmp_path / "rule.xml"
    path.write_bytes(data)
    return Store(tmp_path / "t.db"), path


def test_ingest_is_idempotent_and_keeps_the_full_text_where_the_audit_reads_it(tmp_path: Path):
    store, path = _ingest(tmp_path, issue_with_rule())
    first = ingest_rules(store, tmp_path / "snap", path)
    kept = tmp_path / "snap" / "federal-register" / f"{DOC}.xml"
    before = (kept.read_bytes(), kept.stat().st_mtime_ns, store.rules())
    again = ingest_rules(store, tmp_path / "snap", path)
    assert (first.stored, first.new, first.texts, again.stored, again.new) == (1, 1, 1, 0, 0)
    assert (kept.read_bytes(), kept.stat().st_mtime_ns, store.rules()) == before
    assert before[2][0].citation == "91 FR 50000" and before[2][0].parts == ("740", "774")


def test_an_api_record_is_not_replaced_by_the_one_read_from_xml(tmp_path: Path):
    store, path = _ingest(tmp_path, issue_with_rule())
    record = tmp_path / "rule.json"
    record.write_text(json.dumps({"document_number": DOC, "citation": "91 FR 50000", "title": "From the API",
                                  "publication_date": "2026-09-29", "effective_on": "2026-10-01",
                                  "cfr_references": [{"title": 15, "part": "740"}]}))
    ingest_rules(store, tmp_path / "snap", record)
    ingest_rules(store, tmp_path / "snap", path)
    assert [r.title for r in store.rules()] == ["From the API"]


@pytest.mark.parametrize("body", [
    b'{"results": [{"document_number": "2024-07004", "publication_date": "2024-04-04", "cfr_references": '
    b'[{"title": 15, "part": "740"}]}, {"document_number": "2024-1", "publication_date": "soon", '
    b'"cfr_references": [{"title": 15, "part": "774"}]}]}',
    b'{"results": [', b"<RULE><P>unclosed</RULE>", b"[1, 2]",
])
def test_bad_input_stores_nothing(tmp_path: Path, body: bytes):
    store, path = _ingest(tmp_path, body)
    with pytest.raises(InputError):
        ingest_rules(store, tmp_path / "snap", path)
    assert store.rules() == [] and not (tmp_path / "snap").exists()


def test_the_full_text_of_a_stored_real_rule_adds_the_parts_it_amends(tmp_path: Path):
    store = Store(tmp_path / "t.db")
    ingest_rules(store, tmp_path / "snap", require(CCL_RULES))
    xml = Path(__file__).parent.parent / "instructions" / "ear-rule-2024-07004.xml"
    first, again = ingest_rules(store, tmp_path / "snap", xml), ingest_rules(store, tmp_path / "snap", xml)
    rule = next(r for r in store.rules() if r.document_number == "2024-07004")
    assert rule.parts == ("740", "744", "774") and rule.citation == "89 FR 23876" and len(store.rules()) == 284
    assert (first.stored, first.texts, again.stored, again.texts) == (1, 1, 0, 1)


def test_a_store_failure_takes_back_the_files_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    store, path = _ingest(tmp_path, issue_with_rule())

    def refuse(records: object) -> int:
        raise InputError("disk full")

    monkeypatch.setattr(store, "add_rules", refuse)
    with pytest.raises(InputError):
        ingest_rules(store, tmp_path / "snap", path)
    assert list((tmp_path / "snap").rglob("*.*")) == []


@pytest.mark.parametrize(("change", "parts"), [
    ({"cfr_references": [{"title": 15, "part": "744"}, {"title": 48, "part": "52"}], "type": "Rule"}, ["744"]),
    ({"cfr_references": [{"title": 15, "part": "744"}], "type": "Proposed Rule"}, None),
    ({"agencies": [{"name": "Industry and Security Bureau"}], "type": "Rule"}, []),
    ({"agencies": [{"name": "Industry and Security Bureau"}], "type": "Notice"}, None),
])
def test_a_real_record_is_kept_when_it_is_a_rule_citing_title_15_or_by_bis(tmp_path: Path, change: dict[str, object],
                                                                         parts: list[str] | None):
    record = {**json.loads(require(API / "document-single.json").read_text("utf-8")), **change}
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    found = read_rule_file(path)
    assert [r["parts"] for r in found.records] == ([parts] if parts is not None else [])
