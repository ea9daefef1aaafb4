-- Mediation volumes, organizations, people and rates by report, channel and
-- metric (metric_name): stated figures, plus success and resolution rates derived from
-- counts of the same channel.
with mediation_metrics as (
    select metric_code, measure, unit
    from {{ ref('dim_metric') }}
    where fact_table = 'fct_mediation'
),

stated as (
    select
        report_id, region_code, report_year, channel, metric_code, value, unit, printed_unit,
        comparator, source, fact_id, evidence, figure_text, char_start, char_length,
        cast(null as double) as numerator, cast(null as double) as denominator,
        cast(null as varchar) as basis
    from {{ ref('int_facts_stated') }}
    where fact_table = 'fct_mediation'
),

derived as (
    select
        d.report_id, d.region_code, d.report_year, coalesce(d.channel, 'general') as channel,
        d.metric_code, d.value, m.unit, cast(null as varchar) as printed_unit,
        d.comparator, 'derived' as source, d.fact_id, cast(null as varchar) as evidence,
        cast(null as varchar) as figure_text, cast(null as bigint) as char_start,
        cast(null as bigint) as char_length, d.numerator, d.denominator, d.basis
    from {{ ref('int_rates_derived') }} as d
    inner join mediation_metrics as m on m.metric_code = d.metric_code
),

unioned as (
    select * from stated
    union all
    select * from derived
)

select
    u.report_id,
    u.region_code,
    u.report_year,
    u.channel,
    substr(u.metric_code, length('mediation.') + 1) as metric_name,
    m.measure,
    cast(row_number() over (
        partition by u.report_id, u.channel, u.metric_code, u.source
        order by u.char_start, u.fact_id
    ) as integer) as figure_rank,
    u.metric_code,
    u.value,
    case when m.measure = 'count' then cast(round(u.value) as bigint) end as count_value,
    case when m.measure = 'rate' then u.value end as rate_value,
    u.unit,
    u.printed_unit,
    u.comparator,
    u.source,
    u.numerator,
    u.denominator,
    u.basis,
    u.fact_id,
    u.evidence,
    u.figure_text,
    u.char_start,
    u.char_length
from unioned as u
left join mediation_metrics as m on m.metric_code = u.metric_code
order by u.report_id, u.channel, u.metric_code, u.source desc, figure_rank
