"""Run ArcadeDB with its Bolt plugin as a child process of the program.

``python -m graph.embedded --data-dir DIR --bolt-port N --http-port M``
starts the server on 127.0.0.1, opens (or creates) the ``bluecarbon``
database, writes ``DIR/server.json`` with its pid and ports, and runs until
SIGTERM, SIGINT, or until no process registered under ``DIR/clients`` is
alive (every user has closed it or died). The root password is
read from ``DIR/password`` so that it never appears in a process listing.

This is the only module that imports ``arcadedb_embedded``. It runs in its
own process, so the JVM never lives in the loader's or the API's process.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import signal
import sys
import threading
from pathlib import Path

from graph import clients

DATABASE = "bluecarbon"
BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
CLIENT_POLL_SECONDS = 1.0


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    data_dir = Path(args.data_dir).resolve()
    password = (data_dir / "password").read_text(encoding="utf-8").strip()

    # ArcadeDB writes its application log to ./log, relative to the
    # working directory, so the server runs inside its data directory.
    os.chdir(data_dir)

    stop = threading.Event()
    held: list = []
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    _watch_clients(data_dir, stop, held)

    import arcadedb_embedded

    server = arcadedb_embedded.create_server(
        str(data_dir / "arcadedb"),
        root_password=password,
        config={
            "host": "127.0.0.1",
            "http_port": args.http_port,
            "bolt_port": args.bolt_port,
            "server_plugins": BOLT_PLUGIN,
        },
    )
    server.start()
    try:
        # Opens the database when it exists, creates it otherwise.
        server.create_database(DATABASE)
        _write_state(data_dir, args)
        print(f"graph.embedded: ready on bolt://127.0.0.1:{args.bolt_port}", flush=True)
        while not stop.wait(CLIENT_POLL_SECONDS):
            pass
    finally:
        server.stop()
        _remove_state(data_dir)
        # The watcher holds the start lock from its decision to stop until
        # here, so no process attaches to a server that is going away, and
        # a new server starts only after this one has released the database.
        for lock in held:
            lock.close()
        print("graph.embedded: stopped", flush=True)
    return 0


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m graph.embedded",
        description="Run the embedded ArcadeDB graph store with Bolt on 127.0.0.1.",
    )
    parser.add_argument("--data-dir", required=True, help="graph data directory")
    parser.add_argument("--bolt-port", type=int, required=True, help="Bolt TCP port")
    parser.add_argument("--http-port", type=int, required=True, help="HTTP TCP port")
    return parser.parse_args(argv)


def _watch_clients(data_dir: Path, stop: threading.Event, held: list) -> None:
    """Set ``stop`` once no process using the server is alive, so that a
    killed loader does not leave an orphaned server holding the data
    directory. The start lock is taken for the check and kept (in
    ``held``) when the server is to stop."""

    def poll() -> None:
        while not stop.wait(CLIENT_POLL_SECONDS):
            lock = open(data_dir / "start.lock", "w")
            fcntl.flock(lock, fcntl.LOCK_EX)
            if clients.live_clients(data_dir):
                lock.close()
                continue
            held.append(lock)
            stop.set()

    threading.Thread(target=poll, name="client-watch", daemon=True).start()


def _write_state(data_dir: Path, args: argparse.Namespace) -> None:
    state = {
        "pid": os.getpid(),
        "bolt_port": args.bolt_port,
        "http_port": args.http_port,
    }
    tmp = data_dir / "server.json.tmp"
    tmp.write_text(json.dumps(state), encoding="utf-8")
    tmp.replace(data_dir / "server.json")


def _remove_state(data_dir: Path) -> None:
    try:
        state = json.loads((data_dir / "server.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if state.get("pid") == os.getpid():
        (data_dir / "server.json").unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
