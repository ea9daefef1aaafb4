"""The offset checks slice the original text in Python, a chunk of reports at a time."""
from __future__ import annotations

from datetime import UTC

import duckdb
import pytest

from fazhi_pipeline import checks
from fazhi_pipeline.checks import _spans_not_given_back


@pytest.mark.parametrize("per_chunk", [1, 2, 500])
def test_offsets_are_checked_against_each_reports_own_text(monkeypatch, per_chunk):
    monkeypatch.setattr(checks, "_REPORTS_PER_CHUNK", per_chunk)
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA staging")
    con.execute("CREATE TABLE raw.report_files (report_id VARCHAR, status VARCHAR, text VARCHAR)")
    con.execute("INSERT INTO raw.report_files VALUES ('a', 'accepted', '受理案件57件。'), "
                "('b', 'accepted', repeat('审结42件,', 100000)), ('c', 'rejected', NULL)")
    con.execute("CREATE TABLE staging.facts (report_id VARCHAR, fact_id VARCHAR, char_start BIGINT, "
                "char_length BIGINT, figure_text VARCHAR)")
    con.execute("INSERT INTO staging.facts VALUES ('a', 'a:0', 5, 3, '57件'), "
                "('b', 'b:0', 599997, 3, '42件'), "  # deep inside the long text, right
                "('b', 'b:1', 599998, 3, '42件'), "  # off by one
                "('c', 'c:0', 1, 3, '57件'), "  # its file is not accepted
                "(NULL, 'x:0', 1, 3, '57件')")  # no report at all
    total, bad = _spans_not_given_back(con, "facts", "fact_id")
    assert (total, bad) == (5, ["b:1", "c:0", "x:0"])


def test_with_since_only_reports_parsed_after_it_are_checked():
    from datetime import datetime

    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA staging")
    con.execute("CREATE TABLE raw.report_files (report_id VARCHAR, status VARCHAR, text VARCHAR)")
    con.execute("INSERT INTO raw.report_files VALUES ('a', 'accepted', '受理案件57件。'), ('b', 'accepted', '审结42件。')")
    con.execute("CREATE TABLE staging.facts (report_id VARCHAR, fact_id VARCHAR, char_start BIGINT, "
                "char_length BIGINT, figure_text VARCHAR)")
    con.execute("INSERT INTO staging.facts VALUES ('a', 'a:0', 1, 3, '57件'), ('b', 'b:0', 3, 3, '42件'), "
                "('b', 'b:1', 1, 3, '42件')")  # a:0 and b:1 are wrong
    con.execute("CREATE TABLE staging.parse_log (report_id VARCHAR, parsed_at TIMESTAMPTZ)")
    con.execute("INSERT INTO staging.parse_log VALUES ('a', '2026-01-01 00:00:00+00'), ('b', '2026-03-01 00:00:00+00')")
    since = datetime(2026, 2, 1, tzinfo=UTC)
    assert _spans_not_given_back(con, "facts", "fact_id", since) == (2, ["b:1"])
    assert _spans_not_given_back(con, "facts", "fact_id") == (3, ["a:0", "b:1"])
    later = datetime(2026, 4, 1, tzinfo=UTC)
    assert _spans_not_given_back(con, "facts", "fact_id", later) == (0, [])
