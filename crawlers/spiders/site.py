"""The site spider: crawl sources into the document store.

Run it through :func:`crawlers.crawl` or from the repository root::

    scrapy crawl site -a urls=http://127.0.0.1:8000/ -s BLUECARBON_DATA_DIR=./data
    scrapy crawl site -a sources=weihai-gov,whnews -s BLUECARBON_DATA_DIR=./data

A bare start URL has its same-site links followed. A declared source
(:class:`crawlers.sources.Source`) has only the links followed that are
within its allowed domains, match one of its follow patterns (when it has
any) and match none of its deny patterns. Its sitemaps (a sitemap, a
sitemap index, or a robots.txt whose ``Sitemap:`` lines name sitemaps)
add the page URLs that they list, filtered the same way.
Without ``urls`` or ``sources`` it crawls the http(s) entries of
``seeds/sources.yaml``.

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
from urllib.parse import urljoin, urlsplit

import lxml.etree
import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
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
from crawlers.sources import (
    Source,
    domain_host,
    is_http_url,
    load_source_entries,
    select_sources,
)
from crawlers.store import DocumentStore
from crawlers.text import KIND_HTML, UNSUPPORTED_EXTENSIONS, extract_links

logger = logging.getLogger(__name__)

HANDLED_STATUSES = [304, 404, 410]

# Request meta key with the name of the source a request belongs to.
SOURCE_META = "bluecarbon_source"
SITEMAP_PRIORITY = 10
GZIP_MAGIC = b"\x1f\x8b\x08"

# Hints for the HTTP errors that crawls of government portals meet most.
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


class SiteSpider(scrapy.Spider):
    """Crawl sources into the document store, each within its scope."""

    name = "site"

    def __init__(
        self,
        urls: str | list[str] | None = None,
        data_dir: str | None = None,
        documents_dir: str | None = None,
        report_path: str | None = None,
        sources: list[Source] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)

        if isinstance(sources, str):
            # scrapy crawl site -a sources=NAME[,NAME...]
            names = [name for name in re.split(r"[,\s]+", sources) if name]
            selected = select_sources([], names)
            sources = [source for source in selected if is_http_url(source.url)]
        sources = list(sources or [])
        if isinstance(urls, str):
            urls = [url.strip() for url in re.split(r"[,\s]+", urls) if url.strip()]
        sources.extend(Source.from_url(url) for url in urls or [])
        if urls is None and not sources:
            declared = load_source_entries()
            sources = [source for source in declared if is_http_url(source.url)]
        if not sources:
            raise ValueError(
                "the site spider needs start URLs: pass -a urls=URL[,URL...] or "
                "-a sources=NAME[,NAME...], or list http(s) sources in seeds/sources.yaml"
            )

        self.sources = [
            source.with_url(normalise_start_url(source.url), source.allowed_domains)
            for source in sources
        ]
        self.sources_by_name = {source.name: source for source in self.sources}
        self.start_urls = [source.url for source in self.sources]
        # Scrapy's OffsiteMiddleware drops requests to any other host names;
        # each source's own scope is applied by the spider.
        self.allowed_domains = sorted(
            {
                domain_host(domain)
                for source in self.sources
                for domain in source.allowed_domains
            }
        )

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
        self,
        url: str,
        source: Source | None,
        *,
        dont_filter: bool = False,
        conditional: bool = True,
    ) -> scrapy.Request:
        assert self.ledger is not None
        headers = self.ledger.store.conditional_headers(url) if conditional else {}
        return scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            headers=headers,
            dont_filter=dont_filter,
            meta={
                "handle_httpstatus_list": HANDLED_STATUSES,
                RECHECK_META: dont_filter,
                SOURCE_META: source.name if source else None,
            },
        )

    def _sitemap_request(self, url: str, source: Source) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_sitemap,
            errback=self.on_sitemap_error,
            # Sitemaps come before pages, so their URLs join the queue early.
            priority=SITEMAP_PRIORITY,
            meta={SOURCE_META: source.name},
        )

    def _source_of(self, request) -> Source | None:
        """Return the source a request belongs to, or None.

        A request restored from the job directory of a stopped crawl may
        name a source that the sources file no longer has, or none at all
        when an older version queued it. It then belongs to the first
        source that would re-check its URL.
        """
        source = self.sources_by_name.get(request.meta.get(SOURCE_META))
        return source or self._known_url_source(request.url)

    def _known_url_source(self, url: str) -> Source | None:
        for source in self.sources:
            if source.covers_known_url(url):
                return source
        return None

    async def start(self):
        # Start URLs go through the duplicate filter too: a page linking to
        # itself is fetched once, and a resumed job skips what it fetched.
        assert self.ledger is not None
        for source in self.sources:
            yield self._request(source.url, source)
            for sitemap in source.sitemaps:
                yield self._sitemap_request(sitemap, source)
        starts = set(self.start_urls)
        checked, unvisited = self.ledger.store.crawl_state_where(
            lambda url: self._known_url_source(url) is not None
        )
        for url in checked:
            if url not in starts and not _skipped_by_extension(url):
                yield self._request(url, self._known_url_source(url))
        # A link found but never checked may have been in flight when an
        # earlier run stopped. The resumed job's duplicate filter has seen
        # it already, so its request bypasses the filter.
        for url in unvisited:
            if url not in starts and not _skipped_by_extension(url):
                yield self._request(url, self._known_url_source(url), dont_filter=True)

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
                source = self._source_of(response.request)
                return [self._request(url, source, dont_filter=True, conditional=False)]
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
        source = self._source_of(response.request)
        if source is None:
            logger.warning(
                "%s belongs to no source of this crawl; its links are not followed", url
            )
            return []
        follow = [
            link
            for link in links
            if source.allows(link) and not _skipped_by_extension(link)
        ]
        await asyncio.to_thread(self.ledger.store.add_to_frontier, follow, url)
        return [self._request(link, source) for link in follow]

    # -- sitemaps ------------------------------------------------------------

    async def parse_sitemap(self, response):
        """Request the pages and nested sitemaps that a sitemap, a sitemap
        index or a robots.txt lists, within the source's scope."""
        assert self.ledger is not None
        source = self._source_of(response.request)
        if source is None:
            logger.warning(
                "sitemap %s belongs to no source of this crawl; not read", response.url
            )
            return
        try:
            # A sitemap may list 50,000 URLs (the sitemaps.org limit), so it is
            # parsed in a worker thread.
            kind, urls = await asyncio.to_thread(
                read_sitemap,
                response.body,
                url=response.url,
                max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"),
            )
        except DocumentError as error:
            self.ledger.sitemap_failed(response.url, str(error))
            return
        if kind == "urlset":
            pages = [
                url
                for url in urls
                if source.allows(url) and not _skipped_by_extension(url)
            ]
            logger.info(
                "sitemap %s lists %d URLs, %d within the source %s",
                response.url,
                len(urls),
                len(pages),
                source.name,
            )
            await asyncio.to_thread(
                self.ledger.store.add_to_frontier, pages, response.url
            )
            for url in pages:
                yield self._request(url, source)
            return
        # A sitemap index or a robots.txt names further sitemaps.
        for url in urls:
            if source.allows_host(url):
                yield self._sitemap_request(url, source)
            else:
                logger.warning(
                    "sitemap %s named by %s is outside the allowed domains of %s; not requested",
                    url,
                    response.url,
                    source.name,
                )

    def on_sitemap_error(self, failure):
        assert self.ledger is not None
        request = failure.request
        error = failure.value
        if failure.check(HttpError):
            status = error.response.status
            is_robots_txt = urlsplit(request.url).path.endswith("/robots.txt")
            if status in (404, 410) and is_robots_txt:
                # A site without robots.txt has no Sitemap: lines to read.
                logger.info("no robots.txt at %s, so it names no sitemaps", request.url)
                return
            reason = f"HTTP {status} from the server"
        elif failure.check(IgnoreRequest) and "robots.txt" in str(error):
            self.ledger.skipped_by_robots(request.url)
            return
        else:
            reason = f"{type(error).__name__}: {error}"
        self.ledger.sitemap_failed(request.url, reason)

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


def read_sitemap(body: bytes, *, url: str, max_size: int = 0) -> tuple[str, list[str]]:
    """Return the type and the URLs of a sitemap document.

    The type is ``urlset`` (page URLs), ``sitemapindex`` (sitemap URLs) or
    ``robots`` for a robots.txt, whose ``Sitemap:`` lines name sitemaps.
    A gzip-compressed sitemap is decompressed up to ``max_size`` bytes
    (0: no limit). Relative URLs are resolved against ``url``.
    Raises DocumentError when the body is not a sitemap.
    """
    if urlsplit(url).path.lower().endswith("/robots.txt"):
        sitemaps = sitemap_urls_from_robots(body, base_url=url)
        return "robots", list(dict.fromkeys(sitemaps))
    if body[:3] == GZIP_MAGIC:
        try:
            body = gunzip(body, max_size=max_size)
        except (OSError, EOFError) as error:
            raise DocumentError(
                f"sitemap {url} is not readable gzip: {error}"
            ) from error
        except ValueError as error:
            # Scrapy 2.19 raises a private ValueError subclass at max_size.
            raise DocumentError(
                f"sitemap {url} decompresses to more than DOWNLOAD_MAXSIZE ({max_size} bytes)"
            ) from error
    try:
        sitemap = Sitemap(body)
    except (StopIteration, lxml.etree.XMLSyntaxError) as error:
        raise DocumentError(f"sitemap {url} is not XML") from error
    if sitemap.type not in ("urlset", "sitemapindex"):
        raise DocumentError(
            f"sitemap {url} has the root element {sitemap.type!r}, "
            "not urlset or sitemapindex"
        )
    urls = [urljoin(url, entry["loc"]) for entry in sitemap if entry.get("loc")]
    return sitemap.type, list(dict.fromkeys(urls))


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    if value is None:
        return None
    return value.decode("latin-1")
