"""The commerce bureau's web page, served beside the GraphQL API."""

from __future__ import annotations

from starlette.routing import Route


def web_routes(graph) -> list[Route]:
    """Return the routes of the web page; the page reads /graphql."""
    return []
