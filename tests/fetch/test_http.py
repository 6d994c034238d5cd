"""The one HTTP session: retries, give-up, timeouts, the deadline, redirects, broken bodies, content checks, UA."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from werkzeug import Response

from tests.fetch.conftest import CONTACT, PART_774_NEW
from tracker.fetch.http import MAX_REDIRECTS, FetchError, HttpClient

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


#: How long a silent handler waits for the test to release it: only a bound against a hang (the client
#: gives up after ``config.timeout``; the test then releases the handler).
SILENT_FOR = 60


def _silent_then(answers: list[bool], released: threading.Event):
    """A handler that answers nothing until released, for each request whose entry in ``answers`` is False."""

    def handler(request):
        if not answers.pop(0):
            released.wait(SILENT_FOR)
        return Response(XML, content_type="application/xml")

    return handler


def test_read_timeout_is_retried_then_answered(server, config):
    answers, released = [False, True], threading.Event()
    server.expect_request("/doc.xml").respond_with_handler(_silent_then(answers, released))
    try:
        assert HttpClient(config).get_xml(server.url_for("/doc.xml")) == XML
    finally:
        released.set()
    assert answers == []


def test_read_timeout_every_time_is_one_clear_error(server, config):
    answers, released = [False, False], threading.Event()
    server.expect_request("/doc.xml").respond_with_handler(_silent_then(answers, released))
    client = HttpClient(replace(config, retries=1))
    try:
        with pytest.raises(FetchError, match=r"timed out \(gave up after 1 retries\)$"):
            client.get_xml(server.url_for("/doc.xml"))
    finally:
        released.set()
    assert answers == []


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


def test_invalid_json_nested_too_deeply_is_one_line(server, config):
    server.expect_request("/api.json").respond_with_data("[" * 100_000, content_type="application/json")
    with pytest.raises(FetchError, match=r"^GET http://127\.0\.0\.1:\d+/api\.json: JSON nested too deeply to read$"):
        HttpClient(config).get_json(server.url_for("/api.json"))


def test_a_redirect_within_the_origin_is_followed(server, config):
    server.expect_request("/old.xml").respond_with_data("", status=301, headers={"Location": "/new.xml?v=2"})
    _ok(server, "/new.xml")
    client = HttpClient(config)
    assert client.get_xml(server.url_for("/old.xml")) == XML
    assert [(r.path, r.query_string) for r, _ in server.log] == [("/old.xml", b""), ("/new.xml", b"v=2")]
    assert client.requests == 1


@pytest.mark.parametrize("location", ["http://localhost:{port}/doc.xml", "https://127.0.0.1:{port}/doc.xml",
                                      "http://127.0.0.1:1/doc.xml", "file:///etc/passwd"])
def test_a_redirect_off_the_origin_is_refused_in_one_line(server, config, location):
    target = location.format(port=server.port)
    server.expect_request("/old.xml").respond_with_data("", status=302, headers={"Location": target})
    with pytest.raises(FetchError) as err:
        HttpClient(config).get_xml(server.url_for("/old.xml"))
    assert str(err.value) == (
        f"GET {server.url_for('/old.xml')}: refused a redirect to {target!r} (off http://127.0.0.1:{server.port})"
    )
    assert len(server.log) == 1


def test_redirects_that_never_end_stop_at_the_cap(server, config):
    server.expect_request("/loop.xml").respond_with_data("", status=307, headers={"Location": "/loop.xml"})
    with pytest.raises(FetchError, match=f"more than {MAX_REDIRECTS} redirects$"):
        HttpClient(config).get_xml(server.url_for("/loop.xml"))
    assert len(server.log) == MAX_REDIRECTS + 1


def test_read_timeouts_retried_end_at_the_deadline_not_after_every_retry(server, config):
    answers, released = [False] * 101, threading.Event()
    server.expect_request("/doc.xml").respond_with_handler(_silent_then(answers, released))
    client = HttpClient(replace(config, retries=100, deadline=2.0))  # 101 read timeouts would take 50 s
    try:
        with pytest.raises(FetchError, match=r"/doc\.xml: no complete answer within 2 s$"):
            client.get_xml(server.url_for("/doc.xml"))
    finally:
        released.set()
    assert answers  # not every retry was made


def test_a_download_within_its_deadline_leaves_no_watchdog_behind(server, config):
    _ok(server)
    client = HttpClient(replace(config, deadline=600.0))
    for _ in range(3):
        assert client.get_xml(server.url_for("/doc.xml")) == XML
    assert [t for t in threading.enumerate() if isinstance(t, threading.Timer)] == []
