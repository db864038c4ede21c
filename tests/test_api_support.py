"""A small graph for the API tests, loaded from model records, and the
helpers the API test modules share. It defines no tests itself.

The graph has four documents. A 2021 plan names three firms, an
institute, a person, a department and a technology. A 2024 notice names
two of the firms again. A 2019 notice names a shipyard, and a 2024
decision repeals that notice, so the shipyard is removed. Candidates are ranked with the
scoring file below, so every score is known exactly.
"""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from bluecarbon.model import (
    AFFILIATED_WITH,
    COOPERATES_WITH,
    DEPARTMENT,
    DEVELOPS,
    FIRM,
    INSTITUTE,
    PERSON,
    RESPONSIBLE_FOR,
    TECHNOLOGY,
    DocumentInfo,
    Entity,
    Evidence,
    Extraction,
    Relation,
    SourceVersion,
)
from bluecarbon.settings import Settings

AQUACULTURE = "绿色水产养殖业"
MONITORING = "海洋监测探测装备产业"
EQUIPMENT = "海洋节能环保装备产业"

PLAN_URL = "http://127.0.0.1/weihai/plan-2021.html"
NOTICE_URL = "http://127.0.0.1/weihai/notice-2024.html"
OLD_URL = "http://127.0.0.1/weihai/notice-2019.html"
REPEAL_URL = "http://127.0.0.1/weihai/repeal-2024.html"

LANHAI = "Firm:威海蓝海渔业有限公司"
HAIXING = "Firm:威海海星环保装备有限公司"
QINGDAO = "Firm:青岛远洋监测科技有限公司"
JIUGANG = "Firm:威海旧港船舶有限公司"
INSTITUTE_KEY = "Institute:山东大学(威海)海洋研究院"
GLIDER = "Technology:水下滑翔机"
BUREAU = "Department:威海市海洋发展局"

# Points per distinct sentence that names the firm with its industry,
# and a bonus for a firm in the city.
SCORING = """
version: api-test-1
local_regions: [环翠区, 荣成市, 文登区, 乳山市]
thin_evidence: {min_sentences: 0}
groups:
  - name: activity
    cap: 100
    factors:
      - {name: industry sentences, count: industry_sentences, points: 10, max: 30}
  - name: place
    cap: 5
    factors:
      - {name: local firm, count: local_region, points: 5, max: 5}
"""

PLAN_SENTENCES = [
    "威海蓝海渔业有限公司在荣成市建设深远海养殖平台。",
    "威海海星环保装备有限公司研制水下滑翔机。",
    "青岛远洋监测科技有限公司参与海洋监测网络建设。",
    "山东大学（威海）海洋研究院与威海蓝海渔业有限公司开展合作。",
    "李明教授任职于山东大学（威海）海洋研究院。",
    "威海市海洋发展局负责监督海洋监测项目。",
]
NOTICE_SENTENCES = [
    "威海蓝海渔业有限公司获评生态养殖示范基地。",
    "威海海星环保装备有限公司推出船舶尾气净化装置。",
]


def _evidence(sentence: str, name: str) -> list[Evidence]:
    start = sentence.index(name)
    return [Evidence(sentence, start, start + len(name))]


def _plan() -> tuple[SourceVersion, Extraction]:
    s = PLAN_SENTENCES
    entities = [
        Entity(FIRM, "威海蓝海渔业有限公司", aliases=["蓝海渔业"], industries=[AQUACULTURE],
               region="荣成市", evidence=_evidence(s[0], "威海蓝海渔业有限公司") + _evidence(s[3], "威海蓝海渔业有限公司")),
        Entity(FIRM, "威海海星环保装备有限公司", aliases=["海星环保"], industries=[EQUIPMENT, MONITORING],
               region="环翠区", evidence=_evidence(s[1], "威海海星环保装备有限公司")),
        Entity(FIRM, "青岛远洋监测科技有限公司", industries=[MONITORING], region="青岛市",
               evidence=_evidence(s[2], "青岛远洋监测科技有限公司")),
        Entity(INSTITUTE, "山东大学（威海）海洋研究院", region="环翠区",
               evidence=_evidence(s[3], "山东大学（威海）海洋研究院")),
        Entity(PERSON, "李明", role="教授", affiliation="山东大学（威海）海洋研究院",
               evidence=_evidence(s[4], "李明")),
        Entity(DEPARTMENT, "威海市海洋发展局", evidence=_evidence(s[5], "威海市海洋发展局")),
        Entity(TECHNOLOGY, "水下滑翔机", industries=[MONITORING], evidence=_evidence(s[1], "水下滑翔机")),
    ]
    relations = [
        Relation("威海海星环保装备有限公司", FIRM, DEVELOPS, "水下滑翔机", TECHNOLOGY, evidence=[Evidence(s[1], 0, len(s[1]))]),
        Relation("山东大学（威海）海洋研究院", INSTITUTE, COOPERATES_WITH, "威海蓝海渔业有限公司", FIRM,
                 evidence=[Evidence(s[3], 0, len(s[3]))]),
        Relation("威海市海洋发展局", DEPARTMENT, RESPONSIBLE_FOR, "水下滑翔机", TECHNOLOGY,
                 evidence=[Evidence(s[5], 0, len(s[5]))]),
    ]
    version = SourceVersion(
        url=PLAN_URL, content_hash="a" * 64, fetched_at="2024-03-01T08:00:00Z",
        title="威海市海洋生态产业发展规划", issuer="威海市人民政府",
        document_number="威政发〔2021〕5号", published="2021-06-01",
    )
    return version, Extraction(entities, relations, DocumentInfo(title=version.title), "api-test-1")


def _notice() -> tuple[SourceVersion, Extraction]:
    s = NOTICE_SENTENCES
    entities = [
        Entity(FIRM, "威海蓝海渔业有限公司", industries=[AQUACULTURE], region="荣成市",
               evidence=_evidence(s[0], "威海蓝海渔业有限公司")),
        Entity(FIRM, "威海海星环保装备有限公司", industries=[EQUIPMENT], region="环翠区",
               evidence=_evidence(s[1], "威海海星环保装备有限公司")),
    ]
    version = SourceVersion(
        url=NOTICE_URL, content_hash="b" * 64, fetched_at="2024-06-01T08:00:00Z",
        title="关于公布生态养殖示范基地的通知", published="2024-05-20",
    )
    return version, Extraction(entities, [], DocumentInfo(title=version.title), "api-test-1")


def _old_notice() -> tuple[SourceVersion, Extraction]:
    sentence = "威海旧港船舶有限公司承担近海养殖网箱改造。"
    entities = [
        Entity(FIRM, "威海旧港船舶有限公司", industries=[AQUACULTURE], region="乳山市",
               evidence=_evidence(sentence, "威海旧港船舶有限公司")),
    ]
    version = SourceVersion(
        url=OLD_URL, content_hash="c" * 64, fetched_at="2024-01-15T08:00:00Z",
        title="近海养殖网箱改造通知", document_number="威政办字〔2019〕3号", published="2019-04-01",
    )
    return version, Extraction(entities, [], DocumentInfo(title=version.title), "api-test-1")


def _repeal() -> tuple[SourceVersion, Extraction]:
    version = SourceVersion(
        url=REPEAL_URL, content_hash="d" * 64, fetched_at="2024-07-01T08:00:00Z",
        title="关于废止部分规范性文件的决定", document_number="威政发〔2024〕9号", published="2024-06-30",
    )
    info = DocumentInfo(title=version.title, repeals=["威政办字〔2019〕3号"])
    return version, Extraction([], [], info, "api-test-1")


def load_api_graph(store, tmp_path) -> None:
    """Empty the store and load the four documents, then rank."""
    store.write("MATCH (n) DETACH DELETE n", "empty the test graph")
    store.migrate()
    for version, extraction in (_plan(), _old_notice(), _notice(), _repeal()):
        store.load(version, extraction)
    scoring = tmp_path / "scoring.yaml"
    scoring.write_text(SCORING, encoding="utf-8")
    store.rank(scoring)


class CountingStore:
    """The store, counting the queries run through it."""

    def __init__(self, store):
        self.store = store
        self.dialect = store.dialect
        self.reads = 0
        self.writes = 0

    def read(self, *args, **kwargs):
        self.reads += 1
        return self.store.read(*args, **kwargs)

    def write(self, *args, **kwargs):
        self.writes += 1
        return self.store.write(*args, **kwargs)

    def stats(self):
        self.reads += 2
        return self.store.stats()


def api_settings(**changes) -> Settings:
    values = {
        "data_dir": None,
        "neo4j_uri": None,
        "neo4j_user": "neo4j",
        "neo4j_password": None,
        "neo4j_database": None,
        "api_tokens": {"alice": "secret-alice", "bob": "secret-bob"},
        "api_rate_limit": 0.0,
        "api_cache_seconds": 0.0,
    }
    values.update(changes)
    return Settings(**values)


_loaded_checksum: list[str] = []


@pytest.fixture(scope="module")
def api_graph(graph_server, tmp_path_factory):
    """The session's store holding the API test graph. Other modules
    empty the store and reviews change it, so each module loads the
    graph again unless the store's checksum shows it unchanged."""
    if not _loaded_checksum or graph_server.checksum() != _loaded_checksum[0]:
        load_api_graph(graph_server, tmp_path_factory.mktemp("api"))
        _loaded_checksum[:] = [graph_server.checksum()]
    return graph_server


@pytest.fixture
def counting(api_graph):
    return CountingStore(api_graph)


@pytest.fixture
def client(counting):
    from api.server import create_app

    return TestClient(create_app(counting, api_settings()))


@pytest.fixture(params=[0.0, 30.0], ids=["uncached", "cached"])
def any_client(request, counting):
    """A client with the candidate order cache off, then on."""
    from api.server import create_app

    return TestClient(create_app(counting, api_settings(api_cache_seconds=request.param)))


def post(client, query: str, variables: dict | None = None, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)


def data(response) -> dict:
    """Return the data of a successful response."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def error_code(response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]
