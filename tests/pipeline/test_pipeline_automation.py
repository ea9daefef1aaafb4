"""The reports-folder sensor asks for a run on additions, changes and removals, and only then."""
from __future__ import annotations

import os
import shutil

import dagster as dg
import pytest
from conftest import SEEDS

from fazhi_pipeline.automation import reports_folder_sensor


@pytest.fixture
def reports(tmp_path, monkeypatch):
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    monkeypatch.setenv("FAZHI_REPORTS_DIR", str(folder))
    return folder


def evaluate(cursor):
    context = dg.build_sensor_context(cursor=cursor)
    result = reports_folder_sensor(context)
    return result, context.cursor


def test_first_look_requests_a_run_then_nothing_until_a_change(reports):
    first, cursor = evaluate(None)
    assert isinstance(first, dg.RunRequest)
    again, same_cursor = evaluate(cursor)
    assert isinstance(again, dg.SkipReason)
    assert same_cursor == cursor


def test_added_file_requests_one_run(reports):
    _, cursor = evaluate(None)
    (reports / "new_report.txt").write_text("某县人民政府关于2024年度法治政府建设情况的报告\n", encoding="utf-8")
    request, new_cursor = evaluate(cursor)
    assert isinstance(request, dg.RunRequest)
    assert request.tags["fazhi/files_added"] == "1"
    assert new_cursor != cursor
    assert isinstance(evaluate(new_cursor)[0], dg.SkipReason)


def test_changed_and_removed_files_request_runs(reports):
    _, cursor = evaluate(None)
    target = sorted(reports.iterdir())[0]
    stat = target.stat()
    target.write_bytes(target.read_bytes() + b"\n")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    request, cursor = evaluate(cursor)
    assert isinstance(request, dg.RunRequest) and request.tags["fazhi/files_changed"] == "1"
    target.unlink()
    request, _ = evaluate(cursor)
    assert isinstance(request, dg.RunRequest) and request.tags["fazhi/files_removed"] == "1"


def test_missing_folder_skips(tmp_path, monkeypatch):
    monkeypatch.setenv("FAZHI_REPORTS_DIR", str(tmp_path / "absent"))
    assert isinstance(evaluate(None)[0], dg.SkipReason)
