"""The source manifest end to end through the job (tests/site/conftest.py's `reviewed`: a copy of seeds/ plus
a sources.csv): dim_report's source columns, the rows reported, make run's summary and the report page."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

pytestmark = pytest.mark.integration

SOURCE_COLUMNS = "source_url, source_title, published_at, fetched_at, source_host, is_official_domain"


def source_of(p, report_id):
    return p.query(f"select {SOURCE_COLUMNS} from marts.dim_report where report_id = ?", [report_id])[0]


def test_the_manifest_is_not_read_as_a_report(reviewed):
    assert reviewed.pipeline.query(
        "select count(*) from raw.report_files where source_file = 'sources.csv'"
    ) == [(0,)]
    assert reviewed.pipeline.query("select count(*) from raw.sources") == [(6,)]


def test_dim_report_cites_the_official_copy(reviewed):
    official = reviewed.cited["official"]
    assert official["url"].startswith("https://sft.hunan.gov.cn/")
    assert source_of(reviewed.pipeline, official["report_id"]) == (
        official["url"], "2023年法治政府建设年度报告", date(2024, 3, 20), datetime(2024, 4, 2, 2, 15, tzinfo=UTC),
        "sft.hunan.gov.cn", True,
    )


def test_dim_report_flags_the_aggregators_copy(reviewed):
    aggregator = reviewed.cited["aggregator"]
    assert source_of(reviewed.pipeline, aggregator["report_id"]) == (
        aggregator["url"], "转载: 法治政府建设年度报告", date(2024, 3, 22), datetime(2024, 4, 2, tzinfo=UTC),
        "www.sohu.com", False,
    )


def test_a_malformed_url_is_kept_as_written_and_not_official(reviewed):
    malformed = reviewed.cited["malformed"]
    assert source_of(reviewed.pipeline, malformed["report_id"]) == (malformed["url"], None, None, None, None, False)


def test_reports_the_manifest_does_not_name_have_no_source(reviewed):
    cited = {c["report_id"] for c in reviewed.cited.values()}
    rows = reviewed.pipeline.query(f"select report_id, {SOURCE_COLUMNS} from marts.dim_report")
    others = [r for r in rows if r[0] not in cited]
    assert others and all(r[1:] == (None,) * 6 for r in others)


def test_every_problem_row_is_reported_and_the_run_goes_on(reviewed):
    p = reviewed.pipeline
    official_file = reviewed.cited["official"]["source_file"]
    malformed_url = reviewed.cited["malformed"]["url"]
    problems = p.query(
        "select line_no, problem from staging.int_report_sources where problem is not null order by line_no"
    )
    assert problems == [
        (4, "file_not_found: no file 2019/gone.txt in the reports folder"),
        (5, f"duplicate_file: line 2 already gives {official_file}"),
        (6, "no_file: the row names no file"),
        (7, f"malformed_url: not an http:// or https:// URL: {malformed_url}"),
    ]
    second = reviewed.results[1]
    warned = [e for e in second.get_asset_check_evaluations() if e.check_name == "assert_sources_manifest_matches"]
    assert [(e.passed, e.severity.value) for e in warned] == [(False, "WARN")]


def test_make_runs_summary_lists_the_manifest(reviewed):
    from fazhi_pipeline import cli

    text = cli.summary(reviewed.pipeline.warehouse)
    assert (f"source manifest ({reviewed.sources}): 6 rows, 3 reports cited "
            "(1 on official government domains, 2 elsewhere), 4 rows with problems") in text
    assert "  source manifest line 4: file_not_found: no file 2019/gone.txt in the reports folder" in text
    assert "  source manifest line 6: no_file: the row names no file" in text


def test_report_pages_link_the_source_and_say_whether_it_is_official(reviewed):
    pages = {kind: (reviewed.site / "reports" / f"{c['report_id']}.html").read_text(encoding="utf-8")
             for kind, c in reviewed.cited.items()}
    assert f'<a class="source-url" href="{reviewed.cited["official"]["url"]}"' in pages["official"]
    assert '<span class="official yes">是 <small>sft.hunan.gov.cn</small>' in pages["official"]
    assert f'<a class="source-url" href="{reviewed.cited["aggregator"]["url"]}"' in pages["aggregator"]
    assert '<span class="official no">否 <small>www.sohu.com</small>' in pages["aggregator"]
    assert "source-url" not in pages["malformed"] and "(网址格式有误)" in pages["malformed"]
