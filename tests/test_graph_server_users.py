"""The embedded server runs while any process that opened it is alive."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bluecarbon.settings import load_settings
from graph import open_graph

OPENER = """
import sys, time
from bluecarbon.settings import load_settings
from graph import open_graph
store = open_graph(load_settings(sys.argv[1], environ={}))
print("open", flush=True)
sys.stdin.readline()
store.close()
"""


def start_opener(data_dir: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", OPENER, str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "open"
    return process


def server_pid(data_dir: Path) -> int | None:
    try:
        state = json.loads((data_dir / "graph" / "server.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return state["pid"]


def wait_for_exit(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def test_server_outlives_its_starter(tmp_path):
    opener = start_opener(tmp_path)
    pid = server_pid(tmp_path)
    assert pid is not None

    store = open_graph(load_settings(tmp_path, environ={}))
    try:
        opener.communicate("\n", timeout=60)
        assert opener.returncode == 0
        time.sleep(2.5)
        assert store.read("RETURN 1 AS one") == [{"one": 1}]
        assert server_pid(tmp_path) == pid
    finally:
        store.close()
    assert wait_for_exit(pid, 40)
    assert server_pid(tmp_path) is None


def test_server_stops_when_only_user_killed(tmp_path):
    opener = start_opener(tmp_path)
    pid = server_pid(tmp_path)
    assert pid is not None

    opener.send_signal(signal.SIGKILL)
    opener.wait(timeout=10)
    opener.stdin.close()
    opener.stdout.close()
    assert wait_for_exit(pid, 40)
    assert server_pid(tmp_path) is None
