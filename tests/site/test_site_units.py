"""fazhi_site without a warehouse: the corrections file's format, and how figures become highlights."""
from __future__ import annotations

import pytest

from fazhi_site import corrections as fz
from fazhi_site import pages


def test_read_corrections_file(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_bytes(
        "\ufeffAction,sha256,char_start,char_length,figure_text,metric_code,value,reason,reviewer,note\n"
        "reject,abcdef0123456789,10,3,12件,,,\"不是全年, 是上半年\",张三,x\n"
        "\n"
        "# a comment row,,,,,,,,\n"
        " relabel ,abcdef0123456789,20,4,100%,admin_review.correction_rate,,换指标,李四,\n".encode("utf-8")
    )
    rows = fz.read(path)
    assert [r["line_no"] for r in rows] == [2, 5]
    first, second = rows
    assert first["action"] == "reject" and first["reason"] == "不是全年, 是上半年" and first["figure_text"] == "12件"
    assert first["metric_code"] is None and first["comparator"] is None  # missing column reads as empty
    assert second["action"] == "relabel" and second["metric_code"] == "admin_review.correction_rate"
    assert first["corrections_file"] == str(path)
    assert fz.frame(rows, None).height == 2


def test_missing_file_has_no_corrections(tmp_path):
    assert fz.read(tmp_path / "nothing.csv") == []
    assert fz.frame([], None).columns == list(fz.TABLE_SCHEMA)


@pytest.mark.parametrize("figure_text", ["12件", '他说"3,000件"', "1,234件\n"])
def test_line_round_trips_through_read(tmp_path, figure_text):
    line = fz.line(action="add", sha256="a" * 64, char_start=5, char_length=len(figure_text),
                   figure_text=figure_text, metric_code="legal_aid.cases", value=12.5, reason="漏提", reviewer="张三")
    path = tmp_path / "c.csv"
    path.write_text(fz.header() + "\n" + line + "\n", encoding="utf-8")
    (row,) = fz.read(path)
    assert row["figure_text"] == figure_text and row["value"] == "12.5" and row["char_start"] == "5"


def test_line_rejects_unknown_columns():
    with pytest.raises(ValueError):
        fz.line(action="reject", row_id=3)


def fig(start, length, kind, text="x", **more):
    return {"char_start": start, "char_length": length, "kind": kind, "figure_text": text, **more}


def test_one_highlight_per_span_and_the_most_telling_wins():
    placed = pages.place_spans([
        fig(1, 3, "unclassified"),
        fig(1, 3, "stated"),
        fig(10, 2, "context"),
        fig(10, 2, "corrected"),
        fig(9, 5, "unclassified"),  # overlaps the corrected one: dropped
        fig(20, 2, "change"),
    ])
    assert [(f["char_start"], f["kind"]) for f in placed] == [(1, "stated"), (10, "corrected"), (20, "change")]


def test_text_html_marks_exact_spans_and_escapes():
    text = "A<b>共12件&lt;，纠错率15%。𠀀3件"
    spans = [
        fig(text.index("12件") + 1, 3, "stated", "12件", metric_code="admin_review.received", value=12.0, comparator="="),
        fig(text.index("15%") + 1, 3, "unclassified", "15%"),
        fig(text.index("3件") + 1, 2, "rejected", "3件"),  # after a character outside the BMP
        fig(len(text), 5, "stated", "?"),  # runs past the end: never highlighted
    ]
    html = pages._text_html(text, pages.place_spans(spans), {"admin_review.received": "收到申请"}, {"admin_review.received": "admin_review"})
    assert html.count("<mark") == 3
    assert '>12件</mark>' in html and '>15%</mark>' in html and '>3件</mark>' in html
    assert "A&lt;b&gt;共" in html and "&amp;lt;" in html
    assert f'id="f-{text.index("12件") + 1}-3"' in html
    assert 'class="fig k-stated d-admin_review"' in html
    assert "收到申请 (admin_review.received) · = 12" in html


def test_chart_specs_are_valid_vega_lite():
    """charts.py skips Altair's validation at build time (seconds at 10,000 reports); it is checked here."""
    import jsonschema
    from altair.vegalite.v6.schema import load_schema

    from fazhi_site import charts

    schema = load_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    rates = charts.rate_distributions(
        [{"metric": m, "label": label, "year": 2023, "value": 12.5, "region": "兴国县"} for m, label in charts.CORE_RATES.items()]
    )
    regions = charts.region_map(
        [{"longitude": 115.3, "latitude": 26.3, "name": "兴国县"}],
        [{"longitude": 115.3, "latitude": 26.3, "region": "兴国县", "year": 2023, "metric": m, "label": label, "value": 3.0}
         for m, label in charts.CORE_RATES.items()],
        charts.CORE_RATES,
    )
    for spec in (rates, regions):
        errors = [e.message for e in validator.iter_errors(spec)]
        assert errors == []
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


def test_read_source_manifest(tmp_path):
    from fazhi_site import sources

    path = tmp_path / "sources.csv"
    path.write_bytes(
        "\ufeffFile, URL ,title,published_at,fetched_at,note\n"
        " 2024/a.pdf ,https://www.liuyang.gov.cn/a.html,\"浏阳市报告, 2023\",2024-03-20,,x\n"
        "\n"
        "# old copies,,,,\n"
        "b.txt,,,,2024-04-02\n".encode("utf-8")
    )
    rows = sources.read(path)
    assert [(r["line_no"], r["file"], r["url"], r["title"], r["fetched_at"]) for r in rows] == [
        (2, "2024/a.pdf", "https://www.liuyang.gov.cn/a.html", "浏阳市报告, 2023", None),
        (5, "b.txt", None, None, "2024-04-02"),
    ]
    assert rows[0]["sources_file"] == str(path)
    assert sources.frame(rows, None).columns == list(sources.TABLE_SCHEMA)
    assert sources.read(tmp_path / "missing.csv") == []


def test_source_manifest_saved_by_a_chinese_spreadsheet_is_read(tmp_path):
    from fazhi_site import sources

    path = tmp_path / "sources.csv"
    path.write_bytes("file,url,title\na.txt,http://www.gov.cn/a.html,浏阳市法治政府建设报告\n".encode("gb18030"))
    (row,) = sources.read(path)
    assert row["title"] == "浏阳市法治政府建设报告"


REPORT = {"report_id": "0" * 16, "sha256": "0" * 64, "source_file": "a.txt", "kind": "rule_of_law_report"}


@pytest.mark.parametrize(
    ("source", "shown", "not_shown"),
    [
        ({"source_url": "https://www.liuyang.gov.cn/a.html?x=1&y=2", "source_host": "www.liuyang.gov.cn",
          "is_official_domain": True},
         ['<a class="source-url" href="https://www.liuyang.gov.cn/a.html?x=1&amp;y=2" rel="noopener noreferrer"',
          '<span class="official yes">是 <small>www.liuyang.gov.cn</small>'], ["official no"]),
        ({"source_url": "https://www.sohu.com/a/1", "source_host": "www.sohu.com", "is_official_domain": False},
         ['href="https://www.sohu.com/a/1"', '<span class="official no">否 <small>www.sohu.com</small>'], ["official yes"]),
        ({"source_url": "javascript:alert(1)", "source_host": None, "is_official_domain": False},
         ["<code>javascript:alert(1)</code> <small>(网址格式有误)</small>"], ["href=\"javascript"]),
        ({"source_url": None, "source_host": None, "is_official_domain": None}, [], ["来源网址", "官方网站"]),
    ],
    ids=["official", "aggregator", "malformed", "none"],
)
def test_report_page_shows_the_source_url_and_official_flag(source, shown, not_shown):
    html = pages.report_page({**REPORT, **source}, "text", [], [], {}, {})
    for piece in shown:
        assert piece in html
    for piece in not_shown:
        assert piece not in html
