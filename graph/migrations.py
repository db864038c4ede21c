"""Versioned schema migrations.

Each migration is a list of statements that are safe to repeat
(``IF NOT EXISTS`` DDL, ``MERGE``). Applying one records a
``Migration {version, applied_at}`` node; a migration whose node exists is
skipped. A run killed between the statements and the record repeats the
statements harmlessly next time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from bluecarbon.model import (
    CANDIDATE,
    DECISION,
    DOCUMENT,
    DOCUMENT_VERSION,
    FIRM,
    ENTITY_LABELS,
    EVIDENCE,
    INDUSTRIES,
    INDUSTRY,
    PLACE,
    REVIEW,
)
from graph.keys import industry_key

log = logging.getLogger(__name__)

MIGRATION = "Migration"
KEYED_LABELS = (
    *ENTITY_LABELS,
    INDUSTRY,
    PLACE,
    DOCUMENT,
    DOCUMENT_VERSION,
    EVIDENCE,
    CANDIDATE,
    REVIEW,
)


@dataclass(frozen=True)
class Migration:
    version: str
    description: str
    statements: tuple[tuple[str, dict], ...]


def _unique_keys(dialect) -> tuple[tuple[str, dict], ...]:
    statements = [
        (dialect.constraint(f"{label.lower()}_key", label, "key"), {})
        for label in KEYED_LABELS
    ]
    statements.append(
        (dialect.constraint("migration_version", MIGRATION, "version"), {})
    )
    return tuple(statements)


def _lookup_indexes(dialect) -> tuple[tuple[str, dict], ...]:
    statements = []
    for label in ENTITY_LABELS:
        for prop in ("name", "search_text", "status", "region"):
            name = f"{label.lower()}_{prop}"
            statements.append((dialect.index(name, label, prop), {}))
    for label, prop in (
        (EVIDENCE, "fact"),
        (DOCUMENT, "document_number"),
        (DOCUMENT, "status"),
        (DOCUMENT_VERSION, "url"),
        (DOCUMENT_VERSION, "status"),
        (CANDIDATE, "industry"),
        (CANDIDATE, "score"),
    ):
        statements.append((dialect.index(f"{label.lower()}_{prop}", label, prop), {}))
    return tuple(statements)


def _industries() -> tuple[tuple[str, dict], ...]:
    rows = [
        {
            "key": industry_key(industry.code),
            "code": industry.code,
            "name": industry.name,
            "name_en": industry.name_en,
        }
        for industry in INDUSTRIES
    ]
    query = (
        "UNWIND $rows AS row "
        "MERGE (i:Industry {key: row.key}) "
        "SET i.code = row.code, i.name = row.name, i.name_en = row.name_en"
    )
    return ((query, {"rows": rows}),)


def migrations(dialect) -> list[Migration]:
    return [
        Migration("001", "unique key on every label", _unique_keys(dialect)),
        Migration(
            "002",
            "indexes for lookups by name, text, status, fact",
            _lookup_indexes(dialect),
        ),
        Migration("003", "the six ecological marine industries", _industries()),
        Migration(
            "004",
            "index documents by normalised number",
            ((dialect.index("document_number_key", DOCUMENT, "number_key"), {}),),
        ),
        Migration(
            "005",
            "unique id on merge and split decisions",
            ((dialect.constraint("decision_id", DECISION, "id"), {}),),
        ),
        Migration(
            "006",
            "index firms by credit code, which finds renamed firms",
            ((dialect.index("firm_credit_code", FIRM, "credit_code"), {}),),
        ),
    ]


def apply_migrations(store) -> list[str]:
    """Apply the migrations not yet recorded in the graph; return their
    versions."""
    applied = _applied_versions(store)
    done_now = []
    for migration in migrations(store.dialect):
        if migration.version in applied:
            continue
        for query, params in migration.statements:
            if params:
                store.write(query, f"apply migration {migration.version}", **params)
            else:
                store.run_schema(query)
        store.write(
            "MERGE (m:Migration {version: $version}) "
            "ON CREATE SET m.applied_at = $applied_at, m.description = $description",
            f"record migration {migration.version}",
            version=migration.version,
            applied_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            description=migration.description,
        )
        log.info(
            "applied graph migration %s: %s", migration.version, migration.description
        )
        done_now.append(migration.version)
    return done_now


def _applied_versions(store) -> set[str]:
    rows = store.read(
        "MATCH (m:Migration) RETURN m.version AS version",
        "read applied migrations",
    )
    return {row["version"] for row in rows}
