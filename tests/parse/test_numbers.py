"""The number parser: table-driven cases and properties."""
from __future__ import annotations

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi_parse.numbers import find_figures
from fazhi_parse.text import to_simplified


def figures(text: str):
    simplified, _ = to_simplified(text)
    return [(text[f.start:f.end], f.value, f.unit_kind, f.comparator) for f in find_figures(simplified)]


CASES = [
    ("受理57件", [("57件", 57, "count", "=")]),
    ("６６件", [("６６件", 66, "count", "=")]),  # full-width digits
    ("12,345件", [("12,345件", 12345, "count", "=")]),
    ("1 289名", [("1 289名", 1289, "count", "=")]),  # a stray space as thousands separator
    ("受理 57 件", [("57 件", 57, "count", "=")]),  # a space before the unit
    ("纠错率 8.9 %", [("8.9 %", 8.9, "percent", "=")]),
    ("调解和解结案率达50.88%", [("50.88%", 50.88, "percent", "=")]),
    ("６.６９万余名", [("６.６９万余名", 66900, "count", ">=")]),
    ("31万件", [("31万件", 310000, "count", "=")]),
    ("1.95亿元", [("1.95亿元", 195000000, "money", "=")]),
    ("300餘起", [("300餘起", 300, "count", ">=")]),
    ("30多件", [("30多件", 30, "count", ">=")]),
    ("95%以上", [("95%以上", 95, "percent", ">=")]),
    ("超过95%", [("超过95%", 95, "percent", ">=")]),
    ("逾千件", [("逾千件", 1000, "count", ">=")]),
    ("不足10%", [("不足10%", 10, "percent", "<=")]),
    ("低于3%", [("低于3%", 3, "percent", "<=")]),
    ("未超过5件", [("未超过5件", 5, "count", "<=")]),
    ("5件以下", [("5件以下", 5, "count", "<=")]),
    ("约1.2万件", [("约1.2万件", 12000, "count", "~")]),
    ("近900件", [("近900件", 900, "count", "~")]),
    ("200人左右", [("200人左右", 200, "count", "~")]),
    # a percentage written out: the unit before the number
    ("纠错率为百分之十二点五", [("百分之十二点五", 12.5, "percent", "=")]),
    ("出庭应诉率达到百分之百", [("达到百分之百", 100, "percent", "=")]),  # 达到 joins the span as with 95%
    ("调解成功率超过百分之九十八", [("超过百分之九十八", 98, "percent", ">=")]),
    ("成功率在百分之95以上", [("百分之95以上", 95, "percent", ">=")]),
    ("百分之一百二十", []),  # over a hundred: not a share
    ("一千二百点五件", [("一千二百点五件", 1200.5, "count", "=")]),  # a Chinese decimal point
    ("6个百分点", [("6个百分点", 6, "points", "=")]),
    ("九成以上", [("九成以上", 90, "percent", ">=")]),
    ("十二件", [("十二件", 12, "count", "=")]),
    ("一百零五件", [("一百零五件", 105, "count", "=")]),
    ("两千三百余人次", [("两千三百余人次", 2300, "count", ">=")]),
    ("20135件次", [("20135件次", 20135, "count", "=")]),
    # Not figures: dates, years, ordinals, document and phone numbers, idioms.
    ("2023年12月5日", []),
    ("第3批", []),
    ("〔2020〕1号", []),
    ("电话12345678", []),
    ("七五普法", []),
    ("高效办成一件事", []),
    ("一站式服务", []),
    ("统一受理", []),
    ("2.0版", []),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0] for c in CASES])
def test_figures(text, expected):
    assert figures(text) == [(t, float(v), k, c) for t, v, k, c in expected]


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=0, max_value=10**9), sep=st.booleans(), unit=st.sampled_from(["件", "起", "人次", "名"]))
def test_arabic_counts_round_trip(n, sep, unit):
    number = f"{n:,}" if sep else str(n)
    text = f"共受理{number}{unit},"
    assert figures(text) == [(f"{number}{unit}", float(n), "count", "=")]


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=2, max_value=99999))
def test_chinese_numerals_round_trip(n):
    numeral = cn2an.an2cn(n)
    assert figures(f"办结{numeral}件。") == [(f"{numeral}件", float(n), "count", "=")]


@settings(max_examples=200, deadline=None)
@given(whole=st.integers(min_value=0, max_value=100), frac=st.integers(min_value=0, max_value=99))
def test_percentages_round_trip(whole, frac):
    text = f"{whole}.{frac:02d}%"
    assert figures(f"化解率{text},") == [(text, round(whole + frac / 100, 2), "percent", "=")]


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=1, max_value=9999), qualifier=st.sampled_from(["余", "多"]),
       mult=st.sampled_from(["", "万"]))
def test_approximate_suffixes_are_lower_bounds(n, qualifier, mult):
    text = f"{n}{mult}{qualifier}件"
    ((span, value, _kind, comparator),) = figures(f"调解纠纷{text},")
    assert (span, value, comparator) == (text, float(n * (10_000 if mult else 1)), ">=")


@settings(max_examples=100, deadline=None)
@given(year=st.integers(min_value=1990, max_value=2099), month=st.integers(1, 12), day=st.integers(1, 28))
def test_dates_are_not_figures(year, month, day):
    assert figures(f"{year}年{month}月{day}日,") == []


def test_skipped_lookbehind_searches_could_not_have_matched():
    """find_figures skips the prefix and ordinal searches unless the character
    before the number is one their patterns can end with (or a newline, before
    which `$` also matches)."""
    from fazhi_parse import numbers as N

    heads = ["", "x", "编", "序", "N", "No", "NO", "超", "不超", "未超", "多", "达", "将", "接", "大", "不", "低", "少", "高"]
    for code in range(0x10000):
        c = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        for head in heads:
            if c not in N._PREFIX_LAST:
                assert N._PREFIX_BEFORE.search(head + c) is None, (head, c)
            if c not in N._ORDINAL_LAST:
                assert N._ORDINAL_BEFORE.search(head + c) is None, (head, c)


def test_a_prefix_or_ordinal_before_a_line_break_still_counts():
    # `$` matches before a final newline: the fast checks must not drop these.
    assert [f.comparator for f in find_figures("超过\n5件")] == [">="]
    assert find_figures("第\n3件") == []


def _plain_figure_re():
    """FIGURE_RE with its number written the plain way (_NUMBER_PLAIN)."""
    import re

    from fazhi_parse import numbers

    assert numbers._NUMBER in numbers.FIGURE_RE.pattern
    return re.compile(numbers.FIGURE_RE.pattern.replace(numbers._NUMBER, numbers._NUMBER_PLAIN))


def _matches(rx, text):
    return [(m.span(), m.groups()) for m in rx.finditer(text)]


@pytest.mark.parametrize(
    "text",
    [
        "受理1,234件,审结1 234件,办结12 3456件,纠错率8.9%,同比下降3.5个百分点。",
        "12,34件 1,234.5万元 1 234 5件 0.5% 2023年 12345热线 3.件 .5件",
        "调解纠纷三千二百件,一点五万人,两个,十余件,逾千件,第三件,一二三四五六七八九十百千万亿件",
        "约1.2万余件,近百名,共3万多人次,5亿元,七成,2成为,3‰,５０件",
        "1234,567件 12345,678.9万元 1,2345件 123 4567件",
    ],
)
def test_factored_number_pattern_matches_as_the_plain_one(text):
    from fazhi_parse.numbers import FIGURE_RE

    assert _matches(FIGURE_RE, text) == _matches(_plain_figure_re(), text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789,. \xa0点零〇一二两三四五六七八九十百千万亿余多件个人%成元第年x", max_size=30))
def test_factored_number_pattern_matches_as_the_plain_one_on_any_text(text):
    from fazhi_parse.numbers import FIGURE_RE

    assert _matches(FIGURE_RE, text) == _matches(_plain_figure_re(), text)


@pytest.mark.parametrize(
    "text, figures",
    [
        ("开通3条线路,设立5个站点,另有7件", ["7件"]),  # idioms after the unit, mid-text
        ("五个项目,6次性", ["6次"]),
        ("4个\n体", ["4个"]),
        ("共3个人", ["3个"]),
    ],
)
def test_idioms_after_the_unit_anywhere_in_the_text(text, figures):
    assert [text[f.start:f.end] for f in find_figures(text)] == figures


@pytest.mark.parametrize(
    "text, value",
    [("占比12.3456789%", 12.345679), ("1.2345678万件", 12345.678), ("0.1万件", 1000.0), ("3.5亿元", 350000000.0)],
)
def test_values_are_rounded_to_six_decimals_and_whole_ones_kept(text, value):
    (fig,) = find_figures(text)
    assert fig.value == value == round(fig.value, 6)
