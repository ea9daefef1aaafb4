-- A rate level is a share: between 0 and 100 percent. (Changes of rates are
-- not levels and are not in fct_metric_values.)

-- Shown in Dagster as a check on fct_metric_values (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'fct_metric_values'}}}) }}

with metric_values as (
    select * from {{ ref('fct_metric_values') }}
),

metrics as (
    select * from {{ ref('dim_metric') }}
)

select
    metric_values.fact_id,
    metric_values.metric_code,
    metric_values.value,
    metric_values.source,
    metric_values.figure_text
from metric_values
inner join metrics on metric_values.metric_code = metrics.metric_code
where
    metrics.measure = 'rate'
    and (metric_values.value < 0 or metric_values.value > 100)
