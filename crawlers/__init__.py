"""Crawling: fetch sources politely, decode them, extract text, and keep
every version in the document store.

Public entry points: :func:`crawl`, :class:`DocumentStore`
(``crawlers.store``), :func:`load_source_entries` and :class:`Source`
(``crawlers.sources``, the entries of ``seeds/sources.yaml``),
:func:`crawlers.text.extract_text` and :func:`crawlers.demo.serve_demo`. Only this package imports Scrapy and
Twisted, and only in the crawl child process (``crawlers.run``), so
importing ``crawlers`` stays cheap.

Files under the data directory (the parent of the store's root)::

    documents/                 the document store (see crawlers.store)
    crawl/last-report.json     report of the last crawl
    crawl/reports/*.json       every crawl's report, named by its end time
    crawl/logs/*.log           Scrapy's log of each HTTP crawl
    crawl/jobs/KEY/            Scrapy JOBDIR of a stopped crawl, for resuming
    crawl/jobs/KEY.lock        lock held while a crawl of those start URLs runs
    crawl/child/KEY.json       the crawl child's own report

KEY is derived from the set of start URLs, so the same sources resume the
same job.
"""

from crawlers.report import CrawlReport, Failure
from crawlers.runner import crawl, last_report
from crawlers.sources import Source, load_source_entries, load_sources
from crawlers.store import DocumentStore

__all__ = [
    "CrawlReport",
    "DocumentStore",
    "Failure",
    "Source",
    "crawl",
    "last_report",
    "load_source_entries",
    "load_sources",
]
