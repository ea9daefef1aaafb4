-- Each mission fact table holds only the metrics dim_metric routes to it
-- (fct_review_rates: every rate metric, mediation's included).

-- Shown in Dagster as a check on dim_metric (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'dim_metric'}}}) }}

with cases as (
    select * from {{ ref('fct_cases') }}
),

mediation as (
    select * from {{ ref('fct_mediation') }}
),

review_rates as (
    select * from {{ ref('fct_review_rates') }}
),

metrics as (
    select * from {{ ref('dim_metric') }}
),

placed as (
    select
        'fct_cases' as mart,
        metric_code
    from cases
    union all
    select
        'fct_mediation' as mart,
        metric_code
    from mediation
    union all
    select
        'fct_review_rates' as mart,
        metric_code
    from review_rates
)

select
    placed.mart,
    placed.metric_code,
    metrics.fact_table,
    metrics.measure
from placed
inner join metrics on placed.metric_code = metrics.metric_code
where
    (placed.mart = 'fct_review_rates' and metrics.measure <> 'rate')
    or (placed.mart <> 'fct_review_rates' and metrics.fact_table <> placed.mart)
