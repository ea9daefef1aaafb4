-- Every mention and fact lies inside its sentence and its report's text, and
-- the span there is the figure as printed. Checked against the sentence (a
-- short string) rather than the report's whole text: joining every span to the
-- full text copies that text once per row, which is quadratic on a 20 MB
-- report. That each sentence is the original text at its own offsets is
-- checked in Python by the Dagster asset check on staging/sentences and by
-- the parser's tests.

-- Shown in Dagster as a check on stg_parser__mentions (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'stg_parser__mentions'}}}) }}

with mentions as (
    select * from {{ ref('stg_parser__mentions') }}
),

facts as (
    select * from {{ ref('stg_parser__facts') }}
),

report_files as (
    select * from {{ ref('stg_raw__report_files') }}
),

sentences as (
    select * from {{ ref('stg_parser__sentences') }}
),

spans as (
    select
        'mention' as kind,
        report_id,
        cast(mention_no as varchar) as id,
        sentence_no,
        char_start,
        char_length,
        figure_text
    from mentions
    union all
    select
        'fact' as kind,
        report_id,
        fact_id as id,
        sentence_no,
        char_start,
        char_length,
        figure_text
    from facts
),

lengths as (
    select
        report_id,
        text_length
    from report_files
    where status = 'accepted'
)

select
    spans.kind,
    spans.report_id,
    spans.id,
    spans.sentence_no,
    spans.char_start,
    spans.char_length,
    spans.figure_text,
    lengths.text_length,
    sentences.char_start as sentence_start,
    sentences.char_length as sentence_length
from spans
left join lengths on spans.report_id = lengths.report_id
left join sentences
    on spans.report_id = sentences.report_id and spans.sentence_no = sentences.sentence_no
where
    lengths.text_length is null
    or sentences.sentence_text is null
    or spans.char_start is null
    or spans.char_length is null
    or spans.char_start < 1
    or spans.char_length < 1
    or spans.char_start + spans.char_length - 1 > lengths.text_length
    or spans.char_start < sentences.char_start
    or spans.char_start + spans.char_length > sentences.char_start + sentences.char_length
    or substr(sentences.sentence_text, spans.char_start - sentences.char_start + 1, spans.char_length)
    is distinct from spans.figure_text
