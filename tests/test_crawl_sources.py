"""Source declarations: loading and validating sources.yaml, the scope of
a source, selecting sources for the command line, and reading sitemaps.
No network."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import scrapy
import yaml

from bluecarbon.errors import ConfigError, DocumentError
from crawlers.sources import (
    SOURCES_FILE,
    Source,
    cron_problem,
    load_source_entries,
    load_sources,
    select_sources,
)
from crawlers.spiders.site import SOURCE_META, SiteSpider, read_sitemap


def write_sources(tmp_path: Path, *entries: dict) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        yaml.safe_dump({"sources": list(entries)}, allow_unicode=True), encoding="utf-8"
    )
    return path


GOOD = {"name": "gov", "url": "http://www.weihai.gov.cn/", "kind": "government"}


# -- the bundled file ------------------------------------------------------


def test_bundled_sources_file_loads():
    sources = load_source_entries()
    assert [source.name for source in sources] == [
        "weihai-gov",
        "weihai-ocean",
        "whnews",
        "demo",
    ]
    assert [source.kind for source in sources] == [
        "government",
        "government",
        "news",
        "demo",
    ]
    assert load_sources() == [
        "http://www.weihai.gov.cn/",
        "http://hyj.weihai.gov.cn/",
        "http://www.whnews.cn/",
        "demo",
    ]


def test_bundled_sources_have_schedules_and_scopes():
    by_name = {source.name: source for source in load_source_entries()}
    assert by_name["weihai-gov"].schedule == "0 3 * * *"
    assert by_name["weihai-gov"].sitemaps == ("http://www.weihai.gov.cn/robots.txt",)
    assert by_name["whnews"].allowed_domains == ("whnews.cn",)
    assert by_name["demo"].allowed_domains == ()
    for name in ("weihai-gov", "weihai-ocean", "whnews"):
        assert by_name[name].follow, name
        assert by_name[name].deny, name


def test_bundled_government_scope():
    gov = {source.name: source for source in load_source_entries()}["weihai-gov"]
    assert gov.allows("http://www.weihai.gov.cn/art/2024/3/5/art_51924_3360958.html")
    assert gov.allows("http://www.weihai.gov.cn/col/col51924/index.html")
    assert gov.allows("http://www.weihai.gov.cn/module/download/downfile.jsp?fileid=1")
    assert not gov.allows("http://www.weihai.gov.cn/module/search/index.jsp?q=海洋")
    assert not gov.allows("http://www.weihai.gov.cn/about.html")
    assert not gov.allows("http://hyj.weihai.gov.cn/col/col1/index.html")


# -- validation messages ---------------------------------------------------


BAD_ENTRIES = [
    (
        {"name": "gov", "kind": "government"},
        "entry 1 (gov): field 'url' is missing; give an http(s) start URL, 'demo', a folder or a file",
    ),
    (
        {"url": "http://www.weihai.gov.cn/"},
        "entry 1: field 'name' is missing; give each source a unique name",
    ),
    (
        {**GOOD, "kind": "blog"},
        "entry 1 (gov): field 'kind' is 'blog', which is not one of "
        "government, news, enterprise, institute, demo",
    ),
    (
        {**GOOD, "follow": ["/col/", "/art/(\\d+"]},
        "entry 1 (gov): field 'follow' item '/art/(\\\\d+' is not a valid regular "
        "expression: missing ), unterminated subpattern at position 5",
    ),
    (
        {**GOOD, "deny": "*.jsp"},
        "entry 1 (gov): field 'deny' item '*.jsp' is not a valid regular "
        "expression: nothing to repeat at position 0",
    ),
    (
        {**GOOD, "schedule": "0 3 * *"},
        "entry 1 (gov): field 'schedule' '0 3 * *' is not a valid cron expression: "
        "it has 4 fields, but needs 5 (minute hour day-of-month month day-of-week), "
        "e.g. '0 3 * * *'",
    ),
    (
        {**GOOD, "schedule": "0 24 * * *"},
        "entry 1 (gov): field 'schedule' '0 24 * * *' is not a valid cron expression: "
        "the hour field '24': 24 is outside 0-23",
    ),
    (
        {**GOOD, "schedule": "*/0 3 * * mon-fri"},
        "entry 1 (gov): field 'schedule' '*/0 3 * * mon-fri' is not a valid cron "
        "expression: the minute field '*/0': step '0' is not a positive number",
    ),
    (
        {**GOOD, "schedule": "@daily"},
        "entry 1 (gov): field 'schedule' '@daily' is not a valid cron expression: "
        "it has 1 fields, but needs 5 (minute hour day-of-month month day-of-week), "
        "e.g. '0 3 * * *'",
    ),
    (
        {**GOOD, "allowed_domains": ["http://www.weihai.gov.cn/"]},
        "entry 1 (gov): field 'allowed_domains' item 'http://www.weihai.gov.cn/' is "
        "not a host name; write e.g. www.weihai.gov.cn or 127.0.0.1:8000, without "
        "scheme or path",
    ),
    (
        {**GOOD, "allowed_domains": ["whnews.cn"]},
        "entry 1 (gov): field 'allowed_domains' does not contain the host of the "
        "start URL 'http://www.weihai.gov.cn/'",
    ),
    (
        {**GOOD, "sitemap": "http://www.whnews.cn/sitemap.xml"},
        "entry 1 (gov): field 'sitemap' 'http://www.whnews.cn/sitemap.xml' is outside "
        "allowed_domains, so it would never be requested",
    ),
    (
        {**GOOD, "sitemap": "/sitemap.xml"},
        "entry 1 (gov): field 'sitemap' item '/sitemap.xml' is not an http(s) URL",
    ),
    (
        {**GOOD, "folow": ["/col/"]},
        "entry 1 (gov): field 'folow' is not a known field; the fields are name, url, "
        "kind, allowed_domains, follow, deny, sitemap, schedule, note",
    ),
    (
        {"name": "inbox", "url": "inbox", "follow": ["/col/"]},
        "entry 1 (inbox): field 'follow' applies only to http(s) sources, and "
        "'inbox' is a local path",
    ),
    (
        {"name": "ftp", "url": "ftp://example.org/"},
        "entry 1 (ftp): field 'url' 'ftp://example.org/' has the unsupported scheme 'ftp'",
    ),
    (
        {"name": "demo", "url": "demo", "allowed_domains": ["127.0.0.1"]},
        "entry 1 (demo): field 'allowed_domains' must be left out for the demo "
        "site, which is crawled on the address it is served at",
    ),
    (
        {"name": "demo", "url": "demo", "sitemap": "http://127.0.0.1/sitemap.xml"},
        "entry 1 (demo): field 'sitemap' must be left out for the demo site, "
        "whose address is known only while it is served",
    ),
    (
        {**GOOD, "follow": [""]},
        "entry 1 (gov): field 'follow' must be a string or a list of non-empty "
        "strings, not ['']",
    ),
    (
        {**GOOD, "schedule": 3},
        "entry 1 (gov): field 'schedule' must be a cron expression in quotes, not 3",
    ),
]


@pytest.mark.parametrize(("entry", "message"), BAD_ENTRIES)
def test_invalid_entry_message(tmp_path, entry, message):
    path = write_sources(tmp_path, entry)
    with pytest.raises(ConfigError) as caught:
        load_source_entries(path)
    assert str(caught.value) == f"{path}, {message}"


def test_error_names_the_second_entry(tmp_path):
    path = write_sources(
        tmp_path,
        GOOD,
        {"name": "news", "url": "http://www.whnews.cn/", "kind": "paper"},
    )
    with pytest.raises(ConfigError) as caught:
        load_source_entries(path)
    assert str(caught.value).startswith(
        f"{path}, entry 2 (news): field 'kind' is 'paper'"
    )


def test_duplicate_names_rejected(tmp_path):
    path = write_sources(
        tmp_path, GOOD, {**GOOD, "url": "http://www.weihai.gov.cn/col/"}
    )
    with pytest.raises(ConfigError) as caught:
        load_source_entries(path)
    assert str(caught.value) == (
        f"{path}, entry 2 (gov): the name 'gov' is used by an earlier entry; "
        "names must be unique"
    )


def test_file_without_source_list(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("sources: http://www.weihai.gov.cn/\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_source_entries(path)
    assert str(caught.value) == (
        f"sources file {path} must contain a list under 'sources:', "
        "each entry with a 'name' and a 'url'"
    )


def test_missing_file(tmp_path):
    path = tmp_path / "absent.yaml"
    with pytest.raises(ConfigError) as caught:
        load_source_entries(path)
    assert (
        str(caught.value)
        == f"sources file {path} cannot be read (No such file or directory)"
    )


@pytest.mark.parametrize(
    "expression",
    [
        "0 3 * * *",
        "15 */6 * * *",
        "0,30 8-18/2 1-15 jan-jun mon-fri",
        "0 0 * * 7",
        "59 23 31 12 SUN",
    ],
)
def test_valid_cron_expressions(expression):
    assert cron_problem(expression) is None


def test_cron_backwards_range():
    assert (
        cron_problem("0 3 * * fri-mon")
        == "the day of week field 'fri-mon': the range 'fri-mon' runs backwards"
    )


def test_cron_unknown_name():
    assert cron_problem("0 3 * foo *") == (
        "the month field 'foo': 'foo' is not a number or one of "
        "jan, feb, mar, apr, may, jun, jul, aug, sep, oct, nov, dec"
    )


def test_relative_local_path_read_from_file_folder(tmp_path):
    path = write_sources(tmp_path, {"name": "inbox", "url": "inbox"})
    assert load_sources(path) == [str(tmp_path / "inbox")]


# -- scope -----------------------------------------------------------------


def test_bare_domain_allows_subdomains_and_ports():
    source = Source(
        name="gov", url="http://www.weihai.gov.cn/", allowed_domains=("weihai.gov.cn",)
    )
    assert source.allows_host("http://weihai.gov.cn/")
    assert source.allows_host("http://hyj.weihai.gov.cn:8080/a.html")
    assert source.allows_host("https://www.weihai.gov.cn/")
    assert not source.allows_host("http://weihai.gov.cn.example.org/")
    assert not source.allows_host("http://notweihai.gov.cn/")


def test_domain_with_port_allows_that_port_only():
    source = Source(
        name="local", url="http://127.0.0.1:8000/", allowed_domains=("127.0.0.1:8000",)
    )
    assert source.allows_host("http://127.0.0.1:8000/a.html")
    assert not source.allows_host("http://127.0.0.1:8001/a.html")
    assert not source.allows_host("http://127.0.0.2:8000/a.html")
    default_port = Source(
        name="gov",
        url="http://www.weihai.gov.cn/",
        allowed_domains=("www.weihai.gov.cn:80",),
    )
    assert default_port.allows_host("http://www.weihai.gov.cn/a.html")
    assert not default_port.allows_host("https://www.weihai.gov.cn/a.html")


def test_follow_and_deny_patterns():
    source = Source(
        name="gov",
        url="http://www.weihai.gov.cn/",
        follow=("/col/", r"/art/\d+"),
        deny=(r"/col/col9\d+/",),
    )
    assert source.allows("http://www.weihai.gov.cn/col/col1/index.html")
    assert source.allows("http://www.weihai.gov.cn/art/2024/1.html")
    assert not source.allows("http://www.weihai.gov.cn/col/col91/index.html")
    assert not source.allows("http://www.weihai.gov.cn/news/1.html")
    assert not source.allows("http://www.whnews.cn/col/col1/index.html")


def test_implicit_source_rechecks_its_own_port_only():
    source = Source.from_url("http://127.0.0.1:8000/")
    assert source.allows("http://127.0.0.1:9000/a.html")
    assert source.covers_known_url("http://127.0.0.1:8000/a.html")
    assert not source.covers_known_url("http://127.0.0.1:9000/a.html")


def test_source_json_round_trip():
    source = Source(
        name="gov",
        url="http://www.weihai.gov.cn/",
        kind="government",
        follow=("/col/",),
        deny=("/search/",),
        sitemaps=("http://www.weihai.gov.cn/sitemap.xml",),
    )
    assert Source.from_json(source.to_json()) == source


# -- selecting sources for the command line --------------------------------


def test_select_plain_arguments_only():
    assert select_sources(["http://127.0.0.1:8000/"], None) == [
        "http://127.0.0.1:8000/"
    ]


def test_select_by_name_keeps_plain_arguments(tmp_path):
    path = write_sources(
        tmp_path, GOOD, {"name": "news", "url": "http://www.whnews.cn/"}
    )
    selected = select_sources(["folder"], ["news", "news"], path)
    assert selected[0] == "folder"
    assert [source.name for source in selected[1:]] == ["news"]


def test_select_all_skips_demo_entries():
    assert [source.name for source in select_sources([], None, SOURCES_FILE)] == [
        "weihai-gov",
        "weihai-ocean",
        "whnews",
    ]


def test_select_unknown_name(tmp_path):
    path = write_sources(tmp_path, GOOD)
    with pytest.raises(ConfigError) as caught:
        select_sources([], ["news"], path)
    assert str(caught.value) == f"no source named 'news' in {path}; the names are: gov"


def test_select_all_with_only_demo_entries(tmp_path):
    path = write_sources(tmp_path, {"name": "demo", "url": "demo", "kind": "demo"})
    with pytest.raises(ConfigError) as caught:
        select_sources([], None, path)
    assert str(caught.value) == (
        f"{path} declares no sources except demo ones; name one with --source NAME"
    )


# -- the spider's sources ---------------------------------------------------


def test_spider_sources_by_name():
    spider = SiteSpider(sources="weihai-gov, whnews")
    assert [source.name for source in spider.sources] == ["weihai-gov", "whnews"]
    assert spider.start_urls == ["http://www.weihai.gov.cn/", "http://www.whnews.cn/"]
    assert spider.allowed_domains == ["whnews.cn", "www.weihai.gov.cn"]


def test_spider_bare_urls_allow_host_names():
    spider = SiteSpider(urls="http://127.0.0.1:8000,http://127.0.0.2:9000/a/")
    assert spider.start_urls == ["http://127.0.0.1:8000/", "http://127.0.0.2:9000/a/"]
    assert spider.allowed_domains == ["127.0.0.1", "127.0.0.2"]


def test_spider_request_without_source_name():
    # A request restored from an older job directory carries no source name.
    gov = Source(name="gov", url="http://www.weihai.gov.cn/", follow=("/col/",))
    news = Source(name="news", url="http://www.whnews.cn/")
    spider = SiteSpider(sources=[gov, news])
    assert spider._source_of(scrapy.Request("http://www.whnews.cn/a.html")) == news
    assert (
        spider._source_of(scrapy.Request("http://www.weihai.gov.cn/col/col1/")) == gov
    )
    assert (
        spider._source_of(scrapy.Request("http://www.weihai.gov.cn/about.html")) is None
    )
    renamed = scrapy.Request(
        "http://www.whnews.cn/b.html", meta={SOURCE_META: "old-name"}
    )
    assert spider._source_of(renamed) == news


# -- sitemap documents -----------------------------------------------------

URLSET = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    b"<url><loc>http://a.test/notices/1.html</loc><lastmod>2024-05-01</lastmod></url>"
    b"<url><loc>/notices/2.html</loc></url>"
    b"<url><loc>http://a.test/notices/1.html</loc></url>"
    b"</urlset>"
)


def test_read_sitemap_urlset():
    assert read_sitemap(URLSET, url="http://a.test/sitemap.xml") == (
        "urlset",
        ["http://a.test/notices/1.html", "http://a.test/notices/2.html"],
    )


def test_read_gzipped_sitemap_index():
    index = (
        b"<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        b"<sitemap><loc>http://a.test/s1.xml</loc></sitemap>"
        b"<sitemap><loc>http://a.test/s2.xml.gz</loc></sitemap></sitemapindex>"
    )
    assert read_sitemap(gzip.compress(index), url="http://a.test/index.xml.gz") == (
        "sitemapindex",
        ["http://a.test/s1.xml", "http://a.test/s2.xml.gz"],
    )


def test_read_robots_sitemap_lines():
    robots = b"User-agent: *\nDisallow: /private/\nSitemap: /sitemap.xml\nsitemap: http://b.test/s.xml\n"
    assert read_sitemap(robots, url="http://a.test/robots.txt") == (
        "robots",
        ["http://a.test/sitemap.xml", "http://b.test/s.xml"],
    )


def test_read_sitemap_rejects_html():
    with pytest.raises(DocumentError) as caught:
        read_sitemap(b"<html><body>404</body></html>", url="http://a.test/sitemap.xml")
    assert str(caught.value) == (
        "sitemap http://a.test/sitemap.xml has the root element 'html', not urlset or sitemapindex"
    )


def test_read_sitemap_gzip_over_limit():
    with pytest.raises(DocumentError) as caught:
        read_sitemap(gzip.compress(URLSET), url="http://a.test/s.xml.gz", max_size=100)
    assert str(caught.value) == (
        "sitemap http://a.test/s.xml.gz decompresses to more than DOWNLOAD_MAXSIZE (100 bytes)"
    )
