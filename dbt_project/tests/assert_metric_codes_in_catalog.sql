-- Every metric code the parser emits and the marts hold is in the catalog
-- (dim_metric), so nothing is silently dropped by a join on it.

-- Shown in Dagster as a check on dim_metric (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'dim_metric'}}}) }}

with used as (
    select 'staging.facts' as used_in, metric_code from {{ ref('stg_parser__facts') }}
    union all
    select 'staging.mentions', metric_code from {{ ref('stg_parser__mentions') }} where metric_code is not null
    union all
    select 'fct_metric_values', metric_code from {{ ref('fct_metric_values') }}
    union all
    select 'fct_cases', metric_code from {{ ref('fct_cases') }}
    union all
    select 'fct_mediation', metric_code from {{ ref('fct_mediation') }}
    union all
    select 'fct_review_rates', metric_code from {{ ref('fct_review_rates') }}
)

select used_in, metric_code, count(*) as n_rows
from used
where metric_code is null
   or metric_code not in (select metric_code from {{ ref('dim_metric') }})
group by all
