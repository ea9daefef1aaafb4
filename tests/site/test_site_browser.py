"""The review site in a real browser (headless Debian Chromium through Playwright), opened from disk.

Each test keeps a screenshot of the page it opened in the session's
screenshots folder (printed with -s; under pytest's tmp output).
"""
from __future__ import annotations

import csv
import io

import pytest

from fazhi_site import corrections as fz_corrections

pytestmark = pytest.mark.integration


def open_page(page, path, screenshots, name):
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return screenshots / f"{name}.png"


def shoot(page, shot, full_page=False):
    page.screenshot(path=str(shot), full_page=full_page)
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 10_000


def no_errors(page):
    assert page.fazhi_errors == [], page.fazhi_errors
    assert page.fazhi_requests == [], f"the site asked the network for {page.fazhi_requests}"


def test_report_page_highlights_sit_on_their_figures(reviewed, page, screenshots):
    p = reviewed.pipeline
    report_id = reviewed.picked["revalue"]["report_id"]
    shot = open_page(page, reviewed.site / "reports" / f"{report_id}.html", screenshots, "report")
    figures = p.query(
        "select char_start, char_length, figure_text, source from marts.fct_metric_values "
        "where report_id = ? and source in ('stated', 'corrected')",
        [report_id],
    )
    assert len(figures) >= 3
    marks = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('mark.fig')].map(
               m => [m.id, {text: m.textContent, kind: m.dataset.kind, title: m.title}]))"""
    )
    for start, length, figure_text, source in figures:
        mark = marks.get(f"f-{start}-{length}")
        assert mark is not None, (start, length, figure_text)
        assert mark["text"] == figure_text
        assert mark["kind"] == source
        assert mark["title"], "hover text with metric, comparator and value"
    # every highlight, whatever its kind, is the original text at its offsets
    text = p.query("select text from raw.report_files where report_id = ? and status = 'accepted'", [report_id])[0][0]
    for mark_id, mark in marks.items():
        _, start, length = mark_id.split("-")
        assert text[int(start) - 1 : int(start) - 1 + int(length)] == mark["text"], mark_id
    kinds = {m["kind"] for m in marks.values()}
    assert {"stated", "corrected", "rejected", "unclassified"} <= kinds, kinds
    rejected = reviewed.picked["reject"]
    assert marks[f"f-{rejected['char_start']}-{rejected['char_length']}"]["kind"] == "rejected"
    # metadata at the top: region with its hierarchy, year, source file
    header = page.inner_text("header.top")
    region = p.query(
        "select g.province, d.report_year, d.source_file from marts.dim_report d "
        "left join marts.dim_region g using (region_code) where report_id = ?",
        [report_id],
    )[0]
    assert region[0] in header and str(region[1]) in header and region[2] in header
    # the correction on this report that no longer matches (one character off) is shown, not applied
    stale = page.locator("#unmatched li")
    assert stale.count() == 1 and "text_mismatch" in stale.inner_text()
    shoot(page, shot)
    no_errors(page)


def test_clicking_a_fact_scrolls_to_its_highlight(reviewed, page, screenshots):
    report_id = reviewed.picked["revalue"]["report_id"]
    shot = open_page(page, reviewed.site / "reports" / f"{report_id}.html", screenshots, "report_after_click")
    buttons = page.locator("button.fact-link")
    assert buttons.count() >= 3
    # the fact furthest down the text: it starts out of view
    target = page.evaluate(
        """() => [...document.querySelectorAll('button.fact-link')].map(b => b.dataset.target)
               .sort((a, b) => document.getElementById(b).getBoundingClientRect().top
                             - document.getElementById(a).getBoundingClientRect().top)[0]"""
    )
    in_view = """id => { const r = document.getElementById(id).getBoundingClientRect();
                         return r.top >= 0 && r.bottom <= window.innerHeight; }"""
    assert not page.evaluate(in_view, target), "pick a report long enough that its last fact is below the fold"
    page.locator(f'button.fact-link[data-target="{target}"]').click()
    page.wait_for_function(f"() => ({in_view})('{target}')")
    assert "flash" in page.get_attribute(f"#{target}", "class")
    # the correction box offers a ready line for that figure
    line = page.input_value("#corr-line")
    row = next(csv.DictReader(io.StringIO(fz_corrections.header() + "\n" + line)))
    mark_text = page.inner_text(f"#{target}")
    _, start, length = target.split("-")
    assert (row["char_start"], row["char_length"], row["figure_text"]) == (start, length, mark_text)
    assert row["action"] == "reject"
    shoot(page, shot)
    no_errors(page)


def test_correction_line_from_the_page_reads_back_as_a_correction(reviewed, page, screenshots, tmp_path):
    """A reviewer clicks an unclassified figure, picks a metric, and copies a line that the loader reads as is."""
    f = reviewed.picked["add"]
    shot = open_page(page, reviewed.site / "reports" / f"{f['report_id']}.html", screenshots, "report_correction_box")
    unclassified = page.locator("mark.fig.k-unclassified").first
    unclassified.click()
    assert page.input_value("#corr-action") == "add"
    page.select_option("#corr-metric", "legal_aid.cases")
    page.fill("#corr-value", "12")
    page.fill("#corr-reason", "漏提")
    page.fill("#corr-reviewer", "测试员")
    line = page.input_value("#corr-line")
    path = tmp_path / "corrections.csv"
    path.write_text(fz_corrections.header() + "\n" + line + "\n", encoding="utf-8")
    (row,) = fz_corrections.read(path)
    mark_id = unclassified.get_attribute("id")
    _, start, length = mark_id.split("-")
    assert row["action"] == "add" and row["metric_code"] == "legal_aid.cases" and row["value"] == "12"
    assert (row["char_start"], row["char_length"]) == (start, length)
    assert row["figure_text"] == unclassified.inner_text()
    assert row["sha256"] == f["sha256"] and row["reviewer"] == "测试员"
    shoot(page, shot)
    no_errors(page)


def test_index_shows_coverage_search_and_build(reviewed, page, screenshots):
    p = reviewed.pipeline
    shot = open_page(page, reviewed.site / "index.html", screenshots, "index")
    n_reports = p.query("select count(*) from marts.dim_report")[0][0]
    assert page.inner_text("#n-reports") == str(n_reports)
    (version,) = p.query("select distinct parser_version from marts.dim_report")[0]
    assert version in page.inner_text("#parser-version")
    assert page.inner_text("#built-at").startswith("20")
    # coverage: one row per province, cells add up to the reports
    cells = page.evaluate("() => [...document.querySelectorAll('#coverage td.has a')].map(a => +a.textContent)")
    assert sum(cells) == n_reports
    assert page.locator("#results tbody tr").count() == n_reports
    # search by region and year
    province, year = p.query(
        "select g.province, d.report_year from marts.dim_report d join marts.dim_region g using (region_code) "
        "order by d.source_file limit 1"
    )[0]
    expected = p.query(
        "select count(*) from marts.dim_report d join marts.dim_region g using (region_code) "
        "where g.province = ? and d.report_year = ?",
        [province, year],
    )[0][0]
    page.fill("#q-region", province)
    page.select_option("#q-year", str(year))
    assert page.locator("#results tbody tr").count() == expected
    # facts per report, and the link opens the report's page
    first = page.locator("#results tbody tr").first
    assert first.locator("td.n").count() == 4
    # unmatched corrections are listed
    assert page.locator("#unmatched li").count() == 2
    shoot(page, shot)
    first.locator("a.report-link").click()
    page.wait_for_load_state("load")
    assert "/reports/" in page.url
    no_errors(page)


def test_charts_render_offline(reviewed, page, screenshots):
    shot = open_page(page, reviewed.site / "charts.html", screenshots, "charts")
    for chart in ("#chart-rates", "#chart-map"):
        page.wait_for_selector(f"{chart}[data-rendered=true]", timeout=20_000)
        assert page.get_attribute(chart, "data-error") is None
        assert page.locator(f"{chart} svg").count() >= 1
    # points drawn: the rates (one per report and rate) and the map's regions
    assert page.locator("#chart-rates svg .mark-symbol path").count() > 0
    assert page.locator("#chart-map svg .mark-symbol path").count() > 100  # every division as a grey backdrop
    # the map's metric is chosen in a drop-down
    select = page.locator("#chart-map select")
    assert select.count() == 1
    options = select.locator("option").all_inner_texts()
    assert len(options) == 4
    select.select_option(index=1)
    page.wait_for_timeout(300)
    assert page.locator("#chart-map svg").count() >= 1
    shoot(page, shot, full_page=True)
    no_errors(page)


def test_site_works_from_a_static_server(reviewed, served_site, page, screenshots):
    """The same pages over http: relative links and scripts, nothing but the site's own files requested."""
    page.goto(f"{served_site}/index.html")
    page.locator("#results a.report-link").first.click()
    page.wait_for_load_state("load")
    assert page.locator("mark.fig.k-stated").count() > 0
    page.goto(f"{served_site}/charts.html")
    for chart in ("#chart-rates", "#chart-map"):
        page.wait_for_selector(f"{chart}[data-rendered=true]", timeout=20_000)
    shoot(page, screenshots / "charts_over_http.png")
    no_errors(page)
