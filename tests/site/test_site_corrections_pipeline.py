"""Corrections end to end through the job: the file beside the reports changes the marts on the next run,
unmatched rows are reported, and the corrections survive a parser version bump."""
from __future__ import annotations

import logging

import pytest

pytestmark = pytest.mark.integration


def fmv(p, f):
    return p.query(
        "select metric_code, value, comparator, source, original_metric_code, original_value, correction_action, corrected_by "
        "from marts.fct_metric_values where report_id = ? and char_start = ? and char_length = ?",
        [f["report_id"], f["char_start"], f["char_length"]],
    )


def statuses(p):
    return {
        line: (status, why)
        for line, status, why in p.query("select line_no, status, unmatched_reason from marts.fct_corrections")
    }


def test_picked_figures_were_stated_before(reviewed):
    for action in ("reject", "relabel", "revalue"):
        assert [r[3] for r in reviewed.before[action]] == ["stated"], action
    assert reviewed.before["add"] == []


def test_reject_removes_the_figure(reviewed):
    p, f = reviewed.pipeline, reviewed.picked["reject"]
    assert fmv(p, f) == []
    # nor does it stay anywhere else a stated figure goes
    for table in ("marts.fct_cases", "marts.fct_mediation", "marts.fct_review_rates"):
        assert p.query(
            f"select count(*) from {table} where report_id = ? and char_start = ? and char_length = ?",
            [f["report_id"], f["char_start"], f["char_length"]],
        ) == [(0,)], table


def test_relabel_is_a_corrected_row_with_the_parsers_metric_kept(reviewed):
    p, f = reviewed.pipeline, reviewed.picked["relabel"]
    assert fmv(p, f) == [
        (f["new_metric"], f["value"], f["comparator"], "corrected", f["metric_code"], f["value"], "relabel", "张三")
    ]


def test_revalue_flows_into_its_fact_table_and_the_wide_view(reviewed):
    p, f = reviewed.pipeline, reviewed.picked["revalue"]
    assert fmv(p, f) == [
        (f["metric_code"], f["new_value"], f["comparator"], "corrected", f["metric_code"], f["value"], "revalue", "李四")
    ]
    (fact_table,) = p.query("select fact_table from marts.dim_metric where metric_code = ?", [f["metric_code"]])[0]
    value_column = {"fct_cases": "case_count", "fct_mediation": "value", "fct_review_rates": "rate_value"}[fact_table]
    assert p.query(
        f"select {value_column}, source from marts.{fact_table} where report_id = ? and char_start = ?",
        [f["report_id"], f["char_start"]],
    ) == [(f["new_value"], "corrected")]


def test_add_makes_a_figure_of_an_unclassified_one(reviewed):
    p, f = reviewed.pipeline, reviewed.picked["add"]
    assert fmv(p, f) == [(f["new_metric"], 777.0, "=", "corrected", None, None, "add", "李四")]
    column = f["new_metric"].replace(".", "_")
    assert p.query(f"select {column} from marts.rpt_report_metrics_wide where report_id = ?", [f["report_id"]]) == [(777.0,)]


def test_stale_corrections_are_reported_not_dropped(reviewed):
    p, lines = reviewed.pipeline, reviewed.line_of
    st = statuses(p)
    assert st[lines["stale_file"]] == ("unmatched", "report_not_found")
    assert st[lines["stale_text"]] == ("unmatched", "text_mismatch")
    assert all(st[lines[a]] == ("applied", None) for a in ("reject", "relabel", "revalue", "add"))
    run = reviewed.results[-1]
    # dbt's warning-level test, shown as a failed (WARN) check; the build and publish went on
    (evaluation,) = [e for e in run.get_asset_check_evaluations() if e.check_name == "assert_corrections_all_matched"]
    assert not evaluation.passed and evaluation.severity.value == "WARN"
    # and a warning in the run's log naming each line
    warnings = [
        e.user_message
        for e in p.instance.all_logs(run.run_id)
        if e.level == logging.WARNING and "matches nothing" in (e.user_message or "")
    ]
    assert any(f"line {lines['stale_file']} " in w for w in warnings), warnings
    assert any(f"line {lines['stale_text']} " in w for w in warnings), warnings


def test_stated_rows_exclude_every_corrected_span(reviewed):
    p = reviewed.pipeline
    for action in ("reject", "relabel", "revalue", "add"):
        f = reviewed.picked[action]
        assert p.query(
            "select count(*) from marts.fct_metric_values where source = 'stated' and report_id = ? and char_start = ?",
            [f["report_id"], f["char_start"]],
        ) == [(0,)], action


def test_corrections_file_is_not_a_report(reviewed):
    p = reviewed.pipeline
    assert p.query("select count(*) from raw.report_files where source_file = 'corrections.csv'") == [(0,)]


def test_site_was_built_with_the_corrections(reviewed):
    index = reviewed.site / "index.html"
    assert index.is_file()
    page = (reviewed.site / "reports" / f"{reviewed.picked['revalue']['report_id']}.html").read_text(encoding="utf-8")
    f = reviewed.picked["revalue"]
    assert f'id="f-{f["char_start"]}-{f["char_length"]}" class="fig k-corrected' in page
    assert "未匹配的更正 (2)" in index.read_text(encoding="utf-8")


def test_corrections_survive_a_parser_version_bump(reviewed, monkeypatch):
    """Every report is parsed again under a new version (fact ids may change); the corrections still apply."""
    import fazhi_parse.document
    import fazhi_parse.schema
    from fazhi_pipeline.assets import parse as parse_asset

    p = reviewed.pipeline
    before = {a: fmv(p, reviewed.picked[a]) for a in ("relabel", "revalue", "add")}
    old_statuses = statuses(p)
    bumped = parse_asset.PARSER_VERSION + "-bumped"
    for module in (parse_asset, fazhi_parse.document, fazhi_parse.schema):
        monkeypatch.setattr(module, "PARSER_VERSION", bumped)
    run = p.run()
    assert run.success
    reviewed.results.append(run)
    assert {v for (v,) in p.query("select distinct parser_version from marts.dim_report")} == {bumped}
    assert statuses(p) == old_statuses
    assert fmv(p, reviewed.picked["reject"]) == []
    for action, rows in before.items():
        assert fmv(p, reviewed.picked[action]) == rows, action
