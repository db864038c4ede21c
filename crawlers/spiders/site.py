"""The site spider: crawl start URLs and their same-site links into the
document store.

Run it through :func:`crawlers.crawl` or from the repository root::

    scrapy crawl site -a urls=http://127.0.0.1:8000/ -s BLUECARBON_DATA_DIR=./data

Without ``urls`` it crawls the http(s) entries of ``seeds/sources.yaml``.
Each run also re-checks, with conditional requests, every URL that the
store already contains or has discovered on those sites. Pages that
changed, vanished or were never reached by a killed run are thus found
even when no changed page links to them.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError as TwistedConnectionRefused,
)
from twisted.internet.error import DNSLookupError, TCPTimedOutError
from twisted.internet.error import TimeoutError as TwistedTimeoutError

from bluecarbon.errors import DocumentError
from bluecarbon.settings import load_settings
from crawlers.ledger import Ledger
from crawlers.middlewares import ALREADY_CHECKED, RECHECK_META
from crawlers.report import CrawlReport
from crawlers.runner import normalise_start_url
from crawlers.sources import load_sources
from crawlers.store import DocumentStore
from crawlers.text import KIND_HTML, UNSUPPORTED_EXTENSIONS, extract_links

logger = logging.getLogger(__name__)

HANDLED_STATUSES = [304, 404, 410]

# What to do about the errors that crawls of government portals meet most.
HTTP_ERROR_HINTS = {
    403: "The site refuses this client, so check robots.txt and the site's terms",
    412: "This is often an anti-crawler JavaScript challenge, which only a browser passes",
    429: "The site limits the request rate, so raise DOWNLOAD_DELAY",
    521: "This is often an anti-crawler JavaScript challenge, which only a browser passes",
}


def _skipped_by_extension(url: str) -> bool:
    path = urlsplit(url).path.lower()
    name = path.rsplit("/", 1)[-1]
    return "." in name and name.rsplit(".", 1)[-1] in UNSUPPORTED_EXTENSIONS


def _host_allowed(url: str, hostnames: set[str]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == name or host.endswith("." + name) for name in hostnames)


class SiteSpider(scrapy.Spider):
    """Crawl same-site links from start URLs into the document store."""

    name = "site"

    def __init__(
        self,
        urls: str | list[str] | None = None,
        data_dir: str | None = None,
        documents_dir: str | None = None,
        report_path: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if urls is None:
            urls = [url for url in load_sources() if url.startswith(("http://", "https://"))]
        elif isinstance(urls, str):
            urls = [url.strip() for url in re.split(r"[,\s]+", urls) if url.strip()]
        if not urls:
            raise ValueError(
                "the site spider needs start URLs: pass -a urls=URL[,URL...] "
                "or list http(s) sources in seeds/sources.yaml"
            )
        self.start_urls = [normalise_start_url(url) for url in urls]
        urls = self.start_urls
        self.hostnames = {(urlsplit(url).hostname or "").lower() for url in urls}
        self.allowed_domains = sorted(self.hostnames)
        self.netlocs = {urlsplit(url).netloc.lower() for url in urls}
        self._data_dir_argument = data_dir
        self._documents_dir_argument = documents_dir
        self.report_path = Path(report_path) if report_path else None
        self.ledger: Ledger | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        documents_dir = spider._documents_dir_argument
        if documents_dir is None:
            data_dir = spider._data_dir_argument or crawler.settings.get("BLUECARBON_DATA_DIR")
            documents_dir = load_settings(data_dir).documents_dir
        store = DocumentStore(Path(documents_dir))
        report = CrawlReport(
            sources=list(spider.start_urls),
            started_at=datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        )
        spider.ledger = Ledger(
            store, report, progress=crawler.settings.getbool("BLUECARBON_PROGRESS")
        )
        return spider

    # -- requests ------------------------------------------------------------

    def _request(
        self, url: str, *, dont_filter: bool = False, conditional: bool = True
    ) -> scrapy.Request:
        assert self.ledger is not None
        headers = self.ledger.store.conditional_headers(url) if conditional else {}
        return scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            headers=headers,
            dont_filter=dont_filter,
            meta={"handle_httpstatus_list": HANDLED_STATUSES, RECHECK_META: dont_filter},
        )

    async def start(self):
        # Start URLs go through the duplicate filter too: a page linking to
        # itself is fetched once, and a resumed job skips what it fetched.
        assert self.ledger is not None
        for url in self.start_urls:
            yield self._request(url)
        starts = set(self.start_urls)
        checked, unvisited = self.ledger.store.crawl_state(self.netlocs)
        for url in checked:
            if url not in starts and not _skipped_by_extension(url):
                yield self._request(url)
        # A link found but never checked may have been in flight when an
        # earlier run stopped. The resumed job's duplicate filter has seen
        # it already, so its request bypasses the filter.
        for url in unvisited:
            if url not in starts and not _skipped_by_extension(url):
                yield self._request(url, dont_filter=True)

    # -- responses -----------------------------------------------------------

    async def parse_page(self, response):
        assert self.ledger is not None
        try:
            requests = await self._handle_response(response)
        except Exception as error:
            # A bug or a store failure (disk full, index locked) must not make
            # the URL vanish from the report; the crawl goes on.
            logger.exception("failed to process %s", response.url)
            reason = f"internal error while storing the page: {type(error).__name__}: {error}"
            await asyncio.to_thread(self.ledger.failed, response.url, reason)
            return
        for request in requests:
            yield request

    async def _handle_response(self, response) -> list[scrapy.Request]:
        """Store or count one response and return the requests it leads to.

        Extraction and the fsynced store writes run in worker threads, so
        the reactor keeps downloading meanwhile.
        """
        assert self.ledger is not None
        url = response.url
        redirected_from = response.request.meta.get("redirect_urls")
        if redirected_from:
            await asyncio.to_thread(self.ledger.store.mark_redirected, redirected_from)

        if response.status == 304:
            if self.ledger.store.latest_version(url) is None:
                # A redirect carried the validators of the URL it started
                # from, and the target has no stored version to keep.
                return [self._request(url, dont_filter=True, conditional=False)]
            await asyncio.to_thread(self.ledger.unchanged, url)
            return []
        if response.status in (404, 410):
            await asyncio.to_thread(self.ledger.gone, url, response.status)
            return []

        content_type = _header(response, b"Content-Type")
        outcome, meta = await asyncio.to_thread(
            self.ledger.fetched,
            url,
            response.body,
            content_type=content_type,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
        )
        if meta is None or meta.get("kind") != KIND_HTML:
            return []

        try:
            links = await asyncio.to_thread(
                extract_links, response.body, url=url, content_type=content_type
            )
        except DocumentError as error:
            logger.warning("no links read from %s: %s", url, error)
            return []
        follow = [
            link
            for link in links
            if _host_allowed(link, self.hostnames) and not _skipped_by_extension(link)
        ]
        await asyncio.to_thread(self.ledger.store.add_to_frontier, follow, url)
        return [self._request(link) for link in follow]

    def on_error(self, failure):
        assert self.ledger is not None
        request = failure.request
        url = request.meta.get("redirect_urls", [request.url])[0]
        error = failure.value
        settings = self.crawler.settings
        if failure.check(HttpError):
            status = error.response.status
            reason = f"HTTP {status} from the server"
            if status in {int(code) for code in settings.getlist("RETRY_HTTP_CODES", [])}:
                reason += f" (after {settings.getint('RETRY_TIMES')} retries)"
            if status in HTTP_ERROR_HINTS:
                reason += f". {HTTP_ERROR_HINTS[status]}"
            self.ledger.failed(url, reason)
        elif failure.check(IgnoreRequest):
            message = str(error)
            if message == ALREADY_CHECKED:
                return
            if "robots.txt" in message:
                self.ledger.skipped_by_robots(url)
            elif "max redirections" in message:
                limit = settings.getint("REDIRECT_MAX_TIMES")
                self.ledger.failed(
                    url,
                    f"more than {limit} redirects (REDIRECT_MAX_TIMES); the "
                    "server redirects in a loop or through too many hops",
                )
            elif "offsite" in message.lower():
                self.ledger.failed(
                    url, f"redirected to another site ({request.url}), which is not crawled"
                )
            else:
                self.ledger.failed(url, f"request ignored: {message}")
        elif failure.check(DownloadTimeoutError, TwistedTimeoutError, TCPTimedOutError):
            timeout = request.meta.get("download_timeout", settings.getfloat("DOWNLOAD_TIMEOUT"))
            self.ledger.failed(
                url,
                f"timed out after {timeout:g} s (DOWNLOAD_TIMEOUT), "
                f"{settings.getint('RETRY_TIMES') + 1} attempts",
            )
        elif failure.check(DownloadCancelledError):
            limit = request.meta.get("download_maxsize", settings.getint("DOWNLOAD_MAXSIZE"))
            self.ledger.failed(
                url,
                f"response larger than DOWNLOAD_MAXSIZE ({limit} bytes); "
                "download it by hand and add it as a file",
            )
        elif failure.check(
            DownloadConnectionRefusedError, TwistedConnectionRefused
        ):
            self.ledger.failed(url, "connection refused; is the site up?")
        elif failure.check(CannotResolveHostError, DNSLookupError):
            self.ledger.failed(url, "host name not found (DNS lookup failed)")
        else:
            self.ledger.failed(url, f"{type(error).__name__}: {error}")

    def closed(self, reason: str) -> None:
        assert self.ledger is not None
        report = self.ledger.report
        report.finish_reason = reason
        report.finished_at = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        if self.report_path is not None:
            report.save(self.report_path)
        logger.info("crawl closed (%s): %s", reason, str(report).splitlines()[0])


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    if value is None:
        return None
    return value.decode("latin-1")
