"""Derive statuses and entity properties from what the graph records.

Extraction gives each fact an ``extracted_status`` per version; the status
the graph shows is derived here, for the documents a load touched:

* the latest complete version of a document (by ``fetched_at``, then key)
  is ``current``, older ones are ``superseded``;
* a fact in a version is ``current`` unless one of four things removes
  it: extraction marked it removed, a loaded document repeals its
  document, a loaded document amending its document marks the same fact
  (or one of its entities) removed, or a newer version supersedes its
  version. A removed fact gets ``removed_on`` and ``removed_by``;
* an entity is ``removed`` only when every mention of it is removed, and
  takes its name, region and role from its latest current mention, and
  the union of all aliases;
* a relationship is ``removed`` only when all its evidence is removed,
  and is deleted when no evidence is left.

Versions not marked ``complete`` (a load still running or killed) are
left out of every rule, so their facts never count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from bluecarbon.model import CURRENT, REMOVED
from graph import keys

SUPERSEDED = "superseded"
REPEALED = "repealed"
PLACEHOLDER = "placeholder"
ROWS_PER_TRANSACTION = 5000


@dataclass
class VersionState:
    key: str
    fetched_at: str
    published: str | None
    complete: bool
    title: str | None = None
    issuer: str | None = None
    document_number: str | None = None
    status: str = CURRENT
    superseded_on: str | None = None
    superseded_by: str | None = None
    stored: tuple = ()


@dataclass
class KnownRows:
    """Rows of one version that its load wrote or got back from its
    writes, which :func:`recompute` then need not read."""

    version: str
    # Mention and evidence rows of ``version`` as _read_mentions and
    # _read_evidence return them, or None to read them.
    mentions: list[dict] | None = None
    evidence: list[dict] | None = None
    # (label, key) -> {"mention": MENTIONED_IN properties, "stored": node
    # properties} for the entities that the load created, whose only
    # mention is the one from ``version``.
    new_entities: dict[tuple[str, str], dict] = field(default_factory=dict)
    # Relationship fact -> its stored {"status", "removed_on"}, for the
    # relationships the load merged.
    relationships: dict[str, dict] = field(default_factory=dict)


@dataclass
class Source:
    """A loaded document that amends or repeals one in scope."""

    key: str
    type: str
    version: str
    date: str | None
    removed_entities: set[str] = field(default_factory=set)
    removed_facts: set[str] = field(default_factory=set)


@dataclass
class DocumentState:
    key: str
    versions: list[VersionState] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    stored: dict = field(default_factory=dict)

    @property
    def repealer(self) -> Source | None:
        repealers = [s for s in self.sources if s.type == "REPEALS"]
        return (
            min(repealers, key=lambda s: (s.date or "", s.key)) if repealers else None
        )

    @property
    def amenders(self) -> list[Source]:
        return sorted(
            (s for s in self.sources if s.type == "AMENDS"),
            key=lambda s: (s.date or "", s.key),
        )


def fact_endpoints(row: dict) -> tuple[str, str, str, str, str]:
    """Return (type, head label, head key, tail label, tail key) of the
    relationship an Evidence row supports."""
    type_, head, tail = keys.parse_fact(row["fact"])
    return type_, row["head_label"], head, row["tail_label"], tail


def _date(value: str | None) -> str | None:
    return value[:10] if value else None


def recompute(
    store,
    document_keys,
    completing,
    extra_entities=(),
    extra_facts=None,
    known: KnownRows | None = None,
    partial=None,
) -> None:
    """Recompute statuses for the versions of ``document_keys`` and for
    every entity and relationship they mention, treating the version
    ``completing`` as complete and marking it so in the last transaction.

    ``known`` gives rows of one version that the caller already has, in
    place of reading them (see KnownRows). ``partial`` names a document
    whose unchanged versions may be skipped (see _versions_in_scope).
    """
    known = known or KnownRows(version=completing)
    documents = _read_documents(store, sorted(document_keys), completing)
    _read_sources(store, documents, completing)

    versions = _versions_in_scope(documents, completing, partial)
    in_scope = known.version in versions
    mentions = _read_mentions(
        store,
        [
            key
            for key in versions
            if key != known.version or known.mentions is None
        ],
    )
    evidence = _read_evidence(
        store,
        [
            key
            for key in versions
            if key != known.version or known.evidence is None
        ],
    )
    if in_scope and known.mentions is not None:
        mentions += known.mentions
    if in_scope and known.evidence is not None:
        evidence += known.evidence

    mention_status = {}
    for row in mentions:
        document, version = versions[row["version"]]
        status = _fact_status(
            document, version, row["extracted"], row["key"], [row["key"]]
        )
        mention_status[(row["key"], row["version"])] = status
    evidence_status = {}
    current_facts: set[str] = set()
    facts = dict(extra_facts or {})
    for row in evidence:
        document, version = versions[row["version"]]
        if row["kind"] == "relation":
            endpoints = fact_endpoints(row)
            facts[row["fact"]] = endpoints
            subjects = [endpoints[2], endpoints[4]]
        else:
            subjects = [row["fact"]]
        status = _fact_status(
            document, version, row["extracted_status"], row["fact"], subjects
        )
        evidence_status[row["key"]] = status
        if row["kind"] == "relation" and status[0] == CURRENT:
            current_facts.add(row["fact"])

    entity_keys = {(row["label"], row["key"]) for row in mentions} | set(extra_entities)

    writer = StatementWriter(store, f"update statuses after loading {completing}")
    _write_documents(writer, documents)
    _write_mentions(writer, mentions, mention_status)
    _write_evidence(writer, evidence, evidence_status)
    new_entities = known.new_entities if known.version == completing else {}
    _write_entities(
        writer, store, entity_keys, mention_status, completing, new_entities
    )
    _write_relationships(
        writer,
        store,
        facts,
        evidence_status,
        current_facts,
        completing,
        known.relationships,
    )
    # Version statuses go into the last transaction with the completion
    # mark: a version whose stored status is current was fully updated, so
    # a later load may skip it (see _versions_in_scope).
    writer.flush()
    _write_versions(writer, documents)
    writer.add(
        "UNWIND $rows AS row MATCH (v:DocumentVersion {key: row}) SET v.complete = true",
        [completing],
    )
    writer.flush()


def _versions_in_scope(documents, completing, partial) -> dict:
    """Return {version key: (document, version)} for the complete versions
    whose facts need their statuses derived again.

    Every version of a document counts, except for ``partial``: a
    document that nothing amends or repeals, whose versions other than
    ``completing`` keep the status stored for them. Their facts' statuses
    depend only on extraction and supersession, so they are unchanged.
    """
    versions = {}
    for document in documents.values():
        skip_unchanged = document.key == partial and not document.sources
        for version in document.versions:
            if not version.complete:
                continue
            if (
                skip_unchanged
                and version.key != completing
                and not _version_changed(version)
            ):
                continue
            versions[version.key] = (document, version)
    return versions


# -- reads -------------------------------------------------------------------


def _read_documents(
    store, document_keys: list[str], completing: str
) -> dict[str, DocumentState]:
    rows = store.read_chunked(
        "UNWIND $documents AS dk MATCH (d:Document {key: dk}) "
        "WHERE d.status IS NULL OR d.status <> 'placeholder' "
        "OPTIONAL MATCH (d)-[:HAS_VERSION]->(v:DocumentVersion) "
        "RETURN dk AS document, v.key AS key, v.fetched_at AS fetched_at, "
        "v.published AS published, v.complete AS complete, v.title AS title, "
        "v.issuer AS issuer, v.document_number AS document_number, "
        "v.status AS status, v.superseded_on AS superseded_on, "
        "v.superseded_by AS superseded_by, properties(d) AS stored",
        "read document versions",
        chunk_by="documents",
        documents=document_keys,
    )
    documents: dict[str, DocumentState] = {}
    for row in rows:
        document = documents.setdefault(
            row["document"], DocumentState(row["document"], stored=row["stored"])
        )
        if row["key"] is None:
            continue
        document.versions.append(
            VersionState(
                key=row["key"],
                fetched_at=row["fetched_at"] or "",
                published=row["published"],
                complete=bool(row["complete"]) or row["key"] == completing,
                title=row["title"],
                issuer=row["issuer"],
                document_number=row["document_number"],
                stored=(row["status"], row["superseded_on"], row["superseded_by"]),
            )
        )
    for document in documents.values():
        complete = sorted(
            (v for v in document.versions if v.complete),
            key=lambda v: (v.fetched_at, v.key),
        )
        for older, newer in zip(complete, complete[1:]):
            older.status = SUPERSEDED
            older.superseded_on = _date(newer.fetched_at)
            older.superseded_by = newer.key
    return documents


def _read_sources(store, documents: dict[str, DocumentState], completing: str) -> None:
    rows = store.read_chunked(
        "UNWIND $documents AS dk "
        "MATCH (s:Document)-[r:AMENDS|REPEALS]->(d:Document {key: dk}) "
        "MATCH (s)-[:HAS_VERSION]->(sv:DocumentVersion) "
        "RETURN dk AS target, s.key AS source, type(r) AS type, sv.key AS version, "
        "sv.fetched_at AS fetched_at, sv.published AS published, sv.complete AS complete",
        "read amending and repealing documents",
        chunk_by="documents",
        documents=list(documents),
    )
    latest: dict[tuple[str, str, str], dict] = {}
    for row in rows:
        if not (row["complete"] or row["version"] == completing):
            continue
        group = (row["target"], row["source"], row["type"])
        best = latest.get(group)
        if best is None or (row["fetched_at"] or "", row["version"]) > (
            best["fetched_at"] or "",
            best["version"],
        ):
            latest[group] = row
    by_version: dict[str, list[Source]] = defaultdict(list)
    for (target, source_key, type_), row in sorted(latest.items()):
        source = Source(
            key=source_key,
            type=type_,
            version=row["version"],
            date=_date(row["published"] or row["fetched_at"]),
        )
        documents[target].sources.append(source)
        by_version[source.version].append(source)
    if not by_version:
        return
    removed = store.read_chunked(
        "UNWIND $versions AS vk MATCH (v:DocumentVersion {key: vk}) "
        "MATCH (n)-[m:MENTIONED_IN]->(v) WHERE m.extracted_status = 'removed' "
        "RETURN vk AS version, n.key AS key, null AS fact "
        "UNION ALL "
        "UNWIND $versions AS vk MATCH (v:DocumentVersion {key: vk}) "
        "MATCH (e:Evidence)-[:FROM_VERSION]->(v) "
        "WHERE e.kind = 'relation' AND e.extracted_status = 'removed' "
        "RETURN vk AS version, null AS key, e.fact AS fact",
        "read facts removed by amendments",
        chunk_by="versions",
        versions=sorted(by_version),
    )
    for row in removed:
        for source in by_version[row["version"]]:
            if row["key"] is not None:
                source.removed_entities.add(row["key"])
            if row["fact"] is not None:
                source.removed_facts.add(row["fact"])


def _read_mentions(store, version_keys: list[str]) -> list[dict]:
    return store.read_chunked(
        "UNWIND $versions AS vk MATCH (v:DocumentVersion {key: vk}) "
        "MATCH (n)-[m:MENTIONED_IN]->(v) "
        "RETURN vk AS version, n.key AS key, labels(n)[0] AS label, "
        "m.extracted_status AS extracted, m.status AS status, "
        "m.removed_on AS removed_on, m.removed_by AS removed_by",
        "read mentions",
        chunk_by="versions",
        versions=version_keys,
    )


def _read_evidence(store, version_keys: list[str]) -> list[dict]:
    return store.read_chunked(
        "UNWIND $versions AS vk MATCH (v:DocumentVersion {key: vk}) "
        "MATCH (e:Evidence)-[:FROM_VERSION]->(v) "
        "RETURN vk AS version, e.key AS key, e.kind AS kind, e.fact AS fact, "
        "e.extracted_status AS extracted_status, "
        "e.head_label AS head_label, e.tail_label AS tail_label, e.status AS status, "
        "e.removed_on AS removed_on, e.removed_by AS removed_by",
        "read evidence",
        chunk_by="versions",
        versions=version_keys,
    )


# -- rules -------------------------------------------------------------------


def _fact_status(
    document: DocumentState, version: VersionState, extracted, fact, subjects
):
    """Return (status, removed_on, removed_by) of one fact in one version."""
    if extracted == REMOVED:
        return REMOVED, _date(version.published or version.fetched_at), "extraction"
    repealer = document.repealer
    if repealer is not None:
        return REMOVED, repealer.date, f"repealed:{repealer.key}"
    for amender in document.amenders:
        if fact in amender.removed_facts or any(
            s in amender.removed_entities for s in subjects
        ):
            return REMOVED, amender.date, f"amended:{amender.key}"
    if version.status == SUPERSEDED:
        return REMOVED, version.superseded_on, f"superseded:{version.superseded_by}"
    return CURRENT, None, None


# -- writes ------------------------------------------------------------------


class StatementWriter:
    """A queue of ``UNWIND $rows`` statements, run in transactions of at
    most ``rows_per_transaction`` rows with at most ``rows_per_statement``
    rows to a statement.

    A statement's result rows go to its ``on_result`` callback once its
    transaction has committed.
    """

    def __init__(
        self,
        store,
        action: str,
        rows_per_statement: int = ROWS_PER_TRANSACTION,
        rows_per_transaction: int = ROWS_PER_TRANSACTION,
    ):
        self.store = store
        self.action = action
        self.rows_per_statement = min(rows_per_statement, rows_per_transaction)
        self.rows_per_transaction = rows_per_transaction
        self.pending: list[tuple[str, dict]] = []
        self.callbacks: list[Callable[[list[dict]], None] | None] = []
        self.rows = 0

    def add(
        self,
        query: str,
        rows: list,
        on_result: Callable[[list[dict]], None] | None = None,
        **params,
    ) -> None:
        for start in range(0, len(rows), self.rows_per_statement):
            chunk = rows[start : start + self.rows_per_statement]
            if self.rows + len(chunk) > self.rows_per_transaction:
                self._run()
            self.pending.append((query, {"rows": chunk, **params}))
            self.callbacks.append(on_result)
            self.rows += len(chunk)

    def flush(self) -> None:
        self._run()

    def _run(self) -> None:
        if self.pending:
            results = self.store.write_all(self.pending, self.action)
            for callback, result in zip(self.callbacks, results):
                if callback is not None:
                    callback(result)
        self.pending, self.callbacks, self.rows = [], [], 0


def _version_changed(version: VersionState) -> bool:
    return version.stored != (
        version.status,
        version.superseded_on,
        version.superseded_by,
    )


def _write_versions(
    writer: StatementWriter, documents: dict[str, DocumentState]
) -> None:
    rows = [
        {
            "key": version.key,
            "status": version.status,
            "superseded_on": version.superseded_on,
            "superseded_by": version.superseded_by,
        }
        for document in documents.values()
        for version in document.versions
        if version.complete and _version_changed(version)
    ]
    writer.add(
        "UNWIND $rows AS row MATCH (v:DocumentVersion {key: row.key}) "
        "SET v.status = row.status, v.superseded_on = row.superseded_on, "
        "v.superseded_by = row.superseded_by",
        rows,
    )


def _write_documents(
    writer: StatementWriter, documents: dict[str, DocumentState]
) -> None:
    document_rows = []
    for document in documents.values():
        complete = sorted(
            (v for v in document.versions if v.complete),
            key=lambda v: (v.fetched_at, v.key),
        )
        if not complete:
            continue
        latest = complete[-1]
        repealer = document.repealer
        number = latest.document_number
        props = {
            "title": latest.title,
            "issuer": latest.issuer,
            "document_number": number,
            "number_key": keys.normalise(number) if number else None,
            "published": latest.published,
            "latest_version": latest.key,
            "status": REPEALED if repealer else CURRENT,
            "repealed_on": repealer.date if repealer else None,
            "repealed_by": repealer.key if repealer else None,
        }
        if _changed(document.stored, props):
            document_rows.append({"key": document.key, "props": props})
    writer.add(
        "UNWIND $rows AS row MATCH (d:Document {key: row.key}) SET d += row.props",
        document_rows,
    )


def _status_props(status) -> dict:
    value, removed_on, removed_by = status
    return {"status": value, "removed_on": removed_on, "removed_by": removed_by}


def _changed(stored: dict | None, props: dict) -> bool:
    """Tell whether writing ``props`` would change ``stored`` (a property
    set to None is absent). Unknown stored properties (None) count as
    changed."""
    if stored is None:
        return True
    return any(stored.get(name) != value for name, value in props.items())


def _write_mentions(
    writer: StatementWriter, mentions: list[dict], statuses: dict
) -> None:
    by_label: dict[str, list[dict]] = defaultdict(list)
    for row in mentions:
        props = _status_props(statuses[(row["key"], row["version"])])
        if _changed(row, props):
            by_label[row["label"]].append(
                {"key": row["key"], "version": row["version"], "props": props}
            )
    for label, rows in sorted(by_label.items()):
        writer.add(
            f"UNWIND $rows AS row "
            f"MATCH (n:{label} {{key: row.key}})-[m:MENTIONED_IN]->"
            f"(v:DocumentVersion {{key: row.version}}) SET m += row.props",
            rows,
        )


def _write_evidence(
    writer: StatementWriter, evidence: list[dict], statuses: dict
) -> None:
    rows = []
    for row in evidence:
        props = _status_props(statuses[row["key"]])
        if _changed(row, props):
            rows.append({"key": row["key"], "props": props})
    writer.add(
        "UNWIND $rows AS row MATCH (e:Evidence {key: row.key}) SET e += row.props", rows
    )


def _write_entities(
    writer: StatementWriter,
    store,
    entity_keys,
    mention_status: dict,
    completing: str,
    new_entities: dict,
) -> None:
    """Derive and write the properties of ``entity_keys``, and delete those
    left without mentions.

    An entity in ``new_entities`` has no mention but the one from
    ``completing``, so its properties follow from that mention. The caller
    gives its stored properties, so neither is read.
    """
    by_label: dict[str, list[str]] = defaultdict(list)
    for label, key in sorted(entity_keys):
        by_label[label].append(key)
    for label, label_keys in sorted(by_label.items()):
        grouped: dict[str, list[dict]] = defaultdict(list)
        to_read = []
        for key in label_keys:
            new = new_entities.get((label, key))
            if new is None:
                to_read.append(key)
                continue
            grouped[key].append(
                {
                    "version": completing,
                    "fetched_at": "",
                    "mention": new["mention"],
                    "stored": new["stored"],
                }
            )
        rows = store.read_chunked(
            f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) "
            "OPTIONAL MATCH (n)-[m:MENTIONED_IN]->(v:DocumentVersion) "
            "RETURN k AS key, v.key AS version, v.fetched_at AS fetched_at, "
            "v.complete AS complete, properties(m) AS mention, properties(n) AS stored",
            "read mentions of entities",
            chunk_by="keys",
            keys=to_read,
        )
        for row in rows:
            grouped[row["key"]].append(row)
        updates, deletes = [], []
        for key, mentions in sorted(grouped.items()):
            props = _entity_props(key, mentions, mention_status, completing)
            if props is None:
                if all(m["version"] is None for m in mentions):
                    deletes.append(key)
                continue
            if _changed(mentions[0].get("stored"), props):
                updates.append({"key": key, "props": props})
        writer.add(
            f"UNWIND $rows AS row MATCH (n:{label} {{key: row.key}}) SET n += row.props",
            updates,
        )
        writer.add(
            f"UNWIND $rows AS row MATCH (n:{label} {{key: row}}) DETACH DELETE n",
            deletes,
        )


def new_entity_props(mention: dict, version: dict) -> dict:
    """Return the properties that recompute derives for an entity whose
    only mention is ``mention`` (MENTIONED_IN properties) in ``version``
    (DocumentVersion properties), unless a newer version, an amendment or
    a repeal removes the mention."""
    state = VersionState(
        key="",
        fetched_at=version.get("fetched_at") or "",
        published=version.get("published"),
        complete=True,
    )
    status = _fact_status(
        DocumentState(key=""), state, mention.get("extracted_status"), None, []
    )
    row = {
        "version": "",
        "complete": True,
        "fetched_at": "",
        "mention": {**mention, **_status_props(status)},
    }
    return _entity_props("", [row], {}, "")


def _entity_props(
    key: str, rows: list[dict], mention_status: dict, completing: str
) -> dict | None:
    """Return the entity's properties derived from its complete mentions,
    or None when it has none."""
    mentions = []
    for row in rows:
        if row["version"] is None or not (
            row.get("complete") or row["version"] == completing
        ):
            continue
        mention = dict(row["mention"])
        status = mention_status.get((key, row["version"]))
        if status is not None:
            mention.update(_status_props(status))
        mention["_order"] = (row["fetched_at"] or "", row["version"])
        mentions.append(mention)
    if not mentions:
        return None
    mentions.sort(key=lambda m: m["_order"])
    current = [m for m in mentions if m.get("status") == CURRENT]
    basis = current or mentions
    latest = basis[-1]
    name = latest["name"]
    aliases = set()
    for mention in mentions:
        aliases.update(mention.get("aliases") or [])
        aliases.add(mention["name"])
    aliases.discard(name)
    industries = set()
    for mention in basis:
        industries.update(mention.get("industries") or [])

    def latest_value(field_name: str):
        for mention in reversed(basis):
            if mention.get(field_name):
                return mention[field_name]
        return None

    removed_on = None
    if not current:
        removed_on = (
            max((m.get("removed_on") or "" for m in mentions), default="") or None
        )
    return {
        "name": name,
        "aliases": sorted(aliases),
        "search_text": keys.search_text(name, sorted(aliases)),
        "industries": sorted(industries),
        "region": latest_value("region"),
        "role": latest_value("role"),
        "affiliation": latest_value("affiliation"),
        "credit_code": latest_value("credit_code"),
        "status": CURRENT if current else REMOVED,
        "removed_on": removed_on,
        "confidence": max(m.get("confidence") or 0.0 for m in basis),
    }


def _write_relationships(
    writer: StatementWriter,
    store,
    facts: dict,
    evidence_status: dict,
    current_facts: set[str],
    completing: str,
    stored_relationships: dict,
) -> None:
    """Derive and write the status of every relationship in ``facts``, and
    delete those left without evidence.

    ``stored_relationships`` gives the stored status of some of them
    (fact -> {"status", "removed_on"}); the others are read.
    """
    if not facts:
        return
    # A fact with current evidence in scope is current whatever its
    # evidence elsewhere is, so only the others need all evidence read.
    rows = store.read_chunked(
        "UNWIND $facts AS f MATCH (e:Evidence {fact: f})-[:FROM_VERSION]->(v:DocumentVersion) "
        "RETURN f AS fact, e.key AS key, e.status AS status, e.removed_on AS removed_on, "
        "v.complete AS complete, v.key AS version",
        "read relationship evidence",
        chunk_by="facts",
        facts=sorted(set(facts) - current_facts),
    )
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row["fact"]].append(row)
    updates: dict[tuple, list[dict]] = defaultdict(list)
    deletes: dict[tuple, list[dict]] = defaultdict(list)
    for fact, (type_, head_label, head, tail_label, tail) in sorted(facts.items()):
        group = (type_, head_label, tail_label)
        endpoints = {"head": head, "tail": tail}
        if fact in current_facts:
            updates[group].append(
                {**endpoints, "props": {"status": CURRENT, "removed_on": None}}
            )
            continue
        evidence = grouped.get(fact, [])
        if not evidence:
            deletes[group].append(endpoints)
            continue
        statuses = []
        for row in evidence:
            if not (row["complete"] or row["version"] == completing):
                continue
            status = evidence_status.get(row["key"])
            statuses.append(
                status if status else (row["status"], row["removed_on"], None)
            )
        if not statuses:
            continue
        current = any(s[0] == CURRENT for s in statuses)
        removed_on = (
            None if current else max((s[1] or "" for s in statuses), default="") or None
        )
        updates[group].append(
            {
                **endpoints,
                "props": {
                    "status": CURRENT if current else REMOVED,
                    "removed_on": removed_on,
                },
            }
        )
    for (type_, head_label, tail_label), rows in sorted(updates.items()):
        stored = {}
        to_read = []
        for row in rows:
            fact = keys.relation_fact(type_, row["head"], row["tail"])
            props = stored_relationships.get(fact)
            if props is None:
                to_read.append({"head": row["head"], "tail": row["tail"]})
            else:
                stored[(row["head"], row["tail"])] = props
        for row in store.read_chunked(
            f"UNWIND $rows AS row MATCH (h:{head_label} {{key: row.head}})-[r:{type_}]->"
            f"(t:{tail_label} {{key: row.tail}}) "
            "RETURN row.head AS head, row.tail AS tail, properties(r) AS props",
            "read relationship statuses",
            chunk_by="rows",
            rows=to_read,
        ):
            stored[(row["head"], row["tail"])] = row["props"]
        rows = [
            row
            for row in rows
            if _changed(stored.get((row["head"], row["tail"]), {}), row["props"])
        ]
        writer.add(
            f"UNWIND $rows AS row MATCH (h:{head_label} {{key: row.head}})-[r:{type_}]->"
            f"(t:{tail_label} {{key: row.tail}}) SET r += row.props",
            rows,
        )
    for (type_, head_label, tail_label), rows in sorted(deletes.items()):
        writer.add(
            f"UNWIND $rows AS row MATCH (h:{head_label} {{key: row.head}})-[r:{type_}]->"
            f"(t:{tail_label} {{key: row.tail}}) DELETE r",
            rows,
        )
