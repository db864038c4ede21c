"""Recording of fetch outcomes in the document store and the crawl report.

Both the Scrapy spider and the reader of local files go through a
:class:`Ledger`, so an outcome is stored and counted the same way whatever
fetched it.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import TextIO

from bluecarbon.errors import DocumentError
from crawlers.report import (
    CHANGED,
    FAILED,
    GONE,
    NEW,
    SKIPPED_BY_ROBOTS,
    UNCHANGED,
    CrawlReport,
)
from crawlers.store import DocumentStore
from crawlers.text import extract_text

logger = logging.getLogger(__name__)


class Ledger:
    """Store and count the outcome of each URL of one crawl run.

    Safe to call from several threads: the store is, and counting is
    serialised by a lock.
    """

    def __init__(
        self,
        store: DocumentStore,
        report: CrawlReport,
        *,
        progress: bool = False,
        progress_stream: TextIO | None = None,
    ) -> None:
        self.store = store
        self.report = report
        self.progress = progress
        self.progress_stream = progress_stream or sys.stderr
        self._lock = threading.Lock()

    def fetched(
        self,
        url: str,
        body: bytes,
        *,
        content_type: str | None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> tuple[str, dict | None]:
        """Extract, store and count a fetched body.

        Return the outcome (new, changed, unchanged or failed) and the
        extracted metadata (None when the body could not be read).
        """
        try:
            text, meta = extract_text(body, url=url, content_type=content_type)
        except DocumentError as error:
            self.failed(url, str(error))
            return FAILED, None
        had_version = self.store.latest_version(url) is not None
        version = self.store.record_fetch(
            url,
            body,
            text=text,
            content_type=content_type,
            encoding=meta.get("encoding"),
            title=meta.get("title"),
            issuer=meta.get("issuer"),
            document_number=meta.get("document_number"),
            published=meta.get("published"),
            etag=etag,
            last_modified=last_modified,
            same_text_is_unchanged=True,
        )
        if version is None:
            outcome = UNCHANGED
        elif had_version:
            outcome = CHANGED
        else:
            outcome = NEW
        self._count(url, outcome)
        return outcome, meta

    def unchanged(self, url: str) -> None:
        """Count a 304 response."""
        self.store.mark_unchanged(url)
        self._count(url, UNCHANGED)

    def gone(self, url: str, status_code: int) -> None:
        """Count a 404 or 410 response; stored versions stay."""
        self.store.mark_gone(url, status_code)
        self._count(url, GONE, f"HTTP {status_code}")

    def failed(self, url: str, reason: str) -> None:
        """Count a URL that could not be fetched or read."""
        logger.warning("failed: %s: %s", url, reason)
        self.store.mark_failed(url, reason)
        self._count(url, FAILED, reason)

    def sitemap_failed(self, url: str, reason: str) -> None:
        """Count a sitemap that could not be fetched or read. Sitemaps are
        not documents, so the store does not record it."""
        logger.warning("failed: sitemap %s: %s", url, reason)
        self._count(url, FAILED, f"sitemap: {reason}")

    def skipped_by_robots(self, url: str) -> None:
        """Count a URL that robots.txt forbids."""
        self._count(url, SKIPPED_BY_ROBOTS)

    def _count(self, url: str, outcome: str, reason: str | None = None) -> None:
        with self._lock:
            self._count_locked(url, outcome, reason)

    def _count_locked(self, url: str, outcome: str, reason: str | None) -> None:
        self.report.record(url, outcome, reason)
        if self.progress:
            detail = f"  ({reason})" if reason and outcome == FAILED else ""
            print(
                f"[{self.report.fetched:5d}] {outcome:<17} {url}{detail}",
                file=self.progress_stream,
                flush=True,
            )
