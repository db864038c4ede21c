"""Reads of the GraphQL API over the small test graph."""

from __future__ import annotations

from test_api_support import (  # noqa: F401 (fixtures)
    api_graph,
    client,
    counting,
    data,
    post,
)


def _smoke(client):
    r = post(client, """{ candidates(first: 10) { totalCount edges { cursor node { key name industry region local score flags
      factors { name points evidence { sentence status version { key url title } } } firm { key name aliases evidence { sentence start end version { url } } neighbourhood { nodes { key type } relationships { type head tail evidence { sentence } } } } review { status } } } pageInfo { hasNextPage endCursor } } }""")
    print(r.json())
    assert 0
