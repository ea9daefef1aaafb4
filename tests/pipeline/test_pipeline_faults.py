"""A run killed at any moment leaves the published warehouse as it was, and the next run completes.

Runs are `python -m fazhi_pipeline run` subprocesses in their own process group
(so SIGKILL takes dbt and the parse workers with them), sharing one
DAGSTER_HOME like `make run` does. The module builds once, adds a report with
one changed figure, kills runs at moments spread over a run (and at the start
of publishing, and once the copy is written but not yet renamed), checks the
published warehouse after each kill, then lets a run finish and compares its
marts with a clean build of the same folder. Tests run in file order and share
the module's state.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
import pytest

from conftest import REPO, SEEDS

pytestmark = pytest.mark.integration

# A run that does not end in this time is hung (e.g. waiting forever for a
# pool slot a killed run still holds): fail instead of blocking the suite.
RUN_TIMEOUT = 600
# Columns of the marts that hold the time of a run rather than data: when
# ingest first saw the file (`raw.report_files.ingested_at`, carried into
# dim_report). Two builds of the same folder legitimately differ there, and
# nowhere else. (The only other TIMESTAMPs are INPUT_TIME_COLUMNS; see test below.)
RUN_TIME_COLUMNS = {"dim_report": {"ingested_at"}}
# Timestamps read from the inputs (the source manifest's fetched_at): the same in every build of the same folder.
INPUT_TIME_COLUMNS = {"dim_report": {"fetched_at"}}
# Moments to kill a run, as shares of a normal incremental run's duration.
KILL_SHARES = (0.10, 0.40, 0.70, 0.95)


@dataclass
class Folder:
    """A reports folder, its warehouse and its Dagster home, all under tmp."""

    root: Path

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def warehouse(self) -> Path:
        return self.root / "wh" / "fazhi.duckdb"

    @property
    def exports(self) -> Path:
        return self.warehouse.parent / "exports"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FAZHI_", "DAGSTER_"))}
        env.update(
            FAZHI_REPORTS_DIR=str(self.reports),
            FAZHI_WAREHOUSE=str(self.warehouse),
            DAGSTER_HOME=str(self.root / "dagster_home"),
        )
        return env

    def start(self, log_name: str) -> subprocess.Popen:
        log = (self.root / f"{log_name}.log").open("w")
        try:
            return subprocess.Popen(
                [sys.executable, "-m", "fazhi_pipeline", "run"],
                cwd=REPO, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: one killpg reaches dbt and workers
            )
        finally:
            log.close()

    def log(self, log_name: str) -> str:
        return (self.root / f"{log_name}.log").read_text(errors="replace")[-3000:]


def kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def finish(folder: Folder, proc: subprocess.Popen, log_name: str) -> None:
    """Wait for a run that must succeed."""
    try:
        rc = proc.wait(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        pytest.fail(f"run {log_name} hung for {RUN_TIMEOUT}s:\n{folder.log(log_name)}")
    assert rc == 0, f"run {log_name} failed:\n{folder.log(log_name)}"


def run(folder: Folder, log_name: str) -> float:
    """One complete run; returns its wall time in seconds."""
    t0 = time.monotonic()
    finish(folder, folder.start(log_name), log_name)
    return time.monotonic() - t0


def kill_when(proc: subprocess.Popen, moment, poll: float = 0.002) -> bool:
    """SIGKILL the run's group as soon as `moment()` is true; False if it ended first."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while proc.poll() is None:
        if moment():
            kill_group(proc)
            return True
        if time.monotonic() > deadline:
            kill_group(proc)
            pytest.fail("run neither reached the kill moment nor ended")
        time.sleep(poll)
    return False


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(con, relation: str, columns: list[str]) -> list[tuple]:
    cols = ", ".join(f'"{c}"' for c in columns)
    return con.execute(f"SELECT {cols} FROM {relation} ORDER BY ALL").fetchall()


def marts(path: Path, drop_run_times: bool = False) -> dict[str, list[tuple]]:
    """Every marts table, sorted; optionally without the run-time columns."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns: dict[str, list[str]] = {}
        for table, column in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
            "AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts') "
            "ORDER BY table_name, column_index"
        ).fetchall():
            if not (drop_run_times and column in RUN_TIME_COLUMNS.get(table, ())):
                columns.setdefault(table, []).append(column)
        return {t: _rows(con, f"marts.{t}", cols) for t, cols in columns.items()}
    finally:
        con.close()


def exported(exports: Path, drop_run_times: bool = False) -> dict[str, list[tuple]]:
    """The Parquet exports as readers see them (through the `exports` link)."""
    con = duckdb.connect()
    out = {}
    try:
        for path in sorted(exports.iterdir()):
            assert path.suffix == ".parquet", f"not a mart export where readers look: {path.name}"
            table = path.stem
            cols = [d[0] for d in con.execute("SELECT * FROM read_parquet(?) LIMIT 0", [str(path)]).description]
            cols = [c for c in cols if not (drop_run_times and c in RUN_TIME_COLUMNS.get(table, ()))]
            out[table] = _rows(con, f"read_parquet('{path}')", cols)
    finally:
        con.close()
    return out


@dataclass
class Published:
    """What readers of one folder's warehouse see."""

    file_sha256: str
    marts: dict
    exports_version: str  # the directory the `exports` link points at
    exports: dict

    @classmethod
    def read(cls, folder: Folder) -> Published:
        assert folder.warehouse.is_file()
        return cls(
            sha256(folder.warehouse),
            marts(folder.warehouse),
            os.readlink(folder.exports),
            exported(folder.exports),
        )


@dataclass
class State:
    folder: Folder
    reference: Folder  # clean build of the final folder, in its own warehouse and Dagster home
    new_text: str  # the report added before the killed runs
    published: Published | None = None  # what the last complete publish left
    run_seconds: float | None = None
    outcomes: list[str] = field(default_factory=list)

    def expected_new(self) -> dict:
        return marts(self.reference.warehouse, drop_run_times=True)


def changed_copy(seed: Path) -> str:
    """The seed's text with the last digit of one of its catalog figures changed.

    The figure is one the parser classifies as a level fact the marts keep
    (not a change, part, restatement or plan), chosen by the parser rather
    than named here, so the new report states a figure the seed does not.
    """
    from fazhi_parse import corpus

    text = seed.read_text(encoding="utf-8")
    facts = corpus.parse_texts([("seed", text)])["facts"].filter(
        pl.col("metric_code").is_not_null()
        & (pl.col("measure_kind") == "level")
        & pl.col("parent_fact_id").is_null()
        & ~pl.col("is_duplicate")
        & (pl.col("section_kind") != "plans")
        & pl.col("figure_text").str.contains("[0-9]")
    ).sort("char_start")
    start, length = facts.row(0, named=True)["char_start"], facts.row(0, named=True)["char_length"]
    last = max(i for i in range(start - 1, start - 1 + length) if text[i].isascii() and text[i].isdigit())
    digit = "2" if text[last] == "1" else "1"
    return text[:last] + digit + text[last + 1 :]


NEW_REPORT = "zz_changed_copy.txt"


@pytest.fixture(scope="module")
def state(tmp_path_factory) -> State:
    folder = Folder(tmp_path_factory.mktemp("faults"))
    reference = Folder(tmp_path_factory.mktemp("faults_reference"))
    shutil.copytree(SEEDS, folder.reports)
    new_text = changed_copy(sorted(folder.reports.glob("*.txt"))[0])
    # The reference folder is the final folder (the seeds plus the changed
    # copy), built from scratch into its own warehouse and Dagster home,
    # alongside the baseline build.
    shutil.copytree(folder.reports, reference.reports)
    (reference.reports / NEW_REPORT).write_text(new_text, encoding="utf-8")
    baseline, ref = folder.start("baseline"), reference.start("reference")
    finish(folder, baseline, "baseline")
    finish(reference, ref, "reference")
    return State(folder, reference, new_text, Published.read(folder))


def test_no_change_run_gives_identical_marts(state):
    """Also measures a normal incremental run, to spread the kills over it."""
    state.run_seconds = run(state.folder, "no_change")
    after = Published.read(state.folder)
    assert after.marts == state.published.marts
    assert after.exports == state.published.exports
    state.published = after


def test_run_time_columns_are_the_only_timestamps_in_the_marts(state):
    # If a mart gains another run-time column, the clean-build comparison below
    # would fail for a legitimate reason; this names the column to add instead.
    con = duckdb.connect(str(state.folder.warehouse), read_only=True)
    try:
        timestamps = {
            (t, c) for t, c in con.execute(
                "SELECT table_name, column_name FROM duckdb_columns() "
                "WHERE schema_name = 'marts' AND data_type LIKE 'TIMESTAMP%'"
            ).fetchall()
        }
    finally:
        con.close()
    assert timestamps == {(t, c) for times in (RUN_TIME_COLUMNS, INPUT_TIME_COLUMNS) for t, cols in times.items()
                          for c in cols}


def test_new_report_changes_the_marts(state):
    # Otherwise "old or new" below could not tell the states apart.
    (state.folder.reports / NEW_REPORT).write_text(state.new_text, encoding="utf-8")
    old = marts(state.folder.warehouse, drop_run_times=True)
    new = state.expected_new()
    assert set(old) == set(new)
    assert len(new["dim_report"]) == len(old["dim_report"]) + 1
    # The changed figure reaches fct_metric_values: the copy's facts differ from its seed's.
    con = duckdb.connect(str(state.reference.warehouse), read_only=True)
    try:
        facts = {
            source: con.execute(
                "SELECT metric_code, value, comparator FROM marts.fct_metric_values v "
                "JOIN marts.dim_report d USING (report_id) WHERE d.source_file = ? ORDER BY ALL",
                [source],
            ).fetchall()
            for source in (NEW_REPORT, sorted(p.name for p in SEEDS.glob("*.txt"))[0])
        }
    finally:
        con.close()
    assert all(facts.values()) and len(set(map(tuple, facts.values()))) == 2, facts


def _publish_started(folder: Folder):
    # The publish step's first act is creating its .<name>.*.tmp copy beside the warehouse.
    prefix = f".{folder.warehouse.name}."
    before = set(os.listdir(folder.warehouse.parent))
    return lambda: any(n.startswith(prefix) and n not in before for n in os.listdir(folder.warehouse.parent))


def _exports_written(folder: Folder):
    # A new version directory in .exports: the copy is complete and verified,
    # Parquet is being written, and the rename onto FAZHI_WAREHOUSE is next.
    store = folder.warehouse.parent / ".exports"
    before = set(os.listdir(store))
    return lambda: any(n not in before for n in os.listdir(store))


MOMENTS = ["publish_start", "exports_written", *[f"{int(s * 100)}%" for s in KILL_SHARES]]


@pytest.mark.parametrize("moment", MOMENTS)
def test_killed_run_leaves_the_published_warehouse_old_or_new(state, moment):
    """Catches: writing or copying into FAZHI_WAREHOUSE in place (a kill leaves a
    file that is neither state, or no file); swapping exports before the
    warehouse; rewriting exports/ file by file; a WAL left beside the
    published file (a reader would replay it)."""
    folder = state.folder
    assert state.run_seconds, "the no-change run measures how long a run takes"
    proc = folder.start(f"killed_{moment}")
    if moment == "publish_start":
        when = _publish_started(folder)
    elif moment == "exports_written":
        when = _exports_written(folder)
    else:
        deadline = time.monotonic() + float(moment.rstrip("%")) / 100 * state.run_seconds
        when = lambda: time.monotonic() >= deadline  # noqa: E731
    killed = kill_when(proc, when)
    if not killed:  # it finished before the moment came: then it must have succeeded
        assert proc.returncode == 0, folder.log(f"killed_{moment}")
    state.outcomes.append(f"{moment}: {'killed' if killed else 'completed'}")

    # FAZHI_WAREHOUSE is always a complete DuckDB file: it opens read-only and every mart reads.
    assert not Path(f"{folder.warehouse}.wal").exists()
    now = marts(folder.warehouse)
    before = state.published
    if sha256(folder.warehouse) == before.file_sha256:
        db_state = "old"
        assert now == before.marts
    else:
        # A different file may only be the complete new build, never a mix.
        db_state = "new"
        assert marts(folder.warehouse, drop_run_times=True) == state.expected_new(), (
            "the published warehouse is neither the previous state nor the complete new one"
        )
    # Readers of exports/ see whole Parquet sets: the old one, or the complete new one.
    version = os.readlink(folder.exports)
    if version == before.exports_version:
        exports_state = "old"
        assert exported(folder.exports) == before.exports
    else:
        exports_state = "new"
        assert exported(folder.exports, drop_run_times=True) == state.expected_new()
    # The link is swapped after the rename, so new exports never sit beside an old warehouse.
    assert not (exports_state == "new" and db_state == "old")
    if moment in ("publish_start", "exports_written") and killed:
        assert db_state == "old", "killed before the rename, yet the warehouse changed"
    if db_state == "new":
        state.published = Published.read(folder)


def test_some_kills_hit_a_running_pipeline(state):
    # Guards the test above against passing vacuously (every run done before its kill).
    assert sum(o.endswith("killed") for o in state.outcomes) >= 4, state.outcomes


def test_next_run_completes_and_equals_a_clean_build(state):
    """Catches: a run hung on what a killed run left (its claim on the duckdb
    pool: it waited for ever before the CLI released it); a work DB left
    half-loaded (rows of a batch twice, a report never parsed again); copies of
    the warehouse leaked beside it by killed publishes."""
    folder = state.folder
    run(folder, "resume")
    assert marts(folder.warehouse, drop_run_times=True) == state.expected_new()
    assert exported(folder.exports, drop_run_times=True) == exported(state.reference.exports, drop_run_times=True)
    # Killed publishes must not leak copies of the warehouse beside it for ever.
    leftovers = [p.name for p in folder.warehouse.parent.iterdir()
                 if p.name.startswith(".") and p.name not in (".work", ".exports")]
    assert leftovers == []
    assert os.listdir(folder.warehouse.parent / ".exports") == [Path(os.readlink(folder.exports)).name]
    state.published = Published.read(folder)


def test_third_run_without_change_gives_identical_marts(state):
    # Catches an incremental run that is not idempotent (rows re-ingested with a
    # new ingested_at, facts loaded twice, exports that drift).
    run(state.folder, "third")
    after = Published.read(state.folder)
    assert after.marts == state.published.marts  # ingested_at included: unchanged files keep theirs
    assert after.exports == state.published.exports
