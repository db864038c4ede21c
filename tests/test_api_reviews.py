"""The setReview mutation: tokens, storage, replacement, filters."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from starlette.testclient import TestClient

from api.server import create_app
from test_api_support import (  # noqa: F401 (fixtures)
    AQUACULTURE,
    HAIXING,
    LANHAI,
    MONITORING,
    SCORING,
    api_graph,
    api_settings,
    client,
    counting,
    data,
    error_code,
    post,
)

SET_REVIEW = """
mutation ($firm: ID!, $industry: String!, $status: ReviewStatus!, $note: String) {
  setReview(firmKey: $firm, industry: $industry, status: $status, note: $note) {
    review { status note author at firmKey industry }
    candidate { key name score review { status author } }
  }
}
"""

REVIEWED = """
query ($status: ReviewStatus) {
  candidates(reviewStatus: $status) { totalCount edges { node { name industry review { status note author } } } }
}
"""


@pytest.fixture(autouse=True)
def no_reviews(api_graph):
    """Remove reviews before and after each test, so that the graph is
    the one other modules expect."""
    api_graph.write("MATCH (r:Review) DETACH DELETE r", "remove reviews")
    yield
    api_graph.write("MATCH (r:Review) DETACH DELETE r", "remove reviews")


def review_count(store) -> int:
    return store.read("MATCH (r:Review) RETURN count(r) AS n")[0]["n"]


def test_review_needs_token(client, api_graph):
    variables = {"firm": LANHAI, "industry": "15", "status": "SHORTLISTED"}
    response = post(client, SET_REVIEW, variables)
    assert response.status_code == 401
    assert error_code(response) == "UNAUTHENTICATED"
    assert response.json()["errors"][0]["message"] == "mutations need an Authorization: Bearer <token> header"
    assert response.headers["www-authenticate"] == "Bearer"
    wrong = post(client, SET_REVIEW, variables, token="secret-carol")
    assert wrong.status_code == 401
    assert wrong.json()["errors"][0]["message"] == "the bearer token is not valid"
    assert review_count(api_graph) == 0


def test_review_stored_with_author_and_time(client, api_graph):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    variables = {"firm": LANHAI, "industry": "绿色水产养殖业", "status": "SHORTLISTED", "note": "实地核查通过"}
    result = data(post(client, SET_REVIEW, variables, token="secret-alice"))["setReview"]
    review = result["review"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", review["at"])
    at = datetime.fromisoformat(review["at"].replace("Z", "+00:00"))
    assert before <= at <= datetime.now(timezone.utc) + timedelta(seconds=1)
    assert review == {
        "status": "SHORTLISTED",
        "note": "实地核查通过",
        "author": "alice",
        "at": review["at"],
        "firmKey": LANHAI,
        "industry": AQUACULTURE,
    }
    assert result["candidate"] == {
        "key": f"candidate:{LANHAI}|industry:15",
        "name": "威海蓝海渔业有限公司",
        "score": 35.0,
        "review": {"status": "SHORTLISTED", "author": "alice"},
    }
    rows = api_graph.read(
        "MATCH (r:Review)-[:FOR_FIRM]->(f:Firm) MATCH (r)-[:IN_INDUSTRY]->(i:Industry) "
        "RETURN r.key AS key, f.key AS firm, i.code AS code"
    )
    assert rows == [{"key": f"review:{LANHAI}|industry:15", "firm": LANHAI, "code": "15"}]


def test_second_review_replaces_first(client, api_graph):
    first = {"firm": HAIXING, "industry": "17", "status": "NEEDS_REVIEW", "note": "待补材料"}
    data(post(client, SET_REVIEW, first, token="secret-alice"))
    second = {"firm": HAIXING, "industry": "17", "status": "REJECTED"}
    review = data(post(client, SET_REVIEW, second, token="secret-bob"))["setReview"]["review"]
    assert (review["status"], review["note"], review["author"]) == ("REJECTED", None, "bob")
    assert review_count(api_graph) == 1


@pytest.mark.parametrize("cache_seconds", [0.0, 30.0])
def test_review_status_filter(counting, cache_seconds):
    client = TestClient(create_app(counting, api_settings(api_cache_seconds=cache_seconds)))
    assert data(post(client, REVIEWED, {"status": "SHORTLISTED"}))["candidates"] == {"totalCount": 0, "edges": []}
    data(post(client, SET_REVIEW, {"firm": HAIXING, "industry": "17", "status": "SHORTLISTED"}, token="secret-bob"))
    data(post(client, SET_REVIEW, {"firm": LANHAI, "industry": "15", "status": "REJECTED", "note": "非示范"}, token="secret-bob"))
    shortlisted = data(post(client, REVIEWED, {"status": "SHORTLISTED"}))["candidates"]
    assert shortlisted == {
        "totalCount": 1,
        "edges": [
            {"node": {"name": "威海海星环保装备有限公司", "industry": MONITORING,
                      "review": {"status": "SHORTLISTED", "note": None, "author": "bob"}}}
        ],
    }
    rejected = data(post(client, REVIEWED, {"status": "REJECTED"}))["candidates"]
    assert [e["node"]["review"]["note"] for e in rejected["edges"]] == ["非示范"]
    everyone = data(post(client, REVIEWED))["candidates"]
    assert [e["node"]["review"] and e["node"]["review"]["status"] for e in everyone["edges"]] == [
        "REJECTED", None, "SHORTLISTED", None,
    ]


def test_review_survives_rank(client, api_graph, tmp_path):
    data(post(client, SET_REVIEW, {"firm": LANHAI, "industry": "15", "status": "SHORTLISTED"}, token="secret-alice"))
    scoring = tmp_path / "scoring.yaml"
    scoring.write_text(SCORING, encoding="utf-8")
    api_graph.rank(scoring)
    result = data(post(client, REVIEWED, {"status": "SHORTLISTED"}))["candidates"]
    assert [e["node"]["name"] for e in result["edges"]] == ["威海蓝海渔业有限公司"]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"firm": "Firm:不存在", "industry": "15", "status": "SHORTLISTED"},
         "firm 'Firm:不存在' has no candidate in 绿色水产养殖业; check the key and the industry"),
        ({"firm": LANHAI, "industry": "17", "status": "SHORTLISTED"},
         f"firm '{LANHAI}' has no candidate in 海洋监测探测装备产业; check the key and the industry"),
        ({"firm": LANHAI, "industry": "造船", "status": "SHORTLISTED"}, None),
        ({"firm": LANHAI, "industry": "15", "status": "SHORTLISTED", "note": "长" * 2001},
         "note is 2001 characters long; use at most 2000"),
    ],
)
def test_review_bad_input(client, api_graph, variables, message):
    response = post(client, SET_REVIEW, variables, token="secret-alice")
    assert response.status_code == 200
    assert response.json()["data"] is None
    assert error_code(response) == "BAD_USER_INPUT"
    if message is not None:
        assert response.json()["errors"][0]["message"] == message
    else:
        assert response.json()["errors"][0]["message"].startswith("industry '造船' is unknown")
    assert review_count(api_graph) == 0


def test_review_invalid_status(client):
    response = post(client, SET_REVIEW, {"firm": LANHAI, "industry": "15", "status": "MAYBE"}, token="secret-alice")
    assert error_code(response) == "BAD_USER_INPUT"
    assert response.json()["errors"][0]["message"].startswith("Variable '$status' got invalid value 'MAYBE'")
    literal = post(client, 'mutation { setReview(firmKey: "x", industry: "15", status: MAYBE) { review { at } } }', token="secret-alice")
    assert literal.status_code == 400
    assert error_code(literal) == "GRAPHQL_VALIDATION_FAILED"
