-- Every rule of seeds/derived_rate_rules.csv divides counts of the rate's own
-- domain, and follows the basis the catalog's definition names: a rate
-- defined over concluded cases ("Share of concluded ...") has a concluded
-- count as its denominator, one defined "as a share of accepted" an accepted
-- count, on every fallback too. Rows returned are rules that break this.

-- Shown in Dagster as a check on derived_rate_rules (a test on several nodes needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'derived_rate_rules'}}}) }}
with derived_rate_rules as (
    select * from {{ ref('derived_rate_rules') }}
),

metric_catalog as (
    select * from {{ ref('metric_catalog') }}
)

select
    rules.metric_code,
    rules.denominator_metric,
    rates.definition
from derived_rate_rules as rules
inner join metric_catalog as rates on rules.metric_code = rates.metric_code
left join metric_catalog as numerators on rules.numerator_metric = numerators.metric_code
left join metric_catalog as denominators on rules.denominator_metric = denominators.metric_code
where
    rates.measure <> 'rate'
    or numerators.measure is distinct from 'count'
    or denominators.measure is distinct from 'count'
    or numerators.domain is distinct from rates.domain
    or denominators.domain is distinct from rates.domain
    or (lower(rates.definition) like '%share of concluded%' and rules.denominator_metric not like '%.concluded')
    or (lower(rates.definition) like '%share of accepted%' and rules.denominator_metric not like '%.accepted')
