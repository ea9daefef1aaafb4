-- Every metric code the parser emits and the marts hold is in the catalog
-- (dim_metric), so nothing is silently dropped by a join on it.

-- Shown in Dagster as a check on dim_metric (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'dim_metric'}}}) }}

with facts as (
    select * from {{ ref('stg_parser__facts') }}
),

mentions as (
    select * from {{ ref('stg_parser__mentions') }}
),

metric_values as (
    select * from {{ ref('fct_metric_values') }}
),

cases as (
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

used as (
    select
        'staging.facts' as used_in,
        metric_code
    from facts
    union all
    select
        'staging.mentions' as used_in,
        metric_code
    from mentions
    where metric_code is not null
    union all
    select
        'fct_metric_values' as used_in,
        metric_code
    from metric_values
    union all
    select
        'fct_cases' as used_in,
        metric_code
    from cases
    union all
    select
        'fct_mediation' as used_in,
        metric_code
    from mediation
    union all
    select
        'fct_review_rates' as used_in,
        metric_code
    from review_rates
)

select
    used_in,
    metric_code,
    count(*) as n_rows
from used
where
    metric_code is null
    or metric_code not in (select metrics.metric_code from metrics)
group by all
