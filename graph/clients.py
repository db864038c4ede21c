"""A registry of the processes that use an embedded graph server, so the
last one to leave stops it.

Each process that opens the embedded store writes an empty file named
after its pid under ``graph_dir/clients``. Files of processes that have
died (killed, crashed) are pruned whenever the list is read, so a killed
loader never keeps the server alive.
"""

from __future__ import annotations

import os
from pathlib import Path


def clients_dir(graph_dir: Path) -> Path:
    return Path(graph_dir) / "clients"


def register(graph_dir: Path, pid: int | None = None) -> None:
    """Record that process PID (default: this one) uses the server."""
    folder = clients_dir(graph_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / str(pid or os.getpid())).touch()


def unregister(graph_dir: Path, pid: int | None = None) -> None:
    """Forget process PID (default: this one)."""
    (clients_dir(graph_dir) / str(pid or os.getpid())).unlink(missing_ok=True)


def live_clients(graph_dir: Path) -> list[int]:
    """Return the pids of live processes using the server, pruning the
    files of dead ones."""
    folder = clients_dir(graph_dir)
    if not folder.is_dir():
        return []
    alive = []
    for entry in folder.iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        if _is_alive(pid):
            alive.append(pid)
        else:
            entry.unlink(missing_ok=True)
    return sorted(alive)


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie has exited but is not yet reaped by its parent.
    try:
        status = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return True
    return status.rsplit(")", 1)[-1].split()[0] != "Z"
