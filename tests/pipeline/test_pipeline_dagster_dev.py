"""`dagster dev` starts and loads the code location without errors."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO, SEEDS, free_port

pytestmark = pytest.mark.integration

LOCATIONS = """
{ workspaceOrError { __typename
    ... on Workspace { locationEntries { name loadStatus
        locationOrLoadError { __typename ... on PythonError { message } } } } } }
"""


def graphql(port: int, query: str) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def test_dagster_dev_serves_the_code_location(tmp_path):
    port = free_port()
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_bytes((REPO / "dagster.yaml").read_bytes())
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "FAZHI_REPORTS_DIR": str(SEEDS),
        "FAZHI_WAREHOUSE": str(tmp_path / "wh" / "fazhi.duckdb"),
    }
    env.pop("FAZHI_WORK_DB", None)
    dagster = Path(sys.executable).parent / "dagster"
    log = (tmp_path / "dagster_dev.log").open("w")
    proc = subprocess.Popen(
        [str(dagster), "dev", "-m", "fazhi_pipeline.definitions", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180  # loading includes a dbt parse under `dagster dev`
        entries = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                data = graphql(port, LOCATIONS)["data"]["workspaceOrError"]
                entries = data.get("locationEntries") or []
                if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                    break
            except OSError:
                pass
            time.sleep(2)
        assert proc.poll() is None, (tmp_path / "dagster_dev.log").read_text()[-3000:]
        assert entries, "dagster dev did not answer in time:\n" + (tmp_path / "dagster_dev.log").read_text()[-3000:]
        for entry in entries:
            assert entry["locationOrLoadError"]["__typename"] == "RepositoryLocation", entry
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=10) as resp:
            assert resp.status == 200
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the group we started: webserver, daemon, code server
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()
