"""The connection to the graph store and the queries every module shares.

:class:`GraphStore` is the only object outside ``graph`` that touches the
store. Its methods translate ``neo4j.exceptions`` into
:class:`~bluecarbon.errors.GraphError` and
:class:`~bluecarbon.errors.GraphUnavailable`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import neo4j
from neo4j import exceptions as neo4j_errors

from bluecarbon.errors import GraphError, GraphUnavailable
from bluecarbon.model import DECISION_LOCK, Extraction, SourceVersion
from bluecarbon.settings import Settings
from graph.dialect import ARCADEDB, Dialect, dialect_for
from graph.server import EmbeddedServer

log = logging.getLogger(__name__)

EMBEDDED_DATABASE = "bluecarbon"
CONNECT_TIMEOUT_SECONDS = 30.0
READ_CHUNK = 5000
# Nodes left out of checksum(): a Migration's applied_at records when a
# store was migrated, which differs between two stores holding the same
# data, and the DecisionLock node only serialises decisions.
CHECKSUM_EXCLUDED_LABELS = ("Migration", DECISION_LOCK)


class GraphStore:
    """A session factory for one graph database, with the catalogue's
    operations. Use it as a context manager; :meth:`close` also stops an
    embedded server that :func:`open_graph` started."""

    def __init__(
        self,
        driver: neo4j.Driver,
        dialect: Dialect,
        uri: str,
        server: EmbeddedServer | None = None,
    ):
        self.driver = driver
        self.dialect = dialect
        self.uri = uri
        self.server = server

    # -- lifecycle -----------------------------------------------------

    def close(self) -> None:
        try:
            self.driver.close()
        finally:
            if self.server is not None:
                self.server.stop()
                self.server = None

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def is_embedded(self) -> bool:
        return self.dialect.name == ARCADEDB

    # -- query helpers ---------------------------------------------------

    @contextlib.contextmanager
    def translate_errors(self, action: str) -> Iterator[None]:
        """Re-raise driver errors raised inside the block as GraphError or
        GraphUnavailable, naming ``action`` and what to do."""
        try:
            yield
        except neo4j_errors.AuthError as error:
            raise GraphUnavailable(
                f"the graph store at {self.uri} rejected the credentials while "
                f"trying to {action}; check NEO4J_USER and NEO4J_PASSWORD"
            ) from error
        except (
            neo4j_errors.ServiceUnavailable,
            neo4j_errors.SessionExpired,
            neo4j_errors.DatabaseUnavailable,
        ) as error:
            raise GraphUnavailable(
                f"the graph store at {self.uri} is unreachable while trying to "
                f"{action} ({error}); check that it is running and NEO4J_URI"
            ) from error
        except neo4j_errors.Neo4jError as error:
            if error.code and "DatabaseNotFound" in error.code:
                raise GraphUnavailable(
                    f"database {self.dialect.database!r} not found on {self.uri}; "
                    "set NEO4J_DATABASE to an existing database"
                ) from error
            raise GraphError(
                f"the graph store failed to {action}: {error.code}: {error.message}"
            ) from error
        except neo4j_errors.DriverError as error:
            raise GraphError(f"the graph driver failed to {action}: {error}") from error

    def session(self) -> neo4j.Session:
        return self.driver.session(database=self.dialect.database)

    def read(self, query: str, action: str = "read the graph", **params) -> list[dict]:
        """Run one read query in a managed transaction and return its rows."""

        def work(tx: neo4j.ManagedTransaction) -> list[dict]:
            return [record.data() for record in tx.run(query, params)]

        with self.translate_errors(action), self.session() as session:
            return session.execute_read(work)

    def read_chunked(
        self, query: str, action: str = "read the graph", *, chunk_by: str, **params
    ) -> list[dict]:
        """Run a read query once per chunk of the list parameter ``chunk_by``
        and return all rows.

        ArcadeDB 26.10.2 drops a Bolt message longer than 16 MiB without
        sending a response, and the driver then waits for ever. So long key
        lists are sent READ_CHUNK values at a time. The query must give
        the same rows for a list as for its parts together (no ORDER BY,
        LIMIT or aggregation across the list).
        """
        values = list(params.pop(chunk_by))
        rows: list[dict] = []
        for start in range(0, len(values), READ_CHUNK):
            chunk = values[start : start + READ_CHUNK]
            rows += self.read(query, action, **params, **{chunk_by: chunk})
        return rows

    def write(
        self, query: str, action: str = "write to the graph", **params
    ) -> list[dict]:
        """Run one write query in a managed transaction and return its rows."""
        return self.write_all([(query, params)], action)[0]

    def write_all(
        self,
        statements: list[tuple[str, dict[str, Any]]],
        action: str = "write to the graph",
    ) -> list[list[dict]]:
        """Run several write queries in one managed transaction, so that
        all of them or none take effect."""

        def work(tx: neo4j.ManagedTransaction) -> list[list[dict]]:
            return [[record.data() for record in tx.run(q, p)] for q, p in statements]

        with self.translate_errors(action), self.session() as session:
            return session.execute_write(work)

    def write_with(self, work: Callable[[neo4j.ManagedTransaction], Any], action: str):
        """Run ``work(tx)`` in one managed write transaction (retried as a
        whole on transient errors)."""
        with self.translate_errors(action), self.session() as session:
            return session.execute_write(work)

    def run_schema(self, query: str) -> None:
        """Run a schema statement in an auto-commit transaction, as Neo4j
        requires for DDL."""
        with (
            self.translate_errors("change the graph schema"),
            self.session() as session,
        ):
            session.run(query).consume()

    # -- catalogue operations --------------------------------------------

    def migrate(self) -> list[str]:
        """Apply pending migrations and return the versions applied now."""
        from graph.migrations import apply_migrations

        return apply_migrations(self)

    def load(
        self, version: SourceVersion, extraction: Extraction, *, force: bool = False
    ) -> dict:
        """Load one document version and what was extracted from it, and
        return counts of its rows.

        A version already loaded completely from the same extraction is
        skipped unless ``force`` is true.
        """
        from graph.loader import load_version

        return load_version(self, version, extraction, force=force)

    def rank(self, scoring_path: str | Path | None = None) -> list[dict]:
        """Score firms per industry and store them as Candidate nodes."""
        from graph.scoring import rank

        return rank(self, scoring_path)

    def candidates(
        self,
        industry: str | None = None,
        region: str | None = None,
        min_score: float | None = None,
        top: int | None = None,
    ) -> list[dict]:
        """Return stored candidates, best first."""
        from graph.scoring import read_candidates

        return read_candidates(self, industry, region, min_score, top)

    def stats(self) -> dict:
        """Return node counts per label and relationship counts per type."""
        nodes: Counter[str] = Counter()
        for row in self.read(
            "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS count",
            "count nodes",
        ):
            nodes[row["label"]] += row["count"]
        relationships: Counter[str] = Counter()
        for row in self.read(
            "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS count",
            "count relationships",
        ):
            relationships[row["type"]] += row["count"]
        return {
            "nodes": dict(sorted(nodes.items())),
            "relationships": dict(sorted(relationships.items())),
        }

    def checksum(self) -> str:
        """Return a hash over every node and relationship with its
        properties, independent of order and of internal ids.

        Each item's SHA-256 is added modulo 2**256, so the result does not
        depend on order and the rows are streamed, not held in memory.
        Migration nodes are left out (see CHECKSUM_EXCLUDED_LABELS).
        Relationships are identified by type, the endpoints' labels and keys,
        and their properties.
        """
        node_query = (
            "MATCH (n) WHERE none(label IN labels(n) WHERE label IN $excluded) "
            "RETURN labels(n) AS labels, properties(n) AS properties"
        )
        relationship_query = (
            "MATCH (a)-[r]->(b) RETURN type(r) AS type, labels(a) AS a_labels, "
            "a.key AS a_key, labels(b) AS b_labels, b.key AS b_key, "
            "properties(r) AS properties"
        )

        def work(tx: neo4j.ManagedTransaction) -> int:
            total = 0
            nodes = tx.run(node_query, excluded=list(CHECKSUM_EXCLUDED_LABELS))
            for record in nodes:
                item = ["node", sorted(record["labels"]), record["properties"]]
                total += _digest(item)
            for record in tx.run(relationship_query):
                item = [
                    "relationship",
                    record["type"],
                    sorted(record["a_labels"]),
                    record["a_key"],
                    sorted(record["b_labels"]),
                    record["b_key"],
                    record["properties"],
                ]
                total += _digest(item)
            return total % 2**256

        with self.translate_errors("compute a checksum"), self.session() as session:
            return f"{session.execute_read(work):064x}"

    # -- reads for the API -------------------------------------------------

    def entities(
        self,
        label=None,
        industry=None,
        name_contains=None,
        status=None,
        region=None,
        limit=100,
        offset=0,
    ):
        from graph import reads

        return reads.entities(
            self, label, industry, name_contains, status, region, limit, offset
        )

    def entity(self, key: str) -> dict | None:
        from graph import reads

        return reads.entity(self, key)

    def evidence_for(self, key: str) -> list[dict]:
        from graph import reads

        return reads.evidence_for(self, key)

    def neighbours(self, key: str, depth: int = 1) -> dict:
        from graph import reads

        return reads.neighbours(self, key, depth)

    def documents(self) -> list[dict]:
        from graph import reads

        return reads.documents(self)

    def search(self, text: str, limit: int = 50) -> list[dict]:
        from graph import reads

        return reads.search(self, text, limit)

    # -- merge and split decisions -------------------------------------------

    def decisions(self, *, active_only: bool = False) -> list[dict]:
        """Return the recorded merge and split decisions, newest first."""
        from graph import identity

        return identity.decisions(self, active_only=active_only)

    def record_merge(self, target: str, source: str, *, by: str, note: str | None = None) -> dict:
        """Record that ``source`` is the same entity as ``target``. The
        merge takes effect when the versions that mention ``source`` are
        loaded again; ``bluecarbon.pipeline.merge`` does both."""
        from graph import identity

        return identity.record_merge(self, target, source, by=by, note=note)

    def record_split(self, source: str, documents: list[str], *, by: str, note: str | None = None) -> dict:
        """Record that the mentions of ``source`` in ``documents`` are
        another entity (see :meth:`record_merge` for when it takes effect)."""
        from graph import identity

        return identity.record_split(self, source, documents, by=by, note=note)

    def record_undo(self, decision_id: str, *, by: str) -> dict:
        """Mark a decision undone (see :meth:`record_merge`)."""
        from graph import identity

        return identity.record_undo(self, decision_id, by=by)

    def unapplied_decisions(self) -> list[dict]:
        """Return the decisions whose versions are not all loaded again."""
        from graph import identity

        return identity.unapplied(self)

    def affected_versions(self, decision: dict) -> list[str]:
        """Return the keys of the versions to load again for ``decision``
        to take effect, or to stop having effect once undone."""
        from graph import identity

        return identity.affected_versions(self, decision)

    def mark_applied(self, decision_id: str) -> None:
        from graph import identity

        identity.mark_applied(self, decision_id)


def _digest(value: Any) -> int:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")


def open_graph(settings: Settings, *, migrate: bool = True) -> GraphStore:
    """Connect to the graph store that ``settings`` names and apply pending
    migrations.

    With NEO4J_URI set, connect to that server. Otherwise start the
    embedded ArcadeDB server in a child process with its data under
    ``settings.graph_dir`` (or use the one another process of this program
    already runs there).
    """
    server: EmbeddedServer | None = None
    # NOTE: the NEO4J_URI path has run only against ArcadeDB's Bolt
    # endpoint, because no Neo4j server was available. The contract tests
    # run against Neo4j when NEO4J_URI is set.
    if settings.neo4j_uri:
        uri = settings.neo4j_uri
        user = settings.neo4j_user
        password = settings.neo4j_password
        database = settings.neo4j_database
    else:
        server = EmbeddedServer(settings.graph_dir)
        endpoint = server.start()
        uri, user, password = endpoint.uri, endpoint.user, endpoint.password
        database = EMBEDDED_DATABASE

    try:
        store = _connect(uri, user, password, database, server)
        if migrate:
            store.migrate()
    except BaseException:
        if server is not None:
            server.stop()
        raise
    return store


def _connect(
    uri: str,
    user: str,
    password: str | None,
    database: str | None,
    server: EmbeddedServer | None,
) -> GraphStore:
    auth = (user, password) if password is not None else None
    try:
        driver = neo4j.GraphDatabase.driver(uri, auth=auth)
    except (neo4j_errors.ConfigurationError, ValueError) as error:
        raise GraphUnavailable(f"invalid graph URI {uri!r}: {error}") from error

    deadline = time.monotonic() + CONNECT_TIMEOUT_SECONDS
    while True:
        probe = GraphStore(driver, dialect_for("", database), uri)
        try:
            with probe.translate_errors("connect"):
                agent = driver.get_server_info().agent
            break
        except GraphUnavailable as error:
            # Only a server this process just started may still be opening
            # its Bolt port; a remote URI that refuses is reported at once.
            retry = server is not None and isinstance(
                error.__cause__, neo4j_errors.ServiceUnavailable
            )
            if not retry or time.monotonic() > deadline:
                driver.close()
                if server is not None:
                    raise GraphUnavailable(f"{error}; see {server.log_path}") from error
                raise
            time.sleep(0.2)
    log.info("connected to the graph store at %s (%s)", uri, agent)
    return GraphStore(driver, dialect_for(agent, database), uri, server)
