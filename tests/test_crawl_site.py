"""Crawling a local HTTP fixture site through Scrapy, twice.

The fixture site has a page per hard case. There are robots.txt, GBK
without a charset, a wrong meta charset, PDF, DOCX and pagination. One
page changes and one vanishes between the crawls. A huge page, a redirect
loop, an endless redirect chain and a page slower than the download
timeout must fail with clear reasons.
"""

from __future__ import annotations

import io
import re
import threading
import time
from collections import Counter
from pathlib import Path

import docx
import pytest

from crawlers import DocumentStore, crawl
from crawlers.demo import StaticSiteHandler, serve_site
from crawlers.pdfmake import make_pdf

# Short limits so that the failures arrive within seconds.
TEST_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_START_DELAY": 0,
    "AUTOTHROTTLE_MAX_DELAY": 0.5,
    "DOWNLOAD_TIMEOUT": 1.5,
    "RETRY_TIMES": 1,
    "DOWNLOAD_MAXSIZE": 1_000_000,
    "REDIRECT_MAX_TIMES": 3,
}

GBK_FIRM = "威海鑫镕海洋装备有限公司"
PDF_FIRM = "威海清波环保装备有限公司"
DOCX_FIRM = "威海海源新材料科技有限公司"


def html(title: str, body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>"
        f"<nav><a href='/'>首页</a></nav><div class='content'><h1>{title}</h1>{body}</div>"
        "<footer>版权所有</footer></body></html>"
    )


INDEX = html(
    "测试站点",
    """<p>入口页面。</p><ul>
    <li><a href="/gbk.html">企业名录</a></li>
    <li><a href="/wrong-meta.html">错误编码声明</a></li>
    <li><a href="/files/plan.pdf">PDF附件</a></li>
    <li><a href="/files/list.docx">DOCX附件</a></li>
    <li><a href="/list/1.html">通知列表</a></li>
    <li><a href="/changing.html">会变的页面</a></li>
    <li><a href="/vanishing.html">会消失的页面</a></li>
    <li><a href="/huge.html">超大页面</a></li>
    <li><a href="/loop/a.html">循环跳转</a></li>
    <li><a href="/chain/0.html">无尽跳转</a></li>
    <li><a href="/slow.html">很慢的页面</a></li>
    <li><a href="/private/secret.html">内部页面</a></li>
    <li><a href="/logo.png">图片</a></li>
    <li><a href="http://other.invalid/page.html">外部网站</a></li>
    <li><a href="/files/plan.pdf#page=2">PDF第二页</a></li>
    <li><a href="/moved.html">已迁移</a></li>
    <li><a href="/relocating.html">将迁移</a></li>
    <li><a href="/counter.html">访问计数</a></li>
    </ul>""",
)


def list_page(number: int, items: list[int], next_page: str | None) -> str:
    links = "".join(f'<li><a href="/items/{item}.html">通知{item}</a></li>' for item in items)
    pager = f'<div class="pagination"><a href="{next_page}">下一页</a></div>' if next_page else ""
    return html(f"通知列表第{number}页", f"<ul>{links}</ul>{pager}")


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("重点企业名单")
    document.add_paragraph(f"{DOCX_FIRM}建设海藻酸盐纤维生产线。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class FixtureSite:
    """Pages and state of the fixture site, shared with its handler."""

    def __init__(self) -> None:
        self.changing_version = 1
        self.vanished = False
        self.relocated = False
        self.hits: Counter[str] = Counter()
        self.conditional_hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.pdf = make_pdf(["附件", f"{PDF_FIRM}研发船舶压载水处理系统。"], title="附件")
        self.docx = docx_bytes()


def make_handler(site: FixtureSite) -> type[StaticSiteHandler]:
    class FixtureHandler(StaticSiteHandler):
        def handle_dynamic(self, path: str, send_body: bool) -> bool:
            with site.lock:
                site.hits[path] += 1
                if self.headers.get("If-None-Match"):
                    site.conditional_hits[path] += 1
            utf8 = "text/html; charset=utf-8"
            if path == "/robots.txt":
                self.send_bytes(200, b"User-agent: *\nDisallow: /private/\n", "text/plain", send_body)
            elif path in ("/", "/index.html"):
                self.send_bytes(200, INDEX.encode(), utf8, send_body)
            elif path == "/gbk.html":
                page = html("企业名录", f"<table><tr><td>1</td><td>{GBK_FIRM}</td></tr></table>")
                self.send_bytes(200, page.encode("gbk"), "text/html", send_body)
            elif path == "/wrong-meta.html":
                page = html(
                    "编码声明错误",
                    "<p>市海洋发展局发布海洋牧场建设通知。</p>",
                    head='<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
                )
                self.send_bytes(200, page.encode("gb18030"), "text/html", send_body)
            elif path == "/files/plan.pdf":
                self.send_bytes(200, site.pdf, "application/pdf", send_body)
            elif path == "/files/list.docx":
                self.send_bytes(
                    200,
                    site.docx,
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    send_body,
                )
            elif path == "/list/1.html":
                self.send_bytes(200, list_page(1, [1, 2], "/list/2.html").encode(), utf8, send_body)
            elif path == "/list/2.html":
                self.send_bytes(200, list_page(2, [3, 4], None).encode(), utf8, send_body)
            elif path.startswith("/items/"):
                number = path.removeprefix("/items/").removesuffix(".html")
                page = html(f"通知{number}", f"<p>第{number}号通知正文。</p>").encode()
                if number == "4":
                    # No validators: the crawler compares content hashes.
                    self.send_response(200)
                    self.send_header("Content-Type", utf8)
                    self.send_header("Content-Length", str(len(page)))
                    self.end_headers()
                    if send_body:
                        self.wfile.write(page)
                else:
                    self.send_bytes(200, page, utf8, send_body)
            elif path == "/changing.html":
                body = f"<p>第{site.changing_version}版内容。</p>"
                self.send_bytes(200, html("会变的页面", body).encode(), utf8, send_body)
            elif path == "/vanishing.html":
                if site.vanished:
                    self.send_bytes(404, b"<h1>404</h1>", utf8, send_body)
                else:
                    self.send_bytes(200, html("会消失的页面", "<p>暂存内容。</p>").encode(), utf8, send_body)
            elif path == "/moved.html":
                self.redirect("/new-home.html", status=301)
            elif path == "/new-home.html":
                self.send_bytes(200, html("新地址", "<p>迁移后的页面。</p>").encode(), utf8, send_body)
            elif path == "/relocating.html" and site.relocated:
                self.redirect("/relocated.html", status=301)
            elif path in ("/relocating.html", "/relocated.html"):
                # Same body and so the same ETag at the old and the new URL.
                self.send_bytes(200, html("迁移的页面", "<p>内容不变。</p>").encode(), utf8, send_body)
            elif path == "/counter.html":
                # The article stays; only the footer's visit counter moves.
                with site.lock:
                    visits = site.hits[path]
                page = (
                    "<html><body><div class='content'><p>海洋牧场建设通知正文。</p></div>"
                    f"<div class='footer'>访问量：{visits}</div></body></html>"
                )
                self.send_bytes(200, page.encode(), utf8, send_body)
            elif path == "/huge.html":
                body = html("超大页面", "<p>" + "海" * 1_000_000 + "</p>").encode()
                self.send_bytes(200, body, utf8, send_body)
            elif path == "/loop/a.html":
                self.redirect("/loop/b.html")
            elif path == "/loop/b.html":
                self.redirect("/loop/a.html")
            elif path.startswith("/chain/"):
                number = int(path.removeprefix("/chain/").removesuffix(".html"))
                self.redirect(f"/chain/{number + 1}.html")
            elif path == "/slow.html":
                time.sleep(4)
                self.send_bytes(200, html("很慢的页面", "<p>迟到的内容。</p>").encode(), utf8, send_body)
            elif path == "/private/secret.html":
                self.send_bytes(200, html("内部", "<p>不应抓取。</p>").encode(), utf8, send_body)
            else:
                self.send_bytes(404, b"not found", "text/plain", send_body)
            return True

        def redirect(self, location: str, status: int = 302) -> None:
            self.send_response(status)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return FixtureHandler


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Crawl the fixture site twice, changing it in between."""
    site = FixtureSite()
    data_dir = tmp_path_factory.mktemp("crawl-data")
    store = DocumentStore(data_dir / "documents")
    with serve_site(make_handler(site)) as base_url:
        first = crawl([f"{base_url}/"], store, settings=TEST_SETTINGS)
        first_pending = store.pending_versions()
        first_hits = Counter(site.hits)
        site.changing_version = 2
        site.vanished = True
        site.relocated = True
        second = crawl([f"{base_url}/"], store, settings=TEST_SETTINGS)
    return {
        "site": site,
        "store": store,
        "base": base_url,
        "data_dir": data_dir,
        "first": first,
        "second": second,
        "first_pending": first_pending,
        "first_hits": first_hits,
    }


STORED_PATHS = [
    "/",
    "/changing.html",
    "/counter.html",
    "/files/list.docx",
    "/files/plan.pdf",
    "/gbk.html",
    "/items/1.html",
    "/items/2.html",
    "/items/3.html",
    "/items/4.html",
    "/list/1.html",
    "/list/2.html",
    "/new-home.html",
    "/relocating.html",
    "/vanishing.html",
    "/wrong-meta.html",
]
FAILED_PATHS = ["/chain/0.html", "/huge.html", "/loop/a.html", "/slow.html"]


def test_first_crawl_counts(crawled):
    report = crawled["first"]
    assert report.new == len(STORED_PATHS)
    assert report.changed == 0
    assert report.unchanged == 0
    assert report.gone == 0
    assert report.failed == len(FAILED_PATHS)
    assert report.skipped_by_robots == 1
    assert report.finish_reason == "finished"


def test_first_crawl_outcomes_per_url(crawled):
    base = crawled["base"]
    outcomes = crawled["first"].outcomes
    expected = {f"{base}{path}": "new" for path in STORED_PATHS}
    expected.update({f"{base}{path}": "failed" for path in FAILED_PATHS})
    expected[f"{base}/private/secret.html"] = "skipped_by_robots"
    assert outcomes == expected


def test_robots_disallowed_page_never_requested(crawled):
    assert crawled["site"].hits["/private/secret.html"] == 0
    assert crawled["first"].skipped == [f"{crawled['base']}/private/secret.html"]


def test_offsite_and_image_links_not_followed(crawled):
    urls = [document["url"] for document in crawled["store"].documents()]
    assert not any("other.invalid" in url for url in urls)
    assert crawled["site"].hits["/logo.png"] == 0


def test_failure_reasons(crawled):
    base = crawled["base"]
    reasons = {item.url: item.reason for item in crawled["first"].failures}
    assert reasons[f"{base}/slow.html"] == "timed out after 1.5 s (DOWNLOAD_TIMEOUT), 2 attempts"
    assert reasons[f"{base}/huge.html"] == (
        "response larger than DOWNLOAD_MAXSIZE (1000000 bytes); "
        "download it by hand and add it as a file"
    )
    assert reasons[f"{base}/loop/a.html"] == (
        f"redirect loop ({base}/loop/a.html -> {base}/loop/b.html -> {base}/loop/a.html); "
        "the server redirects back to a URL already requested"
    )
    assert reasons[f"{base}/chain/0.html"] == (
        "more than 3 redirects (REDIRECT_MAX_TIMES); the server redirects "
        "in a loop or through too many hops"
    )


def test_failures_recorded_in_store(crawled):
    store = crawled["store"]
    state = store.status(f"{crawled['base']}/slow.html")
    assert state["status"] == "failed"
    assert state["failure_reason"].startswith("timed out after 1.5 s")


def test_slow_page_retried_once(crawled):
    assert crawled["first_hits"]["/slow.html"] == 2


def test_gbk_page_without_charset(crawled):
    store = crawled["store"]
    version = store.latest_version(f"{crawled['base']}/gbk.html")
    assert GBK_FIRM in store.read_text(version)
    assert version.content_type == "text/html"


def test_wrong_meta_charset_page(crawled):
    store = crawled["store"]
    version = store.latest_version(f"{crawled['base']}/wrong-meta.html")
    assert store.read_text(version) == "编码声明错误\n市海洋发展局发布海洋牧场建设通知。"


def test_pdf_and_docx_text(crawled):
    store = crawled["store"]
    base = crawled["base"]
    pdf = store.latest_version(f"{base}/files/plan.pdf")
    assert store.read_text(pdf) == f"附件\n{PDF_FIRM}研发船舶压载水处理系统。"
    assert pdf.content_type == "application/pdf"
    document = store.latest_version(f"{base}/files/list.docx")
    assert store.read_text(document) == f"重点企业名单\n{DOCX_FIRM}建设海藻酸盐纤维生产线。"


def test_pdf_fragment_link_fetched_once(crawled):
    assert crawled["first_hits"]["/files/plan.pdf"] == 1


def test_pagination_reaches_all_items(crawled):
    base = crawled["base"]
    urls = {document["url"] for document in crawled["store"].documents()}
    for number in (1, 2, 3, 4):
        assert f"{base}/items/{number}.html" in urls


def test_second_crawl_counts(crawled):
    report = crawled["second"]
    assert report.new == 1
    assert report.changed == 1
    assert report.gone == 1
    assert report.unchanged == len(STORED_PATHS) - 3
    assert report.failed == len(FAILED_PATHS)
    assert report.skipped_by_robots == 1


def test_second_crawl_adds_changed_and_relocated_versions(crawled):
    store = crawled["store"]
    base = crawled["base"]
    first_keys = {version.key for version in crawled["first_pending"]}
    new_versions = [v for v in store.pending_versions() if v.key not in first_keys]
    assert sorted(version.url for version in new_versions) == [
        f"{base}/changing.html",
        f"{base}/relocated.html",
    ]
    assert len(store.versions(f"{base}/changing.html")) == 2
    changed = store.latest_version(f"{base}/changing.html")
    assert "第2版内容" in store.read_text(changed)


def test_second_crawl_adds_one_version_to_known_pages(crawled):
    store = crawled["store"]
    base = crawled["base"]
    counts = {path: len(store.versions(f"{base}{path}")) for path in STORED_PATHS}
    expected = {path: 1 for path in STORED_PATHS}
    expected["/changing.html"] = 2
    assert counts == expected


def test_visit_counter_change_is_unchanged(crawled):
    base = crawled["base"]
    assert crawled["second"].outcomes[f"{base}/counter.html"] == "unchanged"
    assert crawled["site"].hits["/counter.html"] == 2
    assert len(crawled["store"].versions(f"{base}/counter.html")) == 1


def test_redirect_source_counts_as_checked(crawled):
    base = crawled["base"]
    checked, unvisited = crawled["store"].crawl_state([base.removeprefix("http://")])
    assert f"{base}/moved.html" in checked
    assert f"{base}/relocating.html" in checked
    assert unvisited == [f"{base}/private/secret.html"]


def test_relocated_page_fetched_without_old_validators(crawled):
    # The redirect from /relocating.html carried its ETag, which matches
    # /relocated.html, so the crawler requests the page again without it.
    assert crawled["site"].hits["/relocated.html"] == 2
    version = crawled["store"].latest_version(f"{crawled['base']}/relocated.html")
    assert version is not None


def test_vanished_page_marked_gone_with_versions(crawled):
    base = crawled["base"]
    documents = {item["url"]: item for item in crawled["store"].documents()}
    vanished = documents[f"{base}/vanishing.html"]
    assert vanished["status"] == "gone"
    assert vanished["versions"] == 1
    assert vanished["content_hash"] is not None


def test_documents_statuses(crawled):
    base = crawled["base"]
    documents = {item["url"]: item["status"] for item in crawled["store"].documents()}
    expected = {f"{base}{path}": "ok" for path in STORED_PATHS}
    expected[f"{base}/vanishing.html"] = "gone"
    expected[f"{base}/relocated.html"] = "ok"
    expected.update({f"{base}{path}": "failed" for path in FAILED_PATHS})
    assert documents == expected


def test_second_crawl_sends_conditional_requests(crawled):
    conditional = crawled["site"].conditional_hits
    assert conditional["/"] == 1
    assert conditional["/gbk.html"] == 1
    assert conditional["/files/plan.pdf"] == 1
    assert conditional["/items/4.html"] == 0


def test_report_saved_under_data_dir(crawled):
    data_dir: Path = crawled["data_dir"]
    reports = sorted((data_dir / "crawl" / "reports").glob("*.json"))
    assert len(reports) == 2
    saved = (data_dir / "crawl" / "last-report.json").read_text(encoding="utf-8")
    assert '"changed": 1' in saved


def test_report_text(crawled):
    text = str(crawled["second"]).splitlines()
    assert re.fullmatch(
        r"Crawled 1 source\(s\): 1 new, 1 changed, 13 unchanged, 1 gone, "
        r"4 failed, 1 skipped by robots\.txt in \d+\.\d s",
        text[0],
    )
    assert text[1] == "Failures:"
    assert len(text) == 2 + len(FAILED_PATHS)


def test_finished_crawl_removes_job_directory(crawled):
    jobs = crawled["data_dir"] / "crawl" / "jobs"
    assert [path.name for path in jobs.iterdir() if path.is_dir()] == []
