"""The differences between the stores that ``graph`` runs against.

Both Neo4j 5 and ArcadeDB's Bolt plugin (``arcadedb-embedded``
26.10.2.post1) accept the same constraint and index DDL, ``UNWIND`` with
``MERGE``, ``COUNT {}`` and ``EXISTS {}``, and ``CONTAINS`` on strings.
ArcadeDB has no full-text index syntax, no ``db.index.fulltext.*`` and no
APOC, so the code uses none of them and searches ``search_text`` with
``CONTAINS`` on both.
"""

from __future__ import annotations

from dataclasses import dataclass

ARCADEDB = "arcadedb"
NEO4J = "neo4j"


@dataclass(frozen=True)
class Dialect:
    """The query forms of one store, where stores differ."""

    name: str
    # Database to open sessions on; None means the server's default.
    database: str | None

    def constraint(self, name: str, label: str, prop: str) -> str:
        return (
            f"CREATE CONSTRAINT {name} IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE"
        )

    def index(self, name: str, label: str, prop: str) -> str:
        return f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"

    def search_condition(self, variable: str, parameter: str) -> str:
        """Return a WHERE condition matching ``parameter`` as a substring
        of the node's ``search_text``.

        A Neo4j full-text index would rank and tokenise, but ArcadeDB has
        none, and plain ``CONTAINS`` already matches Chinese substrings
        on both stores (a scan of the label's nodes, fast enough for a
        city's catalogue).
        """
        return f"{variable}.search_text CONTAINS ${parameter}"


def dialect_for(agent: str, database: str | None) -> Dialect:
    """Return the dialect for a server whose Bolt agent string is ``agent``."""
    name = ARCADEDB if "arcadedb" in agent.lower() else NEO4J
    return Dialect(name, database)
