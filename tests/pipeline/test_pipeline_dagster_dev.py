"""`make dev` (python -m fazhi_pipeline.dev) serves location `fazhi`, runs a UI launch in one process, stops on SIGTERM."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import REPO, SEEDS, free_port

pytestmark = pytest.mark.integration

LOCATIONS = """
{ workspaceOrError { __typename
    ... on Workspace { locationEntries { name loadStatus
        locationOrLoadError { __typename ... on PythonError { message } } } } } }
"""
LAUNCH = """
mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }
"""
RUN = """
query($id: ID!) { runOrError(runId: $id) { ... on Run { status
  eventConnection(afterCursor: null) { events { __typename ... on MessageEvent { message } } } } } }
"""


def graphql(port: int, query: str, variables: dict | None = None) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_dev_serves_fazhi_runs_in_one_process_and_stops_on_sigterm(tmp_path):
    port = free_port()
    home = tmp_path / "dagster_home"
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "DAGSTER_PORT": str(port),
        "FAZHI_REPORTS_DIR": str(SEEDS),
        "FAZHI_WAREHOUSE": str(tmp_path / "wh" / "fazhi.duckdb"),
    }
    env.pop("FAZHI_WORK_DB", None)
    log_path = tmp_path / "dagster_dev.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "fazhi_pipeline.dev"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        # As a background job or a supervisor starts it: `dagster dev` alone then ignores SIGTERM.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        deadline = time.monotonic() + 180
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
        assert proc.poll() is None, log_path.read_text()[-3000:]
        assert [e["name"] for e in entries or []] == ["fazhi"], log_path.read_text()[-3000:]
        assert entries[0]["locationOrLoadError"]["__typename"] == "RepositoryLocation", entries

        params = {"selector": {"repositoryLocationName": "fazhi", "repositoryName": "__repository__",
                               "jobName": "fazhi_all"}, "runConfigData": {}}
        launched = graphql(port, LAUNCH, {"params": params})["data"]["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        run_id = launched["run"]["runId"]
        run = None
        while time.monotonic() < deadline + 240:
            run = graphql(port, RUN, {"id": run_id})["data"]["runOrError"]
            if run["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
                break
            time.sleep(1)
        messages = [e.get("message") or "" for e in run["eventConnection"]["events"]]
        assert run["status"] == "SUCCESS", [m for m in messages if m][-20:]
        assert any(m.startswith("Executing steps in process") for m in messages)
        assert not any("Launching subprocess" in m or "Executing steps using multiprocess" in m for m in messages)
    finally:
        stopped_at = time.monotonic()
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # the process make runs, as make forwards a SIGTERM it gets
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the group we started: webserver, daemon, code server
                proc.wait()
                pytest.fail("make dev did not stop within 60 s of SIGTERM")
        log.close()
    while time.monotonic() - stopped_at < 60 and _group_alive(proc.pid):
        time.sleep(0.5)  # webserver, daemon and code server leave after dagster dev
    assert time.monotonic() - stopped_at < 60
    text = log_path.read_text()
    assert "will not be used" not in text and "superseded" not in text, text[-3000:]
    assert (home / "dagster.yaml").read_bytes() == (REPO / "dagster.yaml").read_bytes()
