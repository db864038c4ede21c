"""Benchmark the GraphQL API against one hand-written Cypher query.

Builds a synthetic graph of ``--entities`` entities (default 100,000) in
the embedded store with bulk ``UNWIND ... CREATE`` writes, and runs one
read, a page of 20 candidates of an industry with their factors and
firms, at 1, 10 and 50 concurrent client threads three ways:

* as a GraphQL request over HTTP to ``bluecarbon serve`` in a child
  process with the candidate order cache on (the default, 30 s),
* the same with the cache off (``BLUECARBON_API_CACHE_SECONDS=0``),
* as one hand-written Cypher query through ``GraphStore.read`` in this
  process.

Each side is warmed with 24 requests before each measurement. Prints p50
and p99 latency and requests per second side by side. The clients, the
servers and the store share the machine, so the figures include their
contention for its cores.

    .venv/bin/python bench/api.py --entities 100000 --requests 200

The graph has 60% firms, 20% institutes and 20% technologies, in
documents of 500 entities. Every entity has a mention with an Evidence
node, one IN_INDUSTRY relationship, and one COOPERATES_WITH or DEVELOPS
relationship to the next entity. Every firm has a Candidate with two
factors whose evidence names its document version.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bluecarbon.model import INDUSTRIES  # noqa: E402
from bluecarbon.settings import load_settings  # noqa: E402
from graph import open_graph  # noqa: E402

REGIONS = ("环翠区", "文登区", "荣成市", "乳山市", "青岛市")
PER_DOCUMENT = 500
BATCH = 5000
CONCURRENCY = (1, 10, 50)

API_QUERY = """
query Bench($industry: String, $after: String) {
  candidates(industry: $industry, first: 20, after: $after) {
    edges { node { key name score region flags factors { name points } firm { key name aliases } } }
  }
}
"""

# The same rows in one query: a page of candidates in RANK order with
# their firms.
CYPHER_QUERY = """
MATCH (c:Candidate) WHERE c.industry = $industry
WITH c, CASE WHEN any(f IN coalesce(c.flags, []) WHERE f IN $apart) THEN 1 ELSE 0 END AS apart
ORDER BY apart, c.score DESC, c.name, c.industry, c.key SKIP $skip LIMIT 20
MATCH (c)-[:FOR_FIRM]->(f:Firm)
RETURN c.key AS key, c.name AS name, c.score AS score, c.region AS region, c.flags AS flags,
       c.factors AS factors, f.key AS firm_key, f.name AS firm_name, f.aliases AS firm_aliases
"""


# -- synthetic graph -------------------------------------------------------------


def _label(index: int) -> str:
    return ("Firm", "Firm", "Firm", "Institute", "Technology")[index % 5]


def _entity(index: int) -> dict:
    label = _label(index)
    if label == "Firm":
        name = f"威海{index:07d}海洋科技有限公司"
        aliases = [f"{index:07d}海洋"]
    elif label == "Institute":
        name = f"威海{index:07d}海洋研究院"
        aliases = []
    else:
        name = f"第{index:07d}号海洋监测技术"
        aliases = []
    industry = INDUSTRIES[index % len(INDUSTRIES)]
    region = REGIONS[index % len(REGIONS)] if label != "Technology" else None
    key = f"{label}:{name}"
    document = index // PER_DOCUMENT
    version = f"http://127.0.0.1/bench/{document:05d}.html#{document:064x}"
    sentence = f"{name}位于{region or '威海'}，从事{industry.name}。"
    return {
        "key": key,
        "label": label,
        "props": {
            "key": key,
            "name": name,
            "aliases": aliases,
            "search_text": "|".join([name.lower(), *[a.lower() for a in aliases]]),
            "status": "current",
            "region": region,
            "industries": [industry.name],
            "confidence": 1.0,
        },
        "industry": f"industry:{industry.code}",
        "industry_name": industry.name,
        "industry_code": industry.code,
        "version": version,
        "sentence": sentence,
        "score": float((index * 7919) % 1000) / 10,
    }


def _write(store, query: str, rows: list[dict], action: str) -> None:
    for start in range(0, len(rows), BATCH):
        store.write(query, action, rows=rows[start : start + BATCH])


def build_graph(store, entities: int) -> None:
    """Write the synthetic graph with bulk CREATE statements."""
    _create_documents(store, (entities + PER_DOCUMENT - 1) // PER_DOCUMENT)
    rows = [_entity(i) for i in range(entities)]
    _create_entities(store, rows)
    _create_links(store, rows)
    _create_candidates(store, rows)


def _create_documents(store, documents: int) -> None:
    versions = [
        {
            "document": f"http://127.0.0.1/bench/{n:05d}.html",
            "key": f"http://127.0.0.1/bench/{n:05d}.html#{n:064x}",
            "hash": f"{n:064x}",
            "fetched_at": f"2024-{1 + n % 12:02d}-01T00:00:00Z",
            "title": f"合成文档 {n}",
        }
        for n in range(documents)
    ]
    _write(
        store,
        "UNWIND $rows AS row CREATE (d:Document {key: row.document, url: row.document, "
        "title: row.title, status: 'current'}) "
        "CREATE (v:DocumentVersion {key: row.key, url: row.document, content_hash: row.hash, "
        "fetched_at: row.fetched_at, title: row.title, status: 'current', complete: true}) "
        "CREATE (d)-[:HAS_VERSION]->(v)",
        versions,
        "create documents",
    )


def _create_entities(store, rows: list[dict]) -> None:
    """Create entity nodes with their mention, evidence and industry."""
    for label in ("Firm", "Institute", "Technology"):
        labelled = [r for r in rows if r["label"] == label]
        _write(store, f"UNWIND $rows AS row CREATE (n:{label}) SET n = row.props", labelled, f"create {label}")
        _write(
            store,
            f"UNWIND $rows AS row MATCH (n:{label} {{key: row.key}}) "
            "MATCH (v:DocumentVersion {key: row.version}) MATCH (i:Industry {key: row.industry}) "
            "CREATE (n)-[:MENTIONED_IN {status: 'current'}]->(v) "
            "CREATE (n)-[:IN_INDUSTRY {status: 'current'}]->(i) "
            "CREATE (e:Evidence {key: 'evidence:' + row.key, fact: row.key, subject: row.key, "
            "kind: 'mention', sentence: row.sentence, start: 0, end: size(row.props.name), "
            "status: 'current', confidence: 1.0, extractor_version: 'bench-1', version: row.version}) "
            "CREATE (e)-[:FROM_VERSION]->(v)",
            labelled,
            f"link {label}",
        )


def _create_links(store, rows: list[dict]) -> None:
    """Link every entity to the next one."""
    links = []
    for index, row in enumerate(rows[:-1]):
        tail = rows[index + 1]
        type_ = "DEVELOPS" if row["label"] == "Firm" and tail["label"] == "Technology" else "COOPERATES_WITH"
        links.append({"head": row["key"], "tail": tail["key"], "type": type_, "head_label": row["label"], "tail_label": tail["label"]})
    groups: dict[tuple, list[dict]] = {}
    for link in links:
        groups.setdefault((link["type"], link["head_label"], link["tail_label"]), []).append(link)
    for (type_, head_label, tail_label), group in sorted(groups.items()):
        _write(
            store,
            f"UNWIND $rows AS row MATCH (h:{head_label} {{key: row.head}}) "
            f"MATCH (t:{tail_label} {{key: row.tail}}) CREATE (h)-[:{type_} {{status: 'current'}}]->(t)",
            group,
            f"create {type_}",
        )


def _create_candidates(store, rows: list[dict]) -> None:
    """Create one Candidate per firm, as graph.scoring stores them."""
    candidates = []
    for row in rows:
        if row["label"] != "Firm":
            continue
        evidence = [{"document": row["version"].split("#")[0], "title": None, "version": row["version"], "sentence": row["sentence"]}]
        factors = [
            {"name": "industry sentences", "group": "activity", "points": row["score"], "evidence": evidence},
            {"name": "local firm", "group": "place", "points": 0.0, "evidence": []},
        ]
        region = row["props"]["region"]
        candidates.append(
            {
                "firm": row["key"],
                "industry": row["industry"],
                "props": {
                    "key": f"candidate:{row['key']}|{row['industry']}",
                    "firm": row["key"],
                    "name": row["props"]["name"],
                    "industry": row["industry_name"],
                    "industry_code": row["industry_code"],
                    "region": region,
                    "score": row["score"],
                    "factors": json.dumps(factors, ensure_ascii=False),
                    "flags": ["non-local"] if region == "青岛市" else [],
                    "scoring_version": "bench-1",
                },
            }
        )
    _write(
        store,
        "UNWIND $rows AS row MATCH (f:Firm {key: row.firm}) MATCH (i:Industry {key: row.industry}) "
        "CREATE (c:Candidate) SET c = row.props CREATE (c)-[:FOR_FIRM]->(f) CREATE (c)-[:IN_INDUSTRY]->(i)",
        candidates,
        "create candidates",
    )


# -- measurement ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pages(count: int) -> list[dict]:
    """Return ``count`` request parameters: industries in turn, first
    pages and a few later ones."""
    params = []
    for number in range(count):
        industry = INDUSTRIES[number % len(INDUSTRIES)].name
        params.append({"industry": industry, "skip": (number % 5) * 20})
    return params


def _cursor(skip: int) -> str | None:
    import base64

    return base64.urlsafe_b64encode(f"offset:{skip - 1}".encode()).decode() if skip else None


def run_load(task, clients: int, requests: int) -> dict:
    """Run ``requests`` calls of ``task(params)`` from ``clients`` threads
    and return latency percentiles in ms and requests per second."""
    work = _pages(requests)
    latencies: list[float] = []
    lock = threading.Lock()
    position = [0]
    errors = [0]

    def worker():
        local = task.__self__.fork() if hasattr(task, "__self__") and hasattr(task.__self__, "fork") else task
        while True:
            with lock:
                if position[0] >= len(work):
                    return
                params = work[position[0]]
                position[0] += 1
            started = time.perf_counter()
            try:
                ok = local(params)
            except Exception as error:  # noqa: BLE001 (a failed request is counted, not fatal)
                print(f"request failed: {type(error).__name__}: {error}", file=sys.stderr)
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "rps": len(latencies) / wall,
        "errors": errors[0],
    }


class ApiClient:
    """One HTTP client per thread, posting API_QUERY."""

    def __init__(self, url: str):
        self.url = url
        self.http = httpx.Client(timeout=60.0)

    def fork(self):
        return ApiClient(self.url).__call__

    def __call__(self, params: dict) -> bool:
        variables = {"industry": params["industry"], "after": _cursor(params["skip"])}
        response = self.http.post(self.url, json={"query": API_QUERY, "variables": variables})
        body = response.json()
        return response.status_code == 200 and "errors" not in body and len(body["data"]["candidates"]["edges"]) > 0


def cypher_task(store):
    def task(params: dict) -> bool:
        rows = store.read(CYPHER_QUERY, "bench", industry=params["industry"], skip=params["skip"], apart=["non-local", "thin-evidence"])
        for row in rows:
            row["factors"] = json.loads(row["factors"])
        return len(rows) > 0

    return task


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=100_000, help="entities in the synthetic graph (default 100000)")
    parser.add_argument("--requests", type=int, default=500, help="requests per concurrency level and side (default 500)")
    parser.add_argument("--data-dir", type=Path, help="keep the graph here (default: a temporary directory, deleted after)")
    args = parser.parse_args(argv)

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="bluecarbon-bench-"))
    settings = load_settings(data_dir, environ={})
    children: list[subprocess.Popen] = []
    try:
        with open_graph(settings) as store:
            try:
                _measure(store, data_dir, args, children)
            finally:
                # The servers use the embedded store that this process
                # started, so they stop before it does.
                _stop(children)
    finally:
        if args.data_dir is None:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


def _measure(store, data_dir: Path, args, children: list) -> None:
    existing = store.read("MATCH (c:Candidate) RETURN count(c) AS n", "count candidates")[0]["n"]
    if existing == 0:
        started = time.perf_counter()
        build_graph(store, args.entities)
        print(f"built {args.entities} entities in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        print(f"using the graph in {data_dir} ({existing} candidates)", flush=True)

    servers = {}
    for name, cache_seconds in (("API cached", "30"), ("API uncached", "0")):
        port = _free_port()
        env = {
            **os.environ,
            "BLUECARBON_API_RATE_LIMIT": "0",
            "BLUECARBON_API_CACHE_SECONDS": cache_seconds,
        }
        env.pop("NEO4J_URI", None)
        # The server's log goes to a file, because an unread pipe would
        # block the server once full.
        log = open(data_dir / f"serve-{port}.log", "wb")  # noqa: SIM115 (closed with the process)
        children.append(
            subprocess.Popen(
                [str(Path(sys.executable).parent / "bluecarbon"), "--data-dir", str(data_dir), "serve", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        )
        log.close()
        url = f"http://127.0.0.1:{port}/graphql"
        _wait_for(url, children[-1])
        servers[name] = url

    sides = {name: ApiClient(url) for name, url in servers.items()}
    sides["Cypher"] = cypher_task(store)
    header = f"{'clients':>7}"
    for name in sides:
        header += f" | {name + ' p50':>16} {'p99':>8} {'req/s':>7}"
    print("\n" + header + " | p50 ratio (uncached / Cypher)")
    for clients in CONCURRENCY:
        results = {}
        for name, task in sides.items():
            # Steady state: the other sides' runs may outlast the cache's
            # ttl, so each side is warmed again before it is measured.
            run_load(task, 4, 24)
            results[name] = run_load(task, clients, args.requests)
        line = f"{clients:>7}"
        for name, result in results.items():
            line += f" | {result['p50']:>14.1f}ms {result['p99']:>6.1f}ms {result['rps']:>7.1f}"
        ratio = results["API uncached"]["p50"] / results["Cypher"]["p50"]
        errors = sum(r["errors"] for r in results.values())
        line += f" | {ratio:.2f}" + (f"  ({errors} failed requests)" if errors else "")
        print(line, flush=True)


def _stop(children: list) -> None:
    for child in children:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()


def _wait_for(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the API server exited with code {server.returncode}; see serve-*.log in {server.args[2]}")
        try:
            httpx.post(url, json={"query": "{ industries { code } }"}, timeout=2.0)
            return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise SystemExit(f"the API server at {url} did not respond within 120 s; see its log in the data directory")


if __name__ == "__main__":
    sys.exit(main())
