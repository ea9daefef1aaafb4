-- Every mention and fact lies inside its sentence and its report's text, and
-- the span there is the figure as printed. Checked against the sentence (a
-- short string) rather than the report's whole text: joining every span to the
-- full text copies that text once per row, which is quadratic on a 20 MB
-- report. That each sentence is the original text at its own offsets is
-- checked in Python by the Dagster asset check on staging/sentences and by
-- the parser's tests.

-- Shown in Dagster as a check on stg_parser__mentions (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'stg_parser__mentions'}}}) }}

with spans as (
    select 'mention' as kind, report_id, cast(mention_no as varchar) as id, sentence_no,
           char_start, char_length, figure_text
    from {{ ref('stg_parser__mentions') }}
    union all
    select 'fact', report_id, fact_id, sentence_no, char_start, char_length, figure_text
    from {{ ref('stg_parser__facts') }}
),

lengths as (
    select report_id, text_length
    from {{ ref('stg_raw__report_files') }}
    where status = 'accepted'
)

select s.*, l.text_length, t.char_start as sentence_start, t.char_length as sentence_length
from spans as s
left join lengths as l on l.report_id = s.report_id
left join {{ ref('stg_parser__sentences') }} as t
    on t.report_id = s.report_id and t.sentence_no = s.sentence_no
where l.text_length is null
   or t.sentence_text is null
   or s.char_start is null
   or s.char_length is null
   or s.char_start < 1
   or s.char_length < 1
   or s.char_start + s.char_length - 1 > l.text_length
   or s.char_start < t.char_start
   or s.char_start + s.char_length > t.char_start + t.char_length
   or substr(t.sentence_text, s.char_start - t.char_start + 1, s.char_length) is distinct from s.figure_text
