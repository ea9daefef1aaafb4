"""The source manifest over the fixture work database: dim_report's source columns and the rows reported.

One `dbt build` over the fixture plus a manifest that cites report A on an
official site, report B on an aggregator's copy, and holds a row for a
duplicate file, one for a file not in the folder, a second row for report A,
a row naming no file and a malformed URL. The build passes and warns.
"""
from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import pytest

import fixture_warehouse as fx  # tests/dbt is on sys.path (rootdir-less test dirs)
from fazhi_site import sources as fz_sources
from test_dbt_build import failed_nodes, run_dbt

pytestmark = pytest.mark.integration

A, B = fx.REPORT_A, fx.REPORT_B
MIRROR = fx.OTHER_FILES[0]["source_file"]

ROWS = [
    # line, file, url, title, published_at, fetched_at
    (2, A.source_file, "https://www.liuyang.gov.cn/xxgk/fzzfjs/202403/t20240320_1.html", A.title, "2024-03-20",
     "2024-04-02T10:15:00+08:00"),
    (3, B.source_file, "https://www.sohu.com/a/768512345_121106842", B.title, "2025年2月28日", None),
    (4, MIRROR, "http://www.hunan.gov.cn/mirror.html", None, None, None),  # a duplicate file: not in dim_report
    (5, "2023/gone.txt", "http://www.gov.cn/gone.html", None, None, None),
    (6, A.source_file, "http://www.gov.cn/again.html", None, None, None),  # A again: the first line wins
    (7, None, "http://www.gov.cn/orphan.html", "无文件", None, None),
    (8, "scan.pdf", "www.liuyang.gov.cn/scan.pdf", None, "sometime", None),  # no scheme, unreadable date
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("dbt_sources")
    db = fx.build_fixture_work_db(scratch / ".work" / "fazhi.duckdb")
    rows = [dict(zip(("line_no", *fz_sources.COLUMNS), r, strict=False), sources_file="sources.csv") for r in ROWS]
    con = duckdb.connect(str(db))
    try:
        frame = fz_sources.frame(rows, datetime.now(UTC))  # noqa: F841 - read by DuckDB
        con.execute("insert into raw.sources by name select * from frame")
    finally:
        con.close()
    return {"db": db, "result": run_dbt(["build"], db, scratch)}


@pytest.fixture
def con(built):
    c = duckdb.connect(str(built["db"]), read_only=True)
    yield c
    c.close()


def test_build_passes_and_warns_about_the_manifest(built):
    result = built["result"]
    assert result.success, failed_nodes(result)
    statuses = {r.node.name: str(r.status) for r in result.result.results}
    assert statuses["assert_sources_manifest_matches"] == "warn"


def test_dim_report_carries_the_source_of_each_report(con):
    rows = con.execute(
        "select source_file, source_url, source_title, published_at, fetched_at, source_host, is_official_domain "
        "from marts.dim_report order by source_file"
    ).fetchall()
    assert rows == [
        (A.source_file, "https://www.liuyang.gov.cn/xxgk/fzzfjs/202403/t20240320_1.html", A.title, date(2024, 3, 20),
         datetime(2024, 4, 2, 2, 15, tzinfo=UTC), "www.liuyang.gov.cn", True),
        (B.source_file, "https://www.sohu.com/a/768512345_121106842", B.title, date(2025, 2, 28), None,
         "www.sohu.com", False),
    ]


def test_every_problem_row_is_reported(con):
    problems = dict(con.execute(
        "select line_no, problem from staging.int_report_sources where problem is not null order by line_no"
    ).fetchall())
    assert sorted(problems) == [5, 6, 7, 8]
    assert problems[5].startswith("file_not_found: no file 2023/gone.txt")
    assert problems[6] == f"duplicate_file: line 2 already gives {A.source_file}"
    assert problems[7].startswith("no_file:")
    assert problems[8] == ("malformed_url: not an http:// or https:// URL: www.liuyang.gov.cn/scan.pdf; "
                           "unreadable_date: published_at sometime")
    warned = con.execute("select count(*) from staging.int_report_sources where problem is null").fetchone()[0]
    assert warned == 3  # A, B and the mirror (a duplicate file is in the folder: not a problem)


def test_rows_of_files_not_accepted_reach_no_report(con):
    assert con.execute(
        "select line_no, file_status, report_id from staging.int_report_sources where line_no in (4, 8) order by 1"
    ).fetchall() == [(4, "duplicate", None), (8, "rejected", None)]
