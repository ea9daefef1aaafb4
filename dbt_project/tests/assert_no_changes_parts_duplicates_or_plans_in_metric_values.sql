-- fct_metric_values holds levels only: never a year-on-year change, a
-- breakdown part, a figure the parser marked as restated, a plans target, or a
-- figure for another period than the whole reporting year or another scope
-- than the report's region. Reviewers' corrections (source 'corrected') say
-- otherwise on purpose and are not held to the parser's placement.

-- Shown in Dagster as a check on fct_metric_values (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'fct_metric_values'}}}) }}

with metric_values as (
    select * from {{ ref('fct_metric_values') }}
),

facts as (
    select * from {{ ref('stg_parser__facts') }}
)

select
    metric_values.fact_id,
    facts.measure_kind,
    facts.parent_fact_id,
    facts.is_duplicate,
    facts.section_kind,
    facts.period_kind,
    facts.scope
from metric_values
inner join facts on metric_values.fact_id = facts.fact_id
where
    metric_values.source = 'stated'
    and (
        facts.measure_kind <> 'level'
        or facts.parent_fact_id is not null
        or facts.is_duplicate
        or facts.section_kind = 'plans'
        or facts.period_kind <> 'year'
        or facts.scope <> 'region'
    )
