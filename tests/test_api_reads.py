"""Reads of the GraphQL API over the small test graph of
test_api_support, against the session's real graph store."""

from __future__ import annotations

import base64

import pytest

from test_api_support import (  # noqa: F401 (fixtures)
    AQUACULTURE,
    BUREAU,
    EQUIPMENT,
    GLIDER,
    HAIXING,
    INSTITUTE_KEY,
    JIUGANG,
    LANHAI,
    MONITORING,
    NOTICE_URL,
    OLD_URL,
    PLAN_URL,
    QINGDAO,
    REPEAL_URL,
    any_client,
    api_graph,
    client,
    counting,
    data,
    error_code,
    post,
)

PERSON_KEY = "Person:李明@Institute:山东大学(威海)海洋研究院"

CANDIDATES = """
query ($industry: String, $region: String, $minScore: Float, $maxScore: Float, $local: Boolean,
       $sort: CandidateSort, $first: Int, $after: String) {
  candidates(industry: $industry, region: $region, minScore: $minScore, maxScore: $maxScore,
             local: $local, sort: $sort, first: $first, after: $after) {
    totalCount
    edges { cursor node { name industry score } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def candidates(client, **variables) -> dict:
    return data(post(client, CANDIDATES, variables))["candidates"]


def names_scores(connection: dict) -> list[tuple]:
    return [(e["node"]["name"], e["node"]["industry"], e["node"]["score"]) for e in connection["edges"]]


def cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


# -- candidates ----------------------------------------------------------------


def test_candidates_rank_order(any_client):
    result = candidates(any_client)
    assert result["totalCount"] == 4
    assert names_scores(result) == [
        ("威海蓝海渔业有限公司", AQUACULTURE, 35.0),
        ("威海海星环保装备有限公司", EQUIPMENT, 25.0),
        ("威海海星环保装备有限公司", MONITORING, 15.0),
        ("青岛远洋监测科技有限公司", MONITORING, 10.0),
    ]
    assert result["pageInfo"] == {"hasNextPage": False, "endCursor": cursor(3)}
    assert [e["cursor"] for e in result["edges"]] == [cursor(i) for i in range(4)]


def test_candidate_every_field(any_client):
    query = """
    { candidates(industry: "15") { edges { node {
        key name industry industryCode region local score flags
        factors { name group points evidence {
          sentence start end status extractorVersion confidence
          version { key url title contentHash fetchedAt issuer documentNumber published }
        } }
        firm { key name aliases region creditCode }
        review { status }
    } } } }
    """
    node = data(post(any_client, query))["candidates"]["edges"][0]["node"]
    plan_version = {
        "key": f"{PLAN_URL}#{'a' * 64}",
        "url": PLAN_URL,
        "title": "威海市海洋生态产业发展规划",
        "contentHash": "a" * 64,
        "fetchedAt": "2024-03-01T08:00:00Z",
        "issuer": "威海市人民政府",
        "documentNumber": "威政发〔2021〕5号",
        "published": "2021-06-01",
    }
    notice_version = {
        "key": f"{NOTICE_URL}#{'b' * 64}",
        "url": NOTICE_URL,
        "title": "关于公布生态养殖示范基地的通知",
        "contentHash": "b" * 64,
        "fetchedAt": "2024-06-01T08:00:00Z",
        "issuer": None,
        "documentNumber": None,
        "published": "2024-05-20",
    }

    def factor_evidence(sentence, version):
        return {
            "sentence": sentence,
            "start": None,
            "end": None,
            "status": "current",
            "extractorVersion": None,
            "confidence": None,
            "version": version,
        }

    assert node == {
        "key": f"candidate:{LANHAI}|industry:15",
        "name": "威海蓝海渔业有限公司",
        "industry": AQUACULTURE,
        "industryCode": "15",
        "region": "荣成市",
        "local": True,
        "score": 35.0,
        "flags": [],
        "factors": [
            {
                "name": "industry sentences",
                "group": "activity",
                "points": 30.0,
                "evidence": [
                    factor_evidence("威海蓝海渔业有限公司获评生态养殖示范基地。", notice_version),
                    factor_evidence("威海蓝海渔业有限公司在荣成市建设深远海养殖平台。", plan_version),
                    factor_evidence("山东大学（威海）海洋研究院与威海蓝海渔业有限公司开展合作。", plan_version),
                ],
            },
            {
                "name": "local firm",
                "group": "place",
                "points": 5.0,
                "evidence": [factor_evidence("威海蓝海渔业有限公司获评生态养殖示范基地。", notice_version)],
            },
        ],
        "firm": {
            "key": LANHAI,
            "name": "威海蓝海渔业有限公司",
            "aliases": ["蓝海渔业"],
            "region": "荣成市",
            "creditCode": None,
        },
        "review": None,
    }


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"industry": "17"}, [("威海海星环保装备有限公司", MONITORING, 15.0), ("青岛远洋监测科技有限公司", MONITORING, 10.0)]),
        ({"industry": "marine monitoring and detection equipment"}, [("威海海星环保装备有限公司", MONITORING, 15.0), ("青岛远洋监测科技有限公司", MONITORING, 10.0)]),
        ({"region": "环翠"}, [("威海海星环保装备有限公司", EQUIPMENT, 25.0), ("威海海星环保装备有限公司", MONITORING, 15.0)]),
        ({"minScore": 15, "maxScore": 25}, [("威海海星环保装备有限公司", EQUIPMENT, 25.0), ("威海海星环保装备有限公司", MONITORING, 15.0)]),
        ({"minScore": 36}, []),
        ({"local": False}, [("青岛远洋监测科技有限公司", MONITORING, 10.0)]),
        ({"local": True, "maxScore": 20}, [("威海海星环保装备有限公司", MONITORING, 15.0)]),
        ({"sort": "SCORE_ASC", "first": 2}, [("青岛远洋监测科技有限公司", MONITORING, 10.0), ("威海海星环保装备有限公司", MONITORING, 15.0)]),
        ({"sort": "NAME_ASC"}, [
            ("威海海星环保装备有限公司", MONITORING, 15.0),
            ("威海海星环保装备有限公司", EQUIPMENT, 25.0),
            ("威海蓝海渔业有限公司", AQUACULTURE, 35.0),
            ("青岛远洋监测科技有限公司", MONITORING, 10.0),
        ]),
        ({"industry": "海洋生态服务业"}, []),
    ],
)
def test_candidate_filters(any_client, variables, expected):
    result = candidates(any_client, **variables)
    assert names_scores(result) == expected
    if "first" not in variables:
        assert result["totalCount"] == len(expected)


def test_candidate_unknown_industry(client):
    response = post(client, CANDIDATES, {"industry": "造船业"})
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert error_code(response) == "BAD_USER_INPUT"
    assert body["errors"][0]["message"].startswith("industry '造船业' is unknown; use a name or code of: 15 绿色水产养殖业")


# -- pagination ----------------------------------------------------------------


def test_pagination_walks_every_page(any_client):
    seen, after, pages = [], None, 0
    while True:
        page = candidates(any_client, first=3, after=after)
        pages += 1
        assert page["totalCount"] == 4
        seen += names_scores(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 2
    assert seen == names_scores(candidates(any_client))
    assert page["pageInfo"] == {"hasNextPage": False, "endCursor": cursor(3)}


def test_pagination_last_page_exact(any_client):
    page = candidates(any_client, first=2, after=cursor(1))
    assert [name for name, _, _ in names_scores(page)] == ["威海海星环保装备有限公司", "青岛远洋监测科技有限公司"]
    assert page["pageInfo"] == {"hasNextPage": False, "endCursor": cursor(3)}


def test_pagination_past_end_is_empty(any_client):
    page = candidates(any_client, first=2, after=cursor(3))
    assert page == {"totalCount": 4, "edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}


def test_pagination_first_zero(any_client):
    page = candidates(any_client, first=0)
    assert page == {"totalCount": 4, "edges": [], "pageInfo": {"hasNextPage": True, "endCursor": None}}


def test_pagination_empty_result(any_client):
    page = candidates(any_client, industry="20", first=5)
    assert page == {"totalCount": 0, "edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}


@pytest.mark.parametrize("bad", ["nonsense", cursor(-1)[:-2], base64.urlsafe_b64encode(b"offset:x").decode(), "", "b2Zmc2V0OjA"])
def test_pagination_invalid_cursor(any_client, bad):
    response = post(any_client, CANDIDATES, {"after": bad})
    assert response.status_code == 200
    assert response.json()["data"] is None
    assert error_code(response) == "BAD_USER_INPUT"
    assert response.json()["errors"][0]["message"] == (
        f"cursor {bad!r} is invalid; pass an endCursor or cursor from an earlier page"
    )


def test_pagination_cursor_past_limit(client):
    response = post(client, CANDIDATES, {"after": cursor(10_000)})
    assert error_code(response) == "BAD_USER_INPUT"
    assert "is past offset 10000" in response.json()["errors"][0]["message"]


# -- entities ------------------------------------------------------------------

ENTITIES = """
query ($type: EntityType, $industry: String, $nameContains: String, $status: String, $region: String,
       $linkedTo: ID, $sort: EntitySort, $first: Int, $after: String) {
  entities(type: $type, industry: $industry, nameContains: $nameContains, status: $status, region: $region,
           linkedTo: $linkedTo, sort: $sort, first: $first, after: $after) {
    totalCount
    edges { node { key } }
    pageInfo { hasNextPage }
  }
}
"""


def entity_keys(client, **variables) -> tuple[list[str], int]:
    result = data(post(client, ENTITIES, variables))["entities"]
    return [e["node"]["key"] for e in result["edges"]], result["totalCount"]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"type": "Firm"}, [JIUGANG, HAIXING, LANHAI, QINGDAO]),
        ({"type": "Firm", "sort": "NAME_DESC"}, [QINGDAO, LANHAI, HAIXING, JIUGANG]),
        ({"status": "removed"}, [JIUGANG]),
        ({"nameContains": "蓝海"}, [LANHAI]),
        ({"nameContains": "海星环保"}, [HAIXING]),
        ({"nameContains": "滑翔"}, [GLIDER]),
        ({"nameContains": "（威海）"}, [INSTITUTE_KEY]),
        ({"industry": MONITORING}, [HAIXING, GLIDER, QINGDAO]),
        ({"industry": "15", "status": "current"}, [LANHAI]),
        ({"region": "环翠区"}, [HAIXING, INSTITUTE_KEY]),
        ({"linkedTo": INSTITUTE_KEY}, [LANHAI, PERSON_KEY]),
        ({"linkedTo": GLIDER, "type": "Department"}, [BUREAU]),
        ({"linkedTo": "Firm:不存在"}, []),
        ({"type": "Person"}, [PERSON_KEY]),
    ],
)
def test_entity_filters(any_client, variables, expected):
    keys, total = entity_keys(any_client, **variables)
    assert keys == expected
    assert total == len(expected)


def test_entities_all_types_paged(any_client):
    first, total = entity_keys(any_client, first=3)
    rest, _ = entity_keys(any_client, first=10, after=cursor(2))
    assert total == 8
    assert len(first) == 3
    assert len(rest) == 5
    assert set(first) | set(rest) == {HAIXING, JIUGANG, LANHAI, QINGDAO, INSTITUTE_KEY, PERSON_KEY, BUREAU, GLIDER}


def test_entity_every_field(client):
    query = """
    query ($key: ID!) { entity(key: $key) {
      __typename key type name aliases status removedOn region
      industries { key code name nameEn }
      evidence { sentence start end status extractorVersion confidence version { url } }
      ... on Person { role affiliation }
    } }
    """
    person = data(post(client, query, {"key": PERSON_KEY}))["entity"]
    assert person == {
        "__typename": "Person",
        "key": PERSON_KEY,
        "type": "Person",
        "name": "李明",
        "aliases": [],
        "status": "current",
        "removedOn": None,
        "region": None,
        "industries": [],
        "evidence": [
            {
                "sentence": "李明教授任职于山东大学（威海）海洋研究院。",
                "start": 0,
                "end": 2,
                "status": "current",
                "extractorVersion": "api-test-1",
                "confidence": 1.0,
                "version": {"url": PLAN_URL},
            }
        ],
        "role": "教授",
        "affiliation": "山东大学（威海）海洋研究院",
    }
    glider = data(post(client, query, {"key": GLIDER}))["entity"]
    assert glider["__typename"] == "Technology"
    assert glider["industries"] == [
        {"key": "industry:17", "code": "17", "name": MONITORING, "nameEn": "marine monitoring and detection equipment"}
    ]


def test_removed_entity_fields(client):
    query = """query ($key: ID!) { firm(key: $key) { status removedOn evidence { status sentence } candidates { key } } }"""
    firm = data(post(client, query, {"key": JIUGANG}))["firm"]
    assert firm["status"] == "removed"
    assert firm["removedOn"] == "2024-06-30"
    assert firm["evidence"] == [{"status": "removed", "sentence": "威海旧港船舶有限公司承担近海养殖网箱改造。"}]
    assert firm["candidates"] == []


def test_firm_candidates_and_evidence_limit(client):
    query = """query ($key: ID!) { firm(key: $key) { candidates { industry score } evidence(first: 1) { sentence } } }"""
    firm = data(post(client, query, {"key": HAIXING}))["firm"]
    assert firm["candidates"] == [{"industry": EQUIPMENT, "score": 25.0}, {"industry": MONITORING, "score": 15.0}]
    assert firm["evidence"] == [{"sentence": "威海海星环保装备有限公司推出船舶尾气净化装置。"}]


def test_firm_and_entity_missing(client):
    query = """query ($key: ID!) { firm(key: $key) { key } entity(key: $key) { key } }"""
    assert data(post(client, query, {"key": INSTITUTE_KEY})) == {"firm": None, "entity": {"key": INSTITUTE_KEY}}
    assert data(post(client, query, {"key": "Firm:没有这家公司"})) == {"firm": None, "entity": None}
    assert data(post(client, query, {"key": "no-prefix"})) == {"firm": None, "entity": None}


# -- search, counts, industries ------------------------------------------------------

SEARCH = """query ($q: String!, $first: Int, $after: String) {
  search(query: $q, first: $first, after: $after) { totalCount edges { node { key status } } pageInfo { hasNextPage } } }"""


def test_search_chinese_substrings(client):
    def keys(text, **variables):
        result = data(post(client, SEARCH, {"q": text, **variables}))["search"]
        return [e["node"]["key"] for e in result["edges"]], result["totalCount"], result["pageInfo"]["hasNextPage"]

    assert keys("远洋") == ([QINGDAO], 1, False)
    assert keys("滑翔") == ([GLIDER], 1, False)
    assert keys("蓝海渔业") == ([LANHAI], 1, False)
    assert keys("ＸＹＺ") == ([], 0, False)
    assert keys("   ") == ([], 0, False)
    # Current entities first, then shorter names; the removed shipyard last.
    assert keys("威海") == ([BUREAU, LANHAI, HAIXING, INSTITUTE_KEY, JIUGANG], 5, False)
    assert keys("威海", first=2, after=cursor(1)) == ([HAIXING, INSTITUTE_KEY], 5, True)
    assert keys("有限公司", first=1) == ([LANHAI], 4, True)


def test_search_query_too_long(client):
    response = post(client, SEARCH, {"q": "海" * 101})
    assert error_code(response) == "BAD_USER_INPUT"
    assert response.json()["errors"][0]["message"] == "query is 101 characters long; use at most 100"


def test_counts_by_each_key(client):
    query = """query ($by: CountBy!, $type: EntityType, $status: String) { counts(by: $by, type: $type, status: $status) { name count } }"""

    def counts(**variables):
        return [(c["name"], c["count"]) for c in data(post(client, query, variables))["counts"]]

    assert counts(by="TYPE") == [("Firm", 4), ("Department", 1), ("Institute", 1), ("Person", 1), ("Technology", 1)]
    assert counts(by="TYPE", status="removed") == [("Firm", 1)]
    assert counts(by="INDUSTRY", status="current") == [(MONITORING, 3), (EQUIPMENT, 1), (AQUACULTURE, 1)]
    assert counts(by="REGION", type="Firm") == [("乳山市", 1), ("环翠区", 1), ("荣成市", 1), ("青岛市", 1)]
    assert counts(by="REGION")[:2] == [(None, 3), ("环翠区", 2)]


def test_industries_and_stats(client):
    result = data(post(client, "{ industries { key code name nameEn } stats { nodes { name count } } }"))
    assert [i["code"] for i in result["industries"]] == ["15", "16", "17", "18", "19", "20"]
    assert result["industries"][0] == {"key": "industry:15", "code": "15", "name": AQUACULTURE, "nameEn": "green aquaculture"}
    nodes = {n["name"]: n["count"] for n in result["stats"]["nodes"]}
    assert nodes["Firm"] == 4
    assert nodes["Candidate"] == 4
    assert nodes["Document"] == 4


# -- neighbourhood ---------------------------------------------------------------

NEIGHBOURHOOD = """
query ($key: ID!, $depth: Int) { neighbourhood(key: $key, depth: $depth) {
  centre { key name }
  nodes { key type name status entity { __typename key } }
  relationships { type head tail status evidence { sentence version { url } } }
  truncated
} }
"""


def test_neighbourhood_depth_one(client):
    result = data(post(client, NEIGHBOURHOOD, {"key": GLIDER, "depth": 1}))["neighbourhood"]
    assert result["centre"] == {"key": GLIDER, "name": "水下滑翔机"}
    assert [(n["key"], n["type"]) for n in result["nodes"]] == [
        ("Department:威海市海洋发展局", "Department"),
        (HAIXING, "Firm"),
        (GLIDER, "Technology"),
        ("industry:17", "Industry"),
    ]
    assert result["nodes"][0]["entity"] == {"__typename": "Department", "key": BUREAU}
    assert result["nodes"][3]["entity"] is None
    assert [(r["type"], r["head"], r["tail"], r["status"]) for r in result["relationships"]] == [
        ("DEVELOPS", HAIXING, GLIDER, "current"),
        ("IN_INDUSTRY", GLIDER, "industry:17", "current"),
        ("RESPONSIBLE_FOR", BUREAU, GLIDER, "current"),
    ]
    assert result["relationships"][0]["evidence"] == [
        {"sentence": "威海海星环保装备有限公司研制水下滑翔机。", "version": {"url": PLAN_URL}}
    ]
    assert result["truncated"] is False


def test_neighbourhood_depth_two(client):
    result = data(post(client, NEIGHBOURHOOD, {"key": GLIDER, "depth": 2}))["neighbourhood"]
    keys = [n["key"] for n in result["nodes"]]
    assert keys == [BUREAU, HAIXING, GLIDER, "industry:17", "industry:18", "place:环翠区"]
    assert ("LOCATED_IN", HAIXING, "place:环翠区") in [(r["type"], r["head"], r["tail"]) for r in result["relationships"]]
    assert len(result["relationships"]) == 6


def test_neighbourhood_bad_depth_and_missing_key(client):
    response = post(client, NEIGHBOURHOOD, {"key": GLIDER, "depth": 3})
    assert error_code(response) == "BAD_USER_INPUT"
    assert response.json()["errors"][0]["message"] == "depth=3 is not supported; use 1 or 2"
    assert data(post(client, NEIGHBOURHOOD, {"key": "Technology:不存在"})) == {"neighbourhood": None}


def test_entity_neighbourhood_field(client):
    query = """{ entities(type: Firm, status: "current") { edges { node { key neighbourhood { nodes { key } } } } } }"""
    edges = data(post(client, query))["entities"]["edges"]
    by_key = {e["node"]["key"]: [n["key"] for n in e["node"]["neighbourhood"]["nodes"]] for e in edges}
    assert by_key[LANHAI] == [LANHAI, INSTITUTE_KEY, "industry:15", "place:荣成市"]
    assert by_key[QINGDAO] == [QINGDAO, "industry:17", "place:青岛市"]


# -- documents and changes ---------------------------------------------------------

DOCUMENT = """
query ($url: String!) { document(url: $url) {
  key url title status issuer documentNumber published repealedOn
  versions { key contentHash fetchedAt title status }
  amends { key } amendedBy { key } repeals { key } repealedBy { key }
} }
"""


def test_document_repealed(client):
    old = data(post(client, DOCUMENT, {"url": OLD_URL}))["document"]
    assert old == {
        "key": OLD_URL,
        "url": OLD_URL,
        "title": "近海养殖网箱改造通知",
        "status": "repealed",
        "issuer": None,
        "documentNumber": "威政办字〔2019〕3号",
        "published": "2019-04-01",
        "repealedOn": "2024-06-30",
        "versions": [
            {
                "key": f"{OLD_URL}#{'c' * 64}",
                "contentHash": "c" * 64,
                "fetchedAt": "2024-01-15T08:00:00Z",
                "title": "近海养殖网箱改造通知",
                "status": "current",
            }
        ],
        "amends": [],
        "amendedBy": [],
        "repeals": [],
        "repealedBy": [{"key": REPEAL_URL}],
    }
    repeal = data(post(client, DOCUMENT, {"url": REPEAL_URL}))["document"]
    assert repeal["repeals"] == [{"key": OLD_URL}]
    assert repeal["status"] == "current"
    assert data(post(client, DOCUMENT, {"url": "http://127.0.0.1/none"})) == {"document": None}


def test_documents_paged(client):
    query = """query ($after: String) { documents(first: 3, after: $after) {
      totalCount edges { node { key versions { key } } } pageInfo { hasNextPage endCursor } } }"""
    first = data(post(client, query))["documents"]
    assert first["totalCount"] == 4
    assert [e["node"]["key"] for e in first["edges"]] == [OLD_URL, NOTICE_URL, PLAN_URL]
    assert first["pageInfo"] == {"hasNextPage": True, "endCursor": cursor(2)}
    second = data(post(client, query, {"after": first["pageInfo"]["endCursor"]}))["documents"]
    assert [e["node"]["key"] for e in second["edges"]] == [REPEAL_URL]
    assert second["edges"][0]["node"]["versions"] == [{"key": f"{REPEAL_URL}#{'d' * 64}"}]
    assert second["pageInfo"] == {"hasNextPage": False, "endCursor": cursor(3)}


CHANGES = """
query ($since: String!) { changes(since: $since) {
  since
  versions { totalCount edges { node { key } } }
  documents { totalCount edges { node { key } } }
  entities(first: 10) { totalCount edges { node { key } } }
} }
"""


def test_changes_since_date(client):
    result = data(post(client, CHANGES, {"since": "2024-06-01"}))["changes"]
    assert result["since"] == "2024-06-01"
    assert [e["node"]["key"] for e in result["versions"]["edges"]] == [
        f"{NOTICE_URL}#{'b' * 64}",
        f"{REPEAL_URL}#{'d' * 64}",
    ]
    assert [e["node"]["key"] for e in result["documents"]["edges"]] == [OLD_URL, NOTICE_URL, REPEAL_URL]
    assert [e["node"]["key"] for e in result["entities"]["edges"]] == [JIUGANG, HAIXING, LANHAI]
    assert result["entities"]["totalCount"] == 3


def test_changes_since_time_and_future(client):
    result = data(post(client, CHANGES, {"since": "2024-06-01T09:00:00+01:00"}))["changes"]
    assert result["since"] == "2024-06-01T08:00:00"
    assert result["versions"]["totalCount"] == 2
    future = data(post(client, CHANGES, {"since": "2030-01-01"}))["changes"]
    assert future["versions"] == {"totalCount": 0, "edges": []}
    assert future["documents"] == {"totalCount": 0, "edges": []}
    assert future["entities"] == {"totalCount": 0, "edges": []}


def test_changes_invalid_date(client):
    response = post(client, CHANGES, {"since": "last week"})
    assert error_code(response) == "BAD_USER_INPUT"
    assert response.json()["errors"][0]["message"] == (
        "since 'last week' is not an ISO date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"
    )


# -- query counts and injection --------------------------------------------------------

NESTED = """
query ($first: Int) {
  candidates(first: $first) { totalCount edges { node {
    name review { status } factors { evidence { sentence version { title } } }
    firm { name evidence { sentence } candidates { score firm { key } }
           neighbourhood(depth: 2) { nodes { entity { name } } relationships { evidence { sentence } } } }
  } } }
}
"""


def test_query_count_bounded(client, counting):
    counting.reads = 0
    data(post(client, NESTED, {"first": 1}))
    reads_for_one = counting.reads
    counting.reads = 0
    data(post(client, NESTED, {"first": 4}))
    reads_for_four = counting.reads
    # At most: candidates page and count, reviews, factor versions, firms,
    # firm evidence, firm candidates and their firms (8), neighbourhood
    # centres (1), two hops of one query per label (10), node entities by
    # label (5), relationship evidence (1). The labels met differ with
    # the page, so the exact number does too, within that bound.
    assert reads_for_one == 15
    assert reads_for_four == 18
    assert reads_for_four <= 25


def test_query_count_entities_page(client, counting):
    query = """query ($first: Int) { entities(first: $first) { edges { node { key evidence { sentence } industries { name }
      ... on Firm { candidates { review { note } } } } } } }"""
    counting.reads = 0
    data(post(client, query, {"first": 1}))
    reads_for_one = counting.reads
    counting.reads = 0
    data(post(client, query, {"first": 8}))
    # Five page queries (one per label), evidence; the first entity by
    # name is a Department, so one has no candidates and no reviews.
    assert reads_for_one == 6
    assert counting.reads == 8


def test_query_count_independent_of_page(client, counting):
    query = """query ($first: Int) { documents(first: $first) { totalCount edges { node {
      versions { key } amends { key } amendedBy { key } repeals { key versions { key } } repealedBy { key }
    } } } }"""
    counting.reads = 0
    data(post(client, query, {"first": 1}))
    reads_for_one = counting.reads
    counting.reads = 0
    data(post(client, query, {"first": 4}))
    # Page, count, versions and four links; the first page repeals
    # nothing, so only the full page reads versions of repealed documents.
    assert reads_for_one == 7
    assert counting.reads == 8


@pytest.mark.parametrize(
    "hostile",
    [
        "') RETURN 1 //",
        "\"}) MATCH (n) DETACH DELETE n //",
        "' OR 1=1 --",
        "$text",
        "n.name CONTAINS ''",
    ],
)
def test_filter_values_are_only_data(client, api_graph, hostile):
    query = """query ($v: String!, $k: ID!) {
      entities(nameContains: $v, region: $v, status: null) { totalCount }
      linked: entities(linkedTo: $k) { totalCount }
      search(query: $v) { totalCount }
      candidates(region: $v) { totalCount }
      entity(key: $k) { key }
      document(url: $v) { key }
    }"""
    result = data(post(client, query, {"v": hostile, "k": hostile}))
    assert result == {
        "entities": {"totalCount": 0},
        "linked": {"totalCount": 0},
        "search": {"totalCount": 0},
        "candidates": {"totalCount": 0},
        "entity": None,
        "document": None,
    }
    assert api_graph.read("MATCH (n:Firm) RETURN count(n) AS n")[0]["n"] == 4
