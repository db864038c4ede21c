"""``crawl(sources, store)``: fetch sources into the document store.

Local files and folders are read in this process. HTTP sources are crawled
by Scrapy in a child process (``python -m crawlers.run``), because Twisted's
reactor cannot be restarted within one process. The child writes into the
same store and returns its report as JSON.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bluecarbon.errors import CrawlError
from crawlers.ledger import Ledger
from crawlers.report import CrawlReport
from crawlers.sources import DEMO_URL, Source, parse_entry
from crawlers.store import DocumentStore
from crawlers.text import MAX_DOCUMENT_BYTES, UNSUPPORTED_EXTENSIONS

logger = logging.getLogger(__name__)

# Port of the demo site when a source's url is ``demo``. ``bluecarbon demo``
# uses the same port, so both see the same URLs and a rerun fetches only
# changed pages.
DEMO_PORT = 8731

# Seconds the child gets to stop after SIGINT before it is killed.
CHILD_STOP_TIMEOUT = 60


def crawl(
    sources: list[str | dict | Source],
    store: DocumentStore,
    *,
    progress: bool = False,
    settings: dict | None = None,
    demo_port: int = DEMO_PORT,
) -> CrawlReport:
    """Fetch ``sources`` into ``store`` and return the run's report.

    A source is an http(s) start URL (same-site links are followed), a
    local folder (every supported file in it, recursively), a file, or a
    source entry. An entry is a :class:`~crawlers.sources.Source` or a
    dict with the fields of a ``seeds/sources.yaml`` entry. Its allowed
    domains, follow and deny patterns and sitemaps scope its crawl. An
    entry whose url is ``demo`` crawls the bundled demo site, served on
    127.0.0.1 at ``demo_port`` for the length of the crawl.
    ``settings`` overrides Scrapy settings by name (e.g. DOWNLOAD_TIMEOUT).
    The data directory is the parent of the store's root: the report is
    also written under ``DATA_DIR/crawl/reports``, next to the crawl's job
    directories and logs.

    Raises CrawlError when a source is neither a URL nor an existing path,
    or when the Scrapy child process fails, and ConfigError when an entry
    is invalid.
    """
    http_sources, local_paths = _classify(sources)
    data_dir = store.root.parent
    report = CrawlReport(
        sources=[_label(source) for source in sources], started_at=_now()
    )
    ledger = Ledger(store, report, progress=progress)

    for path in local_paths:
        _read_local(path, ledger)
    if http_sources:
        with _served_demo(http_sources, demo_port) as resolved:
            report.merge(_crawl_http(resolved, store, progress, settings or {}))

    report.finished_at = _now()
    if report.finish_reason is None:
        report.finish_reason = "finished"
    _save_report(report, data_dir)
    return report


@contextmanager
def _served_demo(sources: list[Source], port: int) -> Iterator[list[Source]]:
    """Serve the demo site while the sources that name it are crawled, and
    yield the sources with its address in place of ``demo``."""
    with ExitStack() as stack:
        if any(source.url == DEMO_URL for source in sources):
            from crawlers.demo import serve_demo

            try:
                base_url = stack.enter_context(serve_demo(port=port))
            except OSError as error:
                raise CrawlError(
                    f"cannot serve the demo site on 127.0.0.1:{port} "
                    f"({error.strerror}); stop the program that uses this port"
                ) from error
            netloc = urlsplit(base_url).netloc
            sources = [
                source.with_url(f"{base_url}/", (netloc,))
                if source.url == DEMO_URL
                else source
                for source in sources
            ]
        yield sources


def _label(source: str | dict | Source) -> str:
    """Return how the report lists a source: as given, or by name."""
    if isinstance(source, Source):
        return source.name
    if isinstance(source, dict):
        return str(source.get("name") or source.get("url"))
    return source


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _classify(sources: list[str | dict | Source]) -> tuple[list[Source], list[Path]]:
    http_sources: list[Source] = []
    local_paths: list[Path] = []
    for index, source in enumerate(sources, start=1):
        if isinstance(source, dict):
            source = parse_entry(source, where=f"source entry {index}")
        if isinstance(source, Source):
            if source.is_http:
                http_sources.append(source)
                continue
            source = source.url
        try:
            parts = urlsplit(source)
            hostname = parts.hostname
        except ValueError as error:
            raise CrawlError(f"source {source!r} is not a valid URL ({error}); check it") from error
        scheme = parts.scheme.lower()
        if scheme in ("http", "https"):
            if not hostname:
                raise CrawlError(
                    f"source {source!r} has no host name; expected a URL such as "
                    "http://www.weihai.gov.cn/"
                )
            http_sources.append(Source.from_url(normalise_start_url(source)))
            continue
        if scheme == "file":
            path = Path(unquote(urlsplit(source).path))
        elif len(scheme) > 1:
            raise CrawlError(
                f"source {source!r} has the unsupported scheme {scheme!r}; "
                "use an http(s) URL, a folder or a file"
            )
        else:
            path = Path(source).expanduser()
        if not path.exists():
            raise CrawlError(
                f"source {source!r} is not an http(s) URL and no such file or "
                "folder exists; check the path"
            )
        local_paths.append(path.resolve())
    return http_sources, local_paths


def normalise_start_url(url: str) -> str:
    """Return ``url`` with ``/`` as its path when it has none, the way the
    site's own links to its home page spell it."""
    parts = urlsplit(url.strip())
    if parts.path:
        return parts.geturl()
    return parts._replace(path="/").geturl()


# -- local files -------------------------------------------------------------


def _local_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = []
    for candidate in sorted(path.rglob("*")):
        relative = candidate.relative_to(path)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if not candidate.is_file():
            continue
        if candidate.suffix.lower().lstrip(".") in UNSUPPORTED_EXTENSIONS:
            logger.info("skipping %s: no text extraction for this file type", candidate)
            continue
        files.append(candidate)
    return files


def _read_local(path: Path, ledger: Ledger) -> None:
    seen: set[str] = set()
    for file_path in _local_files(path):
        url = file_path.as_uri()
        seen.add(url)
        try:
            size = file_path.stat().st_size
            if size > MAX_DOCUMENT_BYTES:
                ledger.failed(
                    url,
                    f"file is too large ({size} bytes, the limit is "
                    f"{MAX_DOCUMENT_BYTES}); split it first",
                )
                continue
            body = file_path.read_bytes()
        except OSError as error:
            ledger.failed(url, f"cannot read the file ({error.strerror})")
            continue
        content_type = mimetypes.guess_type(file_path.name)[0]
        ledger.fetched(url, body, content_type=content_type)

    if path.is_dir():
        _mark_removed_files(path, seen, ledger)


def _mark_removed_files(folder: Path, seen: set[str], ledger: Ledger) -> None:
    """Mark stored files of FOLDER that are no longer there as gone, as a
    404 marks a web page; their versions stay."""
    prefix = folder.resolve().as_uri().rstrip("/") + "/"
    for document in ledger.store.documents():
        url = document["url"]
        if url.startswith(prefix) and url not in seen and document["status"] != "gone":
            ledger.gone(url, 404)


# -- HTTP through the Scrapy child -------------------------------------------


def job_key(urls: list[str]) -> str:
    """Return the job directory name for a set of start URLs."""
    joined = "\n".join(sorted(set(urls)))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def _crawl_http(
    sources: list[Source], store: DocumentStore, progress: bool, settings: dict
) -> CrawlReport:
    urls = [source.url for source in sources]
    data_dir = store.root.parent
    crawl_dir = data_dir / "crawl"
    key = job_key(urls)
    report_path = crawl_dir / "child" / f"{key}.json"
    report_path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "crawlers.run",
        "--data-dir",
        str(data_dir),
        "--documents-dir",
        str(store.root),
        "--report",
        str(report_path),
        "--jobdir",
        str(crawl_dir / "jobs" / key),
        "--stop-with-parent",
        "--sources",
        json.dumps([source.to_json() for source in sources], ensure_ascii=False),
    ]
    if progress:
        command.append("--progress")
    for name, value in settings.items():
        command.extend(["--set", f"{name}={json.dumps(value)}"])
    command.extend(urls)

    package_root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (package_root, env.get("PYTHONPATH")) if part
    )
    logger.info("starting crawl of %s", ", ".join(urls))
    # The child gets its own process group, so a Ctrl-C in the terminal
    # reaches only this process, which forwards a single SIGINT: Scrapy
    # stops gracefully on the first SIGINT and uncleanly on the second.
    child = subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=None if progress else subprocess.PIPE,
        text=True,
        process_group=0,
    )
    try:
        _, stderr = child.communicate()
    except KeyboardInterrupt:
        # A graceful stop lets Scrapy save its queue for the next run.
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=CHILD_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise
    if child.returncode != 0 or not report_path.exists():
        detail = (stderr or "").strip().splitlines()[-5:]
        raise CrawlError(
            f"the crawl of {', '.join(urls)} failed (exit status "
            f"{child.returncode}): {' / '.join(detail) or 'no message'}; "
            f"see the logs under {crawl_dir / 'logs'}"
        )
    return CrawlReport.load(report_path)


def _save_report(report: CrawlReport, data_dir: Path) -> None:
    reports_dir = data_dir / "crawl" / "reports"
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    report.save(reports_dir / f"{stamp}.json")
    report.save(data_dir / "crawl" / "last-report.json")


def last_report(data_dir: Path) -> CrawlReport | None:
    """Return the report of the last crawl under ``data_dir``, or None."""
    path = data_dir / "crawl" / "last-report.json"
    return CrawlReport.load(path) if path.exists() else None
