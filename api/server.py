"""The ASGI application: GraphQL at ``/graphql``, GraphiQL for browsers.

A request passes these checks in order:

1. the rate limit, per token, or per client address without one;
2. the bearer token;
3. the body: JSON content type, size, valid JSON;
4. the query: length, bracket nesting and tokens, then depth, fields,
   aliases, page size and estimated cost with fragments expanded (see
   :mod:`api.limits`), then GraphQL validation.

Execution runs in a worker thread, because the graph store's driver is
synchronous. Errors reach clients with a stable code in
``extensions.code``. Unexpected errors are logged once with the request
id, and rejected requests are logged at INFO level.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections import OrderedDict

from graphql import (
    ExecutionResult,
    GraphQLError,
    OperationType,
    execute,
    parse,
    specified_rules,
    validate,
)
from graphql.error import GraphQLSyntaxError
from graphql.validation import NoSchemaIntrospectionCustomRule
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from api.access import InvalidToken, RateLimiter, retry_after, token_name
from api.cache import OrderCache
from api.limits import Limits, QueryRejected, check_nesting, check_operation, select_operation
from api.schema import schema
from api.types import UserInputError
from bluecarbon.errors import GraphUnavailable

logger = logging.getLogger("bluecarbon.api")

GRAPHIQL_PAGE = """<!doctype html>
<html lang="zh">
<head>
  <meta charset="utf-8">
  <title>bluecarbon GraphiQL</title>
  <link rel="stylesheet" href="https://unpkg.com/graphiql@3.7.1/graphiql.min.css">
  <style>body {margin: 0; height: 100vh;} #graphiql {height: 100vh;}</style>
</head>
<body>
  <div id="graphiql">GraphiQL loads its scripts from unpkg.com; without
  network access, POST queries to /graphql instead.</div>
  <script src="https://unpkg.com/react@18.3.1/umd/react.production.min.js"></script>
  <script src="https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js"></script>
  <script src="https://unpkg.com/graphiql@3.7.1/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({url: "/graphql"});
    ReactDOM.createRoot(document.getElementById("graphiql"))
      .render(React.createElement(GraphiQL, {fetcher}));
  </script>
</body>
</html>
"""


class ClientError(Exception):
    """A request rejected before execution, with its code and status."""

    def __init__(self, code: str, message: str, status: int = 400, headers: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.headers = headers or {}


def create_app(graph, settings=None, limits: Limits | None = None) -> Starlette:
    """Build the application around an open ``GraphStore``. ``settings``
    defaults to :func:`bluecarbon.settings.load_settings` of the
    environment; ``limits`` to :class:`api.limits.Limits`."""
    if settings is None:
        from bluecarbon.settings import load_settings

        settings = load_settings()
    limits = limits or Limits()
    limiter = RateLimiter(settings.api_rate_limit, settings.api_rate_burst)
    cache = OrderCache(settings.api_cache_seconds)
    documents = DocumentCache()

    async def graphql_endpoint(request: Request) -> Response:
        request_id = uuid.uuid4().hex[:12]
        if (
            request.method == "GET"
            and "text/html" in request.headers.get("accept", "")
            and "query" not in request.query_params
        ):
            if not settings.api_graphiql:
                return _error_response(
                    ClientError("NOT_FOUND", "GraphiQL is turned off; POST queries to /graphql", 404), request_id
                )
            return HTMLResponse(GRAPHIQL_PAGE)
        try:
            user = _authenticate(request, settings, limiter)
            payload = await _read_payload(request, limits)
            prepared = _prepare(payload, request.method, user, settings, limits, documents)
        except ClientError as error:
            return _error_response(error, request_id)

        context = {
            "graph": graph,
            "request_id": request_id,
            "user": user,
            "cache": cache,
            "settings": settings,
        }
        result = await run_in_threadpool(_run, prepared, context)
        return JSONResponse(result, headers={"X-Request-Id": request_id})

    from api.web import web_routes

    routes = [Route("/graphql", graphql_endpoint, methods=["GET", "POST"])]
    routes += web_routes(graph, settings)
    middleware = []
    if settings.api_cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.api_cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
                expose_headers=["X-Request-Id", "Retry-After"],
                max_age=600,
            )
        )
    return Starlette(routes=routes, middleware=middleware)


def _authenticate(request: Request, settings, limiter: RateLimiter) -> str | None:
    """Return the token's name (None without a token), after taking one
    request from the caller's rate-limit bucket."""
    header = request.headers.get("authorization")
    try:
        user = token_name(header, settings.api_tokens)
    except InvalidToken as error:
        user, invalid = None, error
    else:
        invalid = None
    client = f"token:{user}" if user else f"address:{request.client.host if request.client else 'unknown'}"
    wait = limiter.acquire(client)
    if wait > 0:
        raise ClientError(
            "RATE_LIMITED",
            "too many requests; retry after the number of seconds in the Retry-After header",
            429,
            {"Retry-After": retry_after(wait)},
        )
    if invalid is not None:
        raise ClientError("UNAUTHENTICATED", str(invalid), 401, {"WWW-Authenticate": "Bearer"})
    return user


async def _read_payload(request: Request, limits: Limits) -> dict:
    if request.method == "GET":
        params = request.query_params
        variables = params.get("variables")
        return {
            "query": params.get("query"),
            "variables": _parse_json(variables, "variables") if variables else None,
            "operationName": params.get("operationName"),
        }

    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != "application/json":
        raise ClientError(
            "UNSUPPORTED_MEDIA_TYPE",
            f"content type {content_type or 'none'!r} is not supported; send application/json",
            415,
        )
    too_large = ClientError("BODY_TOO_LARGE", f"the request body exceeds {limits.max_body_bytes} bytes", 413)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_body_bytes:
        raise too_large
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limits.max_body_bytes:
                raise too_large
    except ClientDisconnect as error:
        raise ClientError("BAD_REQUEST", "the client closed the connection before the body ended") from error
    payload = _parse_json(bytes(body), "request body")
    if not isinstance(payload, dict):
        raise ClientError("BAD_REQUEST", "the request body must be a JSON object")
    return payload


def _parse_json(raw, what: str) -> object:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ClientError("BAD_REQUEST", f"the {what} is not valid JSON: {error}") from error


def _parse(query: str, limits: Limits):
    try:
        return parse(query, max_tokens=limits.max_tokens)
    except GraphQLSyntaxError as error:
        if "more than" in error.message and "tokens" in error.message:
            raise ClientError("QUERY_TOO_LARGE", f"the query has more than {limits.max_tokens} tokens", 413) from error
        raise ClientError("GRAPHQL_PARSE_FAILED", error.message) from error


class DocumentCache:
    """Parsed documents and their validation result by query text, so
    that a repeated query skips parsing and validation. Limits that
    depend on variables are checked on every request."""

    def __init__(self, max_entries: int = 256):
        self.max_entries = max_entries
        self.entries: OrderedDict[str, tuple] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, query: str) -> tuple | None:
        with self.lock:
            entry = self.entries.get(query)
            if entry is not None:
                self.entries.move_to_end(query)
            return entry

    def put(self, query: str, entry: tuple) -> None:
        with self.lock:
            self.entries[query] = entry
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)


def _prepare(payload: dict, method: str, user: str | None, settings, limits: Limits, documents: DocumentCache) -> dict:
    """Check the query of ``payload`` and return what execution needs;
    raise ClientError for anything that must not run."""
    query = payload.get("query")
    variables = payload.get("variables")
    operation_name = payload.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise ClientError("BAD_REQUEST", "the request has no query string; send {\"query\": \"...\"}")
    if variables is not None and not isinstance(variables, dict):
        raise ClientError("BAD_REQUEST", "variables must be a JSON object")
    if operation_name is not None and not isinstance(operation_name, str):
        raise ClientError("BAD_REQUEST", "operationName must be a string")
    if len(query) > limits.max_query_chars:
        raise ClientError("QUERY_TOO_LARGE", f"the query exceeds {limits.max_query_chars} characters", 413)

    cached = documents.get(query)
    try:
        if cached is None:
            check_nesting(query, limits)
            document = _parse(query, limits)
        else:
            document = cached[0]
        operation = select_operation(document, operation_name)
        cost = check_operation(document, operation, variables or {}, limits)
    except QueryRejected as error:
        raise ClientError(error.code, error.message) from error

    if operation.operation == OperationType.MUTATION:
        if method != "POST":
            raise ClientError("METHOD_NOT_ALLOWED", "mutations must be sent with POST", 405)
        if user is None:
            raise ClientError(
                "UNAUTHENTICATED", "mutations need an Authorization: Bearer <token> header", 401,
                {"WWW-Authenticate": "Bearer"},
            )
    elif operation.operation == OperationType.SUBSCRIPTION:
        raise ClientError("BAD_REQUEST", "subscriptions are not supported")
    if user is None and settings.api_read_token_required:
        raise ClientError(
            "UNAUTHENTICATED", "this server needs an Authorization: Bearer <token> header", 401,
            {"WWW-Authenticate": "Bearer"},
        )

    if cached is None:
        rules = list(specified_rules)
        if not settings.api_introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        problems = validate(schema.graphql_schema, document, rules=rules)
        message = "; ".join(problem.message for problem in problems) if problems else None
        documents.put(query, (document, message))
    else:
        message = cached[1]
    if message is not None:
        raise ClientError("GRAPHQL_VALIDATION_FAILED", message)
    return {
        "document": document,
        "variables": variables,
        "operation_name": operation_name,
        "cost": cost,
    }


def _run(prepared: dict, context: dict) -> dict:
    result = execute(
        schema.graphql_schema,
        prepared["document"],
        variable_values=prepared["variables"],
        operation_name=prepared["operation_name"],
        context_value=context,
        # Resolvers are synchronous, so no value needs an await check.
        is_awaitable=_never_awaitable,
    )
    assert isinstance(result, ExecutionResult)
    response: dict = {"data": result.data}
    if result.errors:
        response["errors"] = [_mask(error, context["request_id"]) for error in result.errors]
    response["extensions"] = {"requestId": context["request_id"]}
    return response


def _never_awaitable(value) -> bool:
    return False


def _mask(error: GraphQLError, request_id: str) -> dict:
    """Return the error as clients see it: input errors and variable
    errors keep their message, others become a code and the request id,
    with the details logged."""
    original = error.original_error
    located = {"path": error.path} if error.path else {}
    if original is None or error.path is None:
        # Errors without a field path come from coercing variables and
        # describe the request, not the server.
        return {"message": error.message, **located, "extensions": {"code": "BAD_USER_INPUT"}}
    if isinstance(original, UserInputError):
        return {"message": str(original), **located, "extensions": {"code": "BAD_USER_INPUT"}}
    if isinstance(original, PermissionError):
        return {"message": str(original), **located, "extensions": {"code": "FORBIDDEN"}}
    if isinstance(original, GraphUnavailable):
        code = "GRAPH_UNAVAILABLE"
    else:
        code = "INTERNAL_SERVER_ERROR"
    logger.error("request %s failed at %s: %s", request_id, error.path, error.message, exc_info=original)
    return {
        "message": f"internal error; quote request id {request_id} to the operator",
        **located,
        "extensions": {"code": code},
    }


def _error_response(error: ClientError, request_id: str) -> JSONResponse:
    logger.info("request %s rejected with %d %s: %s", request_id, error.status, error.code, error.message)
    body = {
        "errors": [{"message": error.message, "extensions": {"code": error.code}}],
        "extensions": {"requestId": request_id},
    }
    return JSONResponse(body, status_code=error.status, headers={"X-Request-Id": request_id, **error.headers})


def serve(settings, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Open the graph and serve the API with uvicorn until interrupted."""
    import uvicorn

    from graph import open_graph

    with open_graph(settings) as graph:
        app = create_app(graph, settings)
        logger.info("serving GraphQL at http://%s:%d/graphql", host, port)
        print(f"GraphQL at http://{host}:{port}/graphql")
        uvicorn.run(app, host=host, port=port, log_level="info")
