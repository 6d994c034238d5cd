"""The one HTTP session: retries, give-up, timeouts, broken bodies, content checks, User-Agent."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from werkzeug import Response

from tests.fetch.conftest import CONTACT, PART_774_NEW
from tracker.fetch.http import FetchError, HttpClient

XML = PART_774_NEW.read_bytes()


def _ok(server, path="/doc.xml"):
    server.expect_request(path).respond_with_data(XML, content_type="application/xml")


def test_user_agent_and_from_header_name_the_contact(server, config):
    _ok(server)
    HttpClient(config).get_xml(server.url_for("/doc.xml"))
    request = server.log[0][0]
    assert CONTACT in request.headers["User-Agent"]
    assert request.headers["From"] == CONTACT


def test_429_with_retry_after_is_honoured_then_the_answer_is_used(server, config, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr("urllib3.util.retry.time.sleep", slept.append)
    server.expect_oneshot_request("/doc.xml").respond_with_data("slow down", status=429, headers={"Retry-After": "7"})
    _ok(server)
    client = HttpClient(config)
    assert client.get_xml(server.url_for("/doc.xml")) == XML
    assert slept == [7.0]  # the server's Retry-After, not our tiny back-off
    assert [r.status_code for _, r in server.log] == [429, 200]
    assert client.requests == 1


def test_503_three_times_then_200_succeeds(server, config):
    for _ in range(3):
        server.expect_oneshot_request("/doc.xml").respond_with_data("reprocessing", status=503)
    _ok(server)
    assert HttpClient(config).get_xml(server.url_for("/doc.xml")) == XML
    assert [r.status_code for _, r in server.log] == [503, 503, 503, 200]


def test_persistent_503_gives_up_after_the_cap_with_one_line(server, config):
    server.expect_request("/doc.xml").respond_with_data("down", status=503)
    with pytest.raises(FetchError) as err:
        HttpClient(config).get_xml(server.url_for("/doc.xml"))
    message = str(err.value)
    assert "\n" not in message and "HTTP 503" in message and "gave up after 3 retries" in message
    assert len(server.log) == 1 + config.retries


def test_read_timeout_is_retried_then_answered(server, config):
    calls = []

    def slow_once(request):
        calls.append(1)
        if len(calls) == 1:
            time.sleep(config.timeout + 0.3)
        return Response(XML, content_type="application/xml")

    server.expect_request("/doc.xml").respond_with_handler(slow_once)
    assert HttpClient(config).get_xml(server.url_for("/doc.xml")) == XML
    assert len(calls) == 2


def test_read_timeout_every_time_is_one_clear_error(server, config):
    def slow(request):
        time.sleep(config.timeout + 0.1)
        return Response(XML, content_type="application/xml")

    server.expect_request("/doc.xml").respond_with_handler(slow)
    client = HttpClient(replace(config, retries=1))
    with pytest.raises(FetchError, match=r"timed out \(gave up after 1 retries\)$"):
        client.get_xml(server.url_for("/doc.xml"))


def _broken_body(request):
    def body():
        yield XML[:1000]
        raise ConnectionResetError("peer reset mid-body")

    return Response(body(), headers={"Content-Length": str(len(XML))}, content_type="application/xml")


def test_connection_reset_mid_body_is_retried(server, config):
    server.expect_oneshot_request("/doc.xml").respond_with_handler(_broken_body)
    _ok(server)
    assert HttpClient(config).get_xml(server.url_for("/doc.xml")) == XML


def test_connection_reset_every_time_is_one_clear_error(server, config):
    server.expect_request("/doc.xml").respond_with_handler(_broken_body)
    with pytest.raises(FetchError, match="connection broken while reading the body"):
        HttpClient(replace(config, retries=1)).get_xml(server.url_for("/doc.xml"))


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<!DOCTYPE html><html><body>Down for maintenance</body></html>", "text/html"),
        (b"<!DOCTYPE html><html><body>Down for maintenance</body></html>", "application/xml"),
        (b"", "application/xml"),
    ],
)
def test_a_page_that_is_not_xml_is_an_error(server, config, body, content_type):
    server.expect_request("/doc.xml").respond_with_data(body, content_type=content_type)
    with pytest.raises(FetchError, match="expected XML"):
        HttpClient(config).get_xml(server.url_for("/doc.xml"))


def test_invalid_json_is_an_error(server, config):
    server.expect_request("/api.json").respond_with_data('{"results": [', content_type="application/json")
    with pytest.raises(FetchError, match="invalid JSON"):
        HttpClient(config).get_json(server.url_for("/api.json"))
