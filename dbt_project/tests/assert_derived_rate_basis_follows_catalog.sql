-- Every rule of seeds/derived_rate_rules.csv divides counts of the rate's own
-- domain, and follows the basis the catalog's definition names: a rate
-- defined over concluded cases ("Share of concluded ...") has a concluded
-- count as its denominator, one defined "as a share of accepted" an accepted
-- count, on every fallback too. Rows returned are rules that break this.

-- Shown in Dagster as a check on derived_rate_rules (a test on several nodes needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'derived_rate_rules'}}}) }}
select r.metric_code, r.denominator_metric, m.definition
from {{ ref('derived_rate_rules') }} as r
inner join {{ ref('metric_catalog') }} as m on m.metric_code = r.metric_code
left join {{ ref('metric_catalog') }} as n on n.metric_code = r.numerator_metric
left join {{ ref('metric_catalog') }} as d on d.metric_code = r.denominator_metric
where m.measure <> 'rate'
   or n.measure is distinct from 'count'
   or d.measure is distinct from 'count'
   or n.domain is distinct from m.domain
   or d.domain is distinct from m.domain
   or (lower(m.definition) like '%share of concluded%' and r.denominator_metric not like '%.concluded')
   or (lower(m.definition) like '%share of accepted%' and r.denominator_metric not like '%.accepted')
