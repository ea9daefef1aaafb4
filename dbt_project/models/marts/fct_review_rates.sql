-- Rates by report, metric, channel and source, stated and derived side by
-- side (all catalog rates, mediation's included). On a stated rate with a
-- derived counterpart, stated_minus_derived_pp says how far the report's own
-- rate is from the one its counts imply. Year-on-year changes of rates are in
-- fct_metric_changes, never here: rate_value is always a rate in percent.
with rate_metrics as (
    select metric_code, domain from {{ ref('dim_metric') }} where measure = 'rate'
),

stated as (
    select
        *,
        row_number() over (
            partition by report_id, metric_code, channel order by char_start, fact_id
        ) as figure_rank
    from {{ ref('int_facts_stated') }}
    where metric_code in (select metric_code from rate_metrics)
),

derived as (
    select * from {{ ref('int_rates_derived') }}
),

unioned as (
    select
        s.report_id, s.region_code, s.report_year, s.metric_code, s.channel,
        s.source, s.figure_rank, s.value as rate_value, s.comparator,
        s.basis_numerator as numerator, s.basis_denominator as denominator,
        cast(null as varchar) as basis,
        round(s.value - d.value, 2) as stated_minus_derived_pp,
        s.fact_id, s.evidence, s.figure_text, s.char_start, s.char_length
    from stated as s
    left join derived as d
        on d.report_id = s.report_id
        and d.metric_code = s.metric_code
        and d.channel is not distinct from s.channel

    union all

    select
        report_id, region_code, report_year, metric_code, channel,
        'derived' as source, 1 as figure_rank, value as rate_value, comparator,
        numerator, denominator, basis,
        cast(null as double) as stated_minus_derived_pp,
        fact_id, cast(null as varchar) as evidence, cast(null as varchar) as figure_text,
        cast(null as bigint) as char_start, cast(null as bigint) as char_length
    from derived
)

select
    u.report_id,
    u.region_code,
    u.report_year,
    u.metric_code,
    m.domain,
    substr(u.metric_code, length(m.domain) + 2) as metric_name,
    'rate' as measure,
    u.channel,
    u.source,
    cast(u.figure_rank as integer) as figure_rank,
    u.rate_value as value,
    u.rate_value,
    u.comparator,
    u.numerator,
    u.denominator,
    u.basis,
    u.stated_minus_derived_pp,
    case
        when u.stated_minus_derived_pp is not null
            then abs(u.stated_minus_derived_pp) > {{ var('rate_gap_threshold_pp', 1) }}
    end as gap_flag,
    u.fact_id,
    u.evidence,
    u.figure_text,
    u.char_start,
    u.char_length
from unioned as u
left join rate_metrics as m on m.metric_code = u.metric_code
order by u.report_id, u.metric_code, u.channel, u.source, u.figure_rank
