"""The eCFR and Federal Register clients on the real recorded responses."""

from __future__ import annotations

import json

import pytest
from werkzeug import Response

from tests.fetch.conftest import FR_API, FR_XML, PART_774_NEW, query, real_json
from tests.support import ECFR_API
from tracker.fetch.ecfr import EcfrClient
from tracker.fetch.federal_register import FIELDS, FederalRegisterClient
from tracker.fetch.http import FetchError, HttpClient


def test_titles_gives_title_15s_latest_issue_date(server, config):
    server.expect_request("/api/versioner/v1/titles.json").respond_with_data(
        (ECFR_API / "titles.json").read_bytes(), content_type="application/json"
    )
    title = EcfrClient(HttpClient(config), config.ecfr_url).titles()
    assert title["latest_issue_date"] == "2026-08-27" and title["name"] == "Commerce and Foreign Trade"


def test_versions_of_a_part_are_read_from_the_real_listing_with_an_issue_date_filter(server, config):
    body = (ECFR_API / "versions-title-1-part-2-issue_date-gte-2020-01-01.json").read_bytes()
    server.expect_request("/api/versioner/v1/versions/title-1.json").respond_with_data(
        body, content_type="application/json"
    )
    versions = EcfrClient(HttpClient(config), config.ecfr_url, title=1).versions("2", "2020-01-01")
    assert [(v["amendment_date"], v["issue_date"], v["identifier"]) for v in versions] == [
        ("2015-12-18", "2023-04-10", "2.2"),
        ("2022-12-29", "2022-12-29", "2.3"),
        ("2022-12-29", "2022-12-29", "2.5"),
    ]
    ((request, _),) = server.log
    assert query(request) == {"issue_date[gte]": ["2020-01-01"], "part": ["2"], "page": ["1"]}


def test_a_full_page_of_versions_asks_for_the_next_page(server, config):
    entry = real_json(ECFR_API / "versions-title-1.json")["content_versions"][0]
    pages = {"1": [entry] * 1000, "2": [entry] * 3}

    def answer(request):
        return Response(json.dumps({"content_versions": pages[request.args["page"]]}), content_type="application/json")

    server.expect_request("/api/versioner/v1/versions/title-15.json").respond_with_handler(answer)
    assert len(EcfrClient(HttpClient(config), config.ecfr_url).versions("740", "2024-01-01")) == 1003
    assert [r.args["page"] for r, _ in server.log] == ["1", "2"]


def test_documents_query_asks_for_bis_rules_of_one_part_of_title_15(server, config):
    page = real_json(FR_API / "documents-title-48-part-52-since-2026-01-01-page-1.json")
    page["next_page_url"] = None
    server.expect_request("/api/v1/documents.json").respond_with_json(page)
    client = FederalRegisterClient(HttpClient(config), config.federal_register_url)
    docs = list(client.documents("740", "2024-01-01", "2024-06-30"))
    assert len(docs) == 5 and set(docs[0]) == set(FIELDS)
    assert docs[0]["document_number"] == "2026-19162" and docs[0]["full_text_xml_url"] is None
    q = query(server.log[0][0])
    assert q["conditions[agencies][]"] == ["industry-and-security-bureau"]
    assert q["conditions[cfr][title]"] == ["15"] and q["conditions[cfr][part]"] == ["740"]
    assert q["conditions[type][]"] == ["RULE"] and q["fields[]"] == list(FIELDS)
    assert q["conditions[publication_date][gte]"] == ["2024-01-01"]
    assert q["conditions[publication_date][lte]"] == ["2024-06-30"]


def test_a_result_without_document_number_is_an_error(server, config):
    server.expect_request("/api/v1/documents.json").respond_with_data(
        (FR_API / "documents-title-40-part-261-rules-since-2019-selected-fields.json").read_bytes(),
        content_type="application/json",
    )
    client = FederalRegisterClient(HttpClient(config), config.federal_register_url)
    with pytest.raises(FetchError, match="without a document_number"):
        list(client.documents("740", "2024-01-01", "2024-06-30"))


def test_paging_follows_next_page_url_as_given_once_per_page(server, config):
    first = real_json(FR_API / "documents-title-48-part-52-since-2026-01-01-page-1.json")
    cursor = first["next_page_url"].split("?", 1)[1]
    first["next_page_url"] = server.url_for("/api/v1/documents") + "?" + cursor
    last = real_json(FR_API / "documents-agency-fmcsa-2026-10-01-to-10-10.json")
    server.expect_request("/api/v1/documents.json").respond_with_json(first)
    server.expect_request("/api/v1/documents").respond_with_json(last)
    client = FederalRegisterClient(HttpClient(config), config.federal_register_url)
    docs = list(client.documents("52", "2026-01-01", "2026-10-31"))
    assert [d["document_number"] for d in docs] == [r["document_number"] for r in first["results"] + last["results"]]
    assert [r.path for r, _ in server.log] == ["/api/v1/documents.json", "/api/v1/documents"]
    assert server.log[1][0].args["search_after_cursor"] == "WzE3ODIxNzI4MDAwMDAsIjIwMjYtMTI1NjIiXQ"


def test_paging_that_loops_is_an_error(server, config):
    page = real_json(FR_API / "documents-agency-fmcsa-2026-10-01-to-10-10.json")
    page["next_page_url"] = server.url_for("/api/v1/documents?page=2")
    server.expect_request("/api/v1/documents.json").respond_with_json(page)
    server.expect_request("/api/v1/documents").respond_with_json(page)
    client = FederalRegisterClient(HttpClient(config), config.federal_register_url)
    with pytest.raises(FetchError, match="paging does not end"):
        list(client.documents("52", "2026-10-01", "2026-10-10"))


def test_a_long_backfill_is_queried_one_year_at_a_time(server, config):
    server.expect_request("/api/v1/documents.json").respond_with_json({"count": 0, "results": []})
    client = FederalRegisterClient(HttpClient(config), config.federal_register_url)
    assert list(client.documents("774", "2022-03-01", "2024-04-04")) == []
    spans = [
        (r.args["conditions[publication_date][gte]"], r.args["conditions[publication_date][lte]"])
        for r, _ in server.log
    ]
    assert spans == [("2022-03-01", "2022-12-31"), ("2023-01-01", "2023-12-31"), ("2024-01-01", "2024-04-04")]


def test_full_xml_requests_exactly_the_url_full_xml_url_names(server, config):
    server.expect_request("/api/versioner/v1/full/2026-09-01/title-15.xml").respond_with_data(
        PART_774_NEW.read_bytes(), content_type="application/xml"
    )
    ecfr = EcfrClient(HttpClient(config), config.ecfr_url)
    url = ecfr.full_xml_url("2026-09-01", "774")
    assert ecfr.full_xml("2026-09-01", "774") == PART_774_NEW.read_bytes()
    assert url == f"{config.ecfr_url}/api/versioner/v1/full/2026-09-01/title-15.xml?part=774"
    assert server.log[0][0].url == url


def test_a_badly_typed_version_entry_is_skipped_through_the_log_given(server, config):
    entry = real_json(ECFR_API / "versions-title-1.json")["content_versions"][0]
    listing = {"content_versions": [{**entry, "issue_date": 20240404}, entry]}
    server.expect_request("/api/versioner/v1/versions/title-15.json").respond_with_json(listing)
    lines: list[str] = []
    versions = EcfrClient(HttpClient(config), config.ecfr_url, log=lines.append).versions("740", "2024-01-01")
    assert versions == [entry]
    assert lines == ["warning: part 740: skipped a listed version whose issue_date is a int"]


def test_a_badly_typed_rule_record_is_skipped_through_the_log_given(server, config):
    page = real_json(FR_API / "documents-title-48-part-52-since-2026-01-01-page-1.json")
    page["next_page_url"] = None
    page["results"][0]["cfr_references"] = "48 CFR 52"
    server.expect_request("/api/v1/documents.json").respond_with_json(page)
    lines: list[str] = []
    client = FederalRegisterClient(HttpClient(config), config.federal_register_url, log=lines.append)
    docs = list(client.documents("52", "2026-01-01", "2026-10-31"))
    assert [d["document_number"] for d in docs] == [r["document_number"] for r in page["results"][1:]]
    assert lines == ["warning: Federal Register: skipped document '2026-19162': cfr_references has the wrong type"]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.federalregister.gov/documents/full_text/xml/2024/04/05/2024-07004.xml",
        "http://127.0.0.1:1/full-text/2024-07004.xml",
        "http://localhost:{port}/full-text/2024-07004.xml",
    ],
)
def test_a_full_text_url_off_the_configured_host_is_refused_without_a_request(server, config, url):
    url = url.format(port=server.port)
    client = FederalRegisterClient(HttpClient(config), config.federal_register_url)
    with pytest.raises(FetchError, match=r"^Federal Register: refused full_text_xml_url '.*' \(not on http://127"):
        client.full_text_xml(url)
    assert server.log == []


def test_a_full_text_url_on_the_configured_host_is_read(server, config):
    server.expect_request("/documents/full_text/xml/2024-07004.xml").respond_with_data(
        FR_XML.read_bytes(), content_type="text/xml"
    )
    client = FederalRegisterClient(HttpClient(config), config.federal_register_url)
    assert client.full_text_xml(server.url_for("/documents/full_text/xml/2024-07004.xml")) == FR_XML.read_bytes()
