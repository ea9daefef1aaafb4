-- Each mission fact table holds only the metrics dim_metric routes to it
-- (fct_review_rates: every rate metric, mediation's included).

-- Shown in Dagster as a check on dim_metric (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'dim_metric'}}}) }}

with placed as (
    select 'fct_cases' as mart, metric_code from {{ ref('fct_cases') }}
    union all
    select 'fct_mediation', metric_code from {{ ref('fct_mediation') }}
    union all
    select 'fct_review_rates', metric_code from {{ ref('fct_review_rates') }}
)

select p.mart, p.metric_code, d.fact_table, d.measure
from placed as p
inner join {{ ref('dim_metric') }} as d on d.metric_code = p.metric_code
where (p.mart = 'fct_review_rates' and d.measure <> 'rate')
   or (p.mart <> 'fct_review_rates' and d.fact_table <> p.mart)
