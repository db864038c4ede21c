"""Loading extractions: keys, provenance, idempotence, amendments,
repeals, version supersession and the read helpers, on a real store."""

from __future__ import annotations

import pytest

from bluecarbon.errors import GraphError
from bluecarbon.model import (
    AFFILIATED_WITH,
    COOPERATES_WITH,
    DEVELOPS,
    FIRM,
    INSTITUTE,
    PERSON,
    REMOVED,
    SHORT_NAME_OF,
    TECHNOLOGY,
    DocumentInfo,
    Entity,
    Evidence,
    Extraction,
    Relation,
    SourceVersion,
)

AQUACULTURE = "绿色水产养殖业"
MATERIALS = "海洋生态新材料产业"
PLAN_NUMBER = "威政办发〔2021〕17号"


def version(
    url: str, content: str = "a", fetched_at: str = "2024-01-01T08:00:00Z", **fields
) -> SourceVersion:
    return SourceVersion(
        url=url, content_hash=f"sha-{content}", fetched_at=fetched_at, **fields
    )


def evidence_at(sentence: str, name: str) -> Evidence:
    start = sentence.index(name)
    return Evidence(sentence, start, start + len(name))


def entity(kind: str, name: str, *sentences: str, **fields) -> Entity:
    return Entity(
        type=kind,
        name=name,
        evidence=[evidence_at(s, name) for s in sentences],
        **fields,
    )


def relation(
    head: Entity, type_: str, tail: Entity, sentence: str, **fields
) -> Relation:
    return Relation(
        head=head.name,
        head_type=head.type,
        type=type_,
        tail=tail.name,
        tail_type=tail.type,
        evidence=[Evidence(sentence, 0, len(sentence))],
        **fields,
    )


def node(store, label: str, key: str) -> dict:
    rows = store.read(
        f"MATCH (n:{label} {{key: $key}}) RETURN properties(n) AS p", key=key
    )
    assert len(rows) == 1, f"{label} {key}: {len(rows)} nodes"
    return rows[0]["p"]


def mention(store, key: str, version_key: str) -> dict:
    rows = store.read(
        "MATCH (n {key: $key})-[m:MENTIONED_IN]->(v:DocumentVersion {key: $version}) "
        "RETURN properties(m) AS p",
        key=key,
        version=version_key,
    )
    assert len(rows) == 1, f"{key} in {version_key}: {len(rows)} mentions"
    return rows[0]["p"]


def relationship_status(store, type_: str, head: str, tail: str) -> str:
    rows = store.read(
        f"MATCH (h {{key: $head}})-[r:{type_}]->(t {{key: $tail}}) RETURN r.status AS status",
        head=head,
        tail=tail,
    )
    assert len(rows) == 1, f"{type_} {head} -> {tail}: {len(rows)} relationships"
    return rows[0]["status"]


# -- a plan, its amendment notice and a repeal --------------------------------

HAIDA = entity(
    FIRM,
    "威海海大水产有限公司",
    "威海海大水产有限公司建设深远海养殖平台。",
    aliases=["海大水产"],
    industries=[AQUACULTURE],
    region="荣成市",
)
LANJING = entity(
    FIRM,
    "威海蓝晶新材料有限公司",
    "威海蓝晶新材料有限公司研发海洋生态新材料。",
    industries=[MATERIALS],
    region="文登区",
)
SDU = entity(
    INSTITUTE, "山东大学（威海）", "山东大学（威海）与威海海大水产有限公司合作。"
)


def plan() -> tuple[SourceVersion, Extraction]:
    return (
        version("https://www.weihai.gov.cn/plan.html", published="2021-06-01"),
        Extraction(
            entities=[HAIDA, LANJING, SDU],
            relations=[
                relation(
                    SDU,
                    COOPERATES_WITH,
                    HAIDA,
                    "山东大学（威海）与威海海大水产有限公司合作。",
                )
            ],
            document=DocumentInfo(
                title="威海市蓝碳经济发展行动方案", document_number=PLAN_NUMBER
            ),
            extractor_version="test-1",
        ),
    )


def amendment() -> tuple[SourceVersion, Extraction]:
    deleted = entity(
        FIRM, "威海海大水产有限公司", "删去“威海海大水产有限公司”。", status=REMOVED
    )
    return (
        version("https://www.weihai.gov.cn/amend.html", published="2022-03-15"),
        Extraction(
            entities=[deleted],
            document=DocumentInfo(title="关于修改行动方案的通知", amends=[PLAN_NUMBER]),
            extractor_version="test-1",
        ),
    )


def repeal() -> tuple[SourceVersion, Extraction]:
    return (
        version("https://www.weihai.gov.cn/repeal.html", published="2023-01-10"),
        Extraction(
            document=DocumentInfo(title="关于废止行动方案的决定", repeals=[PLAN_NUMBER])
        ),
    )


HAIDA_KEY = "Firm:威海海大水产有限公司"
LANJING_KEY = "Firm:威海蓝晶新材料有限公司"
SDU_KEY = "Institute:山东大学(威海)"
PLAN_VERSION = "https://www.weihai.gov.cn/plan.html#sha-a"


def test_load_writes_entities_and_provenance(graph_store):
    counts = graph_store.load(*plan())

    assert counts["entities"] == 3
    haida = node(graph_store, "Firm", HAIDA_KEY)
    assert haida["name"] == "威海海大水产有限公司"
    assert haida["aliases"] == ["海大水产"]
    assert haida["search_text"] == "威海海大水产有限公司|海大水产"
    assert haida["status"] == "current"
    assert haida["region"] == "荣成市"
    assert mention(graph_store, HAIDA_KEY, PLAN_VERSION)["status"] == "current"
    evidence = graph_store.evidence_for(HAIDA_KEY)
    assert [e["sentence"] for e in evidence] == [
        "威海海大水产有限公司建设深远海养殖平台。"
    ]
    assert evidence[0]["version"] == PLAN_VERSION
    assert evidence[0]["document"] == "https://www.weihai.gov.cn/plan.html"


def test_load_links_industry_place_and_document(graph_store):
    graph_store.load(*plan())

    assert (
        relationship_status(graph_store, "IN_INDUSTRY", HAIDA_KEY, "industry:15")
        == "current"
    )
    assert (
        relationship_status(graph_store, "LOCATED_IN", HAIDA_KEY, "place:荣成市")
        == "current"
    )
    assert (
        relationship_status(graph_store, "COOPERATES_WITH", SDU_KEY, HAIDA_KEY)
        == "current"
    )
    document = node(graph_store, "Document", "https://www.weihai.gov.cn/plan.html")
    assert document["document_number"] == PLAN_NUMBER
    assert document["title"] == "威海市蓝碳经济发展行动方案"
    assert document["status"] == "current"
    assert node(graph_store, "DocumentVersion", PLAN_VERSION)["complete"] is True


def test_load_rejects_version_without_hash(graph_store):
    bare = SourceVersion(
        url="https://www.example.cn/a.html",
        content_hash="",
        fetched_at="2024-01-01T00:00:00Z",
    )

    with pytest.raises(GraphError) as caught:
        graph_store.load(bare, Extraction())

    assert "content_hash" in str(caught.value)
    assert graph_store.stats()["nodes"].get("Document") is None


def test_evidence_fact_names_relationship(graph_store):
    graph_store.load(*plan())

    rows = graph_store.read(
        "MATCH (e:Evidence)-[:FROM_VERSION]->(v:DocumentVersion {key: $version}) "
        "WHERE e.fact STARTS WITH 'COOPERATES_WITH|' RETURN e.fact AS fact, e.sentence AS sentence",
        version=PLAN_VERSION,
    )
    assert rows == [
        {
            "fact": f"COOPERATES_WITH|{SDU_KEY}|{HAIDA_KEY}",
            "sentence": "山东大学（威海）与威海海大水产有限公司合作。",
        }
    ]


def test_reload_leaves_checksum_unchanged(graph_store):
    first_counts = graph_store.load(*plan())
    first_stats = graph_store.stats()
    first = graph_store.checksum()

    second_counts = graph_store.load(*plan())

    assert second_counts == first_counts
    assert graph_store.stats() == first_stats
    assert graph_store.checksum() == first


def test_forced_reload_leaves_checksum_unchanged(graph_store):
    graph_store.load(*plan())
    graph_store.load(*amendment())
    first = graph_store.checksum()

    graph_store.load(*plan(), force=True)
    graph_store.load(*amendment(), force=True)

    assert graph_store.checksum() == first


def test_checksum_changes_with_content(graph_store):
    graph_store.load(*plan())
    before = graph_store.checksum()

    graph_store.write(
        "MATCH (f:Firm {key: $key}) SET f.region = '乳山市'", key=HAIDA_KEY
    )

    assert graph_store.checksum() != before


def test_amendment_removes_deleted_firm(graph_store):
    graph_store.load(*plan())
    graph_store.load(*amendment())

    haida = node(graph_store, "Firm", HAIDA_KEY)
    assert haida["status"] == "removed"
    assert haida["removed_on"] == "2022-03-15"
    in_plan = mention(graph_store, HAIDA_KEY, PLAN_VERSION)
    assert in_plan["status"] == "removed"
    assert in_plan["removed_by"] == "amended:https://www.weihai.gov.cn/amend.html"
    assert (
        relationship_status(graph_store, "IN_INDUSTRY", HAIDA_KEY, "industry:15")
        == "removed"
    )
    assert (
        relationship_status(graph_store, "COOPERATES_WITH", SDU_KEY, HAIDA_KEY)
        == "removed"
    )
    assert node(graph_store, "Firm", LANJING_KEY)["status"] == "current"
    assert node(graph_store, "Institute", SDU_KEY)["status"] == "current"


def test_amendment_before_target_uses_placeholder(graph_store):
    graph_store.load(*amendment())
    placeholder = node(graph_store, "Document", "docnum:威政办发〔2021〕17号")
    assert placeholder["status"] == "placeholder"

    graph_store.load(*plan())

    rows = graph_store.read(
        "MATCH (d:Document) WHERE d.key STARTS WITH 'docnum:' RETURN d.key AS key"
    )
    assert rows == []
    documents = {d["key"]: d for d in graph_store.documents()}
    assert documents["https://www.weihai.gov.cn/amend.html"]["amends"] == [
        "https://www.weihai.gov.cn/plan.html"
    ]
    assert node(graph_store, "Firm", HAIDA_KEY)["status"] == "removed"


def test_load_order_gives_same_graph(graph_store):
    graph_store.load(*plan())
    graph_store.load(*amendment())
    in_order = graph_store.checksum()
    graph_store.write("MATCH (n) DETACH DELETE n")
    graph_store.migrate()

    graph_store.load(*amendment())
    graph_store.load(*plan())

    assert graph_store.checksum() == in_order


def test_own_number_is_not_amended(graph_store):
    page, extraction = plan()
    extraction.document.amends = [PLAN_NUMBER]
    extraction.document.repeals = [PLAN_NUMBER]

    graph_store.load(page, extraction)

    assert [d["key"] for d in graph_store.documents()] == [
        "https://www.weihai.gov.cn/plan.html"
    ]
    assert node(graph_store, "Firm", HAIDA_KEY)["status"] == "current"


def test_repeal_removes_every_fact_of_document(graph_store):
    graph_store.load(*plan())
    graph_store.load(*repeal())

    document = node(graph_store, "Document", "https://www.weihai.gov.cn/plan.html")
    assert document["status"] == "repealed"
    assert document["repealed_on"] == "2023-01-10"
    for key in (HAIDA_KEY, LANJING_KEY):
        firm = node(graph_store, "Firm", key)
        assert firm["status"] == "removed"
        assert firm["removed_on"] == "2023-01-10"
    assert (
        relationship_status(graph_store, "IN_INDUSTRY", LANJING_KEY, "industry:19")
        == "removed"
    )


def test_mention_elsewhere_survives_repeal(graph_store):
    graph_store.load(*plan())
    news = version(
        "https://news.example.cn/lanjing.html", fetched_at="2024-05-01T00:00:00Z"
    )
    graph_store.load(
        news,
        Extraction(
            entities=[
                entity(
                    FIRM,
                    "威海蓝晶新材料有限公司",
                    "威海蓝晶新材料有限公司新建生产线。",
                    industries=[MATERIALS],
                )
            ]
        ),
    )

    graph_store.load(*repeal())

    assert node(graph_store, "Firm", LANJING_KEY)["status"] == "current"
    assert node(graph_store, "Firm", HAIDA_KEY)["status"] == "removed"
    assert (
        relationship_status(graph_store, "IN_INDUSTRY", LANJING_KEY, "industry:19")
        == "current"
    )


def page_version(content: str, fetched_at: str) -> SourceVersion:
    return version(
        "https://www.example.cn/firms.html", content=content, fetched_at=fetched_at
    )


def page_extraction(*names: str) -> Extraction:
    return Extraction(
        entities=[
            entity(FIRM, name, f"{name}是示范企业。", industries=[AQUACULTURE])
            for name in names
        ]
    )


def test_new_version_supersedes_old(graph_store):
    old = page_version("old", "2024-01-01T00:00:00Z")
    new = page_version("new", "2024-06-01T00:00:00Z")
    graph_store.load(old, page_extraction("威海甲公司", "威海乙公司"))

    graph_store.load(new, page_extraction("威海乙公司", "威海丙公司"))

    assert node(graph_store, "DocumentVersion", old.key)["status"] == "superseded"
    assert node(graph_store, "DocumentVersion", new.key)["status"] == "current"
    only_old = node(graph_store, "Firm", "Firm:威海甲公司")
    assert only_old["status"] == "removed"
    assert only_old["removed_on"] == "2024-06-01"
    assert (
        mention(graph_store, "Firm:威海甲公司", old.key)["removed_by"]
        == f"superseded:{new.key}"
    )
    assert node(graph_store, "Firm", "Firm:威海乙公司")["status"] == "current"
    assert mention(graph_store, "Firm:威海乙公司", old.key)["status"] == "removed"
    assert node(graph_store, "Firm", "Firm:威海丙公司")["status"] == "current"
    assert graph_store.stats()["nodes"]["DocumentVersion"] == 2


def test_old_version_loaded_late_stays_superseded(graph_store):
    old = page_version("old", "2024-01-01T00:00:00Z")
    new = page_version("new", "2024-06-01T00:00:00Z")
    graph_store.load(old, page_extraction("威海甲公司", "威海乙公司"))
    graph_store.load(new, page_extraction("威海乙公司", "威海丙公司"))
    in_order = graph_store.checksum()
    graph_store.write("MATCH (n) DETACH DELETE n")
    graph_store.migrate()

    graph_store.load(new, page_extraction("威海乙公司", "威海丙公司"))
    graph_store.load(old, page_extraction("威海甲公司", "威海乙公司"))

    assert node(graph_store, "Firm", "Firm:威海甲公司")["status"] == "removed"
    assert graph_store.checksum() == in_order


def test_three_versions_any_order_same_graph(graph_store):
    pages = [
        (page_version("v1", "2024-01-01T00:00:00Z"), ("威海甲公司", "威海乙公司")),
        (page_version("v2", "2024-02-01T00:00:00Z"), ("威海乙公司", "威海丙公司")),
        (page_version("v3", "2024-03-01T00:00:00Z"), ("威海丙公司", "威海丁公司")),
    ]
    checksums = []
    for order in ((0, 1, 2), (2, 0, 1), (0, 2, 1)):
        graph_store.write("MATCH (n) DETACH DELETE n")
        graph_store.migrate()
        for index in order:
            page, names = pages[index]
            graph_store.load(page, page_extraction(*names))
        checksums.append(graph_store.checksum())

    assert checksums[1] == checksums[0]
    assert checksums[2] == checksums[0]
    statuses = {
        name: node(graph_store, "Firm", f"Firm:{name}")["status"]
        for name in ("威海甲公司", "威海乙公司", "威海丙公司", "威海丁公司")
    }
    assert statuses == {
        "威海甲公司": "removed",
        "威海乙公司": "removed",
        "威海丙公司": "current",
        "威海丁公司": "current",
    }
    v1 = node(graph_store, "DocumentVersion", pages[0][0].key)
    assert v1["superseded_by"] == pages[1][0].key


def test_new_extraction_replaces_old_facts(graph_store):
    page = page_version("one", "2024-01-01T00:00:00Z")
    graph_store.load(page, page_extraction("威海甲公司", "威海乙公司"))

    graph_store.load(page, page_extraction("威海乙公司"))

    assert graph_store.entity("Firm:威海甲公司") is None
    assert node(graph_store, "Firm", "Firm:威海乙公司")["status"] == "current"
    assert graph_store.stats()["relationships"]["IN_INDUSTRY"] == 1


def test_same_name_people_stay_apart(graph_store):
    first = version("https://www.example.cn/a.html")
    second = version("https://www.example.cn/b.html")
    third = version("https://www.example.cn/c.html")
    hit = entity(INSTITUTE, "哈尔滨工业大学（威海）", "哈尔滨工业大学（威海）")
    sdu = entity(INSTITUTE, "山东大学（威海）", "山东大学（威海）")
    graph_store.load(
        first,
        Extraction(
            entities=[
                hit,
                entity(
                    PERSON,
                    "王磊",
                    "王磊教授",
                    affiliation="哈尔滨工业大学（威海）",
                    role="教授",
                ),
            ]
        ),
    )
    graph_store.load(
        second,
        Extraction(
            entities=[
                sdu,
                entity(
                    PERSON,
                    "王磊",
                    "王磊研究员",
                    affiliation="山东大学（威海）",
                    role="研究员",
                ),
            ]
        ),
    )
    graph_store.load(
        third,
        Extraction(
            entities=[
                hit,
                entity(
                    PERSON,
                    "王磊",
                    "王磊院长",
                    affiliation="哈尔滨工业大学（威海）",
                    role="院长",
                ),
            ]
        ),
    )

    people = graph_store.entities(label=PERSON)

    assert sorted(p["key"] for p in people) == [
        "Person:王磊@Institute:哈尔滨工业大学(威海)",
        "Person:王磊@Institute:山东大学(威海)",
    ]
    assert (
        relationship_status(
            graph_store,
            AFFILIATED_WITH,
            "Person:王磊@Institute:山东大学(威海)",
            SDU_KEY,
        )
        == "current"
    )
    hit_person = graph_store.entity("Person:王磊@Institute:哈尔滨工业大学(威海)")
    assert hit_person["role"] == "院长"
    assert len(graph_store.evidence_for(hit_person["key"])) == 2


def test_aliases_merge_and_search_by_substring(graph_store):
    graph_store.load(
        version("https://www.example.cn/a.html"),
        Extraction(
            entities=[
                entity(
                    INSTITUTE,
                    "哈尔滨工业大学（威海）",
                    "哈尔滨工业大学（威海）",
                    aliases=["哈工大（威海）"],
                )
            ]
        ),
    )
    graph_store.load(
        version("https://www.example.cn/b.html"),
        Extraction(
            entities=[
                entity(
                    INSTITUTE,
                    "哈尔滨工业大学（威海）",
                    "哈尔滨工业大学（威海）",
                    aliases=["哈工大威海校区"],
                )
            ]
        ),
    )

    institute = graph_store.entity("Institute:哈尔滨工业大学(威海)")
    assert institute["aliases"] == ["哈工大威海校区", "哈工大（威海）"]
    # Traditional characters and stray spaces in the query match too.
    for text in ("哈工大", "威海校区", "工业大学", "哈工大(威海)", "哈爾濱 工業大學", "威海 校區"):
        found = [row["key"] for row in graph_store.search(text)]
        assert found == ["Institute:哈尔滨工业大学(威海)"], text
    assert graph_store.search("青岛") == []


def test_relation_endpoint_added_as_entity(graph_store):
    firm = entity(FIRM, "威海丁公司", "威海丁公司研发水下滑翔机。")
    glider = Entity(type=TECHNOLOGY, name="水下滑翔机")
    graph_store.load(
        version("https://www.example.cn/d.html"),
        Extraction(
            entities=[firm],
            relations=[relation(firm, DEVELOPS, glider, "威海丁公司研发水下滑翔机。")],
        ),
    )

    technology = graph_store.entity("Technology:水下滑翔机")
    assert technology["status"] == "current"
    assert (
        graph_store.evidence_for(technology["key"])[0]["sentence"]
        == "威海丁公司研发水下滑翔机。"
    )
    assert (
        relationship_status(graph_store, DEVELOPS, "Firm:威海丁公司", technology["key"])
        == "current"
    )


def test_unusable_records_skipped(graph_store):
    firm = entity(FIRM, "威海庚公司", "威海庚公司。")
    counts = graph_store.load(
        version("https://www.example.cn/e.html"),
        Extraction(
            entities=[
                firm,
                Entity(type=FIRM, name="  "),
                Entity(type="Vessel", name="海大一号"),
                entity(FIRM, "威海辛公司", "威海辛公司。", industries=["远洋渔业"]),
            ],
            relations=[
                relation(firm, "OWNS", firm, "威海庚公司。"),
                Relation(
                    head="",
                    head_type=FIRM,
                    type=DEVELOPS,
                    tail="x",
                    tail_type=TECHNOLOGY,
                ),
            ],
        ),
    )

    assert counts["skipped"] == 5
    assert counts["entities"] == 2
    assert sorted(e["name"] for e in graph_store.entities()) == [
        "威海庚公司",
        "威海辛公司",
    ]


def test_short_name_becomes_alias(graph_store):
    haida = entity(FIRM, "威海海大水产有限公司", "威海海大水产有限公司（海大水产）。")
    short = Entity(type=FIRM, name="海大")
    graph_store.load(
        version("https://www.example.cn/f.html"),
        Extraction(
            entities=[haida],
            relations=[relation(short, SHORT_NAME_OF, haida, "海大")],
        ),
    )

    firms = graph_store.entities(label=FIRM)

    assert [f["name"] for f in firms] == ["威海海大水产有限公司"]
    assert firms[0]["aliases"] == ["海大"]
    assert graph_store.stats()["relationships"].get(SHORT_NAME_OF) is None


def test_renamed_firm_with_same_credit_code_is_merged(graph_store):
    graph_store.load(
        version("https://www.example.cn/a.html"),
        Extraction(
            entities=[
                entity(
                    FIRM,
                    "威海戊有限公司",
                    "威海戊有限公司",
                    credit_code="91371000MA3C000001",
                )
            ]
        ),
    )
    graph_store.load(
        version("https://www.example.cn/b.html", fetched_at="2024-02-01T00:00:00Z"),
        Extraction(
            entities=[
                entity(
                    FIRM,
                    "威海戊集团有限公司",
                    "威海戊集团有限公司",
                    credit_code="91371000ma3c000001",
                )
            ]
        ),
    )

    # Keys follow names, and a firm named anew under the same code is
    # merged into the node that has the code, by a recorded decision.
    firm = graph_store.entity("Firm:威海戊有限公司")
    assert firm["name"] == "威海戊集团有限公司"
    assert firm["aliases"] == ["威海戊有限公司"]
    assert firm["credit_code"] == "91371000MA3C000001"
    assert graph_store.entity("Firm:威海戊集团有限公司") is None
    [decision] = graph_store.decisions()
    assert (decision["kind"], decision["source"], decision["target"], decision["by"]) == (
        "merge",
        "Firm:威海戊集团有限公司",
        "Firm:威海戊有限公司",
        "loader",
    )
    assert decision["note"] == "same unified social credit code 91371000MA3C000001"


def test_entities_filters(graph_store):
    graph_store.load(*plan())

    assert [
        e["name"] for e in graph_store.entities(label=FIRM, industry=AQUACULTURE)
    ] == ["威海海大水产有限公司"]
    assert [e["name"] for e in graph_store.entities(industry="19")] == [
        "威海蓝晶新材料有限公司"
    ]
    assert [e["name"] for e in graph_store.entities(region="文登")] == [
        "威海蓝晶新材料有限公司"
    ]
    assert [e["name"] for e in graph_store.entities(name_contains="海大")] == [
        "威海海大水产有限公司"
    ]
    assert len(graph_store.entities(status="current")) == 3
    assert len(graph_store.entities(limit=1, offset=1)) == 1
    with pytest.raises(GraphError):
        graph_store.entities(label="Firm) DETACH DELETE (n")


def test_neighbours_two_hops(graph_store):
    graph_store.load(*plan())

    one_hop = graph_store.neighbours(SDU_KEY, depth=1)
    two_hops = graph_store.neighbours(SDU_KEY, depth=2)

    assert {n["key"] for n in one_hop["nodes"]} == {SDU_KEY, HAIDA_KEY}
    assert {n["key"] for n in two_hops["nodes"]} == {
        SDU_KEY,
        HAIDA_KEY,
        "industry:15",
        "place:荣成市",
    }
    assert {(r["type"], r["head"], r["tail"]) for r in two_hops["relationships"]} == {
        ("COOPERATES_WITH", SDU_KEY, HAIDA_KEY),
        ("IN_INDUSTRY", HAIDA_KEY, "industry:15"),
        ("LOCATED_IN", HAIDA_KEY, "place:荣成市"),
    }
