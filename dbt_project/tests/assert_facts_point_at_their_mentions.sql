-- A fact classifies a mention: same report, same span, same figure.

-- Shown in Dagster as a check on stg_parser__facts (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'stg_parser__facts'}}}) }}

select f.fact_id, f.report_id, f.mention_no, f.char_start, m.char_start as mention_start
from {{ ref('stg_parser__facts') }} as f
left join {{ ref('stg_parser__mentions') }} as m
    on m.report_id = f.report_id and m.mention_no = f.mention_no
where m.mention_no is null
   or m.char_start <> f.char_start
   or m.char_length <> f.char_length
   or m.figure_text <> f.figure_text
