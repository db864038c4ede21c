"""The README's GraphQL example runs against the schema as it is."""

import re
from pathlib import Path

from graphql import parse, validate

from api.schema import schema

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_graphql_examples_validate():
    blocks = re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "README.md has no graphql example"
    for block in blocks:
        assert validate(schema.graphql_schema, parse(block)) == []
