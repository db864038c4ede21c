"""The document store: raw bytes, extracted text and metadata, versioned.

Layout under the store's root (``DATA_DIR/documents``)::

    index.sqlite3        documents, versions, extracted texts and the
                         crawl frontier
    blobs/ab/abcd...     raw bytes, named by their sha256 (the content hash)

A version is one content hash seen at one URL. Nothing is ever deleted:
a page that disappears is marked ``gone`` and keeps its versions.

Crash safety: a blob is written to a temporary file, fsynced and renamed
into place, and its directory fsynced, before the SQLite transaction that
refers to it commits. The text and metadata go in that same transaction.
A process killed at any point therefore leaves either the whole record or
none of it, at worst with an unreferenced blob that the next write of the
same content reuses. SQLite runs in WAL mode with synchronous=NORMAL: a
killed process loses no committed transaction, and a power loss may lose
the last transactions but never leaves a row without its blob.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from bluecarbon.errors import CrawlError
from bluecarbon.model import SourceVersion

STATUS_OK = "ok"
STATUS_GONE = "gone"
STATUS_FAILED = "failed"

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    url TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_checked TEXT NOT NULL,
    status_code INTEGER,
    failure_reason TEXT,
    etag TEXT,
    last_modified TEXT,
    latest_version INTEGER REFERENCES versions(id)
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    title TEXT,
    issuer TEXT,
    document_number TEXT,
    published TEXT,
    content_type TEXT,
    encoding TEXT,
    processed_at TEXT,
    UNIQUE (url, content_hash)
);
CREATE INDEX IF NOT EXISTS versions_pending ON versions (processed_at, id);
CREATE TABLE IF NOT EXISTS texts (
    text_hash TEXT PRIMARY KEY,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS frontier (
    url TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    discovered_at TEXT NOT NULL,
    referrer TEXT,
    redirected_at TEXT
);
CREATE INDEX IF NOT EXISTS frontier_host ON frontier (host);
"""


def utc_now() -> str:
    """Return the current UTC time as an ISO 8601 string with microseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def content_hash(body: bytes) -> str:
    """Return the content hash of raw bytes: their sha256 in hex."""
    return hashlib.sha256(body).hexdigest()


def url_host(url: str) -> str:
    """Return ``host[:port]`` of a URL in lower case, or '' for file URLs."""
    return urlsplit(url).netloc.lower()


class DocumentStore:
    """Versioned store of fetched documents under ``root``.

    Safe to use from several threads of one process, because each thread
    gets its own SQLite connection, and from several processes at once,
    because SQLite runs in WAL mode with a busy timeout. Each method runs
    in its own transaction.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.blobs_dir = self.root / "blobs"
        self.index_path = self.root / "index.sqlite3"
        try:
            self.blobs_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CrawlError(
                f"cannot create the document store at {self.root} "
                f"({error.strerror}); check the data directory's permissions"
            ) from error
        self._local = threading.local()
        db = self._connection()
        # executescript() commits on its own; the statements are idempotent.
        db.executescript(_SCHEMA)
        self._add_missing_columns(db)
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)",
                (str(SCHEMA_VERSION),),
            )

    @staticmethod
    def _add_missing_columns(db: sqlite3.Connection) -> None:
        # Stores created before the column existed get it added.
        columns = {row[1] for row in db.execute("PRAGMA table_info(frontier)")}
        if "redirected_at" not in columns:
            db.execute("ALTER TABLE frontier ADD COLUMN redirected_at TEXT")

    def __repr__(self) -> str:
        return f"DocumentStore({str(self.root)!r})"

    def __enter__(self) -> DocumentStore:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- connection handling -------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            try:
                db = sqlite3.connect(
                    self.index_path, timeout=30.0, isolation_level=None
                )
            except sqlite3.Error as error:
                raise CrawlError(
                    f"cannot open the document index {self.index_path}: {error}"
                ) from error
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        else:
            db.execute("COMMIT")

    def close(self) -> None:
        """Close the calling thread's SQLite connection. Connections of
        other threads close when they are garbage-collected."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- blobs ---------------------------------------------------------------

    def _blob_path(self, digest: str) -> Path:
        return self.blobs_dir / digest[:2] / digest

    def _write_atomic(self, path: Path, data: bytes) -> None:
        """Write ``data`` to ``path`` through a fsynced temporary file.

        The file is named by the hash of its content, so an existing file
        already contains the same bytes and is kept.
        """
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as temp_file:
                temp_file.write(data)
                temp_file.flush()
                os.fsync(temp_file.fileno())
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def read_body(self, version: SourceVersion) -> bytes:
        """Return the raw bytes of a stored version."""
        path = self._blob_path(version.content_hash)
        try:
            return path.read_bytes()
        except FileNotFoundError as error:
            raise CrawlError(
                f"raw bytes of {version.key} are missing from {path}; "
                "the document store was modified by hand"
            ) from error

    def read_text(self, version: SourceVersion) -> str:
        """Return the extracted text of a stored version."""
        row = self._connection().execute(
            """SELECT t.text FROM versions v JOIN texts t ON t.text_hash = v.text_hash
            WHERE v.url = ? AND v.content_hash = ?""",
            (version.url, version.content_hash),
        ).fetchone()
        if row is None:
            raise CrawlError(f"version {version.key} is not in the document store")
        return row["text"]

    # -- recording fetches ---------------------------------------------------

    def record_fetch(
        self,
        url: str,
        body: bytes,
        *,
        text: str,
        content_type: str | None,
        encoding: str | None,
        title: str | None = None,
        issuer: str | None = None,
        document_number: str | None = None,
        published: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        same_text_is_unchanged: bool = False,
    ) -> SourceVersion | None:
        """Store one fetched document.

        Return the new version, or None when ``body`` has the same content
        hash as the URL's latest version (then only the last-checked time,
        ETag and Last-Modified change). With ``same_text_is_unchanged``,
        a body whose extracted text equals the latest version's also
        returns None and keeps the latest version's bytes: pages whose
        only change is a visit counter or a date in the page header then
        add no version. Content that matches an older version of the URL
        (a page that changed back) makes that version the latest again,
        marks it unprocessed and returns it.
        """
        digest = content_hash(body)
        text_digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        now = utc_now()

        latest = self._latest_row(url)
        if latest is not None and latest["content_hash"] == digest:
            self._touch(url, now, 200, etag, last_modified)
            return None
        if same_text_is_unchanged and latest is not None and latest["text_hash"] == text_digest:
            self._touch(url, now, 200, etag, last_modified)
            return None

        self._write_atomic(self._blob_path(digest), body)

        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO texts (text_hash, text) VALUES (?, ?)",
                (text_digest, text),
            )
            self._upsert_document(db, url, now, STATUS_OK, 200, None)
            db.execute(
                "UPDATE documents SET etag = ?, last_modified = ? WHERE url = ?",
                (etag, last_modified, url),
            )
            existing = db.execute(
                "SELECT id FROM versions WHERE url = ? AND content_hash = ?",
                (url, digest),
            ).fetchone()
            if existing is None:
                cursor = db.execute(
                    """INSERT INTO versions (url, content_hash, text_hash, size,
                        fetched_at, title, issuer, document_number, published,
                        content_type, encoding)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        url,
                        digest,
                        text_digest,
                        len(body),
                        now,
                        title,
                        issuer,
                        document_number,
                        published,
                        content_type,
                        encoding,
                    ),
                )
                version_id = cursor.lastrowid
            else:
                version_id = existing["id"]
                db.execute(
                    "UPDATE versions SET processed_at = NULL WHERE id = ?",
                    (version_id,),
                )
            db.execute(
                "UPDATE documents SET latest_version = ? WHERE url = ?",
                (version_id, url),
            )
            row = db.execute(
                "SELECT * FROM versions WHERE id = ?", (version_id,)
            ).fetchone()
        return _version_from_row(row)

    def mark_unchanged(self, url: str) -> None:
        """Record that ``url`` was checked and has not changed (304 or same
        hash)."""
        self._touch(url, utc_now(), 304, None, None)

    def mark_gone(self, url: str, status_code: int) -> None:
        """Record that ``url`` no longer exists (404 or 410); its versions stay."""
        with self._transaction() as db:
            self._upsert_document(db, url, utc_now(), STATUS_GONE, status_code, None)

    def mark_failed(self, url: str, reason: str) -> None:
        """Record that fetching or reading ``url`` failed, and why."""
        with self._transaction() as db:
            self._upsert_document(db, url, utc_now(), STATUS_FAILED, None, reason)

    def _touch(
        self,
        url: str,
        now: str,
        status_code: int,
        etag: str | None,
        last_modified: str | None,
    ) -> None:
        with self._transaction() as db:
            known = db.execute(
                "SELECT latest_version FROM documents WHERE url = ?", (url,)
            ).fetchone()
            if known is None or known["latest_version"] is None:
                raise CrawlError(
                    f"cannot mark {url} unchanged: the store has no version of it"
                )
            self._upsert_document(db, url, now, STATUS_OK, status_code, None)
            if etag or last_modified:
                db.execute(
                    """UPDATE documents SET etag = COALESCE(?, etag),
                        last_modified = COALESCE(?, last_modified) WHERE url = ?""",
                    (etag, last_modified, url),
                )

    @staticmethod
    def _upsert_document(
        db: sqlite3.Connection,
        url: str,
        now: str,
        status: str,
        status_code: int | None,
        reason: str | None,
    ) -> None:
        db.execute(
            """INSERT INTO documents (url, status, first_seen, last_checked,
                status_code, failure_reason)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (url) DO UPDATE SET status = excluded.status,
                last_checked = excluded.last_checked,
                status_code = excluded.status_code,
                failure_reason = excluded.failure_reason""",
            (url, status, now, now, status_code, reason),
        )

    # -- the crawl frontier --------------------------------------------------

    def add_to_frontier(self, urls: Iterable[str], referrer: str | None = None) -> None:
        """Remember links found on a page, so that a crawl killed before it
        fetched them still reaches them on the next run."""
        now = utc_now()
        rows = [(url, url_host(url), now, referrer) for url in urls]
        if not rows:
            return
        with self._transaction() as db:
            db.executemany(
                """INSERT OR IGNORE INTO frontier (url, host, discovered_at, referrer)
                VALUES (?, ?, ?, ?)""",
                rows,
            )

    def mark_redirected(self, urls: Iterable[str]) -> None:
        """Record that ``urls`` redirected elsewhere, so that they count as
        checked although no document is stored under them."""
        now = utc_now()
        rows = [(url, url_host(url), now, now) for url in urls]
        if not rows:
            return
        with self._transaction() as db:
            db.executemany(
                """INSERT INTO frontier (url, host, discovered_at, redirected_at)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (url) DO UPDATE SET redirected_at = excluded.redirected_at""",
                rows,
            )

    def known_urls(self, hosts: Iterable[str]) -> list[str]:
        """Return every stored or discovered URL on ``hosts`` (``host[:port]``),
        sorted."""
        checked, unvisited = self.crawl_state(hosts)
        return sorted(checked + unvisited)

    def crawl_state(self, hosts: Iterable[str]) -> tuple[list[str], list[str]]:
        """Return the URLs on ``hosts`` (``host[:port]``) that were checked
        at least once, and the discovered ones never checked, both sorted.

        A URL that redirected counts as checked; one that robots.txt
        forbade does not, so it is tried again once robots.txt allows it.
        """
        selected = {host.lower() for host in hosts}
        return self.crawl_state_where(lambda url: url_host(url) in selected)

    def crawl_state_where(
        self, select: Callable[[str], bool]
    ) -> tuple[list[str], list[str]]:
        """Return the URLs for which ``select`` returns True, split and
        sorted as :meth:`crawl_state` does."""
        db = self._connection()
        checked = {row["url"] for row in db.execute("SELECT url FROM documents")}
        checked.update(
            row["url"]
            for row in db.execute("SELECT url FROM frontier WHERE redirected_at IS NOT NULL")
        )
        discovered = {row["url"] for row in db.execute("SELECT url FROM frontier")}
        return (
            sorted(url for url in checked if select(url)),
            sorted(url for url in discovered - checked if select(url)),
        )

    # -- reading -------------------------------------------------------------

    def _latest_row(self, url: str) -> sqlite3.Row | None:
        return self._connection().execute(
            """SELECT v.* FROM documents d JOIN versions v ON v.id = d.latest_version
            WHERE d.url = ?""",
            (url,),
        ).fetchone()

    def latest_version(self, url: str) -> SourceVersion | None:
        """Return the latest version of ``url``, or None when it has none."""
        row = self._latest_row(url)
        return None if row is None else _version_from_row(row)

    def versions(self, url: str) -> list[SourceVersion]:
        """Return every version of ``url``, oldest first."""
        rows = self._connection().execute(
            "SELECT * FROM versions WHERE url = ? ORDER BY id", (url,)
        )
        return [_version_from_row(row) for row in rows]

    def status(self, url: str) -> dict | None:
        """Return the stored state of ``url`` (status, status_code,
        failure_reason, last_checked, etag, last_modified), or None."""
        row = self._connection().execute(
            """SELECT url, status, status_code, failure_reason, first_seen,
                last_checked, etag, last_modified FROM documents WHERE url = ?""",
            (url,),
        ).fetchone()
        return None if row is None else dict(row)

    def documents(self) -> list[dict]:
        """Return one summary per document URL, sorted by URL."""
        rows = self._connection().execute(
            """SELECT d.url, d.status, v.title, v.content_hash,
                (SELECT COUNT(*) FROM versions c WHERE c.url = d.url) AS versions
            FROM documents d LEFT JOIN versions v ON v.id = d.latest_version
            ORDER BY d.url"""
        )
        return [
            {
                "url": row["url"],
                "title": row["title"],
                "status": row["status"],
                "versions": row["versions"],
                "content_hash": row["content_hash"],
            }
            for row in rows
        ]

    def summary(self) -> dict[str, int]:
        """Return counts: documents by status, versions, and versions not
        yet processed."""
        db = self._connection()
        counts = {STATUS_OK: 0, STATUS_GONE: 0, STATUS_FAILED: 0}
        for row in db.execute("SELECT status, COUNT(*) AS n FROM documents GROUP BY status"):
            counts[row["status"]] = row["n"]
        versions = db.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
        pending = db.execute(
            "SELECT COUNT(*) FROM versions WHERE processed_at IS NULL"
        ).fetchone()[0]
        return {
            "documents": sum(counts.values()),
            **counts,
            "versions": versions,
            "pending": pending,
        }

    def pending_versions(self) -> list[SourceVersion]:
        """Return versions not yet marked processed, oldest first."""
        rows = self._connection().execute(
            "SELECT * FROM versions WHERE processed_at IS NULL ORDER BY id"
        )
        return [_version_from_row(row) for row in rows]

    def mark_processed(self, version: SourceVersion) -> None:
        """Record that a later stage has consumed ``version``."""
        with self._transaction() as db:
            cursor = db.execute(
                """UPDATE versions SET processed_at = ?
                WHERE url = ? AND content_hash = ?""",
                (utc_now(), version.url, version.content_hash),
            )
            if cursor.rowcount == 0:
                raise CrawlError(
                    f"cannot mark {version.key} processed: it is not in the store"
                )

    def conditional_headers(self, url: str) -> dict[str, str]:
        """Return If-None-Match / If-Modified-Since headers for ``url`` from
        the ETag and Last-Modified of its last successful fetch."""
        row = self._connection().execute(
            "SELECT etag, last_modified, latest_version FROM documents WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None or row["latest_version"] is None:
            return {}
        headers: dict[str, str] = {}
        if row["etag"]:
            headers["If-None-Match"] = row["etag"]
        if row["last_modified"]:
            headers["If-Modified-Since"] = row["last_modified"]
        return headers


def _version_from_row(row: sqlite3.Row) -> SourceVersion:
    return SourceVersion(
        url=row["url"],
        content_hash=row["content_hash"],
        fetched_at=row["fetched_at"],
        title=row["title"],
        issuer=row["issuer"],
        document_number=row["document_number"],
        published=row["published"],
        content_type=row["content_type"],
    )
