"""The polite HTTP client (helpers.web), on recorded answers in tests/fixtures/http: a normal page of results,
paging, an empty result, a 429 and a 500, a malformed body, a redirect, a dead link, no network. No test reaches the
Internet (the one transport test talks to a server on this machine's loopback interface)."""

import http.server
import json
import threading
from datetime import UTC, datetime

import pytest

from helpers import paths, web

FIXTURES = paths.ROOT / "tests" / "fixtures" / "http"


class FakeTime:
    """A clock that moves only when the client sleeps: no test waits."""

    def __init__(self):
        self.now, self.slept = 0.0, []

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds

    def clock(self):
        return self.now


def client_for(*names, **kwargs):
    time = FakeTime()
    transport = web.Recorded(*(FIXTURES / n for n in names))
    options = {"host_delay": 0.0, **kwargs}
    return web.Client(transport, sleep=time.sleep, clock=time.clock, **options), transport, time


def first_url(name):
    return json.loads((FIXTURES / name).read_text())["exchanges"][0]["request"]["url"]


def test_a_normal_page_and_paging_follow_next_page_url_to_the_end():
    client, transport, _ = client_for("federal_register_paging.json")
    pages = list(client.pages(first_url("federal_register_paging.json"), "Federal Register API", lambda p: p.get("next_page_url")))
    assert [len(p["results"]) for p in pages] == [2, 1]
    assert [d["document_number"] for p in pages for d in p["results"]] == ["2026-90001", "2026-90002", "2026-90003"]
    assert len(transport.calls) == 2 and "search_after_cursor" in transport.calls[1][1]


def test_paging_stops_at_the_page_limit_and_on_a_loop_rather_than_returning_part():
    client, _, _ = client_for("federal_register_paging.json")
    with pytest.raises(web.FeedError, match="HTTP 200 on 1 pages and still more to read"):
        list(client.pages(first_url("federal_register_paging.json"), "Federal Register API", lambda p: p.get("next_page_url"), max_pages=1))
    url = first_url("federal_register_paging.json")
    with pytest.raises(web.FeedError, match="points back to"):
        list(client.pages(url, "Federal Register API", lambda p: url))


def test_an_empty_result_is_an_answer_not_an_error():
    client, _, _ = client_for("federal_register_empty.json", "census_no_new_month.json")
    assert client.get_json(first_url("federal_register_empty.json"), "Federal Register API")["count"] == 0
    assert client.get_json(first_url("census_no_new_month.json"), "Census international trade API") is None  # HTTP 204


def test_a_429_is_retried_after_the_time_retry_after_asks():
    client, transport, time = client_for("federal_register_429_then_ok.json")
    page = client.get_json(first_url("federal_register_429_then_ok.json"), "Federal Register API")
    assert page["count"] == 0 and len(transport.calls) == 2
    assert time.slept == [7.0]


def test_a_500_is_retried_with_backoff_then_stops_with_one_sentence_naming_feed_and_status():
    client, transport, time = client_for("federal_register_500.json", max_retries=3, backoff=2.0)
    with pytest.raises(web.FeedError) as caught:
        client.get_json(first_url("federal_register_500.json"), "Federal Register API")
    message = str(caught.value)
    assert caught.value.status == 500 and "\n" not in message
    assert message.startswith("Federal Register API: HTTP 500 from https://www.federalregister.gov/") and message.endswith("after 4 attempts")
    assert time.slept == [2.0, 4.0, 8.0] and len(transport.calls) == 4


def test_backoff_never_exceeds_its_cap():
    client, _, time = client_for("federal_register_500.json", max_retries=5, backoff=10.0, max_backoff=25.0)
    with pytest.raises(web.FeedError):
        client.fetch(first_url("federal_register_500.json"), "Federal Register API")
    assert time.slept == [10.0, 20.0, 25.0, 25.0, 25.0]


def test_a_malformed_body_is_an_error_naming_the_status_the_server_gave():
    client, _, _ = client_for("federal_register_malformed.json")
    with pytest.raises(web.FeedError, match=r"^Federal Register API: HTTP 200 but the body is not JSON") as caught:
        client.get_json(first_url("federal_register_malformed.json"), "Federal Register API")
    assert caught.value.status == 200


def test_a_redirect_is_followed_hop_by_hop_and_the_final_url_kept():
    client, transport, _ = client_for("links.json")
    answer = client.request("https://moved.example.gov/old", "HEAD")
    assert answer.status == 200 and answer.final_url == "https://moved.example.gov/new"
    assert answer.redirects == ("https://moved.example.gov/old",) and [m for m, _ in transport.calls] == ["HEAD", "HEAD"]


def test_a_dead_link_is_an_answer_for_request_and_an_error_for_a_feed():
    client, _, _ = client_for("links.json")
    assert client.request("https://gone.example.gov/missing").status == 404
    with pytest.raises(web.FeedError, match="HTTP 404 from https://gone.example.gov/missing$") as caught:
        client.fetch("https://gone.example.gov/missing", "a feed")
    assert caught.value.status == 404


def test_offline_stops_with_one_sentence_saying_no_http_status_came():
    client, _, _ = client_for("federal_register_offline.json")
    with pytest.raises(web.FeedError) as caught:
        client.get_json(first_url("federal_register_offline.json"), "Federal Register API")
    assert caught.value.status is None
    assert str(caught.value) == ("Federal Register API: no answer from www.federalregister.gov ([Errno -3] Temporary failure in "
                                 "name resolution), so no HTTP status; this command needs internet access")


def test_requests_to_one_host_are_spaced_and_carry_the_user_agent():
    seen = []

    def transport(method, url, headers, timeout):
        seen.append((headers["User-Agent"], timeout))
        return web.RawAnswer(200, {}, b"{}")

    time = FakeTime()
    client = web.Client(transport, host_delay=1.5, timeout=12.0, sleep=time.sleep, clock=time.clock)
    for _ in range(3):
        client.get_json("https://www.federalregister.gov/api/v1/documents.json", "Federal Register API")
    client.get_json("https://api.census.gov/data", "Census")  # another host: no wait
    assert time.slept == [1.5, 1.5]
    assert seen[0] == (web.USER_AGENT, 12.0) and "DealClock" in web.USER_AGENT


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2026, 12, 6, 12, 0, 0, tzinfo=UTC)
    assert web.retry_after_seconds("30") == 30.0
    assert web.retry_after_seconds("Sun, 06 Dec 2026 12:00:45 GMT", now) == 45.0
    assert web.retry_after_seconds("soon") is None and web.retry_after_seconds(None) is None


def test_an_unrecorded_request_fails_instead_of_reaching_the_network():
    client, _, _ = client_for("federal_register_empty.json")
    with pytest.raises(LookupError, match="no recorded answer for GET https://example.org/"):
        client.request("https://example.org/")


def test_a_recording_replays_what_was_recorded(tmp_path):
    source = web.Recorded(FIXTURES / "federal_register_429_then_ok.json")
    recorder = web.Recorder(source, note="test")
    client = web.Client(recorder, host_delay=0, sleep=lambda s: None)
    url = first_url("federal_register_429_then_ok.json")
    client.get_json(url, "Federal Register API")
    recorder.save(tmp_path / "r.json")
    saved = json.loads((tmp_path / "r.json").read_text())
    assert [e["response"]["status"] for e in saved["exchanges"]] == [429, 200]
    assert saved["exchanges"][0]["response"]["headers"] == {"retry-after": "7", "content-type": "text/plain"}
    replay = web.Client(web.Recorded(tmp_path / "r.json"), host_delay=0, sleep=lambda s: None)
    assert replay.get_json(url, "Federal Register API")["count"] == 0


def test_find_urls_and_normalize_url():
    text = "See https://a.gov/x/y. Also (https://b.org/p_(q)) and \"https://c.net/z\"; https://d.gov/e),"
    assert [u for _, u in web.find_urls(text)] == ["https://a.gov/x/y", "https://b.org/p_(q)", "https://c.net/z", "https://d.gov/e"]
    assert web.normalize_url("http://www.WhiteHouse.gov/a/b/#frag") == web.normalize_url("https://whitehouse.gov/a/b")


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's hook
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/here")
            self.end_headers()
        elif self.path == "/here":
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(404)
            self.send_header("Content-Length", "9")
            self.end_headers()
            self.wfile.write(b"not found")

    def log_message(self, *args):
        pass


def test_the_real_transport_returns_every_status_and_leaves_redirects_to_the_client():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        moved = web.urllib_transport("GET", f"{base}/moved", {}, 5.0)
        assert moved.status == 301 and moved.headers["location"] == "/here"
        missing = web.urllib_transport("GET", f"{base}/nothing", {}, 5.0)
        assert missing.status == 404 and missing.body == b"not found"
        client = web.Client(host_delay=0)
        assert client.get_json(f"{base}/moved", "local") == {"ok": True}
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(web.Unreachable):
        web.urllib_transport("GET", f"{base}/here", {}, 2.0)  # the server is gone: no answer
