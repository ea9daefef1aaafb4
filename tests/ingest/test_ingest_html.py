"""HTML inputs: charset handling and article extraction without site chrome."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from fazhi_read import html as html_reader
from fazhi_read.folder import read_report
from fazhi_read.html import article_text

# Furniture of the fixture page; none of it may reach the article text.
CHROME = [
    "首页", "政务公开", "当前位置", "分享到", "微信", "新浪微博", "QQ空间", "打印本页", "关闭窗口",
    "版权所有", "网站标识码", "ICP备", "公网安备", "上一篇", "下一篇", "相关文章", "友情链接",
    "欢迎访问", "无障碍", "长者模式", "扫一扫", "主办单位", "承办单位", "走进本区", "搜索", "字号",
    "手机版", "中国政府网", "联系电话", "_hmt", "document.write", "font-family", "__VIEWSTATE",
    "_bd_share_config", "区人民政府门户网站",
]  # fmt: skip
# The one line of the article area that the .txt copy does not have.
ARTICLE_META = "发布时间:2025-02-14 10:30 来源:区司法局"


def _read(tmp_path: Path, name: str, data: bytes) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    return read_report(path, tmp_path)


def _assert_is_the_report(text: str, body_lines: list[str]) -> None:
    lines = text.split("\n")
    assert [line for line in lines if line != ARTICLE_META] == body_lines
    for chrome in CHROME:
        assert chrome not in text, chrome


def test_chrome_words_are_not_in_the_report_itself(simplified_report, gov_page):
    # Keeps the chrome assertions honest: each word is on the page, none in the report.
    for chrome in CHROME:
        assert chrome in gov_page and chrome not in simplified_report, chrome


def test_gov_page_yields_the_report_lines_and_no_chrome(tmp_path, gov_page, body_lines):
    row = _read(tmp_path, "report.html", gov_page.encode("utf-8"))
    assert row["status"] == "accepted"
    assert row["media_type"] == "text/html"
    assert row["encoding"] == "html/utf-8"
    assert row["raw_html"] == gov_page
    _assert_is_the_report(row["text"], body_lines)


def test_gbk_page_honours_meta_charset(tmp_path, gov_page, body_lines):
    page = gov_page.replace("charset=utf-8", "charset=gb2312")
    assert page != gov_page
    row = _read(tmp_path, "report.htm", page.encode("gbk"))
    assert row["status"] == "accepted"
    assert row["encoding"] == "html/gb18030"
    assert row["raw_html"] == page
    _assert_is_the_report(row["text"], body_lines)


def test_big5_page_honours_meta_charset(tmp_path, traditional_report):
    paragraphs = [line for line in traditional_report.split("\n") if line.strip()]
    page = (
        '<html><head><meta charset="big5"><title>報告</title></head><body>'
        '<div class="nav"><a href="/">首頁</a><a href="/zwgk">政務公開</a></div>'
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + '<div class="footer">版權所有</div></body></html>'
    )
    row = _read(tmp_path, "report.html", page.encode("big5"))
    assert row["encoding"] == "html/big5"
    assert row["text"].split("\n") == paragraphs


def test_meta_charset_that_lies_is_overruled_by_utf8_bytes(tmp_path, gov_page, body_lines):
    # Pages re-saved as UTF-8 often keep their old gb2312 meta tag.
    page = gov_page.replace("charset=utf-8", "charset=gb2312")
    row = _read(tmp_path, "report.html", page.encode("utf-8"))
    assert row["encoding"] == "html/utf-8"
    _assert_is_the_report(row["text"], body_lines)


def test_utf16_label_on_a_byte_oriented_page_means_utf8(tmp_path):
    # No BOM, no NULs: the bytes are ASCII-compatible whatever the meta tag says.
    page = '<html><head><meta charset="utf-16"></head><body><p>Annual report 2024: 36 cases.</p></body></html>'
    row = _read(tmp_path, "report.html", page.encode("ascii"))
    assert row["encoding"] == "html/utf-8"
    assert row["text"] == "Annual report 2024: 36 cases."


def test_page_without_charset_is_detected(tmp_path, gov_page, body_lines):
    page = gov_page.replace('<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />', "")
    assert "charset" not in page
    row = _read(tmp_path, "report.html", page.encode("gb18030"))
    assert row["encoding"] == "html/gb18030"
    _assert_is_the_report(row["text"], body_lines)


def test_html_saved_with_txt_suffix_is_still_html(tmp_path, gov_page, body_lines):
    row = _read(tmp_path, "report.txt", gov_page.encode("utf-8"))
    assert row["media_type"] == "text/html"
    _assert_is_the_report(row["text"], body_lines)


def test_html_suffix_without_markup_is_plain_text(tmp_path, simplified_report):
    row = _read(tmp_path, "report.html", simplified_report.encode("utf-8"))
    assert row["media_type"] == "text/plain"
    assert row["text"] == simplified_report


def test_page_with_no_article_text_is_empty(tmp_path):
    page = (
        "<!DOCTYPE html><html><head><script>var a = 1;</script></head><body>"
        '<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/x">政务公开</a></li></ul></div>'
        '<div class="footer">版权所有:某县人民政府 网站标识码:1234567890</div></body></html>'
    )
    row = _read(tmp_path, "blank.html", page.encode("utf-8"))
    assert row["status"] == "rejected"
    assert row["reason"].startswith("empty: the HTML page has no article text")
    assert row["raw_html"] == page


def test_facts_from_the_page_equal_facts_from_the_txt(gov_page, simplified_report):
    document = pytest.importorskip("fazhi_parse.document")

    def facts(text: str) -> list[tuple]:
        parsed = document.parse_document("r", text)
        return sorted(
            (f["metric_code"], f["value"], f["comparator"], f["measure_kind"], f["section_kind"], f["figure_text"])
            for f in parsed.facts
        )

    from_txt = facts(simplified_report)
    assert from_txt, "the report should yield facts at all"
    assert facts(article_text(gov_page)) == from_txt


BARE_PAGE = """<html><body>
<table width="100%"><tr><td><a href="/">首页</a></td><td><a href="/a">机构概况</a></td><td><a href="/b">政务公开</a></td><td><a href="/c">办事服务</a></td></tr></table>
<div>当前位置:<a href="/">首页</a> &gt;&gt; <a href="/b">政务公开</a> &gt;&gt; 法治政府建设</div>
<div>
  <div style="text-align:center;font-size:22px">某县2023年法治政府建设年度报告</div>
  <div>2023年,全县共办理行政复议案件<span>36</span>件,同比下降12.5%。</div>
  <div>全年调解各类矛盾纠纷1200余件,调解成功率98.6%。</div>
</div>
<div><a href="javascript:window.print()">【打印】</a> <a href="javascript:window.close()">【关闭】</a></div>
<div style="display:none">隐藏统计代码</div>
<div>【字体:大 中 小】</div>
<div>版权所有:某县人民政府办公室 网站标识码:3607320001 赣ICP备05000000号</div>
</body></html>"""


def test_page_without_class_hints_loses_its_chrome_by_shape():
    assert article_text(BARE_PAGE).split("\n") == [
        "某县2023年法治政府建设年度报告",
        "2023年,全县共办理行政复议案件36件,同比下降12.5%。",
        "全年调解各类矛盾纠纷1200余件,调解成功率98.6%。",
    ]


def test_mega_menu_bigger_than_the_article_is_still_removed():
    menu = "".join(f'<li><a href="/c{i}">栏目名称{i:03d}</a></li>' for i in range(300))
    article = ["某县2023年法治政府建设年度报告", "全年办理行政复议案件36件。"]
    page = f'<div class="nav"><ul>{menu}</ul></div>' + "".join(f"<p>{p}</p>" for p in article)
    assert article_text(f"<html><body>{page}</body></html>").split("\n") == article


@pytest.mark.parametrize(
    "html, expected",
    [
        ("<p>共办理<span>120</span>件</p>", ["共办理120件"]),
        ("<p>全年共办理行政\n      复议案件36件</p>", ["全年共办理行政复议案件36件"]),
        ("<p>办结率\n  98.6%</p>", ["办结率 98.6%"]),
        ("<p>第一段<br>第二段<br/>第三段</p>", ["第一段", "第二段", "第三段"]),
        ("<div>前言<p>正文</p>结语</div>", ["前言", "正文", "结语"]),
        ("<h2>一、主要成效</h2><p>\u3000\u3000全年立案12件。</p>", ["一、主要成效", "全年立案12件。"]),
        ("<p>&nbsp;&nbsp;印发<a href='/law'>《行政复议法》</a>学习材料</p>", ["印发《行政复议法》学习材料"]),
        ("<table><tr><td>行政复议</td><td>36件</td></tr><tr><td>行政诉讼</td><td>12件</td></tr></table>", ["行政复议 36件", "行政诉讼 12件"]),
        ("<pre>第一行\n第二行</pre>", ["第一行", "第二行"]),
        ("<p hidden>隐藏</p><p>可见</p>", ["可见"]),
        ("<p>正文</p><!-- 注释 --><noscript>请启用脚本</noscript>", ["正文"]),
        (
            "<article><header><h1>某县2024年法治政府建设年度报告</h1></header><p>正文一</p>"
            "<footer><a href='#'>分享</a></footer></article>",
            ["某县2024年法治政府建设年度报告", "正文一"],
        ),
        (
            "<form id='aspnetForm'><div class='menu'><a href='/'>首页</a></div>"
            "<div class='zoom'><p>" + "全年共办理行政复议案件36件。" * 5 + "</p></div></form>",
            ["全年共办理行政复议案件36件。" * 5],
        ),
    ],
    ids=[
        "inline-span", "wrap-between-hanzi", "wrap-before-digit", "br", "mixed-block",
        "heading-and-ideographic-indent", "linked-law-title-in-sentence", "table-cells",
        "pre", "hidden-attribute", "comment-noscript", "article-header-kept",
        "aspnet-form-wrapper-kept",
    ],
)  # fmt: skip
def test_article_text_layout(html, expected):
    assert article_text(f"<html><body>{html}</body></html>").split("\n") == expected


def test_utf16_page_is_recognised_after_decoding(tmp_path, gov_page, body_lines):
    # "Save as Unicode" in old browsers: UTF-16 LE with a BOM, meta tag unchanged.
    row = _read(tmp_path, "report.txt", b"\xff\xfe" + gov_page.encode("utf-16-le"))
    assert row["media_type"] == "text/html"
    assert row["encoding"] == "html/utf-16"
    _assert_is_the_report(row["text"], body_lines)


# Issue 11, case 4: 100,000 nested <div>s took 31 s in the HTML parser, 400,000 never finished.


def _nested(n: int) -> str:
    return "<html><body>" + "<div>" * n + "<p>全年办理行政复议案件12件。</p>" + "</div>" * n + "</body></html>"


def test_deeply_nested_page_is_rejected_quickly_with_a_reason(tmp_path):
    path = tmp_path / "nested.html"
    path.write_text(_nested(100_000), encoding="utf-8")
    started = time.monotonic()
    row = read_report(path, tmp_path)
    elapsed = time.monotonic() - started
    assert row["status"] == "rejected" and row["reason"].startswith("too_complex: "), row["reason"]
    assert row["sha256"] and row["text"] is None and row["raw_html"] is None
    assert elapsed < 10, f"{elapsed:.1f} s"  # the parser alone took 31 s


def test_markup_work_estimate_is_quadratic_only_where_the_parser_is():
    n = 2000
    assert html_reader.markup_work(_nested(n)) >= n * (n - 1) // 2  # each <div> looks down all open ones
    assert html_reader.markup_work("<div>x</div>" * n) <= 2 * n  # siblings: one step each
    assert html_reader.markup_work("<span>" * n) == 0  # inline elements trigger no look-down
    assert html_reader.markup_work("<table><tr><td><div>" * n) <= 4 * n  # a cell is a boundary
    assert html_reader.markup_work("<p>段落" * n) <= 3 * n  # unclosed <p>s close each other
    assert html_reader.markup_work("<script>" + "<div>" * n + "</script>") == 0  # script text is not markup


def test_real_pages_are_far_below_the_limit(gov_page):
    assert html_reader.markup_work(gov_page) * 1000 < html_reader.MAX_MARKUP_WORK


def test_page_over_its_time_budget_is_rejected_with_a_reason(tmp_path, monkeypatch, gov_page):
    page = gov_page.replace("</body>", "<p>附：</p>" * 20_000 + "</body>")
    assert html_reader.article_text(page)  # within the default budget
    monkeypatch.setattr(html_reader, "TIME_BUDGET_SECONDS", 0.0)
    path = tmp_path / "slow.html"
    path.write_text(page, encoding="utf-8")
    row = read_report(path, tmp_path)
    assert row["status"] == "rejected" and row["reason"].startswith("too_complex: "), row["reason"]
    assert "time budget" in row["reason"]
