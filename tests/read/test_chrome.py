"""fazhi_read/rules/chrome.csv: one word list per concept, read by fazhi_parse.text and fazhi_read.html."""
from __future__ import annotations

import pytest

from fazhi_parse.text import is_chrome_line
from fazhi_read import chrome
from fazhi_read import html as html_reader


def test_a_word_is_listed_once_per_concept_and_every_row_has_a_reader():
    seen: dict[str, set[str]] = {}
    for concept, readers, words in chrome._rows():
        assert readers and readers <= {"text", "html"}
        for w in words:
            assert w and w not in seen.setdefault(concept, set()), (concept, w)
            seen[concept].add(w)


def test_unknown_concepts_fail():
    with pytest.raises(KeyError):
        chrome.chrome_words("text", "buttons")


@pytest.mark.parametrize("line", ["【打印本页】", "当前位置：首页 > 政务公开", "分享到：微信 微博", "索引号：11440400", "粤ICP备05031227号"])
def test_shared_words_mark_chrome_in_a_text(line):
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    ["打印 | 关闭窗口", "当前位置：首页", "版权所有 XX市人民政府", "上一篇:关于…的通知",
     "上一篇：关于…的通知", "主办单位：某市司法局"],  # a field label with either colon
)
def test_shared_words_mark_chrome_in_a_web_page(line):
    assert html_reader._is_chrome_line(line)


@pytest.mark.parametrize("line", ["为企业提供技术支持。", "全年受理行政复议案件57件。"])
def test_report_prose_is_not_chrome(line):
    assert not is_chrome_line(line) and not html_reader._is_chrome_line(line)
