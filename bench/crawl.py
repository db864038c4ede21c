"""Benchmark: pages per second of the full crawl pipeline beside a bare
Scrapy spider, over the same generated local site.

    .venv/bin/python bench/crawl.py [--pages 500]

The script generates a site of Chinese notice pages (an index, section
pages and articles, plus a few PDFs), serves it on 127.0.0.1, and crawls
it twice, each run in its own process so peak memory is measured apart:

- bare: a minimal Scrapy spider that follows every link and stores
  nothing;
- full: ``crawlers.crawl`` (child process, robots.txt, decoding, text
  extraction, links, SQLite index and fsynced blobs).

Both use the same unthrottled settings (no delay, no AutoThrottle, 8
requests at a time), because the production settings deliberately wait
between requests and would measure the politeness delay instead of the
work. Wall time includes each process's start-up. CPU seconds (user and
system, of the run's processes) show the work itself on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 8,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
}
SECTIONS = 10
PDF_COUNT = 5

PARAGRAPHS = [
    "为加快发展海洋生态产业，支持威海海澜生物科技有限公司建设深远海智能养殖工船和海洋牧场。",
    "荣成市泓海水产科技有限公司联合中国水产科学研究院黄海水产研究所开展海参良种选育。",
    "支持威海清波环保装备有限公司研发船舶压载水处理系统和船舶尾气脱硫装置，推广岸电设备。",
    "市海洋发展局、市科技局、市工业和信息化局按照职责分工负责，市财政局统筹安排资金。",
    "威海海源新材料科技有限公司与哈尔滨工业大学（威海）合作建设海藻酸盐纤维生产线。",
]


def article(number: int) -> str:
    body = "".join(
        f"<p>{PARAGRAPHS[(number + index) % len(PARAGRAPHS)]}（第{number}号，第{index}段）</p>"
        for index in range(12)
    )
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>通知{number}_威海市人民政府</title>"
        f"<meta name='PubDate' content='2024-03-{number % 28 + 1:02d}'></head><body>"
        "<header><nav><a href='/'>首页</a><a href='/s/0.html'>通知公告</a></nav></header>"
        f"<div class='article'><h1>关于海洋生态产业的通知（{number}）</h1>"
        f"<div id='zoom'><p>威海政办字〔2024〕{number}号</p>{body}</div></div>"
        "<footer>版权所有 威海市人民政府</footer></body></html>"
    )


def build_site(root: Path, pages: int) -> int:
    """Write the site under ``root`` and return its number of documents."""
    from crawlers.pdfmake import make_pdf

    (root / "a").mkdir(parents=True)
    (root / "s").mkdir()
    (root / "f").mkdir()
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    per_section = -(-pages // SECTIONS)
    sections = []
    for section in range(SECTIONS):
        numbers = range(section * per_section, min(pages, (section + 1) * per_section))
        links = "".join(f"<li><a href='/a/{n}.html'>通知{n}</a></li>" for n in numbers)
        if section < PDF_COUNT:
            links += f"<li><a href='/f/{section}.pdf'>附件{section}</a></li>"
        (root / "s" / f"{section}.html").write_text(
            f"<html><head><meta charset='utf-8'><title>栏目{section}</title></head>"
            f"<body><div class='list'><ul>{links}</ul></div></body></html>",
            encoding="utf-8",
        )
        sections.append(f"<li><a href='/s/{section}.html'>栏目{section}</a></li>")
    for number in range(pages):
        (root / "a" / f"{number}.html").write_text(article(number), encoding="utf-8")
    for number in range(PDF_COUNT):
        (root / "f" / f"{number}.pdf").write_bytes(make_pdf(PARAGRAPHS * 4, title=f"附件{number}"))
    (root / "index.html").write_text(
        f"<html><head><meta charset='utf-8'><title>首页</title></head><body><ul>{''.join(sections)}</ul></body></html>",
        encoding="utf-8",
    )
    return 1 + SECTIONS + pages + PDF_COUNT


def run_bare(url: str) -> int:
    """Crawl with a minimal spider in this process; return pages fetched."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    fetched = []

    class BareSpider(scrapy.Spider):
        name = "bare"
        allowed_domains = ["127.0.0.1"]

        async def start(self):
            # Filtered like the full pipeline's start request, so that the
            # articles' links back to the index do not fetch it twice.
            yield scrapy.Request(url, callback=self.parse)

        def parse(self, response):
            fetched.append(response.url)
            if b"<html" in response.body[:200].lower():
                for href in response.css("a::attr(href)").getall():
                    yield response.follow(href, callback=self.parse)

    process = CrawlerProcess(
        {
            **SETTINGS,
            "ROBOTSTXT_OBEY": True,
            "TELNETCONSOLE_ENABLED": False,
            "REMOTE_CONTROL_ENABLED": False,
            "USER_AGENT": "bench",
        }
    )
    process.crawl(BareSpider)
    process.start()
    return len(fetched)


def run_full(url: str, data_dir: Path) -> int:
    """Crawl with crawlers.crawl; return documents stored."""
    from crawlers import DocumentStore, crawl

    store = DocumentStore(data_dir / "documents")
    report = crawl([url], store, settings=SETTINGS)
    if report.failed:
        raise SystemExit(f"benchmark crawl had failures:\n{report}")
    return report.new


def measure(mode: str, url: str, data_dir: Path) -> dict:
    """Run one mode in a fresh process and return its figures."""
    command = [sys.executable, __file__, "--run", mode, "--url", url, "--data-dir", str(data_dir)]
    started = time.perf_counter()
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    elapsed = time.perf_counter() - started
    figures = json.loads(output.strip().splitlines()[-1])
    figures["seconds"] = elapsed
    return figures


def child_main(mode: str, url: str, data_dir: Path) -> None:
    pages = run_bare(url) if mode == "bare" else run_full(url, data_dir)
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    # ru_maxrss is in KiB on Linux.
    peak = max(own.ru_maxrss, children.ru_maxrss) / 1024
    print(json.dumps({"pages": pages, "peak_mib": peak, "cpu_seconds": cpu}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500, help="number of article pages (default 500)")
    parser.add_argument("--run", choices=["bare", "full"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        child_main(args.run, args.url, args.data_dir)
        return

    from crawlers.demo import StaticSiteHandler, serve_site

    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as temp:
        temp_dir = Path(temp)
        site = temp_dir / "site"
        documents = build_site(site, args.pages)

        class BenchHandler(StaticSiteHandler):
            site_root = site
            # Keep-alive, as Scrapy uses it, so the server is not the limit.
            protocol_version = "HTTP/1.1"

        with serve_site(BenchHandler) as base_url:
            bare = measure("bare", f"{base_url}/", temp_dir / "bare")
            full = measure("full", f"{base_url}/", temp_dir / "full")

    print(f"site: {documents} documents ({args.pages} articles, {SECTIONS} lists, {PDF_COUNT} PDFs, index)")
    print(f"settings: {json.dumps(SETTINGS)}")
    print(f"{'run':<22}{'pages':>7}{'seconds':>10}{'pages/s':>10}{'CPU s':>8}{'peak MiB':>10}")
    for name, figures in (("bare Scrapy spider", bare), ("full pipeline", full)):
        rate = figures["pages"] / figures["seconds"]
        print(
            f"{name:<22}{figures['pages']:>7}{figures['seconds']:>10.2f}"
            f"{rate:>10.1f}{figures['cpu_seconds']:>8.1f}{figures['peak_mib']:>10.1f}"
        )


if __name__ == "__main__":
    main()
