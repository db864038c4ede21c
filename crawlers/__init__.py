"""Crawling: fetch sources politely, decode them, extract text, and keep
every version in the document store.

Public entry points: :func:`crawl`, :class:`DocumentStore`
(``crawlers.store``), :func:`crawlers.text.extract_text` and
:func:`crawlers.demo.serve_demo`. Only this package imports Scrapy and
Twisted, and only in the crawl child process (``crawlers.run``), so
importing ``crawlers`` stays cheap.
"""

from crawlers.report import CrawlReport, Failure
from crawlers.runner import crawl, last_report
from crawlers.sources import load_sources
from crawlers.store import DocumentStore

__all__ = ["CrawlReport", "DocumentStore", "Failure", "crawl", "last_report", "load_sources"]
