"""Shared fixtures.

Graph fixtures (real store over Bolt, never a mock):

* ``graph_server`` (session): one :class:`graph.GraphStore` for the whole
  test session. Without NEO4J_URI it starts the embedded ArcadeDB child
  process under a temporary directory and stops it at the end of the
  session. With NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD,
  NEO4J_DATABASE) it connects to that server instead. The tests then
  delete everything in that database.
* ``graph_settings`` (session): :class:`bluecarbon.settings.Settings`
  whose NEO4J_URI points at that same server, for code under test that
  calls ``open_graph`` itself or runs in a subprocess.
* ``graph_store`` (function): the same store, emptied and migrated
  before the test, so every test starts from the six Industry nodes and
  the schema.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bluecarbon.settings import Settings, load_settings


@pytest.fixture(scope="session")
def graph_server(tmp_path_factory):
    from graph import open_graph

    if os.environ.get("NEO4J_URI"):
        settings = load_settings(tmp_path_factory.mktemp("data"))
    else:
        settings = load_settings(tmp_path_factory.mktemp("data"), environ={})
    store = open_graph(settings)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="session")
def graph_settings(graph_server, tmp_path_factory) -> Settings:
    if os.environ.get("NEO4J_URI"):
        return load_settings(tmp_path_factory.mktemp("data"))
    graph_dir = Path(graph_server.server.graph_dir)
    return Settings(
        data_dir=tmp_path_factory.mktemp("data"),
        neo4j_uri=graph_server.uri,
        neo4j_user="root",
        neo4j_password=(graph_dir / "password").read_text(encoding="utf-8").strip(),
        neo4j_database=graph_server.dialect.database,
    )


@pytest.fixture
def graph_store(graph_server):
    graph_server.write("MATCH (n) DETACH DELETE n", "empty the test graph")
    graph_server.migrate()
    return graph_server
