"""Reviewers' corrections applied by dbt over the fixture work database.

One `dbt build` over the fixture plus a corrections file that rejects,
relabels, revalues and adds a figure and holds three rows that no longer
match; one more (only the checks of the file) over a malformed file, which
must fail.
"""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

import fixture_warehouse as fx  # tests/dbt is on sys.path (rootdir-less test dirs)
from fazhi_site import corrections as fz_corrections
from test_dbt_build import failed_nodes, run_dbt

pytestmark = pytest.mark.integration

A = fx.REPORT_A


def span(anchor: str, figure_text: str) -> tuple[int, int]:
    """1-based start and length of figure_text inside the unique anchor of report A."""
    at = A.text.index(anchor) + anchor.index(figure_text)
    return at + 1, len(figure_text)


def row(line_no: int, action: str, key: str, anchor: str, figure_text: str, **cells) -> dict:
    start, length = span(anchor, figure_text)
    return {
        "line_no": line_no, "action": action, "sha256": key, "char_start": str(start),
        "char_length": str(length), "figure_text": figure_text, "reason": "test", "reviewer": "tester",
        **{c: None for c in ("metric_code", "value", "comparator", "channel", "source_file")},
        "corrections_file": "corrections.csv", **cells,
    }


def write_corrections(db: Path, rows: list[dict]) -> None:
    con = duckdb.connect(str(db))
    try:
        frame = fz_corrections.frame(rows, datetime.now(UTC))  # noqa: F841 - read by DuckDB
        con.execute("delete from raw.corrections")
        con.execute("insert into raw.corrections by name select * from frame")
    finally:
        con.close()


def sha_of_a(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select sha256 from raw.report_files where source_file = ?", [A.source_file]
        ).fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("dbt_corrections")
    db = fx.build_fixture_work_db(scratch / ".work" / "fazhi.duckdb")
    sha = sha_of_a(db)
    write_corrections(db, [
        row(2, "reject", sha, "纠错率15%", "15%"),
        row(3, "relabel", sha, "排查矛盾纠纷2500余件", "2500余件", metric_code="mediation.disputes_mediated"),
        row(4, "revalue", sha[:16], "败诉4件", "4件", value="5"),  # the report_id works as key too
        row(5, "add", sha, "培训30余场", "30余场", metric_code="legal_aid.consultations", value="30",
            comparator=">="),
        row(6, "reject", "ab" * 32, "出庭应诉40件", "40件"),  # no such file
        {**row(7, "revalue", sha, "败诉4件", "4件", value="6"), "figure_text": "9件"},  # text moved on
        row(8, "reject", sha, "发布时间：2024", "2024"),  # no figure the parser classified
    ])
    result = run_dbt(["build"], db, scratch)
    return {"db": db, "result": result, "sha": sha}


@pytest.fixture
def con(corrected):
    c = duckdb.connect(str(corrected["db"]), read_only=True)
    yield c
    c.close()


def report_a_id(con) -> str:
    return con.execute("select report_id from marts.dim_report where source_file = ?", [A.source_file]).fetchone()[0]


def test_build_passes_and_warns_about_unmatched(corrected):
    result = corrected["result"]
    assert result.success, failed_nodes(result)
    statuses = {r.node.name: str(r.status) for r in result.result.results}
    assert statuses["assert_corrections_all_matched"] == "warn"
    assert statuses["assert_corrections_well_formed"] == "pass"


def test_every_correction_is_accounted_for(con):
    rows = con.execute(
        "select line_no, status, unmatched_reason, original_placement from marts.fct_corrections order by line_no"
    ).fetchall()
    assert rows == [
        (2, "applied", None, "stated"),
        (3, "applied", None, "stated"),
        (4, "applied", None, "stated"),
        (5, "applied", None, "unclassified"),
        (6, "unmatched", "report_not_found", None),
        (7, "unmatched", "text_mismatch", "stated"),
        (8, "unmatched", "no_fact_at_span", None),
    ]


def test_rejected_figure_leaves_every_mart(con):
    rid = report_a_id(con)
    start, _ = span("纠错率15%", "15%")
    assert con.execute(
        "select count(*) from marts.fct_metric_values where report_id = ? and char_start = ?", [rid, start]
    ).fetchone()[0] == 0
    assert con.execute(
        "select count(*) from marts.fct_review_rates where report_id = ? and metric_code = 'admin_review.correction_rate' "
        "and source in ('stated', 'corrected')", [rid]
    ).fetchone()[0] == 0
    # the rate derived from the counts (12 corrected) is still there, and is now the only one
    value, numerator, denominator = con.execute(
        "select rate_value, numerator, denominator from marts.fct_review_rates where report_id = ? "
        "and metric_code = 'admin_review.correction_rate' and source = 'derived'", [rid]
    ).fetchone()
    assert numerator == 12.0 and value == pytest.approx(round(1200 / denominator, 2))
    assert con.execute(
        "select admin_review_correction_rate from marts.rpt_report_metrics_wide where report_id = ?", [rid]
    ).fetchone()[0] is None


def test_relabelled_figure_is_corrected_with_the_original_kept(con):
    rid = report_a_id(con)
    rows = con.execute(
        "select metric_code, value, comparator, source, channel, original_metric_code, original_value, "
        "correction_action, corrected_by from marts.fct_metric_values where report_id = ? and figure_text = '2500余件'",
        [rid],
    ).fetchall()
    assert rows == [("mediation.disputes_mediated", 2500.0, ">=", "corrected", "general",
                     "mediation.disputes_screened", 2500.0, "relabel", "tester")]
    assert con.execute(
        "select source from marts.fct_mediation where report_id = ? and figure_text = '2500余件'", [rid]
    ).fetchall() == [("corrected",)]
    assert con.execute(
        "select count(*) from marts.fct_metric_values where report_id = ? and metric_code = 'mediation.disputes_screened'",
        [rid],
    ).fetchone()[0] == 0


def test_revalued_count_flows_into_cases_rates_and_wide(con):
    rid = report_a_id(con)
    assert con.execute(
        "select case_count, source from marts.fct_cases where report_id = ? and metric_code = 'admin_litigation.lost'",
        [rid],
    ).fetchall() == [(5.0, "corrected")]
    assert con.execute(
        "select value, original_value from marts.fct_metric_values where report_id = ? "
        "and metric_code = 'admin_litigation.lost'", [rid]
    ).fetchall() == [(5.0, 4.0)]
    numerator, value, denominator = con.execute(
        "select numerator, value, denominator from marts.fct_metric_values where report_id = ? "
        "and metric_code = 'admin_litigation.loss_rate' and source = 'derived'", [rid]
    ).fetchone()
    assert numerator == 5.0 and value == pytest.approx(round(500 / denominator, 2))
    assert con.execute(
        "select admin_litigation_lost from marts.rpt_report_metrics_wide where report_id = ?", [rid]
    ).fetchone()[0] == 5.0


def test_added_figure_appears(con):
    rid = report_a_id(con)
    start, length = span("培训30余场", "30余场")
    row = con.execute(
        "select fact_id, metric_code, value, comparator, source, original_metric_code, evidence, char_start, char_length "
        "from marts.fct_metric_values where report_id = ? and figure_text = '30余场'", [rid]
    ).fetchone()
    assert row[1:6] == ("legal_aid.consultations", 30.0, ">=", "corrected", None)
    assert "30余场" in row[6] and (row[7], row[8]) == (start, length)
    assert row[0] == f"corrected:{rid}:{start}+{length}"
    assert con.execute(
        "select legal_aid_consultations from marts.rpt_report_metrics_wide where report_id = ?", [rid]
    ).fetchone()[0] == 30.0


def test_stated_rows_stay_the_parsers_own(con):
    # the scorer reads source = 'stated': no corrected span keeps a stated row
    assert con.execute(
        """
        select count(*) from marts.fct_metric_values as m
        inner join marts.fct_corrections as c
            on c.report_id = m.report_id and c.char_start = m.char_start and c.char_length = m.char_length
        where c.status = 'applied' and m.source = 'stated'
        """
    ).fetchone()[0] == 0


def test_malformed_correction_fails_the_build(tmp_path):
    db = fx.build_fixture_work_db(tmp_path / ".work" / "fazhi.duckdb")
    sha = sha_of_a(db)
    write_corrections(db, [
        row(2, "delete", sha, "败诉4件", "4件"),  # unknown action
        row(3, "relabel", sha, "受理100件", "100件", metric_code="no.such_metric", reviewer=None),
        row(4, "revalue", sha, "审结80件，纠错", "80件", value="eighty"),
    ])
    result = run_dbt(["build", "--select", "+assert_corrections_well_formed"], db, tmp_path)
    assert not result.success
    failed = failed_nodes(result)
    assert any("assert_corrections_well_formed" in node for node in failed), failed
