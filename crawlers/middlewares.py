"""Scrapy components of the crawler."""

from __future__ import annotations

import logging
import weakref

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)

# Request meta key that marks a re-check of a discovered URL.
RECHECK_META = "bluecarbon_recheck"
ALREADY_CHECKED = "already checked in this run"


class RedirectLoopDupeFilter(RFPDupeFilter):
    """The standard duplicate filter, which also reports redirect loops.

    A redirect back to a URL of its own redirect chain is dropped by the
    duplicate filter without reaching any errback, so a page that redirects
    in a loop would vanish from the report. This filter records it as a
    failure of the URL that started the chain. A redirect to a page already
    crawled by another path is no failure and is only counted as a duplicate.
    """

    def log(self, request, spider) -> None:
        chain = request.meta.get("redirect_urls")
        ledger = getattr(spider, "ledger", None)
        if chain and ledger is not None and request.url in chain:
            hops = " -> ".join([*chain, request.url])
            ledger.failed(
                chain[0],
                f"redirect loop ({hops}); the server redirects back to a URL "
                "already requested",
            )
        super().log(request, spider)


class RecheckFilterMiddleware:
    """Drop a re-check request for a URL this run has already handled.

    A resumed crawl requests every discovered-but-unchecked URL again,
    bypassing the duplicate filter (see ``SiteSpider.start``), because the
    stopped run may have lost it in flight. When the restored Scrapy queue
    also held that URL, whichever request comes second is dropped here.
    """

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        if not request.meta.get(RECHECK_META):
            return None
        ledger = getattr(self.crawler.spider, "ledger", None)
        if ledger is not None and request.url in ledger.report.outcomes:
            raise IgnoreRequest(ALREADY_CHECKED)
        return None


# Maximum robots.txt Crawl-delay obeyed, in seconds. A larger value would
# stall a crawl for hours, so it is lowered to this and logged.
MAX_CRAWL_DELAY = 60.0

# Crawl-delay per downloader slot key, per running crawler.
_crawl_delays: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def crawl_delays(crawler) -> dict[str, float]:
    """Return the Crawl-delay in seconds of each slot key that has one."""
    return _crawl_delays.setdefault(crawler, {})


class CrawlDelayRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, which also obeys ``Crawl-delay``.

    Scrapy 2.19 parses the directive but never applies it. This middleware
    sets the delay, without random jitter, on the site's downloader slot, and
    :class:`CrawlDelayAutoThrottle` keeps AutoThrottle from going below it.
    """

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        self._delay_checked: set[str] = set()

    def process_request_2(self, rp, request) -> None:
        if rp is not None:
            self._apply_crawl_delay(rp, request)
        super().process_request_2(rp, request)

    def _apply_crawl_delay(self, rp, request) -> None:
        netloc = urlparse_cached(request).netloc
        if netloc in self._delay_checked:
            return
        self._delay_checked.add(netloc)

        useragent = (
            self._robotstxt_useragent
            or request.headers.get(b"User-Agent")
            or self._default_useragent
        )
        delay = rp.crawl_delay(useragent)
        if not delay or delay <= 0:
            return
        if delay > MAX_CRAWL_DELAY:
            logger.warning(
                "robots.txt of %s asks for Crawl-delay %g s; using %g s",
                netloc,
                delay,
                MAX_CRAWL_DELAY,
            )
            delay = MAX_CRAWL_DELAY

        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        delays = crawl_delays(self.crawler)
        delays[key] = max(delay, delays.get(key, 0.0))
        # A slot that is garbage-collected when idle is rebuilt from these.
        downloader.per_slot_settings[key] = {
            **downloader.per_slot_settings.get(key, {}),
            "delay": delays[key],
            "jitter": 0.0,
        }
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, delays[key])
            slot.jitter = 0.0
        logger.info("obeying Crawl-delay of %g s for %s", delays[key], netloc)


class CrawlDelayAutoThrottle(AutoThrottle):
    """AutoThrottle that never sets a slot's delay below its Crawl-delay."""

    def _response_downloaded(self, response, request, spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        floor = crawl_delays(self.crawler).get(key) if key else None
        if slot is not None and floor and slot.delay < floor:
            slot.delay = floor
