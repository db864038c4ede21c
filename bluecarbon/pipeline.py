"""The main job as plain functions: crawl, extract, load, rank.

Each function takes validated settings and returns a small report; the
CLI prints them and the tests assert on them. Extraction and loading run
only over document versions the store has not yet marked processed, so a
periodic run does work in proportion to what changed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Iterable

from bluecarbon.errors import DocumentError, ExtractionError
from bluecarbon.settings import Settings

logger = logging.getLogger("bluecarbon.pipeline")

# Share of mojibake above which a document is reported as probably
# decoded with the wrong encoding.
GARBLED_SHARE = 0.3


@dataclass
class LoadReport:
    """Counts and failures of one extract-and-load pass."""

    versions: int = 0
    entities: int = 0
    relations: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    garbled: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def __str__(self) -> str:
        lines = [
            f"extracted and loaded {self.versions} document versions: "
            f"{self.entities} entities, {self.relations} relations "
            f"in {self.seconds:.1f} s"
        ]
        for url, reason in self.failed:
            lines.append(f"  failed: {url}: {reason}")
        for url in self.garbled:
            lines.append(f"  looks garbled (check its encoding): {url}")
        return "\n".join(lines)


def open_store(settings: Settings):
    """Open the document store under the data directory."""
    from crawlers.store import DocumentStore

    settings.documents_dir.mkdir(parents=True, exist_ok=True)
    return DocumentStore(settings.documents_dir)


def crawl(
    settings: Settings,
    sources: Iterable[str],
    *,
    progress: bool = False,
    crawl_settings: dict | None = None,
):
    """Fetch SOURCES into the document store and return the crawl report.

    ``crawl_settings`` overrides Scrapy settings by name.
    """
    import crawlers

    store = open_store(settings)
    return crawlers.crawl(
        list(sources), store, progress=progress, settings=crawl_settings
    )


def load_pending(settings: Settings, graph, *, progress: bool = False) -> LoadReport:
    """Extract every unprocessed document version and load it into GRAPH.

    A version whose text cannot be read or extracted is reported and left
    unprocessed, so a later run retries it; the other versions go on.
    """
    import nlp

    store = open_store(settings)
    report = LoadReport()
    started = time.monotonic()
    pending = store.pending_versions()

    for version in _with_progress(pending, progress, "extract and load"):
        try:
            text = store.read_text(version)
            extraction = nlp.extract(text)
        except (DocumentError, ExtractionError) as error:
            logger.warning("skipped %s: %s", version.url, error)
            report.failed.append((version.url, str(error)))
            continue

        if extraction.garbled_share >= GARBLED_SHARE:
            logger.warning(
                "%s looks garbled: %.0f%% of its characters are mojibake",
                version.url,
                extraction.garbled_share * 100,
            )
            report.garbled.append(version.url)
        graph.load(version, extraction)
        store.mark_processed(version)
        report.versions += 1
        report.entities += len(extraction.entities)
        report.relations += len(extraction.relations)

    report.seconds = time.monotonic() - started
    return report


def build(
    settings: Settings,
    sources: Iterable[str],
    *,
    progress: bool = False,
    crawl_settings: dict | None = None,
):
    """Crawl SOURCES, then extract, load and rank; return both reports."""
    from graph import open_graph

    crawl_report = crawl(
        settings, sources, progress=progress, crawl_settings=crawl_settings
    )
    with open_graph(settings) as graph:
        load_report = load_pending(settings, graph, progress=progress)
        rank(settings, graph)
    return crawl_report, load_report


def rank(settings: Settings, graph) -> list[dict]:
    """Recompute the candidates and save them as a ranking snapshot."""
    from bluecarbon.changes import save_snapshot

    graph.rank()
    candidates = graph.candidates()
    save_snapshot(settings.rankings_dir, candidates)
    return candidates


def _with_progress(items: list, enabled: bool, label: str):
    """Yield ITEMS, drawing a progress line on a terminal when ENABLED."""
    import sys

    if not enabled or not sys.stderr.isatty() or not items:
        yield from items
        return

    total = len(items)
    for index, item in enumerate(items, start=1):
        sys.stderr.write(f"\r{label}: {index}/{total}")
        sys.stderr.flush()
        yield item
    sys.stderr.write("\n")
