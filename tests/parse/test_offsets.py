"""Offsets into the original text give back each figure and sentence exactly."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fazhi_parse.document import parse_body
from fazhi_parse.text import to_simplified

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_every_span_gives_back_its_text(path):
    text = path.read_text(encoding="utf-8")
    sentences, mentions, facts = parse_body("r", text)
    assert facts, "each sample reports at least one catalog figure"
    for row in mentions + facts:
        start = row["char_start"] - 1
        assert text[start:start + row["char_length"]] == row["figure_text"]
        assert row["number_text"] in row["figure_text"] if "number_text" in row else True
    for f in facts:
        assert f["figure_text"] in f["evidence"] and f["figure_text"] in f["clause"]
    for s in sentences:
        start = s["char_start"] - 1
        assert text[start:start + s["char_length"]] == s["text"]


def test_simplified_text_is_aligned_with_the_original():
    original = "調解和解結案率達50.88%，受理行政複議案件６件"
    simplified, preserved = to_simplified(original)
    assert preserved and len(simplified) == len(original)
    assert simplified == "调解和解结案率达50.88%,受理行政复议案件6件"


def test_length_changing_conversion_falls_back_to_per_character(monkeypatch):
    import fazhi_parse.text as text_mod

    class Stretching:
        def convert(self, s):  # a phrase table that maps one character to two
            return s.replace("復", "复复") if len(s) > 1 else s.replace("復", "复")

    monkeypatch.setattr(text_mod, "_t2s", lambda: Stretching())
    original = "行政復議案件6件"
    simplified, preserved = text_mod.to_simplified(original)
    assert not preserved
    assert simplified == "行政复議案件6件" and len(simplified) == len(original)


def test_web_chrome_is_kept_but_not_parsed():
    text = "长者浏览模式\n字体:[ 大 中 小 ]\n发布时间:2020-01-06 索引号:123/2020-882\n受理行政复议案件57件。\n关闭窗口\n"
    sentences, mentions, facts = parse_body("r", text)
    chrome = [s["text"] for s in sentences if s["is_chrome"]]
    assert chrome == ["长者浏览模式", "字体:[ 大 中 小 ]", "发布时间:2020-01-06 索引号:123/2020-882", "关闭窗口"]
    assert [m["figure_text"] for m in mentions] == ["57件"]
    assert [f["metric_code"] for f in facts] == ["admin_review.accepted"]



@given(st.text(alphabet="ａＢ１，。：（）！\u3000\uff5e\uff01\uff5f\uffe5\u4eff\u00ff漢字a ,\U0001f600", max_size=30))
def test_width_folding_is_the_fold_table_applied_to_every_character(text):
    from fazhi_parse import text as text_mod

    converted = text_mod._t2s().convert(text)
    if len(converted) == len(text):  # else the per-character fallback runs, tested above
        assert to_simplified(text)[0] == converted.translate(text_mod._FOLD_TABLE)


def test_the_full_width_prefilter_passes_every_character_folding_changes():
    from fazhi_parse.text import _FULL_WIDTH, _may_hold_full_width

    chars = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    assert all(_may_hold_full_width(ch) for ch in chars if _FULL_WIDTH.match(ch))
    assert not any(_may_hold_full_width(f"漢{ch}字") for ch in "a,。漢\u4eff\u00ff\U0001f600")
