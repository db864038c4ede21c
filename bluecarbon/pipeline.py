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
    # Merge and split decisions this pass finished applying.
    decisions: list[str] = field(default_factory=list)
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
        for decision in self.decisions:
            lines.append(f"  applied decision {decision}")
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


def load_pending(
    settings: Settings, graph, *, progress: bool = False, rank_decisions: bool = True
) -> LoadReport:
    """Extract every unprocessed document version and load it into GRAPH.

    A version whose text cannot be read or extracted is reported and left
    unprocessed, so a later run retries it; the other versions go on.
    Decisions left unapplied are applied after the loads and, unless
    ``rank_decisions`` is false (the caller ranks), the candidates are
    ranked again when any was.
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

    # Decisions an interrupted run left half-applied, and merges of
    # renamed firms that the loads above recorded.
    for decision in apply_pending_decisions(settings, graph, store=store):
        report.failed.extend(decision.failed)
        report.decisions.append(str(decision).split("\n", 1)[0])
    if report.decisions and rank_decisions:
        # A decision changes which firms exist, so the candidates must follow.
        rank(settings, graph)
    report.seconds = time.monotonic() - started
    return report


# -- merge and split decisions -------------------------------------------------


@dataclass
class DecisionReport:
    """A merge, split or undo and the versions loaded again for it."""

    decision: dict
    reloaded: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        record = self.decision
        if record["kind"] == "merge":
            action = f"merge {record['source']} into {record['target']}"
        else:
            documents = ", ".join(record["documents"])
            action = f"split {record['target']} off {record['source']} in {documents}"
        state = "made" if record["active"] else "undone"
        lines = [
            f"decision {record['id']} ({action}) {state}; "
            f"loaded {len(self.reloaded)} document versions again"
        ]
        for key, reason in self.failed:
            lines.append(f"  not loaded again: {key}: {reason}")
        if self.failed:
            lines.append(
                "  the decision is recorded and the next `bluecarbon load` "
                "tries these versions again"
            )
        return "\n".join(lines)


def merge(settings: Settings, graph, target: str, source: str, *, by: str, note: str | None = None) -> DecisionReport:
    """Merge the entity ``source`` into ``target``, load again the
    versions that mention it and rank again."""
    record = graph.record_merge(target, source, by=by, note=note)
    return _apply_and_rank(settings, graph, record)


def split(settings: Settings, graph, source: str, documents: list[str], *, by: str, note: str | None = None) -> DecisionReport:
    """Split off the mentions of ``source`` in ``documents`` as a new
    entity, load those versions again and rank again."""
    record = graph.record_split(source, documents, by=by, note=note)
    return _apply_and_rank(settings, graph, record)


def undo(settings: Settings, graph, decision_id: str, *, by: str) -> DecisionReport:
    """Undo a merge or split, load again the versions it touched and rank
    again."""
    record = graph.record_undo(decision_id, by=by)
    return _apply_and_rank(settings, graph, record)


def _apply_and_rank(settings: Settings, graph, record: dict) -> DecisionReport:
    report = apply_decision(settings, graph, record)
    rank(settings, graph)
    return report


def apply_decision(settings: Settings, graph, record: dict, *, store=None) -> DecisionReport:
    """Load again, from the document store, every version a decision
    affects, and mark the decision applied when all of them loaded."""
    import nlp

    store = store or open_store(settings)
    report = DecisionReport(record)
    for key in graph.affected_versions(record):
        version = _stored_version(store, key)
        if version is None:
            report.failed.append(
                (key, f"not in the document store at {settings.documents_dir}")
            )
            continue
        try:
            extraction = nlp.extract(store.read_text(version))
        except (DocumentError, ExtractionError) as error:
            report.failed.append((key, str(error)))
            continue
        graph.load(version, extraction)
        report.reloaded.append(key)
    if not report.failed:
        graph.mark_applied(record["id"])
        report.decision = {**record, "applied": True}
    for key, reason in report.failed:
        logger.warning("decision %s: cannot load %s again: %s", record["id"], key, reason)
    return report


def apply_pending_decisions(settings: Settings, graph, *, store=None) -> list[DecisionReport]:
    """Apply the decisions not yet applied, oldest first."""
    pending = sorted(graph.unapplied_decisions(), key=lambda d: (d["made_at"], d["id"]))
    return [apply_decision(settings, graph, record, store=store) for record in pending]


def _stored_version(store, key: str):
    """Return the stored SourceVersion with the graph key ``key``."""
    url, _, content_hash = key.rpartition("#")
    for version in store.versions(url):
        if version.content_hash == content_hash:
            return version
    return None


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
        load_report = load_pending(settings, graph, progress=progress, rank_decisions=False)
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
