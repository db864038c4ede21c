"""Analyst merges and splits: recorded, applied by loading again, undone.

The documents are stored in a real document store, extracted by the real
pipeline and loaded into the real graph server.
"""

from __future__ import annotations

import dataclasses

import pytest

from bluecarbon import pipeline
from bluecarbon.model import DECISION
from crawlers.store import DocumentStore
from graph.identity import DecisionError, Redirect, Redirects

A = "https://news.example.cn/a.html"
B = "https://news.example.cn/b.html"
C = "https://news.example.cn/c.html"
TEXTS = {
    A: "威海蓝湾海洋科技有限公司与威海海洋生态经济研究院签订合作协议，共同研发海带养殖技术。",
    B: "蓝湾海洋科技（威海）有限公司在荣成建设深水网箱养殖基地，总经理王海东介绍了项目进展。",
    C: "威海蓝湾海洋科技有限公司总经理王海东表示，公司将扩大海带养殖规模。",
}
KEEP = "Firm:威海蓝湾海洋科技有限公司"
SAME = "Firm:蓝湾海洋科技(威海)有限公司"


@pytest.fixture
def loaded(graph_store, graph_settings, tmp_path):
    settings = dataclasses.replace(graph_settings, data_dir=tmp_path)
    settings.documents_dir.mkdir(parents=True)
    with DocumentStore(settings.documents_dir) as store:
        for url, text in TEXTS.items():
            store.record_fetch(
                url,
                text.encode("utf-8"),
                text=text,
                content_type="text/plain",
                encoding="utf-8",
                title=url.rsplit("/", 1)[1],
            )
    pipeline.load_pending(settings, graph_store)
    pipeline.rank(settings, graph_store)
    return settings, graph_store


def firm_names(graph):
    return sorted(row["name"] for row in graph.entities(label="Firm"))


def people(graph):
    return sorted(
        (row["key"], row["affiliation"]) for row in graph.entities(label="Person")
    )


def checksum_without_decisions(graph):
    graph.write(f"MATCH (d:{DECISION}) DETACH DELETE d")
    return graph.checksum()


def test_merge_moves_mentions_and_facts_then_undo_restores(loaded):
    settings, graph = loaded
    assert firm_names(graph) == ["威海蓝湾海洋科技有限公司", "蓝湾海洋科技（威海）有限公司"]
    assert people(graph) == [
        ("Person:王海东@Firm:威海蓝湾海洋科技有限公司", "威海蓝湾海洋科技有限公司"),
        ("Person:王海东@Firm:蓝湾海洋科技(威海)有限公司", "蓝湾海洋科技（威海）有限公司"),
    ]
    before = graph.checksum()

    report = pipeline.merge(settings, graph, KEEP, SAME, by="analyst", note="same firm")

    assert report.reloaded == [f"{B}#{_hash(B)}"]
    assert report.failed == []
    firm = graph.entity(KEEP)
    assert firm["aliases"] == ["蓝湾海洋科技（威海）有限公司"]
    assert graph.entity(SAME) is None
    # Once the firms are one, the two people of one name share an
    # affiliation and are one person too.
    assert people(graph) == [
        ("Person:王海东@Firm:威海蓝湾海洋科技有限公司", "威海蓝湾海洋科技有限公司")
    ]
    neighbours = graph.neighbours(KEEP)
    assert sorted(node["name"] for node in neighbours["nodes"]) == sorted(
        [
            "威海", "威海海洋生态经济研究院", "威海蓝湾海洋科技有限公司",
            "深水网箱", "王海东", "海带养殖", "绿色水产养殖业",
        ]
    )
    sentences = {row["sentence"] for row in graph.evidence_for(KEEP)}
    assert sentences == set(TEXTS.values())
    [decision] = graph.decisions()
    assert decision["kind"] == "merge"
    assert (decision["source"], decision["target"], decision["by"]) == (SAME, KEEP, "analyst")
    assert (decision["active"], decision["applied"], decision["note"]) == (True, True, "same firm")

    undone = pipeline.undo(settings, graph, decision["id"], by="reviewer")

    assert sorted(undone.reloaded) == sorted(f"{url}#{_hash(url)}" for url in TEXTS)
    [decision] = graph.decisions()
    assert (decision["active"], decision["applied"], decision["undone_by"]) == (False, True, "reviewer")
    assert firm_names(graph) == ["威海蓝湾海洋科技有限公司", "蓝湾海洋科技（威海）有限公司"]
    assert checksum_without_decisions(graph) == before


def test_split_separates_documents_then_undo_restores(loaded):
    settings, graph = loaded
    person = "Person:王海东@Firm:威海蓝湾海洋科技有限公司"
    pipeline.merge(settings, graph, KEEP, SAME, by="analyst")
    before = graph.checksum()

    report = pipeline.split(settings, graph, person, [B], by="analyst", note="two men")

    split = graph.decisions()[0]
    assert split["kind"] == "split"
    assert split["target"] == f"{person}~{split['id']}"
    assert split["documents"] == [B]
    assert report.reloaded == [f"{B}#{_hash(B)}"]
    assert [row["key"] for row in graph.entities(label="Person")] == sorted(
        [person, split["target"]]
    )
    assert {row["document"] for row in graph.evidence_for(person)} == {C}
    assert {row["document"] for row in graph.evidence_for(split["target"])} == {B}

    pipeline.undo(settings, graph, split["id"], by="analyst")

    assert [row["key"] for row in graph.entities(label="Person")] == [person]
    graph.write(f"MATCH (d:{DECISION} {{id: $id}}) DETACH DELETE d", id=split["id"])
    assert graph.checksum() == before


def test_merge_survives_a_new_version_and_a_rerun(loaded):
    settings, graph = loaded
    pipeline.merge(settings, graph, KEEP, SAME, by="analyst")
    changed = TEXTS[B].replace("荣成", "文登")
    with DocumentStore(settings.documents_dir) as store:
        store.record_fetch(B, changed.encode("utf-8"), text=changed,
                           content_type="text/plain", encoding="utf-8")

    pipeline.load_pending(settings, graph)
    once = graph.checksum()
    pipeline.load_pending(settings, graph)

    assert graph.entity(SAME) is None
    assert changed in {row["sentence"] for row in graph.evidence_for(KEEP)}
    assert graph.checksum() == once


@pytest.mark.parametrize(
    ("target", "source", "message"),
    [
        (KEEP, KEEP, "cannot merge 'Firm:威海蓝湾海洋科技有限公司' into itself"),
        (KEEP, "Institute:威海海洋生态经济研究院",
         "cannot merge 'Institute:威海海洋生态经济研究院' into "
         "'Firm:威海蓝湾海洋科技有限公司': a Institute and a Firm are different kinds of entity"),
        (KEEP, "Firm:没有这家公司",
         "no entity has the key 'Firm:没有这家公司': check the key with the API or "
         "`bluecarbon candidates`"),
        ("威海蓝湾", SAME, "'威海蓝湾' is not an entity key"),
    ],
)
def test_bad_merges_name_the_key_and_record_nothing(loaded, target, source, message):
    settings, graph = loaded
    before = graph.checksum()

    with pytest.raises(DecisionError) as raised:
        pipeline.merge(settings, graph, target, source, by="analyst")

    assert str(raised.value).startswith(message)
    assert graph.checksum() == before


def test_merged_key_names_its_target(loaded):
    settings, graph = loaded
    pipeline.merge(settings, graph, KEEP, SAME, by="analyst")

    with pytest.raises(DecisionError) as raised:
        pipeline.merge(settings, graph, SAME, KEEP, by="analyst")
    assert str(raised.value) == (
        f"no entity has the key {SAME!r}: it was merged into {KEEP!r}; use that key"
    )


def test_bad_splits_and_undos(loaded):
    settings, graph = loaded
    with pytest.raises(DecisionError) as raised:
        pipeline.split(settings, graph, KEEP, [A, C], by="analyst")
    assert "would leave nothing behind" in str(raised.value)
    with pytest.raises(DecisionError) as raised:
        pipeline.split(settings, graph, KEEP, [B], by="analyst")
    assert str(raised.value).startswith(f"{KEEP!r} is not mentioned in {B!r}")
    with pytest.raises(DecisionError) as raised:
        pipeline.undo(settings, graph, "d000000000000", by="analyst")
    assert str(raised.value) == (
        "no decision has the id 'd000000000000'; `bluecarbon decisions` lists them"
    )
    report = pipeline.merge(settings, graph, KEEP, SAME, by="analyst")
    pipeline.undo(settings, graph, report.decision["id"], by="analyst")
    with pytest.raises(DecisionError) as raised:
        pipeline.undo(settings, graph, report.decision["id"], by="analyst")
    assert "was already undone on" in str(raised.value)


def test_unapplied_decision_finished_by_load(loaded):
    settings, graph = loaded
    # A run killed after recording the merge and before loading again.
    graph.record_merge(KEEP, SAME, by="analyst")
    assert graph.entity(SAME) is not None

    report = pipeline.load_pending(settings, graph)

    assert graph.entity(SAME) is None
    assert [d["applied"] for d in graph.decisions()] == [True]
    assert len(report.decisions) == 1
    # The candidates were ranked again and name only the kept firm.
    assert {row["key"] for row in graph.candidates()} == {KEEP}


def test_redirects_follow_chains_and_respect_documents():
    redirects = Redirects(
        [
            Redirect("d1", "Firm:b", "Firm:a", None),
            Redirect("d2", "Firm:a", "Firm:z", None),
            Redirect("d3", "Person:x", "Person:x~d3", frozenset({"u1"})),
        ]
    )
    assert redirects.resolve("Firm:b", "u9") == "Firm:z"
    assert redirects.resolve("Person:x", "u1") == "Person:x~d3"
    assert redirects.resolve("Person:x", "u2") == "Person:x"
    assert redirects.reachable("Firm:b") == {"Firm:b", "Firm:a", "Firm:z"}
    looped = Redirects([Redirect("d1", "Firm:b", "Firm:a", None), Redirect("d2", "Firm:a", "Firm:b", None)])
    with pytest.raises(DecisionError) as raised:
        looped.resolve("Firm:b", "u1")
    assert "(Firm:b -> Firm:a -> Firm:b)" in str(raised.value)


def _hash(url: str) -> str:
    from crawlers.store import content_hash

    return content_hash(TEXTS[url].encode("utf-8"))


MERGE = """
mutation ($keep: ID!, $same: ID!, $note: String) {
  mergeEntities(keep: $keep, same: $same, note: $note) {
    decision { id kind source target by note active applied }
    reloaded failed
  }
}
"""
UNDO = """
mutation ($id: ID!) {
  undoDecision(id: $id) { decision { id active undoneBy } reloaded failed }
}
"""
DECISIONS = "{ decisions { id kind source target active applied by } }"


def test_graphql_merge_and_undo(loaded):
    from starlette.testclient import TestClient

    from api.server import create_app
    from test_api_support import api_settings, data, error_code, post

    settings, graph = loaded
    client = TestClient(create_app(graph, api_settings(data_dir=settings.data_dir)))
    variables = {"keep": KEEP, "same": SAME, "note": "same firm"}

    assert post(client, MERGE, variables).status_code == 401
    bad = post(client, MERGE, {"keep": KEEP, "same": "Firm:没有"}, token="secret-alice")
    assert error_code(bad) == "BAD_USER_INPUT"
    assert bad.json()["errors"][0]["message"].startswith("no entity has the key 'Firm:没有'")

    merged = data(post(client, MERGE, variables, token="secret-alice"))["mergeEntities"]
    decision = merged["decision"]
    assert (decision["kind"], decision["source"], decision["target"]) == ("MERGE", SAME, KEEP)
    assert (decision["by"], decision["note"], decision["active"], decision["applied"]) == (
        "alice", "same firm", True, True,
    )
    assert (merged["reloaded"], merged["failed"]) == (1, [])
    assert graph.entity(SAME) is None
    # The merged-away key leads to the entity it was merged into.
    moved = data(post(client, "query ($k: ID!) { firm(key: $k) { key name } }", {"k": SAME}))
    assert moved == {"firm": {"key": KEEP, "name": "威海蓝湾海洋科技有限公司"}}

    undone = data(post(client, UNDO, {"id": decision["id"]}, token="secret-bob"))["undoDecision"]
    assert undone["decision"] == {"id": decision["id"], "active": False, "undoneBy": "bob"}
    assert undone["reloaded"] == 3
    assert graph.entity(SAME)["name"] == "蓝湾海洋科技（威海）有限公司"
    assert data(post(client, DECISIONS)) == {
        "decisions": [
            {"id": decision["id"], "kind": "MERGE", "source": SAME, "target": KEEP,
             "active": False, "applied": True, "by": "alice"}
        ]
    }


def test_command_line_merge_lists_and_undoes(loaded):
    import os
    import subprocess
    import sys

    settings, graph = loaded
    env = {
        **os.environ,
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.neo4j_password,
        "NEO4J_DATABASE": settings.neo4j_database,
        "BLUECARBON_DATA_DIR": str(settings.data_dir),
        "USER": "analyst",
    }

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "bluecarbon.cli", *args],
            capture_output=True, text=True, env=env, timeout=300, check=False,
        )

    merged = run("merge", KEEP, SAME, "--note", "same firm")
    assert merged.returncode == 0, merged.stderr
    decision_id = graph.decisions()[0]["id"]
    assert merged.stdout == (
        f"decision {decision_id} (merge {SAME} into {KEEP}) made; "
        "loaded 1 document versions again\n"
    )
    listed = run("decisions").stdout.splitlines()
    assert listed[0].startswith(f"{decision_id}  ")
    assert listed[0].endswith("  analyst  merge  active")
    assert listed[1:] == [f"    {SAME} -> {KEEP}", "    note: same firm"]

    again = run("merge", KEEP, SAME)
    assert again.returncode == 1
    assert again.stderr == (
        f"error: no entity has the key {SAME!r}: it was merged into {KEEP!r}; use that key\n"
    )
    undone = run("undo", decision_id)
    assert undone.returncode == 0, undone.stderr
    assert graph.entity(SAME) is not None


CODED = {
    "https://news.example.cn/d.html": "威海蓝湾海洋科技有限公司（统一社会信用代码91371000MA3C000001）从事海带养殖。",
    "https://news.example.cn/e.html": "荣成市海带养殖有限公司（统一社会信用代码91371082MA3D000002）从事海带养殖。",
}


def _store_texts(settings, texts):
    with DocumentStore(settings.documents_dir) as store:
        for url, text in texts.items():
            store.record_fetch(url, text.encode("utf-8"), text=text,
                               content_type="text/plain", encoding="utf-8")


def test_merging_firms_with_codes_records_no_reverse_merge(loaded):
    settings, graph = loaded
    _store_texts(settings, CODED)
    pipeline.load_pending(settings, graph)
    rongcheng = "Firm:荣成市海带养殖有限公司"

    report = pipeline.merge(settings, graph, rongcheng, KEEP, by="analyst")

    assert report.failed == []
    assert [(d["source"], d["target"], d["by"]) for d in graph.decisions()] == [
        (KEEP, rongcheng, "analyst")
    ]
    assert graph.entity(KEEP) is None
    assert "威海蓝湾海洋科技有限公司" in graph.entity(rongcheng)["aliases"]
    assert pipeline.load_pending(settings, graph).failed == []


def test_merging_a_split_back_is_rejected(loaded):
    settings, graph = loaded
    split = pipeline.split(settings, graph, KEEP, [C], by="analyst").decision

    with pytest.raises(DecisionError) as raised:
        pipeline.merge(settings, graph, KEEP, split["target"], by="analyst")

    assert "would form a cycle; undo that decision instead" in str(raised.value)
    assert [d["id"] for d in graph.decisions()] == [split["id"]]


def test_merge_undoing_person_split_rejected(loaded):
    settings, graph = loaded
    pipeline.merge(settings, graph, KEEP, SAME, by="analyst")
    person = "Person:王海东@Firm:威海蓝湾海洋科技有限公司"
    split = pipeline.split(settings, graph, person, [B], by="analyst").decision

    _store_texts(settings, {"https://news.example.cn/f.html": "蓝湾海洋科技有限公司研发海带养殖技术。"})
    pipeline.load_pending(settings, graph)
    with pytest.raises(DecisionError) as raised:
        pipeline.merge(settings, graph, "Firm:蓝湾海洋科技有限公司", KEEP, by="analyst")

    assert str(raised.value).startswith(
        f"cannot merge {KEEP!r} into 'Firm:蓝湾海洋科技有限公司': split {split['id']} tells apart"
    )


def test_opposite_merges_at_once_record_one(loaded):
    from concurrent.futures import ThreadPoolExecutor

    from bluecarbon.errors import GraphError

    settings, graph = loaded

    def attempt(pair):
        try:
            return graph.record_merge(*pair, by="analyst")
        except GraphError as error:
            return error

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(attempt, [(KEEP, SAME), (SAME, KEEP)]))

    recorded = [r for r in results if isinstance(r, dict)]
    assert len(recorded) == 1
    assert [d["id"] for d in graph.decisions()] == [recorded[0]["id"]]


def test_too_long_notes_and_keys_are_rejected(loaded):
    settings, graph = loaded
    with pytest.raises(DecisionError) as raised:
        pipeline.merge(settings, graph, KEEP, SAME, by="analyst", note="长" * 2001)
    assert str(raised.value) == "the note is 2001 characters long; use at most 2000"
    with pytest.raises(DecisionError) as raised:
        pipeline.merge(settings, graph, KEEP, "Firm:" + "长" * 2000, by="analyst")
    assert "is longer than any entity key" in str(raised.value)
    assert graph.decisions() == []
