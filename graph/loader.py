"""Load one document version and its extraction into the graph.

The writes are batched ``UNWIND $rows ... MERGE`` statements on
constrained keys, each batch in its own managed transaction. Every batch
sets values that depend only on the input, so a load killed part-way and
run again ends with the same graph as one uninterrupted load. The version
is marked ``complete`` in the same transaction as the final status
update; until then its facts are not counted (see graph.status).
"""

from __future__ import annotations

import logging

from bluecarbon.errors import GraphError
from bluecarbon.model import Extraction, SourceVersion
from graph import keys
from graph.identity import plan_version
from graph.plan import LoadPlan
from graph.status import fact_endpoints, recompute

log = logging.getLogger(__name__)

BATCH_SIZE = 1000

_VERSION = """
MERGE (d:Document {key: $document})
ON CREATE SET d.url = $document, d.status = 'current'
SET d.number_key = coalesce($number_key, d.number_key),
    d.document_number = coalesce($version.document_number, d.document_number)
MERGE (v:DocumentVersion {key: $key})
ON CREATE SET v.status = 'loading', v.complete = false
WITH d, v, v.extraction AS previous
SET v.complete = CASE WHEN previous = $digest THEN v.complete ELSE false END
SET v += $version, v.extraction = $digest
MERGE (d)-[:HAS_VERSION]->(v)
RETURN previous
"""

_PLACES = """
UNWIND $rows AS row
MERGE (p:Place {key: row.key})
SET p.name = row.name
"""

# The node's own properties are set from all its mentions by graph.status;
# ON CREATE gives a new node usable values until then.
_ENTITIES = """
MATCH (v:DocumentVersion {{key: $version}})
UNWIND $rows AS row
MERGE (n:{label} {{key: row.key}})
ON CREATE SET n.name = row.props.name,
              n.aliases = row.props.aliases,
              n.status = row.props.extracted_status
MERGE (n)-[m:MENTIONED_IN]->(v)
ON CREATE SET m.status = row.props.extracted_status
SET m += row.props, m.extraction = $digest
"""

_EVIDENCE = """
MATCH (v:DocumentVersion {key: $version})
UNWIND $rows AS row
MERGE (e:Evidence {key: row.key})
ON CREATE SET e.status = row.props.extracted_status
SET e += row.props, e.extraction = $digest
MERGE (e)-[:FROM_VERSION]->(v)
"""

_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (h:{head_label} {{key: row.head}})
MATCH (t:{tail_label} {{key: row.tail}})
MERGE (h)-[r:{type}]->(t)
ON CREATE SET r.status = 'current'
"""


def load_version(
    store, version: SourceVersion, extraction: Extraction, *, force: bool = False
) -> dict:
    """Write one version and its facts, link it to the documents it
    amends or repeals, and update statuses; return counts.

    A complete version whose stored extraction hash matches is left as it
    is (its writes would change nothing) unless ``force`` is true.
    """
    _check_version(version)
    plan = plan_version(store, version, extraction)
    counts = {
        "entities": sum(len(rows) for rows in plan.entities.values()),
        "relationships": sum(len(rows) for rows in plan.relationships.values()),
        "evidence": len(plan.evidence),
        "places": len(plan.places),
        "skipped": plan.skipped,
    }
    action = f"load version {version.key}"

    if not force and _already_loaded(store, version.key, plan.digest):
        log.debug("version %s is already loaded from the same extraction", version.key)
        return counts

    fresh = _write_version(store, plan, version.key, action)
    _write_batches(store, _PLACES, plan.places, action)
    for label in sorted(plan.entities):
        query = _ENTITIES.format(label=label)
        _write_batches(
            store,
            query,
            plan.entities[label],
            action,
            version=version.key,
            digest=plan.digest,
        )
    _write_batches(
        store, _EVIDENCE, plan.evidence, action, version=version.key, digest=plan.digest
    )
    for (type_, head_label, tail_label), rows in sorted(plan.relationships.items()):
        query = _RELATIONSHIPS.format(
            type=type_, head_label=head_label, tail_label=tail_label
        )
        _write_batches(store, query, rows, action)

    targets = _link_documents(store, plan, action)
    stale = _prune_stale_facts(store, version.key, plan.digest, action)
    recompute(
        store,
        {plan.document_key, *targets},
        completing=version.key,
        extra_entities=stale["entities"],
        extra_facts=stale["facts"],
        # Rows this load created hold their extracted statuses, so the
        # plan gives them without reading them back.
        known=_known_rows(plan, version.key) if fresh else None,
        partial=plan.document_key,
    )
    log.info("loaded %s: %s", version.key, counts)
    return counts


def _known_rows(plan: LoadPlan, version_key: str) -> dict:
    """Return the mention and evidence rows of a version first written by
    this load, as graph.status would read them back."""
    mentions = [
        {
            "version": version_key,
            "key": row["key"],
            "label": label,
            "extracted": row["props"]["extracted_status"],
            "status": row["props"]["extracted_status"],
        }
        for label, rows in plan.entities.items()
        for row in rows
    ]
    evidence = [
        {
            "version": version_key,
            "key": row["key"],
            "kind": row["props"]["kind"],
            "fact": row["props"]["fact"],
            "extracted_status": row["props"]["extracted_status"],
            "head_label": row["props"].get("head_label"),
            "tail_label": row["props"].get("tail_label"),
            "status": row["props"]["extracted_status"],
        }
        for row in plan.evidence
    ]
    return {"version": version_key, "mentions": mentions, "evidence": evidence}


def _check_version(version: SourceVersion) -> None:
    for name in ("url", "content_hash", "fetched_at"):
        if not getattr(version, name):
            raise GraphError(
                f"cannot load version {version.key!r}: its {name} is empty; "
                "the document store must record url, content_hash and fetched_at"
            )


def _already_loaded(store, key: str, digest: str) -> bool:
    rows = store.read(
        "MATCH (v:DocumentVersion {key: $key}) "
        "RETURN v.extraction AS extraction, v.complete AS complete",
        "read a version's load state",
        key=key,
    )
    return (
        bool(rows) and rows[0]["extraction"] == digest and rows[0]["complete"] is True
    )


def _write_version(store, plan: LoadPlan, key: str, action: str) -> bool:
    """Write the Document and DocumentVersion nodes; return True when no
    earlier load has written this version."""
    number_key = keys.normalise(plan.document_number) if plan.document_number else None
    rows = store.write(
        _VERSION,
        action,
        document=plan.document_key,
        key=key,
        version=plan.version,
        digest=plan.digest,
        number_key=number_key,
    )
    return rows[0]["previous"] is None


def _write_batches(store, query: str, rows: list[dict], action: str, **params) -> None:
    for start in range(0, len(rows), BATCH_SIZE):
        store.write(query, action, rows=rows[start : start + BATCH_SIZE], **params)


def _link_documents(store, plan: LoadPlan, action: str) -> set[str]:
    """Merge a placeholder Document for this document's number into it,
    and link it to the documents it amends or repeals (placeholders for
    those not loaded yet). Return the keys of the loaded targets."""

    def work(tx) -> set[str]:
        if plan.document_number:
            _merge_placeholder(tx, plan)
        targets: set[str] = set()
        for type_, numbers in (("AMENDS", plan.amends), ("REPEALS", plan.repeals)):
            for number in numbers:
                targets |= _link_target(tx, plan.document_key, type_, number)
        return targets

    return store.write_with(work, action)


def _merge_placeholder(tx, plan: LoadPlan) -> None:
    placeholder = keys.placeholder_document_key(plan.document_number)
    sources = tx.run(
        "MATCH (p:Document {key: $placeholder}) "
        "OPTIONAL MATCH (s:Document)-[r:AMENDS|REPEALS]->(p) "
        "RETURN s.key AS source, type(r) AS type",
        placeholder=placeholder,
    ).data()
    for row in sources:
        if row["source"] is None or row["source"] == plan.document_key:
            continue
        tx.run(
            f"MATCH (s:Document {{key: $source}}) MATCH (d:Document {{key: $document}}) "
            f"MERGE (s)-[:{row['type']}]->(d)",
            source=row["source"],
            document=plan.document_key,
        ).consume()
    if sources:
        tx.run(
            "MATCH (p:Document {key: $placeholder}) DETACH DELETE p",
            placeholder=placeholder,
        ).consume()


def _link_target(tx, document_key: str, type_: str, number: str) -> set[str]:
    number_key = keys.normalise(number)
    rows = tx.run(
        "MATCH (t:Document {number_key: $number_key}) "
        "WHERE t.key <> $document AND t.status <> 'placeholder' "
        "RETURN t.key AS key",
        number_key=number_key,
        document=document_key,
    ).data()
    loaded = {row["key"] for row in rows}
    target_keys = loaded or {keys.placeholder_document_key(number)}
    for key in sorted(target_keys):
        if key not in loaded:
            tx.run(
                "MERGE (t:Document {key: $key}) "
                "ON CREATE SET t.status = 'placeholder' "
                "SET t.document_number = $number, t.number_key = $number_key",
                key=key,
                number=number,
                number_key=number_key,
            ).consume()
        tx.run(
            f"MATCH (d:Document {{key: $document}}) MATCH (t:Document {{key: $key}}) "
            f"MERGE (d)-[:{type_}]->(t)",
            document=document_key,
            key=key,
        ).consume()
    return loaded


def _prune_stale_facts(store, version_key: str, digest: str, action: str) -> dict:
    """Delete what an earlier, different extraction of this version wrote.

    Return the entity keys and facts that lost support, because their
    statuses must be recomputed."""

    def work(tx) -> dict:
        facts = tx.run(
            "MATCH (v:DocumentVersion {key: $version}) "
            "MATCH (e:Evidence)-[:FROM_VERSION]->(v) WHERE e.extraction <> $digest "
            "WITH e, e.fact AS fact, e.kind AS kind, "
            "e.head_label AS head_label, e.tail_label AS tail_label "
            "DETACH DELETE e "
            "RETURN DISTINCT fact, kind, head_label, tail_label",
            version=version_key,
            digest=digest,
        ).data()
        entities = tx.run(
            "MATCH (v:DocumentVersion {key: $version}) "
            "MATCH (n)-[m:MENTIONED_IN]->(v) WHERE m.extraction <> $digest "
            "WITH n, m DELETE m RETURN DISTINCT n.key AS key, labels(n)[0] AS label",
            version=version_key,
            digest=digest,
        ).data()
        return {
            "facts": {
                row["fact"]: fact_endpoints(row)
                for row in facts
                if row["kind"] == "relation"
            },
            "entities": {(row["label"], row["key"]) for row in entities},
        }

    return store.write_with(work, action)
