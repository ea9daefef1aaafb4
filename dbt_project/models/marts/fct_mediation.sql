-- Mediation volumes, organizations, people and rates by report, channel and
-- metric (metric_name): stated figures, plus success and resolution rates derived from
-- counts of the same channel.
with metrics as (
    select * from {{ ref('dim_metric') }}
),

facts_stated as (
    select * from {{ ref('int_facts_stated') }}
),

rates_derived as (
    select * from {{ ref('int_rates_derived') }}
),

mediation_metrics as (
    select
        metric_code,
        measure,
        unit
    from metrics
    where fact_table = 'fct_mediation'
),

stated as (
    select
        report_id,
        region_code,
        report_year,
        channel,
        metric_code,
        value,
        unit,
        printed_unit,
        comparator,
        source,
        fact_id,
        evidence,
        figure_text,
        char_start,
        char_length,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        cast(null as varchar) as basis
    from facts_stated
    where fact_table = 'fct_mediation'
),

derived as (
    select
        rates_derived.report_id,
        rates_derived.region_code,
        rates_derived.report_year,
        coalesce(rates_derived.channel, 'general') as channel,
        rates_derived.metric_code,
        rates_derived.value,
        mediation_metrics.unit,
        cast(null as varchar) as printed_unit,
        rates_derived.comparator,
        'derived' as source,
        rates_derived.fact_id,
        cast(null as varchar) as evidence,
        cast(null as varchar) as figure_text,
        cast(null as bigint) as char_start,
        cast(null as bigint) as char_length,
        rates_derived.numerator,
        rates_derived.denominator,
        rates_derived.basis
    from rates_derived
    inner join mediation_metrics on rates_derived.metric_code = mediation_metrics.metric_code
),

unioned as (
    select * from stated
    union all
    select * from derived
),

final as (
    select
        unioned.report_id,
        unioned.region_code,
        unioned.report_year,
        unioned.channel,
        substr(unioned.metric_code, length('mediation.') + 1) as metric_name,
        mediation_metrics.measure,
        cast(row_number() over (
            partition by unioned.report_id, unioned.channel, unioned.metric_code, unioned.source
            order by unioned.char_start, unioned.fact_id
        ) as integer) as figure_rank,
        unioned.metric_code,
        unioned.value,
        case when mediation_metrics.measure = 'count' then cast(round(unioned.value) as bigint) end as count_value,
        case when mediation_metrics.measure = 'rate' then unioned.value end as rate_value,
        unioned.unit,
        unioned.printed_unit,
        unioned.comparator,
        unioned.source,
        unioned.numerator,
        unioned.denominator,
        unioned.basis,
        unioned.fact_id,
        unioned.evidence,
        unioned.figure_text,
        unioned.char_start,
        unioned.char_length
    from unioned
    left join mediation_metrics on unioned.metric_code = mediation_metrics.metric_code
)

select * from final
