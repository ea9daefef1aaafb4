"""The per-table generic tests `accepted_values_columns` and
`relationships_columns` fail on a bad value or an orphan key, naming the
column and the value, and pass on good data (nulls included).

Each case runs the project's own generic tests (dbt_project/tests/generic) in
a throwaway dbt project over two small source tables, so every column kind
(string, integer) can be broken in isolation; one more case breaks the
fixture work database and checks the project's own yml wiring bites.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

import fixture_warehouse as fx  # tests/dbt is on sys.path (rootdir-less test dirs)
from test_dbt_build import DBT_DIR, _release_dbt_duckdb, failed_nodes, run_dbt

pytestmark = pytest.mark.integration

GENERIC_TESTS = ("accepted_values_columns.sql", "relationships_columns.sql")

PROJECT_YML = """\
name: generic_columns_check
version: "1.0.0"
config-version: 2
profile: generic_columns_check
model-paths: ["models"]
test-paths: ["tests"]
"""

PROFILES_YML = """\
generic_columns_check:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{db}"
      threads: 1
"""

# A value with a quote in the accepted list, an integer list compared as
# integers, a string key and an integer key.
SOURCES_YML = """\
version: 2
sources:
  - name: raw
    schema: raw
    tables:
      - name: parent
      - name: child
        data_tests:
          - accepted_values_columns:
              arguments:
                values:
                  kind: ["plain", "it's quoted"]
                  level: [1, -1]
          - relationships_columns:
              arguments:
                references:
                  parent_code:
                    to: source('raw', 'parent')
                    field: code
                  parent_no:
                    to: source('raw', 'parent')
                    field: seq
"""

GOOD_DATA = """
create schema raw;
create table raw.parent (code varchar, seq integer);
insert into raw.parent values ('a', 1), ('b', 2);
create table raw.child (id integer, kind varchar, level tinyint, parent_code varchar, parent_no integer);
insert into raw.child values
  (1, 'plain', 1, 'a', 1),
  (2, 'it''s quoted', -1, 'b', 2),
  (3, 'plain', -1, 'a', 2),
  (4, null, null, null, null);  -- nulls pass
"""


def make_project(root: Path) -> Path:
    """A dbt project at `root` using the repository's generic tests; returns its DuckDB file."""
    db = root / "check.duckdb"
    (root / "models").mkdir(parents=True)
    (root / "tests" / "generic").mkdir(parents=True)
    for name in GENERIC_TESTS:
        shutil.copy(DBT_DIR / "tests" / "generic" / name, root / "tests" / "generic" / name)
    (root / "dbt_project.yml").write_text(PROJECT_YML)
    (root / "profiles.yml").write_text(PROFILES_YML.format(db=db))
    (root / "models" / "sources.yml").write_text(SOURCES_YML)
    return db


def run_tests(root: Path, db: Path) -> dict[str, tuple[str, list[tuple]]]:
    """`dbt test` in the project at `root`; test name -> (status, the rows its query returns)."""
    args = ["test", "--project-dir", str(root), "--profiles-dir", str(root),
            "--target-path", str(root / "target"), "--log-path", str(root / "logs"),
            "--no-use-colors", "--quiet"]
    try:
        result = dbtRunner().invoke(args)
    finally:
        _release_dbt_duckdb()
    assert result.result is not None, result.exception
    results = result.result.results
    errors = {r.node.name: r.message for r in results if str(r.status) == "error"}
    assert not errors, errors  # a test that does not compile or run proves nothing
    with duckdb.connect(str(db), read_only=True) as con:
        return {r.node.name: (str(r.status), sorted(con.execute(r.node.compiled_code).fetchall()))
                for r in results}


def outcome(found: dict[str, tuple[str, list[tuple]]], test: str) -> tuple[str, list[tuple]]:
    (name,) = [n for n in found if n.startswith(f"source_{test}_")]
    return found[name]


# (what is broken, SQL breaking it, the test that must fail, the rows it must return)
CASES = [
    ("nothing", None, None, None),
    ("string value", "update raw.child set kind = 'other' where id = 1",
     "accepted_values_columns", [("kind", "other", 1)]),
    ("string value with a quote", "update raw.child set kind = 'it''s not' where id in (1, 3)",
     "accepted_values_columns", [("kind", "it's not", 2)]),
    ("integer value", "update raw.child set level = 2 where id = 2",
     "accepted_values_columns", [("level", "2", 1)]),
    ("string key", "update raw.child set parent_code = 'z' where id = 3",
     "relationships_columns", [("parent_code", "z", 1)]),
    ("integer key", "update raw.child set parent_no = 3 where id = 1",
     "relationships_columns", [("parent_no", "3", 1)]),
]


@pytest.mark.parametrize("kind, breaking_sql, test, expected", CASES, ids=[c[0] for c in CASES])
def test_generic_columns_test_fails_on_bad_data_only(tmp_path, kind, breaking_sql, test, expected):
    db = make_project(tmp_path)
    with duckdb.connect(str(db)) as con:
        con.execute(GOOD_DATA)
        if breaking_sql:
            con.execute(breaking_sql)
    found = run_tests(tmp_path, db)
    assert len(found) == 2, found
    for other in ("accepted_values_columns", "relationships_columns"):
        if other != test:
            assert outcome(found, other) == ("pass", []), (kind, other)
    if test:
        assert outcome(found, test) == ("fail", expected), kind


def test_project_tables_check_their_values_and_keys(tmp_path):
    """The project's yml wiring: a bad integer and a bad string value, and an
    orphan key, in the fixture's parser tables fail their tables' tests."""
    work_db = fx.build_fixture_work_db(tmp_path / ".work" / "fazhi.duckdb")
    with duckdb.connect(str(work_db)) as con:
        con.execute("update staging.mentions set change_direction = 2 where change_direction = -1")
        con.execute("update staging.facts set comparator = '≈' "
                    "where fact_id = (select min(fact_id) from staging.facts)")
        con.execute("update staging.facts set parent_fact_id = 'missing:0' "
                    "where fact_id = (select max(fact_id) from staging.facts)")
    result = run_dbt(["test", "--select", "source:parser"], work_db, tmp_path)
    failed = failed_nodes(result)
    assert set(failed.values()) == {"fail"}, failed
    by_name = {r.node.name: r.node for r in result.result.results if r.node.unique_id in failed}
    with duckdb.connect(str(work_db), read_only=True) as con:
        rows = {name.split("__")[0]: sorted(con.execute(node.compiled_code).fetchall())
                for name, node in by_name.items()}
    assert rows == {
        "source_accepted_values_columns_parser_mentions": [("change_direction", "2", 1)],
        "source_accepted_values_columns_parser_facts": [("comparator", "≈", 1)],
        "source_relationships_columns_parser_facts": [("parent_fact_id", "missing:0", 1)],
    }
