"""Shared helpers: a private copy of the reports, a temporary warehouse, and runs of the whole graph."""
from __future__ import annotations

import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
CONTRACT_TABLES = [
    "raw.report_files",
    "marts.dim_report",
    "marts.dim_region",
    "marts.dim_metric",
    "marts.fct_metric_values",
    "marts.fct_cases",
    "marts.fct_mediation",
    "marts.fct_review_rates",
]


@dataclass
class Pipeline:
    """A reports folder and warehouse under tmp, with the environment pointing at them."""

    reports: Path
    warehouse: Path
    # One instance for all runs, as runs share $DAGSTER_HOME in real use.
    instance: dg.DagsterInstance = field(default_factory=dg.DagsterInstance.ephemeral)

    @property
    def work_db(self) -> Path:
        from fazhi_pipeline import settings

        return settings.default_work_db(self.warehouse)  # the runs leave FAZHI_WORK_DB unset

    @property
    def exports(self) -> Path:
        return self.warehouse.parent / "exports"

    def run(self) -> dg.ExecuteInProcessResult:
        from fazhi_pipeline.definitions import defs

        job = defs.resolve_job_def("fazhi_all")
        return job.execute_in_process(instance=self.instance, raise_on_error=False)

    def query(self, sql: str, params=None, db: Path | None = None):
        con = duckdb.connect(str(db or self.warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()


def materialization_metadata(result: dg.ExecuteInProcessResult, key: list[str]) -> dict:
    """Plain values of the metadata the run recorded for asset `key`."""
    asset_key = dg.AssetKey(key)
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        if mat.asset_key == asset_key:
            return {k: getattr(v, "value", v) for k, v in mat.metadata.items()}
    raise AssertionError(f"no materialization of {asset_key.to_user_string()} in the run")


def check_metadata(result: dg.ExecuteInProcessResult, check_name: str) -> dict:
    """Plain metadata values of the run's evaluation of check `check_name`."""
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.check_name == check_name:
            return {k: getattr(v, "value", v) for k, v in evaluation.metadata.items()}
    raise AssertionError(f"check {check_name} was not evaluated in the run")


def _describe(error) -> str:
    parts = []
    while error is not None:
        parts.append(error.message.strip())
        error = error.cause
    return " <- ".join(parts)


def step_failures(result: dg.ExecuteInProcessResult) -> list[str]:
    return [
        f"{e.step_key}: {_describe(e.step_failure_data.error)}"
        for e in result.all_events
        if e.is_step_failure
    ]


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> Pipeline:
    """Environment for one module: a copy of seeds/ and an empty warehouse folder."""
    root = tmp_path_factory.mktemp("pipeline")
    reports = root / "reports"
    shutil.copytree(SEEDS, reports)
    # Files that must be accounted for without stopping the run.
    (reports / "empty.txt").write_bytes(b"")
    shutil.copyfile(sorted(SEEDS.glob("*.txt"))[0], reports / "dup_copy.txt")
    p = Pipeline(reports=reports, warehouse=root / "wh" / "fazhi.duckdb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAZHI_REPORTS_DIR", str(reports))
        mp.setenv("FAZHI_WAREHOUSE", str(p.warehouse))
        mp.delenv("FAZHI_WORK_DB", raising=False)
        yield p


def run_on_folder(reports: Path, root: Path) -> Pipeline:
    """Run the whole job on `reports` into a warehouse under `root`; fails the test if the run fails."""
    p = Pipeline(reports=reports, warehouse=root / "wh" / "fazhi.duckdb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAZHI_REPORTS_DIR", str(reports))
        mp.setenv("FAZHI_WAREHOUSE", str(p.warehouse))
        mp.delenv("FAZHI_WORK_DB", raising=False)
        result = p.run()
    assert result.success, step_failures(result)
    return p


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
