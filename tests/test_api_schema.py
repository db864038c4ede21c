"""The committed schema.graphql matches the schema the code builds."""

from __future__ import annotations

from pathlib import Path

from api.export_schema import SCHEMA_FILE, main
from api.schema import export_sdl


def test_schema_file_up_to_date():
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == export_sdl(), "schema.graphql is out of date; run python -m api.export_schema"


def test_export_check_detects_change(tmp_path: Path):
    stale = tmp_path / "schema.graphql"
    stale.write_text(export_sdl().replace("setReview", "setVerdict"), encoding="utf-8")
    assert main(["--check", "--output", str(stale)]) == 1
    assert main(["--output", str(stale)]) == 0
    assert main(["--check", "--output", str(stale)]) == 0


def test_root_fields_present():
    sdl = export_sdl()
    for field in (
        "candidates(", "entities(", "firm(key: ID!): Firm", "entity(key: ID!): Entity",
        "search(query: String!", "counts(by: CountBy!", "neighbourhood(", "documents(first: Int",
        "document(url: String!): Document", "changes(", "industries: [Industry!]!",
        "setReview(",
    ):
        assert field in sdl, field
