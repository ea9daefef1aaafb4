"""Sentence splitting and the section outline."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fazhi_parse.sections import split_sentences
from fazhi_parse.text import to_simplified

REPORT = """XX县2024年法治政府建设情况报告
一、主要举措和成效
(一)推进依法行政。一是健全制度。受理行政复议案件57件;审结42件。二是强化监督。
1.规范执法。全年开展检查12次。
二、存在的问题
执法人员不足。
三、下一步工作打算
(一)深化改革。力争纠错率达到15%。
"""


def outline(text):
    simplified, _ = to_simplified(text)
    return [(text[s.start:s.end], s.section_path, s.section_kind) for s in split_sentences(simplified)]


def test_section_paths_and_kinds():
    assert outline(REPORT) == [
        ("XX县2024年法治政府建设情况报告", "", "body"),
        ("一、主要举措和成效", "一", "body"),
        ("(一)推进依法行政。", "一/(一)", "body"),
        ("一是健全制度。", "一/(一)/一是", "body"),
        ("受理行政复议案件57件;", "一/(一)/一是", "body"),
        ("审结42件。", "一/(一)/一是", "body"),
        ("二是强化监督。", "一/(一)/二是", "body"),
        ("1.规范执法。", "一/(一)/1", "body"),
        ("全年开展检查12次。", "一/(一)/1", "body"),
        ("二、存在的问题", "二", "problems"),
        ("执法人员不足。", "二", "problems"),
        ("三、下一步工作打算", "三", "plans"),
        ("(一)深化改革。", "三/(一)", "plans"),
        ("力争纠错率达到15%。", "三/(一)", "plans"),
    ]


def test_traditional_headings_and_a_missing_numeral():
    text = "、堅持改革創新，推動政府高效履職。\n二、存在問題\n下一步，我縣將繼續推進。\n"
    assert [(p, k) for _, p, k in outline(text)] == [("、", "body"), ("二", "problems"), ("二", "plans")]


def test_a_plans_paragraph_without_heading():
    text = "一、主要成效\n受理案件10件。\n下一步,我县将加强行政复议工作。受理案件20件。\n审结案件9件。\n"
    assert [k for _, _, k in outline(text)] == ["body", "body", "plans", "plans", "body"]


def test_columns_are_the_sentences():
    from fazhi_parse.sections import sentence_columns

    simplified, _ = to_simplified(REPORT + "首页 > 政务公开\n一是。二是加强。其三是")
    cols = sentence_columns(simplified)
    rows = list(zip(cols.start, cols.end, cols.section_path, cols.section_title, cols.section_kind, cols.is_chrome, strict=False))
    assert rows == [
        (s.start, s.end, s.section_path, s.section_title, s.section_kind, s.is_chrome) for s in split_sentences(simplified)
    ]
    assert [s.no for s in split_sentences(simplified)] == list(range(len(rows)))


@given(st.text(alphabet="一二三四十其是、.．(（)）12 3 ab", max_size=12))
def test_inline_heading_pattern_alone_gives_what_heading_gives(text):
    """Inside a line only the 一是 pattern is tried: no text matches it and an earlier level."""
    from fazhi_parse.sections import _INLINE_HEADING, _heading, _label

    head = _heading(text)
    m = _INLINE_HEADING.match(text)
    assert (head if head and head[0] == 4 else None) == (_label(4, m) if m else None)


@given(st.text(alphabet="。！？!?；; \t\u3000\r\n一二ab其中是、", max_size=40))
def test_sentences_are_runs_up_to_their_end_marks_within_a_line(text):
    """Sentence spans as the plain definition gives them: from the first visible character,
    text up to the next end mark or line end, and the end marks that follow (or end marks alone)."""
    import re

    plain = re.compile(r"[^\S\n]*([^。！？!?；;\n]*[^。！？!?；;\s][^。！？!?；;\n]*[。！？!?；;]*|[。！？!?；;]+)")
    assert [(s.start, s.end) for s in split_sentences(text)] == [m.span(1) for m in plain.finditer(text)]


# Issue 11, case 3: a 15 MB report on one line without sentence punctuation was
# one sentence, the evidence of every figure in it, and dbt ran out of memory.


def _check_pieces(text: str, spans: list[tuple[int, int]]) -> None:
    """Spans cover the text in order, bounded, each opening at a visible character,
    with only whitespace or end marks left between them."""
    from fazhi_parse.sections import MAX_SENTENCE_CHARS

    previous_end = 0
    for start, end in spans:
        assert 0 < end - start <= MAX_SENTENCE_CHARS
        assert not text[start].isspace()
        assert text[previous_end:start].strip(" \t\u3000\n") == ""
        previous_end = end
    assert text[previous_end:].strip() == ""


def test_a_line_without_end_marks_is_cut_into_bounded_pieces_at_commas():
    from fazhi_parse.sections import MAX_SENTENCE_CHARS

    clause = "全年办理行政复议案件12,345件，"
    text = clause * 2000  # 36,000 characters, no 。
    spans = [(s.start, s.end) for s in split_sentences(text)]
    _check_pieces(text, spans)
    assert len(spans) >= len(text) // MAX_SENTENCE_CHARS
    # cut after a full-width comma, never inside the figure 12,345
    assert all(text[end - 1] == "，" for _, end in spans)


def test_a_line_without_any_break_is_cut_hard_and_loses_no_character():
    text = "行" * 1234 + "\n" + "政" * 10 + "。"
    spans = [(s.start, s.end) for s in split_sentences(text)]
    _check_pieces(text, spans)
    assert spans == [(0, 500), (500, 1000), (1000, 1234), (1235, 1246)]


def test_figures_in_a_long_unpunctuated_line_are_all_found():
    from fazhi_parse import corpus

    text = "某县2023年法治政府建设年度报告\n" + "全年办理行政复议案件12件，" * 3000

    frames = corpus.parse_texts([("0" * 16, text)])
    figures = frames["mentions"].filter(frames["mentions"]["figure_text"] == "12件")
    assert figures.height == 3000  # the parser folds ， to ',': cuts there, never inside a figure
    assert frames["sentences"]["char_length"].max() <= 500


@given(st.text(alphabet="行政，、 \u3000\n12,件", max_size=1500))
def test_long_runs_are_bounded_and_cover_the_text(text):
    spans = [(s.start, s.end) for s in split_sentences(text)]
    _check_pieces(text, spans)


def test_real_sentences_are_never_cut():
    from pathlib import Path

    from fazhi_parse.sections import MAX_SENTENCE_CHARS

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    longest = max(s.end - s.start for p in seeds.glob("*.txt") for s in split_sentences(p.read_text(encoding="utf-8")))
    assert longest * 2 < MAX_SENTENCE_CHARS
