"""The fingerprint that lets a run with nothing new skip dbt and publish: it must move with every input."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from fazhi_pipeline import build_state, incremental, settings, tables


@pytest.fixture
def con():
    c = duckdb.connect()
    for table in tables.fingerprinted():  # as the assets create them
        table.ensure(c)
    c.execute("INSERT INTO raw.report_files (source_file, sha256, status, reason, duplicate_of, report_id, encoding, "
              "media_type, size_bytes, modified_at, ingested_at, text) VALUES ('a.txt', 'aa', 'accepted', NULL, NULL, "
              "'aa', 'utf-8', 'text/plain', 10, '2026-01-01', '2026-01-02', '受理57件')")
    c.execute("INSERT INTO raw.divisions (region_code, region_name, level) VALUES ('360731', '于都县', 'county')")
    c.execute("INSERT INTO staging.documents (report_id, parser_version) VALUES ('aa', 'v1')")
    c.execute("INSERT INTO staging.sentences (report_id) VALUES ('aa'), ('aa')")
    c.execute("INSERT INTO staging.parse_log (report_id, parsed_at) VALUES ('aa', '2026-01-03')")
    return c


@pytest.fixture
def project(tmp_path):
    dest = tmp_path / "dbt_project"
    for sub in ("models", "macros", "seeds", "tests"):
        if (settings.DBT_PROJECT_DIR / sub).is_dir():
            shutil.copytree(settings.DBT_PROJECT_DIR / sub, dest / sub)
    shutil.copyfile(settings.DBT_PROJECT_DIR / "dbt_project.yml", dest / "dbt_project.yml")
    return dest


CHANGES = {
    "a file's bytes": "UPDATE raw.report_files SET sha256 = 'ab'",
    "a file now a duplicate": "UPDATE raw.report_files SET status = 'duplicate', reason = 'duplicate: same text'",
    "a file read by another reader": "UPDATE raw.report_files SET reader = 'ocr'",
    "a file's pages read again": "UPDATE raw.report_files SET pages_json = '[]', ocr = true",
    "a file added": "INSERT INTO raw.report_files (source_file, sha256, status) VALUES ('b.txt', 'bb', 'rejected')",
    "a file removed": "DELETE FROM raw.report_files",
    "a division renamed": "UPDATE raw.divisions SET region_name = '于都'",
    "a correction added": "INSERT INTO raw.corrections (line_no, action) VALUES (2, 'reject')",
    "a source manifest row added": "INSERT INTO raw.sources (line_no, file, url) VALUES (2, 'a.txt', 'http://www.gov.cn/a')",
    "a report parsed by another version": "UPDATE staging.documents SET parser_version = 'v2'",
    "a report re-parsed": "INSERT INTO staging.parse_log (report_id, parsed_at) VALUES ('aa', '2026-02-01')",
    "a row written outside the parser": "INSERT INTO staging.facts (report_id) VALUES ('aa')",
    "a sentence removed": "DELETE FROM staging.sentences WHERE rowid = 0",
}


@pytest.mark.parametrize("sql", CHANGES.values(), ids=CHANGES.keys())
def test_every_source_change_moves_the_fingerprint(con, project, sql):
    before = build_state.inputs_fingerprint(con, project)
    assert before == build_state.inputs_fingerprint(con, project)  # stable when nothing changes
    con.execute(sql)
    assert build_state.inputs_fingerprint(con, project) != before


@pytest.mark.parametrize("edit", ["models/marts/fct_cases.sql", "seeds/metric_catalog.csv", "dbt_project.yml",
                                  "tests/generic/not_null_columns.sql", "models/new_model.sql"])
def test_every_project_change_moves_the_fingerprint(con, project, edit):
    before = build_state.inputs_fingerprint(con, project)
    path = project / edit
    path.write_text((path.read_text(encoding="utf-8") if path.exists() else "") + "\n-- edited\n", encoding="utf-8")
    assert build_state.inputs_fingerprint(con, project) != before


def test_no_fingerprint_while_a_source_table_is_missing(con, project):
    con.execute("DROP TABLE staging.parse_log")
    assert build_state.inputs_fingerprint(con, project) is None


def _published(tmp_path: Path, fingerprint: str, rows: int = 40) -> tuple[Path, Path, Path]:
    """A work DB recording `fingerprint`, published as the pipeline does: (work DB, warehouse, exports)."""
    from fazhi_pipeline import duck, warehouse_copy
    from test_pipeline_publish import make_work_db

    warehouse = tmp_path / "wh" / "fazhi.duckdb"
    work = settings.default_work_db(warehouse)
    exports = warehouse.parent / "exports"
    make_work_db(work, rows, pipeline_made=True)
    con = duck.connect_work(work)
    incremental.record_build(con, fingerprint, "run-1", "v-new")
    con.close()
    done = warehouse_copy.publish_database(work, warehouse, exports, exports_version="v-new")
    build_state.remember_published(work, warehouse, exports, done.counts)
    return work, warehouse, exports


def test_up_to_date_needs_the_same_fingerprint_and_the_export_set_it_recorded(tmp_path, con, project):
    current = build_state.inputs_fingerprint(con, project)
    work, warehouse, exports = _published(tmp_path, current)
    assert build_state.up_to_date(current, warehouse, exports, work)
    assert not build_state.up_to_date("another", warehouse, exports, work)
    assert not build_state.up_to_date(None, warehouse, exports, work)
    # A publish killed after the warehouse rename, before the exports link swap.
    os.unlink(exports)
    (warehouse.parent / ".exports" / "v-old").mkdir()
    os.symlink(Path(".exports") / "v-old", exports)
    assert not build_state.up_to_date(current, warehouse, exports, work)


def _delete_rows(warehouse: Path, work: Path, exports: Path) -> None:
    con = duckdb.connect(str(warehouse))  # a read-write handle where readers should use read-only
    con.execute("DELETE FROM marts.dim_report WHERE n < 5")
    con.close()


def _damage_block(warehouse: Path, work: Path, exports: Path) -> None:
    with warehouse.open("r+b") as handle:
        handle.seek(warehouse.stat().st_size - 3000)
        handle.write(b"\xde\xad" * 500)


def _stale_wal(warehouse: Path, work: Path, exports: Path) -> None:
    Path(f"{warehouse}.wal").write_bytes(b"\0" * 4096)


def _export_replaced(warehouse: Path, work: Path, exports: Path) -> None:
    target = exports / "dim_report.parquet"
    duckdb.execute(f"COPY (SELECT 1 AS n, 'x' AS source_file) TO '{target}.tmp' (FORMAT parquet)")
    os.replace(f"{target}.tmp", target)


def _work_db_rows_differ(warehouse: Path, work: Path, exports: Path) -> None:
    con = duckdb.connect(str(work))
    con.execute("INSERT INTO marts.dim_report VALUES (999, 'extra')")
    con.close()


def _record_lost(warehouse: Path, work: Path, exports: Path) -> None:
    Path(f"{work}.published.json").unlink()


TAMPERING = {
    "rows deleted through a read-write handle": _delete_rows,
    "a damaged block": _damage_block,
    "a stale WAL beside it": _stale_wal,
    "an export file replaced": _export_replaced,
    "the work DB holds other rows": _work_db_rows_differ,
    "no record of the publish": _record_lost,
}


@pytest.mark.parametrize("tamper", TAMPERING.values(), ids=TAMPERING.keys())
def test_a_published_warehouse_changed_in_place_is_not_up_to_date(tmp_path, con, project, tamper):
    # Issue 11, case 7: the fingerprint inside the file still matched, so runs skipped and never repaired it.
    current = build_state.inputs_fingerprint(con, project)
    work, warehouse, exports = _published(tmp_path, current)
    assert build_state.why_rebuild(current, warehouse, exports, work) is None
    tamper(warehouse, work, exports)
    assert build_state.published_state(warehouse) in (None, (current, "v-new"))  # the fingerprint alone would pass
    assert build_state.why_rebuild(current, warehouse, exports, work) is not None


def test_no_published_warehouse_or_no_record_is_never_up_to_date(tmp_path):
    assert build_state.published_state(tmp_path / "missing.duckdb") is None
    plain = tmp_path / "plain.duckdb"
    duckdb.connect(str(plain)).close()
    assert build_state.published_state(plain) is None
