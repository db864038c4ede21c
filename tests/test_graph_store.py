"""The graph store's lifecycle, migrations and error translation, against
the real embedded server (or Neo4j when NEO4J_URI is set)."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bluecarbon.errors import GraphError, GraphUnavailable
from bluecarbon.model import INDUSTRIES
from bluecarbon.settings import load_settings
from graph import open_graph

embedded_only = pytest.mark.skipif(
    bool(os.environ.get("NEO4J_URI")), reason="tests the embedded server"
)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_gone(pid: int, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return True
        time.sleep(0.1)
    return False


def test_migrate_from_empty_then_again(graph_store):
    graph_store.write("MATCH (n) DETACH DELETE n")

    first = graph_store.migrate()
    second = graph_store.migrate()

    assert first == ["001", "002", "003", "004", "005", "006"]
    assert second == []
    stats = graph_store.stats()
    assert stats["nodes"] == {"Industry": len(INDUSTRIES), "Migration": 6}


def test_migrations_recorded_with_time(graph_store):
    rows = graph_store.read(
        "MATCH (m:Migration) RETURN m.version AS version, m.applied_at AS applied_at "
        "ORDER BY m.version"
    )
    assert [row["version"] for row in rows] == ["001", "002", "003", "004", "005", "006"]
    for row in rows:
        assert row["applied_at"].startswith("20")


def test_industries_seeded(graph_store):
    rows = graph_store.read("MATCH (i:Industry) RETURN i.code AS code, i.name AS name")
    assert sorted((r["code"], r["name"]) for r in rows) == [
        (i.code, i.name) for i in INDUSTRIES
    ]


def test_constraints_and_indexes_present(graph_store):
    rows = graph_store.read(
        "SHOW INDEXES YIELD name, labelsOrTypes, properties RETURN *"
    )
    # Neo4j's token lookup indexes have no labels or properties.
    indexed = {
        (r["labelsOrTypes"][0], r["properties"][0]) for r in rows if r["properties"]
    }
    for label in (
        "Firm",
        "Institute",
        "Person",
        "Department",
        "Technology",
        "Evidence",
        "Document",
    ):
        assert (label, "key") in indexed, label
    assert ("Firm", "search_text") in indexed
    assert ("Evidence", "fact") in indexed
    assert ("Document", "number_key") in indexed


def test_duplicate_key_raises_graph_error(graph_store):
    graph_store.write("CREATE (:Firm {key: 'Firm:甲'})")

    with pytest.raises(GraphError) as caught:
        graph_store.write("CREATE (:Firm {key: 'Firm:甲'})")

    assert "ConstraintValidationFailed" in str(caught.value)


def test_invalid_cypher_raises_graph_error(graph_store):
    with pytest.raises(GraphError) as caught:
        graph_store.read("MATCH (n RETURN n", "run a broken query")
    assert "run a broken query" in str(caught.value)


def test_wrong_password_raises_unavailable(graph_settings):
    settings = dataclasses.replace(graph_settings, neo4j_password="not-the-password")

    with pytest.raises(GraphUnavailable) as caught:
        open_graph(settings)

    message = str(caught.value)
    assert "NEO4J_PASSWORD" in message
    assert "not-the-password" not in message


def test_refused_uri_raises_unavailable(graph_settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    uri = f"bolt://127.0.0.1:{port}"
    settings = dataclasses.replace(graph_settings, neo4j_uri=uri)

    with pytest.raises(GraphUnavailable) as caught:
        open_graph(settings)

    assert uri in str(caught.value)


@embedded_only
def test_embedded_server_lifecycle(tmp_path):
    # One test walks through start, reuse, stop, restart and a killed
    # server, because every server start costs seconds.
    settings = load_settings(tmp_path, environ={})
    graph_dir = settings.graph_dir

    with open_graph(settings) as graph:
        state = json.loads((graph_dir / "server.json").read_text())
        pid = state["pid"]
        assert _pid_alive(pid)
        assert graph.uri == f"bolt://127.0.0.1:{state['bolt_port']}"
        graph.write("CREATE (:Firm {key: 'Firm:乙', name: '乙'})")
        password = (graph_dir / "password").read_text()

        with open_graph(settings) as second:
            assert second.uri == graph.uri
            assert second.server.process is None
        # Closing the second store leaves the first one's server running.
        assert _pid_alive(pid)
        assert graph.read("RETURN 1 AS one") == [{"one": 1}]

    assert _wait_gone(pid)
    assert not (graph_dir / "server.json").exists()
    assert stat.S_IMODE((graph_dir / "password").stat().st_mode) == 0o600

    # A second run reuses the password and finds the data.
    graph = open_graph(settings)
    try:
        assert (graph_dir / "password").read_text() == password
        assert graph.read("MATCH (f:Firm) RETURN f.name AS name") == [{"name": "乙"}]
        process = graph.server.process
        killed_pid = process.pid
        os.kill(killed_pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        graph.close()
    # The killed server left its state file; the next start removes it.
    assert (graph_dir / "server.json").exists()

    with open_graph(settings) as graph:
        new_pid = json.loads((graph_dir / "server.json").read_text())["pid"]
        assert new_pid != killed_pid
        assert graph.read("MATCH (f:Firm) RETURN f.name AS name") == [{"name": "乙"}]


@embedded_only
def test_startup_failure_names_log(tmp_path):
    settings = load_settings(tmp_path, environ={})
    graph_dir: Path = settings.graph_dir
    graph_dir.mkdir(parents=True)
    (graph_dir / "password").write_text("")
    (graph_dir / "password").chmod(0o600)

    with pytest.raises(GraphUnavailable) as caught:
        open_graph(settings)

    assert "password" in str(caught.value)


@embedded_only
def test_server_stops_when_parent_killed(tmp_path):
    script = (
        "import sys, time\n"
        "from bluecarbon.settings import load_settings\n"
        "from graph import open_graph\n"
        "graph = open_graph(load_settings(sys.argv[1], environ={}))\n"
        "print(graph.server.process.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    ) as parent:
        try:
            server_pid = int(parent.stdout.readline())
            assert _pid_alive(server_pid)
            parent.kill()
            parent.wait(timeout=30)
        finally:
            if parent.poll() is None:
                parent.kill()
                parent.wait()

    assert _wait_gone(server_pid)


@embedded_only
def test_start_retries_taken_port(tmp_path, monkeypatch):
    import graph.server

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        ports = iter([taken.getsockname()[1]])
        real_free_port = graph.server._free_port
        # The first Bolt port offered is one this test keeps listening on.
        monkeypatch.setattr(
            graph.server, "_free_port", lambda: next(ports, None) or real_free_port()
        )

        with open_graph(load_settings(tmp_path, environ={})) as graph_store:
            assert graph_store.read("RETURN 1 AS one") == [{"one": 1}]
            assert graph_store.uri != f"bolt://127.0.0.1:{taken.getsockname()[1]}"
