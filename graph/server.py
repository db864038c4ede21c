"""Start and stop the embedded graph store in a child process.

The child is ``python -m graph.embedded`` (ArcadeDB with its Bolt plugin).
Its data, log and password live in the graph directory::

    graph_dir/password     random root password, mode 0600, made once
    graph_dir/server.json  pid and ports of the running child
    graph_dir/server.log   the child's output
    graph_dir/start.lock   held while a process starts, finds or stops the child
    graph_dir/clients/     one file per live process using the child
    graph_dir/arcadedb/    ArcadeDB's root path (databases, config)
    graph_dir/log/         ArcadeDB's application log
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bluecarbon.errors import GraphUnavailable
from graph import clients

log = logging.getLogger(__name__)

EMBEDDED_USER = "root"
STARTUP_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 30.0
LOG_TAIL_LINES = 15
START_ATTEMPTS = 3


@dataclass(frozen=True)
class Endpoint:
    """The URI and credentials of a running embedded server."""

    uri: str
    user: str
    password: str


class PortTaken(GraphUnavailable):
    """Another program bound the chosen port before the child did."""


class EmbeddedServer:
    """One embedded ArcadeDB child process for one graph directory.

    When another process of this program already runs a server for the
    same directory, :meth:`start` connects to that one. The server runs
    while any process that opened it is alive: :meth:`stop` stops it only
    when no other user remains, and otherwise the child stops itself once
    the last user has closed or died.
    """

    def __init__(
        self, graph_dir: Path, startup_timeout: float = STARTUP_TIMEOUT_SECONDS
    ):
        self.graph_dir = Path(graph_dir)
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        self.log_offset = 0

    @property
    def log_path(self) -> Path:
        return self.graph_dir / "server.log"

    @property
    def state_path(self) -> Path:
        return self.graph_dir / "server.json"

    def start(self) -> Endpoint:
        """Start the child (or find a live one) and return its endpoint once
        the state file shows it listening."""
        self.graph_dir.mkdir(parents=True, exist_ok=True)
        password = read_or_create_password(self.graph_dir / "password")

        # The lock makes a second process that opens the same directory at
        # the same moment wait, then use the server the first one started.
        with open(self.graph_dir / "start.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            clients.register(self.graph_dir)
            running = self._running_state()
            if running is not None:
                log.info(
                    "using the embedded graph server already running for %s (pid %s)",
                    self.graph_dir,
                    running["pid"],
                )
                return self._endpoint(running["bolt_port"], password)
            for attempt in range(1, START_ATTEMPTS + 1):
                bolt_port = self._spawn()
                try:
                    self._wait_until_ready()
                except PortTaken:
                    log.warning(
                        "port %s was taken before the graph server bound it "
                        "(attempt %d of %d)",
                        bolt_port,
                        attempt,
                        START_ATTEMPTS,
                    )
                    if attempt == START_ATTEMPTS:
                        clients.unregister(self.graph_dir)
                        raise
                    continue
                except GraphUnavailable:
                    clients.unregister(self.graph_dir)
                    raise
                return self._endpoint(bolt_port, password)
        raise AssertionError("unreachable")

    def _spawn(self) -> int:
        bolt_port, http_port = _free_port(), _free_port()
        command = [
            sys.executable,
            "-m",
            "graph.embedded",
            "--data-dir",
            str(self.graph_dir),
            "--bolt-port",
            str(bolt_port),
            "--http-port",
            str(http_port),
        ]
        self.log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log_file:
            # A new session keeps a terminal's ^C away from the child: it
            # is stopped in stop(), or stops by itself once every process
            # using it has closed or died.
            self.process = subprocess.Popen(
                command,
                cwd=self.graph_dir,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        log.info(
            "starting the embedded graph server (pid %s, bolt port %s, data %s)",
            self.process.pid,
            bolt_port,
            self.graph_dir,
        )
        return bolt_port

    def stop(self) -> None:
        """Stop using the server; stop the child that this object started
        (SIGTERM, then SIGKILL after STOP_TIMEOUT_SECONDS) unless another
        live process still uses it."""
        with open(self.graph_dir / "start.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            clients.unregister(self.graph_dir)
            others = clients.live_clients(self.graph_dir)
            process, self.process = self.process, None
            if process is None or process.poll() is not None:
                return
            if others:
                log.info(
                    "leaving the embedded graph server (pid %s) running for "
                    "processes %s",
                    process.pid,
                    others,
                )
                return
            self._terminate(process)

    def _terminate(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            log.error(
                "embedded graph server (pid %s) did not stop within %s s; killing it",
                process.pid,
                STOP_TIMEOUT_SECONDS,
            )
            process.kill()
            process.wait()
        log.info("stopped the embedded graph server (pid %s)", process.pid)

    def _endpoint(self, bolt_port: int, password: str) -> Endpoint:
        return Endpoint(f"bolt://127.0.0.1:{bolt_port}", EMBEDDED_USER, password)

    def _running_state(self) -> dict | None:
        """Return the state of a live server for this directory, removing
        the state file of a killed one."""
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            log.warning("ignoring unreadable %s", self.state_path)
            self.state_path.unlink(missing_ok=True)
            return None
        if _is_embedded_server(state.get("pid")):
            return state
        log.info(
            "removing stale %s of a stopped server (pid %s)",
            self.state_path,
            state.get("pid"),
        )
        self.state_path.unlink(missing_ok=True)
        return None

    def _wait_until_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if _port_taken(self.log_path, self.log_offset):
                    raise PortTaken(f"see {self.log_path}")
                raise GraphUnavailable(
                    f"the embedded graph server exited with code "
                    f"{self.process.returncode} while starting; see {self.log_path}"
                    f"{_tail(self.log_path)}"
                )
            state = self._read_state()
            if state is not None and state.get("pid") == self.process.pid:
                return
            time.sleep(0.1)
        self.stop()
        raise GraphUnavailable(
            f"the embedded graph server did not start within "
            f"{self.startup_timeout:.0f} s; see {self.log_path}{_tail(self.log_path)}"
        )

    def _read_state(self) -> dict | None:
        try:
            return json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


def read_or_create_password(path: Path) -> str:
    """Return the root password kept in ``path``, creating it (mode 0600)
    with a random value on first use."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        password = path.read_text(encoding="utf-8").strip()
        if not password:
            raise GraphUnavailable(
                f"the password file {path} is empty; delete it together with "
                f"{path.parent / 'arcadedb'} to start a new embedded graph"
            ) from None
        return password
    password = secrets.token_urlsafe(24)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(password + "\n")
    return password


def _free_port() -> int:
    # Another program can take the port between this close and the child's
    # bind. The child then exits, and start() tries again with new ports.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _is_embedded_server(pid) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"graph.embedded" in command


def _port_taken(path: Path, offset: int) -> bool:
    """Tell whether the log written since ``offset`` reports a port that
    is already in use."""
    try:
        with open(path, "rb") as file:
            file.seek(offset)
            text = file.read().decode("utf-8", errors="replace")
    except OSError:
        return False
    markers = ("Address already in use", "BindException", "Unable to listen")
    return any(marker in text for marker in markers)


def _tail(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    useful = [line for line in lines if line.strip() and not line.startswith("\tat ")]
    if not useful:
        return ""
    return "; last lines:\n" + "\n".join(useful[-LOG_TAIL_LINES:])
