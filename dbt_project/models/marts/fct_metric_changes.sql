-- Year-on-year changes the reports state (同比上升5%, 下降2个百分点), for
-- every catalog metric, counts and rates alike: kept in their own table so no
-- value column of another mart ever holds a change. change_value is signed
-- by the direction word; change_unit says percent (relative) or points.
with facts_changes as (
    select * from {{ ref('int_facts_changes') }}
),

final as (
    select
        facts_changes.fact_id,
        facts_changes.report_id,
        facts_changes.region_code,
        facts_changes.report_year,
        facts_changes.metric_code,
        facts_changes.domain,
        substr(facts_changes.metric_code, length(facts_changes.domain) + 2) as metric_name,
        facts_changes.measure,
        facts_changes.channel,
        cast(row_number() over (
            partition by facts_changes.report_id, facts_changes.metric_code, facts_changes.channel
            order by facts_changes.char_start, facts_changes.fact_id
        ) as integer) as figure_rank,
        facts_changes.signed_change as change_value,
        facts_changes.change_value as printed_change,
        facts_changes.change_direction,
        facts_changes.change_unit,
        facts_changes.comparator,
        facts_changes.section_kind,
        facts_changes.rule,
        facts_changes.evidence,
        facts_changes.clause,
        facts_changes.figure_text,
        facts_changes.char_start,
        facts_changes.char_length
    from facts_changes
)

select * from final
