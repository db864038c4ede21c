"""A local HTTP server for the demo site (``seeds/demo_site``) and test sites.

``serve_demo()`` serves the demo site on 127.0.0.1 in a background thread.
Each HTML file is sent with ``charset=utf-8`` when it is valid UTF-8 and
with no charset at all otherwise, the way many Chinese government servers
send GBK pages. Responses carry an ETag and Last-Modified, and a
conditional request whose validators match gets 304 Not Modified.

``python -m crawlers.demo build`` regenerates the demo site's PDF
attachment from its source text in ``seeds/demo_site/_src``.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import mimetypes
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from crawlers.pdfmake import make_pdf

logger = logging.getLogger(__name__)

DEMO_SITE = Path(__file__).resolve().parent.parent / "seeds" / "demo_site"

# Source text and output of the demo site's PDF attachment.
DEMO_PDF_SOURCE = DEMO_SITE / "_src" / "2024-5-projects.txt"
DEMO_PDF = DEMO_SITE / "attachments" / "2024-5-projects.pdf"
DEMO_PDF_TITLE = "威海市海洋生态产业链重点项目清单"

_TEXT_SUFFIXES = {".html", ".htm", ".txt", ".xml", ".css", ".js"}


class StaticSiteHandler(BaseHTTPRequestHandler):
    """Serve the files under ``site_root`` with validators and 304s.

    Paths whose parts start with ``_`` or ``.`` are not served. Subclasses
    add dynamic pages by overriding :meth:`handle_dynamic`.
    """

    site_root: Path = DEMO_SITE
    server_version = "bluecarbon-demo/0.1"
    # Headers and body go out in separate writes; with Nagle's algorithm a
    # keep-alive client would wait for a delayed ACK between them.
    disable_nagle_algorithm = True

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up, e.g. after its timeout or on a body over
            # its size limit.
            logger.debug("client closed the connection during %s", self.requestline)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib name)
        logger.debug("%s %s", self.address_string(), format % args)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def handle_dynamic(self, path: str, send_body: bool) -> bool:
        """Send the response for ``path`` and return True, or return False
        to serve a file."""
        return False

    def _serve(self, send_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if self.handle_dynamic(path, send_body):
            return
        file_path = self._resolve(path)
        if file_path is None:
            self.send_bytes(404, b"<h1>404 Not Found</h1>", "text/html; charset=utf-8", send_body)
            return
        body = file_path.read_bytes()
        self.send_bytes(
            200,
            body,
            self.content_type(file_path, body),
            send_body,
            last_modified=file_path.stat().st_mtime,
        )

    def _resolve(self, path: str) -> Path | None:
        parts = [part for part in path.split("/") if part]
        if any(part.startswith((".", "_")) for part in parts):
            return None
        candidate = self.site_root.joinpath(*parts)
        if candidate.is_dir():
            candidate = candidate / "index.html"
        try:
            candidate.resolve().relative_to(self.site_root.resolve())
        except ValueError:
            return None
        return candidate if candidate.is_file() else None

    @staticmethod
    def content_type(file_path: Path, body: bytes) -> str:
        """Return the Content-Type for a file: a charset only for UTF-8 text."""
        guessed = mimetypes.guess_type(file_path.name)[0] or "application/octet-stream"
        if file_path.suffix.lower() not in _TEXT_SUFFIXES:
            return guessed
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return guessed
        return f"{guessed}; charset=utf-8"

    def send_bytes(
        self,
        status: int,
        body: bytes,
        content_type: str,
        send_body: bool = True,
        *,
        last_modified: float | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        """Send a complete response; 200 responses get an ETag and, with
        ``last_modified``, a Last-Modified header, and become 304 when the
        request's validators match."""
        headers = dict(extra_headers or {})
        if status == 200:
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            headers["ETag"] = etag
            if last_modified is not None:
                headers["Last-Modified"] = email.utils.formatdate(
                    last_modified, usegmt=True
                )
            if self._not_modified(etag, last_modified):
                self.send_response(304)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _not_modified(self, etag: str, last_modified: float | None) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [tag.strip() for tag in if_none_match.split(",")]
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since and last_modified is not None:
            try:
                since = email.utils.parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            return int(last_modified) <= since.timestamp()
        return False


@contextmanager
def serve_site(
    handler_class: type[BaseHTTPRequestHandler],
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[str]:
    """Serve with ``handler_class`` in a background thread; yield the base
    URL (no trailing slash) and stop the server on exit."""
    server = ThreadingHTTPServer((host, port), handler_class)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, name="bluecarbon-site", daemon=True
    )
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    base_url = f"http://{bound_host}:{bound_port}"
    logger.info("serving %s at %s", handler_class.__name__, base_url)
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def serve_demo(host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``seeds/demo_site`` over HTTP; yield its base URL, e.g.
    ``http://127.0.0.1:43210``."""
    if not DEMO_PDF.exists():
        build_demo_pdf()
    with serve_site(StaticSiteHandler, host, port) as base_url:
        yield base_url


def demo_pdf_bytes() -> bytes:
    """Return the demo PDF attachment as generated from its source text."""
    paragraphs = DEMO_PDF_SOURCE.read_text(encoding="utf-8").splitlines()
    return make_pdf(paragraphs, title=DEMO_PDF_TITLE)


def build_demo_pdf() -> Path:
    """Write the demo PDF attachment and return its path."""
    DEMO_PDF.parent.mkdir(parents=True, exist_ok=True)
    DEMO_PDF.write_bytes(demo_pdf_bytes())
    return DEMO_PDF


def main(argv: list[str] | None = None) -> int:
    """Build the demo PDF (``build``) or serve the demo site (``serve [PORT]``)."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["build"]:
        print(build_demo_pdf())
        return 0
    if args[:1] == ["serve"]:
        port = int(args[1]) if len(args) > 1 else 8000
        with serve_demo(port=port) as base_url:
            print(f"demo site at {base_url}/ (Ctrl-C stops)", flush=True)
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                return 0
    print("usage: python -m crawlers.demo build | serve [PORT]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
