"""Build the dbt project over the fixture work database and check the marts.

One good `dbt build` (plus `dbt docs generate`) is shared by the module; one
more build runs over a deliberately broken copy and must fail. dbt runs
in-process through dbtRunner with FAZHI_WORK_DB pointing at a temporary file
and its target/log paths in the temporary directory, so nothing is written
into dbt_project/ and the repository's warehouse is never touched.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

import fixture_warehouse as fx  # tests/dbt is on sys.path (rootdir-less test dirs)
from fazhi_pipeline.settings import environment

pytestmark = pytest.mark.integration

DBT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


def run_dbt(command: list[str], work_db: Path, scratch: Path):
    args = [*command, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
            "--target-path", str(scratch / "target"), "--log-path", str(scratch / "logs"),
            "--no-use-colors", "--quiet"]
    # FAZHI_WAREHOUSE is pointed elsewhere on purpose: FAZHI_WORK_DB must win.
    with environment({"FAZHI_WORK_DB": str(work_db), "FAZHI_WAREHOUSE": str(scratch / "unused" / "x.duckdb")}):
        try:
            return dbtRunner().invoke(args)
        finally:
            _release_dbt_duckdb()


def _release_dbt_duckdb() -> None:
    """dbt-duckdb keeps its DuckDB instance open in-process after a run; close
    it so the test can open the file (and the next run can reopen it)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager as manager

    with manager._LOCK:
        if manager._ENV is not None:
            manager._ENV.close()
            manager._ENV = None


def failed_nodes(result) -> dict[str, str]:
    run = result.result
    if run is None or not hasattr(run, "results"):
        return {"<invocation>": repr(result.exception)}
    return {r.node.unique_id: str(r.status) for r in run.results
            if str(r.status) in ("fail", "error", "runtime error")}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("dbt_good")
    work_db = fx.build_fixture_work_db(scratch / ".work" / "fazhi.duckdb")
    result = run_dbt(["build"], work_db, scratch)
    return {"scratch": scratch, "db": work_db, "result": result}


@pytest.fixture
def con(built):
    # per test, read-only, closed after: `dbt docs generate` needs the file free
    c = duckdb.connect(str(built["db"]), read_only=True)
    yield c
    c.close()


def ids_of(frames, predicate) -> set[str]:
    facts = frames["staging.facts"]
    return {row["fact_id"] for row in facts.iter_rows(named=True) if predicate(row)}


def test_build_succeeds(built):
    result = built["result"]
    assert result.success, failed_nodes(result)
    kinds = {r.node.resource_type for r in result.result.results}
    assert {"seed", "model", "test", "unit_test"} <= {str(k) for k in kinds}


def test_marts_hold_one_row_per_accepted_report(con):
    files = con.execute("select report_id from raw.report_files where status = 'accepted'").fetchall()
    reports = con.execute("select report_id from marts.dim_report").fetchall()
    assert sorted(files) == sorted(reports) and len(reports) == len(fx.REPORTS)
    wide = con.execute("select count(*) from marts.rpt_report_metrics_wide").fetchone()[0]
    assert wide == len(fx.REPORTS)


@pytest.mark.parametrize(
    "what, predicate",
    [
        ("year-on-year change", lambda f: f["measure_kind"] == "change"),
        ("breakdown part", lambda f: f["parent_fact_id"] is not None),
        ("parser-marked duplicate", lambda f: f["is_duplicate"]),
        ("plans-section target", lambda f: f["section_kind"] == "plans"),
        ("figure for another period", lambda f: f["period_kind"] != "year"),
        ("figure of a sub-unit", lambda f: f["scope"] != "region"),
    ],
)
def test_excluded_facts_absent_from_fct_metric_values(con, what, predicate):
    excluded = ids_of(fx.fixture_frames(), predicate)
    assert excluded, f"the fixture has no {what}"
    present = {r[0] for r in con.execute("select fact_id from marts.fct_metric_values").fetchall()}
    assert not excluded & present, f"{what} leaked into fct_metric_values"


def test_context_figures_keep_period_and_scope(con):
    rows = con.execute("""
        select metric_code, value, period_kind, period_text, scope, figure_text
        from marts.fct_context_figures order by char_start
    """).fetchall()
    assert rows == [
        ("legal_aid.cases", 280.0, "partial_year", "上半年", "region", "280件"),
        ("admin_review.received", 60.0, "year", None, "sub_unit", "60件"),
    ]


def test_unmarked_restatement_kept_once_with_first_occurrence(con):
    # Same metric, channel, value and comparator twice, the parser not marking it.
    rows = con.execute("""
        select f.report_id, f.metric_code, f.value, count(*) as n, min(f.char_start) as first_start
        from staging.facts f
        where not f.is_duplicate and f.measure_kind = 'level' and f.parent_fact_id is null
          and f.section_kind <> 'plans'
        group by all having count(*) > 1
    """).fetchall()
    assert rows, "the fixture has no unmarked restatement"
    for report_id, metric, value, n, first_start in rows:
        kept = con.execute(
            "select char_start, times_stated from marts.fct_metric_values "
            "where source = 'stated' and report_id = ? and metric_code = ? and value = ?",
            [report_id, metric, value]).fetchall()
        assert kept == [(first_start, n)]


def test_changes_are_in_fct_metric_changes_signed_never_in_rate_value(con):
    rows = con.execute("""
        select metric_code, measure, change_value, change_unit from marts.fct_metric_changes
        order by metric_code
    """).fetchall()
    assert ("admin_litigation.loss_rate", "rate", -2.0, "points") in rows
    assert all(r[2] is not None for r in rows)
    sources = {r[0] for r in con.execute("select distinct source from marts.fct_review_rates").fetchall()}
    assert sources <= {"stated", "derived", "corrected"}
    assert not con.execute("select count(*) from marts.fct_review_rates where rate_value < 0").fetchone()[0]


# (report, metric_code, channel) -> (value, basis) expected from the fixture's counts
EXPECTED_DERIVED = {
    (fx.REPORT_A.source_file, "admin_review.concluded_rate", None):
        (80.0, "admin_review.concluded / admin_review.accepted"),
    (fx.REPORT_A.source_file, "admin_review.correction_rate", None):
        (15.0, "admin_review.corrected / admin_review.concluded"),
    (fx.REPORT_A.source_file, "admin_litigation.loss_rate", None):
        (10.0, "admin_litigation.lost / admin_litigation.concluded"),
    (fx.REPORT_A.source_file, "admin_litigation.head_appearance_rate", None):
        (88.89, "admin_litigation.head_appeared / admin_litigation.cases"),
    (fx.REPORT_A.source_file, "mediation.success_rate", "people"):
        (98.0, "mediation.disputes_resolved / mediation.disputes_mediated"),
    (fx.REPORT_A.source_file, "mediation.success_rate", "administrative"):
        (90.0, "mediation.disputes_resolved / mediation.disputes_mediated"),
    (fx.REPORT_B.source_file, "admin_review.concluded_rate", None):
        (93.33, "admin_review.concluded / admin_review.accepted"),
    (fx.REPORT_B.source_file, "admin_review.mediation_settlement_rate", None):
        (40.0, "admin_review.mediated_settled / admin_review.accepted"),
}
# Report B states lawsuits filed, won and lost but none concluded: the catalog
# defines win and loss rates over concluded lawsuits, so none is derived (they
# were once computed over all lawsuits filed).


def test_derived_rates(con):
    rows = con.execute("""
        select r.source_file, m.metric_code, m.channel, m.value, m.basis, m.fact_id, m.comparator
        from marts.fct_metric_values m join marts.dim_report r using (report_id)
        where m.source = 'derived'
    """).fetchall()
    got = {(f, code, ch): (v, basis) for f, code, ch, v, basis, _, _ in rows}
    # absent by design: report B's win/loss rates (no concluded lawsuits);
    # traffic resolved has no traffic mediated (channel
    # mismatch); screened is approximate (2500余), so no resolution rate
    assert got == EXPECTED_DERIVED
    for _file, code, ch, _value, _basis, fact_id, comparator in rows:
        assert comparator == "="
        assert fact_id.startswith("derived:") and fact_id.endswith(code + (f":{ch}" if ch else ""))


def test_review_rates_gap_against_derived(con):
    rows = con.execute("""
        select metric_code, channel, rate_value, stated_minus_derived_pp, gap_flag
        from marts.fct_review_rates where source = 'stated'
        order by metric_code, channel
    """).fetchall()
    by_metric = {(m, ch): (v, gap, flag) for m, ch, v, gap, flag in rows}
    assert by_metric[("admin_review.mediation_settlement_rate", None)] == (42.5, 2.5, True)
    assert by_metric[("admin_litigation.head_appearance_rate", None)] == (88.9, 0.01, False)
    # a stated rate with nothing to compare against
    assert by_metric[("mediation.resolution_rate", "general")] == (97.5, None, None)


def test_fact_tables_route_by_catalog(con):
    cases = con.execute("select distinct domain from marts.fct_cases order by 1").fetchall()
    assert cases == [("admin_litigation",), ("admin_review",), ("legal_aid",)]
    mediation = con.execute("select distinct channel from marts.fct_mediation order by 1").fetchall()
    assert mediation == [("administrative",), ("general",), ("people",), ("traffic",)]


def test_contract_columns_and_types(con):
    expected = {
        "dim_report": {"report_id": "VARCHAR", "source_file": "VARCHAR",
                       "region_code": "VARCHAR", "report_year": "INTEGER"},
        "dim_region": {"region_code": "VARCHAR", "region_name": "VARCHAR",
                       "level": "VARCHAR", "province": "VARCHAR"},
        "fct_metric_values": {"report_id": "VARCHAR", "metric_code": "VARCHAR",
                              "value": "DOUBLE", "comparator": "VARCHAR", "source": "VARCHAR"},
        "dim_metric": {"metric_code": "VARCHAR", "fact_table": "VARCHAR", "domain": "VARCHAR",
                       "measure": "VARCHAR", "unit": "VARCHAR", "label_zh": "VARCHAR",
                       "definition": "VARCHAR"},
    }
    for table, columns in expected.items():
        have = dict(con.execute(
            "select column_name, data_type from duckdb_columns() "
            "where schema_name = 'marts' and table_name = ?", [table]).fetchall())
        for column, dtype in columns.items():
            assert have.get(column) == dtype, (table, column, have.get(column))


def test_mart_tables_and_columns_carry_comments(con):
    tables = con.execute("""
        select table_name, comment from duckdb_tables() where schema_name = 'marts'
    """).fetchall()
    names = {t for t, _ in tables}
    assert {"dim_report", "dim_region", "dim_metric", "fct_metric_values", "fct_cases",
            "fct_mediation", "fct_review_rates", "rpt_report_metrics_wide"} <= names
    assert all(c and c.strip() for _, c in tables), tables
    missing = con.execute("""
        select table_name, column_name from duckdb_columns()
        where schema_name = 'marts' and coalesce(trim(comment), '') = ''
    """).fetchall()
    assert not missing
    grain = dict(tables)["fct_cases"]
    assert "grain" in grain.lower()


def test_docs_generate(built):
    result = run_dbt(["docs", "generate"], built["db"], built["scratch"])
    assert result.success, result.exception
    catalog = json.loads((built["scratch"] / "target" / "catalog.json").read_text())
    assert "model.fazhi.fct_metric_values" in catalog["nodes"]


def test_broken_offset_fails_the_build(tmp_path):
    work_db = fx.build_fixture_work_db(tmp_path / ".work" / "fazhi.duckdb")
    c = duckdb.connect(str(work_db))
    try:
        # push one figure's span past the end of its report's text, in the
        # mention and in its fact alike, so that only the offset check is broken
        fact_id, report_id, mention_no = c.execute(
            "select fact_id, report_id, mention_no from staging.facts order by fact_id limit 1"
        ).fetchone()
        (past_end,) = c.execute(
            "select length(text) + 5 from raw.report_files where report_id = ? and status = 'accepted'",
            [report_id]).fetchone()
        c.execute("update staging.facts set char_start = ? where fact_id = ?", [past_end, fact_id])
        c.execute("update staging.mentions set char_start = ? where report_id = ? and mention_no = ?",
                  [past_end, report_id, mention_no])
    finally:
        c.close()
    result = run_dbt(["build", "--fail-fast"], work_db, tmp_path)
    assert not result.success
    failed = failed_nodes(result)
    assert any("assert_figure_offsets_inside_text" in node for node in failed), failed


def _break(work_db: Path, sql: str) -> None:
    c = duckdb.connect(str(work_db))
    try:
        c.execute(sql)
    finally:
        c.close()


def test_null_in_a_source_column_fails_not_null_columns(tmp_path):
    """Source, seed and intermediate tables check their required columns in one query each."""
    work_db = fx.build_fixture_work_db(tmp_path / ".work" / "fazhi.duckdb")
    _break(work_db, "update staging.sentences set char_length = null where sentence_no = 0")
    result = run_dbt(["build"], work_db, tmp_path)
    assert not result.success
    failed = failed_nodes(result)
    assert any("not_null_columns" in node and "sentences" in node for node in failed), failed


def test_null_reaching_a_mart_violates_its_contract(tmp_path):
    """Marts declare not_null constraints that DuckDB enforces while the table is built."""
    work_db = fx.build_fixture_work_db(tmp_path / ".work" / "fazhi.duckdb")
    _break(work_db, "update raw.report_files set source_file = null "
                    "where report_id = (select min(report_id) from raw.report_files where status = 'accepted')")
    # without data tests: the source test would fail first and skip the mart
    result = run_dbt(["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"],
                     work_db, tmp_path)
    assert not result.success
    failed = failed_nodes(result)
    assert failed == {"model.fazhi.dim_report": "error"}, failed


# Declared keys (dbt contract constraints) BI tools read from duckdb_constraints():
# table -> (primary key columns, {fk column: referenced table})
_FACT_FKS = {"report_id": "dim_report", "region_code": "dim_region", "metric_code": "dim_metric"}
EXPECTED_KEYS = {
    "dim_region": (["region_code"], {}),
    "dim_report": (["report_id"], {"region_code": "dim_region"}),
    "dim_metric": (["metric_code"], {}),
    "fct_metric_values": (["fact_id"], {**_FACT_FKS, "numerator_metric": "dim_metric",
                                        "denominator_metric": "dim_metric", "original_metric_code": "dim_metric"}),
    "fct_cases": (["fact_id"], _FACT_FKS),
    "fct_mediation": (["fact_id"], _FACT_FKS),
    "fct_review_rates": (["fact_id"], _FACT_FKS),
    "fct_metric_changes": (["fact_id"], _FACT_FKS),
    "fct_context_figures": (["fact_id"], _FACT_FKS),
    "fct_corrections": (["line_no"], {"report_id": "dim_report", "original_metric_code": "dim_metric",
                                      "corrected_metric_code": "dim_metric"}),
    "rpt_report_metrics_wide": (["report_id"], {"report_id": "dim_report", "region_code": "dim_region"}),
}
# A mart column that holds a catalog code (metric_code, <role>_metric_code, <role>_metric)
METRIC_CODE_COLUMN = r"(^|_)metric(_code)?$"


def declared_keys(con) -> dict[str, tuple[list[str], dict[str, str]]]:
    keys: dict[str, tuple[list[str], dict[str, str]]] = {}
    for table, ctype, columns, referenced in con.execute("""
        select table_name, constraint_type, constraint_column_names, referenced_table
        from duckdb_constraints()
        where schema_name = 'marts' and constraint_type in ('PRIMARY KEY', 'FOREIGN KEY')
        order by table_name, constraint_type desc, constraint_index
    """).fetchall():
        pk, fks = keys.setdefault(table, ([], {}))
        if ctype == "PRIMARY KEY":
            pk.extend(columns)
        else:
            fks.update({c: referenced for c in columns})
    return keys


def test_marts_declare_primary_and_foreign_keys(con):
    keys = declared_keys(con)
    for table, expected in EXPECTED_KEYS.items():
        assert keys.get(table) == expected, (table, keys.get(table))
    # every mart declares a primary key (dim_metric too: a model now, over the seed metric_catalog)
    marts = {t for (t,) in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()}
    assert marts == set(keys), marts ^ set(keys)
    assert all(pk for pk, _ in keys.values()), keys


def test_every_metric_code_column_is_a_foreign_key_to_dim_metric(con):
    """BI tools join any catalog code of any mart to dim_metric by its declared key, none forgotten."""
    keys = declared_keys(con)
    columns = con.execute("""
        select table_name, column_name from duckdb_columns()
        where schema_name = 'marts' and table_name <> 'dim_metric' and regexp_matches(column_name, ?)
        order by all
    """, [METRIC_CODE_COLUMN]).fetchall()
    assert len(columns) == 11, columns  # 6 metric_code, 3 more in fct_metric_values, 2 in fct_corrections
    missing = [(t, c) for t, c in columns if keys.get(t, ([], {}))[1].get(c) != "dim_metric"]
    assert missing == []
    # dim_metric is the seed as it was: same columns in the same order, same rows
    order = [c for (c,) in con.execute("""
        select column_name from duckdb_columns()
        where schema_name = 'marts' and table_name = 'dim_metric' order by column_index
    """).fetchall()]
    assert order == ["metric_code", "fact_table", "domain", "measure", "unit", "label_zh", "definition"]
    assert con.execute("""
        select count(*) from (
            (from marts.dim_metric except all from staging.metric_catalog)
            union all
            (from staging.metric_catalog except all from marts.dim_metric)
        )
    """).fetchone()[0] == 0


def test_rebuild_over_declared_foreign_keys(built):
    """A second dbt build replaces tables that foreign keys reference (what every pipeline run does)."""
    result = run_dbt(["build"], built["db"], built["scratch"])
    assert result.success, failed_nodes(result)
    con = duckdb.connect(str(built["db"]), read_only=True)
    try:
        assert declared_keys(con) == {**declared_keys(con), **EXPECTED_KEYS}
        assert con.execute("select count(*) from marts.fct_metric_values").fetchone()[0] > 0
    finally:
        con.close()


def test_wide_view_carries_stated_and_derived_rates_apart(con):
    rows = dict(con.execute("""
        select r.source_file, w.admin_review_concluded_rate_derived
        from marts.rpt_report_metrics_wide w join marts.dim_report r using (report_id)
    """).fetchall())
    assert rows[fx.REPORT_A.source_file] == 80.0 and rows[fx.REPORT_B.source_file] == 93.33
    stated, derived = con.execute("""
        select admin_review_mediation_settlement_rate, admin_review_mediation_settlement_rate_derived
        from marts.rpt_report_metrics_wide w join marts.dim_report r using (report_id)
        where r.source_file = ?
    """, [fx.REPORT_B.source_file]).fetchone()
    assert (stated, derived) == (42.5, 40.0)
    types = dict(con.execute("""
        select column_name, data_type from duckdb_columns()
        where schema_name = 'marts' and table_name = 'rpt_report_metrics_wide'
    """).fetchall())
    assert types["admin_review_accepted"] == "BIGINT" and types["admin_review_concluded_rate_derived"] == "DOUBLE"


def test_one_vocabulary_of_value_columns(con):
    """value (DOUBLE) in every fact table; count_value BIGINT for counts; measure is count/rate everywhere."""
    cols = {}
    for t, c, dtype in con.execute("""
        select table_name, column_name, data_type from duckdb_columns() where schema_name = 'marts'
    """).fetchall():
        cols.setdefault(t, {})[c] = dtype
    for t in ("fct_metric_values", "fct_cases", "fct_mediation", "fct_review_rates", "fct_context_figures"):
        assert cols[t]["value"] == "DOUBLE", t
        assert cols[t]["measure"] == "VARCHAR", t
    for t in ("fct_metric_values", "fct_cases", "fct_mediation", "fct_context_figures"):
        assert cols[t]["count_value"] == "BIGINT", t
    for t in ("fct_metric_values", "fct_mediation", "fct_review_rates", "fct_context_figures"):
        assert cols[t]["rate_value"] == "DOUBLE", t
    for t in ("fct_metric_values", "fct_mediation", "fct_context_figures"):
        bad = con.execute(f"""
            select count(*) from marts.{t} x join marts.dim_metric m using (metric_code)
            where x.measure <> m.measure
               or (m.measure = 'count') <> (x.count_value is not null)
               or (m.measure = 'rate') <> (x.rate_value is not null)
        """).fetchone()[0]
        assert bad == 0, t
