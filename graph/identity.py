"""Analyst decisions on which mentions are one entity: merges and splits.

A decision is a ``Decision`` node that records who made it, when, why,
and, once undone, who undid it and when. It never edits facts in place.
It changes how the loader keys entities: before planning a version, the
loader reads the active decisions, and the plan gives every mention that
a decision redirects the decision's key (see :func:`plan_version`). A
decision therefore takes effect, and an undo is reverted, by loading
again the versions it affects (``bluecarbon.pipeline``), which leaves
exactly the graph that loading them under the new decisions would give.

* A merge keys every mention of ``source`` as ``target``: the source node
  disappears and its names become aliases of the target.
* A split keys the mentions of ``source`` in the listed documents as a new
  entity, ``target``, so that two people or firms that share a name are
  kept apart.
* Undoing a decision marks it undone; the versions it touched are loaded
  again without it.

A decision is ``applied`` once every version it affects has been loaded
again. One left unapplied by an interrupted run is finished by the next
load (``bluecarbon.pipeline.load_pending``).

The loader also records a merge by itself when a firm is named
differently in two sources that give the same unified social credit
code (a renamed firm). An analyst can undo it like any other, and the
loader does not record it again.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from bluecarbon.errors import GraphError
from bluecarbon.model import DECISION, DECISION_LOCK, ENTITY_LABELS, FIRM

log = logging.getLogger(__name__)

MERGE = "merge"
SPLIT = "split"
LOADER = "loader"
MAX_NOTE_CHARS = 2000
MAX_KEY_CHARS = 1000
# Threads of one process (the API's worker threads) record one at a time.
_RECORDING = threading.Lock()

DECISION_FIELDS = (
    "d.id AS id, d.kind AS kind, d.label AS label, d.source AS source, "
    "d.target AS target, d.documents AS documents, d.by AS by, d.note AS note, "
    "d.made_at AS made_at, d.active AS active, d.applied AS applied, "
    "d.undone_at AS undone_at, d.undone_by AS undone_by, d.name AS name"
)


class DecisionError(GraphError):
    """An invalid merge, split or undo request."""


@dataclass(frozen=True)
class Redirect:
    """One active decision as the loader applies it."""

    id: str
    source: str
    target: str
    # Document keys the decision is limited to; None for every document.
    documents: frozenset[str] | None


class Redirects:
    """The active decisions, looked up by the key they redirect."""

    def __init__(self, redirects: list[Redirect] = ()):
        self._by_source: dict[str, list[Redirect]] = {}
        for redirect in redirects:
            self._by_source.setdefault(redirect.source, []).append(redirect)
        # Splits, which name their documents, win over merges of the same key.
        for items in self._by_source.values():
            items.sort(key=lambda r: (r.documents is None, r.id))

    def __bool__(self) -> bool:
        return bool(self._by_source)

    def reachable(self, key: str) -> set[str]:
        """Return ``key`` and every key that decisions send its mentions
        to, in any document."""
        found, todo = {key}, [key]
        while todo:
            for redirect in self._by_source.get(todo.pop(), ()):
                if redirect.target not in found:
                    found.add(redirect.target)
                    todo.append(redirect.target)
        return found

    def resolve(self, key: str, document_key: str) -> str:
        """Return the key that mentions keyed ``key`` in the document
        ``document_key`` get, following chains of decisions."""
        seen = [key]
        while True:
            for redirect in self._by_source.get(key, ()):
                if redirect.documents is None or document_key in redirect.documents:
                    key = redirect.target
                    break
            else:
                return key
            if key in seen:
                chain = " -> ".join([*seen, key])
                raise DecisionError(
                    f"the active decisions redirect {seen[0]!r} in a cycle ({chain}); "
                    "undo one of them with `bluecarbon undo ID`"
                )
            seen.append(key)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _new_id() -> str:
    return "d" + uuid.uuid4().hex[:12]


def label_of(key: str) -> str:
    """Return the entity label a key starts with, or raise DecisionError."""
    if len(key) > MAX_KEY_CHARS:
        raise DecisionError(
            f"a key of {len(key)} characters (starting {key[:40]!r}) is longer than "
            f"any entity key; keys are at most {MAX_KEY_CHARS} characters"
        )
    label = key.split(":", 1)[0]
    if label not in ENTITY_LABELS:
        raise DecisionError(
            f"{key!r} is not an entity key; entity keys start with one of "
            f"{', '.join(ENTITY_LABELS)} and a colon, as the API and "
            "`bluecarbon candidates --format json` print them"
        )
    return label


# -- reading -----------------------------------------------------------------


def read_redirects(store) -> Redirects:
    """Return the active decisions."""
    rows = store.read(
        f"MATCH (d:{DECISION}) WHERE d.active = true "
        "RETURN d.id AS id, d.source AS source, d.target AS target, "
        "d.documents AS documents",
        "read merge and split decisions",
    )
    return Redirects(
        [
            Redirect(
                id=row["id"],
                source=row["source"],
                target=row["target"],
                documents=frozenset(row["documents"]) if row["documents"] else None,
            )
            for row in rows
        ]
    )


def decisions(store, *, active_only: bool = False) -> list[dict]:
    """Return the recorded decisions, newest first."""
    where = "WHERE d.active = true " if active_only else ""
    rows = store.read(
        f"MATCH (d:{DECISION}) {where}RETURN {DECISION_FIELDS}",
        "list merge and split decisions",
    )
    return sorted(rows, key=lambda row: (row["made_at"] or "", row["id"]), reverse=True)


def decision(store, decision_id: str) -> dict:
    """Return one decision by id, or raise DecisionError."""
    rows = store.read(
        f"MATCH (d:{DECISION} {{id: $id}}) RETURN {DECISION_FIELDS}",
        "read a decision",
        id=decision_id,
    )
    if not rows:
        raise DecisionError(
            f"no decision has the id {decision_id!r}; `bluecarbon decisions` lists them"
        )
    return rows[0]


def unapplied(store) -> list[dict]:
    """Return decisions whose versions were not all loaded again yet."""
    return store.read(
        f"MATCH (d:{DECISION}) WHERE d.applied = false RETURN {DECISION_FIELDS}",
        "read unapplied decisions",
    )


def _entity(store, key: str) -> dict | None:
    label = label_of(key)
    rows = store.read(
        f"MATCH (n:{label} {{key: $key}}) "
        "OPTIONAL MATCH (n)-[:MENTIONED_IN]->(v:DocumentVersion) "
        "RETURN n.name AS name, collect(v.key) AS versions, collect(v.url) AS documents",
        "read an entity's mentions",
        key=key,
    )
    return rows[0] if rows else None


def _mentioned_versions(store, keys: list[str], documents=None) -> list[str]:
    """Return the keys of the versions that mention any of ``keys``
    (limited to the versions of ``documents`` when given)."""
    versions = set()
    for key in keys:
        label = label_of(key)
        rows = store.read(
            f"MATCH (n:{label} {{key: $key}})-[:MENTIONED_IN]->(v:DocumentVersion) "
            "RETURN v.key AS version, v.url AS document",
            "read the versions that mention an entity",
            key=key,
        )
        versions.update(
            row["version"]
            for row in rows
            if documents is None or row["document"] in documents
        )
    return sorted(versions)


def affected_versions(store, record: dict) -> list[str]:
    """Return the versions to load again for a decision to take effect
    or, when it is undone, to stop having effect."""
    documents = set(record["documents"]) if record["documents"] else None
    if record["active"]:
        return _mentioned_versions(store, [record["source"]], documents)
    # Undone: the mentions it redirected are keyed by its target, or by
    # where later decisions sent the target's mentions.
    keys = sorted(read_redirects(store).reachable(record["target"]))
    return _mentioned_versions(store, keys, documents)


# -- recording ---------------------------------------------------------------


class _InTransaction:
    """The ``read`` and ``write`` calls of a GraphStore, run in one open
    transaction, so that the checks and the record of a decision commit
    together."""

    def __init__(self, tx):
        self.tx = tx

    def read(self, query: str, action: str = "", **params) -> list[dict]:
        return self.tx.run(query, params).data()

    write = read


def _serialised(store, action: str, work):
    """Run ``work`` on a view of ``store`` inside one write transaction
    that first writes the decision lock node, so that two decisions are
    checked and recorded one after the other. Threads of one process also
    take a lock."""
    # NOTE: only threads of one process were tested racing. Across
    # processes, Neo4j's write lock on the node should order the two
    # transactions, and ArcadeDB's optimistic commit should fail one of
    # them. Neither case was run.

    def run(tx):
        tx.run(f"MERGE (l:{DECISION_LOCK} {{key: 'decisions'}}) SET l.key = 'decisions'").consume()
        return work(_InTransaction(tx))

    with _RECORDING:
        return store.write_with(run, action)


def _check_note(note: str | None) -> None:
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise DecisionError(f"the note is {len(note)} characters long; use at most {MAX_NOTE_CHARS}")


def _listed(items, limit: int = 5) -> str:
    """Return up to ``limit`` items, quoted and joined, and how many more."""
    items = sorted(items)
    text = ", ".join(repr(item) for item in items[:limit])
    return text + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _create(
    store,
    kind: str,
    label: str,
    source: str,
    target: str,
    *,
    by: str,
    note: str | None = None,
    name: str | None = None,
    documents: list[str] | None = None,
    decision_id: str | None = None,
) -> dict:
    """Store a new active decision, not yet applied, and return it."""
    record = {
        "id": decision_id or _new_id(),
        "kind": kind,
        "label": label,
        "source": source,
        "target": target,
        "documents": documents,
        "name": name,
        "by": by,
        "note": note,
        "made_at": _now(),
        "active": True,
        # The pipeline loads the affected versions again, then marks it applied.
        "applied": False,
    }
    store.write(f"CREATE (d:{DECISION}) SET d = $record", f"record a {kind} decision", record=record)
    return record


def record_merge(store, target: str, source: str, *, by: str, note: str | None = None) -> dict:
    """Record that ``source`` is the same entity as ``target`` and return
    the decision. Raise DecisionError, naming the key, when the two
    cannot be merged."""
    _check_note(note)
    return _serialised(
        store, "record a merge", lambda view: _record_merge(view, target, source, by=by, note=note)
    )


def _record_merge(store, target: str, source: str, *, by: str, note: str | None) -> dict:
    label = label_of(target)
    if label_of(source) != label:
        raise DecisionError(
            f"cannot merge {source!r} into {target!r}: a {label_of(source)} and a "
            f"{label} are different kinds of entity"
        )
    if source == target:
        raise DecisionError(f"cannot merge {source!r} into itself")

    target_row = _entity(store, target)
    source_row = _entity(store, source)
    for key, row in ((target, target_row), (source, source_row)):
        if row is None:
            merged = _merged_into(store, key)
            hint = (
                f"it was merged into {merged!r}; use that key"
                if merged
                else "check the key with the API or `bluecarbon candidates`"
            )
            raise DecisionError(f"no entity has the key {key!r}: {hint}")
    if not source_row["versions"]:
        raise DecisionError(f"{source!r} has no mentions to merge")

    redirects = read_redirects(store)
    if source in redirects.reachable(target):
        raise DecisionError(
            f"cannot merge {source!r} into {target!r}: an active decision already "
            f"sends mentions of {target!r} to {source!r}, so the two would form a "
            "cycle; undo that decision instead (`bluecarbon decisions` lists them)"
        )

    splits = store.read(
        f"MATCH (d:{DECISION}) WHERE d.active = true AND d.kind = 'split' "
        "AND d.source ENDS WITH $suffix RETURN d.id AS id",
        "read splits of people keyed by an organisation",
        suffix=f"@{source}",
    )
    if splits:
        raise DecisionError(
            f"cannot merge {source!r} into {target!r}: split {splits[0]['id']} tells "
            f"apart people keyed by {source!r}, and the merge would key them anew; "
            "undo the split, merge, then split again"
        )

    return _create(store, MERGE, label, source, target, by=by, note=note, name=source_row["name"])


def record_split(
    store, source: str, documents: list[str], *, by: str, note: str | None = None
) -> dict:
    """Record that the mentions of ``source`` in ``documents`` (document
    URLs) are a different entity, and return the decision with the new
    entity's key as ``target``. Raise DecisionError when the split would
    move nothing or everything."""
    _check_note(note)
    return _serialised(
        store,
        "record a split",
        lambda view: _record_split(view, source, documents, by=by, note=note),
    )


def _record_split(store, source: str, documents: list[str], *, by: str, note: str | None) -> dict:
    label_of(source)
    row = _entity(store, source)
    if row is None:
        merged = _merged_into(store, source)
        hint = f"it was merged into {merged!r}" if merged else "check the key"
        raise DecisionError(f"no entity has the key {source!r}: {hint}")
    mentioned = set(row["documents"])
    chosen = sorted(set(documents))
    if not chosen:
        raise DecisionError(f"name at least one document whose mentions of {source!r} to split off")
    unknown = [document for document in chosen if document not in mentioned]
    if unknown:
        raise DecisionError(
            f"{source!r} is not mentioned in {_listed(unknown)}; "
            f"it is mentioned in {_listed(mentioned)}"
        )
    if set(chosen) == mentioned:
        raise DecisionError(
            f"every document that mentions {source!r} was named, so the split "
            "would leave nothing behind; leave out at least one document"
        )
    decision_id = _new_id()
    return _create(
        store,
        SPLIT,
        label_of(source),
        source,
        f"{source}~{decision_id}",
        by=by,
        note=note,
        decision_id=decision_id,
        documents=chosen,
        name=row["name"],
    )


def record_undo(store, decision_id: str, *, by: str) -> dict:
    """Mark a decision undone and return it. Raise DecisionError when it
    is unknown or already undone, or when a later active decision builds
    on its target."""
    return _serialised(
        store, "undo a decision", lambda view: _record_undo(view, decision_id, by=by)
    )


def _record_undo(store, decision_id: str, *, by: str) -> dict:
    record = decision(store, decision_id)
    if not record["active"]:
        raise DecisionError(
            f"decision {decision_id} was already undone on {record['undone_at']} "
            f"by {record['undone_by']}"
        )
    later = store.read(
        f"MATCH (d:{DECISION}) WHERE d.active = true AND d.source = $target "
        "RETURN d.id AS id",
        "read decisions that build on another",
        target=record["target"],
    )
    if record["kind"] == SPLIT and later:
        raise DecisionError(
            f"decision {later[0]['id']} builds on the entity this split made; "
            f"undo it before {decision_id}"
        )
    undone_at = _now()
    store.write(
        f"MATCH (d:{DECISION} {{id: $id}}) "
        "SET d.active = false, d.applied = false, d.undone_at = $at, d.undone_by = $by",
        "undo a decision",
        id=decision_id,
        at=undone_at,
        by=by,
    )
    return {**record, "active": False, "applied": False, "undone_at": undone_at, "undone_by": by}


def mark_applied(store, decision_id: str) -> None:
    store.write(
        f"MATCH (d:{DECISION} {{id: $id}}) SET d.applied = true",
        "mark a decision applied",
        id=decision_id,
    )


def _merged_into(store, key: str) -> str | None:
    """Return the key an active merge redirects ``key`` to, if any."""
    target = resolve_key(store, key)
    return target if target != key else None


def resolve_key(store, key: str) -> str:
    """Return the key of the entity that ``key`` names now: ``key`` itself,
    or the target of the active merges of ``key``."""
    return read_redirects(store).resolve(key, "")


# -- planning ----------------------------------------------------------------


def plan_version(store, version, extraction):
    """Return the load plan of a version under the active decisions.

    A firm that the plan keys differently from a stored firm with the same
    unified social credit code is merged into it: the merge is recorded
    (unless an analyst undid the same merge before) and the plan is made
    again.
    """
    from graph.plan import build_plan

    redirects = read_redirects(store)
    plan = build_plan(version, extraction, redirects)
    if _merge_renamed_firms(store, plan):
        plan = build_plan(version, extraction, read_redirects(store))
    return plan


def _merge_renamed_firms(store, plan) -> bool:
    """Record merges of the plan's firms into stored firms that have the
    same credit code under another key; return True when any was recorded."""
    codes = {
        row["props"]["credit_code"]: row["key"]
        for row in plan.entities.get(FIRM, [])
        if row["props"].get("credit_code")
    }
    if not codes:
        return False
    stored = store.read(
        "UNWIND $codes AS code MATCH (f:Firm {credit_code: code}) RETURN code, f.key AS key",
        "find firms by credit code",
        codes=sorted(codes),
    )
    if all(row["key"] == codes[row["code"]] for row in stored):
        return False
    return _serialised(
        store, "record merges of renamed firms", lambda view: _record_renamed(view, codes)
    )


def _record_renamed(store, codes: dict[str, str]) -> bool:
    rows = store.read(
        "UNWIND $codes AS code MATCH (f:Firm {credit_code: code}) "
        "RETURN code, f.key AS key ORDER BY key",
        "find firms by credit code",
        codes=sorted(codes),
    )

    pair_keys = sorted({*codes.values(), *(row["key"] for row in rows)})
    known = store.read(
        f"MATCH (d:{DECISION}) WHERE d.kind = 'merge' "
        "AND d.source IN $keys AND d.target IN $keys "
        "RETURN d.source AS source, d.target AS target",
        "read earlier merges of renamed firms",
        keys=pair_keys,
    )
    # An earlier decision on the pair, in either direction, is kept, and so
    # are decisions that already join the two.
    decided = {(row["source"], row["target"]) for row in known}
    decided |= {(target, source) for source, target in decided}
    redirects = read_redirects(store)

    recorded = False
    targets: dict[str, str] = {}
    for row in rows:
        # Two stored firms with one code: merge into the first by key.
        targets.setdefault(row["code"], row["key"])
    for code, target in sorted(targets.items()):
        source = codes[code]
        if source == target or (source, target) in decided:
            continue
        if source in redirects.reachable(target) or target in redirects.reachable(source):
            continue
        record = _create(
            store, MERGE, FIRM, source, target, by=LOADER, note=f"same unified social credit code {code}"
        )
        decided.add((source, target))
        log.info("merging firm %s into %s: %s", source, target, record["note"])
        recorded = True
    return recorded
