"""Hostile and malformed requests get a clear error with a stable code,
and the server keeps serving after each."""

from __future__ import annotations

import logging

import pytest
from starlette.testclient import TestClient

from api.server import create_app
from bluecarbon.errors import GraphUnavailable
from test_api_support import (  # noqa: F401 (fixtures)
    api_graph,
    api_settings,
    client,
    counting,
    data,
    error_code,
    post,
)

PING = "{ industries { code } }"


def still_serving(client) -> None:
    assert data(post(client, PING))["industries"][0] == {"code": "15"}


def rejected(response, status: int, code: str) -> str:
    """Assert the response is an error with ``status`` and ``code`` and
    no data; return its message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert "data" not in body or body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code
    assert len(body["extensions"]["requestId"]) == 12
    return body["errors"][0]["message"]


# -- query shape ----------------------------------------------------------------


def test_deep_nesting_rejected(client):
    inner = "key"
    for _ in range(6):
        inner = f"neighbourhood {{ centre {{ {inner} }} }}"
    query = f'{{ entity(key: "x") {{ {inner} }} }}'
    message = rejected(post(client, query), 400, "QUERY_TOO_COMPLEX")
    assert message == "the operation nests fields deeper than 10 levels"
    still_serving(client)


def test_bracket_nesting_rejected_before_parsing(client):
    query = "{ industries " + "{ code " * 500 + "}" * 501
    message = rejected(post(client, query), 400, "QUERY_TOO_COMPLEX")
    assert message == "the query nests brackets deeper than 40 levels"
    still_serving(client)


@pytest.mark.parametrize("first", [101, 100_000, -1])
def test_page_size_out_of_range(client, first):
    literal = rejected(post(client, f"{{ candidates(first: {first}) {{ totalCount }} }}"), 400, "BAD_USER_INPUT")
    assert literal == f"first={first} is out of range; use 0 to 100"
    variable = post(client, "query ($n: Int) { entities(first: $n) { totalCount } }", {"n": first})
    assert rejected(variable, 400, "BAD_USER_INPUT") == literal
    still_serving(client)


def test_nested_page_size_out_of_range(client):
    query = "{ entities(first: 1) { edges { node { evidence(first: 500) { sentence } } } } }"
    assert rejected(post(client, query), 400, "BAD_USER_INPUT") == "first=500 is out of range; use 0 to 100"


def test_cost_limit(client):
    query = """{ candidates(first: 100) { edges { node { firm {
      evidence(first: 100) { sentence version { url title issuer } }
      candidates { factors { evidence { sentence } } } } } } } }"""
    message = rejected(post(client, query), 400, "QUERY_TOO_COMPLEX")
    assert message.startswith("the estimated cost exceeds 20000;")
    still_serving(client)


def test_alias_bomb(client):
    fields = " ".join(f"a{i}: industries {{ code }}" for i in range(31))
    message = rejected(post(client, f"{{ {fields} }}"), 400, "QUERY_TOO_COMPLEX")
    assert message == "the operation uses more than 30 aliases"
    still_serving(client)


def test_fragment_expansion_bomb(client):
    # Each fragment spreads the next twice: 2**12 copies of `code`.
    fragments = ["fragment F0 on Industry { code name }"]
    for level in range(1, 13):
        fragments.append(f"fragment F{level} on Industry {{ ...F{level - 1} ...F{level - 1} }}")
    query = "{ industries { ...F12 } } " + " ".join(fragments)
    message = rejected(post(client, query), 400, "QUERY_TOO_COMPLEX")
    assert message == "the operation selects more than 600 fields, counting each fragment where it is spread"
    still_serving(client)


def test_fragment_cycle(client):
    query = """
    { industries { ...A } }
    fragment A on Industry { code ...B }
    fragment B on Industry { name ...A }
    """
    message = rejected(post(client, query), 400, "GRAPHQL_VALIDATION_FAILED")
    assert message in ("fragment 'A' spreads itself; remove the cycle", "fragment 'B' spreads itself; remove the cycle")
    still_serving(client)


def test_unused_fragment_cycle(client):
    query = "{ industries { code } } fragment A on Industry { ...A }"
    assert rejected(post(client, query), 400, "GRAPHQL_VALIDATION_FAILED") == (
        "fragment 'A' spreads itself; remove the cycle"
    )


def test_too_many_fragments(client):
    fragments = " ".join(f"fragment F{i} on Industry {{ code }}" for i in range(51))
    message = rejected(post(client, "{ industries { ...F0 } } " + fragments), 400, "QUERY_TOO_COMPLEX")
    assert message == "the document defines more than 50 fragments"


def test_field_count_through_aliases_and_fragments(client):
    # 60 aliased-free copies through a fragment spread 12 times = 720 fields.
    fields = " ".join(["code name nameEn key"] * 15)
    query = "{ industries { " + " ".join(["...F"] * 12) + " } } fragment F on Industry { " + fields + " }"
    assert rejected(post(client, query), 400, "QUERY_TOO_COMPLEX").startswith("the operation selects more than 600")


def test_query_text_too_long(client):
    query = "{ industries { code } }" + " " * 12_001
    assert rejected(post(client, query), 413, "QUERY_TOO_LARGE") == "the query exceeds 12000 characters"


def test_too_many_tokens(client):
    query = "{ industries { " + "a " * 3_000 + "} }"
    assert rejected(post(client, query), 413, "QUERY_TOO_LARGE") == "the query has more than 3000 tokens"


def test_syntax_error(client):
    message = rejected(post(client, "{ industries { code }"), 400, "GRAPHQL_PARSE_FAILED")
    assert message == "Syntax Error: Expected Name, found <EOF>."
    still_serving(client)


def test_unknown_field(client):
    message = rejected(post(client, "{ firms { key } }"), 400, "GRAPHQL_VALIDATION_FAILED")
    assert message.startswith("Cannot query field 'firms' on type 'Query'.")


def test_several_operations_need_name(client):
    query = "query A { industries { code } } query B { industries { name } }"
    assert rejected(post(client, query), 400, "GRAPHQL_VALIDATION_FAILED") == (
        "the document has several operations; set operationName to the one to run"
    )
    response = client.post("/graphql", json={"query": query, "operationName": "B"})
    assert data(response)["industries"][0] == {"name": "绿色水产养殖业"}


def test_variable_of_wrong_type(client):
    response = post(client, "query ($n: Int) { candidates(first: $n) { totalCount } }", {"n": "ten"})
    assert response.status_code == 200
    assert response.json()["data"] is None
    assert error_code(response) == "BAD_USER_INPUT"
    assert response.json()["errors"][0]["message"].startswith("Variable '$n' got invalid value 'ten'")


# -- HTTP body ---------------------------------------------------------------------


def test_malformed_json(client):
    response = client.post("/graphql", content=b'{"query": "{ industries { code } }"', headers={"Content-Type": "application/json"})
    assert rejected(response, 400, "BAD_REQUEST").startswith("the request body is not valid JSON:")
    still_serving(client)


@pytest.mark.parametrize("body", [b"[]", b'"query"', b"null", b"12"])
def test_body_not_an_object(client, body):
    response = client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert rejected(response, 400, "BAD_REQUEST") == "the request body must be a JSON object"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, 'the request has no query string; send {"query": "..."}'),
        ({"query": 12}, 'the request has no query string; send {"query": "..."}'),
        ({"query": PING, "variables": [1]}, "variables must be a JSON object"),
        ({"query": PING, "operationName": 3}, "operationName must be a string"),
    ],
)
def test_payload_fields_checked(client, payload, message):
    assert rejected(client.post("/graphql", json=payload), 400, "BAD_REQUEST") == message


def test_oversized_body(client):
    body = b'{"query": "' + b" " * (70 * 1024) + b'{ industries { code } }"}'
    response = client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert rejected(response, 413, "BODY_TOO_LARGE") == "the request body exceeds 65536 bytes"
    still_serving(client)


def test_oversized_body_without_length(client):
    def chunks():
        for _ in range(80):
            yield b" " * 1024

    response = client.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
    assert rejected(response, 413, "BODY_TOO_LARGE") == "the request body exceeds 65536 bytes"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/graphql", None])
def test_wrong_content_type(client, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/graphql", content=b'{"query": "{ industries { code } }"}', headers=headers)
    message = rejected(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert message.endswith("is not supported; send application/json")
    still_serving(client)


def test_json_with_charset_accepted(client):
    response = client.post(
        "/graphql",
        content=b'{"query": "{ industries { code } }"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert data(response)["industries"][0] == {"code": "15"}


def test_get_query(client):
    response = client.get("/graphql", params={"query": "query ($c: String!) { document(url: $c) { key } }", "variables": '{"c": "x"}'})
    assert data(response) == {"document": None}
    bad = client.get("/graphql", params={"query": PING, "variables": "{"})
    assert rejected(bad, 400, "BAD_REQUEST").startswith("the variables is not valid JSON")


def test_mutation_over_get_rejected(client):
    query = 'mutation { setReview(firmKey: "x", industry: "15", status: SHORTLISTED) { review { status } } }'
    response = client.get("/graphql", params={"query": query}, headers={"Authorization": "Bearer secret-alice"})
    assert rejected(response, 405, "METHOD_NOT_ALLOWED") == "mutations must be sent with POST"


# -- switches: introspection, GraphiQL, CORS, tokens for reads ---------------------------


def test_introspection_switch(counting):
    query = "{ __schema { queryType { name } } }"
    on = TestClient(create_app(counting, api_settings()))
    assert data(post(on, query)) == {"__schema": {"queryType": {"name": "Query"}}}
    off = TestClient(create_app(counting, api_settings(api_introspection=False)))
    message = rejected(post(off, query), 400, "GRAPHQL_VALIDATION_FAILED")
    assert message.startswith("GraphQL introspection has been disabled")
    assert data(post(off, PING))["industries"][0] == {"code": "15"}


def test_full_introspection_query_fits_limits(client):
    from graphql import get_introspection_query

    result = data(post(client, get_introspection_query()))
    assert result["__schema"]["mutationType"]["name"] == "Mutation"


def test_graphiql_switch(counting):
    on = TestClient(create_app(counting, api_settings()))
    page = on.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "<title>bluecarbon GraphiQL</title>" in page.text
    off = TestClient(create_app(counting, api_settings(api_graphiql=False)))
    response = off.get("/graphql", headers={"Accept": "text/html"})
    assert rejected(response, 404, "NOT_FOUND") == "GraphiQL is turned off; POST queries to /graphql"


def test_cors_origins(counting):
    cors = TestClient(create_app(counting, api_settings(api_cors_origins=("https://bureau.example",))))
    allowed = cors.options(
        "/graphql",
        headers={"Origin": "https://bureau.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"},
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://bureau.example"
    denied = cors.options(
        "/graphql", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert denied.status_code == 400
    assert "access-control-allow-origin" not in denied.headers
    simple = cors.post("/graphql", json={"query": PING}, headers={"Origin": "https://bureau.example"})
    assert simple.headers["access-control-allow-origin"] == "https://bureau.example"
    plain = TestClient(create_app(counting, api_settings()))
    response = plain.post("/graphql", json={"query": PING}, headers={"Origin": "https://bureau.example"})
    assert "access-control-allow-origin" not in response.headers


def test_read_token_required(counting):
    strict = TestClient(create_app(counting, api_settings(api_read_token_required=True)))
    message = rejected(post(strict, PING), 401, "UNAUTHENTICATED")
    assert message == "this server needs an Authorization: Bearer <token> header"
    assert data(post(strict, PING, token="secret-bob"))["industries"][0] == {"code": "15"}


@pytest.mark.parametrize("header", ["Bearer wrong", "Basic c2VjcmV0", "Bearer", "secret-alice"])
def test_invalid_token_rejected_for_reads(client, header):
    response = client.post("/graphql", json={"query": PING}, headers={"Authorization": header})
    message = rejected(response, 401, "UNAUTHENTICATED")
    assert message in ("the bearer token is not valid", "the Authorization header must be `Bearer <token>`")
    assert response.headers["www-authenticate"] == "Bearer"


# -- rate limit ---------------------------------------------------------------------


def test_rate_limit_per_client(counting):
    limited = TestClient(create_app(counting, api_settings(api_rate_limit=0.5, api_rate_burst=2)))
    assert post(limited, PING).status_code == 200
    assert post(limited, PING).status_code == 200
    response = post(limited, PING)
    message = rejected(response, 429, "RATE_LIMITED")
    assert message == "too many requests; retry after the number of seconds in the Retry-After header"
    assert response.headers["retry-after"] == "2"
    # A token has its own bucket, apart from the client address.
    assert post(limited, PING, token="secret-alice").status_code == 200
    assert post(limited, PING, token="secret-alice").status_code == 200
    assert post(limited, PING, token="secret-alice").status_code == 429
    assert post(limited, PING, token="secret-bob").status_code == 200


def test_rate_limiter_refills():
    from api.access import RateLimiter

    now = [100.0]
    limiter = RateLimiter(rate=2.0, burst=1, clock=lambda: now[0])
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("a") == pytest.approx(0.5)
    now[0] += 0.5
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("b") == 0.0
    assert RateLimiter(rate=0, burst=1).acquire("a") == 0.0


# -- masked errors --------------------------------------------------------------------


class FailingStore:
    """A store whose reads raise ``error``."""

    def __init__(self, store, error: Exception):
        self.dialect = store.dialect
        self.error = error

    def read(self, *args, **kwargs):
        raise self.error


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (RuntimeError("driver exploded at bolt://10.0.0.1 with password hunter2"), "INTERNAL_SERVER_ERROR"),
        (GraphUnavailable("the graph store at bolt://127.0.0.1:1 is unreachable"), "GRAPH_UNAVAILABLE"),
    ],
)
def test_internal_errors_masked_and_logged_once(api_graph, caplog, error, code):
    failing = TestClient(create_app(FailingStore(api_graph, error), api_settings()))
    with caplog.at_level(logging.ERROR, logger="bluecarbon.api"):
        response = post(failing, "{ candidates { totalCount } }")
    assert response.status_code == 200
    body = response.json()
    request_id = body["extensions"]["requestId"]
    assert body["errors"] == [
        {
            "message": f"internal error; quote request id {request_id} to the operator",
            "path": ["candidates"],
            "extensions": {"code": code},
        }
    ]
    assert "hunter2" not in response.text
    records = [r for r in caplog.records if r.name == "bluecarbon.api"]
    assert len(records) == 1
    assert request_id in records[0].getMessage()
    assert response.headers["x-request-id"] == request_id
