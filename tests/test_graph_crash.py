"""A load killed part-way (SIGKILL of a real loader process) and run again
ends with exactly the graph of an uninterrupted load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from graph.synthetic import synthetic_corpus

# Five versions: the kill aims at the third, so the load is unfinished
# even when the kill lands a version late.
ENTITIES = 500
PER_VERSION = 100

# Queries that return a positive count once the load of version $key has
# reached a stage: its Evidence written (entities done, relationships not
# yet), or its LOCATED_IN relationships written (the last batch before
# documents are linked and statuses derived).
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


def _loader_environment(settings, tmp_path) -> dict:
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


def _kill_during_version(store, command, environment, log_path, stage, version_key):
    """Run the loader and SIGKILL it once the load of ``version_key`` has
    reached ``stage`` (see STAGES)."""
    with (
        open(log_path, "w", encoding="utf-8") as log,
        subprocess.Popen(
            command,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=log,
        ) as process,
    ):
        try:
            deadline = time.monotonic() + 120
            while process.poll() is None and time.monotonic() < deadline:
                rows = store.read(STAGES[stage], key=version_key)
                if rows and rows[0]["n"] > 0:
                    os.kill(process.pid, signal.SIGKILL)
                    break
                time.sleep(0.01)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode == -signal.SIGKILL, log_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_killed_load_rerun_matches_clean_load(
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

    environment = _loader_environment(graph_settings, tmp_path)
    third = corpus[2][0].key
    _kill_during_version(
        graph_store, command, environment, tmp_path / "loader.log", stage, third
    )

    complete = graph_store.read(
        "MATCH (v:DocumentVersion) WHERE v.complete = true RETURN v.key AS key"
    )
    complete_keys = sorted(row["key"] for row in complete)
    # Normally the third version is cut short; on a slow machine the kill
    # may land just after it, which still leaves the load unfinished.
    assert complete_keys[:2] == [v.key for v, _ in corpus[:2]]
    assert len(complete_keys) < len(corpus)
    for version, extraction in corpus:
        graph_store.load(version, extraction)
    after_rerun = graph_store.checksum()
    stats_after_rerun = graph_store.stats()

    graph_store.write("MATCH (n) DETACH DELETE n")
    graph_store.migrate()
    for version, extraction in corpus:
        graph_store.load(version, extraction)

    assert graph_store.stats() == stats_after_rerun
    assert graph_store.checksum() == after_rerun
