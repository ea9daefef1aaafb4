-- One row per distinct figure for a catalog metric: stated figures (already
-- free of changes, breakdown parts, restatements and plans targets, see
-- int_facts_stated) and rates derived from two stated counts. Figures a
-- reviewer corrected have source 'corrected' (the parser's stated row is gone)
-- and keep the parser's reading in original_*; rejected figures are gone too
-- (marts.fct_corrections keeps every correction and what it matched).
with facts_stated as (
    select * from {{ ref('int_facts_stated') }}
),

rates_derived as (
    select * from {{ ref('int_rates_derived') }}
),

stated as (
    select
        fact_id,
        report_id,
        metric_code,
        value,
        measure,
        case when measure = 'count' then cast(round(value) as bigint) end as count_value,
        case when measure = 'rate' then value end as rate_value,
        comparator,
        source,
        channel,
        unit,
        printed_unit,
        region_code,
        report_year,
        evidence,
        clause,
        char_start,
        char_length,
        figure_text,
        rule,
        section_kind,
        times_stated,
        basis_numerator as numerator,
        basis_denominator as denominator,
        cast(null as varchar) as numerator_metric,
        cast(null as varchar) as denominator_metric,
        cast(null as varchar) as basis,
        original_metric_code,
        original_value,
        original_comparator,
        correction_action,
        correction_reason,
        corrected_by,
        page
    from facts_stated
),

derived as (
    select
        fact_id,
        report_id,
        metric_code,
        value,
        'rate' as measure,
        cast(null as bigint) as count_value,
        value as rate_value,
        comparator,
        'derived' as source,
        channel,
        'percent' as unit,
        cast(null as varchar) as printed_unit,
        region_code,
        report_year,
        cast(null as varchar) as evidence,
        cast(null as varchar) as clause,
        cast(null as bigint) as char_start,
        cast(null as bigint) as char_length,
        cast(null as varchar) as figure_text,
        'derived_rate_rules' as rule,
        cast(null as varchar) as section_kind,
        cast(null as integer) as times_stated,
        numerator,
        denominator,
        numerator_metric,
        denominator_metric,
        basis,
        cast(null as varchar) as original_metric_code,
        cast(null as double) as original_value,
        cast(null as varchar) as original_comparator,
        cast(null as varchar) as correction_action,
        cast(null as varchar) as correction_reason,
        cast(null as varchar) as corrected_by,
        cast(null as integer) as page
    from rates_derived
),

final as (
    select * from stated
    union all
    select * from derived
)

select * from final
