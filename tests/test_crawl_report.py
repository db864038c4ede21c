"""The crawl report: counting rules, text, JSON round trip."""

from __future__ import annotations

import pytest

from crawlers import CrawlReport, Failure


def test_record_counts_each_outcome():
    report = CrawlReport(sources=["http://127.0.0.1/"])
    report.record("http://127.0.0.1/a", "new")
    report.record("http://127.0.0.1/b", "changed")
    report.record("http://127.0.0.1/c", "unchanged")
    report.record("http://127.0.0.1/d", "gone")
    report.record("http://127.0.0.1/e", "failed", "HTTP 500 from the server")
    report.record("http://127.0.0.1/f", "skipped_by_robots")
    assert (report.new, report.changed, report.unchanged) == (1, 1, 1)
    assert (report.gone, report.failed, report.skipped_by_robots) == (1, 1, 1)
    assert report.failures == [Failure("http://127.0.0.1/e", "HTTP 500 from the server")]
    assert report.skipped == ["http://127.0.0.1/f"]
    assert report.fetched == 6


def test_last_outcome_wins():
    report = CrawlReport()
    report.record("http://127.0.0.1/a", "failed", "timed out")
    report.record("http://127.0.0.1/a", "new")
    assert report.failed == 0
    assert report.failures == []
    assert report.new == 1


def test_unchanged_never_replaces_new():
    report = CrawlReport()
    report.record("http://127.0.0.1/a", "new")
    report.record("http://127.0.0.1/a", "unchanged")
    assert report.new == 1
    assert report.unchanged == 0
    assert report.outcomes == {"http://127.0.0.1/a": "new"}


def test_unknown_outcome_rejected():
    with pytest.raises(ValueError, match="unknown crawl outcome 'lost'"):
        CrawlReport().record("http://127.0.0.1/a", "lost")


def test_merge_adds_child_outcomes():
    local = CrawlReport()
    local.record("file:///tmp/a.txt", "new")
    child = CrawlReport(finish_reason="shutdown")
    child.record("http://127.0.0.1/b", "failed", "connection refused; is the site up?")
    local.merge(child)
    assert local.new == 1
    assert local.failures == [Failure("http://127.0.0.1/b", "connection refused; is the site up?")]
    assert local.finish_reason == "shutdown"


def test_text_for_terminal():
    report = CrawlReport(
        sources=["http://127.0.0.1/", "/data/inbox"],
        started_at="2026-01-01T00:00:00.000+00:00",
        finished_at="2026-01-01T00:01:02.500+00:00",
        finish_reason="shutdown",
    )
    report.record("http://127.0.0.1/a", "new")
    report.record("http://127.0.0.1/b", "failed", "HTTP 403 from the server")
    assert str(report).splitlines() == [
        "Crawled 2 source(s): 1 new, 0 changed, 0 unchanged, 0 gone, 1 failed, "
        "0 skipped by robots.txt in 62.5 s",
        "The crawl stopped early (shutdown); run it again to resume.",
        "Failures:",
        "  http://127.0.0.1/b: HTTP 403 from the server",
    ]


def test_json_round_trip(tmp_path):
    report = CrawlReport(sources=["http://127.0.0.1/"], started_at="2026-01-01T00:00:00+00:00")
    report.record("http://127.0.0.1/a", "failed", "timed out")
    report.record("http://127.0.0.1/b", "skipped_by_robots")
    path = tmp_path / "report.json"
    report.save(path)
    assert CrawlReport.load(path) == report
