"""Child-process entry point that runs one Scrapy crawl.

Twisted's reactor cannot be restarted inside a process, so
:func:`crawlers.crawl` runs every HTTP crawl here, in a fresh process::

    python -m crawlers.run --data-dir DATA --documents-dir DATA/documents \\
        --report REPORT.json --jobdir DATA/crawl/jobs/KEY [--progress] \\
        [--sources JSON] [--set NAME=VALUE ...] URL...

``--sources`` gives the scope of each start URL (allowed domains, follow
and deny patterns, sitemaps) as a JSON list of
:meth:`crawlers.sources.Source.to_json` dicts. Without it each URL's
same-site links are followed.

The job directory (Scrapy's JOBDIR) keeps the request queue and the seen
requests of a crawl that was stopped by SIGINT or SIGTERM, so the next run
of the same start URLs resumes it. A crawl that finishes removes its job
directory, so the next run checks every page again. A crawl killed
without warning (SIGKILL, power loss) may leave Scrapy's queue files torn.
Its leftover ``running`` marker makes the next run discard them and start
over from the document store, whose frontier contains every link found so far.

Exit status: 0 when the report was written, 1 when the crawl failed to
run, 3 when another crawl of the same start URLs has locked the job directory.
"""

from __future__ import annotations

import argparse
import fcntl
import ipaddress
import json
import logging
import os
import re
import shutil
import signal
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawlers.report import CrawlReport
from crawlers.sources import Source
from crawlers.spiders.site import SiteSpider

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_LOCKED = 3
RUNNING_MARKER = "running"


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m crawlers.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+", metavar="URL", help="http(s) start URL")
    parser.add_argument("--data-dir", required=True, type=Path, help="data directory")
    parser.add_argument(
        "--documents-dir",
        type=Path,
        help="document store root (default: DATA/documents)",
    )
    parser.add_argument("--report", required=True, type=Path, help="where to write the JSON report")
    parser.add_argument("--jobdir", required=True, type=Path, help="Scrapy JOBDIR of this crawl")
    parser.add_argument("--log-file", type=Path, help="Scrapy log file (default: under DATA/crawl/logs)")
    parser.add_argument("--progress", action="store_true", help="print one line per URL on stderr")
    parser.add_argument(
        "--stop-with-parent",
        action="store_true",
        help="stop gracefully (as on SIGTERM) when the parent process exits",
    )
    parser.add_argument(
        "--sources",
        type=_sources_value,
        help="JSON list of source scopes, as crawlers.sources.Source.to_json "
        "writes them",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy setting; VALUE is read as JSON when it parses",
    )
    return parser.parse_args(argv)


def _sources_value(raw: str) -> list[Source]:
    try:
        return [Source.from_json(item) for item in json.loads(raw)]
    except (json.JSONDecodeError, TypeError, KeyError, re.error) as error:
        raise argparse.ArgumentTypeError(f"invalid --sources JSON: {error}") from error


def crawl_sources(args: argparse.Namespace) -> list[Source]:
    """Return the sources of the crawl: ``--sources``, or one same-site
    source per start URL."""
    return args.sources or [Source.from_url(url) for url in args.urls]


def _setting_value(raw: str):
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


# Between Scrapy's "project" (20) and "cmdline" (40) priorities: above the
# settings module, below --set.
LOOPBACK_PRIORITY = 25


def is_loopback(url: str) -> bool:
    """Return True when ``url``'s host is localhost or a loopback address."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_loopback_source(source: Source) -> bool:
    urls = [source.url, *source.sitemaps]
    urls.extend(f"http://{domain}/" for domain in source.allowed_domains)
    return all(is_loopback(url) for url in urls)


def build_settings(args: argparse.Namespace, log_file: Path) -> Settings:
    """Return the crawler's settings with the command-line overrides.

    A crawl of loopback servers only (the demo site, tests) runs without
    politeness delays, which exist for remote sites; robots.txt and its
    Crawl-delay still apply. Every start URL, sitemap and allowed domain
    must be on a loopback host for this.
    """
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    if all(_is_loopback_source(source) for source in crawl_sources(args)):
        settings.set("DOWNLOAD_DELAY", 0, priority=LOOPBACK_PRIORITY)
        settings.set("AUTOTHROTTLE_START_DELAY", 0, priority=LOOPBACK_PRIORITY)
    for item in args.overrides:
        name, separator, raw = item.partition("=")
        if not separator or not name:
            raise SystemExit(f"--set expects NAME=VALUE, got {item!r}")
        settings.set(name, _setting_value(raw), priority="cmdline")
    settings.set("JOBDIR", str(args.jobdir), priority="cmdline")
    settings.set("BLUECARBON_DATA_DIR", str(args.data_dir), priority="cmdline")
    settings.set("BLUECARBON_PROGRESS", args.progress, priority="cmdline")
    settings.set("LOG_FILE", str(log_file), priority="cmdline")
    return settings


def _prepare_jobdir(jobdir: Path) -> None:
    marker = jobdir / RUNNING_MARKER
    if marker.exists():
        # The previous run was killed while crawling, so its queue files may
        # be incomplete. Start over: the store's frontier keeps the links.
        print(
            f"previous crawl in {jobdir} was killed; resuming from the document store",
            file=sys.stderr,
        )
        shutil.rmtree(jobdir)
    jobdir.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(os.getpid()), encoding="ascii")


def _watch_parent(interval: float = 1.0) -> None:
    """Send SIGTERM to this process once its parent has exited, so an
    orphaned crawl stops gracefully and keeps its job directory."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    """Run one crawl and return the exit status."""
    args = _parse_args(argv)
    args.jobdir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = args.jobdir.with_name(args.jobdir.name + ".lock")
    with open(lock_path, "w", encoding="ascii") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                f"another crawl of the same start URLs is running (lock {lock_path}); "
                "wait for it to finish",
                file=sys.stderr,
            )
            return EXIT_LOCKED
        _prepare_jobdir(args.jobdir)
        if args.stop_with_parent:
            _watch_parent()
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        log_file = args.log_file or args.data_dir / "crawl" / "logs" / f"{stamp}.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        settings = build_settings(args, log_file)

        args.report.unlink(missing_ok=True)
        process = CrawlerProcess(settings)
        process.crawl(
            SiteSpider,
            sources=crawl_sources(args),
            data_dir=str(args.data_dir),
            documents_dir=str(args.documents_dir or args.data_dir / "documents"),
            report_path=str(args.report),
        )
        process.start()

        if not args.report.exists():
            print(f"the crawl wrote no report; see the log {log_file}", file=sys.stderr)
            return EXIT_FAILED
        report = CrawlReport.load(args.report)
        if report.finish_reason == "finished":
            shutil.rmtree(args.jobdir, ignore_errors=True)
        else:
            (args.jobdir / RUNNING_MARKER).unlink(missing_ok=True)
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
