"""Benchmark the graph loader against a raw UNWIND ... CREATE of the same rows.

    python bench/graph_load.py                      # 100,000 entities
    python bench/graph_load.py --entities 5000      # a quick run

The script loads a synthetic corpus (graph.synthetic: N entities, 3N
relations, every fact with a sentence) through GraphStore.load, then loads
it again to check idempotence, and times 2-hop neighbourhood queries. It
then empties the store and writes the same entities and relationships with
plain CREATE statements. Both sides are printed next to each other, with
the peak memory of this process and of the graph server. Without NEO4J_URI
it starts the embedded store under a temporary directory.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bluecarbon.settings import load_settings
from graph import open_graph
from graph.keys import entity_key
from graph.synthetic import synthetic_corpus

RAW_BATCH = 1000
DELETE_BATCH = 20000
NEIGHBOURHOOD_SAMPLES = 200
WARM_ENTITIES = 5000


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--entities",
        type=int,
        default=100_000,
        help="number of entities (default 100000)",
    )
    parser.add_argument(
        "--per-version",
        type=int,
        default=500,
        help="entities per document version (default 500)",
    )
    parser.add_argument(
        "--data-dir", help="data directory (default: a new temporary directory)"
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="seed for the sampled query keys"
    )
    return parser.parse_args(argv)


def server_peak_kib(graph) -> int | None:
    """Return the graph server's peak resident memory (VmHWM) in KiB when
    it is a child process of this one."""
    if graph.server is None or graph.server.process is None:
        return None
    try:
        status = Path(f"/proc/{graph.server.process.pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def load_with_loader(graph, corpus, force: bool = False) -> float:
    started = time.perf_counter()
    for version, extraction in corpus:
        graph.load(version, extraction, force=force)
    return time.perf_counter() - started


def time_neighbourhoods(graph, keys: list[str]) -> dict[str, float]:
    helper, cypher = [], []
    for key in keys:
        started = time.perf_counter()
        graph.neighbours(key, depth=2)
        helper.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        graph.read(
            "MATCH (n:Firm {key: $key})-[:COOPERATES_WITH|DEVELOPS*1..2]-(m) "
            "RETURN count(DISTINCT m) AS n",
            key=key,
        )
        cypher.append((time.perf_counter() - started) * 1000)
    return {
        "neighbours() median ms": statistics.median(helper),
        "neighbours() p95 ms": _p95(helper),
        "2-hop Cypher median ms": statistics.median(cypher),
        "2-hop Cypher p95 ms": _p95(cypher),
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def empty_store(graph) -> None:
    while True:
        rows = graph.write(
            "MATCH (n) WHERE NOT n:Migration AND NOT n:Industry "
            "WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted",
            batch=DELETE_BATCH,
        )
        if not rows or rows[0]["deleted"] == 0:
            return


def raw_rows(corpus):
    """Return the corpus's entities and relations as plain rows: nodes by
    label and relationships by (type, head label, tail label)."""
    nodes: dict[str, dict[str, dict]] = defaultdict(dict)
    relationships: dict[tuple, list[dict]] = defaultdict(list)
    for version, extraction in corpus:
        for entity in extraction.entities:
            key = entity_key(entity.type, entity.name)
            nodes[entity.type][key] = {
                "key": key,
                "name": entity.name,
                "region": entity.region,
            }
        for relation in extraction.relations:
            relationships[
                (relation.type, relation.head_type, relation.tail_type)
            ].append(
                {
                    "head": entity_key(relation.head_type, relation.head),
                    "tail": entity_key(relation.tail_type, relation.tail),
                    "sentence": relation.evidence[0].sentence,
                }
            )
    return {label: list(rows.values()) for label, rows in nodes.items()}, relationships


def load_raw(graph, nodes, relationships) -> float:
    started = time.perf_counter()
    for label, rows in sorted(nodes.items()):
        for start in range(0, len(rows), RAW_BATCH):
            graph.write(
                f"UNWIND $rows AS row CREATE (n:{label}) SET n = row",
                rows=rows[start : start + RAW_BATCH],
            )
    for (type_, head_label, tail_label), rows in sorted(relationships.items()):
        for start in range(0, len(rows), RAW_BATCH):
            graph.write(
                f"UNWIND $rows AS row MATCH (h:{head_label} {{key: row.head}}) "
                f"MATCH (t:{tail_label} {{key: row.tail}}) "
                f"CREATE (h)-[:{type_} {{sentence: row.sentence}}]->(t)",
                rows=rows[start : start + RAW_BATCH],
            )
    return time.perf_counter() - started


def print_report(facts: dict, loader: dict, raw: dict) -> None:
    print()
    for name, value in facts.items():
        print(f"{name:<34} {value}")
    print()
    print(f"{'':<34} {'loader (MERGE + provenance)':>28} {'raw UNWIND CREATE':>20}")
    for name in loader:
        print(
            f"{name:<34} {_format(loader[name]):>28} {_format(raw.get(name, '')):>20}"
        )


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    corpus = synthetic_corpus(args.entities, per_version=args.per_version)
    entity_count = sum(len(x.entities) for _, x in corpus)
    relation_count = sum(len(x.relations) for _, x in corpus)
    input_rows = entity_count + relation_count

    with tempfile.TemporaryDirectory(prefix="graph-bench-") as scratch:
        data_dir = args.data_dir or scratch
        settings = load_settings(data_dir)
        with open_graph(settings) as graph:
            # Both sides run on a warm server, because the graph server
            # compiles its code paths during its first writes, and that
            # cost would count against whichever side ran first.
            print("warming the server with a small load of both kinds ...", flush=True)
            warm = synthetic_corpus(WARM_ENTITIES, per_version=args.per_version)
            empty_store(graph)
            load_with_loader(graph, warm)
            empty_store(graph)
            load_raw(graph, *raw_rows(warm))
            empty_store(graph)
            print(
                f"loading {entity_count:,} entities and {relation_count:,} relations in {len(corpus)} versions ...",
                flush=True,
            )
            first = load_with_loader(graph, corpus)
            print(f"  {first:.1f} s, {input_rows / first:.0f} input rows/s", flush=True)
            stats = graph.stats()
            checksum = graph.checksum()
            print(
                "loading the same corpus again, unchanged versions skipped ...",
                flush=True,
            )
            second = load_with_loader(graph, corpus)
            print(f"  {second:.1f} s", flush=True)
            print("loading the same corpus again with force=True ...", flush=True)
            forced = load_with_loader(graph, corpus, force=True)
            print(
                f"  {forced:.1f} s, {input_rows / forced:.0f} input rows/s", flush=True
            )
            idempotent = graph.checksum() == checksum and graph.stats() == stats

            print("ranking ...", flush=True)
            started = time.perf_counter()
            candidates = graph.rank()
            rank_seconds = time.perf_counter() - started
            print(f"  {rank_seconds:.1f} s, {len(candidates)} candidates", flush=True)

            firms = [
                entity_key(e.type, e.name)
                for _, x in corpus
                for e in x.entities
                if e.type == "Firm"
            ]
            sample = random.Random(args.seed).sample(
                firms, min(NEIGHBOURHOOD_SAMPLES, len(firms))
            )
            neighbourhood = time_neighbourhoods(graph, sample)

            print("writing the same rows with raw UNWIND ... CREATE ...", flush=True)
            empty_store(graph)
            nodes, relationships = raw_rows(corpus)
            raw_seconds = load_raw(graph, nodes, relationships)
            print(
                f"  {raw_seconds:.1f} s, {input_rows / raw_seconds:.0f} input rows/s",
                flush=True,
            )
            raw_stats = graph.stats()
            server_peak = server_peak_kib(graph)

    written = sum(stats["nodes"].values()) + sum(stats["relationships"].values())
    raw_written = sum(raw_stats["nodes"].values()) + sum(
        raw_stats["relationships"].values()
    )
    facts = {
        "store": "embedded ArcadeDB" if not settings.neo4j_uri else settings.neo4j_uri,
        "entities, relations (input rows)": f"{entity_count:,}, {relation_count:,} ({input_rows:,})",
        "versions (documents)": len(corpus),
        "CPUs": os.cpu_count(),
        "load average at end": " ".join(f"{v:.1f}" for v in os.getloadavg()),
        "reloads leave checksum and counts": idempotent,
        "peak RSS of this process (MiB)": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        ),
        "peak RSS of graph server (MiB)": round(server_peak / 1024)
        if server_peak
        else "n/a",
    }
    facts.update({name: round(value, 2) for name, value in neighbourhood.items()})
    facts["rank() seconds (candidates)"] = f"{rank_seconds:.1f} ({len(candidates):,})"
    loader = {
        "seconds, first load": first,
        "input rows/s, first load": input_rows / first,
        "seconds, reload (skips unchanged)": second,
        "seconds, forced reload (MERGE again)": forced,
        "input rows/s, forced reload": input_rows / forced,
        "nodes + relationships written": written,
    }
    raw = {
        "seconds, first load": raw_seconds,
        "input rows/s, first load": input_rows / raw_seconds,
        "nodes + relationships written": raw_written,
    }
    print_report(facts, loader, raw)
    return 0 if idempotent else 1


if __name__ == "__main__":
    sys.exit(main())
