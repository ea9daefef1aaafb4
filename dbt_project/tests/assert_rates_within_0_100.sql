-- A rate level is a share: between 0 and 100 percent. (Changes of rates are
-- not levels and are not in fct_metric_values.)

-- Shown in Dagster as a check on fct_metric_values (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'fct_metric_values'}}}) }}

select m.fact_id, m.metric_code, m.value, m.source, m.figure_text
from {{ ref('fct_metric_values') }} as m
inner join {{ ref('dim_metric') }} as d on d.metric_code = m.metric_code
where d.measure = 'rate'
  and (m.value < 0 or m.value > 100)
