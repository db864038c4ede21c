"""Stopping a crawl midway (gracefully or by SIGKILL) and resuming it."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from bluecarbon.errors import CrawlError
from crawlers import CrawlReport, DocumentStore, crawl
from crawlers.demo import StaticSiteHandler, serve_site
from crawlers.runner import job_key

PAGES = 20
SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_START_DELAY": 0, "AUTOTHROTTLE_MAX_DELAY": 0.5}


def make_handler(hits: Counter, lock: threading.Lock, delay: float):
    class SlowSiteHandler(StaticSiteHandler):
        def handle_dynamic(self, path: str, send_body: bool) -> bool:
            with lock:
                hits[path] += 1
            if path == "/robots.txt":
                self.send_bytes(200, b"User-agent: *\nAllow: /\n", "text/plain", send_body)
                return True
            time.sleep(delay)
            if path == "/":
                links = "".join(f'<a href="/p/{n}.html">第{n}页</a>' for n in range(PAGES))
                body = f"<html><body><div class='content'><p>目录</p>{links}</div></body></html>"
            else:
                body = f"<html><body><div class='content'><p>页面{path}的正文。</p></div></body></html>"
            self.send_bytes(200, body.encode(), "text/html; charset=utf-8", send_body)
            return True

    return SlowSiteHandler


def start_child(base_url: str, data_dir: Path) -> tuple[subprocess.Popen, Path, Path]:
    """Start the crawl child exactly as crawl() does, and return it with its
    report path and job directory."""
    key = job_key([f"{base_url}/"])
    report = data_dir / "crawl" / "child" / f"{key}.json"
    jobdir = data_dir / "crawl" / "jobs" / key
    command = [
        sys.executable,
        "-m",
        "crawlers.run",
        "--data-dir",
        str(data_dir),
        "--report",
        str(report),
        "--jobdir",
        str(jobdir),
    ]
    for name, value in SETTINGS.items():
        command.extend(["--set", f"{name}={value}"])
    command.append(f"{base_url}/")
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    return child, report, jobdir


def wait_for_documents(store: DocumentStore, count: int, child: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while len(store.documents()) < count:
        assert child.poll() is None, "the crawl ended before it could be stopped"
        assert time.monotonic() < deadline, "the crawl stored too few documents in 30 s"
        time.sleep(0.05)


def all_urls(base_url: str) -> list[str]:
    return sorted([f"{base_url}/"] + [f"{base_url}/p/{n}.html" for n in range(PAGES)])


def test_graceful_stop_then_resume(tmp_path):
    hits: Counter = Counter()
    data_dir = tmp_path / "data"
    store = DocumentStore(data_dir / "documents")
    with serve_site(make_handler(hits, threading.Lock(), 0.1)) as base_url:
        child, report_path, jobdir = start_child(base_url, data_dir)
        wait_for_documents(store, 6, child)
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=30) == 0
        stopped = CrawlReport.load(report_path)
        assert stopped.finish_reason == "shutdown"
        assert jobdir.is_dir()
        assert not (jobdir / "running").exists()
        stored_before = [item["url"] for item in store.documents()]
        assert len(stored_before) < PAGES + 1

        resumed = crawl([f"{base_url}/"], store, settings=SETTINGS)

    assert resumed.finish_reason == "finished"
    assert [item["url"] for item in store.documents()] == all_urls(base_url)
    assert all(item["versions"] == 1 for item in store.documents())
    assert stopped.new + resumed.new == PAGES + 1
    assert not jobdir.exists()
    # The resumed job skips the pages it stored before the stop.
    for url in stored_before:
        assert hits[url.removeprefix(base_url)] == 1, url


def test_killed_crawl_resumes_from_store(tmp_path):
    hits: Counter = Counter()
    data_dir = tmp_path / "data"
    store = DocumentStore(data_dir / "documents")
    with serve_site(make_handler(hits, threading.Lock(), 0.1)) as base_url:
        child, _, jobdir = start_child(base_url, data_dir)
        wait_for_documents(store, 6, child)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        assert (jobdir / "running").exists()
        fetched_before = {item["url"] for item in store.documents()}

        resumed = crawl([f"{base_url}/"], store, settings=SETTINGS)

    assert resumed.finish_reason == "finished"
    assert [item["url"] for item in store.documents()] == all_urls(base_url)
    assert all(item["versions"] == 1 for item in store.documents())
    assert resumed.new == PAGES + 1 - len(fetched_before)
    assert resumed.unchanged == len(fetched_before)
    assert not jobdir.exists()


PARENT = """
import sys
from pathlib import Path
from crawlers import DocumentStore, crawl

store = DocumentStore(Path(sys.argv[2]) / "documents")
crawl([sys.argv[1]], store, settings={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_START_DELAY": 0})
"""


@pytest.mark.parametrize(("stop_signal", "name"), [(signal.SIGINT, "ctrl-c"), (signal.SIGKILL, "killed")])
def test_parent_stop_stops_child_gracefully(tmp_path, stop_signal, name):
    hits: Counter = Counter()
    data_dir = tmp_path / "data"
    store = DocumentStore(data_dir / "documents")
    with serve_site(make_handler(hits, threading.Lock(), 0.1)) as base_url:
        parent = subprocess.Popen(
            [sys.executable, "-c", PARENT, f"{base_url}/", str(data_dir)],
            stdin=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_documents(store, 4, parent)
        os.kill(parent.pid, stop_signal)
        parent.wait(timeout=30)
        key = job_key([f"{base_url}/"])
        report_path = data_dir / "crawl" / "child" / f"{key}.json"
        deadline = time.monotonic() + 30
        while not report_path.exists():
            assert time.monotonic() < deadline, f"the crawl child kept running after {name}"
            time.sleep(0.1)
        # The child writes the report when the spider closes, just before
        # it removes its marker; wait for the lock it holds until it exits.
        with open(data_dir / "crawl" / "jobs" / f"{key}.lock", "w", encoding="ascii") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
    stopped = CrawlReport.load(report_path)
    assert stopped.finish_reason == "shutdown"
    jobdir = data_dir / "crawl" / "jobs" / key
    assert jobdir.is_dir()
    assert not (jobdir / "running").exists()
    assert len(store.documents()) < PAGES + 1


def test_concurrent_crawl_of_same_sources_rejected(tmp_path):
    data_dir = tmp_path / "data"
    store = DocumentStore(data_dir / "documents")
    url = "http://127.0.0.1:9/"
    jobs = data_dir / "crawl" / "jobs"
    jobs.mkdir(parents=True)
    with open(jobs / f"{job_key([url])}.lock", "w", encoding="ascii") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(CrawlError, match="another crawl of the same start URLs is running"):
            crawl([url], store)
