"""Crawl limits and server errors: page cap, HTTP errors, unreachable site."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter

from crawlers import DocumentStore, crawl
from crawlers.demo import StaticSiteHandler, serve_site

PAGES = 20
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_START_DELAY": 0, "AUTOTHROTTLE_MAX_DELAY": 0.5, "RETRY_TIMES": 1}


def make_handler(hits: Counter, lock: threading.Lock):
    class ErrorSiteHandler(StaticSiteHandler):
        def handle_dynamic(self, path: str, send_body: bool) -> bool:
            with lock:
                hits[path] += 1
            utf8 = "text/html; charset=utf-8"
            if path == "/robots.txt":
                self.send_bytes(404, b"", "text/plain", send_body)
            elif path == "/":
                links = "".join(f'<a href="/p/{n}.html">第{n}页</a>' for n in range(PAGES))
                links += '<a href="/error.html">错误</a><a href="/forbidden.html">禁止</a>'
                body = f"<html><body><div class='content'><p>目录</p>{links}</div></body></html>"
                self.send_bytes(200, body.encode(), utf8, send_body)
            elif path == "/error.html":
                self.send_bytes(500, b"<h1>500</h1>", utf8, send_body)
            elif path == "/forbidden.html":
                self.send_bytes(403, b"<h1>403</h1>", utf8, send_body)
            else:
                body = f"<html><body><div class='content'><p>页面{path}。</p></div></body></html>"
                self.send_bytes(200, body.encode(), utf8, send_body)
            return True

    return ErrorSiteHandler


def test_http_errors_and_unreachable_site(tmp_path):
    hits: Counter = Counter()
    store = DocumentStore(tmp_path / "documents")
    # A port that was free a moment ago has no listener.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        unreachable = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    with serve_site(make_handler(hits, threading.Lock())) as base_url:
        report = crawl([f"{base_url}/", unreachable], store, settings=FAST)
    reasons = {item.url: item.reason for item in report.failures}
    assert reasons == {
        f"{base_url}/error.html": "HTTP 500 from the server (after 1 retries)",
        f"{base_url}/forbidden.html": (
            "HTTP 403 from the server. The site refuses this client, so "
            "check robots.txt and the site's terms"
        ),
        unreachable: "connection refused; is the site up?",
    }
    assert hits["/error.html"] == 2
    assert hits["/forbidden.html"] == 1
    assert report.new == PAGES + 1
    assert store.status(unreachable)["status"] == "failed"


def test_page_cap_stops_and_next_run_continues(tmp_path):
    hits: Counter = Counter()
    store = DocumentStore(tmp_path / "documents")
    with serve_site(make_handler(hits, threading.Lock())) as base_url:
        capped = crawl([f"{base_url}/"], store, settings={**FAST, "CLOSESPIDER_PAGECOUNT": 8})
        rest = crawl([f"{base_url}/"], store, settings=FAST)
    assert capped.finish_reason == "closespider_pagecount"
    assert "The crawl stopped early (closespider_pagecount); run it again to resume." in str(capped)
    assert rest.finish_reason == "finished"
    assert capped.new + rest.new == PAGES + 1
    assert len(store.documents()) == PAGES + 3
    # Pages stored before the cap are not requested again; responses still
    # in flight when the cap hit are dropped, so those pages are fetched twice.
    stored_first = [url for url, outcome in capped.outcomes.items() if outcome == "new"]
    assert len(stored_first) == capped.new
    for url in stored_first:
        assert hits[url.removeprefix(base_url)] == 1, url


def test_robots_crawl_delay_obeyed(tmp_path):
    times: list[float] = []
    lock = threading.Lock()

    class DelaySiteHandler(StaticSiteHandler):
        def handle_dynamic(self, path: str, send_body: bool) -> bool:
            if path == "/robots.txt":
                self.send_bytes(200, b"User-agent: *\nCrawl-delay: 0.6\n", "text/plain", send_body)
                return True
            with lock:
                times.append(time.monotonic())
            links = "".join(f'<a href="/p/{n}.html">{n}</a>' for n in range(3))
            body = f"<html><body><div class='content'><p>页面{path}。</p>{links}</div></body></html>"
            self.send_bytes(200, body.encode(), "text/html; charset=utf-8", send_body)
            return True

    store = DocumentStore(tmp_path / "documents")
    with serve_site(DelaySiteHandler) as base_url:
        report = crawl([f"{base_url}/"], store, settings=FAST)
    assert report.new == 4
    assert len(times) == 4
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    for gap in gaps:
        assert gap >= 0.55, gaps
