"""A warehouse built through the pipeline with a corrections file and a source manifest, and a headless Chromium.

`reviewed` (one per session, shared by the site's modules): the job runs on a
copy of seeds/; a corrections file is then written from what that run found
(a stated figure rejected, one relabelled, one revalued, a figure the parser
did not classify added, and two rows that match nothing), and a source
manifest (sources.csv: one report on a gov.cn site, one on an aggregator's,
one with a malformed URL, and rows for a missing file, a file named twice and
no file), and the job runs again. Corrections are chosen from the data, not hard-coded, so the tests
hold while the parser's rules change.

`browser`: Debian's Chromium (/usr/bin/chromium, installed by `make test`)
driven by Playwright; Playwright's own browser downloads are never used.
"""
from __future__ import annotations

import csv
import importlib.util
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from fazhi_site import corrections as fz_corrections

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _pipeline_helpers():
    """tests/pipeline/conftest.py's Pipeline and friends (conftest modules are not importable by name)."""
    spec = importlib.util.spec_from_file_location("fazhi_pipeline_test_helpers", REPO / "tests" / "pipeline" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


helpers = _pipeline_helpers()
Pipeline = helpers.Pipeline
step_failures = helpers.step_failures


@dataclass
class Reviewed:
    pipeline: Pipeline
    corrections: Path
    picked: dict  # action -> the figure it corrects (report_id, sha256, char_start, char_length, figure_text, ...)
    line_of: dict  # action or 'stale_*' -> line number in the corrections file
    before: dict  # what fct_metric_values said about each picked span before the corrections
    results: list  # every run's ExecuteInProcessResult
    sources: Path | None = None  # the source manifest
    cited: dict | None = None  # 'official', 'aggregator', 'malformed' -> report_id, source_file and url

    @property
    def site(self) -> Path:
        return self.pipeline.warehouse.parent / "site"


def _pick(p: Pipeline) -> dict:
    """Four different figures of the published warehouse: three stated ones and one the parser left unclassified."""
    stated = p.query(
        """
        select m.report_id, d.sha256, d.source_file, m.char_start, m.char_length, m.figure_text, m.metric_code,
               m.value, m.comparator
        from marts.fct_metric_values as m join marts.dim_report as d using (report_id)
        where m.source = 'stated'
        order by m.report_id, m.char_start
        """
    )
    names = ("report_id", "sha256", "source_file", "char_start", "char_length", "figure_text", "metric_code", "value", "comparator")
    stated = [dict(zip(names, r, strict=False)) for r in stated]
    # three stated figures from the report with the most (so one page shows all three kinds)
    by_report: dict[str, list] = {}
    for r in stated:
        by_report.setdefault(r["report_id"], []).append(r)
    report_rows = max(by_report.values(), key=len)
    assert len(report_rows) >= 4, "the samples should give a report with at least four stated figures"
    unclassified = p.query(
        """
        select n.report_id, d.sha256, d.source_file, n.char_start, n.char_length, n.figure_text, n.value
        from staging.mentions as n join marts.dim_report as d using (report_id)
        where n.report_id = ?
          and not exists (select 1 from staging.facts as f where f.report_id = n.report_id and f.mention_no = n.mention_no)
        order by n.char_start
        """,
        [report_rows[0]["report_id"]],
    )
    assert unclassified, "the report should have a figure the parser did not classify"
    add = dict(zip(("report_id", "sha256", "source_file", "char_start", "char_length", "figure_text", "value"), unclassified[-1], strict=False))
    present = {r["metric_code"] for r in report_rows}
    spare = [m for m in ("legal_aid.consultations", "legal_aid.cases", "mediation.mediators", "admin_review.upheld") if m not in present]
    return {
        "reject": report_rows[0],
        "relabel": {**report_rows[1], "new_metric": spare[0]},
        "revalue": {**report_rows[2], "new_value": report_rows[2]["value"] + 1000},
        "add": {**add, "new_metric": spare[1], "new_value": 777.0},
    }


def write_corrections(path: Path, picked: dict) -> dict:
    """The corrections file for `picked` plus two stale rows; returns action -> line number."""
    def key(f):
        return {k: f[k] for k in ("sha256", "char_start", "char_length", "figure_text", "source_file")}

    rows = [
        {"action": "reject", **key(picked["reject"]), "reason": "不是本年度数据", "reviewer": "张三"},
        {"action": "relabel", **key(picked["relabel"]), "metric_code": picked["relabel"]["new_metric"],
         "reason": "指标错误", "reviewer": "张三"},
        {"action": "revalue", **key(picked["revalue"]), "value": picked["revalue"]["new_value"],
         "reason": "数值有误", "reviewer": "李四"},
        {"action": "add", **key(picked["add"]), "metric_code": picked["add"]["new_metric"],
         "value": picked["add"]["new_value"], "reason": "漏提", "reviewer": "李四"},
        # a file that is not (or no longer) in the folder
        {"action": "reject", "sha256": "0" * 64, "char_start": 10, "char_length": 3, "figure_text": "12件",
         "source_file": "gone.txt", "reason": "旧文件", "reviewer": "王五"},
        # the right file, but the text at the span is not this figure (a span one character off)
        {"action": "revalue", **{**key(picked["revalue"]), "char_start": picked["revalue"]["char_start"] + 1},
         "value": 1, "reason": "偏移错了", "reviewer": "王五"},
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fz_corrections.COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    # header is line 1
    return {"reject": 2, "relabel": 3, "revalue": 4, "add": 5, "stale_file": 6, "stale_text": 7}


OFFICIAL_URL = "https://sft.hunan.gov.cn/sft/xxgk_71079/fzzfjsndbg/202403/t20240320_33271234.html"
AGGREGATOR_URL = "https://www.sohu.com/a/768512345_121106842"
MALFORMED_URL = "www.xingguo.gov.cn/xgxxgk/c100/ndbg.shtml"


def write_sources(path: Path, p: Pipeline) -> dict:
    """A source manifest citing three of the published reports, plus three rows with problems."""
    reports = p.query("select report_id, source_file from marts.dim_report order by source_file")
    assert len(reports) >= 4, "the samples should give at least four reports"
    official, aggregator, malformed = reports[:3]
    rows = [
        ("file", "url", "title", "published_at", "fetched_at"),
        (official[1], OFFICIAL_URL, "2023年法治政府建设年度报告", "2024年3月20日", "2024-04-02T10:15:00+08:00"),
        (aggregator[1], AGGREGATOR_URL, "转载: 法治政府建设年度报告", "2024-03-22", "2024-04-02"),
        ("2019/gone.txt", "http://www.gov.cn/gone.html", "", "", ""),  # not in the folder
        (official[1], "http://www.gov.cn/again.html", "", "", ""),  # the same file again
        ("", "http://www.gov.cn/orphan.html", "无文件", "", ""),  # no file
        (malformed[1], MALFORMED_URL, "", "", ""),  # no scheme
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return {
        kind: {"report_id": report[0], "source_file": report[1], "url": url}
        for kind, report, url in (("official", official, OFFICIAL_URL), ("aggregator", aggregator, AGGREGATOR_URL),
                                  ("malformed", malformed, MALFORMED_URL))
    }


def _before(p: Pipeline, picked: dict) -> dict:
    out = {}
    for action, f in picked.items():
        out[action] = p.query(
            "select metric_code, value, comparator, source from marts.fct_metric_values "
            "where report_id = ? and char_start = ? and char_length = ?",
            [f["report_id"], f["char_start"], f["char_length"]],
        )
    return out


@pytest.fixture(scope="session")
def reviewed(tmp_path_factory) -> Reviewed:
    root = tmp_path_factory.mktemp("reviewed")
    reports = root / "reports"
    shutil.copytree(REPO / "seeds", reports)
    p = Pipeline(reports=reports, warehouse=root / "wh" / "fazhi.duckdb")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAZHI_REPORTS_DIR", str(reports))
        mp.setenv("FAZHI_WAREHOUSE", str(p.warehouse))
        mp.delenv("FAZHI_WORK_DB", raising=False)
        mp.delenv("FAZHI_CORRECTIONS", raising=False)
        mp.delenv("FAZHI_SOURCES", raising=False)
        first = p.run()
        assert first.success, step_failures(first)
        picked = _pick(p)
        before = _before(p, picked)
        corrections = reports / "corrections.csv"  # the default place: beside the reports
        line_of = write_corrections(corrections, picked)
        sources = reports / "sources.csv"  # the default place too
        cited = write_sources(sources, p)
        second = p.run()
        assert second.success, step_failures(second)
        yield Reviewed(p, corrections, picked, line_of, before, [first, second], sources, cited)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    # offline: any request that leaves the disk fails the test
    requests: list[str] = []
    local = ("file://", "data:", "blob:", "about:", "http://127.0.0.1:")  # the last: served_site below
    pg.on("request", lambda req: requests.append(req.url) if not req.url.startswith(local) else None)
    pg.fazhi_errors = errors
    pg.fazhi_requests = requests
    yield pg
    context.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where the browser tests keep a picture of each page they open."""
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def served_site(reviewed):
    """The site behind a plain static file server on 127.0.0.1 (any port), as a reader might serve it."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(reviewed.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
