"""The outcome of one crawl run: counts per outcome and the failures."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

# Outcomes a fetched URL can have, in the order a report lists them.
NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"
GONE = "gone"
FAILED = "failed"
SKIPPED_BY_ROBOTS = "skipped_by_robots"
OUTCOMES = (NEW, CHANGED, UNCHANGED, GONE, FAILED, SKIPPED_BY_ROBOTS)


@dataclass
class Failure:
    """One URL that could not be fetched or read, with the reason."""

    url: str
    reason: str


@dataclass
class CrawlReport:
    """Counts of one crawl run over its sources."""

    sources: list[str] = field(default_factory=list)
    started_at: str | None = None
    finished_at: str | None = None
    finish_reason: str | None = None
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    gone: int = 0
    failed: int = 0
    skipped_by_robots: int = 0
    failures: list[Failure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # URL -> outcome, for callers and tests that need per-URL detail.
    outcomes: dict[str, str] = field(default_factory=dict)

    def record(self, url: str, outcome: str, reason: str | None = None) -> None:
        """Count ``url`` under ``outcome``. A URL counts once per run: the
        last outcome wins, except that unchanged never replaces new or
        changed."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown crawl outcome {outcome!r}")
        previous = self.outcomes.get(url)
        if previous in (NEW, CHANGED) and outcome == UNCHANGED:
            # A second fetch in the same run finds the content just stored.
            return
        if previous is not None:
            setattr(self, previous, getattr(self, previous) - 1)
            if previous == FAILED:
                self.failures = [item for item in self.failures if item.url != url]
            if previous == SKIPPED_BY_ROBOTS:
                self.skipped = [item for item in self.skipped if item != url]
        self.outcomes[url] = outcome
        setattr(self, outcome, getattr(self, outcome) + 1)
        if outcome == FAILED:
            self.failures.append(Failure(url, reason or "unknown error"))
        elif outcome == SKIPPED_BY_ROBOTS:
            self.skipped.append(url)

    def merge(self, other: CrawlReport) -> None:
        """Add the outcomes of ``other`` (another part of the same run)."""
        for url, outcome in other.outcomes.items():
            reason = next(
                (item.reason for item in other.failures if item.url == url), None
            )
            self.record(url, outcome, reason)
        if other.finish_reason and other.finish_reason != "finished":
            self.finish_reason = other.finish_reason

    @property
    def fetched(self) -> int:
        """Number of URLs with any outcome."""
        return len(self.outcomes)

    def duration_seconds(self) -> float | None:
        """Return the run's wall time in seconds, or None while it runs."""
        if not self.started_at or not self.finished_at:
            return None
        started = datetime.fromisoformat(self.started_at)
        finished = datetime.fromisoformat(self.finished_at)
        return (finished - started).total_seconds()

    def to_json(self) -> dict:
        """Return the report as a JSON-serialisable dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> CrawlReport:
        """Rebuild a report from :meth:`to_json` output."""
        values = dict(data)
        values["failures"] = [Failure(**item) for item in values.get("failures", [])]
        return cls(**values)

    def save(self, path: Path) -> None:
        """Write the report as JSON, atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "w", encoding="utf-8") as temp_file:
            json.dump(self.to_json(), temp_file, ensure_ascii=False, indent=2)
            temp_file.flush()
            os.fsync(temp_file.fileno())
        os.replace(temp_name, path)

    @classmethod
    def load(cls, path: Path) -> CrawlReport:
        """Read a report written by :meth:`save`."""
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))

    def __str__(self) -> str:
        lines = [
            f"Crawled {len(self.sources)} source(s): "
            f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.gone} gone, {self.failed} failed, "
            f"{self.skipped_by_robots} skipped by robots.txt"
        ]
        duration = self.duration_seconds()
        if duration is not None:
            lines[0] += f" in {duration:.1f} s"
        if self.finish_reason and self.finish_reason != "finished":
            lines.append(f"The crawl stopped early ({self.finish_reason}); run it again to resume.")
        if self.failures:
            lines.append("Failures:")
            lines.extend(f"  {item.url}: {item.reason}" for item in self.failures)
        return "\n".join(lines)
