"""Batched reads and the review write behind the GraphQL API.

Every function runs a fixed number of queries, whatever the number of
keys it gets, so that the API can load one field for a whole list of
objects at once. User text reaches the store only as a query parameter.
Labels, relationship types and ORDER BY clauses in query text come from
the fixed vocabulary in :mod:`bluecarbon.model` or from the tables below,
checked before use.
"""

from __future__ import annotations

import json
from collections import defaultdict

from bluecarbon.errors import GraphError
from bluecarbon.model import ENTITY_LABELS, FIRM, INDUSTRY, PLACE, RELATION_TYPES
from graph import keys
from graph.reads import entity_conditions, search_form

# Nodes a neighbourhood shows but does not expand through, because every
# firm of an industry or a district is one hop from them.
NOT_EXPANDED = (INDUSTRY, PLACE)
# Flags that list a candidate after the others in the RANK order; the
# same as graph.scoring.LISTED_APART.
LISTED_APART = ["non-local", "thin-evidence"]
NON_LOCAL = "non-local"

ENTITY_FIELDS = (
    "n.key AS key, labels(n)[0] AS type, n.name AS name, n.aliases AS aliases, "
    "n.status AS status, n.region AS region, n.role AS role, "
    "n.affiliation AS affiliation, n.industries AS industries, "
    "n.removed_on AS removed_on, n.credit_code AS credit_code, "
    "n.confidence AS confidence"
)
VERSION_FIELDS = (
    "v.key AS key, v.url AS url, v.content_hash AS content_hash, "
    "v.fetched_at AS fetched_at, v.title AS title, v.issuer AS issuer, "
    "v.document_number AS document_number, v.published AS published, "
    "v.status AS status, v.extractor_version AS extractor_version"
)
DOCUMENT_FIELDS = (
    "d.key AS key, d.url AS url, d.title AS title, d.status AS status, "
    "d.issuer AS issuer, d.document_number AS document_number, "
    "d.published AS published, d.repealed_on AS repealed_on"
)

# ORDER BY clauses by sort name; Python keys that give the same order
# when rows of several labels are merged.
ENTITY_ORDER = {
    "NAME_ASC": "n.name, n.key",
    "NAME_DESC": "n.name DESC, n.key DESC",
}
CANDIDATE_ORDER = {
    "RANK": "apart, c.score DESC, c.name, c.industry, c.key",
    "SCORE_DESC": "c.score DESC, c.name, c.industry, c.key",
    "SCORE_ASC": "c.score, c.name, c.industry, c.key",
    "NAME_ASC": "c.name, c.industry, c.key",
}
SEARCH_ORDER = "rank, size(n.name), n.name, n.key"


def _entity_sort_key(sort: str):
    if sort == "NAME_DESC":
        return lambda row: (_Reversed(row["name"] or ""), _Reversed(row["key"]))
    return lambda row: (row["name"] or "", row["key"])


class _Reversed:
    """A string that sorts in reverse order."""

    __slots__ = ("value",)

    def __init__(self, value: str):
        self.value = value

    def __lt__(self, other: _Reversed) -> bool:
        return self.value > other.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.value == other.value


def label_of_key(key: str) -> str | None:
    """Return the entity label that a key's prefix names, or None when
    the prefix names none (such keys are looked up under every label)."""
    prefix = key.split(":", 1)[0]
    if prefix in ENTITY_LABELS:
        return prefix
    if prefix == "credit":
        return FIRM
    return None


def _check_labels(labels) -> list[str]:
    for label in labels:
        if label not in ENTITY_LABELS:
            raise GraphError(f"entity type {label!r} is unknown; use one of: {', '.join(ENTITY_LABELS)}")
    return list(labels)


def entity_row(row: dict) -> dict:
    row = dict(row)
    row["aliases"] = list(row.get("aliases") or [])
    row["industries"] = list(row.get("industries") or [])
    return row


# -- entities --------------------------------------------------------------


def _entity_filter(store, industry, name_contains, status, region) -> tuple[list[str], dict]:
    return entity_conditions(store, industry, name_contains, status, region)


def _entity_match(label: str, linked_to: tuple[str, str] | None) -> str:
    """Return the MATCH clause for entities of ``label``, linked to the
    entity ``linked_to`` (its label and key) when given. The anchor's
    label keeps the lookup on the key index."""
    if linked_to is None:
        return f"MATCH (n:{label})"
    (anchor,) = _check_labels([linked_to[0]])
    types = "|".join(RELATION_TYPES)
    return f"MATCH (m:{anchor} {{key: $linked}})-[:{types}]-(n:{label}) WITH DISTINCT n"


def entity_page(
    store,
    labels,
    *,
    industry=None,
    name_contains=None,
    status=None,
    region=None,
    linked_to=None,
    sort="NAME_ASC",
    skip=0,
    limit=20,
) -> list[dict]:
    """Return ``limit`` entities after the first ``skip`` that match every
    filter given, in ``sort`` order: one query per label. ``linked_to``
    is the (label, key) of an entity the results are related to."""
    order = ENTITY_ORDER[sort]
    conditions, params = _entity_filter(store, industry, name_contains, status, region)
    params["window"] = skip + limit
    params["linked"] = linked_to[1] if linked_to else None
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    rows: list[dict] = []
    for label in _check_labels(labels):
        rows += store.read(
            f"{_entity_match(label, linked_to)} {where} RETURN {ENTITY_FIELDS} "
            f"ORDER BY {order} LIMIT $window",
            "list entities",
            **params,
        )
    rows.sort(key=_entity_sort_key(sort))
    return [entity_row(r) for r in rows[skip : skip + limit]]


def entity_order(
    store,
    labels,
    *,
    industry=None,
    name_contains=None,
    status=None,
    region=None,
    linked_to=None,
    sort="NAME_ASC",
    limit=10_000,
) -> list[str]:
    """Return the keys of the first ``limit`` entities that match every
    filter given, in ``sort`` order, as entity_page orders them."""
    order = ENTITY_ORDER[sort]
    conditions, params = _entity_filter(store, industry, name_contains, status, region)
    params["window"] = limit
    params["linked"] = linked_to[1] if linked_to else None
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    rows: list[dict] = []
    for label in _check_labels(labels):
        rows += store.read(
            f"{_entity_match(label, linked_to)} {where} RETURN n.key AS key, n.name AS name "
            f"ORDER BY {order} LIMIT $window",
            "order entities",
            **params,
        )
    rows.sort(key=_entity_sort_key(sort))
    return [row["key"] for row in rows[:limit]]


def entity_count(store, labels, *, industry=None, name_contains=None, status=None, region=None, linked_to=None) -> int:
    """Return how many entities match every filter given."""
    conditions, params = _entity_filter(store, industry, name_contains, status, region)
    params["linked"] = linked_to[1] if linked_to else None
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    total = 0
    for label in _check_labels(labels):
        rows = store.read(
            f"{_entity_match(label, linked_to)} {where} RETURN count(n) AS count",
            "count entities",
            **params,
        )
        total += rows[0]["count"] if rows else 0
    return total


def entities_by_key(store, entity_keys) -> dict[str, dict]:
    """Return the entities among ``entity_keys`` that exist, by key: one
    query per label that the keys name."""
    by_label: dict[str | None, list[str]] = defaultdict(list)
    for key in sorted(set(entity_keys)):
        by_label[label_of_key(key)].append(key)
    found: dict[str, dict] = {}
    labels_to_read: dict[str, set[str]] = defaultdict(set)
    for label, label_keys in by_label.items():
        for target in [label] if label else ENTITY_LABELS:
            labels_to_read[target].update(label_keys)
    for label, label_keys in sorted(labels_to_read.items()):
        for row in store.read(
            f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) RETURN {ENTITY_FIELDS}",
            "read entities",
            keys=sorted(label_keys),
        ):
            found[row["key"]] = entity_row(row)
    return found


def search_page(store, text: str, *, skip=0, limit=20) -> list[dict]:
    """Return entities whose name or an alias contains ``text`` (Chinese
    or Latin substrings), current ones first, then shorter names."""
    needle = search_form(text)
    if not needle:
        return []
    rows: list[dict] = []
    for label in ENTITY_LABELS:
        rows += store.read(
            f"MATCH (n:{label}) WHERE {store.dialect.search_condition('n', 'text')} "
            f"WITH n, CASE n.status WHEN 'current' THEN 0 ELSE 1 END AS rank "
            f"RETURN {ENTITY_FIELDS}, rank ORDER BY {SEARCH_ORDER} LIMIT $window",
            "search entities",
            text=needle,
            window=skip + limit,
        )
    rows.sort(key=lambda r: (r.pop("rank"), len(r["name"] or ""), r["name"] or "", r["key"]))
    return [entity_row(r) for r in rows[skip : skip + limit]]


def search_count(store, text: str) -> int:
    needle = search_form(text)
    if not needle:
        return 0
    total = 0
    for label in ENTITY_LABELS:
        rows = store.read(
            f"MATCH (n:{label}) WHERE {store.dialect.search_condition('n', 'text')} RETURN count(n) AS count",
            "count search results",
            text=needle,
        )
        total += rows[0]["count"] if rows else 0
    return total


def counts(store, by: str, labels, status=None) -> list[dict]:
    """Return ``[{name, count}]`` of entities grouped by industry, region
    or type, largest first."""
    where = "WHERE n.status = $status" if status is not None else ""
    totals: dict[str | None, int] = defaultdict(int)
    for label in _check_labels(labels):
        if by == "TYPE":
            query = f"MATCH (n:{label}) {where} RETURN '{label}' AS name, count(n) AS count"
        elif by == "REGION":
            query = f"MATCH (n:{label}) {where} RETURN n.region AS name, count(n) AS count"
        elif by == "INDUSTRY":
            query = (
                f"MATCH (n:{label}) {where} UNWIND coalesce(n.industries, []) AS name "
                "RETURN name, count(n) AS count"
            )
        else:
            raise GraphError(f"counts by {by!r} is unknown; use INDUSTRY, REGION or TYPE")
        for row in store.read(query, "count entities", status=status):
            totals[row["name"]] += row["count"]
    rows = [{"name": name, "count": count} for name, count in totals.items() if count]
    rows.sort(key=lambda r: (-r["count"], r["name"] is None, r["name"] or ""))
    return rows


# -- evidence --------------------------------------------------------------


def evidence_for_facts(store, facts) -> dict[str, list[dict]]:
    """Return the evidence of each fact (an entity key for mentions, or
    ``TYPE|head|tail``), current first, then by version and offset, each
    with its document version."""
    facts = sorted(set(facts))
    found: dict[str, list[dict]] = defaultdict(list)
    if not facts:
        return found
    rows = store.read(
        "UNWIND $facts AS f MATCH (e:Evidence {fact: f})-[:FROM_VERSION]->(v:DocumentVersion) "
        "RETURN f AS fact, e.key AS evidence_key, e.sentence AS sentence, e.start AS start, "
        "e.end AS end, e.status AS evidence_status, e.extractor_version AS evidence_extractor, "
        f"e.confidence AS confidence, e.removed_on AS removed_on, {VERSION_FIELDS}",
        "read evidence",
        facts=facts,
    )
    for row in rows:
        version = {
            name: row[name]
            for name in (
                "key", "url", "content_hash", "fetched_at", "title", "issuer",
                "document_number", "published", "status", "extractor_version",
            )
        }
        found[row["fact"]].append(
            {
                "key": row["evidence_key"],
                "sentence": row["sentence"],
                "start": row["start"],
                "end": row["end"],
                "status": row["evidence_status"],
                "extractor_version": row["evidence_extractor"],
                "confidence": row["confidence"],
                "removed_on": row["removed_on"],
                "version": version,
            }
        )
    for items in found.values():
        items.sort(key=lambda e: (e["status"] != "current", e["version"]["key"] or "", e["start"] or 0, e["key"]))
    return found


def versions_by_key(store, version_keys) -> dict[str, dict]:
    version_keys = sorted(set(version_keys))
    if not version_keys:
        return {}
    rows = store.read(
        f"UNWIND $keys AS k MATCH (v:DocumentVersion {{key: k}}) RETURN {VERSION_FIELDS}",
        "read document versions",
        keys=version_keys,
    )
    return {row["key"]: row for row in rows}


# -- neighbourhoods ------------------------------------------------------------


def neighbourhoods(store, centres, depth: int, max_relationships: int) -> dict[str, dict]:
    """Return, for each centre key, the nodes and relationships within
    ``depth`` (1 or 2) hops over entity relationships; Industry and Place
    nodes are shown but not expanded through. At most
    ``max_relationships`` relationships are kept per centre, and
    ``truncated`` is true when more existed. Runs one query per hop and
    label, for all centres together."""
    if depth not in (1, 2):
        raise GraphError(f"depth={depth} is not supported; use 1 or 2")
    found = entities_by_key(store, centres)

    result: dict[str, dict] = {}
    # frontier: node key -> (label, centres reaching it)
    frontier: dict[str, tuple[str, set[str]]] = {}
    for key, row in found.items():
        result[key] = {
            "nodes": {key: {"key": key, "type": row["type"], "name": row["name"], "status": row["status"]}},
            "relationships": {},
            "truncated": False,
        }
        frontier[key] = (row["type"], {key})

    types = "|".join(RELATION_TYPES)
    for _ in range(depth):
        by_label: dict[str, list[str]] = defaultdict(list)
        for key, (label, _centres) in frontier.items():
            by_label[label].append(key)
        next_frontier: dict[str, tuple[str, set[str]]] = {}
        for label, label_keys in sorted(by_label.items()):
            rows = store.read(
                f"UNWIND $keys AS k MATCH (n:{label} {{key: k}})-[r:{types}]-(m) "
                "RETURN k AS origin, type(r) AS type, startNode(r).key AS head, "
                "endNode(r).key AS tail, r.status AS status, m.key AS key, "
                "labels(m)[0] AS label, m.name AS name, m.status AS node_status "
                "ORDER BY origin, type, head, tail",
                "read neighbourhoods",
                keys=sorted(label_keys),
            )
            for row in rows:
                for centre in sorted(frontier[row["origin"]][1]):
                    _add_neighbour(result[centre], row, max_relationships, centre, next_frontier)
        frontier = {k: v for k, v in next_frontier.items() if v[0] not in NOT_EXPANDED}

    for item in result.values():
        item["nodes"] = sorted(item["nodes"].values(), key=lambda n: n["key"])
        item["relationships"] = sorted(
            item["relationships"].values(), key=lambda r: (r["type"], r["head"], r["tail"])
        )
    return result


def _add_neighbour(item: dict, row: dict, limit: int, centre: str, next_frontier: dict) -> None:
    edge = (row["type"], row["head"], row["tail"])
    if edge not in item["relationships"]:
        if len(item["relationships"]) >= limit:
            item["truncated"] = True
            return
        item["relationships"][edge] = {
            "type": row["type"],
            "head": row["head"],
            "tail": row["tail"],
            "status": row["status"],
            "fact": keys.relation_fact(*edge),
        }
    if row["key"] in item["nodes"]:
        return
    item["nodes"][row["key"]] = {
        "key": row["key"],
        "type": row["label"],
        "name": row["name"],
        "status": row["node_status"],
    }
    label, reached = next_frontier.setdefault(row["key"], (row["label"], set()))
    reached.add(centre)


# -- candidates and reviews --------------------------------------------------------


def review_key(firm_key: str, industry_key: str) -> str:
    return f"review:{firm_key}|{industry_key}"


def candidate_key(firm_key: str, industry_key: str) -> str:
    """Return the key graph.scoring gives a Candidate node."""
    return f"candidate:{firm_key}|{industry_key}"


def _candidate_filter(industry, region, min_score, max_score, local, reviewed_keys) -> tuple[str, dict]:
    conditions, params = [], {"apart": LISTED_APART, "non_local": NON_LOCAL}
    if industry is not None:
        conditions.append("c.industry = $industry")
        params["industry"] = industry
    if region is not None:
        conditions.append("c.region CONTAINS $region")
        params["region"] = region
    if min_score is not None:
        conditions.append("c.score >= $min_score")
        params["min_score"] = min_score
    if max_score is not None:
        conditions.append("c.score <= $max_score")
        params["max_score"] = max_score
    if local is True:
        conditions.append("(c.region IS NOT NULL AND NOT $non_local IN c.flags)")
    elif local is False:
        conditions.append("(c.region IS NULL OR $non_local IN c.flags)")
    if reviewed_keys is not None:
        conditions.append("c.key IN $reviewed")
        params["reviewed"] = sorted(reviewed_keys)
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    return where, params


def _reviewed_candidates(store, review_status) -> set[str] | None:
    if review_status is None:
        return None
    rows = store.read(
        "MATCH (r:Review) WHERE r.status = $status RETURN r.candidate AS candidate",
        "read reviews by status",
        status=review_status,
    )
    return {row["candidate"] for row in rows}


def candidate_page(
    store,
    *,
    industry=None,
    region=None,
    min_score=None,
    max_score=None,
    local=None,
    review_status=None,
    sort="RANK",
    skip=0,
    limit=20,
) -> list[dict]:
    """Return ``limit`` stored candidates after the first ``skip`` that
    match every filter given, in ``sort`` order. RANK lists candidates
    flagged non-local or thin-evidence after the others, as
    graph.scoring.sort_candidates does."""
    order = CANDIDATE_ORDER[sort]
    reviewed = _reviewed_candidates(store, review_status)
    if reviewed is not None and not reviewed:
        return []
    where, params = _candidate_filter(industry, region, min_score, max_score, local, reviewed)
    rows = store.read(
        f"MATCH (c:Candidate) {where} "
        "WITH c, CASE WHEN any(f IN coalesce(c.flags, []) WHERE f IN $apart) THEN 1 ELSE 0 END AS apart "
        f"RETURN properties(c) AS c ORDER BY {order} SKIP $skip LIMIT $limit",
        "list candidates",
        skip=skip,
        limit=limit,
        **params,
    )
    return [candidate_row(row["c"]) for row in rows]


def candidate_order(
    store,
    *,
    industry=None,
    region=None,
    min_score=None,
    max_score=None,
    local=None,
    review_status=None,
    sort="RANK",
    limit=10_000,
) -> list[str]:
    """Return the keys of the first ``limit`` candidates that match every
    filter given, in ``sort`` order, as candidate_page orders them."""
    order = CANDIDATE_ORDER[sort]
    reviewed = _reviewed_candidates(store, review_status)
    if reviewed is not None and not reviewed:
        return []
    where, params = _candidate_filter(industry, region, min_score, max_score, local, reviewed)
    rows = store.read(
        f"MATCH (c:Candidate) {where} "
        "WITH c, CASE WHEN any(f IN coalesce(c.flags, []) WHERE f IN $apart) THEN 1 ELSE 0 END AS apart "
        f"RETURN c.key AS key ORDER BY {order} LIMIT $limit",
        "order candidates",
        limit=limit,
        **params,
    )
    return [row["key"] for row in rows]


def candidates_by_key(store, candidate_keys) -> dict[str, dict]:
    candidate_keys = sorted(set(candidate_keys))
    if not candidate_keys:
        return {}
    rows = store.read(
        "UNWIND $keys AS k MATCH (c:Candidate {key: k}) RETURN properties(c) AS c",
        "read candidates",
        keys=candidate_keys,
    )
    return {row["c"]["key"]: candidate_row(row["c"]) for row in rows}


def candidate_count(store, *, industry=None, region=None, min_score=None, max_score=None, local=None, review_status=None) -> int:
    reviewed = _reviewed_candidates(store, review_status)
    if reviewed is not None and not reviewed:
        return 0
    where, params = _candidate_filter(industry, region, min_score, max_score, local, reviewed)
    rows = store.read(f"MATCH (c:Candidate) {where} RETURN count(c) AS count", "count candidates", **params)
    return rows[0]["count"] if rows else 0


def candidate_row(stored: dict) -> dict:
    """Return a stored Candidate node's properties as the API shows them."""
    factors = stored.get("factors")
    if isinstance(factors, str):
        factors = json.loads(factors)
    return {
        "key": stored["key"],
        "firm_key": stored["firm"],
        "name": stored.get("name"),
        "industry": stored.get("industry"),
        "industry_code": stored.get("industry_code"),
        "region": stored.get("region"),
        "score": stored.get("score"),
        "factors": factors or [],
        "flags": list(stored.get("flags") or []),
    }


def candidates_for_firms(store, firm_keys) -> dict[str, list[dict]]:
    """Return each firm's candidates, best score first."""
    firm_keys = sorted(set(firm_keys))
    found: dict[str, list[dict]] = defaultdict(list)
    if not firm_keys:
        return found
    rows = store.read(
        "UNWIND $keys AS k MATCH (f:Firm {key: k})<-[:FOR_FIRM]-(c:Candidate) "
        "RETURN k AS firm, properties(c) AS c",
        "read candidates of firms",
        keys=firm_keys,
    )
    for row in rows:
        found[row["firm"]].append(candidate_row(row["c"]))
    for items in found.values():
        items.sort(key=lambda c: (-(c["score"] or 0), c["industry"] or ""))
    return found


def reviews_by_key(store, review_keys) -> dict[str, dict]:
    review_keys = sorted(set(review_keys))
    if not review_keys:
        return {}
    rows = store.read(
        "UNWIND $keys AS k MATCH (r:Review {key: k}) RETURN properties(r) AS r",
        "read reviews",
        keys=review_keys,
    )
    return {row["r"]["key"]: row["r"] for row in rows}


def set_review(store, *, firm_key, industry_key, status, note, author, at) -> dict | None:
    """Store the review of the candidate for ``firm_key`` in the industry
    ``industry_key``, replacing an earlier one, linked to the firm and the
    industry. Return the Review's properties, or None when no such
    candidate exists."""
    rows = store.write(
        "MATCH (c:Candidate {key: $candidate})-[:FOR_FIRM]->(f:Firm) "
        "MATCH (i:Industry {key: $industry}) "
        "MERGE (r:Review {key: $key}) "
        "SET r.firm = $firm, r.industry = i.name, r.industry_code = i.code, "
        "r.candidate = $candidate, r.status = $status, r.note = $note, "
        "r.author = $author, r.at = $at "
        "MERGE (r)-[:FOR_FIRM]->(f) MERGE (r)-[:IN_INDUSTRY]->(i) "
        "RETURN properties(r) AS r",
        "store a review",
        candidate=candidate_key(firm_key, industry_key),
        industry=industry_key,
        key=review_key(firm_key, industry_key),
        firm=firm_key,
        status=status,
        note=note,
        author=author,
        at=at,
    )
    return rows[0]["r"] if rows else None


# -- documents ---------------------------------------------------------------


def document_page(store, *, skip=0, limit=20) -> list[dict]:
    """Return Documents by key (their URL); placeholders, known only by a
    number another document cites, included."""
    return store.read(
        f"MATCH (d:Document) RETURN {DOCUMENT_FIELDS} ORDER BY d.key SKIP $skip LIMIT $limit",
        "list documents",
        skip=skip,
        limit=limit,
    )


def document_count(store) -> int:
    rows = store.read("MATCH (d:Document) RETURN count(d) AS count", "count documents")
    return rows[0]["count"] if rows else 0


def documents_by_key(store, document_keys) -> dict[str, dict]:
    document_keys = sorted(set(document_keys))
    if not document_keys:
        return {}
    rows = store.read(
        f"UNWIND $keys AS k MATCH (d:Document {{key: k}}) RETURN {DOCUMENT_FIELDS}",
        "read documents",
        keys=document_keys,
    )
    return {row["key"]: row for row in rows}


def versions_of_documents(store, document_keys) -> dict[str, list[dict]]:
    """Return each document's versions, oldest first."""
    document_keys = sorted(set(document_keys))
    found: dict[str, list[dict]] = defaultdict(list)
    if not document_keys:
        return found
    rows = store.read(
        "UNWIND $keys AS k MATCH (d:Document {key: k})-[:HAS_VERSION]->(v:DocumentVersion) "
        f"RETURN k AS document, {VERSION_FIELDS}",
        "read versions of documents",
        keys=document_keys,
    )
    for row in rows:
        found[row.pop("document")].append(row)
    for items in found.values():
        items.sort(key=lambda v: (v["fetched_at"] or "", v["key"]))
    return found


DOCUMENT_LINKS = {
    "amends": "(d:Document {key: k})-[:AMENDS]->(t:Document)",
    "amended_by": "(d:Document {key: k})<-[:AMENDS]-(t:Document)",
    "repeals": "(d:Document {key: k})-[:REPEALS]->(t:Document)",
    "repealed_by": "(d:Document {key: k})<-[:REPEALS]-(t:Document)",
}


def linked_documents(store, document_keys, link: str) -> dict[str, list[dict]]:
    """Return, for each document, the documents it amends or repeals, or
    that amend or repeal it (``link`` is a key of DOCUMENT_LINKS)."""
    pattern = DOCUMENT_LINKS[link]
    document_keys = sorted(set(document_keys))
    found: dict[str, list[dict]] = defaultdict(list)
    if not document_keys:
        return found
    rows = store.read(
        f"UNWIND $keys AS k MATCH {pattern} "
        "RETURN k AS origin, t.key AS key, t.url AS url, t.title AS title, t.status AS status, "
        "t.issuer AS issuer, t.document_number AS document_number, "
        "t.published AS published, t.repealed_on AS repealed_on",
        "read linked documents",
        keys=document_keys,
    )
    for row in rows:
        found[row.pop("origin")].append(row)
    for items in found.values():
        items.sort(key=lambda d: d["key"])
    return found


# -- changes ---------------------------------------------------------------


def versions_since(store, since: str, *, skip=0, limit=20) -> list[dict]:
    """Return versions fetched at or after ``since`` (an ISO date or
    time, compared as text with the stored ISO ``fetched_at``)."""
    return store.read(
        f"MATCH (v:DocumentVersion) WHERE v.fetched_at >= $since RETURN {VERSION_FIELDS} "
        "ORDER BY v.fetched_at, v.key SKIP $skip LIMIT $limit",
        "list changed versions",
        since=since,
        skip=skip,
        limit=limit,
    )


def versions_since_count(store, since: str) -> int:
    rows = store.read(
        "MATCH (v:DocumentVersion) WHERE v.fetched_at >= $since RETURN count(v) AS count",
        "count changed versions",
        since=since,
    )
    return rows[0]["count"] if rows else 0


def changed_document_keys(store, since: str) -> list[str]:
    """Return the keys of documents with a version fetched at or after
    ``since``, or repealed on or after it, in key order."""
    rows = store.read(
        "MATCH (d:Document)-[:HAS_VERSION]->(v:DocumentVersion) WHERE v.fetched_at >= $since "
        "RETURN DISTINCT d.key AS key "
        "UNION "
        "MATCH (d:Document) WHERE d.repealed_on >= $since RETURN d.key AS key",
        "list changed documents",
        since=since,
    )
    return sorted({row["key"] for row in rows})


def changed_entity_keys(store, since: str) -> list[str]:
    """Return the keys of entities mentioned in a version fetched at or
    after ``since``, or removed on or after it, in key order."""
    rows = store.read(
        "MATCH (v:DocumentVersion) WHERE v.fetched_at >= $since "
        "MATCH (n)-[:MENTIONED_IN]->(v) RETURN DISTINCT n.key AS key",
        "list changed entities",
        since=since,
    )
    found = {row["key"] for row in rows}
    for label in ENTITY_LABELS:
        rows = store.read(
            f"MATCH (n:{label}) WHERE n.removed_on >= $since RETURN n.key AS key",
            "list removed entities",
            since=since,
        )
        found.update(row["key"] for row in rows)
    return sorted(found)
