"""Parameterised reads for the API: entities, evidence, neighbourhoods,
documents and search.

User text only ever reaches the store as a query parameter. Labels and
relationship types that appear in query text come from the fixed
vocabulary in :mod:`bluecarbon.model`, checked before use.
"""

from __future__ import annotations

from collections import defaultdict

from bluecarbon.errors import GraphError
from bluecarbon.model import ENTITY_LABELS, INDUSTRY, PLACE, RELATION_TYPES
from graph import keys

MAX_LIMIT = 1000
# Nodes a neighbourhood shows but does not expand through, because every
# firm of an industry or a district is one hop from them.
NOT_EXPANDED = (INDUSTRY, PLACE)

_ENTITY_FIELDS = (
    "n.key AS key, labels(n)[0] AS type, n.name AS name, n.aliases AS aliases, "
    "n.status AS status, n.region AS region, n.role AS role, "
    "n.affiliation AS affiliation, n.industries AS industries, "
    "n.removed_on AS removed_on, n.credit_code AS credit_code"
)


def _check_label(label: str) -> str:
    if label not in ENTITY_LABELS:
        raise GraphError(
            f"entity type {label!r} is unknown; use one of: {', '.join(ENTITY_LABELS)}"
        )
    return label


def _check_page(limit: int, offset: int) -> None:
    if not 0 <= limit <= MAX_LIMIT:
        raise GraphError(f"limit={limit} is out of range; use 0 to {MAX_LIMIT}")
    if offset < 0:
        raise GraphError(f"offset={offset} is negative; use 0 or more")


def _industry_name(industry: str) -> str:
    found = keys.find_industry(industry)
    return found.name if found else industry


def _entity_row(row: dict) -> dict:
    row = dict(row)
    row["aliases"] = list(row.get("aliases") or [])
    row["industries"] = list(row.get("industries") or [])
    return row


def entities(
    store,
    label=None,
    industry=None,
    name_contains=None,
    status=None,
    region=None,
    limit=100,
    offset=0,
) -> list[dict]:
    """Return entities that match every filter given, ordered by name then
    key. ``industry`` is a name or code of the six; ``name_contains``
    matches the name or an alias; ``region`` matches a substring."""
    _check_page(limit, offset)
    labels = [_check_label(label)] if label else list(ENTITY_LABELS)
    conditions, params = entity_conditions(
        store,
        None if industry is None else _industry_name(industry),
        name_contains,
        status,
        region,
    )
    params["window"] = limit + offset
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""

    rows: list[dict] = []
    for name in labels:
        rows += store.read(
            f"MATCH (n:{name}) {where} RETURN {_ENTITY_FIELDS} "
            "ORDER BY n.name, n.key LIMIT $window",
            "list entities",
            **params,
        )
    rows.sort(key=lambda r: (r["name"] or "", r["key"]))
    return [_entity_row(r) for r in rows[offset : offset + limit]]


def _labels_for_key(key: str) -> list[str]:
    prefix = key.split(":", 1)[0]
    if prefix in ENTITY_LABELS:
        return [prefix]
    return list(ENTITY_LABELS)


def entity(store, key: str) -> dict | None:
    """Return one entity by key, or None."""
    for label in _labels_for_key(key):
        rows = store.read(
            f"MATCH (n:{label} {{key: $key}}) RETURN {_ENTITY_FIELDS}",
            "read an entity",
            key=key,
        )
        if rows:
            return _entity_row(rows[0])
    return None


def evidence_for(store, key: str) -> list[dict]:
    """Return the evidence of an entity's mentions (or of one fact, when
    ``key`` is a fact string), current first, then by document and offset."""
    rows = store.read(
        "MATCH (e:Evidence) WHERE e.fact = $key "
        "MATCH (e)-[:FROM_VERSION]->(v) "
        "RETURN v.url AS document, v.title AS title, v.key AS version, "
        "e.sentence AS sentence, e.start AS start, e.end AS end, "
        "e.status AS status, e.removed_on AS removed_on, e.removed_by AS removed_by",
        "read evidence",
        key=key,
    )
    rows.sort(
        key=lambda r: (
            r["status"] != "current",
            r["document"],
            r["version"],
            r["start"] or 0,
        )
    )
    return rows


def neighbours(store, key: str, depth: int = 1) -> dict:
    """Return the entity ``key`` with the nodes and relationships within
    ``depth`` (1 or 2) hops over entity relationships, Industry and Place
    included but not expanded through."""
    if depth not in (1, 2):
        raise GraphError(f"depth={depth} is not supported; use 1 or 2")
    centre = entity(store, key)
    if centre is None:
        return {"centre": None, "nodes": [], "relationships": []}

    nodes = {
        centre["key"]: {
            "key": centre["key"],
            "type": centre["type"],
            "name": centre["name"],
            "status": centre["status"],
        }
    }
    relationships: dict[tuple, dict] = {}
    frontier = {centre["type"]: [centre["key"]]}
    types = "|".join(RELATION_TYPES)

    for _ in range(depth):
        next_frontier: dict[str, list[str]] = defaultdict(list)
        for label, label_keys in sorted(frontier.items()):
            rows = store.read_chunked(
                f"UNWIND $keys AS k MATCH (n:{label} {{key: k}})-[r:{types}]-(m) "
                "RETURN type(r) AS type, startNode(r).key AS head, endNode(r).key AS tail, "
                "r.status AS status, m.key AS key, labels(m)[0] AS label, "
                "m.name AS name, m.status AS node_status",
                "read a neighbourhood",
                chunk_by="keys",
                keys=label_keys,
            )
            for row in rows:
                relationships[(row["type"], row["head"], row["tail"])] = {
                    "type": row["type"],
                    "head": row["head"],
                    "tail": row["tail"],
                    "status": row["status"],
                }
                if row["key"] in nodes:
                    continue
                nodes[row["key"]] = {
                    "key": row["key"],
                    "type": row["label"],
                    "name": row["name"],
                    "status": row["node_status"],
                }
                if row["label"] not in NOT_EXPANDED:
                    next_frontier[row["label"]].append(row["key"])
        frontier = next_frontier

    return {
        "centre": centre,
        "nodes": sorted(nodes.values(), key=lambda n: n["key"]),
        "relationships": sorted(
            relationships.values(), key=lambda r: (r["type"], r["head"], r["tail"])
        ),
    }


def documents(store) -> list[dict]:
    """Return every Document with its status, number of versions and the
    documents it amends or repeals (by key)."""
    rows = store.read(
        "MATCH (d:Document) "
        "OPTIONAL MATCH (d)-[:HAS_VERSION]->(v:DocumentVersion) "
        "WITH d, count(v) AS versions "
        "OPTIONAL MATCH (d)-[:AMENDS]->(a:Document) "
        "WITH d, versions, collect(a.key) AS amends "
        "OPTIONAL MATCH (d)-[:REPEALS]->(r:Document) "
        "RETURN d.key AS key, d.url AS url, d.title AS title, d.status AS status, "
        "d.issuer AS issuer, d.document_number AS document_number, "
        "d.published AS published, d.latest_version AS latest_version, "
        "d.repealed_on AS repealed_on, versions, amends, collect(r.key) AS repeals",
        "list documents",
    )
    for row in rows:
        row["amends"] = sorted(row["amends"])
        row["repeals"] = sorted(row["repeals"])
    return sorted(rows, key=lambda r: r["key"])


def search_form(text: str) -> str:
    """Return ``text`` in the form that ``search_text`` stores (see
    graph.keys.search_form)."""
    return keys.search_form(text)


def entity_conditions(store, industry, name_contains, status, region) -> tuple[list[str], dict]:
    """Return the WHERE conditions on entity ``n`` and their parameters
    for the filters given; ``industry`` is an industry's Chinese name."""
    conditions, params = [], {}
    if industry is not None:
        conditions.append("$industry IN n.industries")
        params["industry"] = industry
    if name_contains:
        conditions.append(store.dialect.search_condition("n", "text"))
        params["text"] = search_form(name_contains)
    if status is not None:
        conditions.append("n.status = $status")
        params["status"] = status
    if region is not None:
        conditions.append("n.region CONTAINS $region")
        params["region"] = region
    return conditions, params


def search(store, text: str, limit: int = 50) -> list[dict]:
    """Return entities whose name or an alias contains ``text`` (any
    Chinese or Latin substring), current ones first, shortest name first."""
    _check_page(limit, 0)
    needle = search_form(text)
    if not needle:
        return []
    rows: list[dict] = []
    for label in ENTITY_LABELS:
        rows += store.read(
            f"MATCH (n:{label}) WHERE {store.dialect.search_condition('n', 'text')} "
            f"RETURN {_ENTITY_FIELDS} ORDER BY n.name LIMIT $limit",
            "search entities",
            text=needle,
            limit=limit,
        )
    rows.sort(
        key=lambda r: (
            r["status"] != "current",
            len(r["name"] or ""),
            r["name"] or "",
            r["key"],
        )
    )
    return [_entity_row(r) for r in rows[:limit]]
