"""Scrapy components of the crawler."""

from __future__ import annotations

from scrapy.dupefilters import RFPDupeFilter


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
