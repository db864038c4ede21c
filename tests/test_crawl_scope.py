"""Crawling declared sources over HTTP: allowed domains, follow and deny
patterns, sitemaps, a sitemap index and robots.txt ``Sitemap:`` lines,
and the demo entry.

Five servers run on loopback: the scoped site and the sitemap site on
127.0.0.1, another host on 127.0.0.2, another port on 127.0.0.1, and the
demo site. The first crawl runs through :func:`crawlers.crawl` with source
entries; the second runs through the command line with a sources file.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bluecarbon import cli
from crawlers import DocumentStore, crawl
from crawlers.demo import StaticSiteHandler, serve_site

TEST_SETTINGS = {"DOWNLOAD_TIMEOUT": 5, "RETRY_TIMES": 0}
UTF8 = "text/html; charset=utf-8"


def page(title: str, links: list[str] = ()) -> bytes:
    items = "".join(f'<li><a href="{link}">{link}</a></li>' for link in links)
    return (
        f"<html><head><title>{title}</title></head><body>"
        f"<div class='content'><h1>{title}</h1><p>{title}正文。</p><ul>{items}</ul></div>"
        "</body></html>"
    ).encode()


def urlset(*locs: str) -> bytes:
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


def sitemap_index(*locs: str) -> bytes:
    items = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'
    ).encode()


class Hits:
    """Paths requested from one server."""

    def __init__(self) -> None:
        self.paths: Counter[str] = Counter()
        self.lock = threading.Lock()

    def add(self, path: str) -> None:
        with self.lock:
            self.paths[path] += 1

    def total(self) -> int:
        with self.lock:
            return sum(self.paths.values())


def make_handler(
    hits: Hits, pages: dict[str, tuple[bytes, str]]
) -> type[StaticSiteHandler]:
    """Serve ``pages`` (path -> body and Content-Type) and count every request."""

    class Handler(StaticSiteHandler):
        def handle_dynamic(self, path: str, send_body: bool) -> bool:
            hits.add(path)
            if path in pages:
                body, content_type = pages[path]
                self.send_bytes(200, body, content_type, send_body)
            else:
                self.send_bytes(404, b"not found", "text/plain", send_body)
            return True

    return Handler


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def servers():
    """Start the four fixture servers; yield their base URLs and hit counters."""
    other_host_hits, other_port_hits, scoped_hits, sitemap_hits = (
        Hits(),
        Hits(),
        Hits(),
        Hits(),
    )
    catch_all = {
        "/robots.txt": (b"User-agent: *\nDisallow:\n", "text/plain"),
        "/notices/x.html": (page("别的主机"), UTF8),
        "/sitemap.xml": (urlset("/notices/x.html"), "application/xml"),
    }
    with (
        serve_site(
            make_handler(other_host_hits, catch_all), host="127.0.0.2"
        ) as other_host,
        serve_site(make_handler(other_port_hits, catch_all)) as other_port,
    ):
        # No robots.txt: the scoped source names it as a sitemap anyway.
        scoped_pages = {
            "/": (
                page(
                    "首页",
                    [
                        "/notices/list.html",
                        "/notices/1.html",
                        "/notices/print/1.html",
                        "/news/a.html",
                        f"{other_host}/notices/x.html",
                        f"{other_port}/notices/x.html",
                    ],
                ),
                UTF8,
            ),
            "/notices/list.html": (
                page("通知列表", ["/notices/2.html", "/news/b.html"]),
                UTF8,
            ),
            "/notices/1.html": (page("通知一"), UTF8),
            "/notices/2.html": (page("通知二"), UTF8),
            "/notices/print/1.html": (page("打印"), UTF8),
            "/news/a.html": (page("新闻"), UTF8),
            "/news/b.html": (page("新闻二"), UTF8),
        }
        with serve_site(make_handler(scoped_hits, scoped_pages)) as scoped:
            sitemap_pages = {
                "/robots.txt": (
                    b"User-agent: *\nDisallow: /notices/private/\n"
                    b"Sitemap: /sitemap-index.xml\n",
                    "text/plain",
                ),
                "/": (page("站点地图首页"), UTF8),
                "/sitemap-index.xml": (
                    sitemap_index(
                        "/sitemaps/notices.xml",
                        "/sitemaps/more.xml.gz",
                        f"{other_host}/sitemap.xml",
                    ),
                    "application/xml",
                ),
                "/sitemaps/notices.xml": (
                    urlset(
                        "/notices/10.html",
                        "/notices/11.html",
                        "/notices/private/12.html",
                        "/other/13.html",
                        f"{other_host}/notices/x.html",
                    ),
                    "application/xml",
                ),
                "/sitemaps/more.xml.gz": (
                    gzip.compress(urlset("/notices/20.html")),
                    "application/gzip",
                ),
                "/direct-sitemap.xml": (urlset("/notices/30.html"), "application/xml"),
                "/notices/10.html": (page("通知十"), UTF8),
                "/notices/11.html": (page("通知十一"), UTF8),
                "/notices/private/12.html": (page("内部"), UTF8),
                "/other/13.html": (page("其他"), UTF8),
                "/notices/20.html": (page("通知二十"), UTF8),
                "/notices/30.html": (page("通知三十"), UTF8),
            }
            with serve_site(make_handler(sitemap_hits, sitemap_pages)) as sitemap_site:
                yield {
                    "scoped": scoped,
                    "sitemap": sitemap_site,
                    "other_host": other_host,
                    "other_port": other_port,
                    "scoped_hits": scoped_hits,
                    "sitemap_hits": sitemap_hits,
                    "other_host_hits": other_host_hits,
                    "other_port_hits": other_port_hits,
                }


def netloc(base_url: str) -> str:
    return base_url.removeprefix("http://")


def scoped_entry(servers, deny: list[str]) -> dict:
    return {
        "name": "scoped",
        "url": f"{servers['scoped']}/",
        "kind": "government",
        "allowed_domains": [netloc(servers["scoped"])],
        "follow": ["/notices/"],
        "deny": deny,
        "sitemap": f"{servers['scoped']}/robots.txt",
    }


def sitemap_entry(servers) -> dict:
    base = servers["sitemap"]
    return {
        "name": "sitemaps",
        "url": f"{base}/",
        "kind": "news",
        "allowed_domains": [netloc(base)],
        "follow": ["/notices/"],
        "sitemap": [
            f"{base}/robots.txt",
            f"{base}/direct-sitemap.xml",
            f"{base}/broken.xml",
        ],
    }


@pytest.fixture(scope="module")
def crawled(servers, tmp_path_factory):
    """Crawl the scoped site, the sitemap site and the demo entry once."""
    data_dir = tmp_path_factory.mktemp("scope-data")
    store = DocumentStore(data_dir / "documents")
    demo_port = free_port()
    demo = {"name": "demo", "url": "demo", "kind": "demo", "follow": ["^$"]}
    report = crawl(
        [scoped_entry(servers, ["/notices/print/"]), sitemap_entry(servers), demo],
        store,
        settings=TEST_SETTINGS,
        demo_port=demo_port,
    )
    scoped_after_first = Counter(servers["scoped_hits"].paths)
    return {
        "report": report,
        "store": store,
        "data_dir": data_dir,
        "demo_port": demo_port,
        "scoped_after_first": scoped_after_first,
    }


def test_report_lists_sources_by_name(crawled):
    assert crawled["report"].sources == ["scoped", "sitemaps", "demo"]
    assert crawled["report"].finish_reason == "finished"


def test_scoped_site_outcomes(crawled, servers):
    base = servers["scoped"]
    outcomes = {
        url: outcome
        for url, outcome in crawled["report"].outcomes.items()
        if url.startswith(base)
    }
    assert outcomes == {
        f"{base}/": "new",
        f"{base}/notices/list.html": "new",
        f"{base}/notices/1.html": "new",
        f"{base}/notices/2.html": "new",
    }


def test_missing_robots_txt_is_no_sitemap_failure(crawled, servers):
    assert crawled["scoped_after_first"]["/robots.txt"] == 2
    assert f"{servers['scoped']}/robots.txt" not in crawled["report"].outcomes


def test_deny_and_unmatched_links_never_requested(crawled, servers):
    hits = crawled["scoped_after_first"]
    assert hits["/notices/print/1.html"] == 0
    assert hits["/news/a.html"] == 0
    assert hits["/news/b.html"] == 0


def test_other_host_and_port_never_requested(crawled, servers):
    assert servers["other_host_hits"].total() == 0
    assert servers["other_port_hits"].total() == 0
    urls = [document["url"] for document in crawled["store"].documents()]
    assert not any(
        url.startswith((servers["other_host"], servers["other_port"])) for url in urls
    )


def test_sitemap_site_outcomes(crawled, servers):
    base = servers["sitemap"]
    outcomes = {
        url: outcome
        for url, outcome in crawled["report"].outcomes.items()
        if url.startswith(base)
    }
    assert outcomes == {
        f"{base}/": "new",
        # From robots.txt to the sitemap index, then to a plain and a
        # gzipped sitemap.
        f"{base}/notices/10.html": "new",
        f"{base}/notices/11.html": "new",
        f"{base}/notices/20.html": "new",
        # From the sitemap declared directly.
        f"{base}/notices/30.html": "new",
        f"{base}/notices/private/12.html": "skipped_by_robots",
        f"{base}/broken.xml": "failed",
    }


def test_sitemap_failure_reason(crawled, servers):
    reasons = {item.url: item.reason for item in crawled["report"].failures}
    assert reasons == {
        f"{servers['sitemap']}/broken.xml": "sitemap: HTTP 404 from the server"
    }


def test_sitemap_urls_outside_scope_not_requested(crawled, servers):
    hits = servers["sitemap_hits"].paths
    assert hits["/other/13.html"] == 0
    assert hits["/notices/private/12.html"] == 0
    assert hits["/sitemap-index.xml"] == 1
    assert hits["/sitemaps/more.xml.gz"] == 1


def test_sitemap_urls_join_the_frontier(crawled, servers):
    base = servers["sitemap"]
    checked, unvisited = crawled["store"].crawl_state([netloc(base)])
    assert f"{base}/notices/20.html" in checked
    assert unvisited == [f"{base}/notices/private/12.html"]
    assert f"{base}/broken.xml" not in checked


def test_demo_entry_served_and_crawled(crawled):
    base = f"http://127.0.0.1:{crawled['demo_port']}"
    outcomes = {
        url: outcome
        for url, outcome in crawled["report"].outcomes.items()
        if url.startswith(base)
    }
    assert outcomes == {f"{base}/": "new"}


def test_report_counts(crawled):
    report = crawled["report"]
    assert report.new == 4 + 5 + 1
    assert report.failed == 1
    assert report.skipped_by_robots == 1
    assert report.changed == 0
    assert report.gone == 0


def test_command_line_recrawl_with_new_deny(crawled, servers, tmp_path, capsys):
    # The second run denies the list page: the stored list page is not
    # re-checked, and the other stored pages are.
    base = servers["scoped"]
    sources_file = tmp_path / "sources.yaml"
    entries = [
        scoped_entry(servers, ["/notices/print/", "/notices/list"]),
        sitemap_entry(servers),
    ]
    sources_file.write_text(yaml.safe_dump({"sources": entries}), encoding="utf-8")
    before = Counter(servers["scoped_hits"].paths)
    status = cli.main(
        [
            "--data-dir",
            str(crawled["data_dir"]),
            "crawl",
            "--sources",
            str(sources_file),
            "--source",
            "scoped",
        ]
    )
    output = capsys.readouterr().out
    after = servers["scoped_hits"].paths
    assert status == 0
    assert output.splitlines()[0].startswith(
        "Crawled 1 source(s): 0 new, 0 changed, 3 unchanged, 0 gone, 0 failed, 0 skipped by robots.txt in "
    )
    assert after["/notices/list.html"] == before["/notices/list.html"]
    assert after["/notices/1.html"] == before["/notices/1.html"] + 1
    assert after["/notices/2.html"] == before["/notices/2.html"] + 1
    assert servers["other_host_hits"].total() == 0
    assert servers["other_port_hits"].total() == 0
    last = Path(crawled["data_dir"]) / "crawl" / "last-report.json"
    assert json.loads(last.read_text(encoding="utf-8"))["outcomes"] == {
        f"{base}/": "unchanged",
        f"{base}/notices/1.html": "unchanged",
        f"{base}/notices/2.html": "unchanged",
    }


def test_command_line_unknown_source(tmp_path, capsys):
    status = cli.main(["--data-dir", str(tmp_path), "crawl", "--source", "nosuch"])
    assert status == 1
    assert capsys.readouterr().err == (
        "error: no source named 'nosuch' in "
        f"{Path(cli.__file__).resolve().parent.parent / 'seeds' / 'sources.yaml'}; "
        "the names are: weihai-gov, weihai-ocean, whnews, demo\n"
    )
