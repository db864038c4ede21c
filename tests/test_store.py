"""The document store: versions, statuses, pending work, crash safety."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bluecarbon.errors import CrawlError
from bluecarbon.model import SourceVersion
from crawlers import store as store_module
from crawlers.store import DocumentStore

URL = "http://127.0.0.1/notice.html"


def record(store: DocumentStore, body: bytes, url: str = URL, **extra):
    values = {
        "text": body.decode("utf-8"),
        "content_type": "text/html; charset=utf-8",
        "encoding": "utf-8",
        "title": "通知",
        "issuer": "威海市人民政府办公室",
        "document_number": "威海政办字〔2024〕5号",
        "published": "2024-03-15",
    }
    values.update(extra)
    return store.record_fetch(url, body, **values)


@pytest.fixture
def store(tmp_path: Path) -> DocumentStore:
    return DocumentStore(tmp_path / "documents")


def test_first_fetch_creates_version(store):
    body = "第一版".encode()
    version = record(store, body)
    assert isinstance(version, SourceVersion)
    assert version.url == URL
    assert version.content_hash == hashlib.sha256(body).hexdigest()
    assert version.key == f"{URL}#{version.content_hash}"
    assert version.title == "通知"
    assert version.issuer == "威海市人民政府办公室"
    assert version.document_number == "威海政办字〔2024〕5号"
    assert version.published == "2024-03-15"
    assert version.content_type == "text/html; charset=utf-8"
    assert store.read_text(version) == "第一版"
    assert store.read_body(version) == body


def test_same_content_creates_no_version(store):
    record(store, "第一版".encode())
    assert record(store, "第一版".encode()) is None
    assert len(store.versions(URL)) == 1


def test_changed_content_adds_version(store):
    first = record(store, "第一版".encode())
    second = record(store, "第二版".encode(), title="通知（修订）")
    assert second is not None
    assert second.content_hash != first.content_hash
    assert [item.content_hash for item in store.versions(URL)] == [
        first.content_hash,
        second.content_hash,
    ]
    assert store.documents() == [
        {
            "url": URL,
            "title": "通知（修订）",
            "status": "ok",
            "versions": 2,
            "content_hash": second.content_hash,
        }
    ]


def test_same_text_new_bytes_unchanged_on_request(store):
    first = record(store, "<p>正文</p><p>访问量：1</p>".encode(), text="正文")
    assert record(store, "<p>正文</p><p>访问量：2</p>".encode(), text="正文", same_text_is_unchanged=True) is None
    assert store.versions(URL) == [first]
    assert store.read_body(first) == "<p>正文</p><p>访问量：1</p>".encode()
    second = record(store, "<p>正文</p><p>访问量：3</p>".encode(), text="正文")
    assert second is not None
    assert len(store.versions(URL)) == 2


def test_content_changed_back_reuses_old_version(store):
    first = record(store, "第一版".encode())
    record(store, "第二版".encode())
    for version in store.pending_versions():
        store.mark_processed(version)
    again = record(store, "第一版".encode())
    assert again is not None
    assert again.content_hash == first.content_hash
    assert len(store.versions(URL)) == 2
    assert store.latest_version(URL).content_hash == first.content_hash
    assert store.pending_versions() == [again]


def test_mark_gone_keeps_versions(store):
    version = record(store, "第一版".encode())
    store.mark_gone(URL, 404)
    assert store.documents() == [
        {
            "url": URL,
            "title": "通知",
            "status": "gone",
            "versions": 1,
            "content_hash": version.content_hash,
        }
    ]
    assert store.status(URL)["status_code"] == 404
    assert store.read_text(version) == "第一版"


def test_mark_gone_unknown_url(store):
    store.mark_gone("http://127.0.0.1/missing.html", 410)
    assert store.documents() == [
        {
            "url": "http://127.0.0.1/missing.html",
            "title": None,
            "status": "gone",
            "versions": 0,
            "content_hash": None,
        }
    ]


def test_mark_failed_records_reason(store):
    record(store, "第一版".encode())
    store.mark_failed(URL, "timed out after 1 s")
    state = store.status(URL)
    assert state["status"] == "failed"
    assert state["failure_reason"] == "timed out after 1 s"
    assert store.documents()[0]["versions"] == 1


def test_fetch_after_failure_restores_ok(store):
    record(store, "第一版".encode())
    store.mark_failed(URL, "HTTP 500 from the server")
    assert record(store, "第一版".encode()) is None
    state = store.status(URL)
    assert state["status"] == "ok"
    assert state["failure_reason"] is None


def test_mark_unchanged_updates_last_checked(store):
    record(store, "第一版".encode())
    before = store.status(URL)["last_checked"]
    time.sleep(0.01)
    store.mark_unchanged(URL)
    after = store.status(URL)
    assert after["last_checked"] > before
    assert after["status_code"] == 304
    assert after["status"] == "ok"


def test_mark_unchanged_unknown_url_raises(store):
    with pytest.raises(CrawlError, match="has no version"):
        store.mark_unchanged("http://127.0.0.1/never.html")


def test_pending_versions_oldest_first(store):
    first = record(store, "甲".encode(), url="http://127.0.0.1/a.html")
    second = record(store, "乙".encode(), url="http://127.0.0.1/b.html")
    third = record(store, "丙".encode(), url="http://127.0.0.1/a.html")
    assert store.pending_versions() == [first, second, third]
    store.mark_processed(second)
    assert store.pending_versions() == [first, third]


def test_mark_processed_unknown_version_raises(store):
    missing = SourceVersion(url=URL, content_hash="0" * 64, fetched_at="2024-01-01")
    with pytest.raises(CrawlError, match="not in the store"):
        store.mark_processed(missing)


def test_summary_counts(store):
    record(store, "甲".encode(), url="http://127.0.0.1/a.html")
    record(store, "乙".encode(), url="http://127.0.0.1/a.html")
    version = record(store, "丙".encode(), url="http://127.0.0.1/b.html")
    store.mark_processed(version)
    store.mark_gone("http://127.0.0.1/b.html", 404)
    store.mark_failed("http://127.0.0.1/c.html", "timed out")
    assert store.summary() == {
        "documents": 3,
        "ok": 1,
        "gone": 1,
        "failed": 1,
        "versions": 3,
        "pending": 2,
    }


def test_store_as_context_manager(tmp_path):
    with DocumentStore(tmp_path / "documents") as store:
        record(store, "甲".encode())
    assert DocumentStore(tmp_path / "documents").summary()["versions"] == 1


def test_conditional_headers(store):
    assert store.conditional_headers(URL) == {}
    record(store, "第一版".encode(), etag='"abc"', last_modified="Wed, 21 Oct 2015 07:28:00 GMT")
    assert store.conditional_headers(URL) == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Wed, 21 Oct 2015 07:28:00 GMT",
    }
    store.mark_unchanged(URL)
    assert store.conditional_headers(URL)["If-None-Match"] == '"abc"'


def test_frontier_and_known_urls(store):
    record(store, "甲".encode(), url="http://127.0.0.1:8000/a.html")
    store.add_to_frontier(
        ["http://127.0.0.1:8000/b.html", "http://other.invalid/c.html"],
        referrer="http://127.0.0.1:8000/a.html",
    )
    assert store.known_urls(["127.0.0.1:8000"]) == [
        "http://127.0.0.1:8000/a.html",
        "http://127.0.0.1:8000/b.html",
    ]


def test_store_reopens_with_same_data(tmp_path):
    first = DocumentStore(tmp_path / "documents")
    version = record(first, "第一版".encode())
    first.close()
    second = DocumentStore(tmp_path / "documents")
    assert second.pending_versions() == [version]
    assert second.read_text(version) == "第一版"


def test_index_uses_wal(store):
    db = sqlite3.connect(store.index_path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_failure_between_blob_and_index_leaves_no_record(store, monkeypatch):
    original = store_module.DocumentStore._upsert_document

    def fail(*args, **kwargs):
        raise OSError("simulated crash")

    monkeypatch.setattr(store_module.DocumentStore, "_upsert_document", staticmethod(fail))
    with pytest.raises(OSError, match="simulated crash"):
        record(store, "第一版".encode())
    monkeypatch.setattr(store_module.DocumentStore, "_upsert_document", staticmethod(original))
    assert store.documents() == []
    assert store.pending_versions() == []
    assert record(store, "第一版".encode()) is not None


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from crawlers.store import DocumentStore

    store = DocumentStore(Path(sys.argv[1]))
    print("ready", flush=True)
    index = 0
    while True:
        body = ("第%d版" % index).encode() * 2000
        store.record_fetch(
            "http://127.0.0.1/page%d.html" % (index % 7),
            body,
            text=body.decode(),
            content_type="text/html",
            encoding="utf-8",
            title="t%d" % index,
            issuer=None,
            document_number=None,
            published=None,
        )
        index += 1
    """
)


def test_killed_writer_leaves_consistent_store(tmp_path):
    root = tmp_path / "documents"
    for delay in (0.3, 0.45, 0.6):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(root)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(delay)
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.stdout.close()

    store = DocumentStore(root)
    db = sqlite3.connect(store.index_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    versions = store.pending_versions()
    assert len(versions) > 3
    for version in versions:
        body = store.read_body(version)
        assert hashlib.sha256(body).hexdigest() == version.content_hash
        assert store.read_text(version) == body.decode()
    for document in store.documents():
        assert document["status"] == "ok"
        assert document["content_hash"] is not None


def test_old_frontier_table_gains_column(tmp_path):
    root = tmp_path / "documents"
    root.mkdir()
    db = sqlite3.connect(root / "index.sqlite3")
    db.execute(
        "CREATE TABLE frontier (url TEXT PRIMARY KEY, host TEXT NOT NULL, "
        "discovered_at TEXT NOT NULL, referrer TEXT)"
    )
    db.execute("INSERT INTO frontier VALUES ('http://127.0.0.1/a.html', '127.0.0.1', 'x', NULL)")
    db.commit()
    db.close()
    store = DocumentStore(root)
    store.mark_redirected(["http://127.0.0.1/a.html"])
    assert store.crawl_state(["127.0.0.1"]) == (["http://127.0.0.1/a.html"], [])
