"""The ASGI application: GraphQL at ``/graphql``, GraphiQL for browsers.

Queries are parsed, checked against size and depth limits, validated and
executed in a worker thread, because the graph store's driver is
synchronous. Errors reach clients with a short code; details go to the
log once, with the request id.
"""

from __future__ import annotations

import json
import logging
import uuid

from graphene.validation import depth_limit_validator
from graphql import GraphQLError, parse, specified_rules, validate
from graphql.error import GraphQLSyntaxError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from api.schema import schema
from bluecarbon.errors import BlueCarbonError

logger = logging.getLogger("bluecarbon.api")

MAX_BODY_BYTES = 64 * 1024
MAX_QUERY_DEPTH = 8

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


def create_app(graph) -> Starlette:
    """Build the application around an open ``GraphStore``."""

    async def graphql_endpoint(request: Request) -> Response:
        request_id = uuid.uuid4().hex[:12]
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(GRAPHIQL_PAGE)

        try:
            payload = await _read_payload(request)
        except _ClientError as error:
            return _error_response(error.code, error.message, request_id, error.status)

        result = await run_in_threadpool(_execute, graph, payload, request_id)
        return JSONResponse(result, headers={"X-Request-Id": request_id})

    from api.web import web_routes

    routes = [Route("/graphql", graphql_endpoint, methods=["GET", "POST"])]
    routes += web_routes(graph)
    return Starlette(routes=routes)


class _ClientError(Exception):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


async def _read_payload(request: Request) -> dict:
    if request.method == "GET":
        params = request.query_params
        variables = params.get("variables")
        return {
            "query": params.get("query"),
            "variables": _parse_json(variables) if variables else None,
            "operationName": params.get("operationName"),
        }

    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _ClientError(
            "BODY_TOO_LARGE", f"request body exceeds {MAX_BODY_BYTES} bytes", 413
        )
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise _ClientError(
            "BODY_TOO_LARGE", f"request body exceeds {MAX_BODY_BYTES} bytes", 413
        )
    payload = _parse_json(body)
    if not isinstance(payload, dict):
        raise _ClientError("BAD_REQUEST", "the request body must be a JSON object")
    return payload


def _parse_json(raw) -> object:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise _ClientError("BAD_REQUEST", f"the request body is not valid JSON: {error}")


def _execute(graph, payload: dict, request_id: str) -> dict:
    query = payload.get("query")
    if not isinstance(query, str) or not query.strip():
        return _errors("BAD_REQUEST", "the request has no query string", request_id)

    try:
        document = parse(query)
    except GraphQLSyntaxError as error:
        return _errors("GRAPHQL_PARSE_FAILED", error.message, request_id)

    rules = [*specified_rules, depth_limit_validator(max_depth=MAX_QUERY_DEPTH)]
    problems = validate(schema.graphql_schema, document, rules=rules)
    if problems:
        return {
            "errors": [
                {"message": problem.message, "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}
                for problem in problems
            ],
            "extensions": {"requestId": request_id},
        }

    result = schema.execute(
        query,
        variable_values=payload.get("variables"),
        operation_name=payload.get("operationName"),
        context_value={"graph": graph, "request_id": request_id},
    )
    response: dict = {"data": result.data}
    if result.errors:
        response["errors"] = [_mask(error, request_id) for error in result.errors]
    response["extensions"] = {"requestId": request_id}
    return response


def _mask(error: GraphQLError, request_id: str) -> dict:
    original = error.original_error
    if isinstance(original, ValueError):
        return {"message": str(original), "path": error.path, "extensions": {"code": "BAD_USER_INPUT"}}
    logger.error("request %s failed: %s", request_id, error, exc_info=original)
    if isinstance(original, BlueCarbonError):
        code = "GRAPH_UNAVAILABLE"
    else:
        code = "INTERNAL_SERVER_ERROR"
    return {
        "message": f"internal error; quote request id {request_id} to the operator",
        "path": error.path,
        "extensions": {"code": code},
    }


def _errors(code: str, message: str, request_id: str) -> dict:
    return {
        "errors": [{"message": message, "extensions": {"code": code}}],
        "extensions": {"requestId": request_id},
    }


def _error_response(code: str, message: str, request_id: str, status: int) -> JSONResponse:
    return JSONResponse(
        _errors(code, message, request_id),
        status_code=status,
        headers={"X-Request-Id": request_id},
    )


def serve(settings, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Open the graph and serve the API with uvicorn until interrupted."""
    import uvicorn

    from graph import open_graph

    with open_graph(settings) as graph:
        app = create_app(graph)
        print(f"GraphQL at http://{host}:{port}/graphql")
        uvicorn.run(app, host=host, port=port, log_level="info")
