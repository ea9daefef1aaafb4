"""The code location loads and is wired the way the architecture says."""
from __future__ import annotations

import json

import dagster as dg
import polars as pl
import pytest

from fazhi_pipeline import automation, duck
from fazhi_pipeline.assets.dbt import dbt_project
from fazhi_pipeline.definitions import defs
from fazhi_pipeline.incremental import diff_files

FACT_TABLES = ["fct_metric_values", "fct_cases", "fct_mediation", "fct_review_rates"]
SOURCE_KEYS = [
    ["raw", "report_files"], ["raw", "divisions"], ["raw", "corrections"], ["raw", "sources"],
    ["staging", "documents"], ["staging", "sentences"], ["staging", "mentions"], ["staging", "facts"],
]


@pytest.fixture(scope="module")
def repo():
    return defs.get_repository_def()


def test_jobs_schedules_and_sensors_resolve(repo):
    assert defs.resolve_job_def("fazhi_all") is not None
    assert {s.name for s in repo.schedule_defs} == {"fazhi_daily"}
    assert {s.name for s in repo.sensor_defs} == {"fazhi_reports_folder"}
    assert repo.get_schedule_def("fazhi_daily").job_name == "fazhi_all"


def test_python_assets_carry_the_keys_dbt_sources_declare(repo):
    keys = repo.asset_graph.get_all_asset_keys()
    manifest = json.loads(dbt_project().manifest_path.read_text())
    declared = [
        src["meta"]["dagster"]["asset_key"] for src in manifest["sources"].values()
        if "dagster" in (src.get("meta") or {})
    ]
    assert sorted(declared) == sorted(SOURCE_KEYS)
    for key in SOURCE_KEYS:
        assert dg.AssetKey(key) in keys
        assert repo.asset_graph.get(dg.AssetKey(key)).is_materializable, key  # not an external stub


@pytest.mark.parametrize("table", FACT_TABLES)
def test_graph_runs_from_report_files_to_each_fact_table_and_publish(repo, table):
    graph = repo.asset_graph
    start = dg.AssetKey(["raw", "report_files"])
    downstream, frontier = set(), {start}
    while frontier:
        key = frontier.pop()
        for child in graph.get(key).child_keys:
            if child not in downstream:
                downstream.add(child)
                frontier.add(child)
    assert dg.AssetKey(["marts", table]) in downstream
    assert dg.AssetKey(["warehouse", "published"]) in downstream
    assert dg.AssetKey(["marts", table]) in graph.get(dg.AssetKey(["warehouse", "published"])).parent_keys


def test_every_duckdb_writer_is_in_the_pool_with_a_retry_policy(repo):
    job = defs.resolve_job_def("fazhi_all")
    writers = {"raw__report_files", "raw__divisions", "raw__sources", "parse_reports", "fazhi_dbt", "warehouse__published"}
    nodes = {node.name: node for node in job.graph.node_dict.values()}
    assert writers <= set(nodes)
    for name in writers:
        op = nodes[name].definition
        assert op.pool == "duckdb", name
        assert (nodes[name].retry_policy or op.retry_policy) is not None, name


def test_dbt_tests_are_asset_checks(repo):
    checks = {k.name for k in repo.asset_graph.asset_check_keys}
    assert "every_file_accounted_for" in checks
    assert "fact_offsets_give_back_figure" in checks
    assert any(name.startswith(("unique_", "not_null_")) for name in checks)


def test_diff_files_classifies_every_file():
    cols = ["source_file", "sha256", "status", "reason", "duplicate_of", "encoding", "report_id", "size_bytes"]
    old = pl.DataFrame(
        [
            ("a.txt", "1", "accepted", None, None, "utf-8", "1", 10),
            ("b.txt", "2", "accepted", None, None, "utf-8", "2", 10),
            ("c.txt", "3", "accepted", None, None, "gb18030", "3", 10),
            ("gone.txt", "4", "rejected", "empty: no bytes", None, None, None, 0),
        ],
        schema=cols, orient="row",
    )
    new = pl.DataFrame(
        [
            ("a.txt", "1", "accepted", None, None, "utf-8", "1", 10),
            ("b.txt", "9", "accepted", None, None, "utf-8", "9", 12),
            ("c.txt", "3", "duplicate", "duplicate: same text as a.txt", "a.txt", "gb18030", None, 10),
            ("d.txt", "5", "accepted", None, None, "utf-8", "5", 10),
        ],
        schema=cols, orient="row",
    )
    assert diff_files(old, new) == {
        "new": ["d.txt"], "changed": ["b.txt"], "restated": ["c.txt"], "unchanged": ["a.txt"], "removed": ["gone.txt"],
    }


def test_sensor_cursor_round_trips_and_compares():
    prints = {"a.txt": [10, 1], "sub/b.txt": [3, 2]}
    assert automation.decode_cursor(automation.encode_cursor(prints, 7)) == (prints, 7)
    assert automation.decode_cursor("not a cursor") is None
    after = {"a.txt": [10, 5], "c.txt": [1, 1]}
    assert automation.compare(prints, after) == {"added": ["c.txt"], "changed": ["a.txt"], "removed": ["sub/b.txt"]}


@pytest.mark.parametrize(
    "dtype, sql",
    [(pl.Utf8, "VARCHAR"), (pl.Int32, "INTEGER"), (pl.Int64, "BIGINT"), (pl.Int8, "TINYINT"),
     (pl.Float64, "DOUBLE"), (pl.Boolean, "BOOLEAN"), (pl.Date, "DATE"),
     (pl.Datetime("us", "UTC"), "TIMESTAMPTZ"), (pl.Datetime("us"), "TIMESTAMP")],
)
def test_schema_types_map_to_duckdb(dtype, sql):
    assert duck.sql_type(dtype) == sql


def test_dbt_builds_in_one_step_per_run():
    """Checks placed on the Python assets would split dbt into several `dbt build`s."""
    job = defs.resolve_job_def("fazhi_all")
    assert [name for name in job.graph.node_dict if name.startswith("fazhi_dbt")] == ["fazhi_dbt"]


@pytest.mark.parametrize(("env", "cores", "threads"), [(None, 2, "2"), (None, 16, "4"), (None, None, "1"), ("1", 8, "1")])
def test_dbt_build_threads_follow_the_cores_or_the_setting(monkeypatch, env, cores, threads):
    from fazhi_pipeline.assets.dbt import dbt_build_args

    monkeypatch.setattr("os.cpu_count", lambda: cores)
    if env is None:
        monkeypatch.delenv("FAZHI_DBT_THREADS", raising=False)
    else:
        monkeypatch.setenv("FAZHI_DBT_THREADS", env)
    args = dbt_build_args()
    assert args[0] == "build"
    assert args[args.index("--threads") + 1] == threads


@pytest.mark.parametrize("bad", ["0", "-2", "two", "1.5"])
def test_a_bad_dbt_thread_count_is_refused(monkeypatch, bad):
    from fazhi_pipeline import settings

    monkeypatch.setenv("FAZHI_DBT_THREADS", bad)
    with pytest.raises(ValueError, match="FAZHI_DBT_THREADS"):
        settings.dbt_threads()


def test_pipeline_builds_skip_unit_tests():
    """Unit tests check SQL logic (tests/dbt runs them); materializations test the data."""
    from fazhi_pipeline.assets.dbt import dbt_build_args

    args = dbt_build_args()
    assert args[args.index("--exclude-resource-type") + 1] == "unit_test"


def test_dbt_resource_knows_its_version_without_a_subprocess(monkeypatch):
    import subprocess

    from dbt.version import __version__

    from fazhi_pipeline.assets.dbt import dbt_resource

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"ran {args}")

    monkeypatch.setattr(subprocess, "check_output", no_subprocess)
    resource = dbt_resource()
    assert str(resource._cli_version) == __version__
    assert resource._initialize_dbt_core_adapter(["build"]) is None


def test_fresh_parse_state_is_handed_to_the_next_invocation(tmp_path):
    from fazhi_pipeline.assets.dbt import keep_partial_parse

    project_target, invocation = tmp_path / "target", tmp_path / "target" / "fazhi_dbt-abc-123"
    invocation.mkdir(parents=True)
    (project_target / "partial_parse.msgpack").write_bytes(b"old profile")
    assert not keep_partial_parse(invocation, project_target)  # dbt wrote none: keep the old one
    assert (project_target / "partial_parse.msgpack").read_bytes() == b"old profile"
    (invocation / "partial_parse.msgpack").write_bytes(b"this profile")
    assert keep_partial_parse(invocation, project_target)
    assert (project_target / "partial_parse.msgpack").read_bytes() == b"this profile"
    assert sorted(p.name for p in project_target.iterdir()) == ["fazhi_dbt-abc-123", "partial_parse.msgpack"]


def test_old_invocation_folders_are_pruned(tmp_path):
    import os

    from fazhi_pipeline.assets.dbt import prune_invocations

    for i in range(5):
        folder = tmp_path / f"fazhi_dbt-run{i}-x"
        folder.mkdir()
        (folder / "dbt.log").write_text("log")
        os.utime(folder, (1000 + i, 1000 + i))
    (tmp_path / "partial_parse.msgpack").write_bytes(b"state")
    removed = prune_invocations(tmp_path, keep=2)
    assert sorted(p.name for p in removed) == ["fazhi_dbt-run0-x", "fazhi_dbt-run1-x", "fazhi_dbt-run2-x"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fazhi_dbt-run3-x", "fazhi_dbt-run4-x", "partial_parse.msgpack"]


LAYERS = ["raw", "catalog", "staging", "intermediate", "marts", "published"]


def test_groups_read_left_to_right_in_the_lineage(repo):
    """No asset feeds one in a group to its left (the seed dim_metric in marts, read by staging, did)."""
    graph = repo.asset_graph
    keys = graph.get_all_asset_keys()
    assert {graph.get(k).group_name for k in keys} == set(LAYERS)
    backwards = [
        (parent.to_user_string(), key.to_user_string())
        for key in keys for parent in graph.get(key).parent_keys
        if LAYERS.index(graph.get(parent).group_name) > LAYERS.index(graph.get(key).group_name)
    ]
    assert backwards == []
    assert graph.get(dg.AssetKey(["staging", "metric_catalog"])).group_name == "catalog"
    assert graph.get(dg.AssetKey(["marts", "dim_metric"])).group_name == "marts"
    assert graph.get(dg.AssetKey(["staging", "int_rates_derived"])).group_name == "intermediate"


def test_dbt_checks_have_readable_names_and_say_what_they_assert(repo):
    graph = repo.asset_graph
    specs = {k: graph.get_check_spec(k) for k in graph.asset_check_keys}
    assert all(spec.description for spec in specs.values()), [k for k, s in specs.items() if not s.description]
    assert max(len(k.name) for k in specs) <= 80  # dbt's generated names ran to 150
    fct_cases = {k.name: s.description for k, s in specs.items() if k.asset_key == dg.AssetKey(["marts", "fct_cases"])}
    assert fct_cases["one_row_per__report_id__domain__stage__figure_rank"] == "One row per report_id, domain, stage, figure_rank."
    assert fct_cases["references__report_id__metric_code"] == (
        "Every report_id is in dim_report.report_id. Every metric_code is in dim_metric.metric_code.")
    assert fct_cases["assert_concluded_not_above_accepted"].startswith("Reconsideration cases concluded should not exceed")
    dbt_named = [s.metadata["dbt_test"] for s in specs.values() if "dbt_test" in s.metadata]
    assert "unique_combination_of_columns_fct_cases_report_id__domain__stage__figure_rank" in dbt_named


def test_dbt_assets_carry_no_unserializable_project_object(repo):
    """dagster-dbt puts a DbtProject passed to @dbt_assets in every asset's metadata ("[DbtProject] (unserializable)")."""
    metadata = repo.asset_graph.get(dg.AssetKey(["marts", "fct_cases"])).metadata
    assert "dagster_dbt/project" not in metadata
    assert not [k for k, v in metadata.items() if "unserializable" in str(getattr(v, "value", v))
                and k not in ("dagster_dbt/manifest", "dagster_dbt/dagster_dbt_translator")]  # these two the UI hides
