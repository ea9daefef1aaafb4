-- Every case count leads back to the same figure in fct_metric_values.

-- Shown in Dagster as a check on fct_cases (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'fct_cases'}}}) }}

select c.fact_id, c.metric_code, c.case_count, m.fact_id as found
from {{ ref('fct_cases') }} as c
left join {{ ref('fct_metric_values') }} as m on m.fact_id = c.fact_id
where m.fact_id is null
   or m.metric_code <> c.metric_code
   or m.value <> c.case_count
   or m.comparator <> c.comparator
