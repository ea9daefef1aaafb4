"""The whole graph into a temporary warehouse, then incremental runs against it.

One full materialization is shared by the module; the later tests change the
reports folder (add, remove a file; break a row) and run again. They run in
file order and each states the precondition it needs.
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from conftest import CONTRACT_TABLES, check_metadata, materialization_metadata, step_failures
from fazhi_pipeline.cli import summary
from fazhi_pipeline.definitions import defs

pytestmark = pytest.mark.integration

FACT_TABLES = ["fct_metric_values", "fct_cases", "fct_mediation", "fct_review_rates"]


@pytest.fixture(scope="module")
def built(pipeline):
    result = pipeline.run()
    assert result.success, step_failures(result)
    return pipeline, result


def marts_snapshot(pipeline) -> dict[str, list]:
    tables = [r[0] for r in pipeline.query(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1")]
    return {t: pipeline.query(f"SELECT * FROM marts.{t} ORDER BY ALL") for t in tables}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def new_report(pipeline, name: str) -> Path:
    """A report not seen before: a sample's text plus a closing line without figures."""
    source = sorted(pipeline.reports.glob("*.txt"))[0]
    text = source.read_text(encoding="utf-8").rstrip("\n") + "\n附：本报告由政府办公室汇总整理。\n"
    path = pipeline.reports / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_contract_table_is_non_empty(built):
    pipeline, _ = built
    for table in CONTRACT_TABLES:
        assert pipeline.query(f"SELECT count(*) FROM {table}")[0][0] > 0, table
    for table in ("staging.documents", "staging.sentences", "staging.mentions", "staging.facts"):
        assert pipeline.query(f"SELECT count(*) FROM {table}")[0][0] > 0, table


def test_raw_report_files_has_one_row_per_file(built):
    pipeline, result = built
    on_disk = sorted(p.relative_to(pipeline.reports).as_posix() for p in pipeline.reports.rglob("*") if p.is_file())
    rows = [r[0] for r in pipeline.query("SELECT source_file FROM raw.report_files ORDER BY 1")]
    assert rows == on_disk
    meta = materialization_metadata(result, ["raw", "report_files"])
    assert meta["files"] == meta["new"] == len(on_disk)
    assert (meta["rejected"], meta["duplicate"]) == (1, 1)
    others = dict(pipeline.query(
        "SELECT source_file, split_part(reason, ':', 1) FROM raw.report_files WHERE status <> 'accepted'"))
    assert others == {"empty.txt": "empty", "dup_copy.txt": "duplicate"}
    accepted = pipeline.query("SELECT count(*) FROM raw.report_files WHERE status = 'accepted'")[0][0]
    assert pipeline.query("SELECT count(*) FROM marts.dim_report")[0][0] == accepted


def test_published_file_opens_read_only_with_marts_and_v1_storage(built):
    pipeline, _ = built
    con = duckdb.connect(str(pipeline.warehouse), read_only=True)
    try:
        catalog = con.execute("SELECT current_database()").fetchone()[0]
        tags = con.execute("SELECT tags FROM duckdb_databases() WHERE database_name = ?", [catalog]).fetchone()[0]
        assert tags["storage_version"].startswith("v1.0.0"), tags
        marts = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()}
        assert {t.split(".")[1] for t in CONTRACT_TABLES if t.startswith("marts.")} <= marts
        # dbt's views are qualified with the catalog name; they must resolve in the published file.
        for (view,) in con.execute("SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE NOT internal").fetchall():
            con.execute(f"SELECT count(*) FROM {view}").fetchone()
        with pytest.raises(duckdb.Error):
            con.execute("CREATE TABLE marts.nope (x INTEGER)")
    finally:
        con.close()
    assert not Path(f"{pipeline.warehouse}.wal").exists()


def test_cli_summary_names_the_warehouse_and_every_file_not_accepted(built):
    pipeline, _ = built
    text = summary(pipeline.warehouse)
    assert str(pipeline.warehouse) in text
    assert "rejected: empty.txt: empty:" in text
    assert "duplicate: dup_copy.txt: duplicate:" in text
    reports = pipeline.query("SELECT count(*) FROM marts.dim_report")[0][0]
    assert f"reports: {reports}" in text
    for table in FACT_TABLES:
        n = pipeline.query(f"SELECT count(*) FROM marts.{table}")[0][0]
        assert f"marts.{table}: {n} rows" in text


def test_parquet_exports_hold_every_mart(built):
    pipeline, _ = built
    marts = marts_snapshot(pipeline)
    files = {p.stem: p for p in pipeline.exports.glob("*.parquet")}
    assert set(files) == set(marts)
    for table, rows in marts.items():
        n = duckdb.execute("SELECT count(*) FROM read_parquet(?)", [str(files[table])]).fetchone()[0]
        assert n == len(rows), table


def test_parquet_exports_carry_table_and_column_descriptions(built):
    pipeline, _ = built
    con = duckdb.connect(str(pipeline.warehouse), read_only=True)
    try:
        for path in sorted(pipeline.exports.glob("*.parquet")):
            table = path.stem
            kv = dict(duckdb.execute(
                "SELECT decode(key), decode(value) FROM parquet_kv_metadata(?)", [str(path)]).fetchall())
            comment = con.execute(
                "SELECT comment FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = ?", [table]).fetchone()[0]
            assert kv["description"] == comment and comment.strip(), table
            columns = con.execute(
                "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = ? "
                "ORDER BY column_index", [table]).fetchall()
            assert json.loads(kv["column_descriptions"]) == dict(columns), table
            for name, text in columns:
                assert kv[f"description:{name}"] == text, (table, name)
            if table not in ("dim_metric", "derived_rate_rules"):
                assert all(text and text.strip() for _, text in columns), table
    finally:
        con.close()


OLD_CLIENT = textwrap.dedent(
    """
    import json, sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    tables = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts'").fetchone()[0]
    facts = con.execute("SELECT count(*) FROM marts.fct_metric_values").fetchone()[0]
    views = [r[0] for r in con.execute("SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
    for v in views:
        con.execute(f"SELECT count(*) FROM {v}").fetchone()
    # the declared keys, as a BI tool reads them
    keys = con.execute(\"\"\"
        SELECT table_name, constraint_type, constraint_column_names, referenced_table, referenced_column_names
        FROM duckdb_constraints()
        WHERE schema_name = 'marts' AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')
        ORDER BY ALL
    \"\"\").fetchall()
    print(json.dumps({"version": duckdb.__version__, "tables": tables, "facts": facts, "views": len(views),
                      "keys": [list(k) for k in keys]}))
    """
)

# What every mart declares (dbt contract constraints): primary key columns and
# {foreign key column: (referenced table, referenced column)}.
METRIC = ("dim_metric", "metric_code")
MART_KEYS = {
    "dim_region": (["region_code"], {}),
    "dim_report": (["report_id"], {"region_code": ("dim_region", "region_code")}),
    "dim_metric": (["metric_code"], {}),
    **{t: (["fact_id"], {"report_id": ("dim_report", "report_id"), "region_code": ("dim_region", "region_code"),
                         "metric_code": METRIC})
       for t in ("fct_cases", "fct_mediation", "fct_review_rates", "fct_metric_changes", "fct_context_figures")},
    "fct_metric_values": (["fact_id"], {"report_id": ("dim_report", "report_id"),
                                        "region_code": ("dim_region", "region_code"), "metric_code": METRIC,
                                        "numerator_metric": METRIC, "denominator_metric": METRIC,
                                        "original_metric_code": METRIC}),
    "fct_corrections": (["line_no"], {"report_id": ("dim_report", "report_id"), "original_metric_code": METRIC,
                                      "corrected_metric_code": METRIC}),
    "rpt_report_metrics_wide": (["report_id"], {"report_id": ("dim_report", "report_id"),
                                                "region_code": ("dim_region", "region_code")}),
}


@pytest.fixture(scope="module")
def duckdb_1x_python(tmp_path_factory) -> Path:
    """A Python with duckdb 1.x (PyPI wheel) in its own venv, for reading the published file as old clients do."""
    venv = tmp_path_factory.mktemp("duckdb1x") / "venv"
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True, capture_output=True)
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--only-binary", ":all:", "duckdb==1.5.6"],
        capture_output=True, text=True,
    )
    if install.returncode != 0:
        pytest.skip(f"could not install duckdb==1.5.6 into a separate venv: {install.stderr.strip()[-300:]}")
    return venv / "bin" / "python"


def read_with_1x_client(python: Path, warehouse: Path) -> dict:
    out = subprocess.run([str(python), "-c", OLD_CLIENT, str(warehouse)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_published_file_opens_with_a_duckdb_1x_client(built, duckdb_1x_python):
    pipeline, _ = built
    got = read_with_1x_client(duckdb_1x_python, pipeline.warehouse)
    assert got["version"].startswith("1.")
    assert got["tables"] >= 7
    assert got["facts"] == pipeline.query("SELECT count(*) FROM marts.fct_metric_values")[0][0]


def test_published_marts_declare_primary_and_foreign_keys_to_a_duckdb_1x_client(built, duckdb_1x_python):
    """BI tools find joins from the declared keys: every mart's grain key and every key to a dimension."""
    pipeline, _ = built
    got = read_with_1x_client(duckdb_1x_python, pipeline.warehouse)
    assert got["version"].startswith("1.")
    keys: dict[str, tuple[list[str], dict[str, tuple[str, str]]]] = {}
    for table, ctype, columns, referenced, ref_columns in got["keys"]:
        pk, fks = keys.setdefault(table, ([], {}))
        if ctype == "PRIMARY KEY":
            pk.extend(columns)
        else:
            fks.update({c: (referenced, r) for c, r in zip(columns, ref_columns, strict=False)})
    print("declared keys:", json.dumps(keys, ensure_ascii=False, indent=1))
    assert keys == MART_KEYS


README = Path(__file__).resolve().parents[2] / "README.md"


def readme_sql_statements() -> list[str]:
    blocks = re.findall(r"^```sql\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)
    return [st.query for block in blocks for st in duckdb.extract_statements(block)]


def test_readme_sql_examples_run(built):
    """Every ```sql block of the README runs against the published warehouse and returns rows."""
    pipeline, _ = built
    statements = readme_sql_statements()
    assert len(statements) >= 5
    con = duckdb.connect(str(pipeline.warehouse), read_only=True)
    try:
        for sql in statements:
            rows = con.execute(sql).fetchall()
            assert rows, f"README example returned no rows:\n{sql}"
    finally:
        con.close()


def _materialized(result, schema: str) -> list[str]:
    return [e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
            if e.asset_key.path[0] == schema]


def test_second_run_without_changes_is_identical_and_parses_nothing(built):
    pipeline, _ = built
    before = marts_snapshot(pipeline)
    published_before = file_digest(pipeline.warehouse)
    result = pipeline.run()
    assert result.success, step_failures(result)
    files = materialization_metadata(result, ["raw", "report_files"])
    assert (files["new"], files["changed"], files["removed"]) == (0, 0, 0)
    assert files["unchanged"] == files["files"]
    assert files["hashed_every_file"] is False
    assert materialization_metadata(result, ["staging", "documents"])["reports_parsed"] == 0
    assert marts_snapshot(pipeline) == before
    # Nothing was loaded since the offset checks last passed: nothing to re-check.
    sentences = check_metadata(result, "sentence_offsets_give_back_text")
    assert sentences["scope"].startswith("reports parsed since") and sentences["sentences"] == 0
    # The published warehouse was built from these very inputs: dbt and publish are skipped, the file untouched.
    assert _materialized(result, "marts") == [] and _materialized(result, "warehouse") == []
    skipped = {e.step_key for e in result.all_events if e.event_type_value == "STEP_SKIPPED"}
    assert "warehouse__published" in skipped
    assert file_digest(pipeline.warehouse) == published_before
    # Every check states a result: the dbt tests' are those of the build that made the published file.
    job = defs.resolve_job_def("fazhi_all")
    evaluations = {e.asset_check_key: e for e in result.get_asset_check_evaluations()}
    assert set(evaluations) == set(job.asset_layer.asset_graph.asset_check_keys)
    built_by = pipeline.query("SELECT run_id FROM staging.warehouse_build")[0][0]
    dbt_checks = [e for e in evaluations.values() if "unique_id" in e.metadata]
    assert dbt_checks and all(e.passed for e in dbt_checks)
    assert {e.metadata["fazhi/result_of_run"].value for e in dbt_checks} == {built_by}


def test_dbt_tests_report_as_checks_or_plain_source_observations(built):
    """No dbt test is left to dagster-dbt's warning that indirect selection ran it."""
    pipeline, result = built
    checks = {e.check_name for e in result.get_asset_check_evaluations()}
    assert {"assert_rates_within_0_100", "assert_metric_codes_in_catalog"} <= checks  # singular, several models
    observations = [
        e.event_specific_data.asset_observation for e in result.all_events if e.event_type_value == "ASSET_OBSERVATION"
    ]
    assert observations and all(o.description.endswith("(dbt test on this source: pass)") for o in observations)
    assert {o.asset_key.path[0] for o in observations} == {"raw", "staging"}, [(o.asset_key, o.metadata.get("dbt_test")) for o in observations if o.asset_key.path[0] == "marts"]
    messages = [r.user_message for r in pipeline.instance.all_logs(result.run_id)]
    assert not [m for m in messages if "instead of an `AssetCheckResult`" in m]


def test_dbt_tables_carry_their_row_counts(built):
    pipeline, result = built
    for key in (["marts", "fct_cases"], ["marts", "dim_metric"], ["staging", "int_rates_derived"]):
        rows = pipeline.query(f"SELECT count(*) FROM {key[0]}.{key[1]}", db=pipeline.work_db)[0][0]
        assert materialization_metadata(result, key)["dagster/row_count"] == rows, key


def test_scheduled_run_hashes_every_file_and_skips_when_nothing_changed(built):
    # Issue 11, case 6: the nightly run is where an edit no stat shows is caught.
    from fazhi_pipeline.definitions import defs

    pipeline, _ = built
    published_before = file_digest(pipeline.warehouse)
    result = defs.resolve_job_def("fazhi_all").execute_in_process(
        instance=pipeline.instance, raise_on_error=False, tags={"dagster/schedule_name": "fazhi_daily"})
    assert result.success, step_failures(result)
    files = materialization_metadata(result, ["raw", "report_files"])
    assert files["hashed_every_file"] is True and files["read"] == files["files"]
    assert files["unchanged"] == files["files"]
    assert _materialized(result, "warehouse") == [] and file_digest(pipeline.warehouse) == published_before


def test_forced_build_runs_dbt_and_publishes_the_same_marts(built, monkeypatch):
    pipeline, _ = built
    before = marts_snapshot(pipeline)
    monkeypatch.setenv("FAZHI_FORCE_BUILD", "1")
    result = pipeline.run()
    assert result.success, step_failures(result)
    assert "marts/fct_metric_values" in _materialized(result, "marts")
    assert _materialized(result, "warehouse") == ["warehouse/published"]
    assert marts_snapshot(pipeline) == before
    # Issue 11, case 6: a forced build trusts no stat, it reads and hashes every file.
    files = materialization_metadata(result, ["raw", "report_files"])
    assert files["hashed_every_file"] is True and files["read"] == files["files"]


def test_published_file_changed_in_place_is_rebuilt(built):
    # Issue 11, case 7: rows deleted through a read-write handle, and a stale WAL
    # left beside the file; the fingerprint inside it still matched, so runs skipped.
    pipeline, _ = built
    before = marts_snapshot(pipeline)
    con = duckdb.connect(str(pipeline.warehouse))
    con.execute("DELETE FROM marts.fct_metric_values")
    con.close()
    Path(f"{pipeline.warehouse}.wal").write_bytes(b"\0" * 4096)
    result = pipeline.run()
    assert result.success, step_failures(result)
    assert _materialized(result, "warehouse") == ["warehouse/published"]
    assert not Path(f"{pipeline.warehouse}.wal").exists()
    assert marts_snapshot(pipeline) == before


def test_truncated_work_db_is_moved_aside_and_rebuilt(built):
    # Issue 11, case 8: every run failed with an IO error until the file was deleted by hand.
    pipeline, _ = built
    before = {t: pipeline.query(f'SELECT * FROM marts.{t} ORDER BY ALL') for t in FACT_TABLES}
    events_before = pipeline.query("SELECT * FROM raw.file_events ORDER BY ALL")
    # Cut just past DuckDB's three header blocks, so the catalog they point to is gone whatever
    # the layout (a cut at half the size could leave every block this run reads intact).
    size = 3 * 4096 + 4096
    with pipeline.work_db.open("r+b") as handle:
        handle.truncate(size)
    result = pipeline.run()
    assert result.success, step_failures(result)
    aside = list(pipeline.work_db.parent.glob(f"{pipeline.work_db.name}.damaged-*"))
    assert len(aside) == 1 and aside[0].stat().st_size == size
    assert {t: pipeline.query(f'SELECT * FROM marts.{t} ORDER BY ALL') for t in FACT_TABLES} == before
    # The history of files seen came back from the published warehouse; this run logged every file anew.
    events = pipeline.query("SELECT * FROM raw.file_events ORDER BY ALL")
    assert set(events_before) <= set(events)
    files = materialization_metadata(result, ["raw", "report_files"])
    assert files["new"] == files["files"]


def test_first_build_checks_every_reports_offsets(built):
    pipeline, result = built
    sentences = check_metadata(result, "sentence_offsets_give_back_text")
    assert sentences["scope"] == "all reports"
    assert sentences["sentences"] == pipeline.query("SELECT count(*) FROM staging.sentences")[0][0] > 0


READER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    q = "SELECT count(*), (SELECT count(*) FROM marts.fct_metric_values) FROM marts.dim_report"
    print(*con.execute(q).fetchone(), flush=True)
    sys.stdin.readline()  # hold the file open until the parent has rebuilt it
    print(*con.execute(q).fetchone(), flush=True)
    """
)
COUNTS = "SELECT count(*), (SELECT count(*) FROM marts.fct_metric_values) FROM marts.dim_report"


def test_added_file_is_the_only_one_parsed_while_open_readers_keep_old_data(built):
    pipeline, _ = built
    old_counts = pipeline.query(COUNTS)[0]
    held = duckdb.connect(str(pipeline.warehouse), read_only=True)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(pipeline.warehouse)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert tuple(int(x) for x in reader.stdout.readline().split()) == old_counts
        added = new_report(pipeline, "zz_added_report.txt")
        result = pipeline.run()
        assert result.success, step_failures(result)

        files = materialization_metadata(result, ["raw", "report_files"])
        assert (files["new"], files["changed"], files["removed"]) == (1, 0, 0)
        assert materialization_metadata(result, ["staging", "documents"])["reports_parsed"] == 1

        # Readers that had the file open still see the old, consistent warehouse.
        assert held.execute(COUNTS).fetchone() == old_counts
        out, _ = reader.communicate("\n", timeout=60)
        assert tuple(int(x) for x in out.split()) == old_counts
    finally:
        held.close()
        if reader.poll() is None:
            reader.kill()
    # A new connection sees the new report.
    report_id = file_digest(added)[:16]
    # The offset checks verified the added report's spans only.
    sentences = check_metadata(result, "sentence_offsets_give_back_text")
    facts = check_metadata(result, "fact_offsets_give_back_figure")
    assert sentences["scope"].startswith("reports parsed since") and sentences["mismatched"] == 0
    q = "SELECT count(*) FROM staging.{} WHERE report_id = ?"
    assert sentences["sentences"] == pipeline.query(q.format("sentences"), [report_id])[0][0] > 0
    assert facts["facts"] == pipeline.query(q.format("facts"), [report_id])[0][0] > 0
    new_counts = pipeline.query(COUNTS)[0]
    assert new_counts[0] == old_counts[0] + 1
    assert pipeline.query("SELECT source_file FROM marts.dim_report WHERE report_id = ?", [report_id]) == [
        ("zz_added_report.txt",)
    ]
    fresh = subprocess.run(
        [sys.executable, "-c", f"import duckdb; print(duckdb.connect({str(pipeline.warehouse)!r}, read_only=True)"
         f".execute({COUNTS!r}).fetchone()[0])"],
        capture_output=True, text=True, check=True,
    )
    assert int(fresh.stdout) == new_counts[0]


def test_removed_file_drops_out_of_the_marts(built):
    pipeline, _ = built
    victim = sorted(pipeline.reports.glob("*.txt"))[-1]
    report_id = file_digest(victim)[:16]
    assert pipeline.query("SELECT count(*) FROM marts.dim_report WHERE report_id = ?", [report_id])[0][0] == 1
    victim.unlink()
    result = pipeline.run()
    assert result.success, step_failures(result)
    assert materialization_metadata(result, ["raw", "report_files"])["removed"] == 1
    assert pipeline.query("SELECT count(*) FROM raw.report_files WHERE source_file = ?", [victim.name])[0][0] == 0
    for table in ["dim_report", *FACT_TABLES]:
        n = pipeline.query(f"SELECT count(*) FROM marts.{table} WHERE report_id = ?", [report_id])[0][0]
        assert n == 0, table
    events = pipeline.query("SELECT event FROM raw.file_events WHERE source_file = ? ORDER BY event_at", [victim.name])
    assert events[-1] == ("removed",)


def test_failed_dbt_build_leaves_the_published_warehouse_unchanged(built):
    pipeline, _ = built
    before_digest = file_digest(pipeline.warehouse)
    before_exports = {p.name: file_digest(p) for p in pipeline.exports.glob("*.parquet")}
    # A document restated under an id it already has: dbt's uniqueness tests must stop the build.
    con = duckdb.connect(str(pipeline.work_db))
    try:
        con.execute("INSERT INTO staging.documents SELECT * FROM staging.documents LIMIT 1")
        broken = con.execute("SELECT report_id FROM staging.documents GROUP BY 1 HAVING count(*) > 1").fetchall()
    finally:
        con.close()
    assert len(broken) == 1
    result = pipeline.run()
    assert not result.success
    failed = step_failures(result)
    assert any(f.startswith("fazhi_dbt") for f in failed), failed
    assert file_digest(pipeline.warehouse) == before_digest
    assert {p.name: file_digest(p) for p in pipeline.exports.glob("*.parquet")} == before_exports
    assert not list(pipeline.warehouse.parent.glob(".fazhi.duckdb.*"))  # no temp copy left behind

    # Repair: drop the restated rows; the report is parsed again and the warehouse publishes.
    con = duckdb.connect(str(pipeline.work_db))
    try:
        con.execute("DELETE FROM staging.documents WHERE report_id = ?", [broken[0][0]])
    finally:
        con.close()
    result = pipeline.run()
    assert result.success, step_failures(result)
    assert materialization_metadata(result, ["staging", "documents"])["reports_parsed"] == 1
