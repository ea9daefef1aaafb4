-- A fact classifies a mention: same report, same span, same figure.

-- Shown in Dagster as a check on stg_parser__facts (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'stg_parser__facts'}}}) }}

with facts as (
    select * from {{ ref('stg_parser__facts') }}
),

mentions as (
    select * from {{ ref('stg_parser__mentions') }}
)

select
    facts.fact_id,
    facts.report_id,
    facts.mention_no,
    facts.char_start,
    mentions.char_start as mention_start
from facts
left join mentions
    on facts.report_id = mentions.report_id and facts.mention_no = mentions.mention_no
where
    mentions.mention_no is null
    or mentions.char_start <> facts.char_start
    or mentions.char_length <> facts.char_length
    or mentions.figure_text <> facts.figure_text
