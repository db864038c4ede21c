"""``build`` on the bundled demo site, end to end over HTTP and Bolt.

The demo site's README lists what a careful reader sees on its pages; this
test checks that the graph contains exactly those firms, with their
statuses, regions, industries and links.
"""

from __future__ import annotations

import dataclasses
import socket

import pytest

from bluecarbon import pipeline
from crawlers.demo import serve_demo

WEIHAI_FIRMS = {
    "威海海澜生物科技有限公司": "绿色水产养殖业",
    "荣成市泓海水产科技有限公司": "绿色水产养殖业",
    "威海碧海生物制品有限公司": "海洋废弃物高值化利用产业",
    "威海鑫镕海洋装备有限公司": "海洋监测探测装备产业",
    "威海清波环保装备有限公司": "海洋节能环保装备产业",
    "威海海源新材料科技有限公司": "海洋生态新材料产业",
    "威海蓝碳生态服务有限公司": "海洋生态服务业",
}
REMOVED_FIRMS = {"威海蓝鲸海洋仪器有限公司", "威海海宝水产有限公司"}
OTHER_CITY_FIRMS = {"青岛深蓝渔业科技有限公司": "青岛", "烟台海泰装备制造有限公司": "烟台"}
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_START_DELAY": 0, "AUTOTHROTTLE_MAX_DELAY": 0.5}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def demo_graph(graph_server, graph_settings, tmp_path_factory):
    graph_server.write("MATCH (n) DETACH DELETE n", "empty the test graph")
    graph_server.migrate()
    settings = dataclasses.replace(graph_settings, data_dir=tmp_path_factory.mktemp("demo"))
    port = free_port()
    with serve_demo(port=port) as base_url:
        crawl_report, load_report = pipeline.build(
            settings, [f"{base_url}/"], crawl_settings=FAST
        )
    return graph_server, settings, port, crawl_report, load_report


def firms(graph) -> dict[str, dict]:
    rows = graph.read(
        "MATCH (f:Firm) RETURN f.name AS name, f.status AS status, "
        "f.region AS region, f.aliases AS aliases, f.key AS key, "
        "f.credit_code AS credit_code"
    )
    found = {row["name"]: row for row in rows}
    assert len(found) == len(rows), "two Firm nodes share a name"
    return found


def test_crawl_stores_every_page(demo_graph):
    _, _, _, crawl_report, load_report = demo_graph
    assert crawl_report.new == 9
    assert crawl_report.skipped_by_robots == 1
    assert crawl_report.failed == 0
    assert load_report.versions == 9
    assert load_report.failed == []


def test_firm_set_is_exact(demo_graph):
    graph = demo_graph[0]
    expected = set(WEIHAI_FIRMS) | REMOVED_FIRMS | set(OTHER_CITY_FIRMS)
    assert set(firms(graph)) == expected


def test_firm_statuses(demo_graph):
    found = firms(demo_graph[0])
    for name in WEIHAI_FIRMS:
        assert found[name]["status"] == "current", name
    for name in OTHER_CITY_FIRMS:
        assert found[name]["status"] == "current", name
    for name in REMOVED_FIRMS:
        assert found[name]["status"] == "removed", name


def test_firm_regions(demo_graph):
    found = firms(demo_graph[0])
    for name, region in OTHER_CITY_FIRMS.items():
        assert region in found[name]["region"], name
    assert "荣成" in found["荣成市泓海水产科技有限公司"]["region"]


def test_short_names_are_aliases(demo_graph):
    found = firms(demo_graph[0])
    assert "海澜生物" in found["威海海澜生物科技有限公司"]["aliases"]
    assert "青岛深蓝" in found["青岛深蓝渔业科技有限公司"]["aliases"]


def test_credit_codes_from_directory(demo_graph):
    found = firms(demo_graph[0])
    assert found["威海海澜生物科技有限公司"]["credit_code"] == "91371000MA3C7HL2X4"
    assert found["威海鑫镕海洋装备有限公司"]["credit_code"] == "91371003MA3F2NB8YT"


def test_current_firms_in_their_industry(demo_graph):
    graph = demo_graph[0]
    for name, industry in WEIHAI_FIRMS.items():
        rows = graph.read(
            "MATCH (f:Firm {name: $name})-[r:IN_INDUSTRY]->(i:Industry) "
            "WHERE r.status = 'current' RETURN i.name AS industry",
            name=name,
        )
        assert industry in {row["industry"] for row in rows}, name


def test_removed_firms_have_no_current_industry(demo_graph):
    graph = demo_graph[0]
    for name in REMOVED_FIRMS:
        rows = graph.read(
            "MATCH (f:Firm {name: $name})-[r:IN_INDUSTRY]->(:Industry) "
            "WHERE r.status = 'current' RETURN count(r) AS links",
            name=name,
        )
        assert rows[0]["links"] == 0, name


def test_news_cooperation_link(demo_graph):
    rows = demo_graph[0].read(
        "MATCH (a:Firm)-[r:COOPERATES_WITH]-(b:Firm) "
        "RETURN a.name AS a, b.name AS b"
    )
    pairs = {(row["a"], row["b"]) for row in rows}
    assert ("威海海澜生物科技有限公司", "青岛深蓝渔业科技有限公司") in pairs


def test_amendment_and_repeal_links(demo_graph):
    graph = demo_graph[0]
    amends = graph.read(
        "MATCH (a:Document)-[:AMENDS]->(b:Document) "
        "RETURN a.document_number AS a, b.document_number AS b"
    )
    repeals = graph.read(
        "MATCH (a:Document)-[:REPEALS]->(b:Document) "
        "RETURN a.document_number AS a, b.document_number AS b"
    )
    assert {(row["a"], row["b"]) for row in amends} == {
        ("威海政办字〔2024〕12号", "威海政办字〔2024〕5号")
    }
    assert {(row["a"], row["b"]) for row in repeals} == {
        ("威海政办字〔2024〕12号", "威政办字〔2021〕17号")
    }


def test_expert_affiliations(demo_graph):
    rows = demo_graph[0].read(
        "MATCH (p:Person)-[:AFFILIATED_WITH]->(o) "
        "RETURN p.name AS person, o.name AS organisation"
    )
    affiliations = {row["person"]: row["organisation"] for row in rows}
    # A college such as 海洋学院 may stand after the university's name.
    assert affiliations["王立新"].startswith("山东大学（威海）")
    assert affiliations["李国平"].startswith("哈尔滨工业大学（威海）")
    assert affiliations["陈建华"] == "中国水产科学研究院黄海水产研究所"


def test_admin_page_never_fetched(demo_graph):
    rows = demo_graph[0].read(
        "MATCH (f:Firm) WHERE f.name CONTAINS '草稿' RETURN count(f) AS firms"
    )
    assert rows[0]["firms"] == 0


def test_candidates_rank_local_firms_first(demo_graph):
    graph = demo_graph[0]
    candidates = graph.candidates(industry="绿色水产养殖业")
    names = [candidate["name"] for candidate in candidates]
    assert names[0] == "威海海澜生物科技有限公司"
    assert not REMOVED_FIRMS & set(names)
    qingdao = next(c for c in candidates if c["name"] == "青岛深蓝渔业科技有限公司")
    assert "non-local" in qingdao["flags"]
    for candidate in candidates:
        total = sum(factor["points"] for factor in candidate["factors"])
        assert candidate["score"] == pytest.approx(total)


def test_rebuild_adds_nothing(demo_graph):
    graph, settings, port, _, _ = demo_graph
    before = graph.checksum()
    with serve_demo(port=port) as base_url:
        crawl_report, load_report = pipeline.build(
            settings, [f"{base_url}/"], crawl_settings=FAST
        )
    assert crawl_report.new == 0
    assert crawl_report.unchanged == 9
    assert load_report.versions == 0
    assert graph.checksum() == before
