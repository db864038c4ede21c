"""The commerce bureau's web page, served beside the GraphQL API.

The page itself is static HTML, CSS and JavaScript under ``api/static``;
it reads and writes everything through ``/graphql``. The one extra route,
``/export.xlsx``, returns the filtered shortlist as the same workbook that
``bluecarbon candidates --format xlsx`` writes.
"""

from __future__ import annotations

import logging
import math
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from api.access import InvalidToken, token_name
from bluecarbon import export
from bluecarbon.errors import BlueCarbonError
from bluecarbon.model import INDUSTRIES
from graph import api_reads

logger = logging.getLogger("bluecarbon.web")

STATIC_DIR = Path(__file__).resolve().parent / "static"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NON_LOCAL = "non-local"
REVIEW_STATUSES = ("SHORTLISTED", "REJECTED", "NEEDS_REVIEW")


class _InvalidParameter(ValueError):
    pass


class _RevalidatedStaticFiles(StaticFiles):
    """Static files that browsers check again on each use (a 304 when
    unchanged), so that the page's modules never mix two releases."""

    def file_response(self, *args, **kwargs) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "no-cache"
        return response


def web_routes(graph, settings=None) -> list[BaseRoute]:
    """Return the routes of the web page: ``/``, ``/static/...`` and
    ``/export.xlsx``. ``settings`` defaults to
    :func:`bluecarbon.settings.load_settings` of the environment. The
    export requires a bearer token when ``api_read_token_required`` is
    set, as /graphql does for reads."""
    if settings is None:
        from bluecarbon.settings import load_settings

        settings = load_settings()

    async def index(request: Request) -> Response:
        # The page is a single document whose scripts change often, so the
        # browser must ask again on each load.
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    async def export_xlsx(request: Request) -> Response:
        try:
            user = token_name(request.headers.get("authorization"), settings.api_tokens)
        except InvalidToken as error:
            logger.warning("export rejected from %s: %s", _client(request), error)
            return _unauthenticated(str(error))
        if user is None and settings.api_read_token_required:
            logger.warning("export rejected from %s: no bearer token", _client(request))
            return _unauthenticated("this server needs an Authorization: Bearer <token> header")
        try:
            filters = _export_filters(request.query_params)
        except _InvalidParameter as error:
            logger.warning("export rejected from %s: %s", _client(request), error)
            return PlainTextResponse(str(error), status_code=400)
        try:
            content, count = await run_in_threadpool(_workbook_bytes, graph, filters)
        except BlueCarbonError as error:
            logger.error("export of candidates with %s failed: %s", filters, error)
            return PlainTextResponse(
                "导出失败：图数据库不可用，请稍后重试。(the graph store is unavailable)",
                status_code=503,
            )
        logger.info("exported %d candidates with %s", count, filters)
        filename = _export_filename(filters)
        return Response(
            content,
            media_type=XLSX_TYPE,
            headers={
                "Content-Disposition": (
                    f'attachment; filename="{_ascii_filename()}"; '
                    f"filename*=UTF-8''{quote(filename)}"
                ),
                "Cache-Control": "no-store",
            },
        )

    return [
        Route("/", index, methods=["GET"]),
        Route("/export.xlsx", export_xlsx, methods=["GET"]),
        Mount("/static", app=_RevalidatedStaticFiles(directory=STATIC_DIR), name="static"),
    ]


def _export_filters(params) -> dict:
    """Read the shortlist filters of the export URL and raise
    _InvalidParameter naming the first invalid one."""
    industry = params.get("industry") or None
    if industry is not None:
        found = [i for i in INDUSTRIES if industry in (i.name, i.code)]
        if not found:
            names = ", ".join(i.name for i in INDUSTRIES)
            raise _InvalidParameter(f"industry {industry!r} is unknown; use one of: {names}")
        industry = found[0].name
    local = params.get("local") or None
    if local not in (None, "true", "false"):
        raise _InvalidParameter(f"local={local!r} is invalid; use true or false")
    review_status = params.get("reviewStatus") or None
    if review_status not in (None, *REVIEW_STATUSES):
        raise _InvalidParameter(
            f"reviewStatus={review_status!r} is invalid; use one of: " + ", ".join(REVIEW_STATUSES)
        )
    return {
        "industry": industry,
        "region": params.get("region") or None,
        "min_score": _score(params, "minScore"),
        "max_score": _score(params, "maxScore"),
        "local": None if local is None else local == "true",
        "review_status": review_status,
    }


def _score(params, name: str) -> float | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise _InvalidParameter(f"{name}={raw!r} is not a number") from None
    if not math.isfinite(value):
        raise _InvalidParameter(f"{name}={raw!r} is not a finite number")
    return value


def _select(graph, filters: dict) -> list[dict]:
    candidates = graph.candidates(
        industry=filters["industry"],
        region=filters["region"],
        min_score=filters["min_score"],
    )
    # graph.candidates filters by industry, region and minimum score only.
    # The page's other filters apply here, with the meaning of the GraphQL
    # arguments maxScore, local and reviewStatus.
    if filters["max_score"] is not None:
        candidates = [c for c in candidates if c["score"] <= filters["max_score"]]
    if filters["local"] is True:
        candidates = [c for c in candidates if c.get("region") and NON_LOCAL not in c["flags"]]
    elif filters["local"] is False:
        candidates = [c for c in candidates if not c.get("region") or NON_LOCAL in c["flags"]]
    if filters["review_status"] is not None:
        candidates = _with_review_status(graph, candidates, filters["review_status"])
    return candidates


def _with_review_status(graph, candidates: list[dict], status: str) -> list[dict]:
    # graph.candidates gives the firm's key as `key`.
    keys = {
        api_reads.review_key(c["key"], f"industry:{c['industry_code']}"): c for c in candidates
    }
    reviews = api_reads.reviews_by_key(graph, keys)
    return [c for key, c in keys.items() if reviews.get(key, {}).get("status") == status]


def _workbook_bytes(graph, filters: dict) -> tuple[bytes, int]:
    candidates = _select(graph, filters)
    # export.write_xlsx writes to a path, so the workbook goes through a
    # temporary file that is removed on return.
    with tempfile.TemporaryDirectory(prefix="bluecarbon-export-") as folder:
        path = export.write_xlsx(candidates, Path(folder) / "candidates.xlsx")
        return path.read_bytes(), len(candidates)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _unauthenticated(message: str) -> Response:
    return PlainTextResponse(
        f"请先登录后再导出。({message})",
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


def _export_filename(filters: dict) -> str:
    parts = ["示范企业候选"]
    if filters["industry"]:
        parts.append(filters["industry"])
    if filters["region"]:
        parts.append(filters["region"])
    parts.append(date.today().isoformat())
    return "-".join(parts) + ".xlsx"


def _ascii_filename() -> str:
    # The plain filename parameter is for clients without RFC 6266
    # filename* support; they get an ASCII name.
    return f"candidates-{date.today().isoformat()}.xlsx"
