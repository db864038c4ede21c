"""Scrapy components of the crawler."""

from __future__ import annotations

from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import IgnoreRequest

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
