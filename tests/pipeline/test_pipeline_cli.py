"""`python -m fazhi_pipeline run` exits non-zero when the run fails, and says so."""
from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_run_with_a_missing_reports_folder_fails_without_publishing(tmp_path):
    warehouse = tmp_path / "wh" / "fazhi.duckdb"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
        "FAZHI_REPORTS_DIR": str(tmp_path / "no_such_folder"),
        "FAZHI_WAREHOUSE": str(warehouse),
    }
    out = subprocess.run(
        [sys.executable, "-m", "fazhi_pipeline", "run"], cwd=REPO, env=env,
        capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 1, out.stdout + out.stderr
    assert "no_such_folder" in out.stderr
    assert "run failed" in out.stderr
    assert not warehouse.exists()
