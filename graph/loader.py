"""Load one document version and its extraction into the graph.

The writes are batched ``UNWIND $rows`` statements on constrained keys,
up to ROWS_PER_TRANSACTION rows to a managed transaction. Every statement sets
values that depend only on the input, so a load killed part-way and run
again ends with the same graph as one uninterrupted load. The version is
marked ``complete`` in the same transaction as the final status update;
until then its facts are not counted (see graph.status).

A version that no earlier load has written (its DocumentVersion node
held no extraction hash) is fresh. Its Evidence nodes, MENTIONED_IN and
FROM_VERSION cannot exist yet, because they hang off the new version, so
they are written with ``CREATE``. A rerun after a killed load finds the
version written and merges as usual.
"""

from __future__ import annotations

import logging

from bluecarbon.errors import GraphError
from bluecarbon.model import Extraction, SourceVersion
from graph import keys
from graph.identity import plan_version
from graph.plan import LoadPlan
from graph.status import (
    KnownRows,
    StatementWriter,
    fact_endpoints,
    new_entity_props,
    recompute,
)

log = logging.getLogger(__name__)

# Rows per UNWIND statement and per transaction of the fact writes. Each
# statement is one Bolt message, which ArcadeDB 26.10.2 drops without a
# response above 16 MiB (see GraphStore.read_chunked). 2,000 Evidence rows
# with sentences of a few hundred characters take a few MiB.
BATCH_SIZE = 2000
ROWS_PER_TRANSACTION = 10000

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

# The statements take each row as a list rather than a map, because the
# Bolt driver packs and the server unpacks every map key of every row.
# With ArcadeDB 26.10.2.post1, sending Evidence rows as 13-key maps cost
# about a third as much server time as creating the nodes, and as lists
# about a quarter of that (bench/graph_load.py corpus, 2 cores). The
# *_FIELDS tuples name the list positions.
MENTION_FIELDS = (
    "name",
    "aliases",
    "industries",
    "region",
    "role",
    "affiliation",
    "credit_code",
    "extracted_status",
    "confidence",
)
# The other Evidence properties (kind, extractor_version, head_label,
# tail_label) are the same for a whole statement and come in $common.
EVIDENCE_FIELDS = (
    "fact",
    "sentence",
    "start",
    "end",
    "extracted_status",
    "confidence",
)
EVIDENCE_COMMON_FIELDS = ("kind", "extractor_version", "head_label", "tail_label")


def _set_fields(variable: str, fields: tuple[str, ...]) -> str:
    """Return ``variable.field = row[i]`` for every field, where row[0]
    is the key and the fields follow in order."""
    return ", ".join(
        f"{variable}.{name} = row[{index}]" for index, name in enumerate(fields, 1)
    )


_EXTRACTED = MENTION_FIELDS.index("extracted_status") + 1
_NEW_PROPS = len(MENTION_FIELDS) + 1
_EVIDENCE_EXTRACTED = EVIDENCE_FIELDS.index("extracted_status") + 1

# Both forms return the rows that graph.status cannot take from the plan.
# A row comes back when the mention's stored status is not its extracted
# status, or, with shared = true, when the entity existed before or other
# versions mention it too. graph.status then derives that entity's
# properties from all its mentions. A row is [key, *MENTION_FIELDS,
# properties], where the properties are those derived from this mention
# alone (graph.status.new_entity_props), which a new node gets at once.
def _entities_query(label: str, fresh: bool) -> str:
    if fresh:
        mention = (
            "CREATE (n)-[m:MENTIONED_IN]->(v) "
            f"SET m.status = row[{_EXTRACTED}]"
        )
    else:
        mention = (
            "MERGE (n)-[m:MENTIONED_IN]->(v) "
            f"ON CREATE SET m.status = row[{_EXTRACTED}]"
        )
    return f"""
MATCH (v:DocumentVersion {{key: $version}})
UNWIND $rows AS row
OPTIONAL MATCH (old:{label} {{key: row[0]}})
WITH v, row, old IS NULL AS created
MERGE (n:{label} {{key: row[0]}})
ON CREATE SET n += row[{_NEW_PROPS}]
{mention}
SET {_set_fields("m", MENTION_FIELDS)}, m.extraction = $digest
WITH row, m, NOT created OR COUNT {{ (n)-[:MENTIONED_IN]->() }} > 1 AS shared
WHERE shared OR coalesce(m.status, '') <> row[{_EXTRACTED}]
   OR m.removed_on IS NOT NULL OR m.removed_by IS NOT NULL
RETURN row[0] AS key, shared, m.status AS status, m.removed_on AS removed_on,
       m.removed_by AS removed_by
"""


# Returns the Evidence whose stored status is not its extracted status.
_EVIDENCE = f"""
MATCH (v:DocumentVersion {{key: $version}})
UNWIND $rows AS row
MERGE (e:Evidence {{key: row[0]}})
ON CREATE SET e.status = row[{_EVIDENCE_EXTRACTED}]
SET {_set_fields("e", EVIDENCE_FIELDS)}, e += $common, e.extraction = $digest
MERGE (e)-[:FROM_VERSION]->(v)
WITH e, row
WHERE coalesce(e.status, '') <> row[{_EVIDENCE_EXTRACTED}]
   OR e.removed_on IS NOT NULL OR e.removed_by IS NOT NULL
RETURN row[0] AS key, e.status AS status, e.removed_on AS removed_on,
       e.removed_by AS removed_by
"""

_EVIDENCE_FRESH = f"""
MATCH (v:DocumentVersion {{key: $version}})
UNWIND $rows AS row
CREATE (e:Evidence {{key: row[0]}})
SET {_set_fields("e", EVIDENCE_FIELDS)}, e += $common, e.extraction = $digest,
    e.status = row[{_EVIDENCE_EXTRACTED}]
CREATE (e)-[:FROM_VERSION]->(v)
"""

# A row is [head key, tail key]. Returns the relationships whose stored
# status is not the one a new relationship gets (current, no removed_on),
# so that graph.status can skip reading the statuses of the others.
_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (h:{head_label} {{key: row[0]}})
MATCH (t:{tail_label} {{key: row[1]}})
MERGE (h)-[r:{type}]->(t)
ON CREATE SET r.status = 'current'
WITH row, r
WHERE coalesce(r.status, '') <> 'current' OR r.removed_on IS NOT NULL
RETURN row[0] AS head, row[1] AS tail, r.status AS status,
       r.removed_on AS removed_on
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
    known = _write_facts(store, plan, version.key, fresh, action)
    targets = _link_documents(store, plan, action)
    if fresh:
        # No earlier extraction of this version wrote anything to prune.
        stale = {"entities": set(), "facts": {}}
    else:
        stale = _prune_stale_facts(store, version.key, plan.digest, action)
    recompute(
        store,
        {plan.document_key, *targets},
        completing=version.key,
        extra_entities=stale["entities"],
        extra_facts=stale["facts"],
        known=known,
        partial=plan.document_key,
    )
    log.info("loaded %s: %s", version.key, counts)
    return counts


def _write_facts(
    store, plan: LoadPlan, version_key: str, fresh: bool, action: str
) -> KnownRows:
    """Write the places, entities with their mentions, evidence and
    relationships of ``plan``. Return the rows graph.status needs about
    them: the plan's, with the stored statuses that the writes returned."""
    # Stored status properties that differ from the extracted status, by
    # entity or Evidence key.
    mention_statuses: dict[tuple[str, str], dict] = {}
    evidence_statuses: dict[str, dict] = {}
    # Entities that existed before this load or have other mentions.
    shared: set[tuple[str, str]] = set()
    new_props = {
        (label, row["key"]): new_entity_props(row["props"], plan.version)
        for label, rows in plan.entities.items()
        for row in rows
    }

    writer = StatementWriter(
        store,
        action,
        rows_per_statement=BATCH_SIZE,
        rows_per_transaction=ROWS_PER_TRANSACTION,
    )
    writer.add(_PLACES, plan.places)
    for label in sorted(plan.entities):
        query = _entities_query(label, fresh)

        def add_entities(rows: list[dict], label: str = label) -> None:
            for row in rows:
                if row["shared"]:
                    shared.add((label, row["key"]))
                mention_statuses[(label, row["key"])] = _status_of(row)

        writer.add(
            query,
            [
                [
                    *_row(row["key"], row["props"], MENTION_FIELDS),
                    new_props[(label, row["key"])],
                ]
                for row in plan.entities[label]
            ],
            on_result=add_entities,
            version=version_key,
            digest=plan.digest,
        )

    def add_evidence(rows: list[dict]) -> None:
        for row in rows:
            evidence_statuses[row["key"]] = _status_of(row)

    for common_props, rows in _evidence_groups(plan.evidence):
        writer.add(
            _EVIDENCE_FRESH if fresh else _EVIDENCE,
            rows,
            on_result=add_evidence,
            version=version_key,
            digest=plan.digest,
            common=common_props,
        )
    # Entities and evidence commit before the relationships are written,
    # so a load can be killed between the two (tests/test_graph_crash.py
    # does).
    writer.flush()
    stored_relationships = _write_relationships(writer, plan)

    mentions, evidence = _known_rows(
        plan, version_key, mention_statuses, evidence_statuses
    )
    new_entities = {
        (label, row["key"]): {
            "mention": {
                **row["props"],
                "status": row["props"]["extracted_status"],
                "extraction": plan.digest,
            },
            "stored": new_props[(label, row["key"])],
        }
        for label, rows in plan.entities.items()
        for row in rows
        if (label, row["key"]) not in shared
    }
    return KnownRows(
        version=version_key,
        mentions=mentions,
        evidence=evidence,
        new_entities=new_entities,
        relationships=stored_relationships,
    )


def _write_relationships(writer: StatementWriter, plan: LoadPlan) -> dict[str, dict]:
    """Merge the relationships of ``plan`` and return their stored
    statuses: fact -> {"status", "removed_on"}."""
    stored: dict[str, dict] = {}
    for (type_, head_label, tail_label), rows in sorted(plan.relationships.items()):
        query = _RELATIONSHIPS.format(
            type=type_, head_label=head_label, tail_label=tail_label
        )

        def add_stored(rows: list[dict], type_: str = type_) -> None:
            for row in rows:
                fact = keys.relation_fact(type_, row["head"], row["tail"])
                stored[fact] = {
                    "status": row["status"],
                    "removed_on": row["removed_on"],
                }

        writer.add(
            query, [[row["head"], row["tail"]] for row in rows], on_result=add_stored
        )
    writer.flush()

    # Relationships the statements did not return are current with no
    # removed_on.
    for (type_, _, _), rows in plan.relationships.items():
        for row in rows:
            fact = keys.relation_fact(type_, row["head"], row["tail"])
            stored.setdefault(fact, {"status": "current", "removed_on": None})
    return stored


def _status_of(row: dict) -> dict:
    return {
        "status": row["status"],
        "removed_on": row["removed_on"],
        "removed_by": row["removed_by"],
    }


def _row(key: str, props: dict, fields: tuple[str, ...]) -> list:
    return [key, *(props.get(name) for name in fields)]


def _evidence_groups(evidence: list[dict]) -> list[tuple[dict, list[list]]]:
    """Return the Evidence rows as lists (see EVIDENCE_FIELDS), grouped by
    the properties they share."""
    groups: dict[tuple, list[list]] = {}
    for row in evidence:
        props = row["props"]
        common = tuple(props.get(name) for name in EVIDENCE_COMMON_FIELDS)
        groups.setdefault(common, []).append(_row(row["key"], props, EVIDENCE_FIELDS))
    return [
        (dict(zip(EVIDENCE_COMMON_FIELDS, common)), rows)
        for common, rows in sorted(groups.items(), key=lambda item: repr(item[0]))
    ]


def _known_rows(
    plan: LoadPlan,
    version_key: str,
    mention_statuses: dict[tuple[str, str], dict],
    evidence_statuses: dict[str, dict],
) -> tuple[list[dict], list[dict]]:
    """Return the version's mention and evidence rows as graph.status
    would read them back once stale facts are pruned: the plan's rows,
    with the extracted status unless the writes returned a stored one."""
    mentions = []
    for label, rows in plan.entities.items():
        for row in rows:
            extracted = row["props"]["extracted_status"]
            mentions.append(
                {
                    "version": version_key,
                    "key": row["key"],
                    "label": label,
                    "extracted": extracted,
                    "status": extracted,
                    **mention_statuses.get((label, row["key"]), {}),
                }
            )
    evidence = []
    for row in plan.evidence:
        props = row["props"]
        evidence.append(
            {
                "version": version_key,
                "key": row["key"],
                "kind": props["kind"],
                "fact": props["fact"],
                "extracted_status": props["extracted_status"],
                "head_label": props.get("head_label"),
                "tail_label": props.get("tail_label"),
                "status": props["extracted_status"],
                **evidence_statuses.get(row["key"], {}),
            }
        )
    return mentions, evidence


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
