"""The fingerprint that lets a run with nothing new skip dbt and publish: it must move with every input."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from fazhi_pipeline import build_state, settings

SOURCES = {
    "raw.report_files": "source_file VARCHAR, sha256 VARCHAR, status VARCHAR, reason VARCHAR, duplicate_of VARCHAR, "
    "report_id VARCHAR, encoding VARCHAR, media_type VARCHAR, size_bytes BIGINT, modified_at TIMESTAMPTZ, "
    "ingested_at TIMESTAMPTZ, text VARCHAR",
    "raw.divisions": "region_code VARCHAR, region_name VARCHAR, level VARCHAR",
    "raw.corrections": "line_no BIGINT, action VARCHAR, sha256 VARCHAR, char_start VARCHAR, char_length VARCHAR, "
    "figure_text VARCHAR, metric_code VARCHAR, value VARCHAR, comparator VARCHAR, channel VARCHAR, reason VARCHAR, "
    "reviewer VARCHAR, source_file VARCHAR, loaded_at TIMESTAMPTZ",
    "staging.documents": "report_id VARCHAR, parser_version VARCHAR",
    "staging.sentences": "report_id VARCHAR",
    "staging.mentions": "report_id VARCHAR",
    "staging.facts": "report_id VARCHAR",
    "staging.parse_log": "report_id VARCHAR, parsed_at TIMESTAMPTZ",
}


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute("CREATE SCHEMA raw; CREATE SCHEMA staging")
    for table, cols in SOURCES.items():
        c.execute(f"CREATE TABLE {table} ({cols})")
    c.execute("INSERT INTO raw.report_files VALUES ('a.txt', 'aa', 'accepted', NULL, NULL, 'aa', 'utf-8', "
              "'text/plain', 10, '2026-01-01', '2026-01-02', '受理57件')")
    c.execute("INSERT INTO raw.divisions VALUES ('360731', '于都县', 'county')")
    c.execute("INSERT INTO staging.documents VALUES ('aa', 'v1')")
    c.execute("INSERT INTO staging.sentences VALUES ('aa'), ('aa')")
    c.execute("INSERT INTO staging.parse_log VALUES ('aa', '2026-01-03')")
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
    "a file added": "INSERT INTO raw.report_files (source_file, sha256, status) VALUES ('b.txt', 'bb', 'rejected')",
    "a file removed": "DELETE FROM raw.report_files",
    "a division renamed": "UPDATE raw.divisions SET region_name = '于都'",
    "a correction added": "INSERT INTO raw.corrections (line_no, action) VALUES (2, 'reject')",
    "a report parsed by another version": "UPDATE staging.documents SET parser_version = 'v2'",
    "a report re-parsed": "INSERT INTO staging.parse_log VALUES ('aa', '2026-02-01')",
    "a row written outside the parser": "INSERT INTO staging.facts VALUES ('aa')",
    "a sentence removed": "DELETE FROM staging.sentences WHERE rowid = 0",
}


@pytest.mark.parametrize("sql", CHANGES.values(), ids=CHANGES.keys())
def test_every_source_change_moves_the_fingerprint(con, project, sql):
    before = build_state.inputs_fingerprint(con, project)
    assert before == build_state.inputs_fingerprint(con, project)  # stable when nothing changes
    con.execute(sql)
    assert build_state.inputs_fingerprint(con, project) != before


@pytest.mark.parametrize("edit", ["models/marts/fct_cases.sql", "seeds/dim_metric.csv", "dbt_project.yml",
                                  "tests/generic/not_null_columns.sql", "models/new_model.sql"])
def test_every_project_change_moves_the_fingerprint(con, project, edit):
    before = build_state.inputs_fingerprint(con, project)
    path = project / edit
    path.write_text((path.read_text(encoding="utf-8") if path.exists() else "") + "\n-- edited\n", encoding="utf-8")
    assert build_state.inputs_fingerprint(con, project) != before


def test_no_fingerprint_while_a_source_table_is_missing(con, project):
    con.execute("DROP TABLE staging.parse_log")
    assert build_state.inputs_fingerprint(con, project) is None


def _published(tmp_path: Path, con, fingerprint: str, version: str, linked: str) -> tuple[Path, Path]:
    warehouse = tmp_path / "wh" / "fazhi.duckdb"
    warehouse.parent.mkdir()
    pub = duckdb.connect(str(warehouse))
    build_state.record(pub, fingerprint, "run-1", version)
    pub.close()
    exports = warehouse.parent / "exports"
    (warehouse.parent / ".exports" / linked).mkdir(parents=True)
    os.symlink(Path(".exports") / linked, exports)
    return warehouse, exports


def test_up_to_date_needs_the_same_fingerprint_and_the_export_set_it_recorded(tmp_path, con, project):
    current = build_state.inputs_fingerprint(con, project)
    warehouse, exports = _published(tmp_path, con, current, "v-new", "v-new")
    assert build_state.up_to_date(current, warehouse, exports)
    assert not build_state.up_to_date("another", warehouse, exports)
    assert not build_state.up_to_date(None, warehouse, exports)
    # A publish killed after the warehouse rename, before the exports link swap.
    os.unlink(exports)
    (warehouse.parent / ".exports" / "v-old").mkdir()
    os.symlink(Path(".exports") / "v-old", exports)
    assert not build_state.up_to_date(current, warehouse, exports)


def test_no_published_warehouse_or_no_record_is_never_up_to_date(tmp_path):
    assert build_state.published_state(tmp_path / "missing.duckdb") is None
    plain = tmp_path / "plain.duckdb"
    duckdb.connect(str(plain)).close()
    assert build_state.published_state(plain) is None
