"""A run sent SIGTERM stops, publishes nothing and exits non-zero (issue 11, case 10).

Dagster turned the signal into an interrupt inside the parse step, the step's
retry policy ran it again, and the run published with exit code 0. Here the
signal goes to the CLI process alone (as `kill PID` or a service manager
would send it) while it parses a generated folder large enough to take a few
seconds.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO

pytestmark = pytest.mark.integration

TIMEOUT = 300


def _wait_for(predicate, timeout: float, what: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc.poll() is not None:
            pytest.fail(f"the run ended (rc {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"no {what} within {timeout}s")
        time.sleep(0.05)


def test_sigterm_during_parse_stops_the_run_and_publishes_nothing(tmp_path):
    reports, warehouse = tmp_path / "reports", tmp_path / "wh" / "fazhi.duckdb"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), "--n", "2000", "--out", str(reports), "--seed", "3"],
        check=True, capture_output=True,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAZHI_", "DAGSTER_"))}
    env.update(FAZHI_REPORTS_DIR=str(reports), FAZHI_WAREHOUSE=str(warehouse),
               DAGSTER_HOME=str(tmp_path / "dagster_home"))
    log_path = tmp_path / "run.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "fazhi_pipeline", "run", "--verbose"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        log_text = lambda: log_path.read_text(errors="replace")  # noqa: E731
        _wait_for(lambda: 'Started execution of step "parse_reports"' in log_text(), TIMEOUT, "parse step", proc)
        time.sleep(0.3)
        os.kill(proc.pid, signal.SIGTERM)
        at_signal = log_text()
        rc = proc.wait(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    text = log_text()
    assert "parsed 2000/2000" not in at_signal, "the signal came after parsing: nothing tested"
    assert rc == 128 + signal.SIGTERM, text[-3000:]
    assert "run terminated by SIGTERM: stopped, nothing was published" in text
    assert not warehouse.exists() and not (warehouse.parent / "exports").exists()
    assert "Started execution of step \"warehouse__published\"" not in text
    # no parse worker or dbt process outlives the run (zombies waiting for a reaper are gone already)
    time.sleep(0.5)
    left = subprocess.run(["ps", "-o", "stat=,pid=,args=", "-g", str(proc.pid)], capture_output=True, text=True).stdout
    assert [line for line in left.splitlines() if not line.strip().startswith("Z")] == [], left
