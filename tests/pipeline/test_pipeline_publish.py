"""Publishing: an atomic, verified, DuckDB-1.x-readable copy plus Parquet, or nothing at all."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from fazhi_pipeline import duck, settings, warehouse_copy


def make_work_db(path: Path, rows: int, pipeline_made: bool = False) -> None:
    """A work DB as the pipeline creates it (pipeline_made) or in DuckDB's default (newer) format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duck.connect_work(path) if pipeline_made else duckdb.connect(str(path))
    con.execute("CREATE SCHEMA IF NOT EXISTS raw; CREATE SCHEMA IF NOT EXISTS marts")
    con.execute("CREATE OR REPLACE TABLE raw.report_files AS SELECT range AS n, 'f' || range AS source_file FROM range(?)", [rows])
    con.execute("CREATE OR REPLACE TABLE marts.dim_report AS SELECT n, source_file FROM raw.report_files")
    catalog = con.execute("SELECT current_database()").fetchone()[0]
    con.execute(f'CREATE OR REPLACE VIEW marts.v_report AS SELECT * FROM "{catalog}".marts.dim_report')
    con.close()


@pytest.fixture
def paths(tmp_path):
    wh = tmp_path / "wh" / "fazhi.duckdb"
    return settings.default_work_db(wh), wh, wh.parent / "exports"


def test_publish_copies_verifies_and_exports(paths):
    work, target, exports = paths
    make_work_db(work, 3)
    done = warehouse_copy.publish_database(work, target, exports)
    assert done.counts == {"marts.dim_report": 3, "raw.report_files": 3}
    con = duckdb.connect(str(target), read_only=True)
    try:
        tags = con.execute("SELECT tags FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
        assert tags["storage_version"].startswith(warehouse_copy.STORAGE_VERSION)
        assert con.execute("SELECT count(*) FROM marts.v_report").fetchone()[0] == 3
    finally:
        con.close()
    assert exports.is_symlink()
    assert sorted(p.name for p in exports.iterdir()) == ["dim_report.parquet"]  # marts only
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.")] == []


def test_republish_swaps_both_and_drops_old_export_versions(paths):
    work, target, exports = paths
    make_work_db(work, 2)
    warehouse_copy.publish_database(work, target, exports)
    first_version = exports.resolve()
    make_work_db(work, 5)
    warehouse_copy.publish_database(work, target, exports)
    assert exports.resolve() != first_version and not first_version.exists()
    n = duckdb.execute("SELECT count(*) FROM read_parquet(?)", [str(exports / "dim_report.parquet")]).fetchone()[0]
    assert n == 5
    con = duckdb.connect(str(target), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM marts.dim_report").fetchone()[0] == 5
    finally:
        con.close()


def test_failed_copy_leaves_published_file_and_exports_untouched(paths, monkeypatch):
    work, target, exports = paths
    make_work_db(work, 2)
    warehouse_copy.publish_database(work, target, exports)
    before = target.read_bytes()
    version = exports.resolve()
    make_work_db(work, 7)

    def wrong_count(con, catalog, schema, table):  # the copy "loses" rows
        n = con.execute(f'SELECT count(*) FROM "{catalog}"."{schema}"."{table}"').fetchone()[0]
        return n - 1 if catalog == "fazhi_pub" else n

    monkeypatch.setattr(warehouse_copy, "_count", wrong_count)
    with pytest.raises(RuntimeError, match="publish copy"):
        warehouse_copy.publish_database(work, target, exports)
    assert target.read_bytes() == before
    assert exports.resolve() == version
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.")] == []


def test_a_stale_wal_beside_the_target_is_not_left_to_replay_onto_the_new_file(paths):
    work, target, exports = paths
    make_work_db(work, 2)
    warehouse_copy.publish_database(work, target, exports)
    Path(f"{target}.wal").write_bytes(b"not a wal of the new file")
    make_work_db(work, 4)
    warehouse_copy.publish_database(work, target, exports)
    assert not Path(f"{target}.wal").exists()
    con = duckdb.connect(str(target), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM marts.dim_report").fetchone()[0] == 4
    finally:
        con.close()


def _storage(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return duck.storage_version(con, con.execute("SELECT current_database()").fetchone()[0])
    finally:
        con.close()


def test_a_work_db_in_the_published_format_is_published_as_a_byte_copy(paths):
    work, target, exports = paths
    make_work_db(work, 6, pipeline_made=True)
    assert _storage(work).startswith(warehouse_copy.STORAGE_VERSION)
    done = warehouse_copy.publish_database(work, target, exports)
    assert done.method == "file_copy", done.why
    assert done.counts == {"marts.dim_report": 6, "raw.report_files": 6}
    assert target.read_bytes() == work.read_bytes()
    assert _storage(target).startswith(warehouse_copy.STORAGE_VERSION)
    con = duckdb.connect(str(target), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM marts.v_report").fetchone()[0] == 6
    finally:
        con.close()


def test_a_work_db_in_another_format_is_rewritten_once_then_copied(paths):
    work, target, exports = paths
    make_work_db(work, 4)  # DuckDB's default format, as dbt or an older fazhi would create it
    assert not _storage(work).startswith(warehouse_copy.STORAGE_VERSION)
    first = warehouse_copy.publish_database(work, target, exports)
    assert first.method == "rewrite" and "storage" in first.why
    assert _storage(work).startswith(warehouse_copy.STORAGE_VERSION)  # the compact copy replaced it
    assert not (work.parent / f".{work.name}.compact").exists()
    second = warehouse_copy.publish_database(work, target, exports)
    assert second.method == "file_copy"
    assert second.counts == first.counts == {"marts.dim_report": 4, "raw.report_files": 4}


def test_a_work_db_of_mostly_free_blocks_is_compacted(paths):
    work, target, exports = paths
    work.parent.mkdir(parents=True)
    con = duck.connect_work(work)
    # Blocks freed before the live tables' blocks stay in the file (only a free tail is cut off).
    con.execute("CREATE TABLE scratch AS SELECT range AS n, md5(range::varchar) AS s FROM range(2000000)")
    con.execute("CHECKPOINT")
    con.close()
    make_work_db(work, 1000, pipeline_made=True)
    con = duck.connect_work(work)
    con.execute("DROP TABLE scratch")
    con.execute("CHECKPOINT")
    con.close()
    size_before = work.stat().st_size
    done = warehouse_copy.publish_database(work, target, exports)
    assert done.method == "rewrite" and "free" in done.why
    assert done.counts == {"marts.dim_report": 1000, "raw.report_files": 1000}
    assert target.stat().st_size < size_before / 2
    assert work.stat().st_size == target.stat().st_size
    assert warehouse_copy.publish_database(work, target, exports).method == "file_copy"


def test_the_pipeline_creates_its_work_db_in_the_published_format(tmp_path):
    from fazhi_pipeline.resources import WorkDuckDB

    db = tmp_path / "w" / "fazhi.duckdb"
    with WorkDuckDB(path=str(db)).connect() as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    assert _storage(db).startswith(warehouse_copy.STORAGE_VERSION)
