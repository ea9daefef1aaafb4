"""The reports-folder sensor asks for a run on every addition, change and removal, and only then.

Ticks are evaluated the way the sensor daemon evaluates them: against a
persistent instance, the cursor carried from tick to tick, and a request
dropped when a run of this sensor already carries its run key.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.storage.tags import RUN_KEY_TAG, SENSOR_NAME_TAG
from dagster._core.test_utils import create_run_for_test

from conftest import SEEDS
from fazhi_pipeline import duck
from fazhi_pipeline.automation import reports_folder_sensor
from fazhi_read import folder as reports_folder
from fazhi_read.schema import REPORT_FILES

SENSOR = "fazhi_reports_folder"
NEW_REPORT = "某县人民政府关于2024年度法治政府建设情况的报告\n"


@pytest.fixture
def reports(tmp_path, monkeypatch):
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    monkeypatch.setenv("FAZHI_REPORTS_DIR", str(folder))
    monkeypatch.setenv("FAZHI_WAREHOUSE", str(tmp_path / "wh" / "fazhi.duckdb"))
    return folder


class Daemon:
    """Ticks of the sensor, and what the daemon makes of their results."""

    def __init__(self, instance: dg.DagsterInstance):
        self.instance = instance
        self.cursor: str | None = None

    def tick(self) -> dg.RunRequest | dg.SkipReason:
        context = dg.build_sensor_context(instance=self.instance, cursor=self.cursor, sensor_name=SENSOR)
        result = reports_folder_sensor(context)
        self.cursor = context.cursor  # kept whether or not a run follows
        return result

    def launched(self, result) -> dg.DagsterRun | None:
        """The run the daemon creates for this tick: none for a skip or a run key it has seen."""
        if not isinstance(result, dg.RunRequest):
            return None
        seen = self.instance.get_runs(filters=dg.RunsFilter(tags={RUN_KEY_TAG: result.run_key, SENSOR_NAME_TAG: SENSOR}))
        if seen:
            return None
        return create_run_for_test(
            self.instance, job_name="fazhi_all", tags={**result.tags, RUN_KEY_TAG: result.run_key, SENSOR_NAME_TAG: SENSOR}
        )

    def tick_and_launch(self) -> dg.DagsterRun | None:
        return self.launched(self.tick())


@pytest.fixture
def daemon():
    with dg.instance_for_test() as instance:
        yield Daemon(instance)


def publish_folder(folder: Path, warehouse: Path) -> None:
    """A published warehouse as a successful run over the folder leaves it (only raw.report_files, which the sensor reads)."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    warehouse.unlink(missing_ok=True)
    con = duckdb.connect(str(warehouse))
    try:
        duck.ensure_table(con, "raw", "report_files", REPORT_FILES)
        duck.insert_frame(con, "raw", "report_files", reports_folder.scan(folder), REPORT_FILES)
    finally:
        con.close()


def counts(run: dg.DagsterRun) -> dict[str, int]:
    return {k: int(run.tags[f"fazhi/files_{k}"]) for k in ("added", "changed", "removed")}


def test_first_look_requests_a_run_then_nothing_until_a_change(reports, daemon):
    assert daemon.tick_and_launch() is not None
    cursor = daemon.cursor
    assert isinstance(daemon.tick(), dg.SkipReason)
    assert daemon.cursor == cursor


def test_add_remove_readd_and_move_out_and_back_each_launch_a_run(reports, daemon, tmp_path):
    """The folder returns to states it has been in; each return is a change that needs a run."""
    assert daemon.tick_and_launch() is not None  # first look
    new = reports / "new_report.txt"
    new.write_text(NEW_REPORT, encoding="utf-8")
    stat = new.stat()
    assert daemon.tick_and_launch() is not None, "added"
    new.unlink()
    assert daemon.tick_and_launch() is not None, "removed: the folder is as at the first look"
    new.write_text(NEW_REPORT, encoding="utf-8")
    os.utime(new, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the very same file again
    assert daemon.tick_and_launch() is not None, "re-added: the folder is as after the addition"
    moved = sorted(reports.glob("0*.txt"))[0]
    outside = tmp_path / moved.name
    moved.rename(outside)
    assert daemon.tick_and_launch() is not None, "moved out"
    outside.rename(moved)
    assert daemon.tick_and_launch() is not None, "moved back (same size and time as before)"
    assert isinstance(daemon.tick(), dg.SkipReason)
    runs = daemon.instance.get_runs(filters=dg.RunsFilter(tags={SENSOR_NAME_TAG: SENSOR}))
    assert len(runs) == 6
    assert len({run.tags[RUN_KEY_TAG] for run in runs}) == 6


def test_a_tick_evaluated_again_repeats_its_run_key(reports, daemon):
    """A tick the daemon re-evaluates (crash after launching, same cursor) must not launch twice."""
    daemon.tick_and_launch()
    (reports / "new_report.txt").write_text(NEW_REPORT, encoding="utf-8")
    before = daemon.cursor
    first = daemon.tick()
    daemon.cursor = before
    again = daemon.tick()
    assert isinstance(first, dg.RunRequest) and isinstance(again, dg.RunRequest)
    assert first.run_key == again.run_key
    assert daemon.launched(first) is not None
    assert daemon.launched(again) is None


def test_tags_count_changes_against_the_published_warehouse(reports, daemon):
    warehouse = Path(os.environ["FAZHI_WAREHOUSE"])
    first = daemon.tick_and_launch()
    assert counts(first) == {"added": len(list(reports.iterdir())), "changed": 0, "removed": 0}
    assert first.tags["fazhi/compared_with"] == "nothing published"
    publish_folder(reports, warehouse)  # the first run succeeded

    one, two = sorted(reports.glob("0*.txt"))[:2]
    one.unlink()
    assert counts(daemon.tick_and_launch()) == {"added": 0, "changed": 0, "removed": 1}
    two.unlink()  # before the run for the first removal has published anything
    run = daemon.tick_and_launch()
    assert counts(run) == {"added": 0, "changed": 0, "removed": 2}
    assert run.tags["fazhi/compared_with"] == str(warehouse)
    publish_folder(reports, warehouse)

    target = sorted(reports.glob("0*.txt"))[0]
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # touched, same bytes
    assert counts(daemon.tick_and_launch()) == {"added": 0, "changed": 0, "removed": 0}
    target.write_bytes(target.read_bytes() + b"\n")
    (reports / "new_report.txt").write_text(NEW_REPORT, encoding="utf-8")
    assert counts(daemon.tick_and_launch()) == {"added": 1, "changed": 1, "removed": 0}


def test_changed_file_of_the_same_size_counts_as_changed(reports, daemon):
    publish_folder(reports, Path(os.environ["FAZHI_WAREHOUSE"]))
    daemon.tick_and_launch()
    target = sorted(reports.glob("0*.txt"))[0]
    data = bytearray(target.read_bytes())
    data[-1] = ord("X") if data[-1] != ord("X") else ord("Y")
    target.write_bytes(bytes(data))
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert counts(daemon.tick_and_launch()) == {"added": 0, "changed": 1, "removed": 0}


def test_missing_folder_skips(tmp_path, monkeypatch, daemon):
    monkeypatch.setenv("FAZHI_REPORTS_DIR", str(tmp_path / "absent"))
    assert isinstance(daemon.tick(), dg.SkipReason)
