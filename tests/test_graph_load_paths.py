"""The loader's two write paths (CREATE for a version no load has written,
MERGE otherwise) and the statuses it takes from its writes give the same
graph as each other and as loading in another order, on a real store."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from bluecarbon.model import (
    COOPERATES_WITH,
    CURRENT,
    FIRM,
    INSTITUTE,
    REMOVED,
    DocumentInfo,
    Entity,
    Evidence,
    Extraction,
    Relation,
    SourceVersion,
)
from graph import loader
from graph.identity import plan_version
from graph.plan import extraction_digest
from graph.synthetic import synthetic_corpus

AQUACULTURE = "绿色水产养殖业"


def version(url: str, fetched_at: str = "2024-01-01T08:00:00Z") -> SourceVersion:
    return SourceVersion(url=url, content_hash="sha-a", fetched_at=fetched_at)


def firm(name: str, sentence: str, **fields) -> Entity:
    start = sentence.index(name)
    return Entity(
        type=FIRM,
        name=name,
        evidence=[Evidence(sentence, start, start + len(name))],
        **fields,
    )


def cooperation(head: Entity, tail: Entity, sentence: str, **fields) -> Relation:
    return Relation(
        head=head.name,
        head_type=head.type,
        type=COOPERATES_WITH,
        tail=tail.name,
        tail_type=tail.type,
        evidence=[Evidence(sentence, 0, len(sentence))],
        **fields,
    )


def load_all(store, corpus) -> None:
    for source, extraction in corpus:
        store.load(source, extraction)


def snapshot(store) -> tuple[dict, str]:
    return store.stats(), store.checksum()


def reload_from_empty(store, corpus) -> tuple[dict, str]:
    store.write("MATCH (n) DETACH DELETE n")
    store.migrate()
    load_all(store, corpus)
    return snapshot(store)


def test_digest_matches_asdict_json():
    extractions = [
        Extraction(),
        Extraction(
            entities=[
                Entity(
                    type=FIRM,
                    name="威海甲公司",
                    aliases=["甲公司"],
                    industries=[AQUACULTURE],
                    evidence=[Evidence("威海甲公司位于环翠区。", 0, 5)],
                    region=None,
                    confidence=0.5,
                )
            ],
            relations=[
                Relation("威海甲公司", FIRM, COOPERATES_WITH, "乙研究院", INSTITUTE)
            ],
            document=DocumentInfo(title="通知", amends=["威政发〔2020〕1号"]),
            extractor_version="test-1",
            garbled_share=0.25,
        ),
        *(extraction for _, extraction in synthetic_corpus(40, per_version=20)),
    ]
    for extraction in extractions:
        text = json.dumps(asdict(extraction), sort_keys=True, ensure_ascii=False)
        expected = hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert extraction_digest(extraction) == expected


def test_rerun_over_unfinished_version_matches_clean_load(graph_store):
    corpus = synthetic_corpus(60, per_version=20)
    load_all(graph_store, corpus)
    clean = snapshot(graph_store)

    graph_store.write("MATCH (n) DETACH DELETE n")
    graph_store.migrate()
    load_all(graph_store, corpus[:1])
    # What a load killed after its fact writes leaves: the second version
    # and its facts written, no links and no statuses.
    source, extraction = corpus[1]
    plan = plan_version(graph_store, source, extraction)
    action = "write part of a load"
    fresh = loader._write_version(graph_store, plan, source.key, action)
    assert fresh
    loader._write_facts(graph_store, plan, source.key, fresh, action)
    unfinished = graph_store.read(
        "MATCH (v:DocumentVersion {key: $key}) RETURN v.complete AS complete",
        key=source.key,
    )
    assert unfinished == [{"complete": False}]

    load_all(graph_store, corpus)
    assert snapshot(graph_store) == clean


def test_forced_reload_after_status_change(graph_store):
    old = firm("威海甲公司", "威海甲公司从事养殖。")
    newer = firm("威海甲公司", "威海甲公司已注销。", status=REMOVED)
    url = "http://example.test/a"
    corpus = [
        (version(url), Extraction(entities=[old])),
        (
            SourceVersion(
                url=url, content_hash="sha-b", fetched_at="2024-02-01T08:00:00Z"
            ),
            Extraction(entities=[newer]),
        ),
    ]
    load_all(graph_store, corpus)
    before = snapshot(graph_store)
    rows = graph_store.read(
        "MATCH (n:Firm) RETURN n.status AS status, n.removed_on AS removed_on"
    )
    assert rows == [{"status": REMOVED, "removed_on": "2024-02-01"}]

    # A forced reload of the superseded version merges onto statuses that
    # an earlier recompute changed, and must leave them as they are.
    graph_store.load(*corpus[0], force=True)
    assert snapshot(graph_store) == before


def test_new_entity_removed_by_extraction(graph_store):
    removed = firm("威海乙公司", "威海乙公司已迁出。", status=REMOVED)
    source = version("http://example.test/b")
    graph_store.load(source, Extraction(entities=[removed]))
    rows = graph_store.read(
        "MATCH (n:Firm) RETURN n.status AS status, n.removed_on AS removed_on, "
        "n.search_text AS search_text"
    )
    assert rows == [
        {"status": REMOVED, "removed_on": "2024-01-01", "search_text": "威海乙公司"}
    ]
    before = snapshot(graph_store)
    graph_store.load(source, Extraction(entities=[removed]), force=True)
    assert snapshot(graph_store) == before


def test_relationship_current_again_in_new_document(graph_store):
    head = firm("威海甲公司", "威海甲公司与乙研究院合作。")
    tail = Entity(type=INSTITUTE, name="乙研究院")
    sentence = "威海甲公司与乙研究院合作。"
    corpus = [
        (
            version("http://example.test/1"),
            Extraction(
                entities=[head, tail],
                relations=[cooperation(head, tail, sentence, status=REMOVED)],
            ),
        ),
        (
            version("http://example.test/2"),
            Extraction(
                entities=[head, tail], relations=[cooperation(head, tail, sentence)]
            ),
        ),
    ]
    graph_store.load(*corpus[0])
    rows = graph_store.read(
        "MATCH (:Firm)-[r:COOPERATES_WITH]->(:Institute) RETURN r.status AS status"
    )
    assert rows == [{"status": REMOVED}]

    graph_store.load(*corpus[1])
    rows = graph_store.read(
        "MATCH (:Firm)-[r:COOPERATES_WITH]->(:Institute) "
        "RETURN r.status AS status, r.removed_on AS removed_on"
    )
    assert rows == [{"status": CURRENT, "removed_on": None}]
    in_order = snapshot(graph_store)
    assert reload_from_empty(graph_store, corpus[::-1]) == in_order


def test_entity_in_two_documents_merges_mentions(graph_store):
    first = firm("威海甲公司", "威海甲公司从事养殖。", region="环翠区")
    second = firm(
        "威海甲公司", "甲公司即威海甲公司。", aliases=["甲公司"], region="荣成市"
    )
    corpus = [
        (version("http://example.test/1"), Extraction(entities=[first])),
        (
            version("http://example.test/2", "2024-03-01T08:00:00Z"),
            Extraction(entities=[second]),
        ),
    ]
    load_all(graph_store, corpus)
    rows = graph_store.read(
        "MATCH (n:Firm) RETURN n.aliases AS aliases, n.region AS region, "
        "COUNT { (n)-[:MENTIONED_IN]->() } AS mentions"
    )
    assert rows == [{"aliases": ["甲公司"], "region": "荣成市", "mentions": 2}]
    in_order = snapshot(graph_store)
    assert reload_from_empty(graph_store, corpus[::-1]) == in_order
