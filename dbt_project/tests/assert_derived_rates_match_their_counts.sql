-- A derived rate is 100 * numerator / denominator of two exact stated counts
-- of the same report that are themselves in fct_metric_values.

-- Shown in Dagster as a check on fct_metric_values (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'fct_metric_values'}}}) }}

with rates_derived as (
    select * from {{ ref('int_rates_derived') }}
),

metric_values as (
    select * from {{ ref('fct_metric_values') }}
)

select
    derived.fact_id,
    derived.value,
    derived.numerator,
    derived.denominator,
    numerators.value as n_value,
    denominators.value as d_value
from rates_derived as derived
left join metric_values as numerators on derived.numerator_fact_id = numerators.fact_id
left join metric_values as denominators on derived.denominator_fact_id = denominators.fact_id
where
    numerators.fact_id is null
    or denominators.fact_id is null
    or numerators.report_id <> derived.report_id
    or denominators.report_id <> derived.report_id
    or numerators.metric_code <> derived.numerator_metric
    or denominators.metric_code <> derived.denominator_metric
    or numerators.value <> derived.numerator
    or denominators.value <> derived.denominator
    or numerators.comparator <> '='
    or denominators.comparator <> '='
    or derived.denominator <= 0
    or abs(derived.value - round(100.0 * derived.numerator / derived.denominator, 2)) > 0.001
