"""Frames from parse_texts: schema, and the row shapes the parser gathers them from."""
from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fazhi_parse import corpus, schema
from fazhi_parse.document import _by_sentence, body_rows, parse_body
from fazhi_parse.numbers import Figure
from fazhi_parse.rows import FACT_ROWS, MENTION_ROWS

TEXT = "XX县2024年法治政府建设情况报告\n一、主要成效\n全年受理行政复议案件57件,审结42件,纠错率8.9%。其中,撤销3件。\n"


def _fig(start: int, end: int) -> Figure:
    return Figure(start, end, start, end, "1", 1.0, "件", "count", "=")


def test_figures_go_to_the_sentence_holding_them_whole():
    starts, ends = [0, 10, 20], [8, 18, 30]
    figures = [_fig(1, 3), _fig(4, 6), _fig(7, 11), _fig(12, 14), _fig(25, 31)]
    assert _by_sentence(figures, starts, ends) == [(0, figures[:2]), (1, [figures[3]])]


# Python type of a value in a column of each polars type (None stands for null in any).
_PY_TYPE = {pl.Utf8: str, pl.Int8: int, pl.Int32: int, pl.Int64: int, pl.Float64: float, pl.Boolean: bool}
# Figures, a change, a rate with its basis and a breakdown part: most fact columns filled.
RICH = TEXT + "全年共受理行政复议案件100件,同比上升12%,审结80件,结案率80%。\n全年办理法律援助案件1,245件,其中刑事案件489件。\n"


def _assert_rows_fit(rows: list[dict], sch: dict) -> None:
    assert rows
    for row in rows:
        assert list(row) == list(sch)
        for name, value in row.items():
            assert value is None or type(value) is _PY_TYPE[sch[name]], (name, value, sch[name])


def test_rows_have_the_schemas_columns_by_name_and_type():
    rows = body_rows("r", RICH)
    assert list(rows.sentences) == list(schema.SENTENCES)
    sentences, mentions, facts = rows.as_dicts()
    for table, sch in ((sentences, schema.SENTENCES), (mentions, schema.MENTIONS), (facts, schema.FACTS)):
        _assert_rows_fit(table, sch)
    filled = {name for fact in facts for name, value in fact.items() if value is not None}
    assert {"change_unit", "parent_fact_id", "breakdown_label", "basis_numerator"} <= filled
    assert [f["figure_text"] for f in parse_body("r", TEXT)[2]] == ["57件", "42件", "8.9%", "3件"]


def test_a_row_is_built_by_column_name_in_schema_order():
    for table, sch in ((MENTION_ROWS, schema.MENTIONS), (FACT_ROWS, schema.FACTS)):
        assert table.names == tuple(sch)
        assert table.row(**{name: name for name in reversed(sch)}) == tuple(sch)


def test_a_row_missing_or_adding_a_column_fails():
    fact = body_rows("r", TEXT).facts[0]
    columns = FACT_ROWS.dicts([fact])[0]
    assert FACT_ROWS.row(**columns) == fact
    with pytest.raises(TypeError):
        FACT_ROWS.row(**{name: v for name, v in columns.items() if name != "scope"})
    with pytest.raises(TypeError):
        FACT_ROWS.row(**columns, region_code="440400")
    with pytest.raises(KeyError):
        FACT_ROWS.replace(fact, region_code="440400")
    frame_columns = FACT_ROWS.columns([fact])
    assert corpus._frame(frame_columns, schema.FACTS).row(0) == fact
    for wrong in ({k: v for k, v in frame_columns.items() if k != "scope"}, {**frame_columns, "extra": ["x"]}):
        with pytest.raises(ValueError):
            corpus._frame(wrong, schema.FACTS)


def test_frames_have_the_schemas_and_one_row_per_item():
    frames = corpus.parse_texts([("a", TEXT), ("b", "没有数字的一句话。")])
    for name, sch in corpus.FRAMES.items():
        assert frames[name].schema == schema.empty(sch).schema
    assert frames["documents"]["report_id"].to_list() == ["a", "b"]
    assert frames["mentions"].filter(report_id="b").height == 0


def test_a_batch_without_figures_gives_empty_frames():
    frames = corpus.parse_texts([("b", "没有数字的一句话。")])
    assert frames["mentions"].height == 0 and frames["mentions"].schema == schema.empty(schema.MENTIONS).schema
    assert frames["facts"].height == 0 and frames["sentences"].height == 1


def _ids_and_sentences(frames) -> tuple[list, list]:
    s = frames["sentences"]
    return frames["documents"]["report_id"].to_list(), list(zip(s["report_id"], s["sentence_no"], s["text"], strict=False))


def test_pooled_parse_orders_rows_by_report_as_a_single_batch_would():
    from concurrent.futures import ThreadPoolExecutor

    texts = [TEXT, "没有数字的一句话。", TEXT.replace("57", "58"), "共受理纠纷12件。其中,调解成功10件。"]
    cases = [
        # unique ids, not in input order: consecutive-id batches, no sort
        [(f"r{k:02d}", texts[k % 4]) for k in (7, 3, 11, 0, 5, 9, 1, 10, 2, 8, 6, 4)],
        # a repeated id with different texts: interleaved batches and a sort
        [("b", texts[0]), ("a", texts[1]), ("b", texts[2]), ("c", texts[3]), ("a", texts[3])],
    ]
    for items in cases:
        single = corpus.parse_texts(items, workers=1)
        with ThreadPoolExecutor(max_workers=2) as pool:
            pooled = corpus.parse_texts(items, workers=2, executor=pool)
        ids, sentences = _ids_and_sentences(pooled)
        assert ids == sorted(r for r, _ in items)
        assert [row[:2] for row in sentences] == sorted(row[:2] for row in sentences)
        assert sorted(sentences) == sorted(_ids_and_sentences(single)[1])
        for name in corpus.FRAMES:
            assert pooled[name].height == single[name].height


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(1, 6)), max_size=6),
    st.lists(st.tuples(st.integers(0, 4), st.integers(1, 4)), max_size=6),
)
def test_each_figure_goes_to_the_one_sentence_holding_it_whole(gaps_and_sentences, gaps_and_figures):
    def spans(pairs):
        out, pos = [], 0
        for gap, length in pairs:
            out.append((pos + gap, pos + gap + length))
            pos += gap + length
        return out

    sentences = spans(gaps_and_sentences)
    figures = [_fig(a, b) for a, b in spans(gaps_and_figures)]
    expected: dict[int, list[Figure]] = {}
    for f in figures:
        for k, (a, b) in enumerate(sentences):
            if a <= f.start and f.end <= b:
                expected.setdefault(k, []).append(f)
    starts, ends = [a for a, _ in sentences], [b for _, b in sentences]
    assert _by_sentence(figures, starts, ends) == sorted(expected.items())


def test_a_batch_leaves_the_collector_as_it_found_it_and_makes_no_cycles():
    """_parse_batch pauses the cyclic collector, which is only safe while parsing makes no reference cycles."""
    import gc

    corpus._parse_batch([("r", TEXT)])
    gc.collect()
    assert gc.isenabled()
    gc.disable()
    try:
        corpus._parse_batch([("r", TEXT), ("s", TEXT.replace("57", "58"))])
        assert not gc.isenabled()
        assert gc.collect() == 0  # nothing unreachable: the parse freed all it made
    finally:
        gc.enable()
    corpus._parse_batch([("r", TEXT)])
    assert gc.isenabled()
