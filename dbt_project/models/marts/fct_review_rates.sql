-- Rates by report, metric, channel and source, stated and derived side by
-- side (all catalog rates, mediation's included). On a stated rate with a
-- derived counterpart, stated_minus_derived_pp says how far the report's own
-- rate is from the one its counts imply. Year-on-year changes of rates are in
-- fct_metric_changes, never here: rate_value is always a rate in percent.
with metrics as (
    select * from {{ ref('dim_metric') }}
),

facts_stated as (
    select * from {{ ref('int_facts_stated') }}
),

rates_derived as (
    select * from {{ ref('int_rates_derived') }}
),

rate_metrics as (
    select
        metric_code,
        domain
    from metrics
    where measure = 'rate'
),

stated as (
    select
        *,
        row_number() over (
            partition by report_id, metric_code, channel order by char_start, fact_id
        ) as figure_rank
    from facts_stated
    where metric_code in (select rate_metrics.metric_code from rate_metrics)
),

stated_beside_derived as (
    select
        stated.report_id,
        stated.region_code,
        stated.report_year,
        stated.metric_code,
        stated.channel,
        stated.source,
        stated.figure_rank,
        stated.value as rate_value,
        stated.comparator,
        stated.basis_numerator as numerator,
        stated.basis_denominator as denominator,
        cast(null as varchar) as basis,
        round(stated.value - rates_derived.value, 2) as stated_minus_derived_pp,
        stated.fact_id,
        stated.evidence,
        stated.figure_text,
        stated.char_start,
        stated.char_length
    from stated
    left join rates_derived
        on
            stated.report_id = rates_derived.report_id
            and stated.metric_code = rates_derived.metric_code
            and stated.channel is not distinct from rates_derived.channel
),

derived as (
    select
        report_id,
        region_code,
        report_year,
        metric_code,
        channel,
        'derived' as source,
        1 as figure_rank,
        value as rate_value,
        comparator,
        numerator,
        denominator,
        basis,
        cast(null as double) as stated_minus_derived_pp,
        fact_id,
        cast(null as varchar) as evidence,
        cast(null as varchar) as figure_text,
        cast(null as bigint) as char_start,
        cast(null as bigint) as char_length
    from rates_derived
),

unioned as (
    select * from stated_beside_derived
    union all
    select * from derived
),

final as (
    select
        unioned.report_id,
        unioned.region_code,
        unioned.report_year,
        unioned.metric_code,
        rate_metrics.domain,
        substr(unioned.metric_code, length(rate_metrics.domain) + 2) as metric_name,
        'rate' as measure,
        unioned.channel,
        unioned.source,
        cast(unioned.figure_rank as integer) as figure_rank,
        unioned.rate_value as value,
        unioned.rate_value,
        unioned.comparator,
        unioned.numerator,
        unioned.denominator,
        unioned.basis,
        unioned.stated_minus_derived_pp,
        case
            when unioned.stated_minus_derived_pp is not null
                then abs(unioned.stated_minus_derived_pp) > {{ var('rate_gap_threshold_pp', 1) }}
        end as gap_flag,
        unioned.fact_id,
        unioned.evidence,
        unioned.figure_text,
        unioned.char_start,
        unioned.char_length
    from unioned
    left join rate_metrics on unioned.metric_code = rate_metrics.metric_code
)

select * from final
