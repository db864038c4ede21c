"""The Weihai plan with its amendment notice, through the real command line.

The plan is the user's own input document; it lies beside the repository
in ``../shared/seeds`` when the tests run in CI, and these tests skip when
it is absent.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
PLAN = SEEDS / "weihai-blue-carbon-action-plan-2021-2025.txt"

pytestmark = pytest.mark.skipif(not PLAN.exists(), reason=f"{PLAN} is not present")

REMOVED_FIRMS = {
    "荣成市地宝土壤生物调节剂有限公司",
    "威海耐特新型材料科技开发有限公司",
    "世代海洋生物科技股份有限公司",
    "优艾斯生物科技有限公司",
    "温喜生物科技公司",
    "中恒能生物能源技术有限公司",
}

INSTITUTES = {
    "桑沟湾贝藻碳汇实验室",
    "威海市海洋生态经济研究院",
    "山东大学（威海）",
    "哈尔滨工业大学（威海）",
    "唐启升院士工作站",
    "焦念志院士工作站",
}

TECHNOLOGY_INDUSTRIES = {
    "水下滑翔机": "海洋监测探测装备产业",
    "水听器": "海洋监测探测装备产业",
    "船舶压载水处理": "海洋节能环保装备产业",
    "船用脱硫": "海洋节能环保装备产业",
    "高性能耐蚀钛合金": "海洋生态新材料产业",
    "碳纤维材料": "海洋生态新材料产业",
}


def bluecarbon(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bluecarbon.cli", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def entities(tmp_path_factory) -> dict[tuple[str, str], dict]:
    data_dir = tmp_path_factory.mktemp("extract")
    result = bluecarbon("extract", str(PLAN), "--format", "jsonl", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert not (data_dir / "documents").exists()
    return {(record["type"], record["name"]): record for record in records}


def test_extract_records_name_document(entities):
    for record in entities.values():
        assert record["document"] == str(PLAN)


def test_deleted_firms_marked_removed(entities):
    firms = {name: record for (kind, name), record in entities.items() if kind == "Firm"}
    for name in REMOVED_FIRMS:
        assert name in firms, f"{name} missing"
        assert firms[name]["status"] == "removed"
        assert firms[name]["industries"] == []


def test_evidence_offsets_index_input(entities):
    text = PLAN.read_text(encoding="utf-8")
    record = entities[("Firm", "荣成市地宝土壤生物调节剂有限公司")]
    for evidence in record["evidence"]:
        assert text[evidence["start"]:evidence["end"]] == "荣成市地宝土壤生物调节剂有限公司"
        assert "荣成市地宝土壤生物调节剂有限公司" in evidence["sentence"]


def test_academicians_are_experts(entities):
    for name in ("唐启升", "焦念志"):
        person = entities[("Person", name)]
        assert person["role"].startswith("expert")


def test_slogan_name_is_not_person(entities):
    assert ("Person", "习近平") not in entities


def test_research_bodies_found(entities):
    for name in INSTITUTES:
        assert ("Institute", name) in entities, f"{name} missing"


def test_research_body_aliases(entities):
    institute = entities[("Institute", "威海市海洋生态经济研究院")]
    assert "威海海洋生态经济研究院" in institute["aliases"]
    campus = entities[("Institute", "哈尔滨工业大学（威海）")]
    assert "哈工大（威海）" in campus["aliases"]


def test_city_bureaus_resolved(entities):
    bureau = entities[("Department", "威海市海洋发展局")]
    assert "市海洋发展局" in bureau["aliases"]
    assert ("Department", "威海市科技局") in entities
    assert ("Department", "市海洋发展局") not in entities


def test_technologies_linked_to_industry(entities):
    for name, industry in TECHNOLOGY_INDUSTRIES.items():
        technology = entities[("Technology", name)]
        assert technology["industries"] == [industry]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("build")
    result = bluecarbon("build", str(SEEDS), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir


def test_build_stores_plan(built):
    result = bluecarbon("documents", "--format", "jsonl", data_dir=built)
    assert result.returncode == 0, result.stderr
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(documents) == 1
    assert documents[0]["url"] == PLAN.resolve().as_uri()
    assert documents[0]["status"] == "ok"
    assert documents[0]["versions"] == 1


def test_build_loads_graph(built):
    result = bluecarbon("stats", "--format", "json", data_dir=built)
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["nodes"]["Industry"] == 6
    assert stats["nodes"]["Document"] >= 1
    assert stats["nodes"]["DocumentVersion"] == 1
    assert stats["nodes"]["Firm"] >= 6
    assert stats["relationships"]["IN_INDUSTRY"] >= len(TECHNOLOGY_INDUSTRIES)


def test_graphql_technologies_by_industry(built):
    from api.server import create_app
    from bluecarbon.settings import load_settings
    from graph import open_graph
    from starlette.testclient import TestClient

    query = """
      query ($industry: String) {
        entities(type: Technology, industry: $industry, first: 100) {
          edges { node { name industries { name } evidence { sentence version { url } } } }
        }
      }
    """
    with open_graph(load_settings(built, environ={})) as graph:
        client = TestClient(create_app(graph))
        response = client.post(
            "/graphql",
            json={"query": query, "variables": {"industry": "海洋监测探测装备产业"}},
        )
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body
    items = [edge["node"] for edge in body["data"]["entities"]["edges"]]
    names = {item["name"] for item in items}
    assert {"水下滑翔机", "水听器"} <= names
    glider = next(i for i in items if i["name"] == "水下滑翔机")
    assert glider["evidence"][0]["version"]["url"] == PLAN.resolve().as_uri()
    assert "水下滑翔机" in glider["evidence"][0]["sentence"]


def test_removed_firms_never_candidates(built):
    result = bluecarbon("candidates", "--format", "json", data_dir=built)
    assert result.returncode == 0, result.stderr
    names = {candidate["name"] for candidate in json.loads(result.stdout)}
    assert not names & REMOVED_FIRMS
