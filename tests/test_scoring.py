"""Scoring of demonstration-firm candidates on a small graph, with exact
scores and factor breakdowns from seeds/scoring.yaml."""

from __future__ import annotations

import json

import pytest
import yaml

from bluecarbon.errors import ConfigError
from bluecarbon.model import (
    COOPERATES_WITH,
    DEVELOPS,
    FIRM,
    INSTITUTE,
    PERSON,
    REMOVED,
    TECHNOLOGY,
    DocumentInfo,
    Entity,
    Evidence,
    Extraction,
    Relation,
    SourceVersion,
)
from graph.scoring import DEFAULT_SCORING_PATH, load_scoring

AQUACULTURE = "绿色水产养殖业"
MONITORING = "海洋监测探测装备产业"
PLAN_URL = "https://www.weihai.gov.cn/art/2021/plan.html"
NEWS_URL = "https://news.example.com/lanhai.html"
QINGDAO_URL = "https://news.example.com/qingdao.html"
PLAN_NUMBER = "威海发〔2021〕5号"

LANHAI = "威海蓝海生物科技有限公司"
HAIYUN = "威海海韵食品有限公司"
JIUGANG = "威海旧港渔业有限公司"
QINGDAO = "青岛远洋装备有限公司"

S_EXPAND = f"{LANHAI}投资3亿元扩建海参育苗基地。"
S_PATENT = f"{LANHAI}获得发明专利12项，年产值增长20%。"
S_NEWS = f"{LANHAI}新建年产万吨饲料项目，总投资5000万元。"
S_COOPERATE = f"{LANHAI}与山东大学（威海）共建研发中心。"
S_EXPERT = f"李明任{LANHAI}首席专家。"
S_DEVELOP = f"{LANHAI}研发海参良种繁育技术。"
S_HAIYUN = f"{HAIYUN}发展海洋食品加工。"
S_JIUGANG = f"{JIUGANG}建设大型养殖工船。"


def evidence_at(sentence: str, name: str, offset: int = 0) -> Evidence:
    """Return evidence for ``name`` in ``sentence``, which starts at
    ``offset`` in the document (evidence keys include the offsets)."""
    start = offset + sentence.index(name)
    return Evidence(sentence, start, start + len(name))


def entity(kind: str, name: str, *sentences: str, **fields) -> Entity:
    evidence = [evidence_at(s, name, 1000 * i) for i, s in enumerate(sentences)]
    return Entity(type=kind, name=name, evidence=evidence, **fields)


def link(head: Entity, type_: str, tail: Entity, sentence: str) -> Relation:
    return Relation(
        head=head.name,
        head_type=head.type,
        type=type_,
        tail=tail.name,
        tail_type=tail.type,
        evidence=[Evidence(sentence, 0, len(sentence))],
    )


def load_fixture(store) -> None:
    lanhai = entity(
        FIRM, LANHAI, S_EXPAND, S_PATENT, industries=[AQUACULTURE], region="荣成市"
    )
    institute = entity(INSTITUTE, "山东大学（威海）", S_COOPERATE)
    expert = entity(PERSON, "李明", S_EXPERT, role="首席专家", affiliation=LANHAI)
    technology = entity(
        TECHNOLOGY, "海参良种繁育技术", S_DEVELOP, industries=[AQUACULTURE]
    )
    store.load(
        SourceVersion(PLAN_URL, "p1", "2021-06-02T00:00:00Z", published="2021-06-01"),
        Extraction(
            entities=[
                lanhai,
                institute,
                expert,
                technology,
                entity(
                    FIRM, HAIYUN, S_HAIYUN, industries=[AQUACULTURE], region="文登区"
                ),
                entity(
                    FIRM, JIUGANG, S_JIUGANG, industries=[AQUACULTURE], region="乳山市"
                ),
            ],
            relations=[
                link(lanhai, COOPERATES_WITH, institute, S_COOPERATE),
                link(lanhai, DEVELOPS, technology, S_DEVELOP),
            ],
            document=DocumentInfo(
                title="威海市海洋经济示范企业培育方案", document_number=PLAN_NUMBER
            ),
        ),
    )
    store.load(
        SourceVersion(NEWS_URL, "n1", "2024-03-01T00:00:00Z", title="蓝海生物新项目"),
        Extraction(entities=[entity(FIRM, LANHAI, S_NEWS, industries=[AQUACULTURE])]),
    )
    store.load(
        SourceVersion(QINGDAO_URL, "q1", "2024-04-01T00:00:00Z"),
        Extraction(
            entities=[
                entity(
                    FIRM,
                    QINGDAO,
                    f"{QINGDAO}研制水下滑翔机。",
                    f"{QINGDAO}营业收入增长15%。",
                    industries=[MONITORING],
                    region="青岛市",
                )
            ]
        ),
    )
    # The amendment deletes the plan's only mention of 旧港渔业.
    store.load(
        SourceVersion(
            "https://www.weihai.gov.cn/art/2022/amend.html",
            "m1",
            "2022-01-05T00:00:00Z",
            published="2022-01-01",
        ),
        Extraction(
            entities=[entity(FIRM, JIUGANG, f"删去“{JIUGANG}”。", status=REMOVED)],
            document=DocumentInfo(title="关于修改培育方案的通知", amends=[PLAN_NUMBER]),
        ),
    )


def plan_evidence(sentence: str) -> dict:
    return {
        "document": PLAN_URL,
        "title": "威海市海洋经济示范企业培育方案",
        "version": f"{PLAN_URL}#p1",
        "sentence": sentence,
    }


def news_evidence(sentence: str) -> dict:
    return {
        "document": NEWS_URL,
        "title": "蓝海生物新项目",
        "version": f"{NEWS_URL}#n1",
        "sentence": sentence,
    }


@pytest.fixture
def ranked(graph_store):
    load_fixture(graph_store)
    return graph_store.rank()


def by_name(candidates: list[dict]) -> dict[str, dict]:
    return {c["name"]: c for c in candidates}


def test_rank_orders_candidates(ranked, graph_store):
    names = [
        (c["name"], c["industry"], c["score"], c["flags"])
        for c in graph_store.candidates()
    ]

    assert names == [
        (LANHAI, AQUACULTURE, 74, []),
        (HAIYUN, AQUACULTURE, 23, ["thin-evidence"]),
        (QINGDAO, MONITORING, 15, ["non-local"]),
    ]
    assert [c["name"] for c in ranked] == [n[0] for n in names]


def test_factor_breakdown_of_local_firm(ranked):
    lanhai = by_name(ranked)[LANHAI]
    points = {f["name"]: f["points"] for f in lanhai["factors"]}

    assert points == {
        "industry_sentences": 9,
        "industry_documents": 10,
        "institute_links": 5,
        "expert_links": 3,
        "technology_links": 3,
        "patents_standards_awards": 3,
        "expansion": 8,
        "investment": 8,
        # Growth is capped at 20, so the last factor of the group loses 4.
        "output": 4,
        "policy_documents": 5,
        "local_region": 10,
        "industry_degree": 6,
    }
    assert lanhai["score"] == sum(points.values())
    assert lanhai["region"] == "荣成市"


def test_every_point_carries_evidence(ranked):
    for candidate in ranked:
        for factor in candidate["factors"]:
            if factor["points"]:
                assert factor["evidence"], (candidate["name"], factor["name"])
            for item in factor["evidence"]:
                assert set(item) >= {"document", "version", "sentence"}


def test_evidence_of_factors(ranked):
    factors = {f["name"]: f for f in by_name(ranked)[LANHAI]["factors"]}

    assert factors["expansion"]["evidence"] == [
        news_evidence(S_NEWS),
        plan_evidence(S_EXPAND),
    ]
    # Only the first output sentence earned the 4 points left under the cap.
    assert factors["output"]["evidence"] == [news_evidence(S_NEWS)]
    assert factors["institute_links"]["evidence"] == [plan_evidence(S_COOPERATE)]
    assert factors["expert_links"]["evidence"] == [plan_evidence(S_EXPERT)]
    assert factors["policy_documents"]["evidence"] == [plan_evidence(S_EXPAND)]
    assert factors["patents_standards_awards"]["evidence"] == [plan_evidence(S_PATENT)]
    assert factors["industry_documents"]["evidence"] == [
        news_evidence(S_NEWS),
        plan_evidence(S_EXPAND),
    ]


def test_thin_and_non_local_flags(ranked):
    candidates = by_name(ranked)
    haiyun = {
        f["name"]: f["points"] for f in candidates[HAIYUN]["factors"] if f["points"]
    }
    qingdao = {
        f["name"]: f["points"] for f in candidates[QINGDAO]["factors"] if f["points"]
    }

    assert haiyun == {
        "industry_sentences": 3,
        "industry_documents": 5,
        "policy_documents": 5,
        "local_region": 10,
    }
    assert qingdao == {"industry_sentences": 6, "industry_documents": 5, "output": 4}
    assert candidates[QINGDAO]["region"] == "青岛市"


def test_amended_away_firm_gets_nothing(ranked, graph_store):
    assert JIUGANG not in by_name(ranked)
    rows = graph_store.read(
        "MATCH (c:Candidate)-[:FOR_FIRM]->(f:Firm {name: $name}) RETURN c.key AS key",
        name=JIUGANG,
    )
    assert rows == []


def test_repealed_plan_stops_counting(ranked, graph_store):
    graph_store.load(
        SourceVersion(
            "https://www.weihai.gov.cn/art/2023/repeal.html",
            "r1",
            "2023-02-01T00:00:00Z",
            published="2023-02-01",
        ),
        Extraction(document=DocumentInfo(repeals=[PLAN_NUMBER])),
    )

    candidates = by_name(graph_store.rank())

    assert set(candidates) == {LANHAI, QINGDAO}
    lanhai = {f["name"]: f["points"] for f in candidates[LANHAI]["factors"]}
    assert lanhai["policy_documents"] == 0
    assert lanhai["industry_documents"] == 5
    assert lanhai["institute_links"] == 0
    assert "thin-evidence" in candidates[LANHAI]["flags"]


def test_candidates_filters(ranked, graph_store):
    assert [c["name"] for c in graph_store.candidates(industry=MONITORING)] == [QINGDAO]
    assert [c["name"] for c in graph_store.candidates(industry="15")] == [
        LANHAI,
        HAIYUN,
    ]
    assert [c["name"] for c in graph_store.candidates(region="荣成")] == [LANHAI]
    assert [c["name"] for c in graph_store.candidates(min_score=20)] == [LANHAI, HAIYUN]
    assert [c["name"] for c in graph_store.candidates(top=1)] == [LANHAI, QINGDAO]


def test_candidate_nodes_stored(ranked, graph_store):
    rows = graph_store.read(
        "MATCH (c:Candidate)-[:FOR_FIRM]->(f:Firm {name: $name}) "
        "MATCH (c)-[:IN_INDUSTRY]->(i:Industry) "
        "RETURN c.score AS score, c.factors AS factors, i.name AS industry",
        name=LANHAI,
    )
    assert len(rows) == 1
    assert rows[0]["score"] == 74
    assert rows[0]["industry"] == AQUACULTURE
    assert len(json.loads(rows[0]["factors"])) == 12


def test_rank_again_changes_nothing(ranked, graph_store):
    before = graph_store.checksum()

    graph_store.rank()

    assert graph_store.checksum() == before


def test_edited_scoring_file_applies(graph_store, tmp_path):
    load_fixture(graph_store)
    config = yaml.safe_load(DEFAULT_SCORING_PATH.read_text(encoding="utf-8"))
    config["version"] = 2
    local = next(g for g in config["groups"] if g["name"] == "local_presence")
    local["cap"] = 20
    local["factors"][0]["points"] = 20
    local["factors"][0]["max"] = 20
    path = tmp_path / "scoring.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")

    candidates = by_name(graph_store.rank(path))

    assert candidates[LANHAI]["score"] == 84
    assert candidates[QINGDAO]["score"] == 15


def test_scoring_file_checked(tmp_path):
    config = yaml.safe_load(DEFAULT_SCORING_PATH.read_text(encoding="utf-8"))
    config["groups"][0]["factors"][0]["count"] = "press_releases"
    path = tmp_path / "scoring.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")

    with pytest.raises(ConfigError) as caught:
        load_scoring(path)

    message = str(caught.value)
    assert "industry_sentences" in message
    assert "press_releases" in message


def test_default_scoring_file_valid():
    config = load_scoring()
    assert config["version"] == 1
    assert sum(group["cap"] for group in config["groups"]) == 100


def test_fact_without_sentence_is_thin(graph_store):
    firm = Entity(
        type=FIRM, name="威海己公司", industries=[AQUACULTURE], region="环翠区"
    )
    graph_store.load(
        SourceVersion(PLAN_URL, "p1", "2021-06-02T00:00:00Z"),
        Extraction(entities=[firm], document=DocumentInfo(document_number=PLAN_NUMBER)),
    )

    candidate = by_name(graph_store.rank())["威海己公司"]

    points = {f["name"]: f["points"] for f in candidate["factors"] if f["points"]}
    assert points == {
        "industry_documents": 5,
        "policy_documents": 5,
        "local_region": 10,
    }
    assert candidate["flags"] == ["thin-evidence"]
    assert candidate["factors"][1]["evidence"][0]["sentence"] == ""


def test_rank_same_in_small_chunks(graph_store, monkeypatch):
    import graph.store

    load_fixture(graph_store)
    whole = graph_store.rank()
    monkeypatch.setattr(graph.store, "READ_CHUNK", 2)

    chunked = graph_store.rank()

    assert chunked == whole
