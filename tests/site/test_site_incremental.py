"""The site is built incrementally: only pages whose inputs changed are rendered, and the result is
byte-identical to a full build of the same warehouse.

The warehouse is a writable copy of the one `reviewed` (tests/site/conftest.py) published; a change
(a corrected figure, a removed report, an edited text) is made to it with SQL, as a pipeline run
would leave it, so each test sees exactly which pages should change.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from fazhi_site import build

pytestmark = pytest.mark.integration

VOLATILE = {"build.json": ("built_at",)}  # the only bytes a build of the same warehouse may change


def tree(site: Path) -> dict[str, bytes]:
    """Every file of a site by relative path, the volatile fields blanked."""
    out = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        data = path.read_bytes()
        if rel in VOLATILE:
            doc = json.loads(data)
            for key in VOLATILE[rel]:
                doc.pop(key, None)
            data = json.dumps(doc, sort_keys=True).encode()
        out[rel] = data
    return out


def assert_same_site(a: Path, b: Path) -> None:
    ta, tb = tree(a), tree(b)
    assert sorted(ta) == sorted(tb), set(ta) ^ set(tb)
    differ = [rel for rel in ta if ta[rel] != tb[rel]]
    assert differ == [], f"files differ between the two builds: {differ}"


def inodes(site: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in (site / "reports").glob("*.html")}


@pytest.fixture
def warehouse(reviewed, tmp_path) -> Path:
    """A writable copy of the reviewed warehouse."""
    path = tmp_path / "wh" / "fazhi.duckdb"
    path.parent.mkdir()
    shutil.copyfile(reviewed.pipeline.warehouse, path)
    return path


def change(warehouse: Path, *statements: tuple[str, list]) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        for sql, params in statements:
            con.execute(sql, params)
    finally:
        con.close()


def remove_report(warehouse: Path, report_id: str) -> None:
    """The report gone from the marts, as a run after its file left the folder leaves them (children first)."""
    con = duckdb.connect(str(warehouse))
    try:
        children = [r[0] for r in con.execute(
            "select distinct schema_name || '.' || table_name from duckdb_constraints() "
            "where constraint_type = 'FOREIGN KEY' and constraint_text like '%REFERENCES marts.dim_report(%'"
        ).fetchall()]
        for table in [*children, "marts.dim_report"]:
            con.execute(f"delete from {table} where report_id = ?", [report_id])
    finally:
        con.close()


def stated_figure(warehouse: Path) -> tuple:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "select report_id, char_start, char_length, value from marts.fct_metric_values "
            "where source = 'stated' order by report_id, char_start limit 1"
        ).fetchall()[0]
    finally:
        con.close()


def report_ids(warehouse: Path) -> list[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [r[0] for r in con.execute("select report_id from marts.dim_report order by report_id").fetchall()]
    finally:
        con.close()


def test_nothing_rendered_when_nothing_changed(warehouse, tmp_path):
    site = tmp_path / "site"
    first = build.build_site(warehouse, site)
    assert first.full and first.rendered == first.pages == len(report_ids(warehouse)) > 0
    before, files = inodes(site), tree(site)
    again = build.build_site(warehouse, site)
    assert not again.full and again.rendered == 0 and again.pages == first.pages
    assert again.figures == first.figures
    assert inodes(site) == before, "every page is the previous build's file (a hard link), not a rewrite"
    assert tree(site) == files


def test_corrected_figure_renders_its_page_only(warehouse, tmp_path):
    site = tmp_path / "site"
    build.build_site(warehouse, site)
    before = inodes(site)
    report_id, start, length, value = stated_figure(warehouse)
    change(warehouse, (
        "update marts.fct_metric_values set source = 'corrected', value = ?, correction_action = 'revalue', "
        "correction_reason = '数值有误', corrected_by = '测试' "
        "where report_id = ? and char_start = ? and char_length = ? and source = 'stated'",
        [value + 4321, report_id, start, length],
    ))
    summary = build.build_site(warehouse, site)
    assert summary.rendered == 1 and not summary.full
    after = inodes(site)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {f"{report_id}.html"}
    page = (site / "reports" / f"{report_id}.html").read_text(encoding="utf-8")
    assert f'id="f-{start}-{length}" class="fig k-corrected' in page and "数值有误" in page
    full = build.build_site(warehouse, tmp_path / "full", full=True)
    assert full.full and full.rendered == full.pages
    assert_same_site(site, tmp_path / "full")


def test_removed_report_page_disappears(warehouse, tmp_path):
    site = tmp_path / "site"
    build.build_site(warehouse, site)
    gone = report_ids(warehouse)[0]
    assert (site / "reports" / f"{gone}.html").is_file()
    remove_report(warehouse, gone)
    summary = build.build_site(warehouse, site)
    assert summary.rendered == 0 and summary.pages == len(report_ids(warehouse))
    assert not (site / "reports" / f"{gone}.html").exists()
    assert gone not in (site / "assets" / "reports.js").read_text(encoding="utf-8")
    assert gone not in json.loads((site / build.MANIFEST).read_text(encoding="utf-8"))["pages"]
    build.build_site(warehouse, tmp_path / "full", full=True)
    assert_same_site(site, tmp_path / "full")


def test_incremental_from_an_older_site_equals_a_full_build(warehouse, tmp_path):
    """Build A (full) and B (incremental, from the site of an older warehouse) of the same warehouse: identical."""
    older = tmp_path / "older"
    build.build_site(warehouse, older)
    ids = report_ids(warehouse)
    report_id, start, length, value = stated_figure(warehouse)
    change(
        warehouse,
        # a revalued figure, an edited text (same length: the offsets still hold); then a removed
        # report and a renamed metric (every page's hover text): each its own kind of input
        ("update marts.fct_metric_values set value = ? where report_id = ? and char_start = ? and char_length = ?",
         [value + 1, report_id, start, length]),
        ("update raw.report_files set text = '〇' || substr(text, 2) where report_id = ? and status = 'accepted'",
         [ids[-1]]),
    )
    remove_report(warehouse, ids[1])
    b = tmp_path / "b"
    shutil.copytree(older, b)
    incremental = build.build_site(warehouse, b)
    assert not incremental.full and incremental.rendered == 2
    a = tmp_path / "a"
    full = build.build_site(warehouse, a, full=True)
    assert full.rendered == full.pages == len(ids) - 1
    assert_same_site(a, b)
    # the metric catalog is shown on every page: a new label renders them all, identical again
    change(warehouse, ("update marts.dim_metric set label_zh = label_zh || '(新)'", []))
    assert build.build_site(warehouse, b).rendered == len(ids) - 1
    build.build_site(warehouse, a, full=True)
    assert_same_site(a, b)


def test_missing_or_foreign_manifest_means_a_full_build(warehouse, tmp_path):
    site = tmp_path / "site"
    build.build_site(warehouse, site)
    manifest = site / build.MANIFEST
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**doc, "code": "another version"}), encoding="utf-8")
    assert build.build_site(warehouse, site).full  # the code changed: pages may look different
    manifest.unlink()
    assert build.build_site(warehouse, site).full
    manifest.write_text("{not json", encoding="utf-8")
    assert build.build_site(warehouse, site).full
    # a page lost from the folder is rendered again even though the manifest lists it
    some = sorted((site / "reports").glob("*.html"))[0]
    some.unlink()
    summary = build.build_site(warehouse, site)
    assert summary.rendered == 1 and some.is_file()


def test_pipeline_site_equals_a_full_build(reviewed, tmp_path):
    """The job's second run built its site incrementally from the first run's: the same as a full build."""
    full = build.build_site(reviewed.pipeline.warehouse, tmp_path / "full", full=True)
    assert full.pages > 0
    assert_same_site(reviewed.site, tmp_path / "full")
