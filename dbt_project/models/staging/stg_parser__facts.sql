-- Classified figures. Cleaning only: mediation figures without a channel are
-- 'general' (so channel can be compared and grouped), nullable flags made
-- two-valued.
with facts as (
    select * from {{ source('parser', 'facts') }}
),

final as (
    select
        fact_id,
        report_id,
        cast(mention_no as integer) as mention_no,
        cast(sentence_no as integer) as sentence_no,
        metric_code,
        split_part(metric_code, '.', 1) as metric_domain,
        cast(value as double) as value,
        comparator,
        unit as printed_unit,
        measure_kind,
        change_unit,
        case
            when metric_code like 'mediation.%' then coalesce(channel, 'general')
            else channel
        end as channel,
        parent_fact_id,
        breakdown_label,
        basis_numerator,
        basis_denominator,
        coalesce(section_kind, 'body') as section_kind,
        coalesce(is_duplicate, false) as is_duplicate,
        rule,
        evidence,
        clause,
        cast(char_start as bigint) as char_start,
        cast(char_length as bigint) as char_length,
        figure_text,
        period_kind,
        period_text,
        scope
    from facts
)

select * from final
