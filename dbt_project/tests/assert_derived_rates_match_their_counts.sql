-- A derived rate is 100 * numerator / denominator of two exact stated counts
-- of the same report that are themselves in fct_metric_values.

-- Shown in Dagster as a check on fct_metric_values (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'fct_metric_values'}}}) }}

select d.fact_id, d.value, d.numerator, d.denominator, n.value as n_value, q.value as d_value
from {{ ref('int_rates_derived') }} as d
left join {{ ref('fct_metric_values') }} as n on n.fact_id = d.numerator_fact_id
left join {{ ref('fct_metric_values') }} as q on q.fact_id = d.denominator_fact_id
where n.fact_id is null
   or q.fact_id is null
   or n.report_id <> d.report_id
   or q.report_id <> d.report_id
   or n.metric_code <> d.numerator_metric
   or q.metric_code <> d.denominator_metric
   or n.value <> d.numerator
   or q.value <> d.denominator
   or n.comparator <> '='
   or q.comparator <> '='
   or d.denominator <= 0
   or abs(d.value - round(100.0 * d.numerator / d.denominator, 2)) > 0.001
