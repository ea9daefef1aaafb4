-- Every case count leads back to the same figure in fct_metric_values.

-- Shown in Dagster as a check on fct_cases (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'fct_cases'}}}) }}

with cases as (
    select * from {{ ref('fct_cases') }}
),

metric_values as (
    select * from {{ ref('fct_metric_values') }}
)

select
    cases.fact_id,
    cases.metric_code,
    cases.case_count,
    metric_values.fact_id as found
from cases
left join metric_values on cases.fact_id = metric_values.fact_id
where
    metric_values.fact_id is null
    or metric_values.metric_code <> cases.metric_code
    or metric_values.value <> cases.case_count
    or metric_values.comparator <> cases.comparator
