-- Rates computed from two stated counts of the same report, following
-- seeds/derived_rate_rules.csv: value = 100 * numerator / denominator, in
-- percent rounded to 2 decimals. A count is the report's first stated figure
-- for its metric (and channel). No rate is derived when either count is not
-- exact (余/约/以上...), when the denominator is 0, when the numerator exceeds
-- the denominator (the two figures cannot be of the same scope), or, for
-- mediation, when the two counts come from different channels. When a rate has
-- several possible denominators (e.g. lawsuits concluded, else lawsuits
-- filed), the first usable one by priority is used and named in `basis`.
with counts as (
    select report_id, region_code, report_year, metric_code, channel, value, comparator, fact_id, char_start
    from {{ ref('int_facts_stated') }}
    where measure = 'count'
    qualify row_number() over (
        partition by report_id, metric_code, channel order by char_start, fact_id
    ) = 1
),

candidates as (
    select
        n.report_id,
        n.region_code,
        n.report_year,
        r.metric_code,
        case when r.same_channel then n.channel end as channel,
        r.priority,
        r.numerator_metric,
        n.value as numerator,
        n.fact_id as numerator_fact_id,
        n.char_start as numerator_start,
        r.denominator_metric,
        d.value as denominator,
        d.fact_id as denominator_fact_id,
        d.char_start as denominator_start
    from {{ ref('derived_rate_rules') }} as r
    inner join counts as n on n.metric_code = r.numerator_metric
    inner join counts as d
        on d.report_id = n.report_id
        and d.metric_code = r.denominator_metric
        and (not r.same_channel or d.channel is not distinct from n.channel)
    where n.comparator = '='
      and d.comparator = '='
      and d.value > 0
      and n.value >= 0
      and n.value <= d.value
),

chosen as (
    select *
    from candidates
    qualify row_number() over (
        partition by report_id, metric_code, channel
        order by priority, numerator_start, denominator_start
    ) = 1
)

select
    'derived:' || report_id || ':' || metric_code || coalesce(':' || channel, '') as fact_id,
    report_id,
    region_code,
    report_year,
    metric_code,
    channel,
    round(100.0 * numerator / denominator, 2) as value,
    '=' as comparator,
    numerator_metric,
    numerator,
    numerator_fact_id,
    denominator_metric,
    denominator,
    denominator_fact_id,
    numerator_metric || ' / ' || denominator_metric as basis
from chosen
