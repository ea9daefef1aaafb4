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
    ((span, value, kind, comparator),) = figures(f"调解纠纷{text},")
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
