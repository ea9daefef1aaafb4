-- fct_metric_values holds levels only: never a year-on-year change, a
-- breakdown part, a figure the parser marked as restated, a plans target, or a
-- figure for another period than the whole reporting year or another scope
-- than the report's region. Reviewers' corrections (source 'corrected') say
-- otherwise on purpose and are not held to the parser's placement.

-- Shown in Dagster as a check on fct_metric_values (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'fct_metric_values'}}}) }}

select m.fact_id, f.measure_kind, f.parent_fact_id, f.is_duplicate, f.section_kind, f.period_kind, f.scope
from {{ ref('fct_metric_values') }} as m
inner join {{ ref('stg_parser__facts') }} as f on f.fact_id = m.fact_id
where m.source = 'stated'
  and (
    f.measure_kind <> 'level'
    or f.parent_fact_id is not null
    or f.is_duplicate
    or f.section_kind = 'plans'
    or f.period_kind <> 'year'
    or f.scope <> 'region'
  )
