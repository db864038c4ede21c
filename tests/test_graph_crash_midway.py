"""A load killed (SIGKILL) inside a version that is not the last one, and
run again, ends with exactly the graph of an uninterrupted load.

The kill lands in the third of five versions, so the load is unfinished
whenever the kill lands, however fast the loader is. The rerun writes the
killed version through the MERGE path and the versions after it through
the CREATE path for fresh versions.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from graph.synthetic import synthetic_corpus

ENTITIES = 500
PER_VERSION = 100
KILLED_VERSION = 2
POLL_SECONDS = 0.005
TIMEOUT_SECONDS = 120

# Queries that return a positive count once the load of version $key has
# committed its entities and Evidence, or its relationships.
STAGES = {
    "evidence": (
        "MATCH (v:DocumentVersion {key: $key}) "
        "MATCH (e:Evidence)-[:FROM_VERSION]->(v) RETURN count(e) AS n"
    ),
    "relationships": (
        "MATCH (v:DocumentVersion {key: $key})<-[:MENTIONED_IN]-(n:Firm) "
        "MATCH (n)-[r:LOCATED_IN]->() RETURN count(r) AS n"
    ),
}

LOADER = textwrap.dedent(
    """
    import sys
    from bluecarbon.settings import load_settings
    from graph import open_graph
    from graph.synthetic import synthetic_corpus

    entities, per_version, data_dir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    corpus = synthetic_corpus(entities, per_version=per_version)
    with open_graph(load_settings(data_dir), migrate=False) as graph:
        for version, extraction in corpus:
            graph.load(version, extraction)
    """
)


def loader_environment(settings, tmp_path) -> dict:
    password_file = tmp_path / "password"
    password_file.write_text(settings.neo4j_password or "", encoding="utf-8")
    password_file.chmod(0o600)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    environment.update(
        NEO4J_URI=settings.neo4j_uri,
        NEO4J_USER=settings.neo4j_user,
        NEO4J_PASSWORD_FILE=str(password_file),
    )
    if settings.neo4j_database:
        environment["NEO4J_DATABASE"] = settings.neo4j_database
    return environment


def run_and_kill(store, command, environment, log_path, stage, version_key) -> None:
    """Run the loader and SIGKILL it once the load of ``version_key`` has
    reached ``stage``."""
    with (
        open(log_path, "w", encoding="utf-8") as log,
        subprocess.Popen(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=log
        ) as process,
    ):
        try:
            deadline = time.monotonic() + TIMEOUT_SECONDS
            while process.poll() is None and time.monotonic() < deadline:
                rows = store.read(STAGES[stage], key=version_key)
                if rows and rows[0]["n"] > 0:
                    os.kill(process.pid, signal.SIGKILL)
                    break
                time.sleep(POLL_SECONDS)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode == -signal.SIGKILL, log_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_kill_midway_rerun_matches_clean(
    graph_store, graph_settings, tmp_path, stage
):
    corpus = synthetic_corpus(ENTITIES, per_version=PER_VERSION)
    command = [
        sys.executable,
        "-c",
        LOADER,
        str(ENTITIES),
        str(PER_VERSION),
        str(tmp_path),
    ]
    killed = corpus[KILLED_VERSION][0].key
    run_and_kill(
        graph_store,
        command,
        loader_environment(graph_settings, tmp_path),
        tmp_path / "loader.log",
        stage,
        killed,
    )

    rows = graph_store.read(
        "MATCH (v:DocumentVersion) WHERE v.complete = true RETURN v.key AS key"
    )
    complete = sorted(row["key"] for row in rows)
    expected_first = [source.key for source, _ in corpus[:KILLED_VERSION]]
    assert complete[:KILLED_VERSION] == expected_first
    assert len(complete) < len(corpus)
    for source, extraction in corpus:
        graph_store.load(source, extraction)
    after_rerun = graph_store.checksum()
    stats_after_rerun = graph_store.stats()

    graph_store.write("MATCH (n) DETACH DELETE n")
    graph_store.migrate()
    for source, extraction in corpus:
        graph_store.load(source, extraction)

    assert graph_store.stats() == stats_after_rerun
    assert graph_store.checksum() == after_rerun
