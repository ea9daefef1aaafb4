"""The registry of the Python-written tables (fazhi_pipeline.tables) against dbt's sources and the fingerprint."""
from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest
import yaml

from fazhi_pipeline import build_state, settings, tables
from fazhi_pipeline.duck import sql_type

# Spellings of one DuckDB type that a yml may use.
_SAME_TYPE = {"timestamp with time zone": "timestamptz", "int": "integer", "int4": "integer", "int8": "bigint",
              "string": "varchar", "text": "varchar", "float8": "double", "bool": "boolean", "int1": "tinyint"}


def _type(name: str) -> str:
    name = name.strip().lower()
    return _SAME_TYPE.get(name, name)


def _declared_sources() -> dict[tuple[str, str], dict]:
    """(source name, table name) -> the table's entry, from every yml under dbt_project/models."""
    out = {}
    for path in sorted((settings.DBT_PROJECT_DIR / "models").rglob("*.yml")):
        for source in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("sources") or []:
            for table in source.get("tables") or []:
                out[(source["name"], table["name"])] = {**table, "schema": source.get("schema", source["name"])}
    return out


DECLARED = _declared_sources()


@pytest.mark.parametrize("table", tables.dbt_sources(), ids=lambda t: t.qualified)
def test_dbt_source_declares_exactly_the_registry_columns(table):
    entry = DECLARED.get((table.dbt_source, table.name))
    assert entry is not None, f"no dbt source {table.dbt_source}.{table.name} for {table.qualified}"
    assert entry["schema"] == table.schema
    declared = [(c["name"], _type(c.get("data_type", ""))) for c in entry.get("columns") or []]
    assert declared == [(name, _type(sql_type(dtype))) for name, dtype in table.columns.items()]
    meta = entry.get("meta") or (entry.get("config") or {}).get("meta") or {}  # either place dbt accepts
    assert meta.get("dagster", {}).get("asset_key") == table.path


def test_every_dbt_source_table_is_in_the_registry():
    registered = {(t.dbt_source, t.name) for t in tables.dbt_sources()}
    assert set(DECLARED) == registered


def test_registry_names_each_table_once():
    names = [t.qualified for t in tables.TABLES]
    assert len(names) == len(set(names))


# A value of each type other than the one `_row` writes.
_OTHER = {"VARCHAR": "'changed'", "BIGINT": "7", "INTEGER": "7", "TINYINT": "-1", "DOUBLE": "0.5", "BOOLEAN": "true",
          "DATE": "DATE '2020-02-02'", "TIMESTAMPTZ": "TIMESTAMPTZ '2020-02-02 00:00:00+00'"}


def _row(table: tables.Table) -> dict:
    values = {"VARCHAR": "x", "BIGINT": 1, "INTEGER": 1, "TINYINT": 1, "DOUBLE": 1.0, "BOOLEAN": False,
              "DATE": dt.date(2020, 1, 1), "TIMESTAMPTZ": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}
    return {name: values[sql_type(dtype)] for name, dtype in table.columns.items()}


@pytest.fixture
def con():
    c = duckdb.connect()
    for table in tables.fingerprinted():
        table.ensure(c)
        table.insert(c, pl.DataFrame([_row(table)], schema=table.columns, orient="row"))
    return c


@pytest.mark.parametrize(
    ("table", "column"),
    [(t, c) for t in tables.fingerprinted() if t.fingerprint.mode == "rows" for c in t.columns],
    ids=lambda v: v.qualified if isinstance(v, tables.Table) else v,
)
def test_a_column_moves_the_fingerprint_unless_the_registry_leaves_it_out(con, table, column):
    before = build_state.inputs_fingerprint(con, settings.DBT_PROJECT_DIR)
    con.execute(f'UPDATE {table.qualified} SET "{column}" = {_OTHER[sql_type(table.columns[column])]}')
    moved = build_state.inputs_fingerprint(con, settings.DBT_PROJECT_DIR) != before
    assert moved == (column in table.hashed_columns())
